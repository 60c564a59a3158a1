//! `--rewrite-url FROM=TO` rules, and the one test of whether a URL lies under a prefix
//! ([`Prefix::remainder`]) that every rule, and the triage session's `OLD=NEW`, goes through.
//!
//! A prefix matches at a boundary only, never inside a host or a path segment: its origin
//! (scheme, user info, host, port) is compared as a URL parser reads it, so `HTTPS://API.example`
//! and `https://api.example:443` are the same origin and `https://api.example.com.evil.net` is
//! not `https://api.example.com`; its path must end where a segment does (`/v1` matches `/v1`,
//! `/v1/…` and `/v1?…`, not `/v10`). What follows the match in the entry's URL is kept byte for
//! byte, percent-escapes included.

/// Where a prefix matches: an origin, and a path under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefix {
    origin: Origin,
    /// The path as a URL parser writes it, without its trailing `/`: empty for a whole origin.
    path: String,
}

/// What makes two URLs one origin here; the user info too, so a rule never carries one
/// account's credentials to another's URLs.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Origin {
    scheme: String,
    user: String,
    password: Option<String>,
    host: url::Host<String>,
    port: Option<u16>,
}

impl Origin {
    fn of(u: &url::Url) -> Option<Origin> {
        Some(Origin {
            scheme: u.scheme().to_string(),
            user: u.username().to_string(),
            password: u.password().map(String::from),
            host: u.host()?.to_owned(),
            port: u.port_or_known_default(),
        })
    }
}

impl Prefix {
    /// A prefix as the user gave it: an http(s) URL with a host and perhaps a path; a query or
    /// a fragment is refused, as a rule matches origins and paths only.
    pub fn parse(s: &str) -> Result<Prefix, String> {
        let u = http_url(s)?;
        if u.query().is_some() {
            return Err(format!(
                "{s:?} has a query (?…): a rule matches an origin or a path, and keeps each \
                 URL's own query"
            ));
        }
        let origin = Origin::of(&u).ok_or_else(|| format!("{s:?} has no host"))?;
        Ok(Prefix {
            origin,
            path: u.path().trim_end_matches('/').to_string(),
        })
    }

    /// Where the rest of `url` begins when `url` lies under this prefix: after its origin and
    /// the prefix's path, at a boundary (the end, `/`, `?` or `#`). `None` when it does not.
    pub fn remainder(&self, url: &str) -> Option<usize> {
        let after_scheme = url.find("://")? + 3;
        let end = url[after_scheme..]
            .find(['/', '?', '#'])
            .map_or(url.len(), |i| after_scheme + i);
        let origin = url::Url::parse(&format!("{}/", &url[..end])).ok()?;
        // Nothing of the authority may have been read as a path (`\`) or anything else.
        if origin.path() != "/" || origin.query().is_some() || origin.fragment().is_some() {
            return None;
        }
        if Origin::of(&origin)? != self.origin {
            return None;
        }
        let rest = url[end..].strip_prefix(self.path.as_str())?;
        match rest.bytes().next() {
            None | Some(b'/' | b'?' | b'#') => Some(url.len() - rest.len()),
            Some(_) => None,
        }
    }
}

/// One `--rewrite-url FROM=TO` rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub from: Prefix,
    /// TO as a URL parser writes it, without a trailing `/`; what follows FROM is appended.
    to: String,
    /// FROM and TO as the plan shows them (a password masked).
    pub shown_from: String,
    pub shown_to: String,
}

impl Rule {
    /// `FROM=TO`: both http(s) URLs with a host, neither with a query or a fragment.
    pub fn parse(s: &str) -> Result<Rule, String> {
        let Some((from, to)) = s.split_once('=') else {
            return Err(format!(
                "{s:?} is not FROM=TO, like https://old.example=https://new.example"
            ));
        };
        let (from, to) = (from.trim(), to.trim());
        if from.is_empty() {
            return Err("FROM is empty: give the origin or path to rewrite".into());
        }
        let prefix = Prefix::parse(from).map_err(|e| format!("FROM {e}"))?;
        let new = http_url(to).map_err(|e| format!("TO {e}"))?;
        if new.query().is_some() {
            return Err(format!(
                "TO {to:?} has a query (?…): each URL keeps its own query"
            ));
        }
        let to = new.as_str().trim_end_matches('/').to_string();
        Ok(Rule {
            shown_from: masked(&http_url(from)?),
            shown_to: masked(&new),
            from: prefix,
            to,
        })
    }

    /// `url` rewritten, if this rule matches it: TO, then the rest of `url` as it was.
    pub fn apply(&self, url: &str) -> Option<String> {
        let at = self.from.remainder(url)?;
        Some(format!("{}{}", self.to, &url[at..]))
    }
}

/// `s` parsed as an http(s) URL with a host and no fragment.
fn http_url(s: &str) -> Result<url::Url, String> {
    let u = url::Url::parse(s).map_err(|e| format!("{s:?} is not a URL: {e}"))?;
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() {
        return Err(format!("{s:?} is not an http(s) URL with a host"));
    }
    if u.fragment().is_some() {
        return Err(format!("{s:?} has a #fragment, which no server receives"));
    }
    Ok(u)
}

/// A URL as a plan shows it: without a trailing `/`, a password as `***`.
fn masked(u: &url::Url) -> String {
    let mut u = u.clone();
    if u.password().is_some() {
        let _ = u.set_password(Some("***"));
    }
    u.as_str().trim_end_matches('/').to_string()
}

/// The host and port of `url` as the entry wrote them (`API.example.com:443`), without any user
/// info, for the plan's list of the hosts a rule matched; `None` when it has none.
pub fn host_of(url: &str) -> Option<String> {
    let after_scheme = url.find("://")? + 3;
    let authority = url[after_scheme..]
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    (!host.is_empty()).then(|| host.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(s: &str) -> Rule {
        Rule::parse(s).unwrap()
    }

    #[test]
    fn an_origin_matches_only_a_whole_origin() {
        let r = rule("https://api.example.com=https://new.example.org");
        assert_eq!(
            r.apply("https://api.example.com/hook").as_deref(),
            Some("https://new.example.org/hook")
        );
        assert_eq!(
            r.apply("https://api.example.com").as_deref(),
            Some("https://new.example.org")
        );
        assert_eq!(
            r.apply("https://api.example.com?x=1").as_deref(),
            Some("https://new.example.org?x=1")
        );
        for other in [
            "https://api.example.com.evil.net/hook",
            "https://api.example.community/x",
            "https://api.example.com:8443/x",
            "http://api.example.com/x",
            "https://api.example.com@evil.net/x",
            "https://evil.net/https://api.example.com/x",
            "https://api.example.com\\@evil.net/x",
            "not a url",
        ] {
            assert_eq!(r.apply(other), None, "{other}");
        }
    }

    #[test]
    fn case_and_default_ports_are_read_as_a_url_parser_reads_them() {
        let r = rule("HTTPS://API.Example.com:443=https://new.example.org");
        for same in [
            "https://api.example.com/x",
            "HTTPS://api.EXAMPLE.com:443/x",
            "https://api.example.com:443/x",
        ] {
            assert_eq!(
                r.apply(same).as_deref(),
                Some("https://new.example.org/x"),
                "{same}"
            );
        }
        let r = rule("http://a.example:8080=http://b.example");
        assert!(r.apply("http://a.example:8080/x").is_some());
        assert!(r.apply("http://a.example/x").is_none());
        assert!(r.apply("http://a.example:80/x").is_none());
    }

    #[test]
    fn a_path_matches_at_a_segment_boundary() {
        let r = rule("https://a.example/v1=https://a.example/v2");
        assert_eq!(
            r.apply("https://a.example/v1/b").as_deref(),
            Some("https://a.example/v2/b")
        );
        assert_eq!(
            r.apply("https://a.example/v1").as_deref(),
            Some("https://a.example/v2")
        );
        assert_eq!(
            r.apply("https://a.example/v1?x=%41").as_deref(),
            Some("https://a.example/v2?x=%41")
        );
        assert_eq!(r.apply("https://a.example/v10/b"), None);
        assert_eq!(r.apply("https://a.example/V1/b"), None, "paths keep case");
        assert_eq!(r.apply("https://a.example/"), None);
        // A trailing slash on either side changes nothing.
        let r = rule("https://a.example/v1/=https://a.example/v2/");
        assert_eq!(
            r.apply("https://a.example/v1/b").as_deref(),
            Some("https://a.example/v2/b")
        );
        assert_eq!(r.apply("https://a.example/v10/b"), None);
        let r = rule("https://a.example/=https://b.example/");
        assert_eq!(
            r.apply("https://a.example/x").as_deref(),
            Some("https://b.example/x")
        );
    }

    #[test]
    fn the_rest_is_kept_byte_for_byte() {
        let r = rule("https://a.example=https://b.example/in");
        assert_eq!(
            r.apply("https://a.example/a%2Fb/c%20d/./e?x=%41&y=a+b")
                .as_deref(),
            Some("https://b.example/in/a%2Fb/c%20d/./e?x=%41&y=a+b")
        );
    }

    #[test]
    fn ipv6_hosts_and_user_info() {
        let r = rule("http://[::1]:9000=http://[2001:db8::1]");
        assert_eq!(
            r.apply("http://[0:0::1]:9000/x").as_deref(),
            Some("http://[2001:db8::1]/x")
        );
        assert_eq!(r.apply("http://[::2]:9000/x"), None);
        assert_eq!(r.apply("http://[::1]/x"), None);
        // The user info is part of the origin: a rule carries no credentials elsewhere.
        let r = rule("https://u:p@a.example=https://b.example");
        assert!(r.apply("https://u:p@a.example/x").is_some());
        assert!(r.apply("https://a.example/x").is_none());
        assert!(r.apply("https://u:q@a.example/x").is_none());
        assert!(rule("https://a.example=https://b.example")
            .apply("https://u:p@a.example/x")
            .is_none());
        assert_eq!(r.shown_from, "https://u:***@a.example");
    }

    #[test]
    fn what_a_rule_cannot_be_is_refused() {
        for (bad, says) in [
            ("https://a.example", "FROM=TO"),
            ("=https://b.example", "FROM is empty"),
            ("https://a.example=b.example", "TO"),
            ("https://a.example/x?k=1=https://b.example", "has a query"),
            ("https://a.example=https://b.example/?k=1", "has a query"),
            ("https://a.example#f=https://b.example", "#fragment"),
            ("ftp://a.example=https://b.example", "http(s)"),
            ("https://=https://b.example", "FROM"),
        ] {
            let err = Rule::parse(bad).unwrap_err();
            assert!(err.contains(says), "{bad}: {err}");
        }
    }

    #[test]
    fn hosts_are_shown_as_written_without_user_info() {
        assert_eq!(
            host_of("https://API.example.com:443/x").as_deref(),
            Some("API.example.com:443")
        );
        assert_eq!(
            host_of("https://u:p@a.example?x").as_deref(),
            Some("a.example")
        );
        assert_eq!(host_of("http://[::1]:9/").as_deref(), Some("[::1]:9"));
        assert_eq!(host_of("nope"), None);
    }
}
