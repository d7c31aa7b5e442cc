//! apikit's spec-diff (`cargo xtask spec-diff`): what a spec change means for users of
//! the generated client, as a report for pull-request review.
//!
//! Both sides are normalized first (the same passes codegen runs), so a re-serialization
//! (YAML -> JSON, 3.1 -> 3.0, a schema moved into `components`) is no change. The
//! documents and the normalization facts (the media type a request body is really
//! sent as, empty bodies read as `None`) are then compared operation by operation
//! ([`compare`]), each difference
//! classified as breaking or not for a caller of the generated crate, and optionally both
//! sides are rendered with progenitor to summarize the change of the crate's public Rust
//! API ([`api`]). [`report`] prints the result as Markdown (a PR comment) or JSON.

pub mod api;
pub mod compare;
pub mod report;
mod sides;

pub use sides::{diff_base, diff_files};

use std::path::PathBuf;

use serde::Serialize;

use apikit_codegen::normalize::{self, Normalized};
use apikit_codegen::{Provider, Result, render};

/// Declares [`Kind`] from one table: each kind with its doc, its stable name and
/// whether it breaks callers, so the three can never disagree.
macro_rules! kinds {
    ($($(#[doc = $doc:literal])* $kind:ident = $name:literal, $class:ident;)*) => {
        /// What kind of change, with a stable kebab-case name (the `kind` of the JSON
        /// output). Whether a kind breaks callers of the generated client is fixed per
        /// kind: see [`Kind::breaking`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Kind {
            $($(#[doc = $doc])* $kind,)*
        }

        impl Kind {
            /// Every kind, in declaration order.
            pub const ALL: &'static [Kind] = &[$(Kind::$kind),*];

            /// The stable name used in reports.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Kind::$kind => $name,)*
                }
            }

            /// Whether code using the generated client may stop compiling or working.
            ///
            /// Wire-level view: a response field that became required, or a response
            /// enum value that is gone, still decodes, so it is not breaking (the Rust
            /// API summary shows any changed field type).
            pub fn breaking(self) -> bool {
                match self {
                    $(Kind::$kind => kinds!(@$class),)*
                }
            }
        }
    };
    (@breaking) => { true };
    (@compatible) => { false };
}

kinds! {
    /// An operation (method + path, matched with path parameter names ignored) is gone.
    OperationRemoved = "operation-removed", breaking;
    /// A new operation.
    OperationAdded = "operation-added", compatible;
    /// The same operationId under another method or path.
    OperationMoved = "operation-moved", breaking;
    /// The operationId changed, so the Rust method name changes.
    OperationRenamed = "operation-renamed", breaking;
    /// The operation is now marked deprecated.
    OperationDeprecated = "operation-deprecated", compatible;
    /// A parameter is gone.
    ParameterRemoved = "parameter-removed", breaking;
    /// A new optional parameter.
    ParameterAdded = "parameter-added", compatible;
    /// A new required parameter.
    ParameterRequiredAdded = "parameter-required-added", breaking;
    /// An optional parameter became required.
    ParameterRequired = "parameter-required", breaking;
    /// A required parameter became optional.
    ParameterOptional = "parameter-optional", compatible;
    /// A parameter moved to another location (`in`: query, header, path).
    ParameterMoved = "parameter-moved", breaking;
    /// A parameter got another name (path parameters by position; others when one
    /// parameter of the same location and schema replaces another).
    ParameterRenamed = "parameter-renamed", breaking;
    /// A parameter's schema type changed.
    ParameterTypeChanged = "parameter-type-changed", breaking;
    /// A new optional request body.
    RequestBodyAdded = "request-body-added", compatible;
    /// A new required request body, or the body became required.
    RequestBodyRequired = "request-body-required", breaking;
    /// The request body is gone.
    RequestBodyRemoved = "request-body-removed", breaking;
    /// A new required field in the request body.
    RequestFieldRequiredAdded = "request-field-required-added", breaking;
    /// A new optional field in the request body.
    RequestFieldAdded = "request-field-added", compatible;
    /// A request body field is gone (code setting it no longer compiles).
    RequestFieldRemoved = "request-field-removed", breaking;
    /// An optional request field became required.
    RequestFieldRequired = "request-field-required", breaking;
    /// A required request field became optional.
    RequestFieldOptional = "request-field-optional", compatible;
    /// A request field's type changed (including losing `nullable`).
    RequestFieldTypeChanged = "request-field-type-changed", breaking;
    /// A request field now accepts `null`.
    RequestFieldNullable = "request-field-nullable", compatible;
    /// A value of a request enum (body field or parameter) is gone.
    RequestEnumValueRemoved = "request-enum-value-removed", breaking;
    /// A new value of a request enum.
    RequestEnumValueAdded = "request-enum-value-added", compatible;
    /// A response field is gone.
    ResponseFieldRemoved = "response-field-removed", breaking;
    /// A required response field became optional.
    ResponseFieldOptional = "response-field-optional", breaking;
    /// A response field became nullable.
    ResponseFieldNullable = "response-field-nullable", breaking;
    /// A response field's type changed.
    ResponseFieldTypeChanged = "response-field-type-changed", breaking;
    /// A new response field.
    ResponseFieldAdded = "response-field-added", compatible;
    /// An optional response field became required.
    ResponseFieldRequired = "response-field-required", compatible;
    /// A nullable response field is no longer nullable.
    ResponseFieldNonNullable = "response-field-non-nullable", compatible;
    /// A new value of a response enum (decoded by the open enums' `Unknown` before).
    ResponseEnumValueAdded = "response-enum-value-added", compatible;
    /// A value of a response enum is gone.
    ResponseEnumValueRemoved = "response-enum-value-removed", compatible;
    /// The set of success (2xx) status codes changed.
    SuccessStatusChanged = "success-status-changed", breaking;
    /// The media type of the request body or success response changed.
    MediaTypeChanged = "media-type-changed", breaking;
    /// The statuses whose empty body reads as `None` changed: the success type
    /// gains or loses its `Option` (a 204 documented next to a JSON 200, or dropped).
    EmptySuccessChanged = "empty-success-changed", breaking;
    /// The effective security requirement changed.
    SecurityChanged = "security-changed", breaking;
    /// Only a description or summary changed.
    DocsChanged = "docs-changed", compatible;
}

impl Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One difference between the old and the new spec of a provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The provider (folder name under specs/, or the name given for two files).
    pub provider: String,
    /// What changed.
    pub kind: Kind,
    /// Where: the operation (`METHOD /path`), followed for a schema change by the side
    /// and the field path (`POST /pets request /owner/name`, with `[]` for array items
    /// and `*` for map values); document-level changes name the document node
    /// (`#/security`).
    pub location: String,
    /// `kind.breaking()`, spelled out for JSON readers.
    pub breaking: bool,
    /// One sentence for the reviewer.
    pub detail: String,
    /// The operation part of `location`, for grouping.
    #[serde(skip)]
    pub operation: String,
}

impl Change {
    /// A change of `kind` at `location` (which starts with `operation`).
    pub fn new(
        provider: &str,
        kind: Kind,
        operation: &str,
        location: String,
        detail: String,
    ) -> Self {
        Change {
            provider: provider.to_owned(),
            kind,
            location,
            breaking: kind.breaking(),
            detail,
            operation: operation.to_owned(),
        }
    }

    /// The order of every report: provider, breaking first, then by operation, location,
    /// kind and detail.
    fn sort_key(&self) -> (&str, bool, &str, &str, Kind, &str) {
        (
            &self.provider,
            !self.breaking,
            &self.operation,
            &self.location,
            self.kind,
            &self.detail,
        )
    }
}

/// The result of a spec-diff run.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    /// Every change, sorted (see [`Report::sort`]).
    pub changes: Vec<Change>,
    /// The public Rust API summary per provider whose normalized spec changed (absent
    /// with `--no-api`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub api: Vec<api::ApiDiff>,
    /// Remarks for the reader (which base revision was used, a side that could not be
    /// rendered, ...).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Report {
    /// Sorts changes deterministically (breaking first within each provider).
    pub fn sort(&mut self) {
        self.changes.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.changes.dedup();
        self.api.sort_by(|a, b| a.provider.cmp(&b.provider));
    }

    /// Whether any change is breaking.
    pub fn has_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.breaking)
    }
}

/// Output format of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// A PR comment.
    #[default]
    Markdown,
    /// `{"changes": [...]}`.
    Json,
}

/// Diffs two normalized documents of `provider`, with their facts (no API summary).
pub fn diff_documents(provider: &str, old: &Normalized, new: &Normalized) -> Vec<Change> {
    compare::compare(provider, old, new)
}

/// Parses, normalizes and merges spec files exactly as codegen does.
pub fn normalized(sources: &[(PathBuf, String)]) -> Result<Normalized> {
    normalize::sources(sources)
}

/// One side of the API summary: the provider (its config decides the interface style)
/// and its spec files.
pub type ApiSide<'a> = (&'a Provider, &'a [(PathBuf, String)]);

/// Renders both sides with the generator and compares their public items. The sides
/// run on two threads, as progenitor dominates the cost. `Err` is a message for the
/// report's notes: the spec diff stays useful when progenitor refuses a spec.
pub fn api_summary(
    provider: &str,
    old: ApiSide,
    new: ApiSide,
) -> std::result::Result<api::ApiDiff, String> {
    // The syntax tree is read directly: formatting it and parsing it back would double
    // the cost on a large client.
    let side = |(p, sources): ApiSide| {
        let file = render::render_sources_ast(p, sources)
            .map_err(|e| format!("a side does not generate: {e}"))?;
        Ok::<_, String>(api::items_of(&file))
    };
    // The generator's panic catcher swaps the process-wide panic hook; two renders at
    // once could leave its silent hook installed, so the hook is put back after both.
    let hook = std::panic::take_hook();
    let side = &side;
    let (old_items, new_items) = std::thread::scope(|s| {
        // typify recurses over deep schemas: give the threads the main thread's room.
        let builder = || std::thread::Builder::new().stack_size(64 << 20);
        let o = builder().spawn_scoped(s, move || side(old));
        let n = builder().spawn_scoped(s, move || side(new));
        let join = |h: std::io::Result<std::thread::ScopedJoinHandle<'_, _>>| match h {
            Ok(h) => h
                .join()
                .unwrap_or_else(|_| Err("rendering panicked".to_owned())),
            Err(e) => Err(format!("cannot start a thread: {e}")),
        };
        (join(o), join(n))
    });
    std::panic::set_hook(hook);
    Ok(api::diff_items(provider, &old_items?, &new_items?))
}

/// Adds the API summary of one provider, or a note when it is unavailable.
fn push_api(
    report: &mut Report,
    provider: &str,
    summary: std::result::Result<api::ApiDiff, String>,
) {
    match summary {
        Ok(diff) if !diff.is_empty() => report.api.push(diff),
        Ok(_) => {}
        Err(e) => report
            .notes
            .push(format!("{provider}: Rust API summary unavailable: {e}")),
    }
}
