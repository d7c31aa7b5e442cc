//! `From<&str>` for string newtypes. With string constraints in the docs (normalization
//! pass `constraints`), typify still makes a named string component a newtype
//! (`pub struct SeId(pub String)`) with an infallible `From<String>`, but no
//! `From<&str>`; a builder setter takes `TryInto<SeId>`, so `.carrier_id("se-123")`
//! would not compile. This rewrite adds `impl From<&str>` to every such newtype in the
//! `types` module that has `From<String>` and not yet `From<&str>`.

use std::collections::BTreeSet;

use quote::ToTokens;
use syn::{Item, parse_quote};

/// Rewrites `file`; returns the names of the newtypes that got `From<&str>`.
pub fn str_conversions(file: &mut syn::File) -> Vec<String> {
    let Some(items) = file.items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        return vec![];
    };
    let string_newtypes: BTreeSet<String> = items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => match &s.fields {
                syn::Fields::Unnamed(f) if f.unnamed.len() == 1 && is_string(&f.unnamed[0].ty) => {
                    Some(s.ident.to_string())
                }
                _ => None,
            },
            _ => None,
        })
        .collect();
    // `impl From<X> for Name` already present, as (X, Name).
    let conversions: BTreeSet<(String, String)> = items
        .iter()
        .filter_map(|item| match item {
            Item::Impl(imp) => {
                let (_, path, _) = imp.trait_.as_ref()?;
                let last = path.segments.last()?;
                if last.ident != "From" {
                    return None;
                }
                let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                    return None;
                };
                let from = args
                    .args
                    .first()?
                    .to_token_stream()
                    .to_string()
                    .replace(' ', "");
                let name = imp.self_ty.to_token_stream().to_string();
                Some((from, name))
            }
            _ => None,
        })
        .collect();
    let mut done = vec![];
    for name in string_newtypes {
        let has = |from: &str| conversions.contains(&(from.to_owned(), name.clone()));
        if has("::std::string::String") && !has("&str") {
            let ident = syn::Ident::new(&name, proc_macro2::Span::call_site());
            items.push(parse_quote! {
                impl ::std::convert::From<&str> for #ident {
                    fn from(value: &str) -> Self {
                        Self(value.to_owned())
                    }
                }
            });
            done.push(name);
        }
    }
    done
}

fn is_string(ty: &syn::Type) -> bool {
    let text = ty.to_token_stream().to_string().replace(' ', "");
    text == "::std::string::String" || text == "String"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_newtypes_with_from_string_get_from_str_once() {
        let mut file: syn::File = parse_quote! {
            pub mod types {
                pub struct SeId(pub ::std::string::String);
                impl ::std::convert::From<::std::string::String> for SeId {
                    fn from(value: ::std::string::String) -> Self { Self(value) }
                }
                pub struct Count(pub i64);
                impl ::std::convert::From<i64> for Count { fn from(v: i64) -> Self { Self(v) } }
                pub struct Checked(::std::string::String);
            }
        };
        assert_eq!(str_conversions(&mut file), ["SeId"]);
        let text = file.to_token_stream().to_string();
        assert!(
            text.contains("impl :: std :: convert :: From < & str > for SeId"),
            "{text}"
        );
        // Run again: it has one now.
        assert!(str_conversions(&mut file).is_empty());
    }
}
