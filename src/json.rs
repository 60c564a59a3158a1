//! JSON as dlq writes it for people and pipes: valid JSON whose strings never carry characters
//! that could drive a terminal. serde_json escapes C0 controls; this also escapes, as
//! `\uXXXX`, every other character the table escapes ([`crate::text::needs_escape`]: DEL, C1
//! controls such as the one-byte CSI, bidi controls, zero-width characters, the BOM). A JSON
//! reader gets the same strings back.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

use crate::text::needs_escape;

struct Safe<F>(F);

macro_rules! forward {
    ($($name:ident),*) => {$(
        fn $name<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
            self.0.$name(w)
        }
    )*};
}

impl<F: Formatter> Formatter for Safe<F> {
    fn write_string_fragment<W: ?Sized + Write>(&mut self, w: &mut W, s: &str) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in s.char_indices() {
            if needs_escape(c) {
                w.write_all(&s.as_bytes()[start..i])?;
                write!(w, "\\u{:04x}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        w.write_all(&s.as_bytes()[start..])
    }

    forward!(
        begin_array,
        end_array,
        begin_object,
        end_object,
        end_object_value
    );

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
}

/// Writes `v` as compact JSON.
pub fn to_writer<W: Write, T: Serialize + ?Sized>(w: W, v: &T) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(w, Safe(CompactFormatter));
    v.serialize(&mut ser).map_err(io::Error::from)
}

/// Writes `v` as indented JSON.
pub fn to_writer_pretty<W: Write, T: Serialize + ?Sized>(w: W, v: &T) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(w, Safe(PrettyFormatter::new()));
    v.serialize(&mut ser).map_err(io::Error::from)
}

/// Writes `v` as one JSON line.
pub fn line<W: Write, T: Serialize + ?Sized>(mut w: W, v: &T) -> io::Result<()> {
    to_writer(&mut w, v)?;
    w.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c1_and_bidi_are_escaped_and_the_json_reads_back_the_same() {
        let v = serde_json::json!({ "a": "x\u{9b}31m\u{202e}txt\u{7f}\u{1b}", "b": ["é", 1] });
        let mut out = Vec::new();
        to_writer(&mut out, &v).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("\\u009b") && text.contains("\\u202e") && text.contains("\\u007f"));
        assert!(!text.contains('\u{9b}') && !text.contains('\u{202e}'));
        assert!(text.contains('é'), "other text stays as it is: {text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
        let mut pretty = Vec::new();
        to_writer_pretty(&mut pretty, &v).unwrap();
        let back: serde_json::Value = serde_json::from_slice(&pretty).unwrap();
        assert_eq!(back, v);
        assert!(String::from_utf8(pretty).unwrap().contains("\n  \"a\""));
    }

    #[test]
    fn what_the_table_escapes_json_escapes() {
        // Zero-width and invisible characters: a URL with one looks like one without.
        let hidden = [
            '\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{2064}', '\u{2065}', '\u{feff}',
        ];
        for c in hidden {
            let v = serde_json::json!({ "url": format!("https://a.example/{c}x") });
            let mut out = Vec::new();
            to_writer(&mut out, &v).unwrap();
            let text = String::from_utf8(out).unwrap();
            assert!(!text.contains(c), "{c:?} printed raw: {text}");
            assert!(text.contains(&format!("\\u{:04x}", c as u32)), "{text}");
            assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), v);
        }
        // One notion: every character the table escapes, JSON escapes, and no other.
        for c in (0..0x3000u32)
            .chain([0xfeff, 0xfffe])
            .filter_map(char::from_u32)
        {
            let mut out = Vec::new();
            to_writer(&mut out, &c.to_string()).unwrap();
            let raw = String::from_utf8(out).unwrap().contains(c);
            let table = crate::text::safe(&c.to_string()) != c.to_string();
            assert_eq!(table, !raw, "{c:?}: the table and JSON disagree");
        }
    }
}
