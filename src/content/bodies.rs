//! Entry bodies, kept apart from the entries.
//!
//! A freshly loaded bank holds its bodies in memory (the index and the
//! bank's words are made from them). An index version writes them to one
//! file, and the library a server opens from that version reads a body
//! only when a page shows it: a search page reads the plain text of its
//! twenty hits (for snippets), an entry page one body's Markdown (to
//! render). On 100,000 entries the bodies are 300 MB that no longer sit
//! in memory.
//!
//! The file: for each entry in order, its plain text then its Markdown,
//! then the offsets (little-endian u64: where each text and each Markdown
//! starts, and the end), then the number of entries and a magic number.
//! The file is mapped, and a body read where it lies.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use memmap2::Mmap;

use super::entry::Body;

const MAGIC: &[u8; 8] = b"SPBODY02";

/// Where a library's bodies are.
#[derive(Debug)]
pub(super) enum Bodies {
    Memory(Vec<Body>),
    Stored(BodyFile),
}

/// A body file opened for reading: mapped into memory, so a body is read
/// in place, without a system call or a copy (the kernel pages it in and
/// may page it out again: it is not held like the bodies of a fresh bank).
#[derive(Debug)]
pub(super) struct BodyFile {
    /// Index versions are written once and never changed in place (a new
    /// build makes a new directory), so the mapped bytes do not change.
    map: Mmap,
    /// `2 * n + 1` offsets: text `i` is `[2i, 2i+1)`, its Markdown
    /// `[2i+1, 2i+2)`.
    offsets: Vec<usize>,
}

fn invalid(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.into())
}

impl BodyFile {
    pub(super) fn open(path: &Path, entries: usize) -> io::Result<BodyFile> {
        let file = File::open(path)?;
        // SAFETY: the file is an index version's, which nothing rewrites or
        // truncates (see `map`); tantivy maps the version's other files
        // the same way.
        let map = unsafe { Mmap::map(&file)? };
        let truncated = || invalid("the body file is truncated");
        let trailer_at = map.len().checked_sub(16).ok_or_else(truncated)?;
        let (n, magic) = map[trailer_at..].split_at(8);
        let n = u64::from_le_bytes(n.try_into().expect("8 bytes"));
        if magic != MAGIC || n != entries as u64 {
            return Err(invalid(format!(
                "the body file does not hold {entries} entries"
            )));
        }
        let count = 2 * entries + 1;
        let table_at = trailer_at.checked_sub(count * 8).ok_or_else(truncated)?;
        let offsets: Vec<usize> = map[table_at..trailer_at]
            .chunks_exact(8)
            .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
            .map(|offset| usize::try_from(offset).unwrap_or(usize::MAX))
            .collect();
        if offsets.windows(2).any(|w| w[0] > w[1]) || offsets[count - 1] > table_at {
            return Err(invalid("the body file's offsets are out of order"));
        }
        Ok(BodyFile { map, offsets })
    }

    fn read(&self, from: usize) -> io::Result<&str> {
        let bytes = &self.map[self.offsets[from]..self.offsets[from + 1]];
        std::str::from_utf8(bytes).map_err(|_| invalid("a body is not UTF-8"))
    }

    fn text(&self, ord: usize) -> io::Result<&str> {
        self.read(2 * ord)
    }

    fn markdown(&self, ord: usize) -> io::Result<&str> {
        self.read(2 * ord + 1)
    }
}

impl Bodies {
    pub(super) fn text(&self, ord: usize) -> io::Result<Cow<'_, str>> {
        match self {
            Bodies::Memory(bodies) => Ok(Cow::Borrowed(&bodies[ord].text)),
            Bodies::Stored(file) => file.text(ord).map(Cow::Borrowed),
        }
    }

    pub(super) fn markdown(&self, ord: usize) -> io::Result<Cow<'_, str>> {
        match self {
            Bodies::Memory(bodies) => Ok(Cow::Borrowed(&bodies[ord].markdown)),
            Bodies::Stored(file) => file.markdown(ord).map(Cow::Borrowed),
        }
    }

    /// Writes every body, in order, to a new body file.
    pub(super) fn write(&self, entries: usize, path: &Path) -> io::Result<()> {
        let file = File::create(path)?;
        let mut out = BufWriter::with_capacity(1 << 20, &file);
        let mut offsets = Vec::with_capacity(2 * entries + 1);
        let mut at = 0u64;
        for ord in 0..entries {
            for part in [self.text(ord)?, self.markdown(ord)?] {
                offsets.push(at);
                out.write_all(part.as_bytes())?;
                at += part.len() as u64;
            }
        }
        offsets.push(at);
        for offset in offsets {
            out.write_all(&offset.to_le_bytes())?;
        }
        out.write_all(&(entries as u64).to_le_bytes())?;
        out.write_all(MAGIC)?;
        out.flush()?;
        drop(out);
        file.sync_all()
    }
}
