//! Terminal-safe text: server-supplied strings never reach a terminal raw.
//!
//! Bodies, headers and URLs come from whoever published the message. Control characters
//! (C0, DEL, C1) could move the cursor, rewrite the screen or set the window title, and bidi
//! overrides could make text read differently than it is; all are shown as escapes instead.

use std::borrow::Cow;

/// Escapes control and bidi-override characters; other text is returned as it is.
pub fn safe(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x100 && needs_escape(c) => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Like [`safe`], but keeps newlines and tabs: for multi-line bodies shown as blocks.
pub fn safe_block(s: &str) -> String {
    s.split('\n')
        .map(|line| safe(line).replace("\\t", "    "))
        .collect::<Vec<_>>()
        .join("\n")
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// Shows bytes that are not UTF-8 as text with `\xNN` escapes, never raw.
pub fn escape_bytes(b: &[u8]) -> String {
    let mut out = String::new();
    for chunk in b.utf8_chunks() {
        out.push_str(&safe(chunk.valid()));
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02x}"));
        }
    }
    out
}

/// Cuts `s` to at most `max` characters, marking the cut.
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if s.chars().count() <= max {
        Cow::Borrowed(s)
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        Cow::Owned(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_could_drive_a_terminal() {
        assert_eq!(safe("ok"), "ok");
        assert_eq!(safe("a\x1b[2Jb"), "a\\x1b[2Jb");
        assert_eq!(safe("x\u{9b}y"), "x\\x9by");
        assert_eq!(safe("\u{202e}abc"), "\\u{202e}abc");
        assert_eq!(safe("l1\nl2"), "l1\\nl2");
        assert_eq!(safe_block("l1\nl\x07"), "l1\nl\\x07");
    }

    #[test]
    fn binary_is_escaped() {
        assert_eq!(escape_bytes(b"ab\xff\x00"), "ab\\xff\\x00");
    }
}
