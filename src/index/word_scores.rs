//! Each common word's score in every entry it occurs in: the sum, over the
//! searched fields, of its BM25 in the field times the field's boost.
//! Written with an index version, read from the mapped file when a search
//! scores its words.
//!
//! A search scores every match of its words (the facet counts need every
//! match, and the ranking's lifts leave too little to prune). Through
//! tantivy's postings that is five posting lists a word, each posting's
//! BM25 worked out from its term frequency and field length: 4–7 ns a
//! posting. The scores only change when the index does, so a version
//! writes them once, a list per word, and a search adds them up.
//!
//! A word is kept when a field holds it in at least [`MIN_DOC_FREQ`]
//! documents; rarer words cost little to score from the postings, which
//! also score everything a kept word cannot stand for (a word in one field,
//! `title:consent`).
//!
//! The file (little-endian): each kept word's `(ord: u32, score: f32)`
//! pairs in ord order, one list after another; then for each word its
//! length (u32), its bytes, where its list starts (u64) and how many pairs
//! it holds (u32); then where that table starts (u64), the number of words
//! (u64) and a magic number.

use std::io::{BufWriter, Write};
use std::path::Path;

use fixedbitset::FixedBitSet;
use rustc_hash::FxHashMap;
use tantivy::directory::{Directory, MmapDirectory, OwnedBytes};
use tantivy::fastfield::AliveBitSet;
use tantivy::postings::BlockSegmentPostings;
use tantivy::query::Bm25Weight;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, Score, Searcher, Term};

use super::IndexError;

const FILE: &str = "word_scores";
const MAGIC: &[u8; 8] = b"SPWORDS1";
const PAIR: usize = 8;
const TRAILER: usize = 24;

/// Words rarer than this in every field are scored from the postings.
const MIN_DOC_FREQ: u32 = 128;

/// The word scores of an index version.
pub struct WordScores {
    bytes: OwnedBytes,
    words: Lists,
}

/// Where each kept word's pairs are in the file: the byte they start at
/// and how many there are.
type Lists = FxHashMap<Box<[u8]>, (usize, usize)>;

impl std::fmt::Debug for WordScores {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WordScores")
            .field("words", &self.words.len())
            .finish_non_exhaustive()
    }
}

impl WordScores {
    /// Opens a version's word scores, mapping the file rather than reading
    /// it (through tantivy's own directory of mapped files).
    pub(crate) fn open(dir: &Path) -> Result<WordScores, IndexError> {
        let bytes = (MmapDirectory::open(dir).map_err(|e| invalid(&e.to_string()))?)
            .open_read(Path::new(FILE))
            .map_err(|e| invalid(&e.to_string()))?
            .read_bytes()
            .map_err(|e| IndexError::io(Path::new(FILE), e))?;
        let words = read_table(&bytes).map_err(invalid)?;
        Ok(WordScores { bytes, words })
    }

    /// Calls `f` with each entry the word occurs in and its score, in ord
    /// order; false when the word is not kept (`word`: a term's text).
    pub(crate) fn for_each(&self, word: &[u8], mut f: impl FnMut(usize, Score)) -> bool {
        let Some(&(start, len)) = self.words.get(word) else {
            return false;
        };
        for pair in self.bytes[start..start + len * PAIR].chunks_exact(PAIR) {
            let (ord, score) = pair.split_at(4);
            let ord = u32::from_le_bytes(ord.try_into().expect("4 bytes"));
            let score = f32::from_le_bytes(score.try_into().expect("4 bytes"));
            f(ord as usize, score);
        }
        true
    }
}

fn invalid(message: &str) -> IndexError {
    IndexError::io(
        Path::new(FILE),
        std::io::Error::new(std::io::ErrorKind::InvalidData, message.to_string()),
    )
}

/// The word table, checked: every list before the table. (Reading every
/// ord would read the whole file; an ord past the entries is skipped where
/// scores are added up.)
fn read_table(bytes: &[u8]) -> Result<Lists, &'static str> {
    let truncated = "the word scores are truncated";
    let at = bytes.len().checked_sub(TRAILER).ok_or(truncated)?;
    let trailer = &bytes[at..];
    if &trailer[16..] != MAGIC {
        return Err("the word scores' file is not one");
    }
    let u64_at = |b: &[u8]| u64::from_le_bytes(b[..8].try_into().expect("8 bytes")) as usize;
    let (table, count) = (u64_at(trailer), u64_at(&trailer[8..]));
    let mut rest = bytes.get(table..at).ok_or(truncated)?;
    let mut take = |n: usize| -> Result<&[u8], &'static str> {
        let (head, tail) = (rest.len() >= n)
            .then(|| rest.split_at(n))
            .ok_or(truncated)?;
        rest = tail;
        Ok(head)
    };
    let mut words = FxHashMap::default();
    for _ in 0..count {
        let len = u32::from_le_bytes(take(4)?.try_into().expect("4 bytes")) as usize;
        let word: Box<[u8]> = take(len)?.into();
        let start = u64_at(take(8)?);
        let pairs = u32::from_le_bytes(take(4)?.try_into().expect("4 bytes")) as usize;
        let end = pairs
            .checked_mul(PAIR)
            .and_then(|len| start.checked_add(len));
        if end.is_none_or(|end| end > table) {
            return Err("a word's scores run past the lists");
        }
        words.insert(word, (start, pairs));
    }
    Ok(words)
}

/// Writes the word scores of a built index: `searched` are the fields a
/// typed word is looked for in, with their boosts, in the order their
/// scores are added; `ords` each segment's entry ords by document.
pub(crate) fn write(
    dir: &Path,
    searcher: &Searcher,
    searched: &[(Field, Score)],
    ords: &[Vec<u32>],
) -> Result<(), IndexError> {
    let path = dir.join(FILE);
    let file = std::fs::File::create(&path).map_err(|e| IndexError::io(&path, e))?;
    let mut out = BufWriter::new(file);
    let mut table = Vec::new();
    let mut written = 0u64;
    let entries: usize = ords.iter().map(Vec::len).sum();
    let mut totals = vec![0.0; entries];
    let mut found = FixedBitSet::with_capacity(entries);
    for word in common_words(searcher, searched)? {
        let Ok(text) = std::str::from_utf8(&word) else {
            continue;
        };
        for &(field, boost) in searched {
            let term = Term::from_field_text(field, text);
            for_each_score(searcher, ords, &term, boost, |ord, score| {
                if let Some(total) = totals.get_mut(ord) {
                    *total += score;
                    found.insert(ord);
                }
            })?;
        }
        let mut pairs = 0u32;
        for ord in found.ones() {
            out.write_all(&(ord as u32).to_le_bytes())
                .and_then(|()| out.write_all(&totals[ord].to_le_bytes()))
                .map_err(|e| IndexError::io(&path, e))?;
            totals[ord] = 0.0;
            pairs += 1;
        }
        found.clear();
        table.push((word, written, pairs));
        written += u64::from(pairs) * PAIR as u64;
    }
    let write_table = || -> std::io::Result<()> {
        for (word, start, pairs) in &table {
            out.write_all(&(word.len() as u32).to_le_bytes())?;
            out.write_all(word)?;
            out.write_all(&start.to_le_bytes())?;
            out.write_all(&pairs.to_le_bytes())?;
        }
        out.write_all(&written.to_le_bytes())?;
        out.write_all(&(table.len() as u64).to_le_bytes())?;
        out.write_all(MAGIC)?;
        out.into_inner()?.sync_all()
    };
    write_table().map_err(|e| IndexError::io(&path, e))
}

/// The words some searched field holds in at least [`MIN_DOC_FREQ`]
/// documents, in byte order.
fn common_words(
    searcher: &Searcher,
    searched: &[(Field, Score)],
) -> Result<Vec<Vec<u8>>, IndexError> {
    let mut words = std::collections::BTreeSet::new();
    for reader in searcher.segment_readers() {
        for &(field, _) in searched {
            let inverted = reader.inverted_index(field)?;
            let mut stream = (inverted.terms().stream()).map_err(tantivy::TantivyError::from)?;
            while stream.advance() {
                if stream.value().doc_freq >= MIN_DOC_FREQ {
                    words.insert(stream.key().to_vec());
                }
            }
        }
    }
    Ok(words.into_iter().collect())
}

/// Calls `f` with each live entry a term occurs in, by ord, and the
/// term's BM25 there times `boost`: tantivy's own weight, as its term query
/// scores (`ords`: each segment's entry ords by document).
pub(crate) fn for_each_score<O: AsRef<[u32]>>(
    searcher: &Searcher,
    ords: &[O],
    term: &Term,
    boost: Score,
    mut f: impl FnMut(usize, Score),
) -> tantivy::Result<()> {
    let bm25 = Bm25Weight::for_terms(searcher, std::slice::from_ref(term))?.boost_by(boost);
    for (reader, ords) in searcher.segment_readers().iter().zip(ords) {
        let inverted = reader.inverted_index(term.field())?;
        let Some(postings) = inverted.read_block_postings(term, IndexRecordOption::WithFreqs)?
        else {
            continue;
        };
        let fieldnorms = reader.get_fieldnorms_reader(term.field())?;
        let alive = reader.alive_bitset();
        for_each_block_of(postings, |docs, tfs| {
            for (&doc, &tf) in docs.iter().zip(tfs) {
                if let Some(ord) = live_ord(alive, ords.as_ref(), doc) {
                    f(ord, bm25.score(fieldnorms.fieldnorm_id(doc), tf));
                }
            }
        });
    }
    Ok(())
}

/// The entry ord of a segment's document, unless it was deleted.
pub(crate) fn live_ord(alive: Option<&AliveBitSet>, ords: &[u32], doc: DocId) -> Option<usize> {
    let live = alive.is_none_or(|alive| alive.is_alive(doc));
    (ords.get(doc as usize))
        .filter(|_| live)
        .map(|&ord| ord as usize)
}

/// Calls `f` with each block of postings: the documents and their term
/// frequencies (meaningless unless the postings were read with them).
pub(crate) fn for_each_block_of(
    mut postings: BlockSegmentPostings,
    mut f: impl FnMut(&[DocId], &[u32]),
) {
    while !postings.docs().is_empty() {
        f(postings.docs(), postings.freqs());
        postings.advance();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file of two words, laid out as `write` lays it out.
    fn file(words: &[(&str, &[(u32, f32)])]) -> Vec<u8> {
        let mut bytes = Vec::new();
        let mut table = Vec::new();
        for (word, pairs) in words {
            table.push((*word, bytes.len() as u64, pairs.len() as u32));
            for (ord, score) in *pairs {
                bytes.extend(ord.to_le_bytes());
                bytes.extend(score.to_le_bytes());
            }
        }
        let at = bytes.len() as u64;
        for (word, start, pairs) in &table {
            bytes.extend((word.len() as u32).to_le_bytes());
            bytes.extend(word.as_bytes());
            bytes.extend(start.to_le_bytes());
            bytes.extend(pairs.to_le_bytes());
        }
        bytes.extend(at.to_le_bytes());
        bytes.extend((table.len() as u64).to_le_bytes());
        bytes.extend(MAGIC);
        bytes
    }

    fn scores(bytes: Vec<u8>, word: &str) -> Option<Vec<(usize, f32)>> {
        let words = read_table(&bytes).unwrap();
        let scores = WordScores {
            bytes: OwnedBytes::new(bytes),
            words,
        };
        let mut found = Vec::new();
        scores
            .for_each(word.as_bytes(), |ord, score| found.push((ord, score)))
            .then_some(found)
    }

    #[test]
    fn a_words_scores_read_back() {
        let bytes = file(&[("consent", &[(0, 1.5), (7, 0.25)]), ("lesson", &[(3, 2.0)])]);
        assert_eq!(
            scores(bytes.clone(), "consent"),
            Some(vec![(0, 1.5), (7, 0.25)])
        );
        assert_eq!(scores(bytes.clone(), "lesson"), Some(vec![(3, 2.0)]));
        assert_eq!(scores(bytes, "helpline"), None);
    }

    #[test]
    fn a_damaged_file_is_an_error() {
        let good = file(&[("consent", &[(0, 1.5), (7, 0.25)])]);
        let mut bad_magic = good.clone();
        *bad_magic.last_mut().unwrap() ^= 1;
        let mut long_list = good.clone();
        // The pair count of the only word (just before the trailer).
        let count_at = long_list.len() - TRAILER - 4;
        long_list[count_at] = 3;
        let cut_short = good[..good.len() - TRAILER - 2].to_vec();
        for bytes in [
            bad_magic,
            long_list,
            cut_short,
            good[..5].to_vec(),
            Vec::new(),
        ] {
            assert!(read_table(&bytes).is_err(), "{bytes:?}");
        }
        assert!(read_table(&good).is_ok());
    }
}
