//! Recording without slowing a search: a handler hands a small record to a
//! bounded channel and returns; a background thread takes what is waiting
//! every [`DRAIN_EVERY`], applies the privacy filter, adds up counts in
//! memory and writes them every [`FLUSH_EVERY`] and on shutdown. When the
//! channel is full the record is dropped: a statistic is worth less than a
//! search's speed.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, TrySendError, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use super::InsightsError;
use super::privacy::{Vocabulary, keep};
use super::store::{Batch, Store};
use crate::search::Engine;

/// How often counts are written: a crash loses at most this much.
pub const FLUSH_EVERY: Duration = Duration::from_secs(2);
/// Records waiting for the writer; more are dropped.
pub const CHANNEL_CAPACITY: usize = 4096;
/// How often the writer takes what is waiting: the channel holds what
/// 80,000 searches a second bring in that time.
const DRAIN_EVERY: Duration = Duration::from_millis(50);

/// One search as a handler saw it. The raw text lives only in memory, until
/// the writer has filtered it.
pub struct SearchRecord {
    pub day: NaiveDate,
    pub query: String,
    /// (facet parameter, value) for each filter applied.
    pub filters: Vec<(&'static str, String)>,
    pub found_nothing: bool,
    /// The bank searched, whose words the filter may keep.
    pub bank: Arc<Engine>,
}

enum Message {
    Search(SearchRecord),
    Close,
}

pub struct Recorder {
    sender: SyncSender<Message>,
    worker: Mutex<Option<JoinHandle<()>>>,
    dropped: Arc<AtomicU64>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("dropped", &self.dropped.load(Ordering::Relaxed))
            .finish()
    }
}

impl Recorder {
    /// Opens the statistics in `dir`, deletes what is past retention as of
    /// `today`, and starts the writer.
    pub fn start(
        dir: &Path,
        retention_days: u64,
        today: NaiveDate,
    ) -> Result<Recorder, InsightsError> {
        let mut store = Store::open(dir)?;
        store.purge(today, retention_days)?;
        let (sender, receiver) = sync_channel(CHANNEL_CAPACITY);
        let worker = std::thread::Builder::new()
            .name("signpost-insights".into())
            .spawn(move || write_loop(receiver, store, retention_days, today))
            .map_err(|source| InsightsError::Thread { source })?;
        Ok(Recorder {
            sender,
            worker: Mutex::new(Some(worker)),
            dropped: Arc::new(AtomicU64::new(0)),
        })
    }

    /// Never blocks.
    pub fn record(&self, record: SearchRecord) {
        match self.sender.try_send(Message::Search(record)) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
            Err(TrySendError::Disconnected(_)) => {}
        }
    }

    /// Records dropped because the writer was behind.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Writes what is pending and stops the writer; later records are
    /// ignored. Safe to call more than once.
    pub fn close(&self) {
        let worker = self
            .worker
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(worker) = worker {
            // Blocks only until the writer makes room, which it is doing.
            let _ = self.sender.send(Message::Close);
            if worker.join().is_err() {
                tracing::error!("the search statistics writer stopped with a panic");
            }
        }
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.close();
    }
}

fn write_loop(
    receiver: Receiver<Message>,
    mut store: Store,
    retention_days: u64,
    mut purged: NaiveDate,
) {
    let mut batch = Batch::default();
    // The vocabulary of the bank last seen, by its fingerprint: rebuilt
    // only when a reload brings new content.
    let mut vocabulary: Option<(String, Vocabulary)> = None;
    let mut next_write = Instant::now() + FLUSH_EVERY;
    loop {
        // The writer drains the channel on a timer instead of waiting on
        // it: a waiting receiver is woken by every search, a futex call and
        // a context switch each, measurable in a search's cost.
        loop {
            match receiver.try_recv() {
                Ok(Message::Search(record)) => {
                    let fingerprint = &record.bank.library().fingerprint;
                    if vocabulary.as_ref().is_none_or(|(f, _)| f != fingerprint) {
                        vocabulary =
                            Some((fingerprint.clone(), Vocabulary::of(record.bank.library())));
                    }
                    if let Some((_, words)) = &vocabulary {
                        add(&mut batch, record, words);
                    }
                }
                Ok(Message::Close) | Err(TryRecvError::Disconnected) => {
                    write(&mut store, &mut batch);
                    return;
                }
                Err(TryRecvError::Empty) => break,
            }
        }
        if Instant::now() >= next_write {
            // A new day: what has passed retention goes.
            let newest = batch
                .searches
                .keys()
                .map(|(d, _)| *d)
                .chain(batch.filters.keys().map(|(d, _, _)| *d))
                .max();
            if let Some(day) = newest.filter(|d| *d > purged) {
                if let Err(e) = store.purge(day, retention_days) {
                    tracing::error!(error = %e, "deleting old search statistics failed");
                }
                purged = day;
            }
            write(&mut store, &mut batch);
            next_write = Instant::now() + FLUSH_EVERY;
        }
        std::thread::sleep(DRAIN_EVERY);
    }
}

fn add(batch: &mut Batch, record: SearchRecord, vocabulary: &Vocabulary) {
    if let Some(text) = keep(&record.query, vocabulary) {
        let counts = batch.searches.entry((record.day, text)).or_default();
        counts.0 += 1;
        counts.1 += u64::from(record.found_nothing);
    }
    for (facet, value) in record.filters {
        *batch.filters.entry((record.day, facet, value)).or_default() += 1;
    }
}

fn write(store: &mut Store, batch: &mut Batch) {
    if batch.is_empty() {
        return;
    }
    if let Err(e) = store.add(batch) {
        tracing::error!(error = %e, "writing search statistics failed; these counts are lost");
    }
    *batch = Batch {
        searches: HashMap::new(),
        filters: HashMap::new(),
    };
}
