//! A triage step that narrows a group by what its entries say (`--grep`, `--where`) before
//! acting on it: the narrowed group is a command line like every other step, so its count,
//! its sample, the verb's plan and the recap all select with the pattern or program.

use super::{view, Session};
use crate::commands::scope::{Says, Scope};
use crate::error::Result;
use crate::grouping::GroupKey;
use crate::text::safe;

impl Session<'_> {
    /// Asks for a pattern or a program and narrows `sel` with it: the narrower scope and how
    /// many entries it holds, or `None` (Esc, an empty answer, bad syntax, nothing matched)
    /// with the group as it was.
    pub(super) async fn narrow_by_content(&mut self, sel: &Scope) -> Result<Option<(Scope, u64)>> {
        let menu = [
            (
                "a regular expression over the bodies (--grep '(?i)timeout')".to_string(),
                Says::Grep,
            ),
            (
                "a jq program on each entry (--where '$body.tenant == \"acme\"')".to_string(),
                Says::Where,
            ),
        ];
        let prompt = "Narrow by what the entries say (Esc goes back)";
        let Some(says) = view::select(&self.ctx.out, prompt, &menu) else {
            return Ok(None);
        };
        // Short, so what is typed after it fits the line.
        let ask = format!("{} (empty goes back)", says.flag());
        let Some(text) = view::line(&self.ctx.out, &ask).filter(|t| !t.trim().is_empty()) else {
            return Ok(None);
        };
        let narrowed = match sel.saying(says, &text) {
            Ok(n) => n,
            Err(why) => {
                self.ctx.out.info_wrapped(&safe(&why));
                return Ok(None);
            }
        };
        // The verbs' own grammar compiles it: bad syntax is said before anything is listed.
        let filter = match self.filter(&narrowed) {
            Ok(f) => f,
            Err(e) => {
                let hint = e.hints.first().map(|h| format!(" ({h})"));
                let said = format!("{}{}", e.message, hint.unwrap_or_default());
                self.ctx.out.info_wrapped(&safe(&said));
                return Ok(None);
            }
        };
        let key = match sel.source {
            crate::api::Source::Qstash => GroupKey::Status,
            crate::api::Source::Workflow => GroupKey::CallbackState,
        };
        let total = self.read(sel.source, &filter, &[vec![key]]).await?[0].total;
        if let Some(t) = filter.content.tally().filter(|t| t.failed > 0) {
            let (id, why) = t.first_error.unwrap_or_default();
            self.ctx.out.info_wrapped(&safe(&format!(
                "{} failed on {} of the group's entries, which are not in the narrower group; \
                 the first, {id}: {why}",
                says.flag(),
                t.failed
            )));
        }
        if total == 0 {
            self.ctx.out.info_wrapped(&format!(
                "none of the group's entries match {} {}; the group is as it was",
                says.flag(),
                safe(text.trim())
            ));
            return Ok(None);
        }
        self.ctx.out.info(&format!(
            "{total} of the group's entries match {}",
            says.flag()
        ));
        Ok(Some((narrowed, total)))
    }
}
