//! The one output layer: data on stdout, everything else on stderr.
//!
//! [`Output`] is built once from the flags and the environment (is stdout a terminal, NO_COLOR,
//! TERM=dumb, --color, -q) and every command writes through it. Server-supplied strings pass
//! through [`text::safe`] before they reach a terminal.

pub mod detail;
pub mod entries;
pub mod fit;
pub mod layout;
pub mod plan;
pub mod progress;
pub mod prompt;
pub mod results;
pub mod stats;
pub mod text;
pub mod time;
pub mod wrap;

use std::io::{IsTerminal, Write};

use crate::cli::{ColorChoice, Format, GlobalArgs};
use crate::error::CliError;

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
    /// Terminal width for tables.
    pub width: u16,
}

impl Output {
    /// `DLQ_FORCE_TTY=1` makes both streams count as terminals, so tests can see what a person
    /// sees (as gh's GH_FORCE_TTY does).
    pub fn new(g: &GlobalArgs, env: &dyn Fn(&str) -> Option<String>) -> Output {
        let forced = forced_tty(env);
        let stdout_tty = forced || std::io::stdout().is_terminal();
        let stderr_tty = forced || std::io::stderr().is_terminal();
        let no_color = env("NO_COLOR").is_some_and(|v| !v.is_empty());
        let dumb = env("TERM").is_some_and(|t| t == "dumb");
        let color_for = |tty: bool| match g.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => tty && !no_color && !dumb,
        };
        let width = width_from(env);
        Output {
            format: g.output.unwrap_or(Format::Table),
            stdout_tty,
            stderr_tty,
            color: color_for(stdout_tty),
            stderr_color: color_for(stderr_tty),
            quiet: g.quiet,
            width,
        }
    }

    /// Where data goes. Buffered; callers flush when done.
    pub fn stdout(&self) -> std::io::BufWriter<std::io::StdoutLock<'static>> {
        std::io::BufWriter::new(std::io::stdout().lock())
    }

    /// A status line for people: stderr, unless -q.
    pub fn info(&self, msg: &str) {
        if !self.quiet {
            eprintln!("{msg}");
        }
    }

    /// A warning: stderr, even with -q.
    pub fn warn(&self, msg: &str) {
        eprintln!("{} {msg}", self.paint_err("warning:", "33"));
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

/// [`Output::stderr_wrap`] for code that has no [`Output`] at hand, by the same rules.
pub fn stderr_wrap_from_env() -> usize {
    let env = |k: &str| std::env::var(k).ok();
    if forced_tty(&env) || std::io::stderr().is_terminal() {
        width_from(&env) as usize
    } else {
        usize::MAX
    }
}

/// `DLQ_FORCE_TTY=1` makes both streams count as terminals.
fn forced_tty(env: &dyn Fn(&str) -> Option<String>) -> bool {
    env("DLQ_FORCE_TTY").is_some_and(|v| !v.is_empty() && v != "0")
}

/// The terminal's width: COLUMNS, else what the terminal says, else 100.
fn width_from(env: &dyn Fn(&str) -> Option<String>) -> u16 {
    env("COLUMNS")
        .and_then(|c| c.parse().ok())
        .filter(|w| *w > 0)
        .or_else(|| comfy_table::Table::new().width())
        .unwrap_or(100)
}

/// Writes one value as a JSON line.
pub fn json_line<T: serde::Serialize>(w: &mut impl Write, v: &T) -> std::io::Result<()> {
    serde_json::to_writer(&mut *w, v)?;
    w.write_all(b"\n")
}
