//! Tests of the hand-written runtime (`templates/runtime/`) that every generated client embeds.
//!
//! The runtime is compiled here exactly as a generated crate compiles it (`pub mod runtime`), next
//! to a hand-written `ApiInfo` and a few operations written the way the generator emits them, so
//! the tests in `tests/` exercise the real call path.

#[path = "../../../templates/runtime/mod.rs"]
pub mod runtime;
