//! The gap map's numbers: how many entries each topic has at each key stage
//! and in each sector, and how many case studies each route of what a school
//! did has in each sector. They depend only on the bank, so they are counted
//! once when an index version opens, not on every visit to `/coverage`:
//! each is the size of the intersection of two facet values' bitsets (a
//! topic's holds the entries tagged with it or a topic below it).

use crate::facet::Facet;
use crate::index::LiveIndex;
use crate::taxonomy::{RESPONSES, VocabularyName};

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
    /// `rows` of facet `row_facet` against every value of `column_facet`.
    fn count(
        index: &LiveIndex,
        row_facet: Facet,
        rows: Vec<CoverageRow>,
        column_facet: Facet,
    ) -> CoverageCounts {
        let row_postings = index.facet(row_facet);
        let columns = index.facet(column_facet);
        let counts = rows
            .iter()
            .map(|row| {
                let matches = row_postings
                    .position(&row.id)
                    .map(|p| &row_postings.matches[p]);
                columns
                    .matches
                    .iter()
                    .map(|column| matches.map_or(0, |m| m.intersection_count(column)))
                    .collect()
            })
            .collect();
        CoverageCounts {
            row_param: row_facet.param(),
            param: column_facet.param(),
            rows,
            columns: columns
                .values
                .iter()
                .map(|v| (v.id.clone(), v.label.clone()))
                .collect(),
            counts,
        }
    }
}

impl Coverage {
    pub fn new(index: &LiveIndex) -> Coverage {
        let topics: Vec<CoverageRow> = index
            .library
            .taxonomy
            .vocabulary(VocabularyName::Topics)
            .terms()
            .iter()
            .map(|t| CoverageRow {
                id: t.id.clone(),
                label: t.label.clone(),
                depth: t.depth,
            })
            .collect();
        let responses = RESPONSES
            .iter()
            .map(|t| CoverageRow {
                id: t.id.to_string(),
                label: t.label.to_string(),
                depth: 0,
            })
            .collect();
        Coverage {
            by_key_stage: CoverageCounts::count(
                index,
                Facet::Topic,
                topics.clone(),
                Facet::KeyStage,
            ),
            by_sector: CoverageCounts::count(index, Facet::Topic, topics, Facet::Sector),
            responses_by_sector: CoverageCounts::count(
                index,
                Facet::Response,
                responses,
                Facet::Sector,
            ),
        }
    }
}
