//! The JSON API: `/api/search`, `/api/entries/{id}`, `/api/taxonomy` and
//! `/healthz`, with the field names the SPEC fixes.

use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use serde_json::{Value, json};

use super::AppState;
use super::error::WebError;
use crate::content::Library;
use crate::facet::Facet;
use crate::search::{self, SearchRequest, SearchResults};
use crate::taxonomy::{COSTS, KEY_STAGES, RESPONSES};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/search", get(search_handler))
        .route("/api/entries/{id}", get(entry_handler))
        .route("/api/taxonomy", get(taxonomy_handler))
        .route("/healthz", get(health_handler))
}

async fn search_handler(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let live = state.live();
    let request = SearchRequest::from_query(raw.as_deref().unwrap_or_default(), live.index())?;
    let results = live.run(&request)?;
    state.record_search(&live, &request, results.total == 0);
    super::metrics::search("api", results.total);
    let capacity = 16 * 1024 + 2 * 1024 * results.hits.len();
    Ok(SimdJson(
        search_json(&results, live.library().site.base_path()),
        capacity,
    )
    .into_response())
}

/// A JSON response written by sonic-rs, whose SIMD string escaping costs
/// about half of serde_json's on a page of hits and facet counts (most of
/// such a body is strings). The bytes are serde_json's (tested). The
/// buffer starts at about the body's size (`.1`, bytes) rather than
/// sonic-rs's 128 bytes, so it is not reallocated and copied as it grows.
struct SimdJson<T>(T, usize);

impl<T: Serialize> IntoResponse for SimdJson<T> {
    fn into_response(self) -> Response {
        let mut bytes = Vec::with_capacity(self.1);
        match sonic_rs::to_writer(&mut bytes, &self.0) {
            Ok(()) => (
                [(
                    axum::http::header::CONTENT_TYPE,
                    axum::http::HeaderValue::from_static("application/json"),
                )],
                bytes,
            )
                .into_response(),
            Err(e) => WebError::Internal(format!("writing JSON: {e}")).into_response(),
        }
    }
}

/// The `/api/search` body; also what `signpost search --json` prints.
///
/// Serialised straight from borrowed results: building a `serde_json::Value`
/// tree of every facet count cost more than the search itself. `base` is
/// the site's path prefix, which each hit's `path` starts with.
pub fn search_json<'a>(results: &'a SearchResults<'a>, base: &str) -> SearchBody<'a> {
    SearchBody {
        total: results.total,
        page: results.page,
        per_page: results.per_page,
        hits: results
            .hits
            .iter()
            .map(|hit| HitBody::new(hit, base))
            .collect(),
        facets: FacetsBody(&results.facets),
        interpreted: &results.interpreted,
        corrected: results.corrected.as_deref(),
        suggestions: &results.suggestions,
    }
}

#[derive(Debug, Serialize)]
pub struct SearchBody<'a> {
    total: usize,
    page: usize,
    per_page: usize,
    hits: Vec<HitBody<'a>>,
    facets: FacetsBody<'a>,
    interpreted: &'a [search::Interpreted],
    corrected: Option<&'a str>,
    suggestions: &'a [search::Suggestion],
}

#[derive(Debug, Serialize)]
struct HitBody<'a> {
    id: &'a str,
    kind: crate::content::Kind,
    title: &'a str,
    summary: &'a str,
    url: &'a Option<String>,
    path: String,
    snippet: &'a str,
    topics: &'a [String],
    ages: &'a crate::content::AgeRange,
    key_stages: Vec<&'static str>,
    sectors: &'a [String],
    abilities: &'a [String],
    areas: &'a [String],
    provider: &'a Option<crate::content::EntryId>,
    contact: &'a Option<crate::content::Contact>,
    response: &'a [String],
    illustrative: bool,
    sources: &'a [crate::content::Source],
    score: f32,
}

impl<'a> HitBody<'a> {
    fn new(hit: &'a search::Hit<'a>, base: &str) -> HitBody<'a> {
        let e = hit.entry;
        HitBody {
            id: e.id.as_str(),
            kind: e.kind,
            title: &e.title,
            summary: &e.summary,
            url: &e.url,
            path: format!("{base}/entries/{}", e.id),
            snippet: &hit.snippet,
            topics: &e.topics,
            ages: &e.ages,
            key_stages: e.ages.key_stages().map(|k| k.id).collect(),
            sectors: &e.sectors,
            abilities: &e.abilities,
            areas: &e.areas,
            provider: &e.provider,
            contact: &e.contact,
            response: &e.response,
            illustrative: e.illustrative,
            sources: &e.sources,
            score: hit.score,
        }
    }
}

/// The facets as an object keyed by parameter name, in SPEC order.
#[derive(Debug)]
struct FacetsBody<'a>(&'a [search::FacetCounts<'a>]);

impl Serialize for FacetsBody<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for facet in self.0 {
            map.serialize_entry(facet.facet.param(), &facet.values)?;
        }
        map.end()
    }
}

async fn entry_handler(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let live = state.live();
    let library = live.library();
    let ord = library.ord(&id).ok_or_else(|| {
        WebError::NotFound(format!(
            "entry `{}`",
            id.chars().take(100).collect::<String>()
        ))
    })?;
    let json = entry_json(library, ord, state.today())
        .map_err(|e| WebError::Internal(format!("reading a body: {e}")))?;
    Ok(Json(json).into_response())
}

/// Every field of the entry at `ord`, its body's HTML, and what is derived
/// from it. Fails only when the body cannot be read.
pub fn entry_json(
    library: &Library,
    ord: usize,
    today: chrono::NaiveDate,
) -> std::io::Result<Value> {
    let entry = &library.entries()[ord];
    let mut value = serde_json::to_value(entry).unwrap_or_default();
    if let Value::Object(map) = &mut value {
        map.insert("body_html".into(), json!(library.body_html(ord)?));
        map.insert(
            "key_stages".into(),
            json!(entry.ages.key_stages().map(|k| k.id).collect::<Vec<_>>()),
        );
        map.insert("ages_description".into(), json!(entry.ages.describe()));
        map.insert(
            "due_for_review".into(),
            json!(entry.is_due_for_review(today)),
        );
        map.insert(
            "path".into(),
            json!(format!("{}/entries/{}", library.site.base_path(), entry.id)),
        );
        if let Some(provider) = entry
            .provider
            .as_ref()
            .and_then(|p| library.get(p.as_str()))
        {
            map.insert("provider_title".into(), json!(provider.title));
        }
    }
    Ok(value)
}

#[derive(Serialize)]
struct Fixed {
    id: &'static str,
    label: &'static str,
}

async fn taxonomy_handler(State(state): State<AppState>) -> Response {
    let live = state.live();
    let mut value = serde_json::to_value(&live.library().taxonomy).unwrap_or_default();
    if let Value::Object(map) = &mut value {
        let costs: Vec<Fixed> = COSTS
            .iter()
            .map(|&(id, label)| Fixed { id, label })
            .collect();
        map.insert("costs".into(), json!(costs));
        map.insert("responses".into(), json!(RESPONSES));
        map.insert("key_stages".into(), json!(KEY_STAGES));
        map.insert("facets".into(), json!(Facet::ALL.map(Facet::param)));
    }
    Json(value).into_response()
}

async fn health_handler(State(state): State<AppState>) -> Response {
    let live = state.live();
    let health = state.health();
    Json(json!({
        "status": if health.last_error.is_some() { "degraded" } else { "ok" },
        "entries": live.index().len(),
        "index_version": live.version(),
        "last_reload": health.last_reload,
        "last_good_at": health.last_good_at,
        "last_error": health.last_error,
    }))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// sonic-rs writes the search body byte for byte as serde_json does:
    /// strings with every kind of escape, scores, nulls and facet counts.
    #[test]
    fn the_search_body_is_serde_jsons() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small/content");
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let library = crate::content::load(&dir, today).library.unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let (live, _) = crate::index::ensure(tmp.path(), library).unwrap();
        let engine = crate::search::Engine::new(live).unwrap();
        let mut compared = 0;
        for query in [
            "q=abuse+staff+pupils&per_page=100",
            "q=helpline",
            "area=tamworth",
            "",
        ] {
            let request = SearchRequest::from_query(query, engine.index()).unwrap();
            let results = engine.run(&request).unwrap();
            let body = search_json(&results, "/base");
            assert_eq!(
                String::from_utf8(sonic_rs::to_vec(&body).unwrap()).unwrap(),
                serde_json::to_string(&body).unwrap(),
                "{query}"
            );
            compared += results.hits.len();
        }
        assert!(compared > 10);
        let awkward = "quotes \" back \\ slash / tab \t line \n nul \u{0} bell \u{7} é ✓ 😀 \u{7f}";
        let scores = (0.0f32, 0.1f32, 1.0f32 / 3.0, 1e-7f32, 123456.79f32);
        assert_eq!(
            sonic_rs::to_string(&(awkward, scores, None::<u8>)).unwrap(),
            serde_json::to_string(&(awkward, scores, None::<u8>)).unwrap()
        );
    }
}
