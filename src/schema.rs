//! Authoring help: the front matter as a JSON Schema for editors
//! (`signpost schema`) and a ready-to-edit entry file (`signpost new`).
//!
//! Both are generated from the loaded taxonomy, so the ids offered are the
//! ones `signpost check` accepts. The checker stays the authority: the
//! schema's patterns approximate its rules for editors.

use serde_json::{Map, Value, json};

use crate::content::site::{
    DEFAULT_EXIT_URL, DEFAULT_NAME, DEFAULT_TAGLINE, MAX_NAME_CHARS, MAX_TAGLINE_CHARS,
};
use crate::content::{
    CASE_STUDY_SECTIONS, CONTACT_FIELDS, FIELDS, Kind, MAX_SUMMARY_CHARS, REQUIRED,
};
use crate::taxonomy::{COSTS, RESPONSES, Taxonomy, VocabularyName};

/// `"5-11"` or `"16+"`, as the age parser reads them.
pub const AGES_PATTERN: &str = r"^\s*\d{1,2}\s*(-\s*\d{1,2}|\+)\s*$";
/// An ISO date, as `reviewed`, `review_due` and `quality_assured.date` need.
pub const DATE_PATTERN: &str = r"^\d{4}-\d{2}-\d{2}$";
/// An entry id, as file names and `provider` need.
pub const ID_PATTERN: &str = r"^[a-z0-9]+(-[a-z0-9]+)*$";
/// An http(s) address with a dotted host name.
pub const URL_PATTERN: &str =
    r"^https?://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(:\d+)?([/?#]\S*)?$";
/// The UK numbers `check` accepts: 0 and 9-10 digits, a short freephone
/// such as 0800 1111, +44 …, or a short national number.
pub const PHONE_PATTERN: &str = r"^(0( ?\d){9,10}|0 ?8 ?0 ?[08]( ?\d){4}|\+44 ?(\(0\) ?)?[1-9]( ?\d){8,9}|999|112|111|101|105|116 ?\d{3})$";

fn field_description(field: &str) -> &'static str {
    match field {
        "title" => "The name people know it by, as its source writes it.",
        "summary" => "Plain text, at most 280 characters: what it is and who it is for.",
        "topics" => "One or more topic ids from taxonomy.yaml.",
        "ages" => {
            "Ages at the start of the school year, half-open: \"5-11\" is ages 5 to 10, \"16+\" has no upper end. Key stages and years are derived from it."
        }
        "sectors" => "Sector ids; leave out if it suits every sector.",
        "abilities" => "Ability ids; leave out if it is for everyone.",
        "audiences" => "Who it is for: audience ids.",
        "areas" => "Where it is available: area ids (national, a region, the county, a district).",
        "provider" => "The id of the organisations/ entry that runs or publishes it.",
        "url" => "The public web address, starting https://.",
        "contact" => "How to get in touch or get access; leave out the parts you do not have.",
        "cost" => "Who pays: free, free-to-schools or paid.",
        "formats" => "Format ids: what form it takes.",
        "quality_assured" => "Who checked its quality (by), and when (date).",
        "reviewed" => "The ISO date you last checked the entry against its source.",
        "review_due" => {
            "The ISO date to check it again; defaults to a year after `reviewed`. Past it, `check` warns."
        }
        "sources" => {
            "The public documents its facts come from, each with its title and https:// address. Required on a case study, which says only what its sources say."
        }
        "illustrative" => {
            "Case studies only: true for a scenario written from guidance rather than a published account of a real case. It is labelled \"Illustrative example\" wherever it is shown."
        }
        "response" => {
            "Case studies only: what the school did, the routes of Keeping children safe in education Part five (managed-internally, early-help, childrens-social-care, police)."
        }
        _ => "",
    }
}

fn contact_description(field: &str) -> &'static str {
    match field {
        "phone" => {
            "One UK number: 0 and 9 or 10 more digits, +44 …, or a short number such as 116 123."
        }
        "email" => "One email address.",
        "address" => "A postal address, if people visit or write.",
        "hours" => "When it is open, e.g. Monday to Friday, 9am to 5pm.",
        "referral" => "How to refer a child or get access.",
        _ => "",
    }
}

fn vocabulary_name(field: &str) -> Option<VocabularyName> {
    VocabularyName::ALL
        .into_iter()
        .find(|v| v.as_str() == field)
}

fn ids(taxonomy: &Taxonomy, name: VocabularyName) -> Vec<Value> {
    taxonomy
        .vocabulary(name)
        .terms()
        .iter()
        .map(|t| Value::String(t.id.clone()))
        .collect()
}

/// A JSON Schema (draft 2020-12) of an entry's front matter. `providers`
/// are the organisation ids, offered as the values of `provider`.
pub fn front_matter_schema(taxonomy: &Taxonomy, providers: &[String]) -> Value {
    let mut properties = Map::new();
    for field in FIELDS {
        let mut schema = match field {
            "title" => json!({"type": "string", "minLength": 1, "pattern": r"\S"}),
            "summary" => json!({
                "type": "string", "minLength": 1, "maxLength": MAX_SUMMARY_CHARS, "pattern": r"\S"
            }),
            "ages" => {
                json!({"type": "string", "pattern": AGES_PATTERN, "examples": ["5-11", "11-16", "16+"]})
            }
            "provider" if providers.is_empty() => json!({"type": "string", "pattern": ID_PATTERN}),
            "provider" => json!({"type": "string", "enum": providers}),
            "url" => json!({"type": "string", "format": "uri", "pattern": URL_PATTERN}),
            "contact" => {
                let mut contact = Map::new();
                for key in CONTACT_FIELDS {
                    let mut schema = match key {
                        "phone" => json!({"type": "string", "pattern": PHONE_PATTERN}),
                        "email" => {
                            json!({"type": "string", "format": "email", "pattern": r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"})
                        }
                        _ => json!({"type": "string", "minLength": 1}),
                    };
                    schema["description"] = contact_description(key).into();
                    contact.insert(key.to_string(), schema);
                }
                json!({"type": "object", "properties": contact, "additionalProperties": false})
            }
            "cost" => json!({"type": "string", "enum": COSTS.map(|(id, _)| id)}),
            "quality_assured" => json!({
                "type": "object",
                "properties": {
                    "by": {"type": "string", "minLength": 1, "description": "Who assured it, e.g. PSHE Association."},
                    "date": {"type": "string", "format": "date", "pattern": DATE_PATTERN, "description": "When, as an ISO date."}
                },
                "required": ["by"],
                "additionalProperties": false
            }),
            "reviewed" | "review_due" => {
                json!({"type": "string", "format": "date", "pattern": DATE_PATTERN})
            }
            "sources" => json!({
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "properties": {
                        "title": {"type": "string", "minLength": 1, "pattern": r"\S", "description": "The document's title, as its publisher writes it."},
                        "url": {"type": "string", "format": "uri", "pattern": https_pattern(), "description": "Its https:// address."}
                    },
                    "required": ["title", "url"],
                    "additionalProperties": false
                }
            }),
            "illustrative" => json!({"type": "boolean"}),
            "response" => json!({
                "type": "array",
                "uniqueItems": true,
                "minItems": 1,
                "items": {"type": "string", "enum": RESPONSES.map(|t| t.id)}
            }),
            list => {
                let name = vocabulary_name(list).expect("every other field is a vocabulary");
                let mut schema = json!({
                    "type": "array",
                    "uniqueItems": true,
                    "items": {"type": "string", "enum": ids(taxonomy, name)}
                });
                if REQUIRED.contains(&list) {
                    schema["minItems"] = 1.into();
                }
                schema
            }
        };
        schema["description"] = field_description(field).into();
        properties.insert(field.to_string(), schema);
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Signpost entry front matter",
        "description": "The YAML between the --- lines at the top of content/<folder>/<id>.md. `signpost check` is the authority; this schema is for editors.",
        "type": "object",
        "properties": properties,
        "required": REQUIRED,
        "additionalProperties": false
    })
}

/// [`URL_PATTERN`] for `https://` only, as a source's address must be.
fn https_pattern() -> String {
    URL_PATTERN.replacen("^https?://", "^https://", 1)
}

/// Wraps ids into comment lines of at most ~90 characters.
fn id_list(prefix: &str, ids: impl Iterator<Item = String>) -> String {
    let mut out = String::new();
    let mut line = format!("# {prefix}");
    for id in ids {
        if line.len() + id.len() + 2 > 90 {
            out.push_str(line.trim_end());
            out.push('\n');
            line = "#   ".to_string();
        }
        line.push_str(&id);
        line.push_str(", ");
    }
    out.push_str(line.trim_end().trim_end_matches(','));
    out.push('\n');
    out
}

fn first_id(taxonomy: &Taxonomy, name: VocabularyName) -> String {
    taxonomy
        .vocabulary(name)
        .terms()
        .first()
        .map_or_else(String::new, |t| t.id.clone())
}

/// A new entry file: every field present with a comment explaining it.
/// Required fields are left empty, so `signpost check` points at each one
/// still to fill; optional ones are commented out with example values that
/// pass the check once uncommented.
pub fn entry_template(
    kind: Kind,
    taxonomy: &Taxonomy,
    providers: &[String],
    today: chrono::NaiveDate,
) -> String {
    let mut t = String::from("---\n");
    let vocab = |name: VocabularyName| {
        id_list(
            &format!("{}: ", capitalised(name.as_str())),
            taxonomy
                .vocabulary(name)
                .terms()
                .iter()
                .map(|term| term.id.clone()),
        )
    };
    t.push_str("# Required. The name people know it by, as its source writes it.\n");
    t.push_str("title: \"\"\n");
    t.push_str(&format!(
        "# Required. Plain text, at most {MAX_SUMMARY_CHARS} characters: what it is and who it is for.\n"
    ));
    t.push_str("summary: \"\"\n");
    t.push_str("# Required. One or more topic ids, e.g. [consent, sharing-nudes].\n");
    t.push_str(&vocab(VocabularyName::Topics));
    t.push_str("topics: []\n");
    t.push_str(
        "# Required. Ages at the start of the school year, half-open: \"5-11\" is ages 5 to 10\n",
    );
    t.push_str(
        "# (key stages 1 and 2), \"11-16\" is key stages 3 and 4, \"16+\" has no upper end.\n",
    );
    t.push_str("ages: \"\"\n");
    for (name, what) in [
        (
            VocabularyName::Sectors,
            "Leave out if it suits every sector.",
        ),
        (
            VocabularyName::Abilities,
            "Leave out if it is for everyone.",
        ),
        (VocabularyName::Audiences, "Who it is for."),
    ] {
        t.push_str(&format!("# Optional. {what}\n"));
        t.push_str(&vocab(name));
        t.push_str(&format!(
            "# {}: [{}]\n",
            name.as_str(),
            first_id(taxonomy, name)
        ));
    }
    t.push_str(
        "# Required. Where it is available: national, a region, the county or a district.\n",
    );
    t.push_str(&vocab(VocabularyName::Areas));
    t.push_str("areas: []\n");
    t.push_str("# Optional. The id of the organisations/ entry that runs or publishes it.\n");
    if !providers.is_empty() {
        t.push_str(&id_list("Organisations: ", providers.iter().cloned()));
    }
    t.push_str(&format!(
        "# provider: {}\n",
        providers
            .first()
            .map_or("an-organisation-id", String::as_str)
    ));
    t.push_str("# Optional. The public web address, starting https://.\n");
    t.push_str("# url: https://www.example.org.uk/\n");
    t.push_str(
        "# Optional. How to get in touch or get access; leave out the parts you do not have.\n",
    );
    t.push_str("# Phone: one UK number (0 and 9 or 10 digits, +44 …, or a short number such as 116 123).\n");
    t.push_str("# contact:\n");
    t.push_str("#   phone: 01632 960000\n");
    t.push_str("#   email: help@example.org.uk\n");
    t.push_str("#   address: 1 Example Street, Exampletown AB1 2CD\n");
    t.push_str("#   hours: Monday to Friday, 9am to 5pm\n");
    t.push_str("#   referral: How a school refers a child, or how people get access.\n");
    t.push_str("# Optional. Who pays: free, free-to-schools or paid.\n");
    t.push_str("# cost: free\n");
    t.push_str("# Optional. What form it takes.\n");
    t.push_str(&vocab(VocabularyName::Formats));
    t.push_str(&format!(
        "# formats: [{}]\n",
        first_id(taxonomy, VocabularyName::Formats)
    ));
    if kind == Kind::CaseStudy {
        t.push_str(
            "# Required for a case study, which says only what its sources say: the public\n",
        );
        t.push_str("# documents its facts come from, each with its title and https:// address.\n");
        t.push_str("sources:\n  - title: \"\"\n    url: \"\"\n");
        t.push_str(
            "# Optional. true when this is a scenario written from guidance, not a published\n",
        );
        t.push_str("# account of a real case: it is then labelled \"Illustrative example\" wherever it is shown.\n");
        t.push_str("# illustrative: true\n");
        t.push_str(
            "# Optional. What the school did, as its sources say: one or more of the routes of\n",
        );
        t.push_str("# Keeping children safe in education, Part five:\n");
        for route in RESPONSES {
            t.push_str(&format!("#   {} ({})\n", route.id, route.label));
        }
        t.push_str(&format!("# response: [{}]\n", RESPONSES[0].id));
    } else {
        t.push_str(
            "# Optional. The public documents its facts come from, each with its title and\n",
        );
        t.push_str("# its address (https:// only).\n");
        t.push_str("# sources:\n");
        t.push_str("#   - title: Keeping children safe in education\n");
        t.push_str("#     url: https://www.gov.uk/government/publications/keeping-children-safe-in-education--2\n");
    }
    t.push_str("# Optional. Who checked its quality, and when.\n");
    t.push_str("# quality_assured:\n");
    t.push_str("#   by: PSHE Association\n");
    t.push_str(&format!("#   date: {today}\n"));
    t.push_str("# Required. The date you last checked the entry against its source.\n");
    t.push_str(&format!("reviewed: {today}\n"));
    t.push_str("# Optional. When to check it again; defaults to a year after `reviewed`.\n");
    t.push_str(&format!(
        "# review_due: {}\n",
        today + chrono::Months::new(12)
    ));
    t.push_str("---\n");
    if kind == Kind::CaseStudy {
        let prompts = [
            "What happened, and the context: the phase, the setting, who was involved (by role only).",
            "What the school did, step by step, and who it worked with.",
            "What changed as a result, for the children and for the school.",
            "What others can take from it, and what the school would do differently.",
        ];
        t.push_str(
            "<!-- Case studies are anonymised: no names of children, staff or schools, no contact details. -->\n",
        );
        for (section, prompt) in CASE_STUDY_SECTIONS.iter().zip(prompts) {
            t.push_str(&format!("\n## {section}\n<!-- {prompt} -->\n"));
        }
    } else {
        t.push_str(
            "<!-- The body: what it offers, how schools use it, anything to watch out for. Markdown. -->\n",
        );
    }
    t
}

/// A JSON Schema (draft 2020-12) of `content/site.yaml`. As for entries,
/// `signpost check` is the authority; this is for editors.
pub fn site_schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Signpost site settings",
        "description": "content/site.yaml: what differs between one authority's Signpost and another's. Every setting is optional.",
        "type": "object",
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": MAX_NAME_CHARS, "default": DEFAULT_NAME,
                     "description": "The site's name: header, page titles, feed."},
            "tagline": {"type": "string", "minLength": 1, "maxLength": MAX_TAGLINE_CHARS, "default": DEFAULT_TAGLINE,
                        "description": "A few words under the name."},
            "authority": {"type": "string", "minLength": 1, "maxLength": MAX_TAGLINE_CHARS,
                          "description": "Who runs it: the footer and the feed's author."},
            "base_url": {"type": "string", "format": "uri", "pattern": URL_PATTERN,
                         "description": "The absolute address people reach it at. Feed and canonical links are built from it, and its path (e.g. /signpost/) prefixes every link and route."},
            "emergency": {
                "type": "array",
                "description": "Local numbers shown after \"If a child is in immediate danger, call 999.\" on pages about abuse and support, and in every footer.",
                "items": {
                    "type": "object",
                    "properties": {
                        "label": {"type": "string", "minLength": 1, "description": "The service's name."},
                        "phone": {"type": "string", "pattern": PHONE_PATTERN, "description": contact_description("phone")},
                        "hours": {"type": "string", "minLength": 1, "description": "When it answers; leave out unless confirmed."}
                    },
                    "required": ["label", "phone"],
                    "additionalProperties": false
                }
            },
            "exit_url": {"type": "string", "format": "uri", "pattern": URL_PATTERN, "default": DEFAULT_EXIT_URL,
                         "description": "Where \"Exit this page\" goes: a neutral page."},
            "edit_url": {"type": "string", "pattern": r"\{path\}",
                         "description": "\"Suggest a change\" on each entry; {path} is the entry's file relative to content/, e.g. organisations/childline.md."},
            "feedback_email": {"type": "string", "format": "email", "pattern": r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$",
                               "description": "Where people can email about the site and its entries."}
        },
        "additionalProperties": false
    })
}

/// `signpost new site`: every setting, explained; the ones with defaults
/// written out, the others commented with examples that pass the check.
pub fn site_template() -> String {
    format!(
        "# Site settings: what differs between one authority's Signpost and another's.\n\
         # Every setting is optional; `signpost check` checks this file like an entry.\n\
         \n\
         # The site's name, shown in the header, page titles and the feed (at most {MAX_NAME_CHARS} characters).\n\
         name: {DEFAULT_NAME}\n\
         # A few words under the name (at most {MAX_TAGLINE_CHARS} characters).\n\
         tagline: {DEFAULT_TAGLINE}\n\
         \n\
         # Who runs it: shown in the footer, and the feed's author.\n\
         # authority: Example County Council\n\
         \n\
         # The absolute address people reach the site at. Feed and canonical links are\n\
         # built from it; its path (here /signpost/) prefixes every link and route, for\n\
         # serving behind a reverse proxy under a path. Changing the path needs a restart.\n\
         # base_url: https://www.example.gov.uk/signpost/\n\
         \n\
         # Local numbers shown after \"If a child is in immediate danger, call 999.\" on pages\n\
         # about abuse and support services, and in every footer. Give hours only when\n\
         # you have confirmed them with the service.\n\
         # emergency:\n\
         #   - label: Children's social care front door\n\
         #     phone: 01632 960000\n\
         #     hours: Monday to Friday, 9am to 5pm\n\
         #   - label: Emergency duty team (out of hours)\n\
         #     phone: 01632 960001\n\
         \n\
         # Where \"Exit this page\" goes: a neutral page that gives nothing away.\n\
         exit_url: {DEFAULT_EXIT_URL}\n\
         \n\
         # \"Suggest a change to this entry\" on each entry page. {{path}} becomes the entry's\n\
         # file relative to content/, such as organisations/childline.md.\n\
         # edit_url: https://github.com/ORG/REPO/edit/main/content/{{path}}\n\
         \n\
         # Where people can email about the site and its entries.\n\
         # feedback_email: signpost@example.gov.uk\n"
    )
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_agree_with_the_checker() {
        let phone = regex::Regex::new(PHONE_PATTERN).unwrap();
        for sample in [
            "0808 800 5000",
            "0800 1111",
            "08 08 16 89 111",
            "116 123",
            "101",
            "+44 20 7946 0000",
            "+44 (0)20 7946 0000",
            "0808 800 50",
            "123",
            "0808-800-5000",
            "+44 020 7946 0000",
        ] {
            assert_eq!(
                phone.is_match(sample),
                crate::content::is_uk_phone(sample),
                "{sample}"
            );
        }
        let url = regex::Regex::new(URL_PATTERN).unwrap();
        for sample in [
            "https://www.childline.org.uk/",
            "http://example.org.uk/a?b=c#d",
            "www.childline.org.uk",
            "https://example",
            "https://exa mple.org",
        ] {
            assert_eq!(
                url.is_match(sample),
                crate::content::check_url(sample).is_ok(),
                "{sample}"
            );
        }
    }
}
