//! Pass `definitions`: JSON Schema lets a schema carry its own `definitions` (or
//! `$defs`), and some specs point into them
//! (`#/components/schemas/Address/definitions/addressType`), which neither progenitor
//! nor typify can follow. Every such nested definition is hoisted into
//! `components.schemas` under `{Parent}_{name}` (`Address_addressType`; `_2`, `_3`, ...
//! when that key exists), every `$ref` into it is rewritten, and the nested map is
//! removed. Definitions nested deeper (a definition's own `definitions`) are hoisted in
//! later rounds the same way, so the rule holds at any depth.
//!
//! After that, any `$ref` that still points inside a component schema (PagerDuty's
//! `#/components/schemas/Tag/allOf/0`, `#/components/schemas/User/properties/role`) or
//! at (or into) the `schema` of a parameter, header or media type
//! (`#/components/parameters/sort/schema`, `#/paths/~1a/get/parameters/0/schema`,
//! `#/components/responses/R/content/application~1json/schema/oneOf/0`),
//! which progenitor cannot follow either ("unresolved reference"), gets a copy of what
//! it points at as a component schema named after the pointer (`Tag_allOf_0`,
//! `sort_schema`, `a_get_parameters_0_schema`; `_2`, ... when taken), and the `$ref`
//! points there (a boolean schema too, for the `boolean-schemas` pass to read). The
//! schema stays where it is too, so
//! nothing else changes; a pointer to nothing is left for the dangling-reference check.
//!
//! A response given as a `$ref` to another kind of component (PagerDuty's `200:
//! {$ref: "#/components/requestBodies/X"}`, whose description and content read as a
//! response), which progenitor looks up among `components.responses` and panics on
//! ("key X is missing"), becomes a copy of its target.

use serde_json::Value;

use crate::error::{Result, pointer_token};
use crate::normalize::Ctx;
use crate::normalize::walk;

/// How many rounds of nesting are hoisted (each round lifts one level).
const MAX_ROUNDS: usize = 8;

pub fn run(doc: &mut Value, cx: &mut Ctx<'_>) -> Result<()> {
    hoist_definitions(doc, cx);
    inline_foreign_responses(doc, cx)?;
    for _ in 0..MAX_ROUNDS {
        if !hoist_deep_refs(doc, cx) {
            break;
        }
    }
    Ok(())
}

const SCHEMAS: &str = "#/components/schemas/";

/// Operation responses that are `$ref`s to a component of another kind become copies
/// of their targets.
fn inline_foreign_responses(doc: &mut Value, cx: &mut Ctx<'_>) -> Result<()> {
    let components = doc.get("components").cloned().unwrap_or(Value::Null);
    let mut inlined: Vec<String> = vec![];
    walk::operations_mut(doc, &mut |_, _, op, _| {
        let Some(Value::Object(responses)) = op.get_mut("responses") else {
            return Ok(());
        };
        for response in responses.values_mut() {
            let Some(r) = response.get("$ref").and_then(Value::as_str) else {
                continue;
            };
            let Some(rest) = r.strip_prefix("#/components/") else {
                continue;
            };
            if rest.starts_with("responses/") {
                continue;
            }
            if let Some(target) = components
                .pointer(&format!("/{rest}"))
                .filter(|t| t.is_object())
            {
                if !inlined.iter().any(|i| i == r) {
                    inlined.push(r.to_owned());
                }
                *response = target.clone();
            }
        }
        Ok(())
    })?;
    if !inlined.is_empty() {
        cx.facts.note(format!(
            "responses given as references to other components copied in place: {}",
            inlined.join(", ")
        ));
    }
    Ok(())
}

/// The component key for what a deep `$ref` points at, or `None` when it is not a deep
/// schema pointer: anything inside a component schema (`Tag/allOf/0` -> `Tag_allOf_0`),
/// and the `schema` of a parameter, header or media type anywhere else, or anything
/// inside it (`#/components/parameters/sort/schema` -> `sort_schema`).
fn deep_key(r: &str) -> Option<String> {
    let tokens: Vec<String> = r
        .strip_prefix("#/")?
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let rest = match tokens.as_slice() {
        [c, s, _, _, ..] if c == "components" && s == "schemas" => &tokens[2..],
        [c, _, _, rest @ ..] if c == "components" && rest.iter().any(|t| t == "schema") => {
            &tokens[2..]
        }
        [p, rest @ ..] if p == "paths" && rest.iter().any(|t| t == "schema") => &tokens[1..],
        _ => return None,
    };
    let words: Vec<String> = rest
        .iter()
        .map(|t| {
            t.split(|c: char| !c.is_alphanumeric() && c != '_' && c != '-')
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join("_")
        })
        .filter(|w| !w.is_empty())
        .collect();
    Some(words.join("_"))
}

/// One round of copying what deep `$ref`s point at into components; whether any moved.
fn hoist_deep_refs(doc: &mut Value, cx: &mut Ctx<'_>) -> bool {
    // Document order decides which copy gets `_2`; the set only speeds up the lookup.
    let mut deep: Vec<(String, String)> = vec![];
    let mut seen = std::collections::BTreeSet::new();
    walk::refs_mut(doc, &mut |r: &mut String| {
        if let Some(key) = deep_key(r)
            && seen.insert(r.clone())
        {
            deep.push((r.clone(), key));
        }
    });
    let mut taken: Vec<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.keys().cloned().collect())
        .unwrap_or_default();
    let mut moves: Vec<(String, String, Value)> = vec![];
    for (r, base) in deep {
        let Some(target) = doc.pointer(&r[1..]) else {
            continue;
        };
        // A boolean schema is copied too: the `boolean-schemas` pass, next, reads
        // `true`/`false` components.
        if !target.is_object() && !target.is_boolean() {
            continue;
        }
        let key = std::iter::once(base.clone())
            .chain((2..).map(|n| format!("{base}_{n}")))
            .find(|k| !taken.contains(k))
            .expect("an unbounded sequence has a free key");
        taken.push(key.clone());
        moves.push((r, key, target.clone()));
    }
    if moves.is_empty() {
        return false;
    }
    let Some(root) = doc.as_object_mut() else {
        return false;
    };
    let schemas = root
        .entry("components")
        .or_insert_with(|| Value::Object(Default::default()))
        .as_object_mut()
        .and_then(|c| {
            c.entry("schemas")
                .or_insert_with(|| Value::Object(Default::default()))
                .as_object_mut()
        });
    let Some(schemas) = schemas else {
        return false;
    };
    for (_, key, target) in &moves {
        schemas.insert(key.clone(), target.clone());
    }
    walk::refs_mut(doc, &mut |r: &mut String| {
        if let Some((_, key, _)) = moves.iter().find(|(from, _, _)| from == r) {
            *r = format!("{SCHEMAS}{}", pointer_token(key));
        }
    });
    let names: Vec<&str> = moves.iter().map(|(f, _, _)| f.as_str()).collect();
    cx.facts.note(format!(
        "schemas referenced inside other schemas copied into components: {}",
        names.join(", ")
    ));
    true
}

fn hoist_definitions(doc: &mut Value, cx: &mut Ctx<'_>) {
    for _ in 0..MAX_ROUNDS {
        let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else {
            return;
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
            return;
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

    #[test]
    fn deep_keys() {
        assert_eq!(
            deep_key("#/components/schemas/Tag/allOf/0").as_deref(),
            Some("Tag_allOf_0")
        );
        assert_eq!(
            deep_key("#/components/parameters/audit_method_type/schema").as_deref(),
            Some("audit_method_type_schema")
        );
        assert_eq!(
            deep_key("#/paths/~1a~1{id}/get/parameters/0/schema").as_deref(),
            Some("a_id_get_parameters_0_schema")
        );
        assert_eq!(
            deep_key("#/components/responses/R/content/application~1json/schema/oneOf/0")
                .as_deref(),
            Some("R_content_application_json_schema_oneOf_0")
        );
        assert_eq!(deep_key("#/components/schemas/Tag"), None);
        assert_eq!(deep_key("#/components/parameters/sort"), None);
        assert_eq!(deep_key("#/paths/~1a/get/parameters/0"), None);
        assert_eq!(deep_key("other.yaml#/Tag"), None);
    }

    #[test]
    fn refs_inside_component_schemas_get_their_own_component() {
        let mut doc = json!({
            "paths": {"/a": {"get": {"responses": {"200": {"description": "", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Tag/allOf/0"}}}}}}}},
            "components": {"schemas": {
                "Tag": {"allOf": [{"type": "object", "properties": {"role": {"$ref": "#/components/schemas/User/properties/role"}}},
                                  {"type": "object"}]},
                "User": {"type": "object", "properties": {"role": {"type": "string", "enum": ["a"]}}},
                "Tag_allOf_0": {"type": "integer"},
                "Gone": {"$ref": "#/components/schemas/User/properties/missing"}
            }}
        });
        crate::normalize::run_alone(run, &mut doc, Path::new("x.yaml")).unwrap();
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            doc.pointer("/paths/~1a/get/responses/200/content/application~1json/schema/$ref"),
            Some(&json!("#/components/schemas/Tag_allOf_0_2"))
        );
        assert_eq!(
            schemas["Tag_allOf_0"]["type"], "integer",
            "an existing key stays"
        );
        // The copy's own deep ref moves in the next round.
        assert_eq!(
            schemas["Tag_allOf_0_2"]["properties"]["role"]["$ref"],
            "#/components/schemas/User_properties_role"
        );
        assert_eq!(schemas["User_properties_role"]["enum"], json!(["a"]));
        assert_eq!(
            schemas["Gone"]["$ref"], "#/components/schemas/User/properties/missing",
            "a pointer to nothing is left for the dangling-ref check"
        );
    }
}
