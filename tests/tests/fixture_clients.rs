//! The generated modules of `tests/fixture-clients/` match what the generator renders
//! from `tests/fixtures/codegen/` now. Run with `UPDATE_FIXTURES=1` to rewrite them
//! (then review the diff); the crate itself is compiled by `cargo test --workspace`.

use std::path::{Path, PathBuf};

use xtask::codegen::render_spec_file;
use xtask::config::ProviderConfig;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_owned()
}

fn config() -> ProviderConfig {
    let text = "crate = \"apikit-fixture\"\ndescription = \"fixture\"\nspecs = [\"openapi.yaml\"]\n[servers]\ndefault = \"https://api.example.test\"\neu = \"https://eu.example.test\"\n";
    ProviderConfig::parse(Path::new("provider.toml"), text).expect("fixture config is valid")
}

#[test]
fn fixture_client_modules_are_fresh() {
    let update = std::env::var_os("UPDATE_FIXTURES").is_some();
    let generated = root().join("fixture-clients/src/generated");
    let lib = std::fs::read_to_string(root().join("fixture-clients/src/lib.rs")).unwrap();
    let mut stale = vec![];
    for entry in std::fs::read_dir(root().join("fixtures/codegen")).unwrap() {
        let spec = entry.unwrap().path();
        let stem = spec.file_stem().unwrap().to_string_lossy().into_owned();
        let module = format!("#[path = \"generated/{stem}.rs\"]");
        assert!(
            lib.contains(&module),
            "fixture-clients/src/lib.rs lacks {module}"
        );
        let rendered =
            render_spec_file("fixture", &config(), &spec).unwrap_or_else(|e| panic!("{stem}: {e}"));
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
        "stale fixture clients: {stale:?}; run `UPDATE_FIXTURES=1 cargo test -p apikit-tests --test fixture_clients` and review the diff"
    );
}
