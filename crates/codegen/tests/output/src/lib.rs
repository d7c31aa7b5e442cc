//! Every spec of `crates/codegen/tests/fixtures/codegen/` as the generator renders it,
//! one module each: the one checked-in copy of the generator's fixture output (its
//! snapshot), so `cargo test` proves the generated code compiles and tests can decode
//! with it. The modules are written by `UPDATE_FIXTURES=1 cargo test -p apikit-codegen
//! --test fixture_clients`; that test fails when one is stale.
#![allow(missing_docs)]

#[rustfmt::skip]
#[path = "generated/allof_wrapper.rs"]
pub mod allof_wrapper;
#[rustfmt::skip]
#[path = "generated/empty_response.rs"]
pub mod empty_response;
#[rustfmt::skip]
#[path = "generated/enum.rs"]
pub mod r#enum;
#[rustfmt::skip]
#[path = "generated/forward_compat.rs"]
pub mod forward_compat;
#[rustfmt::skip]
#[path = "generated/json_body.rs"]
pub mod json_body;
#[rustfmt::skip]
#[path = "generated/media_types.rs"]
pub mod media_types;
#[rustfmt::skip]
#[path = "generated/missing_operation_id.rs"]
pub mod missing_operation_id;
#[rustfmt::skip]
#[path = "generated/multiple_2xx.rs"]
pub mod multiple_2xx;
#[rustfmt::skip]
#[path = "generated/nullable.rs"]
pub mod nullable;
#[rustfmt::skip]
#[path = "generated/odd_schemas.rs"]
pub mod odd_schemas;
#[rustfmt::skip]
#[path = "generated/one_type_per_shape.rs"]
pub mod one_type_per_shape;
#[rustfmt::skip]
#[path = "generated/openapi31.rs"]
pub mod openapi31;
#[rustfmt::skip]
#[path = "generated/path_suffix.rs"]
pub mod path_suffix;
#[rustfmt::skip]
#[path = "generated/paths.rs"]
pub mod paths;
#[rustfmt::skip]
#[path = "generated/query_header_params.rs"]
pub mod query_header_params;
#[rustfmt::skip]
#[path = "generated/readable_names.rs"]
pub mod readable_names;
#[rustfmt::skip]
#[path = "generated/sentence_ids.rs"]
pub mod sentence_ids;
#[rustfmt::skip]
#[path = "generated/swagger2.rs"]
pub mod swagger2;
#[rustfmt::skip]
#[path = "generated/yaml12.rs"]
pub mod yaml12;
#[rustfmt::skip]
#[path = "generated/published_boolean.rs"]
pub mod published_boolean;
#[rustfmt::skip]
#[path = "generated/published_collide.rs"]
pub mod published_collide;
#[rustfmt::skip]
#[path = "generated/published_crlf.rs"]
pub mod published_crlf;
#[rustfmt::skip]
#[path = "generated/published_file_refs.rs"]
pub mod published_file_refs;
#[rustfmt::skip]
#[path = "generated/published_formats.rs"]
pub mod published_formats;
#[rustfmt::skip]
#[path = "generated/published_nested.rs"]
pub mod published_nested;
#[rustfmt::skip]
#[path = "generated/published_symbols.rs"]
pub mod published_symbols;
#[rustfmt::skip]
#[path = "generated/published_values.rs"]
pub mod published_values;
#[rustfmt::skip]
#[path = "generated/published_deep_refs.rs"]
pub mod published_deep_refs;
#[rustfmt::skip]
#[path = "generated/published_enum_allof.rs"]
pub mod published_enum_allof;
#[rustfmt::skip]
#[path = "generated/published_nullable_titles.rs"]
pub mod published_nullable_titles;
#[rustfmt::skip]
#[path = "generated/published_null_union.rs"]
pub mod published_null_union;
#[rustfmt::skip]
#[path = "generated/published_object_query.rs"]
pub mod published_object_query;
#[rustfmt::skip]
#[path = "generated/published_nullable_union.rs"]
pub mod published_nullable_union;
#[rustfmt::skip]
#[path = "generated/published_allof_titles.rs"]
pub mod published_allof_titles;
#[rustfmt::skip]
#[path = "generated/published_described_refs.rs"]
pub mod published_described_refs;
#[rustfmt::skip]
#[path = "generated/published_headers.rs"]
pub mod published_headers;
