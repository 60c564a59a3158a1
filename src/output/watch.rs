//! The screen of `dlq stats --watch` at a terminal: the table redrawn in place under one line
//! that says when it was read and how the depth changed since the reading before.

use std::io::{self, Write};
use std::time::Duration;

use super::time;

/// Groups named on the `changed:` line at most.
const MAX_CHANGES: usize = 5;

pub struct Screen {
    every: Duration,
    /// The depth and time of the last good reading.
    last: Option<(u64, i64)>,
    /// The body last drawn, kept on screen when a refresh fails.
    body: Vec<u8>,
    cleared: bool,
}

impl Screen {
    pub fn new(every: Duration) -> Screen {
        Screen {
            every,
            last: None,
            body: Vec::new(),
            cleared: false,
        }
    }

    /// Draws a good reading taken at `now_ms`; `changes` are the groups whose count changed
    /// since the reading before, with by how much, largest change first.
    pub fn fresh(
        &mut self,
        now_ms: i64,
        total: u64,
        groups: usize,
        changes: &[(String, i64)],
        body: &[u8],
    ) -> io::Result<()> {
        let change = match self.last {
            None => "first reading".to_string(),
            Some((before, at)) => format!(
                "{} since {}",
                signed(total as i64 - before as i64),
                clock(at)
            ),
        };
        let head = format!(
            "{total} entries in {groups} group{} at {} ({change}); every {}, Ctrl-C to stop",
            if groups == 1 { "" } else { "s" },
            clock(now_ms),
            time::duration(self.every),
        );
        let mut body_with = Vec::new();
        if !changes.is_empty() {
            let shown: Vec<String> = changes
                .iter()
                .take(MAX_CHANGES)
                .map(|(k, d)| format!("{} {}", signed(*d), crate::text::safe(k)))
                .collect();
            let more = changes.len().saturating_sub(MAX_CHANGES);
            let more = if more > 0 {
                format!(" (and {more} more)")
            } else {
                String::new()
            };
            writeln!(body_with, "changed: {}{more}\n", shown.join(", "))?;
        }
        body_with.extend_from_slice(body);
        self.last = Some((total, now_ms));
        self.body = body_with;
        self.draw(&head)
    }

    /// Keeps the last table on screen and says the refresh at `now_ms` failed.
    pub fn failed(&mut self, now_ms: i64, why: &str) -> io::Result<()> {
        let since = self
            .last
            .map(|(_, at)| format!("; showing the reading of {}", clock(at)))
            .unwrap_or_default();
        let head = format!(
            "refresh at {} failed: {}{since}; trying again in {}",
            clock(now_ms),
            crate::text::safe(why),
            time::duration(self.every),
        );
        self.draw(&head)
    }

    /// Home, each line cleared to its end, then everything below cleared: no flicker, and no
    /// leftovers of a longer table before.
    fn draw(&mut self, head: &str) -> io::Result<()> {
        let mut w = io::stdout().lock();
        if !self.cleared {
            w.write_all(b"\x1b[2J")?;
            self.cleared = true;
        }
        w.write_all(b"\x1b[H")?;
        writeln!(w, "{head}\x1b[K")?;
        writeln!(w, "\x1b[K")?;
        let body = String::from_utf8_lossy(&self.body);
        let lines: Vec<&str> = body.lines().collect();
        // A table taller than the screen would scroll, and the next redraw would leave its top
        // behind: draw what fits (the heading and its blank line, and one line to say so).
        let room = (console::Term::stdout().size().0 as usize)
            .saturating_sub(3)
            .max(1);
        let cut = lines.len() > room + 1;
        let shown = if cut { &lines[..room] } else { &lines[..] };
        for line in shown {
            writeln!(w, "{line}\x1b[K")?;
        }
        if cut {
            write!(
                w,
                "... {} more lines below the screen (--top N shows fewer groups)\x1b[K",
                lines.len() - room
            )?;
        }
        w.write_all(b"\x1b[J")?;
        w.flush()
    }
}

/// The UTC time of day, as `watch(1)` shows it.
fn clock(ms: i64) -> String {
    let t = jiff::Timestamp::from_millisecond(ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    format!("{} UTC", t.strftime("%H:%M:%S"))
}

fn signed(n: i64) -> String {
    if n > 0 {
        format!("+{n}")
    } else {
        n.to_string()
    }
}
