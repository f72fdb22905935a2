//! The validated types of the bank. Nothing here can hold an invalid value:
//! once an [`Entry`] exists, its ids, ages and terms have been checked.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use crate::taxonomy::Kind;
use crate::taxonomy::{KEY_STAGES, KeyStage};

/// An entry's permanent id: its file stem, `^[a-z0-9]+(-[a-z0-9]+)*$`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct EntryId(String);

/// Reads a value through its `FromStr`, so a deserialised value is checked
/// exactly as a written one is.
fn deserialize_checked<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr<Err = String>,
{
    let text = String::deserialize(d)?;
    text.parse().map_err(serde::de::Error::custom)
}

impl<'de> Deserialize<'de> for EntryId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_checked(d)
    }
}

/// Longest id accepted, so ids stay usable in URLs and file names.
pub const MAX_ID_LEN: usize = 100;

impl EntryId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for EntryId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let valid = !s.is_empty()
            && s.len() <= MAX_ID_LEN
            && s.split('-').all(|part| {
                !part.is_empty()
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
        if valid {
            Ok(EntryId(s.to_string()))
        } else {
            Err(format!(
                "`{s}` is not a valid id: use lowercase letters, digits and single hyphens (at most {MAX_ID_LEN} characters)"
            ))
        }
    }
}

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Oldest age an entry may name (youth services reach 35); beyond it a
/// range is surely a typo.
pub const MAX_AGE: u8 = 35;

/// Ages at the start of the school year, half-open: `"7-11"` is 7 to 10,
/// `"16+"` has no upper end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgeRange {
    pub min: u8,
    /// Exclusive; `None` means no upper end.
    pub max: Option<u8>,
}

impl AgeRange {
    pub fn new(min: u8, max: Option<u8>) -> Result<Self, String> {
        if min > MAX_AGE || max.is_some_and(|m| m > MAX_AGE) {
            return Err(format!("ages above {MAX_AGE} are not allowed"));
        }
        if max.is_some_and(|m| m <= min) {
            return Err(format!(
                "the upper age must be greater than the lower (\"{min}-{}\" is empty: ranges are half-open)",
                max.unwrap_or(min)
            ));
        }
        Ok(AgeRange { min, max })
    }

    /// The exclusive upper end, with open ranges ending past every age.
    pub fn end(self) -> u8 {
        self.max.unwrap_or(u8::MAX)
    }

    pub fn contains(self, age: u8) -> bool {
        self.min <= age && age < self.end()
    }

    /// Whether the two half-open ranges share an age.
    pub fn overlaps(self, min: u8, end: u8) -> bool {
        self.min < end && min < self.end()
    }

    pub fn key_stages(self) -> impl Iterator<Item = &'static KeyStage> {
        KEY_STAGES
            .iter()
            .filter(move |ks| self.overlaps(ks.ages.0, ks.ages.1))
    }

    /// School years covered, as (first, last); Reception is 0, Year N is
    /// age N+4. `None` when the range has no school-age years.
    pub fn years(self) -> Option<(u8, u8)> {
        let first = self.min.max(4) - 4;
        let last = self.end().saturating_sub(5).min(13);
        (self.end() > 4 && self.min <= 17 && first <= last).then_some((first, last))
    }

    /// Plain English, e.g. "Ages 7 to 10 (Years 3 to 6)".
    pub fn describe(self) -> String {
        let ages = match self.max {
            None => format!("Ages {} and over", self.min),
            Some(max) if max == self.min + 1 => format!("Age {}", self.min),
            Some(max) => format!("Ages {} to {}", self.min, max - 1),
        };
        match self.years() {
            Some((first, last)) if first == last => format!("{ages} ({})", year_name(first)),
            Some((first, last)) => format!("{ages} ({} to {})", year_name(first), year_name(last)),
            None => ages,
        }
    }
}

fn year_name(year: u8) -> String {
    if year == 0 {
        "Reception".to_string()
    } else {
        format!("Year {year}")
    }
}

impl FromStr for AgeRange {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let hint = || format!("`{s}` is not an age range: write \"5-11\" or \"16+\"");
        let number = |t: &str| t.trim().parse::<u8>().map_err(|_| hint());
        let s = s.trim();
        if let Some(min) = s.strip_suffix('+') {
            AgeRange::new(number(min)?, None)
        } else if let Some((min, max)) = s.split_once('-') {
            AgeRange::new(number(min)?, Some(number(max)?))
        } else {
            Err(hint())
        }
    }
}

impl fmt::Display for AgeRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.max {
            Some(max) => write!(f, "{}-{max}", self.min),
            None => write!(f, "{}+", self.min),
        }
    }
}

impl Serialize for AgeRange {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for AgeRange {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_checked(d)
    }
}

/// HTML that has been through the sanitiser; the only HTML rendered raw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct SafeHtml(String);

impl SafeHtml {
    /// Only the Markdown renderer may make one.
    pub(super) fn from_sanitised(html: String) -> Self {
        SafeHtml(html)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SafeHtml {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referral: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QualityAssured {
    pub by: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
}

/// A public document an entry's facts come from. The url is `https://`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: String,
    pub url: String,
}

/// One checked entry of the bank. Term fields hold ids that exist in the
/// taxonomy (or, for `cost` and `response`, in the fixed vocabularies);
/// `provider` names an organisation entry. The body is not here: a bank of
/// 100,000 entries cannot keep every body in memory, so bodies are a
/// [`Body`] each, kept apart (see `Library::body_text`).
///
/// Serialised for the API and, with `Deserialize`, for the snapshot an
/// index version keeps of its library: every field must round-trip.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub id: EntryId,
    pub kind: Kind,
    pub title: String,
    pub summary: String,
    pub topics: Vec<String>,
    pub ages: AgeRange,
    pub sectors: Vec<String>,
    pub abilities: Vec<String>,
    pub audiences: Vec<String>,
    pub areas: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<EntryId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<String>,
    pub formats: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quality_assured: Option<QualityAssured>,
    pub reviewed: NaiveDate,
    pub review_due: NaiveDate,
    /// The public documents its facts come from (at least one on a case study).
    pub sources: Vec<Source>,
    /// A case study written from guidance, not a published account of a
    /// real case: labelled "Illustrative example" wherever it is shown.
    pub illustrative: bool,
    /// What the school did (case studies): ids of [`crate::taxonomy::RESPONSES`].
    pub response: Vec<String>,
}

/// An entry's Markdown body, as written and as plain text.
#[derive(Debug, Clone)]
pub struct Body {
    /// The Markdown, rendered to sanitised HTML when a page shows it
    /// ([`crate::content::Library::body_html`]).
    pub markdown: String,
    /// Plain text, for the index, snippets and the bank's words.
    pub text: String,
}

impl Entry {
    pub fn is_due_for_review(&self, today: NaiveDate) -> bool {
        self.review_due < today
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_lowercase_hyphenated() {
        assert!("talk-pants-2".parse::<EntryId>().is_ok());
        for bad in ["", "Talk", "a--b", "-a", "a-", "a_b", "a b", "ä"] {
            assert!(bad.parse::<EntryId>().is_err(), "{bad}");
        }
    }

    #[test]
    fn ages_parse_half_open() {
        let ks2: AgeRange = "7-11".parse().unwrap();
        assert!(ks2.contains(7) && ks2.contains(10) && !ks2.contains(11));
        let post16: AgeRange = "16+".parse().unwrap();
        assert!(post16.contains(16) && post16.contains(25) && !post16.contains(15));
        for bad in ["11-7", "7-7", "seven", "5", "3-99", "36+", "-4", ""] {
            assert!(bad.parse::<AgeRange>().is_err(), "{bad}");
        }
        assert_eq!(ks2.to_string(), "7-11");
        assert_eq!(post16.to_string(), "16+");
    }

    #[test]
    fn key_stages_and_years_are_derived() {
        let ids = |s: &str| {
            s.parse::<AgeRange>()
                .unwrap()
                .key_stages()
                .map(|k| k.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids("7-11"), ["ks2"]);
        assert_eq!(ids("5-11"), ["ks1", "ks2"]);
        assert_eq!(ids("11-16"), ["ks3", "ks4"]);
        assert_eq!(ids("16+"), ["ks5"]);
        assert_eq!(ids("0+"), ["eyfs", "ks1", "ks2", "ks3", "ks4", "ks5"]);
        assert_eq!(ids("10-12"), ["ks2", "ks3"]);
        let years = |s: &str| s.parse::<AgeRange>().unwrap().years();
        assert_eq!(years("7-11"), Some((3, 6)));
        assert_eq!(years("4-5"), Some((0, 0)));
        assert_eq!(years("0-4"), None);
        assert_eq!(years("16+"), Some((12, 13)));
        assert_eq!(
            "7-11".parse::<AgeRange>().unwrap().describe(),
            "Ages 7 to 10 (Year 3 to Year 6)"
        );
    }
}
