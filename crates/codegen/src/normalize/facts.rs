//! What normalization learns about an operation that the rewritten document no longer
//! says: the passes rewrite a spec into what progenitor can build (a multipart body
//! becomes a JSON object, an XML body raw bytes), and the facts keep the difference so
//! the generated hooks can restore it on the wire and spec-diff can compare it.
//!
//! Facts flow forward only: passes record them, [`crate::render`] and spec-diff read
//! them; nothing writes them back into the document.

use std::collections::BTreeMap;

use serde::Serialize;

/// The facts of one operation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OperationFacts {
    /// The media type the request body is really sent as, when the document now
    /// declares another one for progenitor (`multipart/form-data` declared as JSON,
    /// `application/xml` as raw bytes). Pass `media-types`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_media: Option<String>,
    /// Fields of a `multipart/form-data` body the spec declares binary (`format:
    /// binary`): sent as file parts, not text. Pass `media-types`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub binary_fields: Vec<String>,
    /// Success statuses (`"204"`, `"2XX"`) documented without a body next to JSON ones:
    /// their empty body reads as JSON `null`. Pass `responses`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub empty_success: Vec<String>,
    /// Parameters whose Rust names collided with another's: the document now names
    /// them `sent_as` (so progenitor gives them their own setter), and the generated
    /// hooks put `name` back on the wire. Pass `parameters`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub renamed_params: Vec<RenamedParam>,
    /// The wildcard media type (`*/*`, `application/*`) a response is declared under
    /// and now read as JSON: the generated hooks add it to the request's `Accept`
    /// (`application/json, */*;q=0.1`), so a server that negotiates by the spec's own
    /// type does not refuse the request. Pass `media-types`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_wildcard: Option<String>,
}

/// A parameter the document renamed so that its Rust name is unique.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct RenamedParam {
    /// `query` or `header`.
    pub location: String,
    /// The name in the normalized document (and on the request progenitor builds).
    pub sent_as: String,
    /// The spec's name, which the server expects.
    pub name: String,
}

impl OperationFacts {
    /// True when no pass recorded anything.
    pub fn is_empty(&self) -> bool {
        self.request_media.is_none()
            && self.binary_fields.is_empty()
            && self.empty_success.is_empty()
            && self.renamed_params.is_empty()
            && self.response_wildcard.is_none()
    }

    /// Takes every fact `later` has; the rest stay.
    fn update(&mut self, later: OperationFacts) {
        if later.request_media.is_some() {
            self.request_media = later.request_media;
        }
        if !later.binary_fields.is_empty() {
            self.binary_fields = later.binary_fields;
        }
        if !later.empty_success.is_empty() {
            self.empty_success = later.empty_success;
        }
        if !later.renamed_params.is_empty() {
            self.renamed_params = later.renamed_params;
        }
        if later.response_wildcard.is_some() {
            self.response_wildcard = later.response_wildcard;
        }
    }
}

/// Facts per operation, keyed by the operation's path and method in the normalized
/// document (stable across passes, unlike operationIds, which the merged document may
/// still rename).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facts {
    operations: BTreeMap<String, BTreeMap<String, OperationFacts>>,
    /// String enum values that make no Rust variant name (`<`, `>=`, `+`): the document
    /// carries a placeholder word for each (key), and the generated code is rewritten
    /// to send and read the real value. Pass `schemas`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub symbol_values: BTreeMap<String, String>,
    /// Union variants typify names `VariantN` although the members can be told apart
    /// (a name is a word prefix of the others): enum -> typify's variant -> the name
    /// the `variants` rewrite gives it. Pass `type-names`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub variant_names: BTreeMap<String, BTreeMap<String, String>>,
    /// What a pass dropped or renamed that a user should hear about (printed by
    /// `cargo xtask add` and `cargo xtask normalize --facts`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Facts {
    /// The facts of `method path`, if a pass recorded any.
    pub fn get(&self, path: &str, method: &str) -> Option<&OperationFacts> {
        self.operations
            .get(path)
            .and_then(|m| m.get(method))
            .filter(|f| !f.is_empty())
    }

    /// The facts of `method path`, to record into.
    pub fn entry(&mut self, path: &str, method: &str) -> &mut OperationFacts {
        self.operations
            .entry(path.to_owned())
            .or_default()
            .entry(method.to_owned())
            .or_default()
    }

    /// Takes what a later run (another file, or the merged document) learned; a fact
    /// it recorded replaces the earlier one.
    pub fn merge(&mut self, later: Facts) {
        self.symbol_values.extend(later.symbol_values);
        self.variant_names.extend(later.variant_names);
        for note in later.notes {
            if !self.notes.contains(&note) {
                self.notes.push(note);
            }
        }
        for (path, methods) in later.operations {
            for (method, facts) in methods {
                self.entry(&path, &method).update(facts);
            }
        }
    }

    /// True when no pass recorded anything.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
            && self.symbol_values.is_empty()
            && self.variant_names.is_empty()
            && self.notes.is_empty()
    }

    /// Records a note for the user, once.
    pub fn note(&mut self, note: String) {
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    /// Every `(path, method, facts)` with a fact, sorted by path, then method.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str, &OperationFacts)> {
        self.operations.iter().flat_map(|(path, methods)| {
            methods
                .iter()
                .filter(|(_, f)| !f.is_empty())
                .map(move |(method, f)| (path.as_str(), method.as_str(), f))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_facts_replace_earlier_ones_and_keep_the_rest() {
        let mut first = Facts::default();
        first.entry("/a", "post").request_media = Some("multipart/form-data".into());
        first.entry("/a", "get").empty_success = vec!["204".into()];
        let mut later = Facts::default();
        later.entry("/a", "get").empty_success = vec!["204".into(), "2XX".into()];
        later.entry("/b", "put");
        first.merge(later);
        assert_eq!(
            first.get("/a", "post").unwrap().request_media.as_deref(),
            Some("multipart/form-data")
        );
        assert_eq!(
            first.get("/a", "get").unwrap().empty_success,
            ["204", "2XX"]
        );
        assert_eq!(first.get("/b", "put"), None, "an empty entry is no fact");
        assert_eq!(first.iter().count(), 2);
    }
}
