//! Text matching: the words typed, the other names of the concepts they
//! name and the last word as a prefix, scored by BM25 and lifted for each
//! named concept an entry is tagged with.
//!
//! Every match is scored, once: the facet counts need every match, and the
//! ranking's lifts (up to about the best text score again) leave too little
//! that provably cannot reach the page for skipping postings to pay. A
//! common word's scores are read precomputed from the index version
//! (`index::word_scores`); the page then turns most matches away with one
//! comparison ([`TextMatches::best`]).

use fixedbitset::FixedBitSet;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{
    BooleanQuery, BoostQuery, EnableScoring, Occur, Query, QueryParser, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader, Term as TantivyTerm};

use super::concepts::{Concept, concepts};
use super::rank::{Lifts, PREFIX_BOOST, SYNONYM_BOOST, TopK, concept_weight};
use super::tokens::{tokenize, without_stopwords};
use super::{Engine, Lexicon, snippet};
use crate::facet::Facet;
use crate::index::{LiveIndex, for_each_block_of, live_ord};

/// Shortest last word completed as a prefix.
const MIN_PREFIX_CHARS: usize = 3;

/// Most words a prefix is completed to in a field, in byte order: as many
/// as tantivy's phrase prefix query expands to.
const MAX_COMPLETIONS: usize = 50;

/// The query parser of an index version: title, summary, topic names, body
/// and provider, each field weighted as [`Fields::searched`] says. (The
/// other names of a concept the text names are read off the postings of
/// title and summary: [`synonym_scores`].)
pub(super) struct Parsers {
    typed: QueryParser,
}

impl Parsers {
    pub fn new(index: &LiveIndex) -> Parsers {
        let searched = index.fields.searched();
        let mut typed =
            QueryParser::for_index(&index.tantivy, searched.iter().map(|s| s.0).collect());
        for (field, boost) in searched {
            typed.set_field_boost(field, boost);
        }
        Parsers { typed }
    }
}

pub(super) struct TextMatches {
    /// Every entry the text matches.
    pub(super) bits: FixedBitSet,
    /// Each entry's text score, by ord: its typed words' BM25, with the
    /// other names' and the prefix's (0 where none matches).
    scores: Vec<Score>,
    /// The best text score of any match: the scale scores are normalised by.
    best: Score,
    /// The named concepts' tagged entries (facet and value position) and
    /// how much each lifts them.
    concepts: Vec<(Facet, usize, f32)>,
    /// The text names a kind of entry or a format ("training", "lesson").
    pub(super) names_kind: bool,
    /// What a snippet marks.
    pub(super) marks: snippet::Marks,
}

/// Slack, in normalised score, kept when deciding that an entry cannot
/// reach the page: more than any float rounding of a score's sum.
const SLACK: f32 = 1e-4;

/// The entries matching the text with their text scores, or `None` for an
/// empty query (everything).
///
/// The words typed (less unquoted stopwords) are matched by BM25 over title,
/// summary, topic names, body and provider; each taxonomy term the text
/// names adds the entries tagged with it and its other one-word names in
/// title and summary (at a lower weight: longer names would need phrase
/// matching, and the tagged entries already match); the last word also
/// matches as a prefix.
pub(super) fn text_matches(engine: &Engine, q: &str) -> tantivy::Result<Option<TextMatches>> {
    let (index, lexicon) = (&engine.index, &engine.lexicon);
    if q.trim().is_empty() {
        return Ok(None);
    }
    let concepts = concepts(q, lexicon);
    let side = SideMatches::new(engine, q, &concepts)?;
    let typed = typed_query(engine, q);
    let (mut scores, mut bits) = if q.contains('^') {
        // A boost typed into the text ("consent^2") is carried only by
        // tantivy's query, which then scores it.
        let n = index.len();
        let (mut scores, mut bits) = (vec![0.0; n], FixedBitSet::with_capacity(n));
        let all = (index.searcher).search(&*typed, &AllMatches(&index.doc_ords))?;
        for (ord, score) in all {
            scores[ord as usize] += score;
            bits.insert(ord as usize);
        }
        (scores, bits)
    } else {
        score_every_match(index, &*typed)?
    };
    side.add_to(&mut scores, &mut bits);
    let mut lifted = Vec::new();
    for concept in &concepts {
        let postings = index.facet(concept.facet);
        let Some(pos) = postings.position(&concept.value) else {
            continue;
        };
        // Entries tagged with a topic or ability the text names match even
        // when their words differ.
        if matches!(concept.facet, Facet::Topic | Facet::Ability) {
            bits.union_with(&postings.matches[pos]);
        }
        lifted.push((concept.facet, pos, concept_weight(concept.facet)));
    }
    // Every entry that scores matches: marked here, in the one pass that
    // adds the completions' score and finds the best score, rather than by
    // each scoring step.
    let best = boost_and_mark(
        &mut scores,
        bits.as_mut_slice(),
        side.prefixed.as_slice(),
        PREFIX_BOOST,
    );
    Ok(Some(TextMatches {
        bits,
        scores,
        best,
        concepts: lifted,
        names_kind: concepts
            .iter()
            .any(|c| matches!(c.facet, Facet::Kind | Facet::Format)),
        marks: snippet::Marks {
            typed: lexicon.stems(&without_stopwords(q)),
            synonyms: side.names,
            prefix: side.prefix,
        },
    }))
}

/// The words typed, less unquoted stopwords, as flat a union of term
/// queries as the text allows (quoted phrases stay phrases). Lenient
/// parsing: stray quotes, colons or brackets in what people type are
/// treated as text instead of failing the search.
fn typed_query(engine: &Engine, q: &str) -> Box<dyn Query> {
    let (typed, _) = (engine.parsers.typed).parse_query_lenient(&without_stopwords(q));
    flatten(typed)
}

/// The scores of the concepts' other names of one word (their stems, by
/// concept), matched in title and summary: an entry scores, for each
/// concept, its best name's BM25 there (each field with its boost) times
/// [`SYNONYM_BOOST`]. That is what tantivy gives a union over the concepts
/// of a disjunction max over their names, read straight off the postings
/// as [`score_every_match`] does (docs/benchmarks.md).
///
/// Title and summary only: entries tagged with the concept already match
/// (and carry its names in their topic names), and looking for every other
/// name through every body was most of the cost of a search that names a
/// concept.
fn synonym_scores(
    index: &LiveIndex,
    concepts: &[Vec<String>],
) -> tantivy::Result<Vec<(u32, Score)>> {
    let f = &index.fields;
    let fields: Vec<(Field, Score)> = (f.searched().into_iter())
        .filter(|(field, _)| [f.title, f.summary].contains(field))
        .collect();
    let mut scores = Vec::new();
    // Each match: the entry, which name, its score in one field.
    let mut matches: Vec<(u32, usize, Score)> = Vec::new();
    for stems in concepts {
        matches.clear();
        for (name, stem) in stems.iter().enumerate() {
            for &(field, boost) in &fields {
                let term = TantivyTerm::from_field_text(field, stem);
                index.for_each_score(&term, boost, |ord, score| {
                    matches.push((ord as u32, name, score));
                })?;
            }
        }
        // Sorted runs, one per name and field: a stable sort merges them
        // and keeps each entry's matches in name order.
        matches.sort_by_key(|m| m.0);
        for entry in matches.chunk_by(|a, b| a.0 == b.0) {
            let best = (entry.chunk_by(|a, b| a.1 == b.1))
                .map(|name| name.iter().map(|m| m.2).sum::<Score>())
                .fold(0.0, f32::max);
            scores.push((entry[0].0, best * SYNONYM_BOOST));
        }
    }
    Ok(scores)
}

/// What matches besides the words typed: the other names of the concepts
/// the text names, and the last word as a prefix.
struct SideMatches {
    /// The BM25 of the other names, by ord: matched in title and summary only.
    synonyms: Vec<(u32, Score)>,
    /// The entries the last word matches as a prefix: each scores
    /// [`PREFIX_BOOST`] (a constant-score query).
    prefixed: FixedBitSet,
    /// The other names searched, for the snippets.
    names: Vec<snippet::Name>,
    prefix: Option<String>,
}

impl SideMatches {
    fn new(engine: &Engine, q: &str, concepts: &[Concept]) -> tantivy::Result<SideMatches> {
        let (index, lexicon) = (&engine.index, &engine.lexicon);
        let mut names = Vec::new();
        let mut one_word_names = Vec::new();
        let lower = q.to_lowercase();
        for concept in concepts {
            // A described topic's names were not the words typed: its
            // entries are lifted, its names not searched.
            if !matches!(concept.facet, Facet::Topic | Facet::Ability) || concept.described {
                continue;
            }
            let mut stems = Vec::new();
            for name in (concept.names.iter()).filter(|name| !lower.contains(&name.to_lowercase()))
            {
                let name = snippet::Name {
                    text: name.clone(),
                    stems: lexicon.stems(name),
                };
                if let [stem] = name.stems.as_slice() {
                    stems.push(stem.clone());
                }
                names.push(name);
            }
            stems.sort_unstable();
            stems.dedup();
            one_word_names.push(stems);
        }
        let synonyms = synonym_scores(index, &one_word_names)?;
        // Completions are looked for where a result list shows them (title,
        // summary, topic names), and score a constant: their set is enough.
        let prefix = last_word_prefix(lexicon, q);
        let prefixed = match &prefix {
            Some(prefix) => completions(index, prefix)?,
            None => FixedBitSet::with_capacity(index.len()),
        };
        Ok(SideMatches {
            synonyms,
            prefixed,
            names,
            prefix,
        })
    }

    /// Adds what the other names score to each entry's text score, and
    /// their entries and the completions' to the matches. (What the
    /// completions score is added as the matches are marked:
    /// [`boost_and_mark`].)
    fn add_to(&self, scores: &mut [Score], bits: &mut FixedBitSet) {
        for &(ord, score) in &self.synonyms {
            scores[ord as usize] += score;
            bits.insert(ord as usize);
        }
        bits.union_with(&self.prefixed);
    }
}

impl TextMatches {
    /// The entries tagged with a concept the text names, with their lift.
    pub(super) fn concept_lifts<'a>(&self, index: &'a LiveIndex) -> Vec<(&'a FixedBitSet, f32)> {
        (self.concepts.iter())
            .filter(|c| c.2 > 0.0)
            .map(|&(facet, pos, weight)| (&index.facet(facet).matches[pos], weight))
            .collect()
    }

    /// An entry's text score over the best text score of any match.
    fn normalised(&self, ord: usize) -> f32 {
        if self.best > 0.0 {
            self.scores[ord] / self.best
        } else {
            0.0
        }
    }

    /// The best `k` of `results` by relevance, best first, with their
    /// scores: the text score over the best text score of any match, plus
    /// the lifts.
    ///
    /// Most matches cannot reach the page even with the most they could be
    /// lifted: one comparison of the text score turns each away (with
    /// twice the slack, as it is not normalised), a block at a time. Of
    /// the rest, a match is scored only if it can reach the page with
    /// what it could be lifted itself: the weights of the sets it is in
    /// (the concepts named, the classroom, what a question asks for) and
    /// the most the ages and areas could add. Most matches are in none of
    /// the sets.
    pub(super) fn best(
        &self,
        index: &LiveIndex,
        results: &FixedBitSet,
        lifts: &Lifts<'_>,
        k: usize,
    ) -> Vec<(usize, f32)> {
        let mut top = TopK::new(index, k);
        let sets = lifts.by_set();
        let besides_sets = lifts.max_besides_sets();
        let lift_max = sets.iter().map(|set| set.1).sum::<f32>() + besides_sets;
        // The text score a match must beat to reach the page when lifted
        // by `lift`; none until the page is full.
        let floor = |bar: Option<f32>, lift: f32| {
            bar.filter(|_| self.best > 0.0)
                .map_or(Score::MIN, |bar| (bar - lift - 2.0 * SLACK) * self.best)
        };
        let mut below = Score::MIN;
        let blocks = results.as_slice().iter().zip(self.scores.chunks(BLOCK));
        for (i, (&block, scores)) in blocks.enumerate() {
            // The block's results above the bar as it stands: it only rises.
            let mut candidates = block & above(scores, below);
            while candidates != 0 {
                let ord = i * BLOCK + candidates.trailing_zeros() as usize;
                candidates &= candidates - 1;
                let in_sets = (sets.iter())
                    .filter(|set| set.0.contains(ord))
                    .map(|set| set.1)
                    .sum::<f32>();
                if self.scores[ord] > floor(top.bar(), in_sets + besides_sets) {
                    top.offer(ord, lifts.score(ord, self.normalised(ord)));
                    below = floor(top.bar(), lift_max);
                }
            }
        }
        top.into_sorted()
    }

    /// The relevance scores of some entries (a page in another order).
    pub(super) fn scores_of(&self, ords: &[usize], lifts: &Lifts<'_>) -> Vec<f32> {
        (ords.iter())
            .map(|&ord| lifts.score(ord, self.normalised(ord)))
            .collect()
    }
}

/// Every match of a flat union with its score, by entry ord, a clause at
/// a time instead of tantivy's union merging the clauses' postings a
/// document at a time. A word looked for in every searched field adds its
/// kept word scores ([`crate::index::word_scores::WordScores`]) in place
/// of its five clauses; other one-term clauses add each posting's BM25
/// with the field's boost; the rest (phrases, required and excluded words)
/// go through tantivy. The totals are tantivy's sums up to the order of
/// the additions (docs/benchmarks.md).
///
/// The bits returned are only the matches of the rest: every match of a
/// one-term clause scores above 0 (BM25 of a word that occurs), and is
/// marked from the scores ([`boost_and_mark`]).
fn score_every_match(
    index: &LiveIndex,
    query: &dyn Query,
) -> tantivy::Result<(Vec<Score>, FixedBitSet)> {
    let scoring = EnableScoring::enabled_from_searcher(&index.searcher);
    let mut terms = Vec::new();
    let mut others = Vec::new();
    for (_, clause) in clauses(query) {
        match one_term(index, clause) {
            Some(term) => terms.push(term),
            None => others.push(clause.weight(scoring)?),
        }
    }
    let searched = index.fields.searched();
    let whole = |clauses: &[TermClause]| {
        clauses.len() == searched.len()
            && (searched.iter()).all(|s| clauses.iter().any(|c| c.0.field() == s.0))
    };
    let mut words = by_word(terms).into_iter().peekable();
    // The first word's dense scores, copied, are what adding them to
    // zeros would give, without first writing the zeros.
    let first_dense = (words.peek())
        .filter(|(_, clauses)| whole(clauses))
        .and_then(|(word, _)| index.word_scores.dense(word, index.len()));
    let mut scores = match first_dense {
        Some(scores) => {
            words.next();
            scores
        }
        None => vec![0.0; index.len()],
    };
    let mut bits = FixedBitSet::with_capacity(index.len());
    for (word, clauses) in words {
        if whole(&clauses) && index.word_scores.add_to(&word, &mut scores) {
            continue;
        }
        for (term, boost) in clauses {
            index.for_each_score(&term, boost, |ord, score| {
                if let Some(total) = scores.get_mut(ord) {
                    *total += score;
                }
            })?;
        }
    }
    for weight in &others {
        for (segment, reader) in index.searcher.segment_readers().iter().enumerate() {
            let ords = &index.doc_ords[segment];
            let alive = reader.alive_bitset();
            weight.for_each(reader, &mut |doc, score| {
                if let Some(ord) = live_ord(alive, ords, doc) {
                    scores[ord] += score;
                    bits.insert(ord);
                }
            })?;
        }
    }
    Ok((scores, bits))
}

/// Adds `boost` to the score of each entry in `boosted` (a bitset's
/// blocks: the last word's completions), then marks in `blocks` (another
/// bitset's) every entry with a score above 0, and returns the highest
/// score (0 for none): one pass over the scores, a block at a time.
#[multiversion::multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2"))]
fn boost_and_mark(
    scores: &mut [Score],
    blocks: &mut [usize],
    boosted: &[usize],
    boost: Score,
) -> Score {
    let mut lanes = [0.0; LANES];
    let mut whole = scores.chunks_exact_mut(BLOCK);
    let mut blocks = blocks.iter_mut();
    let mut boosted = boosted.iter().copied();
    // The chunks first: zip takes from its first iterator first, and the
    // block after the last whole chunk is the rest's.
    for (chunk, block) in whole.by_ref().zip(blocks.by_ref()) {
        let chunk: &mut [Score; BLOCK] = chunk.try_into().expect("a whole block");
        let boost_bits = boosted.next().unwrap_or(0);
        boost_where(chunk, boost_bits, boost);
        *block |= bits_above(chunk, 0.0);
        raise(&mut lanes, chunk);
    }
    let rest = whole.into_remainder();
    if let Some(block) = blocks.next() {
        boost_where(rest, boosted.next().unwrap_or(0), boost);
        *block |= bits_above(rest, 0.0);
        raise(&mut lanes, rest);
    }
    lanes.into_iter().fold(0.0, higher)
}

/// Adds `boost` to the scores (at most [`BLOCK`]) whose bits are set: a
/// vector add of `boost` or 0 per lane, in place of an add per entry (a
/// prefix can complete to words in most entries).
#[inline(always)]
fn boost_where(scores: &mut [Score], bits: usize, boost: Score) {
    if bits != 0 {
        for (i, score) in scores.iter_mut().enumerate() {
            *score += if bits >> i & 1 == 1 { boost } else { 0.0 };
        }
    }
}

/// Lanes of a vector of scores.
const LANES: usize = 16;

/// Raises each lane to the highest of the scores that fall in it. Scores
/// are never NaN, so a plain comparison gives what `f32::max` would, and
/// lanes kept apart until the end let it vectorise.
#[inline(always)]
fn raise(lanes: &mut [Score; LANES], scores: &[Score]) {
    for chunk in scores.chunks(LANES) {
        for (lane, &score) in lanes.iter_mut().zip(chunk) {
            *lane = higher(*lane, score);
        }
    }
}

fn higher(best: Score, score: Score) -> Score {
    if score > best { score } else { best }
}

/// Entries a bitset block holds.
const BLOCK: usize = usize::BITS as usize;

/// Which of a block's scores (at most [`BLOCK`]) are above `floor`, as the
/// block's bits. A whole block is a few vector comparisons.
#[multiversion::multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2"))]
fn above(scores: &[Score], floor: Score) -> usize {
    match <&[Score; BLOCK]>::try_from(scores) {
        Ok(whole) => bits_above(whole, floor),
        Err(_) => bits_above(scores, floor),
    }
}

/// Which of a block's scores are above `floor`, as the block's bits: a
/// few vector comparisons when the block is whole (and its length known
/// where this is inlined).
#[inline(always)]
fn bits_above(scores: &[Score], floor: Score) -> usize {
    (scores.iter().enumerate()).fold(0, |b, (i, &s)| b | (usize::from(s > floor) << i))
}

/// A clause that is one term: the term, and its field's boost.
type TermClause = (TantivyTerm, Score);

/// One-term clauses grouped by their word, in the order words first come.
fn by_word(terms: Vec<TermClause>) -> Vec<(Vec<u8>, Vec<TermClause>)> {
    let mut words: Vec<(Vec<u8>, Vec<TermClause>)> = Vec::new();
    for (term, boost) in terms {
        let word = term.serialized_value_bytes();
        match words.iter_mut().find(|w| w.0 == word) {
            Some(w) => w.1.push((term, boost)),
            None => words.push((word.to_vec(), vec![(term, boost)])),
        }
    }
    words
}

/// The term of a clause that is one term query (boosted or not), with the
/// boost the query parser gave its field (a boost typed into the text is
/// not seen here).
fn one_term(index: &LiveIndex, clause: &dyn Query) -> Option<TermClause> {
    let term_query = clause.downcast_ref::<TermQuery>().is_some();
    if !term_query && clause.downcast_ref::<BoostQuery>().is_none() {
        return None;
    }
    let mut terms = Vec::new();
    clause.query_terms(&mut |term, positions| terms.push((term.clone(), positions)));
    let [(term, false)] = <[_; 1]>::try_from(terms).ok()? else {
        return None;
    };
    let boost = (index.fields.searched().iter())
        .find(|(field, _)| *field == term.field())
        .map_or(1.0, |(_, boost)| *boost);
    Some((term, boost))
}

/// The clauses of a flat union, or the query itself as its only clause.
fn clauses(query: &dyn Query) -> Vec<(Occur, &dyn Query)> {
    match only_should(query) {
        Some(union) => (union.clauses().iter()).map(|c| (c.0, &*c.1)).collect(),
        None => vec![(Occur::Should, query)],
    }
}

/// The query as a plain union, if it is one.
fn only_should(query: &dyn Query) -> Option<&BooleanQuery> {
    let boolean = query.downcast_ref::<BooleanQuery>()?;
    let plain = boolean.get_minimum_number_should_match() <= 1
        && boolean.clauses().iter().all(|c| c.0 == Occur::Should);
    plain.then_some(boolean)
}

/// A union of unions is one union: the query parser nests a clause per
/// word around a clause per field, and [`score_every_match`] takes a flat
/// union's one-term clauses a word at a time. The scores are the same sums.
fn flatten(query: Box<dyn Query>) -> Box<dyn Query> {
    fn push(query: &dyn Query, into: &mut Vec<(Occur, Box<dyn Query>)>) {
        match only_should(query) {
            Some(boolean) => boolean.clauses().iter().for_each(|c| push(&*c.1, into)),
            None => into.push((Occur::Should, query.box_clone())),
        }
    }
    if only_should(&*query).is_none() {
        return query;
    }
    let mut clauses = Vec::new();
    push(&*query, &mut clauses);
    Box::new(BooleanQuery::new(clauses))
}

/// The last word as a prefix, for as-you-type search: "safeguar" finds
/// "safeguarding". Not inside quotes, and only for words of 3+ letters.
fn last_word_prefix(lexicon: &Lexicon, q: &str) -> Option<String> {
    let last = tokenize(q).pop()?;
    if last.quoted
        || last.end != q.trim_end().len()
        || last.text.chars().count() < MIN_PREFIX_CHARS
        || !last.text.chars().all(char::is_alphabetic)
    {
        return None;
    }
    // The stem when it begins the word ("abuse" → "abus"), else the word.
    let stem = lexicon.stems(&last.text).pop().unwrap_or_default();
    Some(if !stem.is_empty() && last.text.starts_with(&stem) {
        stem
    } else {
        last.text
    })
}

/// The entries whose title, summary or topic names hold a word beginning
/// with `prefix` (the first [`MAX_COMPLETIONS`] such words of a field),
/// read off the words' postings, or a common word's kept bitset
/// ([`crate::index::word_bits`]). Completions are looked for where a
/// result list shows them: expanding a prefix through every body cost more
/// than the rest of the search.
fn completions(index: &LiveIndex, prefix: &str) -> tantivy::Result<FixedBitSet> {
    let mut bits = FixedBitSet::with_capacity(index.len());
    // A kept word's bitset holds its entries in every segment: it stands
    // for the word's postings when there is one (as in a built index).
    let one_segment = index.searcher.segment_readers().len() == 1;
    for field in index.fields.completed() {
        for (segment, reader) in index.searcher.segment_readers().iter().enumerate() {
            let ords = &index.doc_ords[segment];
            let alive = reader.alive_bitset();
            let inverted = reader.inverted_index(field)?;
            let mut words = inverted.terms().range().ge(prefix).into_stream()?;
            let mut expanded = 0;
            while expanded < MAX_COMPLETIONS
                && words.advance()
                && words.key().starts_with(prefix.as_bytes())
            {
                expanded += 1;
                let word = words.key();
                if one_segment && (index.word_bits).or_into(field, word, bits.as_mut_slice()) {
                    continue;
                }
                let postings = inverted
                    .read_block_postings_from_terminfo(words.value(), IndexRecordOption::Basic)?;
                let mut marker = Marker::new(&mut bits);
                for_each_block_of(postings, |docs, _| {
                    for &doc in docs {
                        if let Some(ord) = live_ord(alive, ords, doc) {
                            marker.mark(ord);
                        }
                    }
                });
                marker.finish();
            }
        }
    }
    Ok(bits)
}

/// Marks entries in a bitset, a block of it at a time: postings come in
/// order, so most follow one in the same block, and its bits are gathered
/// in a register instead of each read back from memory as the last was
/// written (which made every mark wait for the one before).
struct Marker<'a> {
    blocks: &'a mut [usize],
    block: usize,
    bits: usize,
}

impl<'a> Marker<'a> {
    fn new(bits: &'a mut FixedBitSet) -> Marker<'a> {
        Marker {
            blocks: bits.as_mut_slice(),
            block: 0,
            bits: 0,
        }
    }

    /// Marks an entry (the index's ords are all within the bitset).
    fn mark(&mut self, ord: usize) {
        let block = ord / BLOCK;
        if block != self.block {
            self.flush();
            self.block = block;
        }
        self.bits |= 1 << (ord % BLOCK);
    }

    fn flush(&mut self) {
        if let Some(block) = self.blocks.get_mut(self.block) {
            *block |= self.bits;
        }
        self.bits = 0;
    }

    fn finish(mut self) {
        self.flush();
    }
}

fn segment_ords(
    ords: &[std::sync::Arc<[u32]>],
    segment_ord: SegmentOrdinal,
) -> tantivy::Result<std::sync::Arc<[u32]>> {
    ords.get(segment_ord as usize).cloned().ok_or_else(|| {
        tantivy::TantivyError::InternalError(format!("no ords for segment {segment_ord}"))
    })
}

/// Collects every match with its score, keyed by entry ord (given per
/// segment, by document).
struct AllMatches<'a>(&'a [std::sync::Arc<[u32]>]);

struct SegmentMatches {
    ords: std::sync::Arc<[u32]>,
    matches: Vec<(u32, Score)>,
}

impl Collector for AllMatches<'_> {
    type Fruit = Vec<(u32, Score)>;
    type Child = SegmentMatches;

    fn for_segment(
        &self,
        segment_ord: SegmentOrdinal,
        _: &SegmentReader,
    ) -> tantivy::Result<SegmentMatches> {
        Ok(SegmentMatches {
            ords: segment_ords(self.0, segment_ord)?,
            matches: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(u32, Score)>>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.concat())
    }
}

impl SegmentCollector for SegmentMatches {
    type Fruit = Vec<(u32, Score)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if let Some(&ord) = self.ords.get(doc as usize) {
            self.matches.push((ord, score));
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.matches
    }
}

#[cfg(test)]
mod tests;
