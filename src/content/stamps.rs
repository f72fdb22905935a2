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
//! files are always hashed. How close is "so close" depends on the
//! filesystem's granularity, read from the times themselves: a checkout
//! writes every file within seconds, and a 2 s window on a filesystem that
//! keeps nanoseconds would hash a quarter of a large bank on every start.
//!
//! The change time (ctime) is part of a stamp: unlike the modification
//! time, no tool can set it, so restoring a file's mtime after an edit
//! (`cp -p`, `rsync -t`, `touch -d`) is still noticed.

use std::hash::{Hash, Hasher};

use siphasher::sip::SipHasher13;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use rayon::prelude::*;

/// A stamp whose file changed less than this before the scan is hashed
/// again on every check, when its times are whole multiples of 10 ms: the
/// filesystem may keep times that coarsely (FAT keeps 2 s, ext3 and HFS+
/// 1 s, exFAT 10 ms).
const RACY_NANOS: i64 = 2_000_000_000;

/// The same for a file whose times are finer than 10 ms (ext4, XFS,
/// btrfs, APFS, NTFS): the times are the kernel's clock tick (at most
/// 10 ms on Linux, 15.6 ms on Windows), so an edit in the tick of the scan
/// is within this of it.
const FINE_RACY_NANOS: i64 = 100_000_000;

/// What a time finer than the coarse filesystems' shows.
const COARSE_TICK_NANOS: i64 = 10_000_000;

/// One file or folder under the content directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// Relative to the content directory, `/`-separated.
    pub path: String,
    pub dir: bool,
    pub len: u64,
    /// Nanoseconds since the Unix epoch.
    pub mtime: i64,
    pub ctime: i64,
    pub inode: u64,
    /// Of the file's bytes; 0 for a folder (or a pipe, a socket…).
    pub hash: u64,
}

impl Stamp {
    /// How long after this file's last change a scan must begin for its
    /// stamp to be trusted: as long as its filesystem's time granularity
    /// allows. A fine-grained time that happens to fall on a 10 ms boundary
    /// (one in ten million) only costs a hash.
    fn racy_nanos(&self) -> i64 {
        let fine = |t: i64| t % COARSE_TICK_NANOS != 0;
        if fine(self.mtime) && fine(self.ctime) {
            FINE_RACY_NANOS
        } else {
            RACY_NANOS
        }
    }

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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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

/// The hash a stamp keeps of a file's bytes: SipHash-1-3 with fixed keys,
/// the same on every machine and every Rust release, so replicas serving
/// the same commit compute the same fingerprint (ETags depend on it).
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut hasher = SipHasher13::new();
    hasher.write(bytes);
    hasher.finish()
}

/// One item of a content directory's listing.
#[derive(Debug)]
pub struct Listed {
    /// With its hash left at 0.
    pub stamp: Stamp,
    /// Absolute.
    pub path: PathBuf,
    /// A regular file (after following a symbolic link): what the loader
    /// may read as an entry. A pipe or a socket is neither this nor a folder.
    pub regular: bool,
}

/// Every file and folder under `dir` (names starting with `.` skipped, as
/// the loader skips them), sorted by path.
pub fn list(dir: &Path) -> std::io::Result<Vec<Listed>> {
    let mut found = Vec::new();
    super::with_file_pool(|| walk(dir, "", &mut found))?;
    found.sort_by(|a, b| a.stamp.path.cmp(&b.stamp.path));
    Ok(found)
}

/// Lists one folder, then stats its items in parallel (through the open
/// folder where it can: no path lookup per file), then walks its folders.
fn walk(dir: &Path, prefix: &str, found: &mut Vec<Listed>) -> std::io::Result<()> {
    let items: Vec<std::fs::DirEntry> = std::fs::read_dir(dir)?
        .filter(|item| {
            item.as_ref()
                .map_or(true, |i| !i.file_name().to_string_lossy().starts_with('.'))
        })
        .collect::<std::io::Result<_>>()?;
    let listed: Vec<Listed> = items
        .par_iter()
        .map(|item| {
            let path = item.path();
            // Follows symbolic links, as the loader's reads do.
            let meta = if item.file_type()?.is_symlink() {
                std::fs::metadata(&path)?
            } else {
                item.metadata()?
            };
            let (ctime, inode) = ctime_inode(&meta);
            let stamp = Stamp {
                path: format!("{prefix}{}", item.file_name().to_string_lossy()),
                dir: meta.is_dir(),
                len: if meta.is_dir() { 0 } else { meta.len() },
                mtime: nanos(meta.modified()),
                ctime,
                inode,
                hash: 0,
            };
            Ok(Listed {
                stamp,
                path,
                regular: meta.is_file(),
            })
        })
        .collect::<std::io::Result<_>>()?;
    for item in listed {
        let folder = (item.stamp.dir).then(|| (item.path.clone(), format!("{}/", item.stamp.path)));
        found.push(item);
        if let Some((path, prefix)) = folder {
            walk(&path, &prefix, found)?;
        }
    }
    Ok(())
}

const MAGIC: &[u8; 8] = b"SPSTAMP1";

/// Reads little-endian numbers and strings off a byte slice.
struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn i64(&mut self) -> Option<i64> {
        Some(i64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
}

impl Stamps {
    /// A compact encoding (100,000 stamps in 6 MB, read in milliseconds):
    /// magic, scan time, count, then per stamp the path's length and bytes,
    /// a folder flag, size, mtime, ctime, inode and hash.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(24 + self.files.len() * 80);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.scanned_at.to_le_bytes());
        out.extend_from_slice(&(self.files.len() as u64).to_le_bytes());
        for s in &self.files {
            out.extend_from_slice(&(s.path.len() as u64).to_le_bytes());
            out.extend_from_slice(s.path.as_bytes());
            out.push(u8::from(s.dir));
            out.extend_from_slice(&s.len.to_le_bytes());
            out.extend_from_slice(&s.mtime.to_le_bytes());
            out.extend_from_slice(&s.ctime.to_le_bytes());
            out.extend_from_slice(&s.inode.to_le_bytes());
            out.extend_from_slice(&s.hash.to_le_bytes());
        }
        out
    }

    /// Reads [`Stamps::to_bytes`]; `None` for anything else.
    pub fn from_bytes(bytes: &[u8]) -> Option<Stamps> {
        let mut at = Cursor(bytes);
        if at.take(8)? != MAGIC {
            return None;
        }
        let scanned_at = at.i64()?;
        let count = usize::try_from(at.u64()?).ok()?;
        let mut files = Vec::with_capacity(count.min(bytes.len() / 49));
        for _ in 0..count {
            let n = usize::try_from(at.u64()?).ok()?;
            let path = String::from_utf8(at.take(n)?.to_vec()).ok()?;
            let dir = match at.take(1)? {
                [0] => false,
                [1] => true,
                _ => return None,
            };
            files.push(Stamp {
                path,
                dir,
                len: at.u64()?,
                mtime: at.i64()?,
                ctime: at.i64()?,
                inode: at.u64()?,
                hash: at.u64()?,
            });
        }
        at.0.is_empty().then_some(Stamps { scanned_at, files })
    }

    /// The fingerprint of the bank they stamp: this program's build, and
    /// every path with the hash of its bytes.
    pub fn fingerprint(&self) -> String {
        let mut hasher = SipHasher13::new();
        super::BUILD.hash(&mut hasher);
        for stamp in &self.files {
            (&stamp.path, stamp.dir, stamp.hash).hash(&mut hasher);
        }
        format!("{:016x}", hasher.finish())
    }

    /// When the scan began, as far as the files can tell: the scan time, or
    /// the newest change in the tree if that is earlier. File times come
    /// from the filesystem's clock and the scan time from the machine's;
    /// when the two disagree (a network filesystem, a faked clock) the
    /// newest file still marks "just now", so a file changed in the tick
    /// of the scan is never trusted. The price is that the files changed
    /// just before the newest are hashed on every check.
    fn scan_began(&self) -> i64 {
        let newest = (self.files.iter())
            .map(|s| s.mtime.max(s.ctime))
            .max()
            .unwrap_or(i64::MAX);
        self.scanned_at.min(newest)
    }

    /// The items of `now` (a listing in the same order as these stamps)
    /// whose files must be hashed: their metadata changed, or their stamp
    /// is too close to the scan to be trusted (see [`Stamp::racy_nanos`]).
    fn suspects(&self, now: &[Stamp]) -> Vec<usize> {
        let began = self.scan_began();
        (0..now.len())
            .filter(|&i| {
                let (was, is) = (&self.files[i], &now[i]);
                let trusted = was.mtime.max(was.ctime) < began.saturating_sub(was.racy_nanos());
                !(is.dir || was.same_metadata(is) && trusted)
            })
            .collect()
    }

    /// Compares the content directory with these stamps: a listing and a
    /// `stat` per file, then a hash of each file whose stamp differs or is
    /// too recent to trust.
    pub fn check(&self, dir: &Path) -> Freshness {
        let scanned_at = now_nanos();
        let Ok(listed) = list(dir) else {
            return Freshness::Changed;
        };
        let regular: Vec<bool> = listed.iter().map(|l| l.regular).collect();
        let (mut now, paths): (Vec<Stamp>, Vec<PathBuf>) =
            listed.into_iter().map(|l| (l.stamp, l.path)).unzip();
        if now.len() != self.files.len()
            || now
                .iter()
                .zip(&self.files)
                .any(|(a, b)| a.path != b.path || a.dir != b.dir)
        {
            return Freshness::Changed;
        }
        let suspect = self.suspects(&now);
        // What is not a regular file is not read (a pipe would never end):
        // if it changed, the content is checked again.
        let unchanged = super::with_file_pool(|| {
            suspect.par_iter().all(|&i| {
                regular[i]
                    && std::fs::read(&paths[i])
                        .is_ok_and(|bytes| hash_bytes(&bytes) == self.files[i].hash)
            })
        });
        if !unchanged {
            return Freshness::Changed;
        }
        // Only new metadata is worth keeping: a file hashed because it is
        // recent stays recent until something newer is written.
        if suspect
            .iter()
            .all(|&i| self.files[i].same_metadata(&now[i]))
        {
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
        let files = (list(dir).unwrap().into_iter())
            .map(
                |Listed {
                     mut stamp, path, ..
                 }| {
                    if !stamp.dir {
                        stamp.hash = hash_bytes(&std::fs::read(path).unwrap());
                    }
                    stamp
                },
            )
            .collect();
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
        let paths: Vec<String> = (list(dir.path()).unwrap().into_iter())
            .map(|l| l.stamp.path)
            .collect();
        assert_eq!(paths, ["resources", "resources/a.md", "taxonomy.yaml"]);
    }

    #[test]
    fn stamps_round_trip_through_bytes() {
        let dir = bank();
        let stamps = settled(dir.path());
        let bytes = stamps.to_bytes();
        assert_eq!(Stamps::from_bytes(&bytes), Some(stamps));
        assert_eq!(Stamps::from_bytes(&bytes[..bytes.len() - 1]), None);
        assert_eq!(Stamps::from_bytes(b"SPSTAMP1"), None);
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

    /// A file's stamp changed at `changed` (mtime and ctime).
    fn stamp_at(path: &str, changed: i64) -> Stamp {
        Stamp {
            path: path.to_string(),
            dir: false,
            len: 10,
            mtime: changed,
            ctime: changed,
            inode: 1,
            hash: 7,
        }
    }

    #[test]
    fn the_racy_window_follows_the_filesystems_granularity() {
        const SECOND: i64 = 1_000_000_000;
        // A checkout: every file written in the seconds before the newest.
        let newest = 1_790_000_000 * SECOND + 123_456_789;
        let stamps = Stamps {
            scanned_at: newest + 3600 * SECOND,
            files: vec![
                // Fine times, a second before the newest: trusted.
                stamp_at("a.md", newest - SECOND),
                // Whole seconds, as FAT or ext3 keep them: hashed within 2 s.
                stamp_at("b.md", (newest / SECOND - 1) * SECOND),
                stamp_at("c.md", (newest / SECOND - 3) * SECOND),
                // Fine times in the newest file's last 100 ms: hashed.
                stamp_at("d.md", newest - FINE_RACY_NANOS / 2),
                stamp_at("e.md", newest),
                // Old, but changed since: hashed.
                stamp_at("f.md", newest - 60 * SECOND),
            ],
        };
        let mut now = stamps.files.clone();
        now[5].len = 11;
        assert_eq!(stamps.suspects(&now), [1, 3, 4, 5]);

        // A scan clock behind the filesystem's: nothing is trusted.
        let behind = Stamps {
            scanned_at: newest - 120 * SECOND,
            ..stamps.clone()
        };
        assert_eq!(behind.suspects(&behind.files), [0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn recent_stamps_are_hashed_not_trusted() {
        let dir = bank();
        // Stamped the moment the files were written: an edit in the same
        // clock tick would keep every time, so each check hashes them.
        let stamps = stamp(dir.path(), now_nanos());
        assert!(matches!(stamps.check(dir.path()), Freshness::Unchanged));
        let file = dir.path().join("resources/a.md");
        let mtime = std::fs::metadata(&file).unwrap().modified().unwrap();
        std::fs::write(&file, "---\ntitle: B\n---\n").unwrap();
        set_mtime(&file, mtime);
        assert!(matches!(stamps.check(dir.path()), Freshness::Changed));
    }
}
