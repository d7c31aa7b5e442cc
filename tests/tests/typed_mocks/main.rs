//! The generated typed mock servers (feature `mock`, #18), one module per provider as a
//! user's tests would use them, and `limits`: the known limits of oxide-httpmock, one
//! test each. One test binary for all of them: each binary links every client crate, so
//! seven binaries cost about four times the build time of one.

mod colorme_appstore;
mod limits;
mod sendgrid;
mod shipengine;
mod shorten_rest;
mod snyk;
mod snyk_api_web;
