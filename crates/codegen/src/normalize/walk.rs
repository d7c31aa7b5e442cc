//! Visitors shared by the passes: every operation, every schema object, with the JSON
//! pointer of each node so errors can name it.

use serde_json::{Map, Value};

use super::METHODS;
use crate::error::{Result, pointer_token};

/// A mutable JSON object.
pub type Object = Map<String, Value>;

/// Calls `f(path, method, operation, pointer)` for every operation, in document order.
pub fn operations_mut(
    doc: &mut Value,
    f: &mut dyn FnMut(&str, &str, &mut Object, &str) -> Result<()>,
) -> Result<()> {
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return Ok(());
    };
    for (path, item) in paths.iter_mut() {
        let Value::Object(item) = item else { continue };
        for method in METHODS {
            if let Some(Value::Object(op)) = item.get_mut(method) {
                let ptr = format!("/paths/{}/{method}", pointer_token(path));
                f(path, method, op, &ptr)?;
            }
        }
    }
    Ok(())
}

/// Every operation, read-only: `(path, method, operation)` in document order.
pub fn operations(doc: &Value) -> Vec<(&str, &str, &Value)> {
    let mut out = vec![];
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in METHODS {
                if let Some(op) = item.get(method).filter(|op| op.is_object()) {
                    out.push((path.as_str(), method, op));
                }
            }
        }
    }
    out
}

/// How many `$ref`s in a row are followed before giving up (a cycle of references).
pub const MAX_REF_CHAIN: usize = 16;

/// Follows `$ref`s from `v` (chains too, up to [`MAX_REF_CHAIN`]) through `lookup`,
/// which maps a reference to its target; returns the last node reached and the last
/// reference followed. The one `$ref` follower every pass and spec-diff use.
pub fn follow<'a>(
    v: &'a Value,
    lookup: impl Fn(&str) -> Option<&'a Value>,
) -> (&'a Value, Option<&'a str>) {
    let mut cur = v;
    let mut last = None;
    for _ in 0..MAX_REF_CHAIN {
        let Some(r) = cur.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let Some(target) = lookup(r) else { break };
        last = Some(r);
        cur = target;
    }
    (cur, last)
}

/// `v` with its `$ref` into `#/components/...` followed, given the `components` object
/// (passes hold a copy of it while they rewrite the document); `v` itself when it is no
/// such reference, or the last node reached when a target is missing (which still has
/// its `$ref`).
pub fn deref<'a>(v: &'a Value, components: &'a Value) -> &'a Value {
    follow(v, |r| {
        r.strip_prefix("#/components/")
            .and_then(|rest| components.pointer(&format!("/{rest}")))
    })
    .0
}

/// `v` with any local `$ref` (`#/...`, resolved against the document `root`) followed;
/// also returns the last reference followed.
pub fn resolve<'a>(v: &'a Value, root: &'a Value) -> (&'a Value, Option<&'a str>) {
    follow(v, |r| {
        r.strip_prefix('#')
            .and_then(|pointer| root.pointer(pointer))
    })
}

/// The `{name}`s of a path template, in order: `/a/{x}.json/{y}` -> `x`, `y`.
pub fn template_names(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(v, _)| v))
        .collect()
}

/// Calls `f` on the target string of every `$ref` anywhere in `v`.
pub fn refs_mut(v: &mut Value, f: &mut dyn FnMut(&mut String)) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref") {
                f(r);
            }
            for child in map.values_mut() {
                refs_mut(child, f);
            }
        }
        Value::Array(items) => {
            for child in items {
                refs_mut(child, f);
            }
        }
        _ => {}
    }
}

/// Keywords whose value is one subschema.
const SINGLE: [&str; 8] = [
    "items",
    "additionalProperties",
    "not",
    "contains",
    "if",
    "then",
    "else",
    "propertyNames",
];
/// Keywords whose value is a list of subschemas.
const LISTS: [&str; 4] = ["allOf", "oneOf", "anyOf", "prefixItems"];
/// Keywords whose value maps names to subschemas.
const MAPS: [&str; 5] = [
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];

/// Calls `f(schema, pointer)` on every schema object of an OpenAPI 3.x document
/// (components, parameters, bodies, responses, headers, and all nested subschemas),
/// children before their parent, so a pass sees already-rewritten subschemas.
pub fn schemas_mut(
    doc: &mut Value,
    f: &mut dyn FnMut(&mut Object, &str) -> Result<()>,
) -> Result<()> {
    let Value::Object(root) = doc else {
        return Ok(());
    };
    if let Some(Value::Object(components)) = root.get_mut("components") {
        for (kind, entries) in components.iter_mut() {
            let Value::Object(entries) = entries else {
                continue;
            };
            for (name, entry) in entries.iter_mut() {
                let ptr = format!("/components/{kind}/{}", pointer_token(name));
                match kind.as_str() {
                    "schemas" => schema(entry, &ptr, f)?,
                    "parameters" | "headers" => parameter(entry, &ptr, f)?,
                    "requestBodies" => content(entry, &ptr, f)?,
                    "responses" => response(entry, &ptr, f)?,
                    _ => {}
                }
            }
        }
    }
    if let Some(Value::Object(paths)) = root.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            let Value::Object(item) = item else { continue };
            let base = format!("/paths/{}", pointer_token(path));
            for (key, value) in item.iter_mut() {
                let ptr = format!("{base}/{key}");
                if key == "parameters" {
                    list(value, &ptr, &mut |v, p| parameter(v, p, f))?;
                } else if METHODS.contains(&key.as_str()) {
                    operation(value, &ptr, f)?;
                }
            }
        }
    }
    Ok(())
}

type Visit<'a> = dyn FnMut(&mut Object, &str) -> Result<()> + 'a;

fn operation(op: &mut Value, ptr: &str, f: &mut Visit) -> Result<()> {
    let Value::Object(op) = op else { return Ok(()) };
    if let Some(params) = op.get_mut("parameters") {
        list(params, &format!("{ptr}/parameters"), &mut |v, p| {
            parameter(v, p, f)
        })?;
    }
    if let Some(body) = op.get_mut("requestBody") {
        content(body, &format!("{ptr}/requestBody"), f)?;
    }
    if let Some(Value::Object(responses)) = op.get_mut("responses") {
        for (code, r) in responses.iter_mut() {
            response(r, &format!("{ptr}/responses/{code}"), f)?;
        }
    }
    Ok(())
}

fn list(
    value: &mut Value,
    ptr: &str,
    each: &mut dyn FnMut(&mut Value, &str) -> Result<()>,
) -> Result<()> {
    if let Value::Array(items) = value {
        for (i, item) in items.iter_mut().enumerate() {
            each(item, &format!("{ptr}/{i}"))?;
        }
    }
    Ok(())
}

fn parameter(p: &mut Value, ptr: &str, f: &mut Visit) -> Result<()> {
    if let Some(s) = p.get_mut("schema") {
        schema(s, &format!("{ptr}/schema"), f)?;
    }
    content(p, ptr, f)
}

fn response(r: &mut Value, ptr: &str, f: &mut Visit) -> Result<()> {
    if let Some(Value::Object(headers)) = r.get_mut("headers") {
        for (name, h) in headers.iter_mut() {
            parameter(h, &format!("{ptr}/headers/{}", pointer_token(name)), f)?;
        }
    }
    content(r, ptr, f)
}

/// The `content` map of a body, response or parameter.
fn content(holder: &mut Value, ptr: &str, f: &mut Visit) -> Result<()> {
    if let Some(Value::Object(content)) = holder.get_mut("content") {
        for (media, m) in content.iter_mut() {
            if let Some(s) = m.get_mut("schema") {
                let p = format!("{ptr}/content/{}/schema", pointer_token(media));
                schema(s, &p, f)?;
            }
        }
    }
    Ok(())
}

/// One schema and its subschemas, children first.
pub fn schema(value: &mut Value, ptr: &str, f: &mut Visit) -> Result<()> {
    let Value::Object(obj) = value else {
        return Ok(());
    };
    for key in SINGLE {
        if let Some(sub) = obj.get_mut(key) {
            schema(sub, &format!("{ptr}/{key}"), f)?;
        }
    }
    for key in LISTS {
        if let Some(subs) = obj.get_mut(key) {
            list(subs, &format!("{ptr}/{key}"), &mut |v, p| schema(v, p, f))?;
        }
    }
    for key in MAPS {
        if let Some(Value::Object(subs)) = obj.get_mut(key) {
            for (name, sub) in subs.iter_mut() {
                schema(sub, &format!("{ptr}/{key}/{}", pointer_token(name)), f)?;
            }
        }
    }
    f(obj, ptr)
}

/// A schema without the keys that do not change the Rust type it becomes
/// (`description`, `title`, `example(s)`, `externalDocs`), for comparing two schemas.
/// Keys of `properties` are property names, not keywords, and are always kept.
pub fn shape(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| {
                    !matches!(
                        k.as_str(),
                        "description" | "title" | "example" | "examples" | "externalDocs"
                    )
                })
                .map(|(k, v)| {
                    let v = match (k.as_str(), v) {
                        (key, Value::Object(names)) if MAPS.contains(&key) => Value::Object(
                            names.iter().map(|(n, s)| (n.clone(), shape(s))).collect(),
                        ),
                        _ => shape(v),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(shape).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shape_drops_annotations_but_not_properties_named_like_them() {
        let a = json!({"type": "object", "description": "x", "properties": {
            "description": {"type": "string", "title": "t"}, "title": {"type": "integer"}}});
        assert_eq!(
            shape(&a),
            json!({"type": "object", "properties": {
                "description": {"type": "string"}, "title": {"type": "integer"}}})
        );
        let b = json!({"type": "object", "properties": {"title": {"type": "integer"}}});
        assert_ne!(shape(&a), shape(&b));
    }

    #[test]
    fn visits_every_schema_children_first_with_pointers() {
        let mut doc = json!({
            "paths": {"/a/{id}": {
                "parameters": [{"name": "id", "in": "path", "schema": {"type": "string"}}],
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": {
                        "type": "object", "properties": {"x/y": {"type": "array", "items": {}}}
                    }}}},
                    "responses": {"200": {
                        "headers": {"X-Rate": {"schema": {"type": "integer"}}},
                        "content": {"application/json": {"schema": {"allOf": [{"$ref": "#/components/schemas/A"}]}}}
                    }}
                }
            }},
            "components": {"schemas": {"A": {"type": "object"}}}
        });
        let mut seen = vec![];
        schemas_mut(&mut doc, &mut |_, p| {
            seen.push(p.to_owned());
            Ok(())
        })
        .unwrap();
        assert_eq!(
            seen,
            [
                "/components/schemas/A",
                "/paths/~1a~1{id}/parameters/0/schema",
                "/paths/~1a~1{id}/post/requestBody/content/application~1json/schema/properties/x~1y/items",
                "/paths/~1a~1{id}/post/requestBody/content/application~1json/schema/properties/x~1y",
                "/paths/~1a~1{id}/post/requestBody/content/application~1json/schema",
                "/paths/~1a~1{id}/post/responses/200/headers/X-Rate/schema",
                "/paths/~1a~1{id}/post/responses/200/content/application~1json/schema/allOf/0",
                "/paths/~1a~1{id}/post/responses/200/content/application~1json/schema",
            ]
        );
    }
}
