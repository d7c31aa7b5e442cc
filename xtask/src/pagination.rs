//! Lazy item streams for paged list operations, added after progenitor has generated the
//! code, for providers with a `[pagination]` section in provider.toml.
//!
//! A list operation is one whose builder has a setter for the page parameter and whose
//! success type is a struct with the items array and the page-count field. Its builder
//! gets `stream()`, which calls `apikit_runtime::pages::by_page`: pages are fetched one
//! at a time as the stream is polled, from page 1 until the last page or an empty one;
//! the first error is yielded and ends the stream. Other query parameters (page size,
//! filters) set on the builder apply to every page.

use std::collections::BTreeMap;

use heck::ToSnakeCase;
use quote::{format_ident, quote};
use syn::{GenericArgument, Item, PathArguments, ReturnType, Type};

use crate::config::PaginationConfig;

/// Adds the `stream()` methods to `file`; returns the operations (builder names) that
/// got one, sorted.
pub fn add_streams(file: &mut syn::File, config: &PaginationConfig) -> Vec<String> {
    let items_field = config.items.to_snake_case();
    let pages_field = config.pages.to_snake_case();
    let page_setter = config.page.to_snake_case();
    // Struct name -> (field name -> type) in `mod types`.
    let mut structs: BTreeMap<String, BTreeMap<String, Type>> = BTreeMap::new();
    for item in &file.items {
        if let Item::Mod(m) = item
            && m.ident == "types"
        {
            for item in m.content.iter().flat_map(|(_, items)| items) {
                if let Item::Struct(s) = item {
                    let fields = s
                        .fields
                        .iter()
                        .filter_map(|f| Some((f.ident.as_ref()?.to_string(), f.ty.clone())))
                        .collect();
                    structs.insert(s.ident.to_string(), fields);
                }
            }
        }
    }
    let mut added = vec![];
    for item in &mut file.items {
        let Item::Mod(m) = item else { continue };
        if m.ident != "builder" {
            continue;
        }
        let Some((_, items)) = &mut m.content else {
            continue;
        };
        let mut new_items: Vec<Item> = vec![];
        for item in items.iter() {
            let Item::Impl(imp) = item else { continue };
            if imp.trait_.is_some() {
                continue;
            }
            let Type::Path(self_ty) = &*imp.self_ty else {
                continue;
            };
            let Some(builder) = self_ty.path.segments.last().map(|s| s.ident.clone()) else {
                continue;
            };
            let methods: Vec<&syn::ImplItemFn> = imp
                .items
                .iter()
                .filter_map(|i| match i {
                    syn::ImplItem::Fn(f) => Some(f),
                    _ => None,
                })
                .collect();
            if !methods.iter().any(|f| f.sig.ident == page_setter) {
                continue;
            }
            let Some(send) = methods.iter().find(|f| f.sig.ident == "send") else {
                continue;
            };
            let Some((response, error)) = result_types(&send.sig.output) else {
                continue;
            };
            let Some(response_name) = last_ident(&response) else {
                continue;
            };
            let Some(fields) = structs.get(&response_name) else {
                continue;
            };
            let (Some(items_ty), true) =
                (fields.get(&items_field), fields.contains_key(&pages_field))
            else {
                continue;
            };
            let Some(item_ty) = vec_item(items_ty) else {
                continue;
            };
            let item_ty = qualify(&item_ty);
            let items_ident = format_ident!("{items_field}");
            let pages_ident = format_ident!("{pages_field}");
            let page_ident = format_ident!("{page_setter}");
            let doc = format!(
                "Every item of every page, as a stream that fetches page after page (`{}` = 1, 2, ...) while it is polled, and ends after the last page (`{}`) or an empty one. Other parameters set on this builder apply to every page. The first error is yielded and ends the stream.",
                config.page, config.pages
            );
            let generics = &imp.generics;
            new_items.push(syn::parse_quote! {
                impl #generics #builder<'a> {
                    #[doc = #doc]
                    pub fn stream(
                        self,
                    ) -> impl ::futures::Stream<Item = Result<#item_ty, #error>> + Unpin + 'a {
                        apikit_runtime::pages::by_page(
                            self,
                            |b: Self, page: i64| b.#page_ident(page).send(),
                            |r: #response| {
                                let pages = apikit_runtime::pages::count(&r.#pages_ident);
                                (r.#items_ident, pages)
                            },
                        )
                    }
                }
            });
            added.push(builder.to_string());
        }
        items.extend(new_items);
    }
    added.sort();
    added
}

/// `Result<ResponseValue<R>, E>` -> (R, E).
fn result_types(output: &ReturnType) -> Option<(Type, Type)> {
    let ReturnType::Type(_, ty) = output else {
        return None;
    };
    let args = generic_args(ty, "Result")?;
    let [ok, err] = args.as_slice() else {
        return None;
    };
    let inner = generic_args(ok, "ResponseValue")?;
    Some((inner.first()?.clone(), err.clone()))
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

fn last_ident(ty: &Type) -> Option<String> {
    let Type::Path(p) = ty else { return None };
    Some(p.path.segments.last()?.ident.to_string())
}

fn vec_item(ty: &Type) -> Option<Type> {
    generic_args(ty, "Vec")?.into_iter().next()
}

/// A bare type name (a struct, enum or newtype of `mod types`) is written `types::Name`
/// in `mod builder`; paths such as `::serde_json::Value` stay as they are.
fn qualify(ty: &Type) -> proc_macro2::TokenStream {
    if let Type::Path(p) = ty
        && p.qself.is_none()
        && p.path.segments.len() == 1
    {
        let name = &p.path.segments[0].ident;
        return quote! { types::#name };
    }
    quote! { #ty }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> PaginationConfig {
        PaginationConfig {
            page: "page".into(),
            items: "results".into(),
            pages: "page_total".into(),
        }
    }

    #[test]
    fn paged_list_builders_get_a_stream_and_others_do_not() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct TargetList { pub page_total: Option<i64>, pub results: ::std::vec::Vec<Target> }
                pub struct Target { pub id: String }
                pub struct Trend { pub results: ::std::vec::Vec<i64> }
            }
            pub mod builder {
                impl<'a> ListTargets<'a> {
                    pub fn page<V>(mut self, value: V) -> Self { self }
                    pub async fn send(self) -> Result<ResponseValue<types::TargetList>, Error<types::Error>> { todo!() }
                }
                impl<'a> GetTrend<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::Trend>, Error<()>> { todo!() }
                }
                impl<'a> ListTrends<'a> {
                    pub fn page<V>(mut self, value: V) -> Self { self }
                    pub async fn send(self) -> Result<ResponseValue<types::Trend>, Error<()>> { todo!() }
                }
            }
        };
        // GetTrend has no page parameter; ListTrends has one but no page count field.
        assert_eq!(add_streams(&mut file, &config()), ["ListTargets"]);
        let out = prettyplease::unparse(&file);
        assert!(
            out.contains("Item = Result<types::Target, Error<types::Error>>"),
            "{out}"
        );
        assert!(out.contains("b.page(page).send()"), "{out}");
        assert!(out.contains("(r.results, pages)"), "{out}");
    }
}
