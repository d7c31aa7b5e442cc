//! Union variants typify cannot name from titles (#19). typify strips the word prefix
//! common to its variant names and falls back to `Variant0`, `Variant1`, ... when that
//! leaves one empty: ShipEngine's rate request is either a `shipment_id` or a
//! `shipment`, and `Shipment` is a prefix of `ShipmentId`. The `type-names` pass
//! records the names it wanted in the `variant_names` fact (enum -> typify's variant ->
//! name); this rewrite renames the variants in the enum and in every path naming them
//! (`CalculateRatesRequestBody::Variant0`, `Self::Variant0` in the enum's impls). An
//! enum the fact names but the file lacks (typify made a struct of an `anyOf`) is
//! skipped; the count says how many variants were renamed.

use std::collections::BTreeMap;

use syn::visit_mut::VisitMut;

/// Renames the variants `names` lists (enum -> old variant -> new); returns how many
/// enum variants it renamed.
pub fn rename_variants(
    file: &mut syn::File,
    names: &BTreeMap<String, BTreeMap<String, String>>,
) -> usize {
    if names.is_empty() {
        return 0;
    }
    let mut v = Renamer {
        names,
        current: None,
        renamed: 0,
    };
    v.visit_file_mut(file);
    v.renamed
}

struct Renamer<'a> {
    names: &'a BTreeMap<String, BTreeMap<String, String>>,
    /// The enum whose `impl` is being visited, for `Self::Variant0`.
    current: Option<String>,
    renamed: usize,
}

impl VisitMut for Renamer<'_> {
    fn visit_item_enum_mut(&mut self, e: &mut syn::ItemEnum) {
        if let Some(map) = self.names.get(&e.ident.to_string()) {
            for variant in &mut e.variants {
                if let Some(new) = map.get(&variant.ident.to_string()) {
                    variant.ident = syn::Ident::new(new, variant.ident.span());
                    self.renamed += 1;
                }
            }
        }
        syn::visit_mut::visit_item_enum_mut(self, e);
    }

    fn visit_item_impl_mut(&mut self, i: &mut syn::ItemImpl) {
        let target = match &*i.self_ty {
            syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        };
        let outer = std::mem::replace(&mut self.current, target);
        syn::visit_mut::visit_item_impl_mut(self, i);
        self.current = outer;
    }

    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        let n = path.segments.len();
        if n >= 2 {
            let owner = path.segments[n - 2].ident.to_string();
            let owner = if owner == "Self" {
                self.current.clone()
            } else {
                Some(owner)
            };
            if let Some(map) = owner.and_then(|o| self.names.get(&o)) {
                let last = &mut path.segments[n - 1];
                if let Some(new) = map.get(&last.ident.to_string()) {
                    last.ident = syn::Ident::new(new, last.ident.span());
                }
            }
        }
        syn::visit_mut::visit_path_mut(self, path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_the_variants_and_the_paths_naming_them() {
        let mut file: syn::File = syn::parse_quote! {
            pub enum Body { Variant0 { shipment_id: String }, Variant1 { shipment: String } }
            impl Body { fn id(&self) -> bool { match self { Self::Variant0 { .. } => true, _ => false } } }
            pub enum Other { Variant0 }
            fn f() -> Body { Body::Variant1 { shipment: String::new() } }
            fn g() -> Other { Other::Variant0 }
        };
        let names = BTreeMap::from([(
            "Body".to_owned(),
            BTreeMap::from([
                ("Variant0".to_owned(), "ShipmentId".to_owned()),
                ("Variant1".to_owned(), "Shipment".to_owned()),
            ]),
        )]);
        assert_eq!(rename_variants(&mut file, &names), 2);
        let text = quote::ToTokens::to_token_stream(&file).to_string();
        assert!(text.contains("ShipmentId { shipment_id"), "{text}");
        assert!(text.contains("Self :: ShipmentId"), "{text}");
        assert!(text.contains("Body :: Shipment {"), "{text}");
        assert!(
            text.contains("Other :: Variant0"),
            "other enums keep theirs: {text}"
        );
        assert!(text.contains("enum Other { Variant0 }"), "{text}");
    }
}
