//! A destination URL as dlq shows it: the password of its userinfo hidden (as Go's
//! `URL.Redacted` does, the user kept), and so is the value of every query parameter named
//! like a credential; in a metric label, every query value goes.
//!
//! Parsed by hand, not with `url`: the text is the server's and may be no URL at all, and
//! what is shown must be what was sent (no normalising, no percent-encoding added), only
//! with the secrets cut out.

use std::borrow::Cow;

/// What a hidden password or query value reads as.
pub const HIDDEN_VALUE: &str = "***";

/// Query parameter names (lower case, `_` and `-` ignored) that carry credentials when they
/// contain one of these: `api_key`, `apiKey`, `access_token`, `X-Amz-Signature`, `pwd`...
const SECRET_NAMES: &[&str] = &[
    "key",
    "token",
    "secret",
    "pass",
    "pwd",
    "auth",
    "sig",
    "credential",
    "session",
    "jwt",
];

/// `u` with its userinfo password and its credential-like query values hidden: what a table,
/// a stats report or a JSON summary shows. Untouched (and not copied) when it has neither.
pub fn url(u: &str) -> Cow<'_, str> {
    let masked = rebuild(u, |name, value| {
        if value.is_empty() || !secret_name(name) {
            Cow::Borrowed(value)
        } else {
            Cow::Borrowed(HIDDEN_VALUE)
        }
    });
    if masked == u {
        Cow::Borrowed(u)
    } else {
        Cow::Owned(masked)
    }
}

/// `u` as a metric label value: password hidden, every query value dropped (the names kept,
/// `?api_key=&page=`) and no fragment. Prometheus keeps labels for months, and a value per
/// request id or signature would make a time series of each.
pub fn url_label(u: &str) -> String {
    let no_fragment = u.split_once('#').map_or(u, |(before, _)| before);
    rebuild(no_fragment, |_, _| Cow::Borrowed(""))
}

fn secret_name(name: &str) -> bool {
    let name: String = name
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    SECRET_NAMES.iter().any(|s| name.contains(s))
}

/// `u` with the password hidden and each query value replaced by what `value` says of it.
fn rebuild(u: &str, value: impl for<'v> Fn(&str, &'v str) -> Cow<'v, str>) -> String {
    let (before_fragment, fragment) = match u.find('#') {
        Some(i) => u.split_at(i),
        None => (u, ""),
    };
    let (base, query) = match before_fragment.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (before_fragment, None),
    };
    let mut out = hide_password(base);
    if let Some(q) = query {
        out.push('?');
        let pairs: Vec<String> = q
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, v)) => format!("{name}={}", value(name, v)),
                None => pair.to_string(),
            })
            .collect();
        out.push_str(&pairs.join("&"));
    }
    out.push_str(fragment);
    out
}

/// `scheme://user:pass@host/...` with the password hidden; anything else as it is.
fn hide_password(base: &str) -> String {
    let Some(start) = base.find("://").map(|i| i + 3) else {
        return base.to_string();
    };
    let authority_end = base[start..].find('/').map_or(base.len(), |i| start + i);
    let authority = &base[start..authority_end];
    // The last `@` ends the userinfo: a password may hold an unescaped `@`, a host never.
    let Some(at) = authority.rfind('@') else {
        return base.to_string();
    };
    let userinfo = &authority[..at];
    match userinfo.split_once(':') {
        Some((user, pass)) if !pass.is_empty() => format!(
            "{}{user}:{HIDDEN_VALUE}{}",
            &base[..start],
            &base[start + at..]
        ),
        _ => base.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_and_credential_like_query_values_are_hidden() {
        assert_eq!(
            url("https://user:pa:ss@w0rd@hooks.example/x?api_key=s3cret&page=2&token=&flag"),
            "https://user:***@hooks.example/x?api_key=***&page=2&token=&flag"
        );
        assert_eq!(
            url("https://h.example/x?X-Amz-Signature=abc#top"),
            "https://h.example/x?X-Amz-Signature=***#top"
        );
        // A user alone, an `@` in the path, no URL at all: nothing to hide.
        for same in [
            "https://user@h.example/x",
            "https://h.example/a@b:c",
            "not a url",
            "",
        ] {
            assert!(matches!(url(same), Cow::Borrowed(s) if s == same), "{same}");
        }
    }

    #[test]
    fn a_label_keeps_query_names_and_drops_every_value_and_the_fragment() {
        assert_eq!(
            url_label("https://user:pass@hooks.example/x?api_key=s3cret&page=2&flag#frag"),
            "https://user:***@hooks.example/x?api_key=&page=&flag"
        );
        assert_eq!(url_label("https://h.example/x"), "https://h.example/x");
    }
}
