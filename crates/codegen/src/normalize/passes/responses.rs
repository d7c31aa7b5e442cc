//! Pass `responses`: progenitor gives each operation one success type and one error
//! type, and panics (`response_types.len() <= 1`) when the documented responses differ.
//! This pass makes them agree, by these rules:
//!
//! - `default` next to explicit 2xx codes describes errors: it becomes `4XX` and `5XX`
//!   (unless those exist). `default` as the only success response becomes `2XX`.
//! - Success (2xx): identical schemas (ignoring descriptions and examples) are left
//!   alone. Different JSON schemas become one `oneOf` of them, in status order, on
//!   every 2xx (an untagged enum: the first variant that decodes wins). A 2xx without a
//!   body next to JSON ones (200 JSON + 204) gets the same, nullable, schema and is
//!   recorded as the operation's `empty_success` fact; the generated client turns that empty body into
//!   `null`, so the call returns `None`. If any 2xx is not JSON (a file), every 2xx is
//!   returned as a byte stream.
//! - Errors (4xx/5xx): different JSON schemas become one schema. When they are inline
//!   objects that differ only in the properties they declare and require, at any depth
//!   (SendGrid's `{errors: [{message}]}` for a 429 beside `{errors: [{field, message}]}`
//!   for a 400), that is one object with every property and only the `required` all of
//!   them share ([`widened`]): an error is read by what it says, and a union of
//!   look-alikes would be variants nothing tells apart (`Variant0`, `Variant1`). Else
//!   they become one `oneOf`. Error responses without a JSON body next to JSON ones are
//!   dropped from the spec, so they reach the caller as an undocumented status with
//!   the raw body (`ApiError::Status`).
//!
//! - A 204, 205 or 304 response loses the `content` a spec may declare for it (ShipEngine
//!   documents its 204s as an empty JSON string): HTTP forbids a body on these statuses
//!   (RFC 9110, 15.3.5, 15.3.6 and 15.4.5), so none ever arrives, and decoding the
//!   empty body as JSON would fail every such call. Runs before the rules above.
//!
//! A `$ref` to `components/responses` is inlined in an operation only when the
//! operation's copy has to change.

use serde_json::{Value, json};

use super::type_names::common_suffix;
use crate::error::Result;
use crate::normalize::Ctx;
use crate::normalize::walk::{self, Object};

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    None,
    Json(Value),
    Raw,
}

pub fn run(doc: &mut Value, cx: &mut Ctx<'_>) -> Result<()> {
    name_component_responses(doc);
    let components = doc.get("components").cloned().unwrap_or(Value::Null);
    walk::operations_mut(doc, &mut |path, method, op, _| {
        let operation_id = op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        let Some(Value::Object(responses)) = op.get_mut("responses") else {
            return Ok(());
        };
        drop_bodiless_content(responses, &components);
        let has_2xx = responses.keys().any(|c| is_success(c));
        if let Some(default) = responses.remove("default") {
            if has_2xx {
                for range in ["4XX", "5XX"] {
                    if !responses.contains_key(range) {
                        responses.insert(range.into(), default.clone());
                    }
                }
            } else {
                responses.insert("2XX".into(), default);
            }
        }
        let empty = merge_success(responses, &components);
        merge_errors(responses, &components, &operation_id);
        title_inline_errors(responses, &operation_id);
        if !empty.is_empty() {
            cx.facts.entry(path, method).empty_success = empty;
        }
        Ok(())
    })
}

/// Statuses that never carry a body.
const BODILESS: [&str; 3] = ["204", "205", "304"];

/// Drops the `content` of 204/205/304 responses (inlining a referenced response first).
fn drop_bodiless_content(responses: &mut Object, components: &Value) {
    for code in BODILESS {
        let Some(r) = responses.get_mut(code) else {
            continue;
        };
        let resolved = walk::deref(r, components);
        if resolved.get("content").is_none() {
            continue;
        }
        let mut copy = resolved.clone();
        if let Value::Object(o) = &mut copy {
            o.remove("content");
        }
        *r = copy;
    }
}

/// progenitor names every inline response schema `{operationId}-response`, success or
/// error, and typify hands back the type already registered under a name: an inline
/// error body would silently decode as the success type. Inline error schemas are
/// therefore titled `{operationId} error`.
fn title_inline_errors(responses: &mut Object, operation_id: &str) {
    for (code, r) in responses.iter_mut() {
        if !is_error(code) {
            continue;
        }
        if let Some(Value::Object(schema)) = r.pointer_mut("/content/application~1json/schema")
            && !schema.contains_key("$ref")
            && !schema.contains_key("title")
        {
            schema.insert("title".into(), format!("{operation_id} error").into());
        }
    }
}

/// Inline schemas of `components/responses` entries are named after the response
/// (`UnauthorizedError`), not after whichever operation uses them first; `response`
/// is appended when a component schema already has that name.
fn name_component_responses(doc: &mut Value) {
    let schema_names: Vec<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().map(|k| super::type_names::pascal(k)).collect())
        .unwrap_or_default();
    let Some(Value::Object(responses)) = doc.pointer_mut("/components/responses") else {
        return;
    };
    // Identical inline schemas share one title, so they stay one type: the words the
    // response names have in common at their end (`ForbiddenError`, `NotFoundError` ->
    // `Error`), else the first name.
    let mut groups: Vec<(Value, Vec<String>)> = vec![];
    for (name, r) in responses.iter() {
        if let Some(Value::Object(schema)) = r.pointer("/content/application~1json/schema") {
            if schema.contains_key("$ref") || schema.contains_key("title") {
                continue;
            }
            let shape = walk::shape(&Value::Object(schema.clone()));
            match groups.iter_mut().find(|(s, _)| *s == shape) {
                Some((_, names)) => names.push(name.clone()),
                None => groups.push((shape, vec![name.clone()])),
            }
        }
    }
    let mut titles: Vec<String> = vec![];
    for (_, names) in &groups {
        let base = common_suffix(names).unwrap_or_else(|| names[0].clone());
        let mut title = if schema_names.contains(&super::type_names::pascal(&base)) {
            format!("{base} response")
        } else {
            base
        };
        while titles.contains(&title) {
            title = format!("{title} 2");
        }
        titles.push(title);
    }
    for (name, r) in responses.iter_mut() {
        let Some(Value::Object(schema)) = r.pointer_mut("/content/application~1json/schema") else {
            continue;
        };
        if schema.contains_key("$ref") || schema.contains_key("title") {
            continue;
        }
        if let Some(i) = groups.iter().position(|(_, names)| names.contains(name)) {
            schema.insert("title".into(), titles[i].clone().into());
        }
    }
}

/// When `codes` all carry the same JSON schema up to annotations but not to the letter
/// (another title or description would make another type), they all get the first
/// one's schema.
fn unify_equal(responses: &mut Object, codes: &[String], components: &Value) {
    let raw: Vec<Value> = codes
        .iter()
        .map(|c| {
            resolved(&responses[c], components)
                .pointer("/content/application~1json/schema")
                .cloned()
                .unwrap_or(Value::Null)
        })
        .collect();
    if raw.windows(2).all(|w| w[0] == w[1]) {
        return;
    }
    for code in codes {
        set_content(
            responses,
            code,
            components,
            json!({"application/json": {"schema": raw[0].clone()}}),
        );
    }
}

fn is_success(code: &str) -> bool {
    code.starts_with('2')
}

fn is_error(code: &str) -> bool {
    code.starts_with('4') || code.starts_with('5')
}

/// A response with its `$ref` (to `components/responses`) followed; `null` when the
/// reference dangles.
fn resolved(r: &Value, components: &Value) -> Value {
    let target = walk::deref(r, components);
    if target.get("$ref").is_some() {
        Value::Null
    } else {
        target.clone()
    }
}

fn kind(r: &Value) -> Kind {
    match r.get("content").and_then(Value::as_object) {
        None => Kind::None,
        Some(c) if c.is_empty() => Kind::None,
        Some(c) => match c.get("application/json") {
            Some(m) => Kind::Json(walk::shape(m.get("schema").unwrap_or(&json!({})))),
            None => Kind::Raw,
        },
    }
}

/// The distinct JSON schemas of `codes`, in order, as written (not stripped).
fn json_schemas(responses: &Object, codes: &[String], components: &Value) -> Vec<Value> {
    let mut out: Vec<Value> = vec![];
    let mut seen: Vec<Value> = vec![];
    for code in codes {
        let r = resolved(&responses[code], components);
        if let Kind::Json(stripped) = kind(&r)
            && !seen.contains(&stripped)
        {
            seen.push(stripped);
            out.push(r["content"]["application/json"]["schema"].clone());
        }
    }
    out
}

/// One schema for several: itself when there is one, else a `oneOf` (an untagged enum,
/// whose first matching variant wins). Variants with more `required` properties come
/// first, then those with more properties (stable otherwise), so a loose schema does
/// not swallow a stricter or richer one.
fn union(mut schemas: Vec<Value>, components: &Value) -> Value {
    if schemas.len() == 1 {
        return schemas.remove(0);
    }
    schemas.sort_by_key(|s| {
        let (required, properties) = counts(s, components);
        std::cmp::Reverse((required, properties))
    });
    json!({ "oneOf": schemas })
}

/// (required properties at the top, properties declared at any depth) of a schema.
fn counts(schema: &Value, components: &Value) -> (usize, usize) {
    let s = walk::deref(schema, components);
    (
        s.get("required")
            .and_then(Value::as_array)
            .map_or(0, Vec::len),
        declared(s, components, 0),
    )
}

/// Properties declared anywhere in a schema (nested objects and array items included,
/// `$ref`s followed a few levels): how much of a body the schema can keep.
fn declared(schema: &Value, components: &Value, depth: usize) -> usize {
    if depth > 6 {
        return 0;
    }
    let s = walk::deref(schema, components);
    let mut n = 0;
    if let Some(props) = s.get("properties").and_then(Value::as_object) {
        n += props.len();
        n += props
            .values()
            .map(|p| declared(p, components, depth + 1))
            .sum::<usize>();
    }
    if let Some(items) = s.get("items") {
        n += declared(items, components, depth + 1);
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(list) = s.get(key).and_then(Value::as_array) {
            n += list
                .iter()
                .map(|v| declared(v, components, depth + 1))
                .sum::<usize>();
        }
    }
    n
}

/// Sets the content of `responses[code]`, inlining a `$ref` first.
fn set_content(responses: &mut Object, code: &str, components: &Value, content: Value) {
    let mut r = resolved(&responses[code], components);
    if let Value::Object(m) = &mut r {
        m.insert("content".into(), content);
        m.entry("description").or_insert_with(|| "".into());
    }
    responses.insert(code.to_owned(), r);
}

/// Returns the 2xx codes whose empty body the client must read as `null`.
fn merge_success(responses: &mut Object, components: &Value) -> Vec<String> {
    let codes: Vec<String> = responses
        .keys()
        .filter(|c| is_success(c))
        .cloned()
        .collect();
    let kinds: Vec<Kind> = codes
        .iter()
        .map(|c| kind(&resolved(&responses[c], components)))
        .collect();
    let mut distinct = kinds.clone();
    distinct.dedup();
    distinct.sort_by_key(|k| format!("{k:?}"));
    distinct.dedup();
    if distinct.len() <= 1 {
        if matches!(distinct.first(), Some(Kind::Json(_))) {
            unify_equal(responses, &codes, components);
        }
        return vec![];
    }
    if kinds.contains(&Kind::Raw) {
        let raw =
            json!({"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}});
        for (code, k) in codes.iter().zip(&kinds) {
            if *k != Kind::Raw {
                set_content(responses, code, components, raw.clone());
            }
        }
        return vec![];
    }
    let merged = union(json_schemas(responses, &codes, components), components);
    let empty: Vec<String> = codes
        .iter()
        .zip(&kinds)
        .filter(|(_, k)| **k == Kind::None)
        .map(|(c, _)| c.clone())
        .collect();
    let schema = if empty.is_empty() {
        merged
    } else {
        nullable(merged)
    };
    for code in &codes {
        set_content(
            responses,
            code,
            components,
            json!({"application/json": {"schema": schema.clone()}}),
        );
    }
    empty
}

/// One schema accepting every body one of `schemas` accepts, when all are inline
/// objects (arrays of them, at depth) differing only in the properties they declare and
/// require: every property (common ones widened alike), the `required` they share, and
/// every other keyword (prose aside) equal. `None` otherwise; `$ref`s and unions are
/// never widened.
fn widened(schemas: &[Value]) -> Option<Value> {
    let (first, rest) = schemas.split_first()?;
    rest.iter()
        .try_fold(first.clone(), |acc, s| widen_pair(&acc, s))
}

fn widen_pair(a: &Value, b: &Value) -> Option<Value> {
    if walk::shape(a) == walk::shape(b) {
        return Some(a.clone());
    }
    let (Value::Object(a), Value::Object(b)) = (a, b) else {
        return None;
    };
    const OWN: [&str; 3] = ["properties", "required", "items"];
    const NEVER: [&str; 5] = ["$ref", "oneOf", "anyOf", "allOf", "not"];
    let others = |o: &Object| -> Object {
        walk::shape(&Value::Object(o.clone()))
            .as_object()
            .map(|m| {
                m.iter()
                    .filter(|(k, _)| !OWN.contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (oa, ob) = (others(a), others(b));
    if oa != ob || NEVER.iter().any(|k| oa.contains_key(*k)) {
        return None;
    }
    let mut out = a.clone();
    match (a.get("items"), b.get("items")) {
        (Some(x), Some(y)) => {
            out.insert("items".into(), widen_pair(x, y)?);
        }
        (None, None) => {}
        _ => return None,
    }
    let props = |o: &Object| o.get("properties").and_then(Value::as_object).cloned();
    match (props(a), props(b)) {
        (None, None) => {}
        (pa, pb) => {
            let mut merged = pa.unwrap_or_default();
            for (k, v) in pb.unwrap_or_default() {
                let widened = match merged.get(&k) {
                    Some(x) => widen_pair(x, &v)?,
                    None => v,
                };
                merged.insert(k, widened);
            }
            out.insert("properties".into(), Value::Object(merged));
        }
    }
    let required = |o: &Object| -> Vec<Value> {
        o.get("required")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let rb = required(b);
    let shared: Vec<Value> = required(a).into_iter().filter(|r| rb.contains(r)).collect();
    if shared.is_empty() {
        out.remove("required");
    } else {
        out.insert("required".into(), Value::Array(shared));
    }
    Some(Value::Object(out))
}

fn nullable(schema: Value) -> Value {
    match schema {
        Value::Object(mut m) if m.contains_key("oneOf") => {
            m.insert("nullable".into(), true.into());
            Value::Object(m)
        }
        Value::Object(m) if m.contains_key("$ref") => {
            json!({"allOf": [Value::Object(m)], "nullable": true})
        }
        Value::Object(mut m) => {
            m.insert("nullable".into(), true.into());
            Value::Object(m)
        }
        other => other,
    }
}

fn merge_errors(responses: &mut Object, components: &Value, operation_id: &str) {
    let codes: Vec<String> = responses.keys().filter(|c| is_error(c)).cloned().collect();
    let kinds: Vec<Kind> = codes
        .iter()
        .map(|c| kind(&resolved(&responses[c], components)))
        .collect();
    let any_json = kinds.iter().any(|k| matches!(k, Kind::Json(_)));
    if !any_json {
        // All empty or all files: one kind already, or a mix progenitor also rejects.
        if kinds.contains(&Kind::Raw) && kinds.contains(&Kind::None) {
            for (code, k) in codes.iter().zip(&kinds) {
                if *k == Kind::None {
                    responses.remove(code);
                }
            }
        }
        return;
    }
    for (code, k) in codes.iter().zip(&kinds) {
        if !matches!(k, Kind::Json(_)) {
            responses.remove(code);
        }
    }
    let json_codes: Vec<String> = codes
        .iter()
        .zip(&kinds)
        .filter(|(_, k)| matches!(k, Kind::Json(_)))
        .map(|(c, _)| c.clone())
        .collect();
    let schemas = json_schemas(responses, &json_codes, components);
    if schemas.len() == 1 {
        unify_equal(responses, &json_codes, components);
    }
    if schemas.len() > 1 {
        let mut merged = widened(&schemas).unwrap_or_else(|| union(schemas, components));
        // Named after the operation's errors, not its (success) response.
        merged["title"] = format!("{operation_id} error").into();
        for code in &json_codes {
            set_content(
                responses,
                code,
                components,
                json!({"application/json": {"schema": merged.clone()}}),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn responses_of(doc: Value) -> Value {
        responses_and_facts(doc).0
    }

    fn responses_and_facts(mut doc: Value) -> (Value, crate::normalize::Facts) {
        let facts = crate::normalize::run_alone(run, &mut doc, Path::new("x.yaml")).unwrap();
        (doc["paths"]["/x"]["get"].take(), facts)
    }

    fn json_of(schema: Value) -> Value {
        json!({"description": "", "content": {"application/json": {"schema": schema}}})
    }

    #[test]
    fn bodiless_statuses_lose_their_declared_content() {
        let empty = json!({"type": "string", "maxLength": 0});
        let doc = json!({
            "paths": {"/x": {"get": {"responses": {
                "204": json_of(empty.clone()),
                "304": {"$ref": "#/components/responses/NotModified"},
                "400": json_of(empty.clone())}}}},
            "components": {"responses": {"NotModified": json_of(empty.clone())}}});
        let (op, facts) = responses_and_facts(doc);
        assert_eq!(op["responses"]["204"], json!({"description": ""}));
        assert_eq!(op["responses"]["304"], json!({"description": ""}));
        // Other statuses keep theirs; and a 204 alone is no `empty_success` fact.
        assert_eq!(
            op["responses"]["400"]["content"]["application/json"]["schema"]["maxLength"],
            0
        );
        assert!(facts.get("/x", "get").is_none());
    }

    #[test]
    fn identical_success_schemas_stay() {
        let a = json!({"$ref": "#/components/schemas/A"});
        let doc = json!({"paths": {"/x": {"get": {"responses": {"200": json_of(a.clone()), "207": json_of(a.clone())}}}}});
        let op = responses_of(doc.clone());
        assert_eq!(op, doc["paths"]["/x"]["get"]);
    }

    #[test]
    fn json_and_empty_success_become_nullable_and_recorded() {
        let a = json!({"$ref": "#/components/schemas/A"});
        let (op, facts) = responses_and_facts(json!({"paths": {"/x": {"get": {"responses": {
            "200": json_of(a.clone()), "204": {"description": "none"}}}}}}));
        let expected = json!({"allOf": [a], "nullable": true});
        assert_eq!(
            op["responses"]["204"]["content"]["application/json"]["schema"],
            expected
        );
        assert_eq!(
            op["responses"]["200"]["content"]["application/json"]["schema"],
            expected
        );
        assert_eq!(facts.get("/x", "get").unwrap().empty_success, ["204"]);
        assert!(op.get("x-apikit-empty-success").is_none());
    }

    #[test]
    fn different_success_schemas_become_one_of() {
        let a = json!({"$ref": "#/components/schemas/A"});
        let b = json!({"type": "object", "properties": {"job": {"type": "string"}}});
        let op = responses_of(json!({"paths": {"/x": {"get": {"responses": {
            "200": json_of(a.clone()), "202": json_of(b.clone())}}}}}));
        // `b` declares a property; `A` (not in this document) declares none: `b` first.
        assert_eq!(
            op["responses"]["202"]["content"]["application/json"]["schema"],
            json!({"oneOf": [b, a]})
        );
        // The variant with more required properties is tried first.
        let strict = json!({"type": "object", "required": ["job"], "properties": {"job": {"type": "string"}}});
        let op = responses_of(json!({"paths": {"/x": {"get": {"responses": {
            "200": json_of(b.clone()), "202": json_of(strict.clone())}}}}}));
        assert_eq!(
            op["responses"]["200"]["content"]["application/json"]["schema"],
            json!({"oneOf": [strict, b]})
        );
    }

    #[test]
    fn a_file_makes_every_success_a_stream() {
        let op = responses_of(json!({"paths": {"/x": {"get": {"responses": {
            "200": {"description": "", "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
            "202": json_of(json!({"type": "object"}))}}}}}));
        assert!(
            op["responses"]["202"]["content"]
                .get("application/octet-stream")
                .is_some()
        );
    }

    #[test]
    fn component_responses_are_named_and_identical_ones_share_a_name() {
        let detail = json!({"type": "object", "properties": {"detail": {"type": "string"}}});
        let mut doc = json!({"components": {
        "schemas": {"Error": {"type": "object"}},
        "responses": {
            "ForbiddenError": json_of(detail.clone()),
            "NotFoundError": json_of(detail.clone()),
            "TargetList": json_of(json!({"type": "array"}))
        }}});
        crate::normalize::run_alone(run, &mut doc, Path::new("x.yaml")).unwrap();
        let r = &doc["components"]["responses"];
        let title = |n: &str| r[n]["content"]["application/json"]["schema"]["title"].clone();
        // `error` alone would collide with the `Error` schema.
        assert_eq!(title("ForbiddenError"), "error response");
        assert_eq!(title("NotFoundError"), "error response");
        assert_eq!(title("TargetList"), "TargetList");
        assert_eq!(common_suffix(&["a".into()]), None);
        assert_eq!(common_suffix(&["FooBar".into(), "Baz".into()]), None);
    }

    #[test]
    fn default_and_errors() {
        let e = json!({"$ref": "#/components/schemas/E"});
        let n = json!({"$ref": "#/components/schemas/NotFound"});
        let op = responses_of(json!({
            "components": {"responses": {"Missing": json_of(n.clone())}},
            "paths": {"/x": {"get": {"responses": {
                "200": {"description": "ok"},
                "401": {"description": "no body"},
                "404": {"$ref": "#/components/responses/Missing"},
                "default": json_of(e.clone())}}}}}));
        let r = &op["responses"];
        assert!(r.get("default").is_none());
        assert!(
            r.get("401").is_none(),
            "empty error next to JSON ones is dropped"
        );
        let merged = json!({"oneOf": [n, e], "title": " error"});
        for code in ["404", "4XX", "5XX"] {
            assert_eq!(
                r[code]["content"]["application/json"]["schema"], merged,
                "{code}"
            );
        }
        let only_default = responses_of(json!({"paths": {"/x": {"get": {"responses": {
            "default": json_of(e.clone())}}}}}));
        assert!(only_default["responses"].get("2XX").is_some());
    }

    #[test]
    fn look_alike_error_bodies_widen_into_one_object() {
        let strict = json!({"type": "object", "required": ["errors"], "properties": {
            "errors": {"type": "array", "items": {"type": "object", "required": ["message"],
                "properties": {"message": {"type": "string"}, "field": {"type": "string"}}}}}});
        let loose = json!({"type": "object", "properties": {
            "errors": {"type": "array", "items": {"type": "object",
                "properties": {"message": {"type": "string"}}}}}});
        let op = responses_of(
            json!({"paths": {"/x": {"get": {"operationId": "x", "responses": {
            "200": {"description": "ok"},
            "400": json_of(strict.clone()),
            "429": json_of(loose.clone())}}}}}),
        );
        let schema = &op["responses"]["400"]["content"]["application/json"]["schema"];
        assert_eq!(
            *schema,
            json!({"type": "object", "title": "x error", "properties": {
                "errors": {"type": "array", "items": {"type": "object",
                    "properties": {"message": {"type": "string"}, "field": {"type": "string"}}}}}})
        );
        assert_eq!(op["responses"]["429"], op["responses"]["400"]);
        // A property of another type, or a `$ref`, keeps the union.
        let other = json!({"type": "object", "properties": {"errors": {"type": "string"}}});
        assert_eq!(widened(&[strict.clone(), other]), None);
        let r = json!({"$ref": "#/components/schemas/E"});
        assert_eq!(widened(&[strict, r]), None);
    }
}
