//! The one error type of the generator: every failure names the file and, where there is
//! one, the JSON pointer of the offending node.

use std::path::PathBuf;

/// What went wrong, and where.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A spec or config file is not valid YAML/JSON/TOML.
    #[error("{file}: cannot parse: {message}")]
    Syntax {
        /// The file.
        file: PathBuf,
        /// The parser's message, with line and column where it gives them.
        message: String,
    },
    /// A spec parsed, but a node in it is wrong or unsupported.
    #[error("{file}#{pointer}: {message}")]
    Spec {
        /// The spec file.
        file: PathBuf,
        /// RFC 6901 JSON pointer of the offending node ("" is the document root).
        pointer: String,
        /// What is wrong and, where possible, what to do.
        message: String,
    },
    /// A `provider.toml` is missing a field or has a bad value.
    #[error("{file}: {message}")]
    Config {
        /// The provider.toml.
        file: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// progenitor refused the (normalized) spec, or a rewrite of its output failed.
    #[error("{file}: code generation failed for provider `{provider}`{}: {message}", operation.as_ref().map(|o| format!(" at {o}")).unwrap_or_default())]
    Generate {
        /// The provider folder name.
        provider: String,
        /// The spec file.
        file: PathBuf,
        /// The operation being generated when it failed, if known.
        operation: Option<String>,
        /// progenitor's message or panic payload.
        message: String,
    },
    /// progenitor or typify panicked on the normalized spec: a construct no
    /// normalization pass handles yet (a generator bug, never the user's).
    #[error("{file}: code generation failed for provider `{provider}`{}: progenitor panicked: {message}; add a normalization pass for this construct", operation.as_ref().map(|o| format!(" at {o}")).unwrap_or_default())]
    Panicked {
        /// The provider folder name.
        provider: String,
        /// The spec file.
        file: PathBuf,
        /// The operation that panicked when generated alone, if one does.
        operation: Option<String>,
        /// The panic payload.
        message: String,
    },
    /// An external tool (npm, Prism) could not be installed or run.
    #[error("{tool}: {message}")]
    Tool {
        /// The tool.
        tool: String,
        /// What went wrong.
        message: String,
    },
    /// Anything else, with its own explanation.
    #[error("{0}")]
    Other(String),
}

/// Result with the generator's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An [`Error::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { path, source }
    }
}

/// Escapes one JSON-pointer token (RFC 6901: `~` -> `~0`, `/` -> `~1`).
pub fn pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Joins tokens into a JSON pointer.
pub fn pointer<'a>(tokens: impl IntoIterator<Item = &'a str>) -> String {
    tokens
        .into_iter()
        .map(|t| format!("/{}", pointer_token(t)))
        .collect()
}
