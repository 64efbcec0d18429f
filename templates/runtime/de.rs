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

/// The map a generated `Deserialize` impl reads, one key at a time.
///
/// Each step returns a `Result` that the generated `match` propagates once per key, which keeps
/// the per-field code (and the compiler's work on it) to one call.
#[derive(Debug)]
pub struct Fields<A> {
    map: A,
    seed: FieldSeed,
}

impl<'de, A: ::serde::de::MapAccess<'de>> Fields<A> {
    /// Reads `map`, looking its keys up with `seed`.
    pub fn new(map: A, seed: FieldSeed) -> Self {
        Self { map, seed }
    }

    /// The next key, or `None` at the end of the map.
    pub fn next_field(&mut self) -> Result<Option<Field>, A::Error> {
        self.map.next_key_seed(self.seed)
    }

    /// Reads the current key's value into `slot` (a repeated key keeps the last value).
    pub fn value<T: ::serde::Deserialize<'de>>(
        &mut self,
        slot: &mut Option<T>,
    ) -> Result<(), A::Error> {
        *slot = Some(self.map.next_value()?);
        Ok(())
    }

    /// Reads the current (undeclared) key's value into `additional`.
    pub fn additional<T: ::serde::Deserialize<'de>>(
        &mut self,
        additional: &mut ::std::collections::BTreeMap<String, T>,
        key: String,
    ) -> Result<(), A::Error> {
        additional.insert(key, self.map.next_value()?);
        Ok(())
    }

    /// Skips the current key's value.
    pub fn skip(&mut self) -> Result<(), A::Error> {
        self.map.next_value::<::serde::de::IgnoredAny>().map(|_| ())
    }
}

/// A required field's value, or serde's missing-field error naming it.
pub fn required<T, E: ::serde::de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    match slot {
        Some(value) => Ok(value),
        None => Err(E::missing_field(name)),
    }
}
