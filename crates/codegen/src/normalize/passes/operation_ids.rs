//! Pass `operation-ids`: progenitor needs a unique operationId on every operation and
//! turns each into a snake_case method name. This pass makes that name explicit:
//!
//! - an id that exists is converted to snake_case (punctuation and apostrophes dropped,
//!   so sentences such as "Get an org's value" become `get_an_orgs_value`);
//! - a missing or empty id is built from the method and the path: `{method}_{path}`, where
//!   every path segment contributes its words (`{scriptTagId}.json` -> `script_tag_id_json`);
//! - when two operations end up with the same name, the first in document order keeps
//!   it and later ones get `_2`, `_3`, ... (document order: paths as written, methods
//!   in [`METHODS`] order), so the result is stable across runs.
//!
//! An `options` operation (Box's `OPTIONS /files/content`) is dropped first, with a
//! note: progenitor 0.15 builds it with `reqwest::Client::options`, which reqwest does
//! not have, so the generated crate would not compile.

use std::collections::BTreeSet;

use heck::ToSnakeCase;
use serde_json::Value;

use crate::error::Result;
use crate::normalize::Ctx;
use crate::normalize::METHODS;

pub fn run(doc: &mut Value, cx: &mut Ctx<'_>) -> Result<()> {
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return Ok(());
    };
    for (path, item) in paths.iter_mut() {
        if let Value::Object(item) = item
            && item.remove("options").is_some()
        {
            cx.facts.note(format!(
                "OPTIONS {path} dropped: progenitor cannot build an OPTIONS request"
            ));
        }
    }
    let mut used = BTreeSet::new();
    for (path, item) in paths.iter_mut() {
        let Value::Object(item) = item else { continue };
        for method in METHODS {
            let Some(Value::Object(op)) = item.get_mut(method) else {
                continue;
            };
            let base = match op.get("operationId") {
                Some(Value::String(id)) => snake(id),
                _ => String::new(),
            };
            let base = if base.is_empty() {
                snake(&format!("{method} {path}"))
            } else {
                base
            };
            let mut name = base.clone();
            let mut n = 2;
            while !used.insert(name.clone()) {
                name = format!("{base}_{n}");
                n += 1;
            }
            op.insert("operationId".into(), Value::String(name));
        }
    }
    Ok(())
}

/// snake_case words of `text`; apostrophes vanish, other punctuation separates words.
pub fn snake(text: &str) -> String {
    let spaced: String = text
        .chars()
        .filter(|c| !matches!(c, '\'' | '\u{2019}'))
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let s = spaced.to_snake_case();
    // A method name cannot start with a digit.
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("op_{s}")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::Path;

    fn ids(doc: &Value) -> Vec<String> {
        let mut out = vec![];
        for item in doc["paths"].as_object().unwrap().values() {
            for m in METHODS {
                if let Some(op) = item.get(m) {
                    out.push(op["operationId"].as_str().unwrap().to_owned());
                }
            }
        }
        out
    }

    #[test]
    fn fills_missing_cleans_sentences_and_dedupes_in_document_order() {
        let mut doc = json!({"paths": {
            "/v1/script_tags/{scriptTagId}.json": {
                "delete": {},
                "get": {"operationId": "getScriptTag"},
                "put": {"operationId": ""}
            },
            "/orgs": {
                "get": {"operationId": "Get an organization's members"},
                "post": {"operationId": "get_script_tag"}
            }
        }});
        crate::normalize::run_alone(run, &mut doc, Path::new("x.yaml")).unwrap();
        assert_eq!(
            ids(&doc),
            [
                "get_script_tag",
                "put_v1_script_tags_script_tag_id_json",
                "delete_v1_script_tags_script_tag_id_json",
                "get_an_organizations_members",
                "get_script_tag_2",
            ]
        );
        // Idempotent: a second run changes nothing.
        let before = doc.clone();
        crate::normalize::run_alone(run, &mut doc, Path::new("x.yaml")).unwrap();
        assert_eq!(doc, before);
    }

    #[test]
    fn leading_digit_gets_a_prefix() {
        assert_eq!(snake("3ds check"), "op_3ds_check");
    }
}
