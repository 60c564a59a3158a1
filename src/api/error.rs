//! The client's one error type, and how each failure reads to an operator.

use std::sync::Arc;
use std::time::Duration;

use crate::error::{CliError, Kind};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The server answered with a non-2xx status.
    #[error("{method} {path}: {status} {message}")]
    Status {
        method: &'static str,
        path: String,
        status: u16,
        /// The server's `error` text, or its raw body when that is not JSON.
        message: String,
        /// How long the server asked us to wait (429), if it said.
        retry_after: Option<Duration>,
    },
    /// No HTTP answer: refused connection, reset, DNS, TLS. `sent` is false when the request
    /// certainly never reached the server, so even a mutation may be sent again.
    #[error("{method} {path}: {detail}")]
    Network {
        method: &'static str,
        path: String,
        detail: String,
        sent: bool,
        attempts: u32,
        /// Which server, and where its URL came from: "qstash.example.com (base URL from
        /// QSTASH_URL)".
        server: Arc<str>,
        /// Where the base URL came from, which decides what the hint says to check.
        url_from: UrlFrom,
    },
    /// A 2xx answer whose body is not what the API documents. For a mutation this is a lost
    /// reply: the server may have acted.
    #[error("{method} {path}: unexpected response: {detail}")]
    Decode {
        method: &'static str,
        path: String,
        detail: String,
    },
    /// The server answered with a redirect. None is followed: a mutation re-sent to another
    /// host (or turned into a GET) would carry the token there and report a false outcome.
    #[error("{method} {path}: the server redirects to {location}; dlq follows no redirects")]
    Redirect {
        method: &'static str,
        path: String,
        status: u16,
        location: String,
    },
    /// A reply larger than any real page: refused before it can exhaust memory.
    #[error("{method} {path}: the reply is larger than {limit_mib} MiB; stopping")]
    TooLarge {
        method: &'static str,
        path: String,
        limit_mib: u64,
    },
    /// A paging loop saw a cursor it had already followed.
    #[error("the server returned cursor {0:?} a second time; stopping instead of looping forever")]
    CursorRepeat(String),
    /// A request that must not be sent, such as an id that would leave its path segment.
    #[error("{0}")]
    Invalid(String),
}

/// Where the client's base URL came from: what to check when the server cannot be reached.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum UrlFrom {
    /// QSTASH_URL or a region's variable, from the environment or an env file.
    Environment,
    /// A profile of the config file.
    Profile,
    /// `--base-url`.
    Flag,
    /// The default, the local sandbox, or a job's recorded target.
    #[default]
    Elsewhere,
}

impl ApiError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The server's own words, without method and path, for per-entry reports.
    pub fn reason(&self) -> String {
        match self {
            ApiError::Status {
                status, message, ..
            } => format!("{status}: {message}"),
            other => other.to_string(),
        }
    }

    /// Why a request is about to be tried again, in a few words for the progress line. One
    /// wording whether the transport or the bulk engine waits: `throttled (429)`.
    pub fn wait_reason(&self) -> String {
        match self {
            ApiError::Status { status: 429, .. } => "throttled (429)".into(),
            ApiError::Status { status, .. } => format!("server error {status}"),
            ApiError::Network { detail, .. } => detail.clone(),
            other => other.to_string(),
        }
    }

    /// True when the request may have changed state although no usable reply arrived.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            ApiError::Network { sent, .. } => *sent,
            ApiError::Status { status, .. } => *status >= 500,
            ApiError::Decode { .. } | ApiError::TooLarge { .. } => true,
            _ => false,
        }
    }
}

impl From<ApiError> for CliError {
    fn from(e: ApiError) -> Self {
        match &e {
            ApiError::Network {
                server,
                detail,
                attempts,
                url_from,
                ..
            } => {
                let tries = if *attempts > 1 {
                    format!(" (tried {attempts} times)")
                } else {
                    String::new()
                };
                let mut err = CliError::failure(format!("cannot reach {server}: {detail}{tries}"));
                err = err.hint(match url_from {
                    UrlFrom::Environment => {
                        "check QSTASH_URL (unset it for https://qstash.upstash.io)"
                    }
                    UrlFrom::Profile => "check the profile's URL: dlq config show",
                    UrlFrom::Flag => "check --base-url",
                    UrlFrom::Elsewhere => "check the network, a proxy or a firewall",
                });
                err.hint("--debug shows every request and its full URL")
                    .hint("--sandbox runs against a local sandbox, no network needed")
            }
            _ => match e.status() {
                Some(401) | Some(403) => CliError::new(Kind::Auth, format!("the server refused the token ({e})"))
                    .hint("set a valid token with QSTASH_TOKEN=..., --token, or `dlq config set-token`")
                    .hint("the token is on the QStash page of the Upstash console; regions have separate tokens"),
                Some(404) => CliError::failure(format!(
                    "not in the DLQ: the entry was deleted, retried or has expired ({e})"
                )),
                _ => CliError::failure(e.to_string()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unreachable(server: &str, url_from: UrlFrom) -> CliError {
        CliError::from(ApiError::Network {
            method: "GET",
            path: "/v2/dlq".into(),
            detail: "cannot connect".into(),
            sent: false,
            attempts: 1,
            server: server.into(),
            url_from,
        })
    }

    #[test]
    fn the_network_hint_follows_where_the_url_came_from_not_its_words() {
        // A host whose name holds "profile" or "QSTASH_URL" is still the default's.
        let e = unreachable(
            "profile.example.com (base URL from default)",
            UrlFrom::Elsewhere,
        );
        assert_eq!(e.hints[0], "check the network, a proxy or a firewall");
        let e = unreachable(
            "qstash-url.example (base URL from flag --base-url)",
            UrlFrom::Profile,
        );
        assert_eq!(e.hints[0], "check the profile's URL: dlq config show");
        let e = unreachable("q.example (base URL from profile \"eu\")", UrlFrom::Flag);
        assert_eq!(e.hints[0], "check --base-url");
        let e = unreachable("q.example", UrlFrom::Environment);
        assert!(e.hints[0].starts_with("check QSTASH_URL"), "{:?}", e.hints);
    }
}
