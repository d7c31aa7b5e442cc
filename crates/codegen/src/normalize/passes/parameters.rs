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
//!   media type's schema; a parameter without a schema is a string;
//! - a header's inline schema is a string: an array becomes the string of its `simple`
//!   form (values joined by commas, listed in the description), `nullable` goes
//!   (progenitor sends a header with `to_string()`, which neither has).
//!
//! A query parameter whose schema is an object (OpenAI's `effective_at: {gt, gte, lt,
//! lte}`), which progenitor cannot send (it panics, "entered unreachable code"),
//! becomes one query parameter per property, as the spec's style puts them on the
//! wire: `effective_at[gt]`, ... for `deepObject`, `gt`, ... for `form` with `explode`
//! (the default). Each is required when the parameter is and the object requires the
//! property (an object's `anyOf`/`oneOf` with `null` counts as the object). An object
//! that cannot be spelled that way (with nested objects, a composition, other
//! properties allowed, `form` without `explode`) is dropped, with a note: it could
//! never be sent. A map (no `properties`) stays: progenitor sends it. This runs first,
//! before the styles fall back to `form`.
//!
//! Two parameters of one operation whose Rust names would collide (`page-size` and
//! `page_size`, or the same name in two locations): the later one is renamed in Rust
//! (see `resolve_collisions` for the rule) and still sent under its own name.

use std::collections::BTreeMap;

use heck::ToSnakeCase;
use serde_json::{Value, json};

use crate::error::{Error, Result};
use crate::normalize::walk::{self, Object};
use crate::normalize::{Ctx, RenamedParam};

pub fn run(doc: &mut Value, cx: &mut Ctx<'_>) -> Result<()> {
    flatten_object_params(doc, cx);
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
    walk::operations_mut(doc, &mut |path, method, op, ptr| {
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
        resolve_collisions(&mut merged, &components, cx, (path, method, ptr))?;
        if !merged.is_empty() {
            op.insert("parameters".into(), Value::Array(merged));
        }
        Ok(())
    })
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Replaces every object-typed query parameter (see the module doc) in path items and
/// operations by its properties, or drops it.
fn flatten_object_params(doc: &mut Value, cx: &mut Ctx<'_>) {
    let components = doc.get("components").cloned().unwrap_or(Value::Null);
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        let mut lists: Vec<(String, &mut Value)> = vec![];
        for (key, v) in item.iter_mut() {
            if key == "parameters" {
                lists.push((path.clone(), v));
            } else if METHODS.contains(&key.as_str())
                && let Some(list) = v.get_mut("parameters")
            {
                lists.push((format!("{} {path}", key.to_uppercase()), list));
            }
        }
        for (place, list) in lists {
            let Value::Array(params) = list else { continue };
            let mut out: Vec<Value> = vec![];
            for p in std::mem::take(params) {
                let d = walk::deref(&p, &components);
                let schema = d
                    .get("schema")
                    .map(|s| without_null(walk::deref(s, &components), &components));
                // A map (no `properties`) is left alone: progenitor sends it.
                let is_object = d.get("in") == Some(&json!("query"))
                    && schema.is_some_and(|s| {
                        s.get("properties")
                            .and_then(Value::as_object)
                            .is_some_and(|p| !p.is_empty())
                            // A `type` the `schemas` pass drops later (`null`, a
                            // number) leaves an object too: progenitor panics on it.
                            && s.get("type").is_none_or(|t| {
                                !matches!(
                                    t.as_str(),
                                    Some("string" | "integer" | "number" | "boolean" | "array")
                                )
                            })
                    });
                if !is_object {
                    out.push(p);
                    continue;
                }
                let name = d
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned();
                match flatten(d, schema.expect("checked"), &components) {
                    Some(flat) => {
                        let names: Vec<&str> = flat
                            .iter()
                            .filter_map(|f| f.get("name").and_then(Value::as_str))
                            .collect();
                        cx.facts.note(format!(
                            "{place}: object query parameter `{name}` sent as {}",
                            names.join(", ")
                        ));
                        out.extend(flat);
                    }
                    None => cx.facts.note(format!(
                        "{place}: object query parameter `{name}` dropped: it has no flat form a client can send"
                    )),
                }
            }
            *params = out;
        }
    }
}

/// The one non-null member of an `anyOf`/`oneOf` with `null` (what the `schemas` pass
/// makes of it later, so a second run decides the same), else `s`.
fn without_null<'a>(s: &'a Value, components: &'a Value) -> &'a Value {
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(members)) = s.get(key) {
            let rest: Vec<&Value> = members
                .iter()
                .filter(|m| !super::schemas::null_only(m))
                .collect();
            if rest.len() == 1 && rest.len() < members.len() {
                return walk::deref(rest[0], components);
            }
        }
    }
    s
}

/// One query parameter per property of `schema` (the parameter `p`'s object), named
/// as its style sends it; `None` when the object has no such form.
fn flatten(p: &Value, schema: &Value, components: &Value) -> Option<Vec<Value>> {
    let name = p.get("name").and_then(Value::as_str)?;
    let deep = p.get("style") == Some(&json!("deepObject"));
    let explode = p.get("explode") != Some(&Value::Bool(false));
    if !deep && !explode {
        return None;
    }
    if ["allOf", "anyOf", "oneOf"]
        .iter()
        .any(|k| schema.get(*k).is_some())
    {
        return None;
    }
    if schema
        .get("additionalProperties")
        .is_some_and(|a| a != &Value::Bool(false))
    {
        return None;
    }
    let props = schema.get("properties").and_then(Value::as_object)?;
    if props.is_empty() {
        return None;
    }
    let required_param = p.get("required") == Some(&Value::Bool(true));
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let scalar = |s: &Value| {
        let s = walk::deref(s, components);
        matches!(
            s.get("type").and_then(Value::as_str),
            Some("string" | "integer" | "number" | "boolean")
        ) && ["allOf", "anyOf", "oneOf"]
            .iter()
            .all(|k| s.get(*k).is_none())
    };
    let mut out = vec![];
    for (prop, prop_schema) in props {
        let resolved = walk::deref(prop_schema, components);
        let ok = scalar(prop_schema)
            || (resolved.get("type") == Some(&json!("array"))
                && resolved.get("items").is_some_and(scalar));
        if !ok {
            return None;
        }
        let mut flat = json!({
            "name": if deep { format!("{name}[{prop}]") } else { prop.clone() },
            "in": "query",
            "schema": prop_schema,
        });
        if required_param && required.contains(&prop.as_str()) {
            flat["required"] = true.into();
        }
        if let Some(d) = resolved.get("description").or_else(|| p.get("description")) {
            flat["description"] = d.clone();
        }
        out.push(flat);
    }
    Some(out)
}

/// A header is one string: progenitor sends a header's value with `to_string()`, which
/// an array (OpenAI's `OpenAI-Beta: [enum]`) or a nullable value does not have. An
/// array becomes the string of its `simple`-style form (values joined by commas, as
/// the wire has it), a nullable schema loses `nullable` (an absent header is `None`).
fn header_schema(p: &mut Object) {
    let Some(Value::Object(schema)) = p.get_mut("schema") else {
        return;
    };
    schema.remove("nullable");
    if schema.get("type") != Some(&json!("array")) {
        return;
    }
    let items = schema
        .get("items")
        .map(|i| {
            i.get("enum")
                .and_then(Value::as_array)
                .map(|values| {
                    let listed: Vec<String> = values
                        .iter()
                        .map(|v| {
                            format!(
                                "`{}`",
                                v.as_str().map_or_else(|| v.to_string(), str::to_owned)
                            )
                        })
                        .collect();
                    format!(" of {}", listed.join(", "))
                })
                .unwrap_or_default()
        })
        .unwrap_or_default();
    let mut text = format!("Several values{items}, joined by commas (`simple` style).");
    if let Some(Value::String(d)) = schema.get("description") {
        text = format!("{d}\n\n{text}");
    }
    schema.clear();
    schema.insert("type".into(), "string".into());
    schema.insert("description".into(), text.into());
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
            header_schema(p);
        }
        _ => {}
    }
}

/// Gives every parameter of one operation its own Rust name. Two names that become the
/// same snake_case identifier (`MaxResults` and `max-results`) are resolved by one rule:
/// the later one in the operation's list is renamed, to `{rust}_{location}` when the
/// two are in different locations (`page_token_header`), else to `{rust}_2`, `_3`, ...
/// (the first free one). The renamed parameter is sent under its real name: the
/// operation's `renamed_params` fact tells the generated hooks to put it back. A path
/// parameter cannot be renamed (its name is in the template): a collision there is an
/// error naming both.
fn resolve_collisions(
    params: &mut [Value],
    components: &Value,
    cx: &mut Ctx<'_>,
    at: (&str, &str, &str),
) -> Result<()> {
    let (path, method, ptr) = at;
    let mut taken: BTreeMap<String, (usize, String, String)> = BTreeMap::new();
    for (i, param) in params.iter_mut().enumerate() {
        let p = walk::deref(param, components).clone();
        let name = p
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        let location = p.get("in").and_then(Value::as_str).unwrap_or("").to_owned();
        let rust = name.to_snake_case();
        let Some((j, other_loc, other)) = taken.get(&rust).cloned() else {
            taken.insert(rust, (i, location, name));
            continue;
        };
        if location == "path" || !matches!(location.as_str(), "query" | "header") {
            return Err(Error::Spec {
                file: cx.file.to_owned(),
                pointer: format!("{ptr}/parameters/{i}"),
                message: format!(
                    "{location} parameter `{name}` and {other_loc} `{other}` (parameters/{j}) both become `{rust}` in Rust, and a {location} parameter cannot be renamed"
                ),
            });
        }
        let mut candidates = vec![];
        if location != other_loc {
            candidates.push(format!("{rust}_{location}"));
        }
        candidates.extend((2..).map(|n| format!("{rust}_{n}")).take(64));
        let Some(sent_as) = candidates.into_iter().find(|c| !taken.contains_key(c)) else {
            return Err(Error::Spec {
                file: cx.file.to_owned(),
                pointer: format!("{ptr}/parameters/{i}"),
                message: format!("no free Rust name for {location} parameter `{name}`"),
            });
        };
        // An inline copy, so a shared component parameter keeps its name elsewhere.
        let mut renamed = p;
        renamed["name"] = Value::String(sent_as.clone());
        *param = renamed;
        cx.facts.note(format!(
            "{} {path}: {location} parameter `{name}` is `{sent_as}` in Rust (its name collides with {other_loc} `{other}`); it is still sent as `{name}`",
            method.to_uppercase()
        ));
        cx.facts
            .entry(path, method)
            .renamed_params
            .push(RenamedParam {
                location: location.clone(),
                sent_as: sent_as.clone(),
                name: name.clone(),
            });
        taken.insert(sent_as, (i, location, name));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

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
    fn colliding_rust_names_are_renamed_by_location_then_number() {
        let mut doc = json!({
            "components": {"parameters": {"Size": {"name": "page-size", "in": "header", "schema": {"type": "integer"}}}},
            "paths": {"/x": {"get": {"parameters": [
                {"name": "page_size", "in": "query", "schema": {"type": "integer"}},
                {"$ref": "#/components/parameters/Size"},
                {"name": "MaxResults", "in": "query", "schema": {"type": "integer"}},
                {"name": "max-results", "in": "query", "schema": {"type": "integer"}},
                {"name": "max_results", "in": "query", "schema": {"type": "integer"}}
            ]}}}
        });
        let facts = crate::normalize::run_alone(run, &mut doc, Path::new("x.yaml")).unwrap();
        let names: Vec<&str> = doc["paths"]["/x"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "page_size",
                "page_size_header",
                "MaxResults",
                "max_results_2",
                "max_results_3"
            ]
        );
        assert_eq!(
            doc["components"]["parameters"]["Size"]["name"], "page-size",
            "the shared component keeps its name"
        );
        let renamed = &facts.get("/x", "get").unwrap().renamed_params;
        let pairs: Vec<(&str, &str, &str)> = renamed
            .iter()
            .map(|r| (r.location.as_str(), r.sent_as.as_str(), r.name.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("header", "page_size_header", "page-size"),
                ("query", "max_results_2", "max-results"),
                ("query", "max_results_3", "max_results"),
            ]
        );
        assert_eq!(facts.notes.len(), 3, "{:?}", facts.notes);
        // A second run finds nothing left to rename (normalization is idempotent).
        let again = crate::normalize::run_alone(run, &mut doc, Path::new("x.yaml")).unwrap();
        assert!(again.is_empty(), "{again:?}");
    }

    #[test]
    fn colliding_path_parameters_are_an_error_naming_both() {
        let mut doc = json!({"paths": {"/x/{itemId}/{item_id}": {"get": {"parameters": [
            {"name": "itemId", "in": "path", "schema": {"type": "string"}},
            {"name": "item_id", "in": "path", "schema": {"type": "string"}}
        ]}}}});
        let e = crate::normalize::run_alone(run, &mut doc, Path::new("x.yaml"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("path parameter `item_id` and path `itemId`"),
            "{e}"
        );
        assert!(e.contains("cannot be renamed"), "{e}");
    }

    #[test]
    fn template_names_in_order() {
        assert_eq!(walk::template_names("/a/{x}.json/{y}"), ["x", "y"]);
    }
}
