//! Query understanding: what a teacher types, read against the bank's own
//! vocabulary.
//!
//! - **Filters** are read from the text and taken out of what is searched:
//!   school years ("year 8", "Y8", "yr 8", "reception"), key stages ("KS3",
//!   "key stage 3"), ages ("age 12", "12 year olds", "ages 11-14"), phases
//!   and sectors ("primary", "secondary", "sixth form", "post-16", from the
//!   sector names and aliases of the taxonomy), SEND (the top ability term)
//!   and places (area names and aliases below the national level). Text that
//!   only looks like one is left alone: a year must be 0-13 ("year 2000" is
//!   text), an age at most 25, and nothing inside quotes is read as a filter.
//! - **Concepts** are the taxonomy terms the text names (topics, abilities,
//!   formats, audiences) plus the kinds of entry. They rank entries tagged
//!   with them higher and expand the search to the term's other names, so
//!   "sexting" finds entries written as "sharing nudes" and the reverse.
//! - **Spelling**: words the bank never uses are matched against the words
//!   it does (edit distance 1 for 5+ letters, 2 for 9+).
//!
//! Phases (early years, primary, secondary, post-16) select the entries
//! tagged with that sector, and the entries with no `sectors` at all whose
//! ages overlap the phase's (0-5, 4-11, 11-16, 16-19). Most organisations
//! carry no sectors, so the plain sector facet would hide the helplines a
//! secondary DSL needs; a plain age overlap would let in everything for
//! "ages 4-18" that the curators deliberately did not tag with the phase.
//! See docs/relevance.md for the measurements.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use tantivy::tokenizer::TextAnalyzer;

use super::SearchRequest;
use crate::content::{Kind, Library};
use crate::facet::Facet;
use crate::taxonomy::{KEY_STAGES, Term};

/// A filter read from the query text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Interpreted {
    /// The API parameter it corresponds to (`year`, `age`, `key_stage`,
    /// `sector`, `ability`, `area`).
    pub param: String,
    pub value: String,
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

/// The ages a phase named in a query stands for; sectors not listed here
/// (special schools, alternative provision) are read as the sector facet.
const PHASE_AGES: [(&str, (u8, u8)); 4] = [
    ("early-years", (0, 5)),
    ("primary", (4, 11)),
    ("secondary", (11, 16)),
    ("post-16", (16, 19)),
];

/// Oldest age read from "age N" or "N year olds".
const MAX_READ_AGE: u8 = 25;

/// Names for the kinds of entry beyond their labels.
const KIND_NAMES: [(Kind, &[&str]); 5] = [
    (
        Kind::Organisation,
        &["organisation", "organization", "service", "charity"],
    ),
    (Kind::Training, &["training", "course", "cpd", "briefing"]),
    (
        Kind::Resource,
        &["resource", "teaching resource", "teaching material"],
    ),
    (Kind::Guidance, &["guidance", "statutory guidance"]),
    (Kind::CaseStudy, &["case study", "case studies", "example"]),
];

/// A word of the query with where it is.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    /// Lowercased.
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub quoted: bool,
    /// Typed in capitals (at least two letters, all upper case).
    pub upper: bool,
}

/// Words too common to search for or to mark in a snippet. "HSB training
/// for governors" would otherwise match every entry through "for", and "what
/// should I do after…" every entry through "what". Not "who": "children who
/// harm" is how the bank names a topic.
pub(crate) const STOPWORDS: [&str; 43] = [
    "a", "about", "an", "and", "are", "as", "at", "be", "by", "can", "did", "do", "does", "for",
    "from", "has", "have", "how", "i", "if", "in", "is", "it", "its", "me", "my", "of", "on", "or",
    "our", "should", "that", "the", "this", "to", "was", "we", "what", "when", "where", "which",
    "with", "you",
];

/// The text with its unquoted stopwords blanked out, unless that would
/// leave nothing to search ("to be or" stays as typed). Quoted
/// words stay, so a phrase keeps its word positions.
pub(crate) fn without_stopwords(q: &str) -> std::borrow::Cow<'_, str> {
    let tokens = tokenize(q);
    let is_stop = |t: &Token| !t.quoted && STOPWORDS.contains(&t.text.as_str());
    if tokens.iter().all(is_stop) || !tokens.iter().any(is_stop) {
        return std::borrow::Cow::Borrowed(q);
    }
    let mut out = q.to_string();
    for t in tokens.iter().filter(|t| is_stop(t)) {
        out.replace_range(t.start..t.end, &" ".repeat(t.end - t.start));
    }
    std::borrow::Cow::Owned(out)
}

/// Splits text into runs of letters and digits, noting which are quoted.
pub(crate) fn tokenize(q: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut quoted = false;
    let mut start = None;
    let finish = |tokens: &mut Vec<Token>, s: usize, e: usize, quoted: bool| {
        let raw = &q[s..e];
        tokens.push(Token {
            text: raw.to_lowercase(),
            start: s,
            end: e,
            quoted,
            upper: is_acronym(raw),
        });
    };
    for (i, c) in q.char_indices() {
        if c.is_alphanumeric() {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            finish(&mut tokens, s, i, quoted);
        }
        if c == '"' {
            quoted = !quoted;
        }
    }
    if let Some(s) = start {
        finish(&mut tokens, s, q.len(), quoted);
    }
    tokens
}

/// What a name of the filter lexicon selects.
#[derive(Debug, Clone)]
enum Target {
    Phase {
        id: String,
        label: String,
        ages: (u8, u8),
    },
    Facet {
        facet: Facet,
        id: String,
        label: String,
    },
}

#[derive(Debug, Clone)]
struct Name<T> {
    /// Lowercased words (filters) or stems (concepts).
    words: Vec<String>,
    /// The name was written in capitals in the taxonomy (an acronym).
    acronym: bool,
    target: T,
}

/// A taxonomy term (or kind) the query names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Concept {
    pub facet: Facet,
    pub value: String,
    /// The other names of the term, for synonym expansion.
    pub names: Vec<String>,
    /// Token positions (in the searched text) it was read from.
    pub from: (usize, usize),
}

/// Everything query understanding knows about a bank, built once per index.
pub struct Lexicon {
    filters: Vec<Name<Target>>,
    concepts: Vec<Name<(Facet, String)>>,
    /// The names of each concept by (facet, id), as written.
    concept_names: HashMap<(Facet, String), Vec<String>>,
    /// Every word of the bank, lowercased, with how often it occurs.
    words: HashMap<String, u32>,
    /// The words of the bank by stem, most frequent first: what a snippet
    /// marks for a stem searched.
    forms: HashMap<String, Vec<String>>,
    /// The words of the bank in order, for completing a prefix.
    sorted: Vec<String>,
    /// The words again with what lets spelling correction skip most of
    /// them without computing an edit distance.
    spellings: Vec<Spelling>,
    /// Words the bank writes in lower case somewhere: an acronym in the
    /// taxonomy that is also one of these ("SEND" / "send") must be typed
    /// in capitals to count.
    ordinary: HashSet<String>,
    analyzer: TextAnalyzer,
}

impl std::fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lexicon")
            .field("filters", &self.filters.len())
            .field("concepts", &self.concepts.len())
            .field("words", &self.words.len())
            .finish_non_exhaustive()
    }
}

/// Two or more letters, all capitals: "DSL", "KS3", "SEND".
fn is_acronym(word: &str) -> bool {
    let mut letters = word.chars().filter(|c| c.is_alphabetic());
    let mut n = 0;
    letters.all(|c| {
        n += 1;
        c.is_uppercase()
    }) && n >= 2
}

fn words_of(name: &str) -> Vec<String> {
    tokenize(name).into_iter().map(|t| t.text).collect()
}

impl Lexicon {
    pub fn new(library: &Library, analyzer: TextAnalyzer) -> Lexicon {
        let mut lexicon = Lexicon {
            filters: Vec::new(),
            concepts: Vec::new(),
            concept_names: HashMap::new(),
            words: HashMap::new(),
            forms: HashMap::new(),
            sorted: Vec::new(),
            spellings: Vec::new(),
            ordinary: HashSet::new(),
            analyzer,
        };
        let taxonomy = &library.taxonomy;
        let names = |t: &Term| -> Vec<String> {
            std::iter::once(t.label.clone())
                .chain(t.aliases.iter().cloned())
                .chain(std::iter::once(t.id.replace('-', " ")))
                .collect()
        };
        for term in taxonomy.sectors.terms() {
            let target = match PHASE_AGES.iter().find(|(id, _)| *id == term.id) {
                Some(&(_, ages)) => Target::Phase {
                    id: term.id.clone(),
                    label: term.label.clone(),
                    ages,
                },
                None => Target::Facet {
                    facet: Facet::Sector,
                    id: term.id.clone(),
                    label: term.label.clone(),
                },
            };
            lexicon.add_filter_names(&names(term), &target);
        }
        for term in taxonomy.abilities.terms() {
            if term.depth == 0 {
                let target = Target::Facet {
                    facet: Facet::Ability,
                    id: term.id.clone(),
                    label: term.label.clone(),
                };
                lexicon.add_filter_names(&names(term), &target);
            } else {
                lexicon.add_concept(Facet::Ability, &term.id, names(term));
            }
        }
        for term in taxonomy.areas.terms() {
            if term.depth > 0 {
                let target = Target::Facet {
                    facet: Facet::Area,
                    id: term.id.clone(),
                    label: term.label.clone(),
                };
                lexicon.add_filter_names(&names(term), &target);
            }
        }
        for term in taxonomy.topics.terms() {
            lexicon.add_concept(Facet::Topic, &term.id, names(term));
        }
        for term in taxonomy.formats.terms() {
            lexicon.add_concept(Facet::Format, &term.id, names(term));
        }
        for term in taxonomy.audiences.terms() {
            lexicon.add_concept(Facet::Audience, &term.id, names(term));
        }
        for (kind, extra) in KIND_NAMES {
            let names = std::iter::once(kind.label().to_string())
                .chain(extra.iter().map(|s| s.to_string()))
                .collect();
            lexicon.add_concept(Facet::Kind, kind.id(), names);
        }
        // Longest names first, so "primary school" wins over "primary".
        lexicon
            .filters
            .sort_by_key(|f| std::cmp::Reverse(f.words.len()));
        lexicon
            .concepts
            .sort_by_key(|c| std::cmp::Reverse(c.words.len()));

        let vocabulary_names: Vec<String> = crate::taxonomy::VocabularyName::ALL
            .iter()
            .flat_map(|&v| taxonomy.vocabulary(v).terms().iter())
            .flat_map(|t| std::iter::once(t.label.clone()).chain(t.aliases.iter().cloned()))
            .collect();
        for entry in library.entries() {
            for text in [&entry.title, &entry.summary, &entry.body_text] {
                lexicon.count_words(text);
            }
        }
        for name in &vocabulary_names {
            for token in tokenize(name) {
                lexicon.words.entry(token.text).or_insert(1);
            }
        }
        lexicon.index_forms();
        lexicon
    }

    /// Counts the words of a text as [`tokenize`] splits and lowercases
    /// them, without its per-token allocations: this runs over every body
    /// in the bank.
    fn count_words(&mut self, text: &str) {
        let mut lower = String::new();
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            if word.is_empty() {
                continue;
            }
            lower.clear();
            lower.extend(word.chars().flat_map(char::to_lowercase));
            if !is_acronym(word) && !self.ordinary.contains(&lower) {
                self.ordinary.insert(lower.clone());
            }
            match self.words.get_mut(&lower) {
                Some(count) => *count += 1,
                None => {
                    self.words.insert(lower.clone(), 1);
                }
            }
        }
    }

    /// Groups the bank's words by stem and sorts them for prefixes.
    fn index_forms(&mut self) {
        let mut analyzer = self.analyzer.clone();
        let mut forms: HashMap<String, Vec<String>> = HashMap::new();
        for word in self.words.keys() {
            let mut stream = analyzer.token_stream(word);
            if stream.advance() {
                let stem = stream.token().text.clone();
                forms.entry(stem).or_default().push(word.clone());
            }
        }
        for words in forms.values_mut() {
            words.sort_by(|a, b| self.words[b].cmp(&self.words[a]).then_with(|| a.cmp(b)));
        }
        self.forms = forms;
        self.sorted = self.words.keys().cloned().collect();
        self.sorted.sort_unstable();
        self.spellings = self
            .sorted
            .iter()
            .map(|w| Spelling::new(w, self.words[w]))
            .collect();
    }

    /// The bank's words with this stem, most frequent first.
    pub(crate) fn forms_of(&self, stem: &str) -> impl Iterator<Item = &str> {
        self.forms
            .get(stem)
            .into_iter()
            .flatten()
            .map(String::as_str)
    }

    /// Up to `limit` of the bank's words that begin with `prefix`, the most
    /// frequent first.
    pub(crate) fn words_starting_with(&self, prefix: &str, limit: usize) -> Vec<&str> {
        let from = self.sorted.partition_point(|w| w.as_str() < prefix);
        let mut words: Vec<&str> = self.sorted[from..]
            .iter()
            .take_while(|w| w.starts_with(prefix))
            .map(String::as_str)
            .collect();
        words.sort_by_key(|w| std::cmp::Reverse(self.words[*w]));
        words.truncate(limit);
        words
    }

    fn add_filter_names(&mut self, names: &[String], target: &Target) {
        for name in names {
            let words = words_of(name);
            if words.is_empty() || self.filters.iter().any(|f| f.words == words) {
                continue;
            }
            self.filters.push(Name {
                words,
                acronym: is_acronym(name),
                target: target.clone(),
            });
        }
    }

    fn add_concept(&mut self, facet: Facet, id: &str, names: Vec<String>) {
        for name in &names {
            let words = self.stems(name);
            if words.is_empty() {
                continue;
            }
            self.concepts.push(Name {
                words,
                acronym: is_acronym(name),
                target: (facet, id.to_string()),
            });
        }
        self.concept_names
            .entry((facet, id.to_string()))
            .or_default()
            .extend(names);
    }

    /// The stems of a text, as the index's analyzer makes them.
    pub(crate) fn stems(&self, text: &str) -> Vec<String> {
        let mut analyzer = self.analyzer.clone();
        let mut stream = analyzer.token_stream(text);
        let mut stems = Vec::new();
        while stream.advance() {
            stems.push(stream.token().text.clone());
        }
        stems
    }

    /// Whether an acronym name may match this token.
    fn acronym_ok(&self, acronym: bool, token: &Token) -> bool {
        !acronym || token.upper || !self.ordinary.contains(&token.text)
    }

    /// The bank uses this word (lowercased).
    pub(crate) fn knows(&self, word: &str) -> bool {
        self.words.contains_key(word)
    }

    /// The closest word the bank uses to a word it does not: edit distance
    /// 1 for words of 5 to 8 letters, 2 for 9 or more; the most frequent
    /// wins among the closest.
    pub(crate) fn correct(&self, word: &str) -> Option<&str> {
        let len = word.chars().count();
        let max = match len {
            0..5 => return None,
            5..9 => 1,
            _ => 2,
        };
        if !word.chars().all(char::is_alphabetic) || self.knows(word) {
            return None;
        }
        let typed = Spelling::new(word, 0);
        let mut best: Option<(usize, u32, &str)> = None;
        for candidate in &self.spellings {
            if !candidate.may_be_within(&typed, max) {
                continue;
            }
            let distance = strsim::osa_distance(word, &candidate.word);
            if distance == 0 || distance > max {
                continue;
            }
            let key = (
                distance,
                std::cmp::Reverse(candidate.count),
                candidate.word.as_str(),
            );
            if best.is_none_or(|(d, c, w)| key < (d, std::cmp::Reverse(c), w)) {
                best = Some((distance, candidate.count, &candidate.word));
            }
        }
        best.map(|(_, _, w)| w)
    }
}

/// A word of the bank as spelling correction sees it.
#[derive(Debug)]
struct Spelling {
    word: String,
    count: u32,
    chars: usize,
    /// Which of the letters a-z the word holds, one bit each.
    letters: u32,
}

impl Spelling {
    fn new(word: &str, count: u32) -> Spelling {
        let letters = word
            .chars()
            .filter(char::is_ascii_lowercase)
            .fold(0, |bits, c| bits | 1 << (c as u32 - 'a' as u32));
        Spelling {
            word: word.to_string(),
            count,
            chars: word.chars().count(),
            letters,
        }
    }

    /// False when the two cannot be within `max` edits: each edit changes
    /// the length by at most one and the set of letters by at most two.
    fn may_be_within(&self, other: &Spelling, max: usize) -> bool {
        self.chars.abs_diff(other.chars) <= max
            && (self.letters ^ other.letters).count_ones() as usize <= 2 * max
    }
}

/// The filters read from a query and what is left to search.
#[derive(Debug, Clone, Default)]
pub struct Interpretation {
    pub filters: Vec<Interpreted>,
    pub(crate) applies: Vec<Apply>,
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
            Apply::Facet(..) => true,
        }
    }
}

fn number(token: &Token) -> Option<u32> {
    if token.text.len() > 4 || !token.text.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    token.text.parse().ok()
}

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
        })
    };
    let first = &t[0];
    match first.text.as_str() {
        "reception" => return year(1, 0),
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
    })
}

/// Reads the filters in a query, leaving out those the request sets itself.
pub fn interpret(q: &str, request: &SearchRequest, lexicon: &Lexicon) -> Interpretation {
    let tokens = tokenize(q);
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
        match read {
            Some(read) if explicit.allows(&read.apply) => {
                let len = read.len;
                reads.push((i, read));
                i += len;
            }
            _ => i += 1,
        }
    }
    let spans: Vec<(usize, usize)> = reads
        .iter()
        .map(|(at, read)| (tokens[*at].start, tokens[at + read.len - 1].end))
        .collect();
    let filters = reads
        .iter()
        .zip(&spans)
        .map(|((_, read), &(start, end))| Interpreted {
            param: read.param.to_string(),
            value: read.value.clone(),
            label: read.label.clone(),
            text: q[start..end].to_string(),
            without: remove_spans(q, &[(start, end)]),
        })
        .collect();
    Interpretation {
        filters,
        applies: reads.into_iter().map(|(_, r)| r.apply).collect(),
        text: remove_spans(q, &spans),
    }
}

/// Reads a sector, ability or area name at the start of `t`.
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
        },
        Target::Facet { facet, id, label } => Read {
            len,
            param: facet.param(),
            value: id.clone(),
            label: label.clone(),
            apply: Apply::Facet(*facet, id.clone()),
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

/// The taxonomy terms and kinds a text names, longest names first.
pub(crate) fn concepts(text: &str, lexicon: &Lexicon) -> Vec<Concept> {
    let tokens: Vec<Token> = tokenize(text).into_iter().filter(|t| !t.quoted).collect();
    let stems: Vec<Vec<String>> = tokens.iter().map(|t| lexicon.stems(&t.text)).collect();
    let mut found: Vec<Concept> = Vec::new();
    // The length of the name that took each token: a longer name hides the
    // shorter ones inside it, names of the same words all count.
    let mut used = vec![0; tokens.len()];
    for name in &lexicon.concepts {
        let n = name.words.len();
        if n > tokens.len() {
            continue;
        }
        for i in 0..=tokens.len() - n {
            if used[i..i + n].iter().any(|&u| u > n) {
                continue;
            }
            let matches = name
                .words
                .iter()
                .zip(&stems[i..i + n])
                .all(|(w, s)| s.len() == 1 && s[0] == *w);
            if !matches || (n == 1 && !lexicon.acronym_ok(name.acronym, &tokens[i])) {
                continue;
            }
            used[i..i + n].iter_mut().for_each(|u| *u = n);
            let (facet, value) = &name.target;
            if found.iter().any(|c| c.facet == *facet && c.value == *value) {
                continue;
            }
            found.push(Concept {
                facet: *facet,
                value: value.clone(),
                names: lexicon
                    .concept_names
                    .get(&name.target)
                    .cloned()
                    .unwrap_or_default(),
                from: (i, i + n),
            });
        }
    }
    found.sort_by_key(|c| c.from);
    found
}

/// Rewrites the words the bank does not know to the nearest it does.
/// Returns the corrected text, or `None` when nothing changed.
pub(crate) fn correct(text: &str, lexicon: &Lexicon) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut changed = false;
    for token in tokenize(text) {
        if token.quoted {
            continue;
        }
        if let Some(fix) = lexicon.correct(&token.text) {
            out.push_str(&text[at..token.start]);
            out.push_str(fix);
            at = token.end;
            changed = true;
        }
    }
    out.push_str(&text[at..]);
    changed.then_some(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn the_spelling_prefilter_keeps_every_word_within_reach() {
        let pairs = [
            ("relationshps", "relationships", 1),
            ("consnet", "consent", 1),
            ("harrassment", "harassment", 1),
            ("safegaurding", "safeguarding", 2),
            ("upskirtng", "upskirting", 1),
        ];
        for (typed, word, max) in pairs {
            assert!(strsim::osa_distance(typed, word) <= max, "{typed} {word}");
            assert!(
                Spelling::new(word, 1).may_be_within(&Spelling::new(typed, 0), max),
                "{typed} → {word}"
            );
        }
        // Far apart in letters: skipped without an edit distance.
        assert!(
            !Spelling::new("pornography", 1).may_be_within(&Spelling::new("relationshps", 0), 2)
        );
    }

    #[test]
    fn stopwords_are_dropped_unless_quoted_or_all_there_is() {
        assert_eq!(
            without_stopwords("HSB training for governors"),
            "HSB training     governors"
        );
        assert_eq!(
            without_stopwords("\"age of consent\" for pupils"),
            "\"age of consent\"     pupils"
        );
        assert_eq!(without_stopwords("to be or"), "to be or");
        assert_eq!(without_stopwords("upskirting"), "upskirting");
        // A typed question keeps only what it is about, and "who", which
        // names a topic ("children who harm").
        assert_eq!(
            without_stopwords("what should I do about nudes")
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["nudes"]
        );
        assert_eq!(
            without_stopwords("children who harm")
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["children", "who", "harm"]
        );
    }
    use crate::taxonomy::Taxonomy;
    use std::path::Path;

    pub(crate) const TAXONOMY: &str = "\
topics:
  - id: harmful-sexual-behaviour
    label: Harmful sexual behaviour
    aliases: [HSB, child-on-child abuse, peer-on-peer abuse]
  - id: online-safety
    label: Online safety
    aliases: [e-safety]
    children:
      - id: sharing-nudes
        label: Sharing nudes and semi-nudes
        aliases: [sexting, nudes]
  - id: relationships-and-sex-education
    label: Relationships and sex education
    aliases: [RSE, RSHE, PSHE]
  - id: consent
    label: Consent
sectors:
  - id: early-years
    label: Early years
    aliases: [EYFS, nursery]
  - id: primary
    label: Primary
    aliases: [primary school]
  - id: secondary
    label: Secondary
    aliases: [secondary school, high school]
  - id: post-16
    label: Post-16
    aliases: [sixth form, FE, college, 6th form]
  - id: special
    label: Special schools
    aliases: [special school]
abilities:
  - id: send
    label: Adapted for SEND
    aliases: [SEND, SEN]
    children:
      - id: communication-interaction
        label: Communication and interaction
        aliases: [autism, autistic]
audiences:
  - id: governors
    label: Governors and trustees
    aliases: [governor]
areas:
  - id: national
    label: National
    aliases: [UK, England]
    children:
      - id: staffordshire
        label: Staffordshire
        aliases: [Staffs]
        children:
          - id: tamworth
            label: Tamworth
          - id: newcastle-under-lyme
            label: Newcastle-under-Lyme
            aliases: [Newcastle]
      - id: stoke-on-trent
        label: Stoke-on-Trent
        aliases: [Stoke]
formats:
  - id: lesson-plan
    label: Lesson plans
    aliases: [lesson, lessons]
  - id: helpline
    label: Helpline
";

    pub(crate) fn lexicon_with(bodies: &[&str]) -> Lexicon {
        let taxonomy = Taxonomy::parse(Path::new("taxonomy.yaml"), TAXONOMY).unwrap();
        let library = Library::from_entries(taxonomy, Vec::new(), String::new());
        let analyzer = tantivy::tokenizer::TokenizerManager::default()
            .get(crate::index::schema::TOKENIZER)
            .unwrap();
        let mut lexicon = Lexicon::new(&library, analyzer);
        for body in bodies {
            lexicon.count_words(body);
        }
        lexicon
    }

    fn lexicon() -> Lexicon {
        lexicon_with(&[
            "Think before you send: lessons on relationships and sharing images. \
             Statutory guidance from the year 2000 under section 175.",
        ])
    }

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
    fn several_filters_and_their_remove_links() {
        let i = read("KS3 sexting tamworth");
        assert_eq!(i.filters.len(), 2);
        assert_eq!(i.filters[0].without, "sexting tamworth");
        assert_eq!(i.filters[1].without, "KS3 sexting");
        assert_eq!(i.text, "sexting");
    }

    fn concept_ids(q: &str) -> Vec<(Facet, String)> {
        concepts(q, &lexicon())
            .into_iter()
            .map(|c| (c.facet, c.value))
            .collect()
    }

    #[test]
    fn concepts_from_labels_and_aliases() {
        assert_eq!(
            concept_ids("sexting"),
            [(Facet::Topic, "sharing-nudes".into())]
        );
        assert_eq!(
            concept_ids("sharing nudes"),
            [(Facet::Topic, "sharing-nudes".into())]
        );
        assert_eq!(
            concept_ids("hsb training governors"),
            [
                (Facet::Topic, "harmful-sexual-behaviour".into()),
                (Facet::Kind, "training".into()),
                (Facet::Audience, "governors".into()),
            ]
        );
        assert_eq!(
            concept_ids("child on child abuse"),
            concept_ids("peer-on-peer abuse")
        );
        assert_eq!(concept_ids("RSHE"), concept_ids("pshe"));
        assert_eq!(
            concept_ids("autism lessons"),
            [
                (Facet::Ability, "communication-interaction".into()),
                (Facet::Format, "lesson-plan".into()),
            ]
        );
        assert_eq!(
            concept_ids("case studies"),
            [(Facet::Kind, "case-study".into())]
        );
        let sexting = &concepts("sexting", &lexicon())[0];
        assert!(
            sexting
                .names
                .contains(&"Sharing nudes and semi-nudes".to_string())
        );
    }

    #[test]
    fn spelling_uses_the_banks_words() {
        let lexicon = lexicon();
        assert_eq!(lexicon.correct("relationshps"), Some("relationships"));
        assert_eq!(lexicon.correct("relationships"), None);
        // Under five letters is never corrected.
        assert_eq!(lexicon.correct("sned"), None);
        // Distance 2 needs nine letters or more.
        assert_eq!(lexicon.correct("lesxxns"), None);
        assert_eq!(lexicon.correct("lesosns"), Some("lessons"));
        assert_eq!(lexicon.correct("relatinshps"), Some("relationships"));
        assert_eq!(
            correct("relationshps ks2", &lexicon).as_deref(),
            Some("relationships ks2")
        );
        assert_eq!(correct("\"relationshps\"", &lexicon), None);
    }
}
