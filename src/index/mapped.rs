//! What the files an index version keeps beside tantivy's have in common
//! (`word_scores`, `word_bits`): lists written one after another, a table
//! of the words they are for, and a trailer that says where the table is
//! and ends in the file's magic number; mapped, not read, when the version
//! opens. Also the words such a file is written for.

use std::collections::BTreeSet;
use std::path::Path;

use tantivy::Searcher;
use tantivy::directory::{Directory, MmapDirectory, OwnedBytes};
use tantivy::schema::Field;

use super::IndexError;

/// Maps a file of the version in `dir`, through tantivy's own directory of
/// mapped files.
pub(super) fn open(dir: &Path, file: &'static str) -> Result<OwnedBytes, IndexError> {
    (MmapDirectory::open(dir).map_err(|e| invalid(file, &e.to_string()))?)
        .open_read(Path::new(file))
        .map_err(|e| invalid(file, &e.to_string()))?
        .read_bytes()
        .map_err(|e| IndexError::io(Path::new(file), e))
}

/// A file that is not what it should be.
pub(super) fn invalid(file: &'static str, message: &str) -> IndexError {
    IndexError::io(
        Path::new(file),
        std::io::Error::new(std::io::ErrorKind::InvalidData, message.to_string()),
    )
}

/// The numbers of a file's trailer (`N` u64s, then `magic`) and the bytes
/// of its table: from where the first number says to the trailer.
pub(super) fn trailer<'a, const N: usize>(
    bytes: &'a [u8],
    magic: &[u8; 8],
) -> Result<([usize; N], Cursor<'a>), &'static str> {
    let at = (bytes.len())
        .checked_sub(N * 8 + magic.len())
        .ok_or(TRUNCATED)?;
    let mut trailer = Cursor(&bytes[at..]);
    let numbers = [(); N].map(|()| trailer.u64().unwrap_or(0));
    if trailer.0 != magic {
        return Err("the file is not one of this kind");
    }
    let table = bytes.get(numbers[0]..at).ok_or(TRUNCATED)?;
    Ok((numbers, Cursor(table)))
}

const TRUNCATED: &str = "the file is truncated";

/// Reads a table's fields in order.
pub(super) struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    pub(super) fn take(&mut self, n: usize) -> Result<&'a [u8], &'static str> {
        if self.0.len() < n {
            return Err(TRUNCATED);
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Ok(head)
    }

    pub(super) fn u32(&mut self) -> Result<u32, &'static str> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }

    pub(super) fn u64(&mut self) -> Result<usize, &'static str> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().expect("8 bytes")) as usize)
    }

    /// A word: its length (u32), then its bytes.
    pub(super) fn word(&mut self) -> Result<Box<[u8]>, &'static str> {
        let len = self.u32()? as usize;
        Ok(self.take(len)?.into())
    }
}

/// The words some segment holds in at least `min` documents of one of
/// `fields`, in byte order.
pub(super) fn common_words(
    searcher: &Searcher,
    fields: impl Iterator<Item = Field> + Clone,
    min: u32,
) -> Result<Vec<Vec<u8>>, IndexError> {
    let mut words = BTreeSet::new();
    for reader in searcher.segment_readers() {
        for field in fields.clone() {
            let inverted = reader.inverted_index(field)?;
            let mut stream = (inverted.terms().stream()).map_err(tantivy::TantivyError::from)?;
            while stream.advance() {
                if stream.value().doc_freq >= min {
                    words.insert(stream.key().to_vec());
                }
            }
        }
    }
    Ok(words.into_iter().collect())
}
