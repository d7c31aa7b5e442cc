//! The report as Markdown (a PR comment: counts, then breaking changes first, grouped by
//! operation) or JSON (`{"changes": [...]}`, plus `api` and `notes` when there are any).

use std::fmt::Write as _;

use super::{Change, Format, Report};

/// Renders `report` in `format`. Sort the report first ([`Report::sort`]).
pub fn render(report: &Report, format: Format) -> String {
    match format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(report).expect("reports serialize");
            s.push('\n');
            s
        }
        Format::Markdown => markdown(report),
    }
}

/// The Markdown report.
pub fn markdown(report: &Report) -> String {
    let mut s = String::from("## Spec changes\n\n");
    let breaking: Vec<&Change> = report.changes.iter().filter(|c| c.breaking).collect();
    let docs: Vec<&Change> = report
        .changes
        .iter()
        .filter(|c| c.kind == super::Kind::DocsChanged)
        .collect();
    let other: Vec<&Change> = report
        .changes
        .iter()
        .filter(|c| !c.breaking && c.kind != super::Kind::DocsChanged)
        .collect();
    if report.changes.is_empty() {
        s.push_str("No interface changes.\n\n");
    } else {
        let _ = writeln!(
            s,
            "**{} breaking**, {} non-breaking, {} documentation-only.\n",
            breaking.len(),
            other.len(),
            docs.len()
        );
    }
    section(&mut s, "Breaking changes", &breaking);
    section(&mut s, "Non-breaking changes", &other);
    if !docs.is_empty() {
        let _ = writeln!(
            s,
            "### Documentation changes\n\n<details><summary>{} description or summary change(s)</summary>\n",
            docs.len()
        );
        groups(&mut s, &docs);
        s.push_str("</details>\n\n");
    }
    if !report.api.is_empty() {
        s.push_str("### Generated Rust API\n\n");
        for api in &report.api {
            let _ = writeln!(
                s,
                "#### `{}`: {} removed, {} changed, {} added\n",
                api.provider, api.removed, api.changed, api.added
            );
            for item in &api.items {
                let _ = match (&item.old, &item.new) {
                    (Some(old), Some(new)) => {
                        writeln!(s, "- {} `{}`: `{old}` → `{new}`", item.change, item.item)
                    }
                    (Some(sig), None) | (None, Some(sig)) if item.members > 0 => writeln!(
                        s,
                        "- {} `{}`: `{sig}` and its {} members",
                        item.change, item.item, item.members
                    ),
                    (Some(sig), None) | (None, Some(sig)) => {
                        writeln!(s, "- {} `{}`: `{sig}`", item.change, item.item)
                    }
                    (None, None) => writeln!(s, "- {} `{}`", item.change, item.item),
                };
            }
            if api.omitted > 0 {
                let _ = writeln!(s, "- … and {} more", api.omitted);
            }
            s.push('\n');
        }
    }
    if !report.notes.is_empty() {
        s.push_str("### Notes\n\n");
        for n in &report.notes {
            let _ = writeln!(s, "- {n}");
        }
        s.push('\n');
    }
    s
}

fn section(s: &mut String, title: &str, changes: &[&Change]) {
    if changes.is_empty() {
        return;
    }
    let _ = writeln!(s, "### {title}\n");
    groups(s, changes);
}

/// Changes under one heading per provider and operation, in report order.
fn groups(s: &mut String, changes: &[&Change]) {
    let mut current: Option<(&str, &str)> = None;
    for c in changes {
        let key = (c.provider.as_str(), c.operation.as_str());
        if current != Some(key) {
            if current.is_some() {
                s.push('\n');
            }
            let _ = writeln!(s, "#### `{}` · `{}`\n", c.provider, c.operation);
            current = Some(key);
        }
        let at = c
            .location
            .strip_prefix(c.operation.as_str())
            .unwrap_or(&c.location)
            .trim();
        if at.is_empty() {
            let _ = writeln!(s, "- `{}`: {}", c.kind.as_str(), c.detail);
        } else {
            let _ = writeln!(s, "- `{}` at `{at}`: {}", c.kind.as_str(), c.detail);
        }
    }
    if current.is_some() {
        s.push('\n');
    }
}
