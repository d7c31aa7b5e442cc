//! Pass `constraints`: a client never refuses what a server may accept (smithy-rs RFC
//! 0025). typify turns a string's `pattern`, `minLength` and `maxLength` into a newtype
//! whose `TryFrom` and `Deserialize` check them, so an old client would refuse an id in
//! a new format, in a request it builds and in a response it reads. This pass moves
//! those three keywords of every schema into its description ("Server-side
//! constraints, not checked by this client: ...") and deletes them, so the field is a
//! plain `String` (or a component's newtype with an infallible `From<String>`).
//!
//! It runs once, after every other pass, on a provider's merged document
//! ([`super::super::finish`]); the document from just before it, with the constraints,
//! is kept as [`Normalized::with_constraints`](crate::Normalized::with_constraints) for
//! what must satisfy a server: the value synthesizer's requests.
//!
//! Numeric bounds stay: typify uses them to choose an integer type, not to refuse
//! values, and array and object bounds are not enforced by typify.

use serde_json::Value;

use crate::error::Result;
use crate::normalize::Ctx;
use crate::normalize::walk::{self, Object};

pub fn run(doc: &mut Value, _cx: &mut Ctx<'_>) -> Result<()> {
    walk::schemas_mut(doc, &mut |s, _| {
        describe(s);
        Ok(())
    })
}

fn describe(s: &mut Object) {
    let mut parts = vec![];
    if let Some(pattern) = s.remove("pattern") {
        match pattern.as_str() {
            Some(p) => parts.push(format!("matches the pattern `{}`", p.replace('`', "'"))),
            None => parts.push(format!("matches the pattern {pattern}")),
        }
    }
    let min = s.remove("minLength").and_then(|v| v.as_u64());
    let max = s.remove("maxLength").and_then(|v| v.as_u64());
    let chars = |n: u64| {
        if n == 1 {
            "1 character".to_owned()
        } else {
            format!("{n} characters")
        }
    };
    match (min, max) {
        (Some(a), Some(b)) if a == b => parts.push(format!("is exactly {} long", chars(a))),
        (Some(a), Some(b)) => parts.push(format!("is {a} to {} long", chars(b))),
        (Some(a), None) => parts.push(format!("is at least {} long", chars(a))),
        (None, Some(b)) => parts.push(format!("is at most {} long", chars(b))),
        (None, None) => {}
    }
    if parts.is_empty() {
        return;
    }
    let note = format!(
        "Server-side constraint, not checked by this client: the value {}.",
        parts.join(" and ")
    );
    let description = match s.get("description").and_then(Value::as_str) {
        Some(d) if !d.trim().is_empty() => format!("{}\n\n{note}", d.trim_end()),
        _ => note,
    };
    s.insert("description".into(), description.into());
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::json;

    use super::*;

    fn run_on(schema: Value) -> Value {
        let mut doc = json!({"components": {"schemas": {"S": schema}}});
        crate::normalize::run_alone(run, &mut doc, Path::new("x.yaml")).unwrap();
        doc["components"]["schemas"]["S"].take()
    }

    #[test]
    fn string_constraints_move_into_the_description() {
        let s = run_on(json!({"type": "string", "description": "An id.",
            "pattern": "^se(-[a-z0-9]+)+$", "minLength": 4, "maxLength": 40}));
        assert_eq!(
            s,
            json!({"type": "string", "description": "An id.\n\nServer-side constraint, not checked by this client: the value matches the pattern `^se(-[a-z0-9]+)+$` and is 4 to 40 characters long."})
        );
        let s = run_on(json!({"type": "string", "maxLength": 2, "minLength": 2}));
        assert_eq!(
            s["description"],
            "Server-side constraint, not checked by this client: the value is exactly 2 characters long."
        );
    }

    #[test]
    fn nested_schemas_and_other_bounds() {
        let s = run_on(json!({"type": "object", "properties": {
            "code": {"type": "string", "minLength": 1},
            "n": {"type": "integer", "minimum": 0, "maximum": 9},
            "tags": {"type": "array", "maxItems": 3, "items": {"type": "string", "maxLength": 8}}}}));
        assert_eq!(
            s["properties"]["code"]["description"],
            "Server-side constraint, not checked by this client: the value is at least 1 character long."
        );
        assert!(s["properties"]["code"].get("minLength").is_none());
        // Numeric and array bounds stay.
        assert_eq!(
            s["properties"]["n"],
            json!({"type": "integer", "minimum": 0, "maximum": 9})
        );
        assert_eq!(s["properties"]["tags"]["maxItems"], 3);
        assert!(s["properties"]["tags"]["items"].get("maxLength").is_none());
    }

    #[test]
    fn a_schema_without_constraints_is_unchanged() {
        let schema = json!({"type": "string", "format": "date-time", "description": "When."});
        assert_eq!(run_on(schema.clone()), schema);
    }
}
