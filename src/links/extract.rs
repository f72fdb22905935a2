//! Where the addresses are: every `url:` in an entry's front matter (its
//! own, and its sources') and every link in its Markdown body, each with
//! the line a coordinator would edit.

use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, Options, Parser, Tag};
use serde_yaml::Value;

use super::LinksError;
use crate::content::{Entry, Library, LineIndex, split_front_matter};

/// One address as written in one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub file: PathBuf,
    pub line: usize,
    pub url: String,
}

/// The entry's file: `<content>/<folder>/<id>.md`, as `load` reads it.
pub fn entry_file(content: &Path, entry: &Entry) -> PathBuf {
    content
        .join(entry.kind.folder())
        .join(format!("{}.md", entry.id))
}

/// Every web address in the bank, in file and line order.
pub fn find_links(content: &Path, library: &Library) -> Result<Vec<Link>, LinksError> {
    let mut links = Vec::new();
    for entry in library.entries() {
        links.extend(entry_links(content, entry)?);
    }
    links.sort_by(|a, b| (&a.file, a.line, &a.url).cmp(&(&b.file, b.line, &b.url)));
    Ok(links)
}

/// The web addresses of one entry.
pub fn entry_links(content: &Path, entry: &Entry) -> Result<Vec<Link>, LinksError> {
    let file = entry_file(content, entry);
    let text = std::fs::read_to_string(&file).map_err(|source| LinksError::Read {
        path: file.clone(),
        source,
    })?;
    Ok(links_in(&file, &text))
}

/// The addresses in one file's text. A file that `check` would refuse
/// yields what can still be found.
pub fn links_in(file: &Path, text: &str) -> Vec<Link> {
    let Some(split) = split_front_matter(text) else {
        return Vec::new();
    };
    let mut found: Vec<(usize, String)> = front_matter_urls(split.yaml);
    found.extend(body_urls(split.body, split.body_line));
    found
        .into_iter()
        .map(|(line, url)| Link {
            file: file.to_path_buf(),
            line,
            url,
        })
        .collect()
}

/// `url` and `sources[].url`, located by their text; the front matter
/// starts on line 2 of the file.
fn front_matter_urls(yaml: &str) -> Vec<(usize, String)> {
    let Ok(Value::Mapping(map)) = serde_yaml::from_str::<Value>(yaml) else {
        return Vec::new();
    };
    let lines = LineIndex::new(yaml);
    let mut urls = Vec::new();
    if let Some(Value::String(url)) = map.get("url") {
        let line = top_level_key_line(yaml, "url")
            .or_else(|| lines.find_key("url", 0).map(|(l, _)| l))
            .unwrap_or(1);
        urls.push((line + 1, url.trim().to_string()));
    }
    if let Some(Value::Sequence(sources)) = map.get("sources") {
        let mut from = lines.find_key("sources", 0).map_or(1, |(l, _)| l);
        for source in sources {
            let Some(Value::String(url)) = source.get("url") else {
                continue;
            };
            let url = url.trim();
            // Sources are listed in order, so each is found after the last.
            let line = lines.find_value(url, from).map(|(l, _)| l).unwrap_or(from);
            from = line;
            urls.push((line + 1, url.to_string()));
        }
    }
    urls
}

/// The line of a key written at the start of a line (not nested).
fn top_level_key_line(yaml: &str, key: &str) -> Option<usize> {
    yaml.lines()
        .position(|l| {
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map(|i| i + 1)
}

/// Links (inline, reference and autolinks) to http(s) addresses; mail,
/// phone and in-site links are not web pages to fetch.
fn body_urls(body: &str, body_line: usize) -> Vec<(usize, String)> {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    Parser::new_ext(body, options)
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                let url = dest_url.trim();
                let lower = url.to_ascii_lowercase();
                (lower.starts_with("http://") || lower.starts_with("https://")).then(|| {
                    let line = body_line + body[..range.start].matches('\n').count();
                    (line, url.to_string())
                })
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "---
title: Example
sources:
  - title: The report
    url: https://example.org/report
  - {title: Another, url: \"https://example.org/other\"}
url: https://example.org/home
---
Intro line.

See [the guide](https://example.org/guide) and
<https://example.org/auto>, [mail](mailto:a@example.org),
[an entry](/entries/x) and [ref][r].

[r]: http://example.org/ref
";

    #[test]
    fn every_address_has_its_line() {
        let links = links_in(Path::new("f.md"), FILE);
        let got: Vec<(usize, &str)> = links.iter().map(|l| (l.line, l.url.as_str())).collect();
        assert_eq!(
            got,
            [
                (7, "https://example.org/home"),
                (5, "https://example.org/report"),
                (6, "https://example.org/other"),
                (11, "https://example.org/guide"),
                (12, "https://example.org/auto"),
                (13, "http://example.org/ref"),
            ]
        );
    }

    #[test]
    fn a_nested_url_is_not_taken_for_the_entry_url() {
        let text = "---\nsources:\n  - title: a\n    url: https://a.example/\nurl: https://b.example/\n---\n";
        let links = links_in(Path::new("f.md"), text);
        assert_eq!(links[0].line, 5);
        assert_eq!(links[0].url, "https://b.example/");
        assert_eq!(links[1].line, 4);
    }

    #[test]
    fn a_file_without_front_matter_has_no_links() {
        assert!(links_in(Path::new("f.md"), "no front matter").is_empty());
    }
}
