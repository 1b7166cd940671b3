//! The worker's one error type, rendered as `shared::bff::BffError` JSON. Messages are fixed
//! strings: nothing from a request, a token response or a secret ends up in them.

use crate::allowlist::Refusal;
use pocket_shared::bff::{BffError, BffErrorBody, BffErrorCode};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppError {
    /// No, unknown, tampered, expired or logged-out session.
    SessionRequired,
    /// The refresh token was rejected; the session has been deleted.
    SessionRevoked,
    /// tastytrade refused the code (400) or could not be asked (502).
    ExchangeFailed {
        upstream_down: bool,
    },
    CsrfRequired,
    /// Same-origin checks failed (`Origin`, `Sec-Fetch-Site`).
    CrossOrigin,
    NotAllowed(Refusal),
    /// An `/auth/*` route called with the wrong method.
    WrongMethod,
    /// Malformed request body.
    BadRequest,
    /// tastytrade unreachable, timed out, or refusing to refresh for a non-final reason.
    UpstreamUnavailable {
        timeout: bool,
    },
    /// Anything else (details only in the log).
    Internal,
}

impl AppError {
    pub fn status(self) -> u16 {
        match self {
            AppError::SessionRequired | AppError::SessionRevoked => 401,
            AppError::ExchangeFailed { upstream_down } => {
                if upstream_down {
                    502
                } else {
                    400
                }
            }
            AppError::CsrfRequired | AppError::CrossOrigin => 403,
            AppError::NotAllowed(r) => r.status(),
            AppError::WrongMethod => 405,
            AppError::BadRequest => 400,
            AppError::UpstreamUnavailable { timeout } => {
                if timeout {
                    504
                } else {
                    502
                }
            }
            AppError::Internal => 500,
        }
    }

    pub fn code(self) -> BffErrorCode {
        match self {
            AppError::SessionRequired => BffErrorCode::SessionRequired,
            AppError::SessionRevoked => BffErrorCode::SessionRevoked,
            AppError::ExchangeFailed { .. } => BffErrorCode::ExchangeFailed,
            AppError::CsrfRequired | AppError::CrossOrigin => BffErrorCode::CsrfRequired,
            AppError::NotAllowed(_) | AppError::WrongMethod => BffErrorCode::NotAllowed,
            AppError::BadRequest => BffErrorCode::BadRequest,
            AppError::UpstreamUnavailable { .. } => BffErrorCode::UpstreamUnavailable,
            AppError::Internal => BffErrorCode::Internal,
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            AppError::SessionRequired => "Sign in with tastytrade to continue.",
            AppError::SessionRevoked => {
                "tastytrade ended this session (the grant was revoked or expired). Sign in again."
            }
            AppError::ExchangeFailed {
                upstream_down: false,
            } => "tastytrade did not accept the sign-in. Please sign in again.",
            AppError::ExchangeFailed {
                upstream_down: true,
            } => "tastytrade could not be reached to finish signing in. Please try again.",
            AppError::CsrfRequired => "This request needs the x-pocket-csrf header.",
            AppError::CrossOrigin => "Cross-origin requests are not accepted.",
            AppError::NotAllowed(Refusal::UnknownPath) => "This API path is not available.",
            AppError::NotAllowed(Refusal::MethodNotAllowed) | AppError::WrongMethod => {
                "This method is not allowed here."
            }
            AppError::NotAllowed(Refusal::Malformed) => "This request path is not accepted.",
            AppError::BadRequest => "The request body is malformed.",
            AppError::UpstreamUnavailable { timeout: false } => {
                "tastytrade could not be reached. Your session is kept; try again shortly."
            }
            AppError::UpstreamUnavailable { timeout: true } => {
                "tastytrade did not answer in time. Your session is kept; try again shortly."
            }
            AppError::Internal => "Something went wrong in the worker.",
        }
    }

    pub fn body(self) -> BffError {
        BffError {
            error: BffErrorBody {
                code: self.code(),
                message: self.message().to_owned(),
            },
        }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} ({})", self.code(), self.status())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shape_and_statuses() {
        let json = serde_json::to_value(AppError::SessionRequired.body()).unwrap();
        assert_eq!(json["error"]["code"], "session_required");
        assert_eq!(AppError::SessionRequired.status(), 401);
        assert_eq!(AppError::SessionRevoked.status(), 401);
        assert_eq!(
            serde_json::to_value(AppError::SessionRevoked.body()).unwrap()["error"]["code"],
            "session_revoked"
        );
        assert_eq!(
            AppError::ExchangeFailed {
                upstream_down: false
            }
            .status(),
            400
        );
        assert_eq!(
            AppError::ExchangeFailed {
                upstream_down: true
            }
            .status(),
            502
        );
        assert_eq!(AppError::NotAllowed(Refusal::UnknownPath).status(), 404);
        assert_eq!(AppError::NotAllowed(Refusal::Malformed).status(), 403);
        assert_eq!(AppError::CrossOrigin.code(), BffErrorCode::CsrfRequired);
        assert_eq!(
            AppError::UpstreamUnavailable { timeout: true }.status(),
            504
        );
        assert_eq!(
            AppError::UpstreamUnavailable { timeout: false }.code(),
            BffErrorCode::UpstreamUnavailable
        );
    }
}
