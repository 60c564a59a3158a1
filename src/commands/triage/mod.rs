//! `dlq triage`: a guided session at the terminal, from "what failed" to "put right".
//!
//! A thin layer over the verbs: every step is one of their command lines (`dlq stats ...`,
//! `dlq get ...`, `dlq resume ... --all`), parsed by the same grammar and run by the verb's own
//! code, so plans, prompts, progress, interrupts and journals are exactly the verbs'. The recap
//! at the end prints those lines, with `--yes`, for a runbook or CI.

mod selection;
mod view;

use std::io::IsTerminal;

use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::{FuzzySelect, Input, Select};

use super::{parse_line as parse, Command};
use crate::api::{Entry, Source};
use crate::args::filter::ReadFilters;
use crate::bulk::journal;
use crate::context::Ctx;
use crate::error::{CliError, Kind, Result};
use crate::stats::{GroupKey, Stats};
use crate::text::safe;
use selection::{shell_line, Selection};

/// A guided session at the terminal: pick a failing group, look, act, repeat.
///
/// Shows the groups of `dlq stats` (by url and status; workflow url and callback state with
/// --workflow), lets you pick one by typing or with the arrow keys, shows a sample, and offers:
/// inspect an entry, narrow by another key, export the group, or act on it (retry or delete;
/// resume, restart, callback or delete) with the verbs' own plan, confirmation and progress.
/// Esc goes back; at the end, a recap of what was done and the commands that do it
/// without a terminal. Scripts use `dlq stats` and the verbs directly.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dlq triage                              QStash messages, by url and status
  dlq triage --workflow                   failed runs, by workflow url and callback state
  dlq triage --from 24h --by url,label    the last day, by url and label")]
pub struct Args {
    /// Failed workflow runs instead of QStash messages
    #[arg(long)]
    pub workflow: bool,

    /// Group by these keys, comma-separated [default: url,status; with --workflow:
    /// workflow-url,callback-state]
    #[arg(long, value_enum, value_delimiter = ',', value_name = "KEYS")]
    pub by: Vec<GroupKey>,

    /// How long the DLQ keeps entries on your plan; entries about to expire are called out
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "3d",
        env = "DLQ_RETENTION"
    )]
    pub retention: String,

    #[command(flatten)]
    pub filters: ReadFilters,
}

/// Entries shown of a group.
const SAMPLE: u32 = 5;

/// A group of more entries than this is offered a canary.
const CANARY_FROM: u64 = 20;

/// One thing the session did, for the recap.
struct Step {
    verb: &'static str,
    argv: Vec<String>,
    outcome: String,
}

struct Session<'a> {
    ctx: &'a Ctx,
    theme: Box<dyn Theme>,
    retention: std::time::Duration,
    steps: Vec<Step>,
}

pub async fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let interactive = std::io::stdin().is_terminal()
        && std::io::stderr().is_terminal()
        && !ctx.out.no_input
        && !matches!(
            ctx.out.format,
            crate::output::Format::Json | crate::output::Format::Ndjson
        );
    if ctx.out.assume_yes {
        // Every change in a session is picked from a menu; none may go through unasked.
        return Err(CliError::usage("dlq triage asks before every change: drop --yes")
            .hint("unattended, group with `dlq stats` and act with the verbs and --yes; a session's recap prints those lines"));
    }
    if !interactive {
        return Err(CliError::usage("dlq triage needs a terminal to ask on")
            .hint("in scripts, group with `dlq stats` and act with the verbs: dlq stats --by url,status, then dlq retry --url URL --all --yes"));
    }
    let source = super::source(args.workflow);
    let by = if args.by.is_empty() {
        match source {
            Source::Qstash => vec![GroupKey::Url, GroupKey::Status],
            Source::Workflow => vec![GroupKey::WorkflowUrl, GroupKey::CallbackState],
        }
    } else {
        args.by.clone()
    };
    super::stats::check_keys(&by, source)?;
    let retention = super::stats::retention(&args.retention)?;
    let base = Selection::from_args(source, &args.filters);
    // Checks the filters against the DLQ's grammar before anything is asked.
    args.filters.build(source, ctx.now_ms)?;
    // Interrupts are this session's to handle: Ctrl-C at a menu goes back as Esc does, during
    // a read it ends the session (with the recap), during an action it stops the run as in
    // the verbs.
    let listener = tokio::spawn(async {
        loop {
            super::signals::first().await;
        }
    });
    let theme: Box<dyn Theme> = if ctx.out.stderr_color {
        Box::new(ColorfulTheme::default())
    } else {
        Box::new(SimpleTheme)
    };
    let mut session = Session {
        ctx,
        theme,
        retention,
        steps: Vec::new(),
    };
    let result = session.groups(&base, &by).await;
    listener.abort();
    session.recap();
    result
}

impl Session<'_> {
    /// The group list, again and again with fresh counts, until the user leaves.
    async fn groups(&mut self, sel: &Selection, by: &[GroupKey]) -> Result<()> {
        loop {
            let stats = self.stats(sel, by).await?;
            let groups = stats.sorted(None);
            if groups.is_empty() {
                self.ctx.out.info(&format!(
                    "nothing in the DLQ matches {}",
                    safe(&sel.describe())
                ));
                return Ok(());
            }
            let items = view::group_lines(&self.ctx.out, self.ctx.now_ms, &stats, &groups);
            let prompt = format!(
                "{} entries in {} groups; pick one (type to filter, Esc to quit)",
                stats.total,
                groups.len()
            );
            let Some(i) = self.fuzzy(&prompt, &items) else {
                return Ok(());
            };
            let g = groups[i];
            let mut narrowed = Ok(sel.clone());
            for (k, v) in by.iter().zip(&g.key) {
                narrowed = narrowed.and_then(|s| s.narrowed(*k, v.as_deref(), self.ctx.now_ms));
            }
            match narrowed {
                Ok(group) => {
                    if self.group(group, g.count).await? {
                        continue;
                    }
                }
                Err(why) => self.ctx.out.info_wrapped(&safe(&why)),
            }
        }
    }

    /// One group's menu. Returns true when something was done that changes the counts.
    async fn group(&mut self, mut sel: Selection, count: u64) -> Result<bool> {
        loop {
            let sample = self.sample(&sel).await?;
            if sample.is_empty() {
                self.ctx.out.info("nothing left in this group");
                return Ok(true);
            }
            eprintln!("\ngroup: {}", safe(&sel.describe()));
            for e in &sample {
                eprintln!("  {}", view::entry_line(&self.ctx.out, self.ctx.now_ms, e));
            }
            let verbs: &[&'static str] = match sel.source {
                Source::Qstash => &["retry", "delete"],
                Source::Workflow => &["resume", "restart", "callback", "delete"],
            };
            let mut items = vec![
                "inspect an entry".to_string(),
                "narrow by another key".to_string(),
                "export this group to a file".to_string(),
            ];
            items.extend(verbs.iter().map(|v| format!("{v} this group")));
            items.push("back to the groups".to_string());
            let Some(choice) = self.select("What now? (Esc goes back)", &items) else {
                return Ok(false);
            };
            match choice {
                0 => self.inspect(&sample).await?,
                1 => {
                    if let Some(narrower) = self.narrow(&sel).await? {
                        sel = narrower;
                    }
                }
                2 => self.export(&sel).await?,
                i if i < 3 + verbs.len() => {
                    self.act(verbs[i - 3], &sel, count).await;
                    return Ok(true);
                }
                _ => return Ok(false),
            }
        }
    }

    async fn stats(&self, sel: &Selection, by: &[GroupKey]) -> Result<Stats> {
        let keys: Vec<&str> = by.iter().map(|k| k.name()).collect();
        let argv = sel.argv("stats", &["--by".into(), keys.join(",")]);
        let Command::Stats(args) = parse(&argv)? else {
            unreachable!("a stats command line")
        };
        let filter = args.filters.build(sel.source, self.ctx.now_ms)?;
        stoppable(super::stats::gather(
            self.ctx,
            sel.source,
            &filter,
            args.by,
            self.retention,
        ))
        .await
    }

    async fn sample(&self, sel: &Selection) -> Result<Vec<Entry>> {
        let argv = sel.argv("list", &[]);
        let Command::List(args) = parse(&argv)? else {
            unreachable!("a list command line")
        };
        let filter = args.filters.build(sel.source, self.ctx.now_ms)?;
        let api = self.ctx.api()?;
        let page =
            stoppable(async { Ok(api.list(sel.source, &filter, Some(SAMPLE), None).await?) })
                .await?;
        Ok(page.messages)
    }

    async fn inspect(&mut self, sample: &[Entry]) -> Result<()> {
        let items: Vec<String> = sample
            .iter()
            .map(|e| view::entry_line(&self.ctx.out, self.ctx.now_ms, e))
            .collect();
        let Some(i) = self.select("Which entry?", &items) else {
            return Ok(());
        };
        let argv = vec!["dlq".into(), "get".into(), sample[i].dlq_id.clone()];
        self.run(&argv).await;
        let _: std::result::Result<String, _> = Input::with_theme(&*self.theme)
            .with_prompt("Enter to go back")
            .allow_empty(true)
            .interact_text();
        Ok(())
    }

    async fn narrow(&mut self, sel: &Selection) -> Result<Option<Selection>> {
        let keys: Vec<GroupKey> = [
            GroupKey::Url,
            GroupKey::Status,
            GroupKey::Label,
            GroupKey::Queue,
            GroupKey::UrlGroup,
            GroupKey::Schedule,
            GroupKey::FlowControlKey,
            GroupKey::CallerIp,
            GroupKey::WorkflowUrl,
            GroupKey::CallbackState,
            GroupKey::Day,
            GroupKey::Hour,
        ]
        .into_iter()
        .filter(|k| k.only_for().is_none_or(|s| s == sel.source))
        .collect();
        let names: Vec<String> = keys.iter().map(|k| k.name().to_string()).collect();
        let Some(k) = self.select("Narrow by", &names) else {
            return Ok(None);
        };
        let stats = self.stats(sel, &[keys[k]]).await?;
        let groups = stats.sorted(None);
        let items = view::group_lines(&self.ctx.out, self.ctx.now_ms, &stats, &groups);
        let Some(i) = self.fuzzy("Pick a value (type to filter, Esc goes back)", &items) else {
            return Ok(None);
        };
        match sel.narrowed(keys[k], groups[i].key[0].as_deref(), self.ctx.now_ms) {
            Ok(narrowed) => Ok(Some(narrowed)),
            Err(why) => {
                self.ctx.out.info_wrapped(&safe(&why));
                Ok(None)
            }
        }
    }

    async fn export(&mut self, sel: &Selection) -> Result<()> {
        let default = format!(
            "dlq-export-{}.ndjson",
            jiff::Timestamp::now().strftime("%Y%m%d-%H%M%S")
        );
        let choices = [
            format!("export to {default}"),
            "export to a file named now".to_string(),
            "back".to_string(),
        ];
        let path = match self.select("Export this group (Esc goes back)", &choices) {
            Some(0) => default,
            Some(1) => match Input::<String>::with_theme(&*self.theme)
                .with_prompt("File name (empty goes back)")
                .allow_empty(true)
                .interact_text()
            {
                Ok(p) if !p.trim().is_empty() => p.trim().to_string(),
                _ => return Ok(()),
            },
            _ => return Ok(()),
        };
        let argv = sel.argv("export", &["--all".into(), "--output-file".into(), path]);
        if self.run(&argv).await {
            self.steps.push(Step {
                verb: "export",
                outcome: "written".into(),
                argv,
            });
        }
        Ok(())
    }

    /// Acts on the whole group with one verb, through the verb's own command line. Esc at any
    /// question goes back with nothing done; the verb itself still asks before it acts.
    async fn act(&mut self, verb: &'static str, sel: &Selection, count: u64) {
        let mut extra = vec!["--all".to_string()];
        if matches!(verb, "retry" | "resume" | "restart") {
            let choices = [
                "keep the original retries",
                "--retries 0 (one attempt)",
                "--retries 1",
                "--retries 3",
            ]
            .map(String::from);
            match self.select("Retries for the next delivery (Esc goes back)", &choices) {
                Some(0) => {}
                Some(i) => extra.extend(["--retries".into(), ["0", "1", "3"][i - 1].into()]),
                None => return,
            }
        }
        if verb == "delete" {
            let path = format!(
                "dlq-backup-{}.ndjson",
                jiff::Timestamp::now().strftime("%Y%m%d-%H%M%S")
            );
            let choices = [
                format!("write a backup to {path} first"),
                "no backup".into(),
            ];
            match self.select("Keep a copy? (Esc goes back)", &choices) {
                Some(0) => extra.extend(["--backup".into(), path]),
                Some(_) => {}
                None => return,
            }
        } else {
            let mut choices = vec![
                "act, then follow the outcomes (--verify)".to_string(),
                "act without following".to_string(),
            ];
            if count > CANARY_FROM {
                choices.insert(
                    1,
                    "try 10 first, go on if they are delivered (--canary 10)".into(),
                );
            }
            match self.select("How? (Esc goes back)", &choices) {
                Some(0) => extra.push("--verify".into()),
                Some(1) if count > CANARY_FROM => extra.extend(["--canary".into(), "10".into()]),
                Some(_) => {}
                None => return,
            }
        }
        let argv = sel.argv(verb, &extra);
        let before = jiff::Timestamp::now().as_millisecond() - 1000;
        self.run(&argv).await;
        // The job the verb wrote says what happened.
        let job = journal::list(&self.ctx.state_dir).ok().and_then(|jobs| {
            jobs.into_iter()
                .find(|j| j.verb == verb && j.created_ms >= before)
        });
        // Declined or refused before it started: nothing to recap.
        let Some(j) = job else { return };
        let outcome = format!(
            "job {}: {} done, {} not in the DLQ, {} failed, {} left",
            j.job, j.done, j.not_found, j.failed, j.left
        );
        let mut argv = argv;
        argv.push("--yes".into());
        self.steps.push(Step {
            verb,
            argv,
            outcome,
        });
    }

    /// Runs a command line through the verb's own code; its errors are shown, and the session
    /// goes on.
    async fn run(&self, argv: &[String]) -> bool {
        eprintln!("\n$ {}", safe(&shell_line(argv)));
        let result = match parse(argv) {
            Ok(command) => super::dispatch(self.ctx, command).await,
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

    fn recap(&self) {
        if self.steps.is_empty() {
            self.ctx.out.info("nothing was changed in this session");
            return;
        }
        eprintln!("\nThis session:");
        for s in &self.steps {
            eprintln!("  {}: {}", s.verb, safe(&s.outcome));
            eprintln!("    {}", safe(&shell_line(&s.argv)));
        }
    }

    fn fuzzy(&self, prompt: &str, items: &[String]) -> Option<usize> {
        view::answered(
            FuzzySelect::with_theme(&*self.theme)
                .with_prompt(prompt)
                .items(items)
                .default(0)
                .interact_opt(),
        )
    }

    fn select(&self, prompt: &str, items: &[String]) -> Option<usize> {
        view::answered(
            Select::with_theme(&*self.theme)
                .with_prompt(prompt)
                .items(items)
                .default(0)
                .interact_opt(),
        )
    }
}

/// A read of the DLQ that a stop signal ends, with the session: on a large DLQ it can take a
/// while, and the session's own listener would otherwise swallow Ctrl-C.
async fn stoppable<T>(read: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    tokio::select! {
        r = read => r,
        _ = super::signals::first() => Err(CliError::new(
            Kind::Interrupted,
            "interrupted while reading the DLQ",
        )),
    }
}
