//! The normalization layer: small named passes that rewrite a loaded spec, in memory,
//! into the OpenAPI 3.0 subset progenitor handles. The checked-in spec is never changed.
//!
//! Each pass takes the whole document as a JSON value and reports problems as
//! [`Error::Spec`](crate::Error::Spec) with the JSON pointer of the node. The order of [`PASSES`] matters
//! and is documented in ARCHITECTURE.md.

mod media_types;
mod openapi31;
mod operation_ids;
mod parameters;
mod responses;
mod schemas;
mod swagger2;
pub mod type_names;
mod version;
pub mod walk;

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
        name: "swagger-2.0",
        summary: "convert a Swagger 2.0 document to OpenAPI 3.0.3",
        run: swagger2::run,
    },
    Pass {
        name: "openapi-3.1",
        summary: "rewrite OpenAPI 3.1 shapes (type arrays, const, $ref siblings, ...) as 3.0",
        run: openapi31::run,
    },
    Pass {
        name: "version",
        summary: "require an `openapi: 3.0.x` document from here on",
        run: version::run,
    },
    Pass {
        name: "operation-ids",
        summary: "give every operation a unique snake_case operationId",
        run: operation_ids::run,
    },
    Pass {
        name: "parameters",
        summary: "hoist path-level parameters, declare template variables, drop cookies and reserved headers",
        run: parameters::run,
    },
    Pass {
        name: "schemas",
        summary: "unwrap single-$ref allOf, fix enum types, open closed objects for forward compatibility",
        run: schemas::run,
    },
    Pass {
        name: "media-types",
        summary: "one canonical media type per body; JSON spellings, files, multipart and other request types",
        run: media_types::run,
    },
    Pass {
        name: "responses",
        summary: "one success and one error type per operation (merge, oneOf, empty-as-null)",
        run: responses::run,
    },
    Pass {
        name: "type-names",
        summary: "rename components and inline schemas whose Rust type names would collide",
        run: type_names::run,
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
