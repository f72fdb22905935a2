//! Loading the bank: `taxonomy.yaml` and every `<folder>/<id>.md`, checked
//! as a whole. [`load`] returns a [`Library`] only when there is no error;
//! either way it returns every diagnostic it found, so `signpost check`
//! shows all of them in one run.
//!
//! Files are read, hashed and parsed in parallel; cross-entry rules run
//! after, in file order, so the diagnostics do not depend on the threads.
//! An index version keeps a snapshot of the library it was built from
//! (`snapshot`), with the stamps of the files it was read from (`stamps`),
//! so a server can open a current index without checking every file again.

mod bodies;
mod entry;
mod front_matter;
mod markdown;
pub mod review;
pub mod site;
mod snapshot;
pub mod stamps;
mod words;

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use rayon::prelude::*;

pub use crate::diagnostic::{ContentError, LineIndex, Severity};
pub use entry::{
    AgeRange, Body, Contact, Entry, EntryId, Kind, MAX_AGE, QualityAssured, SafeHtml, Source,
};
pub use front_matter::{
    CASE_STUDY_FIELDS, CASE_STUDY_SECTIONS, CONTACT_FIELDS, FIELDS, MAX_SUMMARY_CHARS, REQUIRED,
    Rules, SOURCE_FIELDS, check_url, is_email, is_uk_phone,
};
/// Where the front matter ends and the body starts, for tools that point
/// at lines of an entry file (the link checker).
pub use front_matter::{Split, split as split_front_matter};
pub use site::{SITE_FILE, Site};
pub use snapshot::{read_stamps, write_stamps};
pub use stamps::{Freshness, Stamps};
pub use words::{Words, count_words, is_acronym};

use crate::taxonomy::{Taxonomy, suggest};
use bodies::Bodies;
use words::Tally;

/// What makes one build of this program differ from another: a snapshot or
/// an index made by another build is not trusted (the checks, the entry
/// fields or the index schema may differ). Set by `build.rs`.
const BUILD: &str = env!("SIGNPOST_BUILD");

/// A checked bank: the taxonomy and every entry in [`entry_order`], with the
/// bank's words; bodies in memory after [`load`], or read from an index
/// version's body file when opened from its snapshot.
#[derive(Debug)]
pub struct Library {
    pub taxonomy: Taxonomy,
    /// `taxonomy.yaml` as written, for the snapshot.
    taxonomy_source: String,
    /// In [`entry_order`].
    entries: Vec<Entry>,
    /// Where each id is in `entries`.
    ords: Ords,
    bodies: Bodies,
    /// Every word of the titles, summaries and bodies, counted when first
    /// asked for (building an index needs them; checking does not).
    words: OnceLock<Words>,
    /// The ords of the entries naming each entry as provider, by its ord,
    /// gathered when first asked for.
    provided: OnceLock<rustc_hash::FxHashMap<u32, Vec<u32>>>,
    /// The settings of `site.yaml` (the defaults without one).
    pub site: Arc<Site>,
    /// `site.yaml` as written, for the snapshot (`None` without one).
    site_source: Option<String>,
    /// Changes whenever any content file (or this program's build) does.
    /// It hashes each file's path relative to the content directory and its
    /// bytes, nothing of the machine: replicas serving the same commit agree.
    pub fingerprint: String,
    /// The files it was read from, when read from a directory.
    pub stamps: Option<Stamps>,
}

impl Library {
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry's position in [`Library::entries`] (its ord).
    pub fn ord(&self, id: &str) -> Option<usize> {
        self.ords.find(&self.entries, id)
    }

    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.ord(id).map(|i| &self.entries[i])
    }

    /// The ords of the entries that name the entry at `ord` as their
    /// provider, in order. Gathered once, in one pass over the entries:
    /// looking through every entry for each organisation's made the Open
    /// Referral lists take seconds at 100,000 entries.
    pub fn provided_by(&self, ord: usize) -> &[u32] {
        let provided = self.provided.get_or_init(|| {
            let mut provided = rustc_hash::FxHashMap::<u32, Vec<u32>>::default();
            for (ord, entry) in self.entries.iter().enumerate() {
                let provider = entry.provider.as_ref().and_then(|p| self.ord(p.as_str()));
                if let (Some(provider), Ok(ord)) = (provider, u32::try_from(ord)) {
                    provided.entry(provider as u32).or_default().push(ord);
                }
            }
            provided
        });
        u32::try_from(ord)
            .ok()
            .and_then(|ord| provided.get(&ord))
            .map_or(&[], Vec::as_slice)
    }

    /// The plain text of the body of the entry at `ord`: read from the
    /// index version's body file unless the bank was just loaded.
    pub fn body_text(&self, ord: usize) -> std::io::Result<Cow<'_, str>> {
        self.bodies.text(ord)
    }

    /// Every word of the titles, summaries and bodies, lowercased and
    /// counted (in parallel, the first time).
    pub fn words(&self) -> &Words {
        self.words.get_or_init(|| {
            (0..self.entries.len())
                .into_par_iter()
                .fold(Tally::default, |mut tally, ord| {
                    let entry = &self.entries[ord];
                    tally.add(&entry.title);
                    tally.add(&entry.summary);
                    // An unreadable body file surfaces where bodies are read.
                    if let Ok(text) = self.bodies.text(ord) {
                        tally.add(&text);
                    }
                    tally
                })
                .reduce(Tally::default, Tally::merge)
                .finish()
        })
    }

    /// The sanitised HTML of the body of the entry at `ord`, rendered
    /// from its Markdown when a page shows it: rendering and sanitising
    /// every body when a bank is loaded was a quarter of `check` and of
    /// `index`, for HTML that only an entry page (or an export) shows.
    pub fn body_html(&self, ord: usize) -> std::io::Result<SafeHtml> {
        let markdown = self.bodies.markdown(ord)?;
        Ok(markdown::render(&markdown, self.site.base_path()))
    }

    /// A library of entries without bodies and with no words counted, for
    /// tests of what reads only the entries.
    pub fn from_entries(
        taxonomy: Taxonomy,
        mut entries: Vec<Entry>,
        fingerprint: String,
    ) -> Library {
        entries.sort_by(|a, b| entry_order(a).cmp(&entry_order(b)));
        let bodies = entries
            .iter()
            .map(|_| Body {
                markdown: String::new(),
                text: String::new(),
            })
            .collect();
        Library::assemble(
            (taxonomy, String::new()),
            (Site::default(), None),
            entries,
            Bodies::Memory(bodies),
            OnceLock::from(Words::default()),
            fingerprint,
            None,
        )
    }

    /// Puts the parts together: the taxonomy and the site settings each
    /// with the text they were read from; `entries` must be in [`entry_order`],
    /// with their bodies in the same order.
    fn assemble(
        (taxonomy, taxonomy_source): (Taxonomy, String),
        site: (Site, Option<String>),
        entries: Vec<Entry>,
        bodies: Bodies,
        words: OnceLock<Words>,
        fingerprint: String,
        stamps: Option<Stamps>,
    ) -> Library {
        Library {
            taxonomy,
            taxonomy_source,
            ords: Ords::new(&entries),
            entries,
            bodies,
            words,
            provided: OnceLock::new(),
            site: Arc::new(site.0),
            site_source: site.1,
            fingerprint,
            stamps,
        }
    }
}

/// Each entry's ord by a hash of its id. A page of hits looks up each
/// hit's provider: a binary search over 100,000 entries read a different
/// entry, and its id elsewhere again, at each of its 17 steps (3% of a
/// text search's time); a probe here reads one entry.
#[derive(Debug)]
struct Ords(rustc_hash::FxHashMap<u64, u32>);

/// Stands for the ords of two ids with the same hash: those are found by
/// a scan, as rare as such a pair is.
const SHARED_HASH: u32 = u32::MAX;

impl Ords {
    fn new(entries: &[Entry]) -> Ords {
        let mut ords = rustc_hash::FxHashMap::default();
        ords.reserve(entries.len());
        for (ord, entry) in entries.iter().enumerate() {
            let ord = u32::try_from(ord).unwrap_or(SHARED_HASH);
            ords.entry(hash(entry.id.as_str()))
                .and_modify(|shared| *shared = SHARED_HASH)
                .or_insert(ord);
        }
        Ords(ords)
    }

    /// The ord of the entry with this id in `entries` (as given to
    /// [`Ords::new`]).
    fn find(&self, entries: &[Entry], id: &str) -> Option<usize> {
        match *self.0.get(&hash(id))? {
            SHARED_HASH => entries.iter().position(|e| e.id.as_str() == id),
            ord => Some(ord as usize).filter(|&ord| entries[ord].id.as_str() == id),
        }
    }
}

/// The order of a library's entries, which numbers them (their ords): by
/// kind, then by id. Kind first because facet counting reads only the
/// stretch of a bitset over ords that holds any entry, and a search
/// narrowed to one kind, or a value that one kind of entry has, is then one
/// stretch of the bank (`search::facets`).
pub fn entry_order(entry: &Entry) -> (crate::taxonomy::Kind, &str) {
    (entry.kind, entry.id.as_str())
}

fn hash(id: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(id)
}

/// The outcome of checking a content directory.
#[derive(Debug)]
pub struct Checked {
    /// Present exactly when there are no errors.
    pub library: Option<Library>,
    /// Errors and warnings, ordered by file and line.
    pub diagnostics: Vec<ContentError>,
}

impl Checked {
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
}

const TAXONOMY_FILE: &str = "taxonomy.yaml";

/// Reads and checks a content directory by the SPEC's rules. `today`
/// decides which entries are due for review.
pub fn load(dir: &Path, today: NaiveDate) -> Checked {
    load_with(dir, today, Rules::default())
}

/// Runs `work` (which reads or stats every file of a bank) in a pool of
/// more threads than cores. When the files are not in the page cache (after
/// a boot, or on a machine that reclaims cold pages) each read waits on the
/// disk, and a thread a core leaves the cores idle: checking a
/// 100,000-entry bank took 11.4 s from a cold cache with 2 threads and
/// 6.8 s with 8. With the files cached the extra threads cost nothing
/// measurable (3.9 s and 3.8 s).
fn with_file_pool<R: Send>(work: impl FnOnce() -> R + Send) -> R {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    let pool = POOL.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        rayon::ThreadPoolBuilder::new()
            .num_threads((4 * cores).max(FILE_THREADS))
            .thread_name(|i| format!("signpost-files-{i}"))
            .build()
            .ok()
    });
    match pool {
        Some(pool) => pool.install(work),
        // Without threads to spare, the shared pool reads them.
        None => work(),
    }
}

/// Fewest threads reading files (see [`with_file_pool`]).
const FILE_THREADS: usize = 8;

/// [`load`] with other [`Rules`].
pub fn load_with(dir: &Path, today: NaiveDate, rules: Rules) -> Checked {
    let mut diagnostics = Vec::new();
    // Every file is stamped before it is read, so an edit made after its
    // read shows as a changed stamp (see `stamps`).
    let scanned_at = stamps::now_nanos();
    let listing = match stamps::list(dir) {
        Ok(listing) => Some(listing),
        Err(e) => {
            diagnostics.push(ContentError::new(
                dir,
                1,
                1,
                format!("cannot list the content directory: {e}"),
            ));
            None
        }
    };
    let mut hashes: HashMap<PathBuf, u64> = HashMap::new();
    let site = read_site(dir, &mut hashes, &mut diagnostics);

    let taxonomy_path = dir.join(TAXONOMY_FILE);
    let taxonomy = match std::fs::read_to_string(&taxonomy_path) {
        Ok(text) => {
            hashes.insert(taxonomy_path.clone(), stamps::hash_bytes(text.as_bytes()));
            Taxonomy::parse(&taxonomy_path, &text)
                .map_err(|errors| diagnostics.extend(errors))
                .ok()
                .map(|taxonomy| (taxonomy, text))
        }
        Err(e) => {
            diagnostics.push(ContentError::new(
                &taxonomy_path,
                1,
                1,
                format!("cannot read the taxonomy: {e}"),
            ));
            None
        }
    };
    let files = listing
        .as_deref()
        .map(|listing| entry_files(listing, &mut diagnostics))
        .unwrap_or_default();
    let mut parsed = Vec::with_capacity(files.len());
    let mut texts = Vec::with_capacity(files.len());
    if let Some((taxonomy, _)) = &taxonomy {
        let read: Vec<Read> = with_file_pool(|| {
            (files.par_iter())
                .map(|(path, kind)| {
                    let parsing = Parsing { taxonomy, rules };
                    read_entry(path, *kind, parsing)
                })
                .collect()
        });
        let mut seen: HashMap<EntryId, PathBuf> = HashMap::new();
        for ((path, _), read) in files.into_iter().zip(read) {
            diagnostics.extend(read.diagnostics);
            if let Some(hash) = read.hash {
                hashes.insert(path.clone(), hash);
            }
            let Some((mut entry, text)) = read.parsed else {
                continue;
            };
            if let Some(first) = seen.get(&entry.entry.id) {
                diagnostics.push(ContentError::new(
                    &path,
                    1,
                    1,
                    format!("duplicate id `{}`: also used by {}", entry.entry.id, first.display()),
                ).with_help("ids are permanent URLs and must be unique across all folders; rename one file"));
                continue;
            }
            diagnostics.append(&mut entry.warnings);
            seen.insert(entry.entry.id.clone(), path.clone());
            parsed.push((path, entry));
            texts.push(text);
        }
        check_providers(&parsed, &mut diagnostics);
        check_review_dates(&parsed, today, &mut diagnostics);
        let reviewed: Vec<review::Reviewed<'_>> = parsed
            .iter()
            .zip(&texts)
            .map(|((path, p), text)| review::Reviewed {
                path,
                entry: &p.entry,
                text,
            })
            .collect();
        review::review(&reviewed, &mut diagnostics);
    }
    drop(texts);
    let stamps = listing.and_then(|listing| stamp(listing, &hashes, scanned_at));
    diagnostics.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    let has_errors = diagnostics.iter().any(ContentError::is_error);
    let library = match (taxonomy, site, stamps, has_errors) {
        (Some((taxonomy, source)), Some(site), Some(stamps), false) => {
            let mut parsed: Vec<front_matter::Parsed> =
                parsed.into_iter().map(|(_, p)| p).collect();
            parsed.sort_by(|a, b| entry_order(&a.entry).cmp(&entry_order(&b.entry)));
            let (entries, bodies) = parsed.into_iter().map(|p| (p.entry, p.body)).unzip();
            Some(Library::assemble(
                (taxonomy, source),
                site,
                entries,
                Bodies::Memory(bodies),
                OnceLock::new(),
                stamps.fingerprint(),
                Some(stamps),
            ))
        }
        _ => None,
    };
    Checked {
        library,
        diagnostics,
    }
}

/// The listing's stamps with the hash of each file: those the loader read
/// are hashed already; the others (a README, stray files) are read here,
/// except what is not a regular file (a pipe would never end). `None` when
/// a file cannot be read.
fn stamp(
    listing: Vec<stamps::Listed>,
    hashes: &HashMap<PathBuf, u64>,
    scanned_at: i64,
) -> Option<Stamps> {
    let files = (listing.into_iter())
        .map(
            |stamps::Listed {
                 mut stamp,
                 path,
                 regular,
             }| {
                if regular {
                    stamp.hash = match hashes.get(&path) {
                        Some(&hash) => hash,
                        None => stamps::hash_bytes(&std::fs::read(&path).ok()?),
                    };
                }
                Some(stamp)
            },
        )
        .collect::<Option<_>>()?;
    Some(Stamps { scanned_at, files })
}

/// Every `<folder>/<file>.md` under the kind folders, from the content
/// directory's listing (no folder is read twice), kind folders in name
/// order and each one's files in name order. Stray files and folders are
/// reported rather than silently skipped.
fn entry_files(
    listing: &[stamps::Listed],
    diagnostics: &mut Vec<ContentError>,
) -> Vec<(PathBuf, Kind)> {
    let mut top = Vec::new();
    let mut inside: HashMap<&str, Vec<&stamps::Listed>> = HashMap::new();
    for item in listing {
        match item.stamp.path.split_once('/') {
            None => top.push(item),
            // Deeper items are not entries; their folder is reported.
            Some((folder, name)) if !name.contains('/') => {
                inside.entry(folder).or_default().push(item);
            }
            Some(_) => {}
        }
    }
    let mut files = Vec::new();
    for item in top {
        let name = item.stamp.path.as_str();
        match Kind::ALL.into_iter().find(|k| k.folder() == name) {
            Some(kind) if item.stamp.dir => {
                let found = inside.remove(name).unwrap_or_default();
                files.extend(
                    found
                        .into_iter()
                        .filter_map(|file| entry_file(file, kind, diagnostics)),
                );
            }
            _ if !item.stamp.dir
                && (name == TAXONOMY_FILE
                    || name == SITE_FILE
                    || name.eq_ignore_ascii_case("README.md")) => {}
            _ => {
                let folders = Kind::ALL.map(Kind::folder);
                diagnostics.push(
                    ContentError::new(&item.path, 1, 1, format!("`{name}` is not an entry folder"))
                        .with_help(match suggest(name, folders.iter().map(|f| (*f, *f))) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => format!("entries live in {}", folders.join(", ")),
                        }),
                );
            }
        }
    }
    files
}

/// An item of a kind folder, if it is an entry file.
fn entry_file(
    item: &stamps::Listed,
    kind: Kind,
    diagnostics: &mut Vec<ContentError>,
) -> Option<(PathBuf, Kind)> {
    if item.path.extension().is_some_and(|e| e == "md") && item.regular {
        Some((item.path.clone(), kind))
    } else {
        diagnostics.push(
            ContentError::new(&item.path, 1, 1, "not an entry file")
                .with_help("entries are Markdown files named `<id>.md`"),
        );
        None
    }
}

/// `site.yaml`, checked, and its text; the defaults when there is none.
/// `None` when it has errors (they are in `diagnostics`).
fn read_site(
    dir: &Path,
    hashes: &mut HashMap<PathBuf, u64>,
    diagnostics: &mut Vec<ContentError>,
) -> Option<(Site, Option<String>)> {
    let path = dir.join(SITE_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Some((Site::default(), None)),
        Err(e) => {
            diagnostics.push(ContentError::new(
                &path,
                1,
                1,
                format!("cannot read the site settings: {e}"),
            ));
            return None;
        }
    };
    hashes.insert(path.clone(), stamps::hash_bytes(text.as_bytes()));
    site::parse(&path, &text)
        .map_err(|errors| diagnostics.extend(errors))
        .ok()
        .map(|site| (site, Some(text)))
}

/// An entry's file relative to the content directory, with `/` between
/// parts: what `edit_url`'s `{path}` stands for.
pub fn relative_path(kind: Kind, id: &EntryId) -> String {
    format!("{}/{id}.md", kind.folder())
}

/// One file read, hashed and parsed, with its problems.
struct Read {
    parsed: Option<(front_matter::Parsed, String)>,
    hash: Option<u64>,
    diagnostics: Vec<ContentError>,
}

/// How every entry file is parsed: the rules and the site's path, which
/// prefixes the links in bodies.
#[derive(Clone, Copy)]
struct Parsing<'a> {
    taxonomy: &'a Taxonomy,
    rules: Rules,
}

fn read_entry(path: &Path, kind: Kind, parsing: Parsing<'_>) -> Read {
    let mut read = Read {
        parsed: None,
        hash: None,
        diagnostics: Vec::new(),
    };
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let id = match stem.parse::<EntryId>() {
        Ok(id) => id,
        Err(message) => {
            read.diagnostics.push(ContentError::new(
                path,
                1,
                1,
                format!("bad file name: {message}"),
            ));
            return read;
        }
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            read.diagnostics.push(ContentError::new(
                path,
                1,
                1,
                format!("cannot read the file: {e}"),
            ));
            return read;
        }
    };
    read.hash = Some(stamps::hash_bytes(text.as_bytes()));
    let Parsing { taxonomy, rules } = parsing;
    match front_matter::parse(path, id, kind, &text, taxonomy, rules) {
        Ok(parsed) => read.parsed = Some((parsed, text)),
        Err(errors) => read.diagnostics = errors,
    }
    read
}

/// How many unknown providers a check suggests an organisation for. Each
/// suggestion compares the id with every organisation's (about a fifth of
/// a second at 15,000 organisations), and renaming organisations can leave
/// thousands of entries naming the old ids: a check must still finish.
const PROVIDER_SUGGESTIONS: usize = 10;

fn check_providers(
    parsed: &[(PathBuf, front_matter::Parsed)],
    diagnostics: &mut Vec<ContentError>,
) {
    let kinds: HashMap<&EntryId, Kind> = parsed
        .iter()
        .map(|(_, p)| (&p.entry.id, p.entry.kind))
        .collect();
    let organisations = parsed
        .iter()
        .filter(|(_, p)| p.entry.kind == Kind::Organisation)
        .map(|(_, p)| (p.entry.id.as_str(), p.entry.id.as_str()));
    let mut suggestions_left = PROVIDER_SUGGESTIONS;
    for (path, p) in parsed {
        let Some(provider) = &p.entry.provider else {
            continue;
        };
        let (line, column) = p.provider_at;
        match kinds.get(provider) {
            Some(Kind::Organisation) => {}
            Some(kind) => diagnostics.push(ContentError::new(
                path,
                line,
                column,
                format!(
                    "provider `{provider}` is a {} entry, not an organisation",
                    kind.id()
                ),
            )),
            None => {
                let error = ContentError::new(
                    path,
                    line,
                    column,
                    format!("provider `{provider}` is not an organisation entry"),
                );
                let suggestion = (suggestions_left > 0)
                    .then(|| suggest(provider.as_str(), organisations.clone()))
                    .flatten();
                suggestions_left = suggestions_left.saturating_sub(1);
                diagnostics.push(error.with_suggestion(suggestion));
            }
        }
    }
}

fn check_review_dates(
    parsed: &[(PathBuf, front_matter::Parsed)],
    today: NaiveDate,
    diagnostics: &mut Vec<ContentError>,
) {
    for (path, p) in parsed {
        if p.entry.is_due_for_review(today) {
            diagnostics.push(
                ContentError::new(
                    path,
                    1,
                    1,
                    format!("due for review since {}", p.entry.review_due),
                )
                .with_help(
                    "check the entry against its source, then update `reviewed` and `review_due`",
                )
                .warning(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_read_by_more_threads_than_cores() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let threads = with_file_pool(rayon::current_num_threads);
        assert!(threads >= FILE_THREADS && threads > cores, "{threads}");
    }

    #[test]
    fn an_entry_is_found_by_its_id_and_only_by_it() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small/content");
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let mut library = load(&dir, today).library.expect("the fixture is valid");
        let ids: Vec<String> = (library.entries.iter()).map(|e| e.id.to_string()).collect();
        assert!(ids.len() > 5, "{}", ids.len());
        let found = |library: &Library| -> Vec<Option<usize>> {
            ids.iter().map(|id| library.ord(id)).collect()
        };
        let every: Vec<Option<usize>> = (0..ids.len()).map(Some).collect();
        assert_eq!(found(&library), every);
        for missing in ["", "nosuch-entry", &format!("{}x", ids[0]), &ids[1][1..]] {
            assert_eq!(library.ord(missing), None, "{missing:?}");
        }
        // Ids whose hashes collide are found by a scan.
        for ord in library.ords.0.values_mut() {
            *ord = SHARED_HASH;
        }
        assert_eq!(found(&library), every);
        assert_eq!(library.ord("nosuch-entry"), None);
    }

    /// Every entry's providees, on a generated bank (500 entries over the
    /// shipped taxonomy, most training and resources with a provider), are
    /// those a scan of the bank finds, in order.
    #[test]
    fn provided_by_matches_a_scan() {
        use signpost_tools::corpus::{self, Options, Source};
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("content");
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        let source = Source::from_content_dir(&shipped).unwrap();
        corpus::generate(&source, &Options::new(500, 5, today), &dir).unwrap();
        let library = load(&dir, today)
            .library
            .expect("a generated bank is valid");
        let mut providers = 0;
        for (ord, entry) in library.entries.iter().enumerate() {
            let scan: Vec<u32> = (library.entries.iter().enumerate())
                .filter(|(_, e)| e.provider.as_ref() == Some(&entry.id))
                .map(|(ord, _)| ord as u32)
                .collect();
            assert_eq!(library.provided_by(ord), scan, "{}", entry.id);
            providers += usize::from(!scan.is_empty());
        }
        assert!(providers > 10, "{providers} providers");
        assert_eq!(library.provided_by(library.entries.len()), &[] as &[u32]);
    }
}
