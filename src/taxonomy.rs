//! The controlled vocabularies of `content/taxonomy.yaml`: topics, sectors,
//! abilities, audiences, areas and formats, plus the two fixed ones (kinds and
//! costs) and the key stages derived from ages.
//!
//! A [`Vocabulary`] is a flattened tree: every term knows its parent, so a
//! filter on a term can include the terms below it (topics, abilities) or,
//! for areas, the ones above it too.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

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
    let mut best: Option<(f64, &str)> = None;
    for (name, id) in candidates {
        let name = name.to_lowercase();
        if name == wrong {
            return Some(id);
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
}

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

    /// Parses `taxonomy.yaml`. Every problem is reported with its position.
    pub fn parse(path: &Path, text: &str) -> Result<Taxonomy, Vec<ContentError>> {
        let lines = LineIndex::new(text);
        let raw: HashMap<String, Vec<RawTerm>> =
            serde_yaml::from_str(text).map_err(|e| vec![ContentError::from_yaml(path, &e, 0)])?;
        let mut taxonomy = Taxonomy::default();
        let mut errors = Vec::new();
        for key in raw.keys() {
            if !VocabularyName::ALL.iter().any(|v| v.as_str() == key) {
                let (line, column) = lines.find_key(key, 0).unwrap_or((1, 1));
                errors.push(
                    ContentError::new(path, line, column, format!("unknown vocabulary `{key}`"))
                        .with_suggestion(suggest(
                            key,
                            VocabularyName::ALL.iter().map(|v| (v.as_str(), v.as_str())),
                        )),
                );
            }
        }
        for name in VocabularyName::ALL {
            let Some(terms) = raw.get(name.as_str()) else {
                errors.push(ContentError::new(
                    path,
                    1,
                    1,
                    format!("missing vocabulary `{name}`"),
                ));
                continue;
            };
            let vocabulary = taxonomy.vocabulary_mut(name);
            for term in terms {
                add_term(vocabulary, term, None, 0, &mut |id| {
                    let (line, column) = lines.find_value(id, 0).unwrap_or((1, 1));
                    errors.push(ContentError::new(
                        path,
                        line,
                        column,
                        format!("duplicate {name} id `{id}`"),
                    ));
                });
            }
        }
        if errors.is_empty() {
            Ok(taxonomy)
        } else {
            Err(errors)
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
    children: Vec<RawTerm>,
}

fn add_term(
    vocabulary: &mut Vocabulary,
    raw: &RawTerm,
    parent: Option<usize>,
    depth: usize,
    on_duplicate: &mut dyn FnMut(&str),
) {
    let term = Term {
        id: raw.id.clone(),
        label: raw.label.clone(),
        description: raw.description.clone(),
        aliases: raw.aliases.clone(),
        parent,
        parent_id: parent.map(|p| vocabulary.terms[p].id.clone()),
        depth,
    };
    match vocabulary.insert(term) {
        Ok(pos) => {
            for child in &raw.children {
                add_term(vocabulary, child, Some(pos), depth + 1, on_duplicate);
            }
        }
        Err(id) => on_duplicate(&id),
    }
}

/// Who pays: a fixed vocabulary, not in the taxonomy file.
pub const COSTS: [(&str, &str); 3] = [
    ("free", "Free"),
    ("free-to-schools", "Free to schools"),
    ("paid", "Paid"),
];

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
    }

    #[test]
    fn key_stages_are_half_open() {
        assert_eq!(key_stage("KS2").unwrap().ages, (7, 11));
        assert!(key_stage("ks6").is_none());
    }
}
