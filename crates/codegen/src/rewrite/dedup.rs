//! One type per shape (#19). typify emits one type per schema, so a shape the spec
//! writes under several names (ShipEngine's `manifest` and `deprecated_manifest`
//! components, Snyk's `Group` and `Org`, an operation's `Get...Response` beside its
//! `Update...Response`) becomes several types that cannot be passed for one another,
//! each with its own builder and impls to compile. The `type-names` normalization pass
//! merges what it can name (inline copies of a component, identical siblings); this
//! rewrite merges the rest, by the generated code itself:
//!
//! - **Same type**: two structs with named fields, or two enums, of `pub mod types`
//!   are one when everything generated for them is the same token for token: the item,
//!   every impl of it in `types`, and its builder in `types::builder` with that
//!   builder's impls, ignoring doc comments and reading every type of the module by
//!   its class. Classes come from partition refinement (start with all types in one
//!   class, split by the rendered text, repeat until nothing splits), so recursive and
//!   nested types compare as a whole: `Monitor { pkg: MonitorPackage }` and
//!   `Graph { pkg: Package }` are one type when the packages are. Serde attributes,
//!   field and variant names, defaults and the `Debug` redaction all take part, so a
//!   merged type encodes and decodes exactly as each of the originals did.
//!   Conversions from or to another type of the module ([`is_extra`]: `From<Wrapper>`
//!   for a newtype wrapping it) are not part of the comparison, and an alias keeps
//!   them (an impl for an alias is one for the kept type). Tuple
//!   structs (newtypes) are never merged: an id newtype's name is its meaning, and a
//!   tuple constructor does not work through a type alias.
//! - **Which name keeps the definition**: a spec component's name before a name typify
//!   derived, then the shortest, then the first in alphabetical order (`Node` of
//!   `MonitorNode` and `Node`; `ProjectSettings` of `UpdateProjectSettingsBody`). A
//!   group without a component takes the words all its names end with when they are
//!   two or more, not all general ([`GENERIC_WORDS`]: `Error`, `ResponseBody`), and no
//!   other item's name: `CreateScriptTagResponse` and `GetScriptTagResponse` are one
//!   `ScriptTagResponse`.
//! - **The other names stay**, as `pub type Alias = Kept;` carrying the alias's own doc
//!   comment and a line naming the kept type (and the same alias in `types::builder`),
//!   so a field keeps the spec's name (`org: Org`), the typed mocks and examples keep
//!   compiling, and a struct literal or `Alias::builder()` still works.
//! - **Never a conflict**: merging must not give one type two equal impls (an untagged
//!   union with `From<Shipment>` and `From<ShipmentCopy>`: ShipEngine's five identical
//!   `connect_*_request_body` components, variants of one `ConnectCarrierRequestBody`);
//!   a class whose merge would is left unmerged, and the check runs again until none
//!   would.
//!
//! Types named by an impl outside `pub mod types` are left alone.

use std::collections::{BTreeMap, BTreeSet};

use quote::ToTokens;
use syn::visit_mut::VisitMut;
use syn::{Item, parse_quote};

/// Rewrites `file`; returns `(alias, kept)` for every type that became an alias.
/// `components` holds the type names that are spec component keys.
pub fn merge_identical_types(
    file: &mut syn::File,
    components: &BTreeSet<String>,
) -> Vec<(String, String)> {
    // Names used as `Self` outside `types`: hand these over untouched.
    let mut outside = BTreeSet::new();
    for item in &file.items {
        if let Item::Impl(imp) = item
            && let Some(name) = types_path_name(&imp.self_ty)
        {
            outside.insert(name);
        }
    }
    let Some(types) = file.items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        return vec![];
    };
    let names: BTreeSet<String> = types
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some(s.ident.to_string()),
            Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect();
    let mergeable: BTreeSet<String> = types
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) if matches!(s.fields, syn::Fields::Named(_)) => {
                Some(s.ident.to_string())
            }
            Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .filter(|n| !outside.contains(n))
        .collect();
    let parts = parts_of(types, &names, &mergeable);
    let defaults = default_fns(types);
    let mut unmergeable = BTreeSet::new();
    let (groups, plan) = loop {
        let groups = same_types(&parts, &names, &defaults, &unmergeable);
        let plan = choose(&groups, components);
        let conflicts = conflicts(types, &names, &plan);
        if conflicts.is_empty() {
            break (groups, plan);
        }
        unmergeable.extend(conflicts);
    };
    if plan.is_empty() {
        return vec![];
    }
    // Kept types renamed to their group's common name (`GetScriptTagResponse` ->
    // `ScriptTagResponse`); the old name becomes an alias like the others.
    let taken = item_names(types);
    let mut renames = BTreeMap::new();
    for group in &groups {
        if group.iter().any(|n| components.contains(n)) {
            continue;
        }
        let kept = &plan[group
            .iter()
            .find(|n| plan.contains_key(*n))
            .expect("a group has aliases")];
        if let Some(common) = common_name(group, &taken)
            && !group.contains(&common)
        {
            renames.insert(kept.clone(), common);
        }
    }
    let final_name = |n: &String| renames.get(n).cloned().unwrap_or_else(|| n.clone());
    let plan: BTreeMap<String, String> = plan
        .iter()
        .map(|(alias, kept)| (alias.clone(), final_name(kept)))
        .collect();
    let old_docs = rename_kept(types, &renames);
    apply(types, &names, &plan);
    for (old, new) in &renames {
        insert_alias(types, old, new, &old_docs[old]);
    }
    let mut out: Vec<(String, String)> = plan.into_iter().collect();
    out.extend(renames);
    out.sort();
    out
}

/// Every item name in `types` and `types::builder`.
fn item_names(types: &[Item]) -> BTreeSet<String> {
    let name = |item: &Item| -> Option<String> {
        Some(match item {
            Item::Struct(s) => s.ident.to_string(),
            Item::Enum(e) => e.ident.to_string(),
            Item::Type(t) => t.ident.to_string(),
            Item::Fn(f) => f.sig.ident.to_string(),
            Item::Mod(m) => m.ident.to_string(),
            Item::Trait(t) => t.ident.to_string(),
            Item::Const(c) => c.ident.to_string(),
            Item::Static(s) => s.ident.to_string(),
            Item::Union(u) => u.ident.to_string(),
            _ => return None,
        })
    };
    types
        .iter()
        .chain(builder_items(types))
        .filter_map(name)
        .collect()
}

/// Words too general to name a type alone (`Error`, `ResponseBody`).
const GENERIC_WORDS: [&str; 12] = [
    "body", "response", "request", "error", "errors", "item", "items", "value", "values", "data",
    "by", "type",
];

/// The words all of `group` end with, as one name (`CreateScriptTagResponse`,
/// `GetScriptTagResponse` -> `ScriptTagResponse`), when that is two or more words, not
/// all of them [`GENERIC_WORDS`], and no other item has the name.
fn common_name(group: &[String], taken: &BTreeSet<String>) -> Option<String> {
    use heck::{ToKebabCase, ToPascalCase};
    let words: Vec<Vec<String>> = group
        .iter()
        .map(|n| n.to_kebab_case().split('-').map(str::to_owned).collect())
        .collect();
    let shortest = words.iter().map(Vec::len).min()?;
    let n = (1..=shortest)
        .take_while(|n| {
            let tail = &words[0][words[0].len() - n..];
            words.iter().all(|w| &w[w.len() - n..] == tail)
        })
        .last()?;
    let tail = &words[0][words[0].len() - n..];
    if n < 2 || tail.iter().all(|w| GENERIC_WORDS.contains(&w.as_str())) {
        return None;
    }
    let name = tail.join("-").to_pascal_case();
    (group.contains(&name) || !taken.contains(&name)).then_some(name)
}

/// Renames each kept type `old -> new` in `types` (its items, and the paths that name
/// it: `K`, `super::K`, `builder::K`; never `Self::K` or `Enum::K`, which are
/// variants); returns each old name's doc comments, for its alias.
fn rename_kept(
    types: &mut [Item],
    renames: &BTreeMap<String, String>,
) -> BTreeMap<String, Vec<syn::Attribute>> {
    struct Rename<'a>(&'a BTreeMap<String, String>);
    impl Rename<'_> {
        fn ident(&self, ident: &mut syn::Ident) {
            if let Some(new) = self.0.get(&ident.to_string()) {
                *ident = syn::Ident::new(new, ident.span());
            }
        }
    }
    impl VisitMut for Rename<'_> {
        fn visit_item_struct_mut(&mut self, s: &mut syn::ItemStruct) {
            self.ident(&mut s.ident);
            syn::visit_mut::visit_item_struct_mut(self, s);
        }
        fn visit_item_enum_mut(&mut self, e: &mut syn::ItemEnum) {
            self.ident(&mut e.ident);
            syn::visit_mut::visit_item_enum_mut(self, e);
        }
        fn visit_path_mut(&mut self, path: &mut syn::Path) {
            let mut previous: Option<String> = None;
            for seg in &mut path.segments {
                let here = seg.ident.to_string();
                let type_position = match previous.as_deref() {
                    None => true,
                    Some(p) => matches!(p, "super" | "builder" | "types"),
                };
                if type_position {
                    self.ident(&mut seg.ident);
                }
                previous = Some(here);
            }
            syn::visit_mut::visit_path_mut(self, path);
        }
        fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
            if (call.method == "debug_struct" || call.method == "debug_tuple")
                && let Some(syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(lit),
                    ..
                })) = call.args.first_mut()
                && let Some(new) = self.0.get(&lit.value())
            {
                *lit = syn::LitStr::new(new, lit.span());
            }
            syn::visit_mut::visit_expr_method_call_mut(self, call);
        }
    }
    let mut docs = BTreeMap::new();
    if renames.is_empty() {
        return docs;
    }
    for item in types.iter_mut() {
        let (ident, attrs) = match item {
            Item::Struct(s) => (s.ident.to_string(), &mut s.attrs),
            Item::Enum(e) => (e.ident.to_string(), &mut e.attrs),
            _ => continue,
        };
        let Some(new) = renames.get(&ident) else {
            continue;
        };
        let old: Vec<syn::Attribute> = attrs
            .iter()
            .filter(|a| a.path().is_ident("doc"))
            .cloned()
            .collect();
        docs.insert(ident.clone(), old);
        // typify's doc line naming the type (`GetScriptTagResponse` in backticks) follows it.
        let stale = format!("`{ident}`");
        for a in attrs.iter_mut() {
            if let syn::Meta::NameValue(nv) = &mut a.meta
                && let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(lit),
                    ..
                }) = &mut nv.value
                && lit.value() == stale
            {
                *lit = syn::LitStr::new(&format!("`{new}`"), lit.span());
            }
        }
    }
    let mut visitor = Rename(renames);
    for item in types.iter_mut() {
        visitor.visit_item_mut(item);
    }
    docs
}

/// `pub type old = new;` in `types` (with `docs`) and, when `new` has a builder, in
/// `types::builder`.
fn insert_alias(types: &mut Vec<Item>, old: &str, new: &str, docs: &[syn::Attribute]) {
    let at = types
        .iter()
        .position(|item| {
            matches!(item, Item::Struct(s) if s.ident == new)
                || matches!(item, Item::Enum(e) if e.ident == new)
        })
        .unwrap_or(types.len());
    types.insert(at, alias(old, new, docs, true));
    if let Some(builder) = builder_items_mut(types)
        && let Some(at) = builder
            .iter()
            .position(|item| matches!(item, Item::Struct(s) if s.ident == new))
    {
        builder.insert(at, alias(old, new, &[], false));
    }
}

/// The functions of `types::defaults`.
fn default_fns(types: &[Item]) -> Vec<syn::ItemFn> {
    types
        .iter()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == "defaults" => m.content.as_ref().map(|(_, items)| {
                items
                    .iter()
                    .filter_map(|i| match i {
                        Item::Fn(f) => Some(f.clone()),
                        _ => None,
                    })
                    .collect()
            }),
            _ => None,
        })
        .unwrap_or_default()
}

/// The name `X` of a `Self` type written `types::X` (or `X`) outside the module.
fn types_path_name(ty: &syn::Type) -> Option<String> {
    let syn::Type::Path(p) = ty else { return None };
    let segs: Vec<String> = p
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    match segs.as_slice() {
        [t, name] if t == "types" => Some(name.clone()),
        _ => None,
    }
}

/// The name of a `Self` type written `X` or `super::X`.
fn self_name(ty: &syn::Type) -> Option<(bool, String)> {
    let syn::Type::Path(p) = ty else { return None };
    let segs: Vec<String> = p
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    match segs.as_slice() {
        [name] => Some((false, name.clone())),
        [s, name] if s == "super" => Some((true, name.clone())),
        _ => None,
    }
}

/// Everything generated for each mergeable type: its item and impls in `types`, its
/// builder struct and that struct's impls (and `impl .. for super::X`) in `builder`.
/// Conversions from or to another type of the module ([`is_extra`]) are not part of it.
fn parts_of(
    types: &[Item],
    names: &BTreeSet<String>,
    mergeable: &BTreeSet<String>,
) -> BTreeMap<String, Vec<Item>> {
    let mut parts: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    for item in types {
        let name = match item {
            Item::Struct(s) => Some(s.ident.to_string()),
            Item::Enum(e) => Some(e.ident.to_string()),
            Item::Impl(imp) if is_extra(imp, names) => None,
            Item::Impl(imp) => self_name(&imp.self_ty)
                .filter(|(sup, _)| !sup)
                .map(|(_, n)| n),
            _ => None,
        };
        if let Some(name) = name.filter(|n| mergeable.contains(n)) {
            parts.entry(name).or_default().push(item.clone());
        }
    }
    for item in builder_items(types) {
        let name = match item {
            Item::Struct(s) => Some(format!("builder {}", s.ident)),
            Item::Impl(imp) => {
                self_name(&imp.self_ty).map(|(sup, n)| if sup { n } else { format!("builder {n}") })
            }
            _ => None,
        };
        let Some(name) = name else { continue };
        let owner = name.strip_prefix("builder ").unwrap_or(&name).to_owned();
        if mergeable.contains(&owner) {
            let mut marked = item.clone();
            // A builder item and a `types` item with one text must stay apart.
            if let Item::Struct(s) = &mut marked {
                s.attrs.push(parse_quote!(#[apikit_builder]));
            }
            if let Item::Impl(imp) = &mut marked {
                imp.attrs.push(parse_quote!(#[apikit_builder]));
            }
            parts.entry(owner).or_default().push(marked);
        }
    }
    parts
}

/// A trait impl of a type in `types` whose trait names another type of the module
/// (`impl From<GetManifestResponse> for Manifest`, for a newtype wrapping it): a
/// conversion the type has, not what it is. An alias keeps these (an impl for an alias
/// is an impl for the kept type), so two types differing only in them can merge.
fn is_extra(imp: &syn::ItemImpl, names: &BTreeSet<String>) -> bool {
    let Some((_, path, _)) = &imp.trait_ else {
        return false;
    };
    let Some((false, own)) = self_name(&imp.self_ty) else {
        return false;
    };
    let mut mentioned = BTreeSet::new();
    collect_names(&path.to_token_stream(), names, &mut mentioned);
    mentioned.iter().any(|n| *n != own)
}

fn builder_items(types: &[Item]) -> &[Item] {
    types
        .iter()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == "builder" => m.content.as_ref().map(|(_, i)| i.as_slice()),
            _ => None,
        })
        .unwrap_or(&[])
}

fn builder_items_mut(types: &mut [Item]) -> Option<&mut Vec<Item>> {
    types.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, i)| i),
        _ => None,
    })
}

/// Doc comments out; every type name of the module, as a path segment, an item's name
/// or the name `Debug` prints (`f.debug_struct("X")`), replaced by its class. Variant
/// and field names and every other string literal are wire facts and stay.
struct Canonical<'a> {
    names: &'a BTreeSet<String>,
    class: &'a dyn Fn(&str) -> String,
    /// `types::defaults` function name -> its class (functions with one text are one).
    defaults: &'a BTreeMap<String, String>,
}

impl VisitMut for Canonical<'_> {
    fn visit_attributes_mut(&mut self, attrs: &mut Vec<syn::Attribute>) {
        attrs.retain(|a| !a.path().is_ident("doc"));
        for a in attrs {
            // `#[serde(default = "defaults::f")]`: unparsed tokens with the path as text.
            if let syn::Meta::List(list) = &mut a.meta {
                list.tokens = self.default_literals(std::mem::take(&mut list.tokens));
            }
            self.visit_attribute_mut(a);
        }
    }

    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        let mut after_defaults = false;
        for seg in &mut path.segments {
            if after_defaults && let Some(c) = self.defaults.get(&seg.ident.to_string()) {
                seg.ident = syn::Ident::new(c, seg.ident.span());
            }
            after_defaults = seg.ident == "defaults";
        }
        syn::visit_mut::visit_path_mut(self, path);
    }

    fn visit_path_segment_mut(&mut self, seg: &mut syn::PathSegment) {
        let name = seg.ident.to_string();
        if self.names.contains(&name) {
            seg.ident = syn::Ident::new(&(self.class)(&name), seg.ident.span());
        }
        syn::visit_mut::visit_path_segment_mut(self, seg);
    }

    fn visit_item_struct_mut(&mut self, s: &mut syn::ItemStruct) {
        self.rename(&mut s.ident);
        syn::visit_mut::visit_item_struct_mut(self, s);
    }

    fn visit_item_enum_mut(&mut self, e: &mut syn::ItemEnum) {
        self.rename(&mut e.ident);
        syn::visit_mut::visit_item_enum_mut(self, e);
    }

    fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
        // `f.debug_struct("X")` of the `redact` rewrite names its type; other string
        // literals are wire values and stay as they are.
        if (call.method == "debug_struct" || call.method == "debug_tuple")
            && let Some(syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(lit),
                ..
            })) = call.args.first_mut()
            && self.names.contains(&lit.value())
        {
            *lit = syn::LitStr::new(&(self.class)(&lit.value()), lit.span());
        }
        syn::visit_mut::visit_expr_method_call_mut(self, call);
    }
}

impl Canonical<'_> {
    fn default_literals(&self, tokens: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
        tokens
            .into_iter()
            .map(|tt| match tt {
                proc_macro2::TokenTree::Group(g) => {
                    let mut out =
                        proc_macro2::Group::new(g.delimiter(), self.default_literals(g.stream()));
                    out.set_span(g.span());
                    proc_macro2::TokenTree::Group(out)
                }
                proc_macro2::TokenTree::Literal(l) => {
                    let text = l.to_string();
                    let f = text
                        .strip_prefix("\"defaults::")
                        .and_then(|t| t.strip_suffix('"'));
                    match f.and_then(|f| self.defaults.get(f)) {
                        Some(c) => proc_macro2::TokenTree::Literal(proc_macro2::Literal::string(
                            &format!("defaults::{c}"),
                        )),
                        None => proc_macro2::TokenTree::Literal(l),
                    }
                }
                other => other,
            })
            .collect()
    }

    fn rename(&self, ident: &mut syn::Ident) {
        let name = ident.to_string();
        if self.names.contains(&name) {
            *ident = syn::Ident::new(&(self.class)(&name), ident.span());
        }
    }
}

/// The text of a type's parts with doc comments out and every type name read as its
/// class.
fn render(
    parts: &[Item],
    names: &BTreeSet<String>,
    class: &dyn Fn(&str) -> String,
    defaults: &BTreeMap<String, String>,
) -> String {
    let mut out = String::new();
    for part in parts {
        let mut part = part.clone();
        Canonical {
            names,
            class,
            defaults,
        }
        .visit_item_mut(&mut part);
        out.push_str(&part.to_token_stream().to_string());
        out.push('\n');
    }
    out
}

/// Classes of two or more types that are the same (partition refinement, see the
/// module docs), each sorted, in sorted order.
fn same_types(
    parts: &BTreeMap<String, Vec<Item>>,
    names: &BTreeSet<String>,
    defaults: &[syn::ItemFn],
    unmergeable: &BTreeSet<String>,
) -> Vec<Vec<String>> {
    // A type outside `parts` (a newtype, an unmergeable type) is its own class: its name.
    let mut class: BTreeMap<String, usize> = parts.keys().map(|n| (n.clone(), 0)).collect();
    let mut count = 1;
    loop {
        let mut ids: BTreeMap<String, usize> = BTreeMap::new();
        let mut next = BTreeMap::new();
        let of = |n: &str| match class.get(n) {
            Some(c) => format!("__C{c}"),
            None => n.to_owned(),
        };
        let default_classes = default_classes(defaults, names, &of);
        for (name, p) in parts {
            let text = if unmergeable.contains(name) {
                format!("unmergeable {name}")
            } else {
                format!(
                    "{}|{}",
                    class[name],
                    render(p, names, &of, &default_classes)
                )
            };
            let id = ids.len();
            next.insert(name.clone(), *ids.entry(text).or_insert(id));
        }
        class = next;
        if ids.len() == count {
            break;
        }
        count = ids.len();
    }
    let mut groups: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (name, c) in class {
        groups.entry(c).or_default().push(name);
    }
    let mut groups: Vec<Vec<String>> = groups.into_values().filter(|g| g.len() > 1).collect();
    groups.sort();
    groups
}

/// `types::defaults` function name -> `__D{n}`, one `n` per function text (read with
/// `class`): `create_x_is_default` and `update_x_is_default` both returning `Some(false)`
/// are one default.
fn default_classes(
    defaults: &[syn::ItemFn],
    names: &BTreeSet<String>,
    class: &dyn Fn(&str) -> String,
) -> BTreeMap<String, String> {
    let none = BTreeMap::new();
    let mut ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = BTreeMap::new();
    for f in defaults {
        let mut f = f.clone();
        let name = f.sig.ident.to_string();
        f.sig.ident = syn::Ident::new("f", f.sig.ident.span());
        let text = render(&[Item::Fn(f)], names, class, &none);
        let id = ids.len();
        let id = *ids.entry(text).or_insert(id);
        out.insert(name, format!("__D{id}"));
    }
    out
}

/// `alias -> kept` for each group: components first, then the shortest name, then the
/// first alphabetically.
fn choose(groups: &[Vec<String>], components: &BTreeSet<String>) -> BTreeMap<String, String> {
    let mut plan = BTreeMap::new();
    for group in groups {
        let kept = group
            .iter()
            .min_by_key(|n| (!components.contains(*n), n.len(), (*n).clone()))
            .expect("groups have two or more members");
        for n in group.iter().filter(|n| *n != kept) {
            plan.insert(n.clone(), kept.clone());
        }
    }
    plan
}

/// Names whose merge would give a kept type two equal trait impls (`impl From<A> for U`
/// and `impl From<B> for U` with `B` an alias of `A`).
fn conflicts(
    types: &[Item],
    names: &BTreeSet<String>,
    plan: &BTreeMap<String, String>,
) -> BTreeSet<String> {
    let all = plan
        .keys()
        .chain(plan.values())
        .cloned()
        .collect::<BTreeSet<_>>();
    let mut out = BTreeSet::new();
    for items in [types, builder_items(types)] {
        // impl header after the merge -> the names it mentions before.
        let mut headers: BTreeMap<String, Vec<BTreeSet<String>>> = BTreeMap::new();
        for item in items {
            let Item::Impl(imp) = item else { continue };
            if imp.trait_.is_none() {
                continue;
            }
            let Some((_, owner)) = self_name(&imp.self_ty) else {
                continue;
            };
            if plan.contains_key(&owner) && !is_extra(imp, names) {
                continue; // dropped with its type
            }
            let mut header: syn::ItemImpl = imp.clone();
            header.items.clear();
            header.attrs.clear();
            let mut mentioned = BTreeSet::new();
            collect_names(&header.to_token_stream(), &all, &mut mentioned);
            let class = |n: &str| plan.get(n).cloned().unwrap_or_else(|| n.to_owned());
            let text = render(&[Item::Impl(header)], &all, &class, &BTreeMap::new());
            headers.entry(text).or_default().push(mentioned);
        }
        for sets in headers.values().filter(|s| s.len() > 1) {
            for set in sets {
                out.extend(set.iter().cloned());
            }
        }
    }
    out
}

fn collect_names(
    tokens: &proc_macro2::TokenStream,
    names: &BTreeSet<String>,
    out: &mut BTreeSet<String>,
) {
    for tt in tokens.clone() {
        match tt {
            proc_macro2::TokenTree::Ident(i) if names.contains(&i.to_string()) => {
                out.insert(i.to_string());
            }
            proc_macro2::TokenTree::Group(g) => collect_names(&g.stream(), names, out),
            _ => {}
        }
    }
}

/// Drops every alias's items (but its [`is_extra`] conversions) and puts `pub type
/// Alias = Kept;` in their place; then the `defaults` functions only aliases used.
fn apply(types: &mut Vec<Item>, names: &BTreeSet<String>, plan: &BTreeMap<String, String>) {
    let used_before = used_defaults(types);
    let owner = |item: &Item| -> Option<String> {
        match item {
            Item::Struct(s) => Some(s.ident.to_string()),
            Item::Enum(e) => Some(e.ident.to_string()),
            Item::Impl(imp) => self_name(&imp.self_ty).map(|(_, n)| n),
            _ => None,
        }
    };
    let mut out = Vec::with_capacity(types.len());
    for item in std::mem::take(types) {
        let Some(name) = owner(&item) else {
            out.push(item);
            continue;
        };
        let Some(kept) = plan.get(&name) else {
            out.push(item);
            continue;
        };
        match &item {
            Item::Struct(syn::ItemStruct { attrs, .. })
            | Item::Enum(syn::ItemEnum { attrs, .. }) => {
                out.push(alias(&name, kept, attrs, true));
            }
            Item::Impl(imp) if is_extra(imp, names) => out.push(item),
            _ => {}
        }
    }
    *types = out;
    if let Some(builder) = builder_items_mut(types) {
        let mut out = Vec::with_capacity(builder.len());
        for item in std::mem::take(builder) {
            let Some(name) = owner(&item) else {
                out.push(item);
                continue;
            };
            let Some(kept) = plan.get(&name) else {
                out.push(item);
                continue;
            };
            if let Item::Struct(_) = &item {
                out.push(alias(&name, kept, &[], false));
            }
        }
        *builder = out;
    }
    let used_after = used_defaults(types);
    if let Some(Item::Mod(m)) = types
        .iter_mut()
        .find(|item| matches!(item, Item::Mod(m) if m.ident == "defaults"))
        && let Some((_, items)) = &mut m.content
    {
        items.retain(|item| match item {
            Item::Fn(f) => {
                let name = f.sig.ident.to_string();
                !used_before.contains(&name) || used_after.contains(&name)
            }
            _ => true,
        });
    }
}

/// Names `f` that `types` (outside `defaults`) calls as `defaults::f` or names in
/// `#[serde(default = "defaults::f")]`.
fn used_defaults(types: &[Item]) -> BTreeSet<String> {
    fn walk(tokens: proc_macro2::TokenStream, out: &mut BTreeSet<String>) {
        let mut after = 0; // 1: saw `defaults`, 2: and `::`
        for tt in tokens {
            match tt {
                proc_macro2::TokenTree::Group(g) => {
                    walk(g.stream(), out);
                    after = 0;
                }
                proc_macro2::TokenTree::Ident(i) => {
                    if after == 2 {
                        out.insert(i.to_string());
                    }
                    after = usize::from(i == "defaults");
                }
                proc_macro2::TokenTree::Punct(p) if p.as_char() == ':' && after >= 1 => {
                    after = 2;
                }
                proc_macro2::TokenTree::Literal(l) => {
                    let text = l.to_string();
                    if let Some(f) = text
                        .strip_prefix("\"defaults::")
                        .and_then(|t| t.strip_suffix('"'))
                    {
                        out.insert(f.to_owned());
                    }
                    after = 0;
                }
                _ => after = 0,
            }
        }
    }
    let mut out = BTreeSet::new();
    for item in types {
        if !matches!(item, Item::Mod(m) if m.ident == "defaults") {
            walk(item.to_token_stream(), &mut out);
        }
    }
    out
}

fn alias(name: &str, kept: &str, attrs: &[syn::Attribute], documented: bool) -> Item {
    let name = syn::Ident::new(name, proc_macro2::Span::call_site());
    let kept_ident = syn::Ident::new(kept, proc_macro2::Span::call_site());
    let docs: Vec<&syn::Attribute> = attrs.iter().filter(|a| a.path().is_ident("doc")).collect();
    let note = format!(
        " The same type as [`{kept}`]: the spec gives this shape more than one name, and it is generated once."
    );
    if documented {
        let blank = if docs.is_empty() {
            None
        } else {
            Some(quote::quote!(#[doc = ""]))
        };
        parse_quote! {
            #(#docs)*
            #blank
            #[doc = #note]
            pub type #name = #kept_ident;
        }
    } else {
        parse_quote! { pub type #name = #kept_ident; }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn types(items: proc_macro2::TokenStream) -> syn::File {
        syn::parse2(quote::quote! { pub mod types { #items } }).expect("test input parses")
    }

    fn text(file: &syn::File) -> String {
        prettyplease::unparse(file)
    }

    #[test]
    fn identical_structs_become_one_with_aliases_that_keep_their_docs() {
        let mut file = types(quote::quote! {
            #[doc = "A package of a monitor."]
            #[derive(Clone, Debug)]
            pub struct MonitorPackage { pub name: String }
            impl MonitorPackage { pub fn builder() -> builder::MonitorPackage { Default::default() } }
            #[doc = "A package."]
            #[derive(Clone, Debug)]
            pub struct Package { pub name: String }
            impl Package { pub fn builder() -> builder::Package { Default::default() } }
            #[derive(Clone, Debug)]
            pub struct Monitor { pub pkg: MonitorPackage }
            #[derive(Clone, Debug)]
            pub struct Graph { pub pkg: Package }
            pub mod builder {
                pub struct MonitorPackage { name: Result<String, String> }
                impl ::std::convert::TryFrom<MonitorPackage> for super::MonitorPackage {}
                pub struct Package { name: Result<String, String> }
                impl ::std::convert::TryFrom<Package> for super::Package {}
            }
        });
        let components = ["Package", "MonitorPackage", "Graph", "Monitor"]
            .map(String::from)
            .into();
        let merged = merge_identical_types(&mut file, &components);
        assert_eq!(
            merged,
            vec![
                ("Monitor".to_owned(), "Graph".to_owned()),
                ("MonitorPackage".to_owned(), "Package".to_owned())
            ]
        );
        let out = text(&file);
        let squeezed = out.replace("    ", "");
        assert!(
            squeezed.contains("///A package of a monitor.\n///\n/// The same type as [`Package`]"),
            "{out}"
        );
        assert!(out.contains("pub type MonitorPackage = Package;"), "{out}");
        assert!(out.contains("pub type Monitor = Graph;"), "{out}");
        assert_eq!(
            out.matches("pub struct Package").count(),
            2,
            "types and builder: {out}"
        );
        assert!(!out.contains("pub struct MonitorPackage"), "{out}");
        assert!(!out.contains("for super::MonitorPackage"), "{out}");
    }

    #[test]
    fn a_different_attribute_default_or_variant_keeps_types_apart() {
        let mut file = types(quote::quote! {
            pub struct A { #[serde(rename = "x")] pub x: String }
            pub struct B { #[serde(rename = "X")] pub x: String }
            pub enum E { One }
            pub enum F { Two }
            pub struct C { pub v: u8 }
            impl Default for C { fn default() -> Self { Self { v: 1 } } }
            pub struct D { pub v: u8 }
            impl Default for D { fn default() -> Self { Self { v: 2 } } }
            pub struct N(pub String);
            pub struct M(pub String);
        });
        let merged = merge_identical_types(&mut file, &BTreeSet::new());
        assert_eq!(merged, vec![]);
    }

    #[test]
    fn a_merge_that_would_give_two_equal_impls_is_not_made() {
        let mut file = types(quote::quote! {
            pub struct A { pub x: String }
            pub struct B { pub x: String }
            pub enum U { A(A), B(B) }
            impl From<A> for U { fn from(value: A) -> Self { Self::A(value) } }
            impl From<B> for U { fn from(value: B) -> Self { Self::B(value) } }
            pub struct C { pub y: u8 }
            pub struct D { pub y: u8 }
        });
        let merged = merge_identical_types(&mut file, &BTreeSet::new());
        assert_eq!(merged, vec![("D".to_owned(), "C".to_owned())]);
    }

    #[test]
    fn recursive_types_compare_as_a_whole() {
        let mut file = types(quote::quote! {
            pub struct NodeA { pub children: Vec<NodeA> }
            pub struct NodeB { pub children: Vec<NodeB> }
            pub struct Leaf { pub children: Vec<String> }
        });
        let merged = merge_identical_types(&mut file, &BTreeSet::new());
        assert_eq!(merged, vec![("NodeB".to_owned(), "NodeA".to_owned())]);
    }

    #[test]
    fn equal_defaults_under_two_names_are_one_and_the_unused_one_goes() {
        let mut file = types(quote::quote! {
            pub struct A { #[serde(default = "defaults::a_flag")] pub flag: Option<bool> }
            pub struct B { #[serde(default = "defaults::b_flag")] pub flag: Option<bool> }
            pub struct C { #[serde(default = "defaults::c_flag")] pub flag: Option<bool> }
            pub mod defaults {
                pub(super) fn a_flag() -> Option<bool> { Some(false) }
                pub(super) fn b_flag() -> Option<bool> { Some(false) }
                pub(super) fn c_flag() -> Option<bool> { Some(true) }
            }
        });
        let merged = merge_identical_types(&mut file, &BTreeSet::new());
        assert_eq!(merged, vec![("B".to_owned(), "A".to_owned())]);
        let out = text(&file);
        assert!(
            out.contains("fn a_flag") && out.contains("fn c_flag"),
            "{out}"
        );
        assert!(!out.contains("fn b_flag"), "{out}");
    }

    #[test]
    fn conversions_to_other_types_do_not_keep_types_apart_and_stay() {
        let mut file = types(quote::quote! {
            pub struct Manifest { pub id: String }
            pub struct DeprecatedManifest { pub id: String }
            pub struct GetManifestResponse(pub DeprecatedManifest);
            impl From<GetManifestResponse> for DeprecatedManifest {
                fn from(value: GetManifestResponse) -> Self { value.0 }
            }
        });
        let merged = merge_identical_types(&mut file, &BTreeSet::new());
        assert_eq!(
            merged,
            vec![("DeprecatedManifest".to_owned(), "Manifest".to_owned())]
        );
        let out = text(&file);
        assert!(
            out.contains("impl From<GetManifestResponse> for DeprecatedManifest"),
            "{out}"
        );
        assert_eq!(out.matches("pub struct").count(), 2, "{out}");
    }

    #[test]
    fn the_kept_type_takes_the_words_its_names_share() {
        let mut file = types(quote::quote! {
            #[doc = "`GetScriptTagResponse`"]
            pub struct GetScriptTagResponse { pub id: String }
            impl GetScriptTagResponse { pub fn builder() -> builder::GetScriptTagResponse { Default::default() } }
            pub struct CreateScriptTagResponse { pub id: String }
            impl CreateScriptTagResponse { pub fn builder() -> builder::CreateScriptTagResponse { Default::default() } }
            pub enum U { GetScriptTagResponse(GetScriptTagResponse), Other(String) }
            impl From<GetScriptTagResponse> for U {
                fn from(value: GetScriptTagResponse) -> Self { Self::GetScriptTagResponse(value) }
            }
            pub struct CreateError { pub m: String }
            pub struct GetError { pub m: String }
            pub mod builder {
                pub struct GetScriptTagResponse { id: Result<String, String> }
                impl ::std::convert::TryFrom<GetScriptTagResponse> for super::GetScriptTagResponse {}
                pub struct CreateScriptTagResponse { id: Result<String, String> }
                impl ::std::convert::TryFrom<CreateScriptTagResponse> for super::CreateScriptTagResponse {}
            }
        });
        let merged = merge_identical_types(&mut file, &BTreeSet::new());
        assert_eq!(
            merged,
            vec![
                // `Error` alone is too general a name: the shortest keeps it.
                ("CreateError".to_owned(), "GetError".to_owned()),
                (
                    "CreateScriptTagResponse".to_owned(),
                    "ScriptTagResponse".to_owned()
                ),
                (
                    "GetScriptTagResponse".to_owned(),
                    "ScriptTagResponse".to_owned()
                ),
            ]
        );
        let out = text(&file);
        assert!(
            out.contains("///`ScriptTagResponse`\n    #[derive")
                || out.contains("///`ScriptTagResponse`\n    pub struct"),
            "{out}"
        );
        assert!(out.contains("pub struct ScriptTagResponse"), "{out}");
        assert!(
            out.contains("pub type GetScriptTagResponse = ScriptTagResponse;"),
            "{out}"
        );
        assert!(
            out.contains("pub type CreateScriptTagResponse = ScriptTagResponse;"),
            "{out}"
        );
        assert!(out.contains("impl From<ScriptTagResponse> for U"), "{out}");
        // A variant keeps its name; only the type in it is renamed.
        assert!(
            out.contains("GetScriptTagResponse(ScriptTagResponse)"),
            "{out}"
        );
        assert!(out.contains("Self::GetScriptTagResponse(value)"), "{out}");
        assert!(out.contains("for super::ScriptTagResponse"), "{out}");
        assert_eq!(
            out.matches("pub type GetScriptTagResponse = ScriptTagResponse;")
                .count(),
            2,
            "types and builder: {out}"
        );
    }

    #[test]
    fn a_type_implemented_outside_the_module_is_left_alone() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types { pub struct A { pub x: String } pub struct B { pub x: String } }
            impl Page for types::B {}
        };
        assert_eq!(merge_identical_types(&mut file, &BTreeSet::new()), vec![]);
    }
}
