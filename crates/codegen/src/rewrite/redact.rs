//! `Debug` that never prints a credential. Request and response types carry passwords,
//! API keys and tokens (ShipEngine's carrier-connect bodies, Snyk API & Web's login);
//! a derived `Debug` would print them into any log line that formats a request.
//!
//! Rule: a field is secret when its name (snake_case) is one of [`SECRET_NAMES`] or ends
//! in `_` + one of them (`ftp_password`, `api_secret`, `mws_auth_token`); a one-field
//! tuple struct is secret when its type name ends in one of them in PascalCase
//! (`ConnectFedexRequestBodyPassword`, a string newtype). Every struct with such a field,
//! anywhere in the generated file (types, their builders, operation builders), loses
//! `Debug` from its derives and gets an impl that prints `"<redacted>"` for the secret
//! fields and the others as derived.

use heck::ToSnakeCase;
use quote::quote;
use syn::visit_mut::VisitMut;
use syn::{Fields, Item, ItemStruct, parse_quote};

/// Field names that hold credentials.
pub const SECRET_NAMES: [&str; 7] = [
    "password",
    "api_key",
    "apikey",
    "token",
    "secret",
    "private_key",
    "client_secret",
];

/// Whether a field named `name` holds a credential.
pub fn is_secret_field(name: &str) -> bool {
    let name = name.trim_start_matches("r#").to_snake_case();
    SECRET_NAMES
        .iter()
        .any(|s| name == *s || name.ends_with(&format!("_{s}")))
}

/// Rewrites `file`; returns the names of the structs whose `Debug` now redacts.
pub fn redact_secrets(file: &mut syn::File) -> Vec<String> {
    struct Redact(Vec<String>);
    impl VisitMut for Redact {
        fn visit_item_mod_mut(&mut self, m: &mut syn::ItemMod) {
            if let Some((_, items)) = &mut m.content {
                redact_items(items, &mut self.0);
            }
            syn::visit_mut::visit_item_mod_mut(self, m);
        }
    }
    let mut r = Redact(vec![]);
    redact_items(&mut file.items, &mut r.0);
    r.visit_file_mut(file);
    r.0.sort();
    r.0
}

fn redact_items(items: &mut Vec<Item>, done: &mut Vec<String>) {
    let mut impls = vec![];
    for item in items.iter_mut() {
        let Item::Struct(s) = item else { continue };
        if let Some(imp) = redacted_debug(s) {
            done.push(s.ident.to_string());
            impls.push(imp);
        }
    }
    items.extend(impls);
}

/// Drops `Debug` from `s`'s derives and returns the redacting impl, if `s` holds a
/// secret and derived `Debug`.
fn redacted_debug(s: &mut ItemStruct) -> Option<Item> {
    let ident = s.ident.clone();
    let name = ident.to_string();
    let body = match &s.fields {
        Fields::Named(fields) => {
            let secret = |f: &syn::Field| {
                f.ident
                    .as_ref()
                    .is_some_and(|i| is_secret_field(&i.to_string()))
            };
            if !fields.named.iter().any(secret) {
                return None;
            }
            let entries = fields.named.iter().map(|f| {
                let field = f.ident.as_ref().expect("named fields have idents");
                let shown = field.to_string().trim_start_matches("r#").to_owned();
                if secret(f) {
                    quote! { .field(#shown, &"<redacted>") }
                } else {
                    quote! { .field(#shown, &self.#field) }
                }
            });
            quote! { f.debug_struct(#name) #(#entries)* .finish() }
        }
        Fields::Unnamed(fields) if fields.unnamed.len() == 1 && is_secret_field(&name) => {
            quote! { f.debug_tuple(#name).field(&"<redacted>").finish() }
        }
        _ => return None,
    };
    if !remove_derive(&mut s.attrs, "Debug") {
        return None;
    }
    let generics = &s.generics;
    let (imp, ty, wh) = generics.split_for_impl();
    Some(parse_quote! {
        impl #imp ::std::fmt::Debug for #ident #ty #wh {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                #body
            }
        }
    })
}

/// Removes `name` from every `#[derive(..)]` of `attrs`; whether it was there.
fn remove_derive(attrs: &mut [syn::Attribute], name: &str) -> bool {
    let mut found = false;
    for attr in attrs.iter_mut() {
        if !attr.path().is_ident("derive") {
            continue;
        }
        let Ok(paths) = attr.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        let kept: Vec<&syn::Path> = paths
            .iter()
            .filter(|p| p.segments.last().is_none_or(|s| s.ident != name))
            .collect();
        if kept.len() != paths.len() {
            found = true;
            *attr = parse_quote!(#[derive(#(#kept),*)]);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_by_rule() {
        for yes in [
            "password",
            "ftp_password",
            "api_key",
            "apiKey",
            "api_secret",
            "mws_auth_token",
            "token",
            "client_secret",
            "private_key",
            "r#token",
        ] {
            assert!(is_secret_field(yes), "{yes}");
        }
        for no in [
            "token_type",
            "nickname",
            "secret_id",
            "keys",
            "passwords_enabled",
        ] {
            assert!(!is_secret_field(no), "{no}");
        }
        assert!(is_secret_field("ConnectFedexRequestBodyPassword"));
    }

    #[test]
    fn debug_of_secret_fields_is_redacted() {
        let mut file: syn::File = parse_quote! {
            pub mod types {
                #[derive(Clone, Debug, ::serde::Serialize)]
                pub struct Login { pub user: String, pub password: String }
                #[derive(Clone, Debug)]
                pub struct Plain { pub name: String }
                #[derive(Clone, Debug)]
                pub struct LoginPassword(String);
            }
        };
        assert_eq!(redact_secrets(&mut file), ["Login", "LoginPassword"]);
        let text = quote!(#file).to_string();
        assert!(
            text.contains("# [derive (Clone , :: serde :: Serialize)] pub struct Login"),
            "{text}"
        );
        assert!(
            text.contains(". field (\"password\" , & \"<redacted>\")"),
            "{text}"
        );
        assert!(
            text.contains(". field (\"user\" , & self . user)"),
            "{text}"
        );
        assert!(
            text.contains("# [derive (Clone , Debug)] pub struct Plain"),
            "{text}"
        );
    }
}
