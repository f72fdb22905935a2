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
//! A word in at least half the entries ("sexual", "harm", "online" in a
//! bank about harmful sexual behaviour online) is kept as a dense list, a
//! score for every entry (0 where it does not occur): no larger than its
//! pairs would be, and added up a vector at a time instead of an entry at
//! a time (a search for "harmful sexual behaviour" adds 246,000 scores at
//! 100,000 entries).
//!
//! The file (little-endian): each kept word's list, one after another:
//! `(ord: u32, score: f32)` pairs in ord order, or a dense list's `score:
//! f32` by ord; then for each word its length (u32), its bytes, where its
//! list starts (u64), how many pairs or scores it holds (u32) and whether
//! it is dense (u8); then where that table starts (u64), the number of
//! words (u64) and a magic number.

use std::io::{BufWriter, Write};
use std::path::Path;

use fixedbitset::FixedBitSet;
use rustc_hash::FxHashMap;
use tantivy::directory::OwnedBytes;
use tantivy::fastfield::AliveBitSet;
use tantivy::postings::BlockSegmentPostings;
use tantivy::query::Bm25Weight;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, Score, Searcher, Term};

use super::{IndexError, mapped};

const FILE: &str = "word_scores";
const MAGIC: &[u8; 8] = b"SPWORDS2";
const PAIR: usize = 8;
const SCORE: usize = 4;

/// Words rarer than this in every field are scored from the postings.
const MIN_DOC_FREQ: u32 = 128;

/// The word scores of an index version.
pub struct WordScores {
    bytes: OwnedBytes,
    words: Lists,
}

/// Where each kept word's list is in the file.
type Lists = FxHashMap<Box<[u8]>, List>;

#[derive(Debug, Clone, Copy)]
struct List {
    /// The byte it starts at.
    start: usize,
    /// How many pairs, or scores when dense.
    len: usize,
    dense: bool,
}

impl List {
    fn bytes(&self) -> Option<usize> {
        let size = if self.dense { SCORE } else { PAIR };
        self.len.checked_mul(size)
    }
}

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
        let bytes = mapped::open(dir, FILE)?;
        let words = read_table(&bytes).map_err(|e| mapped::invalid(FILE, e))?;
        Ok(WordScores { bytes, words })
    }

    /// Adds the word's score in each entry it occurs in to `totals` (by
    /// ord), in ord order; false when the word is not kept (`word`: a
    /// term's text). A dense list adds 0 elsewhere, which changes no total.
    pub(crate) fn add_to(&self, word: &[u8], totals: &mut [Score]) -> bool {
        let Some(list) = self.words.get(word) else {
            return false;
        };
        let bytes = &self.bytes[list.start..list.start + list.bytes().unwrap_or(0)];
        if list.dense {
            add_dense(totals, bytes);
        } else {
            for pair in bytes.chunks_exact(PAIR) {
                let (ord, score) = pair.split_at(4);
                let ord = u32::from_le_bytes(ord.try_into().expect("4 bytes"));
                if let Some(total) = totals.get_mut(ord as usize) {
                    *total += f32::from_le_bytes(score.try_into().expect("4 bytes"));
                }
            }
        }
        true
    }

    /// The word's scores by ord when it is kept as a dense list of `n`
    /// (the number of entries).
    pub(crate) fn dense(&self, word: &[u8], n: usize) -> Option<Vec<Score>> {
        let list = self.words.get(word).filter(|l| l.dense && l.len == n)?;
        let bytes = &self.bytes[list.start..list.start + list.bytes()?];
        Some(to_scores(bytes))
    }
}

/// A dense list's scores, as floats.
#[multiversion::multiversion(targets("x86_64+avx512f", "x86_64+avx2"))]
fn to_scores(bytes: &[u8]) -> Vec<Score> {
    (bytes.chunks_exact(SCORE))
        .map(|score| f32::from_le_bytes(score.try_into().expect("4 bytes")))
        .collect()
}

#[cfg(test)]
impl WordScores {
    /// Whether a kept word's list is dense.
    pub(crate) fn is_dense(&self, word: &str) -> Option<bool> {
        self.words.get(word.as_bytes()).map(|list| list.dense)
    }
}

/// `totals[ord] += score` for a dense list's scores, many at a time.
#[multiversion::multiversion(targets("x86_64+avx512f", "x86_64+avx2"))]
fn add_dense(totals: &mut [Score], scores: &[u8]) {
    for (total, score) in totals.iter_mut().zip(scores.chunks_exact(SCORE)) {
        *total += f32::from_le_bytes(score.try_into().expect("4 bytes"));
    }
}

/// The word table, checked: every list before the table. (Reading every
/// ord would read the whole file; an ord past the entries is skipped where
/// scores are added up.)
fn read_table(bytes: &[u8]) -> Result<Lists, &'static str> {
    let ([table, count], mut rest) = mapped::trailer(bytes, MAGIC)?;
    let mut words = FxHashMap::default();
    for _ in 0..count {
        let word = rest.word()?;
        let start = rest.u64()?;
        let len = rest.u32()? as usize;
        let dense = match rest.take(1)? {
            [0] => false,
            [1] => true,
            _ => return Err("a word's list is neither sparse nor dense"),
        };
        let list = List { start, len, dense };
        let end = list.bytes().and_then(|len| start.checked_add(len));
        if end.is_none_or(|end| end > table) {
            return Err("a word's scores run past the lists");
        }
        words.insert(word, list);
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
    let mut written = 0usize;
    let entries: usize = ords.iter().map(Vec::len).sum();
    let mut totals = vec![0.0; entries];
    let mut found = FixedBitSet::with_capacity(entries);
    let fields = searched.iter().map(|s| s.0);
    for word in mapped::common_words(searcher, fields, MIN_DOC_FREQ)? {
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
        // Dense when that is no larger: a score an entry against a pair
        // for each entry the word is in.
        let dense = found.count_ones(..) * PAIR >= entries * SCORE;
        let listed = if dense {
            write_dense(&mut out, &totals)
        } else {
            write_pairs(&mut out, &totals, &found)
        };
        let len = listed.map_err(|e| IndexError::io(&path, e))?;
        if dense {
            totals.fill(0.0);
        } else {
            found.ones().for_each(|ord| totals[ord] = 0.0);
        }
        found.clear();
        let list = List {
            start: written,
            len,
            dense,
        };
        written += list.bytes().unwrap_or(0);
        table.push((word, list));
    }
    let write_table = || -> std::io::Result<()> {
        for (word, list) in &table {
            out.write_all(&(word.len() as u32).to_le_bytes())?;
            out.write_all(word)?;
            out.write_all(&(list.start as u64).to_le_bytes())?;
            out.write_all(&(list.len as u32).to_le_bytes())?;
            out.write_all(&[u8::from(list.dense)])?;
        }
        out.write_all(&(written as u64).to_le_bytes())?;
        out.write_all(&(table.len() as u64).to_le_bytes())?;
        out.write_all(MAGIC)?;
        out.into_inner()?.sync_all()
    };
    write_table().map_err(|e| IndexError::io(&path, e))
}

/// Writes the pairs of the entries `found`; returns how many.
fn write_pairs(
    out: &mut impl Write,
    totals: &[Score],
    found: &FixedBitSet,
) -> std::io::Result<usize> {
    for ord in found.ones() {
        out.write_all(&(ord as u32).to_le_bytes())?;
        out.write_all(&totals[ord].to_le_bytes())?;
    }
    Ok(found.count_ones(..))
}

/// Writes a score for every entry; returns how many.
fn write_dense(out: &mut impl Write, totals: &[Score]) -> std::io::Result<usize> {
    for total in totals {
        out.write_all(&total.to_le_bytes())?;
    }
    Ok(totals.len())
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

    /// The trailer: where the table starts, the number of words, the magic.
    const TRAILER: usize = 24;

    /// A word's list as `write` writes it.
    enum Listed<'a> {
        Pairs(&'a [(u32, f32)]),
        Dense(&'a [f32]),
    }

    /// A file of these words, laid out as `write` lays it out.
    fn file(words: &[(&str, Listed<'_>)]) -> Vec<u8> {
        let mut bytes = Vec::new();
        let mut table = Vec::new();
        for (word, list) in words {
            let at = bytes.len() as u64;
            match list {
                Listed::Pairs(pairs) => {
                    table.push((*word, at, pairs.len() as u32, 0u8));
                    for (ord, score) in *pairs {
                        bytes.extend(ord.to_le_bytes());
                        bytes.extend(score.to_le_bytes());
                    }
                }
                Listed::Dense(scores) => {
                    table.push((*word, at, scores.len() as u32, 1u8));
                    scores.iter().for_each(|s| bytes.extend(s.to_le_bytes()));
                }
            }
        }
        let at = bytes.len() as u64;
        for (word, start, len, dense) in &table {
            bytes.extend((word.len() as u32).to_le_bytes());
            bytes.extend(word.as_bytes());
            bytes.extend(start.to_le_bytes());
            bytes.extend(len.to_le_bytes());
            bytes.push(*dense);
        }
        bytes.extend(at.to_le_bytes());
        bytes.extend((table.len() as u64).to_le_bytes());
        bytes.extend(MAGIC);
        bytes
    }

    /// Eight entries' totals, starting at 1, after adding a word's scores.
    fn added(bytes: Vec<u8>, word: &str) -> Option<Vec<f32>> {
        let words = read_table(&bytes).unwrap();
        let scores = WordScores {
            bytes: OwnedBytes::new(bytes),
            words,
        };
        let mut totals = vec![1.0; 8];
        (scores.add_to(word.as_bytes(), &mut totals)).then_some(totals)
    }

    #[test]
    fn a_words_scores_read_back_sparse_or_dense() {
        let dense = [0.5, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 4.0];
        let bytes = file(&[
            ("consent", Listed::Pairs(&[(0, 1.5), (7, 0.25)])),
            ("lesson", Listed::Pairs(&[(3, 2.0), (8, 9.0)])),
            ("sexual", Listed::Dense(&dense)),
        ]);
        let ones = |changes: &[(usize, f32)]| {
            let mut totals = vec![1.0; 8];
            changes.iter().for_each(|&(ord, to)| totals[ord] = to);
            Some(totals)
        };
        assert_eq!(
            added(bytes.clone(), "consent"),
            ones(&[(0, 2.5), (7, 1.25)])
        );
        // An ord past the entries is skipped.
        assert_eq!(added(bytes.clone(), "lesson"), ones(&[(3, 3.0)]));
        assert_eq!(
            added(bytes.clone(), "sexual"),
            ones(&[(0, 1.5), (3, 3.0), (7, 5.0)])
        );
        assert_eq!(added(bytes, "helpline"), None);
    }

    #[test]
    fn a_damaged_file_is_an_error() {
        let good = file(&[("consent", Listed::Pairs(&[(0, 1.5), (7, 0.25)]))]);
        let mut bad_magic = good.clone();
        *bad_magic.last_mut().unwrap() ^= 1;
        let mut long_list = good.clone();
        // The pair count of the only word (before its flag and the trailer).
        let count_at = long_list.len() - TRAILER - 5;
        long_list[count_at] = 3;
        let mut bad_flag = good.clone();
        let flag_at = bad_flag.len() - TRAILER - 1;
        bad_flag[flag_at] = 2;
        let mut dense_too_long = good.clone();
        // Two pairs are 16 bytes, four scores: as dense, 5 run past them.
        dense_too_long[flag_at] = 1;
        dense_too_long[count_at] = 5;
        let mut dense_fits = dense_too_long.clone();
        dense_fits[count_at] = 4;
        assert!(read_table(&dense_fits).is_ok());
        let cut_short = good[..good.len() - TRAILER - 2].to_vec();
        for bytes in [
            bad_magic,
            long_list,
            bad_flag,
            dense_too_long,
            cut_short,
            good[..5].to_vec(),
            Vec::new(),
        ] {
            assert!(read_table(&bytes).is_err(), "{bytes:?}");
        }
        assert!(read_table(&good).is_ok());
    }
}
