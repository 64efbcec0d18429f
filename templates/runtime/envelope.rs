//! Response envelopes: `{"data": …, "meta": …}` and JSON:API-like resource objects.

/// The `{"data": T, "meta": M}` envelope.
#[derive(Clone, Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
pub struct Envelope<T, M = ::serde_json::Value> {
    /// The payload.
    pub data: T,
    /// Metadata (totals, paging), when sent.
    #[serde(default = "Option::default", skip_serializing_if = "Option::is_none")]
    pub meta: Option<M>,
}

/// A JSON:API-like resource object: `{"id", "type", "attributes": {…}}`.
#[derive(Clone, Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
pub struct Resource<A> {
    /// The resource id.
    pub id: String,
    /// The resource type (`"pipeline"`, `"schedule"`…).
    #[serde(rename = "type")]
    pub kind: String,
    /// The resource's fields.
    pub attributes: A,
}
