//! `cargo xtask schemas`: the JSON Schema of every webhook payload type of the facade,
//! written to `crates/apikit/schemas/` and drift-checked like the generated code.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::codegen::{self, Drift, Plan};
use crate::error::{Error, Result};

/// The folder the schemas live in, relative to the root.
pub const DIR: &str = "crates/apikit/schemas";

/// Every schema file, rendered in memory.
pub fn plan() -> BTreeMap<PathBuf, String> {
    apikit::webhooks::schemas::all()
        .iter()
        .map(|(stem, schema)| {
            (
                Path::new(DIR).join(format!("{stem}.json")),
                apikit::webhooks::schemas::render(schema),
            )
        })
        .collect()
}

/// Differences between the plan and the folder, including files no type produces.
pub fn check(root: &Path) -> Result<Drift> {
    let files = plan();
    let mut drift = codegen::compare(root, &files)?;
    drift.orphaned = stray(root, &files)?;
    Ok(drift)
}

/// Writes the schemas and removes files no type produces any more.
pub fn apply(root: &Path) -> Result<Vec<PathBuf>> {
    let files = plan();
    let stray = stray(root, &files)?;
    let mut changed = codegen::apply(
        root,
        &Plan {
            generated: files,
            scaffold: BTreeMap::new(),
        },
    )?;
    for path in stray {
        std::fs::remove_file(root.join(&path)).map_err(Error::io(root.join(&path)))?;
        changed.push(path);
    }
    Ok(changed)
}

fn stray(root: &Path, files: &BTreeMap<PathBuf, String>) -> Result<Vec<PathBuf>> {
    let dir = root.join(DIR);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(vec![]);
    };
    let mut out = vec![];
    for entry in entries {
        let entry = entry.map_err(Error::io(&dir))?;
        let rel = Path::new(DIR).join(entry.file_name());
        if rel.extension().is_some_and(|e| e == "json") && !files.contains_key(&rel) {
            out.push(rel);
        }
    }
    out.sort();
    Ok(out)
}
