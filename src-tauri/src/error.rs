//! The error the UI receives from a command: a stable `kind` and a message a
//! user can act on.

use serde::Serialize;
use specta::Type;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct AppError {
    /// A stable machine name: `not_sqlite`, `too_new`, `invalid`, ...
    pub kind: String,
    pub message: String,
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AppError {}

impl From<callblock_core::Error> for AppError {
    fn from(e: callblock_core::Error) -> Self {
        AppError {
            kind: e.kind().to_string(),
            message: e.to_string(),
        }
    }
}

impl From<callblock_core::StoreError> for AppError {
    fn from(e: callblock_core::StoreError) -> Self {
        AppError {
            kind: e.kind().to_string(),
            message: e.to_string(),
        }
    }
}

impl AppError {
    pub fn new(kind: &str, message: impl Into<String>) -> Self {
        AppError {
            kind: kind.to_string(),
            message: message.into(),
        }
    }
}

impl From<callblock_team::TeamError> for AppError {
    fn from(e: callblock_team::TeamError) -> Self {
        AppError {
            kind: e.kind().to_string(),
            message: e.to_string(),
        }
    }
}
