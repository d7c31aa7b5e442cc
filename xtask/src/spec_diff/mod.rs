//! `cargo xtask spec-diff`: what a spec change means for users of the generated client,
//! as a report for pull-request review.
//!
//! Both sides are normalized first (the same passes codegen runs), so a re-serialization
//! (YAML -> JSON, 3.1 -> 3.0, a schema moved into `components`) is no change. The
//! documents are then compared operation by operation ([`compare`]), each difference
//! classified as breaking or not for a caller of the generated crate, and optionally both
//! sides are rendered with progenitor to summarize the change of the crate's public Rust
//! API ([`api`]). [`report`] prints the result as Markdown (a PR comment) or JSON.

pub mod api;
pub mod bench;
pub mod compare;
pub mod report;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Serialize;
use serde_json::Value;

use crate::codegen::{self, Provider};
use crate::config::ProviderConfig;
use crate::error::{Error, Result};
use crate::{normalize, spec};

/// What kind of change, with a stable kebab-case name (the `kind` of the JSON output).
/// Whether a kind breaks callers of the generated client is fixed per kind:
/// see [`Kind::breaking`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// An operation (method + path, matched with path parameter names ignored) is gone.
    OperationRemoved,
    /// A new operation.
    OperationAdded,
    /// The same operationId under another method or path.
    OperationMoved,
    /// The operationId changed, so the Rust method name changes.
    OperationRenamed,
    /// The operation is now marked deprecated.
    OperationDeprecated,
    /// A parameter is gone.
    ParameterRemoved,
    /// A new optional parameter.
    ParameterAdded,
    /// A new required parameter.
    ParameterRequiredAdded,
    /// An optional parameter became required.
    ParameterRequired,
    /// A required parameter became optional.
    ParameterOptional,
    /// A parameter moved to another location (`in`: query, header, path).
    ParameterMoved,
    /// A parameter got another name (path parameters by position; others when one
    /// parameter of the same location and schema replaces another).
    ParameterRenamed,
    /// A parameter's schema type changed.
    ParameterTypeChanged,
    /// A new optional request body.
    RequestBodyAdded,
    /// A new required request body, or the body became required.
    RequestBodyRequired,
    /// The request body is gone.
    RequestBodyRemoved,
    /// A new required field in the request body.
    RequestFieldRequiredAdded,
    /// A new optional field in the request body.
    RequestFieldAdded,
    /// A request body field is gone (code setting it no longer compiles).
    RequestFieldRemoved,
    /// An optional request field became required.
    RequestFieldRequired,
    /// A required request field became optional.
    RequestFieldOptional,
    /// A request field's type changed (including losing `nullable`).
    RequestFieldTypeChanged,
    /// A request field now accepts `null`.
    RequestFieldNullable,
    /// A value of a request enum (body field or parameter) is gone.
    RequestEnumValueRemoved,
    /// A new value of a request enum.
    RequestEnumValueAdded,
    /// A response field is gone.
    ResponseFieldRemoved,
    /// A required response field became optional.
    ResponseFieldOptional,
    /// A response field became nullable.
    ResponseFieldNullable,
    /// A response field's type changed.
    ResponseFieldTypeChanged,
    /// A new response field.
    ResponseFieldAdded,
    /// An optional response field became required.
    ResponseFieldRequired,
    /// A nullable response field is no longer nullable.
    ResponseFieldNonNullable,
    /// A new value of a response enum (decoded by the open enums' `Unknown` before).
    ResponseEnumValueAdded,
    /// A value of a response enum is gone.
    ResponseEnumValueRemoved,
    /// The set of success (2xx) status codes changed.
    SuccessStatusChanged,
    /// The media type of the request body or success response changed.
    MediaTypeChanged,
    /// The effective security requirement changed.
    SecurityChanged,
    /// Only a description or summary changed.
    DocsChanged,
}

impl Kind {
    /// Every kind, in the order of this enum.
    pub const ALL: &'static [Kind] = &[
        Kind::OperationRemoved,
        Kind::OperationAdded,
        Kind::OperationMoved,
        Kind::OperationRenamed,
        Kind::OperationDeprecated,
        Kind::ParameterRemoved,
        Kind::ParameterAdded,
        Kind::ParameterRequiredAdded,
        Kind::ParameterRequired,
        Kind::ParameterOptional,
        Kind::ParameterMoved,
        Kind::ParameterRenamed,
        Kind::ParameterTypeChanged,
        Kind::RequestBodyAdded,
        Kind::RequestBodyRequired,
        Kind::RequestBodyRemoved,
        Kind::RequestFieldRequiredAdded,
        Kind::RequestFieldAdded,
        Kind::RequestFieldRemoved,
        Kind::RequestFieldRequired,
        Kind::RequestFieldOptional,
        Kind::RequestFieldTypeChanged,
        Kind::RequestFieldNullable,
        Kind::RequestEnumValueRemoved,
        Kind::RequestEnumValueAdded,
        Kind::ResponseFieldRemoved,
        Kind::ResponseFieldOptional,
        Kind::ResponseFieldNullable,
        Kind::ResponseFieldTypeChanged,
        Kind::ResponseFieldAdded,
        Kind::ResponseFieldRequired,
        Kind::ResponseFieldNonNullable,
        Kind::ResponseEnumValueAdded,
        Kind::ResponseEnumValueRemoved,
        Kind::SuccessStatusChanged,
        Kind::MediaTypeChanged,
        Kind::SecurityChanged,
        Kind::DocsChanged,
    ];

    /// The stable name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::OperationRemoved => "operation-removed",
            Kind::OperationAdded => "operation-added",
            Kind::OperationMoved => "operation-moved",
            Kind::OperationRenamed => "operation-renamed",
            Kind::OperationDeprecated => "operation-deprecated",
            Kind::ParameterRemoved => "parameter-removed",
            Kind::ParameterAdded => "parameter-added",
            Kind::ParameterRequiredAdded => "parameter-required-added",
            Kind::ParameterRequired => "parameter-required",
            Kind::ParameterOptional => "parameter-optional",
            Kind::ParameterMoved => "parameter-moved",
            Kind::ParameterRenamed => "parameter-renamed",
            Kind::ParameterTypeChanged => "parameter-type-changed",
            Kind::RequestBodyAdded => "request-body-added",
            Kind::RequestBodyRequired => "request-body-required",
            Kind::RequestBodyRemoved => "request-body-removed",
            Kind::RequestFieldRequiredAdded => "request-field-required-added",
            Kind::RequestFieldAdded => "request-field-added",
            Kind::RequestFieldRemoved => "request-field-removed",
            Kind::RequestFieldRequired => "request-field-required",
            Kind::RequestFieldOptional => "request-field-optional",
            Kind::RequestFieldTypeChanged => "request-field-type-changed",
            Kind::RequestFieldNullable => "request-field-nullable",
            Kind::RequestEnumValueRemoved => "request-enum-value-removed",
            Kind::RequestEnumValueAdded => "request-enum-value-added",
            Kind::ResponseFieldRemoved => "response-field-removed",
            Kind::ResponseFieldOptional => "response-field-optional",
            Kind::ResponseFieldNullable => "response-field-nullable",
            Kind::ResponseFieldTypeChanged => "response-field-type-changed",
            Kind::ResponseFieldAdded => "response-field-added",
            Kind::ResponseFieldRequired => "response-field-required",
            Kind::ResponseFieldNonNullable => "response-field-non-nullable",
            Kind::ResponseEnumValueAdded => "response-enum-value-added",
            Kind::ResponseEnumValueRemoved => "response-enum-value-removed",
            Kind::SuccessStatusChanged => "success-status-changed",
            Kind::MediaTypeChanged => "media-type-changed",
            Kind::SecurityChanged => "security-changed",
            Kind::DocsChanged => "docs-changed",
        }
    }

    /// Whether code using the generated client may stop compiling or working.
    ///
    /// Wire-level view, as the issue classifies: a response field that became required,
    /// or a response enum value that is gone, still decodes, so it is not breaking (the
    /// Rust API summary shows any changed field type).
    pub fn breaking(self) -> bool {
        matches!(
            self,
            Kind::OperationRemoved
                | Kind::OperationMoved
                | Kind::OperationRenamed
                | Kind::ParameterRemoved
                | Kind::ParameterRequiredAdded
                | Kind::ParameterRequired
                | Kind::ParameterMoved
                | Kind::ParameterRenamed
                | Kind::ParameterTypeChanged
                | Kind::RequestBodyRequired
                | Kind::RequestBodyRemoved
                | Kind::RequestFieldRequiredAdded
                | Kind::RequestFieldRemoved
                | Kind::RequestFieldRequired
                | Kind::RequestFieldTypeChanged
                | Kind::RequestEnumValueRemoved
                | Kind::ResponseFieldRemoved
                | Kind::ResponseFieldOptional
                | Kind::ResponseFieldNullable
                | Kind::ResponseFieldTypeChanged
                | Kind::SuccessStatusChanged
                | Kind::MediaTypeChanged
                | Kind::SecurityChanged
        )
    }
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

/// Diffs two normalized documents of `provider` (no API summary).
pub fn diff_documents(provider: &str, old: &Value, new: &Value) -> Vec<Change> {
    compare::compare(provider, old, new)
}

/// `spec-diff --old FILE --new FILE`: normalizes each file and diffs them. `provider`
/// names the report's provider; when `None`, the folder of the new file. With
/// `with_api`, both files are also rendered to summarize the Rust API change, using the
/// `provider.toml` beside the new file if there is one.
pub fn diff_files(
    old: &Path,
    new: &Path,
    provider: Option<&str>,
    with_api: bool,
) -> Result<Report> {
    let name = provider.map(str::to_owned).unwrap_or_else(|| {
        new.parent()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "spec".to_owned())
    });
    let old_text = std::fs::read_to_string(old).map_err(Error::io(old))?;
    let new_text = std::fs::read_to_string(new).map_err(Error::io(new))?;
    let old_sources = vec![(old.to_owned(), old_text)];
    let new_sources = vec![(new.to_owned(), new_text)];
    let old_doc = normalized(&old_sources)?;
    let new_doc = normalized(&new_sources)?;
    let mut report = Report {
        changes: compare::compare(&name, &old_doc, &new_doc),
        ..Report::default()
    };
    if with_api && old_doc != new_doc {
        let toml_path = new.with_file_name("provider.toml");
        let config = if toml_path.is_file() {
            ProviderConfig::load(&toml_path)?
        } else {
            synthetic_config()
        };
        let provider = Provider {
            name: name.clone(),
            dir: new.parent().unwrap_or(Path::new(".")).to_owned(),
            config: config.clone(),
        };
        let summary = api_summary(
            &name,
            (&provider, &old_sources, ""),
            (&provider, &new_sources, ""),
        );
        push_api(&mut report, &name, summary);
    }
    report.sort();
    Ok(report)
}

/// `spec-diff --base REV [provider...]`: every selected provider's spec files at `rev`
/// (read with `git show`) against the working tree. `base = None` means the merge-base
/// of HEAD with `main` (or `origin/main`), else HEAD with a note. Providers whose spec
/// files and provider.toml are byte-identical are skipped.
pub fn diff_base(
    root: &Path,
    base: Option<&str>,
    providers: &[String],
    with_api: bool,
) -> Result<Report> {
    let mut report = Report::default();
    let rev = match base {
        Some(rev) => rev.to_owned(),
        None => default_base(root, &mut report.notes)?,
    };
    let all = codegen::discover(root)?;
    let selected: Vec<&Provider> = if providers.is_empty() {
        all.iter().collect()
    } else {
        let mut out = vec![];
        for name in providers {
            out.push(all.iter().find(|p| &p.name == name).ok_or_else(|| {
                Error::Other(format!(
                    "no provider `{name}`: expected specs/{name}/provider.toml"
                ))
            })?);
        }
        out
    };
    for p in selected {
        let rel_dir = format!("specs/{}", p.name);
        let new_toml_path = p.dir.join("provider.toml");
        let new_toml =
            std::fs::read_to_string(&new_toml_path).map_err(Error::io(&new_toml_path))?;
        let Some(old_toml) = git_show(root, &rev, &format!("{rel_dir}/provider.toml"))? else {
            report.notes.push(format!(
                "provider `{}` does not exist at {rev}: every operation is new",
                p.name
            ));
            continue;
        };
        let old_config = ProviderConfig::parse(
            Path::new(&format!("{rev}:{rel_dir}/provider.toml")),
            &old_toml,
        )?;
        let mut old_sources = vec![];
        for file in &old_config.specs {
            let rel = format!("{rel_dir}/{file}");
            let text = git_show(root, &rev, &rel)?.ok_or_else(|| {
                Error::Other(format!(
                    "{rev}:{rel}: listed in provider.toml at {rev} but not in that revision"
                ))
            })?;
            old_sources.push((PathBuf::from(format!("{rev}:{rel}")), text));
        }
        let mut new_sources = vec![];
        for path in p.config.spec_paths(&p.dir) {
            let text = std::fs::read_to_string(&path).map_err(Error::io(&path))?;
            new_sources.push((path, text));
        }
        let same_text = old_toml == new_toml
            && old_sources.len() == new_sources.len()
            && old_sources
                .iter()
                .zip(&new_sources)
                .all(|(a, b)| a.1 == b.1);
        if same_text {
            continue;
        }
        let old_doc = normalized(&old_sources)?;
        let new_doc = normalized(&new_sources)?;
        report
            .changes
            .extend(compare::compare(&p.name, &old_doc, &new_doc));
        if with_api && (old_doc != new_doc || old_toml != new_toml) {
            let old_provider = Provider {
                name: p.name.clone(),
                dir: p.dir.clone(),
                config: old_config,
            };
            let summary = api_summary(
                &p.name,
                (&old_provider, &old_sources, &old_toml),
                (p, &new_sources, &new_toml),
            );
            push_api(&mut report, &p.name, summary);
        }
    }
    report.sort();
    Ok(report)
}

/// One side of the API summary: the provider (its config decides the interface
/// style), its spec files, and its provider.toml text.
pub type ApiSide<'a> = (&'a Provider, &'a [(PathBuf, String)], &'a str);

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
    let side = |(p, sources, _toml): ApiSide| {
        let file = codegen::render_sources_ast(p, sources)
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

/// Parses, normalizes and merges spec files as codegen does (each file on its own,
/// then the merged document once more).
pub fn normalized(sources: &[(PathBuf, String)]) -> Result<Value> {
    let mut doc: Option<Value> = None;
    for (path, text) in sources {
        let mut value = spec::parse(path, text)?;
        normalize::normalize(&mut value, path)?;
        match &mut doc {
            None => doc = Some(value),
            Some(base) => spec::merge(base, value, path)?,
        }
    }
    let (Some(mut doc), Some((first, _))) = (doc, sources.first()) else {
        return Err(Error::Other("no spec file to compare".into()));
    };
    normalize::normalize(&mut doc, first)?;
    Ok(doc)
}

/// A provider.toml for a spec that has none, so it can be rendered for the API summary.
fn synthetic_config() -> ProviderConfig {
    let text = "crate = \"apikit-spec-diff\"\ndescription = \"spec-diff\"\nspecs = [\"openapi.yaml\"]\n[servers]\ndefault = \"https://example.invalid\"\n";
    ProviderConfig::parse(Path::new("provider.toml"), text).expect("the synthetic config is valid")
}

/// The base revision when none is given: `git merge-base HEAD main`, else with
/// `origin/main` (a CI checkout often has no local `main`), else `HEAD` with a note.
fn default_base(root: &Path, notes: &mut Vec<String>) -> Result<String> {
    for branch in ["main", "origin/main"] {
        if let Ok(out) = git(root, &["merge-base", "HEAD", branch])
            && out.status.success()
        {
            let rev = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            notes.push(format!("base: merge-base of HEAD and {branch} ({rev})"));
            return Ok(rev);
        }
    }
    notes.push(
        "base: no `main` or `origin/main` branch, compared with HEAD (pass --base REV)".into(),
    );
    Ok("HEAD".to_owned())
}

fn git(root: &Path, args: &[&str]) -> Result<std::process::Output> {
    Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .map_err(|e| Error::Other(format!("cannot run git: {e}")))
}

/// `git show REV:./path` (path relative to `root`); `None` when the revision exists but
/// has no such file.
fn git_show(root: &Path, rev: &str, rel: &str) -> Result<Option<String>> {
    let verify = git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )?;
    if !verify.status.success() {
        return Err(Error::Other(format!(
            "git revision `{rev}` not found (in a shallow CI checkout, fetch it first: `git fetch origin main`)"
        )));
    }
    let out = git(root, &["show", &format!("{rev}:./{rel}")])?;
    if out.status.success() {
        return String::from_utf8(out.stdout)
            .map(Some)
            .map_err(|_| Error::Other(format!("{rev}:{rel}: not UTF-8 text")));
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("does not exist") || stderr.contains("exists on disk, but not in") {
        return Ok(None);
    }
    Err(Error::Other(format!(
        "git show {rev}:{rel} failed: {}",
        stderr.trim()
    )))
}
