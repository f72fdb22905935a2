//! `/coverage`: the gap map for the coordinator, from the counts the search
//! engine made when the index version opened.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::*;
use crate::search::CoverageCounts;

#[derive(Template)]
#[template(path = "coverage.html")]
struct CoveragePage {
    layout: Layout,
    total: usize,
    gaps: usize,
    case_studies: usize,
    response_gaps: usize,
    grids: Vec<Grid>,
    due: DueSection,
}

/// The head of the review queue, for the coordinator.
struct DueSection {
    count: usize,
    overdue: usize,
    within: u64,
    oldest: Vec<DueLink>,
}

struct DueLink {
    href: String,
    title: String,
    due: String,
    overdue: bool,
}

/// Entries named in "Due for review"; the rest are counted.
const DUE_SHOWN: usize = 5;

fn due_section(library: &Library, today: NaiveDate) -> DueSection {
    let within = crate::review_queue::DEFAULT_WITHIN_DAYS;
    let queue = crate::review_queue::queue(library, std::path::Path::new(""), today, within);
    DueSection {
        count: queue.len(),
        overdue: queue.iter().filter(|d| d.overdue).count(),
        within,
        oldest: queue
            .iter()
            .take(DUE_SHOWN)
            .map(|d| DueLink {
                href: format!("/entries/{}", d.id),
                title: d.title.to_string(),
                due: format_date(d.review_due),
                overdue: d.overdue,
            })
            .collect(),
    }
}

struct Grid {
    caption: &'static str,
    id: &'static str,
    /// What the rows are ("Topic", "What the school did").
    row_heading: &'static str,
    columns: Vec<String>,
    rows: Vec<GridRow>,
}

struct GridRow {
    label: String,
    depth: usize,
    cells: Vec<GridCell>,
}

struct GridCell {
    count: usize,
    href: String,
    level: usize,
}

pub(super) async fn coverage(State(state): State<AppState>) -> Response {
    let live = state.live();
    let library = live.library();
    let coverage = live.coverage();
    let by_key_stage = grid(
        "Entries by topic and key stage",
        "by-key-stage",
        "Topic",
        &coverage.by_key_stage,
    );
    let by_sector = grid(
        "Entries by topic and sector",
        "by-sector",
        "Topic",
        &coverage.by_sector,
    );
    let responses = grid(
        "Case studies by what the school did and sector",
        "by-response",
        Facet::Response.label(),
        &coverage.responses_by_sector,
    );
    let page = CoveragePage {
        layout: Layout::new("Coverage: where the bank has gaps", "/coverage"),
        total: library.entries().len(),
        gaps: by_key_stage.gaps(),
        case_studies: library
            .entries()
            .iter()
            .filter(|e| e.kind == Kind::CaseStudy)
            .count(),
        response_gaps: responses.gaps(),
        grids: vec![by_key_stage, by_sector, responses],
        due: due_section(library, state.today()),
    };
    render(&page, StatusCode::OK)
}

impl Grid {
    /// How many cells have nothing.
    fn gaps(&self) -> usize {
        self.rows
            .iter()
            .flat_map(|r| &r.cells)
            .filter(|c| c.count == 0)
            .count()
    }
}

/// A table of the counts' rows; each cell links to its search and is shaded
/// by its share of the largest count.
fn grid(
    caption: &'static str,
    id: &'static str,
    row_heading: &'static str,
    counts: &CoverageCounts,
) -> Grid {
    let max = counts
        .counts
        .iter()
        .flatten()
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    let rows = counts
        .rows
        .iter()
        .zip(&counts.counts)
        .map(|(term, row)| GridRow {
            label: term.label.clone(),
            depth: term.depth.min(3),
            cells: row
                .iter()
                .zip(&counts.columns)
                .map(|(&count, (column, _))| GridCell {
                    count,
                    href: search_href(&format!(
                        "{}&{}",
                        pair(counts.row_param, &term.id),
                        pair(counts.param, column)
                    )),
                    level: if count == 0 {
                        0
                    } else {
                        1 + (count * 4 - 1) / max
                    }
                    .min(4),
                })
                .collect(),
        })
        .collect();
    Grid {
        caption,
        id,
        row_heading,
        columns: counts
            .columns
            .iter()
            .map(|(_, label)| key_stage_short(label).to_string())
            .collect(),
        rows,
    }
}
