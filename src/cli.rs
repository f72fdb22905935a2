//! The `signpost` command line: clap definitions and what each command does
//! with the library. The only place besides `main` that uses anyhow.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand, ValueEnum};

use crate::content::{self, Library};
use crate::facet::Facet;
use crate::index;
use crate::search::{self, SearchRequest};
use crate::web;

#[derive(Debug, Parser)]
#[command(
    name = "signpost",
    version,
    about = "A checked, faceted resource bank for schools"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the content, build the index if it is missing or stale, and serve.
    Serve {
        #[arg(long, default_value = "content")]
        content: PathBuf,
        #[arg(long, default_value = "index")]
        index: PathBuf,
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// Follow edits to the content: re-check, re-index and swap live.
        #[arg(long)]
        watch: bool,
    },
    /// Validate every content file; exit 1 on any error.
    Check {
        #[arg(long, default_value = "content")]
        content: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Build the index into a new directory and swap it in atomically.
    Index {
        #[arg(long, default_value = "content")]
        content: PathBuf,
        #[arg(long, default_value = "index")]
        index: PathBuf,
    },
    /// Search from the terminal, with the same filters as the API.
    Search(Box<SearchArgs>),
}

#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// The search text (may be empty to list everything).
    #[arg(default_value = "")]
    query: String,
    #[arg(long, default_value = "content")]
    content: PathBuf,
    #[arg(long, default_value = "index")]
    index: PathBuf,
    /// Filters as in the API; repeat one to OR its values.
    #[arg(long)]
    kind: Vec<String>,
    #[arg(long)]
    topic: Vec<String>,
    #[arg(long)]
    sector: Vec<String>,
    #[arg(long)]
    ability: Vec<String>,
    #[arg(long)]
    audience: Vec<String>,
    #[arg(long)]
    area: Vec<String>,
    #[arg(long)]
    cost: Vec<String>,
    #[arg(long)]
    format: Vec<String>,
    #[arg(long = "key-stage")]
    key_stage: Vec<String>,
    #[arg(long)]
    age: Option<String>,
    #[arg(long)]
    year: Option<String>,
    #[arg(long)]
    sort: Option<String>,
    #[arg(long)]
    page: Option<String>,
    #[arg(long = "per-page")]
    per_page: Option<String>,
    /// Print the API's JSON instead of a list.
    #[arg(long)]
    json: bool,
}

impl SearchArgs {
    /// The same (name, value) pairs a URL query string would give.
    fn pairs(&self) -> Vec<(String, String)> {
        let facets = [
            (Facet::Kind, &self.kind),
            (Facet::Topic, &self.topic),
            (Facet::Sector, &self.sector),
            (Facet::Ability, &self.ability),
            (Facet::Audience, &self.audience),
            (Facet::Area, &self.area),
            (Facet::Cost, &self.cost),
            (Facet::Format, &self.format),
            (Facet::KeyStage, &self.key_stage),
        ];
        let single = [
            ("age", &self.age),
            ("year", &self.year),
            ("sort", &self.sort),
            ("page", &self.page),
            ("per_page", &self.per_page),
        ];
        std::iter::once(("q".to_string(), self.query.clone()))
            .chain(facets.into_iter().flat_map(|(f, values)| {
                values
                    .iter()
                    .map(move |v| (f.param().to_string(), v.clone()))
            }))
            .chain(
                single
                    .into_iter()
                    .filter_map(|(k, v)| v.clone().map(|v| (k.to_string(), v))),
            )
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve {
            content,
            index,
            addr,
            watch,
        } => serve(&content, &index, &addr, watch),
        Command::Check { content, format } => Ok(check(&content, format)),
        Command::Index { content, index } => build_index(&content, &index),
        Command::Search(args) => search_command(&args),
    }
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Prints every diagnostic; returns exit code 1 when any is an error.
fn check(dir: &Path, format: Format) -> ExitCode {
    let checked = content::load(dir, today());
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&checked.diagnostics).unwrap_or_default()
        ),
        Format::Human => {
            for d in &checked.diagnostics {
                println!("{d}");
            }
            let errors = checked.error_count();
            let warnings = checked.diagnostics.len() - errors;
            match &checked.library {
                Some(library) => eprintln!(
                    "checked {} entries: {errors} errors, {warnings} warnings",
                    library.entries().len()
                ),
                None => eprintln!("{errors} errors, {warnings} warnings"),
            }
        }
    }
    if checked.error_count() > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Loads the content or fails listing every error.
fn load_library(dir: &Path) -> anyhow::Result<Library> {
    let checked = content::load(dir, today());
    if let Some(library) = checked.library {
        return Ok(library);
    }
    for d in checked.diagnostics.iter().filter(|d| d.is_error()) {
        eprintln!("{d}");
    }
    bail!(
        "{} has {} errors; fix them (see `signpost check`)",
        dir.display(),
        checked.error_count()
    )
}

fn build_index(content: &Path, index_dir: &Path) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let library = load_library(content)?;
    let n = library.entries().len();
    let version = index::build_and_swap(index_dir, &library).context("building the index")?;
    eprintln!(
        "indexed {n} entries into {} in {:.2?}",
        index_dir.join(&version).display(),
        started.elapsed()
    );
    Ok(ExitCode::SUCCESS)
}

fn open_live(content: &Path, index_dir: &Path) -> anyhow::Result<index::LiveIndex> {
    let library = load_library(content)?;
    let (live, rebuilt) = index::ensure(index_dir, library).context("opening the index")?;
    if rebuilt {
        tracing::info!(version = %live.version, "built a new index");
    }
    Ok(live)
}

fn serve(content: &Path, index_dir: &Path, addr: &str, watch: bool) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let live = open_live(content, index_dir)?;
    let entries = live.len();
    let state = web::AppState::new(live);
    let _watch = watch
        .then(|| crate::watch::spawn(state.clone(), content, index_dir))
        .transpose()?;
    let runtime = tokio::runtime::Runtime::new().context("starting the runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("binding {addr}"))?;
        tracing::info!(
            "serving {entries} entries on http://{} (ready in {:.0?})",
            listener.local_addr()?,
            started.elapsed()
        );
        axum::serve(listener, web::router(state))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
                tracing::info!("shutting down");
            })
            .await
            .context("serving")
    })?;
    Ok(ExitCode::SUCCESS)
}

fn search_command(args: &SearchArgs) -> anyhow::Result<ExitCode> {
    let live = open_live(&args.content, &args.index)?;
    let request = match SearchRequest::from_pairs(args.pairs(), &live) {
        Ok(request) => request,
        Err(e) => {
            let hint = e
                .did_you_mean
                .map(|d| format!(" (did you mean `{d}`?)"))
                .unwrap_or_default();
            eprintln!(
                "error: --{}: {}{hint}",
                e.param.replace('_', "-"),
                e.message
            );
            return Ok(ExitCode::from(2));
        }
    };
    let results = search::run(&live, &request).map_err(|e| anyhow::anyhow!("{e}"))?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&web::search_json(&results))?
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{} results (page {} of {})",
        results.total,
        results.page,
        results.pages()
    );
    for hit in &results.hits {
        let e = hit.entry;
        println!(
            "\n{} [{}] {}  ({})",
            e.title,
            e.kind.id(),
            e.id,
            e.ages.describe()
        );
        println!("  {}", e.summary);
        if let Some(phone) = e.contact.as_ref().and_then(|c| c.phone.as_deref()) {
            println!("  phone: {phone}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
