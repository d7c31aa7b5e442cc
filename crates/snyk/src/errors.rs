//! Snyk's error reference: every v1 error carries one, in the `x-error-reference`
//! header and as `errorRef` in the body. Quote it to Snyk support.

use serde::Serialize;

use crate::ApiError;

/// Reads Snyk's error reference from a failed call.
pub trait ErrorReference {
    /// The `x-error-reference` header, else the body's `errorRef`; `None` when the
    /// response carried neither (or there was no response).
    fn error_ref(&self) -> Option<String>;
}

impl<E: Serialize> ErrorReference for ApiError<E> {
    fn error_ref(&self) -> Option<String> {
        let from_header = self
            .headers()
            .and_then(|h| h.get("x-error-reference"))
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        from_header.or_else(|| {
            self.body_json()?
                .get("errorRef")?
                .as_str()
                .map(str::to_owned)
        })
    }
}
