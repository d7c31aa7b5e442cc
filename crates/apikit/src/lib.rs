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

/// The SendGrid client ([`apikit_sendgrid`]), with feature `sendgrid`.
#[cfg(feature = "sendgrid")]
pub use apikit_sendgrid as sendgrid;

/// The ShipEngine client ([`apikit_shipengine`]), with feature `shipengine`.
#[cfg(feature = "shipengine")]
pub use apikit_shipengine as shipengine;

/// The Snyk v1 client ([`apikit_snyk`]), with feature `snyk`.
#[cfg(feature = "snyk")]
pub use apikit_snyk as snyk;

/// The Snyk API & Web client ([`apikit_snyk_api_web`]), with feature `snyk-api-web`.
#[cfg(feature = "snyk-api-web")]
pub use apikit_snyk_api_web as snyk_api_web;
