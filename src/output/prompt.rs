//! Confirmation before mutations: ask only a person at a terminal, default No, and act only on
//! an answer finished with Enter.
//!
//! Without a terminal (or with `--no-input`, or machine-readable output), nothing is asked and
//! the mutation is refused unless `--yes` was given: a script never hangs on a prompt, and
//! nothing changes by accident. A single keystroke never confirms: typing `yes` then Enter must
//! not confirm on the `y` and leave `es` for the shell.

use std::io::IsTerminal;

use super::{Format, Output};
use crate::error::{CliError, Kind, Result};

/// Returns Ok when the user confirmed (or `--yes`), else the exit-5 error to return.
pub fn confirm(out: &Output, question: &str) -> Result<()> {
    if out.assume_yes {
        return Ok(());
    }
    ensure_can_ask(out, question)?;
    let _held = hold_interrupts();
    match yes_no(question) {
        Ok(true) => Ok(()),
        Ok(false) => Err(declined(out)),
        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Err(cancelled(out)),
        Err(e) => Err(CliError::failure(format!("cannot read the answer: {e}"))),
    }
}

/// `question [y/N]`: y or n sets the answer (the last one typed counts), Enter confirms it,
/// Esc (or Enter with nothing typed) is No. A keystroke alone never decides.
fn yes_no(question: &str) -> std::io::Result<bool> {
    use console::{Key, Term};
    let term = Term::stderr();
    let mut answer: Option<bool> = None;
    let result = loop {
        let shown = match answer {
            Some(true) => "y",
            Some(false) => "n",
            None => "",
        };
        term.clear_line()?;
        term.write_str(&format!("{question} [y/N] {shown}"))?;
        let key = term.read_key();
        if key.is_err() {
            // Ctrl-C (or a closed terminal) ends the question's line too: what follows
            // starts on a line of its own.
            let _ = term.write_line("");
        }
        match key? {
            Key::Char('y' | 'Y') => answer = Some(true),
            Key::Char('n' | 'N') => answer = Some(false),
            Key::Backspace => answer = None,
            Key::Enter => break answer == Some(true),
            // Esc, also when the next key arrived with it and made an unknown sequence.
            Key::Escape | Key::UnknownEscSeq(_) => break false,
            _ => {}
        }
    };
    term.write_line("")?;
    Ok(result)
}

/// For the largest mutations: the user types the number of entries, as `gh repo delete` asks
/// for the repository's name. `--yes` still skips it for scripts.
pub fn confirm_count(out: &Output, question: &str, count: usize) -> Result<()> {
    if out.assume_yes {
        return Ok(());
    }
    ensure_can_ask(out, question)?;
    let _held = hold_interrupts();
    let theme = dialoguer::theme::SimpleTheme;
    let typed = dialoguer::Input::<String>::with_theme(&theme)
        .with_prompt(format!(
            "{question}\nThis cannot be undone. Type the number of entries ({count}) to confirm"
        ))
        .allow_empty(true)
        .interact_text();
    let typed = match typed {
        Ok(t) => t,
        Err(dialoguer::Error::IO(e)) if e.kind() == std::io::ErrorKind::Interrupted => {
            let term = console::Term::stderr();
            let _ = term.show_cursor();
            let _ = term.write_line("");
            return Err(cancelled(out));
        }
        Err(e) => return Err(CliError::failure(format!("cannot read the answer: {e}"))),
    };
    if typed.trim().replace([',', '_'], "") == count.to_string() {
        Ok(())
    } else {
        Err(declined(out))
    }
}

/// Ctrl-C at a question is read as a key, and the terminal library then raises SIGINT at the
/// process. Unhandled, that kills it mid-line with nothing said; handled (a handler, once set,
/// stays for the process), the read's error is the one place the cancel is dealt with.
#[cfg(unix)]
fn hold_interrupts() -> Option<tokio::signal::unix::Signal> {
    use tokio::signal::unix::{signal, SignalKind};
    tokio::runtime::Handle::try_current().ok()?;
    signal(SignalKind::interrupt()).ok()
}

#[cfg(not(unix))]
fn hold_interrupts() -> Option<()> {
    None
}

fn ensure_can_ask(out: &Output, question: &str) -> Result<()> {
    let machine = matches!(out.format, Format::Json | Format::Ndjson);
    let can_ask = !out.no_input && !machine && std::io::stdin().is_terminal() && out.stderr_tty;
    if can_ask {
        return Ok(());
    }
    let why = if machine {
        "JSON output never prompts"
    } else {
        "no terminal to ask on"
    };
    Err(CliError::new(
        Kind::NotConfirmed,
        format!("{question} needs confirmation ({why}); nothing was changed"),
    )
    .hint("add --yes to confirm"))
}

/// Ctrl-C at a question: not an answer but a cancel, so exit 130 as every interrupt does (a
/// script tells it from a No, exit 5); one calm line, nothing done.
fn cancelled(out: &Output) -> CliError {
    out.info("cancelled: nothing was done");
    CliError::new(Kind::Interrupted, "cancelled")
}

/// A deliberate No is not an error: one calm line, exit 5.
fn declined(out: &Output) -> CliError {
    out.info("not confirmed: nothing was done");
    CliError::new(Kind::Declined, "not confirmed")
}
