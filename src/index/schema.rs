//! The tantivy schema: stemmed text fields for BM25, one facet field per
//! facet, the exact area ids (areas match upwards as well as downwards, which
//! a facet path cannot express), and fast fields for ages and dates.

use tantivy::schema::{
    FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};

use crate::facet::Facet;

/// English stemming, so "lessons" finds "lesson" and "harassed" "harassment".
pub const TOKENIZER: &str = "en_stem";

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

impl Fields {
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

/// A short hash of the schema: an index built with another schema (an older
/// program, a facet since added) is rebuilt, never opened.
pub fn digest() -> String {
    use std::hash::{Hash, Hasher};
    let (schema, _) = build();
    let mut hasher = std::hash::DefaultHasher::new();
    serde_json::to_string(&schema)
        .unwrap_or_default()
        .hash(&mut hasher);
    format!("{:08x}", hasher.finish() as u32)
}
