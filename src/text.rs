//! Terminal-safe text: server-supplied strings never reach a terminal raw.
//!
//! Bodies, headers and URLs come from whoever published the message. Control characters
//! (C0, DEL, C1) could move the cursor, rewrite the screen or set the window title, bidi
//! controls could make text read differently than it is, and invisible characters (zero
//! width, line separators, BOM) could make two different URLs look the same; all are shown as
//! escapes instead.
//!
//! A leaf: it imports nothing of the crate, so the client (`api`), the engine (`bulk`), the
//! settings and every printer can share one notion of what is unsafe to show.

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

/// Like [`safe`], but keeps line breaks: for status lines and warnings that may quote a
/// server (an error body) and are wrapped to the terminal.
pub fn safe_lines(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && needs_escape(c)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.split('\n').map(safe).collect::<Vec<_>>().join("\n"))
}

/// Like [`safe`], but keeps newlines, and shows tabs as four spaces: for multi-line bodies
/// shown as blocks. A literal `\t` in the text stays as it is.
pub fn safe_block(s: &str) -> String {
    s.split('\n')
        .map(|line| line.split('\t').map(safe).collect::<Vec<_>>().join("    "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The one notion of a character unsafe to print: controls (C0, DEL, C1), bidi controls,
/// zero-width and invisible characters, line and paragraph separators, the BOM. The table shows
/// them as escapes; JSON writes them as `\uXXXX` (`crate::json`), so the data stays intact.
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2069}'
                | '\u{feff}'
        )
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

/// Columns `s` takes on a terminal, by the Unicode width tables: East Asian wide characters
/// and emoji two, combining marks none.
pub fn width(s: &str) -> usize {
    // Layouts measure the same cells many times; most are ASCII, one column a byte.
    if s.is_ascii() {
        return s.len();
    }
    s.chars().map(char_width).sum()
}

fn char_width(c: char) -> usize {
    // Control characters are escaped before anything is measured; counted as one if not.
    unicode_width::UnicodeWidthChar::width(c).unwrap_or(1)
}

/// The longest start of `s` at most `max` columns wide.
pub fn head(s: &str, max: usize) -> &str {
    if s.is_ascii() {
        return &s[..max.min(s.len())];
    }
    let mut used = 0;
    for (i, c) in s.char_indices() {
        used += char_width(c);
        if used > max {
            return &s[..i];
        }
    }
    s
}

/// The longest end of `s` at most `max` columns wide.
pub fn tail(s: &str, max: usize) -> &str {
    if s.is_ascii() {
        return &s[s.len() - max.min(s.len())..];
    }
    let mut used = 0;
    for (i, c) in s.char_indices().rev() {
        used += char_width(c);
        if used > max {
            return &s[i + c.len_utf8()..];
        }
    }
    s
}

/// `s` in at most `max` columns, cut at the end: for free text, whose start says the most.
pub fn cut_end(s: &str, max: usize) -> Cow<'_, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    Cow::Owned(format!("{}…", head(s, max - 1)))
}

/// `s` in at most `max` columns, cut in the middle: for keys, whose ends often tell them apart
/// (`team-billing-q1`, `team-billing-q2`).
pub fn cut_middle(s: &str, max: usize) -> Cow<'_, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let start = head(s, (max - 1) / 2);
    let end = tail(s, max - 1 - width(start));
    Cow::Owned(format!("{start}…{end}"))
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
        assert_eq!(safe_block("C:\\temp\tx"), "C:\\temp    x");
        // Look-alikes: the same on screen but for an invisible character.
        for c in [
            '\u{200b}', '\u{200d}', '\u{2028}', '\u{2060}', '\u{feff}', '\u{061c}',
        ] {
            assert_eq!(safe(&c.to_string()), format!("\\u{{{:04x}}}", c as u32));
        }
    }

    #[test]
    fn binary_is_escaped() {
        assert_eq!(escape_bytes(b"ab\xff\x00"), "ab\\xff\\x00");
    }

    #[test]
    fn widths_and_cuts_count_terminal_columns() {
        assert_eq!(width("abc"), 3);
        assert_eq!(width("日本"), 4);
        assert_eq!(width("e\u{301}"), 1);
        assert_eq!(width("🚀 deploy"), 9);
        assert_eq!(width("✅"), 2);
        assert_eq!(head("日本語", 3), "日");
        assert_eq!(tail("日本語", 5), "本語");
        assert_eq!(cut_end("billing,orders", 8), "billing…");
        assert_eq!(cut_end("short", 8), "short");
        assert_eq!(cut_end("abc", 0), "");
        assert_eq!(cut_middle("team-billing-q1", 9), "team…g-q1");
        assert_eq!(cut_middle("abcdef", 1), "…");
        for w in 0..12 {
            assert!(width(&cut_middle("日本語のテキスト", w)) <= w);
            assert!(width(&cut_end("日本語のテキスト", w)) <= w);
        }
    }
}
