//! Property tests of the normalization layer: on every fixture spec, normalizing is
//! idempotent, and on randomly mutated fixture specs the whole pipeline (normalize,
//! openapiv3, progenitor) returns a result or a typed error, never a panic.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use apikit_codegen::normalize::{Normalized, normalize};
use apikit_codegen::render::render_module;
use apikit_codegen::{Error, ProviderConfig};
use proptest::prelude::*;
use serde_json::{Value, json};

fn fixtures() -> Vec<(PathBuf, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/codegen");
    let mut out: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let doc = apikit_codegen::spec::load(&p).unwrap();
            (p, doc)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn config() -> ProviderConfig {
    ProviderConfig::parse(
        Path::new("provider.toml"),
        "crate = \"apikit-x\"\ndescription = \"x\"\nspecs = [\"openapi.yaml\"]\n[servers]\ndefault = \"https://x.test\"\n",
    )
    .unwrap()
}

#[test]
fn normalizing_twice_changes_nothing() {
    for (path, mut doc) in fixtures() {
        normalize(&mut doc, &path).unwrap();
        let once = doc.clone();
        normalize(&mut doc, &path).unwrap();
        assert_eq!(doc, once, "{} is not a fixed point", path.display());
    }
}

/// Every JSON pointer of `v`, in document order.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let token = k.replace('~', "~0").replace('/', "~1");
                pointers(child, format!("{at}/{token}"), out);
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                pointers(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// Replacement values a mutation may put anywhere, the shapes of published specs
/// (boolean schemas, symbol enums, CR in prose, refs into nested definitions) included.
fn replacement(kind: u8) -> Value {
    match kind % 16 {
        12 => json!(false),
        13 => json!({"type": "string", "enum": ["<", "<=", "", "a-b", "a_b"]}),
        14 => json!("line one\r\nline two\r"),
        15 => json!({"$ref": "#/components/schemas/Thing/definitions/Nested"}),
        0 => Value::Null,
        1 => json!(0),
        2 => json!(-1.5),
        3 => json!(""),
        4 => json!("3.1.0"),
        5 => json!({}),
        6 => json!([]),
        7 => json!(true),
        8 => json!({"$ref": "#/components/schemas/Nowhere"}),
        9 => json!({"type": ["string", "null"], "enum": [null, 1, "a"]}),
        10 => json!({"allOf": [{"$ref": "#/components/schemas/Nowhere"}], "nullable": true}),
        _ => json!({"application/json; charset=utf-8": {}}),
    }
}

/// Applies one mutation: replace the node at `pick`, or delete it from its parent.
fn mutate(doc: &mut Value, pick: usize, kind: u8) {
    let mut all = vec![];
    pointers(doc, String::new(), &mut all);
    let target = &all[pick % all.len()];
    if kind >= 200 && !target.is_empty() {
        let (parent, last) = target
            .rsplit_once('/')
            .expect("non-root pointers have a parent");
        let last = last.replace("~1", "/").replace("~0", "~");
        match doc.pointer_mut(parent) {
            Some(Value::Object(m)) => {
                m.remove(&last);
            }
            Some(Value::Array(a)) => {
                if let Ok(i) = last.parse::<usize>() {
                    a.remove(i);
                }
            }
            _ => {}
        }
    } else if let Some(node) = doc.pointer_mut(target) {
        *node = replacement(kind);
    }
}

proptest! {
    // PROPTEST_CASES raises the count for a longer local run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(160),
        ..ProptestConfig::default()
    })]

    #[test]
    fn mutated_specs_never_panic(
        fixture in 0usize..64,
        mutations in prop::collection::vec((any::<usize>(), any::<u8>()), 1..4),
    ) {
        let all = fixtures();
        let (path, mut doc) = all[fixture % all.len()].clone();
        for (pick, kind) in &mutations {
            mutate(&mut doc, *pick, *kind);
        }
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let mut doc = doc.clone();
            let facts = normalize(&mut doc, &path)?;
            render_module("x", &config(), &path, &Normalized {
                    doc,
                    facts,
                    with_constraints: Value::Null,
                    origins: Default::default(),
                }).map(|_| ())
        }));
        // Ok or a typed error are both fine; a panic is the bug, whether it escapes or
        // the generator caught it inside progenitor and turned it into an error.
        prop_assert!(outcome.is_ok(), "panic on {} after {:?}", path.display(), mutations);
        if let Ok(Err(e @ Error::Panicked { .. })) = &outcome {
            prop_assert!(false, "progenitor panicked on {} after {:?}: {e}", path.display(), mutations);
        }
    }
}
