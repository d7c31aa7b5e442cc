//! The conformance tests of one provider (#17): for every operation, a test that calls
//! the generated client twice against Prism serving the operation's spec file, once
//! with the required parameters and body and once with every optional one too, with
//! values from [`crate::synth`], and hands each result to the `apikit-conformance`
//! harness (`tests/conformance/src/lib.rs`), which decides what passes.
//!
//! The calls are read off the generated client itself, not re-derived from the spec:
//! the builder a `Client` method returns, each setter's parameter type (the `T` of its
//! `V: TryInto<T>` bound) and `send`'s success type. A synthesized value goes into a
//! setter as JSON deserialized into that type, so a generated type that cannot hold a
//! value its own spec allows fails its test. Parameters are matched to setters by name
//! with case and punctuation ignored, the way progenitor derives setter names; a spec
//! parameter with no setter fails generation.
//!
//! A value the synthesizer cannot build (contradictory constraints) becomes a call to
//! `Run::unsynthesizable`, which fails at run time like any other failure, so
//! generation itself never depends on the synthesizer.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proc_macro2::{Ident, Span, TokenStream};
use quote::{ToTokens, quote};
use serde_json::Value;

use crate::config::Provider;
use crate::normalize::{Normalized, walk};
use crate::synth::{RequestSample, Synth};

/// The environment variable naming the mock URL of `provider`'s spec `file`:
/// `APIKIT_CONTRACT_SENDGRID_EMAIL_ACTIVITY` for `sendgrid`, `email_activity.yaml`.
pub fn url_var(provider: &str, file: &Path) -> String {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("APIKIT_CONTRACT_{provider}_{stem}")
        .replace(['-', '.'], "_")
        .to_uppercase()
}

/// The folder of a provider's conformance test binary (`tests/<provider>/`, relative to
/// the repository root): `main.rs` and the generated `operations.rs` it includes.
pub fn test_dir(provider: &str) -> PathBuf {
    PathBuf::from("tests/conformance/tests").join(provider.replace('-', "_"))
}

/// The test binary's root: the header, a doc line, and `operations.rs` kept away from
/// rustfmt (prettyplease formats it; rustfmt would make `--check` fail), the way the
/// client crates include their `generated.rs`.
pub fn main_rs(provider: &str, header: &str) -> String {
    format!(
        "{header}//! Conformance tests of `apikit-{provider}`: every operation against Prism serving its\n//! spec, run by `cargo xtask contract` (see tests/conformance/README.md).\n\n// Formatted by prettyplease when generated; rustfmt must not reformat it.\n#[rustfmt::skip]\nmod operations;\n"
    )
}

/// What the generated client offers for one operation (also read by the typed mocks,
/// [`super::mock`], and the doc examples, [`super::examples`]).
pub(crate) struct Builder {
    /// The `Client` method that starts the call.
    pub(crate) method: Ident,
    /// The builder struct's name (`GetCarrier` of `builder::GetCarrier`).
    pub(crate) name: Ident,
    /// Setter name -> parameter type (as written in the generated module).
    pub(crate) setters: BTreeMap<String, (Ident, syn::Type)>,
    /// Whether `send` yields a byte stream (a binary response).
    pub(crate) streams: bool,
    /// `T` and `E` of `send`'s `Result<ResponseValue<T>, ApiError<E>>`.
    pub(crate) success: Option<syn::Type>,
    /// See `success`.
    pub(crate) error: Option<syn::Type>,
}

impl Builder {
    /// The setter (and its parameter type) for the spec parameter `name`, matched by
    /// [`key`]; `Err` names it and the setters there are.
    pub(crate) fn setter(&self, name: &str) -> Result<&(Ident, syn::Type), String> {
        self.setters.get(&key(name)).ok_or_else(|| {
            format!(
                "no builder setter for parameter `{name}` (setters: {})",
                self.setters
                    .values()
                    .map(|(s, _)| s.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
    }
}

/// `operations.rs` for `p` (see [`main_rs`]), from its normalized documents and the
/// generated module.
pub fn render(p: &Provider, normalized: &Normalized, client: &syn::File) -> Result<String, String> {
    let crate_name = format!("apikit_{}", p.name.replace('-', "_"));
    let krate = Ident::new(&crate_name, Span::call_site());
    let builders = builders(client);
    let specs = p.config.spec_paths(&p.dir);
    let doc = &normalized.doc;
    // Requests must satisfy the server: built from the document with its constraints.
    let synth = Synth::new(&normalized.with_constraints).with_body(true);
    let mut tests = vec![];
    for (path, method, op) in walk::operations(doc) {
        let Some(id) = op.get("operationId").and_then(Value::as_str) else {
            return Err(format!(
                "{method} {path}: no operationId after normalization"
            ));
        };
        let Some(builder) = builders.get(&key(id)) else {
            return Err(format!(
                "{method} {path}: no `Client` method for operation `{id}` in the generated module"
            ));
        };
        let file = normalized
            .origins
            .get(&(path.to_owned(), method.to_owned()))
            .copied()
            .unwrap_or(0);
        let var = specs
            .get(file)
            .map(|f| url_var(&p.name, f))
            .ok_or_else(|| format!("{method} {path}: spec file {file} is not in provider.toml"))?;
        let mut calls = vec![];
        for (mode, all) in [(quote!(Required), false), (quote!(All), true)] {
            let call = match synth.request(path, method, all) {
                Ok(sample) => call(&krate, builder, &mode, &sample)
                    .map_err(|e| format!("{method} {path} (`{id}`): {e}"))?,
                Err(e) => {
                    let reason = e.to_string();
                    quote! { run.unsynthesizable(Mode::#mode, #reason); }
                }
            };
            calls.push(call);
        }
        let name = &builder.method;
        let operation = name.to_string();
        let provider = &p.name;
        // `configured` takes a credential only when provider.toml declares one.
        let key = p.config.auth.as_ref().map(|_| quote!(KEY,));
        tests.push(quote! {
            #[tokio::test]
            #[ignore = "needs Prism: run by `cargo xtask contract`"]
            async fn #name() {
                let run = Run::new(#provider, #operation, #var);
                let client = #krate::Client::configured(run.base_url(), #key Run::config())
                    .expect("the test key is a valid header value");
                #(#calls)*
                run.finish();
            }
        });
    }
    let key_import = p.config.auth.as_ref().map(|_| quote!(KEY,));
    let file: syn::File = syn::parse2(quote! {
        #![allow(
            clippy::redundant_closure_call,
            reason = "generated: a closure gives each call its own early return for `?`"
        )]
        use apikit_conformance::{#key_import Mode, Run};
        #(#tests)*
    })
    .map_err(|e| format!("conformance tests do not parse: {e}"))?;
    Ok(prettyplease::unparse(&file))
}

/// One call of a builder with the values of `sample`.
fn call(
    krate: &Ident,
    builder: &Builder,
    mode: &TokenStream,
    sample: &RequestSample,
) -> Result<TokenStream, String> {
    let method = &builder.method;
    let mut setters = vec![];
    for (name, value) in sample.values() {
        let (setter, ty) = builder.setter(name)?;
        let json = serde_json::to_string(value).map_err(|e| e.to_string())?;
        let arg = if is_reqwest_body(ty) {
            quote! { run.bytes(#json) }
        } else {
            let ty = qualified(&quote!(::#krate), ty);
            let what = setter.to_string();
            quote! { run.value::<#ty>(Mode::#mode, #what, #json)? }
        };
        setters.push(quote! { .#setter(#arg) });
    }
    let check = if builder.streams {
        quote! { run.check_stream(Mode::#mode, call.await).await; }
    } else {
        quote! { run.check(Mode::#mode, call.await); }
    };
    // A value the setter's type cannot hold ends this call (the harness recorded it),
    // not the test: the other call still runs.
    Ok(quote! {
        if let Some(call) = (|| Some(client.#method() #(#setters)* .send()))() {
            #check
        }
    })
}

/// Lower-case letters and digits only: how a spec name and the Rust name progenitor
/// made of it are compared (`domainName`, `domain_name`; `type`, `type_`).
pub(crate) fn key(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Every operation builder of the generated module, by the [`key`] of its `Client`
/// method.
pub(crate) fn builders(client: &syn::File) -> BTreeMap<String, Builder> {
    // `impl Client { pub fn op(&self) -> builder::Op<'_> }`.
    let mut starts = BTreeMap::new();
    for item in &client.items {
        let syn::Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || !is_named(&imp.self_ty, "Client") {
            continue;
        }
        for f in &imp.items {
            let syn::ImplItem::Fn(f) = f else { continue };
            if let syn::ReturnType::Type(_, ty) = &f.sig.output
                && let Some(name) = last_ident(ty)
                && path_starts_with(ty, "builder")
            {
                starts.insert(name.to_string(), (f.sig.ident.clone(), name));
            }
        }
    }
    let mut out = BTreeMap::new();
    let Some(module) = client.items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref().map(|(_, items)| items),
        _ => None,
    }) else {
        return out;
    };
    for item in module {
        let syn::Item::Impl(imp) = item else { continue };
        let Some(name) = last_segment(&imp.self_ty) else {
            continue;
        };
        let Some((method, struct_name)) = starts.get(&name) else {
            continue;
        };
        // A builder may have several `impl` blocks (rewrites add their own).
        let builder = out
            .entry(key(&method.to_string()))
            .or_insert_with(|| Builder {
                method: method.clone(),
                name: struct_name.clone(),
                setters: BTreeMap::new(),
                streams: false,
                success: None,
                error: None,
            });
        for f in &imp.items {
            let syn::ImplItem::Fn(f) = f else { continue };
            if f.sig.ident == "send" {
                builder.streams |= f
                    .sig
                    .output
                    .to_token_stream()
                    .to_string()
                    .contains("ByteStream");
                if let syn::ReturnType::Type(_, ty) = &f.sig.output
                    && let Some([ok, err]) = generic_args(ty).as_deref()
                {
                    builder.success = generic_args(ok).and_then(|a| a.into_iter().next());
                    builder.error = generic_args(err).and_then(|a| a.into_iter().next());
                }
            } else if let Some(ty) = setter_type(&f.sig) {
                builder
                    .setters
                    .insert(key(&f.sig.ident.to_string()), (f.sig.ident.clone(), ty));
            }
        }
    }
    out
}

/// `T` of a setter `fn x<V>(mut self, value: V) -> Self where V: TryInto<T>`.
fn setter_type(sig: &syn::Signature) -> Option<syn::Type> {
    let generic = match sig.generics.params.first()? {
        syn::GenericParam::Type(t) => t.ident.clone(),
        _ => return None,
    };
    sig.generics
        .where_clause
        .as_ref()?
        .predicates
        .iter()
        .find_map(|p| {
            let syn::WherePredicate::Type(p) = p else {
                return None;
            };
            if !is_named(&p.bounded_ty, &generic.to_string()) {
                return None;
            }
            p.bounds.iter().find_map(|b| {
                let syn::TypeParamBound::Trait(t) = b else {
                    return None;
                };
                let last = t.path.segments.last()?;
                if last.ident != "TryInto" {
                    return None;
                }
                let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                    return None;
                };
                args.args.iter().find_map(|a| match a {
                    syn::GenericArgument::Type(t) => Some(t.clone()),
                    _ => None,
                })
            })
        })
}

fn is_named(ty: &syn::Type, name: &str) -> bool {
    matches!(ty, syn::Type::Path(p) if p.qself.is_none() && p.path.is_ident(name))
}

/// The type arguments of `ty`'s last path segment (`A, B` of `x::Result<A, B>`).
fn generic_args(ty: &syn::Type) -> Option<Vec<syn::Type>> {
    let syn::Type::Path(p) = ty else { return None };
    let syn::PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else {
        return None;
    };
    Some(
        args.args
            .iter()
            .filter_map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t.clone()),
                _ => None,
            })
            .collect(),
    )
}

fn last_ident(ty: &syn::Type) -> Option<Ident> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.clone()),
        _ => None,
    }
}

fn last_segment(ty: &syn::Type) -> Option<String> {
    last_ident(ty).map(|i| i.to_string())
}

fn path_starts_with(ty: &syn::Type, first: &str) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.first().is_some_and(|s| s.ident == first))
}

pub(crate) fn is_reqwest_body(ty: &syn::Type) -> bool {
    let text = ty.to_token_stream().to_string().replace(' ', "");
    text.ends_with("reqwest::Body")
}

/// `ty` as code outside the builder module names it: paths into the generated module
/// (`types::X`, `super::X`, `ByteStream`) get `prefix` in front (the client crate's
/// name for the conformance tests, `super` for the mock module); `::std`, `::chrono`
/// and primitives stay.
pub(crate) fn qualified(prefix: &TokenStream, ty: &syn::Type) -> syn::Type {
    struct Qualify<'a>(&'a TokenStream);
    impl syn::visit_mut::VisitMut for Qualify<'_> {
        fn visit_type_path_mut(&mut self, tp: &mut syn::TypePath) {
            syn::visit_mut::visit_type_path_mut(self, tp);
            if tp.qself.is_some() || tp.path.leading_colon.is_some() {
                return;
            }
            let Some(first) = tp.path.segments.first() else {
                return;
            };
            let first = first.ident.to_string();
            let into_module = first == "types"
                || first == "super"
                || (tp.path.segments.len() == 1 && first.starts_with(char::is_uppercase));
            if !into_module {
                return;
            }
            let prefix = self.0;
            let rest: Vec<_> = tp
                .path
                .segments
                .iter()
                .filter(|s| s.ident != "super")
                .cloned()
                .collect();
            tp.path = syn::parse_quote!(#prefix::#(#rest)::*);
        }
    }
    let mut ty = ty.clone();
    syn::visit_mut::VisitMut::visit_type_mut(&mut Qualify(prefix), &mut ty);
    ty
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_named_from_the_test_crate() {
        let krate = Ident::new("apikit_x", Span::call_site());
        let cases = [
            ("types::Pet", "::apikit_x::types::Pet"),
            ("super::SeId", "::apikit_x::SeId"),
            (
                "::std::option::Option<types::Pet>",
                "::std::option::Option<::apikit_x::types::Pet>",
            ),
            ("::std::string::String", "::std::string::String"),
            ("i64", "i64"),
            ("ByteStream", "::apikit_x::ByteStream"),
        ];
        for (from, to) in cases {
            let ty: syn::Type = syn::parse_str(from).unwrap();
            let got = qualified(&quote!(::#krate), &ty)
                .to_token_stream()
                .to_string();
            let want: syn::Type = syn::parse_str(to).unwrap();
            assert_eq!(got, want.to_token_stream().to_string(), "{from}");
        }
    }

    #[test]
    fn names_match_without_case_or_punctuation() {
        assert_eq!(key("domainName"), key("domain_name"));
        assert_eq!(key("type"), key("type_"));
        assert_ne!(key("max-results"), key("max-results_query"));
    }

    #[test]
    fn builders_are_read_off_the_generated_client() {
        let file: syn::File = syn::parse_quote! {
            impl Client {
                pub fn get_pet(&self) -> builder::GetPet<'_> { builder::GetPet::new(self) }
            }
            pub mod builder {
                impl<'a> GetPet<'a> {
                    pub fn pet_id<V>(mut self, value: V) -> Self
                    where V: std::convert::TryInto<::std::string::String> { self }
                    pub fn body<B>(mut self, value: B) -> Self
                    where B: std::convert::TryInto<reqwest::Body> { self }
                    pub async fn send(self) -> ::std::result::Result<ResponseValue<ByteStream>, ApiError<()>> { todo!() }
                }
            }
        };
        let builders = builders(&file);
        let b = &builders["getpet"];
        assert_eq!(b.method, "get_pet");
        assert!(b.streams);
        assert_eq!(
            b.setters["petid"].1.to_token_stream().to_string(),
            ":: std :: string :: String"
        );
        assert!(is_reqwest_body(&b.setters["body"].1));
    }
}
