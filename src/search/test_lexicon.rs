//! A small taxonomy and lexicon shared by the query-understanding tests.

use std::path::Path;

use super::Lexicon;
use crate::content::Library;
use crate::taxonomy::Taxonomy;

pub(crate) const TAXONOMY: &str = "\
topics:
  - id: harmful-sexual-behaviour
    label: Harmful sexual behaviour
    aliases: [HSB, child-on-child abuse, peer-on-peer abuse]
  - id: online-safety
    label: Online safety
    aliases: [e-safety]
    children:
      - id: sharing-nudes
        label: Sharing nudes and semi-nudes
        aliases: [sexting, nudes]
  - id: relationships-and-sex-education
    label: Relationships and sex education
    aliases: [RSE, RSHE, PSHE]
  - id: consent
    label: Consent
sectors:
  - id: early-years
    label: Early years
    aliases: [EYFS, nursery]
  - id: primary
    label: Primary
    aliases: [primary school]
  - id: secondary
    label: Secondary
    aliases: [secondary school, high school]
  - id: post-16
    label: Post-16
    aliases: [sixth form, FE, college, 6th form]
  - id: special
    label: Special schools
    aliases: [special school]
abilities:
  - id: send
    label: Adapted for SEND
    aliases: [SEND, SEN]
    children:
      - id: communication-interaction
        label: Communication and interaction
        aliases: [autism, autistic]
audiences:
  - id: governors
    label: Governors and trustees
    aliases: [governor]
areas:
  - id: national
    label: National
    aliases: [UK, England]
    children:
      - id: staffordshire
        label: Staffordshire
        aliases: [Staffs]
        children:
          - id: tamworth
            label: Tamworth
          - id: newcastle-under-lyme
            label: Newcastle-under-Lyme
            aliases: [Newcastle]
      - id: stoke-on-trent
        label: Stoke-on-Trent
        aliases: [Stoke]
formats:
  - id: lesson-plan
    label: Lesson plans
    aliases: [lesson, lessons]
  - id: helpline
    label: Helpline
";

pub(crate) fn lexicon_with(bodies: &[&str]) -> Lexicon {
    lexicon_of(TAXONOMY, bodies)
}

/// A lexicon over another taxonomy.
pub(crate) fn lexicon_of(taxonomy: &str, bodies: &[&str]) -> Lexicon {
    let taxonomy = Taxonomy::parse(Path::new("taxonomy.yaml"), taxonomy).unwrap();
    let library = Library::from_entries(taxonomy, Vec::new(), String::new());
    let analyzer = tantivy::tokenizer::TokenizerManager::default()
        .get(crate::index::schema::TOKENIZER)
        .unwrap();
    let mut lexicon = Lexicon::new(&library, analyzer);
    // As if the bank tagged every cost.
    lexicon.add_costs(&crate::taxonomy::COSTS.iter().map(|(id, _)| *id).collect());
    for body in bodies {
        lexicon.count_words(body);
    }
    lexicon
}

pub(crate) fn lexicon() -> Lexicon {
    lexicon_with(&[
        "Think before you send: lessons on relationships and sharing images. \
         Statutory guidance from the year 2000 under section 175.",
    ])
}
