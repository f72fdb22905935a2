//! The link cache: each address's last verdict and the day it was checked.
//! A run on the same day reuses it, so re-running after fixing one entry
//! asks no other site again; `signpost review` reads it to show each
//! entry's worst link.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{LinkStatus, LinksError, Verdict};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cached {
    /// The day of the check, from the "today" the command was given.
    pub checked: NaiveDate,
    #[serde(flatten)]
    pub verdict: Verdict,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    /// Keyed by address; sorted, so the file diffs well.
    urls: BTreeMap<String, Cached>,
}

#[derive(Debug)]
pub struct Cache {
    path: PathBuf,
    file: CacheFile,
}

impl Cache {
    /// Reads the cache; a missing file is an empty cache.
    pub fn load(path: &Path) -> Result<Cache, LinksError> {
        let file = match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|source| LinksError::BadCache {
                path: path.to_path_buf(),
                source,
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => CacheFile::default(),
            Err(source) => {
                return Err(LinksError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        Ok(Cache {
            path: path.to_path_buf(),
            file,
        })
    }

    /// Reads the cache only if there is one (for `review`).
    pub fn load_existing(path: &Path) -> Result<Option<Cache>, LinksError> {
        if path.exists() {
            Cache::load(path).map(Some)
        } else {
            Ok(None)
        }
    }

    pub fn get(&self, url: &str) -> Option<&Cached> {
        self.file.urls.get(url)
    }

    /// The verdict when the address was already checked on `today`.
    pub fn checked_on(&self, url: &str, today: NaiveDate) -> Option<&Verdict> {
        self.get(url)
            .filter(|c| c.checked == today)
            .map(|c| &c.verdict)
    }

    pub fn insert(&mut self, url: &str, today: NaiveDate, verdict: Verdict) {
        self.file.urls.insert(
            url.to_string(),
            Cached {
                checked: today,
                verdict,
            },
        );
    }

    /// Forgets addresses the bank no longer has.
    pub fn retain(&mut self, urls: &HashSet<String>) {
        self.file.urls.retain(|url, _| urls.contains(url));
    }

    /// The worst verdict among `urls`, for those in the cache.
    pub fn worst<'a>(&self, urls: impl IntoIterator<Item = &'a str>) -> Option<LinkStatus> {
        urls.into_iter()
            .filter_map(|u| self.get(u))
            .map(|c| c.verdict.status)
            .max()
    }

    /// Writes a temporary file and renames it over the cache, so an
    /// interrupted run never leaves half a file.
    pub fn save(&self) -> Result<(), LinksError> {
        let write_error = |source| LinksError::WriteCache {
            path: self.path.clone(),
            source,
        };
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(write_error)?;
        }
        let json = serde_json::to_vec_pretty(&self.file)
            .map_err(|e| write_error(std::io::Error::other(e)))?;
        let mut tmp = self.path.clone().into_os_string();
        tmp.push(".tmp");
        std::fs::write(&tmp, json).map_err(write_error)?;
        std::fs::rename(&tmp, &self.path).map_err(write_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    fn verdict(status: LinkStatus) -> Verdict {
        Verdict {
            status,
            code: None,
            redirect_to: None,
            message: None,
        }
    }

    #[test]
    fn a_verdict_is_reused_only_on_the_day_it_was_made() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("data/links.json");
        let mut cache = Cache::load(&path).unwrap();
        cache.insert("https://a.example/", day(1), verdict(LinkStatus::Broken));
        cache.insert("https://b.example/", day(1), verdict(LinkStatus::Ok));
        cache.save().unwrap();

        let cache = Cache::load(&path).unwrap();
        assert_eq!(
            cache.checked_on("https://a.example/", day(1)),
            Some(&verdict(LinkStatus::Broken))
        );
        assert_eq!(cache.checked_on("https://a.example/", day(2)), None);
        assert_eq!(
            cache.worst([
                "https://b.example/",
                "https://a.example/",
                "https://c.example/"
            ]),
            Some(LinkStatus::Broken)
        );
        assert_eq!(cache.worst(["https://c.example/"]), None);
    }

    #[test]
    fn a_damaged_cache_is_an_error_not_a_panic() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("links.json");
        std::fs::write(&path, "{not json").unwrap();
        assert!(matches!(
            Cache::load(&path),
            Err(LinksError::BadCache { .. })
        ));
    }
}
