//! `cargo xtask bench-spec-diff`: how long `spec-diff` takes on the largest spec
//! (`specs/snyk/openapi.yaml`) against a copy modified in memory (one operation removed,
//! a required parameter added, a field's type changed), against a baseline measured in
//! the same run: parsing and normalizing both sides only. Results go into the
//! `## Spec diff` section of BENCHMARKS.md.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use apikit_codegen::normalize::{METHODS, walk};
use apikit_codegen::{Error, Result, spec};
use apikit_spec_diff::{Kind, Report, api_summary, compare, normalized, report};

use super::median;

/// Median timings of one run.
#[derive(Debug)]
pub struct SpecDiffBench {
    /// Iterations per measurement.
    pub iterations: usize,
    /// Size of the spec, in bytes.
    pub spec_bytes: usize,
    /// Changes the diff reports.
    pub changes: usize,
    /// Median of normalize both + compare + Markdown (`spec-diff --no-api`).
    pub diff: Duration,
    /// Median of normalize both only.
    pub baseline: Duration,
    /// Median of the whole `spec-diff`: the above plus rendering both crates for the
    /// Rust API summary.
    pub with_api: Duration,
}

/// The provider benchmarked: the largest spec in the repository.
pub const PROVIDER: &str = "snyk";

/// Runs each measurement `iterations` times (after one warm-up) and returns medians.
pub fn run(root: &Path, iterations: usize) -> Result<SpecDiffBench> {
    let provider = apikit_codegen::discover(root)?
        .into_iter()
        .find(|p| p.name == PROVIDER)
        .ok_or_else(|| Error::Other(format!("no provider `{PROVIDER}` under specs/")))?;
    let path = provider.config.spec_paths(&provider.dir)[0].clone();
    let text = std::fs::read_to_string(&path).map_err(Error::io(&path))?;
    let modified = modify(&path, &text)?;
    let old_sources = vec![(path.clone(), text.clone())];
    let new_sources = vec![(path.clone(), modified)];

    let baseline = || -> Result<()> {
        std::hint::black_box((normalized(&old_sources)?, normalized(&new_sources)?));
        Ok(())
    };
    let diff = || -> Result<Report> {
        let old = normalized(&old_sources)?;
        let new = normalized(&new_sources)?;
        let mut report = Report {
            changes: compare::compare(PROVIDER, &old, &new),
            ..Report::default()
        };
        report.sort();
        std::hint::black_box(report::markdown(&report));
        Ok(report)
    };
    let with_api = || -> Result<()> {
        let mut report = diff()?;
        let summary = api_summary(
            PROVIDER,
            (&provider, &old_sources),
            (&provider, &new_sources),
        )
        .map_err(Error::Other)?;
        report.api.push(summary);
        std::hint::black_box(report::markdown(&report));
        Ok(())
    };

    let report = diff()?;
    for kind in [
        Kind::OperationRemoved,
        Kind::ParameterRequiredAdded,
        Kind::ResponseFieldTypeChanged,
    ] {
        if !report.changes.iter().any(|c| c.kind == kind) {
            return Err(Error::Other(format!(
                "bench-spec-diff: the modified copy should report `{}`; got {:?}",
                kind.as_str(),
                report
                    .changes
                    .iter()
                    .map(|c| c.kind.as_str())
                    .collect::<Vec<_>>()
            )));
        }
    }
    baseline()?;
    with_api()?;
    let (mut bases, mut diffs, mut fulls) = (vec![], vec![], vec![]);
    for _ in 0..iterations.max(1) {
        let t = Instant::now();
        baseline()?;
        bases.push(t.elapsed());
        let t = Instant::now();
        diff()?;
        diffs.push(t.elapsed());
        let t = Instant::now();
        with_api()?;
        fulls.push(t.elapsed());
    }
    Ok(SpecDiffBench {
        iterations: iterations.max(1),
        spec_bytes: text.len(),
        changes: report.changes.len(),
        diff: median(&mut diffs),
        baseline: median(&mut bases),
        with_api: median(&mut fulls),
    })
}

/// The modified copy, as YAML text (so both sides pay the same parsing cost): the first
/// operation removed, a required query parameter added to the second, and the first
/// string property of a component schema that a success response uses made an integer.
pub fn modify(path: &Path, text: &str) -> Result<String> {
    let mut doc = spec::parse(path, text)?;
    let bad = |what: &str| Error::Other(format!("bench-spec-diff: {what} in {}", path.display()));
    let paths = doc
        .get_mut("paths")
        .and_then(Value::as_object_mut)
        .ok_or_else(|| bad("no paths"))?;
    let mut keys = paths.keys().cloned();
    let (first, second) = (
        keys.next().ok_or_else(|| bad("no path"))?,
        keys.next().ok_or_else(|| bad("one path only"))?,
    );
    paths.remove(&first);
    let item = paths
        .get_mut(&second)
        .and_then(Value::as_object_mut)
        .ok_or_else(|| bad("path item"))?;
    let op = METHODS
        .iter()
        .find_map(|m| item.get(*m).map(|_| *m))
        .ok_or_else(|| bad("no operation"))?;
    let op = item[op].as_object_mut().ok_or_else(|| bad("operation"))?;
    let params = op
        .entry("parameters")
        .or_insert_with(|| Value::Array(vec![]));
    if let Value::Array(list) = params {
        list.push(
            json!({"name": "benchRequired", "in": "query", "required": true,
            "schema": {"type": "string"}}),
        );
    }
    // A component that a success response refers to directly, so the change shows.
    let mut referenced = vec![];
    for (_, _, op) in walk::operations(&doc) {
        let Some(responses) = op.get("responses").and_then(Value::as_object) else {
            continue;
        };
        for (code, r) in responses {
            let schema = r.pointer("/content/application~1json/schema");
            let r = schema.and_then(|s| s.get("$ref").or_else(|| s.pointer("/items/$ref")));
            if let (true, Some(Value::String(r))) = (code.starts_with('2'), r)
                && let Some(name) = r.strip_prefix("#/components/schemas/")
            {
                referenced.push(name.to_owned());
            }
        }
    }
    let schemas = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .ok_or_else(|| bad("no components.schemas"))?;
    let changed = referenced.iter().any(|name| {
        schemas
            .get_mut(name)
            .and_then(|s| s.get_mut("properties"))
            .and_then(Value::as_object_mut)
            .and_then(|props| {
                props
                    .values_mut()
                    .find(|p| p.get("type") == Some(&json!("string")) && p.get("enum").is_none())
            })
            .map(|p| p["type"] = json!("integer"))
            .is_some()
    });
    if !changed {
        return Err(bad("no string property to change"));
    }
    serde_norway::to_string(&doc).map_err(|e| Error::Other(format!("cannot write YAML: {e}")))
}

impl SpecDiffBench {
    /// The Markdown section written to BENCHMARKS.md.
    pub fn section(&self, profile: &str) -> String {
        let ratio = self.diff.as_secs_f64() / self.baseline.as_secs_f64().max(1e-9);
        let verdict = |d: Duration| {
            if d < Duration::from_secs(2) {
                "met"
            } else {
                "NOT met"
            }
        };
        format!(
            "## Spec diff\n\n\
             `cargo xtask bench-spec-diff` (xtask built in the `{profile}` profile, dependencies at opt-level 1 as in \
             the workspace `[profile.dev.package.\"*\"]`), warm, median of {n} runs, on this project's 2-core machine. \
             Input: `specs/{PROVIDER}/openapi.yaml` ({kb} KB, the largest spec in the repository) against a copy modified \
             in memory (first path removed, a required query parameter added, a component field's type changed), \
             which reports {changes} changes.\n\n\
             | measurement | median |\n|---|---|\n\
             | `spec-diff --no-api`: parse and normalize both sides, compare, Markdown | {diff:.3} s |\n\
             | baseline: parse and normalize both sides only | {base:.3} s |\n\
             | ratio diff / baseline | {ratio:.2}x |\n\
             | `spec-diff` with the Rust API summary (progenitor renders both sides, on two threads) | {full:.3} s |\n\n\
             Goal: diffing under 2 s: **{v1}** for the spec comparison; **{v2}** including the Rust API summary.\n\n",
            n = self.iterations,
            kb = self.spec_bytes / 1024,
            changes = self.changes,
            diff = self.diff.as_secs_f64(),
            base = self.baseline.as_secs_f64(),
            full = self.with_api.as_secs_f64(),
            v1 = verdict(self.diff),
            v2 = verdict(self.with_api),
        )
    }
}
