//! The server-rendered pages: `/`, `/search`, `/entries/{id}`, `/coverage`,
//! `/updates` and `/feed.xml`, plus the HTML 400 and 404 pages.
//!
//! Templates are askama: compiled into the binary and type-checked against
//! these view structs, so a template can never name a field that does not
//! exist, and every value is HTML-escaped unless it is one of the two kinds
//! of HTML made safe upstream (a [`SafeHtml`] body and a search snippet).
//! Handlers build plain view structs; the templates only loop and print.

use std::collections::{BTreeSet, HashSet};
use std::fmt::Write as _;

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use chrono::NaiveDate;

use super::AppState;
use crate::content::{Entry, Kind, Library, SafeHtml};
use crate::facet::Facet;
use crate::index::LiveIndex;
use crate::search::{self, RequestError, SearchRequest, SearchResults, Sort};
use crate::taxonomy::{KEY_STAGES, VocabularyName};

/// Bumped with the crate version, so cached CSS and JS are refreshed.
const ASSET_VERSION: &str = env!("CARGO_PKG_VERSION");
/// Where "Exit this page" goes: a neutral page (the GOV.UK pattern).
const EXIT_URL: &str = "https://www.bbc.co.uk/weather";
/// Entries shown on `/updates` and in the feed.
const UPDATES_LIMIT: usize = 100;
const FEED_LIMIT: usize = 50;
const RELATED_LIMIT: usize = 6;
/// Top-level topics whose pages could put a reader at risk if seen; their
/// entries (and every organisation and case study) get "Exit this page".
const SENSITIVE_TOPICS: [&str; 7] = [
    "sexual-harassment",
    "sexual-violence",
    "harmful-sexual-behaviour",
    "child-sexual-abuse",
    "domestic-abuse",
    "child-sexual-exploitation",
    "victim-support",
];
/// Display order of the facet panel: the ones teachers reach for first.
const PANEL_ORDER: [Facet; 9] = [
    Facet::Kind,
    Facet::KeyStage,
    Facet::Topic,
    Facet::Sector,
    Facet::Audience,
    Facet::Ability,
    Facet::Area,
    Facet::Format,
    Facet::Cost,
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/search", get(search_page))
        .route("/entries/{id}", get(entry_page))
        .route("/coverage", get(coverage))
        .route("/updates", get(updates))
        .route("/feed.xml", get(feed))
}

// ---------------------------------------------------------------- layout

struct NavItem {
    href: &'static str,
    label: &'static str,
    current: bool,
}

/// What every page's frame needs.
struct Layout {
    title: String,
    nav: Vec<NavItem>,
    /// Show "Exit this page" and the 999 line.
    exit: bool,
    exit_url: &'static str,
    asset_version: &'static str,
}

impl Layout {
    fn new(title: impl Into<String>, current: &str) -> Layout {
        let nav = [
            ("/", "Home"),
            ("/search", "Search"),
            ("/coverage", "Coverage"),
            ("/updates", "Updates"),
        ]
        .into_iter()
        .map(|(href, label)| NavItem {
            href,
            label,
            current: href == current,
        })
        .collect();
        Layout {
            title: title.into(),
            nav,
            exit: false,
            exit_url: EXIT_URL,
            asset_version: ASSET_VERSION,
        }
    }

    fn with_exit(mut self, exit: bool) -> Layout {
        self.exit = exit;
        self
    }
}

fn render(template: &impl Template, status: StatusCode) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "rendering a page failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html("<!doctype html><html lang=\"en-GB\"><title>Error</title><h1>Something went wrong</h1>"),
            )
                .into_response()
        }
    }
}

// ---------------------------------------------------------------- errors

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    heading: String,
    message: String,
    links: Vec<Link>,
}

struct Link {
    href: String,
    label: String,
}

/// A page-level failure, rendered as an HTML page in the site's style.
enum PageError {
    BadRequest { error: RequestError, raw: String },
    NotFound(String),
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::BadRequest { error, raw } => bad_request_page(&error, &raw),
            PageError::NotFound(what) => not_found_response(&what),
        }
    }
}

fn bad_request_page(error: &RequestError, raw: &str) -> Response {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let rebuild = |f: &dyn Fn(&str, &str) -> Option<String>| {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &pairs {
            if let Some(v) = f(k, v) {
                out.append_pair(k, &v);
            }
        }
        search_href(&out.finish())
    };
    let mut links = Vec::new();
    if let Some(suggestion) = &error.did_you_mean {
        let param = error.param.clone();
        let is_value = pairs.iter().any(|(k, _)| *k == param);
        let href = if is_value && Facet::from_param(&param).is_some() || param == "sort" {
            let bad = error_value(&error.message);
            rebuild(&|k, v| {
                Some(if k == param && bad.as_deref().is_none_or(|b| b == v) {
                    suggestion.clone()
                } else {
                    v.to_string()
                })
            })
        } else {
            // A mistyped parameter name: keep its value under the right name.
            let mut out = form_urlencoded::Serializer::new(String::new());
            for (k, v) in &pairs {
                out.append_pair(if *k == param { suggestion } else { k }, v);
            }
            search_href(&out.finish())
        };
        links.push(Link {
            href,
            label: format!("Search for “{suggestion}” instead"),
        });
    }
    let param = error.param.clone();
    links.push(Link {
        href: rebuild(&|k, v| (k != param && k != "page").then(|| v.to_string())),
        label: format!("Search again without “{}”", error.param.replace('_', " ")),
    });
    links.push(Link {
        href: "/search".into(),
        label: "Start a new search".into(),
    });
    let page = ErrorPage {
        layout: Layout::new("There is a problem with this search", ""),
        heading: "There is a problem with this search".into(),
        message: capitalise(&quote(&error.message)),
        links,
    };
    render(&page, StatusCode::BAD_REQUEST)
}

/// The value named between backticks in a request error, if any.
fn error_value(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let end = start + message[start..].find('`')?;
    Some(message[start..end].to_string())
}

/// Turns the API's `code` quoting into typographic quotes for people.
fn quote(text: &str) -> String {
    let mut open = true;
    text.chars()
        .map(|c| {
            if c == '`' {
                open = !open;
                if open { '”' } else { '“' }
            } else {
                c
            }
        })
        .collect()
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn not_found_response(what: &str) -> Response {
    let page = ErrorPage {
        layout: Layout::new("Page not found", ""),
        heading: "Page not found".into(),
        message: format!(
            "We could not find {what}. If you typed the web address, check it is correct. \
             If you followed a link, the entry may have been removed or renamed."
        ),
        links: vec![
            Link {
                href: "/search".into(),
                label: "Search the resource bank".into(),
            },
            Link {
                href: "/".into(),
                label: "Go to the home page".into(),
            },
        ],
    };
    render(&page, StatusCode::NOT_FOUND)
}

/// The 404 page for any path no route serves.
pub(super) fn not_found_page() -> Response {
    not_found_response("that page")
}

// ---------------------------------------------------------------- shared views

fn search_href(query: &str) -> String {
    if query.is_empty() {
        "/search".to_string()
    } else {
        format!("/search?{query}")
    }
}

fn format_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

fn key_stage_short(label: &str) -> &str {
    label.split(" (").next().unwrap_or(label)
}

fn labels(library: &Library, vocabulary: VocabularyName, ids: &[String]) -> Vec<String> {
    let vocabulary = library.taxonomy.vocabulary(vocabulary);
    ids.iter()
        .map(|id| vocabulary.label(id).to_string())
        .collect()
}

fn key_stage_labels(entry: &Entry) -> Vec<String> {
    entry
        .ages
        .key_stages()
        .map(|k| key_stage_short(k.label).to_string())
        .collect()
}

/// A result card: what a person needs to act without opening the entry.
struct Card {
    title: String,
    href: String,
    kind: &'static str,
    kind_id: &'static str,
    summary: String,
    /// Escaped HTML with `<mark>`s, from search; rendered raw.
    snippet: String,
    ages: String,
    key_stages: String,
    sectors: String,
    areas: String,
    provider: Option<Link>,
    phone: Option<String>,
    phone_href: Option<String>,
    email: Option<String>,
    hours: Option<String>,
    referral: Option<String>,
    reviewed: String,
    due: bool,
}

impl Card {
    fn new(library: &Library, entry: &Entry, snippet: String, today: NaiveDate) -> Card {
        let contact = entry.contact.clone().unwrap_or_default();
        let organisation = entry.kind == Kind::Organisation;
        let phone = contact.phone.filter(|_| organisation);
        Card {
            title: entry.title.clone(),
            href: format!("/entries/{}", entry.id),
            kind: entry.kind.label(),
            kind_id: entry.kind.id(),
            summary: entry.summary.clone(),
            snippet,
            ages: entry.ages.describe(),
            key_stages: key_stage_labels(entry).join(", "),
            sectors: labels(library, VocabularyName::Sectors, &entry.sectors).join(", "),
            areas: labels(library, VocabularyName::Areas, &entry.areas).join(", "),
            provider: provider_link(library, entry),
            phone_href: phone.as_deref().map(tel_href),
            phone,
            email: contact.email.filter(|_| organisation),
            hours: contact.hours.filter(|_| organisation),
            referral: contact.referral.filter(|_| organisation),
            reviewed: format_date(entry.reviewed),
            due: entry.is_due_for_review(today),
        }
    }
}

fn provider_link(library: &Library, entry: &Entry) -> Option<Link> {
    let id = entry.provider.as_ref()?;
    let provider = library.get(id.as_str())?;
    Some(Link {
        href: format!("/entries/{id}"),
        label: provider.title.clone(),
    })
}

fn tel_href(phone: &str) -> String {
    let digits: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    format!("tel:{digits}")
}

/// A link with a count, for browsing.
struct CountLink {
    href: String,
    label: String,
    count: usize,
}

// ---------------------------------------------------------------- home

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    total: usize,
    kinds: Vec<CountLink>,
    services_by_area: Vec<CountLink>,
    topics: Vec<CountLink>,
    sectors: Vec<CountLink>,
    key_stages: Vec<CountLink>,
    newest: Vec<Card>,
}

async fn home(State(state): State<AppState>) -> Result<Response, PageError> {
    let live = state.live();
    let today = state.today();
    let everything = run(&live, &SearchRequest::default(), "")?;
    let browse = |facet: Facet, top_only: bool| -> Vec<CountLink> {
        everything
            .facet(facet)
            .values
            .iter()
            .filter(|v| !top_only || v.depth == 0)
            .map(|v| CountLink {
                href: search_href(&pair(facet.param(), v.value)),
                label: v.label.to_string(),
                count: v.count,
            })
            .collect()
    };
    let newest_request = SearchRequest {
        sort: Sort::Reviewed,
        per_page: 5,
        ..SearchRequest::default()
    };
    let newest = run(&live, &newest_request, "")?
        .hits
        .iter()
        .map(|h| Card::new(&live.library, h.entry, String::new(), today))
        .collect();
    let page = HomePage {
        layout: Layout::new("Find safeguarding and RSE resources", "/"),
        total: everything.total,
        kinds: browse(Facet::Kind, false),
        services_by_area: services_by_area(&live)?,
        topics: browse(Facet::Topic, true),
        sectors: browse(Facet::Sector, false),
        key_stages: browse(Facet::KeyStage, false),
        newest,
    };
    Ok(render(&page, StatusCode::OK))
}

/// For a DSL who needs a service now: the support organisations covering
/// each local area (the districts and unitary authorities, the leaves of
/// the area tree), national and county-wide ones included, as SPEC's area
/// rule counts them.
fn services_by_area(live: &LiveIndex) -> Result<Vec<CountLink>, PageError> {
    let mut request = SearchRequest::default();
    *request.filter_mut(Facet::Kind) = vec![Kind::Organisation.id().to_string()];
    let services = run(live, &request, "")?;
    let areas = &services.facet(Facet::Area).values;
    let is_leaf = |i: usize| {
        areas
            .get(i + 1)
            .is_none_or(|next| next.depth <= areas[i].depth)
    };
    Ok(areas
        .iter()
        .enumerate()
        .filter(|&(i, v)| v.depth > 0 && is_leaf(i))
        .map(|(_, v)| {
            let mut in_area = request.clone();
            *in_area.filter_mut(Facet::Area) = vec![v.value.to_string()];
            CountLink {
                href: search_href(&in_area.to_query()),
                label: v.label.to_string(),
                count: v.count,
            }
        })
        .collect())
}

fn pair(key: &str, value: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair(key, value)
        .finish()
}

fn run<'a>(
    live: &'a LiveIndex,
    request: &SearchRequest,
    raw: &str,
) -> Result<SearchResults<'a>, PageError> {
    search::run(live, request).map_err(|error| PageError::BadRequest {
        error,
        raw: raw.to_string(),
    })
}

// ---------------------------------------------------------------- search

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    layout: Layout,
    q: String,
    total: usize,
    count_text: String,
    corrected: Option<String>,
    chips: Vec<Link>,
    clear_href: Option<String>,
    facets: Vec<FacetView>,
    sorts: Vec<SortOption>,
    /// Hidden inputs that keep the parts of the search the form has no control for.
    hidden: Vec<(String, String)>,
    cards: Vec<Card>,
    first: usize,
    suggestions: Vec<Suggested>,
    pagination: Option<Pagination>,
}

struct FacetView {
    param: &'static str,
    label: &'static str,
    open: bool,
    selected: usize,
    values: Vec<FacetValueView>,
}

struct FacetValueView {
    input_id: String,
    value: String,
    label: String,
    count: usize,
    checked: bool,
    depth: usize,
}

struct SortOption {
    id: &'static str,
    label: &'static str,
    selected: bool,
}

struct Suggested {
    href: String,
    label: String,
    count: usize,
}

struct Pagination {
    previous: Option<String>,
    next: Option<String>,
    pages: Vec<PageLink>,
    current: usize,
    last: usize,
}

struct PageLink {
    number: usize,
    href: Option<String>,
    current: bool,
    gap: bool,
}

async fn search_page(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let live = state.live();
    let raw = raw.unwrap_or_default();
    let request =
        SearchRequest::from_query(&raw, &live).map_err(|error| PageError::BadRequest {
            error,
            raw: raw.clone(),
        })?;
    let results = run(&live, &request, &raw)?;
    state.record_search(&live, &request, results.total == 0);
    let page = search_view(&live, &request, &results, state.today());
    Ok(render(&page, StatusCode::OK))
}

fn value_label(live: &LiveIndex, facet: Facet, value: &str) -> String {
    let postings = live.facet(facet);
    let label = postings
        .position(value)
        .map_or(value, |p| postings.values[p].label.as_str());
    match facet {
        Facet::KeyStage => key_stage_short(label).to_string(),
        _ => label.to_string(),
    }
}

/// Every filter the request applies, as (removed request, label).
fn applied_filters(live: &LiveIndex, request: &SearchRequest) -> Vec<(SearchRequest, String)> {
    let mut out = Vec::new();
    for facet in PANEL_ORDER {
        for value in request.filter(facet) {
            let mut without = request.clone();
            without.filter_mut(facet).retain(|v| v != value);
            without.page = 1;
            out.push((without, value_label(live, facet, value)));
        }
    }
    if let Some(age) = request.age {
        let mut without = request.clone();
        without.age = None;
        without.page = 1;
        out.push((without, format!("Age {age}")));
    }
    if let Some(year) = request.year {
        let mut without = request.clone();
        without.year = None;
        without.page = 1;
        let label = if year == 0 {
            "Reception".to_string()
        } else {
            format!("Year {year}")
        };
        out.push((without, label));
    }
    out
}

fn search_view(
    live: &LiveIndex,
    request: &SearchRequest,
    results: &SearchResults<'_>,
    today: NaiveDate,
) -> SearchPage {
    let library = &live.library;
    let applied = applied_filters(live, request);
    let mut chips: Vec<Link> = applied
        .iter()
        .map(|(without, label)| Link {
            href: search_href(&without.to_query()),
            label: label.clone(),
        })
        .collect();
    // Filters read from the query text: removing one takes its words out.
    for interpreted in &results.interpreted {
        let mut without = request.clone();
        without.q = remove_words(&request.q, &interpreted.text);
        without.page = 1;
        chips.push(Link {
            href: search_href(&without.to_query()),
            label: interpreted.label.clone(),
        });
    }
    let clear_href = (!chips.is_empty()).then(|| {
        let cleared = SearchRequest {
            q: request.q.clone(),
            sort: request.sort,
            per_page: request.per_page,
            ..SearchRequest::default()
        };
        search_href(&cleared.to_query())
    });

    let facets = PANEL_ORDER
        .iter()
        .map(|&facet| {
            let counts = results.facet(facet);
            let selected = counts.values.iter().filter(|v| v.selected).count();
            FacetView {
                param: facet.param(),
                label: facet.label(),
                open: selected > 0
                    || matches!(
                        facet,
                        Facet::Kind | Facet::KeyStage | Facet::Topic | Facet::Sector
                    ),
                selected,
                values: counts
                    .values
                    .iter()
                    .map(|v| FacetValueView {
                        input_id: format!("f-{}-{}", facet.param(), v.value),
                        value: v.value.to_string(),
                        label: v.label.to_string(),
                        count: v.count,
                        checked: v.selected,
                        depth: v.depth.min(3),
                    })
                    .collect(),
            }
        })
        .collect();

    let sorts = Sort::ALL
        .iter()
        .map(|&s| SortOption {
            id: s.id(),
            label: match s {
                Sort::Relevance => "Best match",
                Sort::Reviewed => "Recently reviewed",
                Sort::Title => "Title (A to Z)",
            },
            selected: s == request.sort,
        })
        .collect();

    let mut hidden = Vec::new();
    if let Some(age) = request.age {
        hidden.push(("age".to_string(), age.to_string()));
    }
    if let Some(year) = request.year {
        hidden.push(("year".to_string(), year.to_string()));
    }
    if request.per_page != search::DEFAULT_PER_PAGE {
        hidden.push(("per_page".to_string(), request.per_page.to_string()));
    }

    let cards = results
        .hits
        .iter()
        .map(|h| Card::new(library, h.entry, h.snippet.clone(), today))
        .collect();

    let suggestions = if results.total == 0 {
        zero_result_suggestions(live, request, results, &applied)
    } else {
        Vec::new()
    };

    let pages = results.pages();
    let pagination = (pages > 1).then(|| {
        let href = |n: usize| {
            let mut r = request.clone();
            r.page = n;
            search_href(&r.to_query())
        };
        let mut links = Vec::new();
        let mut last_shown = 0;
        for n in 1..=pages {
            let near = n.abs_diff(results.page) <= 2;
            if n == 1 || n == pages || near {
                if last_shown + 1 < n {
                    links.push(PageLink {
                        number: 0,
                        href: None,
                        current: false,
                        gap: true,
                    });
                }
                links.push(PageLink {
                    number: n,
                    href: (n != results.page).then(|| href(n)),
                    current: n == results.page,
                    gap: false,
                });
                last_shown = n;
            }
        }
        Pagination {
            previous: (results.page > 1).then(|| href(results.page - 1)),
            next: (results.page < pages).then(|| href(results.page + 1)),
            pages: links,
            current: results.page,
            last: pages,
        }
    });

    let count_text = match results.total {
        1 => "1 result".to_string(),
        n => format!("{n} results"),
    };
    let title = if request.q.is_empty() {
        format!("Search ({count_text})")
    } else {
        format!("“{}”: {count_text}", truncate(&request.q, 60))
    };
    SearchPage {
        layout: Layout::new(title, "/search"),
        q: request.q.clone(),
        total: results.total,
        count_text,
        corrected: results.corrected.clone(),
        chips,
        clear_href,
        facets,
        sorts,
        hidden,
        cards,
        first: (results.page - 1) * results.per_page + 1,
        suggestions,
        pagination,
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut out: String = text.chars().take(max).collect();
        out.push('…');
        out
    }
}

fn remove_words(q: &str, words: &str) -> String {
    let lower_q = q.to_lowercase();
    let lower_words = words.to_lowercase();
    match lower_q.find(&lower_words) {
        // Lowercasing can change byte lengths; only cut when it did not.
        Some(start) if lower_q.len() == q.len() && !words.is_empty() => {
            let mut out = String::with_capacity(q.len());
            out.push_str(&q[..start]);
            out.push_str(&q[start + words.len()..]);
            out.split_whitespace().collect::<Vec<_>>().join(" ")
        }
        _ => q.to_string(),
    }
}

/// For an empty result: each filter that, dropped alone, gives results, and
/// the search without its text; most results first.
fn zero_result_suggestions(
    live: &LiveIndex,
    request: &SearchRequest,
    results: &SearchResults<'_>,
    applied: &[(SearchRequest, String)],
) -> Vec<Suggested> {
    let mut out: Vec<Suggested> = applied
        .iter()
        .filter_map(|(without, label)| {
            let total = search::run(live, without).ok()?.total;
            (total > 0).then(|| Suggested {
                href: search_href(&without.to_query()),
                label: format!("Remove the filter “{label}”"),
                count: total,
            })
        })
        .collect();
    if !request.q.is_empty() {
        let mut without = request.clone();
        without.q.clear();
        without.page = 1;
        let total = search::run(live, &without).map_or(0, |r| r.total);
        if total > 0 {
            out.push(Suggested {
                href: search_href(&without.to_query()),
                label: format!("Search without the words “{}”", truncate(&request.q, 60)),
                count: total,
            });
        }
    }
    for s in results.suggestions.iter().filter(|s| s.kind == "spelling") {
        out.push(Suggested {
            href: search_href(&s.query),
            label: format!("Search for “{}”", s.label),
            count: s.count,
        });
    }
    out.sort_by_key(|s| std::cmp::Reverse(s.count));
    out
}

// ---------------------------------------------------------------- entry

#[derive(Template)]
#[template(path = "entry.html")]
struct EntryPage {
    layout: Layout,
    kind: &'static str,
    title: String,
    summary: String,
    due: bool,
    review_due: String,
    reviewed: String,
    body: SafeHtml,
    facts: Vec<(&'static str, String)>,
    topics: Vec<Link>,
    provider: Option<Link>,
    url: Option<String>,
    contact: Vec<ContactLine>,
    quality: Option<String>,
    related: Vec<Card>,
}

struct ContactLine {
    label: &'static str,
    text: String,
    href: Option<String>,
}

async fn entry_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let live = state.live();
    let library = &live.library;
    let today = state.today();
    let entry = library.get(&id).ok_or_else(|| {
        PageError::NotFound(format!(
            "an entry called “{}”",
            id.chars().take(100).collect::<String>()
        ))
    })?;
    let topics_vocabulary = library.taxonomy.vocabulary(VocabularyName::Topics);
    let sensitive = entry.kind == Kind::Organisation
        || entry.kind == Kind::CaseStudy
        || entry.topics.iter().any(|t| {
            topics_vocabulary.position(t).is_some_and(|p| {
                topics_vocabulary
                    .ancestors_and_self(p)
                    .any(|a| SENSITIVE_TOPICS.contains(&topics_vocabulary.terms()[a].id.as_str()))
            })
        });

    let mut facts: Vec<(&'static str, String)> = vec![("Ages", entry.ages.describe())];
    let ks = key_stage_labels(entry);
    if !ks.is_empty() {
        facts.push(("Key stages", ks.join(", ")));
    }
    let mut push = |label: &'static str, vocabulary: VocabularyName, ids: &[String]| {
        if !ids.is_empty() {
            facts.push((label, labels(library, vocabulary, ids).join(", ")));
        }
    };
    push("Sectors", VocabularyName::Sectors, &entry.sectors);
    push("For", VocabularyName::Audiences, &entry.audiences);
    push("SEND", VocabularyName::Abilities, &entry.abilities);
    push("Available in", VocabularyName::Areas, &entry.areas);
    push("Formats", VocabularyName::Formats, &entry.formats);
    if let Some(cost) = &entry.cost {
        let label = crate::taxonomy::COSTS
            .iter()
            .find(|(id, _)| id == cost)
            .map_or(cost.as_str(), |(_, l)| l);
        facts.push(("Cost", label.to_string()));
    }

    let mut contact = Vec::new();
    if let Some(c) = &entry.contact {
        if let Some(phone) = &c.phone {
            contact.push(ContactLine {
                label: "Phone",
                text: phone.clone(),
                href: Some(tel_href(phone)),
            });
        }
        if let Some(email) = &c.email {
            contact.push(ContactLine {
                label: "Email",
                text: email.clone(),
                href: Some(format!("mailto:{email}")),
            });
        }
        if let Some(hours) = &c.hours {
            contact.push(ContactLine {
                label: "Opening hours",
                text: hours.clone(),
                href: None,
            });
        }
        if let Some(address) = &c.address {
            contact.push(ContactLine {
                label: "Address",
                text: address.clone(),
                href: None,
            });
        }
        if let Some(referral) = &c.referral {
            contact.push(ContactLine {
                label: "How to refer or get help",
                text: referral.clone(),
                href: None,
            });
        }
    }

    let quality = entry.quality_assured.as_ref().map(|q| match q.date {
        Some(date) => format!("{} ({})", q.by, format_date(date)),
        None => q.by.clone(),
    });
    let url = entry
        .url
        .clone()
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"));
    let page = EntryPage {
        layout: Layout::new(entry.title.clone(), "").with_exit(sensitive),
        kind: entry.kind.label(),
        title: entry.title.clone(),
        summary: entry.summary.clone(),
        due: entry.is_due_for_review(today),
        review_due: format_date(entry.review_due),
        reviewed: format_date(entry.reviewed),
        body: entry.body_html.clone(),
        facts,
        topics: entry
            .topics
            .iter()
            .map(|t| Link {
                href: search_href(&pair("topic", t)),
                label: topics_vocabulary.label(t).to_string(),
            })
            .collect(),
        provider: provider_link(library, entry),
        url,
        contact,
        quality,
        related: related(library, entry)
            .into_iter()
            .map(|e| Card::new(library, e, String::new(), today))
            .collect(),
    };
    Ok(render(&page, StatusCode::OK))
}

/// Entries sharing a topic and an age with this one: same kind first, then
/// the most shared topics, then title.
fn related<'a>(library: &'a Library, entry: &Entry) -> Vec<&'a Entry> {
    let topics: HashSet<&str> = entry.topics.iter().map(String::as_str).collect();
    let mut scored: Vec<(bool, usize, &Entry)> = library
        .entries()
        .iter()
        .filter(|e| e.id != entry.id && e.ages.overlaps(entry.ages.min, entry.ages.end()))
        .filter_map(|e| {
            let shared = e
                .topics
                .iter()
                .filter(|t| topics.contains(t.as_str()))
                .count();
            (shared > 0).then_some((e.kind != entry.kind, shared, e))
        })
        .collect();
    scored.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(b.1.cmp(&a.1))
            .then_with(|| a.2.title.cmp(&b.2.title))
    });
    scored
        .into_iter()
        .take(RELATED_LIMIT)
        .map(|(_, _, e)| e)
        .collect()
}

// ---------------------------------------------------------------- coverage

#[derive(Template)]
#[template(path = "coverage.html")]
struct CoveragePage {
    layout: Layout,
    total: usize,
    gaps: usize,
    grids: Vec<Grid>,
    due: DueSection,
}

/// The head of the review queue, for the coordinator.
struct DueSection {
    count: usize,
    overdue: usize,
    within: u64,
    oldest: Vec<DueLink>,
}

struct DueLink {
    href: String,
    title: String,
    due: String,
    overdue: bool,
}

/// Entries named in "Due for review"; the rest are counted.
const DUE_SHOWN: usize = 5;

fn due_section(library: &Library, today: NaiveDate) -> DueSection {
    let within = crate::review_queue::DEFAULT_WITHIN_DAYS;
    let queue = crate::review_queue::queue(library, std::path::Path::new(""), today, within);
    DueSection {
        count: queue.len(),
        overdue: queue.iter().filter(|d| d.overdue).count(),
        within,
        oldest: queue
            .iter()
            .take(DUE_SHOWN)
            .map(|d| DueLink {
                href: format!("/entries/{}", d.id),
                title: d.title.to_string(),
                due: format_date(d.review_due),
                overdue: d.overdue,
            })
            .collect(),
    }
}

struct Grid {
    caption: String,
    id: &'static str,
    columns: Vec<String>,
    rows: Vec<GridRow>,
}

struct GridRow {
    label: String,
    depth: usize,
    cells: Vec<GridCell>,
}

struct GridCell {
    count: usize,
    href: String,
    level: usize,
}

async fn coverage(State(state): State<AppState>) -> Response {
    let live = state.live();
    let library = &live.library;
    let topics = library.taxonomy.vocabulary(VocabularyName::Topics);
    // Each entry counts once per topic it is tagged with or sits below.
    let entry_topics: Vec<BTreeSet<usize>> = library
        .entries()
        .iter()
        .map(|e| {
            e.topics
                .iter()
                .filter_map(|t| topics.position(t))
                .flat_map(|p| topics.ancestors_and_self(p))
                .collect()
        })
        .collect();
    let grid = |caption: &str,
                id: &'static str,
                param: &str,
                columns: Vec<(String, String)>,
                has: &dyn Fn(&Entry, &str) -> bool| {
        let mut counts = vec![vec![0usize; columns.len()]; topics.terms().len()];
        for (entry, tset) in library.entries().iter().zip(&entry_topics) {
            for (c, (col_id, _)) in columns.iter().enumerate() {
                if has(entry, col_id) {
                    for &t in tset {
                        counts[t][c] += 1;
                    }
                }
            }
        }
        let max = counts.iter().flatten().copied().max().unwrap_or(0).max(1);
        let rows = topics
            .terms()
            .iter()
            .zip(&counts)
            .map(|(term, row)| GridRow {
                label: term.label.clone(),
                depth: term.depth.min(3),
                cells: row
                    .iter()
                    .zip(&columns)
                    .map(|(&count, (col_id, _))| GridCell {
                        count,
                        href: search_href(&format!(
                            "{}&{}",
                            pair("topic", &term.id),
                            pair(param, col_id)
                        )),
                        level: if count == 0 {
                            0
                        } else {
                            1 + (count * 4 - 1) / max
                        }
                        .min(4),
                    })
                    .collect(),
            })
            .collect();
        Grid {
            caption: caption.to_string(),
            id,
            columns: columns.into_iter().map(|(_, l)| l).collect(),
            rows,
        }
    };
    let by_key_stage = grid(
        "Entries by topic and key stage",
        "by-key-stage",
        "key_stage",
        KEY_STAGES
            .iter()
            .map(|k| (k.id.to_string(), key_stage_short(k.label).to_string()))
            .collect(),
        &|e, id| e.ages.key_stages().any(|k| k.id == id),
    );
    let by_sector = grid(
        "Entries by topic and sector",
        "by-sector",
        "sector",
        library
            .taxonomy
            .vocabulary(VocabularyName::Sectors)
            .terms()
            .iter()
            .map(|t| (t.id.clone(), t.label.clone()))
            .collect(),
        &|e, id| e.sectors.iter().any(|s| s == id),
    );
    let gaps = by_key_stage
        .rows
        .iter()
        .flat_map(|r| &r.cells)
        .filter(|c| c.count == 0)
        .count();
    let page = CoveragePage {
        layout: Layout::new("Coverage: where the bank has gaps", "/coverage"),
        total: library.entries().len(),
        gaps,
        grids: vec![by_key_stage, by_sector],
        due: due_section(library, state.today()),
    };
    render(&page, StatusCode::OK)
}

// ---------------------------------------------------------------- updates

#[derive(Template)]
#[template(path = "updates.html")]
struct UpdatesPage {
    layout: Layout,
    groups: Vec<(String, Vec<Card>)>,
    shown: usize,
    total: usize,
}

fn newest_first(library: &Library) -> Vec<&Entry> {
    let mut entries: Vec<&Entry> = library.entries().iter().collect();
    entries.sort_by(|a, b| {
        b.reviewed
            .cmp(&a.reviewed)
            .then_with(|| a.title.cmp(&b.title))
    });
    entries
}

async fn updates(State(state): State<AppState>) -> Response {
    let live = state.live();
    let library = &live.library;
    let today = state.today();
    let entries = newest_first(library);
    let mut groups: Vec<(String, Vec<Card>)> = Vec::new();
    for entry in entries.iter().take(UPDATES_LIMIT) {
        let month = entry.reviewed.format("%B %Y").to_string();
        let card = Card::new(library, entry, String::new(), today);
        match groups.last_mut() {
            Some((m, cards)) if *m == month => cards.push(card),
            _ => groups.push((month, vec![card])),
        }
    }
    let page = UpdatesPage {
        layout: Layout::new("Recently added and reviewed", "/updates"),
        shown: entries.len().min(UPDATES_LIMIT),
        total: entries.len(),
        groups,
    };
    render(&page, StatusCode::OK)
}

// ---------------------------------------------------------------- feed

/// The Atom feed of the newest entries, with absolute links built from the
/// request's Host (checked to be a plain host name and port).
async fn feed(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let live = state.live();
    let library = &live.library;
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() < 256
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("127.0.0.1:8080");
    let base = format!("http://{host}");
    let entries = newest_first(library);
    let updated = entries.first().map_or_else(
        || "1970-01-01T00:00:00Z".to_string(),
        |e| atom_date(e.reviewed),
    );
    let mut xml = String::with_capacity(16 * 1024);
    let _ = write!(
        xml,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en-GB\">\n\
         <id>tag:signpost,2025:feed</id>\n\
         <title>Signpost: new and reviewed entries</title>\n\
         <subtitle>Safeguarding and RSE resources, support and case studies for schools</subtitle>\n\
         <updated>{updated}</updated>\n\
         <link rel=\"self\" type=\"application/atom+xml\" href=\"{base}/feed.xml\"/>\n\
         <link rel=\"alternate\" type=\"text/html\" href=\"{base}/updates\"/>\n\
         <author><name>Signpost</name></author>\n",
        base = xml_escape(&base),
    );
    for entry in entries.iter().take(FEED_LIMIT) {
        let _ = write!(
            xml,
            "<entry>\n<id>tag:signpost,2025:entries/{id}</id>\n<title>{title}</title>\n\
             <updated>{updated}</updated>\n<link rel=\"alternate\" type=\"text/html\" href=\"{base}/entries/{id}\"/>\n\
             <category term=\"{kind}\" label=\"{kind_label}\"/>\n<summary>{summary}</summary>\n</entry>\n",
            id = entry.id,
            title = xml_escape(&entry.title),
            updated = atom_date(entry.reviewed),
            base = xml_escape(&base),
            kind = entry.kind.id(),
            kind_label = entry.kind.label(),
            summary = xml_escape(&entry.summary),
        );
    }
    xml.push_str("</feed>\n");
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/atom+xml; charset=utf-8"),
        )],
        xml,
    )
        .into_response()
}

fn atom_date(date: NaiveDate) -> String {
    format!("{}T00:00:00Z", date.format("%Y-%m-%d"))
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_removed_from_the_query() {
        assert_eq!(
            remove_words("consent Year 8 lessons", "year 8"),
            "consent lessons"
        );
        assert_eq!(remove_words("consent", "ks2"), "consent");
    }

    #[test]
    fn error_values_are_read_from_messages() {
        assert_eq!(
            error_value("unknown topic `consnet`").as_deref(),
            Some("consnet")
        );
        assert_eq!(error_value("no value"), None);
    }

    #[test]
    fn xml_is_escaped() {
        assert_eq!(xml_escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }
}
