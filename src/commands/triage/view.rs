//! What a triage session shows in its menus, groups and entries as one screen line each, and
//! the menus themselves, whose every line carries its own value.

use crate::api::Entry;
use crate::grouping::{Group, Stats};
use crate::output::fit;
use crate::output::time;
use crate::output::Output;
use crate::terminal::Menu;
use crate::text::{cut_end, safe, width};

/// The groups as menu lines: count, share, the key (after `tag`), age, and the row's note if
/// any (`notes` is empty or one per group). Each key (url, status...) is a column of its own;
/// one that does not fit is cut at the same places on every row (so the column reads as one),
/// where no two groups look alike.
pub fn group_lines(
    out: &Output,
    now_ms: i64,
    stats: &Stats,
    groups: &[&Group],
    notes: &[&str],
    tag: &str,
) -> Vec<String> {
    let n = groups.first().map_or(0, |g| g.key.len());
    let columns: Vec<Vec<String>> = (0..n)
        .map(|c| {
            groups
                .iter()
                .map(|g| {
                    g.key[c]
                        .as_deref()
                        .map_or("(none)".into(), |v| safe(v).into_owned())
                })
                .collect()
        })
        .collect();
    let note = notes.iter().map(|n| width(n)).max().filter(|w| *w > 0);
    // The line around the key: count and share (16), "  oldest " and an age (13), the menu's
    // cursor (2) and a spare 3 for a repeated line's "(2)"; a note and its two spaces.
    let room = (out.width as usize)
        .saturating_sub(34 + width(tag) + note.map_or(0, |w| w + 2))
        .max(20);
    let (widths, shown) = fit_columns(&columns, room.saturating_sub(3 * n.saturating_sub(1)));
    let keys: Vec<String> = (0..groups.len())
        .map(|r| {
            let cells: Vec<String> = (0..n)
                .map(|c| {
                    let cell = &shown[c][r];
                    let pad = if c + 1 < n {
                        widths[c] - width(cell)
                    } else {
                        0
                    };
                    format!("{cell}{}", " ".repeat(pad))
                })
                .collect();
            format!("{tag}{}", cells.join(" · "))
        })
        .collect();
    let w = keys.iter().map(|k| width(k)).max().unwrap_or(0);
    let shown = keys;
    let ages: Vec<String> = groups
        .iter()
        .map(|g| {
            g.oldest_ms
                .map_or("-".to_string(), |ms| time::age(ms, now_ms))
        })
        .collect();
    let age_w = ages.iter().map(|a| width(a)).max().unwrap_or(0);
    groups
        .iter()
        .zip(shown)
        .zip(ages)
        .enumerate()
        .map(|(i, ((g, key), age))| {
            let pad = w.saturating_sub(width(&key));
            let line = format!(
                "{:>6}  {:>5.1}%  {key}{}  oldest {age}",
                g.count,
                stats.share(g),
                " ".repeat(pad)
            );
            match notes.get(i).filter(|n| !n.is_empty()) {
                Some(n) => format!("{line}{}  {n}", " ".repeat(age_w - width(&age))),
                None => line,
            }
        })
        .collect()
}

/// Each key column in the columns `budget` leaves, shared so that the narrow ones (a status)
/// stay whole and the wide ones (a URL) give way, each cut alike down its column
/// ([`fit::alike`]); the budget grows until every column reads apart, which it does at last
/// with every value whole. The columns' widths, and their cells.
fn fit_columns(columns: &[Vec<String>], budget: usize) -> (Vec<usize>, Vec<Vec<String>>) {
    let widest: Vec<usize> = columns
        .iter()
        .map(|col| col.iter().map(|v| width(v)).max().unwrap_or(0))
        .collect();
    let whole: usize = widest.iter().sum();
    for b in budget.min(whole)..=whole {
        // The largest cap that fits `b`: narrow columns whole, wide ones at the cap.
        let mut cap = b;
        while cap > 0 && widest.iter().map(|w| (*w).min(cap)).sum::<usize>() > b {
            cap -= 1;
        }
        let fitted: Option<Vec<Vec<String>>> = columns
            .iter()
            .zip(&widest)
            .map(|(col, w)| {
                let refs: Vec<&str> = col.iter().map(String::as_str).collect();
                fit::alike(&refs, (*w).min(cap))
            })
            .collect();
        if let Some(cells) = fitted {
            let widths = cells
                .iter()
                .map(|col| col.iter().map(|v| width(v)).max().unwrap_or(0))
                .collect();
            return (widths, cells);
        }
    }
    (widest, columns.to_vec())
}

/// A sample entry as a menu line: id, age, status and the first line of the reply.
pub fn entry_line(out: &Output, now_ms: i64, e: &Entry) -> String {
    let age = e
        .dlq_time_ms()
        .map_or("-".to_string(), |ms| time::age(ms, now_ms));
    let status = e.response_status.map_or("-".to_string(), |s| s.to_string());
    let body = e
        .response_body
        .as_deref()
        .and_then(|b| b.lines().next())
        .unwrap_or("");
    let head = format!("{}  {age:>4}  {status}  ", safe(&e.dlq_id));
    // One screen line each, after the menu's own two columns: a menu that wraps a line
    // redraws over what is above it.
    let room = (out.width as usize).saturating_sub(width(&head) + 3);
    format!("{head}{}", cut_end(&safe(body), room))
}

/// A menu to filter by typing; the choice is the picked line's own value. The menu hands
/// back the first line with the picked text, so a line that reads like an earlier one
/// (two keys alike once escaped) is told apart by a count: `(2)`.
pub fn fuzzy<T: Copy>(
    out: &Output,
    prompt: &str,
    menu: &[(String, T)],
    default: usize,
) -> Option<T> {
    let mut seen: std::collections::HashMap<&str, usize> = Default::default();
    let lines: Vec<String> = menu
        .iter()
        .map(|(line, _)| {
            let n = seen.entry(line.as_str()).or_default();
            *n += 1;
            if *n == 1 {
                line.clone()
            } else {
                format!("{line} ({n})")
            }
        })
        .collect();
    let picked = ask(out, prompt, &lines, default, true);
    picked.map(|i| menu[i].1)
}

/// A menu; the choice is the picked line's own value.
pub fn select<T: Clone>(out: &Output, prompt: &str, menu: &[(String, T)]) -> Option<T> {
    let lines: Vec<String> = menu.iter().map(|(line, _)| line.clone()).collect();
    let picked = ask(out, prompt, &lines, 0, false);
    picked.map(|i| menu[i].1.clone())
}

/// A menu's choice; Ctrl-C (an error from the menu) goes back like Esc.
fn ask(
    out: &Output,
    prompt: &str,
    items: &[String],
    default: usize,
    filter: bool,
) -> Option<usize> {
    let menu = Menu {
        prompt,
        items,
        default,
        filter,
        color: out.stderr_color,
        width: out.stderr_wrap(),
    };
    out.term.select(&menu).ok().flatten()
}

/// A line typed at the session's prompt; `None` for Ctrl-C.
pub fn line(out: &Output, prompt: &str) -> Option<String> {
    out.term.read_line(prompt).ok()
}
