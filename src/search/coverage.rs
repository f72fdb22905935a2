//! The gap map's numbers: how many entries each topic has at each key stage
//! and in each sector, and how many case studies each route of what a school
//! did has in each sector. They depend only on the bank, so they are counted
//! once when an index version opens, not on every visit to `/coverage`.

use std::collections::BTreeSet;

use crate::content::{Entry, Library};
use crate::facet::Facet;
use crate::taxonomy::{KEY_STAGES, RESPONSES, VocabularyName};

/// One row of a grid: a facet value, with its depth in the hierarchy.
#[derive(Debug, Clone)]
pub struct CoverageRow {
    pub id: String,
    pub label: String,
    pub depth: usize,
}

/// Row × column counts: each cell is what the search for its row's and its
/// column's values finds.
#[derive(Debug, Clone)]
pub struct CoverageCounts {
    /// The URL parameters of the rows (`topic`, `response`) and the columns
    /// (`key_stage`, `sector`).
    pub row_param: &'static str,
    pub param: &'static str,
    pub rows: Vec<CoverageRow>,
    /// (id, label) of each column.
    pub columns: Vec<(String, String)>,
    /// `counts[row][column]`: an entry counts once in each row it matches
    /// (a topic counts the entries tagged with it or a topic below it).
    pub counts: Vec<Vec<usize>>,
}

#[derive(Debug, Clone)]
pub struct Coverage {
    pub by_key_stage: CoverageCounts,
    pub by_sector: CoverageCounts,
    /// Case studies by what the school did and sector.
    pub responses_by_sector: CoverageCounts,
}

impl CoverageCounts {
    /// Counts `entries`, each in the rows `rows_of` gives it and the
    /// columns `has` says it matches.
    fn count(
        row_param: &'static str,
        rows: Vec<CoverageRow>,
        param: &'static str,
        columns: Vec<(String, String)>,
        entries: &[(&Entry, BTreeSet<usize>)],
        has: &dyn Fn(&Entry, &str) -> bool,
    ) -> CoverageCounts {
        let mut counts = vec![vec![0; columns.len()]; rows.len()];
        for (entry, in_rows) in entries {
            for (c, (column, _)) in columns.iter().enumerate() {
                if has(entry, column) {
                    for &r in in_rows {
                        counts[r][c] += 1;
                    }
                }
            }
        }
        CoverageCounts {
            row_param,
            param,
            rows,
            columns,
            counts,
        }
    }
}

impl Coverage {
    pub fn new(library: &Library) -> Coverage {
        let topics = library.taxonomy.vocabulary(VocabularyName::Topics);
        let by_topic: Vec<(&Entry, BTreeSet<usize>)> = library
            .entries()
            .iter()
            .map(|e| {
                let rows = e
                    .topics
                    .iter()
                    .filter_map(|t| topics.position(t))
                    .flat_map(|p| topics.ancestors_and_self(p))
                    .collect();
                (e, rows)
            })
            .collect();
        let by_response: Vec<(&Entry, BTreeSet<usize>)> = library
            .entries()
            .iter()
            .map(|e| {
                let rows = e
                    .response
                    .iter()
                    .filter_map(|r| RESPONSES.iter().position(|t| t.id == r))
                    .collect();
                (e, rows)
            })
            .collect();
        let topic_rows: Vec<CoverageRow> = topics
            .terms()
            .iter()
            .map(|t| CoverageRow {
                id: t.id.clone(),
                label: t.label.clone(),
                depth: t.depth,
            })
            .collect();
        let response_rows = RESPONSES
            .iter()
            .map(|t| CoverageRow {
                id: t.id.to_string(),
                label: t.label.to_string(),
                depth: 0,
            })
            .collect();
        let key_stages = KEY_STAGES
            .iter()
            .map(|k| (k.id.to_string(), k.label.to_string()))
            .collect();
        let sectors: Vec<(String, String)> = library
            .taxonomy
            .vocabulary(VocabularyName::Sectors)
            .terms()
            .iter()
            .map(|t| (t.id.clone(), t.label.clone()))
            .collect();
        let in_key_stage = |e: &Entry, id: &str| e.ages.key_stages().any(|k| k.id == id);
        let in_sector = |e: &Entry, id: &str| e.sectors.iter().any(|s| s == id);
        let topic = Facet::Topic.param();
        Coverage {
            by_key_stage: CoverageCounts::count(
                topic,
                topic_rows.clone(),
                Facet::KeyStage.param(),
                key_stages,
                &by_topic,
                &in_key_stage,
            ),
            by_sector: CoverageCounts::count(
                topic,
                topic_rows,
                Facet::Sector.param(),
                sectors.clone(),
                &by_topic,
                &in_sector,
            ),
            responses_by_sector: CoverageCounts::count(
                Facet::Response.param(),
                response_rows,
                Facet::Sector.param(),
                sectors,
                &by_response,
                &in_sector,
            ),
        }
    }
}
