//! The one output layer: data on stdout, everything else on stderr.
//!
//! [`Output`] is built once from the flags, the environment (NO_COLOR, TERM=dumb, --color, -q)
//! and the [`Terminal`] (which streams are terminals, how wide), and every command writes
//! through it; prompts ask through its terminal, so a test can script them. Server-supplied strings pass
//! through [`crate::text::safe`] before they reach a terminal.

pub mod detail;
pub mod entries;
pub mod fit;
pub mod groups;
pub mod jobs;
pub mod layout;
pub mod openmetrics;
pub mod plan_view;
pub mod progress;
pub mod prompt;
pub mod republish_view;
pub mod results;
pub mod time;
pub mod watch;
pub mod wrap;

use std::io::Write;
use std::sync::Arc;

use crate::terminal::{self, Terminal};
use crate::text;

use crate::error::CliError;

/// The format of data on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human table (tab-separated text when stdout is not a terminal)
    Table,
    /// One JSON document
    Json,
    /// One JSON object a line, streamed
    Ndjson,
    /// Only the ids, one a line
    Ids,
    /// OpenMetrics text for Prometheus (`dlq stats` only)
    Openmetrics,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// What the flags say about output; the rest is read from the environment.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub format: Option<Format>,
    pub color: ColorChoice,
    pub quiet: bool,
    pub verbose: bool,
    pub yes: bool,
    pub no_input: bool,
}

#[derive(Debug, Clone)]
pub struct Output {
    /// The format of data on stdout, with the terminal default resolved.
    pub format: Format,
    pub stdout_tty: bool,
    pub stderr_tty: bool,
    /// Colour on stdout.
    pub color: bool,
    /// Colour and progress bars on stderr.
    pub stderr_color: bool,
    pub quiet: bool,
    /// `-v`: where settings came from, retries and waits.
    pub verbose: bool,
    /// `--yes`: mutations are confirmed without asking.
    pub assume_yes: bool,
    /// `--no-input`: never prompt.
    pub no_input: bool,
    /// Terminal width for tables.
    pub width: u16,
    /// The progress bar on screen, if any: notices go onto it instead of tearing it.
    pub active: progress::Active,
    /// Where prompts ask and what says which streams are terminals.
    pub term: Arc<dyn Terminal>,
}

impl Output {
    /// `DLQ_FORCE_TTY=1` makes both streams count as terminals, so tests can see what a person
    /// sees (as gh's GH_FORCE_TTY does).
    pub fn new(g: &Options, env: &dyn Fn(&str) -> Option<String>) -> Output {
        Output::on(g, env, Arc::new(terminal::Real))
    }

    /// The same on `term` (a scripted terminal in tests).
    pub fn on(
        g: &Options,
        env: &dyn Fn(&str) -> Option<String>,
        term: Arc<dyn Terminal>,
    ) -> Output {
        let forced = forced_tty(env);
        let stdout_tty = forced || term.stdout_is_terminal();
        let stderr_tty = forced || term.stderr_is_terminal();
        let no_color = env("NO_COLOR").is_some_and(|v| !v.is_empty());
        let dumb = env("TERM").is_some_and(|t| t == "dumb");
        let color_for = |tty: bool| match g.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => tty && !no_color && !dumb,
        };
        let width = width_from(env, &*term);
        Output {
            format: g.format.unwrap_or(Format::Table),
            stdout_tty,
            stderr_tty,
            color: color_for(stdout_tty),
            stderr_color: color_for(stderr_tty),
            quiet: g.quiet,
            verbose: g.verbose,
            assume_yes: g.yes,
            no_input: g.no_input,
            width,
            active: progress::Active::default(),
            term,
        }
    }

    /// Where data goes. Buffered; callers flush when done.
    pub fn stdout(&self) -> std::io::BufWriter<std::io::StdoutLock<'static>> {
        std::io::BufWriter::new(std::io::stdout().lock())
    }

    /// A status line for people: stderr, unless -q.
    pub fn info(&self, msg: &str) {
        if !self.quiet {
            eprintln!("{}", text::safe_lines(msg));
        }
    }

    /// A detail for `-v`: stderr, only when asked for.
    pub fn detail(&self, msg: &str) {
        if self.verbose {
            eprintln!("{msg}");
        }
    }

    /// A line for stderr printed above the progress bar when one is drawn (`--debug` logs).
    pub fn above_progress(&self, msg: &str) {
        if !self.active.println(msg) {
            eprintln!("{msg}");
        }
    }

    /// The engine or the transport is about to wait before trying again. A bar shows it; without
    /// one, a line is printed for long waits (or every wait with -v), so a silent pause never
    /// looks like a hang.
    pub fn waiting(&self, d: std::time::Duration, why: &str, long: bool) {
        let msg = format!("{}, retrying in {}", text::safe(why), time::duration(d));
        if self.active.message(&msg) || self.quiet {
            return;
        }
        // A long wait, or short waits that add up to one: a run that seems stuck says why.
        if self.verbose || long || d >= std::time::Duration::from_secs(3) {
            eprintln!("{msg}");
        }
    }

    /// A warning: stderr, even with -q. It may quote a server (an API error's body), so it
    /// is escaped as tables are.
    pub fn warn(&self, msg: &str) {
        eprintln!(
            "{} {}",
            self.paint_err("warning:", "33"),
            text::safe_lines(msg)
        );
    }

    /// Prints an error and its hints to stderr.
    pub fn error(&self, e: &CliError) {
        eprintln!(
            "{} {}",
            self.paint_err("error:", "31;1"),
            text::safe(&e.message)
        );
        for h in &e.hints {
            eprintln!("  {} {}", self.paint_err("hint:", "36"), text::safe(h));
        }
    }

    /// Like [`Output::info`], wrapped to the terminal.
    pub fn info_wrapped(&self, msg: &str) {
        // An unlabelled note continues two spaces in, so its second line reads as part of it.
        self.info(&wrap::hang(&wrap::words(msg), 0, 2, self.stderr_wrap()));
    }

    /// Like [`Output::warn`], wrapped to the terminal under the text after `warning:`.
    pub fn warn_wrapped(&self, msg: &str) {
        let label = "warning: ".len();
        self.warn(&wrap::hang(
            &wrap::words(msg),
            label,
            label,
            self.stderr_wrap(),
        ));
    }

    /// Where prose on stderr wraps: at the terminal's width when stderr is one; nowhere
    /// otherwise, so a log keeps whole lines to grep.
    pub fn stderr_wrap(&self) -> usize {
        if self.stderr_tty {
            self.width as usize
        } else {
            usize::MAX
        }
    }

    fn paint_err(&self, s: &str, code: &str) -> String {
        if self.stderr_color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

/// `DLQ_FORCE_TTY=1` makes both streams count as terminals.
fn forced_tty(env: &dyn Fn(&str) -> Option<String>) -> bool {
    env("DLQ_FORCE_TTY").is_some_and(|v| !v.is_empty() && v != "0")
}

/// The terminal's width: COLUMNS, else what the terminal says, else 100.
fn width_from(env: &dyn Fn(&str) -> Option<String>, term: &dyn Terminal) -> u16 {
    env("COLUMNS")
        .and_then(|c| c.parse().ok())
        .filter(|w| *w > 0)
        .or_else(|| term.width())
        .unwrap_or(100)
}

/// Writes one value as a JSON line, terminal-safe (see [`crate::json`]).
pub fn json_line<T: serde::Serialize>(w: &mut impl Write, v: &T) -> std::io::Result<()> {
    crate::json::line(w, v)
}
