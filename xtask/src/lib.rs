//! apikit's repository tasks as a library, so the workspace tests can run the generator
//! in memory (snapshot and drift tests) exactly as `cargo xtask` does.

pub mod codegen;
pub mod config;
pub mod error;
pub mod normalize;
pub mod spec;

use std::path::{Path, PathBuf};

pub use error::{Error, Result};

/// The repository root (the folder holding `specs/` and `crates/`).
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives one level below the root").to_owned()
}

/// Loads one spec file and returns its normalized form, as `cargo xtask normalize` prints it.
pub fn normalize_file(path: &Path) -> Result<serde_json::Value> {
    let mut doc = spec::load(path)?;
    normalize::normalize(&mut doc, path)?;
    Ok(doc)
}
