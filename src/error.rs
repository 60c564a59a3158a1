//! The one place where failures become exit codes and hints.
//!
//! Commands return `CliError`; `main` prints it and exits with `code()`. Every exit code the
//! tool can produce is listed in [`exit`], so scripts and docs have one source of truth.

use std::fmt;

/// Exit codes, as documented in `dlq --help` and the README.
pub mod exit {
    pub const OK: u8 = 0;
    pub const ERROR: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const PARTIAL: u8 = 3;
    pub const AUTH: u8 = 4;
    pub const NOT_CONFIRMED: u8 = 5;
    pub const GATE: u8 = 6;
    /// Ctrl-C (SIGINT): 128 + 2, as shells report it. SIGTERM ends with 143 and SIGHUP with
    /// 129 instead: see [`stopped_by`].
    pub const INTERRUPTED: u8 = 130;

    use std::sync::atomic::{AtomicU8, Ordering};

    /// The exit code of the stop signal this process received first (0: none yet).
    static STOP_CODE: AtomicU8 = AtomicU8::new(0);

    /// Records the signal that stops the process, as 128 + its number; the first one wins,
    /// since it is the one the run stopped for.
    pub fn stopped_by(signal_number: u8) {
        let _ =
            STOP_CODE.compare_exchange(0, 128 + signal_number, Ordering::SeqCst, Ordering::SeqCst);
    }

    /// The exit code of an interrupted run: 128 + the stop signal's number, as Unix tools
    /// exit when a signal ends them (a supervisor that sent SIGTERM sees 143); 130 when no
    /// signal was recorded (an interrupted prompt).
    pub fn interrupted() -> u8 {
        match STOP_CODE.load(Ordering::SeqCst) {
            0 => INTERRUPTED,
            code => code,
        }
    }
}

/// What went wrong, at the level that decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Anything else: server errors, I/O, unreachable hosts.
    Failure,
    /// The command line asked for something impossible or ambiguous.
    Usage,
    /// Some items of a bulk run failed and others did not.
    Partial,
    /// No token, or the server refused it.
    Auth,
    /// A mutation needed a confirmation that could not be asked, or a plan broke `--max`.
    NotConfirmed,
    /// The user answered No: exit 5 like `NotConfirmed`, but the prompt already said so
    /// calmly, so nothing is printed as an error.
    Declined,
    /// A `--fail-above` gate tripped.
    Gate,
    /// Ctrl-C, SIGTERM or SIGHUP: the exit code says which ([`exit::interrupted`]).
    Interrupted,
    /// stdout was closed by the reader (`dlq list | head`): not an error for the user.
    BrokenPipe,
}

/// An error for the user: a message, optional hints, and the kind that picks the exit code.
#[derive(Debug)]
pub struct CliError {
    pub kind: Kind,
    pub message: String,
    pub hints: Vec<String>,
}

impl CliError {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        CliError {
            kind,
            message: message.into(),
            hints: Vec::new(),
        }
    }

    pub fn failure(message: impl Into<String>) -> Self {
        Self::new(Kind::Failure, message)
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Kind::Usage, message)
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    pub fn code(&self) -> u8 {
        match self.kind {
            Kind::Failure => exit::ERROR,
            Kind::Usage => exit::USAGE,
            Kind::Partial => exit::PARTIAL,
            Kind::Auth => exit::AUTH,
            Kind::NotConfirmed | Kind::Declined => exit::NOT_CONFIRMED,
            Kind::Gate => exit::GATE,
            Kind::Interrupted => exit::interrupted(),
            Kind::BrokenPipe => exit::OK,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            CliError::new(Kind::BrokenPipe, "broken pipe")
        } else {
            CliError::failure(e.to_string())
        }
    }
}

pub type Result<T, E = CliError> = std::result::Result<T, E>;
