//! Logs and traces: structured logs always, OpenTelemetry traces over OTLP
//! when the standard `OTEL_EXPORTER_OTLP_ENDPOINT` is set, and W3C trace
//! context carried across every call between services.

use anyhow::Context as _;
use opentelemetry::propagation::{Extractor, Injector, TextMapPropagator};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{Protocol, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Keeps the trace exporter alive; `shutdown` flushes the spans still queued.
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Flushes and stops the exporter. Called last, after the servers drained.
    pub fn shutdown(self) {
        if let Some(provider) = self.provider
            && let Err(error) = provider.shutdown()
        {
            tracing::warn!(%error, "could not flush the last traces");
        }
    }
}

/// Sets up logging and, when configured, trace export for this process.
///
/// `service` names the process in traces (`congxa-gateway`, or `congxa` when
/// one process runs every service); `OTEL_SERVICE_NAME` overrides it. Logs
/// follow `RUST_LOG` (default `info`); `CONGXA_LOG_FORMAT=json` writes JSON.
pub fn init(service: &str) -> anyhow::Result<Telemetry> {
    // RUST_LOG filters the logs only: traces keep every span at info level
    // and above, so quiet logs never cost a request its trace.
    let filter = || EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("CONGXA_LOG_FORMAT").is_ok_and(|v| v == "json");
    let fmt_json = json.then(|| {
        tracing_subscriber::fmt::layer()
            .json()
            .with_filter(filter())
    });
    let fmt_text = (!json).then(|| tracing_subscriber::fmt::layer().with_filter(filter()));

    let provider = match std::env::var("OTEL_EXPORTER_OTLP_ENDPOINT") {
        Ok(endpoint) if !endpoint.trim().is_empty() => Some(tracer_provider(service, &endpoint)?),
        _ => None,
    };
    let otel = provider.as_ref().map(|p| {
        tracing_opentelemetry::layer()
            .with_tracer(p.tracer("congxa"))
            .with_filter(LevelFilter::INFO)
    });
    opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());

    tracing_subscriber::registry()
        .with(fmt_json)
        .with(fmt_text)
        .with(otel)
        .try_init()
        .context("logging was already set up in this process")?;
    Ok(Telemetry { provider })
}

fn tracer_provider(service: &str, endpoint: &str) -> anyhow::Result<SdkTracerProvider> {
    // The standard variable picks the encoding; both are plain HTTP.
    let protocol = match std::env::var("OTEL_EXPORTER_OTLP_PROTOCOL").as_deref() {
        Ok("http/json") => Protocol::HttpJson,
        _ => Protocol::HttpBinary,
    };
    // The SDK appends /v1/traces only when it reads the endpoint itself.
    let traces_endpoint = std::env::var("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        .unwrap_or_else(|_| format!("{}/v1/traces", endpoint.trim_end_matches('/')));
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(protocol)
        .with_endpoint(traces_endpoint)
        .build()
        .context("cannot build the OTLP trace exporter")?;
    let name = std::env::var("OTEL_SERVICE_NAME").unwrap_or_else(|_| service.to_owned());
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(Resource::builder().with_service_name(name).build())
        .build())
}

/// Writes the current span's trace context into outgoing request headers.
pub fn inject_context(headers: &mut http::HeaderMap) {
    let context = tracing::Span::current().context();
    TraceContextPropagator::new().inject_context(&context, &mut HeaderInjector(headers));
}

/// Makes `span` a child of the trace context in incoming request headers,
/// if there is one.
pub fn set_parent_from(span: &tracing::Span, headers: &http::HeaderMap) {
    let parent = TraceContextPropagator::new().extract(&HeaderExtractor(headers));
    // A span that is already closed or not recorded has nothing to link.
    let _ = span.set_parent(parent);
}

struct HeaderInjector<'a>(&'a mut http::HeaderMap);

impl Injector for HeaderInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(key.as_bytes()),
            http::HeaderValue::from_str(&value),
        ) {
            self.0.insert(name, value);
        }
    }
}

struct HeaderExtractor<'a>(&'a http::HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|k| k.as_str()).collect()
    }
}
