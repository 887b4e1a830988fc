//! `/healthz` (the process is alive) and `/readyz` (its dependencies answer),
//! mounted outside every other middleware so probes stay cheap.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use serde_json::{Map, Value, json};

/// One named dependency check; resolves to whether it answered.
pub type Check = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = bool> + Send>> + Send + Sync>;

/// Builds a check from an async closure.
pub fn check<F, Fut>(f: F) -> Check
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send + 'static,
{
    Arc::new(move || Box::pin(f()))
}

/// The health routes of a service with its named dependency checks.
pub fn router(service: &'static str, checks: Vec<(&'static str, Check)>) -> Router {
    let checks = Arc::new(checks);
    Router::new()
        .route(
            "/healthz",
            get(move || async move { Json(json!({ "service": service, "status": "ok" })) }),
        )
        .route(
            "/readyz",
            get(move || {
                let checks = checks.clone();
                async move {
                    let mut results = Map::new();
                    let mut ready = true;
                    for (name, check) in checks.iter() {
                        let ok = check().await;
                        ready &= ok;
                        results.insert((*name).to_owned(), Value::Bool(ok));
                    }
                    let status = if ready {
                        StatusCode::OK
                    } else {
                        StatusCode::SERVICE_UNAVAILABLE
                    };
                    let body = json!({ "service": service, "ready": ready, "checks": results });
                    (status, Json(body))
                }
            }),
        )
}
