//! A triage session's actions: a verb over a whole group, run through the verb's own command
//! line (so plans, prompts, progress, interrupts and journals are exactly the verb's), and the
//! recap of every step at the end.

use super::{parse, view, Follow, Session, Step, CANARY_FROM};
use crate::bulk::action::Verb;
use crate::bulk::journal;
use crate::commands::scope::{Line, Scope};
use crate::error::Kind;
use crate::output::wrap;
use crate::text::{safe, width};

impl Session<'_> {
    /// Acts on the whole group with one verb, through the verb's own command line. Esc at any
    /// question goes back one step, to the group's menu, with nothing done (false); the verb
    /// itself still asks before it acts. True once the verb ran.
    pub(super) async fn act(&mut self, verb: Verb, sel: &Scope, count: u64) -> bool {
        let mut extra = vec!["--all".to_string()];
        if matches!(verb, Verb::Retry | Verb::Resume | Verb::Restart) {
            let menu = [
                ("keep the original retries".to_string(), None),
                ("--retries 0 (one attempt)".to_string(), Some("0")),
                ("--retries 1".to_string(), Some("1")),
                ("--retries 3".to_string(), Some("3")),
            ];
            match view::select(
                &self.ctx.out,
                "Retries for the next delivery (Esc goes back)",
                &menu,
            ) {
                Some(None) => {}
                Some(Some(n)) => extra.extend(["--retries".into(), n.into()]),
                None => return false,
            }
        }
        if verb == Verb::Republish {
            match self.destination() {
                Some(flags) => extra.extend(flags),
                None => return false,
            }
        }
        if verb == Verb::Delete {
            let path = format!(
                "dlq-backup-{}.ndjson",
                jiff::Timestamp::now().strftime("%Y%m%d-%H%M%S")
            );
            let menu = [
                (
                    format!("write a backup to {path} first"),
                    Some(path.clone()),
                ),
                ("no backup".into(), None),
            ];
            match view::select(&self.ctx.out, "Keep a copy? (Esc goes back)", &menu) {
                Some(Some(path)) => extra.extend(["--backup".into(), path]),
                Some(None) => {}
                None => return false,
            }
        } else {
            let mut menu = vec![
                (
                    "act, then follow the outcomes (--verify)".to_string(),
                    Follow::Verify,
                ),
                ("act without following".to_string(), Follow::No),
            ];
            if count > CANARY_FROM {
                let canary = "try 10 first, go on if they are delivered (--canary 10)";
                menu.insert(1, (canary.into(), Follow::Canary));
            }
            match view::select(&self.ctx.out, "How? (Esc goes back)", &menu) {
                Some(Follow::Verify) => extra.push("--verify".into()),
                Some(Follow::Canary) => extra.extend(["--canary".into(), "10".into()]),
                Some(Follow::No) => {}
                None => return false,
            }
        }
        let line = Line::Act(verb);
        let argv = sel.argv(line, &extra);
        // The verb hands back the job it started in its report's header line: no guessing from
        // the journals, where another run of the same verb may have started meanwhile.
        let report = self.report_path();
        let hidden = ["--report".to_string(), report.display().to_string()];
        self.run(&argv, &hidden).await;
        let job = journal_of(&report).and_then(|job| journal::info(&self.ctx.state_dir, &job).ok());
        let _ = std::fs::remove_file(&report);
        // Declined or refused before it started: nothing to recap.
        let Some(j) = job else { return true };
        let outcome = vec![
            format!("job {}:", j.job),
            format!("{} done,", j.done),
            format!("{} not in the DLQ,", j.not_found),
            format!("{} failed,", j.failed),
            format!("{} left", j.left),
        ];
        let mut argv = argv;
        argv.push("--yes".into());
        self.steps.push(Step {
            line,
            argv,
            outcome,
        });
        true
    }

    /// Where a republished group goes: `--to-url URL`, or `--rewrite-url FROM=TO` when the
    /// answer reads so (its right side a URL); `None` goes back.
    fn destination(&self) -> Option<[String; 2]> {
        // What the answer may be, on a line of its own: the prompt's line keeps room for a URL.
        let how = "A URL, or OLD=NEW to move an origin or a path under it; empty goes back.";
        let max = self.ctx.out.stderr_wrap();
        eprintln!("{}", wrap::hang(&wrap::words(how), 0, 2, max));
        let answer = view::line(&self.ctx.out, "New destination")?;
        let answer = answer.trim().to_string();
        if answer.is_empty() {
            return None;
        }
        let rewrite = answer
            .split_once('=')
            .is_some_and(|(_, to)| to.starts_with("https://") || to.starts_with("http://"));
        let flag = if rewrite { "--rewrite-url" } else { "--to-url" };
        Some([flag.to_string(), answer])
    }

    /// A new file for the report of an action the session runs, beside the journals.
    fn report_path(&self) -> std::path::PathBuf {
        let _ = std::fs::create_dir_all(&self.ctx.state_dir);
        let n = self.steps.len();
        let now = jiff::Timestamp::now().as_nanosecond();
        let name = format!("triage-{}-{now}-{n}.report.ndjson", std::process::id());
        self.ctx.state_dir.join(name)
    }

    /// Runs a command line through the verb's own code, with `hidden` arguments the session
    /// needs but the person need not see; its errors are shown, and the session goes on.
    pub(super) async fn run(&self, argv: &[String], hidden: &[String]) -> bool {
        eprintln!("\n$ {}", self.shown(argv, 2, 4));
        let whole: Vec<String> = argv.iter().chain(hidden).cloned().collect();
        let result = match parse(&whole) {
            Ok(command) => crate::commands::dispatch(self.ctx, command).await,
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => true,
            Err(e) if matches!(e.kind, Kind::Declined | Kind::Interrupted) => false,
            Err(e) => {
                self.ctx.out.error(&e);
                false
            }
        }
    }

    pub(super) fn recap(&self) {
        if self.steps.is_empty() {
            self.ctx.out.info("nothing was changed in this session");
            return;
        }
        let max = self.ctx.out.stderr_wrap();
        eprintln!("\nThis session:");
        for s in &self.steps {
            let label = format!("  {}: ", s.line.name());
            let units: Vec<String> = s.outcome.iter().map(|u| safe(u).into_owned()).collect();
            let outcome = wrap::hang(&units, width(&label), 4, max);
            eprintln!("{label}{outcome}");
            eprintln!("    {}", self.shown(&s.argv, 4, 6));
        }
        if let Some(note) = self.ctx.aim().token_note() {
            self.ctx.out.info_wrapped(&note);
        }
    }

    /// A session's command line for the terminal, `start` columns in: wrapped between words
    /// with `\` continuations (never cut), so what is pasted still runs as the one command.
    fn shown(&self, argv: &[String], start: usize, indent: usize) -> String {
        let words: Vec<String> = self
            .printed(argv)
            .shell_words()
            .iter()
            .map(|w| safe(w).into_owned())
            .collect();
        wrap::command(&words, start, indent, self.ctx.out.stderr_wrap())
    }

    /// A session's command line as a person would run it: aimed where the session is, since
    /// a shell with another QSTASH_URL or QSTASH_TOKEN would otherwise run it elsewhere.
    fn printed(&self, argv: &[String]) -> crate::cmdline::CommandLine {
        self.ctx.aim().dlq(argv.iter().skip(1).cloned())
    }
}

/// The job named by the header line of an action's report, if the action started one.
fn journal_of(report: &std::path::Path) -> Option<String> {
    use std::io::BufRead;
    let file = std::fs::File::open(report).ok()?;
    let first = std::io::BufReader::new(file).lines().next()?.ok()?;
    let header: serde_json::Value = serde_json::from_str(&first).ok()?;
    header["job"].as_str().map(String::from)
}
