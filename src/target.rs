//! The server, profile and token a command acts on, said in words before every mutation and
//! bound into every job, so that `--continue` can never act anywhere else.
//!
//! A job records its target as a [`TargetRecord`]: the base URL, whether it was the local
//! sandbox, the profile, where the token came from, and a fingerprint of the token that does
//! not reveal it. [`check_continue`] compares that record with what the current flags and
//! environment name, and refuses any difference.

use sha2::{Digest, Sha256};

use crate::bulk::journal::TargetRecord;
use crate::cmdline::{Aim, CommandLine, Places};
use crate::config::{Origin, Sourced};
use crate::error::{CliError, Result};
use crate::secret::Secret;

/// Where a command sends its requests, with the token it sends.
#[derive(Debug, Clone)]
pub struct Target {
    pub url: Sourced<String>,
    pub token: Sourced<Secret>,
    /// The profile that supplied the token or URL, if one did.
    pub profile: Option<String>,
    /// The local sandbox of `--sandbox`, whose URL changes from run to run.
    pub sandbox: bool,
}

impl Target {
    /// The local sandbox of `--sandbox`, at `url` with its `token`.
    pub fn sandbox(url: &str, token: &str) -> Target {
        Target {
            url: Sourced {
                value: url.to_string(),
                origin: Origin::Sandbox,
            },
            token: Sourced {
                value: Secret::new(token),
                origin: Origin::Sandbox,
            },
            profile: None,
            sandbox: true,
        }
    }

    pub fn record(&self) -> TargetRecord {
        TargetRecord {
            base_url: self.url.value.clone(),
            sandbox: self.sandbox,
            profile: self.profile.clone(),
            token_fingerprint: fingerprint(&self.token.value),
            token_source: self.token.origin.short(),
        }
    }

    /// "qstash.upstash.io (profile eu)", "the local sandbox": for prompts and summaries.
    pub fn describe(&self) -> String {
        self.record().describe()
    }
}

impl TargetRecord {
    /// "qstash.upstash.io (profile eu)", "qstash.upstash.io", "the local sandbox": the server
    /// and profile without where the token came from, for a table with little room.
    pub fn short(&self) -> String {
        if self.sandbox {
            return "the local sandbox".to_string();
        }
        let host = host_of(&self.base_url);
        match &self.profile {
            Some(p) => format!("{host} (profile {p})"),
            None => host,
        }
    }

    /// [`TargetRecord::short`], and where the token came from when no profile says it.
    pub fn describe(&self) -> String {
        match (self.sandbox, &self.profile) {
            (false, None) => format!("{} (token from {})", self.short(), self.token_source),
            _ => self.short(),
        }
    }
}

/// The first 12 hex digits of the token's SHA-256: tells tokens apart, reveals nothing usable.
pub fn fingerprint(token: &Secret) -> String {
    let digest = Sha256::digest(token.expose().as_bytes());
    digest[..6].iter().map(|b| format!("{b:02x}")).collect()
}

/// `host[:port]` of a base URL, or the URL itself (made safe to print: a journal may have
/// been edited) when it does not parse.
pub fn host_of(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => match (u.host_str(), u.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            _ => crate::text::safe(url).into_owned(),
        },
        Err(_) => crate::text::safe(url).into_owned(),
    }
}

/// What the current invocation names explicitly: flags, the environment, an explicitly chosen
/// profile, `--sandbox`. Defaults and the config file's current profile name nothing.
#[derive(Debug, Default)]
pub struct Named<'a> {
    pub sandbox: bool,
    pub url: Option<&'a Sourced<String>>,
    pub token: Option<&'a Sourced<Secret>>,
}

/// Refuses to continue `job` when this invocation names another server or token than the one
/// the job ran against. The refusal is a usage error (exit 2) that names both sides.
/// `again` is the line that does the same on the job's own target, for the refusal to show.
pub fn check_continue(
    job: &str,
    rec: &TargetRecord,
    now: &Named,
    again: &CommandLine,
    places: &Places,
) -> Result<()> {
    let ran = format!("job {job} ran against {}", rec.describe());
    let refuse = |here: String| {
        CliError::usage(format!("{ran}; {here}"))
            .hint(format!(
                "nothing was sent; this line names the job's own server: {}",
                again
            ))
            .hint(format!(
                "`{}` shows the job's target and what is left",
                Aim::local(places).dlq(["jobs", "show", job])
            ))
    };
    if now.sandbox && !rec.sandbox {
        return Err(refuse("--sandbox points at the local sandbox".into()));
    }
    if let Some(url) = now.url {
        let elsewhere = rec.sandbox || normalize(&url.value) != normalize(&rec.base_url);
        if elsewhere && !now.sandbox {
            return Err(refuse(format!(
                "this shell points at {} ({})",
                host_of(&url.value),
                url.origin
            )));
        }
    }
    if let Some(token) = now.token {
        let other = fingerprint(&token.value) != rec.token_fingerprint;
        if (rec.sandbox && !now.sandbox) || (!rec.sandbox && other) {
            return Err(refuse(format!(
                "the token from {} is not the one it ran with",
                token.origin
            )));
        }
    }
    Ok(())
}

fn normalize(url: &str) -> &str {
    url.trim().trim_end_matches('/')
}

/// Refuses a base URL that would send the token where it should not go: anything but https,
/// except plain http to this machine (an IP in 127.0.0.0/8, ::1, or exactly `localhost`), and
/// any URL carrying user info (`http://127.0.0.1@evil.example` is not loopback).
pub fn check_url(url: &str, origin: &Origin, allow_http: bool) -> Result<()> {
    let parsed = url::Url::parse(url).map_err(|e| {
        CliError::usage(format!("base URL {url:?} ({origin}) is not a URL: {e}"))
            .hint("a base URL looks like https://qstash.upstash.io")
    })?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(CliError::usage(format!(
            "base URL {} ({origin}) carries user info before the host; refusing to send the \
             token there",
            crate::text::safe(url)
        )));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(CliError::usage(format!(
            "base URL {url:?} ({origin}) has a query or fragment; give only scheme, host and path"
        )));
    }
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if loopback(&parsed) || allow_http => Ok(()),
        "http" => Err(CliError::usage(format!(
            "refusing plain http to {} ({origin}): the token would travel unencrypted",
            parsed.host_str().unwrap_or("?")
        ))
        .hint("use https://, or set DLQ_ALLOW_HTTP=1 if you really mean it")),
        other => Err(CliError::usage(format!(
            "base URL {url:?} ({origin}) must start with https://, not {other}://"
        ))),
    }
}

fn loopback(u: &url::Url) -> bool {
    match u.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sourced<T>(value: T, origin: Origin) -> Sourced<T> {
        Sourced { value, origin }
    }

    fn record(url: &str, token: &str, sandbox: bool) -> TargetRecord {
        TargetRecord {
            base_url: url.into(),
            sandbox,
            profile: None,
            token_fingerprint: fingerprint(&Secret::new(token)),
            token_source: "QSTASH_TOKEN".into(),
        }
    }

    #[test]
    fn fingerprints_tell_tokens_apart_without_showing_them() {
        let a = fingerprint(&Secret::new("token-a-0123456789"));
        assert_eq!(a.len(), 12);
        assert_ne!(a, fingerprint(&Secret::new("token-b-0123456789")));
        assert!(!a.contains("token"));
    }

    fn check(job: &str, rec: &TargetRecord, now: &Named) -> Result<()> {
        let places = Places::default();
        let again = rec.aim(&places).dlq(["retry", "--continue", job]);
        check_continue(job, rec, now, &again, &places)
    }

    #[test]
    fn continue_refuses_another_server_or_token_and_accepts_the_same() {
        let rec = record("https://a.example", "tok-a", false);
        let env = |k: &str| Origin::Env(k.into());
        let url_b = sourced("https://b.example".to_string(), env("QSTASH_URL"));
        let url_a = sourced("https://a.example/".to_string(), env("QSTASH_URL"));
        let tok_b = sourced(Secret::new("tok-b"), env("QSTASH_TOKEN"));
        let tok_a = sourced(Secret::new("tok-a"), env("QSTASH_TOKEN"));
        let named = |url, token| Named {
            sandbox: false,
            url,
            token,
        };
        let err = check("j", &rec, &named(Some(&url_b), None)).unwrap_err();
        assert!(err.message.contains("b.example"), "{}", err.message);
        let hints = err.hints.join("\n");
        assert!(
            hints.contains("dlq --base-url https://a.example retry --continue j"),
            "{hints}"
        );
        assert!(check("j", &rec, &named(None, Some(&tok_b))).is_err());
        assert!(check("j", &rec, &named(Some(&url_a), Some(&tok_a))).is_ok());
        assert!(check("j", &rec, &named(None, None)).is_ok());
        let sandbox_named = Named {
            sandbox: true,
            ..Named::default()
        };
        assert!(check("j", &rec, &sandbox_named).is_err());
        let local = record("http://127.0.0.1:1", "sbx", true);
        assert!(check("j", &local, &named(Some(&url_a), None)).is_err());
        assert!(check("j", &local, &sandbox_named).is_ok());
    }

    #[test]
    fn only_loopback_may_use_plain_http_and_user_info_is_refused() {
        let o = Origin::Default;
        assert!(check_url("https://qstash.upstash.io", &o, false).is_ok());
        assert!(check_url("http://127.0.0.1:8080", &o, false).is_ok());
        assert!(check_url("http://127.9.9.9:8080", &o, false).is_ok());
        assert!(check_url("http://[::1]:8080", &o, false).is_ok());
        assert!(check_url("http://localhost:8080", &o, false).is_ok());
        assert!(check_url("http://127.0.0.1:1@0.0.0.0:9", &o, false).is_err());
        assert!(check_url("http://127.evil.example", &o, false).is_err());
        assert!(check_url("http://localhost.evil.example", &o, false).is_err());
        assert!(check_url("http://0.0.0.0:9", &o, false).is_err());
        assert!(check_url("https://user:pw@qstash.upstash.io", &o, false).is_err());
        assert!(check_url("http://10.0.0.1", &o, true).is_ok());
        assert!(check_url("ftp://x", &o, true).is_err());
    }
}
