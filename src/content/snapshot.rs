//! A library kept with the index version built from it, so that a server
//! opens a current index without reading and checking every file again.
//!
//! Three files in the version's directory:
//! - `library.jsonl`: a first line with the fingerprint, `taxonomy.yaml` as
//!   written (parsed again on open: it is small) and the bank's words, then
//!   one entry (without its body) a line, parsed in parallel on open;
//! - `bodies`: every body (see `bodies`), read when a page shows it;
//! - `stamps`: the files the library was read from (see `stamps`),
//!   replaced (atomically) when a check finds the same bytes under new
//!   stamps.
//!
//! The fingerprint names this program's build, so a snapshot written by
//! another build is never opened: its checks or fields may differ.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::bodies::{Bodies, BodyFile};
use super::{Entry, Library, SITE_FILE, Site, Stamps, Words};
use crate::taxonomy::Taxonomy;

const LIBRARY: &str = "library.jsonl";
const BODIES: &str = "bodies";
const STAMPS: &str = "stamps";

/// The first line of `library.jsonl`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    fingerprint: String,
    taxonomy: String,
    /// `site.yaml` as written, when there is one.
    site: Option<String>,
    words: Words,
    entries: usize,
}

fn invalid(error: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, error.to_string())
}

/// Writes `dir/name` durably, through a temporary file renamed into place:
/// a reader sees the old file or the new.
fn write_file(
    dir: &Path,
    name: &str,
    write: impl FnOnce(&mut BufWriter<&File>) -> io::Result<()>,
) -> io::Result<()> {
    let tmp = dir.join(format!("{name}.tmp"));
    let file = File::create(&tmp)?;
    let mut out = BufWriter::with_capacity(1 << 20, &file);
    write(&mut out)?;
    out.flush()?;
    drop(out);
    file.sync_all()?;
    std::fs::rename(&tmp, dir.join(name))
}

/// One JSON value and a newline (compact JSON has no raw newline).
fn write_line(out: &mut impl Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value).map_err(invalid)?;
    out.write_all(b"\n")
}

impl Library {
    /// Writes the snapshot into an index version's directory. A library
    /// without stamps (not read from a directory) gets none, so a server
    /// never trusts it without a full check.
    pub fn save(&self, dir: &Path) -> io::Result<()> {
        self.bodies.write(self.entries.len(), &dir.join(BODIES))?;
        write_file(dir, LIBRARY, |out| {
            let header = Header {
                fingerprint: self.fingerprint.clone(),
                taxonomy: self.taxonomy_source.clone(),
                site: self.site_source.clone(),
                words: self.words().clone(),
                entries: self.entries.len(),
            };
            write_line(out, &header)?;
            self.entries.iter().try_for_each(|e| write_line(out, e))
        })?;
        if let Some(stamps) = &self.stamps {
            write_stamps(dir, stamps)?;
        }
        Ok(())
    }

    /// Opens the snapshot in an index version's directory: entries in
    /// memory, bodies read from the body file when asked for. Its stamps
    /// are not read (see [`read_stamps`]).
    pub fn open(dir: &Path) -> io::Result<Library> {
        let mut bytes = std::fs::read(dir.join(LIBRARY))?;
        let mut lines = lines_mut(&mut bytes).into_iter();
        let header: Header = parse_line(lines.next().unwrap_or_default())?;
        let lines: Vec<&mut [u8]> = lines.collect();
        if lines.len() != header.entries {
            return Err(invalid("the snapshot is truncated"));
        }
        let entries: Vec<Entry> = lines
            .into_par_iter()
            .map(parse_line)
            .collect::<io::Result<_>>()?;
        drop(bytes);
        let taxonomy =
            Taxonomy::parse(Path::new("taxonomy.yaml"), &header.taxonomy).map_err(|errors| {
                let first = errors.first().map(ToString::to_string);
                invalid(format!(
                    "the snapshot's taxonomy: {}",
                    first.unwrap_or_default()
                ))
            })?;
        let site = match &header.site {
            Some(text) => super::site::parse(Path::new(SITE_FILE), text).map_err(|errors| {
                let first = errors.first().map(ToString::to_string);
                invalid(format!(
                    "the snapshot's site: {}",
                    first.unwrap_or_default()
                ))
            })?,
            None => Site::default(),
        };
        if (entries.windows(2)).any(|w| super::entry_order(&w[0]) >= super::entry_order(&w[1])) {
            return Err(invalid(
                "the snapshot's entries are not in kind and id order",
            ));
        }
        let bodies = BodyFile::open(&dir.join(BODIES), entries.len())?;
        Ok(Library::assemble(
            (taxonomy, header.taxonomy),
            (site, header.site),
            entries,
            Bodies::Stored(bodies),
            std::sync::OnceLock::from(header.words),
            header.fingerprint,
            None,
        ))
    }
}

/// The lines of a snapshot that hold something, found with memchr (the
/// file is tens of megabytes at national scale), writable because
/// simd-json parses in place.
fn lines_mut(mut bytes: &mut [u8]) -> Vec<&mut [u8]> {
    let mut lines = Vec::new();
    while !bytes.is_empty() {
        let end = memchr::memchr(b'\n', bytes).unwrap_or(bytes.len());
        let (line, rest) = bytes.split_at_mut(end);
        if !line.is_empty() {
            lines.push(line);
        }
        bytes = rest.get_mut(1..).unwrap_or_default();
    }
    lines
}

/// One line of JSON, parsed by simd-json, which scans strings (most of a
/// line) with SIMD: a warm start at 100,000 entries used about 120 ms
/// less CPU than with serde_json. It takes the same JSON and refuses the
/// same faults.
fn parse_line<T: serde::de::DeserializeOwned>(line: &mut [u8]) -> io::Result<T> {
    simd_json::serde::from_slice(line).map_err(invalid)
}

/// Replaces the stamps kept in an index version's directory.
pub fn write_stamps(dir: &Path, stamps: &Stamps) -> io::Result<()> {
    write_file(dir, STAMPS, |out| out.write_all(&stamps.to_bytes()))
}

/// The stamps of the files an index version was built from.
pub fn read_stamps(dir: &Path) -> io::Result<Stamps> {
    Stamps::from_bytes(&std::fs::read(dir.join(STAMPS))?).ok_or_else(|| invalid("bad stamps"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The small fixture bank, loaded and saved to a temporary directory.
    fn saved() -> (Library, tempfile::TempDir) {
        let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small/content");
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let loaded = super::super::load(&content, today).library.unwrap();
        let dir = tempfile::tempdir().unwrap();
        loaded.save(dir.path()).unwrap();
        (loaded, dir)
    }

    /// What a server opens is exactly what was loaded: every field of every
    /// entry, every body, the words and the taxonomy.
    #[test]
    fn a_snapshot_opens_as_the_library_it_was_written_from() {
        let (loaded, dir) = saved();
        let opened = Library::open(dir.path()).unwrap();

        let json = |library: &Library| serde_json::to_value(library.entries()).unwrap();
        assert_eq!(json(&opened), json(&loaded));
        assert!(!loaded.entries().is_empty());
        for ord in 0..loaded.entries().len() {
            assert_eq!(
                opened.body_text(ord).unwrap(),
                loaded.body_text(ord).unwrap()
            );
            assert_eq!(
                opened.body_html(ord).unwrap(),
                loaded.body_html(ord).unwrap()
            );
        }
        assert_eq!(opened.words().counts, loaded.words().counts);
        assert_eq!(opened.words().ordinary, loaded.words().ordinary);
        assert_eq!(opened.words().lower, loaded.words().lower);
        assert_eq!(opened.words().acronyms, loaded.words().acronyms);
        assert!(loaded.words().counts["helpline"] > 0);
        assert_eq!(opened.fingerprint, loaded.fingerprint);
        assert_eq!(
            serde_json::to_value(&opened.taxonomy).unwrap(),
            serde_json::to_value(&loaded.taxonomy).unwrap()
        );
        assert_eq!(read_stamps(dir.path()).ok(), loaded.stamps);
        assert_eq!(
            opened.ord("helpline-national"),
            loaded.ord("helpline-national")
        );
    }

    #[test]
    fn a_damaged_snapshot_is_refused() {
        let (_, dir) = saved();
        let bodies = dir.path().join(BODIES);
        let bytes = std::fs::read(&bodies).unwrap();
        std::fs::write(&bodies, &bytes[..bytes.len() - 3]).unwrap();
        assert!(Library::open(dir.path()).is_err());
        // Only the trailer: too short for the offsets it promises.
        std::fs::write(&bodies, &bytes[bytes.len() - 16..]).unwrap();
        assert!(Library::open(dir.path()).is_err());
        std::fs::write(&bodies, b"").unwrap();
        assert!(Library::open(dir.path()).is_err());
        std::fs::write(&bodies, &bytes).unwrap();
        let library = dir.path().join(LIBRARY);
        let text = std::fs::read_to_string(&library).unwrap();
        std::fs::write(&library, text.replacen("\"kind\":", "\"kindx\":", 1)).unwrap();
        assert!(Library::open(dir.path()).is_err());
        let cut = text.trim_end().rfind('\n').unwrap();
        std::fs::write(&library, &text[..cut]).unwrap();
        assert!(Library::open(dir.path()).is_err(), "an entry is missing");
    }
}
