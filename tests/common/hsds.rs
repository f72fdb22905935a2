//! The Open Referral HSDS 3.0 schemas in `../shared/openreferral/`, made
//! strict as the standard's own example check makes them, for validating
//! exports and API answers with the `jsonschema` crate.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// Loads an HSDS schema file, with `additionalProperties: false` added to
/// every object as the upstream example check does.
pub fn hsds_schema(path: &Path) -> Value {
    fn strict(value: &mut Value) {
        match value {
            Value::Object(map) => {
                if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                    map.insert("additionalProperties".into(), false.into());
                }
                map.values_mut().for_each(strict);
            }
            Value::Array(items) => items.iter_mut().for_each(strict),
            _ => {}
        }
    }
    let mut schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    strict(&mut schema);
    schema
}

pub fn hsds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/openreferral")
}

/// Resolves the HSDS files' relative `$ref`s ("phone.json") from disk.
pub struct LocalHsds(pub PathBuf);

impl jsonschema::Retrieve for LocalHsds {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri
            .path()
            .as_str()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        let path = self.0.join(&name);
        if !path.is_file() {
            return Err(format!("no HSDS schema {name}").into());
        }
        Ok(hsds_schema(&path))
    }
}

/// A strict validator for one schema file (relative to the HSDS folder),
/// checking formats, with `$ref`s to sibling files loaded from disk.
pub fn validator(file: &str) -> jsonschema::Validator {
    let dir = hsds_dir();
    let base = format!("https://hsds.invalid/schema/{file}");
    jsonschema::options()
        .should_validate_formats(true)
        .with_base_uri(base)
        .with_retriever(LocalHsds(dir.clone()))
        .build(&hsds_schema(&dir.join(file)))
        .unwrap()
}

/// Every error of `value` against `validator`, with where it is.
pub fn errors(validator: &jsonschema::Validator, value: &Value) -> Vec<String> {
    validator
        .iter_errors(value)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}
