//! spec-diff over fixture pairs we wrote, one per change kind
//! (`tests/fixtures/spec-diff/<case>/{old,new}.yaml`): the kinds each case must report,
//! and insta snapshots of the JSON and Markdown reports (with the Rust API summary).
//! Plus identity: every spec in specs/ against itself, and re-serializations (3.1,
//! JSON) of a fixture against the original, report nothing.

use std::path::{Path, PathBuf};

use apikit_spec_diff::{self as spec_diff, Format, Kind, report};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// One test per case folder, with the kinds it must report (exactly, as a sorted set),
/// and `CASES` listing them all.
macro_rules! cases {
    ($($case:ident => [$($kind:literal),*],)*) => {
        const CASES: &[(&str, &[&str])] = &[$((stringify!($case), &[$($kind),*])),*];
        mod case {
            $(
                #[test]
                fn $case() {
                    super::check_case(stringify!($case), &[$($kind),*]);
                }
            )*
        }
    };
}

cases! {
    operation_removed => ["operation-removed"],
    operation_added => ["operation-added"],
    operation_path_changed => ["operation-moved"],
    operation_method_changed => ["operation-moved"],
    operation_renamed => ["operation-renamed"],
    path_parameter_renamed => ["parameter-renamed"],
    parameter_removed => ["parameter-removed"],
    parameter_renamed => ["parameter-renamed"],
    parameter_moved => ["parameter-moved"],
    parameter_required => ["parameter-required"],
    parameter_required_added => ["parameter-required-added"],
    parameter_added => ["parameter-added"],
    parameter_type_changed => ["parameter-type-changed"],
    request_field_required_added => ["request-field-required-added"],
    request_field_added => ["request-field-added"],
    request_field_type_changed => ["request-field-type-changed"],
    request_enum_value_removed => ["request-enum-value-removed"],
    response_field_removed => ["response-field-removed"],
    response_field_optional => ["response-field-optional"],
    response_field_nullable => ["response-field-nullable"],
    response_field_type_changed => ["response-field-type-changed"],
    response_field_added => ["response-field-added"],
    response_enum_value_added => ["response-enum-value-added"],
    success_status_changed => ["success-status-changed"],
    media_type_changed => ["media-type-changed"],
    request_media_json_to_multipart => ["media-type-changed"],
    request_media_xml_to_pdf => ["media-type-changed"],
    empty_success_added => ["empty-success-changed", "response-field-nullable", "success-status-changed"],
    security_changed => ["security-changed"],
    default_security_changed => ["security-changed"],
    docs_changed => ["docs-changed"],
    schema_moved_to_components => [],
}

fn diff_case(case: &str) -> spec_diff::Report {
    let dir = fixtures().join("spec-diff").join(case);
    spec_diff::diff_files(&dir.join("old.yaml"), &dir.join("new.yaml"), None, true)
        .unwrap_or_else(|e| panic!("{case}: {e}"))
}

#[test]
fn every_case_folder_is_listed() {
    let mut on_disk: Vec<String> = std::fs::read_dir(fixtures().join("spec-diff"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = CASES.iter().map(|(c, _)| (*c).to_owned()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
}

/// The case's kinds, each change's `breaking` flag, and snapshots of both outputs.
fn check_case(case: &str, expected: &[&str]) {
    let report = diff_case(case);
    let mut kinds: Vec<&str> = report.changes.iter().map(|c| c.kind.as_str()).collect();
    kinds.sort();
    kinds.dedup();
    assert_eq!(kinds, expected, "{case}: {report:#?}");
    for c in &report.changes {
        assert_eq!(c.breaking, c.kind.breaking(), "{case}: {c:?}");
        assert_eq!(c.provider, case);
    }
    insta::assert_snapshot!(
        format!("{case}_json"),
        report::render(&report, Format::Json)
    );
    insta::assert_snapshot!(
        format!("{case}_markdown"),
        report::render(&report, Format::Markdown)
    );
}

#[test]
fn breaking_classification_matches_the_issue() {
    let breaking = [
        "operation-removed",
        "operation-moved",
        "parameter-removed",
        "parameter-renamed",
        "parameter-moved",
        "parameter-required",
        "parameter-required-added",
        "request-field-required-added",
        "request-field-type-changed",
        "response-field-type-changed",
        "response-field-removed",
        "response-field-optional",
        "response-field-nullable",
        "request-enum-value-removed",
        "success-status-changed",
        "media-type-changed",
        "empty-success-changed",
        "security-changed",
    ];
    let not_breaking = [
        "operation-added",
        "parameter-added",
        "request-field-added",
        "response-field-added",
        "response-enum-value-added",
        "docs-changed",
    ];
    for kind in Kind::ALL {
        if breaking.contains(&kind.as_str()) {
            assert!(kind.breaking(), "{}", kind.as_str());
        }
        if not_breaking.contains(&kind.as_str()) {
            assert!(!kind.breaking(), "{}", kind.as_str());
        }
    }
    let names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
    for k in breaking.iter().chain(&not_breaking) {
        assert!(names.contains(k), "{k} is not a kind");
    }
}

#[test]
fn breaking_changes_come_first_in_both_outputs() {
    let dir = fixtures().join("spec-diff");
    // The base spec against one with DELETE /pets/{petId} removed and PUT added.
    let mut doc = apikit_codegen::spec::load(&dir.join("operation_added/new.yaml")).unwrap();
    doc["paths"]["/pets/{petId}"]
        .as_object_mut()
        .unwrap()
        .remove("delete");
    let tmp = tempfile::tempdir().unwrap();
    let new = tmp.path().join("mixed.json");
    std::fs::write(&new, serde_json::to_string(&doc).unwrap()).unwrap();
    let report =
        spec_diff::diff_files(&dir.join("operation_added/old.yaml"), &new, None, false).unwrap();
    let kinds: Vec<&str> = report.changes.iter().map(|c| c.kind.as_str()).collect();
    assert_eq!(kinds, ["operation-removed", "operation-added"]);
    assert!(report.has_breaking());
    let json = report::render(&report, Format::Json);
    assert!(
        json.find("operation-removed").unwrap() < json.find("operation-added").unwrap(),
        "{json}"
    );
    let md = report::markdown(&report);
    assert!(
        md.contains("**1 breaking**, 1 non-breaking, 0 documentation-only."),
        "{md}"
    );
    let (b, n) = (
        md.find("### Breaking changes").unwrap(),
        md.find("### Non-breaking changes").unwrap(),
    );
    assert!(b < n, "{md}");
}

#[test]
fn every_provider_spec_against_itself_reports_nothing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let providers = apikit_codegen::discover(&root).unwrap();
    assert!(providers.len() >= 6);
    for p in providers {
        let mut sources = vec![];
        for path in p.config.spec_paths(&p.dir) {
            let text = std::fs::read_to_string(&path).unwrap();
            sources.push((path, text));
        }
        let doc = spec_diff::normalized(&sources).unwrap();
        let changes = spec_diff::diff_documents(&p.name, &doc, &doc);
        assert!(changes.is_empty(), "{}: {changes:#?}", p.name);
        // Through the file entry point too (normalizes each side from disk).
        if sources.len() == 1 {
            let f = &sources[0].0;
            let report = spec_diff::diff_files(f, f, Some(&p.name), true).unwrap();
            assert!(
                report.changes.is_empty() && report.api.is_empty(),
                "{}: {report:#?}",
                p.name
            );
        }
    }
}

#[test]
fn openapi31_and_json_reserializations_report_nothing() {
    let dir = fixtures().join("spec-diff-identity");
    let v30 = dir.join("openapi30.yaml");
    let report = spec_diff::diff_files(&v30, &dir.join("openapi31.yaml"), None, true).unwrap();
    assert!(report.changes.is_empty(), "{report:#?}");
    assert!(report.api.is_empty(), "{report:#?}");
    assert!(report.notes.is_empty(), "{report:#?}");

    let tmp = tempfile::tempdir().unwrap();
    for (name, yaml) in [
        ("openapi30.json", v30.clone()),
        (
            "response.json",
            fixtures().join("spec-diff/response_field_added/new.yaml"),
        ),
    ] {
        let value = apikit_codegen::spec::load(&yaml).unwrap();
        let json = tmp.path().join(name);
        std::fs::write(&json, serde_json::to_string_pretty(&value).unwrap()).unwrap();
        let report = spec_diff::diff_files(&yaml, &json, None, true).unwrap();
        assert!(
            report.changes.is_empty() && report.api.is_empty(),
            "{name}: {report:#?}"
        );
    }
}

#[test]
fn malformed_spec_is_a_typed_error_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.yaml");
    std::fs::write(&bad, "openapi: 3.0.3\npaths: [\n").unwrap();
    let good = fixtures().join("spec-diff/operation_added/old.yaml");
    let e = spec_diff::diff_files(&good, &bad, None, true).unwrap_err();
    assert!(matches!(e, apikit_codegen::Error::Syntax { .. }), "{e:?}");
    assert!(e.to_string().contains("bad.yaml: cannot parse"), "{e}");
    let v2 = tmp.path().join("v2.yaml");
    std::fs::write(
        &v2,
        "openapi: 2.5.0\ninfo: {title: x, version: '1'}\npaths: {}\n",
    )
    .unwrap();
    let e = spec_diff::diff_files(&good, &v2, None, true).unwrap_err();
    assert!(matches!(e, apikit_codegen::Error::Spec { .. }), "{e:?}");
    assert!(e.to_string().contains("v2.yaml#/openapi"), "{e}");
}
