//! apikit's repository tasks as a library, so the workspace tests can run the generator
//! in memory (snapshot and drift tests) exactly as `cargo xtask` does.

pub mod add;
pub mod bench;
pub mod codegen;
pub mod config;
pub mod contract;
pub mod error;
pub mod normalize;
pub mod open_enums;
pub mod pagination;
pub mod schemas;
pub mod spec;
pub mod spec_diff;

use std::path::{Path, PathBuf};

pub use error::{Error, Result};

/// The cargo that runs this xtask (`$CARGO`), for the tasks that run cargo again.
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// The repository root (the folder holding `specs/` and `crates/`): the nearest ancestor
/// of the current directory with an `xtask/` folder and a `Cargo.toml`, so a clone
/// anywhere works; else the root this xtask was built from.
pub fn project_root() -> PathBuf {
    let cwd = std::env::current_dir().ok();
    let found = cwd.as_deref().and_then(|cwd| {
        cwd.ancestors()
            .find(|d| d.join("xtask").is_dir() && d.join("Cargo.toml").is_file())
    });
    if let Some(root) = found {
        return root.to_owned();
    }
    built_root()
}

/// The root of the checkout this xtask was compiled in (what tests use).
pub fn built_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the root")
        .to_owned()
}

/// Loads one spec file and returns its normalized form, as `cargo xtask normalize` prints it.
pub fn normalize_file(path: &Path) -> Result<serde_json::Value> {
    let mut doc = spec::load(path)?;
    normalize::normalize(&mut doc, path)?;
    Ok(doc)
}
