use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use signpost::cli::{Cli, run};

// Loading and indexing a bank allocates millions of small strings on two
// threads; mimalloc does that with less contention than the system
// allocator (docs/benchmarks.md). `no_thp` because asking for huge pages
// made each start zero whole 2 MB pages it barely used.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tantivy=warn".into()),
        )
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, not in log files.
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
