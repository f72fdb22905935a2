//! The tantivy index: its schema, building a new version and swapping it in
//! (`build`), and the opened, searchable form (`live`).

mod ages;
mod build;
mod live;
mod mapped;
pub mod schema;
pub(crate) mod word_bits;
pub(crate) mod word_scores;

use std::path::{Path, PathBuf};

pub use build::{build_and_swap, current_version, is_current};
pub use live::{FacetPostings, LiveIndex, occupied_words};
pub(crate) use word_scores::{for_each_block_of, live_ord};

use crate::content::{self, Freshness, Library};

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// tantivy failed to write or read the index.
    #[error("index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// The filesystem refused a step of the build or swap.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The index on disk does not hold the library being served.
    #[error(
        "the index holds {indexed} documents but the content has {entries} entries; rebuild it with `signpost index`"
    )]
    Mismatch { indexed: u64, entries: usize },
    /// The index does not know the analyzer its text fields name.
    #[error("the index has no tokenizer `{0}`")]
    Tokenizer(&'static str),
    /// There is no index version to open.
    #[error("no index has been built in {0}")]
    Missing(PathBuf),
}

impl IndexError {
    fn io(path: &Path, source: std::io::Error) -> Self {
        IndexError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Opens the current index for the library, building it first when it is
/// missing or was built from other content. Whether it was built is the
/// second value. The library is dropped once built: what is opened reads
/// the version's snapshot, so a server holds no body in memory.
pub fn ensure(index_dir: &Path, library: Library) -> Result<(LiveIndex, bool), IndexError> {
    if is_current(index_dir, &library) {
        let version = current_version(index_dir)
            .ok_or_else(|| IndexError::Missing(index_dir.to_path_buf()))?;
        let dir = build::version_dir(index_dir, &version);
        // Same bytes, new stamps (a fresh clone, a touch): keep the new
        // ones, so the next start need not hash the files again.
        if let Some(stamps) = &library.stamps {
            if content::read_stamps(&dir).ok().as_ref() != Some(stamps) {
                if let Err(e) = content::write_stamps(&dir, stamps) {
                    tracing::warn!("could not update the index's file stamps: {e}");
                }
            }
        }
        match LiveIndex::open(index_dir, &version) {
            Ok(live) => return Ok((live, false)),
            Err(e) => tracing::warn!("the current index does not open ({e}); rebuilding it"),
        }
    }
    let version = build_and_swap(index_dir, &library)?;
    drop(library);
    Ok((LiveIndex::open(index_dir, &version)?, true))
}

/// Opens the current index version without loading the content, when the
/// files under `content_dir` are exactly those it was built from (by their
/// stamps; see `content::stamps`). `None` when they may differ, or the
/// version cannot be opened: then the content must be loaded and checked.
pub fn open_current(index_dir: &Path, content_dir: &Path) -> Option<LiveIndex> {
    let version = current_version(index_dir)?;
    let dir = build::version_dir(index_dir, &version);
    let stamps = content::read_stamps(&dir)
        .inspect_err(|e| {
            tracing::info!("the index keeps no usable file stamps ({e}): checking the content")
        })
        .ok()?;
    // Built by this build from these files (the fingerprint names both)?
    if !version.ends_with(&format!("-{}", stamps.fingerprint())) {
        tracing::info!("the index was built by another build: checking the content");
        return None;
    }
    // Opening the version does not depend on the check, so both run at
    // once; the opened version is dropped if the content changed.
    let (freshness, opened) = std::thread::scope(|scope| {
        let opening = scope.spawn(|| LiveIndex::open(index_dir, &version));
        let freshness = stamps.check(content_dir);
        let opened = opening
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (freshness, opened)
    });
    match freshness {
        Freshness::Unchanged => {}
        Freshness::Restamped(fresh) => {
            if let Err(e) = content::write_stamps(&dir, &fresh) {
                tracing::warn!("could not update the index's file stamps: {e}");
            }
        }
        Freshness::Changed => {
            tracing::info!("the content changed since the index was built: checking it");
            return None;
        }
    }
    opened
        .inspect_err(|e| tracing::warn!("the current index does not open: {e}"))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A version is opened without a check only when its name carries the
    /// fingerprint this build computes from the version's stamps: another
    /// build's version, or one of other files, is not.
    #[test]
    fn only_this_builds_version_of_these_files_opens_unchecked_and_is_one_segment() {
        let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small/content");
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let library = content::load(&content, today).library.unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let (live, built) = ensure(tmp.path(), library).unwrap();
        assert!(built);
        let version = live.version.clone();
        // However many threads wrote it: one segment, document id = ord.
        let n = live.len() as u32;
        assert_eq!(live.doc_ords.len(), 1);
        assert!(live.doc_ords[0].iter().copied().eq(0..n));
        drop(live);
        assert!(open_current(tmp.path(), &content).is_some());

        // The same files indexed by another build: another fingerprint.
        let other = format!("v-1-{}", "0".repeat(16));
        std::fs::rename(tmp.path().join(&version), tmp.path().join(&other)).unwrap();
        std::fs::write(tmp.path().join("CURRENT"), &other).unwrap();
        assert!(open_current(tmp.path(), &content).is_none());
    }
}
