//! `dlq triage`: a guided session at the terminal, from "what failed" to "put right".
//!
//! A thin layer over the verbs: every step is one of their command lines (`dlq stats ...`,
//! `dlq get ...`, `dlq resume ... --all`), parsed by the same grammar and run by the verb's own
//! code, so plans, prompts, progress, interrupts and journals are exactly the verbs'. The recap
//! at the end prints those lines, with `--yes`, for a runbook or CI.

mod acting;
mod saying;
mod view;

use super::scope::{Line, Scope};
use super::{parse_line as parse, Command};
use crate::api::{Entry, Filter, Source};
use crate::args::filter::ReadFilters;
use crate::bulk::action::Verb;
use crate::context::Ctx;
use crate::error::{CliError, Kind, Result};
use crate::grouping::{GroupKey, Stats};
use crate::output::wrap;
use crate::text::safe;

/// A guided session at the terminal: pick a failing group, look, act, repeat.
///
/// Shows the groups of `dlq stats` (by url and status; workflow url and callback state with
/// --workflow) and the failure signatures, lets you pick one by typing or with the arrow keys,
/// shows a sample, and offers: inspect an entry, narrow by another key or by what the entries
/// say (--grep, --where), export the group, or act on it (retry, republish
/// to a new URL or delete; resume, restart, callback or delete) with the verbs' own plan,
/// confirmation and progress.
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
    line: Line,
    argv: Vec<String>,
    /// What became of it, in units a wrapped line never splits (`0 left`).
    outcome: Vec<String>,
}

/// What the group's menu offers; each line carries its own, so a choice is never read back
/// from its position or its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Choice {
    Inspect,
    Narrow,
    Saying,
    Export,
    Act(Verb),
    Back,
}

/// How an action that creates messages or runs goes on after acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Follow {
    Verify,
    Canary,
    No,
}

struct Session<'a> {
    ctx: &'a Ctx,
    retention: std::time::Duration,
    steps: Vec<Step>,
}

pub async fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let interactive = ctx.out.term.stdin_is_terminal()
        && ctx.out.term.stderr_is_terminal()
        && !ctx.out.no_input
        && !matches!(
            ctx.out.format,
            crate::output::Format::Json | crate::output::Format::Ndjson
        );
    if ctx.out.assume_yes {
        // Every change in a session is picked from a menu; none may go through unasked.
        return Err(
            CliError::usage("dlq triage asks before every change: drop --yes").hint(format!(
                "unattended, group with `{}` and act with the verbs and --yes; a session's \
                 recap prints those lines",
                ctx.aim().dlq(["stats"])
            )),
        );
    }
    if !interactive {
        let aim = ctx.aim();
        return Err(
            CliError::usage("dlq triage needs a terminal to ask on").hint(format!(
                "in scripts, group with `dlq stats` and act with the verbs: {}, then {}",
                aim.dlq(["stats", "--by", "url,status"]),
                aim.dlq(["retry", "--url", "URL", "--all", "--yes"])
            )),
        );
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
    let base = Scope::from_args(source, &args.filters);
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
    let mut session = Session {
        ctx,
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
    /// Beside the `--by` groups, the failure signatures (`--by response`) of the same
    /// entries, each selected by its `--signature`, unless `--by` has them already.
    async fn groups(&mut self, sel: &Scope, by: &[GroupKey]) -> Result<()> {
        let mut bys = vec![by.to_vec()];
        if !by.contains(&GroupKey::Response) {
            bys.push(vec![GroupKey::Response]);
        }
        loop {
            let read = self.stats_each(sel, &bys).await?;
            let stats = &read[0];
            if stats.total == 0 {
                self.ctx.out.info_wrapped(&format!(
                    "nothing in the DLQ matches {}",
                    safe(&sel.describe())
                ));
                return Ok(());
            }
            let mut groups = Vec::new();
            let mut lines = Vec::new();
            let mut narrowed = Vec::new();
            for (i, (stats, by)) in read.iter().zip(&bys).enumerate() {
                let these = stats.sorted(None);
                // The reply groups say what they are (`reply: 503 …`).
                let tag = if i == 0 { "" } else { "reply: " };
                let now = self.ctx.now_ms;
                let these_narrowed: Vec<_> = these
                    .iter()
                    .map(|g| {
                        let mut n = Ok(sel.clone());
                        for (k, v) in by.iter().zip(&g.key) {
                            n = n.and_then(|s| s.narrowed(*k, v.as_deref(), now));
                        }
                        n
                    })
                    .collect();
                // Groups that cannot be acted on stay listed, for their counts, and say so.
                let notes: Vec<&str> = these_narrowed
                    .iter()
                    .map(|n| if n.is_ok() { "" } else { "(count only)" })
                    .collect();
                let out = &self.ctx.out;
                lines.extend(view::group_lines(out, now, stats, &these, &notes, tag));
                narrowed.extend(these_narrowed);
                groups.extend(these);
            }
            let prompt = format!(
                "{} entries in {} groups; pick one (type to filter, Esc to quit)",
                stats.total,
                groups.len()
            );
            // The cursor starts on a group that can be acted on: Enter at once must not be
            // refused.
            let first = narrowed.iter().position(Result::is_ok).unwrap_or(0);
            let menu: Vec<_> = lines.into_iter().zip(0..groups.len()).collect();
            let Some(i) = view::fuzzy(&self.ctx.out, &prompt, &menu, first) else {
                return Ok(());
            };
            let g = groups[i];
            match narrowed[i].clone() {
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
    async fn group(&mut self, mut sel: Scope, mut count: u64) -> Result<bool> {
        loop {
            let sample = self.sample(&sel).await?;
            if sample.is_empty() {
                self.ctx.out.info("nothing left in this group");
                return Ok(true);
            }
            let heading = format!("group: {}", safe(&sel.describe()));
            let heading = wrap::hang(&wrap::words(&heading), 0, 2, self.ctx.out.stderr_wrap());
            eprintln!("\n{heading}");
            for e in &sample {
                eprintln!("  {}", view::entry_line(&self.ctx.out, self.ctx.now_ms, e));
            }
            let verbs: &[Verb] = match sel.source {
                Source::Qstash => &[Verb::Retry, Verb::Republish, Verb::Delete],
                Source::Workflow => &[Verb::Resume, Verb::Restart, Verb::Callback, Verb::Delete],
            };
            let mut menu = vec![
                ("inspect an entry".to_string(), Choice::Inspect),
                ("narrow by another key".to_string(), Choice::Narrow),
                ("export this group to a file".to_string(), Choice::Export),
            ];
            menu.extend(
                verbs
                    .iter()
                    .map(|v| (format!("{} this group", v.name()), Choice::Act(*v))),
            );
            // After the verbs, so the lines above keep the places people learnt.
            menu.push((
                "narrow by what the entries say (--grep, --where)".to_string(),
                Choice::Saying,
            ));
            menu.push(("back to the groups".to_string(), Choice::Back));
            match view::select(&self.ctx.out, "What now? (Esc goes back)", &menu) {
                Some(Choice::Inspect) => self.inspect(&sample).await?,
                Some(Choice::Narrow) => {
                    if let Some(narrower) = self.narrow(&sel).await? {
                        sel = narrower;
                    }
                }
                Some(Choice::Saying) => {
                    if let Some((narrower, n)) = self.narrow_by_content(&sel).await? {
                        (sel, count) = (narrower, n);
                    }
                }
                Some(Choice::Export) => self.export(&sel).await?,
                Some(Choice::Act(verb)) => {
                    if self.act(verb, &sel, count).await {
                        return Ok(true);
                    }
                }
                Some(Choice::Back) | None => return Ok(false),
            }
        }
    }

    async fn stats(&self, sel: &Scope, by: &[GroupKey]) -> Result<Stats> {
        let mut read = self.stats_each(sel, &[by.to_vec()]).await?;
        Ok(read.remove(0))
    }

    /// The scope grouped each way of `bys`, in one read of the DLQ.
    async fn stats_each(&self, sel: &Scope, bys: &[Vec<GroupKey>]) -> Result<Vec<Stats>> {
        let filter = self.filter(sel)?;
        self.read(sel.source, &filter, bys).await
    }

    /// The scope's filter, as the verbs' grammar builds it from the scope's command line.
    fn filter(&self, sel: &Scope) -> Result<Filter> {
        let argv = sel.argv(Line::List, &[]);
        let Command::List(args) = parse(&argv)? else {
            unreachable!("a list command line")
        };
        args.filters.build(sel.source, self.ctx.now_ms)
    }

    /// What `filter` selects, grouped each way of `bys`, in one read of the DLQ.
    async fn read(
        &self,
        source: Source,
        filter: &Filter,
        bys: &[Vec<GroupKey>],
    ) -> Result<Vec<Stats>> {
        let readings = bys
            .iter()
            .map(|by| super::stats::Reading {
                by: by.clone(),
                keyer: None,
                retention: self.retention,
            })
            .collect();
        stoppable(super::stats::gather_each(
            self.ctx, source, filter, readings,
        ))
        .await
    }

    /// The first entries of the scope. A filter checked on our side (`--signature`) may keep
    /// none of a short page, so pages are read until there are enough or there are no more.
    async fn sample(&self, sel: &Scope) -> Result<Vec<Entry>> {
        let filter = self.filter(sel)?;
        let api = self.ctx.api()?;
        stoppable(async {
            let mut pages = crate::bulk::pages::Pages::new(&api, sel.source, &filter, None);
            let mut sample = Vec::new();
            while sample.len() < SAMPLE as usize {
                let Some(entries) = pages.next(Some(100)).await? else {
                    break;
                };
                sample.extend(entries);
            }
            sample.truncate(SAMPLE as usize);
            Ok(sample)
        })
        .await
    }

    async fn inspect(&mut self, sample: &[Entry]) -> Result<()> {
        let menu: Vec<(String, &Entry)> = sample
            .iter()
            .map(|e| (view::entry_line(&self.ctx.out, self.ctx.now_ms, e), e))
            .collect();
        let Some(entry) = view::select(&self.ctx.out, "Which entry?", &menu) else {
            return Ok(());
        };
        let argv = vec!["dlq".into(), "get".into(), entry.dlq_id.clone()];
        self.run(&argv, &[]).await;
        let _ = view::line(&self.ctx.out, "Enter to go back");
        Ok(())
    }

    async fn narrow(&mut self, sel: &Scope) -> Result<Option<Scope>> {
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
            GroupKey::Response,
        ]
        .into_iter()
        .filter(|k| k.only_for().is_none_or(|s| s == sel.source))
        .collect();
        let menu: Vec<(String, GroupKey)> =
            keys.iter().map(|k| (k.name().to_string(), *k)).collect();
        let Some(key) = view::select(&self.ctx.out, "Narrow by", &menu) else {
            return Ok(None);
        };
        let stats = self.stats(sel, &[key]).await?;
        let groups = stats.sorted(None);
        let lines = view::group_lines(&self.ctx.out, self.ctx.now_ms, &stats, &groups, &[], "");
        let menu: Vec<_> = lines.into_iter().zip(groups.iter().copied()).collect();
        let Some(g) = view::fuzzy(
            &self.ctx.out,
            "Pick a value (type to filter, Esc goes back)",
            &menu,
            0,
        ) else {
            return Ok(None);
        };
        match sel.narrowed(key, g.key[0].as_deref(), self.ctx.now_ms) {
            Ok(narrowed) => Ok(Some(narrowed)),
            Err(why) => {
                self.ctx.out.info_wrapped(&safe(&why));
                Ok(None)
            }
        }
    }

    async fn export(&mut self, sel: &Scope) -> Result<()> {
        let default = format!(
            "dlq-export-{}.ndjson",
            jiff::Timestamp::now().strftime("%Y%m%d-%H%M%S")
        );
        // Some(name), or None to ask for one.
        let menu = [
            (format!("export to {default}"), Some(Some(default.clone()))),
            ("export to a file named now".to_string(), Some(None)),
            ("back".to_string(), None),
        ];
        let path = match view::select(&self.ctx.out, "Export this group (Esc goes back)", &menu) {
            Some(Some(Some(path))) => path,
            Some(Some(None)) => match view::line(&self.ctx.out, "File name (empty goes back)") {
                Some(p) if !p.trim().is_empty() => p.trim().to_string(),
                _ => return Ok(()),
            },
            Some(None) | None => return Ok(()),
        };
        let argv = sel.argv(
            Line::Export,
            &["--all".into(), "--output-file".into(), path],
        );
        if self.run(&argv, &[]).await {
            self.steps.push(Step {
                line: Line::Export,
                outcome: vec!["written".into()],
                argv,
            });
        }
        Ok(())
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

// Last in the file: what follows `#[cfg(test)]` is test code to the source scanners.
#[cfg(test)]
mod tests;
