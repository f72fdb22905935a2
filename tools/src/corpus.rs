//! A synthetic bank for benchmarks and tests: any number of valid entries
//! over the real taxonomy, with words drawn from the shipped content so that
//! term frequencies look like the real bank's.
//!
//! Generation is deterministic: the same source content, seed, entry count
//! and `today` give byte-identical files. Every file passes `signpost check`
//! (at most a few are "due for review", which is a warning).
//!
//! ```text
//! signpost-corpus --entries 10000 --out /tmp/corpus --seed 1
//! ```

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

use chrono::{Days, NaiveDate};

use signpost::content::{Kind, MAX_SUMMARY_CHARS};
use signpost::taxonomy::{COSTS, RESPONSES, Taxonomy, Vocabulary};

const TAXONOMY_FILE: &str = "taxonomy.yaml";

/// A tiny xorshift64* generator: fast, deterministic, no dependency.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        // SplitMix64 scramble so that nearby seeds give unrelated streams,
        // and a zero seed still works.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng((z ^ (z >> 31)) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n`; `n` must be positive.
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// `lo..=hi` distinct items (fewer if there are not enough), in list
    /// order.
    pub fn pick_distinct<T: Copy>(&mut self, items: &[T], lo: usize, hi: usize) -> Vec<T> {
        let k = self.between(lo, hi).min(items.len());
        let mut chosen: Vec<usize> = Vec::with_capacity(k);
        while chosen.len() < k {
            let i = self.below(items.len());
            if !chosen.contains(&i) {
                chosen.push(i);
            }
        }
        chosen.sort_unstable();
        chosen.into_iter().map(|i| items[i]).collect()
    }
}

/// What the generator draws on: the taxonomy (text and parsed) and the
/// words of the source bank.
#[derive(Debug)]
pub struct Source {
    taxonomy_text: String,
    taxonomy: Taxonomy,
    /// Every word of the source bodies and summaries, in order, so a
    /// uniform pick is a pick weighted by real frequency.
    words: Vec<String>,
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

impl Source {
    /// Reads `taxonomy.yaml` and the words of every Markdown file under
    /// `content` (the shipped bank).
    pub fn from_content_dir(content: &Path) -> io::Result<Source> {
        let taxonomy_path = content.join(TAXONOMY_FILE);
        let taxonomy_text = std::fs::read_to_string(&taxonomy_path)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", taxonomy_path.display())))?;
        let taxonomy = Taxonomy::parse(&taxonomy_path, &taxonomy_text).map_err(|errors| {
            invalid(format!(
                "{} has {} error(s); run `signpost check`",
                taxonomy_path.display(),
                errors.len()
            ))
        })?;
        let mut files = Vec::new();
        markdown_files(content, &mut files)?;
        files.sort();
        let mut words = Vec::new();
        for file in &files {
            let text = std::fs::read_to_string(file)?;
            // Skip the front matter: only prose feeds the vocabulary.
            let body = text
                .strip_prefix("---")
                .and_then(|rest| rest.split_once("\n---").map(|(_, body)| body))
                .unwrap_or(&text);
            words.extend(prose_words(body));
        }
        if words.len() < 200 {
            // A bare starter bank: fall back to the taxonomy's descriptions.
            for vocabulary in vocabularies(&taxonomy) {
                for term in vocabulary.terms() {
                    words.extend(prose_words(term.description.as_deref().unwrap_or("")));
                    words.extend(prose_words(&term.label));
                }
            }
        }
        if words.is_empty() {
            return Err(invalid(format!(
                "{} holds no words to build a corpus from",
                content.display()
            )));
        }
        Ok(Source {
            taxonomy_text,
            taxonomy,
            words,
        })
    }
}

fn vocabularies(t: &Taxonomy) -> [&Vocabulary; 6] {
    [
        &t.topics,
        &t.sectors,
        &t.abilities,
        &t.audiences,
        &t.areas,
        &t.formats,
    ]
}

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            markdown_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
    Ok(())
}

/// Plain words of Markdown prose: letters (and inner hyphens or
/// apostrophes), lower-cased except acronyms such as DSL or KCSIE.
fn prose_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_ascii_alphabetic() || c == '-' || c == '\''))
        .map(|w| w.trim_matches(|c| c == '-' || c == '\''))
        .filter(|w| w.len() >= 2 || *w == "a")
        .filter(|w| !w.starts_with("http") && !w.contains("--"))
        .map(|w| {
            let acronym = w.len() >= 2 && w.chars().all(|c| c.is_ascii_uppercase());
            if acronym {
                w.to_string()
            } else {
                w.to_ascii_lowercase()
            }
        })
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    pub entries: usize,
    pub seed: u64,
    /// Review dates are spread over the year before this day.
    pub today: NaiveDate,
}

impl Options {
    pub fn new(entries: usize, seed: u64, today: NaiveDate) -> Options {
        Options {
            entries,
            seed,
            today,
        }
    }
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    /// Entries per kind, in [`Kind::ALL`] order.
    pub per_kind: [usize; 5],
    pub bytes: u64,
}

impl Written {
    pub fn total(&self) -> usize {
        self.per_kind.iter().sum()
    }
}

/// Share of each kind, in [`Kind::ALL`] order (per thousand).
const KIND_SHARE: [usize; 5] = [150, 150, 350, 150, 200];

/// How many entries of each kind make up `n`.
pub fn kind_counts(n: usize) -> [usize; 5] {
    let mut counts = KIND_SHARE.map(|share| n * share / 1000);
    let mut rest = n - counts.iter().sum::<usize>();
    // Hand out the remainder, resources first, so every kind appears
    // as soon as there are five entries.
    for i in [2, 4, 0, 1, 3].into_iter().cycle() {
        if rest == 0 {
            break;
        }
        counts[i] += 1;
        rest -= 1;
    }
    if n >= 5 {
        for i in 0..5 {
            if counts[i] == 0 {
                let max = (0..5).max_by_key(|&j| counts[j]).unwrap_or(0);
                counts[max] -= 1;
                counts[i] += 1;
            }
        }
    }
    counts
}

/// Writes `taxonomy.yaml` and `options.entries` entry files into `out`
/// (created if missing; existing kind folders are emptied first so that a
/// re-run gives exactly the corpus asked for).
pub fn generate(source: &Source, options: &Options, out: &Path) -> io::Result<Written> {
    std::fs::create_dir_all(out)?;
    std::fs::write(out.join(TAXONOMY_FILE), &source.taxonomy_text)?;
    for kind in Kind::ALL {
        let folder = out.join(kind.folder());
        if folder.is_dir() {
            std::fs::remove_dir_all(&folder)?;
        }
        std::fs::create_dir_all(&folder)?;
    }
    let mut rng = Rng::new(options.seed);
    let mut generator = Generator::new(source, options.today);
    let counts = kind_counts(options.entries);
    let mut written = Written::default();
    // Organisations first, so later entries can name them as provider.
    for (k, kind) in Kind::ALL.into_iter().enumerate() {
        for _ in 0..counts[k] {
            let (id, text) = generator.entry(&mut rng, kind);
            let path = out.join(kind.folder()).join(format!("{id}.md"));
            std::fs::write(&path, &text)?;
            written.per_kind[k] += 1;
            written.bytes += text.len() as u64;
        }
    }
    Ok(written)
}

/// Age ranges as the bank writes them, most common first (repeats weight).
const AGES: [&str; 24] = [
    "11-16", "11-16", "11-14", "14-16", "7-11", "7-11", "5-11", "5-11", "11-18", "11-18", "16-18",
    "16+", "4-7", "5-7", "9-11", "13-16", "14-18", "12-18", "0-5", "3-5", "5-18", "4-11", "10-25",
    "16-25",
];

/// Words that make a title sound like its kind.
const NOUNS: [&[&str]; 5] = [
    &[
        "service",
        "helpline",
        "support service",
        "advice line",
        "partnership",
        "project",
        "charity",
        "team",
    ],
    &[
        "training",
        "course",
        "briefing",
        "masterclass",
        "INSET session",
        "e-learning module",
        "programme",
        "webinar",
    ],
    &[
        "lesson plans",
        "teaching pack",
        "assembly",
        "scheme of work",
        "classroom resources",
        "video series",
        "toolkit",
        "activity pack",
    ],
    &[
        "guidance",
        "advice",
        "policy template",
        "framework",
        "briefing note",
        "checklist",
        "statutory guidance",
        "good practice guide",
    ],
    &[
        "case study",
        "response",
        "approach",
        "lessons learned",
        "review",
        "incident",
        "practice example",
        "story",
    ],
];

/// Formats that suit each kind.
const KIND_FORMATS: [&[&str]; 5] = [
    &["helpline", "one-to-one", "group-programme", "face-to-face"],
    &["face-to-face", "e-learning", "webinar", "toolkit"],
    &[
        "lesson-plan",
        "video",
        "toolkit",
        "document",
        "group-programme",
    ],
    &["document", "toolkit", "webinar"],
    &["document"],
];

const HOURS: [&str; 4] = [
    "Monday to Friday, 9am to 5pm",
    "24 hours a day, every day",
    "Weekdays 8.30am to 5pm; out of hours via the emergency duty team",
    "Monday to Thursday 9am to 5pm, Friday 9am to 4.30pm",
];

const SETTINGS: [&str; 12] = [
    "a primary school",
    "an infant school",
    "a secondary school",
    "a sixth form college",
    "a special school",
    "a pupil referral unit",
    "a nursery",
    "an academy trust",
    "a junior school",
    "a high school",
    "an all-through school",
    "a first school",
];

/// Turns a random stream into entries.
struct Generator<'a> {
    source: &'a Source,
    today: NaiveDate,
    /// Ids of organisations written so far (providers for later entries).
    organisations: Vec<String>,
    serial: usize,
    /// Areas: national, regions, counties and districts by depth.
    areas_by_depth: Vec<Vec<&'a str>>,
    topics: Vec<&'a str>,
}

impl<'a> Generator<'a> {
    fn new(source: &'a Source, today: NaiveDate) -> Self {
        let mut areas_by_depth: Vec<Vec<&str>> = Vec::new();
        for term in source.taxonomy.areas.terms() {
            if areas_by_depth.len() <= term.depth {
                areas_by_depth.resize(term.depth + 1, Vec::new());
            }
            areas_by_depth[term.depth].push(&term.id);
        }
        Generator {
            source,
            today,
            organisations: Vec::new(),
            serial: 0,
            areas_by_depth,
            topics: ids(&source.taxonomy.topics),
        }
    }

    fn word(&self, rng: &mut Rng) -> &'a str {
        rng.pick(&self.source.words).as_str()
    }

    /// A word fit for a title or heading: not a short function word.
    fn content_word(&self, rng: &mut Rng) -> &'a str {
        let mut w = self.word(rng);
        for _ in 0..50 {
            if w.len() >= 5 && !w.contains('\'') {
                break;
            }
            w = self.word(rng);
        }
        w
    }

    /// A sentence of `lo..=hi` words, capitalised, ending with a full stop.
    fn sentence(&self, rng: &mut Rng, lo: usize, hi: usize) -> String {
        let n = rng.between(lo, hi);
        let mut s = String::new();
        for i in 0..n {
            let w = self.word(rng);
            if i > 0 {
                s.push(' ');
            }
            if i == 0 {
                s.push_str(&capitalise(w));
            } else {
                s.push_str(w);
            }
            if i + 1 < n && i > 2 && rng.chance(6) {
                s.push(',');
            }
        }
        s.push('.');
        s
    }

    /// Paragraphs totalling about `words` words, with the entry's topic
    /// labels woven in now and then.
    fn paragraphs(&self, rng: &mut Rng, words: usize, mentions: &[&str]) -> String {
        let mut out = String::new();
        let mut count = 0;
        while count < words {
            let sentences = rng.between(2, 5);
            let mut paragraph = String::new();
            for _ in 0..sentences {
                let mut s = self.sentence(rng, 8, 20);
                if !mentions.is_empty() && rng.chance(25) {
                    s.pop();
                    let _ = write!(s, " and {}.", rng.pick(mentions).to_lowercase());
                }
                count += s.split_whitespace().count();
                if !paragraph.is_empty() {
                    paragraph.push(' ');
                }
                paragraph.push_str(&s);
                if count >= words {
                    break;
                }
            }
            out.push_str(&paragraph);
            out.push_str("\n\n");
        }
        out
    }

    fn unique_id(&mut self, title: &str) -> String {
        self.serial += 1;
        let mut slug = String::new();
        for part in title
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|p| !p.is_empty())
            .take(6)
        {
            if !slug.is_empty() {
                slug.push('-');
            }
            slug.push_str(&part.to_ascii_lowercase());
        }
        if slug.is_empty() {
            slug.push_str("entry");
        }
        slug.truncate(80);
        let slug = slug.trim_end_matches('-');
        // The serial makes ids unique across the corpus.
        format!("{slug}-{:05}", self.serial)
    }

    fn entry(&mut self, rng: &mut Rng, kind: Kind) -> (String, String) {
        let k = kind_index(kind);
        let tax = &self.source.taxonomy;
        let topic_ids = rng.pick_distinct(&self.topics, 1, 3);
        let topic_labels: Vec<&str> = topic_ids
            .iter()
            .map(|id| tax.topics.label(id))
            .collect::<Vec<_>>();
        let ages = *rng.pick(&AGES);
        let areas = self.areas(rng, kind);
        let area_label = tax.areas.label(areas[0]);
        let noun = *rng.pick(NOUNS[k]);
        let topic = topic_labels[0];
        let (w1, w2) = (self.content_word(rng), self.content_word(rng));
        let w3 = self.content_word(rng);
        let title = match (kind, rng.below(3)) {
            (Kind::Organisation, 0) => format!(
                "{} {noun} for {} in {area_label}",
                capitalise(w1),
                topic.to_lowercase()
            ),
            (Kind::Organisation, _) => format!(
                "{} {} {} {noun}",
                capitalise(w1),
                capitalise(w2),
                capitalise(w3)
            ),
            (Kind::CaseStudy, _) => format!(
                "{topic} in {}: {} {w2} {noun}",
                rng.pick(&SETTINGS),
                capitalise(w1)
            ),
            (_, 0) => format!("{topic} {noun} for ages {ages}: {w1} and {w2}"),
            (_, 1) => {
                let other = *rng.pick(&self.topics);
                format!(
                    "{topic} and {}: {w1} {noun}",
                    tax.topics.label(other).to_lowercase()
                )
            }
            (_, _) => format!("{}: {} {w1} {w2}", capitalise(noun), topic.to_lowercase()),
        };
        let id = self.unique_id(&title);
        let summary = self.summary(rng, kind, &topic_labels);

        let mut y = String::with_capacity(2048);
        y.push_str("---\n");
        let _ = writeln!(y, "title: {}", quote(&title));
        let _ = writeln!(y, "summary: {}", quote(&summary));
        let _ = writeln!(y, "topics: [{}]", join(&topic_ids));
        let _ = writeln!(y, "ages: \"{ages}\"");
        let sectors = self.sectors(rng, ages);
        if !sectors.is_empty() {
            let _ = writeln!(y, "sectors: [{}]", join(&sectors));
        }
        if rng.chance(20) {
            let abilities = ids(&tax.abilities);
            let picked = rng.pick_distinct(&abilities, 1, 2);
            let _ = writeln!(y, "abilities: [{}]", join(&picked));
        }
        if rng.chance(85) {
            let audiences = ids(&tax.audiences);
            let picked = rng.pick_distinct(&audiences, 1, 3);
            let _ = writeln!(y, "audiences: [{}]", join(&picked));
        }
        let _ = writeln!(y, "areas: [{}]", areas.join(", "));
        if kind != Kind::Organisation && !self.organisations.is_empty() && rng.chance(40) {
            let _ = writeln!(y, "provider: {}", rng.pick(&self.organisations));
        }
        if kind != Kind::CaseStudy && rng.chance(90) {
            let _ = writeln!(y, "url: https://www.example.org/{id}");
        }
        if kind == Kind::Organisation {
            y.push_str("contact:\n");
            let _ = writeln!(
                y,
                "  phone: \"0{} {:03} {:04}\"",
                rng.between(300, 899),
                rng.below(1000),
                rng.below(10000)
            );
            if rng.chance(70) {
                let _ = writeln!(y, "  email: help@{id}.example.org");
            }
            let _ = writeln!(y, "  hours: {}", quote(rng.pick::<&str>(&HOURS)));
            let _ = writeln!(y, "  referral: {}", quote(&self.sentence(rng, 8, 16)));
        }
        if kind != Kind::CaseStudy && rng.chance(75) {
            let weights = [0, 0, 0, 1, 1, 2];
            let _ = writeln!(y, "cost: {}", COSTS[*rng.pick(&weights)].0);
        }
        if kind != Kind::CaseStudy || rng.chance(30) {
            let formats = KIND_FORMATS[k];
            let picked = rng.pick_distinct(formats, 1, 2.min(formats.len()));
            let _ = writeln!(y, "formats: [{}]", join(&picked));
        }
        if rng.chance(10) {
            let _ = writeln!(y, "quality_assured:\n  by: PSHE Association");
        }
        if kind == Kind::CaseStudy {
            let _ = writeln!(
                y,
                "sources:\n  - title: {}\n    url: https://www.example.org/{id}/source",
                quote(&capitalise(&self.phrase(rng, 3, 8)))
            );
            if rng.chance(30) {
                y.push_str("illustrative: true\n");
            }
            if rng.chance(70) {
                let routes: Vec<&str> = RESPONSES.iter().map(|r| r.id).collect();
                let picked = rng.pick_distinct(&routes, 1, 2);
                let _ = writeln!(y, "response: [{}]", join(&picked));
            }
        }
        // Most reviewed in the past year; about one in fifty overdue.
        let days_ago = if rng.chance(2) {
            rng.between(370, 700)
        } else {
            rng.between(0, 330)
        };
        let reviewed = self.today - Days::new(days_ago as u64);
        let _ = writeln!(y, "reviewed: {reviewed}");
        y.push_str("---\n");

        let words = rng.between(100, 300);
        if kind == Kind::CaseStudy {
            let sections = ["Situation", "Response", "Outcome", "Learning"];
            let shares = [3, 4, 2, 2];
            for (section, share) in sections.into_iter().zip(shares) {
                let _ = writeln!(y, "## {section}");
                y.push_str(&self.paragraphs(rng, words * share / 11, &topic_labels));
            }
        } else {
            let first = words * 2 / 3;
            y.push_str(&self.paragraphs(rng, first, &topic_labels));
            let _ = writeln!(y, "### {}", capitalise(&self.phrase(rng, 2, 4)));
            if rng.chance(50) {
                for _ in 0..rng.between(2, 4) {
                    let _ = writeln!(y, "- {}", self.sentence(rng, 5, 10));
                }
                y.push('\n');
            }
            y.push_str(&self.paragraphs(rng, words - first, &topic_labels));
        }
        while y.ends_with("\n\n") {
            y.pop();
        }
        if kind == Kind::Organisation {
            self.organisations.push(id.clone());
        }
        (id, y)
    }

    fn phrase(&self, rng: &mut Rng, lo: usize, hi: usize) -> String {
        (0..rng.between(lo, hi))
            .map(|_| self.content_word(rng))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// One or two sentences, cut at a word to fit the summary limit.
    fn summary(&self, rng: &mut Rng, kind: Kind, topics: &[&str]) -> String {
        let lead = match kind {
            Kind::Organisation => "Support for",
            Kind::Training => "Training for staff on",
            Kind::Resource => "Teaching resources on",
            Kind::Guidance => "Guidance on",
            Kind::CaseStudy => "How a school handled",
        };
        let mut s = format!("{lead} {}. ", topics[0].to_lowercase());
        s.push_str(&self.sentence(rng, 10, 22));
        if rng.chance(50) {
            s.push(' ');
            s.push_str(&self.sentence(rng, 6, 14));
        }
        let limit = MAX_SUMMARY_CHARS - 1;
        if s.chars().count() > limit {
            let mut cut: String = s.chars().take(limit).collect();
            if let Some(space) = cut.rfind(' ') {
                cut.truncate(space);
            }
            cut = cut.trim_end_matches([',', ' ']).to_string();
            cut.push('.');
            s = cut;
        }
        s
    }

    /// Where an entry is available: organisations and case studies are
    /// mostly local, the rest mostly national.
    fn areas(&self, rng: &mut Rng, kind: Kind) -> Vec<&'a str> {
        let local = matches!(kind, Kind::Organisation | Kind::CaseStudy);
        let depth_weights: &[usize] = if local {
            &[0, 1, 2, 2, 3, 3, 3, 3]
        } else {
            &[0, 0, 0, 0, 0, 1, 2, 3]
        };
        let max_depth = self.areas_by_depth.len() - 1;
        let depth = (*rng.pick(depth_weights)).min(max_depth);
        let level = &self.areas_by_depth[depth];
        let n = if depth == max_depth && rng.chance(25) {
            2
        } else {
            1
        };
        rng.pick_distinct(level, n, n)
    }

    /// Sectors that fit the ages, sometimes with special or alternative
    /// provision; about one entry in ten leaves them out.
    fn sectors(&self, rng: &mut Rng, ages: &str) -> Vec<&'static str> {
        if rng.chance(10) {
            return Vec::new();
        }
        let (min, end) = match ages.split_once('-') {
            Some((a, b)) => (a.parse().unwrap_or(0), b.parse().unwrap_or(19)),
            None => (ages.trim_end_matches('+').parse().unwrap_or(16), 99u8),
        };
        let mut out = Vec::new();
        for (id, lo, hi) in [
            ("early-years", 0, 5),
            ("primary", 4, 11),
            ("secondary", 11, 16),
            ("post-16", 16, 99),
        ] {
            if min < hi && lo < end {
                out.push(id);
            }
        }
        if rng.chance(20) {
            out.push("special");
        }
        if min >= 7 && rng.chance(10) {
            out.push("alternative-provision");
        }
        out.retain(|s| self.source.taxonomy.sectors.get(s).is_some());
        out
    }
}

fn kind_index(kind: Kind) -> usize {
    Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
}

fn ids(vocabulary: &Vocabulary) -> Vec<&str> {
    vocabulary.terms().iter().map(|t| t.id.as_str()).collect()
}

fn join(items: &[impl AsRef<str>]) -> String {
    items
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join(", ")
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A YAML double-quoted scalar.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_counts_add_up_and_cover_every_kind() {
        for n in [0, 1, 5, 7, 200, 10_000, 10_001] {
            let counts = kind_counts(n);
            assert_eq!(counts.iter().sum::<usize>(), n, "{n}");
            if n >= 5 {
                assert!(counts.iter().all(|&c| c > 0), "{n}: {counts:?}");
            }
        }
        assert_eq!(kind_counts(10_000), [1500, 1500, 3500, 1500, 2000]);
    }

    #[test]
    fn rng_is_deterministic_and_in_range() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..1000 {
            let x = a.below(13);
            assert_eq!(x, b.below(13));
            assert!(x < 13);
        }
        assert_ne!(Rng::new(1).next_u64(), Rng::new(2).next_u64());
    }

    #[test]
    fn quotes_yaml() {
        assert_eq!(quote(r#"a "b" \ c: d"#), r#""a \"b\" \\ c: d""#);
    }
}
