//! The full view of one entry for `dlq get`: every field, bodies decoded, times twice.

use std::io::{self, Write};

use base64::Engine;

use super::time;
use crate::api::{Entry, Headers};
use crate::text::{escape_bytes, safe, safe_block};

/// Decodes a body sent as text or base64 into something printable, with a note on its form.
pub fn decode_body(text: Option<&str>, b64: Option<&str>) -> Option<(String, String)> {
    if let Some(t) = text {
        let kind = if serde_json::from_str::<serde_json::Value>(t).is_ok() {
            "json"
        } else {
            "text"
        };
        return Some((format!("{kind}, {} bytes", t.len()), safe_block(t)));
    }
    let b64 = b64?;
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    match engine.decode(b64.trim()) {
        Ok(bytes) => match std::str::from_utf8(&bytes) {
            Ok(t) => Some((
                format!("text from base64, {} bytes", bytes.len()),
                safe_block(t),
            )),
            Err(_) => Some((
                format!("binary, {} bytes, shown escaped", bytes.len()),
                escape_bytes(&bytes),
            )),
        },
        Err(e) => Some((
            format!("invalid base64 ({e}), shown as sent"),
            safe(b64).into_owned(),
        )),
    }
}

/// A URL of the entry as the detail shows it: credentials hidden (`get -o json` keeps them).
fn shown_url(u: &Option<String>) -> Option<String> {
    u.as_deref().map(|u| crate::api::mask::url(u).into_owned())
}

pub fn print(w: &mut impl Write, e: &Entry, now_ms: i64) -> io::Result<()> {
    let field = |w: &mut dyn Write, name: &str, v: Option<String>| -> io::Result<()> {
        match v {
            Some(v) if !v.is_empty() => writeln!(w, "{:<18}{}", safe(name), safe(&v)),
            _ => Ok(()),
        }
    };
    let t = |ms: Option<i64>| ms.map(|ms| time::both(ms, now_ms));
    field(w, "DLQ id", Some(e.dlq_id.clone()))?;
    field(w, "Message id", e.message_id.clone())?;
    field(w, "Workflow run", e.workflow_run_id.clone())?;
    field(w, "Workflow URL", shown_url(&e.workflow_url))?;
    field(w, "URL", shown_url(&e.url))?;
    field(w, "Method", e.method.clone())?;
    field(w, "Entered DLQ", t(e.dlq_time_ms()))?;
    field(w, "Created", t(e.created_at))?;
    field(w, "Workflow created", t(e.workflow_created_at))?;
    field(w, "Not before", t(e.not_before.filter(|n| *n > 0)))?;
    field(w, "Max retries", e.max_retries.map(|n| n.to_string()))?;
    field(w, "Retry delay", e.retry_delay_expression.clone())?;
    field(w, "Labels", Some(e.all_labels().join(", ")))?;
    field(w, "URL group", e.topic_name.clone())?;
    field(w, "Endpoint", e.endpoint_name.clone())?;
    field(w, "Queue", e.queue_name.clone())?;
    field(w, "Schedule", e.schedule_id.clone())?;
    field(w, "Caller IP", e.caller_ip.clone())?;
    let flow = e.flow_control_key.as_ref().map(|k| {
        let mut parts = vec![k.clone()];
        if let Some(p) = e.parallelism {
            parts.push(format!("parallelism={p}"));
        }
        if let Some(r) = e.rate {
            parts.push(format!("rate={r}"));
        }
        if let Some(p) = e.period {
            parts.push(format!("period={p}s"));
        }
        parts.join(", ")
    });
    field(w, "Flow control", flow)?;
    field(w, "Callback", shown_url(&e.callback))?;
    field(w, "Failure callback", shown_url(&e.failure_callback))?;
    if let Some(info) = &e.failure_callback_info {
        let mut s = info.state.clone().unwrap_or_else(|| "unknown".into());
        if let Some(st) = info.response_status {
            s.push_str(&format!(" (last response {st})"));
        }
        field(w, "Callback state", Some(s))?;
    }
    for (k, v) in &e.extra {
        field(w, k, Some(v.to_string()))?;
    }

    headers(w, "Request headers", e.header.as_ref())?;
    body(
        w,
        "Request body",
        decode_body(e.body.as_deref(), e.body_base64.as_deref()),
    )?;

    writeln!(w)?;
    match e.response_status {
        Some(s) => writeln!(w, "Last response: {s}")?,
        None => writeln!(w, "Last response: (none recorded)")?,
    }
    headers(w, "Response headers", e.response_header.as_ref())?;
    body(
        w,
        "Response body",
        decode_body(
            e.response_body.as_deref(),
            e.response_body_base64.as_deref(),
        ),
    )?;

    if let Some(info) = &e.failure_callback_info {
        headers(
            w,
            "Callback response headers",
            info.response_headers.as_ref(),
        )?;
        body(
            w,
            "Callback response body",
            decode_body(info.response_body.as_deref(), None),
        )?;
    }
    Ok(())
}

fn headers(w: &mut impl Write, title: &str, h: Option<&Headers>) -> io::Result<()> {
    let Some(h) = h.filter(|h| !h.is_empty()) else {
        return Ok(());
    };
    writeln!(w, "\n{title}:")?;
    for (k, vs) in h {
        for v in vs {
            writeln!(w, "  {}: {}", safe(k), safe(v))?;
        }
    }
    Ok(())
}

fn body(w: &mut impl Write, title: &str, b: Option<(String, String)>) -> io::Result<()> {
    let Some((kind, text)) = b else { return Ok(()) };
    writeln!(w, "\n{title} ({kind}):")?;
    for line in text.lines() {
        writeln!(w, "  {line}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_decode_or_escape() {
        let (k, t) = decode_body(None, Some("aGVsbG8=")).unwrap();
        assert!(k.starts_with("text from base64"));
        assert_eq!(t, "hello");
        let (k, t) = decode_body(None, Some("/wAB")).unwrap();
        assert!(k.starts_with("binary, 3 bytes"));
        assert_eq!(t, "\\xff\\x00\\x01");
        let (k, _) = decode_body(Some("{\"a\":1}"), None).unwrap();
        assert!(k.starts_with("json"));
    }
}
