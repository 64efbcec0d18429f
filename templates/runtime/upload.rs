//! Uploads: files for multipart bodies, multipart forms, and base64 (`format: byte`) fields.

use ::std::fmt;

/// A file to upload: bytes, and optionally a file name and content type.
#[derive(Clone)]
pub struct Upload {
    bytes: ::bytes::Bytes,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl Upload {
    /// A file with these contents.
    pub fn new(bytes: impl Into<::bytes::Bytes>) -> Self {
        Self {
            bytes: bytes.into(),
            file_name: None,
            content_type: None,
        }
    }

    /// Sets the file name sent with the part.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// Sets the part's content type (default `application/octet-stream`).
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The contents.
    pub fn bytes(&self) -> &::bytes::Bytes {
        &self.bytes
    }

    /// The file name, if set.
    pub fn get_file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The content type, if set.
    pub fn get_content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Upload")
            .field("len", &self.bytes.len())
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl From<Vec<u8>> for Upload {
    fn from(bytes: Vec<u8>) -> Self {
        Self::new(bytes)
    }
}

impl From<::bytes::Bytes> for Upload {
    fn from(bytes: ::bytes::Bytes) -> Self {
        Self::new(bytes)
    }
}

#[derive(Clone, Debug)]
enum PartBody {
    Text(String),
    File(Upload),
    Json(::bytes::Bytes),
}

/// A `multipart/form-data` body, kept as a description so a fresh form can be built for every
/// attempt.
#[derive(Clone, Debug, Default)]
pub struct Multipart {
    parts: Vec<(String, PartBody)>,
    problems: Vec<String>,
}

impl Multipart {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text field.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.push((name.into(), PartBody::Text(value.into())));
        self
    }

    /// Adds a file.
    pub fn file(mut self, name: impl Into<String>, upload: Upload) -> Self {
        self.parts.push((name.into(), PartBody::File(upload)));
        self
    }

    /// Adds a JSON field (`application/json`). A value that does not serialize fails the call
    /// with `Error::InvalidRequest`.
    pub fn json<T: ::serde::Serialize + ?Sized>(
        mut self,
        name: impl Into<String>,
        value: &T,
    ) -> Self {
        let name = name.into();
        match ::serde_json::to_vec(value) {
            Ok(bytes) => self.parts.push((name, PartBody::Json(bytes.into()))),
            Err(e) => self
                .problems
                .push(format!("multipart field {name:?} does not serialize: {e}")),
        }
        self
    }

    /// The number of parts.
    pub fn len(&self) -> usize {
        self.parts.len()
    }

    /// Whether the form has no parts.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// Checks that the form can be built (every content type is valid).
    pub(super) fn check(&self) -> Result<(), String> {
        if !self.problems.is_empty() {
            return Err(self.problems.join("; "));
        }
        self.to_form().map(drop)
    }

    /// Builds a fresh form for one attempt.
    pub(super) fn to_form(&self) -> Result<::reqwest::multipart::Form, String> {
        use ::reqwest::multipart::{Form, Part};
        let mut form = Form::new();
        for (name, body) in &self.parts {
            let part = match body {
                PartBody::Text(text) => Part::text(text.clone()),
                PartBody::Json(bytes) => {
                    let len = bytes.len() as u64;
                    Part::stream_with_length(::reqwest::Body::from(bytes.clone()), len)
                        .mime_str("application/json")
                        .map_err(|_| "invalid JSON part".to_owned())?
                }
                PartBody::File(upload) => {
                    let len = upload.bytes.len() as u64;
                    let mut part =
                        Part::stream_with_length(::reqwest::Body::from(upload.bytes.clone()), len);
                    if let Some(file_name) = &upload.file_name {
                        part = part.file_name(file_name.clone());
                    }
                    let content_type = upload
                        .content_type
                        .as_deref()
                        .unwrap_or("application/octet-stream");
                    part.mime_str(content_type).map_err(|_| {
                        format!("{content_type:?} is not a valid content type (multipart field {name:?})")
                    })?
                }
            };
            form = form.part(name.clone(), part);
        }
        Ok(form)
    }
}

/// Bytes sent as a standard base64 string (OpenAPI `format: byte`). Decoding also accepts the
/// URL-safe alphabet and missing padding.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Base64Bytes(pub Vec<u8>);

impl fmt::Debug for Base64Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Base64Bytes({} bytes)", self.0.len())
    }
}

impl From<Vec<u8>> for Base64Bytes {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

impl From<Base64Bytes> for Vec<u8> {
    fn from(bytes: Base64Bytes) -> Self {
        bytes.0
    }
}

impl ::std::ops::Deref for Base64Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl ::serde::Serialize for Base64Bytes {
    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use ::base64::Engine as _;
        serializer.serialize_str(&::base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

impl<'de> ::serde::Deserialize<'de> for Base64Bytes {
    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use ::base64::Engine as _;
        use ::base64::engine::general_purpose::{
            STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD,
        };
        let text =
            <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
        let text = text.trim();
        [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
            .iter()
            .find_map(|engine| engine.decode(text).ok())
            .map(Self)
            .ok_or_else(|| ::serde::de::Error::custom("invalid base64"))
    }
}

impl PartialEq for Upload {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
            && self.file_name == other.file_name
            && self.content_type == other.content_type
    }
}

/// In a JSON body (a `format: binary` property outside multipart), an upload is its contents as
/// a string; the file name and content type only exist in multipart parts.
impl ::serde::Serialize for Upload {
    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&String::from_utf8_lossy(&self.bytes))
    }
}

impl<'de> ::serde::Deserialize<'de> for Upload {
    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <String as ::serde::Deserialize>::deserialize(deserializer)?;
        Ok(Self::new(text.into_bytes()))
    }
}
