#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod auth;
mod error;
pub mod hooks;
pub mod pages;
pub mod stream;

pub use auth::{AuthError, Credential, http_client, http_client_with};
pub use error::{ApiError, DecodeErrors, MAX_ERROR_BODY};
