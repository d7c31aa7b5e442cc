//! `cargo xtask add` end to end in a scratch root: what it writes, what it refuses, and
//! that a spec it cannot handle leaves no trace.

use std::path::{Path, PathBuf};

use apikit_codegen::ProviderConfig;
use apikit_codegen::add::add;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("specs")).unwrap();
    std::fs::create_dir_all(dir.path().join("crates")).unwrap();
    dir
}

fn files(root: &Path) -> Vec<String> {
    let mut out = vec![];
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_string_lossy();
                out.push(rel.replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn adds_a_swagger_2_provider_with_spec_config_and_crate() {
    let dir = scratch();
    let root = dir.path();
    let source = fixture("codegen/swagger2.json");
    let added = add(root, "pets", &source, false).unwrap();
    assert_eq!(
        files(root),
        [
            "crates/pets/Cargo.toml",
            "crates/pets/README.md",
            "crates/pets/src/generated.rs",
            "crates/pets/src/lib.rs",
            "crates/pets/src/mock.rs",
            "specs/pets/openapi.json",
            "specs/pets/provider.toml",
            "tests/conformance/Cargo.toml",
            "tests/conformance/tests/pets/main.rs",
            "tests/conformance/tests/pets/operations.rs",
        ]
    );
    assert_eq!(added.written.len(), 10);
    // The typed mock server: generated, behind the crate's `mock` feature, with a README
    // example the crate's doc tests run (its dev-dependency on itself enables `mock`).
    let mock = std::fs::read_to_string(root.join("crates/pets/src/mock.rs")).unwrap();
    assert!(mock.contains("pub fn list_pets<F>(&self, f: F)"), "{mock}");
    let lib = std::fs::read_to_string(root.join("crates/pets/src/lib.rs")).unwrap();
    assert!(
        lib.contains("#[cfg(feature = \"mock\")]\n#[rustfmt::skip]\npub mod mock;"),
        "{lib}"
    );
    let cargo = std::fs::read_to_string(root.join("crates/pets/Cargo.toml")).unwrap();
    assert!(
        cargo.contains("mock = [\"apikit-runtime/mock\"]"),
        "{cargo}"
    );
    assert!(
        cargo.contains("apikit-pets = { path = \".\", features = [\"mock\"] }"),
        "{cargo}"
    );
    let readme = std::fs::read_to_string(root.join("crates/pets/README.md")).unwrap();
    assert!(
        readme.contains("server.list_pets(|_, _| {}).expect(1)"),
        "{readme}"
    );
    // Its conformance tests, and the conformance crate depends on the new client.
    let manifest = std::fs::read_to_string(root.join("tests/conformance/Cargo.toml")).unwrap();
    assert!(
        manifest.contains("apikit-pets = { path = \"../../crates/pets\" }"),
        "{manifest}"
    );
    let tests =
        std::fs::read_to_string(root.join("tests/conformance/tests/pets/operations.rs")).unwrap();
    assert!(tests.contains("async fn list_pets()"), "{tests}");
    // `configured` is called the way the client declares it: with the credential
    // argument exactly when the spec has a security scheme.
    let client = std::fs::read_to_string(root.join("crates/pets/src/generated.rs")).unwrap();
    let keyed = client
        .contains("pub fn configured(\n        baseurl: &str,\n        api_key: &str,")
        || client.contains("pub fn configured(baseurl: &str, api_key: &str,");
    let call = if keyed {
        "apikit_pets::Client::configured(run.base_url(), KEY, Run::config())"
    } else {
        "apikit_pets::Client::configured(run.base_url(), Run::config())"
    };
    assert!(tests.contains(call), "{call} in\n{tests}");
    // A spec without a security scheme: `configured` takes no credential.
    add(root, "plain", &fixture("codegen/json_body.yaml"), false).unwrap();
    let tests =
        std::fs::read_to_string(root.join("tests/conformance/tests/plain/operations.rs")).unwrap();
    assert!(
        tests.contains("apikit_plain::Client::configured(run.base_url(), Run::config())"),
        "{tests}"
    );
    let manifest = std::fs::read_to_string(root.join("tests/conformance/Cargo.toml")).unwrap();
    assert!(
        manifest.contains("apikit-pets = ") && manifest.contains("apikit-plain = "),
        "{manifest}"
    );
    // The spec is copied unchanged; the normalized form only exists in memory.
    assert_eq!(
        std::fs::read(root.join("specs/pets/openapi.json")).unwrap(),
        std::fs::read(&source).unwrap()
    );
    let config = ProviderConfig::load(&root.join("specs/pets/provider.toml")).unwrap();
    assert_eq!(config.crate_name, "apikit-pets");
    assert_eq!(config.servers["default"], "https://api.example.test/v2");
    let auth = config.auth.expect("apiKey header scheme inferred");
    assert_eq!(auth.header, "X-Key");
    let cargo = std::fs::read_to_string(root.join("crates/pets/Cargo.toml")).unwrap();
    assert!(cargo.contains("name = \"apikit-pets\""), "{cargo}");
    let module = std::fs::read_to_string(root.join("crates/pets/src/generated.rs")).unwrap();
    assert!(
        module.contains("pub fn with_api_key("),
        "constructor generated"
    );
    assert!(
        module.contains("pub fn upload_photo("),
        "formData operation generated"
    );
}

#[test]
fn refuses_to_replace_a_provider_unless_forced_and_never_a_hand_written_crate() {
    let dir = scratch();
    let root = dir.path();
    let source = fixture("codegen/openapi31.yaml");
    add(root, "thirty-one", &source, false).unwrap();
    let lib = root.join("crates/thirty-one/src/lib.rs");
    std::fs::write(&lib, "// hand-written\n").unwrap();
    let e = add(root, "thirty-one", &source, false)
        .unwrap_err()
        .to_string();
    assert!(e.contains("already exists") && e.contains("--force"), "{e}");
    // --force regenerates but keeps hand-written files.
    add(root, "thirty-one", &source, true).unwrap();
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), "// hand-written\n");

    std::fs::create_dir_all(root.join("crates/runtime")).unwrap();
    std::fs::write(
        root.join("crates/runtime/Cargo.toml"),
        "[package]\nname = \"apikit-runtime\"\n",
    )
    .unwrap();
    let e = add(root, "runtime", &source, true).unwrap_err().to_string();
    assert!(e.contains("hand-written crate"), "{e}");
    assert!(!root.join("specs/runtime").exists());
}

#[test]
fn a_spec_it_cannot_handle_writes_nothing_and_names_the_file() {
    let dir = scratch();
    let root = dir.path();
    for (name, bad) in [
        ("broken", fixture("invalid/yaml_syntax.yaml")),
        ("too-new", fixture("invalid/openapi_32.json")),
        ("dangling", fixture("invalid/dangling_ref.yaml")),
    ] {
        let e = add(root, name, &bad, false).unwrap_err().to_string();
        assert!(e.contains(&bad.display().to_string()), "{name}: {e}");
    }
    assert!(files(root).is_empty(), "{:?}", files(root));
    let e = add(root, "Bad_Name", &fixture("codegen/enum.yaml"), false)
        .unwrap_err()
        .to_string();
    assert!(e.contains("kebab-case"), "{e}");
}
