//! apikit's generator as a library: `specs/<provider>/` (OpenAPI documents and
//! `provider.toml`) through normalization passes and progenitor into the files of
//! `crates/<provider>/`. `cargo xtask codegen` and `cargo xtask add` are thin commands
//! over it; the generator's own tests call it in memory.
//!
//! The pipeline, one module per stage (ARCHITECTURE.md has the whole map):
//! [`config`] finds providers and reads `provider.toml`; [`spec`] loads and merges spec
//! files; [`normalize`] rewrites a document into the subset progenitor handles and
//! returns the [`Facts`] it learned; [`render`] runs progenitor, adds the client
//! extensions and rewrites the syntax tree; [`files`] plans, checks and writes the result.
//! [`census`] reports on the output: how the generated types read (`cargo xtask api-census`).

pub mod add;
pub mod census;
pub mod config;
pub mod error;
pub mod files;
pub mod normalize;
pub mod render;
mod rewrite;
pub mod spec;
pub mod synth;

pub use config::{Provider, ProviderConfig, discover, select};
pub use error::{Error, Result};
pub use files::{Drift, Plan, apply, check, plan};
pub use normalize::{Facts, Normalized, OperationFacts};
