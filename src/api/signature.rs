//! The failure signature of an entry: what the endpoint answered, with what varies from one
//! failure to the next taken out, so that `upstream timeout after 3012 ms (order o-17)` and
//! `upstream timeout after 2999 ms (order o-90)` read the same. `dlq stats --by response`
//! groups by it and `--signature TEXT` selects by it (checked on our side, in
//! [`super::Filter::matches`]), so the one function here decides both: a group's selector
//! selects exactly the group.
//!
//! A signature is the status, then the body reduced to one line of at most [`MAX_CHARS`]
//! characters:
//! - text: its first non-empty line; numbers become `<n>` (`<n>ms` keeps a unit), ids
//!   (UUIDs, ULIDs, hex, and words mixing letters and digits: `o-1`, `req_9f2c`; not one-piece
//!   words of up to three characters like `v2`, nor names like `utf-8`) `<id>`,
//!   RFC 3339 timestamps `<time>`, quoted values `<q>`; a number equal to the status stays;
//!   URLs lose their credentials and query values (as metric labels do, `mask::url_label`).
//! - JSON: keys sorted, each value normalised; numbers are `<n>`, and the values of volatile
//!   keys (ids, times, durations, attempts: see [`volatile`]) `<id>` or `<time>` (`<n>` when
//!   the value is a number).
//! - HTML: the page's `<title>` (else its first `<h1>`, else its text), marked `[html]`.
//! - none: `[empty]`; a body that is not UTF-8, `[binary]`; no answer at all, `[no response]`.
//!
//! The text is already safe to print (controls and invisible characters escaped, as
//! `text::safe` does), so a table, a metric label and a `--signature` argument all carry it
//! as it is.

use base64::Engine;
use serde_json::Value;

use super::types::Entry;

/// The longest signature, in characters; a longer one is cut and ends with `…`.
pub const MAX_CHARS: usize = 160;

/// How deep a JSON body is followed; deeper values read `…`.
const MAX_DEPTH: usize = 6;

/// The signature of an entry's last answer.
pub fn of_entry(e: &Entry) -> String {
    of(
        e.response_status,
        e.response_body.as_deref(),
        e.response_body_base64.as_deref(),
    )
}

/// The signature of an answer: its status and its body (as text, or base64 when the server
/// sent it so).
pub fn of(status: Option<i64>, body: Option<&str>, body_base64: Option<&str>) -> String {
    let decoded;
    let body = match (body, body_base64) {
        (Some(b), _) => Some(Body::Text(b)),
        (None, Some(b64)) => {
            decoded = base64::engine::general_purpose::STANDARD.decode(b64.trim());
            match decoded.as_deref().map(std::str::from_utf8) {
                Ok(Ok(text)) => Some(Body::Text(text)),
                _ => Some(Body::Binary),
            }
        }
        (None, None) => None,
    };
    let reduced = match body {
        None if status.is_none() => return "[no response]".into(),
        None => "[empty]".to_string(),
        Some(Body::Binary) => "[binary]".to_string(),
        Some(Body::Text(t)) => reduce(t.trim(), status),
    };
    let whole = match status {
        Some(s) => format!("{s} {reduced}"),
        None => format!("no status {reduced}"),
    };
    let safe = crate::text::safe(&whole).into_owned();
    crate::text::truncate(&safe, MAX_CHARS).into_owned()
}

enum Body<'a> {
    Text(&'a str),
    Binary,
}

/// A body's one line: JSON by its shape, HTML by its title, else its first line of text.
fn reduce(body: &str, status: Option<i64>) -> String {
    if body.is_empty() {
        return "[empty]".into();
    }
    if body.starts_with('{') || body.starts_with('[') {
        if let Ok(v) = serde_json::from_str::<Value>(body) {
            return json(&v, status, 0);
        }
    }
    if let Some(text) = html_text(body) {
        return format!("[html] {}", text_line(&text, status));
    }
    let first = body.lines().map(str::trim).find(|l| !l.is_empty());
    text_line(first.unwrap_or(""), status)
}

/// Keys of times (compared in lower case, without `_` and `-`), besides any key ending in
/// `At`/`_at`/`Time`: their values read `<time>`.
const TIME_KEYS: &[&str] = &[
    "timestamp",
    "time",
    "ts",
    "date",
    "datetime",
    "now",
    "created",
];

/// Other keys whose values change from one failure to the next (compared as [`TIME_KEYS`]),
/// besides any key ending in `Id`/`_id`/`ID`: their values read `<id>`.
const VOLATILE: &[&str] = &[
    "id",
    "requestid",
    "traceid",
    "spanid",
    "correlationid",
    "nonce",
    "updated",
    "expires",
    "elapsed",
    "duration",
    "durationms",
    "took",
    "latency",
    "attempt",
    "attempts",
    "retryafter",
];

/// What a volatile key's value reads as: `<time>` for time keys, `<id>` for the others; `None`
/// for a key whose value is kept (normalised).
pub fn volatile(key: &str) -> Option<&'static str> {
    let plain: String = key
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    let timeish = TIME_KEYS.contains(&plain.as_str())
        || key.ends_with("At")
        || key.ends_with("_at")
        || key.ends_with("Time");
    let idish =
        key.ends_with("Id") || key.ends_with("ID") || key.ends_with("_id") || key.ends_with("-id");
    if timeish {
        Some("<time>")
    } else if idish || VOLATILE.contains(&plain.as_str()) {
        Some("<id>")
    } else {
        None
    }
}

/// A JSON value in one line: objects by their sorted keys, strings normalised as text,
/// numbers `<n>`, volatile keys' values their placeholder.
fn json(v: &Value, status: Option<i64>, depth: usize) -> String {
    if depth > MAX_DEPTH {
        return "…".into();
    }
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let fields: Vec<String> = keys
                .into_iter()
                .map(|k| {
                    let value = match (volatile(k), &map[k]) {
                        (_, Value::Null) => "null".to_string(),
                        // A count or a duration is a number, whatever its key says.
                        (Some("<id>"), Value::Number(_)) => "<n>".to_string(),
                        (Some(p), _) => p.to_string(),
                        _ => json(&map[k], status, depth + 1),
                    };
                    format!("{k}:{value}")
                })
                .collect();
            format!("{{{}}}", fields.join(","))
        }
        Value::Array(items) => {
            let mut shown: Vec<String> = items.iter().map(|i| json(i, status, depth + 1)).collect();
            // A list of ten failed ids is the same failure as a list of three.
            shown.dedup();
            format!("[{}]", shown.join(","))
        }
        Value::String(s) => format!("\"{}\"", text_line(s, status)),
        Value::Number(_) => "<n>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
    }
}

/// The readable text of an HTML page: its title, else its first `<h1>`, else all its text.
/// `None` when the body is not HTML.
fn html_text(body: &str) -> Option<String> {
    let lower = body.to_ascii_lowercase();
    let page = lower.starts_with("<!doctype html")
        || lower.starts_with("<html")
        || lower.starts_with("<head")
        || lower.starts_with("<body");
    if !page {
        return None;
    }
    let inner = |tag: &str| {
        let open = lower.find(&format!("<{tag}"))?;
        let start = open + lower[open..].find('>')? + 1;
        let end = start + lower[start..].find(&format!("</{tag}"))?;
        Some(strip_tags(&body[start..end]))
    };
    let text = inner("title")
        .filter(|t| !t.trim().is_empty())
        .or_else(|| inner("h1").filter(|t| !t.trim().is_empty()))
        .unwrap_or_else(|| strip_tags(body));
    Some(text)
}

/// Text without its tags, a few entities decoded, whitespace as single spaces.
fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One line of text with what varies replaced: see the module's doc.
pub fn text_line(s: &str, status: Option<i64>) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let boundary = i == 0 || !chars[i - 1].is_alphanumeric();
        if c.is_whitespace() {
            if !out.ends_with(' ') && !out.is_empty() {
                out.push(' ');
            }
            i += 1;
        } else if let Some(n) = boundary.then(|| timestamp(&chars[i..])).flatten() {
            out.push_str("<time>");
            i += n;
        } else if let Some(n) = boundary.then(|| url(&chars[i..])).flatten() {
            let u: String = chars[i..i + n].iter().collect();
            out.push_str(&url_text(&u, status));
            i += n;
        } else if let Some(n) = boundary.then(|| quoted(&chars[i..])).flatten() {
            out.push_str("<q>");
            i += n;
        } else if is_word_char(c) {
            let mut end = i;
            while end < chars.len() && is_word_char(chars[end]) {
                end += 1;
            }
            // Sentence punctuation ends a word: `failed at step 3.` keeps its full stop.
            while end > i + 1 && matches!(chars[end - 1], '.' | '-' | '_') {
                end -= 1;
            }
            let w: String = chars[i..end].iter().collect();
            out.push_str(&word(&w, status));
            i = end;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out.trim_end().to_string()
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.')
}

/// Words that mix letters and digits but name a thing, not an instance.
const KEPT_WORDS: &[&str] = &[
    "utf-8",
    "utf8",
    "utf-16",
    "sha1",
    "sha-1",
    "sha256",
    "sha-256",
    "sha512",
    "base64",
    "ipv4",
    "ipv6",
    "http2",
    "oauth2",
    "x509",
    "iso-8859-1",
];

/// Units a number may carry: `3012ms` reads `<n>ms`.
const UNITS: &[&str] = &[
    "ms", "us", "ns", "s", "m", "h", "d", "b", "kb", "mb", "gb", "k", "x",
];

/// One word: a number, an id, or kept.
fn word(w: &str, status: Option<i64>) -> String {
    if status.is_some_and(|s| w == s.to_string()) {
        return w.to_string();
    }
    let digits = w.chars().filter(char::is_ascii_digit).count();
    if digits == 0 {
        return w.to_string();
    }
    let numeric = w.chars().all(|c| c.is_ascii_digit() || c == '.');
    if numeric {
        return "<n>".into();
    }
    let lead = w
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .count();
    let unit = &w[lead..];
    if lead > 0 && UNITS.contains(&unit.to_ascii_lowercase().as_str()) {
        return format!("<n>{unit}");
    }
    if KEPT_WORDS.contains(&w.to_ascii_lowercase().as_str()) {
        return w.to_string();
    }
    // `o-1` is an id like `o-17`; a short word of one piece (`v2`, `s3`) names a thing.
    let pieces = w.contains(['-', '_', '.']);
    if !pieces && w.chars().count() <= 3 {
        return w.to_string();
    }
    "<id>".into()
}

/// The length of an RFC 3339 timestamp (or its `YYYY-MM-DD[ hh:mm[:ss[.f]]][zone]` relatives)
/// at the start of `c`.
fn timestamp(c: &[char]) -> Option<usize> {
    let digit = |i: usize| c.get(i).is_some_and(char::is_ascii_digit);
    let is = |i: usize, ch: char| c.get(i) == Some(&ch);
    let date = (0..4).all(digit) && is(4, '-') && digit(5) && digit(6) && is(7, '-');
    if !(date && digit(8) && digit(9)) {
        return None;
    }
    let mut n = 10;
    let clock = (is(n, 'T') || is(n, ' ') || is(n, 't'))
        && digit(n + 1)
        && digit(n + 2)
        && is(n + 3, ':')
        && digit(n + 4)
        && digit(n + 5);
    if !clock {
        return Some(n);
    }
    n += 6;
    if is(n, ':') && digit(n + 1) && digit(n + 2) {
        n += 3;
        if (is(n, '.') || is(n, ',')) && digit(n + 1) {
            n += 1;
            while digit(n) {
                n += 1;
            }
        }
    }
    if is(n, 'Z') || is(n, 'z') {
        n += 1;
    } else if (is(n, '+') || is(n, '-')) && digit(n + 1) && digit(n + 2) {
        n += 3;
        if is(n, ':') {
            n += 1;
        }
        while digit(n) {
            n += 1;
        }
    }
    Some(n)
}

/// The length of a URL (`scheme://…` up to a space or a closing quote or bracket) at the
/// start of `c`.
fn url(c: &[char]) -> Option<usize> {
    let scheme = c
        .iter()
        .take_while(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '+' | '.' | '-'))
        .count();
    if scheme == 0
        || !c[0].is_ascii_alphabetic()
        || c.get(scheme..scheme + 3) != Some(&[':', '/', '/'])
    {
        return None;
    }
    let end = c
        .iter()
        .position(|ch| ch.is_whitespace() || matches!(ch, '"' | '\'' | '<' | '>' | ')' | ']'))
        .unwrap_or(c.len());
    Some(end)
}

/// A URL as a signature shows it: no credentials, no query values, its ids and numbers
/// replaced as in text.
fn url_text(u: &str, status: Option<i64>) -> String {
    let label = super::mask::url_label(u);
    let (scheme, rest) = label.split_once("://").unwrap_or(("", &label));
    let parts: Vec<String> = rest
        .split('/')
        .map(|segment| {
            // Inside a URL there is no prose: every part is a word (`:`, `?`, `=`, `&` apart).
            let mut out = String::new();
            let mut w = String::new();
            for ch in segment.chars() {
                if is_word_char(ch) {
                    w.push(ch);
                } else {
                    out.push_str(&word(&std::mem::take(&mut w), status));
                    out.push(ch);
                }
            }
            out.push_str(&word(&w, status));
            out
        })
        .collect();
    format!("{scheme}://{}", parts.join("/"))
}

/// The length of a quoted value (`"…"` or `'…'`, closed on the same line and followed by no
/// letter, so `can't` and `it's` are not quotes) at the start of `c`.
fn quoted(c: &[char]) -> Option<usize> {
    let q = *c.first()?;
    if q != '"' && q != '\'' {
        return None;
    }
    let close = c[1..].iter().position(|ch| *ch == q || *ch == '\n')? + 1;
    let after = c.get(close + 1);
    (c[close] == q && close > 1 && !after.is_some_and(|a| a.is_alphanumeric())).then_some(close + 1)
}

#[cfg(test)]
mod tests;
