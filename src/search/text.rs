//! Text matching: the words typed, the other names of the concepts they
//! name and the last word as a prefix, scored by BM25 and lifted for each
//! named concept an entry is tagged with.
//!
//! Matching and scoring are separate. The facet counts need every match but
//! no score, so the match set is collected without scoring. Only the page
//! needs scores: the words typed are one flat union of term queries, so
//! tantivy's block-max WAND skips the blocks of postings that cannot reach
//! the page even with the largest lift the search gives ([`TextMatches::best`]).

use fixedbitset::FixedBitSet;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{
    Bm25Weight, BooleanQuery, BoostQuery, DisjunctionMaxQuery, EnableScoring, Occur,
    PhrasePrefixQuery, Query, QueryParser, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader, Term as TantivyTerm};

use super::concepts::concepts;
use super::rank::{
    FIELD_BOOSTS, Lifts, PREFIX_BOOST, SYNONYM_BOOST, TextField, TopK, concept_weight,
};
use super::tokens::{tokenize, without_stopwords};
use super::{Engine, Lexicon, snippet};
use crate::facet::Facet;
use crate::index::LiveIndex;
use crate::index::schema::Fields;

/// Shortest last word completed as a prefix.
const MIN_PREFIX_CHARS: usize = 3;

/// The query parsers of an index version, weighted by [`FIELD_BOOSTS`].
pub(super) struct Parsers {
    /// What is typed: title, summary, topic names, body and provider.
    typed: QueryParser,
    /// For the other names of a concept the text names: title and summary
    /// only. Entries tagged with the concept already match (and carry its
    /// names in `topics_text`), and phrase matching every synonym through
    /// every body was most of the cost of a search that names a concept.
    synonyms: QueryParser,
}

impl Parsers {
    pub fn new(index: &LiveIndex) -> Parsers {
        let f = &index.fields;
        let weighted = |searched: Vec<Field>| {
            let mut parser = QueryParser::for_index(&index.tantivy, searched);
            for (field, boost) in FIELD_BOOSTS {
                parser.set_field_boost(field_of(f, field), boost);
            }
            parser
        };
        Parsers {
            typed: weighted(vec![f.title, f.summary, f.topics_text, f.body, f.provider]),
            synonyms: weighted(vec![f.title, f.summary]),
        }
    }
}

fn field_of(fields: &Fields, field: TextField) -> Field {
    match field {
        TextField::Title => fields.title,
        TextField::Summary => fields.summary,
        TextField::Topics => fields.topics_text,
    }
}

pub(super) struct TextMatches {
    /// Every entry the text matches.
    pub(super) bits: FixedBitSet,
    /// The words typed: as flat a union of term queries as the text allows
    /// (quoted phrases stay phrases).
    typed: Box<dyn Query>,
    /// Every match of the typed words with its text score (with the other
    /// names and the prefix), when they were all scored (`None`: they are
    /// scored only as far as the page needs).
    all_scored: Option<Vec<(u32, Score)>>,
    /// The BM25 of the concepts' other names, by ord (sorted): matched in
    /// title and summary only, so scored in full.
    synonyms: Vec<(u32, Score)>,
    /// The entries the last word matches as a prefix: each scores
    /// [`PREFIX_BOOST`] (a constant-score query).
    prefixed: FixedBitSet,
    /// The highest score of the other names and the prefix together.
    side_max: Score,
    /// The named concepts' tagged entries (facet and value position) and
    /// how much each lifts them.
    concepts: Vec<(Facet, usize, f32)>,
    /// The text names a kind of entry or a format ("training", "lesson").
    pub(super) names_kind: bool,
    /// What a snippet marks.
    pub(super) marks: snippet::Marks,
}

/// The fields the typed words are searched in: a word's clauses.
const TYPED_FIELDS: usize = 5;

/// Slack, in normalised score, kept when deciding that an entry cannot
/// reach the page: more than any float rounding of a score's sum.
const SLACK: f32 = 1e-4;

/// The entries matching the text, or `None` for an empty query (everything).
///
/// The words typed (less unquoted stopwords) are matched by BM25 over title,
/// summary, topic names, body and provider; each taxonomy term the text
/// names adds the entries tagged with it and its other one-word names in
/// title and summary (at a lower weight: longer names would need phrase
/// matching, and the tagged entries already match); the last word also
/// matches as a prefix. Nothing is scored here.
pub(super) fn text_matches(engine: &Engine, q: &str) -> tantivy::Result<Option<TextMatches>> {
    let (index, lexicon) = (&engine.index, &engine.lexicon);
    if q.trim().is_empty() {
        return Ok(None);
    }
    // Lenient parsing: stray quotes, colons or brackets in what people type
    // are treated as text instead of failing the search.
    let (typed, _) = engine
        .parsers
        .typed
        .parse_query_lenient(&without_stopwords(q));
    let typed = flatten(typed);
    let concepts = concepts(q, lexicon);
    let mut synonym_queries: Vec<Box<dyn Query>> = Vec::new();
    let mut synonym_names = Vec::new();
    let lower = q.to_lowercase();
    for concept in &concepts {
        // A described topic's names were not the words typed: its entries
        // are lifted, its names not searched.
        if !matches!(concept.facet, Facet::Topic | Facet::Ability) || concept.described {
            continue;
        }
        let synonyms: Vec<Box<dyn Query>> = concept
            .names
            .iter()
            .filter(|name| !lower.contains(&name.to_lowercase()))
            .inspect(|name| synonym_names.push((*name).clone()))
            .filter(|name| lexicon.stems(name).len() == 1)
            .map(|name| {
                let phrase = format!("\"{}\"", name.replace('"', " "));
                engine.parsers.synonyms.parse_query_lenient(&phrase).0
            })
            .collect();
        if !synonyms.is_empty() {
            synonym_queries.push(Box::new(BoostQuery::new(
                Box::new(DisjunctionMaxQuery::new(synonyms)),
                SYNONYM_BOOST,
            )));
        }
    }
    let prefix = last_word_prefix(lexicon, q);
    let n = index.len();
    let matches = |query: &dyn Query| index.searcher.search(query, &MatchSet(&index.doc_ords, n));
    // One word and no other names: few enough clauses that scoring only
    // what can reach the page pays (measured, docs/benchmarks.md); more
    // words or names, and every match is scored once, here.
    let typed_clauses = clauses(&*typed);
    let prune = typed_clauses.len() <= TYPED_FIELDS && synonym_queries.is_empty();
    let mut bits = FixedBitSet::with_capacity(n);
    let all_scored = if prune {
        // Each clause on its own: a bitset is their union without tantivy's.
        for (_, clause) in typed_clauses {
            match one_term(index, clause) {
                Some((term, _)) => add_matches(index, &term, &mut bits)?,
                None => bits.union_with(&matches(clause)?),
            }
        }
        None
    } else {
        // A boost typed into the text ("consent^2") is carried only by
        // tantivy's query, which then scores it.
        let all = if q.contains('^') {
            (index.searcher).search(&*typed, &AllMatches(&index.doc_ords))?
        } else {
            score_every_match(index, &*typed)?
        };
        all.iter().for_each(|m| bits.insert(m.0 as usize));
        Some(all)
    };
    // Completions are looked for where a result list shows them (title,
    // summary, topic names), and score a constant: their set is enough.
    let mut prefixed = FixedBitSet::with_capacity(n);
    for query in prefix.iter().flat_map(|p| prefix_queries(index, p)) {
        prefixed.union_with(&matches(&*query)?);
    }
    bits.union_with(&prefixed);
    let synonyms = if synonym_queries.is_empty() {
        Vec::new()
    } else {
        let query = BooleanQuery::union(synonym_queries);
        let mut found = index
            .searcher
            .search(&query, &AllMatches(&index.doc_ords))?;
        found.sort_unstable_by_key(|m| m.0);
        found
    };
    for &(ord, _) in &synonyms {
        bits.insert(ord as usize);
    }
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
    let all_scored = all_scored.map(|mut all| {
        with_side_scores(&mut all, &synonyms, &prefixed);
        all
    });
    let prefix_score = |ord: u32| prefix_score(&prefixed, ord as usize);
    let side_max = (synonyms.iter())
        .map(|&(ord, score)| score + prefix_score(ord))
        .chain((!prefixed.is_clear()).then_some(PREFIX_BOOST))
        .fold(0.0, f32::max);
    Ok(Some(TextMatches {
        bits,
        typed,
        all_scored,
        synonyms,
        prefixed,
        side_max,
        concepts: lifted,
        names_kind: concepts
            .iter()
            .any(|c| matches!(c.facet, Facet::Kind | Facet::Format)),
        marks: snippet::Marks {
            typed: lexicon.stems(&without_stopwords(q)),
            synonyms: synonym_names,
            prefix,
        },
    }))
}

impl TextMatches {
    /// The entries tagged with a concept the text names, with their lift.
    pub(super) fn concept_lifts<'a>(&self, index: &'a LiveIndex) -> Vec<(&'a FixedBitSet, f32)> {
        (self.concepts.iter())
            .filter(|c| c.2 > 0.0)
            .map(|&(facet, pos, weight)| (&index.facet(facet).matches[pos], weight))
            .collect()
    }

    /// The best `k` of `results` by relevance, best first, with their
    /// scores: the text score over the best text score of any match, plus
    /// the lifts.
    ///
    /// Only entries that can still reach the `k` kept are scored: one whose
    /// typed words score below the weakest kept, less the most the other
    /// names, the prefix and every lift could add, is skipped by tantivy a
    /// block of postings at a time.
    pub(super) fn best(
        &self,
        index: &LiveIndex,
        results: &FixedBitSet,
        lifts: &Lifts<'_>,
        k: usize,
    ) -> tantivy::Result<Vec<(usize, f32)>> {
        let weight = self.weight(index)?;
        let (best, seen) = self.best_text_score(index, &*weight)?;
        let complete = self.all_scored.is_some();
        let normalise = |total: Score| if best > 0.0 { total / best } else { 0.0 };
        let beyond_typed = normalise(self.side_max) + lifts.max() + SLACK;
        let mut top = TopK::new(index, k);
        let mut scored = FixedBitSet::with_capacity(index.len());
        let lift_max = lifts.max();
        let mut offer = |top: &mut TopK<'_>, ord: usize, total: Score| {
            if results.contains(ord) && !scored.put(ord) {
                let base = normalise(total);
                // Its lifts are worked out only if they could keep it.
                if top.bar().is_none_or(|bar| base + lift_max + SLACK > bar) {
                    top.offer(ord, lifts.score(ord, base));
                }
            }
            top.bar()
                .map_or(Score::MIN, |bar| (bar - beyond_typed) * best)
        };
        // The entries the best score was found among score high: offered
        // first, they raise the bar before the second pass begins. When
        // every match was scored, every match is offered here, and most
        // cannot reach the page even with the largest lift: one comparison
        // of the text score turns each away (with twice the slack, as it is
        // not normalised).
        let mut threshold = Score::MIN;
        let floor = |top: &TopK<'_>| match top.bar() {
            Some(bar) if best > 0.0 => (bar - lift_max - 2.0 * SLACK) * best,
            _ => Score::MIN,
        };
        let mut below = Score::MIN;
        let every_match =
            (self.all_scored.iter().flatten()).map(|&(ord, total)| (ord as usize, total));
        for (ord, total) in seen.into_iter().chain(every_match) {
            if total > below {
                threshold = offer(&mut top, ord, total);
                below = floor(&top);
            }
        }
        if !complete {
            for_each_pruned(index, &*weight, threshold, |ord, typed| {
                offer(&mut top, ord, typed + self.side_score(ord))
            })?;
        }
        // Entries matched only by another name, the prefix or a tag. One
        // skipped above is scored here without its typed words: too low to
        // be kept, as it was when skipped.
        if top.bar().is_none_or(|bar| bar < beyond_typed) {
            let named = self.synonyms.iter().map(|m| m.0 as usize);
            for ord in named.chain(self.prefixed.intersection(results)) {
                if results.contains(ord) && !scored.put(ord) {
                    top.offer(ord, lifts.score(ord, normalise(self.side_score(ord))));
                }
            }
            for (tagged, _) in self.concept_lifts(index) {
                for ord in tagged.intersection(results) {
                    if !scored.put(ord) {
                        top.offer(ord, lifts.score(ord, 0.0));
                    }
                }
            }
        }
        Ok(top.into_sorted())
    }

    /// The relevance scores of some entries (a page in another order).
    pub(super) fn scores_of(
        &self,
        index: &LiveIndex,
        ords: &[usize],
        lifts: &Lifts<'_>,
    ) -> tantivy::Result<Vec<f32>> {
        let weight = self.weight(index)?;
        let (best, _) = self.best_text_score(index, &*weight)?;
        let mut typed = vec![0.0; ords.len()];
        let mut page = FixedBitSet::with_capacity(index.len());
        page.extend(ords.iter().copied());
        for (segment, reader) in index.searcher.segment_readers().iter().enumerate() {
            let mut wanted: Vec<(DocId, usize)> = (index.doc_ords[segment].iter())
                .enumerate()
                .filter(|(_, ord)| page.contains(**ord as usize))
                .filter_map(|(doc, &ord)| {
                    let at = ords.iter().position(|&o| o == ord as usize)?;
                    Some((doc as DocId, at))
                })
                .collect();
            wanted.sort_unstable();
            let mut scorer = weight.scorer(reader, 1.0)?;
            for (doc, at) in wanted {
                if scorer.doc() <= doc && scorer.seek(doc) == doc {
                    typed[at] = scorer.score();
                }
            }
        }
        Ok((ords.iter().zip(typed))
            .map(|(&ord, typed)| {
                let total = typed + self.side_score(ord);
                lifts.score(ord, if best > 0.0 { total / best } else { 0.0 })
            })
            .collect())
    }

    fn weight(&self, index: &LiveIndex) -> tantivy::Result<Box<dyn Weight>> {
        (self.typed).weight(EnableScoring::enabled_from_searcher(&index.searcher))
    }

    /// The best text score of any match (typed words and other names): the
    /// scale scores are normalised by; and the entries scored on the way
    /// when pruning (none when all were scored), with their text score.
    fn best_text_score(
        &self,
        index: &LiveIndex,
        weight: &dyn Weight,
    ) -> tantivy::Result<(Score, Vec<(usize, Score)>)> {
        let mut best = self.side_max;
        if let Some(all) = &self.all_scored {
            return Ok((all.iter().map(|m| m.1).fold(best, f32::max), Vec::new()));
        }
        let mut seen = Vec::new();
        for_each_pruned(index, weight, Score::MIN, |ord, typed| {
            let total = typed + self.side_score(ord);
            seen.push((ord, total));
            best = best.max(total);
            // Typed words scoring no more than this cannot beat `best`.
            (best - self.side_max) * (1.0 - SLACK)
        })?;
        Ok((best, seen))
    }

    /// What the other names and the prefix add to an entry's text score.
    fn side_score(&self, ord: usize) -> Score {
        let named = (self.synonyms)
            .binary_search_by_key(&(ord as u32), |m| m.0)
            .map_or(0.0, |i| self.synonyms[i].1);
        named + prefix_score(&self.prefixed, ord)
    }
}

/// Adds the other names' and the prefix's scores to every typed match's,
/// walking both lists in ord order.
fn with_side_scores(all: &mut [(u32, Score)], synonyms: &[(u32, Score)], prefixed: &FixedBitSet) {
    all.sort_unstable_by_key(|m| m.0);
    let mut named = synonyms.iter().peekable();
    for (ord, score) in all.iter_mut() {
        while named.next_if(|m| m.0 < *ord).is_some() {}
        if let Some(m) = named.next_if(|m| m.0 == *ord) {
            *score += m.1;
        }
        *score += prefix_score(prefixed, *ord as usize);
    }
}

fn prefix_score(prefixed: &FixedBitSet, ord: usize) -> Score {
    if prefixed.contains(ord) {
        PREFIX_BOOST
    } else {
        0.0
    }
}

/// Calls `f` with each live match of `weight` and its score, by entry
/// ord, skipping (with block-max WAND where the query allows) every match
/// scoring no more than `threshold`, then than what `f` last returned.
fn for_each_pruned(
    index: &LiveIndex,
    weight: &dyn Weight,
    mut threshold: Score,
    mut f: impl FnMut(usize, Score) -> Score,
) -> tantivy::Result<()> {
    for (segment, reader) in index.searcher.segment_readers().iter().enumerate() {
        let ords = &index.doc_ords[segment];
        let alive = reader.alive_bitset();
        weight.for_each_pruning(threshold, reader, &mut |doc, score| {
            let live = alive.is_none_or(|alive| alive.is_alive(doc));
            if let (true, Some(&ord)) = (live, ords.get(doc as usize)) {
                threshold = f(ord as usize, score);
            }
            threshold
        })?;
    }
    Ok(())
}

/// Every match of a flat union with its score, by entry ord: a clause at a
/// time, each clause's postings adding to a total per document, instead of
/// tantivy's union merging the clauses' postings a document at a time. For
/// a few common words that merge was most of a search (docs/benchmarks.md).
/// The totals are tantivy's own sums of each term's BM25 with its field's
/// boost, up to the order of the additions.
fn score_every_match(index: &LiveIndex, query: &dyn Query) -> tantivy::Result<Vec<(u32, Score)>> {
    let scoring = EnableScoring::enabled_from_searcher(&index.searcher);
    let mut terms = Vec::new();
    let mut others = Vec::new();
    for (_, clause) in clauses(query) {
        match one_term(index, clause) {
            Some((term, boost)) => {
                let bm25 = Bm25Weight::for_terms(&index.searcher, std::slice::from_ref(&term))?;
                terms.push((term, bm25.boost_by(boost)));
            }
            None => others.push(clause.weight(scoring)?),
        }
    }
    let mut all = Vec::new();
    for (segment, reader) in index.searcher.segment_readers().iter().enumerate() {
        let docs = reader.max_doc() as usize;
        let mut totals = vec![0.0; docs];
        let mut matched = FixedBitSet::with_capacity(docs);
        let mut add = |doc: DocId, score: Score| {
            totals[doc as usize] += score;
            matched.insert(doc as usize);
        };
        for (term, bm25) in &terms {
            let fieldnorms = reader.get_fieldnorms_reader(term.field())?;
            for_each_block(reader, term, IndexRecordOption::WithFreqs, |docs, tfs| {
                for (&doc, &tf) in docs.iter().zip(tfs) {
                    add(doc, bm25.score(fieldnorms.fieldnorm_id(doc), tf));
                }
            })?;
        }
        for weight in &others {
            weight.for_each(reader, &mut add)?;
        }
        let ords = &index.doc_ords[segment];
        let alive = reader.alive_bitset();
        for doc in matched.ones() {
            let live = alive.is_none_or(|alive| alive.is_alive(doc as DocId));
            if let (true, Some(&ord)) = (live, ords.get(doc)) {
                all.push((ord, totals[doc]));
            }
        }
    }
    Ok(all)
}

/// Adds the entries a term occurs in to `bits`, read off its postings a
/// block at a time: half the time of collecting them through tantivy's
/// collector, which copies each block and calls back per block.
fn add_matches(
    index: &LiveIndex,
    term: &TantivyTerm,
    bits: &mut FixedBitSet,
) -> tantivy::Result<()> {
    for (segment, reader) in index.searcher.segment_readers().iter().enumerate() {
        let ords = &index.doc_ords[segment];
        let alive = reader.alive_bitset();
        for_each_block(reader, term, IndexRecordOption::Basic, |docs, _| {
            for &doc in docs {
                let live = alive.is_none_or(|alive| alive.is_alive(doc));
                if let (true, Some(&ord)) = (live, ords.get(doc as usize)) {
                    bits.insert(ord as usize);
                }
            }
        })?;
    }
    Ok(())
}

/// Calls `f` with each block of a term's postings in a segment: the
/// documents and their term frequencies (meaningless unless `option`
/// reads them).
fn for_each_block(
    reader: &SegmentReader,
    term: &TantivyTerm,
    option: IndexRecordOption,
    mut f: impl FnMut(&[DocId], &[u32]),
) -> tantivy::Result<()> {
    let inverted = reader.inverted_index(term.field())?;
    if let Some(mut postings) = inverted.read_block_postings(term, option)? {
        while !postings.docs().is_empty() {
            f(postings.docs(), postings.freqs());
            postings.advance();
        }
    }
    Ok(())
}

/// The term of a clause that is one term query (boosted or not), with the
/// boost the query parser gave its field (a boost typed into the text is
/// not seen here).
fn one_term(index: &LiveIndex, clause: &dyn Query) -> Option<(TantivyTerm, Score)> {
    let term_query = clause.downcast_ref::<TermQuery>().is_some();
    if !term_query && clause.downcast_ref::<BoostQuery>().is_none() {
        return None;
    }
    let mut terms = Vec::new();
    clause.query_terms(&mut |term, positions| terms.push((term.clone(), positions)));
    let [(term, false)] = <[_; 1]>::try_from(terms).ok()? else {
        return None;
    };
    let boost = (FIELD_BOOSTS.iter())
        .find(|(field, _)| field_of(&index.fields, *field) == term.field())
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
/// word around a clause per field, and tantivy prunes with block-max WAND
/// only a flat union of term queries. The scores are the same sums.
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

/// Completions are looked for where a result list shows them (title,
/// summary, topic names): expanding a prefix through every body cost more
/// than the rest of the search. A query per field.
fn prefix_queries(index: &LiveIndex, prefix: &str) -> Vec<Box<dyn Query>> {
    let fields = [
        index.fields.title,
        index.fields.summary,
        index.fields.topics_text,
    ];
    fields
        .into_iter()
        .map(|field| {
            Box::new(PhrasePrefixQuery::new(vec![TantivyTerm::from_field_text(
                field, prefix,
            )])) as Box<dyn Query>
        })
        .collect()
}

/// Collects every match, without scoring, as a bitset over entry ords
/// (the ords given per segment, by document; the second field: how many
/// entries).
struct MatchSet<'a>(&'a [std::sync::Arc<[u32]>], usize);

struct SegmentMatchSet {
    ords: std::sync::Arc<[u32]>,
    bits: FixedBitSet,
}

impl Collector for MatchSet<'_> {
    type Fruit = FixedBitSet;
    type Child = SegmentMatchSet;

    fn for_segment(
        &self,
        segment_ord: SegmentOrdinal,
        _: &SegmentReader,
    ) -> tantivy::Result<SegmentMatchSet> {
        Ok(SegmentMatchSet {
            ords: segment_ords(self.0, segment_ord)?,
            bits: FixedBitSet::with_capacity(self.1),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FixedBitSet>) -> tantivy::Result<FixedBitSet> {
        let mut fruits = fruits.into_iter();
        let mut bits = fruits
            .next()
            .unwrap_or_else(|| FixedBitSet::with_capacity(self.1));
        fruits.for_each(|more| bits.union_with(&more));
        Ok(bits)
    }
}

impl SegmentCollector for SegmentMatchSet {
    type Fruit = FixedBitSet;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.collect_block(&[doc]);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        for &doc in docs {
            if let Some(&ord) = self.ords.get(doc as usize) {
                self.bits.insert(ord as usize);
            }
        }
    }

    fn harvest(self) -> FixedBitSet {
        self.bits
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
