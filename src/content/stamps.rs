//! What a bank was read from: every file and folder under the content
//! directory, with each file's size, times, inode and a hash of its bytes.
//!
//! An index version keeps the stamps of the files it was built from, so
//! `serve` can tell that the content is unchanged without reading and
//! checking every file again: it lists the directory and compares sizes and
//! times (a `stat` per file), and reads and hashes (in parallel) only the
//! files whose stamp differs or cannot be trusted. Any difference in the
//! set of paths, or in a hash, means the content changed.
//!
//! A stamp cannot be trusted when the file was modified so close to the
//! scan that a later edit could leave the same times (file times are only
//! as fine as the kernel's clock tick, and some filesystems keep seconds):
//! git calls such entries "racily clean" and so does this module. Those
//! files are always hashed.
//!
//! The change time (ctime) is part of a stamp: unlike the modification
//! time, no tool can set it, so restoring a file's mtime after an edit
//! (`cp -p`, `rsync -t`, `touch -d`) is still noticed.

use std::hash::{DefaultHasher, Hasher};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// A stamp whose file changed less than this before the scan is hashed
/// again on every check (FAT keeps times to 2 s; most filesystems to a
/// kernel tick).
const RACY_NANOS: i64 = 2_000_000_000;

/// One file or folder under the content directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stamp {
    /// Relative to the content directory, `/`-separated.
    pub path: String,
    pub dir: bool,
    pub len: u64,
    /// Nanoseconds since the Unix epoch.
    pub mtime: i64,
    pub ctime: i64,
    pub inode: u64,
    /// Of the file's bytes; 0 for a folder.
    pub hash: u64,
}

impl Stamp {
    /// Whether the metadata (not the hash) is the same.
    fn same_metadata(&self, other: &Stamp) -> bool {
        self.path == other.path
            && self.dir == other.dir
            && self.len == other.len
            && self.mtime == other.mtime
            && self.ctime == other.ctime
            && self.inode == other.inode
    }
}

/// Every file and folder of a content directory, sorted by path.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stamps {
    /// When the listing began, in nanoseconds since the Unix epoch: a
    /// stamp changed after `scanned_at - RACY_NANOS` is not trusted.
    pub scanned_at: i64,
    pub files: Vec<Stamp>,
}

/// What [`Stamps::check`] found.
#[derive(Debug)]
pub enum Freshness {
    /// Every path, size and time is as stamped.
    Unchanged,
    /// Some stamps differed (or could not be trusted) but those files hash
    /// as before: the content is the same. The fresh stamps, to keep.
    Restamped(Stamps),
    /// A file or folder was added, removed or changed (or could not be read).
    Changed,
}

fn nanos(time: std::io::Result<SystemTime>) -> i64 {
    time.ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// A file's change time and inode: on Unix from the inode; elsewhere the
/// modification time stands in and the inode is 0.
#[cfg(unix)]
fn ctime_inode(meta: &std::fs::Metadata) -> (i64, u64) {
    use std::os::unix::fs::MetadataExt;
    (
        meta.ctime()
            .saturating_mul(1_000_000_000)
            .saturating_add(meta.ctime_nsec()),
        meta.ino(),
    )
}

#[cfg(not(unix))]
fn ctime_inode(meta: &std::fs::Metadata) -> (i64, u64) {
    (nanos(meta.modified()), 0)
}

pub(super) fn now_nanos() -> i64 {
    nanos(Ok(SystemTime::now()))
}

/// The hash a stamp keeps of a file's bytes.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    hasher.write(bytes);
    hasher.finish()
}

/// Every file and folder under `dir` (names starting with `.` skipped, as
/// the loader skips them), sorted by path, with hashes left at 0; and the
/// absolute path of each.
pub fn list(dir: &Path) -> std::io::Result<(Vec<Stamp>, Vec<PathBuf>)> {
    let mut found = Vec::new();
    walk(dir, "", &mut found)?;
    found.sort_by(|a: &(Stamp, PathBuf), b| a.0.path.cmp(&b.0.path));
    Ok(found.into_iter().unzip())
}

fn walk(dir: &Path, prefix: &str, found: &mut Vec<(Stamp, PathBuf)>) -> std::io::Result<()> {
    for item in std::fs::read_dir(dir)? {
        let item = item?;
        let name = item.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = item.path();
        // Follows symbolic links, as the loader's reads do.
        let meta = std::fs::metadata(&path)?;
        let relative = format!("{prefix}{name}");
        let (ctime, inode) = ctime_inode(&meta);
        let stamp = Stamp {
            path: relative.clone(),
            dir: meta.is_dir(),
            len: if meta.is_dir() { 0 } else { meta.len() },
            mtime: nanos(meta.modified()),
            ctime,
            inode,
            hash: 0,
        };
        found.push((stamp, path.clone()));
        if meta.is_dir() {
            walk(&path, &format!("{relative}/"), found)?;
        }
    }
    Ok(())
}

impl Stamps {
    /// Whether a stamp may be trusted without hashing its file.
    fn trusted(&self, stamp: &Stamp) -> bool {
        stamp.mtime.max(stamp.ctime) < self.scanned_at.saturating_sub(RACY_NANOS)
    }

    /// Compares the content directory with these stamps: a listing and a
    /// `stat` per file, then a hash of each file whose stamp differs or is
    /// too recent to trust.
    pub fn check(&self, dir: &Path) -> Freshness {
        let scanned_at = now_nanos();
        let Ok((mut now, paths)) = list(dir) else {
            return Freshness::Changed;
        };
        if now.len() != self.files.len()
            || now
                .iter()
                .zip(&self.files)
                .any(|(a, b)| a.path != b.path || a.dir != b.dir)
        {
            return Freshness::Changed;
        }
        let suspect: Vec<usize> = (0..now.len())
            .filter(|&i| {
                let (was, is) = (&self.files[i], &now[i]);
                let settled = was.same_metadata(is) && self.trusted(was);
                !(is.dir || settled)
            })
            .collect();
        let unchanged = suspect.par_iter().all(|&i| {
            std::fs::read(&paths[i]).is_ok_and(|bytes| hash_bytes(&bytes) == self.files[i].hash)
        });
        if !unchanged {
            return Freshness::Changed;
        }
        if suspect.is_empty() {
            return Freshness::Unchanged;
        }
        for (stamp, was) in now.iter_mut().zip(&self.files) {
            stamp.hash = was.hash;
        }
        Freshness::Restamped(Stamps {
            scanned_at,
            files: now,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stamps of a directory as the loader makes them: listed, then hashed.
    fn stamp(dir: &Path, scanned_at: i64) -> Stamps {
        let (mut files, paths) = list(dir).unwrap();
        for (stamp, path) in files.iter_mut().zip(&paths) {
            if !stamp.dir {
                stamp.hash = hash_bytes(&std::fs::read(path).unwrap());
            }
        }
        Stamps { scanned_at, files }
    }

    fn bank() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("resources")).unwrap();
        std::fs::write(dir.path().join("taxonomy.yaml"), "topics: []\n").unwrap();
        std::fs::write(dir.path().join("resources/a.md"), "---\ntitle: A\n---\n").unwrap();
        std::fs::write(dir.path().join(".hidden"), "x").unwrap();
        dir
    }

    /// Sets a file's modification time, as `cp -p` or `touch -d` do.
    fn set_mtime(path: &Path, mtime: SystemTime) {
        let file = std::fs::File::options().write(true).open(path).unwrap();
        file.set_modified(mtime).unwrap();
    }

    /// As if the stamps were taken long after the files were written.
    fn settled(dir: &Path) -> Stamps {
        stamp(dir, now_nanos() + 10 * RACY_NANOS)
    }

    #[test]
    fn lists_every_file_and_folder_but_hidden_ones() {
        let dir = bank();
        let paths: Vec<String> = list(dir.path())
            .unwrap()
            .0
            .into_iter()
            .map(|s| s.path)
            .collect();
        assert_eq!(paths, ["resources", "resources/a.md", "taxonomy.yaml"]);
    }

    #[test]
    fn unchanged_files_are_not_read() {
        let dir = bank();
        let stamps = settled(dir.path());
        assert!(matches!(stamps.check(dir.path()), Freshness::Unchanged));
    }

    #[test]
    fn an_edit_of_the_same_size_with_the_old_mtime_is_noticed() {
        let dir = bank();
        let file = dir.path().join("resources/a.md");
        let stamps = settled(dir.path());
        let mtime = std::fs::metadata(&file).unwrap().modified().unwrap();
        std::fs::write(&file, "---\ntitle: B\n---\n").unwrap();
        set_mtime(&file, mtime);
        assert!(matches!(stamps.check(dir.path()), Freshness::Changed));
    }

    #[test]
    fn added_removed_and_stray_paths_are_noticed() {
        let dir = bank();
        let stamps = settled(dir.path());
        std::fs::create_dir(dir.path().join("stray")).unwrap();
        assert!(matches!(stamps.check(dir.path()), Freshness::Changed));
        std::fs::remove_dir(dir.path().join("stray")).unwrap();
        std::fs::remove_file(dir.path().join("resources/a.md")).unwrap();
        assert!(matches!(stamps.check(dir.path()), Freshness::Changed));
    }

    #[test]
    fn a_rewrite_with_the_same_bytes_is_restamped() {
        let dir = bank();
        let stamps = settled(dir.path());
        let file = dir.path().join("taxonomy.yaml");
        let mtime = std::fs::metadata(&file).unwrap().modified().unwrap();
        std::fs::write(&file, "topics: []\n").unwrap();
        set_mtime(&file, mtime + std::time::Duration::from_secs(1));
        let Freshness::Restamped(fresh) = stamps.check(dir.path()) else {
            panic!("the same bytes are the same content");
        };
        assert_eq!(fresh.files.len(), stamps.files.len());
        assert_eq!(fresh.files[2].hash, stamps.files[2].hash);
    }

    #[test]
    fn recent_stamps_are_hashed_not_trusted() {
        let dir = bank();
        // Stamped the moment the files were written: an edit in the same
        // clock tick would keep every time, so each check hashes them.
        let stamps = stamp(dir.path(), now_nanos());
        assert!(matches!(stamps.check(dir.path()), Freshness::Restamped(_)));
        let file = dir.path().join("resources/a.md");
        let mtime = std::fs::metadata(&file).unwrap().modified().unwrap();
        std::fs::write(&file, "---\ntitle: B\n---\n").unwrap();
        set_mtime(&file, mtime);
        assert!(matches!(stamps.check(dir.path()), Freshness::Changed));
    }
}
