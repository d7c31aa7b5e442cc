//! Pass `definitions`: JSON Schema lets a schema carry its own `definitions` (or
//! `$defs`), and some specs point into them
//! (`#/components/schemas/Address/definitions/addressType`), which neither progenitor
//! nor typify can follow. Every such nested definition is hoisted into
//! `components.schemas` under `{Parent}_{name}` (`Address_addressType`; `_2`, `_3`, ...
//! when that key exists), every `$ref` into it is rewritten, and the nested map is
//! removed. Definitions nested deeper (a definition's own `definitions`) are hoisted in
//! later rounds the same way, so the rule holds at any depth.

use serde_json::Value;

use crate::error::{Result, pointer_token};
use crate::normalize::Ctx;
use crate::normalize::walk;

/// How many rounds of nesting are hoisted (each round lifts one level).
const MAX_ROUNDS: usize = 8;

pub fn run(doc: &mut Value, cx: &mut Ctx<'_>) -> Result<()> {
    for _ in 0..MAX_ROUNDS {
        let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else {
            return Ok(());
        };
        // (old pointer prefix, new ref) for every hoisted definition.
        let mut moves: Vec<(String, String)> = vec![];
        let mut hoisted: Vec<(String, Value)> = vec![];
        let keys: Vec<String> = schemas.keys().cloned().collect();
        let mut taken: Vec<String> = keys.clone();
        for parent in &keys {
            let Some(Value::Object(schema)) = schemas.get_mut(parent) else {
                continue;
            };
            for keyword in ["definitions", "$defs"] {
                let Some(Value::Object(nested)) = schema.remove(keyword) else {
                    continue;
                };
                for (name, def) in nested {
                    let base = format!("{parent}_{name}");
                    let key = std::iter::once(base.clone())
                        .chain((2..).map(|n| format!("{base}_{n}")))
                        .find(|k| !taken.contains(k))
                        .expect("an unbounded sequence has a free key");
                    taken.push(key.clone());
                    moves.push((
                        format!(
                            "#/components/schemas/{}/{keyword}/{}",
                            pointer_token(parent),
                            pointer_token(&name)
                        ),
                        format!("#/components/schemas/{}", pointer_token(&key)),
                    ));
                    hoisted.push((key, def));
                }
            }
        }
        if moves.is_empty() {
            return Ok(());
        }
        for (key, def) in hoisted {
            schemas.insert(key, def);
        }
        // Longest prefix first, so a ref into a definition's own nested map moves with
        // it in the next round.
        moves.sort_by_key(|m| std::cmp::Reverse(m.0.len()));
        walk::refs_mut(doc, &mut |r: &mut String| {
            for (from, to) in &moves {
                if r == from {
                    *r = to.clone();
                    return;
                }
                if let Some(rest) = r.strip_prefix(from.as_str())
                    && rest.starts_with('/')
                {
                    *r = format!("{to}{rest}");
                    return;
                }
            }
        });
        let names: Vec<&str> = moves.iter().map(|(f, _)| f.as_str()).collect();
        cx.facts.note(format!(
            "nested schema definitions hoisted into components: {}",
            names.join(", ")
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::json;

    use super::*;

    #[test]
    fn nested_definitions_are_hoisted_and_refs_follow() {
        let mut doc = json!({
            "paths": {"/a": {"get": {"responses": {"200": {"description": "", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Address/definitions/addressType"}}}}}}}},
            "components": {"schemas": {
                "Address": {"type": "object",
                    "properties": {"kind": {"$ref": "#/components/schemas/Address/definitions/addressType"}},
                    "definitions": {"addressType": {"type": "string", "enum": ["home", "work"]},
                                    "geo": {"$defs": {"point": {"type": "number"}}, "type": "object"}}},
                "Address_addressType": {"type": "integer"}
            }}
        });
        crate::normalize::run_alone(run, &mut doc, Path::new("x.yaml")).unwrap();
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["Address_addressType_2"]["enum"],
            json!(["home", "work"])
        );
        assert_eq!(
            schemas["Address_addressType"]["type"], "integer",
            "an existing key stays"
        );
        assert_eq!(
            schemas["Address_geo_point"]["type"], "number",
            "deeper nesting, next round"
        );
        assert!(schemas["Address"].get("definitions").is_none());
        assert_eq!(
            schemas["Address"]["properties"]["kind"]["$ref"],
            "#/components/schemas/Address_addressType_2"
        );
        assert_eq!(
            doc.pointer("/paths/~1a/get/responses/200/content/application~1json/schema/$ref"),
            Some(&json!("#/components/schemas/Address_addressType_2"))
        );
    }
}
