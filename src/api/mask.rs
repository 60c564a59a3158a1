//! Secrets hidden in what dlq shows: the token in whatever a server sends back, and the
//! credentials a destination URL carries.
//!
//! A server (a proxy, a misconfigured gateway, a hostile one) may echo the `Authorization`
//! header in an error body or a header: `400 bad token Bearer <token>`. Every reply body and
//! every header value the client passes on goes through [`Masker`] first, so no error, debug
//! line, report or journal can carry the token, whatever prints it.
//!
//! Destinations are often called with credentials in the URL (`https://user:pass@host/x` or
//! `?api_key=...`); a table, a stats report or a metric label shows them through [`url`] or
//! [`url_label`] (see `urls`).

use std::borrow::Cow;

mod urls;
pub use urls::{url, url_label, HIDDEN_VALUE};

/// What the token is replaced with.
pub const HIDDEN: &str = "[token hidden]";

/// Tokens shorter than this are not searched for: replacing every `t` of a body would destroy
/// it, and real QStash tokens are dozens of characters long.
pub const MIN_MASKED: usize = 8;

#[derive(Clone)]
pub(crate) struct Masker {
    token: Option<String>,
}

impl Masker {
    pub fn new(token: &str) -> Masker {
        Masker {
            token: (token.len() >= MIN_MASKED).then(|| token.to_string()),
        }
    }

    /// `text` with every occurrence of the token (and so of its `Bearer` form) hidden.
    pub fn text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        match &self.token {
            Some(t) if text.contains(t.as_str()) => Cow::Owned(text.replace(t.as_str(), HIDDEN)),
            _ => Cow::Borrowed(text),
        }
    }

    /// A reply body with the token hidden; untouched (and not copied) when it holds none.
    pub fn bytes(&self, body: bytes::Bytes) -> bytes::Bytes {
        let Some(t) = &self.token else { return body };
        let t = t.as_bytes();
        if find(&body, t).is_none() {
            return body;
        }
        let mut out = Vec::with_capacity(body.len());
        let mut rest = &body[..];
        while let Some(i) = find(rest, t) {
            out.extend_from_slice(&rest[..i]);
            out.extend_from_slice(HIDDEN.as_bytes());
            rest = &rest[i + t.len()..];
        }
        out.extend_from_slice(rest);
        out.into()
    }
}

/// Where `token` first occurs in `body`. Every reply is searched, so text (every API reply)
/// goes through the standard library's substring search: comparing the token at each offset
/// of a 60 kB page cost a bulk run more CPU than parsing it.
fn find(body: &[u8], token: &[u8]) -> Option<usize> {
    match (std::str::from_utf8(body), std::str::from_utf8(token)) {
        (Ok(b), Ok(t)) => b.find(t),
        _ => body.windows(token.len()).position(|w| w == token),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_and_its_bearer_form_are_hidden() {
        let m = Masker::new("secret-token-123");
        assert_eq!(
            m.text("400 bad token Bearer secret-token-123 (secret-token-123)"),
            format!("400 bad token Bearer {HIDDEN} ({HIDDEN})")
        );
        let body = bytes::Bytes::from_static(br#"{"error":"Bearer secret-token-123"}"#);
        let masked = m.bytes(body);
        assert_eq!(
            &masked[..],
            format!(r#"{{"error":"Bearer {HIDDEN}"}}"#).as_bytes()
        );
        assert_eq!(m.text("nothing here"), "nothing here");
        // A token too short to search for leaves text alone.
        assert_eq!(Masker::new("t").text("test"), "test");
    }

    #[test]
    fn every_occurrence_is_hidden_in_text_and_in_bytes_that_are_not_text() {
        let m = Masker::new("secret-token-123");
        let text = bytes::Bytes::from_static(b"secret-token-123 and secret-token-123!");
        assert_eq!(
            &m.bytes(text)[..],
            format!("{HIDDEN} and {HIDDEN}!").as_bytes()
        );
        let binary = bytes::Bytes::from_static(b"\xff\xfesecret-token-123\x00");
        let mut want = b"\xff\xfe".to_vec();
        want.extend_from_slice(HIDDEN.as_bytes());
        want.push(0);
        assert_eq!(&m.bytes(binary)[..], &want[..]);
        let clean = bytes::Bytes::from_static(b"\xffsecret-token-12");
        assert_eq!(&m.bytes(clean.clone())[..], &clean[..]);
    }
}
