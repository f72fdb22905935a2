//! The gap map's numbers: how many entries each topic has at each key stage
//! and in each sector. They depend only on the bank, so they are counted
//! once when an index version opens, not on every visit to `/coverage`:
//! each is the size of the intersection of two facet values' bitsets (a
//! topic's holds the entries tagged with it or a topic below it).

use crate::facet::Facet;
use crate::index::LiveIndex;
use crate::taxonomy::VocabularyName;

/// Topic × column counts; rows follow the topic vocabulary's order.
#[derive(Debug, Clone)]
pub struct CoverageCounts {
    /// The URL parameter of the columns (`key_stage`, `sector`).
    pub param: &'static str,
    /// (id, label) of each column.
    pub columns: Vec<(String, String)>,
    /// `counts[topic][column]`: an entry counts once for each topic it is
    /// tagged with or sits below.
    pub counts: Vec<Vec<usize>>,
}

#[derive(Debug, Clone)]
pub struct Coverage {
    pub by_key_stage: CoverageCounts,
    pub by_sector: CoverageCounts,
}

impl Coverage {
    pub fn new(index: &LiveIndex) -> Coverage {
        let topics = index.facet(Facet::Topic);
        let vocabulary = index.library.taxonomy.vocabulary(VocabularyName::Topics);
        let count = |param, facet: Facet| {
            let columns = index.facet(facet);
            let counts = vocabulary
                .terms()
                .iter()
                .map(|term| {
                    let topic = topics.position(&term.id).map(|p| &topics.matches[p]);
                    columns
                        .matches
                        .iter()
                        .map(|column| topic.map_or(0, |t| t.intersection_count(column)))
                        .collect()
                })
                .collect();
            CoverageCounts {
                param,
                columns: columns
                    .values
                    .iter()
                    .map(|v| (v.id.clone(), v.label.clone()))
                    .collect(),
                counts,
            }
        };
        Coverage {
            by_key_stage: count("key_stage", Facet::KeyStage),
            by_sector: count("sector", Facet::Sector),
        }
    }
}
