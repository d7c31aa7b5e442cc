//! Deleting progenitor's `api-version` request header.

use quote::quote;

/// Deletes the `header_map.append("api-version", ..)` statement progenitor puts in every
/// operation: a dropshot convention the APIs apikit targets do not define. Removing it at
/// the source spares each request building and then dropping the header. Returns how
/// many statements it deleted.
pub fn drop_api_version_header(file: &mut syn::File) -> usize {
    struct Drop(usize);
    impl syn::visit_mut::VisitMut for Drop {
        fn visit_block_mut(&mut self, block: &mut syn::Block) {
            let before = block.stmts.len();
            block.stmts.retain(|stmt| {
                let syn::Stmt::Expr(syn::Expr::MethodCall(call), _) = stmt else {
                    return true;
                };
                let appends_api_version = call.method == "append"
                    && call
                        .args
                        .first()
                        .is_some_and(|arg| quote!(#arg).to_string().contains("\"api-version\""));
                !appends_api_version
            });
            self.0 += before - block.stmts.len();
            // `let mut header_map` may now never be mutated.
            for stmt in &mut block.stmts {
                if let syn::Stmt::Local(local) = stmt
                    && let syn::Pat::Ident(p) = &local.pat
                    && p.ident == "header_map"
                    && p.mutability.is_some()
                {
                    local.attrs.push(syn::parse_quote!(#[allow(unused_mut)]));
                }
            }
            syn::visit_mut::visit_block_mut(self, block);
        }
    }
    let mut drop = Drop(0);
    syn::visit_mut::VisitMut::visit_file_mut(&mut drop, file);
    drop.0
}
