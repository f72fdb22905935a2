//! The checks a reviewer would make that need the whole bank, or read the
//! text as a person would: near-duplicate entries, and case studies that
//! look un-anonymised.
//!
//! They are heuristics, so they are warnings: a false positive never stops
//! the site loading. `signpost check --strict` turns them into errors for a
//! pull request.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use super::entry::{Entry, Kind};
use crate::diagnostic::ContentError;
use crate::diagnostic::LineIndex;

/// One checked entry with its file and raw text.
pub struct Reviewed<'a> {
    pub path: &'a Path,
    pub entry: &'a Entry,
    pub text: &'a str,
}

/// Adds the reviewer's warnings for a whole bank, in file order.
pub fn review(items: &[Reviewed<'_>], diagnostics: &mut Vec<ContentError>) {
    near_duplicates(items, diagnostics);
    let known = Known::new(items);
    for item in items.iter().filter(|i| i.entry.kind == Kind::CaseStudy) {
        anonymity(item, &known, diagnostics);
    }
}

/// A title reduced to lowercase words: punctuation and spacing dropped.
pub fn title_key(title: &str) -> String {
    title
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A URL without scheme, `www.`, case or trailing slash.
fn url_key(url: &str) -> String {
    let url = url.trim().to_lowercase();
    let url = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(&url);
    let url = url.strip_prefix("www.").unwrap_or(url);
    url.trim_end_matches('/').to_string()
}

/// The position of a front matter key in the whole file.
fn key_position(text: &str, key: &str) -> (usize, usize) {
    LineIndex::new(text).find_key(key, 0).unwrap_or((1, 1))
}

fn near_duplicates(items: &[Reviewed<'_>], diagnostics: &mut Vec<ContentError>) {
    let mut titles: HashMap<String, &Reviewed<'_>> = HashMap::new();
    let mut urls: HashMap<(Kind, String), &Reviewed<'_>> = HashMap::new();
    for item in items {
        let key = title_key(&item.entry.title);
        match titles.get(&key) {
            Some(first) => {
                let (line, column) = key_position(item.text, "title");
                diagnostics.push(
                    ContentError::new(
                        item.path,
                        line,
                        column,
                        format!(
                            "near-duplicate: the title is the same as {}'s ({})",
                            first.entry.id,
                            first.path.display()
                        ),
                    )
                    .with_help("merge the two entries, or make the titles say how they differ")
                    .warning(),
                );
            }
            None => {
                titles.insert(key, item);
            }
        }
        // The same page may well serve an organisation and the resource it
        // publishes; two entries of one kind at one address are suspect.
        let Some(url) = &item.entry.url else { continue };
        let key = (item.entry.kind, url_key(url));
        match urls.get(&key) {
            Some(first) => {
                let (line, column) = key_position(item.text, "url");
                diagnostics.push(
                    ContentError::new(
                        item.path,
                        line,
                        column,
                        format!(
                            "near-duplicate: the url is the same as {}'s ({})",
                            first.entry.id,
                            first.path.display()
                        ),
                    )
                    .with_help("merge the two entries, or link each to its own page")
                    .warning(),
                );
            }
            None => {
                urls.insert(key, item);
            }
        }
    }
}

/// What the bank itself publishes, and so is not a private detail when a
/// case study repeats it: helpline numbers and addresses, and the names
/// of organisations with entries (Oak National Academy is not a school to
/// anonymise).
struct Known {
    phones: HashSet<String>,
    emails: HashSet<String>,
    titles: Vec<String>,
}

impl Known {
    fn new(items: &[Reviewed<'_>]) -> Known {
        let contacts = || items.iter().filter_map(|i| i.entry.contact.as_ref());
        Known {
            phones: contacts()
                .filter_map(|c| c.phone.as_deref())
                .map(digits)
                .collect(),
            emails: contacts()
                .filter_map(|c| c.email.as_deref())
                .map(str::to_lowercase)
                .collect(),
            titles: items
                .iter()
                .filter(|i| i.entry.kind != Kind::CaseStudy)
                .map(|i| i.entry.title.to_lowercase())
                .collect(),
        }
    }
}

fn digits(text: &str) -> String {
    let d: String = text.chars().filter(char::is_ascii_digit).collect();
    // +44 20 … and 020 … are the same number.
    match d.strip_prefix("44") {
        Some(rest) if text.trim_start().starts_with('+') => {
            format!("0{}", rest.strip_prefix('0').unwrap_or(rest))
        }
        _ => d,
    }
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b[a-z0-9._%+'-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b").expect("regex")
});
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\+44\s?(?:\(0\)\s?)?|\b0)\d(?:[ -]?\d){8,9}\b").expect("regex")
});
static PERSON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:Mrs|Mr|Ms|Miss|Mx|Dr)\.?\s+[A-Z](?:[a-z]+(?:[A-Z][a-z]+)?|['’][A-Z][a-z]+)(?:-[A-Z][a-z]+)?\b",
    )
        .expect("regex")
});
static SCHOOL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b((?:[A-Z][A-Za-z'’.-]*\s+)+)(?:(?:Church of England|C of E|CE|RC|Catholic|Community|Primary|Infant|Junior|First|Middle|High|Secondary|Grammar|Free|Special)\s+)?(?:Primary School|Infant School|Junior School|First School|Middle School|High School|Secondary School|Grammar School|Academy)\b",
    )
    .expect("regex")
});

/// Capitalised words that start a sentence or describe a school rather than
/// name one: "The Academy", "Multi Academy Trust", "Each Primary School".
const NOT_NAMES: [&str; 30] = [
    "the",
    "a",
    "an",
    "this",
    "that",
    "our",
    "their",
    "his",
    "her",
    "its",
    "each",
    "every",
    "any",
    "another",
    "one",
    "local",
    "multi",
    "national",
    "primary",
    "secondary",
    "high",
    "junior",
    "infant",
    "first",
    "middle",
    "special",
    "free",
    "new",
    "whole",
    "sponsored",
];

fn anonymity(item: &Reviewed<'_>, known: &Known, diagnostics: &mut Vec<ContentError>) {
    let mut warn = |line: usize, text: &str, at: usize, message: String, help: &str| {
        let column = text[..at].chars().count() + 1;
        diagnostics.push(
            ContentError::new(item.path, line, column, message)
                .with_help(help)
                .warning(),
        );
    };
    // Contact details the bank publishes (a helpline's number) are fine.
    let published = |found: &str| {
        known.emails.contains(&found.to_lowercase()) || known.phones.contains(&digits(found))
    };
    for (n, line) in item.text.lines().enumerate() {
        let n = n + 1;
        if line.trim_end() == "---" {
            continue;
        }
        for (pattern, what) in [(&*EMAIL, "an email address"), (&*PHONE, "a phone number")] {
            for m in pattern.find_iter(line).filter(|m| !published(m.as_str())) {
                warn(
                    n,
                    line,
                    m.start(),
                    format!("case study contains {what} `{}`", m.as_str()),
                    "case studies are anonymised: remove personal contact details",
                );
            }
        }
        for m in PERSON.find_iter(line) {
            warn(
                n,
                line,
                m.start(),
                format!("case study may name a person: `{}`", m.as_str()),
                "case studies are anonymised: write a role instead, such as `the class teacher`",
            );
        }
        for caps in SCHOOL.captures_iter(line) {
            let (Some(whole), Some(name)) = (caps.get(0), caps.get(1)) else {
                continue;
            };
            let describes = name
                .as_str()
                .split_whitespace()
                .all(|w| NOT_NAMES.contains(&w.to_lowercase().as_str()));
            let phrase = whole.as_str().to_lowercase();
            let published = known.titles.iter().any(|t| t.contains(&phrase));
            if !describes && !published {
                warn(
                    n,
                    line,
                    whole.start(),
                    format!("case study may name a school: `{}`", whole.as_str()),
                    "case studies are anonymised: write `a primary school in the county` or similar",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_compare_without_case_or_punctuation() {
        assert_eq!(
            title_key("Childline: Report Remove!"),
            title_key("childline report-remove")
        );
        assert_ne!(title_key("Report Remove"), title_key("Report Removed"));
        assert_eq!(
            url_key("https://www.Childline.org.uk/"),
            url_key("http://childline.org.uk")
        );
    }

    #[test]
    fn patterns_find_personal_details() {
        assert!(EMAIL.is_match("write to j.smith@oakfield.sch.uk today"));
        assert!(PHONE.is_match("call 01785 123456"));
        assert!(PHONE.is_match("call +44 1785 123456"));
        assert!(!PHONE.is_match("in 2021 and 2022"));
        assert!(!PHONE.is_match("Childline on 0800 1111"));
        for person in [
            "Mr Smith",
            "Mrs O'Neill",
            "Dr. Patel",
            "Miss Jones",
            "Ms McDonald",
        ] {
            assert!(PERSON.is_match(person), "{person}");
        }
        assert!(!PERSON.is_match("Mr. and Mrs. were"));
        // Initials are how case studies anonymise.
        assert!(!PERSON.is_match("Mr A and Mrs B"));
        let school = |s: &str| SCHOOL.captures(s).map(|c| c[0].to_string());
        assert_eq!(
            school("pupils at Oakfield Primary School said").as_deref(),
            Some("Oakfield Primary School")
        );
        assert_eq!(
            school("St Mary's Church of England Primary School").as_deref(),
            Some("St Mary's Church of England Primary School")
        );
        assert_eq!(school("the academy trust"), None);
        assert_eq!(
            school("at Riverside Academy"),
            Some("Riverside Academy".into())
        );
    }
}
