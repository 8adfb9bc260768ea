//! Running the server: logging, the listener, the sweep, graceful shutdown.

use std::pin::pin;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::extract::ConnectInfo;
use hyper::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tessera_server::{AppState, Clock, Config};
use tessera_store::Store;
use tokio::net::TcpListener;
use tower::ServiceExt;
use tracing_subscriber::EnvFilter;

/// The longest shutdown waits for requests in flight, so a stuck client
/// cannot hold it forever.
const DRAIN_LIMIT: Duration = Duration::from_secs(30);

/// How long to back off after a failed accept (e.g. out of file descriptors).
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// Structured logs: `RUST_LOG` picks the level (default `info`).
pub fn init_logging(format: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// Serves until SIGINT or SIGTERM, then finishes in-flight requests.
/// A client gets `header_read_timeout` to send each request's headers.
pub async fn run(
    store: Store,
    listen: &str,
    config: Config,
    sweep_every: Duration,
    header_read_timeout: Duration,
) -> anyhow::Result<()> {
    let listener = TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    let addr = listener.local_addr()?;
    let mut config = config;
    if config.public_url.is_empty() {
        config.public_url = format!("http://{addr}");
    }
    let state = AppState::new(store.clone(), Clock::system(), config);
    let sweeper = tessera_server::spawn_sweeper(state.clone(), sweep_every);
    let dispatcher = tessera_server::spawn_dispatcher(state.clone());
    let upkeep = tessera_server::telemetry::spawn_upkeep(Duration::from_secs(10));
    tracing::info!(%addr, "Tessera is listening");
    println!("Tessera is listening on http://{addr}");
    serve(listener, tessera_server::app(state), header_read_timeout).await;
    sweeper.abort();
    dispatcher.abort();
    upkeep.abort();
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Accepts connections until the shutdown signal, then drains them.
async fn serve(listener: TcpListener, app: Router, header_read_timeout: Duration) {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    // Without a timer hyper never times out reading headers: a client
    // sending half a request (slowloris) would hold its connection forever.
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout)
        .keep_alive(true);
    let graceful = GracefulShutdown::new();
    let mut signal = pin!(shutdown());
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // The peer gave up before we took it: nothing is wrong here.
                Err(e) if is_connection_error(&e) => continue,
                // Out of file descriptors and the like: wait for some to free up.
                Err(e) => {
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
            () = &mut signal => break,
        };
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!(%peer, error = %e, "TCP_NODELAY not set");
        }
        // The peer's address feeds the sign-in throttle.
        let app = app.clone();
        let service = TowerToHyperService::new(tower::service_fn(move |mut req: Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            app.clone().oneshot(req)
        }));
        let watcher = graceful.watcher();
        let builder = builder.clone();
        tokio::spawn(async move {
            // The auto builder waits for the first bytes (to tell HTTP/1 from
            // HTTP/2) before hyper's header timer starts: a client that
            // connects and says nothing gets the same deadline. (`peek`, as
            // `readable` is ready at once on a fresh socket.)
            let first_bytes = tokio::time::timeout(header_read_timeout, stream.peek(&mut [0; 1])).await;
            if !matches!(first_bytes, Ok(Ok(n)) if n > 0) {
                return;
            }
            let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
            if let Err(e) = watcher.watch(conn).await {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
        });
    }
    // Refuse new connections while the open ones finish.
    drop(listener);
    if tokio::time::timeout(DRAIN_LIMIT, graceful.shutdown()).await.is_err() {
        tracing::warn!(limit = ?DRAIN_LIMIT, "connections still open at the drain limit; closing them");
    }
}

/// Errors of one incoming connection, not of the listener.
fn is_connection_error(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    matches!(e.kind(), ConnectionAborted | ConnectionRefused | ConnectionReset)
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down: finishing requests in flight");
}
