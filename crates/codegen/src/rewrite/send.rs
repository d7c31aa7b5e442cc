//! `send()` returning `apikit_runtime::ApiError` instead of progenitor's error.
//!
//! progenitor's calls fail with `progenitor_client::Error<E>`, whose catch-all case holds
//! an unread `reqwest::Response`. `apikit_runtime::ApiError::from_progenitor` reads that
//! body and sorts the failure (429 and its retry hint, documented error bodies, other
//! statuses, timeouts, ...). This rewrite makes that the calls' own error type:
//!
//! - builder interface: in `mod builder`, each `pub async fn send(self) ->
//!   Result<ResponseValue<T>, Error<E>>` becomes the private [`RAW_SEND`] (same body),
//!   and a new `pub async fn send(self) -> Result<ResponseValue<T>, ApiError<E>>` awaits
//!   it and maps its error with `ApiError::from_progenitor(e).await`. The pagination
//!   rewrite's `stream()`s call [`RAW_SEND`], so stream items keep progenitor's error
//!   (the page streams of `apikit_runtime::pages` report loops and the page cap as
//!   `Error::Custom`, which `from_progenitor` turns into `ApiError::Pages`).
//! - positional interface: each `pub async fn op(&self, ..) -> Result<ResponseValue<T>,
//!   Error<E>>` of `impl Client` keeps its name and arguments; its body runs as an inner
//!   `async move` block whose error is mapped the same way (no second method, so no name
//!   can collide with another operation's).
//!
//! Either way there is one rewritten call per operation, which [`super::run`] checks.

use syn::{GenericArgument, ImplItem, Item, PathArguments, ReturnType, Type};

/// The name progenitor's own `send` gets in a builder; private to `mod builder`.
pub const RAW_SEND: &str = "send_raw";

/// Rewrites every operation's call to return `ApiError`; returns how many it rewrote
/// (builder `send`s plus positional `Client` methods).
pub fn api_error_send(file: &mut syn::File) -> usize {
    let mut count = 0;
    for item in &mut file.items {
        match item {
            Item::Mod(m) if m.ident == "builder" => {
                let Some((_, items)) = &mut m.content else {
                    continue;
                };
                for item in items {
                    if let Item::Impl(imp) = item
                        && imp.trait_.is_none()
                    {
                        count += rewrite_builder(imp);
                    }
                }
            }
            Item::Impl(imp) if imp.trait_.is_none() && is_client(&imp.self_ty) => {
                count += rewrite_positional(imp);
            }
            _ => {}
        }
    }
    count
}

/// `send` -> private `send_raw` plus a public `send` mapping its error.
fn rewrite_builder(imp: &mut syn::ItemImpl) -> usize {
    let mut added = vec![];
    for item in &mut imp.items {
        let ImplItem::Fn(f) = item else { continue };
        if f.sig.ident != "send" || f.sig.asyncness.is_none() || !takes_self_by_value(&f.sig) {
            continue;
        }
        let Some((ok, error)) = progenitor_result(&f.sig.output) else {
            continue;
        };
        let raw = syn::Ident::new(RAW_SEND, f.sig.ident.span());
        f.sig.ident = raw.clone();
        f.vis = syn::Visibility::Inherited;
        // progenitor's doc (`Sends a `GET` request to ...`) moves to the public `send`.
        let (docs, attrs): (Vec<_>, Vec<_>) =
            f.attrs.drain(..).partition(|a| a.path().is_ident("doc"));
        f.attrs = attrs;
        f.attrs.push(syn::parse_quote!(
            #[doc = "progenitor's `send`, failing with `progenitor_client::Error`; `send` sorts that into `ApiError`."]
        ));
        let gap = (!docs.is_empty()).then(|| quote::quote!(#[doc = ""]));
        added.push(syn::parse_quote! {
            #(#docs)*
            #gap
            /// A failure is an [`ApiError`](apikit_runtime::ApiError): the body of an
            /// unexpected error status is read (capped), a 429 carries its retry hint, a
            /// documented error status its decoded body.
            pub async fn send(
                self,
            ) -> ::std::result::Result<#ok, apikit_runtime::ApiError<#error>> {
                match self.#raw().await {
                    Ok(v) => Ok(v),
                    Err(e) => Err(apikit_runtime::ApiError::from_progenitor(e).await),
                }
            }
        });
    }
    let n = added.len();
    imp.items.extend(added.into_iter().map(ImplItem::Fn));
    n
}

/// The body of each call of `impl Client` runs as an inner block whose error is mapped.
fn rewrite_positional(imp: &mut syn::ItemImpl) -> usize {
    let mut n = 0;
    for item in &mut imp.items {
        let ImplItem::Fn(f) = item else { continue };
        if f.sig.asyncness.is_none() || !matches!(f.vis, syn::Visibility::Public(_)) {
            continue;
        }
        let Some((ok, error)) = progenitor_result(&f.sig.output) else {
            continue;
        };
        let body = &f.block;
        f.block = syn::parse_quote! {{
            let result: ::std::result::Result<#ok, Error<#error>> = async move #body.await;
            match result {
                Ok(v) => Ok(v),
                Err(e) => Err(apikit_runtime::ApiError::from_progenitor(e).await),
            }
        }};
        f.sig.output = syn::parse_quote!(
            -> ::std::result::Result<#ok, apikit_runtime::ApiError<#error>>
        );
        n += 1;
    }
    n
}

fn is_client(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none() && p.path.is_ident("Client"))
}

fn takes_self_by_value(sig: &syn::Signature) -> bool {
    matches!(sig.inputs.first(), Some(syn::FnArg::Receiver(r)) if r.reference.is_none())
}

/// `Result<ResponseValue<T>, Error<E>>` -> (`ResponseValue<T>`, `E`).
fn progenitor_result(output: &ReturnType) -> Option<(Type, Type)> {
    let ReturnType::Type(_, ty) = output else {
        return None;
    };
    let [ok, err] = generic_args(ty, "Result")?.try_into().ok()?;
    generic_args(&ok, "ResponseValue")?;
    let [error] = generic_args(&err, "Error")?.try_into().ok()?;
    Some((ok, error))
}

fn generic_args(ty: &Type, name: &str) -> Option<Vec<Type>> {
    let Type::Path(p) = ty else { return None };
    let seg = p.path.segments.last()?;
    if seg.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &seg.arguments else {
        return None;
    };
    Some(
        args.args
            .iter()
            .filter_map(|a| match a {
                GenericArgument::Type(t) => Some(t.clone()),
                _ => None,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The file as one line with single spaces, so assertions ignore line breaks.
    fn flat(file: &syn::File) -> String {
        prettyplease::unparse(file)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn builder_send_becomes_send_raw_and_a_send_with_api_error() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                impl<'a> GetAlias<'a> {
                    pub fn alias_name<V>(mut self, value: V) -> Self { self }
                    pub async fn send(self) -> Result<ResponseValue<types::AliasModel>, Error<types::NotFound>> {
                        let Self { client } = self;
                        Err(Error::InvalidRequest("x".into()))
                    }
                }
                impl<'a> DeleteAlias<'a> {
                    pub async fn send(self) -> Result<ResponseValue<()>, Error<()>> { todo!() }
                }
                impl Clone for Other { fn clone(&self) -> Self { todo!() } }
            }
            impl Client {
                pub fn get_alias(&self) -> builder::GetAlias<'_> { builder::GetAlias::new(self) }
            }
        };
        assert_eq!(api_error_send(&mut file), 2);
        let out = flat(&file);
        assert!(
            out.contains("ApiError`. async fn send_raw( self, ) -> Result<ResponseValue<types::AliasModel>, Error<types::NotFound>> { let Self { client } = self;"),
            "the raw send keeps progenitor's signature and body, privately: {out}"
        );
        assert!(!out.contains("pub async fn send_raw"), "{out}");
        assert!(
            out.contains("pub async fn send( self, ) -> ::std::result::Result< ResponseValue<types::AliasModel>, apikit_runtime::ApiError<types::NotFound>, >"),
            "{out}"
        );
        assert!(out.contains("match self.send_raw().await"), "{out}");
        assert!(
            out.contains("Err(e) => Err(apikit_runtime::ApiError::from_progenitor(e).await)"),
            "{out}"
        );
        assert!(
            out.contains(
                "pub async fn send( self, ) -> ::std::result::Result<ResponseValue<()>, apikit_runtime::ApiError<()>>"
            ),
            "{out}"
        );
        // Builder constructors on `Client` return no `Result`: untouched.
        assert!(
            out.contains("pub fn get_alias(&self) -> builder::GetAlias<'_>"),
            "{out}"
        );
        // Run twice: the new `send` returns `ApiError`, so nothing matches again.
        assert_eq!(api_error_send(&mut file), 0);
    }

    #[test]
    fn positional_methods_keep_their_names_and_map_the_error() {
        let mut file: syn::File = syn::parse_quote! {
            impl Client {
                pub async fn get_alias<'a>(&'a self, alias_name: &'a str) -> Result<ResponseValue<types::AliasModel>, Error<()>> {
                    let url = format!("{}/aliases", self.baseurl);
                    Err(Error::InvalidRequest(url))
                }
                pub fn baseurl(&self) -> &String { &self.baseurl }
            }
        };
        assert_eq!(api_error_send(&mut file), 1);
        let out = flat(&file);
        assert!(
            out.contains("pub async fn get_alias<'a>( &'a self, alias_name: &'a str, ) -> ::std::result::Result< ResponseValue<types::AliasModel>, apikit_runtime::ApiError<()>, > {"),
            "{out}"
        );
        assert!(
            out.contains("let result: ::std::result::Result<ResponseValue<types::AliasModel>, Error<()>> = async move { let url"),
            "{out}"
        );
        assert!(out.contains("from_progenitor(e).await"), "{out}");
    }

    #[test]
    fn a_send_of_another_shape_is_left_alone() {
        // What an upgrade might emit instead: the count (0) is what `run` rejects.
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                impl<'a> GetAlias<'a> {
                    pub async fn execute(self) -> Result<ResponseValue<()>, Error<()>> { todo!() }
                    pub fn send(self) -> Result<ResponseValue<()>, Error<()>> { todo!() }
                }
            }
        };
        assert_eq!(api_error_send(&mut file), 0);
    }
}
