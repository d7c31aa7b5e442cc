//! Forward-compatible string enums: after progenitor has generated the code, every
//! string enum typify produced gets one more variant holding any value the spec did not
//! list, so a provider adding a value does not break deserialization in old clients.
//!
//! typify emits, for a string enum `E`: the enum (unit variants, `Copy` among its
//! derives), `impl Display` (one arm per variant) and `impl FromStr` (one arm per
//! value, `_ => Err(..)`). This rewrite, on the syntax tree:
//! - adds `#[serde(untagged)] Unknown(String)` as the last variant (serde tries the
//!   listed values first), named `UnknownValue` if `Unknown` is taken;
//! - drops `Copy` from the derives (a `String` is not `Copy`), and from every type that
//!   derives `Copy` and contains such an enum;
//! - adds the arm to `Display` and makes `FromStr` return the new variant instead of
//!   an error, so parsing, displaying and serde agree.

use std::collections::BTreeMap;

use quote::{ToTokens, format_ident};
use syn::visit_mut::VisitMut;
use syn::{Fields, Item, ItemEnum, ItemImpl, parse_quote};

/// Rewrites `file` in place; returns the names of the enums opened, sorted.
pub fn open_enums(file: &mut syn::File) -> Vec<String> {
    let mut finder = Finder::default();
    finder.visit_file_mut(file);
    let opened: BTreeMap<String, String> = finder.candidates;
    if opened.is_empty() {
        return vec![];
    }
    let mut rewriter = Rewriter {
        opened: &opened,
        copy_dropped: opened.keys().cloned().collect(),
    };
    rewriter.visit_file_mut(file);
    // Types deriving Copy that hold an opened enum lose Copy too, until nothing changes.
    loop {
        let mut dropper = CopyDropper {
            non_copy: rewriter.copy_dropped.iter().cloned().collect(),
            changed: vec![],
        };
        dropper.visit_file_mut(file);
        if dropper.changed.is_empty() {
            break;
        }
        rewriter.copy_dropped.extend(dropper.changed);
    }
    opened.into_keys().collect()
}

/// Finds string enums: unit variants only, derives Deserialize, has a `FromStr` impl.
#[derive(Default)]
struct Finder {
    unit_enums: BTreeMap<String, String>,
    from_str: Vec<String>,
    candidates: BTreeMap<String, String>,
}

impl VisitMut for Finder {
    fn visit_file_mut(&mut self, file: &mut syn::File) {
        syn::visit_mut::visit_file_mut(self, file);
        for name in &self.from_str {
            if let Some(variant) = self.unit_enums.get(name) {
                self.candidates.insert(name.clone(), variant.clone());
            }
        }
    }

    fn visit_item_enum_mut(&mut self, e: &mut ItemEnum) {
        let unit =
            !e.variants.is_empty() && e.variants.iter().all(|v| matches!(v.fields, Fields::Unit));
        let deserialize = e.attrs.iter().any(|a| {
            a.path().is_ident("derive") && a.to_token_stream().to_string().contains("Deserialize")
        });
        if unit && deserialize {
            let taken = |n: &str| e.variants.iter().any(|v| v.ident == n);
            let name = ["Unknown", "UnknownValue", "Unrecognized"]
                .into_iter()
                .find(|n| !taken(n))
                .unwrap_or("UnknownApikitValue");
            self.unit_enums.insert(e.ident.to_string(), name.to_owned());
        }
    }

    fn visit_item_impl_mut(&mut self, i: &mut ItemImpl) {
        if let (Some((_, trait_path, _)), syn::Type::Path(ty)) = (&i.trait_, &*i.self_ty) {
            let is_from_str = trait_path
                .segments
                .last()
                .is_some_and(|s| s.ident == "FromStr");
            if let (true, Some(name)) = (is_from_str, ty.path.get_ident()) {
                self.from_str.push(name.to_string());
            }
        }
    }
}

struct Rewriter<'a> {
    opened: &'a BTreeMap<String, String>,
    copy_dropped: Vec<String>,
}

impl VisitMut for Rewriter<'_> {
    fn visit_item_enum_mut(&mut self, e: &mut ItemEnum) {
        let Some(variant) = self.opened.get(&e.ident.to_string()) else {
            return;
        };
        remove_copy(&mut e.attrs);
        let ident = format_ident!("{variant}");
        e.variants.push(parse_quote! {
            /// A value this client does not know: the API added it after this crate was
            /// generated.
            #[serde(untagged)]
            #ident(::std::string::String)
        });
    }

    fn visit_item_impl_mut(&mut self, i: &mut ItemImpl) {
        let (Some((_, trait_path, _)), syn::Type::Path(ty)) = (&i.trait_, &*i.self_ty) else {
            return;
        };
        let Some(name) = ty.path.get_ident().map(ToString::to_string) else {
            return;
        };
        let Some(variant) = self.opened.get(&name) else {
            return;
        };
        let ident = format_ident!("{variant}");
        let Some(last) = trait_path.segments.last().map(|s| s.ident.to_string()) else {
            return;
        };
        let mut arms = ArmEditor {
            trait_name: last,
            ident,
        };
        arms.visit_item_impl_mut(i);
    }
}

/// Edits the `match` inside `Display::fmt` and `FromStr::from_str`.
struct ArmEditor {
    trait_name: String,
    ident: syn::Ident,
}

impl VisitMut for ArmEditor {
    fn visit_expr_match_mut(&mut self, m: &mut syn::ExprMatch) {
        let ident = &self.ident;
        match self.trait_name.as_str() {
            "Display" => m.arms.push(parse_quote! {
                Self::#ident(ref value) => f.write_str(value),
            }),
            "FromStr" => {
                for arm in &mut m.arms {
                    if matches!(arm.pat, syn::Pat::Wild(_)) {
                        *arm.body = parse_quote! { Ok(Self::#ident(value.to_owned())) };
                    }
                }
            }
            _ => {}
        }
    }
}

fn remove_copy(attrs: &mut [syn::Attribute]) -> bool {
    let mut removed = false;
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
            .filter(|p| p.segments.last().is_none_or(|s| s.ident != "Copy"))
            .collect();
        if kept.len() != paths.len() {
            removed = true;
            *attr = parse_quote!(#[derive(#(#kept),*)]);
        }
    }
    removed
}

/// Drops `Copy` from types whose fields mention a type that is no longer `Copy`.
struct CopyDropper {
    non_copy: std::collections::HashSet<String>,
    changed: Vec<String>,
}

impl CopyDropper {
    /// Whether `tokens` name a type that is not `Copy`: one pass over the identifiers.
    fn mentions(&self, tokens: proc_macro2::TokenStream) -> bool {
        tokens.into_iter().any(|tt| match tt {
            proc_macro2::TokenTree::Ident(i) => self.non_copy.contains(&i.to_string()),
            proc_macro2::TokenTree::Group(g) => self.mentions(g.stream()),
            _ => false,
        })
    }
}

/// Whether `attrs` has a `#[derive(..)]` listing `Copy`.
fn derives_copy(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("derive")
            && a.meta
                .to_token_stream()
                .into_iter()
                .any(|tt| matches!(tt, proc_macro2::TokenTree::Group(g) if g.stream().into_iter().any(|t| matches!(t, proc_macro2::TokenTree::Ident(i) if i == "Copy"))))
    })
}

impl VisitMut for CopyDropper {
    fn visit_item_mut(&mut self, item: &mut Item) {
        let (name, attrs) = match item {
            Item::Struct(s) => (&s.ident, &s.attrs),
            Item::Enum(e) => (&e.ident, &e.attrs),
            _ => return syn::visit_mut::visit_item_mut(self, item),
        };
        // Only types that derive Copy can lose it; most generated structs never had it.
        if !derives_copy(attrs) || self.non_copy.contains(&name.to_string()) {
            return;
        }
        let body = match &*item {
            Item::Struct(s) => s.fields.to_token_stream(),
            Item::Enum(e) => e.variants.to_token_stream(),
            _ => return,
        };
        if !self.mentions(body) {
            return;
        }
        let (name, attrs) = match item {
            Item::Struct(s) => (s.ident.to_string(), &mut s.attrs),
            Item::Enum(e) => (e.ident.to_string(), &mut e.attrs),
            _ => return,
        };
        if remove_copy(attrs) {
            self.changed.push(name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_the_variant_and_edits_display_and_from_str() {
        let mut file: syn::File = parse_quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug)]
            pub enum Status { #[serde(rename = "unknown")] Unknown, #[serde(rename = "ok")] Ok }
            impl ::std::fmt::Display for Status {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match *self { Self::Unknown => f.write_str("unknown"), Self::Ok => f.write_str("ok") }
                }
            }
            impl ::std::str::FromStr for Status {
                type Err = String;
                fn from_str(value: &str) -> Result<Self, String> {
                    match value { "unknown" => Ok(Self::Unknown), "ok" => Ok(Self::Ok), _ => Err("invalid value".into()) }
                }
            }
            #[derive(Clone, Copy, Debug)]
            pub struct Holder { pub status: Status }
            #[derive(Clone, Copy, Debug)]
            pub enum Plain { A, B }
        };
        assert_eq!(open_enums(&mut file), ["Status"]);
        let out = prettyplease::unparse(&file);
        assert!(
            out.contains("#[serde(untagged)]\n    UnknownValue(::std::string::String),"),
            "{out}"
        );
        assert!(
            out.contains("Self::UnknownValue(ref value) => f.write_str(value),"),
            "{out}"
        );
        assert!(
            out.contains("_ => Ok(Self::UnknownValue(value.to_owned())),"),
            "{out}"
        );
        assert!(
            out.contains(
                "#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]\npub enum Status"
            ),
            "{out}"
        );
        assert!(
            out.contains("#[derive(Clone, Debug)]\npub struct Holder"),
            "{out}"
        );
        assert!(
            out.contains("#[derive(Clone, Copy, Debug)]\npub enum Plain"),
            "{out}"
        );
    }
}
