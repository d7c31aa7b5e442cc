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

/// Parses spec text; JSON if the file name ends in `.json`, YAML otherwise.
pub fn parse(path: &Path, text: &str) -> Result<Value> {
    let syntax = |message: String| Error::Syntax { file: path.to_owned(), message };
    let value: Value = if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(text).map_err(|e| syntax(e.to_string()))?
    } else {
        serde_norway::from_str(text).map_err(|e| syntax(e.to_string()))?
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
            let Value::Object(entries) = entries else { continue };
            let into = object_entry(into, &section);
            for (k, v) in entries {
                let ptr = format!("/components/{}/{}", pointer_token(&section), pointer_token(&k));
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
        let ptr = path_to_pointer(e.path());
        Error::Spec {
            file: file.to_owned(),
            pointer: ptr,
            message: format!("not a valid OpenAPI 3.0 node: {}", e.inner()),
        }
    })
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
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
