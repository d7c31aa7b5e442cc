//! Pass `prose`: descriptions, summaries and titles become doc comments, and rustdoc
//! rejects a bare carriage return in one. Every `\r\n` and lone `\r` in those strings
//! (anywhere in the document) becomes `\n`. Values (`enum`, `example`, `default`,
//! `pattern`) are never touched.
//!
//! Prose given as a `$ref` to a file beside the spec (Redocly's `description: {$ref:
//! ./markdown/tag.md}`, Dropbox Sign's tags) is dropped with a note: the generator
//! reads one document, and OpenAPI wants a string there. A key of that name in a map
//! of names (a property called `description`) is a name, and stays.

use serde_json::Value;

use crate::error::Result;
use crate::normalize::Ctx;
use crate::spec::NAME_MAPS;

/// The keys whose strings are prose.
const PROSE: [&str; 3] = ["description", "summary", "title"];

pub fn run(doc: &mut Value, cx: &mut Ctx<'_>) -> Result<()> {
    let mut dropped = vec![];
    fix(doc, false, &mut String::new(), &mut dropped);
    if !dropped.is_empty() {
        cx.facts.note(format!(
            "{} description(s) given as a `$ref` to a file dropped (the generator reads one document), first at {}",
            dropped.len(),
            dropped[0]
        ));
    }
    Ok(())
}

/// `names`: `v`'s keys are names (it is a value of a [`NAME_MAPS`] key).
fn fix(v: &mut Value, names: bool, at: &mut String, dropped: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            if !names {
                let by_ref: Vec<String> = map
                    .iter()
                    .filter(|(k, c)| PROSE.contains(&k.as_str()) && c.get("$ref").is_some())
                    .map(|(k, _)| k.clone())
                    .collect();
                for key in by_ref {
                    map.remove(&key);
                    dropped.push(format!("{at}/{key}"));
                }
            }
            for (key, child) in map.iter_mut() {
                match child {
                    Value::String(s)
                        if !names && PROSE.contains(&key.as_str()) && s.contains('\r') =>
                    {
                        *s = s.replace("\r\n", "\n").replace('\r', "\n");
                    }
                    // Values, not prose: an example may hold a CR on purpose.
                    _ if !names
                        && matches!(
                            key.as_str(),
                            "enum" | "example" | "examples" | "default" | "const"
                        ) => {}
                    _ => {
                        let len = at.len();
                        at.push('/');
                        at.push_str(&crate::error::pointer_token(key));
                        fix(
                            child,
                            !names && NAME_MAPS.contains(&key.as_str()),
                            at,
                            dropped,
                        );
                        at.truncate(len);
                    }
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                let len = at.len();
                at.push_str(&format!("/{i}"));
                fix(item, false, at, dropped);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::json;

    use super::*;

    #[test]
    fn carriage_returns_in_prose_become_newlines_and_values_stay() {
        let mut doc = json!({"info": {"title": "A\r\nB", "description": "one\rtwo"},
            "components": {"schemas": {"S": {"description": "x\r\ny", "enum": ["a\r\nb"],
                "properties": {"description": {"type": "string", "example": "c\r\n"}}}}}});
        crate::normalize::run_alone(run, &mut doc, Path::new("x.yaml")).unwrap();
        assert_eq!(doc["info"]["title"], "A\nB");
        assert_eq!(doc["info"]["description"], "one\ntwo");
        let s = &doc["components"]["schemas"]["S"];
        assert_eq!(s["description"], "x\ny");
        assert_eq!(s["enum"], json!(["a\r\nb"]));
        assert_eq!(s["properties"]["description"]["example"], "c\r\n");
    }

    #[test]
    fn prose_by_ref_to_a_file_goes_and_a_property_called_description_stays() {
        let mut doc = json!({"tags": [{"name": "a", "description": {"$ref": "./md/a.md"}}],
            "components": {"schemas": {"S": {"type": "object", "properties": {
                "description": {"$ref": "#/components/schemas/T"}}}}}});
        let facts = crate::normalize::run_alone(run, &mut doc, Path::new("x.yaml")).unwrap();
        assert!(doc["tags"][0].get("description").is_none());
        assert_eq!(
            doc["components"]["schemas"]["S"]["properties"]["description"]["$ref"],
            "#/components/schemas/T"
        );
        assert!(
            facts
                .notes
                .iter()
                .any(|n| n.contains("/tags/0/description")),
            "{:?}",
            facts.notes
        );
    }
}
