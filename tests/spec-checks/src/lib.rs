//! Shape checks on `spec/planasonix.yaml`; the checks live in `tests/`.
