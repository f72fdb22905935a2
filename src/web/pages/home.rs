//! `/`: the search box and ways to browse: by kind, topic, sector, key
//! stage, and each local area's support services.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::*;
use crate::search::Sort;

#[derive(Template)]
#[template(path = "home.html")]
pub(super) struct HomePage {
    layout: Layout,
    total: usize,
    kinds: Vec<CountLink>,
    services_by_area: Vec<CountLink>,
    topics: Vec<CountLink>,
    sectors: Vec<CountLink>,
    key_stages: Vec<CountLink>,
    newest: Vec<Card>,
}

pub(super) async fn home(State(state): State<AppState>) -> Result<Response, PageError> {
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
        .map(|h| Card::new(live.library(), h.entry, String::new(), today))
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
pub(super) fn services_by_area(live: &Engine) -> Result<Vec<CountLink>, PageError> {
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
