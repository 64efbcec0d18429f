//! Generates typed async Rust clients from OpenAPI 3.0 and 3.1 documents.

pub mod error;
pub mod ir;
pub mod load;
pub mod naming;

pub use error::{Diagnostic, Error, Result, Severity};
