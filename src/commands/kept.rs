//! What `--where`/`--grep` kept, said by every command that selects with them: how many
//! listed entries the rule saw and kept, and, when it failed on some, how many and the first
//! error, with exit 3 (those entries were not selected, so the result is partial).

use crate::api::{Content, ContentTally};
use crate::context::Ctx;
use crate::error::{CliError, Kind, Result};
use crate::text::{safe, truncate};

/// "--where kept 12 of 40 listed entries", when the filter has a rule.
pub fn line(content: &Content) -> Option<String> {
    let t = content.tally()?;
    Some(format!(
        "{} kept {} of {} listed {}",
        content.flags(),
        t.kept,
        t.judged,
        if t.judged == 1 { "entry" } else { "entries" }
    ))
}

/// Says what the rule kept (stderr, unless -q).
pub fn say(ctx: &Ctx, content: &Content) {
    if let Some(l) = line(content) {
        ctx.out.info(&l);
    }
}

/// The command's end: `result`, or exit 3 when the rule failed on entries (the command's
/// own error, if it has one, stays the error, and the failures are a warning before it).
pub fn conclude(ctx: &Ctx, content: &Content, result: Result<()>) -> Result<()> {
    match content.tally() {
        Some(t) => conclude_with(ctx, content.flags(), "selected", &t, result),
        None => result,
    }
}

/// The same for any program: `flags` named, its entries not `what` (selected, grouped).
pub fn conclude_with(
    ctx: &Ctx,
    flags: &str,
    what: &str,
    t: &ContentTally,
    result: Result<()>,
) -> Result<()> {
    if t.failed == 0 {
        return result;
    }
    let (id, why) = t.first_error.clone().unwrap_or_default();
    let n = t.failed;
    let message = format!(
        "{flags} failed on {n} {}, which {} not {what}; the first, {}: {}",
        if n == 1 { "entry" } else { "entries" },
        if n == 1 { "was" } else { "were" },
        truncate(&safe(&id), 60),
        safe(&why)
    );
    match result {
        Ok(()) => Err(CliError::new(Kind::Partial, message).hint(
            "guard what may be missing or of another type, e.g. '($body.n? // 0) > 3', \
             or 'try (...) catch false'",
        )),
        Err(e) => {
            ctx.out.warn(&message);
            Err(e)
        }
    }
}
