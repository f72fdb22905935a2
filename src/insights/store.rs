//! The statistics on disk: one SQLite file of daily counts. A row holds a
//! day, what was searched (already through the privacy filter) or which
//! filter was applied, and how many times; nothing else exists to store.
//! Tables are `WITHOUT ROWID`, so no row number records the order rows
//! came in, and `secure_delete` overwrites what retention deletes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{Days, NaiveDate};
use rusqlite::{Connection, OpenFlags, params};

use super::InsightsError;
use super::report::{FilterCount, Report, SearchCount, Window};

pub const FILE_NAME: &str = "insights.sqlite3";
/// A search or filter must be seen on this many different days to be
/// reported.
pub const MIN_DAYS: i64 = 3;
/// Rows per list in a report.
pub const REPORT_LIMIT: usize = 20;

/// Counts gathered in memory between two writes.
#[derive(Debug, Default)]
pub struct Batch {
    /// (day, kept text) → (searches, of which found nothing).
    pub searches: HashMap<(NaiveDate, String), (u64, u64)>,
    /// (day, facet parameter, value) → uses.
    pub filters: HashMap<(NaiveDate, &'static str, String), u64>,
}

impl Batch {
    pub fn is_empty(&self) -> bool {
        self.searches.is_empty() && self.filters.is_empty()
    }
}

pub struct Store {
    connection: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

fn sql(path: &Path) -> impl Fn(rusqlite::Error) -> InsightsError + '_ {
    move |source| InsightsError::Database {
        path: path.to_path_buf(),
        source,
    }
}

impl Store {
    /// Opens (creating if need be) the statistics in `dir`.
    pub fn open(dir: &Path) -> Result<Store, InsightsError> {
        std::fs::create_dir_all(dir).map_err(|source| InsightsError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = dir.join(FILE_NAME);
        let connection = Connection::open(&path).map_err(sql(&path))?;
        Store::prepare(connection, path)
    }

    /// Opens existing statistics without creating anything; `None` when
    /// there are none yet.
    pub fn open_existing(dir: &Path) -> Result<Option<Store>, InsightsError> {
        let path = dir.join(FILE_NAME);
        if !path.exists() {
            return Ok(None);
        }
        let connection = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_WRITE)
            .map_err(sql(&path))?;
        Store::prepare(connection, path).map(Some)
    }

    fn prepare(connection: Connection, path: PathBuf) -> Result<Store, InsightsError> {
        connection
            .execute_batch(
                "PRAGMA secure_delete = ON;
                 PRAGMA busy_timeout = 5000;
                 CREATE TABLE IF NOT EXISTS searches (
                     day TEXT NOT NULL,
                     query TEXT NOT NULL,
                     searches INTEGER NOT NULL,
                     found_nothing INTEGER NOT NULL,
                     PRIMARY KEY (day, query)
                 ) WITHOUT ROWID;
                 CREATE TABLE IF NOT EXISTS filters (
                     day TEXT NOT NULL,
                     facet TEXT NOT NULL,
                     value TEXT NOT NULL,
                     uses INTEGER NOT NULL,
                     PRIMARY KEY (day, facet, value)
                 ) WITHOUT ROWID;",
            )
            .map_err(sql(&path))?;
        Ok(Store { connection, path })
    }

    /// Adds a batch of counts in one transaction.
    pub fn add(&mut self, batch: &Batch) -> Result<(), InsightsError> {
        let path = self.path.clone();
        let tx = self.connection.transaction().map_err(sql(&path))?;
        {
            let mut searches = tx
                .prepare_cached(
                    "INSERT INTO searches (day, query, searches, found_nothing) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (day, query) DO UPDATE SET
                         searches = searches + excluded.searches,
                         found_nothing = found_nothing + excluded.found_nothing",
                )
                .map_err(sql(&path))?;
            for ((day, query), (n, nothing)) in &batch.searches {
                searches
                    .execute(params![day.to_string(), query, *n as i64, *nothing as i64])
                    .map_err(sql(&path))?;
            }
            let mut filters = tx
                .prepare_cached(
                    "INSERT INTO filters (day, facet, value, uses) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (day, facet, value) DO UPDATE SET uses = uses + excluded.uses",
                )
                .map_err(sql(&path))?;
            for ((day, facet, value), n) in &batch.filters {
                filters
                    .execute(params![day.to_string(), facet, value, *n as i64])
                    .map_err(sql(&path))?;
            }
        }
        tx.commit().map_err(sql(&path))
    }

    /// Deletes every count older than `retention_days` before `today`;
    /// returns how many rows went.
    pub fn purge(&mut self, today: NaiveDate, retention_days: u64) -> Result<usize, InsightsError> {
        let keep_from = window_start(today, retention_days).to_string();
        let path = self.path.clone();
        let tx = self.connection.transaction().map_err(sql(&path))?;
        let mut deleted = tx
            .execute("DELETE FROM searches WHERE day < ?1", [&keep_from])
            .map_err(sql(&path))?;
        deleted += tx
            .execute("DELETE FROM filters WHERE day < ?1", [&keep_from])
            .map_err(sql(&path))?;
        tx.commit().map_err(sql(&path))?;
        Ok(deleted)
    }

    /// The report over the last `days` days up to and including `today`.
    pub fn window(&self, today: NaiveDate, days: u64) -> Result<Window, InsightsError> {
        let from = window_start(today, days);
        let (from_text, to_text) = (from.to_string(), today.to_string());
        let range = params![from_text, to_text];
        let path = &self.path;
        let searches = |order_by: &str, having: &str| -> Result<Vec<SearchCount>, InsightsError> {
            let query = format!(
                "SELECT query, SUM(searches), SUM(found_nothing), COUNT(*) FROM searches
                 WHERE day >= ?1 AND day <= ?2 GROUP BY query
                 HAVING COUNT(*) >= {MIN_DAYS} {having}
                 ORDER BY {order_by} DESC, query LIMIT {REPORT_LIMIT}"
            );
            let mut statement = self.connection.prepare(&query).map_err(sql(path))?;
            let rows = statement
                .query_map(range, |row| {
                    Ok(SearchCount {
                        query: row.get(0)?,
                        searches: row.get::<_, i64>(1)?.max(0) as u64,
                        found_nothing: row.get::<_, i64>(2)?.max(0) as u64,
                        days: row.get::<_, i64>(3)?.max(0) as u64,
                    })
                })
                .map_err(sql(path))?;
            rows.collect::<Result<_, _>>().map_err(sql(path))
        };
        let most = searches("SUM(searches)", "")?;
        let nothing = searches("SUM(found_nothing)", "AND SUM(found_nothing) > 0")?;
        let mut statement = self
            .connection
            .prepare(&format!(
                "SELECT facet, value, SUM(uses), COUNT(*) FROM filters
                 WHERE day >= ?1 AND day <= ?2 GROUP BY facet, value
                 HAVING COUNT(*) >= {MIN_DAYS}
                 ORDER BY SUM(uses) DESC, facet, value LIMIT {REPORT_LIMIT}"
            ))
            .map_err(sql(path))?;
        let filters = statement
            .query_map(range, |row| {
                Ok(FilterCount {
                    facet: row.get(0)?,
                    value: row.get(1)?,
                    uses: row.get::<_, i64>(2)?.max(0) as u64,
                    days: row.get::<_, i64>(3)?.max(0) as u64,
                })
            })
            .map_err(sql(path))?
            .collect::<Result<_, _>>()
            .map_err(sql(path))?;
        Ok(Window {
            days,
            from,
            to: today,
            searches: most,
            found_nothing: nothing,
            filters,
        })
    }

    pub fn report(&self, today: NaiveDate, windows: &[u64]) -> Result<Report, InsightsError> {
        Ok(Report {
            today,
            windows: windows
                .iter()
                .map(|&days| self.window(today, days))
                .collect::<Result<_, _>>()?,
        })
    }
}

/// The first day of the `days` days that end with `today`.
pub fn window_start(today: NaiveDate, days: u64) -> NaiveDate {
    today
        .checked_sub_days(Days::new(days.saturating_sub(1)))
        .unwrap_or(NaiveDate::MIN)
}
