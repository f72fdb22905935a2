//! What `signpost insights` prints: per window (30 and 90 days), the most
//! frequent searches, those that found nothing, and the filters applied
//! most, each only once seen on at least three different days.

use chrono::NaiveDate;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub today: NaiveDate,
    pub windows: Vec<Window>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Window {
    pub days: u64,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Most made first.
    pub searches: Vec<SearchCount>,
    /// Most often empty first.
    pub found_nothing: Vec<SearchCount>,
    pub filters: Vec<FilterCount>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SearchCount {
    pub query: String,
    pub searches: u64,
    pub found_nothing: u64,
    /// Different days it was made on.
    pub days: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FilterCount {
    /// The API's parameter name, e.g. `topic`.
    pub facet: String,
    pub value: String,
    pub uses: u64,
    pub days: u64,
}

impl Report {
    /// The report of no statistics at all.
    pub fn empty(today: NaiveDate, windows: &[u64]) -> Report {
        Report {
            today,
            windows: windows
                .iter()
                .map(|&days| Window {
                    days,
                    from: super::window_start(today, days),
                    to: today,
                    searches: Vec::new(),
                    found_nothing: Vec::new(),
                    filters: Vec::new(),
                })
                .collect(),
        }
    }

    /// Plain text for a person at a terminal.
    pub fn human(&self) -> String {
        let mut out = String::new();
        for w in &self.windows {
            out.push_str(&format!("Last {} days ({} to {})\n", w.days, w.from, w.to));
            section(
                &mut out,
                "Most frequent searches",
                w.searches
                    .iter()
                    .map(|s| format!("{:>6}  {}  ({} days)", s.searches, s.query, s.days)),
            );
            section(
                &mut out,
                "Searches that found nothing",
                w.found_nothing
                    .iter()
                    .map(|s| format!("{:>6}  {}  ({} days)", s.found_nothing, s.query, s.days)),
            );
            section(
                &mut out,
                "Filters applied most",
                w.filters
                    .iter()
                    .map(|f| format!("{:>6}  {}={}  ({} days)", f.uses, f.facet, f.value, f.days)),
            );
            out.push('\n');
        }
        out.push_str(
            "Only searches and filters seen on at least three different days are shown.\n",
        );
        out
    }
}

fn section(out: &mut String, title: &str, lines: impl Iterator<Item = String>) {
    out.push_str(&format!("  {title}:\n"));
    let mut any = false;
    for line in lines {
        any = true;
        out.push_str(&format!("  {line}\n"));
    }
    if !any {
        out.push_str("    (none yet)\n");
    }
}
