//! The normalization layer: small named passes that rewrite a loaded spec, in memory,
//! into the OpenAPI 3.0 subset progenitor handles. The checked-in spec is never changed.
//!
//! Each pass takes the whole document as a JSON value and reports problems as
//! [`Error::Spec`] with the JSON pointer of the node. The order of [`PASSES`] matters
//! and is documented in ARCHITECTURE.md.

mod operation_ids;
mod version;

use std::path::Path;

use serde_json::Value;

use crate::error::Result;

/// A pass: its name (for `cargo xtask normalize --trace` and docs) and the rewrite.
pub struct Pass {
    /// Short kebab-case name.
    pub name: &'static str,
    /// One line on what it does.
    pub summary: &'static str,
    /// The rewrite. `file` is only used in error messages.
    pub run: fn(doc: &mut Value, file: &Path) -> Result<()>,
}

/// Every pass, in the order they run.
pub const PASSES: &[Pass] = &[
    Pass {
        name: "version",
        summary: "require an `openapi: 3.0.x` document",
        run: version::run,
    },
    Pass {
        name: "operation-ids",
        summary: "give every operation a unique snake_case operationId",
        run: operation_ids::run,
    },
];

/// Runs every pass over `doc`.
pub fn normalize(doc: &mut Value, file: &Path) -> Result<()> {
    for pass in PASSES {
        (pass.run)(doc, file)?;
    }
    Ok(())
}

/// HTTP methods of a path item, in the order passes visit them.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
