//! The privacy filter: what of a typed search may be kept. It runs before
//! anything is written, so a word it drops never reaches the disk. The
//! rules, in the words docs/privacy.md gives them:
//!
//! 1. A word containing a digit is dropped (numbers, phone numbers,
//!    postcodes, dates), and so is any word with an `@` (email addresses,
//!    social media handles) or that looks like a web address (`://`,
//!    `www.`, or a dot between letters as in `bbc.co.uk`).
//! 2. A word written with a capital first letter anywhere but at the start
//!    of a sentence is dropped: it is likely a name.
//! 3. One-letter words are dropped (initials).
//! 4. What remains is kept only if it is a word of the bank's taxonomy, a
//!    word the bank's entries write in lower case (or as a capitalised
//!    acronym such as NSPCC), or one of the common English words shipped
//!    with the program. The common words leave out every word that is
//!    also a name of a person or place (smith, rose, grace).
//! 5. A search of more than [`MAX_WORDS`] kept words is not kept as text:
//!    a long search is more likely to describe one incident.

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::content::Library;
use crate::taxonomy::VocabularyName;

/// Longest search kept as text, in kept words.
pub const MAX_WORDS: usize = 8;

/// SCOWL's commonest English words less names; see
/// `scripts/common-words.sh` and `common-words.COPYRIGHT`.
static COMMON_WORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("common-words.txt")
        .lines()
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .collect()
});

/// The words a kept search may use: the bank's and the common ones.
#[derive(Debug, Default)]
pub struct Vocabulary {
    bank: HashSet<String>,
}

impl Vocabulary {
    /// The bank's own words. Taxonomy names count however they are
    /// written; entry text counts only where a word is written in lower
    /// case or as an acronym, since a word the bank only ever capitalises
    /// is a name (of a person, a place or an organisation). Read off the
    /// words counted when the bank was loaded, not off every body again (at
    /// 100,000 entries that took a core 1.9 s after every start).
    pub fn of(library: &Library) -> Vocabulary {
        let mut bank = HashSet::new();
        for name in VocabularyName::ALL {
            for term in library.taxonomy.vocabulary(name).terms() {
                for (text, _) in term.names() {
                    bank.extend(letter_runs(text).map(str::to_lowercase));
                }
            }
        }
        let words = library.words();
        bank.extend(
            words
                .lower
                .iter()
                .flat_map(|w| letter_runs(w))
                .map(str::to_string),
        );
        // An acronym's single letters ("B2B") are initials, not words.
        let acronym_runs = words.acronyms.iter().flat_map(|w| letter_runs(w));
        bank.extend(
            acronym_runs
                .filter(|run| run.chars().count() > 1)
                .map(str::to_string),
        );
        Vocabulary { bank }
    }

    pub fn knows(&self, word: &str) -> bool {
        self.bank.contains(word) || COMMON_WORDS.contains(word)
    }
}

/// Runs of letters; everything else (digits, hyphens, apostrophes,
/// punctuation) separates words.
fn letter_runs(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
}

/// What may be kept of a search's text: the kept words, lower case, in
/// order, one space apart; `None` when nothing may be.
pub fn keep(query: &str, vocabulary: &Vocabulary) -> Option<String> {
    let mut kept: Vec<String> = Vec::new();
    let mut sentence_start = true;
    for token in query.split_whitespace() {
        if !drops_whole(token) {
            for (i, word) in letter_runs(token).enumerate() {
                let at_start = sentence_start && i == 0;
                let mut chars = word.chars();
                let first_capital = chars.next().is_some_and(char::is_uppercase);
                let one_letter = chars.next().is_none();
                if one_letter || (first_capital && !at_start) {
                    continue;
                }
                let lower = word.to_lowercase();
                if vocabulary.knows(&lower) {
                    kept.push(lower);
                }
            }
        }
        sentence_start = token.ends_with(['.', '!', '?']);
    }
    (!kept.is_empty() && kept.len() <= MAX_WORDS).then(|| kept.join(" "))
}

/// Whole tokens that are numbers, addresses or handles.
fn drops_whole(token: &str) -> bool {
    let lower = token.to_lowercase();
    token.chars().any(|c| c.is_numeric())
        || token.contains('@')
        || lower.contains("://")
        || lower.starts_with("www.")
        || token
            .as_bytes()
            .windows(3)
            .any(|w| w[1] == b'.' && w[0].is_ascii_alphabetic() && w[2].is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocabulary(words: &[&str]) -> Vocabulary {
        Vocabulary {
            bank: words.iter().map(|w| w.to_string()).collect(),
        }
    }

    fn kept(query: &str) -> Option<String> {
        keep(query, &vocabulary(&["sexting", "nspcc", "upskirting"]))
    }

    #[test]
    fn names_are_dropped() {
        assert_eq!(kept("Jake Smith sexting").as_deref(), Some("sexting"));
        assert_eq!(kept("jake smith sexting").as_deref(), Some("sexting"));
        assert_eq!(
            kept("what to do about Rose sexting").as_deref(),
            Some("what to do about sexting")
        );
        // At the start of a sentence a capital is ordinary...
        assert_eq!(
            kept("Sexting advice. Consent lessons").as_deref(),
            Some("sexting advice consent lessons")
        );
        // ...but an initial is not kept anywhere.
        assert_eq!(kept("j smith sexting").as_deref(), Some("sexting"));
    }

    #[test]
    fn numbers_contacts_and_addresses_are_dropped() {
        assert_eq!(kept("sexting 07700 900123").as_deref(), Some("sexting"));
        assert_eq!(
            kept("sexting +44(0)7700-900123").as_deref(),
            Some("sexting")
        );
        assert_eq!(kept("sexting year8 ST16 3QE").as_deref(), Some("sexting"));
        assert_eq!(
            kept("abuse jo.bloggs@school.org.uk").as_deref(),
            Some("abuse")
        );
        assert_eq!(kept("abuse @jakey").as_deref(), Some("abuse"));
        assert_eq!(
            kept("abuse https://tiktok.com/@x www.example.org bbc.co.uk").as_deref(),
            Some("abuse")
        );
        assert_eq!(kept("12 May 2026"), None);
    }

    #[test]
    fn only_known_words_are_kept() {
        assert_eq!(
            kept("upskirting zxqv sexting").as_deref(),
            Some("upskirting sexting")
        );
        assert_eq!(kept("NSPCC").as_deref(), Some("nspcc"));
        assert_eq!(kept("help NSPCC").as_deref(), Some("help"));
        assert_eq!(kept("   "), None);
    }

    #[test]
    fn long_searches_are_not_kept() {
        assert!(kept("what should a school do about sexting").is_some());
        assert_eq!(
            kept(
                "my friend was hurt at school by a boy in her class and she does not know what to do"
            ),
            None
        );
    }

    #[test]
    fn the_common_words_leave_out_names() {
        for word in ["the", "school", "abuse", "consent", "help", "phone"] {
            assert!(COMMON_WORDS.contains(word), "{word}");
        }
        for name in [
            "smith", "jake", "rose", "grace", "jack", "mohammed", "olivia",
        ] {
            assert!(!COMMON_WORDS.contains(name), "{name}");
        }
    }

    #[test]
    fn the_bank_counts_words_it_writes_in_lower_case_or_as_acronyms() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small/content");
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let library = crate::content::load(&dir, today).library.unwrap();
        let v = Vocabulary::of(&library);
        assert!(v.knows("sexting"), "a taxonomy alias");
        assert!(v.bank.iter().all(|w| w.chars().all(char::is_lowercase)));
        // The words kept from the entries are those a pass over every
        // title, summary and body keeps, word by word as written.
        let mut written = HashSet::new();
        for (ord, entry) in library.entries().iter().enumerate() {
            let body = library.body_text(ord).unwrap();
            for text in [entry.title.as_str(), entry.summary.as_str(), &body] {
                for word in letter_runs(text) {
                    let lower = word.chars().all(char::is_lowercase);
                    let acronym = word.chars().count() > 1 && word.chars().all(char::is_uppercase);
                    if lower || acronym {
                        written.insert(word.to_lowercase());
                    }
                }
            }
        }
        let taxonomy = Vocabulary::of(&Library::from_entries(
            library.taxonomy.clone(),
            Vec::new(),
            String::new(),
        ));
        let from_entries: HashSet<&String> = v.bank.difference(&taxonomy.bank).collect();
        assert!(from_entries.len() > 50, "{}", from_entries.len());
        for word in &from_entries {
            assert!(written.contains(*word), "{word} is not written plainly");
        }
        for word in &written {
            assert!(v.bank.contains(word), "{word} is written plainly");
        }
    }
}
