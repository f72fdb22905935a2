//! The ten facets of search: which vocabulary each draws on, the values it
//! offers, and which values an entry carries. The index stores them and
//! search filters and counts them; both read this one definition.

use serde::Serialize;

use crate::content::{Entry, Library};
use crate::taxonomy::{COSTS, KEY_STAGES, RESPONSES, Taxonomy, VocabularyName};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Facet {
    Kind,
    Topic,
    Sector,
    Ability,
    Audience,
    Area,
    Cost,
    Format,
    KeyStage,
    /// What the school did (case studies).
    Response,
}

/// How a selected value picks entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matching {
    /// Tagged with the value only.
    Exact,
    /// Tagged with the value or a term below it (topics, abilities).
    WithDescendants,
    /// Available there: tagged with the area, one above it or one within it.
    Area,
}

/// One value a facet offers, in display order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetValue {
    pub id: String,
    pub label: String,
    pub depth: usize,
    /// Position of the parent value in the same list.
    pub parent: Option<usize>,
}

impl Facet {
    pub const COUNT: usize = 10;
    pub const ALL: [Facet; Facet::COUNT] = [
        Facet::Kind,
        Facet::Topic,
        Facet::Sector,
        Facet::Ability,
        Facet::Audience,
        Facet::Area,
        Facet::Cost,
        Facet::Format,
        Facet::KeyStage,
        Facet::Response,
    ];

    /// The query parameter and JSON key, fixed by the SPEC.
    pub fn param(self) -> &'static str {
        match self {
            Facet::Kind => "kind",
            Facet::Topic => "topic",
            Facet::Sector => "sector",
            Facet::Ability => "ability",
            Facet::Audience => "audience",
            Facet::Area => "area",
            Facet::Cost => "cost",
            Facet::Format => "format",
            Facet::KeyStage => "key_stage",
            Facet::Response => "response",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Facet::Kind => "Kind",
            Facet::Topic => "Topic",
            Facet::Sector => "Sector",
            Facet::Ability => "Ability (SEND)",
            Facet::Audience => "Audience",
            Facet::Area => "Area",
            Facet::Cost => "Cost",
            Facet::Format => "Format",
            Facet::KeyStage => "Key stage",
            Facet::Response => "What the school did",
        }
    }

    pub fn from_param(param: &str) -> Option<Facet> {
        Facet::ALL.into_iter().find(|f| f.param() == param)
    }

    pub fn vocabulary(self) -> Option<VocabularyName> {
        match self {
            Facet::Topic => Some(VocabularyName::Topics),
            Facet::Sector => Some(VocabularyName::Sectors),
            Facet::Ability => Some(VocabularyName::Abilities),
            Facet::Audience => Some(VocabularyName::Audiences),
            Facet::Area => Some(VocabularyName::Areas),
            Facet::Format => Some(VocabularyName::Formats),
            Facet::Kind | Facet::Cost | Facet::KeyStage | Facet::Response => None,
        }
    }

    pub fn matching(self) -> Matching {
        match self {
            Facet::Topic | Facet::Ability => Matching::WithDescendants,
            Facet::Area => Matching::Area,
            _ => Matching::Exact,
        }
    }

    /// Every value the facet offers, parents before children.
    pub fn values(self, taxonomy: &Taxonomy) -> Vec<FacetValue> {
        let flat = |pairs: &mut dyn Iterator<Item = (&str, &str)>| {
            pairs
                .map(|(id, label)| FacetValue {
                    id: id.into(),
                    label: label.into(),
                    depth: 0,
                    parent: None,
                })
                .collect()
        };
        match self.vocabulary() {
            Some(name) => taxonomy
                .vocabulary(name)
                .terms()
                .iter()
                .map(|t| FacetValue {
                    id: t.id.clone(),
                    label: t.label.clone(),
                    depth: t.depth,
                    parent: t.parent,
                })
                .collect(),
            None => match self {
                Facet::Kind => flat(
                    &mut crate::content::Kind::ALL
                        .iter()
                        .map(|k| (k.id(), k.label())),
                ),
                Facet::Cost => flat(&mut COSTS.iter().copied()),
                Facet::Response => flat(&mut RESPONSES.iter().map(|t| (t.id, t.label))),
                _ => flat(&mut KEY_STAGES.iter().map(|k| (k.id, k.label))),
            },
        }
    }

    /// The values an entry is tagged with (key stages derived from ages).
    pub fn entry_values(self, entry: &Entry) -> Vec<&str> {
        match self {
            Facet::Kind => vec![entry.kind.id()],
            Facet::Topic => entry.topics.iter().map(String::as_str).collect(),
            Facet::Sector => entry.sectors.iter().map(String::as_str).collect(),
            Facet::Ability => entry.abilities.iter().map(String::as_str).collect(),
            Facet::Audience => entry.audiences.iter().map(String::as_str).collect(),
            Facet::Area => entry.areas.iter().map(String::as_str).collect(),
            Facet::Cost => entry.cost.iter().map(String::as_str).collect(),
            Facet::Format => entry.formats.iter().map(String::as_str).collect(),
            Facet::KeyStage => entry.ages.key_stages().map(|k| k.id).collect(),
            Facet::Response => entry.response.iter().map(String::as_str).collect(),
        }
    }

    /// The path of a value from its root, for hierarchical facet terms.
    pub fn path<'a>(self, library: &'a Library, id: &'a str) -> Vec<&'a str> {
        match self.vocabulary() {
            Some(name) => {
                let vocabulary = library.taxonomy.vocabulary(name);
                vocabulary
                    .position(id)
                    .map_or_else(|| vec![id], |p| vocabulary.path(p))
            }
            None => vec![id],
        }
    }
}
