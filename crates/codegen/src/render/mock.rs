//! The typed mock server of one provider (#18): `crates/<p>/src/mock.rs`, compiled
//! behind the client crate's `mock` feature, over `apikit_runtime::mock` (wiremock).
//!
//! Per operation, a `MockServer` method taking a closure over a typed `when` (one
//! setter per parameter and the body, with the client builder's own setter names and
//! `TryInto<T>` types) and a typed `then` (one responder per documented status, `ok`,
//! `ok_example` with a synthesized value baked in, a generic `status`). Everything is
//! read off the generated client (the builder a `Client` method returns, its setters'
//! types, `send`'s success and error types) and the normalized document (parameter
//! locations and wire names, the request media type from the facts, the documented
//! statuses), never named by hand, so renamed types and setters follow on their own.
//!
//! The generated code refers to the client as `super::`, so the same module works as
//! `crate::mock` of a provider crate and as `<fixture>::mock` in the fixture crate.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::conformance::{self, Builder};
use crate::normalize::{Normalized, walk};
use crate::synth::Synth;

/// How an operation sends its request body.
enum BodyKind {
    Json,
    Form,
    Multipart(Vec<String>),
    Raw,
}

/// The mock module's items (inner attributes first) for a normalized document and the
/// client generated from it.
pub fn render(normalized: &Normalized, client: &syn::File) -> Result<TokenStream, String> {
    let builders = conformance::builders(client);
    let doc = &normalized.doc;
    // Responses as a server could send them: built like the conformance requests.
    let synth = Synth::new(&normalized.with_constraints).with_optional(true);
    let mut operations = vec![];
    let mut methods = vec![];
    let mut items = vec![];
    let mut ops: Vec<(&str, &str, &Value)> = walk::operations(doc);
    ops.sort_by_key(|(_, _, op)| {
        op.get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
    });
    for (path, method, op) in ops {
        let Some(id) = op.get("operationId").and_then(Value::as_str) else {
            return Err(format!(
                "{method} {path}: no operationId after normalization"
            ));
        };
        let Some(builder) = builders.get(&conformance::key(id)) else {
            return Err(format!(
                "{method} {path}: no `Client` method for operation `{id}` in the generated module"
            ));
        };
        let upper = method.to_ascii_uppercase();
        let operation = quote! {
            apikit_runtime::mock::Operation { id: #id, method: #upper, path: #path }
        };
        operations.push(operation.clone());
        let facts = normalized.facts.get(path, method);
        let when = when_setters(doc, path, method, op, builder, facts)
            .map_err(|e| format!("{method} {path} (`{id}`): {e}"))?;
        let (then_methods, default) = then_methods(doc, &synth, path, method, op, builder);
        let when_ty = format_ident!("{}When", builder.name);
        let then_ty = format_ident!("{}Then", builder.name);
        let client_method = &builder.method;
        let server_method = if builder.method == "start" {
            format_ident!("start_")
        } else {
            builder.method.clone()
        };
        let when_doc = format!(
            "What a request of `{upper} {path}` ([`Client::{client_method}`](super::Client::{client_method})) must carry: the builder's setters, each value encoded as the client sends it. Unset values match anything."
        );
        let then_doc = format!(
            "The response a mock of `{upper} {path}` answers with: one method per documented status. Unset, it is `{default}`."
        );
        let method_doc = format!(
            "Mocks `{upper} {path}` ([`Client::{client_method}`](super::Client::{client_method})): `f` sets what the request must carry on `when` and the response on `then`; mount the result."
        );
        let default_then = if default == "ok_example()" {
            quote! { then.ok_example(); }
        } else {
            quote! {}
        };
        let empty_status = first_success(op).map_or(200, |(code, _)| code);
        items.push(quote! {
            #[doc = #when_doc]
            #[derive(Debug, Clone)]
            pub struct #when_ty(apikit_runtime::mock::When);
            impl #when_ty {
                #(#when)*
            }
            #[doc = #then_doc]
            #[derive(Debug, Clone)]
            pub struct #then_ty(apikit_runtime::mock::Then);
            impl #then_ty {
                #(#then_methods)*
                /// Answers `status` with `body` as JSON (any status, documented or not).
                pub fn status<B: ::serde::Serialize + ?Sized>(&mut self, status: u16, body: &B) -> &mut Self {
                    self.0.json(status, body);
                    self
                }
                /// Answers `status` with no body.
                pub fn status_empty(&mut self, status: u16) -> &mut Self {
                    self.0.status(status);
                    self
                }
                /// Adds a response header.
                pub fn header(&mut self, name: &str, value: impl ::std::fmt::Display) -> &mut Self {
                    self.0.header(name, value);
                    self
                }
                /// Answers only after `delay` (timeouts).
                pub fn delay(&mut self, delay: ::std::time::Duration) -> &mut Self {
                    self.0.delay(delay);
                    self
                }
            }
        });
        methods.push(quote! {
            #[doc = #method_doc]
            pub fn #server_method<F>(&self, f: F) -> apikit_runtime::mock::Registration<'_>
            where
                F: FnOnce(&mut #when_ty, &mut #then_ty),
            {
                let mut when = #when_ty(apikit_runtime::mock::When::new(#operation));
                let mut then = #then_ty(apikit_runtime::mock::Then::empty(#empty_status));
                #default_then
                f(&mut when, &mut then);
                self.0.register(when.0, then.0)
            }
        });
    }
    Ok(quote! {
        #![allow(
            clippy::all,
            clippy::pedantic,
            missing_docs,
            unused_imports,
            reason = "generated by `cargo xtask codegen` from the spec and the generated client: mend the generator, not this file"
        )]
        //! Typed mock server of this client (feature `mock`): one method per operation,
        //! each with a typed `when` (the request, encoded as the client encodes it) and
        //! `then` (the response per documented status). Point the client at
        //! [`MockServer::uri`](apikit_runtime::mock::Server::uri).

        /// Every operation of the client, for the fallback that names the closest one
        /// to a request no mock matches.
        pub static OPERATIONS: &[apikit_runtime::mock::Operation] = &[#(#operations),*];

        /// A mock server with one method per operation of the client; derefs to
        /// [`apikit_runtime::mock::Server`] (`uri`, `verify`, `received_requests`).
        #[derive(Debug)]
        pub struct MockServer(apikit_runtime::mock::Server);

        impl MockServer {
            /// Starts a server on a free loopback port. A request no mock matches gets a
            /// `404` whose JSON body names the closest operation.
            pub async fn start() -> Self {
                Self(apikit_runtime::mock::Server::start(OPERATIONS).await)
            }
            #(#methods)*
        }

        impl ::std::ops::Deref for MockServer {
            type Target = apikit_runtime::mock::Server;
            fn deref(&self) -> &Self::Target {
                &self.0
            }
        }

        #(#items)*
    })
}

/// The `Client` method of the first operation (by operationId) that needs no
/// parameter and no body: what the scaffold README's mock example calls.
pub fn example_operation(normalized: &Normalized, client: &syn::File) -> Option<String> {
    let builders = conformance::builders(client);
    let doc = &normalized.doc;
    let mut ops = walk::operations(doc);
    ops.sort_by_key(|(_, _, op)| {
        op.get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
    });
    ops.into_iter().find_map(|(_, _, op)| {
        let required = |v: &Value| v.get("required").and_then(Value::as_bool) == Some(true);
        let params = op.get("parameters").and_then(Value::as_array);
        let needs_param =
            params.is_some_and(|ps| ps.iter().any(|p| required(walk::resolve(p, doc).0)));
        let needs_body = op
            .get("requestBody")
            .is_some_and(|b| required(walk::resolve(b, doc).0));
        if needs_param || needs_body {
            return None;
        }
        let id = op.get("operationId").and_then(Value::as_str)?;
        builders
            .get(&conformance::key(id))
            .map(|b| b.method.to_string())
    })
}

/// The `when` setters of one operation.
fn when_setters(
    doc: &Value,
    path: &str,
    method: &str,
    op: &Value,
    builder: &Builder,
    facts: Option<&crate::normalize::OperationFacts>,
) -> Result<Vec<TokenStream>, String> {
    let sup = quote!(super);
    let mut out = vec![];
    let params = op
        .get("parameters")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for p in &params {
        let (p, _) = walk::resolve(p, doc);
        let (Some(name), Some(location)) = (
            p.get("name").and_then(Value::as_str),
            p.get("in").and_then(Value::as_str),
        ) else {
            continue;
        };
        let (setter, ty) = builder.setter(name)?;
        // A renamed parameter goes on the wire under its spec name (the hooks).
        let wire = facts
            .and_then(|f| {
                f.renamed_params
                    .iter()
                    .find(|r| r.location == location && r.sent_as == name)
            })
            .map_or(name, |r| r.name.as_str());
        let call = match location {
            "path" => quote!(path),
            "query" => quote!(query),
            "header" => quote!(header),
            _ => continue,
        };
        let ty = conformance::qualified(&sup, ty);
        let doc = format!(
            "The request's {location} parameter `{wire}` must be `value`, as [`Client::{m}`](super::Client::{m})`().{setter}(value)` sends it.",
            m = builder.method
        );
        out.push(typed_setter(
            setter,
            &ty,
            &doc,
            quote! { self.0.#call(#wire, &value); },
        ));
    }
    let _ = (path, method);
    let Some(body) = op.get("requestBody") else {
        return Ok(out);
    };
    let (body, _) = walk::resolve(body, doc);
    let media = body
        .get("content")
        .and_then(Value::as_object)
        .and_then(|c| c.keys().next())
        .cloned()
        .unwrap_or_default();
    let kind = match facts.and_then(|f| f.request_media.as_deref()) {
        Some("multipart/form-data") => {
            BodyKind::Multipart(facts.map(|f| f.binary_fields.clone()).unwrap_or_default())
        }
        Some(_) => BodyKind::Raw,
        None if media == "application/json" => BodyKind::Json,
        None if media == "application/x-www-form-urlencoded" => BodyKind::Form,
        None => BodyKind::Raw,
    };
    let Some((setter, ty)) = builder.setters.get("body") else {
        return Ok(out);
    };
    let raw = conformance::is_reqwest_body(ty);
    let m = &builder.method;
    if raw {
        let doc = format!("The request body must be exactly these bytes (`{media}`).");
        out.push(quote! {
            #[doc = #doc]
            pub fn #setter(&mut self, value: impl Into<Vec<u8>>) -> &mut Self {
                self.0.bytes(value);
                self
            }
        });
        return Ok(out);
    }
    let ty = conformance::qualified(&sup, ty);
    let (call, what) = match &kind {
        BodyKind::Json | BodyKind::Raw => {
            (quote! { self.0.json(&value); }, "JSON, compared as JSON")
        }
        BodyKind::Form => (
            quote! { self.0.form(&value); },
            "`application/x-www-form-urlencoded`, pairs in any order",
        ),
        BodyKind::Multipart(binary) => (
            quote! { self.0.multipart(&value, &[#(#binary),*]); },
            "`multipart/form-data`, compared part by part",
        ),
    };
    let doc = format!(
        "The request body must be `value` as [`Client::{m}`](super::Client::{m})`().body(value)` sends it: {what}."
    );
    out.push(typed_setter(setter, &ty, &doc, call));
    Ok(out)
}

fn typed_setter(setter: &Ident, ty: &syn::Type, doc: &str, call: TokenStream) -> TokenStream {
    let failed = format!("conversion to `{}` for {setter} failed", quote!(#ty));
    quote! {
        #[doc = #doc]
        pub fn #setter<V>(&mut self, value: V) -> &mut Self
        where
            V: ::std::convert::TryInto<#ty>,
        {
            match value.try_into() {
                Ok(value) => {
                    #call
                }
                Err(_) => {
                    self.0.error(#failed);
                }
            }
            self
        }
    }
}

/// The first documented success status: its code (200 for `2XX`) and key.
fn first_success(op: &Value) -> Option<(u16, String)> {
    op.get("responses")?
        .as_object()?
        .keys()
        .find(|k| k.starts_with('2'))
        .map(|k| (k.parse().unwrap_or(200), k.clone()))
}

/// The `then` responders of one operation, and what an untouched `then` answers.
fn then_methods(
    doc: &Value,
    synth: &Synth<'_>,
    path: &str,
    method: &str,
    op: &Value,
    builder: &Builder,
) -> (Vec<TokenStream>, String) {
    let sup = quote!(super);
    let mut out = vec![];
    let responses = op
        .get("responses")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let is_unit = |t: &Option<syn::Type>| {
        t.as_ref()
            .is_none_or(|t| matches!(t, syn::Type::Tuple(tt) if tt.elems.is_empty()))
    };
    let success_ty = builder
        .success
        .as_ref()
        .map(|t| conformance::qualified(&sup, &unwrap_option(t)));
    let error_ty = builder
        .error
        .as_ref()
        .map(|t| conformance::qualified(&sup, t));
    let mut default = "empty".to_owned();
    let first = first_success(op);
    let responder = |name: Ident, code: Option<u16>, key: &str, response: &Value, success: bool| {
        let (response, _) = walk::resolve(response, doc);
        let media = response
            .get("content")
            .and_then(Value::as_object)
            .and_then(|c| c.keys().next())
            .cloned();
        let (code_param, code_expr) = match code {
            Some(c) => (quote!(), quote!(#c)),
            None => (quote!(status: u16,), quote!(status)),
        };
        let shown = code.map_or_else(|| format!("a `{key}` status"), |c| format!("`{c}`"));
        let ty = if success { &success_ty } else { &error_ty };
        let unit = if success {
            is_unit(&builder.success)
        } else {
            is_unit(&builder.error)
        };
        match media {
            Some(media) if success && builder.streams => {
                let doc = format!("Answers {shown} with `body` as `{media}`.");
                quote! {
                    #[doc = #doc]
                    pub fn #name(&mut self, #code_param body: impl Into<Vec<u8>>) -> &mut Self {
                        self.0.raw(#code_expr, body, #media);
                        self
                    }
                }
            }
            Some(_) if !unit => {
                let doc = format!("Answers {shown} with `body` as JSON.");
                quote! {
                    #[doc = #doc]
                    pub fn #name(&mut self, #code_param body: &#ty) -> &mut Self {
                        self.0.json(#code_expr, body);
                        self
                    }
                }
            }
            _ => {
                let doc = format!("Answers {shown} with no body.");
                quote! {
                    #[doc = #doc]
                    pub fn #name(&mut self, #code_param) -> &mut Self {
                        self.0.status(#code_expr);
                        self
                    }
                }
            }
        }
    };
    if let Some((code, key)) = &first {
        out.push(responder(
            Ident::new("ok", Span::call_site()),
            Some(*code),
            key,
            &responses[key.as_str()],
            true,
        ));
        // The synthesized example, baked in (the same document gives the same bytes).
        if let Ok(Some(value)) = synth.response(path, method, key) {
            let (response, _) = walk::resolve(&responses[key.as_str()], doc);
            let media = response
                .get("content")
                .and_then(Value::as_object)
                .and_then(|c| c.keys().next())
                .cloned()
                .unwrap_or_else(|| "application/json".to_owned());
            let bytes = match (&value, builder.streams) {
                (Value::String(s), true) => s.clone(),
                _ => value.to_string(),
            };
            let media = if builder.streams {
                media
            } else {
                "application/json".to_owned()
            };
            let doc = format!(
                "Answers `{code}` with a value of the documented schema, synthesized when the client was generated:\n\n```json\n{}\n```",
                truncate(&bytes, 400)
            );
            out.push(quote! {
                #[doc = #doc]
                pub fn ok_example(&mut self) -> &mut Self {
                    self.0.raw(#code, #bytes, #media);
                    self
                }
            });
            default = "ok_example()".to_owned();
        } else {
            default = format!("an empty `{code}`");
        }
    }
    for (key, response) in &responses {
        let success = key.starts_with('2');
        let (name, code) = match key.parse::<u16>() {
            Ok(c) => (status_name(c), Some(c)),
            Err(_) => (range_name(key), None),
        };
        if name == "ok"
            || (success && first.as_ref().is_some_and(|(_, k)| k == key) && code.is_none())
        {
            continue;
        }
        out.push(responder(
            format_ident!("{}", name),
            code,
            key,
            response,
            success,
        ));
    }
    (out, default)
}

fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{} ...", &s[..end])
}

/// `T` of `Option<T>` (an operation whose empty success reads as `None` answers a body
/// with `T`), else the type.
fn unwrap_option(ty: &syn::Type) -> syn::Type {
    if let syn::Type::Path(p) = ty
        && let Some(last) = p.path.segments.last()
        && last.ident == "Option"
        && let syn::PathArguments::AngleBracketed(args) = &last.arguments
        && let Some(syn::GenericArgument::Type(inner)) = args.args.first()
    {
        return inner.clone();
    }
    ty.clone()
}

/// The responder name of a range key (`2XX` -> `success`).
fn range_name(key: &str) -> String {
    match key.chars().next() {
        Some('1') => "informational".into(),
        Some('2') => "success".into(),
        Some('3') => "redirection".into(),
        Some('4') => "client_error".into(),
        Some('5') => "server_error".into(),
        _ => format!("status_{}", conformance::key(key)),
    }
}

/// The responder name of a status code (its RFC 9110 reason phrase in snake case).
fn status_name(code: u16) -> String {
    let name = match code {
        200 => "ok",
        201 => "created",
        202 => "accepted",
        203 => "non_authoritative_information",
        204 => "no_content",
        205 => "reset_content",
        206 => "partial_content",
        207 => "multi_status",
        301 => "moved_permanently",
        302 => "found",
        303 => "see_other",
        304 => "not_modified",
        307 => "temporary_redirect",
        308 => "permanent_redirect",
        400 => "bad_request",
        401 => "unauthorized",
        402 => "payment_required",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        406 => "not_acceptable",
        408 => "request_timeout",
        409 => "conflict",
        410 => "gone",
        411 => "length_required",
        412 => "precondition_failed",
        413 => "content_too_large",
        415 => "unsupported_media_type",
        422 => "unprocessable_content",
        423 => "locked",
        424 => "failed_dependency",
        428 => "precondition_required",
        429 => "too_many_requests",
        500 => "internal_server_error",
        501 => "not_implemented",
        502 => "bad_gateway",
        503 => "service_unavailable",
        504 => "gateway_timeout",
        _ => return format!("status_{code}"),
    };
    name.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /pets/{petId}:
    get:
      operationId: getPet
      parameters:
        - {name: petId, in: path, required: true, schema: {type: string}}
        - {name: tag, in: query, schema: {type: array, items: {type: string}}}
        - {name: X-Trace, in: header, schema: {type: string}}
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}
        "404":
          description: missing
          content: {application/json: {schema: {type: object, properties: {message: {type: string}}}}}
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name: {type: string, example: Rex}
        age: {type: integer, minimum: 3}
"##;

    fn rendered() -> (String, Normalized) {
        let (out, normalized, _) = rendered_with_client();
        (out, normalized)
    }

    fn rendered_with_client() -> (String, Normalized, syn::File) {
        let sources = vec![(std::path::PathBuf::from("openapi.yaml"), SPEC.to_owned())];
        let config = crate::ProviderConfig::parse(
            std::path::Path::new("provider.toml"),
            "crate = \"apikit-x\"\ndescription = \"x\"\nspecs = [\"openapi.yaml\"]\n[servers]\ndefault = \"https://x.test\"\n",
        )
        .unwrap();
        let p = crate::Provider {
            name: "x".into(),
            dir: "specs/x".into(),
            config,
        };
        let ast = crate::render::render_sources_ast(&p, &sources).unwrap();
        let normalized = crate::normalize::sources(&sources).unwrap();
        let tokens = render(&normalized, &ast).unwrap();
        let file: syn::File = syn::parse2(tokens).unwrap();
        (prettyplease::unparse(&file), normalized, ast)
    }

    #[test]
    fn names_and_types_come_from_the_generated_client() {
        let (out, _, client) = rendered_with_client();
        // The error type is whatever the client's `send` fails with (its name is the
        // type-names pass's business, not this test's).
        let builders = conformance::builders(&client);
        let error = builders["getpet"].error.clone().unwrap();
        let error = conformance::qualified(&quote!(super), &error);
        let not_found =
            format!("pub fn not_found(&mut self, body: &{})", quote!(#error)).replace(" :: ", "::");
        assert!(out.contains(&not_found), "{not_found} in\n{out}");
        // The builder's struct and setter names, its setter types, `send`'s types.
        for want in [
            "pub struct GetPetWhen(",
            "pub fn pet_id<V>(&mut self, value: V)",
            "self.0.path(\"petId\", &value)",
            "V: ::std::convert::TryInto<::std::vec::Vec<::std::string::String>>",
            "self.0.query(\"tag\", &value)",
            "self.0.header(\"X-Trace\", &value)",
            "pub fn ok(&mut self, body: &super::types::Pet)",
            "pub fn get_pet<F>(&self, f: F)",
        ] {
            assert!(out.contains(want), "{want} in\n{out}");
        }
    }

    #[test]
    fn the_example_is_the_synthesizers_value_baked_in() {
        let (out, normalized) = rendered();
        let value = Synth::new(&normalized.with_constraints)
            .with_optional(true)
            .response("/pets/{petId}", "get", "200")
            .unwrap()
            .unwrap();
        assert_eq!(value, serde_json::json!({"name": "Rex", "age": 3}));
        let text = value.to_string();
        let lit = proc_macro2::Literal::string(&text).to_string();
        assert!(out.contains(&lit), "{lit} in\n{out}");
    }

    #[test]
    fn statuses_are_named_by_their_reason() {
        assert_eq!(status_name(404), "not_found");
        assert_eq!(status_name(299), "status_299");
        assert_eq!(range_name("4XX"), "client_error");
    }

    #[test]
    fn an_optional_success_answers_its_inner_type() {
        let t: syn::Type = syn::parse_quote!(::std::option::Option<types::Thing>);
        let inner = unwrap_option(&t);
        assert_eq!(quote!(#inner).to_string().replace(' ', ""), "types::Thing");
    }
}
