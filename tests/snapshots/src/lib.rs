//! Tests of the generator's output; they live in `tests/`.
