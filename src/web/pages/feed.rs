//! `/feed.xml`: the Atom feed of the newest entries, built and escaped by
//! `atom_syndication`. Its links are absolute from the site's `base_url`
//! (never from the request's Host header); without a `base_url` they are
//! root-relative, which feed readers resolve against the feed's address.

use atom_syndication::{
    Category, Entry as AtomEntry, Feed, FixedDateTime, Link as AtomLink, Person, Text,
};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveTime;

use super::updates::newest_first;
use super::*;

pub(super) async fn feed(State(state): State<AppState>) -> Response {
    let live = state.live();
    let library = live.library();
    let xml = feed_xml(library);
    match xml {
        Ok(xml) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/atom+xml; charset=utf-8"),
            )],
            xml,
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, "writing the feed failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The feed document for the library's newest [`FEED_LIMIT`] entries.
pub(in crate::web) fn feed_xml(library: &Library) -> Result<Vec<u8>, atom_syndication::Error> {
    let site = &library.site;
    let entries = newest_first(library, FEED_LIMIT);
    let link = |rel: &str, mime_type: &str, path: &str| AtomLink {
        href: site.absolute(path),
        rel: rel.to_string(),
        mime_type: Some(mime_type.to_string()),
        ..AtomLink::default()
    };
    let feed = Feed {
        title: Text::plain(clean(&format!("{}: new and reviewed entries", site.name))),
        subtitle: Some(Text::plain(clean(&site.tagline))),
        id: feed_id(site, "feed"),
        updated: entries.first().map_or_else(
            || atom_date(NaiveDate::default()),
            |e| atom_date(e.reviewed),
        ),
        authors: vec![Person {
            name: clean(site.authority.as_deref().unwrap_or(&site.name)),
            ..Person::default()
        }],
        links: vec![
            link("self", "application/atom+xml", "/feed.xml"),
            link("alternate", "text/html", "/updates"),
        ],
        lang: Some("en-GB".to_string()),
        entries: entries
            .iter()
            .map(|entry| {
                let path = format!("/entries/{}", entry.id);
                AtomEntry {
                    id: feed_id(site, &format!("entries/{}", entry.id)),
                    title: Text::plain(clean(&feed_title(entry))),
                    updated: atom_date(entry.reviewed),
                    links: vec![link("alternate", "text/html", &path)],
                    categories: std::iter::once(Category {
                        term: entry.kind.id().to_string(),
                        label: Some(entry.kind.label().to_string()),
                        ..Category::default()
                    })
                    .chain(illustrative_label(entry).map(|label| Category {
                        term: "illustrative".to_string(),
                        label: Some(label.to_string()),
                        ..Category::default()
                    }))
                    .collect(),
                    summary: Some(Text::plain(clean(&entry.summary))),
                    ..AtomEntry::default()
                }
            })
            .collect(),
        ..Feed::default()
    };
    feed.write_to(Vec::with_capacity(16 * 1024))
}

/// An illustrative case study says so in its title, where feed readers
/// show it, unless the title already does.
fn feed_title(entry: &Entry) -> String {
    match illustrative_label(entry) {
        Some(label)
            if !entry
                .title
                .to_lowercase()
                .starts_with(&label.to_lowercase()) =>
        {
            format!("{label}: {}", entry.title)
        }
        _ => entry.title.clone(),
    }
}

/// A permanent id: the absolute address when the site has a `base_url`,
/// else a tag URI.
fn feed_id(site: &Site, what: &str) -> String {
    match &site.base_url {
        Some(_) if what == "feed" => site.absolute("/feed.xml"),
        Some(_) => site.absolute(&format!("/{what}")),
        None => format!("tag:signpost,2025:{what}"),
    }
}

fn atom_date(date: NaiveDate) -> FixedDateTime {
    date.and_time(NaiveTime::MIN).and_utc().fixed_offset()
}

/// Drops the control characters XML 1.0 cannot carry, escaped or not.
fn clean(text: &str) -> String {
    text.chars()
        .filter(|&c| (c as u32) >= 0x20 || matches!(c, '\t' | '\n' | '\r'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(clean("a<b & \"c\"\u{1}"), "a<b & \"c\"");
    }
}
