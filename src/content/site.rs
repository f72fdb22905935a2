//! `content/site.yaml`: what differs between one authority's Signpost and
//! another's — the name, who runs it, where it is served, the local
//! emergency contacts, where "Exit this page" goes, and where people can
//! suggest a change. Every field is optional; [`Site::default`] is the
//! Signpost every bank had before the file existed.
//!
//! The file is checked like an entry: every problem with file, line and
//! column, unknown keys with "did you mean", phones, emails and addresses
//! with the same rules as entries.

use std::path::Path;

use serde_yaml::{Mapping, Value};

use super::front_matter::{check_url, is_email, is_uk_phone};
use crate::diagnostic::{ContentError, LineIndex};
use crate::taxonomy::suggest;

pub const SITE_FILE: &str = "site.yaml";

pub const SITE_FIELDS: [&str; 8] = [
    "name",
    "tagline",
    "authority",
    "base_url",
    "emergency",
    "exit_url",
    "edit_url",
    "feedback_email",
];
pub const EMERGENCY_FIELDS: [&str; 3] = ["label", "phone", "hours"];

pub const DEFAULT_NAME: &str = "Signpost";
pub const DEFAULT_TAGLINE: &str = "safeguarding and RSE resources for schools";
/// A neutral page to leave for (the GOV.UK "Exit this page" pattern).
pub const DEFAULT_EXIT_URL: &str = "https://www.bbc.co.uk/weather";
/// What `edit_url` must contain: the entry's path relative to `content/`.
pub const PATH_PLACEHOLDER: &str = "{path}";
pub const MAX_NAME_CHARS: usize = 60;
pub const MAX_TAGLINE_CHARS: usize = 120;

/// The settings of one Signpost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub name: String,
    pub tagline: String,
    /// Who runs it: the footer and the feed's author.
    pub authority: Option<String>,
    /// Where it is served: absolute, so the feed and canonical links can be.
    pub base_url: Option<BaseUrl>,
    /// Shown after "If a child is in immediate danger, call 999."
    pub emergency: Vec<EmergencyContact>,
    pub exit_url: String,
    /// With `{path}`: "Suggest a change" on each entry.
    pub edit_url: Option<String>,
    pub feedback_email: Option<String>,
}

impl Default for Site {
    fn default() -> Self {
        Site {
            name: DEFAULT_NAME.to_string(),
            tagline: DEFAULT_TAGLINE.to_string(),
            authority: None,
            base_url: None,
            emergency: Vec::new(),
            exit_url: DEFAULT_EXIT_URL.to_string(),
            edit_url: None,
            feedback_email: None,
        }
    }
}

impl Site {
    /// The path every link starts with, without a trailing slash: `""` at
    /// the root of a host, `"/signpost"` under a path.
    pub fn base_path(&self) -> &str {
        self.base_url.as_ref().map_or("", BaseUrl::prefix)
    }

    /// An absolute URL for a root-relative path (`/entries/x`), from
    /// `base_url`; without one, the prefixed path itself.
    pub fn absolute(&self, path: &str) -> String {
        match &self.base_url {
            Some(base) => format!("{}{}{path}", base.origin, base.prefix()),
            None => path.to_string(),
        }
    }

    /// The "Suggest a change" address for the file `path` (relative to
    /// `content/`, with `/` separators).
    pub fn edit_href(&self, path: &str) -> Option<String> {
        self.edit_url
            .as_ref()
            .map(|url| url.replace(PATH_PLACEHOLDER, path))
    }
}

/// `base_url`, split: `https://www.example.gov.uk` and `/signpost/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// Scheme, host and port, no trailing slash.
    pub origin: String,
    /// Starts and ends with `/`.
    pub path: String,
}

impl BaseUrl {
    /// Reads an absolute http(s) address whose path is plain segments.
    pub fn parse(url: &str) -> Result<BaseUrl, String> {
        check_url(url).map_err(str::to_string)?;
        if url.contains(['?', '#']) {
            return Err("it must not have a query (`?`) or a fragment (`#`)".into());
        }
        let scheme_end = url.find("://").map_or(0, |i| i + 3);
        let (origin, path) = match url[scheme_end..].find('/') {
            Some(i) => url.split_at(scheme_end + i),
            None => (url, "/"),
        };
        let segments_ok = path.split('/').all(|segment| {
            segment
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c))
                && segment != "."
                && segment != ".."
        });
        if !segments_ok || path.contains("//") {
            return Err(
                "its path may only hold letters, digits, `-`, `.`, `_` and `~` between single slashes"
                    .into(),
            );
        }
        let path = if path.ends_with('/') {
            path.to_string()
        } else {
            format!("{path}/")
        };
        Ok(BaseUrl {
            origin: origin.to_string(),
            path,
        })
    }

    /// The path without its trailing slash: `""` or `/signpost`.
    pub fn prefix(&self) -> &str {
        self.path.trim_end_matches('/')
    }

    pub fn as_url(&self) -> String {
        format!("{}{}", self.origin, self.path)
    }
}

/// One local number to call, under the 999 line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmergencyContact {
    pub label: String,
    pub phone: String,
    pub hours: Option<String>,
}

/// Reads and checks `site.yaml`; `path` is only for the diagnostics.
pub fn parse(path: &Path, text: &str) -> Result<Site, Vec<ContentError>> {
    let map = match serde_yaml::from_str::<Value>(text) {
        Ok(Value::Mapping(map)) => map,
        // An empty file (or one of comments only) is all defaults.
        Ok(Value::Null) => return Ok(Site::default()),
        Ok(_) => {
            return Err(vec![
                ContentError::new(path, 1, 1, "site.yaml must be a map of settings")
                    .with_help("write one `key: value` line per setting, e.g. `name: Signpost`"),
            ]);
        }
        Err(e) => return Err(vec![ContentError::from_yaml(path, &e, 0)]),
    };
    let mut r = SiteReader {
        path,
        lines: LineIndex::new(text),
        errors: Vec::new(),
    };
    r.check_keys(&map);
    let mut site = Site::default();
    if let Some(name) = r.text(&map, "name", MAX_NAME_CHARS) {
        site.name = name;
    }
    if let Some(tagline) = r.text(&map, "tagline", MAX_TAGLINE_CHARS) {
        site.tagline = tagline;
    }
    site.authority = r.text(&map, "authority", MAX_TAGLINE_CHARS);
    site.base_url = r.text(&map, "base_url", usize::MAX).and_then(|url| {
        BaseUrl::parse(&url)
            .map_err(|problem| {
                r.error("base_url", format!("`base_url`: `{url}` cannot be used: {problem}"))
                    .suggestion = Some(
                    "write the full address people reach it at, such as https://www.example.gov.uk/signpost/".into(),
                );
            })
            .ok()
    });
    if let Some(url) = r.text(&map, "exit_url", usize::MAX) {
        if let Err(problem) = check_url(&url) {
            r.error(
                "exit_url",
                format!("`exit_url`: `{url}` is not a web address: {problem}"),
            )
            .suggestion = Some(
                "write a neutral page's full address, such as https://www.bbc.co.uk/weather".into(),
            );
        } else {
            site.exit_url = url;
        }
    }
    site.edit_url = r
        .text(&map, "edit_url", usize::MAX)
        .and_then(|url| r.edit_url(url));
    site.feedback_email = r
        .text(&map, "feedback_email", usize::MAX)
        .and_then(|email| {
            if is_email(&email) {
                Some(email)
            } else {
                r.error(
                    "feedback_email",
                    format!("`feedback_email`: `{email}` is not an email address"),
                )
                .suggestion = Some("write one address such as signpost@example.gov.uk".into());
                None
            }
        });
    site.emergency = r.emergency(&map);
    if r.errors.is_empty() {
        Ok(site)
    } else {
        Err(r.errors)
    }
}

struct SiteReader<'a> {
    path: &'a Path,
    lines: LineIndex<'a>,
    errors: Vec<ContentError>,
}

impl SiteReader<'_> {
    fn error_at(&mut self, (line, column): (usize, usize), message: String) -> &mut ContentError {
        self.errors
            .push(ContentError::new(self.path, line, column, message));
        self.errors.last_mut().expect("just pushed")
    }

    /// An error at a top-level key (its value's line when on the next line).
    fn error(&mut self, key: &str, message: String) -> &mut ContentError {
        let at = self.lines.find_key(key, 0).unwrap_or((1, 1));
        self.error_at(at, message)
    }

    fn check_keys(&mut self, map: &Mapping) {
        for key in map.keys() {
            let key = key
                .as_str()
                .map_or_else(|| format!("{key:?}"), str::to_string);
            if !SITE_FIELDS.contains(&key.as_str()) {
                let suggestion = suggest(&key, SITE_FIELDS.iter().map(|f| (*f, *f)));
                let e = self.error(&key, format!("unknown setting `{key}`"));
                match suggestion {
                    Some(s) => e.suggestion = Some(format!("did you mean `{s}`?")),
                    None => {
                        e.suggestion = Some(format!("the settings are {}", SITE_FIELDS.join(", ")))
                    }
                }
            }
        }
    }

    /// A text setting: trimmed, not empty, at most `max` characters.
    fn text(&mut self, map: &Mapping, key: &str, max: usize) -> Option<String> {
        let value = map.get(key)?;
        let text = match value {
            Value::Null => return None,
            Value::String(s) => s.trim().to_string(),
            _ => {
                self.error(key, format!("`{key}` must be text")).suggestion =
                    Some(format!("write `{key}: \"…\"`"));
                return None;
            }
        };
        if text.is_empty() {
            self.error(key, format!("`{key}` is empty")).suggestion =
                Some("leave the setting out to use the default".into());
            return None;
        }
        let chars = text.chars().count();
        if chars > max {
            self.error(
                key,
                format!("`{key}` is {chars} characters; the limit is {max}"),
            )
            .suggestion = Some("shorten it: it is shown on every page".into());
            return None;
        }
        Some(text)
    }

    fn edit_url(&mut self, url: String) -> Option<String> {
        if !url.contains(PATH_PLACEHOLDER) {
            self.error(
                "edit_url",
                format!("`edit_url`: `{url}` has no `{PATH_PLACEHOLDER}`"),
            )
            .suggestion = Some(
                "put `{path}` where the entry's file goes, such as https://github.com/ORG/REPO/edit/main/content/{path}"
                    .into(),
            );
            return None;
        }
        let sample = url.replace(PATH_PLACEHOLDER, "organisations/example.md");
        if let Some(other) = sample.find('{').map(|i| {
            sample[i..]
                .split('}')
                .next()
                .unwrap_or_default()
                .to_string()
        }) {
            self.error(
                "edit_url",
                format!("`edit_url`: unknown placeholder `{other}}}`"),
            )
            .suggestion = Some(format!("did you mean `{PATH_PLACEHOLDER}`?"));
            return None;
        }
        match check_url(&sample) {
            Ok(()) => Some(url),
            Err(problem) => {
                self.error(
                    "edit_url",
                    format!("`edit_url`: `{url}` is not a web address: {problem}"),
                )
                .suggestion = Some(
                    "write the full address, such as https://github.com/ORG/REPO/edit/main/content/{path}"
                        .into(),
                );
                None
            }
        }
    }

    /// `emergency`: a list of `{label, phone, hours}`.
    fn emergency(&mut self, map: &Mapping) -> Vec<EmergencyContact> {
        let Some(value) = map.get("emergency") else {
            return Vec::new();
        };
        let items = match value {
            Value::Null => return Vec::new(),
            Value::Sequence(items) => items,
            _ => {
                self.error("emergency", "`emergency` must be a list".into())
                    .suggestion = Some(
                    "write one `- label: …` item per contact, each with `phone:` and optionally `hours:`"
                        .into(),
                );
                return Vec::new();
            }
        };
        let key_at = self.lines.find_key("emergency", 0).unwrap_or((1, 1));
        let starts = self.lines.list_items(key_at.0);
        let mut contacts = Vec::new();
        for (i, item) in items.iter().enumerate() {
            // Where item i is written, and where the next one begins.
            let item_at = starts.get(i).copied().unwrap_or(key_at);
            let next = starts.get(i + 1).map_or(usize::MAX, |s| s.0);
            let at = |lines: &LineIndex<'_>, key: &str| {
                lines
                    .find_key(key, item_at.0)
                    .filter(|(line, _)| *line < next)
                    .unwrap_or(item_at)
            };
            let Value::Mapping(fields) = item else {
                self.error_at(item_at, format!("`emergency` item {} must be a map", i + 1))
                    .suggestion =
                    Some("write `- label: …` then `phone: …` on the next line".into());
                continue;
            };
            let mut values = [None, None, None];
            for (slot, key) in values.iter_mut().zip(EMERGENCY_FIELDS) {
                *slot = match fields.get(key) {
                    None | Some(Value::Null) => None,
                    Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
                    Some(Value::Number(n)) => Some(n.to_string()),
                    Some(_) => {
                        let at = at(&self.lines, key);
                        self.error_at(at, format!("`emergency.{key}` must be text"));
                        None
                    }
                };
            }
            let [label, phone, hours] = values;
            for key in fields.keys() {
                let key = key
                    .as_str()
                    .map_or_else(|| format!("{key:?}"), str::to_string);
                if !EMERGENCY_FIELDS.contains(&key.as_str()) {
                    let suggestion = suggest(&key, EMERGENCY_FIELDS.iter().map(|f| (*f, *f)));
                    let at = at(&self.lines, &key);
                    self.error_at(at, format!("unknown emergency contact field `{key}`"))
                        .suggestion = Some(match suggestion {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "an emergency contact has label, phone and hours".into(),
                    });
                }
            }
            for (key, value) in [("label", &label), ("phone", &phone)] {
                if value.is_none() && fields.get(key).is_none_or(Value::is_null) {
                    self.error_at(
                        item_at,
                        format!("`emergency` item {} has no `{key}`", i + 1),
                    )
                    .suggestion = Some("each contact needs a label and a phone number".into());
                }
            }
            if let Some(p) = phone.as_deref().filter(|p| !is_uk_phone(p)) {
                let at = at(&self.lines, "phone");
                self.error_at(at, format!("`emergency.phone`: `{p}` is not a UK phone number"))
                    .suggestion = Some(
                    "write one number: 0 and 9 or 10 more digits, +44 …, or a short number such as 116 123"
                        .into(),
                );
                continue;
            }
            if let (Some(label), Some(phone)) = (label, phone) {
                contacts.push(EmergencyContact {
                    label,
                    phone,
                    hours,
                });
            }
        }
        contacts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        parse(Path::new("site.yaml"), text)
            .expect_err("should fail")
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn defaults_when_empty() {
        let site = parse(Path::new("site.yaml"), "# nothing yet\n").unwrap();
        assert_eq!(site, Site::default());
        assert_eq!(site.base_path(), "");
        assert_eq!(site.absolute("/feed.xml"), "/feed.xml");
    }

    #[test]
    fn reads_every_setting() {
        let text = "name: Haven\ntagline: help for schools\nauthority: Example Council\n\
                    base_url: https://www.example.gov.uk/haven\n\
                    emergency:\n  - label: Front door\n    phone: 01632 960000\n    hours: 9 to 5\n  - label: Out of hours\n    phone: '01632 960001'\n\
                    exit_url: https://www.example.org/\n\
                    edit_url: https://git.example.org/bank/edit/main/content/{path}\n\
                    feedback_email: haven@example.gov.uk\n";
        let site = parse(Path::new("site.yaml"), text).unwrap();
        assert_eq!(site.name, "Haven");
        assert_eq!(site.base_path(), "/haven");
        assert_eq!(
            site.absolute("/feed.xml"),
            "https://www.example.gov.uk/haven/feed.xml"
        );
        assert_eq!(site.emergency.len(), 2);
        assert_eq!(site.emergency[1].hours, None);
        assert_eq!(
            site.edit_href("resources/a.md").unwrap(),
            "https://git.example.org/bank/edit/main/content/resources/a.md"
        );
    }

    #[test]
    fn base_urls() {
        let root = BaseUrl::parse("https://signpost.example.org").unwrap();
        assert_eq!(
            (root.origin.as_str(), root.path.as_str()),
            ("https://signpost.example.org", "/")
        );
        assert_eq!(root.prefix(), "");
        let under = BaseUrl::parse("http://localhost.example:8080/a/b/").unwrap();
        assert_eq!(under.prefix(), "/a/b");
        for bad in [
            "https://example.org/a b",
            "https://example.org/a?x=1",
            "https://example.org/a//b",
            "https://example.org/%2e%2e/",
            "https://example.org/../",
            "example.org/signpost",
        ] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_problem_at_its_line() {
        let text = "name: Haven\nbase_ur: https://x.example.org/\nemergency:\n  - label: Front door\n    phone: 12345\n  - lable: Out of hours\n    phone: 01632 960001\nfeedback_email: not-an-email\nedit_url: https://git.example.org/edit/{id}\n";
        let errors = errors(text);
        assert_eq!(
            errors,
            [
                "site.yaml:2:1: error: unknown setting `base_ur` (did you mean `base_url`?)",
                "site.yaml:9:1: error: `edit_url`: `https://git.example.org/edit/{id}` has no `{path}` (put `{path}` where the entry's file goes, such as https://github.com/ORG/REPO/edit/main/content/{path})",
                "site.yaml:8:1: error: `feedback_email`: `not-an-email` is not an email address (write one address such as signpost@example.gov.uk)",
                "site.yaml:5:5: error: `emergency.phone`: `12345` is not a UK phone number (write one number: 0 and 9 or 10 more digits, +44 …, or a short number such as 116 123)",
                "site.yaml:6:5: error: unknown emergency contact field `lable` (did you mean `label`?)",
                "site.yaml:6:3: error: `emergency` item 2 has no `label` (each contact needs a label and a phone number)",
            ]
        );
    }

    #[test]
    fn yaml_errors_keep_their_position() {
        let errors = errors("name: Haven\nemergency: [a\n");
        assert_eq!(errors.len(), 1);
        assert!(errors[0].starts_with("site.yaml:3:"), "{errors:?}");
    }
}
