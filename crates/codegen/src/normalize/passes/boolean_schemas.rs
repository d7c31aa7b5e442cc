//! Pass `boolean-schemas`: OpenAPI 3.1 (JSON Schema) allows `true` and `false` wherever
//! a schema may stand; OpenAPI 3.0 and progenitor do not. `true` means any value and
//! becomes `{}`. `false` means no value is allowed, so what it describes cannot be
//! sent or received and is dropped, with a note:
//!
//! - a property: removed (and from `required`);
//! - a member of `anyOf`/`oneOf`: removed (it never matches); of `allOf`: the schema
//!   can match nothing, which a client cannot use, so the member is removed too (note);
//! - `not`: removed either way (`not: false` allows all; `not: true`, nothing);
//! - `items`: an array that can hold no item: `items: {}` and `maxItems: 0`;
//! - a request body's or response's media type: that entry is removed (a body with no
//!   entry left is removed); a parameter or header: removed;
//! - a component schema: `{}` (refs to it stay valid), with a note.
//!
//! `additionalProperties: true|false` is valid 3.0 and stays.

use serde_json::{Value, json};

use crate::error::{Result, pointer_token};
use crate::normalize::{Ctx, METHODS};

pub fn run(doc: &mut Value, cx: &mut Ctx<'_>) -> Result<()> {
    let mut notes = vec![];
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            let Value::Object(item) = item else { continue };
            let at = format!("/paths/{}", pointer_token(path));
            params(item, &at, &mut notes);
            for method in METHODS {
                let Some(Value::Object(op)) = item.get_mut(method) else {
                    continue;
                };
                let at = format!("{at}/{method}");
                params(op, &at, &mut notes);
                if let Some(body) = op.get_mut("requestBody")
                    && media_entries(body, &format!("{at}/requestBody"), &mut notes)
                {
                    op.remove("requestBody");
                }
                if let Some(Value::Object(responses)) = op.get_mut("responses") {
                    for (code, r) in responses.iter_mut() {
                        media_entries(r, &format!("{at}/responses/{code}"), &mut notes);
                        if let Some(Value::Object(headers)) = r.get_mut("headers") {
                            headers.retain(|name, h| {
                                let drop = h.get("schema") == Some(&Value::Bool(false));
                                if drop {
                                    notes.push(format!("{at}/responses/{code}/headers/{name}: schema `false` allows no value; the header is dropped"));
                                }
                                !drop
                            });
                        }
                    }
                }
            }
        }
    }
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        for (name, s) in schemas.iter_mut() {
            if *s == Value::Bool(false) {
                notes.push(format!(
                    "/components/schemas/{name}: schema `false` allows no value; treated as any value"
                ));
                *s = json!({});
            }
        }
    }
    schemas_in(doc, "", &mut notes);
    for note in notes {
        cx.facts.note(note);
    }
    Ok(())
}

/// Drops the parameters of `holder` whose schema is `false`.
fn params(holder: &mut serde_json::Map<String, Value>, at: &str, notes: &mut Vec<String>) {
    if let Some(Value::Array(list)) = holder.get_mut("parameters") {
        list.retain(|p| {
            let drop = p.get("schema") == Some(&Value::Bool(false));
            if drop {
                let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
                notes.push(format!(
                    "{at}: parameter `{name}` has schema `false` (no value allowed); dropped"
                ));
            }
            !drop
        });
    }
}

/// Removes the media types of `holder.content` whose schema is `false`; true when the
/// holder had content and none is left.
fn media_entries(holder: &mut Value, at: &str, notes: &mut Vec<String>) -> bool {
    let Some(Value::Object(content)) = holder.get_mut("content") else {
        return false;
    };
    let before = content.len();
    content.retain(|media, m| {
        let drop = m.get("schema") == Some(&Value::Bool(false));
        if drop {
            notes.push(format!(
                "{at}: `{media}` has schema `false` (nothing allowed); dropped"
            ));
        }
        !drop
    });
    before > 0 && content.is_empty()
}

/// Rewrites every boolean schema left anywhere in `v` (a document or schema subtree).
fn schemas_in(v: &mut Value, at: &str, notes: &mut Vec<String>) {
    let Value::Object(map) = v else {
        if let Value::Array(items) = v {
            for (i, child) in items.iter_mut().enumerate() {
                schemas_in(child, &format!("{at}/{i}"), notes);
            }
        }
        return;
    };
    // Keys whose value is one schema.
    for key in [
        "schema",
        "items",
        "not",
        "contains",
        "if",
        "then",
        "else",
        "propertyNames",
    ] {
        match map.get(key) {
            Some(Value::Bool(true)) if key == "not" => {
                notes.push(format!("{at}/not: `not: true` allows no value; dropped"));
                map.remove(key);
            }
            Some(Value::Bool(false)) if key == "not" => {
                map.remove(key);
            }
            Some(Value::Bool(true)) => {
                map.insert(key.into(), json!({}));
            }
            Some(Value::Bool(false)) if key == "items" => {
                map.insert(key.into(), json!({}));
                map.insert("maxItems".into(), json!(0));
            }
            Some(Value::Bool(false)) => {
                notes.push(format!(
                    "{at}/{key}: schema `false` allows no value; treated as any value"
                ));
                map.insert(key.into(), json!({}));
            }
            _ => {}
        }
    }
    // Maps of named schemas.
    for key in [
        "properties",
        "patternProperties",
        "$defs",
        "definitions",
        "dependentSchemas",
    ] {
        let Some(Value::Object(props)) = map.get_mut(key) else {
            continue;
        };
        let mut gone = vec![];
        props.retain(|name, p| match p {
            Value::Bool(false) => {
                gone.push(name.clone());
                false
            }
            _ => true,
        });
        for p in props.values_mut() {
            if *p == Value::Bool(true) {
                *p = json!({});
            }
        }
        if !gone.is_empty() && key == "properties" {
            notes.push(format!(
                "{at}/properties: {} allow no value (schema `false`); dropped",
                gone.iter()
                    .map(|g| format!("`{g}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            if let Some(Value::Array(required)) = map.get_mut("required") {
                required.retain(|r| !r.as_str().is_some_and(|r| gone.iter().any(|g| g == r)));
            }
        }
    }
    // Lists of schemas.
    for key in ["allOf", "anyOf", "oneOf", "prefixItems"] {
        let Some(Value::Array(members)) = map.get_mut(key) else {
            continue;
        };
        let before = members.len();
        members.retain(|m| *m != Value::Bool(false));
        if key == "allOf" && members.len() != before {
            notes.push(format!(
                "{at}/allOf: a member `false` makes the schema match nothing; the member is dropped"
            ));
        }
        for m in members.iter_mut() {
            if *m == Value::Bool(true) {
                *m = json!({});
            }
        }
    }
    for (key, child) in map.iter_mut() {
        if key == "enum" || key == "example" || key == "examples" || key == "default" {
            continue; // values, not schemas
        }
        schemas_in(child, &format!("{at}/{}", pointer_token(key)), notes);
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn true_is_any_value_and_false_drops_what_it_describes() {
        let mut doc = json!({
            "paths": {"/t": {
                "post": {
                    "parameters": [{"name": "never", "in": "query", "schema": false},
                                   {"name": "any", "in": "query", "schema": true}],
                    "requestBody": {"content": {"application/json": {"schema": {"type": "object",
                        "required": ["gone", "name"],
                        "properties": {"any": true, "gone": false, "name": {"type": "string"}},
                        "anyOf": [false, {"type": "object"}]}}}},
                    "responses": {"200": {"description": "", "content": {"application/json": {"schema": true}}}}
                },
                "put": {"requestBody": {"content": {"application/json": {"schema": false}}},
                        "responses": {"204": {"description": ""}}}
            }},
            "components": {"schemas": {"Never": false, "List": {"type": "array", "items": false}}}
        });
        let facts = crate::normalize::run_alone(run, &mut doc, Path::new("x.json")).unwrap();
        let post = &doc["paths"]["/t"]["post"];
        assert_eq!(
            post["parameters"],
            json!([{"name": "any", "in": "query", "schema": {}}])
        );
        let body = &post["requestBody"]["content"]["application/json"]["schema"];
        assert_eq!(
            body["properties"],
            json!({"any": {}, "name": {"type": "string"}})
        );
        assert_eq!(body["required"], json!(["name"]));
        assert_eq!(body["anyOf"], json!([{"type": "object"}]));
        assert_eq!(
            post["responses"]["200"]["content"]["application/json"]["schema"],
            json!({})
        );
        assert!(doc["paths"]["/t"]["put"].get("requestBody").is_none());
        assert_eq!(doc["components"]["schemas"]["Never"], json!({}));
        assert_eq!(
            doc["components"]["schemas"]["List"],
            json!({"type": "array", "items": {}, "maxItems": 0})
        );
        assert!(
            !doc.to_string().contains("false") && !doc.to_string().contains("true"),
            "{doc}"
        );
        assert!(facts.notes.len() >= 4, "{:?}", facts.notes);
    }
}
