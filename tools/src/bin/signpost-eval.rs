//! The relevance harness: loads a bank, indexes it, runs every judged query
//! through the `/api/search` code path and prints nDCG@10, recall@10 and
//! success@1 per query and overall. Exits 1 when the run fails the record
//! (`--record`: a query more than 0.15 below its recorded nDCG@10, or the
//! mean more than 0.02 below its own) or is below `--min-ndcg`.
//!
//! ```text
//! signpost-eval --queries ../shared/eval/queries.yaml --record tools/relevance/queries.json
//! signpost-eval --queries ../shared/eval/queries.yaml --write-record tools/relevance/queries.json
//! signpost-eval --content ../shared/eval/content --queries ../shared/eval/queries.yaml --min-ndcg 0.80
//! ```

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use clap::Parser;

use signpost::clock::Clock;
use signpost::content;
use signpost::index;
use signpost_tools::eval::{self, QueryOutcome, Scores};
use signpost_tools::record::{self, Record};

#[derive(Debug, Parser)]
#[command(
    name = "signpost-eval",
    about = "Score search relevance on judged queries"
)]
struct Args {
    /// The bank to search (taxonomy.yaml and entry folders).
    #[arg(long, default_value = "../shared/eval/content")]
    content: PathBuf,
    /// The judged queries (YAML list: id, query, params, relevant).
    #[arg(long, default_value = "../shared/eval/queries.yaml")]
    queries: PathBuf,
    /// Fail (exit 1) when the overall nDCG@10 is below this.
    #[arg(long)]
    min_ndcg: Option<f64>,
    /// Fail (exit 1) when any query's nDCG@10 is more than 0.15 below its
    /// score in this record, or the mean more than 0.02 below the recorded
    /// mean, or the judged queries differ from the recorded ones.
    #[arg(long, value_name = "FILE", conflicts_with = "write_record")]
    record: Option<PathBuf>,
    /// Write every query's scores and the means to this record (commit it
    /// with the change that moved them).
    #[arg(long, value_name = "FILE")]
    write_record: Option<PathBuf>,
    /// The day "due for review" counts from (default: the machine's date).
    #[arg(long, env = "SIGNPOST_TODAY", value_name = "YYYY-MM-DD")]
    today: Option<NaiveDate>,
    /// Where to build the index; a temporary directory when not given.
    #[arg(long)]
    index: Option<PathBuf>,
    /// Also print the ids returned for each query, with their grades.
    #[arg(long, short)]
    verbose: bool,
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// A temporary index directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> anyhow::Result<TempDir> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir =
            std::env::temp_dir().join(format!("signpost-eval-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(args: Args) -> anyhow::Result<ExitCode> {
    let today = Clock::from_option(args.today).today();
    // The shared evaluation bank was written before case studies had to
    // name their sources; relevance does not depend on them.
    let rules = content::Rules {
        case_study_sources: false,
    };
    let checked = content::load_with(&args.content, today, rules);
    let Some(library) = checked.library else {
        for d in checked.diagnostics.iter().filter(|d| d.is_error()) {
            eprintln!("{d}");
        }
        bail!(
            "{} has {} errors",
            args.content.display(),
            checked.error_count()
        );
    };
    let yaml = std::fs::read_to_string(&args.queries)
        .with_context(|| format!("reading {}", args.queries.display()))?;
    let queries = eval::parse_queries(&yaml)
        .with_context(|| format!("parsing {}", args.queries.display()))?;
    if queries.is_empty() {
        bail!("{} holds no queries", args.queries.display());
    }
    let mut ids = std::collections::BTreeSet::new();
    if let Some(query) = queries.iter().find(|q| !ids.insert(&q.id)) {
        bail!(
            "{}: the id {} is used twice",
            args.queries.display(),
            query.id
        );
    }
    // Read the record before the run: a missing file fails fast.
    let recorded = match &args.record {
        Some(path) => {
            let json = std::fs::read_to_string(path).with_context(|| {
                format!(
                    "reading {} (write it with --write-record {0})",
                    path.display()
                )
            })?;
            Some(Record::parse(&json).with_context(|| format!("parsing {}", path.display()))?)
        }
        None => None,
    };

    let temp;
    let index_dir = match &args.index {
        Some(dir) => dir.clone(),
        None => {
            temp = TempDir::new()?;
            temp.0.clone()
        }
    };
    let (live, _) = index::ensure(&index_dir, library).context("building the index")?;
    let live = signpost::search::Engine::new(live).context("opening the index")?;

    println!(
        "{:<6} {:>7} {:>7} {:>5} {:>6}  query",
        "id", "nDCG@10", "rec@10", "s@1", "total"
    );
    let mut all = Vec::with_capacity(queries.len());
    let mut by_id = BTreeMap::new();
    for query in &queries {
        let outcome = eval::run_query(&live, query);
        print_row(query, &outcome, args.verbose);
        all.push(outcome.scores);
        by_id.insert(query.id.clone(), outcome.scores);
    }
    let overall = Scores::mean(&all);
    println!(
        "{:<6} {:>7.3} {:>7.3} {:>5.2}",
        "all", overall.ndcg, overall.recall, overall.success
    );
    let verdict = match args.min_ndcg {
        Some(min) if overall.ndcg < min => format!("FAIL (below {min:.2})"),
        Some(min) => format!("pass (min {min:.2})"),
        None => "no minimum".to_string(),
    };
    println!(
        "{} queries: nDCG@10 {:.3}, recall@10 {:.3}, success@1 {:.3}: {verdict}",
        queries.len(),
        overall.ndcg,
        overall.recall,
        overall.success
    );
    let mut failed = matches!(args.min_ndcg, Some(min) if overall.ndcg < min);

    let now = Record::new(by_id);
    if let Some(path) = &args.write_record {
        std::fs::write(path, now.to_json())
            .with_context(|| format!("writing {}", path.display()))?;
        println!("wrote the record {}", path.display());
    }
    if let (Some(recorded), Some(path)) = (&recorded, &args.record) {
        let comparison = record::compare(recorded, &now);
        for (id, before, after) in &comparison.moved {
            println!(
                "moved  {id}: nDCG@10 {before:.3} → {after:.3} ({:+.3})",
                after - before
            );
        }
        for failure in &comparison.failures {
            println!("FAIL   {failure}");
        }
        if comparison.passed() {
            println!(
                "record {}: pass (mean nDCG@10 {:.3}, recorded {:.3}; no query more than {} below its record)",
                path.display(),
                now.mean.ndcg,
                recorded.mean.ndcg,
                record::MAX_QUERY_DROP
            );
        } else {
            println!(
                "record {}: FAIL ({} problem(s)); if the change is meant, rewrite the record with --write-record {0} in the same commit (docs/relevance.md)",
                path.display(),
                comparison.failures.len()
            );
            failed = true;
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn print_row(query: &eval::JudgedQuery, outcome: &QueryOutcome, verbose: bool) {
    let params: Vec<String> = query
        .pairs()
        .into_iter()
        .filter(|(k, _)| k != "q" && k != "per_page")
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let mut notes = Vec::new();
    if !params.is_empty() {
        notes.push(params.join("&"));
    }
    if !outcome.interpreted.is_empty() {
        notes.push(format!("read: {}", outcome.interpreted.join(", ")));
    }
    if let Some(corrected) = &outcome.corrected {
        notes.push(format!("as: {corrected:?}"));
    }
    if let Some(error) = &outcome.error {
        notes.push(format!("ERROR {error}"));
    }
    let notes = if notes.is_empty() {
        String::new()
    } else {
        format!("  [{}]", notes.join("; "))
    };
    println!(
        "{:<6} {:>7.3} {:>7.3} {:>5.0} {:>6}  {:?}{notes}",
        query.id,
        outcome.scores.ndcg,
        outcome.scores.recall,
        outcome.scores.success,
        outcome.total,
        query.query,
    );
    if verbose {
        for (rank, id) in outcome.hits.iter().enumerate() {
            println!("         {:>2}. [{}] {id}", rank + 1, query.grade(id));
        }
        let missing: Vec<String> = query
            .relevant
            .iter()
            .filter(|(id, _)| !outcome.hits.contains(id))
            .map(|(id, g)| format!("{id}:{g}"))
            .collect();
        if !missing.is_empty() {
            println!("         missing: {}", missing.join(", "));
        }
    }
}
