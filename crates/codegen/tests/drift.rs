//! The checked-in crates are exactly what the specs generate (the rust-analyzer
//! codegen-test pattern): a hand edit or a forgotten `cargo xtask codegen` fails here,
//! naming the files.

use std::path::Path;

use apikit_codegen::render::{GENERATED_MARKER, PROGENITOR_VERSION};
use apikit_codegen::{self as codegen, Drift};

/// The repository root: this crate is `crates/codegen`.
fn repo_root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn checked_in_crates_match_the_specs() {
    let root = repo_root();
    let providers = codegen::discover(&root).expect("specs/ loads");
    assert!(!providers.is_empty(), "no provider found under specs/");
    let plan = codegen::plan(&root, &providers).expect("every spec generates");
    let drift = codegen::check(&root, &plan, &providers).unwrap();
    assert!(
        drift.is_clean(),
        "generated code is stale; run `cargo xtask codegen`:\n{drift}"
    );
}

/// Copies specs/ of this checkout into a scratch root and generates into it.
fn scratch_with_generated_crates() -> (tempfile::TempDir, Vec<codegen::Provider>) {
    let root = repo_root();
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root.join("specs"), &dir.path().join("specs"));
    let providers = codegen::discover(dir.path()).unwrap();
    let plan = codegen::plan(dir.path(), &providers).unwrap();
    codegen::apply(dir.path(), &plan).unwrap();
    (dir, providers)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn check_reports_a_spec_edit_a_hand_edit_and_an_orphan() {
    let (dir, providers) = scratch_with_generated_crates();
    let root = dir.path();
    let clean =
        codegen::check(root, &codegen::plan(root, &providers).unwrap(), &providers).unwrap();
    assert_eq!(
        clean,
        Drift::default(),
        "freshly generated crates must be clean"
    );

    // Any spec edit changes the generated files, at least through the sha256 in their header.
    let first = &providers[0];
    let spec_path = first.dir.join(&first.config.specs[0]);
    let text = std::fs::read_to_string(&spec_path).unwrap();
    let edited = text.replacen(
        "openapi: 3.0.3",
        "openapi: 3.0.3\n# an edit that changes only the hash\n",
        1,
    );
    assert_ne!(text, edited, "spec starts with `openapi: 3.0.3`");
    std::fs::write(&spec_path, edited).unwrap();
    // A hand edit of another provider's generated code.
    let other = &providers[providers.len() - 1];
    let hand_edited = root
        .join("crates")
        .join(&other.name)
        .join("src/generated.rs");
    let mut code = std::fs::read_to_string(&hand_edited).unwrap();
    code.push_str("\n// hand edit\n");
    std::fs::write(&hand_edited, code).unwrap();
    // A generated crate whose spec is gone.
    std::fs::create_dir_all(root.join("crates/gone/src")).unwrap();
    std::fs::write(
        root.join("crates/gone/Cargo.toml"),
        format!("# {}\n", GENERATED_MARKER),
    )
    .unwrap();
    // A hand-written crate is not an orphan.
    std::fs::create_dir_all(root.join("crates/handmade")).unwrap();
    std::fs::write(root.join("crates/handmade/Cargo.toml"), "[package]\n").unwrap();

    let drift =
        codegen::check(root, &codegen::plan(root, &providers).unwrap(), &providers).unwrap();
    let first_crate = Path::new("crates").join(&first.name);
    assert!(
        drift
            .differs
            .contains(&first_crate.join("src/generated.rs")),
        "{drift}"
    );
    assert!(
        drift.differs.contains(&first_crate.join("Cargo.toml")),
        "the header hash changes too: {drift}"
    );
    assert!(
        drift.differs.contains(
            &Path::new("crates")
                .join(&other.name)
                .join("src/generated.rs")
        ),
        "{drift}"
    );
    assert_eq!(
        drift.orphaned,
        [Path::new("crates/gone/Cargo.toml")],
        "{drift}"
    );
    assert!(drift.missing.is_empty(), "{drift}");
    let listed = drift.to_string();
    assert!(
        listed.contains("should not exist (nothing generates it): crates/gone/Cargo.toml"),
        "{listed}"
    );
}

#[test]
fn a_failing_spec_writes_nothing() {
    let (dir, providers) = scratch_with_generated_crates();
    let root = dir.path();
    let before = snapshot_tree(&root.join("crates"));
    // Break the last provider: the earlier ones still render, but nothing may be written.
    let last = &providers[providers.len() - 1];
    let spec_path = last.dir.join(&last.config.specs[0]);
    std::fs::write(&spec_path, "openapi: 3.0.3\npaths: [\n").unwrap();
    let err = codegen::plan(root, &providers).expect_err("a broken spec fails the plan");
    assert!(
        err.to_string().contains(&spec_path.display().to_string()),
        "{err}"
    );
    assert_eq!(
        snapshot_tree(&root.join("crates")),
        before,
        "nothing was written"
    );
}

#[test]
fn a_write_failing_half_way_leaves_the_tree_as_it_was() {
    let (dir, providers) = scratch_with_generated_crates();
    let root = dir.path();
    // Every provider's files change (their spec hashes do)...
    for p in &providers {
        let spec_path = p.dir.join(&p.config.specs[0]);
        let mut text = std::fs::read_to_string(&spec_path).unwrap();
        text.push_str("\n# edited\n");
        std::fs::write(&spec_path, text).unwrap();
    }
    // ...and the last one's staging file cannot be written: a folder is in its place.
    let last = &providers[providers.len() - 1];
    let blocker = root
        .join("crates")
        .join(&last.name)
        .join("src/generated.xtask-tmp");
    std::fs::create_dir_all(&blocker).unwrap();
    let before = snapshot_tree(&root.join("crates"));
    let plan = codegen::plan(root, &providers).unwrap();
    let err = codegen::apply(root, &plan).expect_err("the blocked file fails the apply");
    assert!(
        err.to_string().contains("generated.xtask-tmp"),
        "the error names the file: {err}"
    );
    assert_eq!(
        snapshot_tree(&root.join("crates")),
        before,
        "no file changed and no staging file was left behind"
    );
}

#[test]
fn scaffold_files_are_never_overwritten() {
    let (dir, providers) = scratch_with_generated_crates();
    let root = dir.path();
    let lib = root
        .join("crates")
        .join(&providers[0].name)
        .join("src/lib.rs");
    std::fs::write(&lib, "// mine\n").unwrap();
    let changed = codegen::apply(root, &codegen::plan(root, &providers).unwrap()).unwrap();
    assert!(
        changed.is_empty(),
        "a second apply changes nothing: {changed:?}"
    );
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), "// mine\n");
}

fn snapshot_tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = vec![];
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn progenitor_version_in_headers_matches_cargo_lock() {
    let lock = std::fs::read_to_string(repo_root().join("Cargo.lock")).unwrap();
    let needle = format!(
        "name = \"progenitor\"\nversion = \"{}\"",
        PROGENITOR_VERSION
    );
    assert!(
        lock.contains(&needle),
        "update render::PROGENITOR_VERSION to the locked progenitor"
    );
}

#[test]
fn check_shows_a_unified_diff_of_what_differs() {
    let (dir, providers) = scratch_with_generated_crates();
    let root = dir.path();
    let generated = root
        .join("crates")
        .join(&providers[0].name)
        .join("src/generated.rs");
    let code = std::fs::read_to_string(&generated).unwrap();
    std::fs::write(
        &generated,
        code.replacen("pub struct Client", "pub struct Klient", 1),
    )
    .unwrap();
    let plan = codegen::plan(root, &providers).unwrap();
    let drift = codegen::check(root, &plan, &providers).unwrap();
    let diff = codegen::files::diff(root, &plan, &drift, 3).unwrap();
    assert!(
        diff.contains("(checked in)") && diff.contains("(generated)"),
        "{diff}"
    );
    assert!(diff.contains("-pub struct Klient"), "{diff}");
    assert!(diff.contains("+pub struct Client"), "{diff}");
}
