#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod auth;
mod config;
pub mod decode;
mod error;
pub mod hooks;
#[cfg(feature = "mock")]
pub mod mock;
pub mod pages;
mod redirect;
mod runtime;
pub mod stream;

pub use auth::{AuthError, Credential};
pub use config::{Config, RetryPolicy};
pub use error::{ApiError, MAX_ERROR_BODY};
pub use redirect::{RedirectRefusal, Redirects};
pub use runtime::{Operation, Runtime, build, build_with};
