//! Decoding success and error bodies with the path of the first mismatch.
//!
//! progenitor decodes JSON with `serde_json::from_slice`, whose errors give a line and
//! column but not where in the document the mismatch is. The generator replaces those
//! calls with [`json`], which decodes through `serde_path_to_error` and puts the path
//! (e.g. `labels[3].label_id`) into the error; [`ApiError::InvalidResponse`] exposes it.
//!
//! [`ApiError::InvalidResponse`]: crate::ApiError::InvalidResponse

use progenitor_client::{Error, ResponseValue};
use serde::de::{DeserializeOwned, Error as _};

/// Reads `response`'s body and decodes it as JSON into `T`, keeping status and headers.
///
/// # Errors
/// [`Error::ResponseBodyError`] when the body could not be read;
/// [`Error::InvalidResponsePayload`] with the raw body and an error whose message starts
/// with ``at `<path>`: `` when it does not decode.
pub async fn json<T: DeserializeOwned, E>(
    response: reqwest::Response,
) -> Result<ResponseValue<T>, Error<E>> {
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.map_err(Error::ResponseBodyError)?;
    match decode(&bytes) {
        Ok(inner) => Ok(ResponseValue::new(inner, status, headers)),
        Err(e) => Err(Error::InvalidResponsePayload(bytes, e)),
    }
}

/// Decodes `bytes` as `T`; a failure's message starts with ``at `<path>`: `` (the path is
/// `.` for the document root).
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    // Path tracking costs an allocation per key: decode plainly first, and only a body
    // that fails is decoded again to find where.
    if let Ok(value) = serde_json::from_slice(bytes) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        serde_json::Error::custom(format!("at `{path}`: {inner}"))
    })?;
    // Trailing data after the value is an error too, as with `from_slice`.
    de.end()
        .map_err(|e| serde_json::Error::custom(format!("at `.`: {e}")))?;
    Ok(value)
}

/// The path a [`decode`] error names, if it names one.
pub(crate) fn path_of(error: &serde_json::Error) -> Option<String> {
    let text = error.to_string();
    let rest = text.strip_prefix("at `")?;
    let end = rest.find("`: ")?;
    Some(rest[..end].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code, reason = "fields are only decoded")]
    struct Page {
        labels: Vec<Label>,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code, reason = "fields are only decoded")]
    struct Label {
        id: u32,
    }

    #[test]
    fn errors_name_the_path_that_failed() {
        let e = decode::<Page>(br#"{"labels":[{"id":1},{"id":"two"}]}"#).unwrap_err();
        assert_eq!(path_of(&e).as_deref(), Some("labels[1].id"), "{e}");
        assert!(e.to_string().contains("invalid type: string"), "{e}");
        let e = decode::<Page>(br#"{"labels":[{"id":1}"#).unwrap_err();
        assert!(e.to_string().contains("EOF"), "{e}");
        let e = decode::<Page>(br#"{"labels":[]} extra"#).unwrap_err();
        assert_eq!(path_of(&e).as_deref(), Some("."));
        assert!(decode::<Page>(br#"{"labels":[{"id":7}]}"#).is_ok());
    }
}
