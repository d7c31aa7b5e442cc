//! Loading spec files (YAML 1.2 or JSON) into JSON values, merging several files of one
//! provider, and turning the normalized value into `openapiv3::OpenAPI`.

use std::path::Path;

use serde_json::{Map, Value};

use crate::error::{Error, Result, pointer, pointer_token};

/// Reads a YAML or JSON file into a JSON value. YAML is read with YAML 1.2 rules, so
/// `yes`, `no`, `on` and `off` stay strings.
pub fn load(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).map_err(Error::io(path))?;
    parse(path, &text)
}

/// Parses spec text; JSON if the file name ends in `.json`, YAML otherwise. An integer
/// beyond 64 bits (OpenAI's `minimum: -9223372036854776000`) is read as the nearest
/// float in YAML too, as `serde_json` reads it in JSON.
pub fn parse(path: &Path, text: &str) -> Result<Value> {
    let syntax = |message: String| Error::Syntax {
        file: path.to_owned(),
        message,
    };
    let value: Value = if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(text).map_err(|e| syntax(e.to_string()))?
    } else {
        serde_norway::from_str::<Yaml>(text)
            .map_err(|e| syntax(e.to_string()))?
            .0
    };
    if !value.is_object() {
        return Err(Error::Spec {
            file: path.to_owned(),
            pointer: String::new(),
            message: "the document is not a mapping; expected an OpenAPI object".into(),
        });
    }
    Ok(value)
}

/// A JSON value read from YAML: `serde_json::Value` refuses the 128-bit integers
/// serde_norway hands over for numbers beyond `i64`/`u64`; these become floats.
struct Yaml(Value);

impl<'de> serde::Deserialize<'de> for Yaml {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(YamlVisitor).map(Yaml)
    }
}

struct YamlVisitor;

impl<'de> serde::de::Visitor<'de> for YamlVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> std::result::Result<Value, E> {
        Ok(v.into())
    }
    fn visit_i64<E>(self, v: i64) -> std::result::Result<Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E>(self, v: u64) -> std::result::Result<Value, E> {
        Ok(v.into())
    }
    fn visit_i128<E>(self, v: i128) -> std::result::Result<Value, E> {
        Ok(i64::try_from(v).map_or_else(|_| float(v as f64), Value::from))
    }
    fn visit_u128<E>(self, v: u128) -> std::result::Result<Value, E> {
        Ok(u64::try_from(v).map_or_else(|_| float(v as f64), Value::from))
    }
    fn visit_f64<E>(self, v: f64) -> std::result::Result<Value, E> {
        Ok(float(v))
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<Value, E> {
        Ok(v.into())
    }
    fn visit_string<E>(self, v: String) -> std::result::Result<Value, E> {
        Ok(v.into())
    }
    fn visit_unit<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<Value, D::Error> {
        serde::Deserialize::deserialize(d).map(|Yaml(v)| v)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Value, A::Error> {
        let mut out = vec![];
        while let Some(Yaml(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some((k, Yaml(v))) = map.next_entry::<String, Yaml>()? {
            out.insert(k, v);
        }
        Ok(Value::Object(out))
    }
}

/// A float as JSON; NaN and the infinities (`.nan`, `.inf` in YAML) have no JSON form
/// and read as `null`, as `serde_json::Value` reads them.
fn float(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

/// Merges `other` (from `file`) into `base`: `paths`, every `components` section and
/// `tags` are unioned. The same key defined twice with different content is an error.
pub fn merge(base: &mut Value, other: Value, file: &Path) -> Result<()> {
    let Value::Object(mut other) = other else {
        unreachable!("parse() only returns objects")
    };
    let base = base.as_object_mut().expect("parse() only returns objects");
    let conflict = |ptr: String| Error::Spec {
        file: file.to_owned(),
        pointer: ptr,
        message: "defined differently in an earlier spec file of this provider".into(),
    };
    if let Some(Value::Object(paths)) = other.remove("paths") {
        let into = object_entry(base, "paths");
        for (k, v) in paths {
            union_key(into, k, v, |k| conflict(pointer(["paths", k])))?;
        }
    }
    if let Some(Value::Object(components)) = other.remove("components") {
        let into = object_entry(base, "components");
        for (section, entries) in components {
            let Value::Object(entries) = entries else {
                continue;
            };
            let into = object_entry(into, &section);
            for (k, v) in entries {
                let ptr = format!(
                    "/components/{}/{}",
                    pointer_token(&section),
                    pointer_token(&k)
                );
                union_key(into, k, v, |_| conflict(ptr.clone()))?;
            }
        }
    }
    if let Some(Value::Array(tags)) = other.remove("tags") {
        let into = base.entry("tags").or_insert_with(|| Value::Array(vec![]));
        if let Value::Array(into) = into {
            for tag in tags {
                let name = tag.get("name").cloned();
                if !into.iter().any(|t| t.get("name") == name.as_ref()) {
                    into.push(tag);
                }
            }
        }
    }
    Ok(())
}

fn object_entry<'a>(map: &'a mut Map<String, Value>, key: &str) -> &'a mut Map<String, Value> {
    let slot = map.entry(key).or_insert_with(|| Value::Object(Map::new()));
    if !slot.is_object() {
        *slot = Value::Object(Map::new());
    }
    slot.as_object_mut().expect("just made an object")
}

fn union_key(
    into: &mut Map<String, Value>,
    key: String,
    value: Value,
    conflict: impl FnOnce(&str) -> Error,
) -> Result<()> {
    match into.get(&key) {
        Some(existing) if *existing != value => Err(conflict(&key)),
        Some(_) => Ok(()),
        None => {
            into.insert(key, value);
            Ok(())
        }
    }
}

/// Deserializes a normalized document into the openapiv3 model; a mismatch is reported
/// with the JSON pointer of the node that did not fit.
pub fn to_openapi(file: &Path, value: &Value) -> Result<openapiv3::OpenAPI> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let (pointer, message) = refine(value, path_to_pointer(e.path()), e.inner().to_string());
        Error::Spec {
            file: file.to_owned(),
            pointer,
            message: format!("not a valid OpenAPI 3.0 node: {message}"),
        }
    })
}

/// openapiv3 reads `paths` and `components` through flattened and untagged types, which
/// hide where inside them a mismatch is. Re-deserialize each entry on its own to find
/// the node.
fn refine(doc: &Value, pointer: String, message: String) -> (String, String) {
    fn first_error<T: serde::de::DeserializeOwned>(
        entries: &Map<String, Value>,
        prefix: &str,
    ) -> Option<(String, String)> {
        entries.iter().find_map(|(key, node)| {
            if node.get("$ref").is_some() {
                return None;
            }
            serde_path_to_error::deserialize::<_, T>(node)
                .err()
                .map(|e| {
                    (
                        format!(
                            "{prefix}/{}{}",
                            pointer_token(key),
                            path_to_pointer(e.path())
                        ),
                        e.inner().to_string(),
                    )
                })
        })
    }
    use openapiv3 as o;
    let found = match pointer.as_str() {
        "" | "/paths" => doc
            .get("paths")
            .and_then(Value::as_object)
            .and_then(|paths| first_error::<o::PathItem>(paths, "/paths")),
        _ => None,
    }
    .or_else(|| {
        if !(pointer.is_empty() || pointer.starts_with("/components")) {
            return None;
        }
        let components = doc.get("components")?.as_object()?;
        components.iter().find_map(|(section, entries)| {
            let entries = entries.as_object()?;
            let prefix = format!("/components/{}", pointer_token(section));
            match section.as_str() {
                "schemas" => first_error::<o::Schema>(entries, &prefix),
                "responses" => first_error::<o::Response>(entries, &prefix),
                "parameters" => first_error::<o::Parameter>(entries, &prefix),
                "requestBodies" => first_error::<o::RequestBody>(entries, &prefix),
                "headers" => first_error::<o::Header>(entries, &prefix),
                "securitySchemes" => first_error::<o::SecurityScheme>(entries, &prefix),
                _ => None,
            }
        })
    });
    found.unwrap_or((pointer, message))
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("/{index}")),
            Segment::Map { key } => {
                out.push('/');
                out.push_str(&pointer_token(key));
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    out
}

/// The SHA-256 of bytes, as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Maps whose keys are names the spec chose (`properties`, `headers`, ...), not OpenAPI
/// fields: an `x-request-id` or a `description` there is a name.
pub(crate) const NAME_MAPS: [&str; 16] = [
    "properties",
    "patternProperties",
    "headers",
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "securitySchemes",
    "links",
    "callbacks",
    "content",
    "encoding",
    "definitions",
    "$defs",
    "variables",
];

/// The first `$ref` of `doc` that resolves to nothing, as (JSON pointer of the node
/// holding it, its target). References into other files count as unresolved: the
/// generator reads one merged document. Specification extensions (`x-*` keys) are
/// opaque to OpenAPI, so a `$ref` inside one is not a reference (Dropbox Sign's
/// `x-codeSamples` point at example files), and neither is one in an example, default,
/// enum value or description. In [`NAME_MAPS`] those keys are names, and are followed.
pub fn dangling_ref(doc: &Value) -> Option<(String, String)> {
    /// Fields whose value is data or prose, not OpenAPI objects (a Redocly-style
    /// `description: {$ref: file.md}` is dropped by the `prose` pass).
    const LITERALS: [&str; 7] = [
        "example",
        "value",
        "default",
        "enum",
        "const",
        "description",
        "summary",
    ];
    fn walk(v: &Value, at: &mut String, doc: &Value) -> Option<(String, String)> {
        let names = at
            .rsplit('/')
            .next()
            .is_some_and(|last| NAME_MAPS.contains(&last));
        match v {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    let found = r.strip_prefix('#').and_then(|p| doc.pointer(p));
                    if found.is_none() {
                        return Some((at.clone(), r.clone()));
                    }
                }
                for (key, child) in map {
                    // Extensions are opaque; examples, defaults and enum values are
                    // data, where a `$ref` is a value (Dropbox Sign's example values
                    // `$ref` JSON files beside the spec), not a reference.
                    if !names && (key.starts_with("x-") || LITERALS.contains(&key.as_str())) {
                        continue;
                    }
                    let len = at.len();
                    at.push('/');
                    at.push_str(&pointer_token(key));
                    let hit = walk(child, at, doc);
                    at.truncate(len);
                    if hit.is_some() {
                        return hit;
                    }
                }
                None
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    let len = at.len();
                    at.push_str(&format!("/{i}"));
                    let hit = walk(child, at, doc);
                    at.truncate(len);
                    if hit.is_some() {
                        return hit;
                    }
                }
                None
            }
            _ => None,
        }
    }
    walk(doc, &mut String::new(), doc)
}

#[cfg(test)]
mod dangling_tests {
    use super::dangling_ref;
    use serde_json::json;

    #[test]
    fn refs_inside_extensions_are_not_references() {
        let doc = json!({"paths": {"/a": {"post": {
            "x-codeSamples": [{"source": {"$ref": "examples/A.php"}}],
            "responses": {"200": {"$ref": "#/components/responses/Nowhere"}}
        }}}});
        assert_eq!(
            dangling_ref(&doc),
            Some((
                "/paths/~1a/post/responses/200".to_owned(),
                "#/components/responses/Nowhere".to_owned()
            ))
        );
        let fine = json!({"x-tools": {"$ref": "elsewhere.yaml"}});
        assert_eq!(dangling_ref(&fine), None);
        let data = json!({"components": {"examples": {"A": {"value": {"$ref": "a.json"}}},
            "schemas": {"S": {"default": {"$ref": "x"}, "properties": {"value": {"$ref": "#/no"}}}}}});
        assert_eq!(
            dangling_ref(&data).map(|(at, _)| at),
            Some("/components/schemas/S/properties/value".to_owned())
        );
        let header = json!({"headers": {"x-request-id": {"$ref": "#/nowhere"}}});
        assert_eq!(
            dangling_ref(&header).map(|(at, _)| at),
            Some("/headers/x-request-id".to_owned())
        );
    }
}
