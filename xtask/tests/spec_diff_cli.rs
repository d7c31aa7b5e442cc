//! `cargo xtask spec-diff` as a command: exit codes (0 ok, 1 breaking with
//! --fail-on-breaking, 2 errors) and `--base` against a git repository made on the spot.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(case: &str, side: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../crates/spec-diff/tests/fixtures/spec-diff")
        .join(case)
        .join(format!("{side}.yaml"))
}

fn xtask(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("xtask runs")
}

fn files(case: &str, extra: &[&str]) -> Output {
    let (old, new) = (fixture(case, "old"), fixture(case, "new"));
    let mut args = vec![
        "spec-diff",
        "--old",
        old.to_str().unwrap(),
        "--new",
        new.to_str().unwrap(),
        "--no-api",
    ];
    args.extend_from_slice(extra);
    xtask(Path::new(env!("CARGO_MANIFEST_DIR")), &args)
}

#[test]
fn exit_codes_follow_fail_on_breaking() {
    let out = files("operation_removed", &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["changes"][0]["kind"], "operation-removed");
    assert_eq!(json["changes"][0]["location"], "DELETE /pets/{petId}");
    assert_eq!(json["changes"][0]["breaking"], true);
    assert_eq!(json["changes"][0]["provider"], "operation_removed");

    let out = files("operation_removed", &["--fail-on-breaking"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("### Breaking changes"));

    let out = files("operation_added", &["--fail-on-breaking"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

#[test]
fn errors_exit_2_with_a_message() {
    let old = fixture("operation_removed", "old");
    let out = xtask(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &[
            "spec-diff",
            "--old",
            old.to_str().unwrap(),
            "--new",
            "/nonexistent/spec.yaml",
            "--fail-on-breaking",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: /nonexistent/spec.yaml:"),
        "{stderr}"
    );
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.test"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(status.status.success(), "git {args:?}: {status:?}");
}

fn provider(root: &Path, name: &str, spec: &Path) {
    let dir = root.join("specs").join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(spec, dir.join("openapi.yaml")).unwrap();
    std::fs::write(
        dir.join("provider.toml"),
        format!(
            "crate = \"apikit-{name}\"\ndescription = \"x\"\nspecs = [\"openapi.yaml\"]\n[servers]\ndefault = \"https://x.test\"\n"
        ),
    )
    .unwrap();
}

#[test]
fn base_compares_git_revision_with_working_tree() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::create_dir(root.join("xtask")).unwrap();
    std::fs::write(root.join("Cargo.toml"), "[workspace]\n").unwrap();
    provider(root, "pets", &fixture("operation_removed", "old"));
    provider(root, "same", &fixture("operation_added", "old"));
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "specs"]);
    git(root, &["checkout", "-q", "-b", "feature"]);
    std::fs::copy(
        fixture("operation_removed", "new"),
        root.join("specs/pets/openapi.yaml"),
    )
    .unwrap();

    // Default base: merge-base of HEAD and main; the unchanged provider is skipped.
    let out = xtask(root, &["spec-diff", "--format", "json", "--no-api"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let changes = json["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{json:#}");
    assert_eq!(changes[0]["provider"], "pets");
    assert_eq!(changes[0]["kind"], "operation-removed");
    assert!(
        json["notes"][0]
            .as_str()
            .unwrap()
            .starts_with("base: merge-base of HEAD and main")
    );

    // Explicit base and provider filter, with the API summary.
    let out = xtask(
        root,
        &["spec-diff", "--base", "main", "pets", "--fail-on-breaking"],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("#### `pets` · `DELETE /pets/{petId}`"), "{md}");
    assert!(md.contains("removed `Client::delete_pet`"), "{md}");

    let out = xtask(root, &["spec-diff", "same"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("No interface changes."));

    // A provider that only exists in the working tree is named in a note.
    provider(root, "fresh", &fixture("operation_added", "new"));
    let out = xtask(
        root,
        &["spec-diff", "--no-api", "--format", "json", "fresh"],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["changes"], serde_json::json!([]));
    assert!(
        json["notes"][1]
            .as_str()
            .unwrap()
            .starts_with("provider `fresh` does not exist at "),
        "{json:#}"
    );

    let out = xtask(root, &["spec-diff", "--base", "no-such-rev"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("git revision `no-such-rev` not found"));

    let out = xtask(root, &["spec-diff", "nope"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}
