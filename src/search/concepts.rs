//! Concepts: the taxonomy terms (topics, abilities, formats, audiences) and
//! kinds of entry that a text names, by the stems of their names.

use super::Lexicon;
use super::tokens::{Token, tokenize};
use crate::facet::Facet;

/// A taxonomy term (or kind) the query names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Concept {
    pub facet: Facet,
    pub value: String,
    /// The other names of the term, for synonym expansion.
    pub names: Vec<String>,
    /// Token positions (in the searched text) it was read from.
    pub from: (usize, usize),
}

/// Shortest stem that stands for a family of words.
const MIN_FAMILY_STEM: usize = 5;
/// Most letters one stem of a family may add to another.
const MAX_FAMILY_SUFFIX: usize = 2;

/// Two stems are one word family when they are equal, or when one is the
/// other plus at most two letters and the shorter has five or more: what
/// the stemmer leaves of a verb and its noun ("disclosed" → disclos,
/// "disclosure" → disclosur; "refer" → refer, "referral" → referr;
/// "pornographic" → pornograph, "pornography" → pornographi). Short stems
/// never join ("sex", "abus", "harm"), nor do longer endings ("child",
/// "children").
pub(crate) fn same_family(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.chars().count() >= MIN_FAMILY_STEM
        && long.starts_with(short)
        && long[short.len()..].chars().count() <= MAX_FAMILY_SUFFIX
}

/// The taxonomy terms and kinds a text names, longest names first.
pub(crate) fn concepts(text: &str, lexicon: &Lexicon) -> Vec<Concept> {
    let tokens: Vec<Token> = tokenize(text).into_iter().filter(|t| !t.quoted).collect();
    let stems: Vec<Vec<String>> = tokens.iter().map(|t| lexicon.stems(&t.text)).collect();
    let mut found: Vec<Concept> = Vec::new();
    // The length of the name that took each token: a longer name hides the
    // shorter ones inside it, names of the same words all count.
    let mut used = vec![0; tokens.len()];
    for name in &lexicon.concepts {
        let n = name.words.len();
        if n > tokens.len() {
            continue;
        }
        for i in 0..=tokens.len() - n {
            if used[i..i + n].iter().any(|&u| u > n) {
                continue;
            }
            let matches = name
                .words
                .iter()
                .zip(&stems[i..i + n])
                .all(|(w, s)| s.len() == 1 && same_family(&s[0], w));
            if !matches || (n == 1 && !lexicon.acronym_ok(name.acronym, &tokens[i])) {
                continue;
            }
            used[i..i + n].iter_mut().for_each(|u| *u = n);
            let (facet, value) = &name.target;
            if found.iter().any(|c| c.facet == *facet && c.value == *value) {
                continue;
            }
            found.push(Concept {
                facet: *facet,
                value: value.clone(),
                names: lexicon
                    .concept_names
                    .get(&name.target)
                    .cloned()
                    .unwrap_or_default(),
                from: (i, i + n),
            });
        }
    }
    found.sort_by_key(|c| c.from);
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::test_lexicon::lexicon;

    fn concept_ids(q: &str) -> Vec<(Facet, String)> {
        concepts(q, &lexicon())
            .into_iter()
            .map(|c| (c.facet, c.value))
            .collect()
    }

    #[test]
    fn word_families_by_stem() {
        let lexicon = lexicon();
        let family =
            |a: &str, b: &str| same_family(&lexicon.stems(a).concat(), &lexicon.stems(b).concat());
        for (a, b) in [
            ("disclosed", "disclosure"),
            ("refer", "referral"),
            ("referring", "referrals"),
            ("pornographic", "pornography"),
            ("groomed", "grooming"),
        ] {
            assert!(family(a, b), "{a} ~ {b}");
        }
        for (a, b) in [
            ("sex", "sexism"),
            ("harm", "harmony"),
            ("child", "children"),
            ("crime", "criminal"),
        ] {
            assert!(!family(a, b), "{a} !~ {b}");
        }
    }

    #[test]
    fn a_verb_names_the_concept_of_its_noun() {
        let lexicon = crate::search::test_lexicon::lexicon_of(
            &crate::search::test_lexicon::TAXONOMY.replace(
                "  - id: consent\n",
                "  - id: reporting-disclosure\n    label: Reporting and disclosure\n    aliases: [disclosure, referral]\n  - id: consent\n",
            ),
            &[],
        );
        let ids = |q: &str| -> Vec<String> {
            concepts(q, &lexicon).into_iter().map(|c| c.value).collect()
        };
        assert_eq!(ids("a child disclosed"), ["reporting-disclosure"]);
        assert_eq!(ids("how do I refer"), ["reporting-disclosure"]);
        assert_eq!(ids("disclose"), ["reporting-disclosure"]);
        assert_eq!(ids("closure"), Vec::<String>::new());
    }

    #[test]
    fn concepts_from_labels_and_aliases() {
        assert_eq!(
            concept_ids("sexting"),
            [(Facet::Topic, "sharing-nudes".into())]
        );
        assert_eq!(
            concept_ids("sharing nudes"),
            [(Facet::Topic, "sharing-nudes".into())]
        );
        assert_eq!(
            concept_ids("hsb training governors"),
            [
                (Facet::Topic, "harmful-sexual-behaviour".into()),
                (Facet::Kind, "training".into()),
                (Facet::Audience, "governors".into()),
            ]
        );
        assert_eq!(
            concept_ids("child on child abuse"),
            concept_ids("peer-on-peer abuse")
        );
        assert_eq!(concept_ids("RSHE"), concept_ids("pshe"));
        assert_eq!(
            concept_ids("autism lessons"),
            [
                (Facet::Ability, "communication-interaction".into()),
                (Facet::Format, "lesson-plan".into()),
            ]
        );
        assert_eq!(
            concept_ids("case studies"),
            [(Facet::Kind, "case-study".into())]
        );
        let sexting = &concepts("sexting", &lexicon())[0];
        assert!(
            sexting
                .names
                .contains(&"Sharing nudes and semi-nudes".to_string())
        );
    }
}
