//! Text matching: the words typed, the other names of the concepts they
//! name and the last word as a prefix, as one tantivy query scored by BM25,
//! then lifted for each named concept an entry is tagged with.

use fixedbitset::FixedBitSet;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{
    BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, PhrasePrefixQuery, Query, QueryParser,
};
use tantivy::schema::Field;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader, Term as TantivyTerm};

use super::concepts::concepts;
use super::rank::{FIELD_BOOSTS, PREFIX_BOOST, SYNONYM_BOOST, TextField, concept_weight};
use super::tokens::{tokenize, without_stopwords};
use super::{Engine, Lexicon, snippet};
use crate::facet::Facet;
use crate::index::LiveIndex;

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
                let field = match field {
                    TextField::Title => f.title,
                    TextField::Summary => f.summary,
                    TextField::Topics => f.topics_text,
                };
                parser.set_field_boost(field, boost);
            }
            parser
        };
        Parsers {
            typed: weighted(vec![f.title, f.summary, f.topics_text, f.body, f.provider]),
            synonyms: weighted(vec![f.title, f.summary]),
        }
    }
}

pub(super) struct TextMatches {
    pub(super) bits: FixedBitSet,
    /// Relevance by ord: text score normalised to 0..1 plus concept boosts;
    /// 0 for entries that do not match.
    pub(super) scores: Vec<f32>,
    /// The text names a kind of entry or a format ("training", "lesson").
    pub(super) names_kind: bool,
    /// What a snippet marks.
    pub(super) marks: snippet::Marks,
}

/// The entries matching the text, or `None` for an empty query (everything).
///
/// The words typed (less unquoted stopwords) are matched by BM25 over title,
/// summary, topic names, body and provider; each taxonomy term the text
/// names adds the entries tagged with it and its other one-word names in
/// title and summary (at a lower weight: longer names would need phrase
/// matching, and the tagged entries already match); the last word also
/// matches as a prefix. Scores are the text score over the best one, plus a
/// lift for each named concept an entry is tagged with.
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
    let concepts = concepts(q, lexicon);
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, typed)];
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
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(DisjunctionMaxQuery::new(synonyms)),
                    SYNONYM_BOOST,
                )),
            ));
        }
    }
    let prefix = last_word_prefix(lexicon, q);
    if let Some(prefix) = &prefix {
        clauses.push((Occur::Should, prefix_query(index, prefix)));
    }
    let query = BooleanQuery::new(clauses);
    let n = index.len();
    let matched = index
        .searcher
        .search(&query, &AllMatches(&index.doc_ords))?;
    let mut bits = FixedBitSet::with_capacity(n);
    let mut scores = vec![0.0; n];
    let best = matched.iter().map(|m| m.1).fold(0.0, f32::max);
    for (ord, score) in matched {
        bits.insert(ord as usize);
        scores[ord as usize] = if best > 0.0 { score / best } else { 0.0 };
    }
    for concept in &concepts {
        let postings = index.facet(concept.facet);
        let Some(pos) = postings.position(&concept.value) else {
            continue;
        };
        let tagged = &postings.matches[pos];
        // Entries tagged with a topic or ability the text names match even
        // when their words differ.
        if matches!(concept.facet, Facet::Topic | Facet::Ability) {
            bits.union_with(tagged);
        }
        let weight = concept_weight(concept.facet);
        for ord in tagged.ones() {
            if bits.contains(ord) {
                scores[ord] += weight;
            }
        }
    }
    Ok(Some(TextMatches {
        bits,
        scores,
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
/// than the rest of the search.
fn prefix_query(index: &LiveIndex, prefix: &str) -> Box<dyn Query> {
    let fields = [
        index.fields.title,
        index.fields.summary,
        index.fields.topics_text,
    ];
    let queries: Vec<Box<dyn Query>> = fields
        .into_iter()
        .map(|field| {
            Box::new(PhrasePrefixQuery::new(vec![TantivyTerm::from_field_text(
                field, prefix,
            )])) as Box<dyn Query>
        })
        .collect();
    Box::new(BoostQuery::new(
        Box::new(DisjunctionMaxQuery::new(queries)),
        PREFIX_BOOST,
    ))
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
        let ords = self.0.get(segment_ord as usize).cloned().ok_or_else(|| {
            tantivy::TantivyError::InternalError(format!("no ords for segment {segment_ord}"))
        })?;
        Ok(SegmentMatches {
            ords,
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
