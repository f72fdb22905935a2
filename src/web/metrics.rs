//! Prometheus metrics, recorded through the `metrics` facade and rendered
//! by `metrics-exporter-prometheus`. Recording is a no-op until
//! [`install`] sets the process's recorder (`serve --metrics-addr`); the
//! text is served by [`router`] on its own listener only, never on the
//! public one.

use std::sync::OnceLock;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::get;
use metrics::{
    Unit, counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram,
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::search::Engine;

pub const REQUESTS: &str = "signpost_http_requests_total";
pub const DURATION: &str = "signpost_http_request_duration_seconds";
pub const SEARCHES: &str = "signpost_searches_total";
pub const ZERO_RESULT_SEARCHES: &str = "signpost_zero_result_searches_total";
pub const ENTRIES: &str = "signpost_entries";
pub const INDEX_INFO: &str = "signpost_index_info";
pub const RELOADS: &str = "signpost_reloads_total";
pub const FAILED_RELOADS: &str = "signpost_reload_failures_total";
pub const LAST_GOOD_RELOAD: &str = "signpost_last_good_reload_timestamp_seconds";

/// Latency buckets, in seconds: searches take about a millisecond, so the
/// low end is fine-grained.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

static HANDLE: OnceLock<Result<PrometheusHandle, String>> = OnceLock::new();

/// Installs the Prometheus recorder for this process (once; later calls
/// return the same handle).
pub fn install() -> Result<PrometheusHandle, String> {
    HANDLE
        .get_or_init(|| {
            let handle = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full(DURATION.to_string()), &BUCKETS)
                .map_err(|e| e.to_string())?
                .install_recorder()
                .map_err(|e| e.to_string())?;
            describe();
            Ok(handle)
        })
        .clone()
}

fn describe() {
    describe_counter!(REQUESTS, "HTTP requests answered, by route and status.");
    describe_histogram!(
        DURATION,
        Unit::Seconds,
        "Time to answer an HTTP request, by route."
    );
    describe_counter!(
        SEARCHES,
        "Searches made, through the API or the search page."
    );
    describe_counter!(ZERO_RESULT_SEARCHES, "Searches that found nothing.");
    describe_gauge!(ENTRIES, "Entries in the index being served.");
    describe_gauge!(
        INDEX_INFO,
        "The index version being served (1) and earlier ones (0)."
    );
    describe_counter!(RELOADS, "Content reloads under --watch, successful or not.");
    describe_counter!(
        FAILED_RELOADS,
        "Content reloads that failed; the last good index kept serving."
    );
    describe_gauge!(
        LAST_GOOD_RELOAD,
        Unit::Seconds,
        "Unix time the serving index was put in service."
    );
}

/// The metrics listener's routes: `/metrics` and nothing else.
pub fn router(handle: PrometheusHandle) -> Router {
    Router::new().route(
        "/metrics",
        get(move || {
            let handle = handle.clone();
            async move {
                handle.run_upkeep();
                (
                    [
                        (
                            header::CONTENT_TYPE,
                            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
                        ),
                        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
                    ],
                    handle.render(),
                )
                    .into_response()
            }
        }),
    )
}

/// One answered request. `route` is the matched route without the site's
/// path prefix (`/entries/{id}`), or `unmatched`: never the raw path, so a
/// scan of made-up URLs cannot grow the label set.
pub fn request(route: &str, status: u16, elapsed: Duration) {
    let status = status.to_string();
    counter!(REQUESTS, "route" => route.to_string(), "status" => status).increment(1);
    histogram!(DURATION, "route" => route.to_string()).record(elapsed.as_secs_f64());
}

/// One search made by a person or a client (`via`: `api` or `page`).
pub fn search(via: &'static str, total: usize) {
    counter!(SEARCHES, "via" => via).increment(1);
    if total == 0 {
        counter!(ZERO_RESULT_SEARCHES, "via" => via).increment(1);
    }
}

/// An index version put in service (at start or by a reload).
pub fn serving(previous: Option<&Engine>, engine: &Engine) {
    if let Some(previous) = previous.filter(|p| p.version() != engine.version()) {
        gauge!(INDEX_INFO, &info_labels(previous)).set(0.0);
    }
    gauge!(INDEX_INFO, &info_labels(engine)).set(1.0);
    gauge!(ENTRIES).set(engine.index().len() as f64);
    gauge!(LAST_GOOD_RELOAD).set(chrono::Utc::now().timestamp() as f64);
}

fn info_labels(engine: &Engine) -> [(&'static str, String); 2] {
    [
        ("version", engine.version().to_string()),
        ("fingerprint", engine.library().fingerprint.clone()),
    ]
}

/// A reload attempt; `ok` is false when the content or the build failed.
pub fn reload(ok: bool) {
    counter!(RELOADS).increment(1);
    if !ok {
        counter!(FAILED_RELOADS).increment(1);
    }
}
