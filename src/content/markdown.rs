//! Markdown bodies: rendered with pulldown-cmark, then sanitised with
//! ammonia, into [`SafeHtml`] when a page shows one. Also the plain text
//! the index and snippets use, and the headings case studies must have.

use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::entry::SafeHtml;

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_SMART_PUNCTUATION
}

/// Entry bodies are written by trusted curators, but they are pasted from
/// anywhere; the allowlist keeps structure and drops everything active.
static SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .url_schemes(HashSet::from(["http", "https", "mailto", "tel"]))
        .link_rel(Some("noopener noreferrer external"))
        .rm_tags(["img"]);
    builder
});

/// Renders and sanitises a body. A Markdown link to a path on this site
/// (`/entries/x`) gets `base`, the site's path prefix, so it still leads
/// there when the site is served under a path.
pub fn render(markdown: &str, base: &str) -> SafeHtml {
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    let events = Parser::new_ext(markdown, options()).map(|event| match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if !base.is_empty() && dest_url.starts_with('/') && !dest_url.starts_with("//") => {
            Event::Start(Tag::Link {
                link_type,
                dest_url: format!("{base}{dest_url}").into(),
                title,
                id,
            })
        }
        other => other,
    });
    pulldown_cmark::html::push_html(&mut html, events);
    SafeHtml::from_sanitised(SANITISER.clean(&html).to_string())
}

/// The text a reader sees, one block per line, without markup.
pub fn plain_text(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => text.push('\n'),
            _ => {}
        }
    }
    text
}

/// Second-level headings with the byte offset where each starts.
pub fn h2_headings(markdown: &str) -> Vec<(String, usize)> {
    let mut headings = Vec::new();
    let mut current: Option<(String, usize)> = None;
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                ..
            }) => {
                current = Some((String::new(), range.start));
            }
            Event::Text(t) => {
                if let Some((title, _)) = current.as_mut() {
                    title.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(HeadingLevel::H2)) => headings.extend(current.take()),
            _ => {}
        }
    }
    headings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_content_is_removed() {
        let html = render(
            "Hi <script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1)) <a href=\"https://e.org\" onclick=\"x()\">ok</a>",
            "",
        );
        let html = html.as_str();
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(
            html.contains(r#"<a href="https://e.org" rel="noopener noreferrer external">ok</a>"#),
            "{html}"
        );
    }

    #[test]
    fn links_within_the_site_get_its_path() {
        let md = "[a](/entries/x) [b](https://e.org/y) [c](//e.org/z) [d](#top)";
        let html = render(md, "/haven");
        let html = html.as_str();
        assert!(html.contains("href=\"/haven/entries/x\""), "{html}");
        assert!(html.contains("href=\"https://e.org/y\""), "{html}");
        assert!(html.contains("href=\"//e.org/z\""), "{html}");
        assert!(html.contains("href=\"#top\""), "{html}");
        assert!(render(md, "").as_str().contains("href=\"/entries/x\""));
    }

    #[test]
    fn plain_text_and_headings() {
        let md = "## Situation\nA *pupil* said.\n\n## Response\n- one\n";
        assert_eq!(plain_text(md), "Situation\nA pupil said.\nResponse\none\n");
        assert_eq!(
            h2_headings(md),
            [("Situation".to_string(), 0), ("Response".to_string(), 30)]
        );
    }
}
