//! Items generated from `provider.toml` and the normalization facts beside
//! progenitor's: base URLs, the user agent, the constructors (one per credential and
//! server) and the `ClientHooks` impl that sends every request through the runtime.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::config::{AuthConfig, ProviderConfig};
use crate::normalize::{Normalized, RenamedParam, walk};

/// The per-operation tables the generated hooks consult.
#[derive(Debug, Default)]
pub struct HookTables {
    /// operationId -> the media type the request body is really sent as, and the
    /// multipart fields that go as file parts.
    request_media: Vec<(String, String, Vec<String>)>,
    /// operationId -> the parameters renamed in Rust, to send under their spec names.
    renamed: Vec<(String, Vec<RenamedParam>)>,
    /// operationId -> the wildcard media type its response is declared under, which
    /// the request's `Accept` names too.
    accept: Vec<(String, String)>,
    /// operationId -> status ranges whose empty body means `null`.
    empty_success: Vec<(String, Vec<(u16, u16)>)>,
    /// operationId -> path template (for the tracing span).
    paths: Vec<(String, String)>,
}

impl HookTables {
    /// The tables of a normalized document: each operation's path template, and the
    /// facts normalization recorded for it, each sorted by operationId.
    pub fn new(normalized: &Normalized) -> Self {
        let mut tables = HookTables::default();
        for (path, method, op) in walk::operations(&normalized.doc) {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            tables.paths.push((id.to_owned(), path.to_owned()));
            let Some(facts) = normalized.facts.get(path, method) else {
                continue;
            };
            if let Some(media) = &facts.request_media {
                tables.request_media.push((
                    id.to_owned(),
                    media.clone(),
                    facts.binary_fields.clone(),
                ));
            }
            if let Some(wildcard) = &facts.response_wildcard {
                tables.accept.push((id.to_owned(), wildcard.clone()));
            }
            if !facts.renamed_params.is_empty() {
                tables
                    .renamed
                    .push((id.to_owned(), facts.renamed_params.clone()));
            }
            if !facts.empty_success.is_empty() {
                let ranges = facts
                    .empty_success
                    .iter()
                    .filter_map(|code| status_range(code))
                    .collect();
                tables.empty_success.push((id.to_owned(), ranges));
            }
        }
        tables.request_media.sort();
        tables.renamed.sort();
        tables.accept.sort();
        tables.empty_success.sort();
        tables.paths.sort();
        tables
    }
}

/// `"204"` -> (204, 204); `"2XX"` -> (200, 299).
fn status_range(code: &str) -> Option<(u16, u16)> {
    if let Ok(n) = code.parse::<u16>() {
        return Some((n, n));
    }
    let first = code
        .strip_suffix("XX")
        .or_else(|| code.strip_suffix("xx"))?;
    let d: u16 = first.parse().ok()?;
    Some((d * 100, d * 100 + 99))
}

/// Items generated from `provider.toml` beside progenitor's: the base URLs, the user
/// agent, the constructors (one per credential and server) and the hooks.
pub fn client_extensions(config: &ProviderConfig, tables: &HookTables) -> TokenStream {
    let servers = config.servers.iter().map(|(name, url)| {
        let ident = format_ident!("{}", name.to_uppercase());
        let doc = format!("`{url}`");
        quote! { #[doc = #doc] pub const #ident: &str = #url; }
    });
    let crate_name = &config.crate_name;
    let ua_doc = format!("The `User-Agent` every request carries: `{crate_name}/<crate version>`.");
    let constructors = constructors(config.auth.as_ref(), &config.servers, crate_name);
    let hooks = hooks(tables);
    quote! {
        /// Typed errors, the credential error and the client settings, so users need no
        /// direct dependency on apikit-runtime.
        pub use apikit_runtime::{ApiError, AuthError, Config, RetryPolicy};
        /// Writes a binary response (a label, a report) to a file or any `AsyncWrite`
        /// chunk by chunk, without holding it in memory.
        pub use apikit_runtime::stream::write_to;

        /// Base URLs the API is served from.
        pub mod servers {
            #(#servers)*
        }

        #[doc = #ua_doc]
        pub const USER_AGENT: &str = concat!(#crate_name, "/", env!("CARGO_PKG_VERSION"));

        #constructors

        #hooks
    }
}

/// progenitor's `ClientHooks`: every request goes through `apikit_runtime::Runtime`
/// (retries, tracing); where the facts say so, request bodies get their real media type
/// and empty success bodies read as `null`. Each table is a `match` on the operationId
/// (arms sorted, so the output is stable), which needs no ordering promise between
/// this generator and the runtime.
fn hooks(tables: &HookTables) -> TokenStream {
    // What `pre` does per operation: the real media type (with its binary fields), the
    // spec names of renamed parameters, and the wildcard the `Accept` names too.
    // Operations doing the same share an arm.
    type PreStep<'t> = (
        Option<(&'t str, &'t [String])>,
        &'t [RenamedParam],
        Option<&'t str>,
    );
    let mut steps: BTreeMap<&str, PreStep<'_>> = BTreeMap::new();
    for (id, media, binary) in &tables.request_media {
        steps.entry(id).or_insert((None, &[], None)).0 = Some((media, binary));
    }
    for (id, renames) in &tables.renamed {
        steps.entry(id).or_insert((None, &[], None)).1 = renames;
    }
    for (id, wildcard) in &tables.accept {
        steps.entry(id).or_insert((None, &[], None)).2 = Some(wildcard);
    }
    let mut by_step: BTreeMap<PreStep<'_>, Vec<&str>> = BTreeMap::new();
    for (id, step) in steps {
        by_step.entry(step).or_default().push(id);
    }
    let media_arms = by_step.iter().map(|((media, renames, accept), ids)| {
        let media = media.map(|(media, binary)| {
            if binary.is_empty() {
                quote! { apikit_runtime::hooks::set_request_media(request, #media).map_err(Error::Custom)?; }
            } else {
                quote! {
                    apikit_runtime::hooks::set_request_media_with(
                        request,
                        #media,
                        &apikit_runtime::hooks::MediaFacts::binary(&[#(#binary),*]),
                    )
                    .map_err(Error::Custom)?;
                }
            }
        });
        let renames = (!renames.is_empty()).then(|| {
            let rows = renames.iter().map(|r| {
                let (location, sent_as, name) = (&r.location, &r.sent_as, &r.name);
                quote! { (#location, #sent_as, #name) }
            });
            quote! {
                apikit_runtime::hooks::rename_params(request, &[#(#rows),*]).map_err(Error::Custom)?;
            }
        });
        let accept = accept.map(|wildcard| {
            quote! { apikit_runtime::hooks::accept_also(request, #wildcard).map_err(Error::Custom)?; }
        });
        quote! { #(#ids)|* => { #media #renames #accept } }
    });
    let pre =
        if tables.request_media.is_empty() && tables.renamed.is_empty() && tables.accept.is_empty()
        {
            quote! {}
        } else {
            quote! {
                /// Sends the body with the media type the spec gives, where progenitor builds
                /// another one (the `media-types` pass), renamed parameters under their spec
                /// names (the `parameters` pass), and an `Accept` that names a response's
                /// wildcard type (`media-types`).
                async fn pre<E>(
                    &self,
                    request: &mut reqwest::Request,
                    info: &OperationInfo,
                ) -> ::std::result::Result<(), Error<E>> {
                    match info.operation_id {
                        #(#media_arms)*
                        _ => {}
                    }
                    Ok(())
                }
            }
        };
    let empty_arms = tables.empty_success.iter().map(|(id, ranges)| {
        let pairs = ranges.iter().map(|(lo, hi)| quote! { (#lo, #hi) });
        quote! { #id => &[#(#pairs),*], }
    });
    let empty_call = if tables.empty_success.is_empty() {
        quote! { Ok(response) }
    } else {
        quote! {
            // Operations documented with both a JSON and an empty success response: the
            // statuses whose empty body reads as `null` (the `responses` pass).
            let empty: &[(u16, u16)] = match info.operation_id {
                #(#empty_arms)*
                _ => return Ok(response),
            };
            apikit_runtime::hooks::empty_as_null(response, empty).await
        }
    };
    let path_arms = tables
        .paths
        .iter()
        .map(|(id, path)| quote! { #id => #path, });
    quote! {
        /// The path template of each operation, for the request span.
        fn path_template(operation_id: &str) -> &'static str {
            match operation_id {
                #(#path_arms)*
                _ => "",
            }
        }

        impl ClientHooks<apikit_runtime::Runtime> for Client {
            #pre

            async fn exec(
                &self,
                request: reqwest::Request,
                info: &OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                let operation = apikit_runtime::Operation {
                    id: info.operation_id,
                    path: path_template(info.operation_id),
                };
                let response = self.inner.execute(&self.client, request, operation).await?;
                #empty_call
            }
        }
    }
}

/// `configured` (base URL, credential if any, settings) and the shorthands built on it:
/// `<ctor>` for the default server, `<ctor>_<server>` for each other one, `<ctor>_at`
/// for any base URL.
fn constructors(
    auth: Option<&AuthConfig>,
    servers: &BTreeMap<String, String>,
    crate_name: &str,
) -> TokenStream {
    let Some(auth) = auth else {
        return quote! {
            impl Client {
                /// A client for `baseurl` with `config`'s retries, timeouts and headers.
                pub fn configured(baseurl: &str, config: apikit_runtime::Config) -> ::std::result::Result<Self, apikit_runtime::AuthError> {
                    let (http, runtime) = apikit_runtime::build(USER_AGENT, None, config)?;
                    Ok(Self::new_with_client(baseurl, http, runtime))
                }
            }
        };
    };
    let ctor = format_ident!("{}", auth.constructor);
    let ctor_at = format_ident!("{}_at", auth.constructor);
    let arg = format_ident!("{}", auth.argument);
    let header = &auth.header;
    let prefix = &auth.prefix;
    let shown = if prefix.is_empty() {
        format!("`{header}: <{}>`", auth.argument)
    } else {
        format!("`{header}: {prefix} <{}>`", auth.argument)
    };
    let doc = format!(
        "A client for [`servers::DEFAULT`] that sends {shown} with every request, with the default [`Config`] (retries, timeouts).\n\n\
         The credential is marked sensitive: it never appears in `Debug` output."
    );
    let doc_at = format!(
        "Like [`Client::{}`], against another base URL (a regional instance, a proxy, or a mock server in tests).",
        auth.constructor
    );
    let doc_configured = format!(
        "A client for `baseurl` that sends {shown} with every request, with `config`'s retries, timeouts and headers.\n\n\
         ```no_run\n\
         # fn main() -> Result<(), Box<dyn std::error::Error>> {{\n\
         use std::time::Duration;\n\
         use {krate}::{{Client, Config, RetryPolicy, servers}};\n\
         let config = Config::default()\n    \
             .retry(RetryPolicy::default().max_attempts(6))\n    \
             .read_timeout(Some(Duration::from_secs(10)));\n\
         let client = Client::configured(servers::DEFAULT, \"<{arg}>\", config)?;\n\
         # let _ = client; Ok(())\n\
         # }}\n\
         ```\n\n\
         # Errors\n\
         The credential cannot be sent in an HTTP header (the error names the header, never the value).",
        krate = crate_name.replace('-', "_")
    );
    // One named constructor per other server: `with_api_key_eu` for `servers::EU`.
    let per_server = servers.keys().filter(|n| *n != "default").map(|name| {
        let f = format_ident!("{}_{}", auth.constructor, name);
        let server = format_ident!("{}", name.to_uppercase());
        let doc = format!(
            "Like [`Client::{}`], against [`servers::{}`].",
            auth.constructor,
            name.to_uppercase()
        );
        quote! {
            #[doc = #doc]
            pub fn #f(#arg: &str) -> ::std::result::Result<Self, apikit_runtime::AuthError> {
                Self::#ctor_at(servers::#server, #arg)
            }
        }
    });
    quote! {
        impl Client {
            #[doc = #doc]
            pub fn #ctor(#arg: &str) -> ::std::result::Result<Self, apikit_runtime::AuthError> {
                Self::#ctor_at(servers::DEFAULT, #arg)
            }
            #(#per_server)*
            #[doc = #doc_at]
            pub fn #ctor_at(baseurl: &str, #arg: &str) -> ::std::result::Result<Self, apikit_runtime::AuthError> {
                Self::configured(baseurl, #arg, apikit_runtime::Config::default())
            }
            /// A client for `baseurl` that sends no credential, with `config`'s retries,
            /// timeouts and headers: for operations the API leaves open, or behind a proxy
            /// that adds the credential.
            ///
            /// # Errors
            /// A header of `config` is invalid, or the TLS backend could not be set up.
            pub fn anonymous(baseurl: &str, config: apikit_runtime::Config) -> ::std::result::Result<Self, apikit_runtime::AuthError> {
                let (http, runtime) = apikit_runtime::build(USER_AGENT, None, config)?;
                Ok(Self::new_with_client(baseurl, http, runtime))
            }
            #[doc = #doc_configured]
            pub fn configured(baseurl: &str, #arg: &str, config: apikit_runtime::Config) -> ::std::result::Result<Self, apikit_runtime::AuthError> {
                let credential = apikit_runtime::Credential::header(#header, #prefix, #arg);
                let (http, runtime) = apikit_runtime::build(USER_AGENT, Some(&credential), config)?;
                Ok(Self::new_with_client(baseurl, http, runtime))
            }
        }
    }
}
