//! `/search`: results with facet counts, removable filter chips (given or
//! read from the text), snippets, sorting, pagination, and the search's own
//! ways out of an empty result.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::*;
use crate::search::{self, Sort, Suggestion, SuggestionKind};

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

impl Suggested {
    /// The search's own suggestions, in its order: the API shows the same.
    fn new(suggestion: &Suggestion) -> Suggested {
        let label = match suggestion.kind {
            SuggestionKind::RemoveFilter => format!("Remove the filter “{}”", suggestion.label),
            SuggestionKind::Spelling => format!("Search for “{}”", suggestion.label),
            SuggestionKind::RemoveText => {
                format!(
                    "Search without the words “{}”",
                    truncate(&suggestion.label, 60)
                )
            }
        };
        Suggested {
            href: search_href(&suggestion.query),
            label,
            count: suggestion.count,
        }
    }
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

pub(super) async fn search_page(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let live = state.live();
    let raw = raw.unwrap_or_default();
    let request = SearchRequest::from_query(&raw, live.index())
        .map_err(|error| PageError::new(error.into(), &raw))?;
    let results = run(&live, &request, &raw)?;
    state.record_search(&live, &request, results.total == 0);
    crate::web::metrics::search("page", results.total);
    let page = search_view(&live, &request, &results, state.today());
    Ok(render(&page, StatusCode::OK))
}

fn value_label(live: &Engine, facet: Facet, value: &str) -> String {
    let postings = live.index().facet(facet);
    let label = postings
        .position(value)
        .map_or(value, |p| postings.values[p].label.as_str());
    match facet {
        Facet::KeyStage => key_stage_short(label).to_string(),
        _ => label.to_string(),
    }
}

/// Every filter the request applies, as (removed request, label).
fn applied_filters(live: &Engine, request: &SearchRequest) -> Vec<(SearchRequest, String)> {
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
    live: &Engine,
    request: &SearchRequest,
    results: &SearchResults<'_>,
    today: NaiveDate,
) -> SearchPage {
    let library = live.library();
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
        without.q = interpreted.without.clone();
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

    let suggestions = results.suggestions.iter().map(Suggested::new).collect();

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
