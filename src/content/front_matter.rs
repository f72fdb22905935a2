//! One entry file → an [`Entry`], or every problem in it.
//!
//! The YAML is parsed once into a mapping (syntax errors carry serde_yaml's
//! position), then each field is read on its own so that one bad field does
//! not hide the next. Positions of semantic problems come from a
//! [`LineIndex`] over the raw front matter.

use std::path::Path;

use chrono::{Months, NaiveDate};
use serde::de::DeserializeOwned;
use serde_yaml::{Mapping, Value};

use super::entry::{AgeRange, Body, Contact, Entry, EntryId, Kind, QualityAssured, Source};
use super::markdown;
use crate::diagnostic::ContentError;
use crate::diagnostic::LineIndex;
use crate::taxonomy::{COSTS, RESPONSES, Taxonomy, Vocabulary, suggest, suggest_fixed};

/// Longest summary, so it fits on a result card.
pub const MAX_SUMMARY_CHARS: usize = 280;

pub const FIELDS: [&str; 19] = [
    "title",
    "summary",
    "topics",
    "ages",
    "sectors",
    "abilities",
    "audiences",
    "areas",
    "provider",
    "url",
    "contact",
    "cost",
    "formats",
    "quality_assured",
    "reviewed",
    "review_due",
    "sources",
    "illustrative",
    "response",
];
pub const REQUIRED: [&str; 6] = ["title", "summary", "topics", "ages", "areas", "reviewed"];
pub const CONTACT_FIELDS: [&str; 5] = ["phone", "email", "address", "hours", "referral"];
pub const SOURCE_FIELDS: [&str; 2] = ["title", "url"];
/// Fields only a case study may carry.
pub const CASE_STUDY_FIELDS: [&str; 2] = ["illustrative", "response"];

/// Rules that differ between banks. The default is the SPEC's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// A case study must name at least one source. Only a bank written
    /// before `sources` existed (the shared evaluation bank) turns this
    /// off, which makes a missing source a warning.
    pub case_study_sources: bool,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            case_study_sources: true,
        }
    }
}
pub const CASE_STUDY_SECTIONS: [&str; 4] = ["Situation", "Response", "Outcome", "Learning"];

/// An entry and where its `provider` is written, for the cross-entry check.
pub struct Parsed {
    pub entry: Entry,
    pub body: Body,
    pub provider_at: (usize, usize),
    /// Problems that do not stop the entry loading.
    pub warnings: Vec<ContentError>,
}

/// The raw text split at the `---` lines.
pub struct Split<'a> {
    pub yaml: &'a str,
    pub body: &'a str,
    /// 1-based line of the first body line.
    pub body_line: usize,
}

pub fn split(text: &str) -> Option<Split<'_>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_end = text.find('\n')?;
    if text[..first_end].trim_end() != "---" {
        return None;
    }
    let mut offset = first_end + 1;
    for (line, raw_line) in (2..).zip(text[offset..].split_inclusive('\n')) {
        if raw_line.trim_end() == "---" {
            return Some(Split {
                yaml: &text[first_end + 1..offset],
                body: &text[offset + raw_line.len()..],
                body_line: line + 1,
            });
        }
        offset += raw_line.len();
    }
    None
}

/// Collects the problems of one file while its fields are read.
struct Reader<'a> {
    path: &'a Path,
    lines: LineIndex<'a>,
    map: Mapping,
    errors: Vec<ContentError>,
}

impl<'a> Reader<'a> {
    fn error_at(&mut self, key: &str, value: Option<&str>, message: String) -> &mut ContentError {
        let (line, column) = self.lines.locate(key, value);
        // Front matter starts on line 2 of the file.
        self.errors
            .push(ContentError::new(self.path, line + 1, column, message));
        self.errors.last_mut().expect("just pushed")
    }

    /// Reads a field into `T`; type errors are reported at the key.
    fn field<T: DeserializeOwned>(&mut self, key: &str) -> Option<T> {
        let value = self.map.get(key)?.clone();
        if value.is_null() {
            return None;
        }
        match serde_yaml::from_value(value) {
            Ok(v) => Some(v),
            Err(e) => {
                let message = format!(
                    "`{key}`: {}",
                    e.to_string().split(" at line ").next().unwrap_or_default()
                );
                self.error_at(key, None, message);
                None
            }
        }
    }

    fn text(&mut self, key: &str) -> Option<String> {
        let text: String = self.field(key)?;
        let text = text.trim().to_string();
        if text.is_empty() {
            self.error_at(key, None, format!("`{key}` is empty"));
            return None;
        }
        Some(text)
    }

    fn date(&mut self, key: &str) -> Option<NaiveDate> {
        let text: String = self.field(key)?;
        match NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
            Ok(date) => Some(date),
            Err(_) => {
                self.error_at(key, Some(&text), format!("`{key}`: `{text}` is not a date"))
                    .suggestion = Some("write an ISO date such as 2026-09-01".into());
                None
            }
        }
    }

    /// A list of taxonomy ids; unknown ones are reported with a suggestion.
    fn terms(&mut self, key: &str, vocabulary: &Vocabulary, required: bool) -> Vec<String> {
        self.ids(
            key,
            required,
            |id| vocabulary.get(id).is_some(),
            |id| {
                vocabulary
                    .suggest(id)
                    .map(|s| format!("did you mean `{s}`?"))
            },
        )
    }

    /// A list of ids, each `known` or reported with what `suggest` offers.
    fn ids(
        &mut self,
        key: &str,
        required: bool,
        known: impl Fn(&str) -> bool,
        suggest: impl Fn(&str) -> Option<String>,
    ) -> Vec<String> {
        let Some(ids) = self.field::<Vec<String>>(key) else {
            return Vec::new();
        };
        if required && ids.is_empty() {
            self.error_at(key, None, format!("`{key}` needs at least one value"));
        }
        let mut found = Vec::with_capacity(ids.len());
        for id in ids {
            if known(&id) {
                if !found.contains(&id) {
                    found.push(id);
                }
            } else {
                self.error_at(key, Some(&id), format!("unknown {} `{id}`", singular(key)))
                    .suggestion = suggest(&id);
            }
        }
        found
    }

    /// Where the `n`-th item of a list field (or its `field`) is written,
    /// as a file position.
    fn item_error(
        &mut self,
        key: &str,
        n: usize,
        field: Option<&str>,
        message: String,
    ) -> &mut ContentError {
        let (line, column) = self
            .lines
            .find_item(key, n, field)
            .unwrap_or_else(|| self.lines.locate(key, None));
        self.errors
            .push(ContentError::new(self.path, line + 1, column, message));
        self.errors.last_mut().expect("just pushed")
    }
}

fn singular(key: &str) -> &str {
    match key {
        "abilities" => "ability",
        other => other.strip_suffix('s').unwrap_or(other),
    }
}

/// Parses one entry file. `id` is the file stem, already validated.
pub fn parse(
    path: &Path,
    id: EntryId,
    kind: Kind,
    text: &str,
    taxonomy: &Taxonomy,
    rules: Rules,
) -> Result<Parsed, Vec<ContentError>> {
    let Some(split) = split(text) else {
        return Err(vec![
            ContentError::new(path, 1, 1, "missing front matter").with_help(
                "start the file with a `---` line, the YAML fields, then another `---` line",
            ),
        ]);
    };
    let map: Mapping = match serde_yaml::from_str(split.yaml) {
        Ok(Value::Mapping(map)) => map,
        Ok(_) => {
            return Err(vec![ContentError::new(
                path,
                2,
                1,
                "front matter must be a map of fields",
            )]);
        }
        Err(e) => return Err(vec![ContentError::from_yaml(path, &e, 1)]),
    };
    let mut r = Reader {
        path,
        lines: LineIndex::new(split.yaml),
        map,
        errors: Vec::new(),
    };

    check_field_names(&mut r);
    let title = r.text("title");
    let summary = r.text("summary");
    if let Some(s) = &summary {
        let chars = s.chars().count();
        if chars > MAX_SUMMARY_CHARS {
            r.error_at(
                "summary",
                None,
                format!("summary is {chars} characters; the limit is {MAX_SUMMARY_CHARS}"),
            );
        }
    }
    let topics = r.terms("topics", &taxonomy.topics, true);
    let ages = r.field::<Value>("ages").and_then(|v| {
        let text = match &v {
            Value::String(s) => s.clone(),
            other => serde_yaml::to_string(other)
                .unwrap_or_default()
                .trim()
                .to_string(),
        };
        text.parse::<AgeRange>()
            .map_err(|message| r.error_at("ages", None, format!("`ages`: {message}")))
            .ok()
    });
    let sectors = r.terms("sectors", &taxonomy.sectors, false);
    let abilities = r.terms("abilities", &taxonomy.abilities, false);
    let audiences = r.terms("audiences", &taxonomy.audiences, false);
    let areas = r.terms("areas", &taxonomy.areas, true);
    let formats = r.terms("formats", &taxonomy.formats, false);
    let provider = r.text("provider").and_then(|p| match p.parse::<EntryId>() {
        Ok(id) => Some(id),
        Err(message) => {
            r.error_at("provider", None, format!("`provider`: {message}"));
            None
        }
    });
    let provider_at = r
        .lines
        .locate("provider", provider.as_ref().map(EntryId::as_str));
    let url = r.text("url");
    if let Some(url) = &url {
        if let Err(problem) = check_url(url) {
            r.error_at(
                "url",
                None,
                format!("`url`: `{url}` is not a web address: {problem}"),
            )
            .suggestion =
                Some("write the full address, such as https://www.example.org.uk/page".into());
        }
    }
    let contact = read_contact(&mut r);
    let cost = r.text("cost");
    if let Some(c) = &cost {
        if !COSTS.iter().any(|(id, _)| id == c) {
            let suggestion =
                suggest(c, COSTS.iter().map(|(id, label)| (*label, *id))).map(str::to_string);
            r.error_at("cost", Some(c), format!("unknown cost `{c}`"))
                .suggestion = Some(
                suggestion.map_or("use free, free-to-schools or paid".into(), |s| {
                    format!("did you mean `{s}`?")
                }),
            );
        }
    }
    let quality_assured = read_quality_assured(&mut r);
    let reviewed = r.date("reviewed");
    let review_due = r.date("review_due");
    if let (Some(reviewed), Some(due)) = (reviewed, review_due) {
        if due < reviewed {
            r.error_at(
                "review_due",
                None,
                "`review_due` is before `reviewed`".into(),
            );
        }
    }
    let sources = read_sources(&mut r);
    let illustrative = r.field::<bool>("illustrative").unwrap_or(false);
    let response = r.ids(
        "response",
        true,
        |id| RESPONSES.iter().any(|t| t.id == id),
        |id| {
            Some(suggest_fixed(id, &RESPONSES).map_or_else(
                || format!("use {}", or_list(RESPONSES.map(|t| t.id))),
                |s| format!("did you mean `{s}`?"),
            ))
        },
    );
    if kind == Kind::CaseStudy {
        check_case_study(&mut r, &split);
        // Sources written but all wrong have their own errors already.
        let written = r
            .map
            .get("sources")
            .is_some_and(|v| v.as_sequence().is_none_or(|items| !items.is_empty()));
        if sources.is_empty() && !written {
            case_study_without_sources(&mut r, rules);
        }
    } else {
        for key in CASE_STUDY_FIELDS {
            if !r.map.contains_key(key) {
                continue;
            }
            r.error_at(key, None, format!("`{key}` is only for case studies"))
                .suggestion = Some(format!("remove it: a {} entry has no `{key}`", kind.id()));
        }
    }

    let missing: Vec<&str> = REQUIRED
        .into_iter()
        .filter(|k| !r.map.contains_key(*k))
        .collect();
    for key in missing {
        r.errors.push(ContentError::new(
            path,
            1,
            1,
            format!("missing required field `{key}`"),
        ));
    }
    let (Some(title), Some(summary), Some(ages), Some(reviewed), false) = (
        title,
        summary,
        ages,
        reviewed,
        r.errors.iter().any(ContentError::is_error),
    ) else {
        return Err(r.errors);
    };
    let review_due = review_due.unwrap_or_else(|| reviewed + Months::new(12));
    Ok(Parsed {
        entry: Entry {
            id,
            kind,
            title,
            summary,
            topics,
            ages,
            sectors,
            abilities,
            audiences,
            areas,
            provider,
            url,
            contact,
            cost,
            formats,
            quality_assured,
            reviewed,
            review_due,
            sources,
            illustrative,
            response,
        },
        body: Body {
            markdown: split.body.to_string(),
            text: markdown::plain_text(split.body),
        },
        provider_at: (provider_at.0 + 1, provider_at.1),
        warnings: r.errors,
    })
}

fn check_field_names(r: &mut Reader<'_>) {
    let keys: Vec<String> = r
        .map
        .keys()
        .map(|k| k.as_str().map_or_else(|| format!("{k:?}"), str::to_string))
        .collect();
    for key in keys {
        if !FIELDS.contains(&key.as_str()) {
            let suggestion = suggest(&key, FIELDS.iter().map(|f| (*f, *f))).map(str::to_string);
            r.error_at(&key, None, format!("unknown field `{key}`"))
                .suggestion = suggestion.map(|s| format!("did you mean `{s}`?"));
        }
    }
}

fn read_contact(r: &mut Reader<'_>) -> Option<Contact> {
    let map: Mapping = r.field("contact")?;
    let mut contact = Contact::default();
    for (key, value) in map {
        let key = key.as_str().unwrap_or_default().to_string();
        let text = match value {
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) => n.to_string(),
            _ => {
                r.error_at(&key, None, format!("`contact.{key}` must be text"));
                continue;
            }
        };
        let slot = match key.as_str() {
            "phone" => &mut contact.phone,
            "email" => &mut contact.email,
            "address" => &mut contact.address,
            "hours" => &mut contact.hours,
            "referral" => &mut contact.referral,
            _ => {
                let suggestion =
                    suggest(&key, CONTACT_FIELDS.iter().map(|f| (*f, *f))).map(str::to_string);
                r.error_at(&key, None, format!("unknown contact field `{key}`"))
                    .suggestion = suggestion.map(|s| format!("did you mean `{s}`?"));
                continue;
            }
        };
        *slot = Some(text);
    }
    if let Some(email) = contact.email.as_deref().filter(|e| !is_email(e)) {
        let message = format!("`contact.email`: `{email}` is not an email address");
        r.error_at("email", None, message).suggestion =
            Some("write one address such as help@example.org.uk".into());
    }
    if let Some(phone) = contact.phone.as_deref().filter(|p| !is_uk_phone(p)) {
        let message = format!("`contact.phone`: `{phone}` is not a UK phone number");
        r.error_at("phone", None, message).suggestion = Some(
            "write one number: 0 and 9 or 10 more digits (01632 960000), +44 …, or a short number such as 116 123"
                .into(),
        );
    }
    Some(contact)
}

/// An `http(s)://` address with a plausible host name. The reason when not.
pub fn check_url(url: &str) -> Result<(), &'static str> {
    if url.contains(char::is_whitespace) {
        return Err("it contains a space");
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("it must start with https:// or http://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err("it must not hold a user name");
    }
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => host,
        Some(_) => return Err("the port is not a number"),
        None => authority,
    };
    if host.is_empty() {
        return Err("it has no host name");
    }
    // A service on the authority's own network may be written by address;
    // `signpost links` checks loopback and private addresses like others.
    if host == "localhost" || host.parse::<std::net::Ipv4Addr>().is_ok() {
        return Ok(());
    }
    let labels_ok = host.split('.').all(|label| {
        !label.is_empty()
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
    });
    let tld_ok = host
        .rsplit('.')
        .next()
        .is_some_and(|tld| tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic));
    if !labels_ok || !host.contains('.') || !tld_ok {
        return Err("the host name is malformed");
    }
    Ok(())
}

/// One address: `user@host.tld`, no spaces, no display name.
pub fn is_email(text: &str) -> bool {
    let Some((user, host)) = text.split_once('@') else {
        return false;
    };
    let user_ok = !user.is_empty()
        && !user.starts_with('.')
        && !user.ends_with('.')
        && !user.contains("..")
        && user
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    user_ok
        && check_url(&format!("https://{host}")).is_ok()
        && !host.contains(':')
        && host != "localhost"
        && host.parse::<std::net::Ipv4Addr>().is_err()
}

/// A UK number as written for the public: `0` and 9 or 10 more digits
/// (spaces allowed anywhere), a short freephone such as Childline's
/// 0800 1111, `+44` and the number without its 0, or a short national
/// number (999, 112, 111, 101, 105, 116 xxx).
pub fn is_uk_phone(text: &str) -> bool {
    let text = text.trim();
    if !text
        .chars()
        .all(|c| c.is_ascii_digit() || c == ' ' || c == '+')
        || text.contains("  ")
        || text.rfind('+').is_some_and(|i| i != 0)
    {
        // `+44 (0)20 …` is common; accept it by dropping the `(0)`.
        let without = text.replacen("(0)", "", 1);
        return without != text
            && without.starts_with("+44")
            && is_uk_phone(&without.replace("  ", " "));
    }
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    if let Some(rest) = text.strip_prefix("+44") {
        let national: String = rest.chars().filter(char::is_ascii_digit).collect();
        return !national.starts_with('0') && (9..=10).contains(&national.len());
    }
    if let Some(rest) = digits.strip_prefix('0') {
        // Freephone 0800 / 0808 numbers may be shorter (0800 1111).
        let short_freephone =
            (rest.starts_with("800") || rest.starts_with("808")) && rest.len() == 7;
        return (9..=10).contains(&rest.len()) || short_freephone;
    }
    matches!(digits.as_str(), "999" | "112" | "111" | "101" | "105")
        || (digits.len() == 6 && digits.starts_with("116"))
}

/// `sources`: a list of `{title, url}`, each url an `https://` address.
fn read_sources(r: &mut Reader<'_>) -> Vec<Source> {
    let Some(value) = r.map.get("sources").cloned() else {
        return Vec::new();
    };
    let items = match value {
        Value::Null => return Vec::new(),
        Value::Sequence(items) => items,
        _ => {
            r.error_at(
                "sources",
                None,
                "`sources` must be a list of documents, each with `title` and `url`".into(),
            )
            .suggestion = Some(SOURCE_HELP.into());
            return Vec::new();
        }
    };
    let mut sources = Vec::with_capacity(items.len());
    for (n, item) in items.iter().enumerate() {
        let number = n + 1;
        let Value::Mapping(map) = item else {
            r.item_error(
                "sources",
                n,
                None,
                format!("source {number} must have a `title` and a `url`"),
            )
            .suggestion = Some(SOURCE_HELP.into());
            continue;
        };
        let mut text = |field: &str| match map.get(field) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Some(Value::String(_) | Value::Null) | None => {
                r.item_error(
                    "sources",
                    n,
                    Some(field),
                    format!("source {number} has no `{field}`"),
                )
                .suggestion = Some(
                    match field {
                        "title" => "give the document's title as its publisher writes it",
                        _ => "give the https:// address of the public document",
                    }
                    .into(),
                );
                None
            }
            Some(_) => {
                r.item_error(
                    "sources",
                    n,
                    Some(field),
                    format!("source {number}: `{field}` must be text"),
                );
                None
            }
        };
        let (title, url) = (text("title"), text("url"));
        for key in map.keys() {
            let key = key
                .as_str()
                .map_or_else(|| format!("{key:?}"), str::to_string);
            if !SOURCE_FIELDS.contains(&key.as_str()) {
                let suggestion =
                    suggest(&key, SOURCE_FIELDS.iter().map(|f| (*f, *f))).map(str::to_string);
                r.item_error(
                    "sources",
                    n,
                    Some(&key),
                    format!("unknown source field `{key}`"),
                )
                .suggestion = Some(suggestion.map_or_else(
                    || "a source has only `title` and `url`".into(),
                    |s| format!("did you mean `{s}`?"),
                ));
            }
        }
        let url = url.filter(|url| {
            let problem = match check_url(url) {
                Err(problem) => format!("`{url}` is not a web address: {problem}"),
                Ok(()) if !url.starts_with("https://") => {
                    format!("`{url}` is not secure: a source must be an https:// address")
                }
                Ok(()) => return true,
            };
            r.item_error("sources", n, Some("url"), format!("`sources`: {problem}"))
                .suggestion = Some(
                "write the full https:// address, such as https://www.example.org.uk/page".into(),
            );
            false
        });
        if let (Some(title), Some(url)) = (title, url) {
            sources.push(Source { title, url });
        }
    }
    sources
}

const SOURCE_HELP: &str =
    "write each source as `- title: …` with `url: https://…` on the next line";

/// A case study says only what its sources say, so it must name one.
fn case_study_without_sources(r: &mut Reader<'_>, rules: Rules) {
    let message = "a case study must name at least one source".to_string();
    let help = "add `sources:` with the title and https:// address of each public document its facts come from";
    let error = if r.map.contains_key("sources") {
        r.error_at("sources", None, message)
    } else {
        r.errors.push(ContentError::new(r.path, 1, 1, message));
        r.errors.last_mut().expect("just pushed")
    };
    error.suggestion = Some(help.into());
    if !rules.case_study_sources {
        error.severity = crate::diagnostic::Severity::Warning;
    }
}

/// "a, b, c or d".
fn or_list<const N: usize>(items: [&str; N]) -> String {
    match items.split_last() {
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

fn read_quality_assured(r: &mut Reader<'_>) -> Option<QualityAssured> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Raw {
        by: String,
        date: Option<String>,
    }
    let raw: Raw = r.field("quality_assured")?;
    let date = raw
        .date
        .and_then(|d| match NaiveDate::parse_from_str(&d, "%Y-%m-%d") {
            Ok(date) => Some(date),
            Err(_) => {
                r.error_at(
                    "quality_assured",
                    None,
                    format!("`quality_assured.date`: `{d}` is not a date"),
                );
                None
            }
        });
    Some(QualityAssured { by: raw.by, date })
}

/// A case study must tell the whole story, in the order readers expect.
fn check_case_study(r: &mut Reader<'_>, split: &Split<'_>) {
    let headings = markdown::h2_headings(split.body);
    let body_lines = LineIndex::new(split.body);
    let mut found = headings
        .iter()
        .filter(|(title, _)| CASE_STUDY_SECTIONS.contains(&title.trim()))
        .map(|(title, offset)| (title.trim(), *offset));
    let mut expected = CASE_STUDY_SECTIONS.iter();
    let mut last_line = split.body_line;
    for section in expected.by_ref() {
        match found.next() {
            Some((title, _)) if title == *section => {}
            Some((title, offset)) => {
                let (line, column) = body_lines.position(offset);
                r.errors.push(
                    ContentError::new(
                        r.path,
                        split.body_line + line - 1,
                        column,
                        format!("case study section `## {title}` is out of order"),
                    )
                    .with_help(
                        "the sections are Situation, Response, Outcome, Learning, in that order",
                    ),
                );
                return;
            }
            None => {
                r.errors.push(
                    ContentError::new(
                        r.path,
                        last_line,
                        1,
                        format!("case study is missing the section `## {section}`"),
                    )
                    .with_help(
                        "a case study has the sections Situation, Response, Outcome and Learning",
                    ),
                );
            }
        }
        last_line = split.body_line;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_emails_and_phones() {
        for good in [
            "https://www.childline.org.uk/",
            "http://example.org.uk/a?b=c#d",
            "https://localhost.example:8080",
            "http://127.0.0.1:8080/ok",
            "http://localhost/",
        ] {
            assert!(check_url(good).is_ok(), "{good}");
        }
        for bad in [
            "www.childline.org.uk",
            "https://",
            "https:///path",
            "https://exa mple.org",
            "ftp://example.org",
            "https://example",
            "https://user@example.org",
            "https://example.org:80x/",
            "https://127.0.0.256/",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
        for good in ["help@nspcc.org.uk", "first.last+tag@example.co.uk"] {
            assert!(is_email(good), "{good}");
        }
        for bad in [
            "help@nspcc",
            "help nspcc.org.uk",
            "@nspcc.org.uk",
            "a@b@c.org",
            "Help <help@nspcc.org.uk>",
            "a..b@example.org",
            "a@127.0.0.1",
            "a@localhost",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
        for good in [
            "0808 800 5000",
            "01785 895836",
            "0800 1111",
            "08 08 16 89 111",
            "0207 402 5004",
            "101",
            "116 123",
            "+44 20 7946 0000",
            "+44 (0)20 7946 0000",
            "999",
        ] {
            assert!(is_uk_phone(good), "{good}");
        }
        for bad in [
            "0808 800 50",
            "0808 800 50000 1",
            "123",
            "+1 212 555 0100",
            "0808-800-5000",
            "call 0808 800 5000",
            "+44 020 7946 0000",
            "",
        ] {
            assert!(!is_uk_phone(bad), "{bad}");
        }
    }

    const TAXONOMY: &str = "topics:\n  - id: consent\n    label: Consent\nsectors: []\nabilities: []\naudiences: []\nareas:\n  - id: national\n    label: National\nformats: []\n";

    const CASE: &str = "---
title: A case
summary: What a school did.
topics: [consent]
ages: \"11-16\"
areas: [national]
SOURCES
reviewed: 2026-01-10
---
## Situation
S.

## Response
R.

## Outcome
O.

## Learning
L.
";

    fn parse_as(kind: Kind, front: &str, rules: Rules) -> Result<Parsed, Vec<ContentError>> {
        let taxonomy = Taxonomy::parse(Path::new("taxonomy.yaml"), TAXONOMY).unwrap();
        let text = CASE.replace("SOURCES", front.trim_end());
        parse(
            Path::new("case.md"),
            "case".parse().unwrap(),
            kind,
            &text,
            &taxonomy,
            rules,
        )
    }

    /// Each error as `line:column: message (suggestion)`.
    fn errors(kind: Kind, front: &str) -> Vec<String> {
        match parse_as(kind, front, Rules::default()) {
            Ok(_) => Vec::new(),
            Err(mut errors) => {
                errors.sort_by_key(|e| (e.line, e.column));
                errors
                    .iter()
                    .map(|e| {
                        format!(
                            "{}:{}: {} ({})",
                            e.line,
                            e.column,
                            e.message,
                            e.suggestion.as_deref().unwrap_or_default()
                        )
                    })
                    .collect()
            }
        }
    }

    #[test]
    fn a_case_study_with_sources_illustrative_and_response() {
        let front = "sources:\n  - title: \" The guidance \"\n    url: https://www.gov.uk/guidance\nillustrative: true\nresponse: [police, early-help, police]";
        let entry = parse_as(Kind::CaseStudy, front, Rules::default())
            .map_err(|e| format!("{e:?}"))
            .unwrap()
            .entry;
        assert_eq!(
            entry.sources,
            [Source {
                title: "The guidance".into(),
                url: "https://www.gov.uk/guidance".into()
            }]
        );
        assert!(entry.illustrative);
        assert_eq!(entry.response, ["police", "early-help"]);
    }

    #[test]
    fn a_case_study_must_name_a_secure_source() {
        let help = "add `sources:` with the title and https:// address of each public document its facts come from";
        assert_eq!(
            errors(Kind::CaseStudy, ""),
            [format!(
                "1:1: a case study must name at least one source ({help})"
            )]
        );
        assert_eq!(
            errors(Kind::CaseStudy, "sources: []"),
            [format!(
                "7:1: a case study must name at least one source ({help})"
            )]
        );
        let front = "sources:\n  - title: A\n    url: http://www.example.org/a\n  - url: https://b.example.org\n    titel: B\n  - just a title\n  - title: C\n    url: www.example.org";
        assert_eq!(
            errors(Kind::CaseStudy, front),
            [
                "9:5: `sources`: `http://www.example.org/a` is not secure: a source must be an https:// address (write the full https:// address, such as https://www.example.org.uk/page)",
                "10:5: source 2 has no `title` (give the document's title as its publisher writes it)",
                "11:5: unknown source field `titel` (did you mean `title`?)",
                "12:5: source 3 must have a `title` and a `url` (write each source as `- title: …` with `url: https://…` on the next line)",
                "14:5: `sources`: `www.example.org` is not a web address: it must start with https:// or http:// (write the full https:// address, such as https://www.example.org.uk/page)",
            ]
        );
        assert_eq!(
            errors(Kind::CaseStudy, "sources: https://www.gov.uk/"),
            [
                "7:1: `sources` must be a list of documents, each with `title` and `url` (write each source as `- title: …` with `url: https://…` on the next line)"
            ]
        );
    }

    #[test]
    fn a_bank_written_before_sources_may_load_with_a_warning() {
        let rules = Rules {
            case_study_sources: false,
        };
        let parsed = parse_as(Kind::CaseStudy, "", rules)
            .map_err(|e| format!("{e:?}"))
            .unwrap();
        assert_eq!(parsed.warnings.len(), 1);
        assert!(!parsed.warnings[0].is_error());
        // Other kinds never needed them.
        assert_eq!(errors(Kind::Resource, ""), Vec::<String>::new());
    }

    #[test]
    fn illustrative_and_response_are_for_case_studies_only() {
        let front = "sources:\n  - title: A\n    url: https://a.example.org\nillustrative: true\nresponse: [police]";
        assert_eq!(
            errors(Kind::Resource, front),
            [
                "10:1: `illustrative` is only for case studies (remove it: a resource entry has no `illustrative`)",
                "11:1: `response` is only for case studies (remove it: a resource entry has no `response`)",
            ]
        );
    }

    #[test]
    fn unknown_responses_are_suggested_from_labels_and_aliases() {
        let front = "sources:\n  - title: A\n    url: https://a.example.org\nresponse: [polise, social care referral, sent home]\nillustrative: yes please";
        assert_eq!(
            errors(Kind::CaseStudy, front),
            [
                "10:12: unknown response `polise` (did you mean `police`?)",
                "10:20: unknown response `social care referral` (did you mean `childrens-social-care`?)",
                "10:42: unknown response `sent home` (use managed-internally, early-help, childrens-social-care or police)",
                "11:1: `illustrative`: invalid type: string \"yes please\", expected a boolean ()",
            ]
        );
        assert_eq!(
            errors(
                Kind::CaseStudy,
                "sources:\n  - title: A\n    url: https://a.example.org\nresponse: []"
            ),
            ["10:1: `response` needs at least one value ()"]
        );
    }

    #[test]
    fn split_finds_body_line() {
        let s = split("---\ntitle: x\n---\nBody\n").unwrap();
        assert_eq!(s.yaml, "title: x\n");
        assert_eq!(s.body, "Body\n");
        assert_eq!(s.body_line, 4);
        assert!(split("title: x\n").is_none());
        assert!(split("---\ntitle: x\n").is_none());
    }
}
