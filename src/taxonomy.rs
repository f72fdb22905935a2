//! The controlled vocabularies of `content/taxonomy.yaml`: topics, sectors,
//! abilities, audiences, areas and formats, plus the two fixed ones (kinds and
//! costs) and the key stages derived from ages.
//!
//! A [`Vocabulary`] is a flattened tree: every term knows its parent, so a
//! filter on a term can include the terms below it (topics, abilities) or,
//! for areas, the ones above it too.
//!
//! Domain facts live here with the words, not in the code that uses them:
//! - a topic may be `sensitive: true`: its entries' pages (and those of the
//!   topics below it) show "Exit this page";
//! - a sector may carry `ages: "4-11"`: a query naming it reads as that
//!   phase (the sector, or entries with no sectors for those ages). The
//!   SPEC's four phases have [`DEFAULT_PHASE_AGES`];
//! - an optional `kinds:` section gives the five fixed kinds of entry their
//!   search names (`{id, aliases}`); a kind it leaves out keeps
//!   [`DEFAULT_KIND_ALIASES`].

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize, Serializer};

use crate::diagnostic::{ContentError, LineIndex};

/// The vocabularies a taxonomy file must define, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VocabularyName {
    Topics,
    Sectors,
    Abilities,
    Audiences,
    Areas,
    Formats,
}

impl VocabularyName {
    pub const ALL: [VocabularyName; 6] = [
        Self::Topics,
        Self::Sectors,
        Self::Abilities,
        Self::Audiences,
        Self::Areas,
        Self::Formats,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Topics => "topics",
            Self::Sectors => "sectors",
            Self::Abilities => "abilities",
            Self::Audiences => "audiences",
            Self::Areas => "areas",
            Self::Formats => "formats",
        }
    }
}

impl fmt::Display for VocabularyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One term of a vocabulary, with its place in the hierarchy.
#[derive(Debug, Clone, Serialize)]
pub struct Term {
    pub id: String,
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Index of the parent term in the same vocabulary.
    #[serde(skip)]
    pub parent: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    pub depth: usize,
    /// Topics: pages of entries on this topic (or a topic below it) show
    /// "Exit this page".
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub sensitive: bool,
    /// Sectors: the half-open ages a phase stands for when a query names it.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_ages"
    )]
    pub ages: Option<(u8, u8)>,
}

fn serialize_ages<S: serde::Serializer>(ages: &Option<(u8, u8)>, s: S) -> Result<S::Ok, S::Error> {
    match ages {
        Some((min, end)) => s.collect_str(&format_args!("{min}-{end}")),
        None => s.serialize_none(),
    }
}

/// A flattened term tree, in file order (parents before their children).
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct Vocabulary {
    terms: Vec<Term>,
    #[serde(skip)]
    by_id: HashMap<String, usize>,
}

impl Vocabulary {
    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    pub fn position(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    pub fn get(&self, id: &str) -> Option<&Term> {
        self.position(id).map(|i| &self.terms[i])
    }

    pub fn label<'a>(&'a self, id: &'a str) -> &'a str {
        self.get(id).map_or(id, |t| t.label.as_str())
    }

    /// The term and every term above it, nearest first.
    pub fn ancestors_and_self(&self, pos: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(Some(pos), |&p| self.terms[p].parent)
    }

    /// Whether `pos` is `ancestor` or lies below it.
    pub fn is_within(&self, pos: usize, ancestor: usize) -> bool {
        self.ancestors_and_self(pos).any(|p| p == ancestor)
    }

    /// Whether the term or one above it is flagged `sensitive`.
    pub fn is_sensitive(&self, id: &str) -> bool {
        self.position(id).is_some_and(|pos| {
            self.ancestors_and_self(pos)
                .any(|p| self.terms[p].sensitive)
        })
    }

    /// The ids from the root down to `pos`, for hierarchical facet paths.
    pub fn path(&self, pos: usize) -> Vec<&str> {
        let mut path: Vec<&str> = self
            .ancestors_and_self(pos)
            .map(|p| self.terms[p].id.as_str())
            .collect();
        path.reverse();
        path
    }

    /// The nearest id to a mistyped one, matching labels and aliases too.
    pub fn suggest(&self, wrong: &str) -> Option<&str> {
        suggest(
            wrong,
            self.terms
                .iter()
                .flat_map(|t| t.names())
                .map(|(name, t)| (name, t.id.as_str())),
        )
    }

    fn insert(&mut self, term: Term) -> Result<usize, String> {
        if self.by_id.contains_key(&term.id) {
            return Err(term.id);
        }
        let pos = self.terms.len();
        self.by_id.insert(term.id.clone(), pos);
        self.terms.push(term);
        Ok(pos)
    }
}

impl Term {
    /// The id, label and aliases: every name a person might use for the term.
    pub fn names(&self) -> impl Iterator<Item = (&str, &Term)> {
        std::iter::once(self.id.as_str())
            .chain(std::iter::once(self.label.as_str()))
            .chain(self.aliases.iter().map(String::as_str))
            .map(move |name| (name, self))
    }
}

/// Picks the closest candidate to `wrong`: an exact match on a name ignoring
/// case, else the smallest normalised edit distance under a threshold.
pub fn suggest<'a>(
    wrong: &str,
    candidates: impl Iterator<Item = (&'a str, &'a str)>,
) -> Option<&'a str> {
    let wrong = wrong.trim().to_lowercase();
    let wrong_chars = wrong.chars().count();
    let mut best: Option<(f64, &str)> = None;
    for (name, id) in candidates {
        let name = name.to_lowercase();
        if name == wrong {
            return Some(id);
        }
        // The edit distance is at least the difference in length: a name
        // whose length alone keeps it under the threshold, or under the
        // best so far, is not worth the distance (which costs microseconds
        // a pair, and a bank can offer thousands of candidates).
        let name_chars = name.chars().count();
        let longest = wrong_chars.max(name_chars) as f64;
        let at_most = 1.0 - wrong_chars.abs_diff(name_chars) as f64 / longest;
        if at_most < 0.6 || best.is_some_and(|(s, _)| at_most <= s) {
            continue;
        }
        let score = strsim::normalized_damerau_levenshtein(&wrong, &name);
        if score >= 0.6 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, id));
        }
    }
    best.map(|(_, id)| id)
}

/// All vocabularies of a bank.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Taxonomy {
    pub topics: Vocabulary,
    pub sectors: Vocabulary,
    pub abilities: Vocabulary,
    pub audiences: Vocabulary,
    pub areas: Vocabulary,
    pub formats: Vocabulary,
    /// The search names of the five kinds of entry, in [`Kind::ALL`] order.
    pub kinds: Vec<KindNames>,
}

/// A kind of entry with the names a query may use for it beyond its label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindNames {
    pub kind: Kind,
    pub aliases: Vec<String>,
}

impl Serialize for KindNames {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("KindNames", 3)?;
        st.serialize_field("id", self.kind.id())?;
        st.serialize_field("label", self.kind.label())?;
        st.serialize_field("aliases", &self.aliases)?;
        st.end()
    }
}

/// The ages of the SPEC's phases, for a taxonomy whose sectors do not give
/// their own `ages`: early years 0-5, primary 4-11, secondary 11-16,
/// post-16 16-19 (half-open). Other sectors (special schools, alternative
/// provision) are not phases: a query naming them reads as the sector.
pub const DEFAULT_PHASE_AGES: [(&str, (u8, u8)); 4] = [
    ("early-years", (0, 5)),
    ("primary", (4, 11)),
    ("secondary", (11, 16)),
    ("post-16", (16, 19)),
];

/// The names a query may use for each kind of entry beyond its label, for
/// a taxonomy without a `kinds:` section (or one that leaves a kind out).
pub const DEFAULT_KIND_ALIASES: [(Kind, &[&str]); 5] = [
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

/// The key of the optional section naming the kinds of entry.
const KINDS_KEY: &str = "kinds";

impl Taxonomy {
    pub fn vocabulary(&self, name: VocabularyName) -> &Vocabulary {
        match name {
            VocabularyName::Topics => &self.topics,
            VocabularyName::Sectors => &self.sectors,
            VocabularyName::Abilities => &self.abilities,
            VocabularyName::Audiences => &self.audiences,
            VocabularyName::Areas => &self.areas,
            VocabularyName::Formats => &self.formats,
        }
    }

    fn vocabulary_mut(&mut self, name: VocabularyName) -> &mut Vocabulary {
        match name {
            VocabularyName::Topics => &mut self.topics,
            VocabularyName::Sectors => &mut self.sectors,
            VocabularyName::Abilities => &mut self.abilities,
            VocabularyName::Audiences => &mut self.audiences,
            VocabularyName::Areas => &mut self.areas,
            VocabularyName::Formats => &mut self.formats,
        }
    }

    /// The search names of a kind (beyond its label).
    pub fn kind_aliases(&self, kind: Kind) -> &[String] {
        self.kinds
            .iter()
            .find(|k| k.kind == kind)
            .map_or(&[], |k| k.aliases.as_slice())
    }

    /// Parses `taxonomy.yaml`. Every problem is reported with its position.
    pub fn parse(path: &Path, text: &str) -> Result<Taxonomy, Vec<ContentError>> {
        let lines = LineIndex::new(text);
        let yaml_error = |e: serde_yaml::Error| vec![ContentError::from_yaml(path, &e, 0)];
        let keys: HashMap<String, serde::de::IgnoredAny> =
            serde_yaml::from_str(text).map_err(yaml_error)?;
        let raw: RawTaxonomy = serde_yaml::from_str(text).map_err(yaml_error)?;
        let mut builder = Builder {
            path,
            lines: &lines,
            errors: Vec::new(),
            cursor: 0,
        };
        let known = || {
            VocabularyName::ALL
                .iter()
                .map(|v| v.as_str())
                .chain(std::iter::once(KINDS_KEY))
        };
        for key in keys.keys() {
            if !known().any(|k| k == key) {
                let (line, column) = lines.find_key(key, 0).unwrap_or((1, 1));
                builder.errors.push(
                    ContentError::new(path, line, column, format!("unknown vocabulary `{key}`"))
                        .with_suggestion(suggest(key, known().map(|k| (k, k)))),
                );
            }
        }
        let mut taxonomy = Taxonomy::default();
        for name in VocabularyName::ALL {
            let Some(terms) = raw.vocabulary(name) else {
                builder.errors.push(ContentError::new(
                    path,
                    1,
                    1,
                    format!("missing vocabulary `{name}`"),
                ));
                continue;
            };
            builder.cursor = lines.find_key(name.as_str(), 0).map_or(0, |(line, _)| line);
            let vocabulary = taxonomy.vocabulary_mut(name);
            for term in terms {
                builder.add_term(name, vocabulary, term, None, 0);
            }
        }
        for term in &mut taxonomy.sectors.terms {
            if term.ages.is_none() {
                term.ages = DEFAULT_PHASE_AGES
                    .iter()
                    .find(|(id, _)| *id == term.id)
                    .map(|&(_, ages)| ages);
            }
        }
        taxonomy.kinds = builder.kinds(raw.kinds.as_deref().unwrap_or_default());
        if builder.errors.is_empty() {
            Ok(taxonomy)
        } else {
            Err(builder.errors)
        }
    }
}

/// The file as written; keys other than these are reported, not parsed.
#[derive(Deserialize)]
struct RawTaxonomy {
    topics: Option<Vec<RawTerm>>,
    sectors: Option<Vec<RawTerm>>,
    abilities: Option<Vec<RawTerm>>,
    audiences: Option<Vec<RawTerm>>,
    areas: Option<Vec<RawTerm>>,
    formats: Option<Vec<RawTerm>>,
    kinds: Option<Vec<RawKind>>,
}

impl RawTaxonomy {
    fn vocabulary(&self, name: VocabularyName) -> Option<&[RawTerm]> {
        match name {
            VocabularyName::Topics => self.topics.as_deref(),
            VocabularyName::Sectors => self.sectors.as_deref(),
            VocabularyName::Abilities => self.abilities.as_deref(),
            VocabularyName::Audiences => self.audiences.as_deref(),
            VocabularyName::Areas => self.areas.as_deref(),
            VocabularyName::Formats => self.formats.as_deref(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTerm {
    id: String,
    label: String,
    description: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    sensitive: bool,
    ages: Option<String>,
    #[serde(default)]
    children: Vec<RawTerm>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKind {
    id: String,
    #[serde(default)]
    aliases: Vec<String>,
}

/// Turns raw terms into vocabularies, collecting every problem with where
/// it is in the file.
struct Builder<'a> {
    path: &'a Path,
    lines: &'a LineIndex<'a>,
    errors: Vec<ContentError>,
    /// The line after the last term or kind found.
    cursor: usize,
}

impl Builder<'_> {
    /// Where the next term's `id: …` is: terms are read in file order, so
    /// each is looked for after the one before (a duplicate id is found at
    /// its second occurrence, not its first).
    fn next_id(&mut self, id: &str) -> Option<(usize, usize)> {
        let at = self.lines.find_key_value("id", id, self.cursor);
        if let Some((line, _)) = at {
            self.cursor = line + 1;
        }
        at
    }

    /// An error at `key` of the term whose id is at `at`, or at the id
    /// when the key is not on a line of its own.
    fn term_error(&mut self, at: Option<(usize, usize)>, key: &str, message: String) {
        let (line, column) = at
            .and_then(|(line, _)| self.lines.find_key(key, line))
            .or(at)
            .unwrap_or((1, 1));
        self.errors
            .push(ContentError::new(self.path, line, column, message));
    }

    fn add_term(
        &mut self,
        vocabulary_name: VocabularyName,
        vocabulary: &mut Vocabulary,
        raw: &RawTerm,
        parent: Option<usize>,
        depth: usize,
    ) {
        let at = self.next_id(&raw.id);
        if raw.sensitive && vocabulary_name != VocabularyName::Topics {
            self.term_error(
                at,
                "sensitive",
                format!(
                    "`sensitive` is only read on topics (a {vocabulary_name} term has no entry page of its own to protect)"
                ),
            );
        }
        let ages = raw.ages.as_deref().and_then(|ages| {
            let parsed = if vocabulary_name == VocabularyName::Sectors {
                parse_phase_ages(ages)
            } else {
                Err(format!(
                    "`ages` is only read on sectors (the ages a phase stands for), not on {vocabulary_name}"
                ))
            };
            parsed
                .map_err(|message| self.term_error(at, "ages", message))
                .ok()
        });
        let term = Term {
            id: raw.id.clone(),
            label: raw.label.clone(),
            description: raw.description.clone(),
            aliases: raw.aliases.clone(),
            parent,
            parent_id: parent.map(|p| vocabulary.terms[p].id.clone()),
            depth,
            sensitive: raw.sensitive,
            ages,
        };
        match vocabulary.insert(term) {
            Ok(pos) => {
                for child in &raw.children {
                    self.add_term(vocabulary_name, vocabulary, child, Some(pos), depth + 1);
                }
            }
            Err(id) => {
                let (line, column) = at.unwrap_or((1, 1));
                self.errors.push(ContentError::new(
                    self.path,
                    line,
                    column,
                    format!("duplicate {vocabulary_name} id `{id}`"),
                ));
            }
        }
    }

    /// The five kinds with their names: as the file gives them, else the
    /// defaults.
    fn kinds(&mut self, raw: &[RawKind]) -> Vec<KindNames> {
        self.cursor = self
            .lines
            .find_key(KINDS_KEY, 0)
            .map_or(0, |(line, _)| line);
        let mut given: HashMap<Kind, &RawKind> = HashMap::new();
        for kind in raw {
            let at = self.next_id(&kind.id).unwrap_or((1, 1));
            match Kind::from_id(&kind.id) {
                Some(k) if given.contains_key(&k) => self.errors.push(ContentError::new(
                    self.path,
                    at.0,
                    at.1,
                    format!("duplicate kind `{}`", kind.id),
                )),
                Some(k) => {
                    given.insert(k, kind);
                }
                None => self.errors.push(
                    ContentError::new(
                        self.path,
                        at.0,
                        at.1,
                        format!(
                            "unknown kind `{}`: the kinds are {}",
                            kind.id,
                            Kind::ALL.map(Kind::id).join(", ")
                        ),
                    )
                    .with_suggestion(suggest(
                        &kind.id,
                        Kind::ALL.iter().map(|k| (k.id(), k.id())),
                    )),
                ),
            }
        }
        Kind::ALL
            .into_iter()
            .map(|kind| KindNames {
                kind,
                aliases: match given.get(&kind) {
                    Some(raw) => raw.aliases.clone(),
                    None => DEFAULT_KIND_ALIASES
                        .iter()
                        .find(|(k, _)| *k == kind)
                        .map(|(_, names)| names.iter().map(|n| n.to_string()).collect())
                        .unwrap_or_default(),
                },
            })
            .collect()
    }
}

/// A phase's ages, `"4-11"`: half-open like an entry's ages, and closed (a
/// phase has an upper end).
fn parse_phase_ages(text: &str) -> Result<(u8, u8), String> {
    let hint = || {
        format!(
            "`{text}` is not a phase's ages: write \"4-11\" (half-open like an entry's ages: 4 to 10)"
        )
    };
    let (min, end) = text.trim().split_once('-').ok_or_else(hint)?;
    let number = |t: &str| t.trim().parse::<u8>().map_err(|_| hint());
    let (min, end) = (number(min)?, number(end)?);
    if end <= min {
        return Err(format!(
            "the upper age must be greater than the lower (\"{text}\" is empty: ranges are half-open)"
        ));
    }
    Ok((min, end))
}

/// The five kinds of entry, one folder each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Organisation,
    Training,
    Resource,
    Guidance,
    CaseStudy,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Organisation,
        Kind::Training,
        Kind::Resource,
        Kind::Guidance,
        Kind::CaseStudy,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Kind::Organisation => "organisation",
            Kind::Training => "training",
            Kind::Resource => "resource",
            Kind::Guidance => "guidance",
            Kind::CaseStudy => "case-study",
        }
    }

    pub fn folder(self) -> &'static str {
        match self {
            Kind::Organisation => "organisations",
            Kind::Training => "training",
            Kind::Resource => "resources",
            Kind::Guidance => "guidance",
            Kind::CaseStudy => "case-studies",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Organisation => "Support organisation",
            Kind::Training => "Training",
            Kind::Resource => "Teaching resource",
            Kind::Guidance => "Guidance",
            Kind::CaseStudy => "Case study",
        }
    }

    pub fn from_id(id: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.id() == id)
    }
}

impl Serialize for Kind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let id = String::deserialize(d)?;
        Kind::from_id(&id).ok_or_else(|| serde::de::Error::custom(format!("unknown kind `{id}`")))
    }
}

/// Who pays: a fixed vocabulary, not in the taxonomy file.
pub const COSTS: [(&str, &str); 3] = [
    ("free", "Free"),
    ("free-to-schools", "Free to schools"),
    ("paid", "Paid"),
];

/// The label of a cost id (the id itself when unknown).
pub fn cost_label(id: &str) -> &str {
    COSTS
        .iter()
        .find(|(c, _)| *c == id)
        .map_or(id, |(_, label)| label)
}

/// A term of a vocabulary fixed in code rather than read from
/// `taxonomy.yaml`, so every bank has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FixedTerm {
    pub id: &'static str,
    pub label: &'static str,
    /// Other names people use for it: in search, read as this filter.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub aliases: &'static [&'static str],
}

impl FixedTerm {
    /// The label and aliases: every name a person might use for the term.
    pub fn names(&self) -> impl Iterator<Item = &'static str> {
        std::iter::once(self.label).chain(self.aliases.iter().copied())
    }
}

/// What the school did: the four routes of Keeping Children Safe in
/// Education, Part five. Fixed by the SPEC, like costs, so a bank whose
/// taxonomy predates them still loads.
pub const RESPONSES: [FixedTerm; 4] = [
    FixedTerm {
        id: "managed-internally",
        label: "Managed internally",
        aliases: &[
            "handled internally",
            "dealt with internally",
            "managed in school",
            "handled in school",
        ],
    },
    FixedTerm {
        id: "early-help",
        label: "Early help",
        aliases: &["early help referral", "referred to early help"],
    },
    FixedTerm {
        id: "childrens-social-care",
        label: "Referral to children's social care",
        aliases: &[
            "children's social care",
            "referral to social care",
            "referred to social care",
            "referred to children's social care",
            "social care referral",
        ],
    },
    FixedTerm {
        id: "police",
        label: "Reported to the police",
        aliases: &[
            "reported to police",
            "report to the police",
            "report to police",
            "referred to the police",
            "referred to police",
            "police report",
            "police referral",
        ],
    },
];

/// A route of what the school did, by id.
pub fn response(id: &str) -> Option<&'static FixedTerm> {
    RESPONSES.iter().find(|t| t.id == id)
}

/// The nearest fixed term to a mistyped id, matching labels and aliases too.
pub fn suggest_fixed(wrong: &str, terms: &'static [FixedTerm]) -> Option<&'static str> {
    suggest(
        wrong,
        terms.iter().flat_map(|t| {
            std::iter::once(t.id)
                .chain(t.names())
                .map(move |n| (n, t.id))
        }),
    )
}

/// A key stage of the English school system, as a half-open age range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct KeyStage {
    pub id: &'static str,
    pub label: &'static str,
    pub ages: (u8, u8),
}

pub const KEY_STAGES: [KeyStage; 6] = [
    KeyStage {
        id: "eyfs",
        label: "Early years (ages 0-5)",
        ages: (0, 5),
    },
    KeyStage {
        id: "ks1",
        label: "Key stage 1 (ages 5-7)",
        ages: (5, 7),
    },
    KeyStage {
        id: "ks2",
        label: "Key stage 2 (ages 7-11)",
        ages: (7, 11),
    },
    KeyStage {
        id: "ks3",
        label: "Key stage 3 (ages 11-14)",
        ages: (11, 14),
    },
    KeyStage {
        id: "ks4",
        label: "Key stage 4 (ages 14-16)",
        ages: (14, 16),
    },
    KeyStage {
        id: "ks5",
        label: "Key stage 5 (ages 16-18)",
        ages: (16, 18),
    },
];

pub fn key_stage(id: &str) -> Option<&'static KeyStage> {
    KEY_STAGES.iter().find(|ks| ks.id.eq_ignore_ascii_case(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "\
topics:
  - id: online-safety
    label: Online safety
    aliases: [e-safety]
    children:
      - id: sharing-nudes
        label: Sharing nudes and semi-nudes
        aliases: [sexting]
sectors: []
abilities: []
audiences: []
areas:
  - id: national
    label: National
    children:
      - id: staffordshire
        label: Staffordshire
        children:
          - id: tamworth
            label: Tamworth
formats: []
";

    fn taxonomy() -> Taxonomy {
        Taxonomy::parse(Path::new("taxonomy.yaml"), YAML).unwrap()
    }

    #[test]
    fn hierarchy_is_flattened_with_parents() {
        let t = taxonomy();
        let tamworth = t.areas.position("tamworth").unwrap();
        assert_eq!(
            t.areas.path(tamworth),
            ["national", "staffordshire", "tamworth"]
        );
        assert!(
            t.areas
                .is_within(tamworth, t.areas.position("national").unwrap())
        );
        assert!(
            !t.areas
                .is_within(t.areas.position("national").unwrap(), tamworth)
        );
        assert_eq!(
            t.topics.get("sharing-nudes").unwrap().parent_id.as_deref(),
            Some("online-safety")
        );
    }

    #[test]
    fn suggestions_use_aliases_and_edit_distance() {
        let t = taxonomy();
        assert_eq!(t.topics.suggest("sexting"), Some("sharing-nudes"));
        assert_eq!(t.topics.suggest("online-safty"), Some("online-safety"));
        assert_eq!(t.topics.suggest("zzzz"), None);
    }

    /// Skipping names by length never changes the pick: the same as
    /// measuring every name, over names of many lengths and ties.
    #[test]
    fn suggestions_are_those_of_measuring_every_name() {
        let names = [
            "a",
            "ab",
            "abc",
            "abd",
            "abcd",
            "abce",
            "online-safety",
            "online-safe",
            "onlinesafety",
            "on-line-safety",
            "safety",
            "consent",
            "concent",
            "consents",
            "healthy-relationships",
            "relationships",
            "Ünïcödé",
            "unicode",
        ];
        let measured = |wrong: &str| -> Option<&str> {
            let wrong = wrong.trim().to_lowercase();
            let mut best: Option<(f64, &str)> = None;
            for name in names {
                if name.to_lowercase() == wrong {
                    return Some(name);
                }
                let score = strsim::normalized_damerau_levenshtein(&wrong, &name.to_lowercase());
                if score >= 0.6 && best.is_none_or(|(s, _)| score > s) {
                    best = Some((score, name));
                }
            }
            best.map(|(_, name)| name)
        };
        let wrongs = [
            "",
            "a",
            "b",
            "ab",
            "abx",
            "abcde",
            "online-safty",
            "onlinesafety!",
            "safty",
            "consnt",
            "consentt",
            "relationship",
            "healthy relationships",
            "unicöde",
            "zzzz",
            "ONLINE-SAFETY",
        ];
        for wrong in wrongs {
            let suggested = suggest(wrong, names.iter().map(|n| (*n, *n)));
            assert_eq!(suggested, measured(wrong), "{wrong:?}");
        }
    }

    #[test]
    fn duplicate_and_unknown_vocabularies_are_errors() {
        let yaml = YAML
            .replace("id: tamworth", "id: staffordshire")
            .replace("formats: []", "formats: []\nfoo: []");
        let errors = Taxonomy::parse(Path::new("t.yaml"), &yaml).unwrap_err();
        let messages: Vec<_> = errors.iter().map(|e| e.message.as_str()).collect();
        assert!(
            messages.contains(&"unknown vocabulary `foo`"),
            "{messages:?}"
        );
        assert!(
            messages.contains(&"duplicate areas id `staffordshire`"),
            "{messages:?}"
        );
        // At the second `id: staffordshire`, not the first.
        let duplicate = errors
            .iter()
            .find(|e| e.message.starts_with("duplicate"))
            .unwrap();
        assert_eq!((duplicate.line, duplicate.column), (19, 13));
    }

    /// (line, column, message) of each problem in a taxonomy.
    fn problems(yaml: &str) -> Vec<(usize, usize, String)> {
        Taxonomy::parse(Path::new("t.yaml"), yaml)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.line, e.column, e.message))
            .collect()
    }

    #[test]
    fn sensitive_topics_cover_the_topics_below_them() {
        let yaml = YAML.replace(
            "    aliases: [e-safety]\n",
            "    aliases: [e-safety]\n    sensitive: true\n",
        );
        let t = Taxonomy::parse(Path::new("t.yaml"), &yaml).unwrap();
        assert!(t.topics.is_sensitive("online-safety"));
        assert!(t.topics.is_sensitive("sharing-nudes"));
        assert!(!t.topics.is_sensitive("no-such-topic"));
        assert!(!taxonomy().topics.is_sensitive("sharing-nudes"));
    }

    #[test]
    fn sensitive_is_a_boolean_on_topics_only() {
        let yaml = YAML.replace(
            "    aliases: [e-safety]\n",
            "    aliases: [e-safety]\n    sensitive: yes\n",
        );
        let found = problems(&yaml);
        assert_eq!((found[0].0, found[0].1), (5, 16), "{found:?}");
        assert!(found[0].2.contains("expected a boolean"), "{found:?}");
        let yaml = YAML.replace(
            "          - id: tamworth\n            label: Tamworth\n",
            "          - id: tamworth\n            label: Tamworth\n            sensitive: true\n",
        );
        let found = problems(&yaml);
        assert_eq!((found[0].0, found[0].1), (21, 13), "{found:?}");
        assert!(found[0].2.starts_with("`sensitive` is only read on topics"));
    }

    const SECTORS: &str = "\
sectors:
  - id: primary
    label: Primary
  - id: secondary
    label: Secondary
    ages: \"11-18\"
  - id: special
    label: Special schools
";

    #[test]
    fn phase_ages_default_to_the_spec_and_yaml_overrides_them() {
        let yaml = YAML.replace("sectors: []\n", SECTORS);
        let t = Taxonomy::parse(Path::new("t.yaml"), &yaml).unwrap();
        assert_eq!(t.sectors.get("primary").unwrap().ages, Some((4, 11)));
        assert_eq!(t.sectors.get("secondary").unwrap().ages, Some((11, 18)));
        assert_eq!(t.sectors.get("special").unwrap().ages, None);
        let json = serde_json::to_value(&t.sectors).unwrap();
        assert_eq!(json[1]["ages"], "11-18");
        assert!(json[2].get("ages").is_none());
    }

    #[test]
    fn phase_ages_are_checked_where_they_are_written() {
        let yaml = YAML.replace("sectors: []\n", &SECTORS.replace("11-18", "11+"));
        let found = problems(&yaml);
        assert_eq!((found[0].0, found[0].1), (14, 5), "{found:?}");
        assert!(found[0].2.contains("is not a phase's ages"), "{found:?}");
        let yaml = YAML.replace("sectors: []\n", &SECTORS.replace("11-18", "11-11"));
        assert!(problems(&yaml)[0].2.contains("upper age must be greater"));
        let yaml = YAML.replace(
            "    aliases: [e-safety]\n",
            "    aliases: [e-safety]\n    ages: \"4-11\"\n",
        );
        let found = problems(&yaml);
        assert_eq!((found[0].0, found[0].1), (5, 5), "{found:?}");
        assert!(found[0].2.starts_with("`ages` is only read on sectors"));
    }

    #[test]
    fn kinds_have_default_names_that_yaml_overrides() {
        let t = taxonomy();
        assert_eq!(t.kinds.len(), 5);
        assert!(
            t.kind_aliases(Kind::Training)
                .contains(&"course".to_string())
        );
        let yaml = format!("{YAML}kinds:\n  - id: training\n    aliases: [CPD, workshop]\n");
        let t = Taxonomy::parse(Path::new("t.yaml"), &yaml).unwrap();
        assert_eq!(t.kind_aliases(Kind::Training), ["CPD", "workshop"]);
        assert!(
            t.kind_aliases(Kind::CaseStudy)
                .contains(&"case study".to_string())
        );
        let json = serde_json::to_value(&t).unwrap();
        assert_eq!(json["kinds"][1]["id"], "training");
        assert_eq!(json["kinds"][1]["label"], "Training");
    }

    #[test]
    fn unknown_and_repeated_kinds_are_errors_where_written() {
        let yaml = format!(
            "{YAML}kinds:\n  - id: trainings\n    aliases: [course]\n  - id: guidance\n  - id: guidance\n"
        );
        let errors = Taxonomy::parse(Path::new("t.yaml"), &yaml).unwrap_err();
        assert_eq!((errors[0].line, errors[0].column), (23, 5));
        assert!(errors[0].message.starts_with("unknown kind `trainings`"));
        assert_eq!(
            errors[0].suggestion.as_deref(),
            Some("did you mean `training`?")
        );
        assert_eq!((errors[1].line, errors[1].column), (26, 5));
        assert_eq!(errors[1].message, "duplicate kind `guidance`");
        let found = problems(&format!("{YAML}kinds:\n  - id: guidance\n    names: [x]\n"));
        assert_eq!((found[0].0, found[0].1), (24, 5), "{found:?}");
    }

    #[test]
    fn key_stages_are_half_open() {
        assert_eq!(key_stage("KS2").unwrap().ages, (7, 11));
        assert!(key_stage("ks6").is_none());
    }
}
