//! `/updates`: what was added or reviewed, newest first, by month.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::*;

#[derive(Template)]
#[template(path = "updates.html")]
struct UpdatesPage {
    layout: Layout,
    groups: Vec<(String, Vec<Card>)>,
    shown: usize,
    total: usize,
}

pub(super) fn newest_first(library: &Library) -> Vec<&Entry> {
    let mut entries: Vec<&Entry> = library.entries().iter().collect();
    entries.sort_by(|a, b| {
        b.reviewed
            .cmp(&a.reviewed)
            .then_with(|| a.title.cmp(&b.title))
    });
    entries
}

pub(super) async fn updates(State(state): State<AppState>) -> Response {
    let live = state.live();
    let library = live.library();
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
