//! `serve --watch`: follow edits to `content/` while serving.
//!
//! Filesystem events are debounced (a `git pull` touches many files at
//! once), then a reload thread checks the content and, if it changed and is
//! valid, builds a new index version and swaps it into [`AppState`]. The
//! rebuild runs on its own thread, so no request waits on it, and requests in
//! flight keep the `Arc` of the index they started with. A bank with errors
//! leaves the last good index serving and is reported in `/healthz`.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify_debouncer_mini::notify::RecursiveMode;
use notify_debouncer_mini::{DebounceEventResult, Debouncer, new_debouncer};

use crate::content;
use crate::index::{self, LiveIndex};
use crate::search::Engine;
use crate::web::AppState;

/// Quiet time before a burst of changes is acted on.
pub const DEBOUNCE: Duration = Duration::from_millis(300);

#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    /// The operating system refused to watch the directory.
    #[error("cannot watch {path}: {source}")]
    Watch {
        path: PathBuf,
        source: notify_debouncer_mini::notify::Error,
    },
}

/// Keeps the watch alive; dropping it stops watching.
pub struct Watch {
    _debouncer: Debouncer<notify_debouncer_mini::notify::RecommendedWatcher>,
}

/// Starts watching `content`, reloading into `state` on every settled change.
pub fn spawn(state: AppState, content: &Path, index_dir: &Path) -> Result<Watch, WatchError> {
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let watch_error = |source| WatchError::Watch {
        path: content.to_path_buf(),
        source,
    };
    let mut debouncer = new_debouncer(DEBOUNCE, tx).map_err(watch_error)?;
    debouncer
        .watcher()
        .watch(content, RecursiveMode::Recursive)
        .map_err(watch_error)?;
    let (content, index_dir) = (content.to_path_buf(), index_dir.to_path_buf());
    std::thread::Builder::new()
        .name("signpost-reload".into())
        .spawn(move || {
            // Each message is one settled burst; drain any that queued up
            // during a rebuild so a long pull triggers one more, not many.
            while rx.recv().is_ok() {
                while rx.try_recv().is_ok() {}
                reload(&state, &content, &index_dir);
            }
        })
        .expect("spawning the reload thread");
    Ok(Watch {
        _debouncer: debouncer,
    })
}

/// Checks the content and swaps in a new index if it changed and is valid.
pub fn reload(state: &AppState, content: &Path, index_dir: &Path) {
    let checked = content::load(content, state.today());
    let Some(library) = checked.library else {
        let errors: Vec<String> = checked
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(ToString::to_string)
            .collect();
        for error in &errors {
            tracing::error!(target: "signpost::watch", "{error}");
        }
        tracing::warn!(target: "signpost::watch", "content has {} errors; still serving the last good index", errors.len());
        state.record_error(errors.join("\n"));
        return;
    };
    let (serving, wanted) = (state.base_path(), library.site.base_path());
    if serving != wanted {
        let error = format!(
            "site.yaml: the path of `base_url` changed from `{serving}/` to `{wanted}/`; restart `signpost serve` to serve under it (still serving the last good index)"
        );
        tracing::error!(target: "signpost::watch", "{error}");
        state.record_error(error);
        return;
    }
    if state.live().library().fingerprint == library.fingerprint {
        state.clear_error();
        return;
    }
    let built = index::build_and_swap(index_dir, &library)
        .and_then(|version| {
            drop(library);
            LiveIndex::open(index_dir, &version)
        })
        .and_then(Engine::new);
    match built {
        Ok(live) => {
            tracing::info!(target: "signpost::watch", version = %live.version(), entries = live.index().len(), "reloaded");
            state.swap(live);
        }
        Err(e) => {
            tracing::error!(target: "signpost::watch", "rebuilding the index failed: {e}");
            state.record_error(e.to_string());
        }
    }
}
