//! The generated modules of `tests/output/` (the `apikit-fixture-clients` crate) are
//! what the generator renders from `tests/fixtures/codegen/` now: that crate is the one
//! copy of each fixture's generated code, reviewed in diffs like any snapshot and
//! compiled by `cargo test --workspace` (progenitor keeps its `tests/output` the same
//! way). Run with `UPDATE_FIXTURES=1` to rewrite the stale ones, then review the diff.

use std::path::{Path, PathBuf};

use apikit_codegen::ProviderConfig;
use apikit_codegen::render::{render_fixture_file, render_spec_file};

fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

fn config() -> ProviderConfig {
    let text = "crate = \"apikit-fixture\"\ndescription = \"fixture\"\nspecs = [\"openapi.yaml\"]\n[servers]\ndefault = \"https://api.example.test\"\neu = \"https://eu.example.test\"\n";
    ProviderConfig::parse(Path::new("provider.toml"), text).expect("fixture config is valid")
}

/// Every fixture spec, sorted by file name.
fn fixtures() -> Vec<PathBuf> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(tests_dir().join("fixtures/codegen"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    specs.sort();
    specs
}

fn stem(spec: &Path) -> String {
    spec.file_stem().unwrap().to_string_lossy().into_owned()
}

#[test]
fn fixture_client_modules_are_fresh() {
    let update = std::env::var_os("UPDATE_FIXTURES").is_some();
    let generated = tests_dir().join("output/src/generated");
    let lib = std::fs::read_to_string(tests_dir().join("output/src/lib.rs")).unwrap();
    let mut stale = vec![];
    for spec in fixtures() {
        let stem = stem(&spec);
        // A fixture that is not a module of the crate would be rendered but never compiled.
        let module = format!("#[path = \"generated/{stem}.rs\"]");
        assert!(
            lib.contains(&module),
            "tests/output/src/lib.rs lacks {module}"
        );
        // The client and its typed mock module (`pub mod mock`), so the fixtures prove
        // the mocks compile for odd specs too.
        let rendered = render_fixture_file("fixture", &config(), &spec)
            .unwrap_or_else(|e| panic!("{stem}: {e}"));
        let target = generated.join(format!("{stem}.rs"));
        if std::fs::read_to_string(&target).ok().as_deref() != Some(rendered.as_str()) {
            if update {
                std::fs::write(&target, &rendered).unwrap();
            } else {
                stale.push(stem);
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale fixture clients: {stale:?}; run `UPDATE_FIXTURES=1 cargo test -p apikit-codegen --test fixture_clients` and review the diff"
    );
}

#[test]
fn every_generated_module_has_its_fixture() {
    // A module left behind by a deleted fixture would go on compiling, testing nothing.
    let stems: Vec<String> = fixtures().iter().map(|s| stem(s)).collect();
    for entry in std::fs::read_dir(tests_dir().join("output/src/generated")).unwrap() {
        let path = entry.unwrap().path();
        let name = stem(&path);
        assert!(
            stems.contains(&name),
            "tests/output/src/generated/{name}.rs has no fixture tests/fixtures/codegen/{name}.*"
        );
    }
}

#[test]
fn generation_is_deterministic() {
    for spec in fixtures() {
        let render = || render_fixture_file("fixture", &config(), &spec).unwrap();
        assert_eq!(
            render(),
            render(),
            "{} rendered differently on a second run",
            stem(&spec)
        );
    }
}

/// The fixture config with another `[generator]` section.
fn config_with(generator: &str) -> ProviderConfig {
    let text = "crate = \"apikit-fixture\"\ndescription = \"fixture\"\nspecs = [\"openapi.yaml\"]\n[servers]\ndefault = \"https://api.example.test\"\n[generator]\n"
        .to_owned()
        + generator;
    ProviderConfig::parse(Path::new("provider.toml"), &text).expect("fixture config is valid")
}

#[test]
fn every_call_fails_with_api_error_in_each_interface_style() {
    // No provider uses the positional style or separate tags today; the `send` rewrite
    // must still reach every operation there (or `render` fails with its count).
    let spec = tests_dir().join("fixtures/codegen/paths.yaml");
    for generator in [
        "interface = \"builder\"\ntags = \"merged\"\n",
        "interface = \"builder\"\ntags = \"separate\"\n",
        // (progenitor itself refuses positional with separate tags.)
        "interface = \"positional\"\ntags = \"merged\"\n",
    ] {
        let out = render_spec_file("fixture", &config_with(generator), &spec)
            .unwrap_or_else(|e| panic!("{generator}: {e}"));
        let flat = out.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(
            flat.matches("apikit_runtime::ApiError::from_progenitor(e).await")
                .count(),
            4,
            "{generator}: one mapped call per operation of paths.yaml:\n{out}"
        );
    }
}
