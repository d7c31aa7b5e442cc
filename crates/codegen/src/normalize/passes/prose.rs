//! Pass `prose`: descriptions, summaries and titles become doc comments, and rustdoc
//! rejects a bare carriage return in one. Every `\r\n` and lone `\r` in those strings
//! (anywhere in the document) becomes `\n`. Values (`enum`, `example`, `default`,
//! `pattern`) are never touched.

use serde_json::Value;

use crate::error::Result;
use crate::normalize::Ctx;

/// The keys whose strings are prose.
const PROSE: [&str; 3] = ["description", "summary", "title"];

pub fn run(doc: &mut Value, _cx: &mut Ctx<'_>) -> Result<()> {
    fix(doc);
    Ok(())
}

fn fix(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match child {
                    Value::String(s) if PROSE.contains(&key.as_str()) && s.contains('\r') => {
                        *s = s.replace("\r\n", "\n").replace('\r', "\n");
                    }
                    // Values, not prose: an example may hold a CR on purpose.
                    _ if matches!(
                        key.as_str(),
                        "enum" | "example" | "examples" | "default" | "const"
                    ) => {}
                    _ => fix(child),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(fix),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::json;

    use super::*;

    #[test]
    fn carriage_returns_in_prose_become_newlines_and_values_stay() {
        let mut doc = json!({"info": {"title": "A\r\nB", "description": "one\rtwo"},
            "components": {"schemas": {"S": {"description": "x\r\ny", "enum": ["a\r\nb"],
                "properties": {"description": {"type": "string", "example": "c\r\n"}}}}}});
        crate::normalize::run_alone(run, &mut doc, Path::new("x.yaml")).unwrap();
        assert_eq!(doc["info"]["title"], "A\nB");
        assert_eq!(doc["info"]["description"], "one\ntwo");
        let s = &doc["components"]["schemas"]["S"];
        assert_eq!(s["description"], "x\ny");
        assert_eq!(s["enum"], json!(["a\r\nb"]));
        assert_eq!(s["properties"]["description"]["example"], "c\r\n");
    }
}
