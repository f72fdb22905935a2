//! What a typed question asks for, from its question words alone (never
//! from a topic): someone to turn to, or what to do.
//!
//! - **A service** ([`Intent::Service`]): "who" or "where" followed by a
//!   word for getting help or passing a concern on ("who can help", "where
//!   can I get advice", "who do I tell"), or "how" followed by one of the
//!   words for passing a concern on ("how do I refer", "how to report",
//!   "how can I contact"). Services with a route in (a phone line or a
//!   referral route) rank higher ([`super::rank`]).
//! - **A procedure** ([`Intent::Procedure`]): "what" followed by "do" or
//!   "done" as the main verb ("what do I do", "what to do", "what should be
//!   done"; not the "do" of "what do pupils think") or "how" followed by a
//!   word for handling something ("how should I respond", "how do we deal
//!   with", "how to handle"). Guidance ranks higher.
//!
//! Only unquoted words count, and the question word must come first: "a
//! child who disclosed" asks nothing, "who can help" does. Words count in
//! their inflected forms: "referring", "reported" and "contacted" like
//! "refer", "report" and "contact".

use super::tokens::{Token, tokenize};

/// What a question asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Intent {
    /// Someone to turn to: a helpline, a service that takes referrals.
    Service,
    /// What to do: guidance and procedures.
    Procedure,
}

/// Getting help, after "who" or "where".
const HELP_WORDS: [&str; 9] = [
    "help", "support", "advice", "advise", "talk", "speak", "tell", "go", "turn",
];

/// Passing a concern on or getting in touch, after "who", "where" or "how".
const ROUTE_WORDS: [&str; 6] = ["refer", "report", "contact", "call", "ring", "phone"];

/// Handling something oneself, after "how".
const HANDLING_WORDS: [&str; 6] = ["respond", "handle", "deal", "manage", "react", "act"];

/// Whether `word` is `base` or one of its inflections ("refers",
/// "referred", "referring", "referral"; "reports", "reported").
fn is_form_of(word: &str, base: &str) -> bool {
    let Some(rest) = word.strip_prefix(base) else {
        return false;
    };
    let last = base.chars().last();
    // A doubled final consonant: "referred", "referral".
    let rest = match (rest.chars().next(), last) {
        (Some(c), Some(l)) if c == l && !"aeiou".contains(c) => &rest[c.len_utf8()..],
        _ => rest,
    };
    matches!(
        rest,
        "" | "s" | "es" | "ed" | "d" | "ing" | "al" | "als" | "er" | "ers"
    )
}

fn any_form(word: &str, bases: &[&str]) -> bool {
    bases.iter().any(|base| is_form_of(word, base))
}

/// The intents of a query's question words, at most one of each.
pub(crate) fn intents(q: &str) -> Vec<Intent> {
    let tokens: Vec<Token> = tokenize(q).into_iter().filter(|t| !t.quoted).collect();
    let mut found = Vec::new();
    let mut add = |intent: Intent| {
        if !found.contains(&intent) {
            found.push(intent);
        }
    };
    for (i, token) in tokens.iter().enumerate() {
        let after = &tokens[i + 1..];
        let any = |bases: &[&str]| after.iter().any(|t| any_form(&t.text, bases));
        let intent = match token.text.as_str() {
            "who" | "where" if any(&HELP_WORDS) || any(&ROUTE_WORDS) => Some(Intent::Service),
            "how" if any(&ROUTE_WORDS) => Some(Intent::Service),
            "how" if any(&HANDLING_WORDS) => Some(Intent::Procedure),
            // "do" as the main verb: not straight after "what".
            "what"
                if after
                    .iter()
                    .enumerate()
                    .any(|(k, t)| (t.text == "do" && k > 0) || t.text == "done") =>
            {
                Some(Intent::Procedure)
            }
            _ => None,
        };
        if let Some(intent) = intent {
            add(intent);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_asking_for_someone_to_turn_to() {
        for q in [
            "how do I refer a child",
            "my son has been groomed online who can help",
            "where can I get help for a pupil",
            "who do I tell about a nude image",
            "how to report online abuse",
            "Where should we go for advice?",
            "who to contact after an assault",
            "how do I make a referral",
        ] {
            assert_eq!(intents(q), [Intent::Service], "{q}");
        }
    }

    #[test]
    fn questions_asking_what_to_do() {
        for q in [
            "what do I do after a disclosure",
            "what to do after an assault allegation secondary",
            "what should we do about sexting",
            "how should I respond to upskirting",
            "how do we deal with sexist banter",
            "how to handle a nude image",
            "what should be done",
        ] {
            assert_eq!(intents(q), [Intent::Procedure], "{q}");
        }
    }

    #[test]
    fn no_question_no_intent() {
        for q in [
            "report online grooming",
            "support for a pupil who has sexually harmed another child",
            "children who sexually harm youth justice",
            "a child who disclosed abuse",
            "child protection referral stoke",
            "what is upskirting",
            "how common is sexting",
            "where can I find consent lessons",
            "what do pupils think about consent",
            "what does kcsie say",
            "\"who can help\" poster",
            "helpline",
        ] {
            assert_eq!(intents(q), [], "{q}");
        }
    }

    #[test]
    fn both_intents_at_most_once_each() {
        assert_eq!(
            intents("what do I do and who can help, who can I call"),
            [Intent::Procedure, Intent::Service]
        );
    }

    #[test]
    fn inflections_of_a_word() {
        for word in [
            "refer",
            "refers",
            "referred",
            "referring",
            "referral",
            "referrals",
        ] {
            assert!(is_form_of(word, "refer"), "{word}");
        }
        for word in ["reports", "reported", "reporting", "reporter"] {
            assert!(is_form_of(word, "report"), "{word}");
        }
        for word in ["referee", "reference", "helpful", "telly", "good"] {
            assert!(!any_form(word, &["refer", "help", "tell", "go"]), "{word}");
        }
    }
}
