//! The relevance gate: every judged query's scores, recorded in a file kept
//! in git (`tools/relevance/*.json`), and the rule a new run must meet.
//!
//! A run fails the gate when any judged query's nDCG@10 falls more than
//! [`MAX_QUERY_DROP`] below its recorded score, when the mean nDCG@10 falls
//! more than [`MAX_MEAN_DROP`] below the recorded mean, or when the judged
//! set and the record name different queries. A mean threshold alone lets
//! one query fall to zero unnoticed; the per-query rule does not.
//!
//! The record is rewritten deliberately (`signpost-eval --write-record`) in
//! the same commit as the change that moves it. Its format is stable, one
//! line per query, ids sorted, three decimals, so the diff shows what moved:
//!
//! ```json
//! {
//!   "k": 10,
//!   "mean": {"ndcg": 0.895, "recall": 0.848, "success": 0.960},
//!   "queries": {
//!     "p01": {"ndcg": 0.998, "recall": 1.000, "success": 1.000},
//!     "p02": {"ndcg": 0.772, "recall": 1.000, "success": 1.000}
//!   }
//! }
//! ```

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use serde::Deserialize;

use crate::eval::{K, Scores};

/// How far one query's nDCG@10 may fall below its record.
pub const MAX_QUERY_DROP: f64 = 0.15;
/// How far the mean nDCG@10 may fall below the recorded mean.
pub const MAX_MEAN_DROP: f64 = 0.02;

/// Scores are recorded and compared at this precision (three decimals), so
/// a run compared with the record it just wrote moves by exactly zero.
fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Float noise allowed on the limits: a drop of exactly 0.15 passes.
const EPSILON: f64 = 1e-9;

/// Every query's scores and their mean, rounded to three decimals.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub mean: Scores,
    pub queries: BTreeMap<String, Scores>,
}

fn rounded(s: Scores) -> Scores {
    Scores {
        ndcg: round(s.ndcg),
        recall: round(s.recall),
        success: round(s.success),
    }
}

impl Record {
    /// A record of these per-query scores; the mean is taken over them
    /// before rounding.
    pub fn new(queries: BTreeMap<String, Scores>) -> Record {
        let all: Vec<Scores> = queries.values().copied().collect();
        Record {
            mean: rounded(Scores::mean(&all)),
            queries: queries
                .into_iter()
                .map(|(id, s)| (id, rounded(s)))
                .collect(),
        }
    }

    /// The file's text: stable, one query a line, ids sorted.
    pub fn to_json(&self) -> String {
        let mut out = String::from("{\n");
        let _ = writeln!(out, "  \"k\": {K},");
        let _ = writeln!(out, "  \"mean\": {},", scores_json(&self.mean));
        out.push_str("  \"queries\": {\n");
        for (i, (id, scores)) in self.queries.iter().enumerate() {
            let comma = if i + 1 < self.queries.len() { "," } else { "" };
            let id = serde_json::to_string(id).unwrap_or_default();
            let _ = writeln!(out, "    {id}: {}{comma}", scores_json(scores));
        }
        out.push_str("  }\n}\n");
        out
    }

    /// Reads a record file's text.
    pub fn parse(json: &str) -> Result<Record, serde_json::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct RawScores {
            ndcg: f64,
            recall: f64,
            success: f64,
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            #[allow(dead_code)] // written for the reader; always K
            k: usize,
            mean: RawScores,
            queries: BTreeMap<String, RawScores>,
        }
        let scores = |r: RawScores| {
            rounded(Scores {
                ndcg: r.ndcg,
                recall: r.recall,
                success: r.success,
            })
        };
        let raw: Raw = serde_json::from_str(json)?;
        Ok(Record {
            mean: scores(raw.mean),
            queries: raw
                .queries
                .into_iter()
                .map(|(id, s)| (id, scores(s)))
                .collect(),
        })
    }
}

fn scores_json(s: &Scores) -> String {
    format!(
        "{{\"ndcg\": {:.3}, \"recall\": {:.3}, \"success\": {:.3}}}",
        s.ndcg, s.recall, s.success
    )
}

/// Why a run fails the gate.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// A query's nDCG@10 fell more than [`MAX_QUERY_DROP`] below its record.
    QueryDropped { id: String, recorded: f64, now: f64 },
    /// The mean nDCG@10 fell more than [`MAX_MEAN_DROP`] below its record.
    MeanDropped { recorded: f64, now: f64 },
    /// A judged query the record does not hold.
    NotRecorded { id: String },
    /// A recorded query the judged set no longer holds.
    NotJudged { id: String },
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::QueryDropped { id, recorded, now } => write!(
                f,
                "{id}: nDCG@10 {recorded:.3} → {now:.3} ({:+.3}, more than {MAX_QUERY_DROP} below its record)",
                now - recorded
            ),
            Failure::MeanDropped { recorded, now } => write!(
                f,
                "mean: nDCG@10 {recorded:.3} → {now:.3} ({:+.3}, more than {MAX_MEAN_DROP} below its record)",
                now - recorded
            ),
            Failure::NotRecorded { id } => {
                write!(f, "{id}: judged but not in the record")
            }
            Failure::NotJudged { id } => {
                write!(f, "{id}: in the record but no longer judged")
            }
        }
    }
}

/// A run compared with the record.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Comparison {
    /// Empty when the run passes.
    pub failures: Vec<Failure>,
    /// Every query whose nDCG@10 moved, either way: `(id, recorded, now)`.
    pub moved: Vec<(String, f64, f64)>,
}

impl Comparison {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Compares a run (`now`, made with [`Record::new`]) with the record.
pub fn compare(recorded: &Record, now: &Record) -> Comparison {
    let mut comparison = Comparison::default();
    for (id, scores) in &now.queries {
        let Some(before) = recorded.queries.get(id) else {
            comparison
                .failures
                .push(Failure::NotRecorded { id: id.clone() });
            continue;
        };
        if scores.ndcg != before.ndcg {
            comparison
                .moved
                .push((id.clone(), before.ndcg, scores.ndcg));
        }
        if before.ndcg - scores.ndcg > MAX_QUERY_DROP + EPSILON {
            comparison.failures.push(Failure::QueryDropped {
                id: id.clone(),
                recorded: before.ndcg,
                now: scores.ndcg,
            });
        }
    }
    for id in recorded.queries.keys() {
        if !now.queries.contains_key(id) {
            comparison
                .failures
                .push(Failure::NotJudged { id: id.clone() });
        }
    }
    if recorded.mean.ndcg - now.mean.ndcg > MAX_MEAN_DROP + EPSILON {
        comparison.failures.push(Failure::MeanDropped {
            recorded: recorded.mean.ndcg,
            now: now.mean.ndcg,
        });
    }
    comparison
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scores(ndcg: f64) -> Scores {
        Scores {
            ndcg,
            recall: 1.0,
            success: 1.0,
        }
    }

    /// Ten queries q00..q09 at these nDCG@10 scores.
    fn run(ndcg: &[f64]) -> Record {
        Record::new(
            ndcg.iter()
                .enumerate()
                .map(|(i, &n)| (format!("q{i:02}"), scores(n)))
                .collect(),
        )
    }

    fn baseline() -> Record {
        run(&[0.9; 10])
    }

    #[test]
    fn the_same_run_passes_and_nothing_moved() {
        let c = compare(&baseline(), &baseline());
        assert!(c.passed());
        assert!(c.moved.is_empty());
    }

    #[test]
    fn one_query_falling_by_more_than_the_limit_fails() {
        // 0.16 on one query of ten moves the mean by 0.016 only: the mean
        // rule alone would pass it.
        let mut now = [0.9; 10];
        now[3] = 0.74;
        let c = compare(&baseline(), &run(&now));
        assert_eq!(
            c.failures,
            vec![Failure::QueryDropped {
                id: "q03".into(),
                recorded: 0.9,
                now: 0.74
            }]
        );
        assert_eq!(
            c.failures[0].to_string(),
            "q03: nDCG@10 0.900 → 0.740 (-0.160, more than 0.15 below its record)"
        );
        assert_eq!(c.moved, vec![("q03".to_string(), 0.9, 0.74)]);
    }

    #[test]
    fn one_query_falling_within_the_limit_passes() {
        for drop in [0.14, 0.15] {
            let mut now = [0.9; 10];
            now[3] = 0.9 - drop;
            let c = compare(&baseline(), &run(&now));
            assert!(c.passed(), "{drop}: {:?}", c.failures);
            assert_eq!(c.moved.len(), 1);
        }
    }

    #[test]
    fn a_query_falling_to_zero_fails() {
        let mut now = [0.9; 10];
        now[9] = 0.0;
        let c = compare(&baseline(), &run(&now));
        assert_eq!(
            c.failures,
            vec![
                Failure::QueryDropped {
                    id: "q09".into(),
                    recorded: 0.9,
                    now: 0.0
                },
                // 0.09 off the mean of ten.
                Failure::MeanDropped {
                    recorded: 0.9,
                    now: 0.81
                },
            ]
        );
    }

    #[test]
    fn the_mean_falling_by_more_than_its_limit_fails() {
        // Every query 0.03 down: no single query fails, the mean does.
        let c = compare(&baseline(), &run(&[0.87; 10]));
        assert_eq!(
            c.failures,
            vec![Failure::MeanDropped {
                recorded: 0.9,
                now: 0.87
            }]
        );
        assert_eq!(c.moved.len(), 10);
        // 0.01 down passes.
        assert!(compare(&baseline(), &run(&[0.89; 10])).passed());
    }

    #[test]
    fn gains_pass_and_are_reported() {
        let mut now = [0.9; 10];
        now[0] = 1.0;
        let c = compare(&baseline(), &run(&now));
        assert!(c.passed());
        assert_eq!(c.moved, vec![("q00".to_string(), 0.9, 1.0)]);
    }

    #[test]
    fn the_record_and_the_judged_set_must_name_the_same_queries() {
        let mut now = baseline();
        let nine = now.queries.remove("q09").unwrap();
        now.queries.insert("q10".into(), nine);
        let c = compare(&baseline(), &now);
        assert_eq!(
            c.failures,
            vec![
                Failure::NotRecorded { id: "q10".into() },
                Failure::NotJudged { id: "q09".into() },
            ]
        );
    }

    #[test]
    fn the_file_is_stable_and_reads_back() {
        let mut queries = BTreeMap::new();
        queries.insert(
            "p02".to_string(),
            Scores {
                ndcg: 0.77249,
                recall: 1.0,
                success: 0.0,
            },
        );
        queries.insert(
            "p01".to_string(),
            Scores {
                ndcg: 0.99751,
                recall: 0.5,
                success: 1.0,
            },
        );
        let record = Record::new(queries);
        let json = record.to_json();
        assert_eq!(
            json,
            r#"{
  "k": 10,
  "mean": {"ndcg": 0.885, "recall": 0.750, "success": 0.500},
  "queries": {
    "p01": {"ndcg": 0.998, "recall": 0.500, "success": 1.000},
    "p02": {"ndcg": 0.772, "recall": 1.000, "success": 0.000}
  }
}
"#
        );
        let back = Record::parse(&json).unwrap();
        assert_eq!(back, record);
        assert_eq!(back.to_json(), json);
        assert!(compare(&back, &record).passed());
        assert!(compare(&back, &record).moved.is_empty());
    }

    #[test]
    fn a_malformed_record_is_refused() {
        assert!(Record::parse("{}").is_err());
        assert!(Record::parse(r#"{"k": 10, "mean": {"ndcg": 1}, "queries": {}}"#).is_err());
    }
}
