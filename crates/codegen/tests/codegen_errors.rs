//! Malformed specs give the documented error (file, JSON pointer, what to do), never a
//! panic and never a partial write.

use std::path::{Path, PathBuf};

use apikit_codegen::render::render_spec_file;
use apikit_codegen::{Error, ProviderConfig};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/invalid")
        .join(name)
}

fn config() -> ProviderConfig {
    ProviderConfig::parse(
        Path::new("provider.toml"),
        "crate = \"apikit-x\"\ndescription = \"x\"\nspecs = [\"openapi.yaml\"]\n[servers]\ndefault = \"https://x.test\"\n",
    )
    .unwrap()
}

fn error(name: &str) -> Error {
    render_spec_file("x", &config(), &fixture(name)).expect_err(name)
}

#[test]
fn yaml_syntax_error_names_file_and_line() {
    let e = error("yaml_syntax.yaml");
    assert!(matches!(e, Error::Syntax { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(msg.contains("yaml_syntax.yaml: cannot parse:"), "{msg}");
    assert!(msg.contains("line 3"), "{msg}");
}

#[test]
fn wrong_node_type_names_the_json_pointer() {
    let Error::Spec {
        file,
        pointer,
        message,
    } = error("wrong_type.yaml")
    else {
        panic!("expected Error::Spec")
    };
    assert!(file.ends_with("wrong_type.yaml"));
    assert_eq!(pointer, "/paths/~1things/get/responses");
    assert!(
        message.contains("not a valid OpenAPI 3.0 node"),
        "{message}"
    );
}

#[test]
fn unsupported_version_points_at_the_field() {
    let Error::Spec {
        pointer, message, ..
    } = error("openapi_32.json")
    else {
        panic!("expected Error::Spec")
    };
    assert_eq!(pointer, "/openapi");
    assert!(message.contains("3.2.0"), "{message}");
}

#[test]
fn a_document_that_is_not_a_mapping_is_refused() {
    let Error::Spec { pointer, .. } = error("not_a_mapping.yaml") else {
        panic!("expected Error::Spec")
    };
    assert_eq!(pointer, "");
}

#[test]
fn a_dangling_ref_is_a_spec_error_naming_where_not_a_panic() {
    let e = error("dangling_ref.yaml");
    let msg = e.to_string();
    let Error::Spec { pointer, .. } = e else {
        panic!("expected Error::Spec, got {e:?}")
    };
    assert_eq!(
        pointer,
        "/paths/~1things/get/responses/200/content/application~1json/schema"
    );
    assert!(
        msg.contains("dangling_ref.yaml") && msg.contains("Nowhere"),
        "{msg}"
    );
}

#[test]
fn bad_provider_toml_is_refused_with_the_reason() {
    let bad = |text: &str| {
        ProviderConfig::parse(Path::new("specs/x/provider.toml"), text)
            .unwrap_err()
            .to_string()
    };
    let base = "description = \"x\"\nspecs = [\"a.yaml\"]\n";
    assert!(
        bad(&format!(
            "crate = \"x\"\n{base}[servers]\ndefault = \"https://x\"\n"
        ))
        .contains("must start with `apikit-`")
    );
    assert!(
        bad(&format!(
            "crate = \"apikit-x\"\n{base}[servers]\neu = \"https://x\"\n"
        ))
        .contains("needs a `default`")
    );
    assert!(
        bad(&format!(
            "crate = \"apikit-x\"\n{base}[servers]\ndefault = \"ftp://x\"\n"
        ))
        .contains("not an http(s) URL")
    );
    let msg = bad(&format!(
        "crate = \"apikit-x\"\n{base}colour = 1\n[servers]\ndefault = \"https://x\"\n"
    ));
    assert!(
        msg.starts_with("specs/x/provider.toml: cannot parse:") && msg.contains("colour"),
        "{msg}"
    );
}
