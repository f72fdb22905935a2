//! Search statistics that cannot identify anyone: `serve --data DIR`
//! records what people search for and which filters they apply, as daily
//! counts of words that passed the privacy filter; `signpost insights`
//! reports the most frequent searches, those that found nothing and the
//! filters applied most over the last 30 and 90 days.
//!
//! Privacy is the design, not a setting (docs/privacy.md): no IP address,
//! cookie, user agent or time finer than a day is ever recorded; the text
//! of a search passes [`privacy::keep`] before anything is written; a
//! search is reported only once made on three different days; counts older
//! than the retention period are deleted.

pub mod privacy;
mod recorder;
mod report;
mod store;

use std::path::PathBuf;

pub use recorder::{CHANNEL_CAPACITY, FLUSH_EVERY, Recorder, SearchRecord};
pub use report::{FilterCount, Report, SearchCount, Window};
pub use store::{FILE_NAME, MIN_DAYS, Store, window_start};

/// Days of statistics kept by default.
pub const DEFAULT_RETENTION_DAYS: u64 = 90;
/// The windows `signpost insights` reports on.
pub const REPORT_WINDOWS: [u64; 2] = [30, 90];

#[derive(Debug, thiserror::Error)]
pub enum InsightsError {
    #[error("cannot create the data directory {}: {source}", path.display())]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("search statistics in {}: {source}", path.display())]
    Database {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("cannot start the statistics writer: {source}")]
    Thread { source: std::io::Error },
}
