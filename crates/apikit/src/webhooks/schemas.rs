//! JSON Schema of every payload type (feature `schemars`).
//!
//! [`all`] is what `cargo xtask schemas` writes to `crates/apikit/schemas/`, one
//! `<provider>.<Type>.json` per type; a test checks the checked-in files against it.

use std::collections::BTreeMap;

use schemars::{JsonSchema, schema_for};
use serde_json::Value;

use super::{colorme, sendgrid, shipengine, snyk, snyk_api_web};

fn schema<T: JsonSchema>() -> Value {
    // A `Schema` is a JSON value by construction; `to_value` only fails on non-string
    // map keys, which schemas do not have.
    sorted(serde_json::to_value(schema_for!(T)).unwrap_or(Value::Null))
}

/// Sorts object keys recursively. Without this the files would depend on whether some
/// other crate in the build enables serde_json's `preserve_order` (the xtask does, and
/// cargo unifies features across a workspace build).
fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// Every payload type's JSON Schema (draft 2020-12), keyed by file stem
/// `<provider>.<Type>` (e.g. `snyk.ProjectSnapshot`). Deterministic: same input, same map.
pub fn all() -> BTreeMap<&'static str, Value> {
    let mut map = BTreeMap::new();
    let mut add = |stem: &'static str, value: Value| {
        map.insert(stem, value);
    };
    add("snyk.Ping", schema::<snyk::Ping>());
    add("snyk.ProjectSnapshot", schema::<snyk::ProjectSnapshot>());
    add("sendgrid.Processed", schema::<sendgrid::Processed>());
    add("sendgrid.Dropped", schema::<sendgrid::Dropped>());
    add("sendgrid.Delivered", schema::<sendgrid::Delivered>());
    add("sendgrid.Deferred", schema::<sendgrid::Deferred>());
    add("sendgrid.Bounce", schema::<sendgrid::Bounce>());
    add("sendgrid.Open", schema::<sendgrid::Open>());
    add("sendgrid.Click", schema::<sendgrid::Click>());
    add("sendgrid.SpamReport", schema::<sendgrid::SpamReport>());
    add("sendgrid.Unsubscribe", schema::<sendgrid::Unsubscribe>());
    add(
        "sendgrid.GroupUnsubscribe",
        schema::<sendgrid::GroupUnsubscribe>(),
    );
    add(
        "sendgrid.GroupResubscribe",
        schema::<sendgrid::GroupResubscribe>(),
    );
    add("shipengine.Track", schema::<shipengine::Track>());
    add("shipengine.Resource", schema::<shipengine::Resource>());
    add("colorme.Install", schema::<colorme::Install>());
    add("colorme.Uninstall", schema::<colorme::Uninstall>());
    add(
        "colorme.InstallResponse",
        schema::<colorme::InstallResponse>(),
    );
    add(
        "snyk_api_web.UserEvent",
        schema::<snyk_api_web::UserEvent>(),
    );
    add(
        "snyk_api_web.TargetEvent",
        schema::<snyk_api_web::TargetEvent>(),
    );
    add(
        "snyk_api_web.ScanEvent",
        schema::<snyk_api_web::ScanEvent>(),
    );
    add(
        "snyk_api_web.FindingEvent",
        schema::<snyk_api_web::FindingEvent>(),
    );
    map
}

/// The file contents for a schema: pretty JSON with a trailing newline.
pub fn render(schema: &Value) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}
