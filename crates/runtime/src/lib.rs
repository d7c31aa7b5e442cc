#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod auth;
mod error;
pub mod hooks;

pub use auth::{AuthError, Credential, http_client};
pub use error::{ApiError, DecodeErrors, MAX_ERROR_BODY};
