//! Syntax-tree rewrites of progenitor's output, run in this order by [`run`]:
//! - [`open_enums`]: an `Unknown(String)` variant for every string enum;
//! - [`decode_paths`]: decoding through `apikit_runtime::decode::json`, whose errors name
//!   the path in the body;
//! - [`api_version`]: deletes the `api-version` header progenitor adds to every request;
//! - [`send`]: every call fails with `apikit_runtime::ApiError` (progenitor's `send`
//!   becomes the private `send_raw`);
//! - [`pagination`]: `stream()` on paged list builders (over `send_raw`), for
//!   `[pagination]` providers;
//! - [`redact`]: `Debug` of every struct with a credential field prints `"<redacted>"`;
//! - [`symbols`]: enum values made of symbols get their variant word and real value back;
//! - [`newtypes`]: string newtypes get `From<&str>` beside typify's `From<String>`;
//! - [`variants`]: union variants get the names the `variant_names` fact records;
//! - [`dedup`]: types generated the same under several names become one type, the
//!   other names aliases of it.
//!
//! Each rewrite counts what it changed, and [`run`] checks the count against what the
//! normalized document says must be there: a progenitor upgrade that renames a call a
//! rewrite looks for fails generation here instead of silently shipping unrewritten
//! code.

pub mod api_version;
pub mod decode_paths;
pub mod dedup;
pub mod newtypes;
pub mod open_enums;
pub mod pagination;
pub mod redact;
pub mod send;
pub mod symbols;
pub mod variants;

use serde_json::Value;

use crate::config::PaginationConfig;
use crate::normalize::walk;

/// What each rewrite changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Counts {
    /// `api-version` header statements deleted (one per operation).
    pub api_version_headers: usize,
    /// String enums opened.
    pub open_enums: usize,
    /// `from_response` calls routed through `decode::json`.
    pub decode_calls: usize,
    /// Calls whose error became `ApiError` (one per operation).
    pub api_error_sends: usize,
    /// Builders that got a `stream()`.
    pub streams: usize,
    /// Structs whose `Debug` now redacts a credential.
    pub redacted: usize,
    /// Tokens of placeholder enum values restored.
    pub symbols: usize,
    /// String newtypes that got `From<&str>`.
    pub str_conversions: usize,
    /// Union variants renamed from the `variant_names` fact.
    pub variants: usize,
    /// Types that became an alias of an identical type.
    pub aliases: usize,
}

/// Runs every rewrite over `file`, generated from `doc`. `Err` says which rewrite
/// matched less than the document requires.
pub fn run(
    file: &mut syn::File,
    doc: &Value,
    pagination: Option<&PaginationConfig>,
    facts: &crate::Facts,
) -> Result<Counts, String> {
    let symbol_values = &facts.symbol_values;
    // In this order: later rewrites see the earlier ones' output.
    let open_enums = open_enums::open_enums(file).len();
    let decode_calls = decode_paths::decode_with_paths(file);
    let api_version_headers = api_version::drop_api_version_header(file);
    // Before pagination, whose `stream()`s call the raw send this renames.
    let api_error_sends = send::api_error_send(file);
    let streams = match pagination {
        Some(config) => {
            if let Err(e) = config.style() {
                return Err(format!("[pagination] in provider.toml: {e}"));
            }
            pagination::add_streams(file, config).len()
        }
        None => 0,
    };
    let redacted = redact::redact_secrets(file).len();
    let symbols = symbols::restore_symbols(file, symbol_values)?;
    let str_conversions = newtypes::str_conversions(file).len();
    let variants = variants::rename_variants(file, &facts.variant_names);
    // Last: it compares everything the rewrites before generated for each type.
    let components: std::collections::BTreeSet<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| {
            schemas
                .keys()
                .map(|k| crate::normalize::passes::type_names::pascal(k))
                .collect()
        })
        .unwrap_or_default();
    let aliases = dedup::merge_identical_types(file, &components).len();
    let counts = Counts {
        aliases,
        variants,
        api_version_headers,
        open_enums,
        decode_calls,
        api_error_sends,
        streams,
        redacted,
        symbols,
        str_conversions,
    };
    let operations = walk::operations(doc).len();
    let unmatched = |rewrite: &str, found: usize, expected: &str| {
        Err(format!(
            "the `{rewrite}` rewrite changed {found} item(s) where the document needs {expected}: progenitor's output changed shape (an upgrade?); update crates/codegen/src/rewrite/"
        ))
    };
    if counts.api_version_headers != operations {
        return unmatched(
            "api-version",
            counts.api_version_headers,
            &format!("one per operation ({operations})"),
        );
    }
    if counts.api_error_sends != operations {
        return unmatched(
            "send",
            counts.api_error_sends,
            &format!("one per operation ({operations})"),
        );
    }
    if counts.open_enums == 0 && component_has_string_enum(doc) {
        return unmatched(
            "open-enums",
            0,
            "at least one (a component has a string enum)",
        );
    }
    if counts.decode_calls == 0 && has_json_response(doc) {
        return unmatched("decode-paths", 0, "at least one (a response is JSON)");
    }
    if counts.symbols < symbol_values.len() {
        return unmatched(
            "symbols",
            counts.symbols,
            &format!(
                "at least one per placeholder enum value ({})",
                symbol_values.len()
            ),
        );
    }
    if pagination.is_some() && counts.streams == 0 {
        return Err(
            "[pagination] in provider.toml matches no operation: no builder has its page parameter and a response with its items; fix or remove the section"
                .into(),
        );
    }
    Ok(counts)
}

/// Whether a component schema holds a string enum (typify always generates those).
fn component_has_string_enum(doc: &Value) -> bool {
    fn walk(v: &Value) -> bool {
        match v {
            Value::Object(map) => {
                let string_enum = map
                    .get("enum")
                    .and_then(Value::as_array)
                    .is_some_and(|values| values.iter().any(Value::is_string))
                    && map.get("type").is_none_or(|t| t == "string");
                string_enum || map.values().any(walk)
            }
            Value::Array(items) => items.iter().any(walk),
            _ => false,
        }
    }
    doc.pointer("/components/schemas").is_some_and(walk)
}

/// Whether any operation documents a JSON response body.
fn has_json_response(doc: &Value) -> bool {
    let components = doc.get("components").unwrap_or(&Value::Null);
    walk::operations(doc).iter().any(|(_, _, op)| {
        op.get("responses")
            .and_then(Value::as_object)
            .is_some_and(|responses| {
                responses.values().any(|r| {
                    walk::deref(r, components)
                        .pointer("/content/application~1json/schema")
                        .is_some()
                })
            })
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn doc_with_one_operation() -> Value {
        json!({"paths": {"/x": {"get": {"operationId": "x", "responses": {"200": {
            "description": "x", "content": {"application/json": {"schema": {"type": "object"}}}}}}}}})
    }

    #[test]
    fn a_rewrite_that_matches_nothing_where_it_must_fails() {
        // progenitor's output for one JSON operation, as an upgrade might have renamed it:
        // no `api-version` header, no `ResponseValue::from_response`, no `send`.
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder { impl<'a> X<'a> {
                pub async fn send(self) -> Result<ResponseValue<()>, Error<()>> {
                    let r = ResponseValue::decode(response).await;
                }
            } }
        };
        let e = run(
            &mut file,
            &doc_with_one_operation(),
            None,
            &Default::default(),
        )
        .unwrap_err();
        assert!(e.contains("`api-version` rewrite changed 0 item(s)"), "{e}");
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder { impl<'a> X<'a> {
                pub async fn execute(self) -> Result<ResponseValue<()>, Error<()>> {
                    header_map.append(HeaderName::from_static("api-version"), v);
                    let r = ResponseValue::from_response(response).await;
                }
            } }
        };
        let e = run(
            &mut file,
            &doc_with_one_operation(),
            None,
            &Default::default(),
        )
        .unwrap_err();
        assert!(
            e.contains(
                "`send` rewrite changed 0 item(s) where the document needs one per operation (1)"
            ),
            "{e}"
        );
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder { impl<'a> X<'a> {
                pub async fn send(self) -> Result<ResponseValue<()>, Error<()>> {
                    header_map.append(HeaderName::from_static("api-version"), v);
                    let r = ResponseValue::decode(response).await;
                }
            } }
        };
        let e = run(
            &mut file,
            &doc_with_one_operation(),
            None,
            &Default::default(),
        )
        .unwrap_err();
        assert!(e.contains("`decode-paths` rewrite changed 0"), "{e}");
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder { impl<'a> X<'a> {
                pub async fn send(self) -> Result<ResponseValue<()>, Error<()>> {
                    header_map.append(HeaderName::from_static("api-version"), v);
                    let r = ResponseValue::from_response(response).await;
                }
            } }
        };
        let counts = run(
            &mut file,
            &doc_with_one_operation(),
            None,
            &Default::default(),
        )
        .unwrap();
        assert_eq!(
            (
                counts.api_version_headers,
                counts.api_error_sends,
                counts.decode_calls
            ),
            (1, 1, 1)
        );
    }

    #[test]
    fn the_send_count_must_match_the_operations() {
        // Two operations, one builder with a `send`: one call would escape `ApiError`.
        let doc = json!({"paths": {"/x": {
            "get": {"operationId": "x", "responses": {"204": {"description": "x"}}},
            "delete": {"operationId": "y", "responses": {"204": {"description": "y"}}}}}});
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                impl<'a> X<'a> {
                    pub async fn send(self) -> Result<ResponseValue<()>, Error<()>> {
                        header_map.append(HeaderName::from_static("api-version"), v);
                    }
                }
                impl<'a> Y<'a> {
                    pub async fn send(self) -> Result<ResponseValue<()>, ()> {
                        header_map.append(HeaderName::from_static("api-version"), v);
                    }
                }
            }
        };
        let e = run(&mut file, &doc, None, &Default::default()).unwrap_err();
        assert!(
            e.contains(
                "`send` rewrite changed 1 item(s) where the document needs one per operation (2)"
            ),
            "{e}"
        );
    }

    #[test]
    fn pagination_that_matches_no_operation_fails() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder { impl<'a> X<'a> {
                pub async fn send(self) -> Result<ResponseValue<()>, Error<()>> {
                    header_map.append(HeaderName::from_static("api-version"), v);
                    let r = ResponseValue::from_response(response).await;
                }
            } }
        };
        let config: PaginationConfig =
            toml::from_str("page = \"page\"\nitems = [\"results\"]\n").unwrap();
        let e = run(
            &mut file,
            &doc_with_one_operation(),
            Some(&config),
            &Default::default(),
        )
        .unwrap_err();
        assert!(
            e.contains("[pagination] in provider.toml matches no operation"),
            "{e}"
        );
    }
}
