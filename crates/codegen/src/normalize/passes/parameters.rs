//! Pass `parameters`: puts every operation's parameters in the one shape progenitor
//! generates without asserting:
//!
//! - path-level parameters are copied into each operation (an operation's own
//!   parameter with the same name and location wins) and removed from the path item;
//! - a `{name}` in the path template without a declared parameter gets one
//!   (`required`, `type: string`); path parameters are always `required`; a path
//!   parameter the template does not name is dropped (it could never be sent);
//! - header parameters named `Accept`, `Content-Type` or `Authorization` are dropped
//!   (OpenAPI says they are ignored: the client sets those headers), as are `cookie`
//!   parameters, which progenitor cannot send;
//! - query `style`s other than `form` (`deepObject`, `spaceDelimited`,
//!   `pipeDelimited`) fall back to `form`; a parameter given by `content` gets that
//!   media type's schema; a parameter without a schema is a string.
//!
//! Two parameters of one operation whose Rust names would collide (`page-size` and
//! `page_size`, or the same name in two locations) are an error naming both.

use std::collections::BTreeMap;
use std::path::Path;

use heck::ToSnakeCase;
use serde_json::{Value, json};

use crate::error::{Error, Result};
use crate::normalize::Ctx;
use crate::normalize::walk::{self, Object};

pub fn run(doc: &mut Value, cx: &mut Ctx<'_>) -> Result<()> {
    let file = cx.file;
    let components = doc.get("components").cloned().unwrap_or(Value::Null);
    if let Some(Value::Object(params)) = doc
        .pointer_mut("/components/parameters")
        .map(|v| v as &mut Value)
    {
        for p in params.values_mut() {
            if let Value::Object(p) = p {
                fix(p);
            }
        }
    }
    // Path-level parameters, taken off every path item first.
    let mut shared: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            if let Some(Value::Array(list)) =
                item.as_object_mut().and_then(|i| i.remove("parameters"))
            {
                shared.insert(path.clone(), list);
            }
        }
    }
    walk::operations_mut(doc, &mut |path, _method, op, ptr| {
        let own = match op.remove("parameters") {
            Some(Value::Array(list)) => list,
            _ => vec![],
        };
        let mut merged: Vec<Value> = vec![];
        let key = |p: &Value| {
            let p = walk::deref(p, &components);
            (
                p.get("name").and_then(Value::as_str).map(str::to_owned),
                p.get("in").and_then(Value::as_str).map(str::to_owned),
            )
        };
        let own_keys: Vec<_> = own.iter().map(key).collect();
        for p in shared.get(path).into_iter().flatten() {
            if !own_keys.contains(&key(p)) {
                merged.push(p.clone());
            }
        }
        merged.extend(own);
        merged.retain(|p| keep(walk::deref(p, &components)));
        for p in &mut merged {
            if let Value::Object(p) = p
                && !p.contains_key("$ref")
            {
                fix(p);
            }
        }
        // A path parameter the template does not have can never be sent (progenitor
        // panics on it): drop it.
        let names = walk::template_names(path);
        merged.retain(|p| {
            let p = walk::deref(p, &components);
            p.get("in") != Some(&json!("path"))
                || p.get("name")
                    .and_then(Value::as_str)
                    .is_some_and(|n| names.contains(&n))
        });
        // Declare template variables nobody declared.
        for name in names {
            let declared = merged.iter().any(|p| {
                let p = walk::deref(p, &components);
                p.get("in") == Some(&json!("path")) && p.get("name") == Some(&json!(name))
            });
            if !declared {
                merged.push(json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}));
            }
        }
        check_collisions(&merged, &components, file, ptr)?;
        if !merged.is_empty() {
            op.insert("parameters".into(), Value::Array(merged));
        }
        Ok(())
    })
}

fn keep(p: &Value) -> bool {
    let name = p.get("name").and_then(Value::as_str).unwrap_or("");
    match p.get("in").and_then(Value::as_str) {
        Some("cookie") => false,
        Some("header") => !["accept", "content-type", "authorization"]
            .contains(&name.to_ascii_lowercase().as_str()),
        _ => true,
    }
}

fn fix(p: &mut Object) {
    if !p.contains_key("schema") {
        let from_content = p
            .get("content")
            .and_then(Value::as_object)
            .and_then(|c| c.values().next())
            .and_then(|m| m.get("schema"))
            .cloned();
        p.insert(
            "schema".into(),
            from_content.unwrap_or_else(|| json!({"type": "string"})),
        );
    }
    p.remove("content");
    match p.get("in").and_then(Value::as_str) {
        Some("path") => {
            p.insert("required".into(), true.into());
            p.remove("style");
            p.remove("explode");
        }
        Some("query") if p.get("style").is_some_and(|s| s != "form") => {
            p.remove("style");
        }
        Some("header") => {
            p.remove("style");
        }
        _ => {}
    }
}

fn check_collisions(params: &[Value], components: &Value, file: &Path, ptr: &str) -> Result<()> {
    let mut seen: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for (i, p) in params.iter().enumerate() {
        let p = walk::deref(p, components);
        let name = p.get("name").and_then(Value::as_str).unwrap_or("");
        let location = p.get("in").and_then(Value::as_str).unwrap_or("");
        let rust = name.to_snake_case();
        if let Some((j, other)) = seen.insert(rust.clone(), (i, format!("{location} `{name}`"))) {
            return Err(Error::Spec {
                file: file.to_owned(),
                pointer: format!("{ptr}/parameters/{i}"),
                message: format!(
                    "{location} parameter `{name}` and {other} (parameters/{j}) both become `{rust}` in Rust; rename one in the spec"
                ),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hoists_declares_and_drops() {
        let mut doc = json!({"paths": {"/orgs/{orgId}/items/{itemId}": {
            "parameters": [
                {"name": "orgId", "in": "path", "schema": {"type": "string"}},
                {"name": "verbose", "in": "query", "schema": {"type": "boolean"}}
            ],
            "get": {"parameters": [
                {"name": "verbose", "in": "query", "required": true, "schema": {"type": "boolean"}},
                {"name": "Authorization", "in": "header", "schema": {"type": "string"}},
                {"name": "session", "in": "cookie", "schema": {"type": "string"}},
                {"name": "filter", "in": "query", "style": "deepObject", "content": {"application/json": {"schema": {"type": "object"}}}}
            ]}
        }}});
        crate::normalize::run_alone(run, &mut doc, Path::new("x.yaml")).unwrap();
        let item = &doc["paths"]["/orgs/{orgId}/items/{itemId}"];
        assert!(item.get("parameters").is_none());
        assert_eq!(
            item["get"]["parameters"],
            json!([
                {"name": "orgId", "in": "path", "required": true, "schema": {"type": "string"}},
                {"name": "verbose", "in": "query", "required": true, "schema": {"type": "boolean"}},
                {"name": "filter", "in": "query", "schema": {"type": "object"}},
                {"name": "itemId", "in": "path", "required": true, "schema": {"type": "string"}}
            ])
        );
    }

    #[test]
    fn colliding_rust_names_are_an_error_naming_both() {
        let mut doc = json!({"paths": {"/x": {"get": {"parameters": [
            {"name": "page_size", "in": "query", "schema": {"type": "integer"}},
            {"name": "page-size", "in": "header", "schema": {"type": "integer"}}
        ]}}}});
        let e = crate::normalize::run_alone(run, &mut doc, Path::new("x.yaml"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "x.yaml#/paths/~1x/get/parameters/1: header parameter `page-size` and query `page_size` (parameters/0) both become `page_size` in Rust; rename one in the spec"
        );
    }

    #[test]
    fn template_names_in_order() {
        assert_eq!(walk::template_names("/a/{x}.json/{y}"), ["x", "y"]);
    }
}
