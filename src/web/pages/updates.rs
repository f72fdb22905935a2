//! `/updates`: what was added or reviewed, newest first, by month.

use std::cmp::Reverse;

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

/// The `limit` most recently reviewed entries, newest first, then by
/// title. Only those are sorted: sorting the whole bank was 33 ms a page
/// at 100,000 entries.
pub(super) fn newest_first(library: &Library, limit: usize) -> Vec<&Entry> {
    let mut entries: Vec<(usize, &Entry)> = library.entries().iter().enumerate().collect();
    if entries.len() > limit {
        entries.select_nth_unstable_by_key(limit, newest);
        entries.truncate(limit);
    }
    entries.sort_unstable_by_key(newest);
    entries.into_iter().map(|(_, e)| e).collect()
}

/// Newest first, then by title, then in the entries' order (by kind, then id).
fn newest<'a>(&(ord, e): &(usize, &'a Entry)) -> (Reverse<chrono::NaiveDate>, &'a str, usize) {
    (Reverse(e.reviewed), e.title.as_str(), ord)
}

pub(super) async fn updates(State(state): State<AppState>) -> Response {
    let live = state.live();
    let library = live.library();
    let today = state.today();
    let entries = newest_first(library, UPDATES_LIMIT);
    let mut groups: Vec<(String, Vec<Card>)> = Vec::new();
    for entry in &entries {
        let month = entry.reviewed.format("%B %Y").to_string();
        let card = Card::new(library, entry, String::new(), today);
        match groups.last_mut() {
            Some((m, cards)) if *m == month => cards.push(card),
            _ => groups.push((month, vec![card])),
        }
    }
    let page = UpdatesPage {
        layout: Layout::new("Recently added and reviewed", "/updates"),
        shown: entries.len(),
        total: library.entries().len(),
        groups,
    };
    render(&page, StatusCode::OK)
}
