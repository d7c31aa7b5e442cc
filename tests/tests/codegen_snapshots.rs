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

/// The fixture `name` (file stem) under fixtures/codegen/, rendered.
fn render(name: &str) -> String {
    render_spec_file("fixture", &config(false), &codegen_fixture(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The fixture file for a stem: `.yaml`, or `.json` when that is what exists.
fn codegen_fixture(name: &str) -> PathBuf {
    let yaml = fixture(&format!("codegen/{name}.yaml"));
    if yaml.exists() {
        yaml
    } else {
        fixture(&format!("codegen/{name}.json"))
    }
}

macro_rules! snapshot {
    ($test:ident, $fixture:literal) => {
        #[test]
        fn $test() {
            insta::assert_snapshot!($fixture, render($fixture));
        }
    };
}

/// Every fixture under fixtures/codegen/ with its snapshot test; the list is checked
/// against the folder.
const FIXTURES: &[&str] = &[
    "path_suffix",
    "query_header_params",
    "json_body",
    "enum",
    "nullable",
    "allof_wrapper",
    "missing_operation_id",
    "empty_response",
    "openapi31",
    "swagger2",
    "yaml12",
    "sentence_ids",
    "multiple_2xx",
    "media_types",
    "odd_schemas",
    "paths",
    "forward_compat",
];

snapshot!(path_param_with_literal_suffix, "path_suffix");
snapshot!(query_and_header_parameters, "query_header_params");
snapshot!(json_request_body, "json_body");
snapshot!(string_enums, "enum");
snapshot!(nullable_fields, "nullable");
snapshot!(single_ref_allof_wrapper, "allof_wrapper");
snapshot!(missing_and_duplicate_operation_ids, "missing_operation_id");
snapshot!(empty_responses, "empty_response");
snapshot!(openapi_3_1_document, "openapi31");
snapshot!(swagger_2_0_json_document, "swagger2");
snapshot!(yaml_1_2_booleans_stay_strings, "yaml12");
snapshot!(sentence_operation_ids, "sentence_ids");
snapshot!(several_success_and_error_responses, "multiple_2xx");
snapshot!(media_types_and_request_bodies, "media_types");
snapshot!(odd_schemas_and_property_names, "odd_schemas");
snapshot!(path_shapes_and_parameters, "paths");
snapshot!(open_enums_and_objects, "forward_compat");

/// The provider.toml `cargo xtask add` infers from a spec's servers and security.
macro_rules! inferred {
    ($test:ident, $fixture:literal) => {
        #[test]
        fn $test() {
            let path = fixture(concat!("security/", $fixture, ".yaml"));
            let doc = xtask::normalize_file(&path).unwrap();
            let (toml, notes) = xtask::add::infer_config("fixture", "openapi.yaml", &doc);
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

#[test]
fn every_codegen_fixture_has_a_snapshot_test() {
    // A new fixture without a snapshot test would silently test nothing.
    let tested: BTreeMap<&str, ()> = FIXTURES.iter().map(|n| (*n, ())).collect();
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
            "fixture {name} has no snapshot test"
        );
    }
}

#[test]
fn generation_is_deterministic() {
    for name in FIXTURES {
        assert_eq!(
            render(name),
            render(name),
            "{name} rendered differently on a second run"
        );
    }
}
