//! A new message to publish (`POST /v2/publish/{destination}`, `/v2/enqueue/{queue}/{destination}`):
//! the request `dlq republish` sends for each entry, as it is planned, written to the job and sent.
//!
//! The destination goes into the path as the official SDKs send it, a full URL after
//! `/v2/publish/`, its query string as the request's. The service decodes that path once, so a
//! destination whose path a decode or a URL parser would change (a percent-escape, `\`, a `.`
//! or `..` segment) goes percent-encoded as one segment instead ([`Destination::wire`]): either
//! way the service gets the URL byte for byte. [`Destination::check`] refuses anything that
//! could leave that place (a fragment, whitespace, a scheme other than http(s)) and any name
//! that is not a plain queue or URL group name, before a plan is shown.

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::query::Overrides;

/// Where a message goes: a URL or a URL group, directly or through a queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Destination {
    /// A full `http(s)` URL, or a URL group's name when `group` is set.
    pub to: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub group: bool,
    /// Enqueued on this queue instead of published directly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
}

impl Destination {
    /// In words, for plans: `https://a.example/hook`, `group billing`, `… via queue q`.
    pub fn describe(&self) -> String {
        let to = if self.group {
            format!("URL group {}", self.to)
        } else {
            self.to.clone()
        };
        match &self.queue {
            Some(q) => format!("{to} (queue {q})"),
            None => to,
        }
    }

    /// The destination as it is sent ([`as_sent`]), or why it cannot be sent.
    pub fn checked(mut self) -> Result<Destination, String> {
        if !self.group {
            self.to = as_sent(&self.to)?;
        }
        self.check()?;
        Ok(self)
    }

    /// What follows `/v2/publish/` (or `/v2/enqueue/{queue}/`) in the request: a URL group's
    /// name; or the URL as the SDKs send it, raw, when the service's one decode of the path
    /// gives it back unchanged, and otherwise its part before `?` percent-encoded as one
    /// segment (`https%3A%2F%2Fa.example%2Fa%252Fb`). The query string follows as it is, as
    /// the request's.
    pub fn wire(&self) -> String {
        if self.group {
            return self.to.clone();
        }
        let (path, query) = match self.to.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (self.to.as_str(), None),
        };
        let dot_segment = path.split('/').any(|seg| seg == "." || seg == "..");
        let mut wire = if path.contains(['%', '\\']) || dot_segment {
            percent_encoding::utf8_percent_encode(path, WHOLE).to_string()
        } else {
            path.to_string()
        };
        if let Some(q) = query {
            wire.push('?');
            wire.push_str(q);
        }
        wire
    }

    /// Why this destination cannot be sent as it is, if it cannot.
    pub fn check(&self) -> Result<(), String> {
        if let Some(q) = &self.queue {
            if !valid_name(q) {
                return Err(format!(
                    "queue name {q:?} is not valid: use letters, digits, '-', '.' and '_'"
                ));
            }
        }
        if self.group {
            return match valid_name(&self.to) {
                true => Ok(()),
                false => Err(format!(
                    "URL group name {:?} is not valid: use letters, digits, '-', '.' and '_'",
                    self.to
                )),
            };
        }
        check_url(&self.to)?;
        match self.to.bytes().all(|b| b.is_ascii_graphic()) {
            true => Ok(()),
            false => Err(format!(
                "{:?} holds whitespace or other bytes a request line cannot carry (as a URL \
                 parser writes it: {:?})",
                self.to,
                check_url(&self.to)?
            )),
        }
    }
}

/// Everything but what needs no escape anywhere: a destination's path sent as one segment.
const WHOLE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The URL a message for `url` goes to: `url` itself, byte for byte, when it can travel as it
/// is (an http(s) URL with a host and no fragment, in visible ASCII), as `dlq retry` sends an
/// entry where it was going; otherwise as a URL parser writes it (whitespace and non-ASCII
/// escaped), as any HTTP client would have sent it.
pub fn as_sent(url: &str) -> Result<String, String> {
    let written = check_url(url)?;
    match url.bytes().all(|b| b.is_ascii_graphic()) {
        true => Ok(url.to_string()),
        false => Ok(written),
    }
}

/// A queue or URL group name as QStash accepts them.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 200
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
}

/// A destination URL as it goes into a request path, written as a URL parser writes it (so
/// nothing in it needs escaping): `http(s)`, a host, no fragment; or why it cannot be one.
pub fn check_url(url: &str) -> Result<String, String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("{url:?} is not a URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(format!("{url:?} is not an http(s) URL with a host"));
    }
    if parsed.fragment().is_some() {
        return Err(format!(
            "{url:?} has a #fragment, which is never sent to a server"
        ));
    }
    Ok(parsed.as_str().to_string())
}

/// Why a forwarded header cannot be sent as it is, if it cannot.
pub fn check_header(name: &str, value: &str) -> Result<(), String> {
    let forwarded = format!("Upstash-Forward-{name}");
    reqwest::header::HeaderName::from_bytes(forwarded.as_bytes())
        .map_err(|_| format!("{name:?} is not a valid header name"))?;
    reqwest::header::HeaderValue::from_str(value)
        .map_err(|_| format!("the value of header {name} is not a valid header value"))?;
    Ok(())
}

/// One message to publish, complete: `dlq republish` freezes these in the job before sending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Outgoing {
    pub destination: Destination,
    /// The headers the destination receives, `Content-Type` among them; the others travel as
    /// `Upstash-Forward-<name>`.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// The body as text, when it is UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The body in base64, when it is not UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
    /// `Upstash-Deduplication-Id`: a re-send of the same message within the service's window is
    /// answered with the first one's id and not delivered again.
    pub deduplication_id: String,
    /// The message's settings: method, retries, callbacks, labels, flow control, delay.
    #[serde(default)]
    pub config: Overrides,
}

impl Outgoing {
    /// The body's bytes.
    pub fn body_bytes(&self) -> Vec<u8> {
        match (&self.body, &self.body_base64) {
            (Some(t), _) => t.as_bytes().to_vec(),
            (None, Some(b)) => base64::engine::general_purpose::STANDARD
                .decode(b)
                .unwrap_or_default(),
            (None, None) => Vec::new(),
        }
    }

    /// Sets the body from bytes: text when it is UTF-8, base64 otherwise.
    pub fn set_body(&mut self, bytes: Vec<u8>) {
        match String::from_utf8(bytes) {
            Ok(t) => {
                self.body = Some(t);
                self.body_base64 = None;
            }
            Err(e) => {
                self.body = None;
                self.body_base64 =
                    Some(base64::engine::general_purpose::STANDARD.encode(e.into_bytes()));
            }
        }
    }

    /// This message as one item of `POST /v2/batch` (`{destination, headers, body, queue}`,
    /// the settings and the deduplication id among its headers), or `None` when an item cannot
    /// carry it exactly as a publish of its own would: a body that is not UTF-8 (an item's
    /// body is a JSON string) or a header given twice (an item's headers are an object). The
    /// destination goes as written: a JSON string is never path-decoded.
    pub fn batch_item(&self) -> Option<serde_json::Value> {
        if self.body.is_none() && self.body_base64.is_some() || self.destination.check().is_err() {
            return None;
        }
        let mut headers = serde_json::Map::new();
        let settings = self
            .config
            .headers()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v));
        for (k, v) in settings.chain(self.named_headers()) {
            let twice = headers.keys().any(|h| h.eq_ignore_ascii_case(&k));
            if twice {
                return None;
            }
            headers.insert(k, serde_json::Value::String(v));
        }
        let mut item = serde_json::json!({
            "destination": self.destination.to,
            "headers": headers,
            "body": self.body.clone().unwrap_or_default(),
        });
        if let Some(q) = &self.destination.queue {
            item["queue"] = serde_json::Value::String(q.clone());
        }
        Some(item)
    }

    /// The request headers: forwarded headers under `Upstash-Forward-`, `Content-Type` as it is,
    /// the deduplication id; the settings come from [`Overrides::headers`].
    pub fn named_headers(&self) -> Vec<(String, String)> {
        let mut h: Vec<(String, String)> = self
            .headers
            .iter()
            .map(|(k, v)| match k.eq_ignore_ascii_case("content-type") {
                true => ("Content-Type".to_string(), v.clone()),
                false => (format!("Upstash-Forward-{k}"), v.clone()),
            })
            .collect();
        h.push((
            "Upstash-Deduplication-Id".into(),
            self.deduplication_id.clone(),
        ));
        h
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_http_urls_and_names_pass() {
        assert_eq!(
            check_url("https://a.example/hook?x=1").unwrap(),
            "https://a.example/hook?x=1"
        );
        assert!(check_url("https://a.example/hook#frag").is_err());
        assert!(check_url("ftp://a.example/").is_err());
        assert!(check_url("/relative").is_err());
        // Written as sent: nothing left that would need escaping in a path.
        assert_eq!(
            check_url("https://A.example").unwrap(),
            "https://a.example/"
        );
        assert_eq!(
            check_url("https://a.example/a b").unwrap(),
            "https://a.example/a%20b"
        );
        let spaced = Destination {
            to: "https://a.example/a b".into(),
            group: false,
            queue: None,
        };
        assert!(spaced.check().is_err());
        assert_eq!(spaced.checked().unwrap().to, "https://a.example/a%20b");
        assert!(valid_name("billing-v2.eu_1"));
        assert!(!valid_name("../x"));
        assert!(!valid_name(""));
        let d = Destination {
            to: "../../v2/keys".into(),
            group: true,
            queue: None,
        };
        assert!(d.check().is_err());
    }

    #[test]
    fn a_url_is_sent_as_it_was_written_and_reaches_the_service_unchanged() {
        let d = |to: &str| Destination {
            to: to.into(),
            group: false,
            queue: None,
        };
        for exact in [
            "https://a.example",
            "https://A.example:443/a%2Fb/c%20d?x=%41",
            "https://a.example/x/../y",
        ] {
            assert_eq!(d(exact).checked().unwrap().to, exact);
        }
        // As the SDKs send it, when the service's decode gives it back.
        assert_eq!(
            d("https://a.example/hook?tenant=7&x=%41").wire(),
            "https://a.example/hook?tenant=7&x=%41"
        );
        // Otherwise the path goes as one encoded segment, the query as it is.
        let wire = d("https://a.example/a%2Fb/c%20d?x=%41").wire();
        assert_eq!(wire, "https%3A%2F%2Fa.example%2Fa%252Fb%2Fc%2520d?x=%41");
        let decoded = percent_encoding::percent_decode_str(wire.split('?').next().unwrap())
            .decode_utf8()
            .unwrap();
        assert_eq!(decoded, "https://a.example/a%2Fb/c%20d");
        assert_eq!(
            d("https://a.example/x/../../v2/keys").wire(),
            "https%3A%2F%2Fa.example%2Fx%2F..%2F..%2Fv2%2Fkeys"
        );
        assert_eq!(
            d("https://a.example/a\\b").wire(),
            "https%3A%2F%2Fa.example%2Fa%5Cb"
        );
        let group = Destination {
            to: "billing".into(),
            group: true,
            queue: None,
        };
        assert_eq!(group.wire(), "billing");
    }

    #[test]
    fn a_body_round_trips_as_text_or_base64() {
        let mut o = Outgoing {
            destination: Destination {
                to: "https://a.example/".into(),
                group: false,
                queue: None,
            },
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: None,
            body_base64: None,
            deduplication_id: "d".into(),
            config: Overrides::default(),
        };
        o.set_body(vec![0xff, 0x00, 0x01]);
        assert!(o.body.is_none());
        assert_eq!(o.body_bytes(), vec![0xff, 0x00, 0x01]);
        o.set_body(b"{\"a\":1}".to_vec());
        assert_eq!(o.body.as_deref(), Some("{\"a\":1}"));
        let h = o.named_headers();
        assert!(h.contains(&("Content-Type".into(), "application/json".into())));
        assert!(h.contains(&("Upstash-Deduplication-Id".into(), "d".into())));
    }

    #[test]
    fn a_batch_item_carries_what_a_publish_of_its_own_would_or_is_not_made() {
        let mut o = Outgoing {
            destination: Destination {
                to: "https://a.example/a%2Fb?x=1".into(),
                group: false,
                queue: Some("slow".into()),
            },
            headers: vec![
                ("Content-Type".into(), "text/plain".into()),
                ("X-Keep".into(), "kept".into()),
            ],
            body: Some("hi".into()),
            body_base64: None,
            deduplication_id: "dlq-republish-1-0".into(),
            config: Overrides {
                retries: Some(2),
                ..Overrides::default()
            },
        };
        let item = o.batch_item().unwrap();
        // The URL as written: a JSON string is not path-decoded, so nothing is encoded.
        assert_eq!(item["destination"], "https://a.example/a%2Fb?x=1");
        assert_eq!(item["queue"], "slow");
        assert_eq!(item["body"], "hi");
        assert_eq!(item["headers"]["Upstash-Retries"], "2");
        assert_eq!(item["headers"]["Upstash-Forward-X-Keep"], "kept");
        assert_eq!(item["headers"]["Content-Type"], "text/plain");
        assert_eq!(
            item["headers"]["Upstash-Deduplication-Id"],
            "dlq-republish-1-0"
        );
        // A header twice cannot be an object's key twice: sent alone.
        o.headers.push(("x-keep".into(), "again".into()));
        assert!(o.batch_item().is_none());
        o.headers.pop();
        // Nor can a body that is not UTF-8 be a JSON string.
        o.set_body(vec![0xff]);
        assert!(o.batch_item().is_none());
    }
}
