//! `ResponseValue::from_response` -> `apikit_runtime::decode::json`.

/// Replaces progenitor's `ResponseValue::from_response` (plain `serde_json::from_slice`)
/// with `apikit_runtime::decode::json`, whose errors name the path in the body that
/// failed. Returns how many calls it replaced.
pub fn decode_with_paths(file: &mut syn::File) -> usize {
    struct Swap(usize);
    impl syn::visit_mut::VisitMut for Swap {
        fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
            syn::visit_mut::visit_expr_call_mut(self, call);
            if let syn::Expr::Path(p) = &*call.func {
                let names: Vec<String> = p
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                if names == ["ResponseValue", "from_response"] {
                    *call.func = syn::parse_quote!(apikit_runtime::decode::json);
                    self.0 += 1;
                }
            }
        }
    }
    let mut swap = Swap(0);
    syn::visit_mut::VisitMut::visit_file_mut(&mut swap, file);
    swap.0
}
