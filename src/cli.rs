//! The `signpost` command line: clap definitions and what each command does
//! with the library. The only place besides `main` that uses anyhow.

use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};

use crate::clock::Clock;
use crate::content::{self, ContentError, EntryId, Kind, Library, Severity};
use crate::export::{self, ExportFormat};
use crate::facet::Facet;
use crate::index;
use crate::insights::{self, Recorder, Report, Store};
use crate::links::{self, Cache, CheckOptions, LinkReport, LinkStatus};
use crate::review_queue;
use crate::schema;
use crate::search::{Engine, SearchRequest};
use crate::taxonomy::Taxonomy;
use crate::web;

#[derive(Debug, Parser)]
#[command(
    name = "signpost",
    version,
    about = "A checked, faceted resource bank for schools"
)]
pub struct Cli {
    /// The date to judge "due for review" by (YYYY-MM-DD); the machine's
    /// date when not given.
    #[arg(long, global = true, env = "SIGNPOST_TODAY", value_name = "YYYY-MM-DD")]
    pub today: Option<NaiveDate>,
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
        /// Where privacy-safe search statistics are kept (see
        /// docs/privacy.md).
        #[arg(long, default_value = "data")]
        data: PathBuf,
        /// Days of search statistics kept; older counts are deleted.
        #[arg(long, default_value_t = crate::insights::DEFAULT_RETENTION_DAYS)]
        retention_days: u64,
        /// Also serve Prometheus metrics at /metrics on this address (and
        /// only there, never on --addr).
        #[arg(long, value_name = "HOST:PORT")]
        metrics_addr: Option<String>,
    },
    /// Validate every content file; exit 1 on any error.
    Check {
        #[arg(long, default_value = "content")]
        content: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Treat warnings (due for review, near-duplicates, possibly
        /// un-anonymised case studies) as errors.
        #[arg(long)]
        strict: bool,
        /// Report only files changed since this git revision (and untracked
        /// ones); the whole bank is still loaded for cross-entry rules.
        #[arg(long, value_name = "REV")]
        changed_since: Option<String>,
    },
    /// Write a new entry file with every field present and explained, or
    /// (`signpost new site`) a site.yaml with every setting explained.
    New {
        /// organisation, training, resource, guidance, case-study, or site.
        #[arg(value_parser = parse_new)]
        kind: New,
        /// The entry's permanent id: lowercase words joined by hyphens
        /// (not for `site`).
        id: Option<String>,
        #[arg(long, default_value = "content")]
        content: PathBuf,
    },
    /// Print a JSON Schema of the front matter, with the taxonomy's ids
    /// (or, with --site, of site.yaml).
    Schema {
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// The schema of content/site.yaml instead.
        #[arg(long)]
        site: bool,
    },
    /// Export the bank as JSON, CSV or Open Referral (HSDS 3.0) JSON.
    Export {
        #[arg(long, default_value = "content")]
        content: PathBuf,
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
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
    /// Check every web address in the bank; exit 1 when any is broken.
    Links(LinksArgs),
    /// List the entries due for review, oldest first.
    Review(ReviewArgs),
    /// Report what people search for, from `serve --data` statistics.
    Insights(InsightsArgs),
}

#[derive(Debug, clap::Args)]
pub struct LinksArgs {
    #[arg(long, default_value = "content")]
    content: PathBuf,
    #[arg(long, value_enum, default_value_t = LinksFormat::Human)]
    format: LinksFormat,
    /// Seconds to wait for one answer.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=600))]
    timeout: u64,
    /// Verdicts kept per address and day; a second run on the same day
    /// re-checks only addresses not checked that day.
    #[arg(long, default_value = "data/links.json")]
    cache: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct ReviewArgs {
    #[arg(long, default_value = "content")]
    content: PathBuf,
    /// Also list entries due within this many days.
    #[arg(long, default_value_t = crate::review_queue::DEFAULT_WITHIN_DAYS)]
    within: u64,
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    format: ReportFormat,
    /// The link cache of `signpost links`, for each entry's worst link.
    #[arg(long, default_value = "data/links.json")]
    cache: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct InsightsArgs {
    /// The statistics directory `serve --data` writes.
    #[arg(long, default_value = "data")]
    data: PathBuf,
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    format: ReportFormat,
    /// Days of statistics kept; older counts are deleted.
    #[arg(long, default_value_t = crate::insights::DEFAULT_RETENTION_DAYS)]
    retention_days: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LinksFormat {
    /// `file:line: status code url -> new address (why)` for each link that
    /// needs a look, and counts on standard error.
    Human,
    /// A JSON array of every link: file, line, url, status, code,
    /// redirect_to.
    Json,
    /// GitHub Actions annotations: an error per broken link, a warning per
    /// link that moved or could not be checked.
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Human,
    Json,
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
    /// What the school did (case studies): managed-internally, early-help,
    /// childrens-social-care or police.
    #[arg(long)]
    response: Vec<String>,
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
            (Facet::Response, &self.response),
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
    /// `file:line:col: error: message (suggestion)`, coloured on a terminal.
    Human,
    /// A JSON array of diagnostics.
    Json,
    /// GitHub Actions workflow commands, which annotate a pull request.
    Github,
}

/// What `signpost new` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum New {
    Entry(Kind),
    Site,
}

fn parse_new(text: &str) -> Result<New, String> {
    if text == "site" {
        return Ok(New::Site);
    }
    Kind::from_id(text).map(New::Entry).ok_or_else(|| {
        format!(
            "unknown kind `{text}`: use one of {}, or site",
            Kind::ALL.map(Kind::id).join(", ")
        )
    })
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let clock = Clock::from_option(cli.today);
    let today = clock.today();
    match cli.command {
        Command::Serve {
            content,
            index,
            addr,
            watch,
            metrics_addr,
            data,
            retention_days,
        } => serve(
            &content,
            &index,
            &Listen {
                addr,
                metrics_addr,
                watch,
                data,
                retention_days,
            },
            clock,
        ),
        Command::Check {
            content,
            format,
            strict,
            changed_since,
        } => check(&content, format, strict, changed_since.as_deref(), today),
        Command::New {
            kind: New::Site,
            id,
            content,
        } => new_site(&content, id.as_deref()),
        Command::New {
            kind: New::Entry(kind),
            id,
            content,
        } => {
            let id = id.ok_or_else(|| {
                anyhow::anyhow!("give the new entry's id: signpost new {} ID", kind.id())
            })?;
            new_entry(&content, kind, &id, today)
        }
        Command::Schema { content, site } => print_schema(&content, site),
        Command::Export {
            content,
            format,
            out,
        } => export_command(&content, format, out.as_deref(), today),
        Command::Index { content, index } => build_index(&content, &index, today),
        Command::Search(args) => search_command(&args, today),
        Command::Links(args) => links_command(&args, today),
        Command::Review(args) => review_command(&args, today),
        Command::Insights(args) => insights_command(&args, today),
    }
}

/// Prints every diagnostic; returns exit code 1 when any is an error.
fn check(
    dir: &Path,
    format: Format,
    strict: bool,
    changed_since: Option<&str>,
    today: NaiveDate,
) -> anyhow::Result<ExitCode> {
    let checked = content::load(dir, today);
    let mut diagnostics = checked.diagnostics;
    if let Some(rev) = changed_since {
        let changed = changed_files(dir, rev)?;
        // A taxonomy change can break any entry: then everything counts.
        if !changed.contains(&dir.join("taxonomy.yaml")) {
            diagnostics.retain(|d| changed.contains(&d.file));
        }
    }
    if strict {
        for d in &mut diagnostics {
            d.severity = Severity::Error;
        }
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&diagnostics)?),
        Format::Github => {
            for d in &diagnostics {
                println!("{}", github_annotation(d));
            }
        }
        Format::Human => {
            let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            for d in &diagnostics {
                println!("{}", human(d, colour));
            }
            match (&checked.library, changed_since) {
                (_, Some(rev)) => {
                    eprintln!(
                        "checked files changed since {rev}: {errors} errors, {warnings} warnings"
                    )
                }
                (Some(library), None) => eprintln!(
                    "checked {} entries: {errors} errors, {warnings} warnings",
                    library.entries().len()
                ),
                (None, None) => eprintln!("{errors} errors, {warnings} warnings"),
            }
        }
    }
    Ok(if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Files under `dir` changed since `rev`, or untracked, as `dir`-joined
/// paths comparable with the diagnostics' files.
fn changed_files(dir: &Path, rev: &str) -> anyhow::Result<HashSet<PathBuf>> {
    let git = |args: &[&str]| -> anyhow::Result<Vec<PathBuf>> {
        let output = std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .context("running git")?;
        if !output.status.success() {
            bail!(
                "git {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        Ok(String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| dir.join(l))
            .collect())
    };
    if rev.starts_with('-') {
        bail!("--changed-since: `{rev}` is not a revision");
    }
    let mut changed: HashSet<PathBuf> =
        git(&["diff", "--name-only", "--relative", rev, "--", "."])?
            .into_iter()
            .collect();
    changed.extend(git(&[
        "ls-files",
        "--others",
        "--exclude-standard",
        "--",
        ".",
    ])?);
    Ok(changed)
}

fn human(d: &ContentError, colour: bool) -> String {
    if !colour {
        return d.to_string();
    }
    let (label, code) = match d.severity {
        Severity::Error => ("error", "1;31"),
        Severity::Warning => ("warning", "1;33"),
    };
    let suggestion = d
        .suggestion
        .as_ref()
        .map(|s| format!(" \x1b[2m({s})\x1b[0m"))
        .unwrap_or_default();
    format!(
        "\x1b[1m{}:{}:{}:\x1b[0m \x1b[{code}m{label}:\x1b[0m {}{suggestion}",
        d.file.display(),
        d.line,
        d.column,
        d.message
    )
}

/// A GitHub Actions workflow command: `::error file=…,line=…,col=…::message`.
pub fn github_annotation(d: &ContentError) -> String {
    fn data(s: &str) -> String {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    }
    fn property(s: &str) -> String {
        data(s).replace(':', "%3A").replace(',', "%2C")
    }
    let level = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let message = match &d.suggestion {
        Some(s) => format!("{} ({s})", d.message),
        None => d.message.clone(),
    };
    format!(
        "::{level} file={},line={},col={},title=signpost check::{}",
        property(&d.file.to_string_lossy()),
        d.line,
        d.column,
        data(&message)
    )
}

/// Organisation ids, from the file names, for `provider`.
fn organisation_ids(dir: &Path) -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(dir.join(Kind::Organisation.folder()))
        .map(|d| {
            d.flatten()
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    let stem = name.strip_suffix(".md")?;
                    stem.parse::<EntryId>().ok().map(|id| id.to_string())
                })
                .collect()
        })
        .unwrap_or_default();
    ids.sort();
    ids
}

/// The taxonomy alone, so authoring help works while entries have errors.
fn load_taxonomy(dir: &Path) -> anyhow::Result<Taxonomy> {
    let path = dir.join("taxonomy.yaml");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    Taxonomy::parse(&path, &text).map_err(|errors| {
        for e in &errors {
            eprintln!("{e}");
        }
        anyhow::anyhow!("{} has {} errors", path.display(), errors.len())
    })
}

fn new_entry(dir: &Path, kind: Kind, id: &str, today: NaiveDate) -> anyhow::Result<ExitCode> {
    let id: EntryId = id.parse().map_err(|m: String| anyhow::anyhow!(m))?;
    for other in Kind::ALL {
        let existing = dir.join(other.folder()).join(format!("{id}.md"));
        if existing.exists() {
            bail!(
                "{} already exists; ids are unique across all folders",
                existing.display()
            );
        }
    }
    let taxonomy = load_taxonomy(dir)?;
    let text = schema::entry_template(kind, &taxonomy, &organisation_ids(dir), today);
    let folder = dir.join(kind.folder());
    std::fs::create_dir_all(&folder).with_context(|| format!("creating {}", folder.display()))?;
    let path = folder.join(format!("{id}.md"));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("writing {}", path.display()))?;
    println!("{}", path.display());
    eprintln!(
        "wrote {}: fill in the empty required fields, uncomment the optional ones you need, then run `signpost check`",
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes `site.yaml` with every setting explained; never overwrites one.
fn new_site(dir: &Path, id: Option<&str>) -> anyhow::Result<ExitCode> {
    if let Some(id) = id {
        bail!("`signpost new site` takes no id (got `{id}`): there is one site.yaml");
    }
    let path = dir.join(content::SITE_FILE);
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .with_context(|| format!("creating {} (it may exist already)", path.display()))?;
    file.write_all(schema::site_template().as_bytes())
        .with_context(|| format!("writing {}", path.display()))?;
    println!("{}", path.display());
    eprintln!(
        "wrote {}: set your authority's name, numbers and addresses, then run `signpost check`",
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn print_schema(dir: &Path, site: bool) -> anyhow::Result<ExitCode> {
    if site {
        println!("{}", serde_json::to_string_pretty(&schema::site_schema())?);
        return Ok(ExitCode::SUCCESS);
    }
    let taxonomy = load_taxonomy(dir)?;
    let schema = schema::front_matter_schema(&taxonomy, &organisation_ids(dir));
    println!("{}", serde_json::to_string_pretty(&schema)?);
    Ok(ExitCode::SUCCESS)
}

fn export_command(
    dir: &Path,
    format: ExportFormat,
    out: Option<&Path>,
    today: NaiveDate,
) -> anyhow::Result<ExitCode> {
    let library = load_library(dir, today)?;
    let bytes = export::export(&library, format)?;
    match out {
        Some(path) => {
            std::fs::write(path, &bytes).with_context(|| format!("writing {}", path.display()))?;
            eprintln!("exported to {}", path.display());
        }
        None => match std::io::stdout().lock().write_all(&bytes) {
            // `signpost export … | head` is not a failure.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other.context("writing the export")?,
        },
    }
    Ok(ExitCode::SUCCESS)
}

/// Loads the content or fails listing every error.
fn load_library(dir: &Path, today: NaiveDate) -> anyhow::Result<Library> {
    let checked = content::load(dir, today);
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

fn build_index(content: &Path, index_dir: &Path, today: NaiveDate) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let library = load_library(content, today)?;
    let checked = started.elapsed();
    let n = library.entries().len();
    let version = index::build_and_swap(index_dir, &library).context("building the index")?;
    eprintln!(
        "indexed {n} entries into {} in {:.2?} (checked in {checked:.2?})",
        index_dir.join(&version).display(),
        started.elapsed()
    );
    Ok(ExitCode::SUCCESS)
}

/// The engine for the content: the current index when the content files
/// are those it was built from (no file is read or checked again: `check`
/// and `index` do that); otherwise the content is loaded and checked, and
/// the index rebuilt if the content changed.
fn open_live(content: &Path, index_dir: &Path, today: NaiveDate) -> anyhow::Result<Engine> {
    let live = match index::open_current(index_dir, content) {
        Some(live) => {
            tracing::info!(version = %live.version, "the index is current for the content");
            live
        }
        None => {
            let library = load_library(content, today)?;
            let (live, rebuilt) = index::ensure(index_dir, library).context("opening the index")?;
            if rebuilt {
                tracing::info!(version = %live.version, "built a new index");
            }
            live
        }
    };
    Engine::new(live).context("opening the index")
}

/// Where `serve` listens, and whether it follows the content.
struct Listen {
    addr: String,
    metrics_addr: Option<String>,
    watch: bool,
    /// Where search statistics are kept, and for how many days.
    data: PathBuf,
    retention_days: u64,
}

fn serve(
    content: &Path,
    index_dir: &Path,
    listen: &Listen,
    clock: Clock,
) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    // Before anything is recorded, so the first index's gauges count.
    let metrics = listen
        .metrics_addr
        .as_ref()
        .map(|_| web::metrics::install().map_err(|e| anyhow::anyhow!("metrics: {e}")))
        .transpose()?;
    let live = open_live(content, index_dir, clock.today())?;
    let entries = live.index().len();
    let mut state = web::AppState::new(live, clock);
    let base = state.base_path().to_string();
    // Statistics are worth less than the service: without them it serves.
    let recorder = match Recorder::start(&listen.data, listen.retention_days, clock.today()) {
        Ok(recorder) => Some(Arc::new(recorder)),
        Err(error) => {
            tracing::error!(%error, "search statistics are off");
            None
        }
    };
    if let Some(recorder) = &recorder {
        state = state.with_insights(Arc::clone(recorder));
    }
    let _watch = listen
        .watch
        .then(|| crate::watch::spawn(state.clone(), content, index_dir))
        .transpose()?;
    let runtime = tokio::runtime::Runtime::new().context("starting the runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&listen.addr)
            .await
            .with_context(|| format!("binding {}", listen.addr))?;
        let metrics_server = match (&listen.metrics_addr, metrics) {
            (Some(addr), Some(handle)) => {
                let metrics_listener = tokio::net::TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("binding {addr} for metrics"))?;
                tracing::info!(
                    "metrics on http://{}/metrics",
                    metrics_listener.local_addr()?
                );
                Some(tokio::spawn(
                    axum::serve(metrics_listener, web::metrics::router(handle)).into_future(),
                ))
            }
            _ => None,
        };
        tracing::info!(
            "serving {entries} entries on http://{}{base}/ (ready in {:.0?})",
            listener.local_addr()?,
            started.elapsed()
        );
        let served = axum::serve(listener, web::router(state))
            .with_graceful_shutdown(shutdown_signal())
            .await
            .context("serving");
        if let Some(task) = metrics_server {
            task.abort();
        }
        served
    })?;
    if let Some(recorder) = recorder {
        recorder.close();
    }
    Ok(ExitCode::SUCCESS)
}

/// Ctrl-C, or SIGTERM from a service manager or container runtime.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}

fn search_command(args: &SearchArgs, today: NaiveDate) -> anyhow::Result<ExitCode> {
    let live = open_live(&args.content, &args.index, today)?;
    let request = match SearchRequest::from_pairs(args.pairs(), live.index()) {
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
    let results = live.run(&request)?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&web::search_json(
                &results,
                live.library().site.base_path()
            ))?
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

fn links_command(args: &LinksArgs, today: chrono::NaiveDate) -> anyhow::Result<ExitCode> {
    let library = load_library(&args.content, today)?;
    let found = links::find_links(&args.content, &library)?;
    let mut cache = Cache::load(&args.cache)?;
    let urls: HashSet<String> = found.iter().map(|l| l.url.clone()).collect();
    let mut to_check: Vec<String> = urls
        .iter()
        .filter(|u| cache.checked_on(u, today).is_none())
        .cloned()
        .collect();
    to_check.sort();
    let reused = urls.len() - to_check.len();
    let options = CheckOptions {
        timeout: Duration::from_secs(args.timeout),
        ..CheckOptions::default()
    };
    let runtime = tokio::runtime::Runtime::new().context("starting the runtime")?;
    let verdicts = runtime.block_on(links::check_urls(to_check, &options))?;
    for (url, verdict) in verdicts {
        cache.insert(&url, today, verdict);
    }
    cache.retain(&urls);
    cache.save()?;
    let reports: Vec<LinkReport> = found
        .into_iter()
        .map(|link| {
            let verdict = cache
                .get(&link.url)
                .map(|c| c.verdict.clone())
                .unwrap_or_else(|| links::Verdict {
                    status: LinkStatus::Error,
                    code: None,
                    redirect_to: None,
                    message: Some("not checked".into()),
                });
            LinkReport::new(link, &verdict)
        })
        .collect();
    let count = |status| reports.iter().filter(|r| r.status == status).count();
    match args.format {
        LinksFormat::Json => println!("{}", serde_json::to_string_pretty(&reports)?),
        LinksFormat::Github => {
            for annotation in reports.iter().filter_map(LinkReport::github) {
                println!("{annotation}");
            }
        }
        LinksFormat::Human => {
            for report in reports.iter().filter(|r| r.status != LinkStatus::Ok) {
                println!("{}", report.human());
            }
        }
    }
    eprintln!(
        "checked {} links to {} addresses ({reused} from today's cache): {} ok, {} redirects, {} errors, {} broken",
        reports.len(),
        urls.len(),
        count(LinkStatus::Ok),
        count(LinkStatus::Redirect),
        count(LinkStatus::Error),
        count(LinkStatus::Broken),
    );
    Ok(if count(LinkStatus::Broken) > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn review_command(args: &ReviewArgs, today: chrono::NaiveDate) -> anyhow::Result<ExitCode> {
    let library = load_library(&args.content, today)?;
    let mut due = review_queue::queue(&library, &args.content, today, args.within);
    if let Some(cache) = Cache::load_existing(&args.cache)? {
        review_queue::add_link_status(&mut due, &cache);
    }
    match args.format {
        ReportFormat::Json => println!("{}", serde_json::to_string_pretty(&due)?),
        ReportFormat::Human => {
            for d in &due {
                println!("{}", review_queue::human(d, today));
            }
            eprintln!(
                "{} entries due for review by {} ({} overdue)",
                due.len(),
                today
                    .checked_add_days(chrono::Days::new(args.within))
                    .unwrap_or(today),
                due.iter().filter(|d| d.overdue).count()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn insights_command(args: &InsightsArgs, today: chrono::NaiveDate) -> anyhow::Result<ExitCode> {
    let report = match Store::open_existing(&args.data)? {
        Some(mut store) => {
            store.purge(today, args.retention_days)?;
            store.report(today, &insights::REPORT_WINDOWS)?
        }
        None => {
            eprintln!(
                "no search statistics in {} yet (serve --data writes them)",
                args.data.display()
            );
            Report::empty(today, &insights::REPORT_WINDOWS)
        }
    };
    match args.format {
        ReportFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        ReportFormat::Human => print!("{}", report.human()),
    }
    Ok(ExitCode::SUCCESS)
}
