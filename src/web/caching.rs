//! Conditional requests. A page or API answer is a function of the content
//! (its fingerprint: every file's relative path and text, and the program's
//! version), the request (path and query) and the date (due-for-review
//! marks change with it). Its `ETag` hashes exactly those, so every replica
//! serving the same commit on the same day gives the same tag for the same
//! URL, and a reload with new content changes every tag. `If-None-Match`
//! with a current tag gets a `304` before any search runs.

use std::hash::{Hash, Hasher};

use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;

use super::AppState;
use crate::content::Library;

/// Pages and API answers: keep a copy, but ask (cheaply, with the tag)
/// before each use, so a content update shows at once.
pub const PAGE_CACHE_CONTROL: &str = "no-cache";
/// `/healthz` and `/metrics` describe this process, not the content.
pub const NO_STORE: &str = "no-store";

/// The weak tag of a response: weak, because the same answer is sent
/// compressed or not as the client asks.
pub fn etag(fingerprint: &str, path_and_query: &str, today: NaiveDate) -> String {
    let mut hasher = siphasher::sip::SipHasher13::new();
    fingerprint.hash(&mut hasher);
    path_and_query.hash(&mut hasher);
    today.to_string().hash(&mut hasher);
    format!("W/\"{:016x}\"", hasher.finish())
}

/// Whether an `If-None-Match` value names `etag` (weak comparison, as
/// RFC 9110 asks for `If-None-Match`).
pub fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_string();
    let wanted = opaque(etag);
    if_none_match
        .split(',')
        .any(|tag| tag.trim() == "*" || opaque(tag) == wanted)
}

/// Conditional requests, the innermost step of the router's middleware:
/// `ETag` and `Cache-Control` on pages and API answers, and `304 Not
/// Modified` when the client already holds the current answer. Static
/// files set their own headers.
pub async fn conditional(
    state: &AppState,
    library: &Library,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let relative = path.strip_prefix(state.base_path()).unwrap_or(path);
    if relative.starts_with("/static/") {
        return next.run(request).await;
    }
    if relative == "/healthz" || !matches!(*request.method(), Method::GET | Method::HEAD) {
        let mut response = next.run(request).await;
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(NO_STORE));
        return response;
    }
    let path_and_query = request
        .uri()
        .path_and_query()
        .map_or(path, |p| p.as_str())
        .to_string();
    let tag = etag(&library.fingerprint, &path_and_query, state.today());
    let tag_header = HeaderValue::from_str(&tag).expect("hex digits and quotes");
    let cache_control = HeaderValue::from_static(PAGE_CACHE_CONTROL);
    let fresh = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| etag_matches(v, &tag));
    if fresh {
        return (
            StatusCode::NOT_MODIFIED,
            [
                (header::ETAG, tag_header),
                (header::CACHE_CONTROL, cache_control),
            ],
        )
            .into_response();
    }
    let mut response = next.run(request).await;
    let ok = response.status() == StatusCode::OK;
    let headers = response.headers_mut();
    if ok {
        headers.insert(header::ETAG, tag_header);
    }
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(cache_control);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_depend_on_content_request_and_day_only() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let next = day.succ_opt().unwrap();
        let a = etag("abc", "/search?q=x", day);
        assert_eq!(a, etag("abc", "/search?q=x", day));
        assert_ne!(a, etag("abd", "/search?q=x", day));
        assert_ne!(a, etag("abc", "/search?q=y", day));
        assert_ne!(a, etag("abc", "/search?q=x", next));
        assert!(a.starts_with("W/\"") && a.ends_with('"'));
    }

    #[test]
    fn if_none_match_compares_weakly_and_in_lists() {
        let tag = "W/\"0123\"";
        assert!(etag_matches("W/\"0123\"", tag));
        assert!(etag_matches("\"0123\"", tag));
        assert!(etag_matches("\"x\", W/\"0123\"", tag));
        assert!(etag_matches("*", tag));
        assert!(!etag_matches("W/\"0124\"", tag));
    }
}
