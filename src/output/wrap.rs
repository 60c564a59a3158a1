//! Prose for people, wrapped to the terminal at word boundaries under a hanging indent.
//!
//! Only for text a person reads once (plan breakdowns, notes, warnings): a word is never
//! split, so an id or a command in it stays whole and copyable. A command line to paste is
//! broken with `\` continuations ([`command`]), so the lines it takes still run as one.

use crate::text::width;

/// `units` joined by spaces and wrapped at `max` columns. The first line starts `start`
/// columns in, after a label the caller writes; the others start `indent` spaces in. A unit
/// wider than a line gets a line to itself, whole.
pub fn hang(units: &[String], start: usize, indent: usize, max: usize) -> String {
    lay(units, start, indent, max, "")
}

/// A shell command's `words` (already quoted) on lines of at most `max` columns, broken
/// between words with a ` \` continuation, so the block pasted into a POSIX shell runs as the
/// one command. The first line starts `start` columns in, after what the caller writes; the
/// others start `indent` spaces in. A word wider than a line gets a line to itself, whole:
/// a command is never cut.
pub fn command(words: &[String], start: usize, indent: usize, max: usize) -> String {
    let words = flag_pairs(words, max.saturating_sub(indent + 2));
    lay(&words, start, indent, max, " \\")
}

/// `units` on lines of at most `max` columns, each break ending its line with `mark`; a line
/// keeps room for the mark while a unit is still to come.
fn lay(units: &[String], start: usize, indent: usize, max: usize, mark: &str) -> String {
    let mut out = String::new();
    let mut col = start;
    let mut fresh = true;
    for (i, u) in units.iter().enumerate() {
        let w = width(u);
        let tail = if i + 1 < units.len() { width(mark) } else { 0 };
        if !fresh && col + 1 + w + tail > max {
            out.push_str(mark);
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

/// A flag and its value as one unit, so a line does not end on `--url` with the URL on the
/// next; only where the pair fits in `room` columns.
fn flag_pairs(words: &[String], room: usize) -> Vec<String> {
    let mut units: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        match words.get(i + 1) {
            Some(v)
                if w.starts_with("--")
                    && !v.starts_with('-')
                    && width(w) + 1 + width(v) <= room =>
            {
                units.push(format!("{w} {v}"));
                i += 2;
            }
            _ => {
                units.push(w.clone());
                i += 1;
            }
        }
    }
    units
}

/// The words of `text`, for [`hang`]. A span in backticks (a command quoted in prose) is one
/// word: it is never broken across lines.
pub fn words(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut open = false;
    for w in text.split(' ').filter(|w| !w.is_empty()) {
        if open {
            let last = out.last_mut().expect("an open span has its start");
            last.push(' ');
            last.push_str(w);
        } else {
            out.push(w.to_string());
        }
        // An odd number of backticks opens or closes a span.
        if w.matches('`').count() % 2 == 1 {
            open = !open;
        }
    }
    out
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
    fn a_command_in_backticks_is_one_word() {
        let text = words("or store it (`dlq --profile NAME config set-token`) now");
        assert_eq!(
            text,
            [
                "or",
                "store",
                "it",
                "(`dlq --profile NAME config set-token`)",
                "now"
            ]
        );
        assert_eq!(
            hang(&text, 0, 2, 30),
            "or store it\n  (`dlq --profile NAME config set-token`)\n  now"
        );
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

    #[test]
    fn a_command_breaks_between_words_with_continuations() {
        assert_eq!(
            command(&words("a bb ccc dddd"), 0, 2, 8),
            "a bb \\\n  ccc \\\n  dddd"
        );
        let cmd =
            words("dlq --sandbox resume --workflow-url https://app.example.com/x --all --yes");
        let got = command(&cmd, 4, 6, 40);
        let lines: Vec<&str> = got.lines().collect();
        assert!(lines.len() > 1, "{got}");
        for (i, line) in lines.iter().enumerate() {
            let start = if i == 0 { 4 } else { 0 };
            assert!(start + width(line) <= 40, "{line:?}");
            assert_eq!(line.ends_with(" \\"), i + 1 < lines.len(), "{line:?}");
        }
        // Joined as a shell joins continued lines, it is the command again.
        assert_eq!(got.replace(" \\\n      ", " "), cmd.join(" "));
        assert_eq!(command(&cmd, 0, 2, usize::MAX), cmd.join(" "));
        // A word wider than the line stays whole on a line of its own.
        let long = words("dlq get https://a.example/a/very/long/path/that/goes/on");
        assert_eq!(
            command(&long, 0, 2, 20),
            "dlq get \\\n  https://a.example/a/very/long/path/that/goes/on"
        );
    }
}
