//! Serving a router until shutdown, with the layers every service shares:
//! request ids, a trace span per request that continues the caller's trace,
//! and a graceful drain on SIGTERM or Ctrl-C.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// Tells every server of the process to stop accepting and drain.
#[derive(Clone, Default)]
pub struct Shutdown(CancellationToken);

impl Shutdown {
    pub fn new() -> Self {
        Self::default()
    }

    /// A shutdown that fires on SIGTERM or Ctrl-C.
    pub fn on_signals() -> Self {
        let shutdown = Self::new();
        let trigger = shutdown.clone();
        tokio::spawn(async move {
            wait_for_signal().await;
            tracing::info!("shutdown requested; draining requests in flight");
            trigger.trigger();
        });
        shutdown
    }

    pub fn trigger(&self) {
        self.0.cancel();
    }

    pub async fn wait(&self) {
        self.0.cancelled().await;
    }

    pub fn is_triggered(&self) -> bool {
        self.0.is_cancelled()
    }
}

async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

/// Adds the layers every service shares around its routes.
pub fn instrument(router: Router, service: &'static str) -> Router {
    let trace = TraceLayer::new_for_http().make_span_with(move |request: &Request| {
        let span = tracing::info_span!(
            "request",
            otel.name = %format!("{} {}", request.method(), request.uri().path()),
            congxa.service = service,
            http.request.method = %request.method(),
            url.path = %request.uri().path(),
            request_id = request
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or(""),
        );
        congxa_telemetry::set_parent_from(&span, request.headers());
        span
    });
    router
        .layer(trace)
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

/// Serves `router` on `listener` until `shutdown` fires, then lets requests
/// in flight finish for at most `drain`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: Shutdown,
    drain: Duration,
) -> std::io::Result<()> {
    let address = listener.local_addr()?;
    tracing::info!(%address, "listening");
    let stop = shutdown.clone();
    let server = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move { stop.wait().await });
    tokio::select! {
        result = server => result,
        () = async { shutdown.wait().await; tokio::time::sleep(drain).await } => {
            tracing::warn!(%address, "requests still running after the drain time were cut off");
            Ok(())
        }
    }
}
