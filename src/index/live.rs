//! An opened index version, joined to the library it was built from, with
//! each facet value's posting list loaded as a bitset over entry ords.
//!
//! Search ANDs and ORs these bitsets for filters and counts facets by
//! intersecting them, which keeps disjunctive counts for every facet to a
//! few microseconds; tantivy does the text matching and BM25 scoring.

use std::ops::Range;
use std::path::Path;

use fixedbitset::FixedBitSet;
use tantivy::schema::{Facet as FacetPath, Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocSet, Index, ReloadPolicy, Score, Searcher, SegmentReader, TERMINATED, Term};

use super::IndexError;
use super::ages::AgeGroups;
use super::build::version_dir;
use super::schema::{self, Fields};
use super::word_bits::WordBits;
use super::word_scores::WordScores;
use crate::content::Library;
use crate::facet::{Facet, FacetValue, Matching};

/// The values of one facet, and for each the entries that selecting it matches.
#[derive(Debug)]
pub struct FacetPostings {
    pub facet: Facet,
    pub values: Vec<FacetValue>,
    pub matches: Vec<FixedBitSet>,
    /// How many entries each value matches: its count when nothing narrows
    /// a search.
    pub totals: Vec<usize>,
    /// The words of each value's bitset that hold any entry: counting
    /// reads only these (see [`occupied_words`]).
    pub occupied: Vec<Range<usize>>,
}

impl FacetPostings {
    pub fn position(&self, id: &str) -> Option<usize> {
        self.values.iter().position(|v| v.id == id)
    }
}

pub struct LiveIndex {
    pub library: Library,
    pub version: String,
    pub(crate) searcher: Searcher,
    pub(crate) fields: Fields,
    /// The tantivy index itself, for building query parsers over it.
    pub(crate) tantivy: Index,
    /// In [`Facet::ALL`] order.
    pub(crate) facets: Vec<FacetPostings>,
    /// Per segment, each document's entry ord: hits join back to entries
    /// through this instead of a fast-field read per match.
    pub(crate) doc_ords: Vec<std::sync::Arc<[u32]>>,
    /// Each common word's score in every entry it occurs in.
    pub(crate) word_scores: WordScores,
    /// The entries holding each common word of the fields a prefix is
    /// completed in.
    pub(crate) word_bits: WordBits,
    /// Half-open age range of each entry, by ord.
    pub(crate) ages: Vec<(u8, u8)>,
    /// The same, grouped by range: age filters read these.
    pub(crate) age_groups: AgeGroups,
    /// Position of each entry in title order, by ord.
    pub(crate) title_rank: Vec<u32>,
    /// Ords in title order, and newest `reviewed` first (ties by title):
    /// a page sorted by either is read off these without sorting.
    pub(crate) by_title: Vec<u32>,
    pub(crate) by_reviewed: Vec<u32>,
    /// Each entry's areas as positions in the area vocabulary: where
    /// `area_starts[ord]..area_starts[ord + 1]` of `areas` (ranking reads
    /// them for every match of a search that names a place).
    area_starts: Vec<u32>,
    areas: Vec<u32>,
    /// The entries tagged with each area itself (not above or below it),
    /// by position in the area vocabulary: browsing an area ranks the
    /// entries a level of nearness at a time from these.
    area_entries: Vec<FixedBitSet>,
    /// The analyzer of the text fields, for stemming what is typed the
    /// way the bank was indexed.
    analyzer: TextAnalyzer,
}

impl std::fmt::Debug for LiveIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveIndex")
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl LiveIndex {
    /// Opens a built version with the library it was built from, read from
    /// the version's snapshot.
    pub fn open(index_dir: &Path, version: &str) -> Result<LiveIndex, IndexError> {
        let dir = version_dir(index_dir, version);
        let library = Library::open(&dir).map_err(|e| IndexError::io(&dir, e))?;
        if !version.ends_with(&format!("-{}", library.fingerprint)) {
            return Err(IndexError::io(
                &dir,
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "the snapshot is of other content than the index",
                ),
            ));
        }
        let index = Index::open_in_dir(&dir)?;
        let (_, fields) = schema::build();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let searcher = reader.searcher();
        let n = library.entries().len();
        if searcher.num_docs() as usize != n {
            return Err(IndexError::Mismatch {
                indexed: searcher.num_docs(),
                entries: n,
            });
        }
        let columns = read_columns(&searcher, n)?;
        let facets = Facet::ALL
            .into_iter()
            .map(|facet| facet_postings(&searcher, &fields, &library, facet, &columns.ords))
            .collect::<Result<_, _>>()?;
        let mut by_title: Vec<usize> = (0..n).collect();
        let entries = library.entries();
        by_title.sort_by_cached_key(|&i| entries[i].title.to_lowercase());
        let mut title_rank = vec![0; n];
        for (rank, &ord) in by_title.iter().enumerate() {
            title_rank[ord] = rank as u32;
        }
        let mut by_reviewed = by_title.clone();
        // A stable sort keeps title order among entries reviewed the same day.
        by_reviewed.sort_by_key(|&ord| std::cmp::Reverse(columns.reviewed[ord]));
        let as_u32 = |ords: Vec<usize>| ords.into_iter().map(|o| o as u32).collect();
        let vocabulary = &library.taxonomy.areas;
        let mut area_starts = Vec::with_capacity(n + 1);
        let mut areas = Vec::with_capacity(n * 2);
        let mut area_entries = vec![FixedBitSet::with_capacity(n); vocabulary.terms().len()];
        for (ord, entry) in entries.iter().enumerate() {
            area_starts.push(areas.len() as u32);
            for position in entry.areas.iter().filter_map(|id| vocabulary.position(id)) {
                area_entries[position].insert(ord);
                areas.push(position as u32);
            }
        }
        area_starts.push(areas.len() as u32);
        let analyzer = index
            .tokenizers()
            .get(schema::TOKENIZER)
            .ok_or(IndexError::Tokenizer(schema::TOKENIZER))?;
        let word_scores = WordScores::open(&dir)?;
        let word_bits = WordBits::open(&dir)?;
        Ok(LiveIndex {
            library,
            word_scores,
            word_bits,
            version: version.to_string(),
            searcher,
            fields,
            facets,
            doc_ords: columns.ords.into_iter().map(Into::into).collect(),
            age_groups: AgeGroups::new(&columns.ages),
            ages: columns.ages,
            title_rank,
            by_title: as_u32(by_title),
            by_reviewed: as_u32(by_reviewed),
            area_starts,
            areas,
            area_entries,
            analyzer,
            tantivy: index,
        })
    }

    pub fn analyzer(&self) -> Result<TextAnalyzer, IndexError> {
        Ok(self.analyzer.clone())
    }

    pub fn len(&self) -> usize {
        self.library.entries().len()
    }

    /// Calls `f` with each entry a term occurs in, by ord, and the term's
    /// BM25 there times `boost` ([`super::word_scores::for_each_score`]).
    pub(crate) fn for_each_score(
        &self,
        term: &Term,
        boost: Score,
        f: impl FnMut(usize, Score),
    ) -> tantivy::Result<()> {
        super::word_scores::for_each_score(&self.searcher, &self.doc_ords, term, boost, f)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The entry's areas, as positions in the area vocabulary.
    pub(crate) fn areas_of(&self, ord: usize) -> &[u32] {
        let (start, end) = (self.area_starts[ord], self.area_starts[ord + 1]);
        &self.areas[start as usize..end as usize]
    }

    /// The entries tagged with the area at this position in the area
    /// vocabulary itself.
    pub(crate) fn area_entries(&self, position: usize) -> &FixedBitSet {
        &self.area_entries[position]
    }

    pub fn facet(&self, facet: Facet) -> &FacetPostings {
        &self.facets[Facet::ALL
            .iter()
            .position(|f| *f == facet)
            .expect("all facets loaded")]
    }
}

struct Columns {
    /// Per segment, doc id → ord.
    ords: Vec<Vec<u32>>,
    ages: Vec<(u8, u8)>,
    reviewed: Vec<i64>,
}

fn read_columns(searcher: &Searcher, n: usize) -> Result<Columns, IndexError> {
    let mut columns = Columns {
        ords: Vec::new(),
        ages: vec![(0, 0); n],
        reviewed: vec![0; n],
    };
    for segment in searcher.segment_readers() {
        let fast = segment.fast_fields();
        let ords = doc_ords(segment)?;
        let age_min = fast.u64("age_min")?.first_or_default_col(0);
        let age_end = fast.u64("age_end")?.first_or_default_col(0);
        let reviewed = fast.i64("reviewed")?.first_or_default_col(0);
        for (doc, &o) in (0..).zip(&ords) {
            let o = o as usize;
            if o >= n {
                return Err(IndexError::Mismatch {
                    indexed: o as u64,
                    entries: n,
                });
            }
            let clamp = |v: u64| v.min(u8::MAX.into()) as u8;
            columns.ages[o] = (clamp(age_min.get_val(doc)), clamp(age_end.get_val(doc)));
            columns.reviewed[o] = reviewed.get_val(doc);
        }
        columns.ords.push(ords);
    }
    Ok(columns)
}

/// Each document's entry ord, in one segment (an ord too large for a u32
/// becomes one past any bank's entries).
pub(super) fn doc_ords(segment: &SegmentReader) -> tantivy::Result<Vec<u32>> {
    let ord = segment.fast_fields().u64("ord")?.first_or_default_col(0);
    Ok((0..segment.max_doc())
        .map(|doc| ord.get_val(doc).min(u32::MAX.into()) as u32)
        .collect())
}

/// The entries whose documents hold `term`, as a bitset over ords.
pub(super) fn posting_bits(
    searcher: &Searcher,
    field: Field,
    term: &Term,
    ords: &[Vec<u32>],
) -> Result<FixedBitSet, IndexError> {
    let n = ords.iter().map(Vec::len).sum();
    let mut bits = FixedBitSet::with_capacity(n);
    for (segment, seg_ords) in searcher.segment_readers().iter().zip(ords) {
        let Some(mut postings) = segment
            .inverted_index(field)?
            .read_postings(term, IndexRecordOption::Basic)
            .map_err(tantivy::TantivyError::from)?
        else {
            continue;
        };
        let mut doc = postings.doc();
        while doc != TERMINATED {
            bits.insert(seg_ords[doc as usize] as usize);
            doc = postings.advance();
        }
    }
    Ok(bits)
}

/// The words of a bitset from its first non-empty word to its last (empty
/// when it holds nothing). Facet counting reads only where both bitsets
/// have entries: the entries are ordered by kind (`content::entry_order`),
/// so a value that one kind of entry has, or a search narrowed to one kind,
/// is a fraction of the words.
pub fn occupied_words(words: &[usize]) -> Range<usize> {
    // Eight words at a time, which the compiler turns into vector ORs.
    const CHUNK: usize = 8;
    let holds_any = |chunk: &[usize]| chunk.iter().fold(0, |a, &w| a | w) != 0;
    let Some(first_chunk) = words.chunks(CHUNK).position(holds_any) else {
        return 0..0;
    };
    let from = first_chunk * CHUNK;
    let first = from + words[from..].iter().position(|&w| w != 0).unwrap_or(0);
    let chunks_after = words.rchunks(CHUNK).position(holds_any).unwrap_or(0);
    let to = words.len() - chunks_after * CHUNK;
    let last = words[..to].iter().rposition(|&w| w != 0).unwrap_or(first);
    first..last + 1
}

fn facet_postings(
    searcher: &Searcher,
    fields: &Fields,
    library: &Library,
    facet: Facet,
    ords: &[Vec<u32>],
) -> Result<FacetPostings, IndexError> {
    let values = facet.values(&library.taxonomy);
    let matches = match facet.matching() {
        // A facet path term also matches every path below it, so a parent
        // topic's postings already include its children's entries.
        Matching::Exact | Matching::WithDescendants => values
            .iter()
            .map(|v| {
                let path = FacetPath::from_path(facet.path(library, &v.id));
                posting_bits(
                    searcher,
                    fields.facet(facet),
                    &Term::from_facet(fields.facet(facet), &path),
                    ords,
                )
            })
            .collect::<Result<Vec<_>, _>>()?,
        Matching::Area => {
            let exact = values
                .iter()
                .map(|v| {
                    posting_bits(
                        searcher,
                        fields.area_id,
                        &Term::from_field_text(fields.area_id, &v.id),
                        ords,
                    )
                })
                .collect::<Result<Vec<_>, _>>()?;
            let within = |a: usize, b: usize| {
                std::iter::successors(Some(a), |&p| values[p].parent).any(|p| p == b)
            };
            (0..values.len())
                .map(|x| {
                    let mut bits = FixedBitSet::with_capacity(exact[x].len());
                    for (a, a_bits) in exact.iter().enumerate() {
                        if within(x, a) || within(a, x) {
                            bits.union_with(a_bits);
                        }
                    }
                    bits
                })
                .collect()
        }
    };
    Ok(FacetPostings {
        facet,
        values,
        totals: matches.iter().map(|bits| bits.count_ones(..)).collect(),
        occupied: matches
            .iter()
            .map(|bits| occupied_words(bits.as_slice()))
            .collect(),
        matches,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn occupied_words_are_from_the_first_word_with_an_entry_to_the_last() {
        assert_eq!(occupied_words(&[]), 0..0);
        assert_eq!(occupied_words(&[0; 40]), 0..0);
        // Every first and last word in bitsets around the chunk of eight.
        for len in [1, 7, 8, 9, 16, 17, 40] {
            for first in 0..len {
                for last in first..len {
                    let mut words = vec![0usize; len];
                    words[first] = 1 << (first % 64);
                    words[last] |= usize::MAX;
                    assert_eq!(
                        occupied_words(&words),
                        first..last + 1,
                        "{len} {first} {last}"
                    );
                }
            }
        }
    }
}
