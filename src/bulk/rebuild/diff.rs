//! A line diff for the plan's before/after sample of `dlq republish`: which lines of a body
//! an edit removes and adds, with a little unchanged context around each change.
//!
//! The lines that differ (after the common head and tail are set aside) are aligned by the
//! `similar` crate's Myers diff, a shortest edit script, so a longest common subsequence. A
//! middle of more than [`MAX_LINES`] lines on either side is summarised instead, and the diff
//! has a deadline: a plan never stalls on, nor floods the screen with, a huge body.
//!
//! Lines come back as they are in the texts: escaping them for a terminal is the output
//! layer's job.

use std::time::{Duration, Instant};

use similar::{Algorithm, DiffTag};

/// The most lines, on either side, of the differing middle of two texts that are compared line
/// by line; beyond it the middle is shown as "- (N lines)" / "+ (M lines)".
pub const MAX_LINES: usize = 2_000;

/// How long the alignment may take before it settles for a coarser (still correct) diff.
const DEADLINE: Duration = Duration::from_millis(500);

/// One line of the diff before context is chosen.
#[derive(Debug, PartialEq)]
enum Op<'a> {
    Same(&'a str),
    /// A removed, added or summary line, already prefixed.
    Change(String),
}

/// The lines of `before` and `after` as a unified-style diff: unchanged lines prefixed "  ",
/// removed "- ", added "+ ", with at most `context` unchanged lines around each change and
/// "  …" where unchanged lines are left out. Empty when the texts are equal.
pub fn lines(before: &str, after: &str, context: usize) -> Vec<String> {
    if before == after {
        return Vec::new();
    }
    let a: Vec<&str> = before.lines().collect();
    let b: Vec<&str> = after.lines().collect();
    with_context(&ops(&a, &b), context)
}

/// Every line of both texts in diff order: the common head, the middle (compared or
/// summarised), the common tail.
fn ops<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<Op<'a>> {
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a_rest, b_rest) = (&a[head..], &b[head..]);
    let tail = a_rest
        .iter()
        .rev()
        .zip(b_rest.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let mid_a = &a_rest[..a_rest.len() - tail];
    let mid_b = &b_rest[..b_rest.len() - tail];

    let mut ops: Vec<Op> = a[..head].iter().map(|l| Op::Same(l)).collect();
    if mid_a.len() > MAX_LINES || mid_b.len() > MAX_LINES {
        if !mid_a.is_empty() {
            ops.push(Op::Change(format!("- ({} lines)", mid_a.len())));
        }
        if !mid_b.is_empty() {
            ops.push(Op::Change(format!("+ ({} lines)", mid_b.len())));
        }
    } else {
        ops.extend(common(mid_a, mid_b));
    }
    ops.extend(a_rest[a_rest.len() - tail..].iter().map(|l| Op::Same(l)));
    ops
}

/// The lines of `a` and `b` aligned on a longest common subsequence; where they differ, the
/// removed lines come before the added ones. Both sides are at most [`MAX_LINES`] long.
fn common<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<Op<'a>> {
    let deadline = Instant::now() + DEADLINE;
    let mut ops = Vec::with_capacity(a.len() + b.len());
    for op in similar::capture_diff_slices_deadline(Algorithm::Myers, a, b, Some(deadline)) {
        let (_, old, new) = op.as_tag_tuple();
        match op.tag() {
            DiffTag::Equal => ops.extend(a[old].iter().map(|l| Op::Same(l))),
            _ => {
                ops.extend(a[old].iter().map(|l| Op::Change(format!("- {l}"))));
                ops.extend(b[new].iter().map(|l| Op::Change(format!("+ {l}"))));
            }
        }
    }
    ops
}

/// The changes with at most `context` unchanged lines on each side, and one "  …" for each
/// run of unchanged lines left out. Nothing when nothing changed.
fn with_context(ops: &[Op], context: usize) -> Vec<String> {
    let changed = |op: &Op| matches!(op, Op::Change(_));
    // Distance of each line to the nearest change before and after it.
    let mut near = vec![usize::MAX; ops.len()];
    let mut last = None;
    for (k, op) in ops.iter().enumerate() {
        if changed(op) {
            last = Some(k);
        }
        near[k] = last.map_or(usize::MAX, |c| k - c);
    }
    let mut next = None;
    for (k, op) in ops.iter().enumerate().rev() {
        if changed(op) {
            next = Some(k);
        }
        near[k] = near[k].min(next.map_or(usize::MAX, |c| c - k));
    }
    if last.is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut gap = false;
    for (op, near) in ops.iter().zip(near) {
        match op {
            Op::Change(line) => out.push(line.clone()),
            Op::Same(line) if near <= context => out.push(format!("  {line}")),
            Op::Same(_) => {
                if !gap {
                    out.push("  …".to_string());
                }
                gap = true;
                continue;
            }
        }
        gap = false;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{common, lines, Op, MAX_LINES};
    use crate::bulk::rebuild::json::pretty;
    use rand::{Rng, SeedableRng};

    fn numbered(n: usize) -> String {
        (1..=n).map(|i| format!("line {i}\n")).collect()
    }

    #[test]
    fn equal_texts_give_nothing() {
        assert!(lines("a\nb\n", "a\nb\n", 3).is_empty());
        assert!(lines("", "", 3).is_empty());
        // The same lines, only the final newline differs: nothing a reader could see.
        assert!(lines("a\nb\n", "a\nb", 3).is_empty());
    }

    #[test]
    fn one_changed_line_with_context_and_gaps() {
        let before = numbered(20);
        let after = before.replace("line 10\n", "line ten\n");
        assert_eq!(
            lines(&before, &after, 2),
            [
                "  …",
                "  line 8",
                "  line 9",
                "- line 10",
                "+ line ten",
                "  line 11",
                "  line 12",
                "  …"
            ]
        );
        assert_eq!(
            lines(&before, &after, 0),
            ["  …", "- line 10", "+ line ten", "  …"]
        );
    }

    #[test]
    fn change_at_the_edges_has_no_leading_or_trailing_gap() {
        let before = numbered(5);
        let after = format!("new first\n{before}");
        assert_eq!(
            lines(&before, &after, 1),
            ["+ new first", "  line 1", "  …"]
        );
        let after = before.replace("line 5\n", "");
        assert_eq!(lines(&before, &after, 1), ["  …", "  line 4", "- line 5"]);
    }

    #[test]
    fn changes_close_together_share_their_context() {
        let before = numbered(30);
        let after = before
            .replace("line 10\n", "X\n")
            .replace("line 13\n", "Y\n");
        assert_eq!(
            lines(&before, &after, 1),
            [
                "  …",
                "  line 9",
                "- line 10",
                "+ X",
                "  line 11",
                "  line 12",
                "- line 13",
                "+ Y",
                "  line 14",
                "  …"
            ]
        );
        // Far apart: two hunks, one gap marker between them.
        let after = before
            .replace("line 5\n", "X\n")
            .replace("line 25\n", "Y\n");
        let out = lines(&before, &after, 1);
        assert_eq!(
            out,
            [
                "  …",
                "  line 4",
                "- line 5",
                "+ X",
                "  line 6",
                "  …",
                "  line 24",
                "- line 25",
                "+ Y",
                "  line 26",
                "  …"
            ]
        );
    }

    #[test]
    fn moved_block_is_found_as_the_longest_common_part() {
        // a b c d e -> c d e a b: keeping c d e (3) beats keeping a b (2).
        let out = lines("a\nb\nc\nd\ne", "c\nd\ne\na\nb", 10);
        assert_eq!(out, ["- a", "- b", "  c", "  d", "  e", "+ a", "+ b"]);
    }

    /// Length of a longest common subsequence, by plain recursion: an independent referee.
    fn lcs_len(a: &[&str], b: &[&str]) -> usize {
        match (a.split_first(), b.split_first()) {
            (Some((x, ra)), Some((y, rb))) if x == y => 1 + lcs_len(ra, rb),
            (Some((_, ra)), Some((_, rb))) => lcs_len(ra, b).max(lcs_len(a, rb)),
            _ => 0,
        }
    }

    #[test]
    fn random_texts_are_rebuilt_from_the_diff_with_a_longest_common_part() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(23);
        let words = ["a", "b", "c", "d"];
        for _ in 0..300 {
            let a: Vec<&str> = (0..rng.gen_range(0..9))
                .map(|_| words[rng.gen_range(0..4)])
                .collect();
            let b: Vec<&str> = (0..rng.gen_range(0..9))
                .map(|_| words[rng.gen_range(0..4)])
                .collect();
            let ops = common(&a, &b);
            let (mut left, mut right, mut same) = (Vec::new(), Vec::new(), 0);
            for op in &ops {
                match op {
                    Op::Same(l) => {
                        left.push(l.to_string());
                        right.push(l.to_string());
                        same += 1;
                    }
                    Op::Change(l) if l.starts_with("- ") => left.push(l[2..].to_string()),
                    Op::Change(l) => right.push(l[2..].to_string()),
                }
            }
            assert_eq!(left, a, "{a:?} -> {b:?}: {ops:?}");
            assert_eq!(right, b, "{a:?} -> {b:?}: {ops:?}");
            assert_eq!(same, lcs_len(&a, &b), "{a:?} -> {b:?}: {ops:?}");
        }
    }

    #[test]
    fn huge_middles_are_summarised() {
        let n = MAX_LINES + 500;
        let before: String = (0..n).map(|i| format!("old {i}\n")).collect();
        let after: String = (0..n + 1).map(|i| format!("new {i}\n")).collect();
        let head = "{\n";
        let out = lines(&format!("{head}{before}}}"), &format!("{head}{after}}}"), 1);
        assert_eq!(out, ["  {", "- (2500 lines)", "+ (2501 lines)", "  }"]);
        // Only added lines: no removal line.
        let out = lines("", &after, 3);
        assert_eq!(out, ["+ (2501 lines)"]);
    }

    #[test]
    fn one_change_in_a_huge_text_is_still_a_real_diff() {
        let before = numbered(10 * MAX_LINES);
        let after = before.replace("line 7000\n", "line seven thousand\n");
        assert_eq!(
            lines(&before, &after, 1),
            [
                "  …",
                "  line 6999",
                "- line 7000",
                "+ line seven thousand",
                "  line 7001",
                "  …"
            ]
        );
    }

    #[test]
    fn a_body_edit_shows_as_its_lines() {
        let before = r#"{"id":1752829295505,"url":"https://old.example","tenant":"acme"}"#;
        let after = r#"{"id":1752829295505,"url":"https://new.example","tenant":"acme"}"#;
        assert_eq!(
            lines(&pretty(before).unwrap(), &pretty(after).unwrap(), 1),
            [
                "  …",
                "    \"id\": 1752829295505,",
                "-   \"url\": \"https://old.example\",",
                "+   \"url\": \"https://new.example\",",
                "    \"tenant\": \"acme\"",
                "  …"
            ]
        );
    }
}
