//! The tantivy index: its schema, building a new version and swapping it in
//! (`build`), and the opened, searchable form (`live`).

mod build;
mod live;
pub mod schema;

use std::path::{Path, PathBuf};

pub use build::{build_and_swap, current_version, is_current};
pub use live::{FacetPostings, LiveIndex};

use crate::content::Library;

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
/// missing or was built from other content.
pub fn ensure(index_dir: &Path, library: Library) -> Result<(LiveIndex, bool), IndexError> {
    let rebuilt = !is_current(index_dir, &library);
    if rebuilt {
        build_and_swap(index_dir, &library)?;
    }
    let version =
        current_version(index_dir).ok_or_else(|| IndexError::Missing(index_dir.to_path_buf()))?;
    Ok((LiveIndex::open(index_dir, &version, library)?, rebuilt))
}
