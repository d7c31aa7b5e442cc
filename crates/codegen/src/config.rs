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
    /// `[dependencies]` the hand-written extension modules beside `generated` need,
    /// written into the generated Cargo.toml as given (`name = "1"` or an inline
    /// table), after the generated code's own.
    #[serde(default)]
    pub dependencies: BTreeMap<String, toml::Value>,
}

/// Dependencies the generated Cargo.toml may declare itself; `[dependencies]` in
/// provider.toml cannot name them.
pub const GENERATED_DEPENDENCIES: [&str; 10] = [
    "apikit-runtime",
    "bytes",
    "progenitor-client",
    "reqwest",
    "serde",
    "serde_json",
    "chrono",
    "futures",
    "regress",
    "uuid",
];

/// `[pagination]`: how a provider's list operations page. Exactly one of `page`,
/// `cursor` and `offset` is set:
/// - `page`: a 1-based page number (`?page=N`), optionally with a response field `pages`
///   holding the page count;
/// - `cursor`: a cursor parameter (`?continueFrom=ID`) set from the response field `next`
///   of the previous page, absent on the first;
/// - `offset`: the number of items to skip (`?offset=N`), advanced by each page's length.
///
/// `items` names the response fields that may hold a page's items (the first one the
/// response type has is used); `[]` when the response is a bare array.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaginationConfig {
    /// Query parameter with the 1-based page number, e.g. `page`.
    #[serde(default)]
    pub page: Option<String>,
    /// Response field with the number of pages, e.g. `page_total` (page style only).
    #[serde(default)]
    pub pages: Option<String>,
    /// Query parameter taking the cursor, e.g. `continueFrom`.
    #[serde(default)]
    pub cursor: Option<String>,
    /// Response field with the next cursor, e.g. `lastId` (cursor style only).
    #[serde(default)]
    pub next: Option<String>,
    /// Query parameter with the number of items to skip, e.g. `offset`.
    #[serde(default)]
    pub offset: Option<String>,
    /// Response fields that may hold the items, e.g. `["results"]`.
    pub items: Vec<String>,
}

/// The pagination style a [`PaginationConfig`] describes, with its parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageStyle<'a> {
    /// `?page=1, 2, ...`, ending at `pages` if the response has it.
    Page {
        /// The page-number parameter.
        param: &'a str,
        /// The response field with the page count.
        pages: Option<&'a str>,
    },
    /// `?cursor=<next of the previous page>`.
    Cursor {
        /// The cursor parameter.
        param: &'a str,
        /// The response field with the next cursor.
        next: &'a str,
    },
    /// `?offset=<items so far>`.
    Offset {
        /// The offset parameter.
        param: &'a str,
    },
}

impl PaginationConfig {
    /// The style, or what is wrong with the section.
    pub fn style(&self) -> std::result::Result<PageStyle<'_>, String> {
        match (&self.page, &self.cursor, &self.offset, &self.next, &self.pages) {
            (Some(param), None, None, None, pages) => Ok(PageStyle::Page {
                param,
                pages: pages.as_deref(),
            }),
            (None, Some(param), None, Some(next), None) => Ok(PageStyle::Cursor { param, next }),
            (None, None, Some(param), None, None) => Ok(PageStyle::Offset { param }),
            (None, Some(_), None, None, _) => {
                Err("`cursor` needs `next`, the response field with the next cursor".into())
            }
            _ => Err("set exactly one of `page` (with optional `pages`), `cursor` (with `next`) or `offset`".into()),
        }
    }
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
        if let Some(p) = &self.pagination {
            p.style().map_err(|e| bad(format!("`[pagination]`: {e}")))?;
        }
        for name in self.dependencies.keys() {
            if GENERATED_DEPENDENCIES.contains(&name.as_str()) {
                return Err(bad(format!(
                    "`[dependencies]`: `{name}` is a dependency of the generated code already; use it without declaring it"
                )));
            }
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

/// A provider: its folder name under specs/ and its configuration.
#[derive(Debug, Clone)]
pub struct Provider {
    /// Folder name, e.g. `shorten-rest`.
    pub name: String,
    /// `specs/<name>`.
    pub dir: PathBuf,
    /// Its parsed `provider.toml`.
    pub config: ProviderConfig,
}

/// Finds every `specs/<name>/provider.toml` under `root`, sorted by name.
pub fn discover(root: &Path) -> Result<Vec<Provider>> {
    let specs = root.join("specs");
    let mut out = vec![];
    let entries = std::fs::read_dir(&specs).map_err(Error::io(&specs))?;
    for entry in entries {
        let entry = entry.map_err(Error::io(&specs))?;
        let dir = entry.path();
        let toml = dir.join("provider.toml");
        if !toml.is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let config = ProviderConfig::load(&toml)?;
        let expected = format!("apikit-{name}");
        if config.crate_name != expected {
            return Err(Error::Config {
                file: toml,
                message: format!("`crate` must be `{expected}` for folder specs/{name}"),
            });
        }
        out.push(Provider { name, dir, config });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// The providers named in `names` (all of `all` when `names` is empty), in the order
/// given, or an error naming the first unknown one.
pub fn select(all: &[Provider], names: &[String]) -> Result<Vec<Provider>> {
    if names.is_empty() {
        return Ok(all.to_vec());
    }
    names
        .iter()
        .map(|name| {
            all.iter()
                .find(|p| &p.name == name)
                .cloned()
                .ok_or_else(|| {
                    Error::Other(format!(
                        "no provider `{name}`: expected specs/{name}/provider.toml"
                    ))
                })
        })
        .collect()
}
