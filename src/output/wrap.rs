//! Prose for people, wrapped to the terminal at word boundaries under a hanging indent.
//!
//! Only for text a person reads once (plan breakdowns, notes, warnings): a word is never
//! split, so an id or a command in it stays whole and copyable.

use crate::text::width;

/// `units` joined by spaces and wrapped at `max` columns. The first line starts `start`
/// columns in, after a label the caller writes; the others start `indent` spaces in. A unit
/// wider than a line gets a line to itself, whole.
pub fn hang(units: &[String], start: usize, indent: usize, max: usize) -> String {
    let mut out = String::new();
    let mut col = start;
    let mut fresh = true;
    for u in units {
        let w = width(u);
        if !fresh && col + 1 + w > max {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            col = indent;
            fresh = true;
        }
        if !fresh {
            out.push(' ');
            col += 1;
        }
        out.push_str(u);
        col += w;
        fresh = false;
    }
    out
}

/// The words of `text`, for [`hang`].
pub fn words(text: &str) -> Vec<String> {
    text.split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_words_under_the_label() {
        let text = words("one two three four five six");
        assert_eq!(hang(&text, 4, 4, 18), "one two three\n    four five six");
        assert_eq!(hang(&text, 9, 2, 20), "one two\n  three four five\n  six");
        assert_eq!(hang(&text, 0, 0, usize::MAX), "one two three four five six");
    }

    #[test]
    fn a_long_word_is_kept_whole_on_its_own_line() {
        let text = words("see https://a.example/a/very/long/path now");
        assert_eq!(
            hang(&text, 2, 2, 16),
            "see\n  https://a.example/a/very/long/path\n  now"
        );
        assert_eq!(hang(&[], 3, 3, 10), "");
    }
}
