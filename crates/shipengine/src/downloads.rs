//! Label and document downloads from the URLs ShipEngine returns.
//!
//! A label's `label_download` links (`pdf`, `png`, `zpl`, `href`) point at
//! `/v1/downloads/{dir}/{subdir}/{filename}`. [`Client::download`] takes such a link and
//! fetches it through the authenticated `download_file` operation; the body arrives as
//! a stream, which [`write_to`](crate::write_to) saves chunk by chunk.

use std::fmt;

use progenitor_client::{ByteStream, ResponseValue};

use crate::{ApiError, Client};

/// The `{dir}/{subdir}/{filename}` of a download link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadPath {
    /// First segment after `/v1/downloads/`.
    pub dir: String,
    /// Second segment.
    pub subdir: String,
    /// File name, e.g. `label-123.pdf`.
    pub filename: String,
}

/// A link that is not a ShipEngine download URL. Holds the link (download links carry
/// no credential).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotADownloadUrl(pub String);

impl fmt::Display for NotADownloadUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a download link of the form .../v1/downloads/<dir>/<subdir>/<file>",
            self.0
        )
    }
}

impl std::error::Error for NotADownloadUrl {}

impl DownloadPath {
    /// Splits a download link (absolute URL or path; a query string is ignored).
    ///
    /// # Errors
    /// The link does not contain `/v1/downloads/` followed by exactly three non-empty
    /// segments.
    pub fn parse(link: &str) -> Result<Self, NotADownloadUrl> {
        let err = || NotADownloadUrl(link.to_owned());
        let path = link.split(['?', '#']).next().unwrap_or("");
        let (_, rest) = path.split_once("/v1/downloads/").ok_or_else(err)?;
        let parts: Vec<&str> = rest.split('/').collect();
        match parts.as_slice() {
            [dir, subdir, filename] if parts.iter().all(|p| !p.is_empty()) => Ok(Self {
                dir: (*dir).to_owned(),
                subdir: (*subdir).to_owned(),
                filename: (*filename).to_owned(),
            }),
            _ => Err(err()),
        }
    }
}

/// Why [`Client::download`] failed.
#[derive(Debug)]
pub enum DownloadError {
    /// The link is not a download URL.
    Link(NotADownloadUrl),
    /// The API refused or the connection failed.
    Api(ApiError<crate::types::ErrorResponseBody>),
}

impl fmt::Display for DownloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DownloadError::Link(e) => e.fmt(f),
            DownloadError::Api(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for DownloadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DownloadError::Link(e) => Some(e),
            DownloadError::Api(e) => Some(e),
        }
    }
}

impl From<NotADownloadUrl> for DownloadError {
    fn from(e: NotADownloadUrl) -> Self {
        DownloadError::Link(e)
    }
}

impl From<ApiError<crate::types::ErrorResponseBody>> for DownloadError {
    fn from(e: ApiError<crate::types::ErrorResponseBody>) -> Self {
        DownloadError::Api(e)
    }
}

impl Client {
    /// Fetches a label or document from a `label_download` link as a byte stream.
    ///
    /// # Errors
    /// [`DownloadError::Link`] for a link that is not a download URL, else the API error.
    pub async fn download(&self, link: &str) -> Result<ResponseValue<ByteStream>, DownloadError> {
        let path = DownloadPath::parse(link)?;
        Ok(self
            .download_file()
            .dir(path.dir)
            .subdir(path.subdir)
            .filename(path.filename)
            .send()
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_links_and_refuses_others() {
        let p = DownloadPath::parse(
            "https://api.shipengine.com/v1/downloads/10/F13abc/label-7.pdf?x=1",
        )
        .unwrap();
        assert_eq!(
            p,
            DownloadPath {
                dir: "10".into(),
                subdir: "F13abc".into(),
                filename: "label-7.pdf".into()
            }
        );
        assert!(DownloadPath::parse("/v1/downloads/1/2/3.zpl").is_ok());
        for bad in [
            "https://x/v1/labels/1",
            "/v1/downloads/1/2",
            "/v1/downloads/1//3",
            "/v1/downloads/1/2/3/4",
        ] {
            let e = DownloadPath::parse(bad).unwrap_err();
            assert!(e.to_string().contains(bad), "{e}");
        }
    }
}
