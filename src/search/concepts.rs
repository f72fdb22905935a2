//! Concepts: the taxonomy terms (topics, abilities, formats, audiences) and
//! kinds of entry that a text names, by the stems of their names, a word
//! counting in its other forms ("disclosed" names disclosure); and, when
//! it names no topic, the topic it describes in other words, matched
//! against the topics' own labels, aliases and descriptions ("touching
//! other children" is "sexual behaviour by children … harmful to … others").
//! Nothing here knows a topic: everything comes from the taxonomy.

use super::Lexicon;
use super::tokens::{STOPWORDS, Token, tokenize};
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
    /// Not named but described: the topic whose own words the text shares
    /// most ([`described_topic`]).
    pub described: bool,
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
                described: false,
            });
        }
    }
    found.sort_by_key(|c| c.from);
    // A text that names no topic may describe one.
    if !found.iter().any(|c| c.facet == Facet::Topic) {
        let mut free: Vec<&str> = stems
            .iter()
            .zip(&used)
            .filter(|(s, u)| **u == 0 && s.len() == 1 && !STOPWORDS.contains(&s[0].as_str()))
            .map(|(s, _)| s[0].as_str())
            .collect();
        free.sort_unstable();
        free.dedup();
        if let Some(id) = described_topic(&free, lexicon) {
            found.push(Concept {
                facet: Facet::Topic,
                names: lexicon
                    .concept_names
                    .get(&(Facet::Topic, id.to_string()))
                    .cloned()
                    .unwrap_or_default(),
                value: id.to_string(),
                from: (0, 0),
                described: true,
            });
        }
    }
    found
}

/// Fewest different words of a text a topic's own words must share.
const MIN_DESCRIBED_WORDS: usize = 2;

/// The topic a text describes without naming it: the one whose label,
/// aliases and description share the most telling words with it (each
/// shared word weighs its inverse frequency among the topics, so
/// "children", in most descriptions, counts for little). At least two
/// different words must be shared, and one topic must share more than any
/// other; words count in their other forms ([`same_family`]).
fn described_topic<'a>(words: &[&str], lexicon: &'a Lexicon) -> Option<&'a str> {
    let mut scored: Vec<(f32, &str)> = lexicon
        .topic_words
        .iter()
        .filter_map(|(id, stems)| {
            // Each word of the text counts once, as the most telling of the
            // topic's words it stands for.
            let shared: Vec<f32> = words
                .iter()
                .filter_map(|w| {
                    stems
                        .iter()
                        .filter(|t| same_family(w, t))
                        .map(|t| lexicon.topic_idf.get(t.as_str()).copied().unwrap_or(0.0))
                        .reduce(f32::max)
                })
                .collect();
            (shared.len() >= MIN_DESCRIBED_WORDS).then(|| (shared.iter().sum::<f32>(), id.as_str()))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    match scored.as_slice() {
        [(best, id), rest @ ..] if rest.first().is_none_or(|(second, _)| best > second) => Some(id),
        _ => None,
    }
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

    /// Topics with descriptions, as a curator writes them.
    fn described_lexicon() -> Lexicon {
        crate::search::test_lexicon::lexicon_of(
            "\
topics:
  - id: harmful-sexual-behaviour
    label: Harmful sexual behaviour
    description: Sexual behaviour by children that is developmentally inappropriate, harmful to themselves or others, or abusive.
    aliases: [HSB, sexualised behaviour]
  - id: bullying
    label: Bullying
    description: Repeated, intentional hurting of others, in person or online.
  - id: sexual-violence
    label: Sexual violence
    description: Rape, assault by penetration and sexual assault between children.
    aliases: [sexual abuse allegation]
  - id: consent
    label: Consent
    description: Asking, giving and withdrawing permission.
  - id: victim-support
    label: Support for victims
    description: Support for young people who have been harmed.
  - id: working-with-children-who-harm
    label: Working with children who harm
    description: Support for young people who have harmed someone.
sectors: []
abilities: []
audiences: []
areas: []
formats: []
",
            &[],
        )
    }

    fn described(q: &str) -> Vec<(String, bool)> {
        concepts(q, &described_lexicon())
            .into_iter()
            .map(|c| (c.value, c.described))
            .collect()
    }

    #[test]
    fn a_situation_describes_the_topic_whose_own_words_it_shares() {
        // "other" and "children" are both in one description only; the
        // rarer word ("other") outweighs the common one.
        assert_eq!(
            described("touching other children"),
            [("harmful-sexual-behaviour".into(), true)]
        );
        // In another form: "allegation" ~ alias, "assaulted" ~ description.
        assert_eq!(
            described("pupil assaulted, an allegation"),
            [("sexual-violence".into(), true)]
        );
    }

    #[test]
    fn a_described_topic_needs_two_words_one_clear_winner_and_no_named_topic() {
        // One shared word is not enough.
        assert_eq!(described("touching children"), []);
        // Two topics share the same words: no winner.
        assert_eq!(described("support young people harmed"), []);
        // A topic named outright is what the text is about.
        assert_eq!(
            described("consent touching other children"),
            [("consent".into(), false)]
        );
        // A word counts once however many of a topic's words it matches
        // ("sexual" ~ sexual, sexualised).
        let lexicon = described_lexicon();
        assert_eq!(described_topic(&["sexual", "touch"], &lexicon), None);
        assert_eq!(
            described_topic(&["sexual", "other"], &lexicon),
            Some("harmful-sexual-behaviour")
        );
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
