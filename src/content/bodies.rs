//! Entry bodies, kept apart from the entries.
//!
//! A freshly loaded bank holds its bodies in memory (the index and the
//! bank's words are made from them). An index version writes them to one
//! file, and the library a server opens from that version reads a body
//! only when a page shows it: a search page reads the plain text of its
//! twenty hits (for snippets), an entry page one body's HTML. On 100,000
//! entries the bodies are 290 MB that no longer sit in memory.
//!
//! The file: for each entry in order, its plain text then its HTML, then
//! the offsets (little-endian u64: where each text and each HTML starts,
//! and the end), then the number of entries and a magic number.
//! A read is one `pread` of the bytes wanted.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use super::entry::{Body, SafeHtml};

const MAGIC: &[u8; 8] = b"SPBODY01";

/// Where a library's bodies are.
#[derive(Debug)]
pub(super) enum Bodies {
    Memory(Vec<Body>),
    Stored(BodyFile),
}

/// A body file opened for reading.
#[derive(Debug)]
pub(super) struct BodyFile {
    file: File,
    /// `2 * n + 1` offsets: text `i` is `[2i, 2i+1)`, its HTML `[2i+1, 2i+2)`.
    offsets: Vec<u64>,
}

fn invalid(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.into())
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buf, offset)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

impl BodyFile {
    pub(super) fn open(path: &Path, entries: usize) -> io::Result<BodyFile> {
        let file = File::open(path)?;
        let len = file.metadata()?.len();
        let mut trailer = [0u8; 16];
        if len < 16 {
            return Err(invalid("the body file is truncated"));
        }
        read_at(&file, &mut trailer, len - 16)?;
        let n = u64::from_le_bytes(trailer[..8].try_into().expect("8 bytes"));
        if &trailer[8..] != MAGIC || n != entries as u64 {
            return Err(invalid(format!(
                "the body file does not hold {entries} entries"
            )));
        }
        let count = 2 * entries + 1;
        let table = (count as u64) * 8;
        if len < 16 + table {
            return Err(invalid("the body file is truncated"));
        }
        let mut bytes = vec![0u8; count * 8];
        read_at(&file, &mut bytes, len - 16 - table)?;
        let offsets: Vec<u64> = bytes
            .chunks_exact(8)
            .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
            .collect();
        if offsets.windows(2).any(|w| w[0] > w[1]) || offsets[count - 1] > len - 16 - table {
            return Err(invalid("the body file's offsets are out of order"));
        }
        Ok(BodyFile { file, offsets })
    }

    fn read(&self, from: usize) -> io::Result<String> {
        let (start, end) = (self.offsets[from], self.offsets[from + 1]);
        let mut bytes = vec![0u8; (end - start) as usize];
        read_at(&self.file, &mut bytes, start)?;
        String::from_utf8(bytes).map_err(|_| invalid("a body is not UTF-8"))
    }

    fn text(&self, ord: usize) -> io::Result<String> {
        self.read(2 * ord)
    }

    fn html(&self, ord: usize) -> io::Result<String> {
        self.read(2 * ord + 1)
    }
}

impl Bodies {
    pub(super) fn text(&self, ord: usize) -> io::Result<Cow<'_, str>> {
        match self {
            Bodies::Memory(bodies) => Ok(Cow::Borrowed(&bodies[ord].text)),
            Bodies::Stored(file) => file.text(ord).map(Cow::Owned),
        }
    }

    pub(super) fn html(&self, ord: usize) -> io::Result<SafeHtml> {
        match self {
            Bodies::Memory(bodies) => Ok(bodies[ord].html.clone()),
            Bodies::Stored(file) => file.html(ord).map(SafeHtml::from_store),
        }
    }

    fn html_str(&self, ord: usize) -> io::Result<Cow<'_, str>> {
        match self {
            Bodies::Memory(bodies) => Ok(Cow::Borrowed(bodies[ord].html.as_str())),
            Bodies::Stored(file) => file.html(ord).map(Cow::Owned),
        }
    }

    /// Writes every body, in order, to a new body file.
    pub(super) fn write(&self, entries: usize, path: &Path) -> io::Result<()> {
        let file = File::create(path)?;
        let mut out = BufWriter::with_capacity(1 << 20, &file);
        let mut offsets = Vec::with_capacity(2 * entries + 1);
        let mut at = 0u64;
        for ord in 0..entries {
            for part in [self.text(ord)?, self.html_str(ord)?] {
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
