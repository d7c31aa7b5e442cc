//! What the generator infers and adds from `provider.toml`, snapshotted with insta:
//! the provider.toml `cargo xtask add` infers from a spec's servers and security, and
//! the items rendered from a provider.toml (servers, constructors, hooks). Review
//! changes with `cargo insta review` (or read the .snap diff).
//!
//! The generated code of each fixture under `tests/fixtures/codegen/` is not
//! snapshotted here: its one copy is the compiled fixture client crate in
//! `tests/output/` (see `fixture_clients.rs`).

use std::path::{Path, PathBuf};

use apikit_codegen::ProviderConfig;
use apikit_codegen::render::render_spec_file;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn config(auth: bool) -> ProviderConfig {
    let auth = if auth {
        "[auth]\nheader = \"Authorization\"\nprefix = \"token\"\nconstructor = \"with_token\"\nargument = \"token\"\n"
    } else {
        ""
    };
    let text = format!(
        "crate = \"apikit-fixture\"\ndescription = \"fixture\"\nspecs = [\"openapi.yaml\"]\n[servers]\ndefault = \"https://api.example.test\"\neu = \"https://eu.example.test\"\n{auth}"
    );
    ProviderConfig::parse(Path::new("provider.toml"), &text).expect("fixture config is valid")
}

/// The provider.toml `cargo xtask add` infers from a spec's servers and security.
macro_rules! inferred {
    ($test:ident, $fixture:literal) => {
        #[test]
        fn $test() {
            let path = fixture(concat!("security/", $fixture, ".yaml"));
            let normalized = apikit_codegen::normalize::file(&path).unwrap();
            let (toml, notes) =
                apikit_codegen::add::infer_config("fixture", "openapi.yaml", &normalized.doc);
            ProviderConfig::parse(Path::new("provider.toml"), &toml)
                .unwrap_or_else(|e| panic!("inferred provider.toml does not parse: {e}\n{toml}"));
            insta::assert_snapshot!(
                concat!("security_", $fixture),
                format!("{toml}\n--- notes\n{}", notes.join("\n"))
            );
        }
    };
}

inferred!(no_security_schemes, "no_schemes");
inferred!(bearer_with_jwt_format, "bearer_jwt");
inferred!(api_key_in_header_and_servers, "api_key_header");
inferred!(api_key_in_query, "api_key_query");
inferred!(oauth2_per_operation, "oauth2");
inferred!(swagger_basic_auth, "basic");

#[test]
fn auth_constructors_and_servers_come_from_provider_toml() {
    let out = render_spec_file(
        "fixture",
        &config(true),
        &fixture("codegen/empty_response.yaml"),
    )
    .unwrap();
    let start = out
        .find("/// Base URLs the API is served from.")
        .expect("servers module is generated");
    insta::assert_snapshot!("provider_toml_extensions", &out[start..]);
}
