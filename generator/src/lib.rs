//! Generates typed async Rust clients from OpenAPI 3.0 and 3.1 documents.
