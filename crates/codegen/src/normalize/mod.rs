//! The normalization layer: small named passes that rewrite a loaded spec, in memory,
//! into the OpenAPI 3.0 subset progenitor handles. The checked-in spec is never changed.
//!
//! Each pass takes the whole document as a JSON value and a [`Ctx`]: the file (for
//! errors, reported as [`Error::Spec`](crate::Error::Spec) with the JSON pointer of the
//! node) and the [`Facts`] the pass learns (what the rewritten document no longer says).
//! The order of [`PASSES`] matters and is documented in ARCHITECTURE.md.
//!
//! Architecture invariant: normalization changes the shape of a spec, never its
//! meaning. What a rewrite would lose is kept in [`Facts`], never in `x-` keys of the
//! document.

mod facts;
pub(crate) mod passes;
pub mod walk;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

pub use facts::{Facts, OperationFacts, RenamedParam};
pub use passes::media_types::canonical as canonical_media_type;
pub use passes::schemas::date_time_allows_a_date;
pub use passes::type_names;

use crate::error::{Error, Result};
use crate::spec;

/// What a pass gets besides the document.
pub struct Ctx<'a> {
    /// The spec file, for error messages.
    pub file: &'a Path,
    /// Where the pass records what it learned.
    pub facts: &'a mut Facts,
}

/// A pass: a rewrite of the whole document.
pub type Pass = fn(doc: &mut Value, cx: &mut Ctx<'_>) -> Result<()>;

/// Every pass, in the order they run (module docs of `passes/*.rs` give each rule).
pub const PASSES: &[Pass] = &[
    passes::swagger2::run,
    passes::definitions::run,
    passes::boolean_schemas::run,
    passes::openapi31::run,
    passes::version::run,
    passes::prose::run,
    passes::operation_ids::run,
    passes::parameters::run,
    passes::schemas::run,
    passes::media_types::run,
    passes::responses::run,
    passes::type_names::run,
];

/// A normalized document and what the passes learned about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Normalized {
    /// The OpenAPI 3.0 document progenitor gets.
    pub doc: Value,
    /// Per-operation facts the document does not carry.
    pub facts: Facts,
    /// The document just before the `constraints` pass moved string constraints
    /// (`pattern`, `minLength`, `maxLength`) into descriptions: what a server checks.
    /// The value synthesizer builds requests from this one.
    pub with_constraints: Value,
    /// Which spec file (its index in `specs` order) each operation, by path and method,
    /// comes from; empty when there is one file. The conformance tests send each call
    /// to the mock server of its own file.
    pub origins: BTreeMap<(String, String), usize>,
}

/// Runs every pass over `doc` and returns the facts they recorded. A `$ref` to
/// nothing is refused first, naming where it is: passes add nodes (a parameter's
/// missing `schema`), so after them such a `$ref` could resolve to what the spec
/// never said, and progenitor panics on what it cannot follow.
pub fn normalize(doc: &mut Value, file: &Path) -> Result<Facts> {
    if let Some((pointer, target)) = spec::dangling_ref(doc) {
        return Err(Error::Spec {
            file: file.to_owned(),
            pointer,
            message: format!("`$ref` points at `{target}`, which the document does not define"),
        });
    }
    let mut facts = Facts::default();
    let mut cx = Ctx {
        file,
        facts: &mut facts,
    };
    for pass in PASSES {
        pass(doc, &mut cx)?;
    }
    Ok(facts)
}

/// Runs once on a provider's whole (merged) document, after [`PASSES`]: string
/// constraints into the docs (pass `constraints`); returns the document from before it.
fn finish(doc: &mut Value, file: &Path, facts: &mut Facts) -> Result<Value> {
    let with_constraints = doc.clone();
    passes::constraints::run(doc, &mut Ctx { file, facts })?;
    Ok(with_constraints)
}

/// Loads one spec file and normalizes it, as `cargo xtask normalize` prints it.
pub fn file(path: &Path) -> Result<Normalized> {
    let mut doc = spec::load(path)?;
    let mut facts = normalize(&mut doc, path)?;
    let with_constraints = finish(&mut doc, path, &mut facts)?;
    Ok(Normalized {
        doc,
        facts,
        with_constraints,
        origins: BTreeMap::new(),
    })
}

/// A provider's spec files (in `provider.toml` order, as path and text): each parsed
/// and normalized on its own (one may be Swagger 2.0 or 3.1 while another is 3.0), then
/// merged and normalized once more for names that only collide across files. The facts
/// of every run are kept; a later run's fact replaces an earlier one.
pub fn sources(sources: &[(PathBuf, String)]) -> Result<Normalized> {
    let mut merged: Option<Normalized> = None;
    let mut origins = BTreeMap::new();
    for (index, (path, text)) in sources.iter().enumerate() {
        let mut value = spec::parse(path, text)?;
        let facts = normalize(&mut value, path)?;
        if sources.len() > 1 {
            for (path, method, _) in walk::operations(&value) {
                origins.insert((path.to_owned(), method.to_owned()), index);
            }
        }
        match &mut merged {
            None => {
                merged = Some(Normalized {
                    doc: value,
                    facts,
                    with_constraints: Value::Null,
                    origins: BTreeMap::new(),
                })
            }
            Some(base) => {
                spec::merge(&mut base.doc, value, path)?;
                base.facts.merge(facts);
            }
        }
    }
    let (Some(mut merged), Some((first, _))) = (merged, sources.first()) else {
        return Err(Error::Other("no spec file to normalize".into()));
    };
    let facts = normalize(&mut merged.doc, first)?;
    merged.facts.merge(facts);
    merged.with_constraints = finish(&mut merged.doc, first, &mut merged.facts)?;
    merged.origins = origins;
    Ok(merged)
}

/// HTTP methods of a path item, in the order passes visit them.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Runs one pass alone over `doc` (unit tests of the passes).
#[cfg(test)]
pub(crate) fn run_alone(pass: Pass, doc: &mut Value, file: &Path) -> Result<Facts> {
    let mut facts = Facts::default();
    pass(
        doc,
        &mut Ctx {
            file,
            facts: &mut facts,
        },
    )?;
    Ok(facts)
}
