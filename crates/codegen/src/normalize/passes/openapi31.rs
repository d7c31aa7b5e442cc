//! Pass `openapi-3.1`: rewrites an OpenAPI 3.1 document into the 3.0 shapes progenitor
//! reads, keeping every interface fact it can express:
//!
//! - `type: [T, "null"]` becomes `type: T` + `nullable: true`; several non-null types
//!   drop `type` (any JSON value); `type: "null"` alone becomes `enum: [null]`;
//! - `const: v` becomes `enum: [v]`;
//! - numeric `exclusiveMinimum`/`exclusiveMaximum` become `minimum`/`maximum` plus the
//!   3.0 boolean flag;
//! - `$ref` with sibling keys: annotations (description, title, examples, ...) are
//!   dropped; `nullable` keeps the reference as `allOf: [$ref]` + `nullable`; any other
//!   constraint becomes `allOf: [$ref, {siblings}]`;
//! - `contentEncoding: base64` becomes `format: byte`, `contentMediaType` alone
//!   `format: binary`;
//! - JSON Schema keywords 3.0 lacks (`examples`, `$schema`, `$id`, `$comment`,
//!   `unevaluatedProperties`, `dependentRequired`, `patternProperties`, ...) are dropped;
//! - document level: `info.summary`, `info.license.identifier`, `jsonSchemaDialect`,
//!   `webhooks` (incoming calls, not operations of the client) and
//!   `components.pathItems` are dropped, and a missing `paths` becomes `{}`.
//!
//! A 3.0 document is left untouched.

use serde_json::{Value, json};

use crate::error::Result;
use crate::normalize::Ctx;
use crate::normalize::walk::{self, Object};

/// Keys a 3.0 schema does not have and that carry no type information for a client.
const DROPPED: [&str; 16] = [
    "examples",
    "$schema",
    "$id",
    "$anchor",
    "$dynamicAnchor",
    "$dynamicRef",
    "$comment",
    "$defs",
    "unevaluatedProperties",
    "unevaluatedItems",
    "dependentRequired",
    "dependentSchemas",
    "patternProperties",
    "propertyNames",
    "prefixItems",
    "contains",
];

/// Sibling keys of a `$ref` that only annotate it.
const ANNOTATIONS: [&str; 9] = [
    "description",
    "title",
    "summary",
    "example",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "$comment",
];

pub fn run(doc: &mut Value, _cx: &mut Ctx<'_>) -> Result<()> {
    let is_31 = doc
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.1."));
    if !is_31 {
        return Ok(());
    }
    let Value::Object(root) = doc else {
        return Ok(());
    };
    root.insert("openapi".into(), "3.0.3".into());
    for key in ["jsonSchemaDialect", "webhooks"] {
        root.remove(key);
    }
    if let Some(Value::Object(info)) = root.get_mut("info") {
        info.remove("summary");
        if let Some(Value::Object(license)) = info.get_mut("license") {
            license.remove("identifier");
        }
    }
    if let Some(Value::Object(components)) = root.get_mut("components") {
        components.remove("pathItems");
        if let Some(Value::Object(schemes)) = components.get_mut("securitySchemes") {
            // 3.0 has no mutualTLS scheme; a client cannot act on it from the spec anyway.
            schemes.retain(|_, s| s.get("type").and_then(Value::as_str) != Some("mutualTLS"));
        }
    }
    root.entry("paths").or_insert_with(|| json!({}));
    walk::schemas_mut(doc, &mut |schema, _| {
        downgrade(schema);
        Ok(())
    })
}

/// Rewrites one schema object (its subschemas were already visited).
fn downgrade(s: &mut Object) {
    if s.contains_key("$ref") && s.len() > 1 {
        ref_siblings(s);
        return;
    }
    match s.remove("type") {
        Some(Value::Array(types)) => {
            let null = types.iter().any(|t| t == "null");
            let rest: Vec<Value> = types.into_iter().filter(|t| t != "null").collect();
            match rest.len() {
                0 => {
                    s.insert("enum".into(), json!([null]));
                }
                1 => {
                    s.insert("type".into(), rest.into_iter().next().expect("one type"));
                }
                _ => {} // several types: any JSON value
            }
            if null {
                s.insert("nullable".into(), true.into());
            }
        }
        Some(Value::String(t)) if t == "null" => {
            s.insert("enum".into(), json!([null]));
            s.insert("nullable".into(), true.into());
        }
        Some(other) => {
            s.insert("type".into(), other);
        }
        None => {}
    }
    if let Some(c) = s.remove("const") {
        if c.is_null() {
            s.insert("nullable".into(), true.into());
        }
        s.insert("enum".into(), json!([c]));
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(n @ Value::Number(_)) = s.get(exclusive).cloned() {
            s.insert(bound.into(), n);
            s.insert(exclusive.into(), true.into());
        }
    }
    match (s.remove("contentEncoding"), s.remove("contentMediaType")) {
        (Some(e), _) if e == "base64" => {
            s.insert("format".into(), "byte".into());
        }
        (None, Some(_)) => {
            s.insert("format".into(), "binary".into());
        }
        _ => {}
    }
    if let Some(Value::Array(_)) = s.get("items") {
        // Tuple form (2019-09): no 3.0 equivalent, so any item.
        s.insert("items".into(), json!({}));
    }
    for key in DROPPED {
        s.remove(key);
    }
}

fn ref_siblings(s: &mut Object) {
    let reference = s.remove("$ref").expect("checked by the caller");
    let nullable = s.remove("nullable").is_some_and(|n| n == true)
        || s.get("type")
            .and_then(Value::as_array)
            .is_some_and(|t| t.iter().any(|t| t == "null"));
    s.remove("type");
    for key in ANNOTATIONS.iter().chain(DROPPED.iter()) {
        s.remove(*key);
    }
    let rest = std::mem::take(s);
    let mut all_of = vec![json!({ "$ref": reference })];
    if !rest.is_empty() {
        let mut rest = rest;
        downgrade(&mut rest);
        all_of.push(Value::Object(rest));
    }
    if all_of.len() == 1 && !nullable {
        s.insert("$ref".into(), all_of.remove(0)["$ref"].take());
        return;
    }
    s.insert("allOf".into(), Value::Array(all_of));
    if nullable {
        s.insert("nullable".into(), true.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn one(mut schema: Value) -> Value {
        let mut doc = json!({"openapi": "3.1.0", "components": {"schemas": {"S": schema.take()}}});
        crate::normalize::run_alone(run, &mut doc, Path::new("x.yaml")).unwrap();
        doc["components"]["schemas"]["S"].take()
    }

    #[test]
    fn type_arrays_const_and_bounds() {
        assert_eq!(
            one(json!({"type": ["string", "null"]})),
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(one(json!({"type": ["string", "integer"]})), json!({}));
        assert_eq!(
            one(json!({"type": "null"})),
            json!({"enum": [null], "nullable": true})
        );
        assert_eq!(one(json!({"const": "a"})), json!({"enum": ["a"]}));
        assert_eq!(
            one(json!({"type": "integer", "exclusiveMinimum": 0, "examples": [1]})),
            json!({"type": "integer", "exclusiveMinimum": true, "minimum": 0})
        );
    }

    #[test]
    fn ref_with_siblings() {
        let r = "#/components/schemas/T";
        assert_eq!(
            one(json!({"$ref": r, "description": "d"})),
            json!({"$ref": r})
        );
        assert_eq!(
            one(json!({"$ref": r, "type": ["object", "null"]})),
            json!({"allOf": [{"$ref": r}], "nullable": true})
        );
        assert_eq!(
            one(json!({"$ref": r, "maxItems": 3})),
            json!({"allOf": [{"$ref": r}, {"maxItems": 3}]})
        );
    }

    #[test]
    fn document_level_and_3_0_untouched() {
        let mut doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1", "summary": "s",
            "license": {"name": "MIT", "identifier": "MIT"}}, "webhooks": {}, "jsonSchemaDialect": "x"});
        crate::normalize::run_alone(run, &mut doc, Path::new("x.yaml")).unwrap();
        assert_eq!(
            doc,
            json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1", "license": {"name": "MIT"}}, "paths": {}})
        );
        let mut v30 = json!({"openapi": "3.0.1", "components": {"schemas": {"S": {"type": ["string", "null"]}}}});
        let before = v30.clone();
        crate::normalize::run_alone(run, &mut v30, Path::new("x.yaml")).unwrap();
        assert_eq!(v30, before);
    }
}
