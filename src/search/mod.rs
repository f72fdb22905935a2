//! A [`SearchRequest`] against an [`Engine`]: one pass a reader can follow,
//!
//! 1. **interpret** the text: filters read from it, what is left to search
//!    ([`interpret`], over the bank's [`Lexicon`]);
//! 2. **match** the text with tantivy (BM25 plus concept lifts, [`text`]);
//! 3. **correct** it once: when the text finds almost nothing, the words the
//!    bank does not know are corrected and searched again ([`spelling`]);
//! 4. **count**: filters as bitsets and disjunctive facet counts
//!    ([`filters`], [`facets`]);
//! 5. **rank**: lifts for the ages and places asked, and the page of hits
//!    ([`rank`]) with their snippets ([`snippet`]);
//! 6. **suggest** ways out of an empty result, from the bitsets already
//!    built ([`suggest`]).
//!
//! Filter semantics (SPEC): values of one facet are ORed, facets are ANDed,
//! ages match by overlap.

mod concepts;
mod coverage;
mod facets;
mod filters;
mod intent;
mod interpret;
mod lexicon;
mod rank;
mod request;
mod snippet;
mod spelling;
mod suggest;
#[cfg(test)]
mod test_lexicon;
#[cfg(test)]
mod tests;
mod text;
mod tokens;

use fixedbitset::FixedBitSet;

pub use coverage::{Coverage, CoverageCounts};
pub use facets::{FacetCounts, ValueCount};
pub use interpret::{Interpretation, Interpreted};
pub use lexicon::Lexicon;
pub use request::{
    DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_CHARS, RequestError, SearchRequest, Sort,
};
pub use suggest::{Suggestion, SuggestionKind};

use crate::content::{Entry, Library};
use crate::facet::Facet;
use crate::index::{IndexError, LiveIndex};
use filters::{Filters, effective, full};
use request::facet_index;
use text::{TextMatches, text_matches};

/// Longest snippet, in characters.
const SNIPPET_CHARS: usize = 180;

/// Text matches with fewer entries than this try spelling corrections.
pub const FEW_RESULTS: usize = 3;

/// Why a search could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The request asks for something the bank cannot serve (a 400).
    #[error(transparent)]
    Request(#[from] RequestError),
    /// Reading the index failed: a fault, never the searcher's doing.
    #[error("reading the index failed: {0}")]
    Index(#[from] tantivy::TantivyError),
}

/// An opened index version with everything search derives from it, built
/// once when the version opens and swapped as one.
pub struct Engine {
    index: LiveIndex,
    lexicon: Lexicon,
    parsers: text::Parsers,
    coverage: Coverage,
    /// The entries a question's intent lifts ([`intent`]).
    intent_targets: rank::IntentTargets,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("version", &self.index.version)
            .finish_non_exhaustive()
    }
}

impl Engine {
    pub fn new(index: LiveIndex) -> Result<Engine, IndexError> {
        let lexicon = Lexicon::new(&index.library, index.analyzer()?);
        let coverage = Coverage::new(&index);
        let intent_targets = rank::IntentTargets::new(&index);
        let parsers = text::Parsers::new(&index);
        Ok(Engine {
            index,
            lexicon,
            parsers,
            coverage,
            intent_targets,
        })
    }

    pub fn index(&self) -> &LiveIndex {
        &self.index
    }

    pub fn library(&self) -> &Library {
        &self.index.library
    }

    pub fn version(&self) -> &str {
        &self.index.version
    }

    /// The gap map's counts, computed when the version opened.
    pub fn coverage(&self) -> &Coverage {
        &self.coverage
    }

    /// Reads the filters in the request's text (explicit parameters win).
    pub fn interpret(&self, request: &SearchRequest) -> Interpretation {
        interpret::interpret(&request.q, request, &self.lexicon)
    }

    /// Runs a search: interpret → match → correct once → count → rank →
    /// suggest. At most [`suggest::MAX_TEXT_SEARCHES`] text searches run,
    /// whatever the query.
    pub fn run(&self, request: &SearchRequest) -> Result<SearchResults<'_>, SearchError> {
        let index = &self.index;
        let lexicon = &self.lexicon;
        let interpretation = self.interpret(request);
        let (effective, extra) = effective(request, &interpretation.applies);

        let mut text = text_matches(self, &interpretation.text)?;
        let mut spelling = suggest::Spelling::new(request, &interpretation, lexicon);
        if let (Some(exact), Some(fix)) = (&text, &mut spelling) {
            let found = exact.bits.count_ones(..);
            if found < FEW_RESULTS && fix.search(self)? > found {
                text = fix.take_matches();
            }
        }
        let corrected = spelling
            .as_ref()
            .filter(|fix| fix.used())
            .map(|fix| fix.query_text().to_string());

        let text_bits = text
            .as_ref()
            .map_or_else(|| full(index.len()), |t| t.bits.clone());
        let filters = Filters::new(index, &effective, &extra);
        let (base, results) = filters.apply(&text_bits);
        let total = results.count_ones(..);
        let counted =
            facets::Counted::new(&base, &filters.selections, &results, total == index.len());
        let facets = (Facet::ALL.iter().enumerate())
            .map(|(i, &facet)| facets::count_facet(index, facet, &effective, &counted, i))
            .collect();
        let pages = total.div_ceil(request.per_page).max(1);
        if request.page > pages {
            return Err(RequestError::with_value(
                "page",
                request.page.to_string(),
                format!("page {} is past the last page ({pages})", request.page),
            )
            .into());
        }

        let page = self.page(
            request,
            &interpretation,
            &effective,
            &extra,
            &text,
            &results,
        );
        let hits = self.hits(&page, text.as_ref())?;

        let suggestions = if total == 0 {
            let found = suggest::Found {
                interpretation: &interpretation,
                text_bits: &text_bits,
                extra: &extra,
            };
            suggest::suggest(self, request, &found, spelling)?
        } else {
            Vec::new()
        };
        Ok(SearchResults {
            total,
            page: request.page,
            per_page: request.per_page,
            hits,
            facets,
            interpreted: interpretation.filters,
            corrected,
            suggestions,
        })
    }

    /// The page's entries in the order asked for, with their relevance
    /// (0 when there is none: no text, and no area to be near).
    fn page(
        &self,
        request: &SearchRequest,
        interpretation: &Interpretation,
        effective: &SearchRequest,
        extra: &filters::Extra,
        text: &Option<TextMatches>,
        results: &FixedBitSet,
    ) -> Vec<(usize, f32)> {
        let index = &self.index;
        let start = (request.page - 1) * request.per_page;
        let by_relevance = matches!(request.sort, Sort::Relevance);
        let Some(text) = text else {
            // Browsing an area's entries without text: the nearest first
            // (those for the district, then the county, then national), as
            // a DSL needs.
            if by_relevance && !effective.filter(Facet::Area).is_empty() {
                let lifts = rank::Lifts::new(index, effective, extra, false);
                let k = start + request.per_page;
                let best = lifts.best_by_area(results, k).unwrap_or_else(|| {
                    let mut top = rank::TopK::new(index, k);
                    for ord in results.ones() {
                        top.offer(ord, lifts.score(ord, 0.0));
                    }
                    top.into_sorted()
                });
                return best.into_iter().skip(start).collect();
            }
            let ords = rank::page_presorted(index, results, request);
            return ords.into_iter().map(|ord| (ord, 0.0)).collect();
        };
        // Naming a school year, key stage or age (not just a phase) is how
        // teachers ask for classroom material; one child's age ("a six year
        // old") describes a child, not a class.
        let for_class = !text.names_kind
            && !interpretation.one_child
            && (interpretation
                .filters
                .iter()
                .any(|f| matches!(f.param.as_str(), "year" | "age" | "key_stage"))
                || request.age.is_some()
                || request.year.is_some()
                || !request.filter(Facet::KeyStage).is_empty());
        let lifts = rank::Lifts::new(index, effective, extra, for_class)
            .with_concepts(text.concept_lifts(index))
            .with_intents(self.intent_targets.lifted(&interpretation.intents));
        if by_relevance {
            let best = text.best(index, results, &lifts, start + request.per_page);
            return best.into_iter().skip(start).collect();
        }
        let ords = rank::page_presorted(index, results, request);
        let scores = text.scores_of(&ords, &lifts);
        ords.into_iter().zip(scores).collect()
    }

    /// The page's hits with their snippets: only these bodies are read
    /// (from the index version's body file).
    fn hits(
        &self,
        page: &[(usize, f32)],
        text: Option<&TextMatches>,
    ) -> Result<Vec<Hit<'_>>, SearchError> {
        let highlighter = text.map(|t| snippet::Highlighter::new(&self.lexicon, &t.marks));
        let library = &self.index.library;
        let entries = library.entries();
        page.iter()
            .map(|&(ord, score)| {
                let snippet = match &highlighter {
                    Some(h) => h.snippet(&library.body_text(ord)?, SNIPPET_CHARS),
                    None => String::new(),
                };
                Ok(Hit {
                    entry: &entries[ord],
                    score,
                    snippet,
                })
            })
            .collect::<Result<_, std::io::Error>>()
            .map_err(|e| SearchError::Index(e.into()))
    }
}

#[derive(Debug)]
pub struct SearchResults<'a> {
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    pub hits: Vec<Hit<'a>>,
    pub facets: Vec<FacetCounts<'a>>,
    /// Filters read from the query text (shown as removable chips).
    pub interpreted: Vec<Interpreted>,
    /// The text actually searched when the query fell back to spelling
    /// corrections ("showing results for …").
    pub corrected: Option<String>,
    /// Ways out of an empty result: a filter or the words to drop, or a
    /// spelling to try, each with how many results it gives.
    pub suggestions: Vec<Suggestion>,
}

#[derive(Debug)]
pub struct Hit<'a> {
    pub entry: &'a Entry,
    pub score: f32,
    /// HTML: escaped text with the matched terms in `<mark>`; empty when
    /// the body does not hold a query term.
    pub snippet: String,
}

impl SearchResults<'_> {
    pub fn pages(&self) -> usize {
        self.total.div_ceil(self.per_page).max(1)
    }

    pub fn facet(&self, facet: Facet) -> &FacetCounts<'_> {
        &self.facets[facet_index(facet)]
    }
}
