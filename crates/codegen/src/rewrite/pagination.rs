//! Lazy item streams for paged list operations, added after progenitor has generated the
//! code, for providers with a `[pagination]` section in provider.toml.
//!
//! A list operation is one whose builder has a setter for the paging parameter (page
//! number, cursor or offset) and whose success type holds the items: a struct with one of
//! the configured items fields, or a bare array. Its builder gets `stream()`, which calls
//! `apikit_runtime::pages::by_page`, `by_cursor` or `by_offset`: pages are fetched one at
//! a time as the stream is polled; the stream ends after the last page or an empty one,
//! and the first error is yielded and ends it. Other parameters (page size, filters) set
//! on the builder apply to every page. Pages are fetched with progenitor's own send
//! ([`super::send::RAW_SEND`]), so the items' error is `progenitor_client::Error`, which
//! `ApiError::from_progenitor` sorts like `send()` does.

use std::collections::BTreeMap;

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{GenericArgument, Item, PathArguments, ReturnType, Type};

use crate::config::{PageStyle, PaginationConfig};

/// Adds the `stream()` methods to `file`; returns the operations (builder names) that
/// got one, sorted. A config whose style is invalid adds none (config validation
/// reports it).
pub fn add_streams(file: &mut syn::File, config: &PaginationConfig) -> Vec<String> {
    let Ok(style) = config.style() else {
        return vec![];
    };
    let param = match &style {
        PageStyle::Page { param, .. }
        | PageStyle::Cursor { param, .. }
        | PageStyle::Offset { param } => param.to_snake_case(),
    };
    let structs = struct_fields(file, "types");
    let type_names = type_names(file);
    // Builder struct name -> (field -> type): tells a setter's value type.
    let builders = struct_fields(file, "builder");
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
            if !methods.iter().any(|f| f.sig.ident == param) {
                continue;
            }
            // progenitor's `send`, renamed by the `send` rewrite (which runs first): its
            // error is what `apikit_runtime::pages` works with.
            let Some(send) = methods
                .iter()
                .find(|f| f.sig.ident == super::send::RAW_SEND)
            else {
                continue;
            };
            let Some((response, error)) = result_types(&send.sig.output) else {
                continue;
            };
            let Some(page) = Page::of(&response, &structs, config) else {
                continue;
            };
            // The setter takes `TryInto<T>`: numbers convert from the u32 the runtime
            // counts in; a string-typed parameter gets the number's text.
            let takes_string = builders
                .get(&builder.to_string())
                .and_then(|fields| fields.get(&param))
                .and_then(setter_value)
                .is_some_and(|ty| last_ident(&ty).as_deref() == Some("String"));
            let Some(body) = stream_body(&style, &param, takes_string, &response, &page, &structs)
            else {
                continue;
            };
            let item_ty = qualify(&page.item, &type_names);
            let doc = doc(&style);
            let generics = &imp.generics;
            new_items.push(syn::parse_quote! {
                impl #generics #builder<'a> {
                    #[doc = #doc]
                    pub fn stream(
                        self,
                    ) -> impl ::futures::Stream<Item = Result<#item_ty, #error>> + Unpin + 'a {
                        #body
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

/// Where a response keeps its items.
struct Page {
    /// The items field, or `None` when the response is the array itself.
    field: Option<String>,
    /// Whether that field is an `Option<Vec<_>>`.
    optional: bool,
    /// The item type.
    item: Type,
}

impl Page {
    fn of(
        response: &Type,
        structs: &BTreeMap<String, BTreeMap<String, Type>>,
        config: &PaginationConfig,
    ) -> Option<Page> {
        if let Some(item) = vec_item(response) {
            return Some(Page {
                field: None,
                optional: false,
                item,
            });
        }
        let fields = structs.get(&last_ident(response)?)?;
        // A newtype around the array (`struct AuditLogs(Vec<Entry>)`).
        if fields.len() == 1
            && let Some(item) = fields.get("0").and_then(vec_item)
        {
            return Some(Page {
                field: Some("0".into()),
                optional: false,
                item,
            });
        }
        config.items.iter().find_map(|name| {
            let field = name.to_snake_case();
            let ty = fields.get(&field)?;
            let (ty, optional) = match option_inner(ty) {
                Some(inner) => (inner, true),
                None => (ty.clone(), false),
            };
            Some(Page {
                field: Some(field),
                optional,
                item: vec_item(&ty)?,
            })
        })
    }

    fn items(&self) -> TokenStream {
        match (&self.field, self.optional) {
            (None, _) => quote!(r),
            (Some(f), _) if f == "0" => quote!(r.0),
            (Some(f), false) => {
                let f = format_ident!("{f}");
                quote!(r.#f)
            }
            (Some(f), true) => {
                let f = format_ident!("{f}");
                quote!(r.#f.unwrap_or_default())
            }
        }
    }
}

fn stream_body(
    style: &PageStyle<'_>,
    param: &str,
    takes_string: bool,
    response: &Type,
    page: &Page,
    structs: &BTreeMap<String, BTreeMap<String, Type>>,
) -> Option<TokenStream> {
    let setter = format_ident!("{param}");
    let send_raw = format_ident!("{}", super::send::RAW_SEND);
    let number = |v: TokenStream| {
        if takes_string {
            quote!(#v.to_string())
        } else {
            v
        }
    };
    let items = page.items();
    let fields = last_ident(response).and_then(|n| structs.get(&n));
    Some(match style {
        PageStyle::Page { pages, .. } => {
            let arg = number(quote!(page));
            let pages = match pages.map(|p| p.to_snake_case()) {
                Some(p) if fields.is_some_and(|f| f.contains_key(&p)) => {
                    let p = format_ident!("{p}");
                    quote!(apikit_runtime::pages::count(&r.#p))
                }
                _ => quote!(None),
            };
            quote! {
                let max_pages = self.client.inner.max_pages();
                apikit_runtime::pages::by_page_capped(
                    self,
                    |b: Self, page: u32| b.#setter(#arg).#send_raw(),
                    |r: #response| {
                        let pages = #pages;
                        (#items, pages)
                    },
                    max_pages,
                )
            }
        }
        PageStyle::Cursor { next, .. } => {
            let next = next.to_snake_case();
            let ty = fields?.get(&next)?;
            let next = format_ident!("{next}");
            let next = if option_inner(ty).is_some() {
                quote!(r.#next.as_ref().map(|v| v.to_string()))
            } else {
                quote!(Some(r.#next.to_string()))
            };
            quote! {
                let max_pages = self.client.inner.max_pages();
                apikit_runtime::pages::by_cursor_capped(
                    self,
                    |b: Self, cursor: Option<String>| match cursor {
                        Some(cursor) => b.#setter(cursor).#send_raw(),
                        None => b.#send_raw(),
                    },
                    |r: #response| {
                        let next = #next;
                        (#items, next)
                    },
                    max_pages,
                )
            }
        }
        PageStyle::Offset { .. } => {
            let arg = number(quote!(offset));
            quote! {
                let max_pages = self.client.inner.max_pages();
                apikit_runtime::pages::by_offset_capped(
                    self,
                    |b: Self, offset: u32| b.#setter(#arg).#send_raw(),
                    |r: #response| #items,
                    max_pages,
                )
            }
        }
    })
}

fn doc(style: &PageStyle<'_>) -> String {
    let how = match style {
        PageStyle::Page {
            param,
            pages: Some(pages),
        } => format!(
            "fetches page after page (`{param}` = 1, 2, ...) while it is polled, and ends after the last page (`{pages}`) or an empty one"
        ),
        PageStyle::Page { param, pages: None } => format!(
            "fetches page after page (`{param}` = 1, 2, ...) while it is polled, and ends after an empty page"
        ),
        PageStyle::Cursor { param, next } => format!(
            "fetches the first page, then each next one with `{param}` set to the previous page's `{next}`, while it is polled; it ends when a page has no `{next}` or no items"
        ),
        PageStyle::Offset { param } => format!(
            "fetches page after page (`{param}` = 0, then the number of items so far) while it is polled, and ends after an empty page"
        ),
    };
    format!(
        "Every item of every page, as a stream that {how}. Other parameters set on this builder apply to every page. The first error is yielded and ends the stream; so does a page that points back to one fetched before (a loop), and reaching the client's `Config::max_pages` while a next page remains (`ApiError::Pages` after `ApiError::from_progenitor`)."
    )
}

/// The names of the structs, enums and aliases of `mod types`.
fn type_names(file: &syn::File) -> std::collections::BTreeSet<String> {
    let mut names = std::collections::BTreeSet::new();
    for item in &file.items {
        if let Item::Mod(m) = item
            && m.ident == "types"
        {
            for item in m.content.iter().flat_map(|(_, items)| items) {
                match item {
                    Item::Struct(s) => names.insert(s.ident.to_string()),
                    Item::Enum(e) => names.insert(e.ident.to_string()),
                    Item::Type(t) => names.insert(t.ident.to_string()),
                    _ => false,
                };
            }
        }
    }
    names
}

/// Struct name -> (field name -> type) for the structs in `mod <module>`.
fn struct_fields(file: &syn::File, module: &str) -> BTreeMap<String, BTreeMap<String, Type>> {
    let mut structs = BTreeMap::new();
    for item in &file.items {
        if let Item::Mod(m) = item
            && m.ident == module
        {
            for item in m.content.iter().flat_map(|(_, items)| items) {
                if let Item::Struct(s) = item {
                    // Named fields by name; a newtype's one field as `0`.
                    let fields = s
                        .fields
                        .iter()
                        .enumerate()
                        .map(|(i, f)| {
                            let name = f.ident.as_ref().map_or(i.to_string(), |n| n.to_string());
                            (name, f.ty.clone())
                        })
                        .collect();
                    structs.insert(s.ident.to_string(), fields);
                }
            }
        }
    }
    structs
}

/// A builder field `Result<Option<T>, String>` (or `Result<T, String>`) -> `T`.
fn setter_value(field: &Type) -> Option<Type> {
    let ok = generic_args(field, "Result")?.into_iter().next()?;
    Some(option_inner(&ok).unwrap_or(ok))
}

fn option_inner(ty: &Type) -> Option<Type> {
    generic_args(ty, "Option")?.into_iter().next()
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

/// Type names of `mod types` (written bare inside it) get `types::` in `mod builder`,
/// also inside generics (`Vec<Vec<Path>>`); paths such as `::serde_json::Value` and
/// std types stay as they are.
fn qualify(ty: &Type, names: &std::collections::BTreeSet<String>) -> TokenStream {
    struct Q<'a>(&'a std::collections::BTreeSet<String>);
    impl syn::visit_mut::VisitMut for Q<'_> {
        fn visit_type_path_mut(&mut self, p: &mut syn::TypePath) {
            syn::visit_mut::visit_type_path_mut(self, p);
            if p.qself.is_none()
                && p.path.leading_colon.is_none()
                && p.path.segments.len() == 1
                && self.0.contains(&p.path.segments[0].ident.to_string())
            {
                p.path.segments.insert(0, format_ident!("types").into());
            }
        }
    }
    let mut ty = ty.clone();
    syn::visit_mut::VisitMut::visit_type_mut(&mut Q(names), &mut ty);
    quote! { #ty }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> PaginationConfig {
        PaginationConfig {
            page: Some("page".into()),
            pages: Some("page_total".into()),
            cursor: None,
            next: None,
            offset: None,
            items: vec!["results".into()],
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
                    async fn send_raw(self) -> Result<ResponseValue<types::TargetList>, Error<types::Error>> { todo!() }
                }
                impl<'a> GetTrend<'a> {
                    async fn send_raw(self) -> Result<ResponseValue<types::Trend>, Error<()>> { todo!() }
                }
                impl<'a> ListTrends<'a> {
                    pub fn page<V>(mut self, value: V) -> Self { self }
                    async fn send_raw(self) -> Result<ResponseValue<types::Trend>, Error<()>> { todo!() }
                }
            }
        };
        // GetTrend has no page parameter; ListTrends has one and no page count field, so
        // it stops at an empty page.
        assert_eq!(
            add_streams(&mut file, &config()),
            ["ListTargets", "ListTrends"]
        );
        let out = prettyplease::unparse(&file);
        assert!(
            out.contains("Item = Result<types::Target, Error<types::Error>>"),
            "{out}"
        );
        assert!(out.contains("b.page(page).send_raw()"), "{out}");
        assert!(out.contains("(r.results, pages)"), "{out}");
        assert!(
            out.contains("let pages = None;"),
            "ListTrends has no count: {out}"
        );
    }

    #[test]
    fn cursor_and_offset_styles_and_bare_arrays() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Aliases { pub aliases: ::std::vec::Vec<String>, pub last_id: Option<String> }
            }
            pub mod builder {
                pub struct GetAliases<'a> { continue_from: Result<Option<String>, String> }
                impl<'a> GetAliases<'a> {
                    pub fn continue_from<V>(mut self, value: V) -> Self { self }
                    async fn send_raw(self) -> Result<ResponseValue<types::Aliases>, Error<()>> { todo!() }
                }
                pub struct ListStats<'a> { offset: Result<Option<::std::string::String>, String> }
                impl<'a> ListStats<'a> {
                    pub fn offset<V>(mut self, value: V) -> Self { self }
                    async fn send_raw(self) -> Result<ResponseValue<::std::vec::Vec<types::Stat>>, Error<()>> { todo!() }
                }
            }
        };
        let cursor = PaginationConfig {
            page: None,
            pages: None,
            cursor: Some("continueFrom".into()),
            next: Some("lastId".into()),
            offset: None,
            items: vec!["clicks".into(), "aliases".into()],
        };
        assert_eq!(add_streams(&mut file.clone(), &cursor), ["GetAliases"]);
        let offset = PaginationConfig {
            cursor: None,
            next: None,
            offset: Some("offset".into()),
            items: vec![],
            ..cursor.clone()
        };
        assert_eq!(add_streams(&mut file, &offset), ["ListStats"]);
        let out = prettyplease::unparse(&file);
        assert!(
            out.contains("b.offset(offset.to_string()).send_raw()"),
            "{out}"
        );
        assert!(out.contains("|r: ::std::vec::Vec<types::Stat>| r"), "{out}");
        let bad = PaginationConfig {
            next: None,
            ..cursor
        };
        assert!(bad.style().unwrap_err().contains("`cursor` needs `next`"));
    }
}
