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
    /// A body where none is taken (a `DELETE`).
    BodyNotAllowed,
    /// PKCE is on and the exchange carried no verifier.
    VerifierRequired,
    /// A JSON body was required (`Content-Type: application/json`).
    UnsupportedMediaType,
    /// The body is over the limit (checked while reading).
    PayloadTooLarge,
    /// Too many sign-in attempts from one address (`Retry-After` seconds).
    RateLimited {
        retry_after_secs: u32,
    },
    /// More upstream calls queued for this session than the rate lets start within the queue
    /// cap (`shaping`); `Retry-After` seconds.
    CallsQueued {
        retry_after_secs: u32,
    },
    /// tastytrade refused the client credentials (`invalid_client`).
    ClientRejected,
    /// tastytrade unreachable, timed out, or refusing to refresh for a non-final reason.
    UpstreamUnavailable {
        timeout: bool,
    },
    /// An order write from a session without the `trade` scope; nothing was sent.
    ReadOnly,
    /// An order place/replace/cancel got no answer or a 5xx: it may have reached tastytrade.
    OutcomeUnknown,
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
            AppError::CsrfRequired | AppError::CrossOrigin | AppError::ReadOnly => 403,
            AppError::OutcomeUnknown => 502,
            AppError::NotAllowed(r) => r.status(),
            AppError::WrongMethod => 405,
            AppError::BadRequest | AppError::BodyNotAllowed | AppError::VerifierRequired => 400,
            AppError::UnsupportedMediaType => 415,
            AppError::PayloadTooLarge => 413,
            AppError::RateLimited { .. } | AppError::CallsQueued { .. } => 429,
            AppError::ClientRejected => 502,
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
            AppError::BadRequest | AppError::BodyNotAllowed | AppError::VerifierRequired => {
                BffErrorCode::BadRequest
            }
            AppError::UnsupportedMediaType => BffErrorCode::UnsupportedMediaType,
            AppError::PayloadTooLarge => BffErrorCode::PayloadTooLarge,
            AppError::RateLimited { .. } | AppError::CallsQueued { .. } => {
                BffErrorCode::RateLimited
            }
            AppError::ClientRejected => BffErrorCode::ClientRejected,
            AppError::UpstreamUnavailable { .. } => BffErrorCode::UpstreamUnavailable,
            AppError::ReadOnly => BffErrorCode::ReadOnly,
            AppError::OutcomeUnknown => BffErrorCode::OutcomeUnknown,
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
            AppError::BodyNotAllowed => "This request takes no body.",
            AppError::VerifierRequired => {
                "This sign-in is missing its PKCE verifier. Please start signing in again."
            }
            AppError::UnsupportedMediaType => "This endpoint accepts only application/json.",
            AppError::PayloadTooLarge => "The request body is too large.",
            AppError::RateLimited { .. } => {
                "Too many sign-in attempts from your network. Please wait a moment and try again."
            }
            AppError::CallsQueued { .. } => {
                "Too many requests at once. Please wait a moment and try again."
            }
            AppError::ClientRejected => {
                "tastytrade refused this app's OAuth client credentials. The person who runs this \
                 app must check TT_CLIENT_ID and TT_CLIENT_SECRET; signing in again will not help."
            }
            AppError::UpstreamUnavailable { timeout: false } => {
                "tastytrade could not be reached. Your session is kept; try again shortly."
            }
            AppError::UpstreamUnavailable { timeout: true } => {
                "tastytrade did not answer in time. Your session is kept; try again shortly."
            }
            AppError::ReadOnly => {
                "This session is read-only (tastytrade did not grant the trade scope); \
                 no order was sent."
            }
            AppError::OutcomeUnknown => {
                "tastytrade did not confirm this order request: it may or may not have reached \
                 tastytrade. It was not sent again; check the live orders."
            }
            AppError::Internal => "Something went wrong in the worker.",
        }
    }

    /// `Retry-After` seconds, for errors that have one.
    pub fn retry_after_secs(self) -> Option<u32> {
        match self {
            AppError::RateLimited { retry_after_secs }
            | AppError::CallsQueued { retry_after_secs } => Some(retry_after_secs),
            _ => None,
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

/// An upstream status the worker can pass on: 200–599. Anything else (1xx, 600+, which a broken
/// or hostile upstream can send) is a bad gateway, never a panic building the response.
pub fn passable_status(status: u16) -> Result<u16, AppError> {
    if (200..=599).contains(&status) {
        Ok(status)
    } else {
        Err(AppError::UpstreamUnavailable { timeout: false })
    }
}

/// How an order place/replace/cancel ends when tastytrade's answer is missing or a 5xx: the
/// worker cannot know whether it took effect, so it says so ([`AppError::OutcomeUnknown`])
/// instead of passing a 5xx body on (a status outside 200–599 too); 2xx–4xx pass through.
pub fn order_outcome(reply_status: Option<u16>) -> Result<u16, AppError> {
    match reply_status {
        Some(status) if (200..500).contains(&status) => Ok(status),
        _ => Err(AppError::OutcomeUnknown),
    }
}

/// Longest `Retry-After` passed on: an IMF-fixdate is 29 characters (RFC 9110 §5.6.7), the
/// obsolete forms are shorter than this.
const MAX_RETRY_AFTER_DATE_LEN: usize = 40;

/// An upstream `Retry-After` (RFC 9110 §10.2.3) worth passing on: delay seconds (1–6 digits),
/// or something shaped like an HTTP date (letters, digits, spaces, `,` `:` `-`, ending in
/// `GMT`, of sane length). Anything else is dropped rather than forwarded.
pub fn passable_retry_after(value: &str) -> Option<&str> {
    let v = value.trim_matches([' ', '\t']);
    let seconds = (1..=6).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit());
    let date = (16..=MAX_RETRY_AFTER_DATE_LEN).contains(&v.len())
        && v.ends_with("GMT")
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b' ' | b',' | b':' | b'-'));
    (seconds || date).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_statuses_200_to_599_pass() {
        for ok in [200, 201, 204, 304, 401, 429, 599] {
            assert_eq!(passable_status(ok), Ok(ok));
        }
        for bad in [0, 100, 101, 199, 600, 999, u16::MAX] {
            let e = passable_status(bad).unwrap_err();
            assert_eq!(e.status(), 502, "{bad}");
        }
    }

    #[test]
    fn retry_after_passes_only_when_sane() {
        for ok in [
            "0",
            "1",
            "120",
            "999999",
            " 5 ",
            "Sun, 06 Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(passable_retry_after(ok), Some(ok.trim()), "{ok:?}");
        }
        assert_eq!(
            passable_retry_after("Sunday, 06-Nov-94 08:49:37 GMT"),
            Some("Sunday, 06-Nov-94 08:49:37 GMT")
        );
        for bad in [
            "",
            "1000000",
            "-1",
            "1.5",
            "0x10",
            "soon",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 06 Nov 1994 08:49:37 GMT; evil=1",
            "Sun,\r\n06 Nov 1994 08:49:37 GMT",
            "<script>alert(1)</script> GMT",
            &format!("{} GMT", "a".repeat(40)),
        ] {
            assert_eq!(passable_retry_after(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn queued_calls_are_a_429_with_retry_after() {
        let e = AppError::CallsQueued {
            retry_after_secs: 6,
        };
        assert_eq!(e.status(), 429);
        assert_eq!(e.code(), BffErrorCode::RateLimited);
        assert_eq!(e.retry_after_secs(), Some(6));
        assert!(!e.message().contains("sign-in"));
    }

    #[test]
    fn new_errors_have_their_statuses_and_codes() {
        assert_eq!(AppError::UnsupportedMediaType.status(), 415);
        assert_eq!(AppError::PayloadTooLarge.status(), 413);
        let limited = AppError::RateLimited {
            retry_after_secs: 10,
        };
        assert_eq!(limited.status(), 429);
        assert_eq!(limited.retry_after_secs(), Some(10));
        assert_eq!(limited.code(), BffErrorCode::RateLimited);
        assert_eq!(
            AppError::ClientRejected.code(),
            BffErrorCode::ClientRejected
        );
        assert!(AppError::ClientRejected
            .message()
            .contains("TT_CLIENT_SECRET"));
        assert_eq!(AppError::VerifierRequired.status(), 400);
        assert_eq!(AppError::BodyNotAllowed.status(), 400);
        assert_eq!(AppError::BodyNotAllowed.code(), BffErrorCode::BadRequest);
    }

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

    #[test]
    fn order_outcomes() {
        for status in [200, 201, 400, 401, 404, 422, 429, 499] {
            assert_eq!(order_outcome(Some(status)), Ok(status));
        }
        for unknown in [
            Some(500),
            Some(503),
            Some(504),
            Some(599),
            Some(600),
            Some(101),
            None,
        ] {
            assert_eq!(order_outcome(unknown), Err(AppError::OutcomeUnknown));
        }
        let e = AppError::OutcomeUnknown;
        assert_eq!((e.status(), e.code()), (502, BffErrorCode::OutcomeUnknown));
        assert!(e.message().contains("check the live orders"));
        let r = AppError::ReadOnly;
        assert_eq!((r.status(), r.code()), (403, BffErrorCode::ReadOnly));
        assert_eq!(
            serde_json::to_value(r.body()).unwrap()["error"]["code"],
            "read_only"
        );
    }
}
