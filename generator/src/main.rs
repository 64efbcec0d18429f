//! The `planasonix-codegen` command line.
fn main() {}
