//! The platforms' typed error: what an adapter, the code exchange and the shop sync answer.

use super::tokens::TokenError;
use crate::douyin::client::CallError;
use crate::error::AppError;

/// Why a platform operation did not succeed; its text is what an admin reads.
#[derive(Debug, thiserror::Error)]
pub enum PlatformError {
    /// The platform refused or did not answer (its own message, as the client classified it).
    #[error("{0}")]
    Platform(String),
    /// Something this kind of account does not have (a Douyin account has no shops).
    #[error("{0}")]
    Unsupported(&'static str),
    /// The app is not set up or not enabled here, or its secret does not open.
    #[error("{0}")]
    App(#[from] AppError),
    #[error("数据库错误")]
    Db(sqlx::Error),
}

impl From<sqlx::Error> for PlatformError {
    fn from(e: sqlx::Error) -> Self {
        tracing::error!(error = %e, "platform database error");
        PlatformError::Db(e)
    }
}

impl From<CallError> for PlatformError {
    fn from(e: CallError) -> Self {
        PlatformError::Platform(e.message())
    }
}

impl From<TokenError> for PlatformError {
    fn from(e: TokenError) -> Self {
        match e {
            TokenError::App(e) => PlatformError::App(e),
            other => PlatformError::Platform(other.message()),
        }
    }
}
