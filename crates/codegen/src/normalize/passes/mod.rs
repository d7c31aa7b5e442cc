//! The normalization passes, one module each, in the order [`super::PASSES`] runs them.

pub mod boolean_schemas;
pub mod constraints;
pub mod definitions;
pub mod media_types;
pub mod openapi31;
pub mod operation_ids;
pub mod parameters;
pub mod prose;
pub mod responses;
pub mod schemas;
pub mod swagger2;
pub mod type_names;
pub mod variant_names;
pub mod version;
