//! The per-operation doc example of every `Client` method (#19), compiled by `cargo
//! test --doc` as `no_run`: progenitor writes an `ignore`d sketch (`.alias_name(alias_name)`
//! with no `alias_name` anywhere), which nothing checks. Each sketch is replaced by a
//! call with the operation's required parameters and body, values from
//! [`crate::synth`] (as the conformance tests build them), read off the generated
//! builder's setter types:
//!
//! - a string, number or boolean whose setter takes `String`, a primitive number or
//!   `bool` is written in place (`.carrier_id("se-p2b")`, `.limit(1_i64)`), and so is a
//!   string whose setter's type converts from `&str` (a newtype with `From<&str>`, an
//!   enum with `TryFrom<&str>`);
//! - a raw body is bytes (`.body(body)` with a hidden `Vec<u8>`);
//! - anything else is a hidden `let name: Type = serde_json::from_str(..)?;` and the
//!   setter takes `name`, so the visible call reads like progenitor's sketch while the
//!   value is one the spec accepts.
//!
//! The hidden lines wrap the call in an `async fn example(client: &Client)`; `no_run`
//! compiles it without a server. An operation the synthesizer has no value for keeps a
//! call without the setters it cannot fill, marked `ignore` with the reason; every
//! operation's example is replaced, or generation fails.

use std::collections::{BTreeMap, BTreeSet};

use quote::ToTokens;
use serde_json::Value;

use super::conformance::{Builder, builders, is_reqwest_body, key};
use crate::normalize::{Normalized, walk};
use crate::synth::{RequestSample, Synth};

/// Replaces progenitor's `ignore`d example on every operation's `Client` method of
/// `ast` (the module of crate `crate_name`, e.g. `apikit_shipengine`); returns how many
/// it replaced. `Err` names an operation whose method or example is missing.
pub fn add(
    ast: &mut syn::File,
    crate_name: &str,
    normalized: &Normalized,
) -> Result<usize, String> {
    let builders = builders(ast);
    let from_str = from_str_types(ast);
    let synth = Synth::new(&normalized.with_constraints).with_body(true);
    let mut examples: BTreeMap<String, String> = BTreeMap::new();
    for (path, method, op) in walk::operations(&normalized.doc) {
        let Some(id) = op.get("operationId").and_then(Value::as_str) else {
            return Err(format!(
                "{method} {path}: no operationId after normalization"
            ));
        };
        let Some(builder) = builders.get(&key(id)) else {
            return Err(format!(
                "{method} {path}: no `Client` method for operation `{id}`"
            ));
        };
        let example = match synth.request(path, method, false) {
            Ok(sample) => example(crate_name, builder, &sample, &from_str)
                .map_err(|e| format!("{method} {path} (`{id}`): {e}"))?,
            Err(e) => unsynthesizable(crate_name, builder, &e.to_string()),
        };
        examples.insert(builder.method.to_string(), example);
    }
    let mut replaced = 0;
    for item in &mut ast.items {
        let syn::Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || imp.self_ty.to_token_stream().to_string() != "Client" {
            continue;
        }
        for f in &mut imp.items {
            let syn::ImplItem::Fn(f) = f else { continue };
            let Some(example) = examples.get(&f.sig.ident.to_string()) else {
                continue;
            };
            if replace_sketch(&mut f.attrs, example) {
                replaced += 1;
            } else {
                return Err(format!(
                    "`Client::{}` has no `ignore`d example to replace",
                    f.sig.ident
                ));
            }
        }
    }
    if replaced != examples.len() {
        return Err(format!(
            "{replaced} doc examples replaced for {} operations",
            examples.len()
        ));
    }
    Ok(replaced)
}

/// Swaps the first `` ```ignore `` block of the doc attributes for `example`.
fn replace_sketch(attrs: &mut [syn::Attribute], example: &str) -> bool {
    for attr in attrs.iter_mut() {
        let syn::Meta::NameValue(nv) = &mut attr.meta else {
            continue;
        };
        if !nv.path.is_ident("doc") {
            continue;
        }
        let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(text),
            ..
        }) = &nv.value
        else {
            continue;
        };
        let doc = text.value();
        let Some(start) = doc.find("```ignore") else {
            continue;
        };
        let after = start + "```ignore".len();
        let Some(len) = doc[after..].find("```") else {
            continue;
        };
        let end = after + len + "```".len();
        let new = format!("{}{example}{}", &doc[..start], &doc[end..]);
        nv.value = syn::parse_quote!(#new);
        return true;
    }
    false
}

/// The example for one operation's required values.
fn example(
    crate_name: &str,
    builder: &Builder,
    sample: &RequestSample,
    from_str: &BTreeSet<String>,
) -> Result<String, String> {
    let mut hidden = vec![];
    let mut setters = vec![];
    for (name, value) in sample.values() {
        let (setter, ty) = builder.setter(name)?;
        let arg = match literal(value, ty) {
            Some(lit) => lit,
            None if value.is_string() && converts_from_str(ty, from_str) => {
                rust_str(value.as_str().unwrap_or_default())
            }
            None if is_reqwest_body(ty) => {
                let bytes = match value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                hidden.push(format!(
                    "let {setter}: Vec<u8> = {}.into();",
                    rust_str(&bytes)
                ));
                setter.to_string()
            }
            None => {
                let json = serde_json::to_string(value).map_err(|e| e.to_string())?;
                let ty = type_text(crate_name, ty);
                hidden.push(format!(
                    "let {setter}: {ty} = serde_json::from_str({})?;",
                    raw_str(&json)
                ));
                setter.to_string()
            }
        };
        setters.push(format!("    .{setter}({arg})"));
    }
    Ok(block(
        crate_name,
        "no_run",
        &builder.method.to_string(),
        &hidden,
        &setters,
    ))
}

/// Names of the generated types with `impl From<&str>` or `impl TryFrom<&str>`.
fn from_str_types(ast: &syn::File) -> BTreeSet<String> {
    fn visit(items: &[syn::Item], out: &mut BTreeSet<String>) {
        for item in items {
            match item {
                syn::Item::Impl(imp) => {
                    let Some((_, path, _)) = &imp.trait_ else {
                        continue;
                    };
                    let trait_text = path.to_token_stream().to_string().replace(' ', "");
                    if (trait_text.ends_with("From<&str>") || trait_text.ends_with("TryFrom<&str>"))
                        && let syn::Type::Path(p) = &*imp.self_ty
                        && let Some(last) = p.path.segments.last()
                    {
                        out.insert(last.ident.to_string());
                    }
                }
                syn::Item::Mod(m) => {
                    if let Some((_, items)) = &m.content {
                        visit(items, out);
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = BTreeSet::new();
    visit(&ast.items, &mut out);
    out
}

/// A path into the generated types (`types::X`, `super::X`, `X`) naming one of
/// `from_str`, with no generic arguments.
fn converts_from_str(ty: &syn::Type, from_str: &BTreeSet<String>) -> bool {
    let syn::Type::Path(p) = ty else {
        return false;
    };
    let Some(last) = p.path.segments.last() else {
        return false;
    };
    let first = p.path.segments.first().map(|s| s.ident.to_string());
    p.qself.is_none()
        && p.path.leading_colon.is_none()
        && matches!(last.arguments, syn::PathArguments::None)
        && (p.path.segments.len() == 1 || matches!(first.as_deref(), Some("types" | "super")))
        && from_str.contains(&last.ident.to_string())
}

/// A call without values, `ignore`d, for an operation the synthesizer cannot fill.
fn unsynthesizable(crate_name: &str, builder: &Builder, reason: &str) -> String {
    let hidden = vec![format!(
        "// No value satisfies this operation's schema: {reason}"
    )];
    block(
        crate_name,
        "ignore",
        &builder.method.to_string(),
        &hidden,
        &[],
    )
}

fn block(
    crate_name: &str,
    mode: &str,
    method: &str,
    hidden: &[String],
    setters: &[String],
) -> String {
    let mut out = format!(
        "```{mode}\n# async fn example(client: &{crate_name}::Client) -> Result<(), Box<dyn std::error::Error>> {{\n"
    );
    for line in hidden {
        out.push_str(&format!("# {line}\n"));
    }
    out.push_str(&format!("let response = client\n    .{method}()\n"));
    for s in setters {
        out.push_str(s);
        out.push('\n');
    }
    out.push_str("    .send()\n    .await?;\n# let _ = response;\n# Ok(())\n# }\n```");
    out
}

/// `value` written in place, when the setter's type takes such a literal.
fn literal(value: &Value, ty: &syn::Type) -> Option<String> {
    let ty = ty.to_token_stream().to_string().replace(' ', "");
    match value {
        Value::String(s) if ty == "::std::string::String" || ty == "String" => Some(rust_str(s)),
        Value::Bool(b) if ty == "bool" => Some(b.to_string()),
        Value::Number(n) if INTEGERS.contains(&ty.as_str()) && (n.is_i64() || n.is_u64()) => {
            Some(format!("{n}_{ty}"))
        }
        Value::Number(n) if ty == "f64" || ty == "f32" => {
            let f = n.as_f64()?;
            f.is_finite().then(|| format!("{f:?}_{ty}"))
        }
        _ => None,
    }
}

const INTEGERS: [&str; 10] = [
    "i8", "i16", "i32", "i64", "i128", "u8", "u16", "u32", "u64", "u128",
];

/// A Rust string literal of `s` (Debug escapes quotes, backslashes and controls).
fn rust_str(s: &str) -> String {
    format!("{s:?}")
}

/// A raw string literal of `s` with enough `#`s.
fn raw_str(s: &str) -> String {
    let mut hashes = 1;
    while s.contains(&format!("\"{}", "#".repeat(hashes))) {
        hashes += 1;
    }
    let h = "#".repeat(hashes);
    format!("r{h}\"{s}\"{h}")
}

/// `ty` as the doc test names it (through the crate), without token spacing.
fn type_text(crate_name: &str, ty: &syn::Type) -> String {
    let krate = proc_macro2::Ident::new(crate_name, proc_macro2::Span::call_site());
    super::conformance::qualified(&quote::quote!(::#krate), ty)
        .to_token_stream()
        .to_string()
        .replace(' ', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_only_where_the_setter_takes_them() {
        let t = |s: &str| syn::parse_str::<syn::Type>(s).unwrap();
        assert_eq!(
            literal(&"se-1".into(), &t("::std::string::String")).as_deref(),
            Some("\"se-1\"")
        );
        assert_eq!(literal(&"se-1".into(), &t("types::SeId")), None);
        assert_eq!(literal(&1.into(), &t("i64")).as_deref(), Some("1_i64"));
        assert_eq!(literal(&1.into(), &t("f64")).as_deref(), Some("1.0_f64"));
        assert_eq!(literal(&true.into(), &t("bool")).as_deref(), Some("true"));
        assert_eq!(
            literal(&serde_json::json!([1]), &t("::std::vec::Vec<i64>")),
            None
        );
    }

    #[test]
    fn strings_go_in_place_where_the_type_converts_from_str() {
        let ast: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct SeId(pub String);
                impl ::std::convert::From<&str> for SeId { fn from(v: &str) -> Self { Self(v.into()) } }
                pub enum Kind { A }
                impl ::std::convert::TryFrom<&str> for Kind { type Error = (); fn try_from(v: &str) -> Result<Self, ()> { Err(()) } }
                pub struct Stamp(pub ::chrono::DateTime<::chrono::Utc>);
            }
        };
        let from_str = from_str_types(&ast);
        let t = |s: &str| syn::parse_str::<syn::Type>(s).unwrap();
        assert!(converts_from_str(&t("types::SeId"), &from_str));
        assert!(converts_from_str(&t("types::Kind"), &from_str));
        assert!(!converts_from_str(&t("types::Stamp"), &from_str));
        assert!(!converts_from_str(
            &t("::std::vec::Vec<types::SeId>"),
            &from_str
        ));
    }

    #[test]
    fn raw_strings_outlast_their_content() {
        assert_eq!(raw_str(r#"{"a":1}"#), r##"r#"{"a":1}"#"##);
        assert_eq!(raw_str(r##"{"a":"#"}"##), r###"r##"{"a":"#"}"##"###);
    }

    #[test]
    fn the_sketch_is_replaced_and_nothing_else() {
        let mut attrs: Vec<syn::Attribute> = vec![syn::parse_quote!(
            #[doc = "Get it\n\n```ignore\nlet response = client.get().send().await;\n```\nAfter."]
        )];
        assert!(replace_sketch(&mut attrs, "```no_run\nX\n```"));
        let syn::Meta::NameValue(nv) = &attrs[0].meta else {
            panic!()
        };
        assert_eq!(
            nv.value.to_token_stream().to_string(),
            "\"Get it\\n\\n```no_run\\nX\\n```\\nAfter.\""
        );
        assert!(!replace_sketch(&mut attrs, "again"));
    }
}
