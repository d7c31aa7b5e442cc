//! `specs/<provider>/provider.toml`: what the generator needs beyond the spec itself.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};

/// One provider's configuration, as written in its `provider.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderConfig {
    /// Cargo package name of the generated crate (`apikit-<provider>`).
    #[serde(rename = "crate")]
    pub crate_name: String,
    /// One-line description, used for the package and the crate docs.
    pub description: String,
    /// Crate version.
    #[serde(default = "default_version")]
    pub version: String,
    /// Spec files in this folder, relative to it. Several are merged in order.
    pub specs: Vec<String>,
    /// Named base URLs; `default` is required and used by the auth constructors.
    pub servers: BTreeMap<String, String>,
    /// How requests authenticate; absent means no credential.
    #[serde(default)]
    pub auth: Option<AuthConfig>,
    /// progenitor settings.
    #[serde(default)]
    pub generator: GeneratorConfig,
    /// How list operations page, if they do; each gets a `stream()` of items.
    #[serde(default)]
    pub pagination: Option<PaginationConfig>,
}

/// `[pagination]`: page-number pagination (`?page=N`), as Snyk API & Web uses.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaginationConfig {
    /// Query parameter with the 1-based page number, e.g. `page`.
    pub page: String,
    /// Response field with the page's items, e.g. `results`.
    pub items: String,
    /// Response field with the number of pages, e.g. `page_total`.
    pub pages: String,
}

fn default_version() -> String {
    "0.1.0".to_owned()
}

/// A credential sent in one request header on every call.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    /// Header name, e.g. `x-api-key` or `Authorization`.
    pub header: String,
    /// Word before the credential, e.g. `Bearer`, `token`, `JWT`; empty for none.
    #[serde(default)]
    pub prefix: String,
    /// Name of the generated constructor, e.g. `with_api_key`.
    pub constructor: String,
    /// Name of the credential argument, e.g. `api_key`.
    pub argument: String,
}

/// progenitor's knobs that a provider may set.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeneratorConfig {
    /// `builder` (default) or `positional`.
    #[serde(default)]
    pub interface: Interface,
    /// `merged` (default): all operations on `Client`; `separate`: one trait per tag.
    #[serde(default)]
    pub tags: Tags,
}

/// progenitor's interface style.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Interface {
    /// `client.op().param(x).send()`.
    #[default]
    Builder,
    /// `client.op(x)`.
    Positional,
}

/// progenitor's tag style.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Tags {
    /// All operations are methods of `Client`.
    #[default]
    Merged,
    /// One extension trait per tag.
    Separate,
}

impl ProviderConfig {
    /// Reads and validates `path`.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(Error::io(path))?;
        Self::parse(path, &text)
    }

    /// Parses and validates the text of a provider.toml (`path` is for messages).
    pub fn parse(path: &Path, text: &str) -> Result<Self> {
        let config: ProviderConfig = toml::from_str(text).map_err(|e| Error::Syntax {
            file: path.to_owned(),
            message: e.to_string().trim_end().to_owned(),
        })?;
        config.validate(path)?;
        Ok(config)
    }

    fn validate(&self, path: &Path) -> Result<()> {
        let bad = |message: String| Error::Config {
            file: path.to_owned(),
            message,
        };
        if !self.crate_name.starts_with("apikit-") {
            return Err(bad(format!(
                "`crate = \"{}\"` must start with `apikit-`",
                self.crate_name
            )));
        }
        if self.specs.is_empty() {
            return Err(bad("`specs` lists no spec file".into()));
        }
        if !self.servers.contains_key("default") {
            return Err(bad("`[servers]` needs a `default` base URL".into()));
        }
        for (name, url) in &self.servers {
            if !is_ident(name) {
                return Err(bad(format!(
                    "server name `{name}` must be a snake_case identifier"
                )));
            }
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(bad(format!(
                    "server `{name}` = `{url}` is not an http(s) URL"
                )));
            }
        }
        if let Some(auth) = &self.auth {
            if !is_ident(&auth.constructor) || !is_ident(&auth.argument) {
                return Err(bad(
                    "`[auth]` constructor and argument must be snake_case identifiers".into(),
                ));
            }
            if auth.header.is_empty()
                || !auth
                    .header
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return Err(bad(format!(
                    "`[auth] header = \"{}\"` is not a valid header name",
                    auth.header
                )));
            }
            if auth.prefix.contains(char::is_whitespace) {
                return Err(bad("`[auth] prefix` is one word; the space is added".into()));
            }
        }
        Ok(())
    }

    /// Absolute paths of this provider's spec files.
    pub fn spec_paths(&self, provider_dir: &Path) -> Vec<PathBuf> {
        self.specs.iter().map(|s| provider_dir.join(s)).collect()
    }
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}
