//! Query understanding: what a teacher types, read against the bank's own
//! vocabulary.
//!
//! - **Filters** are read from the text and taken out of what is searched:
//!   school years ("year 8", "Y8", "yr 8", "year nine", "reception"), key
//!   stages ("KS3", "key stage 3"), ages ("age 12", "12 year olds", "a six
//!   year old", "ages 11-14", "teenage", "under fives"), phases and sectors
//!   ("primary", "secondary", "sixth form", "post-16", from the sector names
//!   and aliases of the taxonomy), SEND (the top ability term), places (area
//!   names and aliases below the national level), costs ("free" is free
//!   or free to schools) and what a school did ("reported to the police",
//!   "early help": the labels and aliases of the response routes). Numbers may be written as words up to twenty, and
//!   read exactly like their digits. Text that only looks like one is left
//!   alone: a year must be 0-13 ("year 2000" is text), an age at most 25,
//!   nothing inside quotes is read as a filter, and a longer taxonomy name
//!   wins ("teenage relationship abuse" is a topic, not an age). The same
//!   filter read twice ("sixth form college") is one chip.
//! - **Concepts** are the taxonomy terms the text names (topics, abilities,
//!   formats, audiences) plus the kinds of entry. They rank entries tagged
//!   with them higher and expand the search to the term's other names, so
//!   "sexting" finds entries written as "sharing nudes" and the reverse.
//! - **Spelling**: words the bank never uses are matched against the words
//!   it does (edit distance 1 for 5+ letters, 2 for 9+).
//!
//! Phases (sectors with `ages` in the taxonomy; by default early years,
//! primary, secondary, post-16) select the entries tagged with that sector,
//! and the entries with no `sectors` at all whose ages overlap the phase's
//! (by default 0-5, 4-11, 11-16, 16-19). Most organisations
//! carry no sectors, so the plain sector facet would hide the helplines a
//! secondary DSL needs; a plain age overlap would let in everything for
//! "ages 4-18" that the curators deliberately did not tag with the phase.
//! See docs/relevance.md for the measurements.

use serde::Serialize;

use super::SearchRequest;
use super::concepts::same_family;
use super::intent::{Intent, intents};
use super::lexicon::{Lexicon, Target};
use super::tokens::{Token, tokenize};
use crate::facet::Facet;
use crate::taxonomy::KEY_STAGES;

/// A filter read from the query text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Interpreted {
    /// The API parameter it corresponds to (`year`, `age`, `key_stage`,
    /// `sector`, `ability`, `area`, `response`).
    pub param: String,
    pub value: String,
    /// Every value it sets, ORed like a repeated parameter: `value` and
    /// any more ("free" reads as `cost=free&cost=free-to-schools`).
    pub values: Vec<String>,
    /// What a chip shows, e.g. "Year 8 (ages 12-13)".
    pub label: String,
    /// The words of the query it came from, as typed.
    pub text: String,
    /// The query text without those words: the `q` of the search that drops
    /// this filter (for a chip's remove link).
    pub without: String,
}

/// How an interpreted filter narrows the search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Apply {
    /// A half-open age range, matched by overlap like `age` and `year`.
    Ages(u8, u8),
    /// A phase: entries tagged with the sector, and entries with no sectors
    /// whose ages overlap the phase's.
    Phase(String, u8, u8),
    /// A facet value, ORed with other values of the facet.
    Facet(Facet, String),
}

/// Oldest age read from "age N" or "N year olds".
const MAX_READ_AGE: u8 = 25;

/// The filters read from a query and what is left to search.
#[derive(Debug, Clone, Default)]
pub struct Interpretation {
    pub filters: Vec<Interpreted>,
    pub(crate) applies: Vec<Apply>,
    /// What the question words ask for ("who can help", "what do I do").
    pub(crate) intents: Vec<Intent>,
    /// An age was read as one child's ("a six year old", "she is 12 years
    /// old"), not a class's ("12 year olds", "age 12", "year 7"): the search
    /// is about a child, not for lessons.
    pub(crate) one_child: bool,
    /// The query without the words read as filters.
    pub text: String,
}

/// Which kinds of filter the request already sets explicitly (they win).
struct Explicit {
    ages: bool,
    key_stage: bool,
    sector: bool,
    ability: bool,
    area: bool,
    cost: bool,
    response: bool,
}

impl Explicit {
    fn of(request: &SearchRequest) -> Explicit {
        let ages = request.age.is_some() || request.year.is_some();
        Explicit {
            ages: ages || !request.filter(Facet::KeyStage).is_empty(),
            key_stage: ages || !request.filter(Facet::KeyStage).is_empty(),
            sector: !request.filter(Facet::Sector).is_empty(),
            ability: !request.filter(Facet::Ability).is_empty(),
            area: !request.filter(Facet::Area).is_empty(),
            cost: !request.filter(Facet::Cost).is_empty(),
            response: !request.filter(Facet::Response).is_empty(),
        }
    }

    fn allows(&self, apply: &Apply) -> bool {
        match apply {
            Apply::Ages(..) => !self.ages,
            Apply::Phase(..) => !self.sector && !self.ages,
            Apply::Facet(Facet::KeyStage, _) => !self.key_stage,
            Apply::Facet(Facet::Sector, _) => !self.sector && !self.ages,
            Apply::Facet(Facet::Ability, _) => !self.ability,
            Apply::Facet(Facet::Area, _) => !self.area,
            Apply::Facet(Facet::Cost, _) => !self.cost,
            Apply::Facet(Facet::Response, _) => !self.response,
            Apply::Facet(..) => true,
        }
    }
}

/// Numbers as people write them in a query: digits, or a word up to
/// twenty ("year nine", "a six year old", "ages five to seven").
const NUMBER_WORDS: [&str; 20] = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
];

fn number(token: &Token) -> Option<u32> {
    number_text(&token.text)
}

fn number_text(text: &str) -> Option<u32> {
    if let Some(i) = NUMBER_WORDS.iter().position(|w| *w == text) {
        return u32::try_from(i + 1).ok();
    }
    if text.len() > 4 || !text.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// A number written as a group: "5s", "fives", "under-11s".
fn plural_number(token: &Token) -> Option<u32> {
    let text = &token.text;
    let one = text
        .strip_suffix("es")
        .filter(|t| t.ends_with('x')) // "sixes"
        .or_else(|| text.strip_suffix('s'))?;
    number_text(one)
}

/// Teenagers: ages 13 to 19.
const TEEN_AGES: (u8, u8) = (13, 20);
const TEEN_WORDS: [&str; 5] = ["teen", "teens", "teenage", "teenager", "teenagers"];

/// "12-14" or "12 to 14": the separator between two tokens is a range one.
fn range_gap(q: &str, a: &Token, b: &Token) -> bool {
    let gap = q[a.end..b.start].trim();
    gap == "-" || gap == "–" || gap == "to" || (gap.is_empty() && b.text == "to")
}

fn ages_label(min: u8, end: u8) -> String {
    if end == min + 1 {
        format!("age {min}")
    } else {
        format!("ages {min}-{}", end - 1)
    }
}

/// One filter read at a position: how many tokens it took and what it sets.
struct Read {
    len: usize,
    param: &'static str,
    value: String,
    label: String,
    apply: Apply,
    /// More values of the same facet, ORed with `value`.
    also: Vec<String>,
}

/// Reads the filter-like forms that are not names: years, key stages, ages.
fn read_numeric(q: &str, t: &[Token]) -> Option<Read> {
    let word = |i: usize| t.get(i).map(|x| x.text.as_str());
    let year = |len: usize, n: u32| -> Option<Read> {
        let n = u8::try_from(n).ok().filter(|&n| n <= 13)?;
        let (value, label) = if n == 0 {
            ("R".to_string(), "Reception (ages 4-5)".to_string())
        } else {
            (
                n.to_string(),
                format!("Year {n} (ages {}-{})", n + 4, n + 5),
            )
        };
        Some(Read {
            len,
            param: "year",
            value,
            label,
            apply: Apply::Ages(n + 4, n + 5),
            also: Vec::new(),
        })
    };
    let ages = |len: usize, min: u32, max: u32| -> Option<Read> {
        let (min, max) = (u8::try_from(min).ok()?, u8::try_from(max).ok()?);
        if min > max || max > MAX_READ_AGE {
            return None;
        }
        let value = if min == max {
            min.to_string()
        } else {
            format!("{min}-{max}")
        };
        Some(Read {
            len,
            param: "age",
            value,
            label: ages_label(min, max + 1),
            apply: Apply::Ages(min, max + 1),
            also: Vec::new(),
        })
    };
    let first = &t[0];
    if TEEN_WORDS.contains(&first.text.as_str()) {
        return ages(1, u32::from(TEEN_AGES.0), u32::from(TEEN_AGES.1 - 1));
    }
    match first.text.as_str() {
        "reception" => return year(1, 0),
        // "under fives", "under 5s", "under-11s": from birth to that age.
        "under" => {
            let n = t
                .get(1)
                .and_then(|n| plural_number(n).or_else(|| number(n)))?;
            return ages(2, 0, n.checked_sub(1)?);
        }
        "year" | "yr" | "yrs" | "years" => {
            let n = number(t.get(1)?)?;
            // "years 7-9", "years 7 to 9"
            if let (Some(b), true) = (t.get(2), first.text != "year" && first.text != "yr") {
                let b = if b.text == "to" { t.get(3) } else { Some(b) };
                if let Some(m) = b.filter(|b| range_gap(q, &t[1], b)).and_then(number) {
                    let len = if t[2].text == "to" { 4 } else { 3 };
                    let (n, m) = (u8::try_from(n).ok()?, u8::try_from(m).ok()?);
                    if n <= m && m <= 13 {
                        return Some(Read {
                            len,
                            param: "year",
                            value: format!("{n}-{m}"),
                            label: format!("Years {n}-{m} (ages {}-{})", n + 4, m + 5),
                            apply: Apply::Ages(n + 4, m + 5),
                            also: Vec::new(),
                        });
                    }
                }
            }
            return year(2, n);
        }
        "key" if word(1) == Some("stage") => {
            return key_stage(3, &number(t.get(2)?)?.to_string());
        }
        "ks" | "keystage" => return key_stage(2, &number(t.get(1)?)?.to_string()),
        "age" | "aged" | "ages" => {
            let n = number(t.get(1)?)?;
            if let Some(b) = t.get(2) {
                let (b, len) = if b.text == "to" {
                    (t.get(3), 4)
                } else {
                    (Some(b), 3)
                };
                if let Some(m) = b.filter(|b| range_gap(q, &t[1], b)).and_then(number) {
                    if let Some(read) = ages(len, n, m) {
                        return Some(read);
                    }
                }
            }
            return ages(2, n, n);
        }
        _ => {}
    }
    for prefix in ["year", "yr", "y"] {
        if let Some(n) = first.text.strip_prefix(prefix).and_then(|r| {
            (!r.is_empty() && r.len() <= 2 && r.chars().all(|c| c.is_ascii_digit()))
                .then(|| r.parse().ok())
                .flatten()
        }) {
            return year(1, n);
        }
    }
    if let Some(n) = first.text.strip_prefix("ks") {
        if n.len() == 1 {
            return key_stage(1, n);
        }
    }
    // "12 year olds", "12-14 year olds", "12 years old"
    let n = number(first)?;
    let (m, at) = match t.get(1) {
        Some(b) if range_gap(q, first, b) => {
            let b_at = if b.text == "to" { 2 } else { 1 };
            match t.get(b_at).and_then(number) {
                Some(m) => (m, b_at + 1),
                None => (n, 1),
            }
        }
        _ => (n, 1),
    };
    let is_year = matches!(word(at), Some("year" | "years" | "yr" | "yrs"));
    let is_old = matches!(word(at + 1), Some("old" | "olds"));
    if is_year && is_old {
        return ages(at + 2, n, m);
    }
    if matches!(word(at), Some("yo")) {
        return ages(at + 1, n, m);
    }
    None
}

fn key_stage(len: usize, n: &str) -> Option<Read> {
    let id = format!("ks{n}");
    let ks = KEY_STAGES.iter().find(|k| k.id == id)?;
    Some(Read {
        len,
        param: "key_stage",
        value: ks.id.to_string(),
        label: ks.label.to_string(),
        apply: Apply::Facet(Facet::KeyStage, ks.id.to_string()),
        also: Vec::new(),
    })
}

/// Reads the filters in a query, leaving out those the request sets itself.
pub fn interpret(q: &str, request: &SearchRequest, lexicon: &Lexicon) -> Interpretation {
    let tokens = tokenize(q);
    let stems: Vec<Vec<String>> = tokens.iter().map(|t| lexicon.stems(&t.text)).collect();
    let explicit = Explicit::of(request);
    let mut reads: Vec<(usize, Read)> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i].quoted {
            i += 1;
            continue;
        }
        let rest: Vec<Token> = tokens[i..]
            .iter()
            .take_while(|t| !t.quoted)
            .cloned()
            .collect();
        let read = read_numeric(q, &rest).or_else(|| read_name(lexicon, &rest));
        // The longest name wins: "teenage relationship abuse" names a
        // topic, so its first word is not read as an age.
        let concept = concept_len(lexicon, &stems[i..i + rest.len()]);
        match read {
            Some(read) if concept <= read.len && explicit.allows(&read.apply) => {
                let len = read.len;
                reads.push((i, read));
                i += len;
            }
            _ => i += concept.max(1),
        }
    }
    let one_child = reads
        .iter()
        .any(|(at, read)| read.param == "age" && tokens[at + read.len - 1].text == "old");
    // The same filter read from neighbouring words ("sixth form college")
    // is one chip, whose removal takes all of them: two chips would each
    // leave the other's words, which read the filter again.
    let mut groups: Vec<(Read, (usize, usize))> = Vec::new();
    for (at, read) in reads {
        let (start, end) = (tokens[at].start, tokens[at + read.len - 1].end);
        match groups.last_mut() {
            Some((last, span))
                if last.param == read.param
                    && last.value == read.value
                    && q[span.1..start].trim().is_empty() =>
            {
                span.1 = end;
            }
            _ => groups.push((read, (start, end))),
        }
    }
    let filters = groups
        .iter()
        .map(|(read, (start, end))| Interpreted {
            param: read.param.to_string(),
            value: read.value.clone(),
            values: std::iter::once(&read.value)
                .chain(&read.also)
                .cloned()
                .collect(),
            label: read.label.clone(),
            text: q[*start..*end].to_string(),
            without: remove_spans(q, &[(*start, *end)]),
        })
        .collect();
    let spans: Vec<(usize, usize)> = groups.iter().map(|(_, span)| *span).collect();
    let mut applies = Vec::new();
    for (read, _) in groups {
        if let Apply::Facet(facet, _) = &read.apply {
            let facet = *facet;
            applies.extend(read.also.into_iter().map(|v| Apply::Facet(facet, v)));
        }
        applies.push(read.apply);
    }
    Interpretation {
        filters,
        applies,
        intents: intents(q),
        one_child,
        text: remove_spans(q, &spans),
    }
}

/// How many tokens the longest taxonomy name of two or more words at the
/// start of `t` takes (0 when none does).
fn concept_len(lexicon: &Lexicon, stems: &[Vec<String>]) -> usize {
    lexicon
        .concepts
        .iter()
        .filter(|name| name.words.len() > 1 && name.words.len() <= stems.len())
        .find(|name| {
            name.words
                .iter()
                .zip(stems)
                .all(|(w, s)| s.len() == 1 && same_family(&s[0], w))
        })
        .map_or(0, |name| name.words.len())
}

/// Reads a filter's name (a sector, ability, area, cost or response) at
/// the start of `t`.
fn read_name(lexicon: &Lexicon, t: &[Token]) -> Option<Read> {
    let name = lexicon.filters.iter().find(|name| {
        name.words.len() <= t.len()
            && name.words.iter().zip(t).enumerate().all(|(k, (w, tok))| {
                // A final plural is fine: "primary schools".
                (*w == tok.text
                    || (k + 1 == name.words.len() && tok.text.strip_suffix('s') == Some(w)))
                    && (name.words.len() > 1 || lexicon.acronym_ok(name.acronym, tok))
            })
    })?;
    let len = name.words.len();
    Some(match &name.target {
        Target::Phase { id, label, ages } => Read {
            len,
            param: "sector",
            value: id.clone(),
            label: format!("{label} ({})", ages_label(ages.0, ages.1)),
            apply: Apply::Phase(id.clone(), ages.0, ages.1),
            also: Vec::new(),
        },
        Target::Facet {
            facet,
            id,
            label,
            also,
        } => Read {
            len,
            param: facet.param(),
            value: id.clone(),
            label: label.clone(),
            apply: Apply::Facet(*facet, id.clone()),
            also: also.clone(),
        },
    })
}

/// The text with the byte spans cut out, spaces tidied.
fn remove_spans(q: &str, spans: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(q.len());
    let mut at = 0;
    for &(start, end) in spans {
        out.push_str(&q[at..start]);
        out.push(' ');
        at = end;
    }
    out.push_str(&q[at..]);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::test_lexicon::lexicon;

    fn read(q: &str) -> Interpretation {
        interpret(q, &SearchRequest::default(), &lexicon())
    }

    /// (param, value, text) of each filter, and the text left.
    fn summary(q: &str) -> (Vec<(String, String, String)>, String) {
        let i = read(q);
        (
            i.filters
                .iter()
                .map(|f| (f.param.clone(), f.value.clone(), f.text.clone()))
                .collect(),
            i.text,
        )
    }

    fn one(param: &str, value: &str, text: &str) -> Vec<(String, String, String)> {
        vec![(param.into(), value.into(), text.into())]
    }

    #[test]
    fn school_years_in_every_spelling() {
        for (q, text) in [
            ("consent year 8", "year 8"),
            ("consent Y8", "Y8"),
            ("consent yr 8", "yr 8"),
            ("consent Year8", "Year8"),
        ] {
            assert_eq!(
                summary(q),
                (one("year", "8", text), "consent".into()),
                "{q}"
            );
        }
        let i = read("consent year 8");
        assert_eq!(i.applies, [Apply::Ages(12, 13)]);
        assert_eq!(i.filters[0].label, "Year 8 (ages 12-13)");
        assert_eq!(i.filters[0].without, "consent");
    }

    #[test]
    fn reception_is_year_zero() {
        let i = read("reception consent");
        assert_eq!(i.filters[0].param, "year");
        assert_eq!(i.filters[0].value, "R");
        assert_eq!(i.applies, [Apply::Ages(4, 5)]);
        assert_eq!(i.text, "consent");
    }

    #[test]
    fn key_stages() {
        for (q, text) in [
            ("KS3 sexting", "KS3"),
            ("ks 3 sexting", "ks 3"),
            ("key stage 3 sexting", "key stage 3"),
        ] {
            assert_eq!(
                summary(q),
                (one("key_stage", "ks3", text), "sexting".into()),
                "{q}"
            );
        }
        assert_eq!(read("ks9 sexting").filters, []);
    }

    #[test]
    fn ages() {
        assert_eq!(
            summary("age 12 porn"),
            (one("age", "12", "age 12"), "porn".into())
        );
        assert_eq!(
            summary("resources for 12 year olds"),
            (one("age", "12", "12 year olds"), "resources for".into())
        );
        assert_eq!(
            summary("12-year-olds"),
            (one("age", "12", "12-year-olds"), String::new())
        );
        assert_eq!(
            summary("ages 11-14 consent"),
            (one("age", "11-14", "ages 11-14"), "consent".into())
        );
        assert_eq!(read("ages 11-14").applies, [Apply::Ages(11, 15)]);
        assert_eq!(read("age 40").filters, []);
    }

    #[test]
    fn phases_read_as_sector_or_ages() {
        let i = read("consent secondary");
        assert_eq!(i.filters[0].param, "sector");
        assert_eq!(i.filters[0].value, "secondary");
        assert_eq!(i.applies, [Apply::Phase("secondary".into(), 11, 16)]);
        assert_eq!(i.text, "consent");
        assert_eq!(
            read("primary schools consent").applies,
            [Apply::Phase("primary".into(), 4, 11)]
        );
        assert_eq!(read("primary schools consent").text, "consent");
        for q in ["sixth form consent", "post-16 consent", "6th form consent"] {
            let i = read(q);
            assert_eq!(i.applies, [Apply::Phase("post-16".into(), 16, 19)], "{q}");
            assert_eq!(i.filters[0].value, "post-16", "{q}");
            assert_eq!(i.text, "consent", "{q}");
        }
        // Sectors that are not phases are the sector facet.
        assert_eq!(
            read("special schools consent").applies,
            [Apply::Facet(Facet::Sector, "special".into())]
        );
    }

    #[test]
    fn send_is_an_ability_filter_but_the_verb_is_not() {
        let i = read("SEND consent");
        assert_eq!(i.applies, [Apply::Facet(Facet::Ability, "send".into())]);
        assert_eq!(i.text, "consent");
        // "send" is an ordinary word of the bank, so lower case is text.
        assert_eq!(read("think before you send").filters, []);
        // "SEN" is not, so either case reads.
        assert_eq!(read("sen resources").filters[0].value, "send");
    }

    #[test]
    fn areas_by_name_and_alias() {
        assert_eq!(
            summary("domestic abuse helpline tamworth"),
            (
                one("area", "tamworth", "tamworth"),
                "domestic abuse helpline".into()
            )
        );
        assert_eq!(
            summary("referral Stoke"),
            (one("area", "stoke-on-trent", "Stoke"), "referral".into())
        );
        assert_eq!(
            summary("newcastle-under-lyme support").0,
            one("area", "newcastle-under-lyme", "newcastle-under-lyme")
        );
        // The national level filters nothing, so it stays text.
        assert_eq!(read("england guidance").filters, []);
    }

    #[test]
    fn what_a_school_did_is_read_from_its_route_names() {
        for (q, value, text) in [
            ("sexting reported to police", "police", "reported to police"),
            (
                "report to the police nudes",
                "police",
                "report to the police",
            ),
            (
                "managed internally harassment",
                "managed-internally",
                "managed internally",
            ),
            (
                "harassment handled internally",
                "managed-internally",
                "handled internally",
            ),
            (
                "early help sexualised behaviour",
                "early-help",
                "early help",
            ),
            (
                "social care referral",
                "childrens-social-care",
                "social care referral",
            ),
            (
                "referred to social care",
                "childrens-social-care",
                "referred to social care",
            ),
            (
                "Referral to children's social care",
                "childrens-social-care",
                "Referral to children's social care",
            ),
            (
                "childrens social care",
                "childrens-social-care",
                "childrens social care",
            ),
        ] {
            let i = read(q);
            assert_eq!(i.filters.len(), 1, "{q}");
            let filter = &i.filters[0];
            assert_eq!(
                (
                    filter.param.as_str(),
                    filter.value.as_str(),
                    filter.text.as_str()
                ),
                ("response", value, text),
                "{q}"
            );
            assert_eq!(
                i.applies,
                [Apply::Facet(Facet::Response, value.into())],
                "{q}"
            );
            assert_eq!(
                i.text,
                remove_spans(
                    q,
                    &[(q.find(text).unwrap(), q.find(text).unwrap() + text.len())]
                )
            );
        }
        assert_eq!(
            read("sexting reported to police").filters[0].label,
            "Reported to the police"
        );
        assert_eq!(read("sexting reported to police").text, "sexting");
        // A police service is searched for, not filtered to case studies.
        assert_eq!(read("police sexting").filters, []);
        assert_eq!(read("staffs police").filters.len(), 1);
        // An explicit `response` wins over the text.
        let mut request = SearchRequest::default();
        request.filter_mut(Facet::Response).push("police".into());
        assert_eq!(interpret("early help", &request, &lexicon()).filters, []);
    }

    #[test]
    fn look_alikes_stay_text() {
        for q in [
            "year 2000 guidance",
            "sre guidance year 2000",
            "section 175",
            "2000 year olds",
            "\"year 8\" assembly",
            "keystone",
            "yearly review",
        ] {
            let i = read(q);
            assert_eq!(i.filters, [], "{q}");
            assert_eq!(i.text, q, "{q}");
        }
    }

    #[test]
    fn explicit_parameters_win() {
        let lexicon = lexicon();
        let mut request = SearchRequest {
            year: Some(3),
            ..SearchRequest::default()
        };
        request
            .filter_mut(Facet::Area)
            .push("stoke-on-trent".into());
        let i = interpret(
            "consent year 8 ks3 secondary tamworth SEND",
            &request,
            &lexicon,
        );
        let params: Vec<&str> = i.filters.iter().map(|f| f.param.as_str()).collect();
        assert_eq!(params, ["ability"]);
        assert_eq!(i.text, "consent year 8 ks3 secondary tamworth");
    }

    #[test]
    fn numbers_written_as_words_read_like_digits() {
        for (words, digits) in [
            ("a six year old touching", "a 6 year old touching"),
            ("six-year-olds consent", "6-year-olds consent"),
            ("consent year nine", "consent year 9"),
            ("ages five to seven", "ages 5 to 7"),
            ("key stage two", "key stage 2"),
            ("years seven to nine", "years 7 to 9"),
        ] {
            let (w, d) = (read(words), read(digits));
            assert_eq!(w.applies, d.applies, "{words}");
            assert_eq!(w.text, d.text, "{words}");
            let labels = |i: &Interpretation| -> Vec<(String, String, String)> {
                i.filters
                    .iter()
                    .map(|f| (f.param.clone(), f.value.clone(), f.label.clone()))
                    .collect()
            };
            assert_eq!(labels(&w), labels(&d), "{words}");
            assert_eq!(w.filters.len(), 1, "{words}");
        }
        assert_eq!(read("a six year old").filters[0].text, "six year old");
        // Number words that are not ages stay text.
        for q in ["one to one support", "two-day course", "year twenty one"] {
            assert!(read(q).filters.iter().all(|f| f.param != "age"), "{q}");
        }
        assert_eq!(read("one to one support").filters, []);
    }

    #[test]
    fn one_childs_age_is_not_a_class() {
        for q in [
            "a six year old touching",
            "my son is 12 years old",
            "a 6-year-old boy",
        ] {
            let i = read(q);
            assert_eq!(i.filters[0].param, "age", "{q}");
            assert!(i.one_child, "{q}");
        }
        for q in [
            "lessons for six year olds",
            "age 12",
            "year 7 consent",
            "ks3",
            "ages 5 to 7",
        ] {
            assert!(!read(q).one_child, "{q}");
        }
    }

    #[test]
    fn teenagers_and_under_fives_are_age_ranges() {
        for q in ["teenage girl", "teenagers online", "teens"] {
            let i = read(q);
            assert_eq!(i.applies, [Apply::Ages(13, 20)], "{q}");
            assert_eq!(i.filters[0].label, "ages 13-19", "{q}");
        }
        for q in [
            "under fives online safety",
            "under 5s online safety",
            "under-5s online safety",
            "under 5 online safety",
        ] {
            let i = read(q);
            assert_eq!(i.applies, [Apply::Ages(0, 5)], "{q}");
            assert_eq!(i.filters[0].value, "0-4", "{q}");
            assert_eq!(i.text, "online safety", "{q}");
        }
        assert_eq!(read("under elevens").applies, [Apply::Ages(0, 11)]);
        assert_eq!(read("under sixes").applies, [Apply::Ages(0, 6)]);
        assert_eq!(read("under pressure").filters, []);
    }

    #[test]
    fn a_longer_taxonomy_name_wins_over_a_filter_word() {
        let lexicon = crate::search::test_lexicon::lexicon_of(
            &crate::search::test_lexicon::TAXONOMY.replace(
                "  - id: consent\n    label: Consent\n",
                "  - id: consent\n    label: Consent\n  - id: healthy-relationships\n    label: Healthy relationships\n    aliases: [teenage relationship abuse]\n",
            ),
            &[],
        );
        let i = interpret(
            "teenage relationship abuse",
            &SearchRequest::default(),
            &lexicon,
        );
        assert_eq!(i.filters, []);
        assert_eq!(i.text, "teenage relationship abuse");
        let i = interpret("teenage dating", &SearchRequest::default(), &lexicon);
        assert_eq!(i.applies, [Apply::Ages(13, 20)]);
    }

    #[test]
    fn free_reads_as_every_free_cost() {
        let i = read("free hsb training");
        assert_eq!(
            i.applies,
            [
                Apply::Facet(Facet::Cost, "free-to-schools".into()),
                Apply::Facet(Facet::Cost, "free".into()),
            ]
        );
        let chip = &i.filters[0];
        assert_eq!((chip.param.as_str(), chip.value.as_str()), ("cost", "free"));
        assert_eq!(chip.values, ["free", "free-to-schools"]);
        assert_eq!(chip.label, "Free or free to schools");
        assert_eq!(chip.without, "hsb training");
        assert_eq!(i.text, "hsb training");
        let i = read("training free to schools");
        assert_eq!(
            i.applies,
            [Apply::Facet(Facet::Cost, "free-to-schools".into())]
        );
        assert_eq!(i.filters[0].values, ["free-to-schools"]);
        assert_eq!(read("paid courses").filters[0].values, ["paid"]);
        // An explicit cost wins.
        let mut request = SearchRequest::default();
        request.filter_mut(Facet::Cost).push("paid".into());
        assert_eq!(interpret("free training", &request, &lexicon()).filters, []);
    }

    #[test]
    fn costs_are_read_only_where_the_bank_has_them() {
        let mut lexicon =
            crate::search::test_lexicon::lexicon_of(crate::search::test_lexicon::TAXONOMY, &[]);
        lexicon.filters.retain(|f| {
            !matches!(
                &f.target,
                Target::Facet {
                    facet: Facet::Cost,
                    ..
                }
            )
        });
        let request = SearchRequest::default();
        assert_eq!(interpret("free training", &request, &lexicon).filters, []);
        // Only "free" tagged: "free" is that alone.
        lexicon.add_costs(&["free"].into_iter().collect());
        let i = interpret("free training", &request, &lexicon);
        assert_eq!(i.filters[0].values, ["free"]);
        assert_eq!(i.filters[0].label, "Free");
    }

    #[test]
    fn a_filter_read_from_neighbouring_words_is_one_chip() {
        let i = read("sixth form college consent");
        assert_eq!(i.filters.len(), 1);
        assert_eq!(i.filters[0].text, "sixth form college");
        assert_eq!(i.filters[0].without, "consent");
        assert_eq!(i.applies, [Apply::Phase("post-16".into(), 16, 19)]);
        assert_eq!(i.text, "consent");
        // Apart, each is its own chip that removes its own words.
        let i = read("year 8 consent year 8");
        assert_eq!(i.filters.len(), 2);
        assert_eq!(i.filters[0].without, "consent year 8");
        assert_eq!(i.text, "consent");
    }

    #[test]
    fn several_filters_and_their_remove_links() {
        let i = read("KS3 sexting tamworth");
        assert_eq!(i.filters.len(), 2);
        assert_eq!(i.filters[0].without, "sexting tamworth");
        assert_eq!(i.filters[1].without, "KS3 sexting");
        assert_eq!(i.text, "sexting");
    }
}
