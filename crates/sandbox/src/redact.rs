//! `Upstash-Redact-Fields` (OAQ publish): which parts of a message the API shows only as
//! `REDACTED:<SHA256>`. The message keeps its real values and is delivered with them; only
//! what the API answers (the logs, the DLQ entry it lands in) is redacted.
//!
//! The SDKs send `body`, `header` (every header) and `header[NAME]`; OAQ's table and the
//! "Redact Private Data" guide say `headers` and `headers[NAME]`, so those are taken too.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::wire::{base64, text_or_base64, Entry, Headers, LogEntry};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Redact {
    #[serde(default)]
    pub body: bool,
    /// Every header.
    #[serde(default)]
    pub headers: bool,
    /// These headers, lower-cased.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<String>,
}

/// What a redacted value shows: its SHA-256, in lower-case hex, so equal values can still be
/// told equal without being seen.
pub fn marker(value: &[u8]) -> String {
    let digest = Sha256::digest(value);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("REDACTED:{hex}")
}

impl Redact {
    /// Parses `body, header[Authorization]`; an unknown part is an error naming the forms.
    pub fn parse(v: &str) -> Result<Redact, String> {
        let mut r = Redact::default();
        for part in v.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part {
                "body" => r.body = true,
                "header" | "headers" => r.headers = true,
                p => match p
                    .strip_prefix("header[")
                    .or_else(|| p.strip_prefix("headers["))
                    .and_then(|n| n.strip_suffix(']'))
                    .filter(|n| !n.trim().is_empty())
                {
                    Some(name) => r.names.push(name.trim().to_ascii_lowercase()),
                    None => {
                        return Err(format!(
                            "Upstash-Redact-Fields: unknown field {p:?}: use body, header or \
                             header[NAME], comma-separated"
                        ))
                    }
                },
            }
        }
        Ok(r)
    }

    fn header_redacted(&self, name: &str) -> bool {
        self.headers || self.names.iter().any(|n| n.eq_ignore_ascii_case(name))
    }

    pub fn headers(&self, h: &Headers) -> Headers {
        h.iter()
            .map(|(k, vs)| {
                let vs = if self.header_redacted(k) {
                    vs.iter().map(|v| marker(v.as_bytes())).collect()
                } else {
                    vs.clone()
                };
                (k.clone(), vs)
            })
            .collect()
    }

    /// A DLQ entry as the API shows it.
    pub fn entry(&self, e: &Entry) -> Entry {
        let mut out = e.clone();
        out.header = self.headers(&e.header);
        if self.body && (e.body.is_some() || e.body_base64.is_some()) {
            (out.body, out.body_base64) = text_or_base64(marker(&e.body_bytes()).as_bytes());
        }
        out
    }

    /// A log entry as the API shows it: its body is base64 there, so a redacted body is the
    /// marker, base64-encoded like any other.
    pub fn log(&self, mut e: LogEntry, body: &[u8]) -> LogEntry {
        e.header = self.headers(&e.header);
        if self.body && e.body.is_some() {
            e.body = Some(base64(marker(body).as_bytes()));
        }
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sdk_and_openapi_forms_parse_and_others_are_refused() {
        let r = Redact::parse("body, header[Authorization],header[X-Key]").unwrap();
        assert!(r.body && !r.headers);
        assert_eq!(r.names, ["authorization", "x-key"]);
        assert!(Redact::parse("header").unwrap().headers);
        assert!(Redact::parse("headers").unwrap().headers);
        assert_eq!(Redact::parse("headers[X-A]").unwrap().names, ["x-a"]);
        for bad in ["bodies", "header[]", "header[a", "url"] {
            assert!(Redact::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_the_named_parts_are_replaced_by_their_hash() {
        let h: Headers = [
            ("Authorization".to_string(), vec!["Bearer s".to_string()]),
            ("X-Keep".to_string(), vec!["v".to_string()]),
        ]
        .into();
        let r = Redact::parse("header[authorization]").unwrap();
        let out = r.headers(&h);
        assert_eq!(out["Authorization"], [marker(b"Bearer s")]);
        assert_eq!(out["X-Keep"], ["v"]);
        assert_eq!(
            marker(b"abc"),
            "REDACTED:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let e = Entry {
            body: Some("secret".into()),
            header: h,
            ..Entry::default()
        };
        let shown = Redact::parse("body").unwrap().entry(&e);
        assert_eq!(shown.body.unwrap(), marker(b"secret"));
        assert_eq!(shown.header["Authorization"], ["Bearer s"]);
        let every = Redact::parse("header").unwrap().entry(&e);
        assert_eq!(every.header["X-Keep"], [marker(b"v")]);
        assert_eq!(every.body.as_deref(), Some("secret"));
    }
}
