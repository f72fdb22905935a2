//! `/feed.xml`: the Atom feed of the newest entries.

use std::fmt::Write as _;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::updates::newest_first;
use super::*;

/// The Atom feed of the newest entries, with absolute links built from the
/// request's Host (checked to be a plain host name and port).
pub(super) async fn feed(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let live = state.live();
    let library = live.library();
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
        let illustrative = illustrative_label(entry).map_or_else(String::new, |label| {
            format!("<category term=\"illustrative\" label=\"{label}\"/>\n")
        });
        let _ = write!(
            xml,
            "<entry>\n<id>tag:signpost,2025:entries/{id}</id>\n<title>{title}</title>\n\
             <updated>{updated}</updated>\n<link rel=\"alternate\" type=\"text/html\" href=\"{base}/entries/{id}\"/>\n\
             <category term=\"{kind}\" label=\"{kind_label}\"/>\n{illustrative}<summary>{summary}</summary>\n</entry>\n",
            id = entry.id,
            title = xml_escape(&feed_title(entry)),
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

/// An entry's title in the feed: an illustrative case study says so first,
/// since most feed readers show only titles.
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
    fn xml_is_escaped() {
        assert_eq!(xml_escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }
}
