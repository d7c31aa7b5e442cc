//! The change to a generated crate's public Rust API: both sides are rendered with the
//! generator, parsed with syn, and their public items compared by path and signature.
//!
//! Items: methods of inherent impls (`Client::get_pet`, the operation builders'
//! setters `builder::GetPet::id`), public functions, structs and their public fields,
//! enums and their variants, traits and their methods, constants and type aliases.
//! typify's struct builders (`types::builder`) are left out: they mirror the structs'
//! fields one for one and would only double every entry.

use std::collections::BTreeMap;

use quote::ToTokens;
use serde::Serialize;

/// How many items a summary lists (the counts are always complete).
pub const LIMIT: usize = 30;

/// One provider's API change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ApiDiff {
    /// The provider.
    pub provider: String,
    /// Items only in the new crate (members of an added item count with it).
    pub added: usize,
    /// Items only in the old crate (members of a removed item count with it).
    pub removed: usize,
    /// Items in both whose signature differs.
    pub changed: usize,
    /// The first [`LIMIT`] items: removed, then changed, then added, each by path.
    pub items: Vec<ApiItem>,
    /// Items counted but not listed.
    pub omitted: usize,
}

impl ApiDiff {
    /// True when the public API is the same.
    pub fn is_empty(&self) -> bool {
        self.added + self.removed + self.changed == 0
    }
}

/// One added, removed or changed item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiItem {
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
    /// The item's path in the crate, e.g. `Client::get_pet`, `types::Pet.name`.
    pub item: String,
    /// Its signature before (absent when added).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    /// Its signature after (absent when removed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
    /// For an added or removed struct, enum, trait or builder: how many of its fields,
    /// variants and methods went with it (not listed or counted on their own).
    #[serde(skip_serializing_if = "is_zero")]
    pub members: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The item a member belongs to: `types::Pet` for `types::Pet.name` and
/// `types::Pet::builder`.
fn parent(path: &str) -> Option<&str> {
    let dot = path.rfind('.');
    let colons = path.rfind("::");
    match (dot, colons) {
        (Some(d), Some(c)) if d > c => Some(&path[..d]),
        (_, Some(c)) => Some(&path[..c]),
        (Some(d), None) => Some(&path[..d]),
        (None, None) => None,
    }
}

/// Folds items whose parent is in the same list into the parent's `members`.
fn fold(items: Vec<ApiItem>) -> Vec<ApiItem> {
    let paths: std::collections::BTreeSet<String> = items.iter().map(|i| i.item.clone()).collect();
    let mut members: BTreeMap<String, usize> = BTreeMap::new();
    let mut kept = vec![];
    for item in items {
        match parent(&item.item).filter(|p| paths.contains(*p)) {
            Some(p) => *members.entry(p.to_owned()).or_default() += 1,
            None => kept.push(item),
        }
    }
    for item in &mut kept {
        item.members = members.get(&item.item).copied().unwrap_or(0);
    }
    kept
}

/// Compares the public items of two generated modules.
pub fn diff_modules(provider: &str, old: &str, new: &str) -> Result<ApiDiff, String> {
    let old = public_items(old).map_err(|e| format!("old side: {e}"))?;
    let new = public_items(new).map_err(|e| format!("new side: {e}"))?;
    Ok(diff_items(provider, &old, &new))
}

/// Compares two sets of public items (from [`public_items`]).
pub fn diff_items(
    provider: &str,
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> ApiDiff {
    let mut removed = vec![];
    let mut changed = vec![];
    let mut added = vec![];
    for (path, sig) in old {
        match new.get(path) {
            None => removed.push(ApiItem {
                change: "removed",
                item: path.clone(),
                old: Some(sig.clone()),
                new: None,
                members: 0,
            }),
            Some(n) if n != sig => changed.push(ApiItem {
                change: "changed",
                item: path.clone(),
                old: Some(sig.clone()),
                new: Some(n.clone()),
                members: 0,
            }),
            Some(_) => {}
        }
    }
    for (path, sig) in new {
        if !old.contains_key(path) {
            added.push(ApiItem {
                change: "added",
                item: path.clone(),
                old: None,
                new: Some(sig.clone()),
                members: 0,
            });
        }
    }
    let (removed, added) = (fold(removed), fold(added));
    let (a, r, c) = (added.len(), removed.len(), changed.len());
    let mut items: Vec<ApiItem> = removed.into_iter().chain(changed).chain(added).collect();
    let omitted = items.len().saturating_sub(LIMIT);
    items.truncate(LIMIT);
    ApiDiff {
        provider: provider.to_owned(),
        added: a,
        removed: r,
        changed: c,
        items,
        omitted,
    }
}

/// Every public item of a module source, path -> signature.
pub fn public_items(source: &str) -> Result<BTreeMap<String, String>, String> {
    // typify's `types::builder` is most of a generated module and is skipped anyway;
    // cutting it out before parsing halves the time. The cut relies on prettyplease's
    // layout, so anything unexpected parses the whole text instead.
    let file = match without_type_builders(source).map(|s| syn::parse_file(&s)) {
        Some(Ok(file)) => file,
        _ => syn::parse_file(source).map_err(|e| e.to_string())?,
    };
    Ok(items(&file))
}

/// The public items of a generated module's syntax tree, as [`public_items`] lists them.
pub fn items_of(file: &syn::File) -> BTreeMap<String, String> {
    items(file)
}

fn items(file: &syn::File) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    collect(&file.items, "", &mut out);
    out
}

/// `source` without the `pub mod builder { ... }` nested in `pub mod types`, located
/// by its indentation in prettyplease's output.
fn without_type_builders(source: &str) -> Option<String> {
    let types = source.find("\npub mod types {\n")?;
    let start = types + source[types..].find("\n    pub mod builder {\n")? + 1;
    let end = start + source[start..].find("\n    }\n")? + "\n    }\n".len();
    Some(format!("{}{}", &source[..start], &source[end..]))
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

fn collect(items: &[syn::Item], prefix: &str, out: &mut BTreeMap<String, String>) {
    for item in items {
        match item {
            syn::Item::Mod(m) if is_pub(&m.vis) => {
                let path = format!("{prefix}{}", m.ident);
                if path == "types::builder" {
                    continue;
                }
                if let Some((_, items)) = &m.content {
                    collect(items, &format!("{path}::"), out);
                }
            }
            syn::Item::Struct(s) if is_pub(&s.vis) => {
                let name = format!("{prefix}{}", s.ident);
                out.insert(
                    name.clone(),
                    tidy(format!("struct {}{}", s.ident, tokens(&s.generics))),
                );
                for (i, f) in s.fields.iter().enumerate() {
                    if !is_pub(&f.vis) {
                        continue;
                    }
                    let field = f
                        .ident
                        .as_ref()
                        .map_or_else(|| i.to_string(), ToString::to_string);
                    out.insert(format!("{name}.{field}"), type_text(&f.ty));
                }
            }
            syn::Item::Enum(e) if is_pub(&e.vis) => {
                let name = format!("{prefix}{}", e.ident);
                out.insert(
                    name.clone(),
                    tidy(format!("enum {}{}", e.ident, tokens(&e.generics))),
                );
                for v in &e.variants {
                    out.insert(
                        format!("{name}::{}", v.ident),
                        tidy(format!("{}{}", v.ident, tokens(&v.fields))),
                    );
                }
            }
            syn::Item::Impl(imp) if imp.trait_.is_none() => {
                let Some(self_name) = self_type_name(&imp.self_ty) else {
                    continue;
                };
                for it in &imp.items {
                    if let syn::ImplItem::Fn(f) = it
                        && is_pub(&f.vis)
                    {
                        out.insert(
                            format!("{prefix}{self_name}::{}", f.sig.ident),
                            signature(&f.sig),
                        );
                    }
                }
            }
            syn::Item::Trait(t) if is_pub(&t.vis) => {
                let name = format!("{prefix}{}", t.ident);
                out.insert(name.clone(), tidy(format!("trait {}", t.ident)));
                for it in &t.items {
                    if let syn::TraitItem::Fn(f) = it {
                        out.insert(format!("{name}::{}", f.sig.ident), signature(&f.sig));
                    }
                }
            }
            syn::Item::Fn(f) if is_pub(&f.vis) => {
                out.insert(format!("{prefix}{}", f.sig.ident), signature(&f.sig));
            }
            syn::Item::Const(c) if is_pub(&c.vis) => {
                out.insert(
                    format!("{prefix}{}", c.ident),
                    format!(
                        "const {}: {} = {}",
                        c.ident,
                        type_text(&c.ty),
                        tidy(tokens(&c.expr))
                    ),
                );
            }
            syn::Item::Type(t) if is_pub(&t.vis) => {
                out.insert(
                    format!("{prefix}{}", t.ident),
                    format!(
                        "type {}{} = {}",
                        t.ident,
                        tidy(tokens(&t.generics)),
                        type_text(&t.ty)
                    ),
                );
            }
            _ => {}
        }
    }
}

fn self_type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        syn::Type::Reference(r) => self_type_name(&r.elem),
        _ => None,
    }
}

/// A function signature without `mut` on arguments (an implementation detail), with
/// its where clause (where the builders' argument types are), on one line.
fn signature(sig: &syn::Signature) -> String {
    let mut sig = sig.clone();
    for arg in &mut sig.inputs {
        match arg {
            syn::FnArg::Receiver(r) => {
                if r.reference.is_none() {
                    r.mutability = None;
                }
            }
            syn::FnArg::Typed(t) => {
                if let syn::Pat::Ident(p) = &mut *t.pat {
                    p.mutability = None;
                }
            }
        }
    }
    let item = syn::Item::Fn(syn::ItemFn {
        attrs: vec![],
        vis: syn::Visibility::Inherited,
        sig,
        block: Box::new(syn::parse_quote!({})),
    });
    let text = unparse(item);
    let text = text.trim_end();
    one_line(text.strip_suffix("{}").unwrap_or(text))
}

/// A type as rustfmt would write it.
fn type_text(ty: &syn::Type) -> String {
    let item: syn::Item = syn::parse_quote!(type T = #ty;);
    let text = unparse(item);
    let text = text.trim();
    let text = text.strip_prefix("type T = ").unwrap_or(text);
    one_line(text.strip_suffix(';').unwrap_or(text))
}

fn unparse(item: syn::Item) -> String {
    prettyplease::unparse(&syn::File {
        shebang: None,
        attrs: vec![],
        items: vec![item],
    })
}

/// prettyplease's output with line breaks and indentation folded into single spaces.
fn one_line(text: &str) -> String {
    let mut s = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for (from, to) in [
        ("( ", "("),
        (", )", ")"),
        (" )", ")"),
        ("< ", "<"),
        (" >", ">"),
        // A generic list broken over lines keeps its trailing comma.
        (",>", ">"),
    ] {
        s = s.replace(from, to);
    }
    s.trim_end_matches(',').trim_end().to_owned()
}

fn tokens(t: &impl ToTokens) -> String {
    t.to_token_stream().to_string()
}

/// Token-stream text with the spaces rustfmt would not write removed, for display.
fn tidy(s: String) -> String {
    let mut t = s;
    for (from, to) in [
        (" :: ", "::"),
        (":: ", "::"),
        (" ::", "::"),
        (" < ", "<"),
        ("< ", "<"),
        (" <", "<"),
        (" >", ">"),
        (" ,", ","),
        ("& '", "&'"),
        ("& ", "&"),
        (" (", "("),
        ("( ", "("),
        (" )", ")"),
        (" : ", ": "),
        (" ;", ";"),
        (" [", "["),
        ("[ ", "["),
        (" ]", "]"),
    ] {
        t = t.replace(from, to);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = r#"
        pub mod types {
            pub struct Pet { pub name: String, pub age: Option<i64>, secret: u8 }
            pub enum Kind { Cat, Dog }
            pub mod builder { pub struct Pet { name: String } }
        }
        pub struct Client;
        impl Client {
            pub fn get_pet(&self) -> builder::GetPet<'_> { todo!() }
            pub fn delete_pet(&self) -> builder::DeletePet<'_> { todo!() }
            fn private(&self) {}
        }
        pub mod builder {
            pub struct GetPet<'a> { client: &'a super::Client }
            impl<'a> GetPet<'a> {
                pub fn id<V>(mut self, value: V) -> Self where V: std::convert::TryInto<String> { self }
            }
        }
    "#;

    const NEW: &str = r#"
        pub mod types {
            pub struct Pet { pub name: String, pub age: Option<i32>, pub owner: String }
            pub enum Kind { Cat, Dog, Bird }
            pub mod builder { pub struct Pet { name: String, owner: String } }
        }
        pub struct Client;
        impl Client {
            pub fn get_pet(&self) -> builder::GetPet<'_> { todo!() }
        }
        pub mod builder {
            pub struct GetPet<'a> { client: &'a super::Client }
            impl<'a> GetPet<'a> {
                pub fn id<V>(mut self, value: V) -> Self where V: std::convert::TryInto<i64> { self }
            }
        }
    "#;

    #[test]
    fn cutting_type_builders_before_parsing_keeps_every_item() {
        let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../crates");
        let mut checked = 0;
        for entry in std::fs::read_dir(crates).unwrap() {
            let generated = entry.unwrap().path().join("src/generated.rs");
            let Ok(source) = std::fs::read_to_string(&generated) else {
                continue;
            };
            let cut = without_type_builders(&source).expect("types::builder is found");
            assert!(cut.len() < source.len());
            let full = items(&syn::parse_file(&source).unwrap());
            assert_eq!(
                items(&syn::parse_file(&cut).unwrap()),
                full,
                "{}",
                generated.display()
            );
            assert!(full.contains_key("Client::new"));
            checked += 1;
        }
        assert!(checked >= 6);
    }

    #[test]
    fn lists_removed_changed_and_added_items() {
        let d = diff_modules("p", OLD, NEW).unwrap();
        let listed: Vec<(&str, &str)> = d
            .items
            .iter()
            .map(|i| (i.change, i.item.as_str()))
            .collect();
        assert_eq!(
            listed,
            [
                ("removed", "Client::delete_pet"),
                ("changed", "builder::GetPet::id"),
                ("changed", "types::Pet.age"),
                ("added", "types::Kind::Bird"),
                ("added", "types::Pet.owner"),
            ]
        );
        assert_eq!((d.removed, d.changed, d.added, d.omitted), (1, 2, 2, 0));
        // A removed builder takes its methods with it.
        let gone = diff_modules("p", OLD, "pub struct Client;").unwrap();
        let builder = gone
            .items
            .iter()
            .find(|i| i.item == "builder::GetPet")
            .unwrap();
        assert_eq!(builder.members, 1);
        assert!(!gone.items.iter().any(|i| i.item == "builder::GetPet::id"));
        assert_eq!(
            d.items[1].new.as_deref(),
            Some("fn id<V>(self, value: V) -> Self where V: std::convert::TryInto<i64>")
        );
        assert!(diff_modules("p", OLD, OLD).unwrap().is_empty());
    }
}
