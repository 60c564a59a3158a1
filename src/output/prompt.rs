//! Confirmation before mutations: ask only a person at a terminal, default No, and act only on
//! an answer finished with Enter.
//!
//! Without a terminal (or with `--no-input`, or machine-readable output), nothing is asked and
//! the mutation is refused unless `--yes` was given: a script never hangs on a prompt, and
//! nothing changes by accident. A single keystroke never confirms: typing `yes` then Enter must
//! not confirm on the `y` and leave `es` for the shell.

use super::{Format, Output};
use crate::error::{CliError, Kind, Result};
use crate::terminal::{Key, Terminal};

/// Returns Ok when the user confirmed (or `--yes`), else the exit-5 error to return.
pub fn confirm(out: &Output, question: &str) -> Result<()> {
    if out.assume_yes {
        return Ok(());
    }
    ensure_can_ask(out, question)?;
    let _held = hold_interrupts();
    match yes_no(&*out.term, question, out.stderr_wrap()) {
        Ok(true) => Ok(()),
        Ok(false) => Err(declined(out)),
        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Err(cancelled(out)),
        Err(e) => Err(CliError::failure(format!("cannot read the answer: {e}"))),
    }
}

/// `question [y/N]`: y or n sets the answer (the last one typed counts), Enter confirms it,
/// Esc (or Enter with nothing typed) is No. A keystroke alone never decides.
///
/// A question wider than `max` columns is wrapped at words, and only its last line is drawn
/// again as the answer changes: a line that ran past the edge could not be redrawn in place.
fn yes_no(term: &dyn Terminal, question: &str, max: usize) -> std::io::Result<bool> {
    let asked = super::wrap::hang(
        &super::wrap::words(question),
        0,
        2,
        max.saturating_sub(" [y/N] y".len()),
    );
    let (before, question) = asked.rsplit_once('\n').unwrap_or(("", &asked));
    for line in before.lines() {
        term.redraw(line)?;
        term.end_line()?;
    }
    let mut answer: Option<bool> = None;
    let result = loop {
        let shown = match answer {
            Some(true) => "y",
            Some(false) => "n",
            None => "",
        };
        term.redraw(&format!("{question} [y/N] {shown}"))?;
        match term.read_key()? {
            Key::Char('y' | 'Y') => answer = Some(true),
            Key::Char('n' | 'N') => answer = Some(false),
            Key::Backspace => answer = None,
            Key::Enter => break answer == Some(true),
            Key::Escape => break false,
            Key::Char(_) | Key::Other => {}
        }
    };
    term.end_line()?;
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
    let asked = format!(
        "{question}\nThis cannot be undone. Type the number of entries ({count}) to confirm"
    );
    let typed = match out.term.read_line(&asked) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => return Err(cancelled(out)),
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
    let can_ask = !out.no_input && !machine && out.term.stdin_is_terminal() && out.stderr_tty;
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::output::Options;
    use crate::terminal::{Answer, Scripted};

    /// An output on a scripted terminal, and the terminal, to read what was asked.
    fn on(script: Vec<Answer>, opts: Options) -> (Output, Arc<Scripted>) {
        let term = Arc::new(Scripted::new(script));
        (Output::on(&opts, &|_| None, term.clone()), term)
    }

    fn kind(r: Result<()>) -> Option<Kind> {
        r.err().map(|e| e.kind)
    }

    #[test]
    fn only_y_then_enter_confirms() {
        for (typed, confirmed) in [
            ("y\r", true),
            ("Y\r", true),
            // `yes` typed whole: the y counts, and nothing is left for the shell.
            ("yes\r", true),
            ("yn\r", false),
            ("ny\r", true),
            ("y\x7f\r", false),
            ("\r", false),
            ("y\x1b", false),
            ("x\r", false),
        ] {
            let (out, term) = on(Scripted::keys(typed), Options::default());
            let got = kind(confirm(&out, "Delete 3 entries?"));
            let want = (!confirmed).then_some(Kind::Declined);
            assert_eq!(got, want, "{typed:?}");
            assert_eq!(term.left(), 0, "{typed:?} read to its end");
            assert!(term.transcript().starts_with("Delete 3 entries? [y/N] "));
            assert!(term.transcript().ends_with('\n'), "the line is ended");
        }
        let (out, term) = on(Scripted::keys("yes\r"), Options::default());
        confirm(&out, "Go?").unwrap();
        assert_eq!(term.transcript(), "Go? [y/N] y\n", "the answer is shown");
    }

    #[test]
    fn a_question_wider_than_the_terminal_is_wrapped_and_only_its_last_line_redrawn() {
        let (out, term) = on(Scripted::keys("ny\r"), Options::default());
        let question =
            "Resume 7 failed workflow runs on 127.0.0.1:44139 (token from QSTASH_TOKEN)?";
        confirm(&out, question).unwrap();
        assert_eq!(
            term.transcript(),
            "Resume 7 failed workflow runs on 127.0.0.1:44139 (token from\n  QSTASH_TOKEN)? [y/N] y\n"
        );
    }

    #[test]
    fn a_key_alone_never_decides() {
        // The script runs out after `y`: the prompt asks for more instead of acting.
        let (out, _) = on(Scripted::keys("y"), Options::default());
        assert_eq!(kind(confirm(&out, "Go?")), Some(Kind::Failure));
    }

    #[test]
    fn ctrl_c_cancels_rather_than_declines() {
        let (out, term) = on(Scripted::keys("y\x03"), Options::default());
        assert_eq!(kind(confirm(&out, "Go?")), Some(Kind::Interrupted));
        assert_eq!(term.transcript(), "Go? [y/N] y^C\n");
        let (out, _) = on(vec![Answer::Interrupt], Options::default());
        assert_eq!(
            kind(confirm_count(&out, "Delete 5000 entries?", 5000)),
            Some(Kind::Interrupted)
        );
    }

    #[test]
    fn the_largest_jobs_need_the_count_typed() {
        for (typed, ok) in [
            ("5000", true),
            (" 5,000 ", true),
            ("5_000", true),
            ("500", false),
            ("y", false),
            ("", false),
        ] {
            let (out, term) = on(vec![Answer::Line(typed.into())], Options::default());
            let got = kind(confirm_count(&out, "Delete 5000 entries?", 5000));
            assert_eq!(got, (!ok).then_some(Kind::Declined), "{typed:?}");
            assert!(term
                .transcript()
                .contains("Type the number of entries (5000) to confirm"));
        }
    }

    #[test]
    fn nothing_is_asked_without_a_person_and_yes_asks_nothing() {
        let refused = |out: &Output| {
            let e = confirm(out, "Go?").unwrap_err();
            assert_eq!(e.kind, Kind::NotConfirmed);
            assert_eq!(
                confirm_count(out, "Go?", 9).unwrap_err().kind,
                Kind::NotConfirmed
            );
            e.message
        };
        let mut piped = Scripted::new(Scripted::keys("y\r"));
        piped.ttys[0] = false;
        let piped = Arc::new(piped);
        let out = Output::on(&Options::default(), &|_| None, piped.clone());
        assert!(refused(&out).contains("no terminal to ask on"));
        assert_eq!(piped.left(), 2, "nothing was read");
        let no_input = Options {
            no_input: true,
            ..Options::default()
        };
        refused(&on(Scripted::keys("y\r"), no_input).0);
        let json = Options {
            format: Some(Format::Json),
            ..Options::default()
        };
        assert!(refused(&on(Scripted::keys("y\r"), json).0).contains("JSON output never prompts"));
        let yes = Options {
            yes: true,
            ..Options::default()
        };
        let (out, term) = on(Vec::new(), yes);
        confirm(&out, "Go?").unwrap();
        confirm_count(&out, "Go?", 9).unwrap();
        assert_eq!(term.transcript(), "");
    }
}
