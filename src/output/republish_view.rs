//! What a republish plan shows besides the usual breakdown: how many entries go from each old
//! destination to each new one, the entries refused (left in the DLQ) and why, and one entry
//! before and after (destination, headers, settings, a body diff); and `--dry-run`'s line per
//! entry. Everything that came from the server is escaped before it reaches a terminal.

use std::collections::BTreeMap;
use std::io::Write;

use super::json_line;
use crate::bulk::rebuild::edit::Change;
use crate::bulk::rebuild::rebuilt::{Moved, Rebuilt};
use crate::bulk::rebuild::{diff, json};
use crate::text::{cut_middle, safe, width};

/// Refused entries listed by id; the rest are counted.
const REFUSED_SHOWN: usize = crate::bulk::rebuild::rebuilt::REFUSED_KEPT;
/// Old -> new destination lines shown; the rest are counted.
const MOVES_SHOWN: usize = 10;
/// Hosts listed under a rewrite rule's line; the rest are counted.
const HOSTS_SHOWN: usize = 3;
/// Unchanged body lines shown around each change in the sample.
const CONTEXT: usize = 2;

/// The republish part of a plan, wrapped to `max` columns.
pub fn preview_text(r: &Rebuilt, max: usize) -> String {
    let mut s = String::new();
    if !r.moves.is_empty() {
        s.push_str("  new destinations:\n");
        let mut moves: Vec<(&(String, String), &Moved)> = r.moves.iter().collect();
        moves.sort_by(|a, b| b.1.n.cmp(&a.1.n).then(a.0.cmp(b.0)));
        let room = max.saturating_sub(12).max(20);
        for ((from, to), moved) in moves.iter().take(MOVES_SHOWN) {
            let line = format!("{} -> {}", safe(from), safe(to));
            let line = if width(&line) + 4 > room {
                format!(
                    "{}\n      -> {}",
                    cut_middle(&safe(from), room.saturating_sub(4)),
                    cut_middle(&safe(to), room.saturating_sub(4))
                )
            } else {
                line
            };
            s.push_str(&format!("    {:>5}  {line}\n", moved.n));
            if !moved.hosts.is_empty() {
                s.push_str(&format!("           {}\n", hosts_text(&moved.hosts, room)));
            }
        }
        if moves.len() > MOVES_SHOWN {
            let rest: usize = moves.iter().skip(MOVES_SHOWN).map(|(_, m)| m.n).sum();
            s.push_str(&format!(
                "    {rest:>5}  to {} other destinations\n",
                moves.len() - MOVES_SHOWN
            ));
        }
    }
    if r.refused > 0 {
        s.push_str(&format!(
            "  refused: {} (left in the DLQ, reported as failed)\n",
            r.refused
        ));
        for (id, why) in r.refused_first.iter().take(REFUSED_SHOWN) {
            let line = format!("{}  {}", safe(id), safe(why));
            s.push_str(&format!(
                "    {}\n",
                cut_middle(&line, max.saturating_sub(4))
            ));
        }
        if r.refused > REFUSED_SHOWN {
            s.push_str(&format!(
                "    and {} more (--dry-run lists every entry)\n",
                r.refused - REFUSED_SHOWN
            ));
        }
    }
    if let Some(c) = &r.sample {
        s.push_str(&sample_text(c, max));
    }
    s
}

/// The hosts a rule matched, as the entries wrote them, most first, in `room` columns:
/// `hosts: api.example.com (20), API.example.com:443 (2)`.
fn hosts_text(hosts: &BTreeMap<String, usize>, room: usize) -> String {
    let mut by_count: Vec<(&String, &usize)> = hosts.iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let shown: Vec<String> = by_count
        .iter()
        .take(HOSTS_SHOWN)
        .map(|(h, n)| format!("{} ({n})", safe(h)))
        .collect();
    let more = match by_count.len().saturating_sub(HOSTS_SHOWN) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    let label = if hosts.len() == 1 { "host" } else { "hosts" };
    cut_middle(&format!("{label}: {}{more}", shown.join(", ")), room).into_owned()
}

/// One entry before and after.
fn sample_text(c: &Change, max: usize) -> String {
    let fit = |t: &str| cut_middle(&safe(t), max.saturating_sub(17)).into_owned();
    let mut s = format!("  sample {}:\n", safe(&c.dlq_id));
    if c.from != c.to {
        s.push_str(&format!("    destination  {}\n", fit(&c.from)));
        s.push_str(&format!("              -> {}\n", fit(&c.to)));
    } else {
        s.push_str(&format!("    destination  {} (unchanged)\n", fit(&c.to)));
    }
    let mut label = "headers";
    for (k, v) in &c.set_headers {
        s.push_str(&format!(
            "    {label:<12} + {}\n",
            fit(&format!("{k}: {v}"))
        ));
        label = "";
    }
    for k in &c.dropped_headers {
        s.push_str(&format!("    {label:<12} - {}\n", fit(k)));
        label = "";
    }
    let mut label = "settings";
    for (k, v) in &c.settings {
        s.push_str(&format!("    {label:<12} {}\n", fit(&format!("{k}: {v}"))));
        label = "";
    }
    if let (Some(before), Some(after)) = (&c.body_before, &c.body_after) {
        let mut label = "body";
        for line in body_diff(before, after) {
            s.push_str(&format!("    {label:<12} {}\n", fit(&line)));
            label = "";
        }
    }
    s
}

/// The lines of a body's change: of both pretty-printed when both are JSON (keys and numbers
/// as written), and of the texts themselves when that shows nothing, so a change that only
/// re-encodes (spacing, escapes) is still seen.
fn body_diff(before: &str, after: &str) -> Vec<String> {
    if let (Some(b), Some(a)) = (json::pretty(before), json::pretty(after)) {
        let lines = diff::lines(&b, &a, CONTEXT);
        if !lines.is_empty() {
            return lines;
        }
    }
    diff::lines(before, after, CONTEXT)
}

/// `--dry-run`: one JSON line per planned entry, its change or why it was refused.
pub fn print_changes(w: &mut impl Write, r: &Rebuilt) -> std::io::Result<()> {
    for c in r.changes.iter().flatten() {
        json_line(w, c)?;
    }
    w.flush()
}
