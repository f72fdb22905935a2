//! Writes a synthetic bank of any size for benchmarks and tests: the
//! shipped taxonomy plus generated entries that all pass `signpost check`.
//!
//! ```text
//! signpost-corpus --entries 10000 --out /tmp/corpus [--seed 1] [--check]
//! signpost serve --content /tmp/corpus --index /tmp/corpus-index
//! ```

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use chrono::NaiveDate;
use clap::Parser;

use signpost::content;
use signpost_tools::corpus::{self, Options, Source};

#[derive(Debug, Parser)]
#[command(
    name = "signpost-corpus",
    about = "Generate a synthetic Signpost bank (benchmarks, load tests, tests)"
)]
struct Args {
    /// How many entries to write, spread over the five kinds.
    #[arg(long, default_value_t = 10_000)]
    entries: usize,
    /// The directory to write (taxonomy.yaml and the kind folders); its
    /// kind folders are replaced.
    #[arg(long)]
    out: PathBuf,
    /// Seed of the pseudo-random choices: same seed, same corpus.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The bank whose taxonomy is copied and whose words are used.
    #[arg(long, default_value = "content")]
    content: PathBuf,
    /// The day review dates count back from (default: today, UTC).
    #[arg(long)]
    today: Option<NaiveDate>,
    /// Load and check the written corpus, as `signpost check` does.
    #[arg(long)]
    check: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let today = args
        .today
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let started = Instant::now();
    let source = match Source::from_content_dir(&args.content) {
        Ok(source) => source,
        Err(e) => {
            eprintln!("error: reading {}: {e}", args.content.display());
            return ExitCode::from(2);
        }
    };
    let options = Options::new(args.entries, args.seed, today);
    let written = match corpus::generate(&source, &options, &args.out) {
        Ok(written) => written,
        Err(e) => {
            eprintln!("error: writing {}: {e}", args.out.display());
            return ExitCode::from(2);
        }
    };
    let [organisations, training, resources, guidance, case_studies] = written.per_kind;
    println!(
        "wrote {} entries ({organisations} organisations, {training} training, {resources} resources, {guidance} guidance, {case_studies} case studies; {:.1} MB) to {} in {:.2?}",
        written.total(),
        written.bytes as f64 / 1e6,
        args.out.display(),
        started.elapsed()
    );
    if args.check {
        let started = Instant::now();
        let checked = content::load(&args.out, today);
        let errors = checked.error_count();
        let warnings = checked.diagnostics.len() - errors;
        for d in checked.diagnostics.iter().filter(|d| d.is_error()).take(20) {
            eprintln!("{d}");
        }
        println!(
            "checked in {:.2?}: {errors} errors, {warnings} warnings",
            started.elapsed()
        );
        if errors > 0 {
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
