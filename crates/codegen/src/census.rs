//! The API census (#19): what the public types of a generated client look like to the
//! person typing against them, read off the generated module's syntax tree.
//!
//! [`census`] parses a `generated.rs` with `syn` and looks at the items directly in its
//! `pub mod types` (structs, enums and type aliases; the `builder`, `error` and
//! `defaults` submodules are not counted). For each it records:
//!
//! - **`VariantN` names**: the name contains `Variant` followed by a digit (typify's
//!   fallback for an untagged union member it could not name:
//!   `CalculateRatesRequestBodyVariant0`). Enum *variants* named `Variant0` count too,
//!   as `Enum::Variant0`, because that is what a call site spells.
//! - **names ending in a digit**: `AggregatedProjectIssues2`.
//! - **long names**: more than [`LONG_NAME`] characters.
//! - **fallible string newtypes**: a tuple struct over `String` with a `TryFrom` impl
//!   but no infallible `From<String>` (the client refuses a value the server might
//!   accept).
//! - **duplicate-shape structs**: a struct with named fields whose fields (names and
//!   types, in any order) equal another struct's of the same crate, where two types of
//!   the module are equal when their shapes are (`Monday { open: MondayOpen }` and
//!   `Tuesday { open: TuesdayOpen }` are one shape when `MondayOpen` and `TuesdayOpen`
//!   are). Every member of such a group is counted, so two identical structs count 2.
//!   Structs without fields are not compared.
//! - **aliases**: `pub type Alias = Kept;`, a name of a type generated once for several
//!   schemas of one shape (the `dedup` rewrite). Counted among the types, so that
//!   merging never hides a name from the table.
//!
//! The same input gives the same report: names are listed sorted, groups by their first
//! name.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use quote::ToTokens;

/// A name longer than this many characters is "long".
pub const LONG_NAME: usize = 40;

/// The census of one generated crate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Census {
    /// Every type name in `pub mod types`, sorted.
    pub types: Vec<String>,
    /// Type names and `Enum::Variant` paths containing `Variant<digit>`, sorted.
    pub variant_n: Vec<String>,
    /// Type names ending in an ASCII digit, sorted.
    pub ends_in_digit: Vec<String>,
    /// Type names longer than [`LONG_NAME`], sorted.
    pub long_names: Vec<String>,
    /// String newtypes with `TryFrom` and no `From<String>`, sorted.
    pub fallible_newtypes: Vec<String>,
    /// Groups (two or more, each sorted; groups sorted) of structs with the same fields.
    pub duplicate_groups: Vec<Vec<String>>,
    /// Type aliases (`pub type Alias = Kept;`), sorted: names of a type generated once
    /// for several schemas of one shape. They count in `types`, never as a struct.
    pub aliases: Vec<String>,
}

impl Census {
    /// How many structs have the same fields as another struct of the crate.
    pub fn duplicate_structs(&self) -> usize {
        self.duplicate_groups.iter().map(Vec::len).sum()
    }

    /// The counts in the order of [`TABLE_HEADER`], without the crate name.
    pub fn counts(&self) -> [usize; 7] {
        [
            self.types.len(),
            self.variant_n.len(),
            self.ends_in_digit.len(),
            self.long_names.len(),
            self.fallible_newtypes.len(),
            self.duplicate_structs(),
            self.aliases.len(),
        ]
    }

    /// The offending names, one section per column, for working through them.
    pub fn listing(&self, name: &str) -> String {
        let mut out = String::new();
        let mut section = |title: &str, items: &[String]| {
            if items.is_empty() {
                return;
            }
            let _ = writeln!(out, "## {name}: {title} ({})", items.len());
            for item in items {
                let _ = writeln!(out, "- {item}");
            }
            out.push('\n');
        };
        section("`VariantN` in the name", &self.variant_n);
        section("name ends in a digit", &self.ends_in_digit);
        section(&format!("name > {LONG_NAME} chars"), &self.long_names);
        section("fallible string newtypes", &self.fallible_newtypes);
        let groups: Vec<String> = self
            .duplicate_groups
            .iter()
            .map(|g| g.join(" = "))
            .collect();
        section("structs with the same fields", &groups);
        out
    }
}

/// The header of the census table (Markdown), the crate column first.
pub const TABLE_HEADER: [&str; 8] = [
    "crate",
    "types",
    "`VariantN` in the name",
    "name ends in a digit",
    "name > 40 chars",
    "string newtypes (fallible `try_from`)",
    "structs with the same fields as another",
    "aliases of another type",
];

/// A Markdown table of several crates' censuses with a total row.
pub fn table<'a>(rows: impl IntoIterator<Item = (&'a str, &'a Census)>) -> String {
    let mut out = format!("| {} |\n", TABLE_HEADER.join(" | "));
    out.push_str(&format!("|{}\n", "---|".repeat(TABLE_HEADER.len())));
    let mut total = [0usize; 7];
    for (name, census) in rows {
        let counts = census.counts();
        for (t, c) in total.iter_mut().zip(counts) {
            *t += c;
        }
        let cells: Vec<String> = counts.iter().map(usize::to_string).collect();
        out.push_str(&format!("| {name} | {} |\n", cells.join(" | ")));
    }
    let cells: Vec<String> = total.iter().map(|c| format!("**{c}**")).collect();
    out.push_str(&format!("| **total** | {} |\n", cells.join(" | ")));
    out
}

/// The census of each provider's checked-in `crates/<name>/src/generated.rs` under `root`,
/// in the providers' order. This reads generated files, not specs: it is a report on
/// the generator's output, never an input to it.
pub fn crates(
    root: &std::path::Path,
    providers: &[crate::Provider],
) -> crate::Result<Vec<(String, Census)>> {
    providers
        .iter()
        .map(|p| {
            let path = root.join("crates").join(&p.name).join("src/generated.rs");
            let source = std::fs::read_to_string(&path).map_err(crate::Error::io(&path))?;
            let census = census(&source)
                .map_err(|e| crate::Error::Other(format!("{}: {e}", path.display())))?;
            Ok((p.name.clone(), census))
        })
        .collect()
}

/// The census of one generated module's source. An error when it does not parse or has
/// no `pub mod types`.
pub fn census(source: &str) -> Result<Census, String> {
    let file = syn::parse_file(source).map_err(|e| format!("does not parse: {e}"))?;
    let types = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, i)| i),
            _ => None,
        })
        .ok_or("no `pub mod types`")?;

    let mut names = BTreeSet::new();
    let mut variant_n = BTreeSet::new();
    let mut string_newtypes = BTreeSet::new();
    let mut try_from = BTreeSet::new();
    let mut from_string = BTreeSet::new();
    let mut aliases = BTreeSet::new();
    // Each type's shape with the names of other generated types left as holes.
    let mut shapes: BTreeMap<String, Shape> = BTreeMap::new();

    for item in types {
        match item {
            syn::Item::Struct(s) => {
                let name = s.ident.to_string();
                match &s.fields {
                    syn::Fields::Named(fields) if !fields.named.is_empty() => {
                        let mut fields: Vec<(String, &syn::Type)> = fields
                            .named
                            .iter()
                            .map(|f| {
                                (
                                    f.ident
                                        .as_ref()
                                        .map(ToString::to_string)
                                        .unwrap_or_default(),
                                    &f.ty,
                                )
                            })
                            .collect();
                        fields.sort_by(|a, b| a.0.cmp(&b.0));
                        let mut shape = Shape::new("struct", true);
                        for (field, ty) in fields {
                            shape.text(&format!("{field}:"));
                            shape.tokens(ty.to_token_stream());
                            shape.text(";");
                        }
                        shapes.insert(name.clone(), shape);
                    }
                    syn::Fields::Unnamed(fields) => {
                        if fields.unnamed.len() == 1 && is_string(&fields.unnamed[0].ty) {
                            string_newtypes.insert(name.clone());
                        }
                        let mut shape = Shape::new("tuple", false);
                        shape.tokens(fields.to_token_stream());
                        shapes.insert(name.clone(), shape);
                    }
                    _ => {}
                }
                names.insert(name);
            }
            syn::Item::Enum(e) => {
                let name = e.ident.to_string();
                let mut shape = Shape::new("enum", false);
                for v in &e.variants {
                    let variant = v.ident.to_string();
                    if has_variant_n(&variant) {
                        variant_n.insert(format!("{name}::{variant}"));
                    }
                    shape.text(&format!("{variant}("));
                    shape.tokens(v.fields.to_token_stream());
                    shape.text(")");
                }
                shapes.insert(name.clone(), shape);
                names.insert(name);
            }
            syn::Item::Type(t) => {
                aliases.insert(t.ident.to_string());
                let mut shape = Shape::new("alias", false);
                shape.tokens(t.ty.to_token_stream());
                shapes.insert(t.ident.to_string(), shape);
                names.insert(t.ident.to_string());
            }
            syn::Item::Impl(imp) => {
                let Some((_, path, _)) = &imp.trait_ else {
                    continue;
                };
                let Some(last) = path.segments.last() else {
                    continue;
                };
                let Some(target) = self_name(&imp.self_ty) else {
                    continue;
                };
                if last.ident == "TryFrom" {
                    try_from.insert(target);
                } else if last.ident == "From" && generic_is_string(&last.arguments) {
                    from_string.insert(target);
                }
            }
            _ => {}
        }
    }
    let duplicate_groups = same_shapes(&shapes, &names);

    for name in &names {
        if has_variant_n(name) {
            variant_n.insert(name.clone());
        }
    }
    let ends_in_digit = names
        .iter()
        .filter(|n| n.ends_with(|c: char| c.is_ascii_digit()))
        .cloned()
        .collect();
    let long_names = names
        .iter()
        .filter(|n| n.chars().count() > LONG_NAME)
        .cloned()
        .collect();
    let fallible_newtypes = string_newtypes
        .iter()
        .filter(|n| try_from.contains(*n) && !from_string.contains(*n))
        .cloned()
        .collect();
    Ok(Census {
        types: names.into_iter().collect(),
        variant_n: variant_n.into_iter().collect(),
        ends_in_digit,
        long_names,
        fallible_newtypes,
        duplicate_groups,
        aliases: aliases.into_iter().collect(),
    })
}

/// One type's shape: its kind and tokens, with every name of a type of the same module
/// as a hole (`Hole`), so that two types are compared up to the names of the types they
/// use.
#[derive(Debug, Clone)]
pub(crate) struct Shape {
    /// Whether this is a struct with named fields (the census counts only those).
    named_struct: bool,
    parts: Vec<Part>,
}

#[derive(Debug, Clone)]
enum Part {
    Text(String),
    Hole(String),
}

impl Shape {
    pub(crate) fn new(kind: &str, named_struct: bool) -> Shape {
        Shape {
            named_struct,
            parts: vec![Part::Text(format!("{kind} "))],
        }
    }

    pub(crate) fn text(&mut self, text: &str) {
        self.parts.push(Part::Text(text.to_owned()));
    }

    pub(crate) fn tokens(&mut self, tokens: proc_macro2::TokenStream) {
        for tt in tokens {
            match tt {
                proc_macro2::TokenTree::Group(g) => {
                    let (open, close) = match g.delimiter() {
                        proc_macro2::Delimiter::Parenthesis => ("(", ")"),
                        proc_macro2::Delimiter::Brace => ("{", "}"),
                        proc_macro2::Delimiter::Bracket => ("[", "]"),
                        proc_macro2::Delimiter::None => ("", ""),
                    };
                    self.text(open);
                    self.tokens(g.stream());
                    self.text(close);
                }
                // Every identifier is a potential hole; `render` decides.
                proc_macro2::TokenTree::Ident(i) => self.parts.push(Part::Hole(i.to_string())),
                other => self.text(&other.to_string()),
            }
        }
    }

    /// The shape as text, each hole that names a type of the module replaced by
    /// `class(name)`.
    pub(crate) fn render(
        &self,
        names: &BTreeSet<String>,
        class: &dyn Fn(&str) -> String,
    ) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Hole(h) if names.contains(h) => {
                    out.push('#');
                    out.push_str(&class(h));
                    out.push(' ');
                }
                Part::Hole(h) => {
                    out.push_str(h);
                    out.push(' ');
                }
            }
        }
        out
    }
}

/// The class of each shape up to the names of the types it uses: every shape starts in
/// the class of its text with all names in `names` blank, and classes split by the
/// classes of the names they hold until nothing splits (partition refinement: the
/// coarsest bisimulation, so recursive types end). A name in `names` without a shape
/// reads as itself. Also the `dedup` rewrite's comparison (`crate::rewrite::dedup`).
pub(crate) fn classes(
    shapes: &BTreeMap<String, Shape>,
    names: &BTreeSet<String>,
) -> BTreeMap<String, usize> {
    let mut class: BTreeMap<&str, usize> = BTreeMap::new();
    let blank = |_: &str| String::new();
    let mut ids: BTreeMap<String, usize> = BTreeMap::new();
    for (name, shape) in shapes {
        let key = shape.render(names, &blank);
        let next = ids.len();
        class.insert(name, *ids.entry(key).or_insert(next));
    }
    loop {
        let before = ids.len();
        let mut next_ids: BTreeMap<String, usize> = BTreeMap::new();
        let mut next_class = BTreeMap::new();
        for (name, shape) in shapes {
            let of = |n: &str| class.get(n).map_or_else(|| n.to_owned(), usize::to_string);
            let key = format!("{}|{}", class[name.as_str()], shape.render(names, &of));
            let next = next_ids.len();
            next_class.insert(name.as_str(), *next_ids.entry(key).or_insert(next));
        }
        class = next_class;
        ids = next_ids;
        if ids.len() == before {
            break;
        }
    }
    class.into_iter().map(|(n, c)| (n.to_owned(), c)).collect()
}

/// Groups of named structs with the same shape up to the names of the types they use
/// (`Monday { open: MondayOpen }` = `Tuesday { open: TuesdayOpen }` when `MondayOpen`
/// and `TuesdayOpen` are the same), by partition refinement: every type starts in the
/// class of its shape with all type names blank, and classes split by the classes of
/// the types they name until nothing splits (the coarsest bisimulation, so recursive
/// types end).
fn same_shapes(shapes: &BTreeMap<String, Shape>, names: &BTreeSet<String>) -> Vec<Vec<String>> {
    let class = classes(shapes, names);
    let mut groups: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (name, shape) in shapes {
        if shape.named_struct {
            groups
                .entry(class[name.as_str()])
                .or_default()
                .push(name.clone());
        }
    }
    let mut groups: Vec<Vec<String>> = groups.into_values().filter(|g| g.len() > 1).collect();
    groups.sort();
    groups
}

/// `Variant` followed by a digit anywhere in `name`.
fn has_variant_n(name: &str) -> bool {
    name.match_indices("Variant").any(|(i, _)| {
        name[i + "Variant".len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    })
}

/// `String` in any spelling (`::std::string::String`, `String`).
fn is_string(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.qself.is_none()
        && p.path.segments.last().is_some_and(|s| s.ident == "String" && s.arguments.is_none()))
}

/// `From<String>` (not `From<&str>`, not `From<Other>`).
fn generic_is_string(args: &syn::PathArguments) -> bool {
    let syn::PathArguments::AngleBracketed(args) = args else {
        return false;
    };
    matches!(args.args.first(), Some(syn::GenericArgument::Type(ty)) if is_string(ty))
}

/// The name of an impl's self type (`Foo` of `impl X for Foo`).
fn self_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(types: &str) -> Census {
        census(&format!(
            "pub mod types {{ {types} pub mod builder {{ pub struct Hidden1; }} }}"
        ))
        .unwrap()
    }

    #[test]
    fn counts_every_type_in_types_but_not_submodules() {
        let c = run("pub struct A { pub x: i64 } pub enum B { X } pub type C = Vec<A>;");
        assert_eq!(c.types, ["A", "B", "C"]);
        assert_eq!(c.aliases, ["C"]);
        assert!(
            c.ends_in_digit.is_empty(),
            "builder::Hidden1 is not counted"
        );
    }

    #[test]
    fn variant_n_in_type_names_and_enum_variants() {
        let c = run(
            "pub enum Body { Variant0(BodyVariant1), Variant1 { a: i64 }, Variants, Shipment }
             pub struct BodyVariant1 { pub a: i64 }
             pub struct VariantSet { pub b: i64 }",
        );
        assert_eq!(
            c.variant_n,
            ["Body::Variant0", "Body::Variant1", "BodyVariant1"]
        );
        assert_eq!(c.ends_in_digit, ["BodyVariant1"]);
    }

    #[test]
    fn long_names_are_over_forty_chars() {
        let forty = "A".repeat(40);
        let long = "B".repeat(41);
        let c = run(&format!("pub struct {forty}; pub struct {long};"));
        assert_eq!(c.long_names, [long]);
    }

    #[test]
    fn fallible_string_newtypes_need_try_from_without_from_string() {
        let c = run("pub struct Checked(::std::string::String);
             impl ::std::convert::TryFrom<&str> for Checked { }
             pub struct Open(String);
             impl ::std::convert::TryFrom<&str> for Open { }
             impl ::std::convert::From<::std::string::String> for Open { }
             pub struct Number(i64);
             impl ::std::convert::TryFrom<&str> for Number { }
             pub struct Plain(String);");
        assert_eq!(c.fallible_newtypes, ["Checked"]);
    }

    #[test]
    fn duplicate_structs_have_the_same_field_names_and_types_in_any_order() {
        let c = run(
            "pub struct Monday { pub open: String, pub close: Option<String> }
             pub struct Tuesday { pub close: Option<String>, pub open: String }
             pub struct Wednesday { pub close: Option<i64>, pub open: String }
             pub struct Thursday { pub close: Option<String>, pub opens: String }
             pub struct Friday { pub open: String, pub close: Option<String> }
             pub struct Empty1 {}
             pub struct Empty2 {}",
        );
        assert_eq!(c.duplicate_groups, [vec!["Friday", "Monday", "Tuesday"]]);
        assert_eq!(c.duplicate_structs(), 3);
    }

    #[test]
    fn duplicate_structs_are_compared_through_the_types_they_name() {
        let c = run(
            "pub struct CreateTag { pub scope: Option<CreateTagScope>, pub next: Option<Box<CreateTag>> }
             pub enum CreateTagScope { All, Cart }
             pub struct GetTag { pub scope: Option<GetTagScope>, pub next: Option<Box<GetTag>> }
             pub enum GetTagScope { All, Cart }
             pub struct ListTag { pub scope: Option<ListTagScope>, pub next: Option<Box<ListTag>> }
             pub enum ListTagScope { All, Cart, Thanks }",
        );
        assert_eq!(c.duplicate_groups, [vec!["CreateTag", "GetTag"]]);
        // Two levels down: `A` and `D` differ only in the enum under `AB` / `DB`.
        let c = run(
            "pub struct A { pub b: AB } pub struct AB { pub c: ABC } pub enum ABC { X }
             pub struct D { pub b: DB } pub struct DB { pub c: DBC } pub enum DBC { X, Y }",
        );
        assert!(c.duplicate_groups.is_empty(), "{:?}", c.duplicate_groups);
    }

    #[test]
    fn table_has_a_total_row_and_listing_names_offenders() {
        let a = run("pub struct Long1 { pub x: i64 } pub struct Long2 { pub x: i64 }");
        let b = run("pub enum E { Variant0(i64) } pub type F = E;");
        let t = table([("a", &a), ("b", &b)]);
        assert!(t.contains("| a | 2 | 0 | 2 | 0 | 0 | 2 | 0 |"), "{t}");
        assert!(t.contains("| b | 2 | 1 | 0 | 0 | 0 | 0 | 1 |"), "{t}");
        assert!(
            t.contains("| **total** | **4** | **1** | **2** | **0** | **0** | **2** | **1** |"),
            "{t}"
        );
        let l = a.listing("a");
        assert!(l.contains("- Long1 = Long2"), "{l}");
        assert!(b.listing("b").contains("- E::Variant0"));
    }

    #[test]
    fn a_module_without_types_is_an_error() {
        assert!(census("pub mod other {}").is_err());
        assert!(census("pub mod types {").is_err());
    }
}
