//! The organisations as a read-only Open Referral HSDS 3.0 API under
//! `/api/openreferral/`, with the endpoints, parameters and paging of the
//! standard's `openapi.json`. The objects are the ones `signpost export
//! --format openreferral` writes (`crate::export`), so ids are the same
//! UUIDs (version 5, from entry ids) in both and across rebuilds.
//!
//! Lists carry one-to-one fields only, as the standard's `*_list` schemas
//! say; `/{kind}/{id}` answers are fully nested. Unknown ids are a 404 and
//! bad parameters a 400, both in the API's error shape.

use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use rustc_hash::FxHashMap;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::AppState;
use super::error::WebError;
use crate::content::{Entry, Library};
use crate::export::{self, organisations, services_of, uuid, uuid_of};
use crate::search::{MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_CHARS, RequestError};
use crate::taxonomy::{Term, VocabularyName, suggest};

pub const PREFIX: &str = "/api/openreferral";
pub const DEFAULT_PER_PAGE: usize = 50;
pub const HSDS_VERSION: &str = "3.0";
pub const PROFILE_URL: &str = "https://docs.openreferral.org/en/v3.0/";
pub const OPENAPI_URL: &str =
    "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(&format!("{PREFIX}/"), get(about))
        .route(PREFIX, get(about))
        .route(&format!("{PREFIX}/services"), get(list_services))
        .route(&format!("{PREFIX}/services/{{id}}"), get(one_service))
        .route(&format!("{PREFIX}/organizations"), get(list_organizations))
        .route(
            &format!("{PREFIX}/organizations/{{id}}"),
            get(one_organization),
        )
        .route(&format!("{PREFIX}/taxonomies"), get(list_taxonomies))
        .route(&format!("{PREFIX}/taxonomies/{{id}}"), get(one_taxonomy))
        .route(&format!("{PREFIX}/taxonomy_terms"), get(list_terms))
        .route(&format!("{PREFIX}/taxonomy_terms/{{id}}"), get(one_term))
        .route(
            &format!("{PREFIX}/service_at_locations"),
            get(list_service_at_locations),
        )
}

async fn about() -> Response {
    Json(json!({
        "version": HSDS_VERSION,
        "profile": PROFILE_URL,
        "openapi_url": OPENAPI_URL,
    }))
    .into_response()
}

// ---------------------------------------------------------------- parameters

/// The query parameters of the list endpoints, checked.
#[derive(Debug, Default)]
struct ListQuery {
    page: usize,
    per_page: usize,
    /// Lowercased words, all of which must appear.
    search: Vec<String>,
    taxonomy_term_id: Option<String>,
    taxonomy_id: Option<String>,
    organization_id: Option<String>,
    modified_after: Option<DateTime<Utc>>,
    parent_id: Option<String>,
    top_only: bool,
}

/// Which parameters each list takes (from `openapi.json`); any other is a
/// 400 with the nearest name.
const SERVICE_PARAMS: &[&str] = &[
    "page",
    "per_page",
    "search",
    "format",
    "taxonomy_term_id",
    "taxonomy_id",
    "organization_id",
    "modified_after",
    "minimal",
    "full",
];
const ORGANIZATION_PARAMS: &[&str] = &[
    "page",
    "per_page",
    "search",
    "format",
    "full",
    "full_service",
];
const TAXONOMY_PARAMS: &[&str] = &["page", "per_page", "search", "format"];
const TERM_PARAMS: &[&str] = &[
    "page",
    "per_page",
    "search",
    "format",
    "taxonomy_id",
    "top_only",
    "parent_id",
];
const SERVICE_AT_LOCATION_PARAMS: &[&str] = &[
    "page",
    "per_page",
    "search",
    "format",
    "taxonomy_term_id",
    "taxonomy_id",
    "organization_id",
    "modified_after",
    "full",
    "postcode",
    "proximity",
];

fn bad(param: &str, value: &str, message: String) -> WebError {
    RequestError::with_value(param, value.to_string(), message).into()
}

impl ListQuery {
    fn parse(raw: Option<&str>, allowed: &[&str]) -> Result<ListQuery, WebError> {
        let mut query = ListQuery {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            ..ListQuery::default()
        };
        let raw = raw.unwrap_or_default();
        for (key, value) in form_urlencoded::parse(raw.as_bytes()) {
            let value = value.trim();
            if !allowed.contains(&key.as_ref()) {
                let mut error = RequestError::new(&key, format!("unknown parameter `{key}`"));
                error.did_you_mean =
                    suggest(&key, allowed.iter().map(|p| (*p, *p))).map(str::to_string);
                return Err(error.into());
            }
            let number = |max: usize| -> Result<usize, WebError> {
                value
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=max).contains(n))
                    .ok_or_else(|| {
                        bad(
                            &key,
                            value,
                            format!("`{key}` must be a whole number from 1 to {max}"),
                        )
                    })
            };
            let flag = || -> Result<bool, WebError> {
                match value {
                    "true" => Ok(true),
                    "false" => Ok(false),
                    _ => Err(bad(&key, value, format!("`{key}` must be true or false"))),
                }
            };
            match key.as_ref() {
                "page" => query.page = number(MAX_PAGE)?,
                "per_page" => query.per_page = number(MAX_PER_PAGE)?,
                "search" => {
                    if value.chars().count() > MAX_QUERY_CHARS {
                        return Err(bad(
                            "search",
                            "",
                            format!("`search` is longer than {MAX_QUERY_CHARS} characters"),
                        ));
                    }
                    query.search = value.split_whitespace().map(str::to_lowercase).collect();
                }
                "format" if value != "json" => {
                    return Err(bad(
                        "format",
                        value,
                        "only `format=json` is served".to_string(),
                    ));
                }
                "taxonomy_term_id" => query.taxonomy_term_id = Some(value.to_string()),
                "taxonomy_id" => query.taxonomy_id = Some(value.to_string()),
                "organization_id" => query.organization_id = Some(value.to_string()),
                "parent_id" => query.parent_id = Some(value.to_string()),
                "modified_after" => query.modified_after = Some(datetime(value)?),
                "top_only" => query.top_only = flag()?,
                // Answers are always whole: lists one-to-one, single
                // objects nested, so these change nothing.
                "minimal" | "full" | "full_service" => {
                    flag()?;
                }
                "postcode" | "proximity" => {
                    return Err(bad(
                        &key,
                        value,
                        format!(
                            "`{key}` is not supported: services here are listed by area, not located by postcode"
                        ),
                    ));
                }
                _ => {}
            }
        }
        Ok(query)
    }

    fn matches_text(&self, texts: &[&str]) -> bool {
        if self.search.is_empty() {
            return true;
        }
        let haystack = texts.join(" ").to_lowercase();
        self.search
            .iter()
            .all(|word| haystack.contains(word.as_str()))
    }

    /// [`Self::matches_text`] on the entry's title, summary and body (the
    /// body read only when there are words to find).
    fn matches_entry(&self, library: &Library, e: &Entry) -> bool {
        if self.search.is_empty() {
            return true;
        }
        let body = library
            .ord(e.id.as_str())
            .and_then(|ord| library.body_text(ord).ok())
            .unwrap_or_default();
        self.matches_text(&[&e.title, &e.summary, &body])
    }
}

/// An RFC 3339 date-time, or a plain date (its midnight, UTC).
fn datetime(value: &str) -> Result<DateTime<Utc>, WebError> {
    DateTime::parse_from_rfc3339(value)
        .map(|d| d.with_timezone(&Utc))
        .or_else(|_| {
            NaiveDate::parse_from_str(value, "%Y-%m-%d")
                .map(|d| d.and_time(Default::default()).and_utc())
        })
        .map_err(|_| {
            bad(
                "modified_after",
                value,
                format!("`{value}` is not a date-time such as 2026-01-31T00:00:00Z"),
            )
        })
}

/// One page of a list, in the `Page` shape of `openapi.json`. Each item
/// is made into its object only when it is on the page: a list of 100,000
/// services is not built to show 50.
fn page<T>(
    query: &ListQuery,
    items: Vec<T>,
    object: impl FnMut(T) -> Value,
) -> Result<Response, WebError> {
    let total = items.len();
    let pages = total.div_ceil(query.per_page).max(1);
    if query.page > pages {
        return Err(bad(
            "page",
            &query.page.to_string(),
            format!("page {} is past the last page ({pages})", query.page),
        ));
    }
    let contents: Vec<Value> = items
        .into_iter()
        .skip((query.page - 1) * query.per_page)
        .take(query.per_page)
        .map(object)
        .collect();
    Ok(Json(json!({
        "total_items": total,
        "total_pages": pages,
        "page_number": query.page,
        "size": contents.len(),
        "first_page": query.page == 1,
        "last_page": query.page == pages,
        "empty": contents.is_empty(),
        "contents": contents,
    }))
    .into_response())
}

/// The fields of an object that are not lists or objects: what the
/// standard's `*_list` schemas allow.
fn one_to_one(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_array() && !v.is_object())
                .collect::<Map<String, Value>>(),
        ),
        other => other,
    }
}

fn not_found(what: &str, id: &str) -> WebError {
    WebError::NotFound(format!(
        "{what} `{}`",
        id.chars().take(100).collect::<String>()
    ))
}

// ---------------------------------------------------------------- ids

/// Which entry each organisation and service UUID names, for the content
/// being served. A version 5 UUID cannot be turned back into an entry id,
/// and computing every service's until one matched took about 53 ms a
/// lookup at 100,000 entries. The map is built on the first lookup in a
/// library instead, and replaced when a library of other content (another
/// fingerprint) serves.
#[derive(Default)]
pub struct IdMaps {
    current: Mutex<Option<(String, Arc<Ids>)>>,
}

struct Ids {
    organizations: FxHashMap<Uuid, u32>,
    /// A service's entry and its organisation's.
    services: FxHashMap<Uuid, (u32, u32)>,
}

impl IdMaps {
    fn of(&self, library: &Library) -> Arc<Ids> {
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        match &*current {
            Some((fingerprint, ids)) if *fingerprint == library.fingerprint => {
                return Arc::clone(ids);
            }
            _ => {}
        }
        let ids = Arc::new(Ids::new(library));
        *current = Some((library.fingerprint.clone(), Arc::clone(&ids)));
        ids
    }
}

impl Ids {
    fn new(library: &Library) -> Ids {
        let ord = |e: &Entry| ord_of(library, e).and_then(|o| u32::try_from(o).ok());
        let organizations = organisations(library)
            .filter_map(|org| Some((uuid_of(org.id.as_str()), ord(org)?)))
            .collect();
        let services = services(library)
            .filter_map(|(e, org)| Some((service_uuid(e), (ord(e)?, ord(org)?))))
            .collect();
        Ids {
            organizations,
            services,
        }
    }

    fn organization<'a>(&self, library: &'a Library, id: &str) -> Option<&'a Entry> {
        let ord = self.organizations.get(&Uuid::parse_str(id).ok()?)?;
        library.entries().get(*ord as usize)
    }

    /// A service's entry and its organisation.
    fn service<'a>(&self, library: &'a Library, id: &str) -> Option<(&'a Entry, &'a Entry)> {
        let (e, org) = self.services.get(&Uuid::parse_str(id).ok()?)?;
        let entries = library.entries();
        Some((entries.get(*e as usize)?, entries.get(*org as usize)?))
    }
}

// ---------------------------------------------------------------- services

/// Every service: (entry, its organisation).
fn services(library: &Library) -> impl Iterator<Item = (&Entry, &Entry)> {
    organisations(library).flat_map(move |org| services_of(library, org).map(move |e| (e, org)))
}

/// The ord of an entry of the library (found by its id).
fn ord_of(library: &Library, e: &Entry) -> Option<usize> {
    library.ord(e.id.as_str())
}

fn service_id(e: &Entry) -> String {
    service_uuid(e).to_string()
}

fn service_uuid(e: &Entry) -> Uuid {
    uuid_of(&format!("{}/service", e.id))
}

/// A services query with its ids looked up once: the organisation it names
/// and the term (vocabulary and position). Comparing each service with
/// them needs no UUID: computing the ids of every service and of its terms
/// took 30 ms (`organization_id`) and 300 ms (`taxonomy_term_id`) at
/// 100,000 entries. `Some(None)` is an id that names nothing, which no
/// service matches.
struct ServiceFilter<'a> {
    query: &'a ListQuery,
    organization: Option<Option<&'a Entry>>,
    term: Option<Option<(VocabularyName, usize)>>,
}

impl<'a> ServiceFilter<'a> {
    fn new(library: &'a Library, maps: &IdMaps, query: &'a ListQuery) -> ServiceFilter<'a> {
        let organization =
            (query.organization_id.as_ref()).map(|id| maps.of(library).organization(library, id));
        let term = query.taxonomy_term_id.as_ref().map(|id| {
            terms(library)
                .find(|(name, term)| export::term_id(*name, &term.id) == *id)
                .and_then(|(name, term)| {
                    let position = library.taxonomy.vocabulary(name).position(&term.id)?;
                    Some((name, position))
                })
        });
        ServiceFilter {
            query,
            organization,
            term,
        }
    }

    /// The services that pass and that `also` keeps (checked first, as it
    /// is cheaper): only those of the organisation named, if one is.
    fn services(
        &self,
        library: &'a Library,
        also: impl Fn(&Entry) -> bool,
    ) -> Vec<(&'a Entry, &'a Entry)> {
        let candidates: Box<dyn Iterator<Item = (&Entry, &Entry)>> = match self.organization {
            Some(Some(org)) => Box::new(services_of(library, org).map(move |e| (e, org))),
            Some(None) => return Vec::new(),
            None => Box::new(services(library)),
        };
        candidates
            .filter(|(e, _)| also(e) && self.matches(library, e))
            .collect()
    }

    /// Every condition but the organisation's, which [`Self::services`]
    /// applies by reading only its services.
    fn matches(&self, library: &Library, e: &Entry) -> bool {
        let query = self.query;
        query
            .modified_after
            .is_none_or(|after| e.reviewed.and_time(Default::default()).and_utc() >= after)
            && self.term.is_none_or(|term| {
                term.is_some_and(|(name, position)| has_term(library, e, name, position))
            })
            && query.taxonomy_id.as_ref().is_none_or(|id| {
                VocabularyName::ALL.into_iter().any(|name| {
                    export::taxonomy_id(name) == *id && !export::tags(e, name).is_empty()
                })
            })
            && query.matches_entry(library, e)
    }
}

/// Whether the entry is tagged with the term or one below it: a filter on
/// a broad term matches services tagged below it, as the search does.
fn has_term(library: &Library, e: &Entry, name: VocabularyName, position: usize) -> bool {
    let vocabulary = library.taxonomy.vocabulary(name);
    export::tags(e, name)
        .iter()
        .filter_map(|tag| vocabulary.position(tag))
        .any(|tagged| vocabulary.is_within(tagged, position))
}

/// A list endpoint: checks the parameters, finds the matching items in
/// the serving library, answers one page of them as their objects.
fn list<T>(
    state: &AppState,
    raw: Option<&str>,
    params: &[&str],
    items: impl FnOnce(&Library, &ListQuery) -> Vec<T>,
    object: impl Fn(&Library, T) -> Value,
) -> Result<Response, WebError> {
    let query = ListQuery::parse(raw, params)?;
    let live = state.live();
    let library = live.library();
    page(&query, items(library, &query), |item| object(library, item))
}

/// A `/{kind}/{id}` endpoint: the object, or a 404 naming what was asked.
fn one(
    state: &AppState,
    what: &str,
    id: &str,
    find: impl FnOnce(&Library) -> Option<Value>,
) -> Result<Response, WebError> {
    let live = state.live();
    find(live.library())
        .map(|value| Json(value).into_response())
        .ok_or_else(|| not_found(what, id))
}

async fn list_services(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    list(
        &state,
        raw.as_deref(),
        SERVICE_PARAMS,
        |library, query| {
            (ServiceFilter::new(library, &state.open_referral_ids, query)
                .services(library, |_| true))
            .into_iter()
            .filter_map(|(e, org)| Some((ord_of(library, e)?, ord_of(library, org)?)))
            .collect()
        },
        |library, (e, org)| {
            let (e, org) = (&library.entries()[e], &library.entries()[org]);
            one_to_one(export::service(library, e, &uuid(org.id.as_str())))
        },
    )
}

async fn one_service(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    one(&state, "service", &id, |library| {
        let (e, org) = state.open_referral_ids.of(library).service(library, &id)?;
        let mut service = export::service(library, e, &uuid(org.id.as_str()));
        service["organization"] = one_to_one(export::organization(library, org));
        Some(service)
    })
}

async fn list_service_at_locations(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    list(
        &state,
        raw.as_deref(),
        SERVICE_AT_LOCATION_PARAMS,
        |library, query| {
            (ServiceFilter::new(library, &state.open_referral_ids, query)
                .services(library, |e| e.url.is_some()))
            .into_iter()
            .filter_map(|(e, _)| ord_of(library, e))
            .collect()
        },
        |library, e| {
            let e = &library.entries()[e];
            let url = e.url.as_deref().unwrap_or_default();
            export::service_at_location(e, &service_id(e), url)
        },
    )
}

// ---------------------------------------------------------------- organizations

async fn list_organizations(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    list(
        &state,
        raw.as_deref(),
        ORGANIZATION_PARAMS,
        |library, query| {
            organisations(library)
                .filter(|org| query.matches_entry(library, org))
                .filter_map(|org| ord_of(library, org))
                .collect()
        },
        |library, org| one_to_one(export::organization(library, &library.entries()[org])),
    )
}

async fn one_organization(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    one(&state, "organization", &id, |library| {
        let org = state
            .open_referral_ids
            .of(library)
            .organization(library, &id)?;
        Some(export::organization(library, org))
    })
}

// ---------------------------------------------------------------- taxonomies

async fn list_taxonomies(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    list(
        &state,
        raw.as_deref(),
        TAXONOMY_PARAMS,
        |_, query| {
            VocabularyName::ALL
                .into_iter()
                .map(export::taxonomy)
                .filter(|t| {
                    query.matches_text(&[
                        t["name"].as_str().unwrap_or_default(),
                        t["description"].as_str().unwrap_or_default(),
                    ])
                })
                .collect()
        },
        |_, taxonomy| taxonomy,
    )
}

async fn one_taxonomy(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    one(&state, "taxonomy", &id, |_| {
        VocabularyName::ALL
            .into_iter()
            .find(|&name| export::taxonomy_id(name) == id)
            .map(export::taxonomy)
    })
}

/// Every term of every vocabulary, with its vocabulary.
fn terms(library: &Library) -> impl Iterator<Item = (VocabularyName, &Term)> {
    VocabularyName::ALL.into_iter().flat_map(move |name| {
        library
            .taxonomy
            .vocabulary(name)
            .terms()
            .iter()
            .map(move |term| (name, term))
    })
}

async fn list_terms(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    list(
        &state,
        raw.as_deref(),
        TERM_PARAMS,
        |library, query| {
            terms(library)
                .filter(|(name, term)| {
                    query
                        .taxonomy_id
                        .as_ref()
                        .is_none_or(|id| *id == export::taxonomy_id(*name))
                        && (!query.top_only || term.parent.is_none())
                        && query.parent_id.as_ref().is_none_or(|id| {
                            term.parent_id
                                .as_ref()
                                .is_some_and(|p| export::term_id(*name, p) == *id)
                        })
                        && query.matches_text(&[
                            &term.id,
                            &term.label,
                            term.description.as_deref().unwrap_or_default(),
                        ])
                })
                .map(|(name, term)| export::taxonomy_term(name, term))
                .collect()
        },
        |_, term| term,
    )
}

async fn one_term(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    one(&state, "taxonomy term", &id, |library| {
        terms(library)
            .find(|(name, term)| export::term_id(*name, &term.id) == id)
            .map(|(name, term)| export::taxonomy_term(name, term))
    })
}
