//! The HTTP face of Signpost: shared state, the router and its layers.
//! Handlers live in `api` (JSON); errors convert in one place (`error`).

mod api;
mod assets;
pub mod caching;
mod error;
pub mod metrics;
pub mod openreferral;
mod pages;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

pub use api::{entry_json, search_json};
pub use error::WebError;

use crate::clock::Clock;
use crate::facet::Facet;
use crate::insights::{Recorder, SearchRecord};
use crate::search::{Engine, RequestError, SearchRequest};

/// Longest whole query string accepted; `q` has its own, smaller limit.
pub const MAX_QUERY_STRING_BYTES: usize = 8 * 1024;
pub const MAX_BODY_BYTES: usize = 16 * 1024;
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// What `/healthz` reports about reloads.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Health {
    pub last_reload: Option<DateTime<Utc>>,
    pub last_good_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

/// Shared by every handler. The search engine (an index version and what
/// is derived from it) is swapped whole: a request holds the `Arc` it
/// started with, so a reload never changes it midway.
#[derive(Clone)]
pub struct AppState {
    live: Arc<ArcSwap<Engine>>,
    health: Arc<Mutex<Health>>,
    clock: Clock,
    /// Search statistics (`serve --data`); `None` records nothing.
    insights: Option<Arc<Recorder>>,
    /// The path prefix the router answers under, from `base_url` at start.
    base_path: Arc<str>,
    /// Open Referral UUIDs to entries, for the content being served.
    open_referral_ids: Arc<openreferral::IdMaps>,
}

impl AppState {
    pub fn new(live: Engine, clock: Clock) -> Self {
        let now = Utc::now();
        metrics::serving(None, &live);
        AppState {
            clock,
            base_path: live.library().site.base_path().into(),
            live: Arc::new(ArcSwap::from_pointee(live)),
            health: Arc::new(Mutex::new(Health {
                last_reload: Some(now),
                last_good_at: Some(now),
                last_error: None,
            })),
            insights: None,
            open_referral_ids: Arc::default(),
        }
    }

    /// Records searches into these statistics.
    pub fn with_insights(mut self, recorder: Arc<Recorder>) -> Self {
        self.insights = Some(recorder);
        self
    }

    /// Hands a search to the statistics writer, if there is one. The first
    /// page only: turning a page is not another search. Never blocks.
    pub fn record_search(&self, live: &Arc<Engine>, request: &SearchRequest, found_nothing: bool) {
        let Some(recorder) = &self.insights else {
            return;
        };
        if request.page > 1 || (request.q.trim().is_empty() && !request.has_filters()) {
            return;
        }
        let filters = Facet::ALL
            .into_iter()
            .flat_map(|f| {
                request
                    .filter(f)
                    .iter()
                    .map(move |v| (f.param(), v.clone()))
            })
            .collect();
        recorder.record(SearchRecord {
            day: self.today(),
            query: request.q.clone(),
            filters,
            found_nothing,
            bank: Arc::clone(live),
        });
    }

    pub fn live(&self) -> Arc<Engine> {
        self.live.load_full()
    }

    pub fn health(&self) -> Health {
        self.health
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The path every route is under (`""` or `/signpost`). Fixed when the
    /// server starts: moving it needs a restart.
    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    /// Puts a freshly built index in service.
    pub fn swap(&self, live: Engine) {
        metrics::serving(Some(&self.live()), &live);
        metrics::reload(true);
        self.live.store(Arc::new(live));
        let now = Utc::now();
        let mut health = self.health.lock().unwrap_or_else(PoisonError::into_inner);
        *health = Health {
            last_reload: Some(now),
            last_good_at: Some(now),
            last_error: None,
        };
    }

    /// Records a failed reload; the last good index keeps serving.
    pub fn record_error(&self, error: String) {
        metrics::reload(false);
        let mut health = self.health.lock().unwrap_or_else(PoisonError::into_inner);
        health.last_reload = Some(Utc::now());
        health.last_error = Some(error);
    }

    /// The content is valid again but unchanged: nothing to swap.
    pub fn clear_error(&self) {
        metrics::reload(true);
        let mut health = self.health.lock().unwrap_or_else(PoisonError::into_inner);
        health.last_reload = Some(Utc::now());
        health.last_error = None;
    }

    /// The date due-for-review marks are judged against.
    pub fn today(&self) -> NaiveDate {
        self.clock.today()
    }
}

/// The whole application; tests drive it without a socket. Every route is
/// under the path of the site's `base_url` (`/signpost/search`), and the
/// prefix without its slash redirects to the home page.
pub fn router(state: AppState) -> Router {
    let app = Router::new()
        .merge(api::routes())
        .merge(openreferral::routes())
        .merge(pages::routes())
        .merge(assets::routes());
    let base = state.base_path().to_string();
    let routed = if base.is_empty() {
        app
    } else {
        let home = format!("{base}/");
        Router::new().nest(&home, app).route(
            &base,
            get(move || async move { Redirect::permanent(&home) }),
        )
    };
    routed
        .fallback(not_found)
        // Every search response is compressed afresh: the fastest level
        // keeps most of the saving (JSON and HTML shrink about 5x) for a
        // fraction of the default level's CPU, which cost more than the
        // search itself.
        .layer(CompressionLayer::new().quality(CompressionLevel::Fastest))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(CatchPanicLayer::new())
        // Outermost, so that a panic's 500 and a timeout's 408 are logged
        // and carry the strict headers too.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            around_request,
        ))
        .with_state(state)
}

/// JSON for the API's paths, the HTML 404 page for everything else.
async fn not_found(State(state): State<AppState>, uri: axum::http::Uri) -> Response {
    let path = uri.path();
    let path = path.strip_prefix(state.base_path()).unwrap_or(path);
    if path.starts_with("/api/") || path == "/api" || path == "/healthz" {
        WebError::NotFound("that page".into()).into_response()
    } else {
        pages::not_found_page()
    }
}

/// Strict headers on every response, errors included.
const SECURITY_HEADERS: [(&str, &str); 6] = [
    // Nothing from other hosts, no inline script or style, no framing.
    (
        "content-security-policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; \
         form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    ),
    ("x-content-type-options", "nosniff"),
    // Searches can say a lot about a child; never leak them to other sites.
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=()",
    ),
];

/// Sets the strict headers, all at once.
fn add_security_headers(response: &mut Response) {
    let headers = response.headers_mut();
    headers.reserve(SECURITY_HEADERS.len());
    for (name, value) in SECURITY_HEADERS {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
}

/// What the app does around every request, in one middleware rather than
/// five: each `from_fn` or `map_response` clones the service inside it and
/// boxes its future, the handler's included, and the five were a fifth of
/// a filter search through the router (docs/benchmarks.md). From the
/// outside in: the request's context for the pages, the request log, the
/// query-string limit, then conditional requests; on the way out, the
/// strict headers.
async fn around_request(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let log = RequestLog::start(&state, &request);
    // The page context and the ETag read the same version of the content.
    let live = state.live();
    let context = pages::request_context(live.library(), request.uri());
    let mut response = pages::REQUEST
        .scope(context, async move {
            match refuse_long_query(&request) {
                Some(refusal) => refusal,
                None => caching::conditional(&state, live.library(), request, next).await,
            }
        })
        .await;
    log.finish(&response);
    add_security_headers(&mut response);
    response
}

/// Refuses absurd query strings before any handler parses them.
fn refuse_long_query(request: &Request) -> Option<Response> {
    let too_long = (request.uri().query()).is_some_and(|q| q.len() > MAX_QUERY_STRING_BYTES);
    too_long.then(|| {
        let error = RequestError::new(
            "q",
            format!("the query string is longer than {MAX_QUERY_STRING_BYTES} bytes"),
        );
        WebError::from(error).into_response()
    })
}

/// A request's line in the log, and its count by route for `/metrics`:
/// method, path, status and time. Never the query string: search text can
/// name a child or describe an incident.
struct RequestLog {
    started: Instant,
    method: axum::http::Method,
    path: String,
    route: String,
}

impl RequestLog {
    fn start(state: &AppState, request: &Request) -> Self {
        let route = request
            .extensions()
            .get::<MatchedPath>()
            .map_or("unmatched", MatchedPath::as_str);
        let route = match route.strip_prefix(state.base_path()) {
            Some(rest) if rest.starts_with('/') => rest.to_string(),
            _ => route.to_string(),
        };
        RequestLog {
            started: Instant::now(),
            method: request.method().clone(),
            path: request.uri().path().chars().take(200).collect(),
            route,
        }
    }

    fn finish(self, response: &Response) {
        let elapsed = self.started.elapsed();
        let status = response.status().as_u16();
        metrics::request(&self.route, status, elapsed);
        tracing::info!(
            target: "signpost::request",
            method = %self.method,
            path = self.path,
            status,
            micros = elapsed.as_micros() as u64,
        );
    }
}
