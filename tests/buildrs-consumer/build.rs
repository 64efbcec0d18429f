//! Generates the Widgets API client from `openapi.yaml` into `$OUT_DIR/widgets.rs`, exactly as
//! the generator's crate docs show. A spec error fails the build with the located message
//! (`Error`'s `Debug` is its human-readable `Display`), not a panic.

fn main() -> Result<(), planasonix_codegen::Error> {
    planasonix_codegen::build("openapi.yaml")?;
    Ok(())
}
