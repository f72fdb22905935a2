//! The bank's own vocabulary as query understanding needs it: the names of
//! filters and concepts (from the taxonomy, the routes of what a school did
//! and the kinds of entry), every word of the bank with its frequency and
//! its stem, built once when an index version opens.

use std::collections::{HashMap, HashSet};

use tantivy::tokenizer::TextAnalyzer;

use super::spelling::Spelling;
use super::tokens::{STOPWORDS, Token, is_acronym, tokenize};
use crate::content::{Kind, Library};
use crate::facet::Facet;
use crate::taxonomy::{COSTS, RESPONSES, Term};

/// What a name of the filter lexicon selects.
#[derive(Debug, Clone)]
pub(super) enum Target {
    Phase {
        id: String,
        label: String,
        ages: (u8, u8),
    },
    Facet {
        facet: Facet,
        id: String,
        label: String,
        /// More values selected with `id` (ORed).
        also: Vec<String>,
    },
}

#[derive(Debug, Clone)]
pub(super) struct Name<T> {
    /// Lowercased words (filters) or stems (concepts).
    pub(super) words: Vec<String>,
    /// The name was written in capitals in the taxonomy (an acronym).
    pub(super) acronym: bool,
    pub(super) target: T,
}

/// Everything query understanding knows about a bank, built once per index.
pub struct Lexicon {
    pub(super) filters: Vec<Name<Target>>,
    pub(super) concepts: Vec<Name<(Facet, String)>>,
    /// Each topic's own words (label, aliases, description) as stems, and
    /// how telling each stem is among the topics (inverse document
    /// frequency): what a situation described in other words is matched
    /// against ([`super::concepts`]).
    pub(super) topic_words: Vec<(String, Vec<String>)>,
    pub(super) topic_idf: HashMap<String, f32>,
    /// The names of each concept by (facet, id), as written.
    pub(super) concept_names: HashMap<(Facet, String), Vec<String>>,
    /// Every word of the bank, lowercased, with how often it occurs.
    pub(super) words: HashMap<String, u32>,
    /// The words of the bank by stem, most frequent first: what a snippet
    /// marks for a stem searched.
    pub(super) forms: HashMap<String, Vec<String>>,
    /// The words of the bank in order, for completing a prefix.
    pub(super) sorted: Vec<String>,
    /// The words again with what lets spelling correction skip most of
    /// them without computing an edit distance.
    pub(super) spellings: Vec<Spelling>,
    /// Words the bank writes in lower case somewhere: an acronym in the
    /// taxonomy that is also one of these ("SEND" / "send") must be typed
    /// in capitals to count.
    pub(super) ordinary: HashSet<String>,
    pub(super) analyzer: TextAnalyzer,
}

impl std::fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lexicon")
            .field("filters", &self.filters.len())
            .field("concepts", &self.concepts.len())
            .field("words", &self.words.len())
            .finish_non_exhaustive()
    }
}

fn words_of(name: &str) -> Vec<String> {
    tokenize(name).into_iter().map(|t| t.text).collect()
}

impl Lexicon {
    pub fn new(library: &Library, analyzer: TextAnalyzer) -> Lexicon {
        let mut lexicon = Lexicon {
            filters: Vec::new(),
            concepts: Vec::new(),
            concept_names: HashMap::new(),
            topic_words: Vec::new(),
            topic_idf: HashMap::new(),
            words: HashMap::new(),
            forms: HashMap::new(),
            sorted: Vec::new(),
            spellings: Vec::new(),
            ordinary: HashSet::new(),
            analyzer,
        };
        let taxonomy = &library.taxonomy;
        let names = |t: &Term| -> Vec<String> {
            std::iter::once(t.label.clone())
                .chain(t.aliases.iter().cloned())
                .chain(std::iter::once(t.id.replace('-', " ")))
                .collect()
        };
        for term in taxonomy.sectors.terms() {
            // A sector with ages is a phase (the taxonomy's, or the SPEC's
            // defaults for early years, primary, secondary and post-16).
            let target = match term.ages {
                Some(ages) => Target::Phase {
                    id: term.id.clone(),
                    label: term.label.clone(),
                    ages,
                },
                None => Target::Facet {
                    facet: Facet::Sector,
                    id: term.id.clone(),
                    label: term.label.clone(),
                    also: Vec::new(),
                },
            };
            lexicon.add_filter_names(&names(term), &target);
        }
        for term in taxonomy.abilities.terms() {
            if term.depth == 0 {
                let target = Target::Facet {
                    facet: Facet::Ability,
                    id: term.id.clone(),
                    label: term.label.clone(),
                    also: Vec::new(),
                };
                lexicon.add_filter_names(&names(term), &target);
            } else {
                lexicon.add_concept(Facet::Ability, &term.id, names(term));
            }
        }
        for term in taxonomy.areas.terms() {
            if term.depth > 0 {
                let target = Target::Facet {
                    facet: Facet::Area,
                    id: term.id.clone(),
                    label: term.label.clone(),
                    also: Vec::new(),
                };
                lexicon.add_filter_names(&names(term), &target);
            }
        }
        let costs: HashSet<&str> = library
            .entries()
            .iter()
            .filter_map(|e| e.cost.as_deref())
            .collect();
        lexicon.add_costs(&costs);
        // What a school did, by the routes' labels, aliases and ids of more
        // than one word: `police` alone would make every search for a police
        // service a filter on case studies.
        for route in RESPONSES {
            let target = Target::Facet {
                facet: Facet::Response,
                id: route.id.to_string(),
                label: route.label.to_string(),
                also: Vec::new(),
            };
            let id = route.id.replace('-', " ");
            let names: Vec<String> = route
                .names()
                .map(str::to_string)
                .chain(id.contains(' ').then_some(id))
                .collect();
            lexicon.add_filter_names(&names, &target);
        }
        for term in taxonomy.topics.terms() {
            lexicon.add_concept(Facet::Topic, &term.id, names(term));
            let text = names(term)
                .into_iter()
                .chain(term.description.clone())
                .collect::<Vec<_>>()
                .join(" ");
            let mut stems: Vec<String> = lexicon
                .stems(&text)
                .into_iter()
                .filter(|s| !STOPWORDS.contains(&s.as_str()))
                .collect();
            stems.sort_unstable();
            stems.dedup();
            lexicon.topic_words.push((term.id.clone(), stems));
        }
        let n = lexicon.topic_words.len() as f32;
        let mut df: HashMap<&str, f32> = HashMap::new();
        for (_, stems) in &lexicon.topic_words {
            for stem in stems {
                *df.entry(stem).or_default() += 1.0;
            }
        }
        lexicon.topic_idf = df
            .into_iter()
            .map(|(stem, df)| (stem.to_string(), (1.0 + (n - df + 0.5) / (df + 0.5)).ln()))
            .collect();
        for term in taxonomy.formats.terms() {
            lexicon.add_concept(Facet::Format, &term.id, names(term));
        }
        for term in taxonomy.audiences.terms() {
            lexicon.add_concept(Facet::Audience, &term.id, names(term));
        }
        for kind in Kind::ALL {
            let names = std::iter::once(kind.label().to_string())
                .chain(taxonomy.kind_aliases(kind).iter().cloned())
                .collect();
            lexicon.add_concept(Facet::Kind, kind.id(), names);
        }
        // Longest names first, so "primary school" wins over "primary".
        lexicon
            .filters
            .sort_by_key(|f| std::cmp::Reverse(f.words.len()));
        lexicon
            .concepts
            .sort_by_key(|c| std::cmp::Reverse(c.words.len()));

        let vocabulary_names: Vec<String> = crate::taxonomy::VocabularyName::ALL
            .iter()
            .flat_map(|&v| taxonomy.vocabulary(v).terms().iter())
            .flat_map(|t| std::iter::once(t.label.clone()).chain(t.aliases.iter().cloned()))
            .chain(RESPONSES.iter().flat_map(|r| r.names()).map(str::to_string))
            .collect();
        // Counted when the bank was loaded (bodies are not kept in memory).
        lexicon.words.clone_from(&library.words().counts);
        lexicon.ordinary.clone_from(&library.words().ordinary);
        for name in &vocabulary_names {
            for token in tokenize(name) {
                lexicon.words.entry(token.text).or_insert(1);
            }
        }
        lexicon.index_forms();
        lexicon
    }

    /// Counts the words of a text as the bank's were counted.
    #[cfg(test)]
    pub(super) fn count_words(&mut self, text: &str) {
        crate::content::count_words(text, &mut self.words, &mut self.ordinary);
    }

    /// Groups the bank's words by stem and sorts them for prefixes.
    fn index_forms(&mut self) {
        let mut analyzer = self.analyzer.clone();
        let mut forms: HashMap<String, Vec<String>> = HashMap::new();
        for word in self.words.keys() {
            let mut stream = analyzer.token_stream(word);
            if stream.advance() {
                let stem = stream.token().text.clone();
                forms.entry(stem).or_default().push(word.clone());
            }
        }
        for words in forms.values_mut() {
            words.sort_by(|a, b| self.words[b].cmp(&self.words[a]).then_with(|| a.cmp(b)));
        }
        self.forms = forms;
        self.sorted = self.words.keys().cloned().collect();
        self.sorted.sort_unstable();
        self.spellings = self
            .sorted
            .iter()
            .map(|w| Spelling::new(w, self.words[w]))
            .collect();
    }

    /// The bank's words with this stem, most frequent first.
    pub(crate) fn forms_of(&self, stem: &str) -> impl Iterator<Item = &str> {
        self.forms
            .get(stem)
            .into_iter()
            .flatten()
            .map(String::as_str)
    }

    /// Up to `limit` of the bank's words that begin with `prefix`, the most
    /// frequent first.
    pub(crate) fn words_starting_with(&self, prefix: &str, limit: usize) -> Vec<&str> {
        let from = self.sorted.partition_point(|w| w.as_str() < prefix);
        let mut words: Vec<&str> = self.sorted[from..]
            .iter()
            .take_while(|w| w.starts_with(prefix))
            .map(String::as_str)
            .collect();
        words.sort_by_key(|w| std::cmp::Reverse(self.words[*w]));
        words.truncate(limit);
        words
    }

    /// The costs as filter names, for the costs the bank uses: a bank that
    /// tags no costs reads "free" as a word. A cost's label also selects
    /// the costs whose labels begin with it: "free" is free or free to
    /// schools.
    pub(super) fn add_costs(&mut self, used: &HashSet<&str>) {
        for &(id, label) in COSTS.iter().filter(|(id, _)| used.contains(id)) {
            let also = COSTS
                .iter()
                .filter(|(other, other_label)| {
                    *other != id
                        && used.contains(other)
                        && other_label.starts_with(&format!("{label} "))
                })
                .map(|(other, _)| other.to_string())
                .collect::<Vec<_>>();
            let label = std::iter::once(label.to_string())
                .chain(
                    also.iter()
                        .map(|a| crate::taxonomy::cost_label(a).to_lowercase()),
                )
                .collect::<Vec<_>>()
                .join(" or ");
            let target = Target::Facet {
                facet: Facet::Cost,
                id: id.to_string(),
                label,
                also,
            };
            self.add_filter_names(&[id.replace('-', " ")], &target);
        }
        // Longest names first, so "free to schools" wins over "free".
        self.filters
            .sort_by_key(|f| std::cmp::Reverse(f.words.len()));
    }

    fn add_filter_names(&mut self, names: &[String], target: &Target) {
        for name in names {
            let words = words_of(name);
            if words.is_empty() || self.filters.iter().any(|f| f.words == words) {
                continue;
            }
            self.filters.push(Name {
                words,
                acronym: is_acronym(name),
                target: target.clone(),
            });
        }
    }

    fn add_concept(&mut self, facet: Facet, id: &str, names: Vec<String>) {
        for name in &names {
            let words = self.stems(name);
            if words.is_empty() {
                continue;
            }
            self.concepts.push(Name {
                words,
                acronym: is_acronym(name),
                target: (facet, id.to_string()),
            });
        }
        self.concept_names
            .entry((facet, id.to_string()))
            .or_default()
            .extend(names);
    }

    /// The stems of a text, as the index's analyzer makes them.
    pub(crate) fn stems(&self, text: &str) -> Vec<String> {
        let mut analyzer = self.analyzer.clone();
        let mut stream = analyzer.token_stream(text);
        let mut stems = Vec::new();
        while stream.advance() {
            stems.push(stream.token().text.clone());
        }
        stems
    }

    /// Whether an acronym name may match this token.
    pub(super) fn acronym_ok(&self, acronym: bool, token: &Token) -> bool {
        !acronym || token.upper || !self.ordinary.contains(&token.text)
    }

    /// The bank uses this word (lowercased).
    pub(crate) fn knows(&self, word: &str) -> bool {
        self.words.contains_key(word)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_lexicon::{TAXONOMY, lexicon, lexicon_of};
    use super::*;

    fn phase(lexicon: &Lexicon, word: &str) -> Option<(u8, u8)> {
        lexicon.filters.iter().find_map(|f| match &f.target {
            Target::Phase { ages, .. } if f.words == [word] => Some(*ages),
            _ => None,
        })
    }

    fn kind_of(lexicon: &Lexicon, name: &str) -> Option<String> {
        let stems = lexicon.stems(name);
        lexicon
            .concepts
            .iter()
            .find(|c| c.words == stems && c.target.0 == Facet::Kind)
            .map(|c| c.target.1.clone())
    }

    #[test]
    fn phases_and_kind_names_default_to_the_spec() {
        let lexicon = lexicon();
        assert_eq!(phase(&lexicon, "primary"), Some((4, 11)));
        assert_eq!(phase(&lexicon, "secondary"), Some((11, 16)));
        assert_eq!(phase(&lexicon, "special"), None);
        assert_eq!(kind_of(&lexicon, "course").as_deref(), Some("training"));
        assert_eq!(kind_of(&lexicon, "workshop"), None);
    }

    #[test]
    fn phases_and_kind_names_come_from_the_taxonomy() {
        let taxonomy = TAXONOMY.replace(
            "    label: Secondary\n",
            "    label: Secondary\n    ages: \"11-19\"\n",
        ) + "kinds:\n  - id: training\n    aliases: [workshop]\n";
        let lexicon = lexicon_of(&taxonomy, &[]);
        assert_eq!(phase(&lexicon, "secondary"), Some((11, 19)));
        assert_eq!(phase(&lexicon, "primary"), Some((4, 11)));
        assert_eq!(kind_of(&lexicon, "workshop").as_deref(), Some("training"));
        // The label always counts; the default aliases were replaced.
        assert_eq!(kind_of(&lexicon, "training").as_deref(), Some("training"));
        assert_eq!(kind_of(&lexicon, "course"), None);
    }
}
