//! The tantivy schema: stemmed text fields for BM25, one facet field per
//! facet, the exact area ids (areas match upwards as well as downwards, which
//! a facet path cannot express), and fast fields for ages and dates.

use tantivy::Score;
use tantivy::schema::{
    FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};

use rustc_hash::FxHashMap;
use tantivy::tokenizer::{
    LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token, TokenFilter, TokenStream,
    Tokenizer,
};

use crate::facet::Facet;

/// English stemming, so "lessons" finds "lesson" and "harassed" "harassment".
/// tantivy's own `en_stem` analyzer reads the index; [`indexing_analyzer`]
/// writes it, with the same tokens.
pub const TOKENIZER: &str = "en_stem";

/// Longest token kept, as in tantivy's `en_stem`.
const MAX_TOKEN_BYTES: usize = 40;

/// Most stems one analyzer remembers: a bank's vocabulary is far smaller,
/// and the bound keeps odd text from growing the cache without end.
const MAX_CACHED_STEMS: usize = 200_000;

/// tantivy's `en_stem` (simple tokenizer, long tokens dropped, lowercased,
/// English Snowball stemmer) with each word's stem remembered: a bank says
/// the same few thousand words over and over, and stemming every token was
/// a quarter of the time spent indexing.
pub fn indexing_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(CachedStemmer)
        .build()
}

/// The English stemmer with a memory of the stems it made.
#[derive(Clone, Copy)]
struct CachedStemmer;

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            inner,
            stems: FxHashMap::default(),
        }
    }
}

struct CachedStemmerFilter<T> {
    inner: T,
    /// Each analyzer (one per indexing thread) keeps its own.
    stems: FxHashMap<String, String>,
}

impl<T: Clone> Clone for CachedStemmerFilter<T> {
    fn clone(&self) -> Self {
        CachedStemmerFilter {
            inner: self.inner.clone(),
            stems: FxHashMap::default(),
        }
    }
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            stems: &mut self.stems,
            stemmer: rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English),
        }
    }
}

struct CachedStemmerStream<'a, T> {
    tail: T,
    stems: &'a mut FxHashMap<String, String>,
    stemmer: rust_stemmers::Stemmer,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(stem) = self.stems.get(&token.text) {
            token.text.clone_from(stem);
        } else {
            let stem = self.stemmer.stem(&token.text).into_owned();
            if self.stems.len() < MAX_CACHED_STEMS {
                self.stems.insert(token.text.clone(), stem.clone());
            }
            token.text = stem;
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub id: Field,
    /// The entry's position in the library, to join hits back to entries.
    pub ord: Field,
    pub title: Field,
    pub summary: Field,
    pub body: Field,
    /// Topic labels and aliases, so "sexting" finds entries tagged sharing-nudes.
    pub topics_text: Field,
    pub provider: Field,
    pub area_id: Field,
    pub age_min: Field,
    pub age_end: Field,
    pub reviewed: Field,
    facets: [Field; Facet::COUNT],
}

/// The weight of a word's BM25 in each field a typed word is looked for
/// in: title above summary and topic names above body and provider.
const SEARCHED_BOOSTS: [Score; 5] = [3.0, 2.0, 2.0, 1.0, 1.0];

/// What a version holds besides tantivy's files, by format: a change makes
/// every version be rebuilt (see [`digest`]).
const VERSION_FORMAT: u32 = 3;

impl Fields {
    /// The fields a typed word is looked for in, with their weights, in the
    /// order a word's scores in them are added.
    pub fn searched(&self) -> [(Field, Score); 5] {
        let fields = [
            self.title,
            self.summary,
            self.topics_text,
            self.body,
            self.provider,
        ];
        std::array::from_fn(|i| (fields[i], SEARCHED_BOOSTS[i]))
    }

    /// The fields the last word typed is completed in as a prefix: those
    /// a result list shows.
    pub fn completed(&self) -> [Field; 3] {
        [self.title, self.summary, self.topics_text]
    }

    pub fn facet(&self, facet: Facet) -> Field {
        self.facets[Facet::ALL
            .iter()
            .position(|f| *f == facet)
            .expect("every facet has a field")]
    }
}

pub fn build() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        id: builder.add_text_field("id", STRING | STORED),
        ord: builder.add_u64_field("ord", FAST | STORED),
        title: builder.add_text_field("title", text.clone()),
        summary: builder.add_text_field("summary", text.clone()),
        body: builder.add_text_field("body", text.clone()),
        topics_text: builder.add_text_field("topics_text", text.clone()),
        provider: builder.add_text_field("provider", text),
        area_id: builder.add_text_field("area_id", STRING),
        age_min: builder.add_u64_field("age_min", FAST | INDEXED),
        age_end: builder.add_u64_field("age_end", FAST | INDEXED),
        reviewed: builder.add_i64_field("reviewed", FAST),
        facets: Facet::ALL.map(|f| builder.add_facet_field(f.param(), FacetOptions::default())),
    };
    (builder.build(), fields)
}

/// A short hash of the schema, the fields' weights (the word scores hold
/// them) and the version format: an index built with others (an older
/// program, a facet since added) is rebuilt, never opened.
pub fn digest() -> String {
    use std::hash::{Hash, Hasher};
    let (schema, _) = build();
    let mut hasher = std::hash::DefaultHasher::new();
    serde_json::to_string(&schema)
        .unwrap_or_default()
        .hash(&mut hasher);
    SEARCHED_BOOSTS.map(f32::to_bits).hash(&mut hasher);
    VERSION_FORMAT.hash(&mut hasher);
    format!("{:08x}", hasher.finish() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
        }
        out
    }

    /// The index is written with the cached stemmer and read with tantivy's
    /// `en_stem`: they must make the same tokens.
    #[test]
    fn the_indexing_analyzer_makes_en_stems_tokens() {
        let text = "Harassed pupils' lessons: harassment, HARASSMENT and harassing. \
                    Über-naïve résumés; Year 9 (KS3) 1,000 £5 e-safety sexting sexting. \
                    supercalifragilisticexpialidociousnessinabundanceofletters stays out";
        let mut en_stem = tantivy::tokenizer::TokenizerManager::default()
            .get(TOKENIZER)
            .unwrap();
        let expected = tokens(&mut en_stem, text);
        assert!(expected.iter().any(|t| t.0 == "harass"));
        let mut cached = indexing_analyzer();
        // Twice through one analyzer: the second pass reads its cache.
        assert_eq!(tokens(&mut cached, text), expected);
        assert_eq!(tokens(&mut cached, text), expected);
    }
}
