//! Library → a new, versioned index directory, then an atomic swap of the
//! `CURRENT` pointer. A failed build leaves the old index in place.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use tantivy::index::SegmentId;
use tantivy::indexer::UserOperation;
use tantivy::schema::Facet as FacetPath;
use tantivy::{Index, IndexWriter, ReloadPolicy, TantivyDocument};

use super::live::doc_ords;
use super::schema::{self, Fields};
use super::{IndexError, word_bits, word_scores};
use crate::content::{Entry, Library};
use crate::facet::Facet;

const CURRENT: &str = "CURRENT";
/// Indexing memory per writer thread: 100,000 entries make one segment a
/// thread with two threads (64 MB made more).
const WRITER_HEAP_PER_THREAD: usize = 128 * 1024 * 1024;
/// Most writer threads.
const MAX_WRITER_THREADS: usize = 4;

/// What a version's name ends with: the schema's digest and the content's
/// fingerprint, so new content or a new schema each make a new version.
fn key(library: &Library) -> String {
    format!("{}-{}", schema::digest(), library.fingerprint)
}

/// The directory name of a version: build time, then its [`key`].
fn version_name(library: &Library) -> String {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    format!("v-{millis}-{}", key(library))
}

/// The version `CURRENT` points to, if any.
pub fn current_version(index_dir: &Path) -> Option<String> {
    let name = std::fs::read_to_string(index_dir.join(CURRENT)).ok()?;
    let name = name.trim().to_string();
    index_dir.join(&name).is_dir().then_some(name)
}

/// Whether the current version was built from exactly this content, with
/// this schema.
pub fn is_current(index_dir: &Path, library: &Library) -> bool {
    current_version(index_dir).is_some_and(|v| v.ends_with(&format!("-{}", key(library))))
}

/// Builds the library into a fresh directory, with the library's snapshot
/// (see `content::snapshot`), and points `CURRENT` at it. Returns the new
/// version's name.
pub fn build_and_swap(index_dir: &Path, library: &Library) -> Result<String, IndexError> {
    std::fs::create_dir_all(index_dir).map_err(|e| IndexError::io(index_dir, e))?;
    let name = version_name(library);
    let dir = index_dir.join(&name);
    std::fs::create_dir(&dir).map_err(|e| IndexError::io(&dir, e))?;
    // The snapshot does not depend on the index: written (hundreds of
    // megabytes at national scale) once the documents are indexed, it
    // fills the core that the index's single-threaded merge leaves idle,
    // instead of slowing the indexing, which keeps both busy.
    let written = index_documents(&dir, library).and_then(|committed| {
        std::thread::scope(|scope| {
            let saving = scope.spawn(|| library.save(&dir));
            let finished = finish_index(&dir, committed);
            let saved = (saving.join()).unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            finished.and(saved.map_err(|e| IndexError::io(&dir, e)))
        })
    });
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(e);
    }
    // rename() is atomic: a reader sees the old name or the new, never half.
    let tmp = index_dir.join(format!("{CURRENT}.tmp"));
    std::fs::write(&tmp, &name).map_err(|e| IndexError::io(&tmp, e))?;
    std::fs::rename(&tmp, index_dir.join(CURRENT)).map_err(|e| IndexError::io(&tmp, e))?;
    remove_old_versions(index_dir, &name);
    Ok(name)
}

/// Open readers keep their files (unlinked files stay readable on Unix),
/// so old versions can go as soon as `CURRENT` has moved on.
fn remove_old_versions(index_dir: &Path, keep: &str) {
    let Ok(entries) = std::fs::read_dir(index_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("v-") && name != keep {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// An index whose documents are committed, in segments not yet merged.
struct Committed {
    index: Index,
    writer: IndexWriter,
    fields: Fields,
}

/// Indexes every entry of `library` into `dir` and commits.
fn index_documents(dir: &Path, library: &Library) -> Result<Committed, IndexError> {
    let (schema, fields) = schema::build();
    let index = Index::create_in_dir(dir, schema)?;
    // Same tokens as the `en_stem` the index is read with, made faster.
    index
        .tokenizers()
        .register(schema::TOKENIZER, schema::indexing_analyzer());
    // Each thread indexes one run of consecutive entries (one batch: a
    // batch goes to one thread, in order), then the segments are merged in
    // ord order. The index is the one a single thread writes, document id
    // = ord: scores are sums of floats in document order, so any other
    // order could change a score's last bit, and replicas must agree.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(MAX_WRITER_THREADS);
    let mut writer: IndexWriter =
        index.writer_with_num_threads(threads, threads * WRITER_HEAP_PER_THREAD)?;
    let n = library.entries().len();
    let run = n.div_ceil(threads).max(1);
    for start in (0..n).step_by(run) {
        let batch = (start..n.min(start + run))
            .into_par_iter()
            .map(|ord| {
                let body = library.body_text(ord).map_err(|e| IndexError::io(dir, e))?;
                let entry = &library.entries()[ord];
                let doc = document(&fields, library, ord, entry, &body);
                Ok(UserOperation::Add(doc))
            })
            .collect::<Result<Vec<_>, IndexError>>()?;
        writer.run(batch)?;
    }
    writer.commit()?;
    Ok(Committed {
        index,
        writer,
        fields,
    })
}

/// Merges the committed segments and writes the word files beside them.
fn finish_index(dir: &Path, committed: Committed) -> Result<(), IndexError> {
    let Committed {
        index,
        mut writer,
        fields,
    } = committed;
    merge_in_ord_order(&index, &mut writer)?;
    writer.wait_merging_threads()?;
    let searcher = (index.reader_builder())
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?
        .searcher();
    let ords = (searcher.segment_readers().iter())
        .map(doc_ords)
        .collect::<tantivy::Result<Vec<_>>>()?;
    // Two files read off the same postings, one a core.
    let (scores, bits) = rayon::join(
        || word_scores::write(dir, &searcher, &fields.searched(), &ords),
        || word_bits::write(dir, &searcher, &fields.completed(), &ords),
    );
    scores.and(bits)
}

/// Merges the committed segments into one, in the order of the entries
/// they hold (each holds a run of consecutive ords).
fn merge_in_ord_order(index: &Index, writer: &mut IndexWriter) -> Result<(), IndexError> {
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let searcher = reader.searcher();
    let mut segments = Vec::new();
    for segment in searcher.segment_readers() {
        let first = segment.fast_fields().u64("ord")?.first_or_default_col(0);
        segments.push((first.get_val(0), segment.segment_id()));
    }
    segments.sort_unstable_by_key(|&(first, _)| first);
    if segments.len() > 1 {
        let ids: Vec<SegmentId> = segments.into_iter().map(|(_, id)| id).collect();
        writer.merge(&ids).wait()?;
    }
    Ok(())
}

fn document(
    fields: &Fields,
    library: &Library,
    ord: usize,
    entry: &Entry,
    body: &str,
) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.id, entry.id.as_str());
    doc.add_u64(fields.ord, ord as u64);
    doc.add_text(fields.title, &entry.title);
    doc.add_text(fields.summary, &entry.summary);
    doc.add_text(fields.body, body);
    for topic in &entry.topics {
        if let Some(term) = library.taxonomy.topics.get(topic) {
            doc.add_text(fields.topics_text, &term.label);
            for alias in &term.aliases {
                doc.add_text(fields.topics_text, alias);
            }
        }
    }
    if let Some(provider) = entry
        .provider
        .as_ref()
        .and_then(|p| library.get(p.as_str()))
    {
        doc.add_text(fields.provider, &provider.title);
    }
    for area in &entry.areas {
        doc.add_text(fields.area_id, area);
    }
    doc.add_u64(fields.age_min, entry.ages.min.into());
    doc.add_u64(fields.age_end, entry.ages.end().into());
    doc.add_i64(fields.reviewed, days(entry));
    for facet in Facet::ALL {
        for value in facet.entry_values(entry) {
            doc.add_facet(
                fields.facet(facet),
                FacetPath::from_path(facet.path(library, value)),
            );
        }
    }
    doc
}

fn days(entry: &Entry) -> i64 {
    entry
        .reviewed
        .signed_duration_since(chrono::NaiveDate::default())
        .num_days()
}

/// Where a version lives.
pub fn version_dir(index_dir: &Path, version: &str) -> PathBuf {
    index_dir.join(version)
}
