//! `signpost export`: the checked bank as JSON, as CSV for a spreadsheet, or
//! its organisations as Open Referral HSDS 3.0 JSON.

use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::content::{Entry, Kind, Library};
use crate::taxonomy::{COSTS, Term, VocabularyName};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// Every entry with every field, as a JSON array.
    Json,
    /// One row per entry, UTF-8 with a byte order mark; lists joined with
    /// "; ", sources one per line as `title <url>`.
    Csv,
    /// The organisations and their services as Open Referral HSDS 3.0 JSON.
    Openreferral,
}

/// The export as bytes, ready to write to a file or standard output.
pub fn export(library: &Library, format: ExportFormat) -> anyhow::Result<Vec<u8>> {
    Ok(match format {
        ExportFormat::Json => {
            /// An entry with its body, as the API's entry shows it.
            #[derive(serde::Serialize)]
            struct WithBody<'a> {
                #[serde(flatten)]
                entry: &'a crate::content::Entry,
                body_html: crate::content::SafeHtml,
            }
            let entries = (library.entries().iter().enumerate())
                .map(|(ord, entry)| {
                    Ok(WithBody {
                        entry,
                        body_html: library.body_html(ord)?,
                    })
                })
                .collect::<std::io::Result<Vec<_>>>()?;
            let mut out = serde_json::to_vec_pretty(&entries)?;
            out.push(b'\n');
            out
        }
        ExportFormat::Csv => csv(library)?,
        ExportFormat::Openreferral => {
            let mut out = serde_json::to_vec_pretty(&open_referral(library))?;
            out.push(b'\n');
            out
        }
    })
}

pub const CSV_COLUMNS: [&str; 28] = [
    "id",
    "kind",
    "title",
    "summary",
    "topics",
    "ages",
    "key_stages",
    "sectors",
    "abilities",
    "audiences",
    "areas",
    "provider",
    "url",
    "phone",
    "email",
    "address",
    "hours",
    "referral",
    "cost",
    "formats",
    "quality_assured_by",
    "quality_assured_date",
    "reviewed",
    "review_due",
    "sources",
    "illustrative",
    "response",
    "body",
];

/// Spreadsheets run a cell that starts with one of these as a formula.
/// A phone number written `+44 …` is left alone; anything else gets a
/// leading apostrophe, as OWASP advises for CSV exports.
fn cell(text: &str) -> String {
    let risky = match text.chars().next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => !crate::content::is_uk_phone(text),
        _ => false,
    };
    if risky {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

fn csv(library: &Library) -> anyhow::Result<Vec<u8>> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        writer.write_record(CSV_COLUMNS)?;
        for (ord, e) in library.entries().iter().enumerate() {
            let contact = e.contact.clone().unwrap_or_default();
            let opt = |v: &Option<String>| v.clone().unwrap_or_default();
            let row = [
                e.id.to_string(),
                e.kind.id().to_string(),
                e.title.clone(),
                e.summary.clone(),
                e.topics.join("; "),
                e.ages.to_string(),
                e.ages
                    .key_stages()
                    .map(|k| k.id)
                    .collect::<Vec<_>>()
                    .join("; "),
                e.sectors.join("; "),
                e.abilities.join("; "),
                e.audiences.join("; "),
                e.areas.join("; "),
                e.provider
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                opt(&e.url),
                opt(&contact.phone),
                opt(&contact.email),
                opt(&contact.address),
                opt(&contact.hours),
                opt(&contact.referral),
                opt(&e.cost),
                e.formats.join("; "),
                e.quality_assured
                    .as_ref()
                    .map(|q| q.by.clone())
                    .unwrap_or_default(),
                e.quality_assured
                    .as_ref()
                    .and_then(|q| q.date)
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                e.reviewed.to_string(),
                e.review_due.to_string(),
                // Titles hold semicolons ("…; committee papers"): one a line.
                e.sources
                    .iter()
                    .map(|s| format!("{} <{}>", s.title, s.url))
                    .collect::<Vec<_>>()
                    .join("\n"),
                if e.illustrative { "true" } else { "" }.to_string(),
                e.response.join("; "),
                library.body_text(ord)?.trim().to_string(),
            ];
            writer.write_record(row.iter().map(|c| cell(c)))?;
        }
        writer.flush()?;
    }
    Ok(out)
}

/// Stable ids: the same entry always gets the same UUID (version 5).
pub(crate) fn uuid(path: &str) -> String {
    uuid_of(path).to_string()
}

/// [`uuid`], unformatted.
pub(crate) fn uuid_of(path: &str) -> Uuid {
    const NAMESPACE: Uuid = Uuid::from_u128(0x6f1c_2a57_3d0e_4b8a_9c41_5e2d_7a90_b3c6);
    Uuid::new_v5(&NAMESPACE, path.as_bytes())
}

fn insert_some(map: &mut Map<String, Value>, key: &str, value: Option<&str>) {
    if let Some(v) = value.filter(|v| !v.is_empty()) {
        map.insert(key.to_string(), v.into());
    }
}

/// HSDS phones for an entry's contact, owned by `owner` (`organization_id`
/// or `service_id`).
fn phones(e: &Entry, owner: (&str, &str)) -> Vec<Value> {
    let Some(contact) = &e.contact else {
        return Vec::new();
    };
    let Some(number) = &contact.phone else {
        return Vec::new();
    };
    let mut phone = Map::new();
    phone.insert(
        "id".into(),
        uuid(&format!("{}/{}/phone", e.id, owner.0)).into(),
    );
    phone.insert(owner.0.into(), owner.1.into());
    phone.insert("number".into(), number.clone().into());
    phone.insert("type".into(), "voice".into());
    insert_some(&mut phone, "description", contact.hours.as_deref());
    vec![Value::Object(phone)]
}

fn contacts(e: &Entry, owner: (&str, &str)) -> Vec<Value> {
    let Some(contact) = &e.contact else {
        return Vec::new();
    };
    if contact.email.is_none() && contact.phone.is_none() {
        return Vec::new();
    }
    let id = uuid(&format!("{}/{}/contact", e.id, owner.0));
    let mut map = Map::new();
    map.insert("id".into(), id.clone().into());
    map.insert(owner.0.into(), owner.1.into());
    map.insert("name".into(), e.title.clone().into());
    insert_some(&mut map, "email", contact.email.as_deref());
    let phones: Vec<Value> = phones(e, ("contact_id", &id));
    if !phones.is_empty() {
        map.insert("phones".into(), phones.into());
    }
    vec![Value::Object(map)]
}

/// One HSDS service for an entry: an organisation's own offer, or a course
/// or resource it provides.
pub(crate) fn service(library: &Library, e: &Entry, organization_id: &str) -> Value {
    let id = uuid(&format!("{}/service", e.id));
    let mut s = Map::new();
    s.insert("id".into(), id.clone().into());
    s.insert("organization_id".into(), organization_id.into());
    s.insert("name".into(), e.title.clone().into());
    s.insert("description".into(), e.summary.clone().into());
    insert_some(&mut s, "url", e.url.as_deref());
    if let Some(contact) = &e.contact {
        insert_some(&mut s, "email", contact.email.as_deref());
        insert_some(&mut s, "application_process", contact.referral.as_deref());
    }
    s.insert("status".into(), "active".into());
    if let Some(cost) = &e.cost {
        let label = COSTS
            .iter()
            .find(|(id, _)| id == cost)
            .map_or(cost.as_str(), |(_, l)| l);
        s.insert("fees_description".into(), label.into());
    }
    s.insert("minimum_age".into(), e.ages.min.into());
    if let Some(max) = e.ages.max {
        // HSDS ages are inclusive; ours are half-open.
        s.insert("maximum_age".into(), (max - 1).into());
    }
    s.insert("eligibility_description".into(), e.ages.describe().into());
    if let Some(q) = &e.quality_assured {
        if let Some(date) = q.date {
            s.insert("assured_date".into(), date.to_string().into());
        }
        s.insert(
            "accreditations".into(),
            format!("Quality assured by {}", q.by).into(),
        );
    }
    s.insert(
        "last_modified".into(),
        format!("{}T00:00:00Z", e.reviewed).into(),
    );
    let phones = phones(e, ("service_id", &id));
    if !phones.is_empty() {
        s.insert("phones".into(), phones.into());
    }
    let areas = &library.taxonomy.areas;
    let service_areas: Vec<Value> = e
        .areas
        .iter()
        .map(|area| {
            let mut a = Map::new();
            a.insert("id".into(), uuid(&format!("{}/area/{area}", e.id)).into());
            a.insert("service_id".into(), id.clone().into());
            a.insert("name".into(), areas.label(area).into());
            insert_some(
                &mut a,
                "description",
                areas.get(area).and_then(|t| t.description.as_deref()),
            );
            Value::Object(a)
        })
        .collect();
    s.insert("service_areas".into(), service_areas.into());
    let contacts = contacts(e, ("service_id", &id));
    if !contacts.is_empty() {
        s.insert("contacts".into(), contacts.into());
    }
    let attributes: Vec<Value> = VocabularyName::ALL
        .into_iter()
        .flat_map(|name| {
            let vocabulary = library.taxonomy.vocabulary(name);
            tags(e, name)
                .iter()
                .filter_map(move |tag| vocabulary.get(tag))
                .map(move |term| (name, term))
        })
        .map(|(name, term)| {
            json!({
                "id": uuid(&format!("{}/{}/{}", e.id, singular(name), term.id)),
                "link_id": id,
                "link_type": singular(name),
                "link_entity": "service",
                "taxonomy_term_id": term_id(name, &term.id),
                "taxonomy_term": taxonomy_term(name, term),
            })
        })
        .collect();
    if !attributes.is_empty() {
        s.insert("attributes".into(), attributes.into());
    }
    if let Some(url) = &e.url {
        s.insert(
            "service_at_locations".into(),
            json!([service_at_location(e, &id, url)]),
        );
    }
    Value::Object(s)
}

/// Services reached on the web: a link to a virtual location, the HSDS
/// way of saying "online, not at an address".
pub(crate) fn service_at_location(e: &Entry, service_id: &str, url: &str) -> Value {
    let location_id = uuid(&format!("{}/location/online", e.id));
    json!({
        "id": uuid(&format!("{}/service_at_location/online", e.id)),
        "service_id": service_id,
        "location_id": location_id,
        "description": format!("{}: online", e.title),
        "location": {
            "id": location_id,
            "location_type": "virtual",
            "url": url,
            "name": format!("{} (online)", e.title),
        },
    })
}

/// The tags of one vocabulary on an entry.
pub(crate) fn tags(e: &Entry, name: VocabularyName) -> &[String] {
    match name {
        VocabularyName::Topics => &e.topics,
        VocabularyName::Sectors => &e.sectors,
        VocabularyName::Abilities => &e.abilities,
        VocabularyName::Audiences => &e.audiences,
        VocabularyName::Areas => &e.areas,
        VocabularyName::Formats => &e.formats,
    }
}

fn singular(name: VocabularyName) -> &'static str {
    match name {
        VocabularyName::Topics => "topic",
        VocabularyName::Sectors => "sector",
        VocabularyName::Abilities => "ability",
        VocabularyName::Audiences => "audience",
        VocabularyName::Areas => "area",
        VocabularyName::Formats => "format",
    }
}

/// The HSDS taxonomy for one vocabulary.
pub(crate) fn taxonomy_id(name: VocabularyName) -> String {
    uuid(&format!("taxonomy/{}", name.as_str()))
}

pub(crate) fn taxonomy_name(name: VocabularyName) -> String {
    format!("Signpost {}", name.as_str())
}

pub(crate) fn taxonomy(name: VocabularyName) -> Value {
    json!({
        "id": taxonomy_id(name),
        "name": taxonomy_name(name),
        "description": format!("The {} of Signpost's taxonomy.yaml.", name.as_str()),
    })
}

pub(crate) fn term_id(name: VocabularyName, term: &str) -> String {
    uuid(&format!("taxonomy/{}/{term}", name.as_str()))
}

/// One term as an HSDS taxonomy_term, pointing at its parent and taxonomy.
pub(crate) fn taxonomy_term(name: VocabularyName, term: &Term) -> Value {
    let mut t = Map::new();
    t.insert("id".into(), term_id(name, &term.id).into());
    t.insert("code".into(), term.id.clone().into());
    t.insert("name".into(), term.label.clone().into());
    t.insert(
        "description".into(),
        term.description
            .clone()
            .unwrap_or_else(|| term.label.clone())
            .into(),
    );
    if let Some(parent) = &term.parent_id {
        t.insert("parent_id".into(), term_id(name, parent).into());
    }
    t.insert("taxonomy".into(), taxonomy_name(name).into());
    t.insert("taxonomy_id".into(), taxonomy_id(name).into());
    Value::Object(t)
}

/// The organisations as an HSDS 3.0 array of organization objects, each
/// with its own offer as a service plus the training and resources it
/// provides. An organisation run by another (Childline by the NSPCC)
/// points at it with `parent_organization_id`.
pub fn open_referral(library: &Library) -> Value {
    let orgs: Vec<Value> = organisations(library)
        .map(|org| organization(library, org))
        .collect();
    json!(orgs)
}

/// The organisation entries, in id order.
pub(crate) fn organisations(library: &Library) -> impl Iterator<Item = &Entry> {
    library
        .entries()
        .iter()
        .filter(|e| e.kind == Kind::Organisation)
}

/// An organisation's services: its own offer, then the training and
/// resources it provides.
pub(crate) fn services_of<'a>(
    library: &'a Library,
    org: &'a Entry,
) -> impl Iterator<Item = &'a Entry> {
    let entries = library.entries();
    let provided = (library.ord(org.id.as_str())).map_or(&[][..], |ord| library.provided_by(ord));
    std::iter::once(org).chain(
        (provided.iter())
            .map(move |&ord| &entries[ord as usize])
            .filter(|e| matches!(e.kind, Kind::Training | Kind::Resource)),
    )
}

/// One organisation as a fully nested HSDS organization.
pub(crate) fn organization(library: &Library, org: &Entry) -> Value {
    let id = uuid(org.id.as_str());
    let mut o = Map::new();
    o.insert("id".into(), id.clone().into());
    o.insert("name".into(), org.title.clone().into());
    o.insert("description".into(), org.summary.clone().into());
    if let Some(contact) = &org.contact {
        insert_some(&mut o, "email", contact.email.as_deref());
    }
    insert_some(&mut o, "website", org.url.as_deref());
    if let Some(parent) = &org.provider {
        o.insert(
            "parent_organization_id".into(),
            uuid(parent.as_str()).into(),
        );
    }
    let phones = phones(org, ("organization_id", &id));
    if !phones.is_empty() {
        o.insert("phones".into(), phones.into());
    }
    let contacts = contacts(org, ("organization_id", &id));
    if !contacts.is_empty() {
        o.insert("contacts".into(), contacts.into());
    }
    let services: Vec<Value> = services_of(library, org)
        .map(|e| service(library, e, &id))
        .collect();
    o.insert("services".into(), services.into());
    Value::Object(o)
}
