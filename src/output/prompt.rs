//! Confirmation before mutations: ask only a person at a terminal, default No.
//!
//! Without a terminal (or with `--no-input`, or machine-readable output), nothing is asked and
//! the mutation is refused unless `--yes` was given: a script never hangs on a prompt, and
//! nothing changes by accident.

use std::io::IsTerminal;

use super::Output;
use crate::cli::{Format, GlobalArgs};
use crate::error::{CliError, Kind, Result};

/// Returns Ok when the user confirmed (or `--yes`), else the exit-5 error to return.
pub fn confirm(out: &Output, global: &GlobalArgs, question: &str) -> Result<()> {
    if global.yes {
        return Ok(());
    }
    let machine = matches!(out.format, Format::Json | Format::Ndjson);
    let can_ask = !global.no_input && !machine && std::io::stdin().is_terminal() && out.stderr_tty;
    if !can_ask {
        let why = if machine {
            "JSON output never prompts"
        } else {
            "no terminal to ask on"
        };
        return Err(CliError::new(
            Kind::NotConfirmed,
            format!("{question} needs confirmation ({why}); nothing was changed"),
        )
        .hint("add --yes to confirm"));
    }
    let theme = dialoguer::theme::SimpleTheme;
    let answer = dialoguer::Confirm::with_theme(&theme)
        .with_prompt(question)
        .default(false)
        .interact_opt()
        .map_err(|e| CliError::failure(format!("cannot read the answer: {e}")))?;
    match answer {
        Some(true) => Ok(()),
        _ => Err(CliError::new(
            Kind::NotConfirmed,
            "not confirmed; nothing was changed",
        )),
    }
}
