//! Running the server: logging, the listener, the sweep, graceful shutdown.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use tessera_server::{AppState, Clock, Config};
use tessera_store::Store;
use tracing_subscriber::EnvFilter;

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
pub async fn run(store: Store, listen: &str, config: Config, sweep_every: Duration) -> anyhow::Result<()> {
    let state = AppState::new(store.clone(), Clock::system(), config);
    let sweeper = tessera_server::spawn_sweeper(state.clone(), sweep_every);
    let upkeep = tessera_server::telemetry::spawn_upkeep(Duration::from_secs(10));
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "Tessera is listening");
    println!("Tessera is listening on http://{addr}");
    // The peer's address feeds the sign-in throttle.
    axum::serve(
        listener,
        tessera_server::app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await?;
    sweeper.abort();
    upkeep.abort();
    store.close().await;
    tracing::info!("stopped");
    Ok(())
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
