//! Pass `media-types`: one media type per body, named the way progenitor recognises it.
//!
//! Names are canonicalised first:
//! - JSON in any spelling becomes `application/json`: parameters
//!   (`application/json; charset=utf-8`), the malformed `application/json,
//!   charset=utf-8`, `text/json`, `+json` suffixes (`application/problem+json`,
//!   `application/vnd.api+json`), and `*/*` or `application/*` unless the schema is
//!   binary;
//! - everything else keeps its lower-cased name without parameters.
//!
//! Responses: when JSON is offered it is the only one kept (so `text/plain` next to
//! JSON is dropped); otherwise the first type is kept, which progenitor returns as a
//! byte stream (pdf, png, zpl, csv, octet-stream, ...). A JSON type without a schema
//! gets `{}` (any JSON value). A response read as JSON from a wildcard (`*/*`,
//! `application/*`) records that wildcard as the operation's `response_wildcard` fact:
//! the client's `Accept` names it too, beside `application/json`.
//!
//! Request bodies: one type is chosen, by preference JSON, form-urlencoded,
//! multipart/form-data, octet-stream, text/plain, then the first. progenitor sends JSON,
//! form-urlencoded, raw bytes and plain text itself; for the others the pass records the
//! real type as the operation's `request_media` fact and rewrites the body to what
//! progenitor can build:
//! - `multipart/form-data`: the object schema is kept and declared as JSON; the
//!   generated client re-encodes the JSON body into multipart parts before sending;
//! - any other type (`application/xml`, `application/pdf`, ...), or `text/plain` with a
//!   non-string schema: raw bytes (`application/octet-stream`, `string`/`binary`), sent
//!   with the real `Content-Type`.
//!
//! Request-body `encoding` maps are dropped (progenitor has no use for them).

use serde_json::{Map, Value, json};

use crate::error::Result;
use crate::normalize::Ctx;
use crate::normalize::walk::{self, Object};

/// Canonical name of a media type key.
pub fn canonical(media: &str, schema: Option<&Value>) -> String {
    let base = media
        .split([';', ','])
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let binary = schema
        .and_then(|s| s.get("format"))
        .is_some_and(|f| f == "binary" || f == "byte");
    match base.as_str() {
        "application/json" | "text/json" | "application/x-json" => "application/json".into(),
        "*/*" | "application/*" | "" if !binary => "application/json".into(),
        "*/*" | "application/*" | "" => "application/octet-stream".into(),
        b if b.ends_with("+json") => "application/json".into(),
        b => b.to_owned(),
    }
}

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";
const OCTET: &str = "application/octet-stream";
const TEXT: &str = "text/plain";

pub fn run(doc: &mut Value, cx: &mut Ctx<'_>) -> Result<()> {
    // Responses, wherever they are (components or inline); the component responses
    // read as JSON from a wildcard type, for the operations that use them.
    let mut wild_components: Map<String, Value> = Map::new();
    if let Some(Value::Object(responses)) = doc.pointer_mut("/components/responses") {
        for (name, r) in responses.iter_mut() {
            if let Some(wildcard) = response(r) {
                wild_components.insert(
                    format!(
                        "#/components/responses/{}",
                        crate::error::pointer_token(name)
                    ),
                    wildcard.into(),
                );
            }
        }
    }
    // Read before any rewrite; only the declared properties of bodies are looked at.
    let components = doc.get("components").cloned().unwrap_or(Value::Null);
    // Shared request bodies: the chosen type is the same for every user of the body.
    let mut shared_media: Map<String, Value> = Map::new();
    if let Some(Value::Object(bodies)) = doc.pointer_mut("/components/requestBodies") {
        for (name, b) in bodies.iter_mut() {
            if let Some(original) = request_body(b) {
                shared_media.insert(
                    format!("#/components/requestBodies/{name}"),
                    original.into(),
                );
            }
        }
    }
    walk::operations_mut(doc, &mut |path, method, op, _| {
        let mut wildcard: Option<String> = None;
        if let Some(Value::Object(responses)) = op.get_mut("responses") {
            for r in responses.values_mut() {
                let found = match r.get("$ref").and_then(Value::as_str) {
                    Some(target) => wild_components
                        .get(target)
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    None => response(r),
                };
                wildcard = wildcard.or(found);
            }
        }
        if let Some(wildcard) = wildcard {
            cx.facts.entry(path, method).response_wildcard = Some(wildcard);
        }
        let original = match op.get_mut("requestBody") {
            Some(b) if b.get("$ref").is_some() => b
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| shared_media.get(r))
                .and_then(Value::as_str)
                .map(str::to_owned),
            Some(b) => request_body(b),
            None => None,
        };
        if let Some(original) = original {
            let binary = if original == MULTIPART {
                binary_fields(op, &components)
            } else {
                vec![]
            };
            let facts = cx.facts.entry(path, method);
            facts.request_media = Some(original);
            facts.binary_fields = binary;
        }
        Ok(())
    })
}

/// The properties of a (now JSON-declared) multipart body that are binary: `type:
/// string, format: binary`, or arrays of them. Sorted, for a stable fact.
fn binary_fields(op: &Object, components: &Value) -> Vec<String> {
    let Some(body) = op.get("requestBody") else {
        return vec![];
    };
    let body = walk::deref(body, components);
    let Some(schema) = body.pointer("/content/application~1json/schema") else {
        return vec![];
    };
    let schema = walk::deref(schema, components);
    let binary = |s: &Value| {
        let s = walk::deref(s, components);
        let s = match s.get("type").and_then(Value::as_str) {
            Some("array") => s.get("items").map_or(s, |i| walk::deref(i, components)),
            _ => s,
        };
        s.get("format").and_then(Value::as_str) == Some("binary")
    };
    let mut out: Vec<String> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|props| {
            props
                .iter()
                .filter(|(_, p)| binary(p))
                .map(|(name, _)| name.clone())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Canonicalised content map, first entry per canonical name kept.
fn canonical_content(content: &Object) -> Vec<(String, Value)> {
    canonical_named(content)
        .into_iter()
        .map(|(name, _, m)| (name, m))
        .collect()
}

/// [`canonical_content`] with each entry's name as the spec spells it.
fn canonical_named(content: &Object) -> Vec<(String, String, Value)> {
    let mut out: Vec<(String, String, Value)> = vec![];
    for (media, m) in content {
        let name = canonical(media, m.get("schema"));
        if !out.iter().any(|(n, _, _)| *n == name) {
            out.push((name, media.clone(), m.clone()));
        }
    }
    out
}

/// Keeps one media type of a response; returns the wildcard it was declared under
/// (`*/*`, `application/*`) when that is what is now read as JSON.
fn response(r: &mut Value) -> Option<String> {
    let Some(Value::Object(content)) = r.get_mut("content") else {
        return None;
    };
    let entries = canonical_named(content);
    let chosen = entries
        .iter()
        .find(|(n, _, _)| n == JSON)
        .or_else(|| entries.first())
        .cloned();
    content.clear();
    let (name, declared, mut m) = chosen?;
    let declared = declared
        .split([';', ','])
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let wildcard = (name == JSON && declared.ends_with("/*")).then_some(declared);
    if !m.is_object() {
        m = json!({}); // a media type object that is `null` or no object says nothing
    }
    if name == JSON
        && let Value::Object(m) = &mut m
    {
        if m.get("schema").is_none_or(Value::is_null) {
            m.insert("schema".into(), json!({}));
        }
        m.remove("encoding");
    }
    content.insert(name, m);
    wildcard
}

/// Rewrites one request body; returns the real media type when the client must send
/// something other than what the rewritten body declares.
fn request_body(b: &mut Value) -> Option<String> {
    let Some(Value::Object(content)) = b.get_mut("content") else {
        return None;
    };
    let entries = canonical_content(content);
    let rank = |n: &str| match n {
        JSON => 0,
        FORM => 1,
        MULTIPART => 2,
        OCTET => 3,
        TEXT => 4,
        _ => 5,
    };
    let (name, mut m) = entries.iter().min_by_key(|(n, _)| rank(n)).cloned()?;
    content.clear();
    if !m.is_object() {
        m = json!({}); // a media type object that is `null` or no object says nothing
    }
    if let Value::Object(m) = &mut m {
        m.remove("encoding");
        if m.get("schema").is_none_or(Value::is_null) {
            m.insert("schema".into(), json!({}));
        }
    }
    let plain_string = |m: &Value| {
        let s = m.get("schema");
        s.and_then(|s| s.get("type")) == Some(&json!("string"))
            && s.and_then(|s| s.get("format")).is_none()
            && s.and_then(|s| s.get("enum")).is_none()
    };
    let binary = || json!({"schema": {"type": "string", "format": "binary"}});
    match name.as_str() {
        JSON | FORM => {
            content.insert(name, m);
            None
        }
        OCTET => {
            content.insert(name, binary());
            None
        }
        TEXT if plain_string(&m) => {
            content.insert(name, json!({"schema": {"type": "string"}}));
            None
        }
        MULTIPART => {
            content.insert(JSON.into(), m);
            Some(name)
        }
        _ => {
            content.insert(OCTET.into(), binary());
            Some(name)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn canonical_names() {
        for json_like in [
            "application/json; charset=utf-8",
            "application/json, charset=utf-8",
            "Application/JSON",
            "application/problem+json",
            "text/json",
            "*/*",
        ] {
            assert_eq!(canonical(json_like, None), JSON, "{json_like}");
        }
        let bin = json!({"type": "string", "format": "binary"});
        assert_eq!(canonical("*/*", Some(&bin)), OCTET);
        assert_eq!(canonical("application/pdf", None), "application/pdf");
        assert_eq!(canonical("text/csv; header=present", None), "text/csv");
    }

    #[test]
    fn responses_keep_json_else_the_first() {
        let mut doc = json!({"paths": {"/x": {"get": {"responses": {
            "200": {"content": {"text/plain": {"schema": {"type": "string"}},
                                 "application/json; charset=utf-8": {"schema": {"type": "object"}}}},
            "201": {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}},
                                 "image/png": {}}},
            "202": {"content": {"application/json": {}}}
        }}}}});
        crate::normalize::run_alone(run, &mut doc, Path::new("x.yaml")).unwrap();
        let r = &doc["paths"]["/x"]["get"]["responses"];
        assert_eq!(
            r["200"]["content"],
            json!({"application/json": {"schema": {"type": "object"}}})
        );
        assert_eq!(
            r["201"]["content"],
            json!({"application/pdf": {"schema": {"type": "string", "format": "binary"}}})
        );
        assert_eq!(
            r["202"]["content"],
            json!({"application/json": {"schema": {}}})
        );
    }

    #[test]
    fn binary_fields_of_multipart_bodies_are_recorded() {
        let mut doc = json!({"paths": {"/up": {"post": {"requestBody": {"content": {
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "note": {"type": "string"},
            "file": {"type": "string", "format": "binary"},
            "pages": {"type": "array", "items": {"type": "string", "format": "binary"}}
        }}}}}}}}});
        let facts = crate::normalize::run_alone(run, &mut doc, Path::new("x.yaml")).unwrap();
        let f = facts.get("/up", "post").unwrap();
        assert_eq!(f.request_media.as_deref(), Some("multipart/form-data"));
        assert_eq!(f.binary_fields, ["file", "pages"]);
    }

    #[test]
    fn request_bodies_pick_one_and_record_the_real_type() {
        let object = json!({"type": "object", "properties": {"a": {"type": "string"}}});
        let mut doc = json!({
            "components": {"requestBodies": {"Upload": {"content": {"multipart/form-data": {"schema": object, "encoding": {"a": {}}}}}}},
            "paths": {"/x": {
                "post": {"requestBody": {"content": {"text/plain": {"schema": {"type": "string"}},
                                                      "application/x-www-form-urlencoded": {"schema": object},
                                                      "application/json": {"schema": object}}}},
                "put": {"requestBody": {"$ref": "#/components/requestBodies/Upload"}},
                "patch": {"requestBody": {"content": {"application/xml": {"schema": object}}}}
            }}
        });
        let facts = crate::normalize::run_alone(run, &mut doc, Path::new("x.yaml")).unwrap();
        let media = |method| {
            facts
                .get("/x", method)
                .and_then(|f| f.request_media.as_deref())
        };
        let x = &doc["paths"]["/x"];
        assert_eq!(
            x["post"]["requestBody"]["content"],
            json!({"application/json": {"schema": object}})
        );
        assert_eq!(media("post"), None);
        assert_eq!(media("put"), Some("multipart/form-data"));
        assert_eq!(
            doc["components"]["requestBodies"]["Upload"]["content"],
            json!({"application/json": {"schema": object}})
        );
        assert_eq!(media("patch"), Some("application/xml"));
        assert!(
            !doc.to_string().contains("x-apikit"),
            "facts stay out of the document"
        );
        assert_eq!(
            x["patch"]["requestBody"]["content"],
            json!({"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}})
        );
    }
}
