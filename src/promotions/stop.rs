//! Why a publish step stopped: try again later, or give up with a message for the user.

use crate::platforms::tokens::TokenError;

pub(super) enum Stop {
    /// Try again at this (scaled) time.
    Later(String),
    /// Give up with this message.
    Fail(String),
}

impl From<TokenError> for Stop {
    fn from(e: TokenError) -> Self {
        match &e {
            TokenError::Platform(c) if c.transient() => Stop::Later(e.message()),
            _ => Stop::Fail(e.message()),
        }
    }
}

impl From<sqlx::Error> for Stop {
    fn from(e: sqlx::Error) -> Self {
        tracing::error!(error = %e, "promotion step not stored");
        Stop::Later("数据库错误".into())
    }
}

pub(super) fn storage_error(e: object_store::Error) -> Stop {
    tracing::error!(error = %e, "promotion media not read");
    Stop::Later("素材读取失败".into())
}
