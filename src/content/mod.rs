//! Loading the bank: `taxonomy.yaml` and every `<folder>/<id>.md`, checked
//! as a whole. [`load`] returns a [`Library`] only when there is no error;
//! either way it returns every diagnostic it found, so `signpost check`
//! shows all of them in one run.

mod entry;
mod front_matter;
mod markdown;
pub mod review;

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

pub use crate::diagnostic::{ContentError, LineIndex, Severity};
pub use entry::{
    AgeRange, Contact, Entry, EntryId, Kind, MAX_AGE, QualityAssured, SafeHtml, Source,
};
pub use front_matter::{
    CASE_STUDY_FIELDS, CASE_STUDY_SECTIONS, CONTACT_FIELDS, FIELDS, MAX_SUMMARY_CHARS, REQUIRED,
    Rules, SOURCE_FIELDS, check_url, is_email, is_uk_phone,
};
/// Where the front matter ends and the body starts, for tools that point
/// at lines of an entry file (the link checker).
pub use front_matter::{Split, split as split_front_matter};

use crate::taxonomy::{Taxonomy, suggest};

/// A checked bank: the taxonomy and every entry, sorted by id.
#[derive(Debug)]
pub struct Library {
    pub taxonomy: Taxonomy,
    entries: Vec<Entry>,
    by_id: HashMap<EntryId, usize>,
    /// Changes whenever any content file (or this program's version) does.
    pub fingerprint: String,
}

impl Library {
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn get(&self, id: &str) -> Option<&Entry> {
        let id: EntryId = id.parse().ok()?;
        self.by_id.get(&id).map(|&i| &self.entries[i])
    }

    /// Builds a library from already-checked parts (the benchmark corpus).
    pub fn from_entries(
        taxonomy: Taxonomy,
        mut entries: Vec<Entry>,
        fingerprint: String,
    ) -> Library {
        entries.sort_by(|a, b| a.id.cmp(&b.id));
        let by_id = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        Library {
            taxonomy,
            entries,
            by_id,
            fingerprint,
        }
    }
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

/// [`load`] with other [`Rules`].
pub fn load_with(dir: &Path, today: NaiveDate, rules: Rules) -> Checked {
    let mut diagnostics = Vec::new();
    let mut fingerprint = DefaultHasher::new();
    env!("CARGO_PKG_VERSION").hash(&mut fingerprint);

    let taxonomy_path = dir.join(TAXONOMY_FILE);
    let taxonomy = match std::fs::read_to_string(&taxonomy_path) {
        Ok(text) => {
            text.hash(&mut fingerprint);
            Taxonomy::parse(&taxonomy_path, &text)
                .map_err(|errors| diagnostics.extend(errors))
                .ok()
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
    let files = entry_files(dir, &mut diagnostics);
    let mut parsed = Vec::with_capacity(files.len());
    let mut texts = Vec::with_capacity(files.len());
    if let Some(taxonomy) = &taxonomy {
        let mut seen: HashMap<EntryId, PathBuf> = HashMap::new();
        for (path, kind) in files {
            let Some((mut entry, text)) = read_entry(
                &path,
                kind,
                taxonomy,
                rules,
                &mut fingerprint,
                &mut diagnostics,
            ) else {
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
    diagnostics.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    let has_errors = diagnostics.iter().any(ContentError::is_error);
    let library = match (taxonomy, has_errors) {
        (Some(taxonomy), false) => Some(Library::from_entries(
            taxonomy,
            parsed.into_iter().map(|(_, p)| p.entry).collect(),
            format!("{:016x}", fingerprint.finish()),
        )),
        _ => None,
    };
    Checked {
        library,
        diagnostics,
    }
}

/// Every `<folder>/<file>.md` under the kind folders, in a stable order.
/// Stray files and folders are reported rather than silently skipped.
fn entry_files(dir: &Path, diagnostics: &mut Vec<ContentError>) -> Vec<(PathBuf, Kind)> {
    let mut files = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            diagnostics.push(ContentError::new(
                dir,
                1,
                1,
                format!("cannot read the content directory: {e}"),
            ));
            return files;
        }
    };
    let mut names: Vec<(String, bool)> = entries
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                e.path().is_dir(),
            )
        })
        .filter(|(name, _)| !name.starts_with('.'))
        .collect();
    names.sort();
    for (name, is_dir) in names {
        let path = dir.join(&name);
        match Kind::ALL.into_iter().find(|k| k.folder() == name) {
            Some(kind) if is_dir => files.extend(folder_files(&path, kind, diagnostics)),
            _ if !is_dir && (name == TAXONOMY_FILE || name.eq_ignore_ascii_case("README.md")) => {}
            _ => {
                let folders = Kind::ALL.map(Kind::folder);
                diagnostics.push(
                    ContentError::new(&path, 1, 1, format!("`{name}` is not an entry folder"))
                        .with_help(match suggest(&name, folders.iter().map(|f| (*f, *f))) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => format!("entries live in {}", folders.join(", ")),
                        }),
                );
            }
        }
    }
    files
}

fn folder_files(
    folder: &Path,
    kind: Kind,
    diagnostics: &mut Vec<ContentError>,
) -> Vec<(PathBuf, Kind)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
        .into_iter()
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .filter_map(|path| {
            if path.extension().is_some_and(|e| e == "md") && path.is_file() {
                Some((path, kind))
            } else {
                diagnostics.push(
                    ContentError::new(&path, 1, 1, "not an entry file")
                        .with_help("entries are Markdown files named `<id>.md`"),
                );
                None
            }
        })
        .collect()
}

fn read_entry(
    path: &Path,
    kind: Kind,
    taxonomy: &Taxonomy,
    rules: Rules,
    fingerprint: &mut DefaultHasher,
    diagnostics: &mut Vec<ContentError>,
) -> Option<(front_matter::Parsed, String)> {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let id = match stem.parse::<EntryId>() {
        Ok(id) => id,
        Err(message) => {
            diagnostics.push(ContentError::new(
                path,
                1,
                1,
                format!("bad file name: {message}"),
            ));
            return None;
        }
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            diagnostics.push(ContentError::new(
                path,
                1,
                1,
                format!("cannot read the file: {e}"),
            ));
            return None;
        }
    };
    path.hash(fingerprint);
    text.hash(fingerprint);
    front_matter::parse(path, id, kind, &text, taxonomy, rules)
        .map_err(|errors| diagnostics.extend(errors))
        .ok()
        .map(|parsed| (parsed, text))
}

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
            None => diagnostics.push(
                ContentError::new(
                    path,
                    line,
                    column,
                    format!("provider `{provider}` is not an organisation entry"),
                )
                .with_suggestion(suggest(provider.as_str(), organisations.clone())),
            ),
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
