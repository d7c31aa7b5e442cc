//! The two sides of a diff: two spec files, or each provider's spec files at a git
//! revision against the working tree.

use std::path::{Path, PathBuf};
use std::process::Command;

use apikit_codegen::{Error, Provider, ProviderConfig, Result};

use crate::{Report, api_summary, compare, normalized, push_api};

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
        let summary = api_summary(&name, (&provider, &old_sources), (&provider, &new_sources));
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
    let selected = apikit_codegen::select(&apikit_codegen::discover(root)?, providers)?;
    for p in &selected {
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
            let summary = api_summary(&p.name, (&old_provider, &old_sources), (p, &new_sources));
            push_api(&mut report, &p.name, summary);
        }
    }
    report.sort();
    Ok(report)
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
