//! The generator over small fixture specs, one per feature; the generated Rust is
//! snapshotted. Review changes with `cargo insta review` (or read the .snap diff).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use xtask::codegen::render_spec_file;
use xtask::config::ProviderConfig;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
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

fn render(name: &str) -> String {
    render_spec_file(
        "fixture",
        &config(false),
        &fixture(&format!("codegen/{name}.yaml")),
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"))
}

macro_rules! snapshot {
    ($test:ident, $fixture:literal) => {
        #[test]
        fn $test() {
            insta::assert_snapshot!($fixture, render($fixture));
        }
    };
}

snapshot!(path_param_with_literal_suffix, "path_suffix");
snapshot!(query_and_header_parameters, "query_header_params");
snapshot!(json_request_body, "json_body");
snapshot!(string_enums, "enum");
snapshot!(nullable_fields, "nullable");
snapshot!(single_ref_allof_wrapper, "allof_wrapper");
snapshot!(missing_and_duplicate_operation_ids, "missing_operation_id");
snapshot!(empty_responses, "empty_response");

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

#[test]
fn every_codegen_fixture_has_a_snapshot_test() {
    // A new fixture without a snapshot test would silently test nothing.
    let tested: BTreeMap<&str, ()> = [
        "path_suffix",
        "query_header_params",
        "json_body",
        "enum",
        "nullable",
        "allof_wrapper",
        "missing_operation_id",
        "empty_response",
    ]
    .into_iter()
    .map(|n| (n, ()))
    .collect();
    for entry in std::fs::read_dir(fixture("codegen")).unwrap() {
        let name = entry
            .unwrap()
            .path()
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(
            tested.contains_key(name.as_str()),
            "fixture {name}.yaml has no snapshot test"
        );
    }
}

#[test]
fn generation_is_deterministic() {
    for name in ["json_body", "enum", "missing_operation_id"] {
        assert_eq!(
            render(name),
            render(name),
            "{name} rendered differently on a second run"
        );
    }
}
