//! A webhook receiver for the load tool: answers every delivery 204 and
//! counts them, as a fast endpoint would.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Counts what arrived.
#[derive(Clone, Default)]
pub struct Receiver {
    count: Arc<AtomicU64>,
}

impl Receiver {
    /// Deliveries so far.
    pub fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }
}

async fn receive(
    axum::extract::State(r): axum::extract::State<Receiver>,
    _body: axum::body::Bytes,
) -> axum::http::StatusCode {
    r.count.fetch_add(1, Ordering::Relaxed);
    axum::http::StatusCode::NO_CONTENT
}

/// Starts a receiver on a free port; it and its URL.
pub async fn start() -> anyhow::Result<(Receiver, String)> {
    let r = Receiver::default();
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(receive))
        .with_state(r.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((r, format!("http://{addr}/hook")))
}
