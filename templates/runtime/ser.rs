//! Support for the generated models' `Serialize` impls.
//!
//! Generated structs serialize through [`ObjectWriter`] instead of `#[derive(Serialize)]`: one
//! call per field, absent optional fields left out, the first error kept and returned by
//! [`ObjectWriter::end`]. The output is the same JSON object the derive writes; the generated
//! code is a fraction of the derive's, which matters for specs with thousands of schemas.

use ::serde::ser::{Serialize, SerializeMap, Serializer};

use super::Nullable;

/// Writes one generated struct as a map, a field per call.
pub struct ObjectWriter<S: Serializer> {
    state: Result<S::SerializeMap, S::Error>,
}

impl<S: Serializer> ObjectWriter<S> {
    /// Starts the object.
    pub fn new(serializer: S) -> Self {
        Self {
            state: serializer.serialize_map(None),
        }
    }

    /// Writes a field that is always present.
    pub fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) {
        if let Ok(map) = &mut self.state {
            if let Err(error) = map.serialize_entry(key, value) {
                self.state = Err(error);
            }
        }
    }

    /// Writes an optional field, leaving it out when it is `None`.
    pub fn optional<T: Serialize>(&mut self, key: &str, value: &Option<T>) {
        if let Some(value) = value {
            self.field(key, value);
        }
    }

    /// Writes a tri-state field: left out when absent, `null` when null.
    pub fn nullable<T: Serialize>(&mut self, key: &str, value: &Nullable<T>) {
        if !value.is_absent() {
            self.field(key, value);
        }
    }

    /// Writes every entry of `additional` (properties beyond the declared ones).
    pub fn additional<T: Serialize>(
        &mut self,
        additional: &::std::collections::BTreeMap<String, T>,
    ) {
        for (key, value) in additional {
            self.field(key, value);
        }
    }

    /// Ends the object, or returns the first error a field gave.
    pub fn end(self) -> Result<S::Ok, S::Error> {
        self.state?.end()
    }
}

impl<S: Serializer> ::std::fmt::Debug for ObjectWriter<S> {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        f.debug_struct("ObjectWriter")
            .field("failed", &self.state.is_err())
            .finish()
    }
}
