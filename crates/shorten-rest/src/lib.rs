#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

// The client generated from specs/shorten-rest/ by `cargo xtask codegen`. It is formatted by
// prettyplease when generated; rustfmt must not reformat it, or the drift check fails.
#[rustfmt::skip]
mod generated;
pub use generated::*;

// The typed mock server generated beside the client (feature `mock`).
#[cfg(feature = "mock")]
#[rustfmt::skip]
pub mod mock;

// Hand-written additions live in their own modules beside `generated`.
