#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

// The client generated from specs/colorme-appstore/ by `cargo xtask codegen`.
mod generated;
pub use generated::*;

// Hand-written additions live in their own modules beside `generated`.
