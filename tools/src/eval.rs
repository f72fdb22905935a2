//! Relevance evaluation: judged queries, the metrics that score a ranking
//! against them (nDCG@k, recall@k, success@1), and running a query through
//! exactly the code path of `/api/search`.
//!
//! The judged-query format is that of `../shared/eval/queries.yaml`:
//!
//! ```yaml
//! - id: p01
//!   query: "consent lesson year 2"
//!   params: {kind: [resource]}
//!   intent: "…"
//!   relevant: {consent-ks1-asking-permission: 3, nspcc-talk-pants: 2}
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;

use signpost::search::{Engine, SearchRequest};

/// Ranks scored: the first page of ten.
pub const K: usize = 10;

/// One judged query.
#[derive(Debug, Clone, Deserialize)]
pub struct JudgedQuery {
    pub id: String,
    pub query: String,
    #[serde(default)]
    pub params: BTreeMap<String, ParamValue>,
    #[serde(default)]
    pub intent: String,
    /// Entry id → grade (3 perfect, 2 good, 1 acceptable).
    pub relevant: BTreeMap<String, u8>,
}

/// A parameter given once or as a list (repeated, values ORed).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ParamValue {
    Many(Vec<serde_yaml::Value>),
    One(serde_yaml::Value),
}

impl ParamValue {
    fn values(&self) -> Vec<String> {
        let text = |v: &serde_yaml::Value| match v {
            serde_yaml::Value::String(s) => s.clone(),
            serde_yaml::Value::Number(n) => n.to_string(),
            serde_yaml::Value::Bool(b) => b.to_string(),
            other => serde_yaml::to_string(other)
                .unwrap_or_default()
                .trim()
                .to_string(),
        };
        match self {
            ParamValue::One(v) => vec![text(v)],
            ParamValue::Many(vs) => vs.iter().map(text).collect(),
        }
    }
}

impl JudgedQuery {
    /// The `/api/search` query pairs: `q`, the params, `per_page=K`.
    pub fn pairs(&self) -> Vec<(String, String)> {
        let mut pairs = vec![("q".to_string(), self.query.clone())];
        for (key, value) in &self.params {
            for v in value.values() {
                pairs.push((key.clone(), v));
            }
        }
        pairs.push(("per_page".to_string(), K.to_string()));
        pairs
    }

    pub fn grade(&self, id: &str) -> u8 {
        self.relevant.get(id).copied().unwrap_or(0)
    }
}

/// Parses a queries file.
pub fn parse_queries(yaml: &str) -> Result<Vec<JudgedQuery>, serde_yaml::Error> {
    serde_yaml::from_str(yaml)
}

/// The three metrics of one query (or their mean over a set).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Scores {
    pub ndcg: f64,
    pub recall: f64,
    pub success: f64,
}

impl Scores {
    /// Scores a ranking (hit grades, best first) against the judged grades.
    pub fn of(ranked: &[u8], judged: &[u8]) -> Scores {
        Scores {
            ndcg: ndcg_at(ranked, judged, K),
            recall: recall_at(ranked, judged, K),
            success: success_at_1(ranked),
        }
    }

    pub fn mean(all: &[Scores]) -> Scores {
        if all.is_empty() {
            return Scores::default();
        }
        let n = all.len() as f64;
        Scores {
            ndcg: all.iter().map(|s| s.ndcg).sum::<f64>() / n,
            recall: all.iter().map(|s| s.recall).sum::<f64>() / n,
            success: all.iter().map(|s| s.success).sum::<f64>() / n,
        }
    }
}

/// Discounted cumulative gain of the first `k` grades: Σ (2^rel − 1) / log2(rank + 1).
pub fn dcg_at(grades: &[u8], k: usize) -> f64 {
    grades
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, &rel)| (2f64.powi(rel.into()) - 1.0) / ((i + 2) as f64).log2())
        .sum()
}

/// nDCG@k: the ranking's DCG over the DCG of the judged grades in ideal order.
/// 0 when nothing is judged relevant.
pub fn ndcg_at(ranked: &[u8], judged: &[u8], k: usize) -> f64 {
    let mut ideal = judged.to_vec();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let best = dcg_at(&ideal, k);
    if best == 0.0 {
        0.0
    } else {
        dcg_at(ranked, k) / best
    }
}

/// The share of judged (grade ≥ 1) entries found in the first `k`.
pub fn recall_at(ranked: &[u8], judged: &[u8], k: usize) -> f64 {
    let relevant = judged.iter().filter(|&&g| g > 0).count();
    if relevant == 0 {
        return 0.0;
    }
    let found = ranked.iter().take(k).filter(|&&g| g > 0).count();
    found as f64 / relevant as f64
}

/// 1 when the first hit is good or perfect (grade ≥ 2).
pub fn success_at_1(ranked: &[u8]) -> f64 {
    match ranked.first() {
        Some(&g) if g >= 2 => 1.0,
        _ => 0.0,
    }
}

/// What one judged query returned and how it scored.
#[derive(Debug, Clone)]
pub struct QueryOutcome {
    pub hits: Vec<String>,
    pub total: usize,
    pub scores: Scores,
    /// The request failed (scored 0).
    pub error: Option<String>,
    /// Interpreted filters, as `param=value`, for the report.
    pub interpreted: Vec<String>,
    /// The corrected query when the search fell back to fuzzy terms.
    pub corrected: Option<String>,
}

/// Runs a judged query as `/api/search` would and scores its first page.
pub fn run_query(index: &Engine, query: &JudgedQuery) -> QueryOutcome {
    let failed = |error: String| QueryOutcome {
        hits: Vec::new(),
        total: 0,
        scores: Scores::default(),
        error: Some(error),
        interpreted: Vec::new(),
        corrected: None,
    };
    let request = match SearchRequest::from_pairs(query.pairs(), index.index()) {
        Ok(r) => r,
        Err(e) => return failed(e.to_string()),
    };
    let results = match index.run(&request) {
        Ok(r) => r,
        Err(e) => return failed(e.to_string()),
    };
    let hits: Vec<String> = results
        .hits
        .iter()
        .map(|h| h.entry.id.as_str().to_string())
        .collect();
    let ranked: Vec<u8> = hits.iter().map(|id| query.grade(id)).collect();
    let judged: Vec<u8> = query.relevant.values().copied().collect();
    QueryOutcome {
        scores: Scores::of(&ranked, &judged),
        total: results.total,
        hits,
        error: None,
        interpreted: results
            .interpreted
            .iter()
            .map(|i| format!("{}={}", i.param, i.value))
            .collect(),
        corrected: results.corrected.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn ideal_ranking_scores_one() {
        let judged = [3, 2, 1];
        assert!(close(ndcg_at(&[3, 2, 1], &judged, K), 1.0));
        assert!(close(recall_at(&[3, 2, 1], &judged, K), 1.0));
        assert!(close(success_at_1(&[3, 2, 1]), 1.0));
    }

    #[test]
    fn dcg_uses_exponential_gain_and_log_discount() {
        // (2^3-1)/log2(2) + 0/log2(3) + (2^1-1)/log2(4) = 7 + 0.5
        assert!(close(dcg_at(&[3, 0, 1], K), 7.5));
        // Ideal of {3, 1}: 7 + 1/log2(3).
        let ideal = 7.0 + 1.0 / 3f64.log2();
        assert!(close(ndcg_at(&[3, 0, 1], &[1, 3], K), 7.5 / ideal));
    }

    #[test]
    fn only_the_first_k_count() {
        let mut ranked = vec![0; K];
        ranked.push(3);
        assert!(close(ndcg_at(&ranked, &[3], K), 0.0));
        assert!(close(recall_at(&ranked, &[3], K), 0.0));
        ranked[K - 1] = 3;
        assert!(close(ndcg_at(&ranked, &[3], K), 1.0 / 11f64.log2()));
        assert!(close(recall_at(&ranked, &[3], K), 1.0));
    }

    #[test]
    fn recall_counts_any_grade_and_success_needs_two() {
        assert!(close(recall_at(&[1, 0], &[3, 1], K), 0.5));
        assert!(close(success_at_1(&[1, 3]), 0.0));
        assert!(close(success_at_1(&[2]), 1.0));
        assert!(close(success_at_1(&[]), 0.0));
    }

    #[test]
    fn empty_results_and_judgements_score_zero() {
        assert_eq!(Scores::of(&[], &[3, 2]), Scores::default());
        assert!(close(ndcg_at(&[1], &[], K), 0.0));
        assert_eq!(Scores::mean(&[]), Scores::default());
        let mean = Scores::mean(&[Scores::of(&[3], &[3]), Scores::default()]);
        assert!(close(mean.ndcg, 0.5) && close(mean.success, 0.5));
    }

    #[test]
    fn queries_parse_with_list_and_single_params() {
        let yaml = r#"
- id: p01
  query: "consent lesson year 2"
  params: {kind: [case-study, resource], sector: secondary, age: 12}
  intent: "x"
  relevant: {a: 3, b: 1}
"#;
        let queries = parse_queries(yaml).unwrap();
        let pairs = queries[0].pairs();
        assert_eq!(pairs[0], ("q".into(), "consent lesson year 2".into()));
        assert!(pairs.contains(&("kind".into(), "case-study".into())));
        assert!(pairs.contains(&("kind".into(), "resource".into())));
        assert!(pairs.contains(&("sector".into(), "secondary".into())));
        assert!(pairs.contains(&("age".into(), "12".into())));
        assert_eq!(pairs.last().unwrap(), &("per_page".into(), "10".into()));
        assert_eq!(queries[0].grade("a"), 3);
        assert_eq!(queries[0].grade("z"), 0);
    }
}
