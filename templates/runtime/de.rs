//! Support for the generated models' `Deserialize` impls.
//!
//! Generated structs decode with a small hand-rolled visitor instead of `#[derive(Deserialize)]`:
//! one `match` arm per field, field names looked up here without allocating. The derive's output
//! is several times larger per field, and for specs with thousands of schemas that size is most
//! of the client's compile time. Decoding is just as direct (no intermediate JSON value).

use ::std::fmt;

/// A map key read by [`FieldSeed`].
#[derive(Debug)]
pub enum Field {
    /// The key is the field at this index of the declared names.
    Known(usize),
    /// Any other key; its text is kept only when the struct collects additional properties.
    Unknown(Option<String>),
}

/// Reads a map key and looks it up among a struct's declared field names.
#[derive(Clone, Copy, Debug)]
pub struct FieldSeed {
    names: &'static [&'static str],
    keep_unknown: bool,
}

impl FieldSeed {
    /// Looks keys up in `names`; other keys are skipped.
    pub const fn new(names: &'static [&'static str]) -> Self {
        Self {
            names,
            keep_unknown: false,
        }
    }

    /// Looks keys up in `names`; other keys are returned (for `additionalProperties`).
    pub const fn keeping_unknown(names: &'static [&'static str]) -> Self {
        Self {
            names,
            keep_unknown: true,
        }
    }

    fn field(self, key: &str) -> Field {
        match self.names.iter().position(|name| *name == key) {
            Some(index) => Field::Known(index),
            None => Field::Unknown(self.keep_unknown.then(|| key.to_owned())),
        }
    }
}

impl<'de> ::serde::de::DeserializeSeed<'de> for FieldSeed {
    type Value = Field;

    fn deserialize<D: ::serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Field, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> ::serde::de::Visitor<'de> for FieldSeed {
    type Value = Field;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: ::serde::de::Error>(self, key: &str) -> Result<Field, E> {
        Ok(self.field(key))
    }

    fn visit_bytes<E: ::serde::de::Error>(self, key: &[u8]) -> Result<Field, E> {
        match ::std::str::from_utf8(key) {
            Ok(key) => Ok(self.field(key)),
            Err(_) => Ok(Field::Unknown(
                self.keep_unknown
                    .then(|| String::from_utf8_lossy(key).into_owned()),
            )),
        }
    }
}
