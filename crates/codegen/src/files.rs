//! The generated files of a run: rendered in memory first ([`plan`]); only a complete,
//! successful plan is written ([`apply`]) or compared with the disk ([`check`]). A spec
//! that fails therefore never leaves a half-written crate behind.
//!
//! Architecture invariant: generated files are written only through [`apply`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Provider;
use crate::error::{Error, Result};
use crate::render::{self, GENERATED_MARKER, Rendered, package};

/// Files to write, keyed by path relative to the repository root.
#[derive(Debug, Default)]
pub struct Plan {
    /// Generated files: always (re)written, compared by `--check`.
    pub generated: BTreeMap<PathBuf, String>,
    /// Hand-written starting points: written only when absent, never overwritten.
    pub scaffold: BTreeMap<PathBuf, String>,
}

/// Renders every file of `providers` in memory.
pub fn plan(root: &Path, providers: &[Provider]) -> Result<Plan> {
    let mut plan = Plan::default();
    for p in providers {
        let rendered = render::render_provider(root, p)?;
        let one = plan_rendered(p, rendered);
        plan.generated.extend(one.generated);
        plan.scaffold.extend(one.scaffold);
    }
    // The conformance crate depends on every provider, selected or not.
    let (path, manifest) = conformance_manifest(root, None)?;
    plan.generated.insert(path, manifest);
    Ok(plan)
}

/// The conformance crate's `Cargo.toml`, over every provider in `specs/` plus `adding`
/// (a provider `cargo xtask add` has not written yet).
pub fn conformance_manifest(root: &Path, adding: Option<&str>) -> Result<(PathBuf, String)> {
    let all = crate::config::discover(root)?;
    let names: Vec<&str> = all.iter().map(|p| p.name.as_str()).chain(adding).collect();
    Ok((
        PathBuf::from(package::CONFORMANCE_MANIFEST),
        package::conformance_cargo_toml(&names),
    ))
}

/// The files of one rendered provider.
pub fn plan_rendered(p: &Provider, rendered: Rendered) -> Plan {
    let mut plan = Plan::default();
    let dir = PathBuf::from("crates").join(&p.name);
    plan.generated
        .insert(dir.join("Cargo.toml"), rendered.cargo_toml);
    plan.generated
        .insert(dir.join("src/generated.rs"), rendered.module);
    plan.generated
        .insert(dir.join("src/mock.rs"), rendered.mock);
    let readme = package::scaffold_readme(p, rendered.mock_example.as_deref());
    let tests = render::conformance::test_dir(&p.name);
    plan.generated
        .insert(tests.join("main.rs"), rendered.conformance_main);
    plan.generated
        .insert(tests.join("operations.rs"), rendered.conformance);
    plan.scaffold
        .insert(dir.join("src/lib.rs"), package::scaffold_lib(p));
    plan.scaffold.insert(dir.join("README.md"), readme);
    plan
}

/// What `--check` found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Drift {
    /// Generated files whose content differs from what the specs produce.
    pub differs: Vec<PathBuf>,
    /// Generated or scaffold files that are missing.
    pub missing: Vec<PathBuf>,
    /// Generated files of providers that no longer have a spec.
    pub orphaned: Vec<PathBuf>,
}

impl Drift {
    /// True when the checked-in crates match the specs.
    pub fn is_clean(&self) -> bool {
        self.differs.is_empty() && self.missing.is_empty() && self.orphaned.is_empty()
    }
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for p in &self.differs {
            writeln!(f, "differs from the generated output: {}", p.display())?;
        }
        for p in &self.missing {
            writeln!(f, "missing: {}", p.display())?;
        }
        for p in &self.orphaned {
            writeln!(
                f,
                "should not exist (nothing generates it): {}",
                p.display()
            )?;
        }
        Ok(())
    }
}

/// Compares a plan for *all* providers with the disk. Writes nothing.
pub fn check(root: &Path, plan: &Plan, providers: &[Provider]) -> Result<Drift> {
    let mut drift = compare(root, &plan.generated)?;
    for path in plan.scaffold.keys() {
        if !root.join(path).exists() {
            drift.missing.push(path.clone());
        }
    }
    drift.orphaned = orphans(root, providers)?;
    Ok(drift)
}

/// Compares generated files with the disk: which differ and which are missing.
pub fn compare(root: &Path, files: &BTreeMap<PathBuf, String>) -> Result<Drift> {
    let mut drift = Drift::default();
    for (path, content) in files {
        match std::fs::read(root.join(path)) {
            Ok(bytes) if bytes == content.as_bytes() => {}
            Ok(_) => drift.differs.push(path.clone()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => drift.missing.push(path.clone()),
            Err(e) => return Err(Error::io(root.join(path))(e)),
        }
    }
    Ok(drift)
}

/// Generated files (under crates/ and tests/conformance/) whose provider has no spec
/// folder any more.
pub fn orphans(root: &Path, providers: &[Provider]) -> Result<Vec<PathBuf>> {
    let crates = root.join("crates");
    let mut out = vec![];
    let Ok(entries) = std::fs::read_dir(&crates) else {
        return Ok(out);
    };
    let mut dirs: Vec<_> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    for name in dirs {
        if providers.iter().any(|p| p.name == name) {
            continue;
        }
        for file in ["Cargo.toml", "src/generated.rs", "src/mock.rs"] {
            let rel = PathBuf::from("crates").join(&name).join(file);
            if is_generated(&root.join(&rel)) {
                out.push(rel);
            }
        }
    }
    // Conformance tests of providers that are gone.
    let tests = root.join("tests/conformance/tests");
    if let Ok(entries) = std::fs::read_dir(&tests) {
        let mut dirs: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .map(|e| PathBuf::from("tests/conformance/tests").join(e.file_name()))
            .collect();
        dirs.sort();
        for rel in dirs {
            let known = providers
                .iter()
                .any(|p| render::conformance::test_dir(&p.name) == rel);
            for file in ["main.rs", "operations.rs"] {
                if !known && is_generated(&root.join(&rel).join(file)) {
                    out.push(rel.join(file));
                }
            }
        }
    }
    Ok(out)
}

/// Whether `path` starts with the generated-file marker.
pub fn is_generated(path: &Path) -> bool {
    std::fs::read_to_string(path)
        .map(|s| {
            s.lines()
                .next()
                .is_some_and(|l| l.contains(GENERATED_MARKER))
        })
        .unwrap_or(false)
}

/// Writes a plan: scaffold files only where absent, generated files always. Every file
/// is first written beside its target and then renamed over it, and no rename happens
/// until every temporary file was written.
pub fn apply(root: &Path, plan: &Plan) -> Result<Vec<PathBuf>> {
    let mut staged = vec![];
    let mut changed = vec![];
    let result = (|| {
        let scaffold = plan.scaffold.iter().filter(|(p, _)| !root.join(p).exists());
        for (path, content) in plan.generated.iter().chain(scaffold) {
            let target = root.join(path);
            if std::fs::read(&target).is_ok_and(|old| old == content.as_bytes()) {
                continue;
            }
            let dir = target.parent().expect("paths are under crates/");
            std::fs::create_dir_all(dir).map_err(Error::io(dir))?;
            let tmp = target.with_extension("xtask-tmp");
            std::fs::write(&tmp, content).map_err(Error::io(&tmp))?;
            staged.push((tmp, target));
            changed.push(path.clone());
        }
        Ok(())
    })();
    if let Err(e) = result {
        for (tmp, _) in &staged {
            let _ = std::fs::remove_file(tmp);
        }
        return Err(e);
    }
    for (tmp, target) in &staged {
        std::fs::rename(tmp, target).map_err(Error::io(target))?;
    }
    Ok(changed)
}

/// Most lines of unified diff shown per file by [`diff`].
const DIFF_LINES_PER_FILE: usize = 120;

/// A unified diff (checked-in -> generated) of the first `files` generated files that
/// differ, each cut after a screenful: what `codegen --check` prints so a failing CI
/// shows the change, not only the file names.
pub fn diff(root: &Path, plan: &Plan, drift: &Drift, files: usize) -> Result<String> {
    let mut out = String::new();
    for path in drift.differs.iter().take(files) {
        let Some(generated) = plan.generated.get(path) else {
            continue;
        };
        let target = root.join(path);
        let on_disk = std::fs::read_to_string(&target).map_err(Error::io(&target))?;
        let shown = path.display().to_string();
        let text = similar::TextDiff::from_lines(&on_disk, generated)
            .unified_diff()
            .context_radius(3)
            .header(
                &format!("{shown} (checked in)"),
                &format!("{shown} (generated)"),
            )
            .to_string();
        let total = text.lines().count();
        for line in text.lines().take(DIFF_LINES_PER_FILE) {
            out.push_str(line);
            out.push('\n');
        }
        if total > DIFF_LINES_PER_FILE {
            out.push_str(&format!(
                "... {} more diff line(s) in {shown}\n",
                total - DIFF_LINES_PER_FILE
            ));
        }
    }
    if drift.differs.len() > files {
        out.push_str(&format!(
            "... and {} more differing file(s)\n",
            drift.differs.len() - files
        ));
    }
    Ok(out)
}
