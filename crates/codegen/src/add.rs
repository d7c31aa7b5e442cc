//! `cargo xtask add <name> <spec>`: a new provider from a spec as its provider
//! publishes it. The spec is copied unchanged into `specs/<name>/`, a `provider.toml` is
//! inferred from it (base URL from `servers`, credential from `securitySchemes`), and
//! `crates/<name>/` is generated. Everything is rendered in memory first, so a spec the
//! generator cannot handle leaves no trace in `specs/` or `crates/`.

use std::path::{Path, PathBuf};

use heck::ToSnakeCase;
use serde_json::Value;

use crate::config::{Provider, ProviderConfig};
use crate::error::{Error, Result};
use crate::files;
use crate::render::{self, package::toml_str};
use crate::spec;

/// What `add` wrote and what the user should know about the inference.
#[derive(Debug)]
pub struct Added {
    /// Files written, relative to the repository root.
    pub written: Vec<PathBuf>,
    /// Remarks on what could not be inferred exactly (printed by the command).
    pub notes: Vec<String>,
}

/// Adds provider `name` from the spec file `spec_path`. Refuses to replace an existing
/// provider unless `force`; with `force`, the spec, `provider.toml` and generated files
/// are replaced and hand-written files (`src/lib.rs`, `README.md`) are kept.
pub fn add(root: &Path, name: &str, spec_path: &Path, force: bool) -> Result<Added> {
    check_name(name)?;
    let spec_dir = root.join("specs").join(name);
    let crate_dir = root.join("crates").join(name);
    // `--force` replaces generated crates only, never a hand-written one (runtime, apikit).
    let manifest = crate_dir.join("Cargo.toml");
    if manifest.exists() && !files::is_generated(&manifest) {
        return Err(Error::Other(format!(
            "crates/{name}/ is a hand-written crate, not a generated provider; choose another name"
        )));
    }
    if !force && (spec_dir.exists() || crate_dir.exists()) {
        return Err(Error::Other(format!(
            "provider `{name}` already exists (specs/{name}/ or crates/{name}/); pass --force to replace its spec and generated code"
        )));
    }
    let text = std::fs::read_to_string(spec_path).map_err(Error::io(spec_path))?;
    let file_name = match spec_path.extension().and_then(|e| e.to_str()) {
        Some("json") => "openapi.json",
        _ => "openapi.yaml",
    };
    // Parse and normalize under the caller's path, so errors name the file they gave.
    let mut doc = spec::parse(spec_path, &text)?;
    let facts = crate::normalize::normalize(&mut doc, spec_path)?;
    let (toml_text, mut notes) = infer_config(name, file_name, &doc);
    notes.extend(facts.notes);
    let toml_path = spec_dir.join("provider.toml");
    let config = ProviderConfig::parse(&toml_path, &toml_text)?;
    let provider = Provider {
        name: name.to_owned(),
        dir: spec_dir.clone(),
        config,
    };
    let staged_spec = spec_dir.join(file_name);
    let rendered =
        render::render_sources(root, &provider, &[(staged_spec, text.clone())], &toml_text)
            .map_err(|e| rename_file(e, spec_path))?;

    let mut plan = files::plan_rendered(&provider, rendered);
    let specs = PathBuf::from("specs").join(name);
    plan.generated.insert(specs.join(file_name), text);
    plan.generated
        .insert(specs.join("provider.toml"), toml_text);
    // The conformance crate depends on every provider: this one too.
    let (path, manifest) = files::conformance_manifest(root, Some(name))?;
    plan.generated.insert(path, manifest);
    let written = files::apply(root, &plan)?;
    Ok(Added { written, notes })
}

/// Errors from rendering name the staged copy; point them at the user's file instead.
fn rename_file(e: Error, original: &Path) -> Error {
    match e {
        Error::Spec {
            pointer, message, ..
        } => Error::Spec {
            file: original.to_owned(),
            pointer,
            message,
        },
        Error::Generate {
            provider,
            operation,
            message,
            ..
        } => Error::Generate {
            provider,
            file: original.to_owned(),
            operation,
            message,
        },
        Error::Panicked {
            provider,
            operation,
            message,
            ..
        } => Error::Panicked {
            provider,
            file: original.to_owned(),
            operation,
            message,
        },
        Error::Syntax { message, .. } => Error::Syntax {
            file: original.to_owned(),
            message,
        },
        other => other,
    }
}

fn check_name(name: &str) -> Result<()> {
    let ok = name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && !name.contains("--")
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(Error::Other(format!(
            "provider name `{name}` must be lowercase kebab-case (letters, digits, single hyphens), e.g. `my-api`"
        )))
    }
}

/// The `provider.toml` text for a normalized document, and notes on what was guessed.
pub fn infer_config(name: &str, file_name: &str, doc: &Value) -> (String, Vec<String>) {
    let mut notes = vec![];
    let title = doc
        .pointer("/info/title")
        .and_then(Value::as_str)
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| name.to_owned());
    let description = if title.to_ascii_lowercase().ends_with("api") {
        format!("Typed client for the {title}.")
    } else {
        format!("Typed client for the {title} API.")
    };
    let mut s = String::new();
    s.push_str(&format!(
        "# Written by `cargo xtask add` from {file_name}; edit freely (see ARCHITECTURE.md).\n"
    ));
    s.push_str(&format!("crate = \"apikit-{name}\"\n"));
    s.push_str(&format!("description = {}\n", toml_str(&description)));
    s.push_str(&format!("specs = [{}]\n\n[servers]\n", toml_str(file_name)));
    for line in servers(doc, &mut notes) {
        s.push_str(&line);
        s.push('\n');
    }
    s.push('\n');
    s.push_str(&auth(doc, &mut notes));
    s.push_str("[generator]\ninterface = \"builder\"\ntags = \"merged\"\n");
    (s, notes)
}

/// `name = "url"` lines: the first absolute server is `default`.
fn servers(doc: &Value, notes: &mut Vec<String>) -> Vec<String> {
    let mut out: Vec<(String, String)> = vec![];
    let list = doc
        .get("servers")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (i, server) in list.iter().enumerate() {
        let Some(url) = server.get("url").and_then(Value::as_str) else {
            continue;
        };
        let url = substitute(url, server.get("variables"));
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            continue;
        }
        let url = url.trim_end_matches('/').to_owned();
        if out.iter().any(|(_, u)| *u == url) {
            continue;
        }
        let label = if out.is_empty() {
            "default".to_owned()
        } else {
            server
                .get("description")
                .and_then(Value::as_str)
                .map(|d| d.to_snake_case())
                .filter(|d| {
                    !d.is_empty()
                        && d.len() <= 30
                        && d.starts_with(|c: char| c.is_ascii_lowercase())
                        && d != "default"
                })
                .unwrap_or_else(|| format!("server_{}", i + 1))
        };
        let label = if out.iter().any(|(l, _)| *l == label) {
            format!("{label}_{}", i + 1)
        } else {
            label
        };
        out.push((label, url));
    }
    if out.is_empty() {
        notes.push(
            "the spec gives no absolute server URL; set `[servers] default` in provider.toml"
                .into(),
        );
        return vec![
            "# The spec gives no absolute server URL: replace this with the API's base URL.".into(),
            "default = \"http://localhost\"".into(),
        ];
    }
    out.into_iter()
        .map(|(l, u)| format!("{l} = {}", toml_str(&u)))
        .collect()
}

/// Replaces `{var}` with the server variable's default.
fn substitute(url: &str, variables: Option<&Value>) -> String {
    let mut url = url.to_owned();
    if let Some(Value::Object(vars)) = variables {
        for (k, v) in vars {
            if let Some(d) = v.get("default").and_then(Value::as_str) {
                url = url.replace(&format!("{{{k}}}"), d);
            }
        }
    }
    url
}

/// The `[auth]` section (or a comment saying why there is none).
fn auth(doc: &Value, notes: &mut Vec<String>) -> String {
    let schemes = doc
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let Some((scheme_name, scheme)) = chosen_scheme(doc, &schemes) else {
        notes.push("the spec declares no security scheme: no credential constructor; add `[auth]` to provider.toml if the API needs one".into());
        return "# The spec declares no security scheme. If the API needs a credential, add:\n# [auth]\n# header = \"Authorization\"\n# prefix = \"Bearer\"\n# constructor = \"with_api_key\"\n# argument = \"api_key\"\n\n".into();
    };
    let section = |comment: &str, header: &str, prefix: &str, ctor: &str, arg: &str| {
        let prefix_line = if prefix.is_empty() {
            String::new()
        } else {
            format!("prefix = {}\n", toml_str(prefix))
        };
        format!(
            "# {comment}\n[auth]\nheader = {}\n{prefix_line}constructor = \"{ctor}\"\nargument = \"{arg}\"\n\n",
            toml_str(header)
        )
    };
    let kind = scheme.get("type").and_then(Value::as_str).unwrap_or("");
    let location = scheme.get("in").and_then(Value::as_str).unwrap_or("");
    let http_scheme = scheme
        .get("scheme")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_ascii_lowercase();
    match (kind, location, http_scheme.as_str()) {
        ("apiKey", "header", _) => {
            let header = scheme.get("name").and_then(Value::as_str).unwrap_or("");
            section(
                &format!("From securityScheme `{scheme_name}` (apiKey in header)."),
                header,
                "",
                "with_api_key",
                "api_key",
            )
        }
        ("http", _, "bearer") => {
            if scheme.get("bearerFormat").is_some() {
                notes.push(format!(
                    "securityScheme `{scheme_name}` is http bearer with bearerFormat {}; check the API's docs for the real prefix (some send e.g. `JWT <token>`)",
                    scheme["bearerFormat"]
                ));
            }
            section(
                &format!("From securityScheme `{scheme_name}` (http bearer)."),
                "Authorization",
                "Bearer",
                "with_bearer_token",
                "token",
            )
        }
        ("http", _, "basic") => section(
            &format!(
                "From securityScheme `{scheme_name}` (http basic): pass base64(\"user:password\")."
            ),
            "Authorization",
            "Basic",
            "with_basic_auth",
            "credentials",
        ),
        ("oauth2" | "openIdConnect", _, _) => section(
            &format!(
                "From securityScheme `{scheme_name}` ({kind}): an access token obtained by the app, sent as a bearer token."
            ),
            "Authorization",
            "Bearer",
            "with_access_token",
            "access_token",
        ),
        _ => {
            notes.push(format!(
                "securityScheme `{scheme_name}` ({kind}{}) has no generated constructor (only header credentials are); build a reqwest client yourself and use Client::new_with_client",
                if location.is_empty() { String::new() } else { format!(" in {location}") }
            ));
            format!(
                "# securityScheme `{scheme_name}` ({kind}{}) cannot be sent by the generated\n# constructors (they set one header); use Client::new_with_client with your own client.\n\n",
                if location.is_empty() {
                    String::new()
                } else {
                    format!(" in {location}")
                }
            )
        }
    }
}

/// The scheme the API uses: the first of the global `security`, else the one most
/// operations name, else the first declared.
fn chosen_scheme(doc: &Value, schemes: &serde_json::Map<String, Value>) -> Option<(String, Value)> {
    let first_of = |requirements: &Value| -> Option<String> {
        requirements
            .as_array()?
            .iter()
            .filter_map(Value::as_object)
            .flat_map(|r| r.keys())
            .find(|k| schemes.contains_key(*k))
            .cloned()
    };
    let global = doc.get("security").and_then(first_of);
    let name = global.or_else(|| {
        let mut counts: Vec<(String, usize)> = vec![];
        for (_, _, op) in crate::normalize::walk::operations(doc) {
            if let Some(n) = op.get("security").and_then(first_of) {
                match counts.iter_mut().find(|(k, _)| *k == n) {
                    Some((_, c)) => *c += 1,
                    None => counts.push((n, 1)),
                }
            }
        }
        // max_by_key keeps the last maximum; iterate reversed to keep the first.
        counts
            .into_iter()
            .rev()
            .max_by_key(|(_, c)| *c)
            .map(|(k, _)| k)
            .or_else(|| schemes.keys().next().cloned())
    })?;
    let scheme = schemes.get(&name)?.clone();
    Some((name, scheme))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn infers_servers_and_auth() {
        let doc = json!({
            "info": {"title": "Pet Store"},
            "servers": [{"url": "https://{region}.example.com/v1/", "variables": {"region": {"default": "us"}}},
                        {"url": "https://eu.example.com/v1", "description": "EU region"},
                        {"url": "/relative"}],
            "components": {"securitySchemes": {
                "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
                "jwt": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
            "security": [{"jwt": []}]
        });
        let (toml, notes) = infer_config("pets", "openapi.yaml", &doc);
        assert_eq!(
            toml,
            "# Written by `cargo xtask add` from openapi.yaml; edit freely (see ARCHITECTURE.md).\n\
             crate = \"apikit-pets\"\ndescription = \"Typed client for the Pet Store API.\"\nspecs = [\"openapi.yaml\"]\n\n\
             [servers]\ndefault = \"https://us.example.com/v1\"\neu_region = \"https://eu.example.com/v1\"\n\n\
             # From securityScheme `jwt` (http bearer).\n[auth]\nheader = \"Authorization\"\nprefix = \"Bearer\"\n\
             constructor = \"with_bearer_token\"\nargument = \"token\"\n\n\
             [generator]\ninterface = \"builder\"\ntags = \"merged\"\n"
        );
        assert_eq!(notes.len(), 1, "{notes:?}");
        ProviderConfig::parse(Path::new("provider.toml"), &toml).unwrap();
    }

    #[test]
    fn no_scheme_and_no_server_still_give_a_valid_config() {
        let (toml, notes) = infer_config("bare", "openapi.json", &json!({"paths": {}}));
        assert_eq!(notes.len(), 2, "{notes:?}");
        let config = ProviderConfig::parse(Path::new("provider.toml"), &toml).unwrap();
        assert!(config.auth.is_none());
        assert_eq!(config.servers["default"], "http://localhost");
    }

    #[test]
    fn operation_level_schemes_and_query_keys() {
        let doc = json!({
            "components": {"securitySchemes": {"q": {"type": "apiKey", "in": "query", "name": "key"}}},
            "paths": {"/a": {"get": {"security": [{"q": []}]}}}
        });
        let (toml, notes) = infer_config("q", "openapi.yaml", &doc);
        assert!(
            toml.contains("securityScheme `q` (apiKey in query) cannot be sent"),
            "{toml}"
        );
        assert!(
            notes[1].contains("use Client::new_with_client"),
            "{notes:?}"
        );
    }

    #[test]
    fn names_are_kebab_case() {
        assert!(check_name("my-api2").is_ok());
        for bad in ["My", "-a", "a-", "a--b", "a_b", ""] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }
}
