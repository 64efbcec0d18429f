//! Models, written the way the generator emits them.

use super::runtime;

/// A pipeline.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct Pipeline {
    /// The id (`pl_…`).
    pub id: String,
    /// The name.
    pub name: String,
    /// The status.
    pub status: PipelineStatus,
    /// The description; `null` clears it in an update.
    #[serde(default, skip_serializing_if = "runtime::Nullable::is_absent")]
    pub description: runtime::Nullable<String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

/// A pipeline's status. New server values land in `Unknown`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PipelineStatus {
    /// `active`.
    Active,
    /// `paused`.
    Paused,
    /// `failed`.
    Failed,
    /// A value this client does not know yet.
    Unknown(String),
}

impl PipelineStatus {
    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Active => "active",
            Self::Paused => "paused",
            Self::Failed => "failed",
            Self::Unknown(other) => other,
        }
    }
}

impl From<&str> for PipelineStatus {
    fn from(value: &str) -> Self {
        match value {
            "active" => Self::Active,
            "paused" => Self::Paused,
            "failed" => Self::Failed,
            other => Self::Unknown(other.to_owned()),
        }
    }
}

impl serde::Serialize for PipelineStatus {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for PipelineStatus {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        Ok(Self::from(value.as_str()))
    }
}

/// The body of `createPipeline`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CreatePipeline {
    /// The name.
    pub name: String,
    /// The description.
    #[serde(default, skip_serializing_if = "runtime::Nullable::is_absent")]
    pub description: runtime::Nullable<String>,
}

/// A run of a pipeline.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Run {
    /// The run id (`run_…`).
    pub id: String,
    /// `queued`, `running`, `succeeded`, `failed`.
    pub status: String,
}

/// `meta` of a paginated list: `{"page": {"limit", "cursor"}}`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ListMeta {
    /// Paging state.
    pub page: PageMeta,
}

/// `meta.page`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PageMeta {
    /// The page size.
    pub limit: u32,
    /// The next cursor; `null` on the last page.
    pub cursor: Option<String>,
}

/// The error envelope's `code`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// `not_found`.
    NotFound,
    /// `unauthorized`.
    Unauthorized,
    /// A code this client does not know yet.
    Unknown(String),
}

impl From<&str> for ErrorCode {
    fn from(value: &str) -> Self {
        match value {
            "not_found" => Self::NotFound,
            "unauthorized" => Self::Unauthorized,
            other => Self::Unknown(other.to_owned()),
        }
    }
}

/// The error envelope `{"error": {"code", "message", "details"}}`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ErrorEnvelope {
    /// The error.
    pub error: ErrorBody,
}

/// The inside of the error envelope.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ErrorBody {
    /// Machine-readable code.
    pub code: String,
    /// Human-readable message.
    pub message: String,
    /// Field problems.
    #[serde(default)]
    pub details: Vec<ErrorDetail>,
}

/// One field problem.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ErrorDetail {
    /// The field.
    pub field: String,
    /// What is wrong.
    pub issue: String,
}
