//! The entries holding each common word of the fields a prefix is
//! completed in (title, summary, topic names), as a bitset over ords per
//! field and word. Written with an index version, read from the mapped
//! file when a search completes its last word.
//!
//! Completing a prefix marks every entry holding one of its completions
//! ("consen" → "consensual", "consent") in those fields. From the
//! postings that is 2–3 ns an entry, decoding and marking each: a word in
//! a fifth of 100,000 entries costs about 50 µs, a tenth of a search. A
//! kept bitset is or-ed into the marks 64 entries at a time.
//!
//! A word is kept when a field holds it in at least one entry in
//! [`DENSITY`] (and at least [`MIN_DOC_FREQ`]): its bitset is then no
//! larger than a few bytes an entry holding it. Rarer words cost little
//! from the postings.
//!
//! The file (little-endian): each kept word's bitset, one after another,
//! each of the same number of blocks (of a `usize`); then for each word
//! its field (u32), its length (u32), its bytes and where its bitset
//! starts (u64); then where that table starts (u64), the number of words
//! (u64), the blocks in a bitset (u64) and a magic number.

use std::io::{BufWriter, Write};
use std::path::Path;

use rustc_hash::FxHashMap;
use tantivy::Searcher;
use tantivy::directory::OwnedBytes;
use tantivy::schema::Field;

use super::live::posting_bits;
use super::{IndexError, mapped};

const FILE: &str = "word_bits";
const MAGIC: &[u8; 8] = b"SPBITS01";
/// Bytes in a bitset's block (a `FixedBitSet`'s, as written and read by
/// the same build).
const BLOCK: usize = size_of::<usize>();

/// A word is kept when at least one entry in this many holds it.
const DENSITY: usize = 32;

/// Nor when fewer entries than this hold it (a small bank's bitsets are
/// small, but so are its postings).
const MIN_DOC_FREQ: usize = 128;

/// The kept words' bitsets of an index version.
pub struct WordBits {
    bytes: OwnedBytes,
    /// Where each word's bitset in a field (by id) starts in the file.
    words: Words,
    /// The blocks of a bitset.
    blocks: usize,
}

impl std::fmt::Debug for WordBits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WordBits")
            .field("words", &self.words.len())
            .finish_non_exhaustive()
    }
}

impl WordBits {
    /// Opens a version's word bitsets, mapping the file rather than
    /// reading it.
    pub(crate) fn open(dir: &Path) -> Result<WordBits, IndexError> {
        let bytes = mapped::open(dir, FILE)?;
        let (words, blocks) = read_table(&bytes).map_err(|e| mapped::invalid(FILE, e))?;
        Ok(WordBits {
            bytes,
            words,
            blocks,
        })
    }

    /// Ors the entries holding `word` (a term's text) in `field` into
    /// `marks` (a bitset's blocks, over ords); false when the word is not
    /// kept.
    pub(crate) fn or_into(&self, field: Field, word: &[u8], marks: &mut [usize]) -> bool {
        let kept =
            (self.words.get(word).into_iter().flatten()).find(|(id, _)| *id == field.field_id());
        let Some(&(_, start)) = kept else {
            return false;
        };
        or_blocks(marks, &self.bytes[start..start + self.blocks * BLOCK]);
        true
    }
}

/// `marks[i] |= bits[i]` for a kept bitset's blocks, many at a time.
#[multiversion::multiversion(targets("x86_64+avx512f", "x86_64+avx2"))]
fn or_blocks(marks: &mut [usize], bits: &[u8]) {
    for (mark, block) in marks.iter_mut().zip(bits.chunks_exact(BLOCK)) {
        *mark |= usize::from_le_bytes(block.try_into().expect("a block"));
    }
}

/// Each kept word's fields (by id), with where its bitset in each starts.
type Words = FxHashMap<Box<[u8]>, Vec<(u32, usize)>>;

/// The words, and the blocks of a bitset.
type Table = (Words, usize);

/// The word table, checked: every bitset whole and before the table.
fn read_table(bytes: &[u8]) -> Result<Table, &'static str> {
    let ([table, count, blocks], mut rest) = mapped::trailer(bytes, MAGIC)?;
    let size = blocks.checked_mul(BLOCK).ok_or("a bitset is too long")?;
    let mut words = FxHashMap::default();
    for _ in 0..count {
        let field = rest.u32()?;
        let word = rest.word()?;
        let start = rest.u64()?;
        if start.checked_add(size).is_none_or(|end| end > table) {
            return Err("a word's bitset runs past the bitsets");
        }
        words
            .entry(word)
            .or_insert_with(Vec::new)
            .push((field, start));
    }
    Ok((words, blocks))
}

/// Writes the word bitsets of a built index: the common words of each of
/// `fields`, over the entries' ords (`ords`: each segment's entry ords by
/// document).
pub(crate) fn write(
    dir: &Path,
    searcher: &Searcher,
    fields: &[Field],
    ords: &[Vec<u32>],
) -> Result<(), IndexError> {
    let path = dir.join(FILE);
    let file = std::fs::File::create(&path).map_err(|e| IndexError::io(&path, e))?;
    let mut out = BufWriter::new(file);
    let io = |e| IndexError::io(&path, e);
    let mut table = Vec::new();
    let entries: usize = ords.iter().map(Vec::len).sum();
    let blocks = entries.div_ceil(usize::BITS as usize);
    let min = u32::try_from((entries / DENSITY).max(MIN_DOC_FREQ)).unwrap_or(u32::MAX);
    for &field in fields {
        for word in mapped::common_words(searcher, std::iter::once(field), min)? {
            let Ok(text) = std::str::from_utf8(&word) else {
                continue;
            };
            let term = tantivy::Term::from_field_text(field, text);
            let bits = posting_bits(searcher, field, &term, ords)?;
            table.push((field, word, table.len() * blocks * BLOCK));
            for &block in bits.as_slice() {
                out.write_all(&block.to_le_bytes()).map_err(io)?;
            }
        }
    }
    let written = table.len() * blocks * BLOCK;
    let write_table = || -> std::io::Result<()> {
        for (field, word, start) in &table {
            out.write_all(&field.field_id().to_le_bytes())?;
            out.write_all(&(word.len() as u32).to_le_bytes())?;
            out.write_all(word)?;
            out.write_all(&(*start as u64).to_le_bytes())?;
        }
        out.write_all(&(written as u64).to_le_bytes())?;
        out.write_all(&(table.len() as u64).to_le_bytes())?;
        out.write_all(&(blocks as u64).to_le_bytes())?;
        out.write_all(MAGIC)?;
        out.into_inner()?.sync_all()
    };
    write_table().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file of these (field, word, blocks) bitsets, laid out as `write`
    /// lays it out, with `blocks` blocks each.
    fn file(words: &[(u32, &str, &[usize])], blocks: usize) -> Vec<u8> {
        let mut bytes = Vec::new();
        let mut table = Vec::new();
        for (field, word, bits) in words {
            table.push((*field, *word, bytes.len() as u64));
            bits.iter().for_each(|b| bytes.extend(b.to_le_bytes()));
        }
        let at = bytes.len() as u64;
        for (field, word, start) in &table {
            bytes.extend(field.to_le_bytes());
            bytes.extend((word.len() as u32).to_le_bytes());
            bytes.extend(word.as_bytes());
            bytes.extend(start.to_le_bytes());
        }
        for n in [at, table.len() as u64, blocks as u64] {
            bytes.extend(n.to_le_bytes());
        }
        bytes.extend(MAGIC);
        bytes
    }

    #[test]
    fn a_kept_words_bitset_is_ored_into_the_marks() {
        let bytes = file(&[(2, "consent", &[0b1010, 1]), (5, "abus", &[0b1, 0])], 2);
        let (words, blocks) = read_table(&bytes).unwrap();
        let bits = WordBits {
            bytes: OwnedBytes::new(bytes),
            words,
            blocks,
        };
        let mut marks = [0b100, 0];
        assert!(bits.or_into(Field::from_field_id(2), b"consent", &mut marks));
        assert_eq!(marks, [0b1110, 1]);
        assert!(!bits.or_into(Field::from_field_id(5), b"consent", &mut marks));
        assert!(!bits.or_into(Field::from_field_id(2), b"abus", &mut marks));
        assert_eq!(marks, [0b1110, 1], "a word not kept marks nothing");
    }

    #[test]
    fn a_damaged_file_is_refused() {
        let whole = file(&[(2, "consent", &[0b1010, 1])], 2);
        assert!(read_table(&whole).is_ok());
        for cut in [0, 7, whole.len() - 1] {
            assert!(read_table(&whole[..cut]).is_err(), "cut at {cut}");
        }
        // A bitset longer than the lists before the table.
        let long = file(&[(2, "consent", &[0b1010, 1])], 3);
        assert!(read_table(&long).is_err());
        let mut other = whole.clone();
        let last = other.len() - 1;
        other[last] ^= 1;
        assert!(read_table(&other).is_err(), "another file's magic");
    }
}
