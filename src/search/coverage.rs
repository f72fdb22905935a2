//! The gap map's numbers: how many entries each topic has at each key stage
//! and in each sector. They depend only on the bank, so they are counted
//! once when an index version opens, not on every visit to `/coverage`.

use std::collections::BTreeSet;

use crate::content::{Entry, Library};
use crate::taxonomy::{KEY_STAGES, VocabularyName};

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
    pub fn new(library: &Library) -> Coverage {
        let topics = library.taxonomy.vocabulary(VocabularyName::Topics);
        let entry_topics: Vec<BTreeSet<usize>> = library
            .entries()
            .iter()
            .map(|e| {
                e.topics
                    .iter()
                    .filter_map(|t| topics.position(t))
                    .flat_map(|p| topics.ancestors_and_self(p))
                    .collect()
            })
            .collect();
        let count = |param, columns: Vec<(String, String)>, has: &dyn Fn(&Entry, &str) -> bool| {
            let mut counts = vec![vec![0; columns.len()]; topics.terms().len()];
            for (entry, tagged) in library.entries().iter().zip(&entry_topics) {
                for (c, (column, _)) in columns.iter().enumerate() {
                    if has(entry, column) {
                        for &t in tagged {
                            counts[t][c] += 1;
                        }
                    }
                }
            }
            CoverageCounts {
                param,
                columns,
                counts,
            }
        };
        let key_stages = KEY_STAGES
            .iter()
            .map(|k| (k.id.to_string(), k.label.to_string()))
            .collect();
        let sectors = library
            .taxonomy
            .vocabulary(VocabularyName::Sectors)
            .terms()
            .iter()
            .map(|t| (t.id.clone(), t.label.clone()))
            .collect();
        Coverage {
            by_key_stage: count("key_stage", key_stages, &|e, id| {
                e.ages.key_stages().any(|k| k.id == id)
            }),
            by_sector: count("sector", sectors, &|e, id| {
                e.sectors.iter().any(|s| s == id)
            }),
        }
    }
}
