//! The package around a generated module: its `Cargo.toml` (generated) and the
//! hand-written starting points `src/lib.rs` and `README.md` (scaffold, written once).

use crate::config::Provider;

use super::Uses;

/// The generated `Cargo.toml`: the package, TLS features, the dependencies the code
/// uses, and those provider.toml adds for hand-written modules.
pub fn cargo_toml(p: &Provider, header: &[String], uses: &Uses) -> String {
    let c = &p.config;
    let mut s = String::new();
    for l in header {
        s.push_str(&format!("# {l}\n"));
    }
    s.push_str(&format!(
        "[package]\nname = \"{}\"\nversion = \"{}\"\ndescription = {}\nreadme = \"README.md\"\nedition.workspace = true\nrust-version.workspace = true\nlicense.workspace = true\n\n",
        c.crate_name,
        c.version,
        toml_str(&c.description)
    ));
    s.push_str("[features]\ndefault = [\"rustls\"]\n# TLS backend for the bundled reqwest client.\nrustls = [\"reqwest/rustls\"]\nnative-tls = [\"reqwest/native-tls\"]\n# Typed mock servers for tests of code that uses this client (`src/mock.rs`).\nmock = [\"apikit-runtime/mock\"]\n\n");
    s.push_str("[dependencies]\napikit-runtime.workspace = true\nbytes.workspace = true\nprogenitor-client.workspace = true\nreqwest.workspace = true\nserde.workspace = true\nserde_json.workspace = true\n");
    if uses.chrono {
        s.push_str("chrono.workspace = true\n");
    }
    if uses.futures {
        s.push_str("futures.workspace = true\n");
    }
    if uses.regress {
        s.push_str("regress.workspace = true\n");
    }
    if uses.uuid {
        s.push_str("uuid.workspace = true\n");
    }
    if !c.dependencies.is_empty() {
        s.push_str("# From [dependencies] in provider.toml: for the hand-written modules.\n");
        for (name, spec) in &c.dependencies {
            s.push_str(&format!("{name} = {spec}\n"));
        }
    }
    s.push_str("\n[dev-dependencies]\n# fs: examples save downloads to files.\ntokio = { workspace = true, features = [\"fs\"] }\n");
    s.push_str(&format!(
        "# The crate itself with `mock`: the README's typed-mock example is a doc test.\n{} = {{ path = \".\", features = [\"mock\"] }}\n",
        c.crate_name
    ));
    s
}

/// Where the conformance test crate's generated manifest lives.
pub const CONFORMANCE_MANIFEST: &str = "tests/conformance/Cargo.toml";

/// The conformance test crate's `Cargo.toml` (generated: it depends on every provider
/// crate, so `cargo xtask add` extends it). `providers` are folder names under `specs/`.
pub fn conformance_cargo_toml(providers: &[&str]) -> String {
    let mut names: Vec<&str> = providers.to_vec();
    names.sort_unstable();
    names.dedup();
    let mut s = format!(
        "# {}\n[package]\nname = \"apikit-conformance\"\nversion = \"0.1.0\"\ndescription = \"Every operation of every client against Prism serving its spec (run by `cargo xtask contract`).\"\nedition.workspace = true\nrust-version.workspace = true\nlicense.workspace = true\npublish = false\n\n[lints]\nworkspace = true\n\n",
        super::GENERATED_MARKER
    );
    s.push_str("[dependencies]\napikit-runtime.workspace = true\nfutures.workspace = true\nprogenitor-client.workspace = true\nreqwest.workspace = true\nserde.workspace = true\nserde_json.workspace = true\ntoml.workspace = true\n\n[dev-dependencies]\n");
    // What the setter types of the generated clients name besides the clients.
    s.push_str("chrono.workspace = true\nuuid.workspace = true\ntokio = { workspace = true, features = [\"macros\", \"rt-multi-thread\"] }\n");
    for name in names {
        s.push_str(&format!(
            "apikit-{name} = {{ path = \"../../crates/{name}\" }}\n"
        ));
    }
    s
}

/// A TOML basic string holding `s`.
pub fn toml_str(s: &str) -> String {
    // TOML basic strings accept JSON string escapes.
    serde_json::to_string(s).expect("strings serialize")
}

/// The scaffold `src/lib.rs`: the generated module and a place for extensions.
pub fn scaffold_lib(p: &Provider) -> String {
    format!(
        "#![doc = include_str!(\"../README.md\")]\n#![warn(missing_docs)]\n\n// The client generated from specs/{name}/ by `cargo xtask codegen`. It is formatted by\n// prettyplease when generated; rustfmt must not reformat it, or the drift check fails.\n#[rustfmt::skip]\nmod generated;\npub use generated::*;\n\n// The typed mock server generated beside the client (feature `mock`).\n#[cfg(feature = \"mock\")]\n#[rustfmt::skip]\npub mod mock;\n\n// Hand-written additions live in their own modules beside `generated`.\n",
        name = p.name
    )
}

/// The scaffold `README.md`, with a doc-tested constructor example and a doc-tested
/// test with the typed mock server (calling `mock_operation`, a `Client` method that
/// needs no parameter, when there is one).
pub fn scaffold_readme(p: &Provider, mock_operation: Option<&str>) -> String {
    let c = &p.config;
    let krate = c.crate_name.replace('-', "_");
    let example = match &c.auth {
        Some(a) => format!(
            "```rust,no_run\n# fn main() -> Result<(), Box<dyn std::error::Error>> {{\nlet client = {krate}::Client::{}(\"<{}>\")?;\n# let _ = client;\n# Ok(())\n# }}\n```\n",
            a.constructor, a.argument
        ),
        None => format!(
            "```rust,no_run\n# fn main() -> Result<(), Box<dyn std::error::Error>> {{\nlet client = {krate}::Client::configured({krate}::servers::DEFAULT, {krate}::Config::default())?;\n# let _ = client;\n# Ok(())\n# }}\n```\n"
        ),
    };
    let client = match &c.auth {
        Some(a) => format!(
            "Client::{}_at(&server.uri(), \"test\").unwrap()",
            a.constructor
        ),
        None => format!("Client::configured(&server.uri(), {krate}::Config::default()).unwrap()"),
    };
    let calls = match mock_operation {
        Some(op) => format!(
            "// No `when`: any `{op}` request; no `then`: the spec's example (or empty success).\nserver.{op}(|_, _| {{}}).expect(1).mount().await;\nlet client = {client};\nlet _answer = client.{op}().send().await;\nserver.verify().await;\n"
        ),
        None => format!("let client = {client};\n# let _ = client;\n"),
    };
    let mock = format!(
        "## Testing with the typed mock\n\nWith the `mock` feature, `{krate}::mock::MockServer` mocks every operation with typed\n`when` matchers and `then` responders (see ARCHITECTURE.md of apikit). This example runs as\na doc test (the crate dev-depends on itself with `mock`).\n\n```rust\nuse {krate}::{{mock::MockServer, Client}};\n# #[tokio::main(flavor = \"current_thread\")]\n# async fn main() {{\nlet server = MockServer::start().await;\n{calls}# }}\n```\n"
    );
    format!(
        "# {}\n\n{}\n\nGenerated from `specs/{}/` by `cargo xtask codegen`.\n\n{example}\n{mock}",
        c.crate_name, c.description, p.name
    )
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::config::ProviderConfig;

    const BASE: &str = "crate = \"apikit-x\"\ndescription = \"x\"\nspecs = [\"openapi.yaml\"]\n[servers]\ndefault = \"https://x.test\"\n";

    #[test]
    fn provider_toml_dependencies_reach_the_manifest() {
        let text = format!(
            "{BASE}[dependencies]\nurl = \"2\"\nhttpdate = {{ version = \"1.0\", default-features = false }}\n"
        );
        let config = ProviderConfig::parse(Path::new("provider.toml"), &text).unwrap();
        let p = Provider {
            name: "x".into(),
            dir: PathBuf::from("specs/x"),
            config,
        };
        let manifest = cargo_toml(&p, &[], &Uses::default());
        let parsed: toml::Table = toml::from_str(&manifest).expect("the manifest is TOML");
        let deps = parsed["dependencies"].as_table().unwrap();
        assert_eq!(deps["url"].as_str(), Some("2"));
        assert_eq!(deps["httpdate"]["version"].as_str(), Some("1.0"));
        assert_eq!(deps["httpdate"]["default-features"].as_bool(), Some(false));
        assert!(
            deps.contains_key("apikit-runtime"),
            "the generated ones stay"
        );
    }

    #[test]
    fn a_dependency_the_generated_code_declares_is_refused() {
        let text = format!("{BASE}[dependencies]\nserde = \"1\"\n");
        let e = ProviderConfig::parse(Path::new("provider.toml"), &text)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("`serde` is a dependency of the generated code"),
            "{e}"
        );
    }
}
