//! What a triage session shows in its menus, groups and entries as one screen line each, and
//! the menus themselves, whose every line carries its own value.

use dialoguer::theme::Theme;
use dialoguer::{FuzzySelect, Select};

use crate::api::Entry;
use crate::grouping::{Group, Stats};
use crate::output::fit;
use crate::output::time;
use crate::output::Output;
use crate::text::{cut_end, safe, width};

/// The groups as menu lines: count, share, the key (after `tag`, shortened so no two look
/// alike), age.
pub fn group_lines(
    out: &Output,
    now_ms: i64,
    stats: &Stats,
    groups: &[&Group],
    tag: &str,
) -> Vec<String> {
    let keys: Vec<String> = groups
        .iter()
        .map(|g| {
            let key = g
                .key
                .iter()
                .map(|v| {
                    v.as_deref()
                        .map_or("(none)".into(), |v| safe(v).into_owned())
                })
                .collect::<Vec<_>>()
                .join(" · ");
            format!("{tag}{key}")
        })
        .collect();
    let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    let room = (out.width as usize).saturating_sub(34).max(20);
    let widest = refs.iter().map(|k| width(k)).max().unwrap_or(0);
    // The narrowest width at which the groups still read apart; wider than the room
    // rather than two groups that look the same.
    let (w, shown) = (widest.min(room)..=widest)
        .find_map(|w| fit::distinct(&refs, w).map(|s| (w, s)))
        .unwrap_or((widest, keys.clone()));
    groups
        .iter()
        .zip(shown)
        .map(|(g, key)| {
            let age = g
                .oldest_ms
                .map_or("-".to_string(), |ms| time::age(ms, now_ms));
            let pad = w.saturating_sub(width(&key));
            format!(
                "{:>6}  {:>5.1}%  {key}{}  oldest {age}",
                g.count,
                stats.share(g),
                " ".repeat(pad)
            )
        })
        .collect()
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
    theme: &dyn Theme,
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
    let picked = answered(
        FuzzySelect::with_theme(theme)
            .with_prompt(prompt)
            .items(&lines)
            .default(default)
            .interact_opt(),
    );
    picked.map(|i| menu[i].1)
}

/// A menu; the choice is the picked line's own value.
pub fn select<T: Clone>(theme: &dyn Theme, prompt: &str, menu: &[(String, T)]) -> Option<T> {
    let lines: Vec<&str> = menu.iter().map(|(line, _)| line.as_str()).collect();
    let picked = answered(
        Select::with_theme(theme)
            .with_prompt(prompt)
            .items(&lines)
            .default(0)
            .interact_opt(),
    );
    picked.map(|i| menu[i].1.clone())
}

/// A menu's choice; Ctrl-C (an error from the menu) goes back like Esc. The menu hides the
/// cursor and does not show it again when it fails, so that is done here.
pub fn answered(choice: dialoguer::Result<Option<usize>>) -> Option<usize> {
    choice.unwrap_or_else(|_| {
        let _ = console::Term::stderr().show_cursor();
        None
    })
}
