#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod webhooks;

/// The Shorten.REST client ([`apikit_shorten_rest`]), with feature `shorten-rest`.
#[cfg(feature = "shorten-rest")]
pub use apikit_shorten_rest as shorten_rest;

/// The ColorMe App Store client ([`apikit_colorme_appstore`]), with feature `colorme-appstore`.
#[cfg(feature = "colorme-appstore")]
pub use apikit_colorme_appstore as colorme_appstore;
