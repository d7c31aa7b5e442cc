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

use crate::census::Shape;

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
    let shapes = Shapes::new(&parts, &names, &default_fns(types));
    let mut unmergeable = BTreeSet::new();
    let (groups, plan) = loop {
        let groups = same_types(&shapes, &unmergeable);
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
    use heck::ToPascalCase;
    let common = crate::normalize::passes::type_names::common_suffix(group)?;
    let words: Vec<&str> = common.split('_').collect();
    if words.len() < 2 || words.iter().all(|w| GENERIC_WORDS.contains(w)) {
        return None;
    }
    let name = common.to_pascal_case();
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
            if let Some(lit) = debug_name(call)
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

/// What stands for type `N` and for `defaults::f` in a [`Shape`]: holes, filled with
/// their class when shapes are compared.
fn type_hole(name: &str) -> String {
    format!("__T__{name}")
}

fn default_hole(name: &str) -> String {
    format!("__D__{name}")
}

/// Doc comments out; every type name of the module, as a path segment, an item's name
/// or the name `Debug` prints (`f.debug_struct("X")`), and every `defaults::f`, as its
/// hole ([`type_hole`], [`default_hole`]). Variant and field names and every other
/// string literal are wire facts and stay.
struct Holes<'a> {
    names: &'a BTreeSet<String>,
    defaults: &'a BTreeSet<String>,
}

impl VisitMut for Holes<'_> {
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
            let name = seg.ident.to_string();
            if after_defaults && self.defaults.contains(&name) {
                seg.ident = syn::Ident::new(&default_hole(&name), seg.ident.span());
            }
            after_defaults = name == "defaults";
        }
        syn::visit_mut::visit_path_mut(self, path);
    }

    fn visit_path_segment_mut(&mut self, seg: &mut syn::PathSegment) {
        self.hole(&mut seg.ident);
        syn::visit_mut::visit_path_segment_mut(self, seg);
    }

    fn visit_item_struct_mut(&mut self, s: &mut syn::ItemStruct) {
        self.hole(&mut s.ident);
        syn::visit_mut::visit_item_struct_mut(self, s);
    }

    fn visit_item_enum_mut(&mut self, e: &mut syn::ItemEnum) {
        self.hole(&mut e.ident);
        syn::visit_mut::visit_item_enum_mut(self, e);
    }

    fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
        if let Some(lit) = debug_name(call)
            && self.names.contains(&lit.value())
        {
            let hole = syn::Ident::new(&type_hole(&lit.value()), lit.span());
            call.args[0] = parse_quote!(#hole);
        }
        syn::visit_mut::visit_expr_method_call_mut(self, call);
    }
}

impl Holes<'_> {
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
                proc_macro2::TokenTree::Literal(l) => match default_literal(&l) {
                    Some(f) if self.defaults.contains(&f) => proc_macro2::TokenTree::Ident(
                        proc_macro2::Ident::new(&default_hole(&f), l.span()),
                    ),
                    _ => proc_macro2::TokenTree::Literal(l),
                },
                other => other,
            })
            .collect()
    }

    fn hole(&self, ident: &mut syn::Ident) {
        let name = ident.to_string();
        if self.names.contains(&name) {
            *ident = syn::Ident::new(&type_hole(&name), ident.span());
        }
    }
}

/// `f` of the literal `"defaults::f"` (a serde `default` attribute's value).
fn default_literal(l: &proc_macro2::Literal) -> Option<String> {
    let text = l.to_string();
    text.strip_prefix("\"defaults::")
        .and_then(|t| t.strip_suffix('"'))
        .map(str::to_owned)
}

/// The name literal of `f.debug_struct("X")` / `f.debug_tuple("X")`: the `redact`
/// rewrite's `Debug` names its type there.
fn debug_name(call: &mut syn::ExprMethodCall) -> Option<&mut syn::LitStr> {
    if call.method != "debug_struct" && call.method != "debug_tuple" {
        return None;
    }
    match call.args.first_mut() {
        Some(syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(lit),
            ..
        })) => Some(lit),
        _ => None,
    }
}

/// The [`Shape`] of `items` with [`Holes`] in (each item is cloned once).
fn shape_of(kind: &str, items: &[Item], holes: &mut Holes<'_>) -> Shape {
    let mut shape = Shape::new(kind, false);
    for item in items {
        let mut item = item.clone();
        holes.visit_item_mut(&mut item);
        shape.tokens(item.to_token_stream());
        shape.text("\n");
    }
    shape
}

/// Each mergeable type's [`Shape`] (under its [`type_hole`]) and each `defaults`
/// function's, named `f` (under its [`default_hole`]): made once, compared by
/// [`same_types`] for every set of unmergeable types.
struct Shapes {
    shapes: BTreeMap<String, Shape>,
    /// Every hole: the types of the module and the default functions.
    holes: BTreeSet<String>,
}

impl Shapes {
    fn new(
        parts: &BTreeMap<String, Vec<Item>>,
        names: &BTreeSet<String>,
        defaults: &[syn::ItemFn],
    ) -> Shapes {
        let default_names: BTreeSet<String> =
            defaults.iter().map(|f| f.sig.ident.to_string()).collect();
        let mut visitor = Holes {
            names,
            defaults: &default_names,
        };
        let mut shapes = BTreeMap::new();
        for (name, p) in parts {
            shapes.insert(type_hole(name), shape_of("type", p, &mut visitor));
        }
        for f in defaults {
            let name = f.sig.ident.to_string();
            let mut f = f.clone();
            f.sig.ident = syn::Ident::new("f", f.sig.ident.span());
            shapes.insert(
                default_hole(&name),
                shape_of("default", &[Item::Fn(f)], &mut visitor),
            );
        }
        let holes = names
            .iter()
            .map(|n| type_hole(n))
            .chain(default_names.iter().map(|f| default_hole(f)))
            .collect();
        Shapes { shapes, holes }
    }
}

/// Classes of two or more types that are the same (partition refinement, see the
/// module docs: [`crate::census::classes`], the census's comparison), each sorted, in
/// sorted order. An unmergeable type is its own class.
fn same_types(shapes: &Shapes, unmergeable: &BTreeSet<String>) -> Vec<Vec<String>> {
    let mut own = shapes.shapes.clone();
    for name in unmergeable {
        if let Some(shape) = own.get_mut(&type_hole(name)) {
            let mut alone = Shape::new("unmergeable", false);
            alone.text(name);
            *shape = alone;
        }
    }
    let class = crate::census::classes(&own, &shapes.holes);
    let mut groups: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (hole, c) in class {
        if let Some(name) = hole.strip_prefix("__T__") {
            groups.entry(c).or_default().push(name.to_owned());
        }
    }
    let mut groups: Vec<Vec<String>> = groups.into_values().filter(|g| g.len() > 1).collect();
    groups.sort();
    groups
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
    let all_holes: BTreeSet<String> = all.iter().map(|n| type_hole(n)).collect();
    let no_defaults = BTreeSet::new();
    let mut holes = Holes {
        names: &all,
        defaults: &no_defaults,
    };
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
            let shape = shape_of("impl", &[Item::Impl(header)], &mut holes);
            let class = |hole: &str| {
                let name = hole.strip_prefix("__T__").unwrap_or(hole);
                plan.get(name).cloned().unwrap_or_else(|| name.to_owned())
            };
            headers
                .entry(shape.render(&all_holes, &class))
                .or_default()
                .push(mentioned);
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
                    out.extend(default_literal(&l));
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
