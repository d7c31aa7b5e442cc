//! Enum values that are only symbols (`=`, `<=`, `!=`) reach typify as placeholder
//! words (`Le_apikit_symbol`, see the `schemas` normalization pass), so it can name the
//! variants. This rewrite finishes the job on the tokens: the variant identifier loses
//! the mark (`LeApikitSymbol` -> `Le`), and every string literal holding a placeholder
//! (serde's `rename`, `Display`, `FromStr`, the JSON schema in the doc comment) holds
//! the real value again, so the wire sees `<=`.

use std::collections::BTreeMap;

use proc_macro2::{Group, Ident, Literal, TokenStream, TokenTree};
use quote::ToTokens;

use crate::normalize::passes::schemas::SYMBOL_MARK;

/// The identifier typify derives from a placeholder: `Le_apikit_symbol` -> `LeApikitSymbol`.
fn marked_ident(placeholder: &str) -> String {
    use heck::ToPascalCase;
    placeholder.to_pascal_case()
}

/// Rewrites `file` for the placeholders in `symbols` (placeholder -> real value);
/// returns how many tokens it changed.
pub fn restore_symbols(
    file: &mut syn::File,
    symbols: &BTreeMap<String, String>,
) -> Result<usize, String> {
    if symbols.is_empty() {
        return Ok(0);
    }
    let idents: BTreeMap<String, String> = symbols
        .keys()
        .map(|p| {
            let word = p.strip_suffix(SYMBOL_MARK).unwrap_or(p).to_owned();
            (marked_ident(p), word)
        })
        .collect();
    let mut changed = 0;
    let tokens = walk(file.to_token_stream(), symbols, &idents, &mut changed);
    *file = syn::parse2(tokens).map_err(|e| format!("the symbols rewrite broke the code: {e}"))?;
    Ok(changed)
}

fn walk(
    tokens: TokenStream,
    symbols: &BTreeMap<String, String>,
    idents: &BTreeMap<String, String>,
    changed: &mut usize,
) -> TokenStream {
    tokens
        .into_iter()
        .map(|tt| match tt {
            TokenTree::Group(g) => {
                let inner = walk(g.stream(), symbols, idents, changed);
                let mut out = Group::new(g.delimiter(), inner);
                out.set_span(g.span());
                TokenTree::Group(out)
            }
            TokenTree::Ident(i) => match idents.get(&i.to_string()) {
                Some(word) => {
                    *changed += 1;
                    TokenTree::Ident(Ident::new(word, i.span()))
                }
                None => TokenTree::Ident(i),
            },
            TokenTree::Literal(l) => {
                let Ok(lit) = syn::parse2::<syn::LitStr>(TokenTree::Literal(l.clone()).into())
                else {
                    return TokenTree::Literal(l);
                };
                let value = lit.value();
                if let Some(real) = symbols.get(&value) {
                    *changed += 1;
                    return TokenTree::Literal(Literal::string(real));
                }
                if !value.contains(SYMBOL_MARK) {
                    return TokenTree::Literal(l);
                }
                // Prose (the JSON schema typify puts in doc comments): quoted
                // placeholders become JSON strings of the real value.
                let mut text = value;
                for (placeholder, real) in symbols {
                    let json = serde_json::to_string(real).expect("strings serialize");
                    text = text.replace(&format!("\"{placeholder}\""), &json);
                    text = text.replace(placeholder, real);
                }
                *changed += 1;
                TokenTree::Literal(Literal::string(&text))
            }
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use quote::quote;
    use syn::parse_quote;

    use super::*;

    #[test]
    fn placeholders_become_words_and_values() {
        let mut file: syn::File = parse_quote! {
            #[doc = "```json\n{\"enum\": [\"Le_apikit_symbol\"]}\n```"]
            pub enum Op {
                #[serde(rename = "Le_apikit_symbol")]
                LeApikitSymbol,
                Asc,
            }
            impl Op { fn s(&self) -> &str { match self { Self::LeApikitSymbol => "Le_apikit_symbol", Self::Asc => "asc" } } }
        };
        let symbols = BTreeMap::from([("Le_apikit_symbol".to_owned(), "<=".to_owned())]);
        let n = restore_symbols(&mut file, &symbols).unwrap();
        let text = quote!(#file).to_string();
        assert!(text.contains("rename = \"<=\""), "{text}");
        assert!(text.contains("Self :: Le => \"<=\""), "{text}");
        assert!(text.contains(r#"[\"<=\"]"#), "{text}");
        assert!(
            !text.contains("apikit_symbol") && !text.contains("ApikitSymbol"),
            "{text}"
        );
        assert_eq!(n, 5);
    }
}
