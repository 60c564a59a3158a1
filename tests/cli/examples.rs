//! Every example `--help` prints and every `dlq` command line in README.md's code blocks, run
//! against a seeded sandbox: each must at least parse (any exit code but 2).
//!
//! The examples are read from the clap tree and the README themselves, never copied here, so
//! a new or changed example is checked as soon as it is written. To make each one do something
//! real: ids and job ids of the docs (`1752829295505-0`, `msg_...`, `wfr_...`, `<id>`,
//! `resume-20261123-101500-7f3a`) become real ones of the sandbox; `dlq sandbox` servers run
//! on a free port until their first line; `config set-token` is fed a token; `--sandbox` and
//! `sandbox reset` get a state directory of their own. Each line runs against a freshly seeded
//! sandbox, but all lines of one source share a home and a working directory (with a `.env`),
//! so `> ids.txt` or `config set-token` leave what a later example reads. Stdin is empty and
//! never a terminal; `--yes` is never added, so a mutation that asks is refused with exit 5,
//! which is fine.

use std::collections::HashSet;
use std::io::BufRead;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use clap::CommandFactory;
use serde_json::Value;

use crate::common::Sandbox;
use crate::shell::{self, command_part, dlq_args, printf_text};

/// Examples deliberately not run, each with the reason. Matched against the example's text;
/// an entry that matches nothing fails the test, so the list cannot go stale.
const SKIP: &[(&str, &str)] = &[(
    "dlq triage",
    "needs a terminal to ask on (exit 2 without one, by design); \
     tests/cli/triage_session.rs runs it on a real one",
)];

/// One line of documentation holding at least one command.
struct Example {
    /// Where it is: `dlq retry --help`, `README.md:64`.
    source: String,
    text: String,
}

#[test]
fn every_help_example_runs_against_the_sandbox() {
    let examples = help_examples();
    // Every visible verb shows examples (docs::every_verb_has_examples); all of them are read.
    assert!(
        examples.len() >= 40,
        "only {} examples found",
        examples.len()
    );
    run_all(&examples);
}

#[test]
fn every_readme_command_runs_against_the_sandbox() {
    let examples = readme_examples();
    assert!(
        examples.len() >= 30,
        "only {} commands found",
        examples.len()
    );
    run_all(&examples);
}

/// The lines under `Examples:` in the long help of `dlq` and of every visible subcommand, at
/// the widest the help is drawn.
fn help_examples() -> Vec<Example> {
    fn walk(cmd: &mut clap::Command, path: &str, out: &mut Vec<Example>) {
        let help = cmd.clone().term_width(100).render_long_help().to_string();
        let mut under = false;
        for line in help.lines() {
            if line.trim_end() == "Examples:" {
                under = true;
            } else if line.trim().is_empty() || !line.starts_with(' ') {
                under = false;
            } else if under {
                let line = line.trim();
                let command = command_part(line);
                out.push(Example {
                    source: format!("{path} --help"),
                    text: command.to_string(),
                });
                // `(then: dlq retry --ids-from ids.txt)`: the next step, an example too.
                let remark = line[command.len()..].trim();
                if let Some(then) = remark
                    .strip_prefix("(then: ")
                    .and_then(|r| r.strip_suffix(')'))
                {
                    out.push(Example {
                        source: format!("{path} --help"),
                        text: then.to_string(),
                    });
                }
            }
        }
        let names: Vec<String> = cmd
            .get_subcommands()
            .filter(|s| !s.is_hide_set() && s.get_name() != "help")
            .map(|s| s.get_name().to_string())
            .collect();
        for name in names {
            let sub = cmd.find_subcommand_mut(&name).unwrap();
            walk(sub, &format!("{path} {name}"), out);
        }
    }
    let mut cmd = dlq::cli::Cli::command();
    cmd.build();
    let mut out = Vec::new();
    walk(&mut cmd, "dlq", &mut out);
    out
}

/// The lines of README.md's shell code blocks that hold a `dlq` command (also after `|` or
/// as `cargo run --locked -- ...`). Blocks of output (` ```text `) and YAML are shown, not run.
fn readme_examples() -> Vec<Example> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let text = std::fs::read_to_string(path).unwrap();
    let (mut fenced, mut shell_block) = (false, false);
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if let Some(info) = line.trim_start().strip_prefix("```") {
            fenced = !fenced;
            shell_block = fenced && matches!(info.trim(), "sh" | "bash" | "shell" | "console");
            continue;
        }
        let text = command_part(line.trim());
        let has_dlq = shell::parse(text)
            .iter()
            .flatten()
            .any(|s| dlq_args(s).is_some());
        if shell_block && has_dlq {
            out.push(Example {
                source: format!("README.md:{}", n + 1),
                text: text.to_string(),
            });
        }
    }
    out
}

fn run_all(examples: &[Example]) {
    let mut runner = Runner::new();
    let mut problems = Vec::new();
    let mut skips_used = HashSet::new();
    for ex in examples {
        if let Some((pattern, _)) = SKIP.iter().find(|(p, _)| ex.text.contains(p)) {
            skips_used.insert(*pattern);
            continue;
        }
        if let Err(why) = runner.line(&ex.text) {
            problems.push(format!("{}: `{}`\n    {why}", ex.source, ex.text));
        }
    }
    // Only the help test sees help-only skips and the README test README-only ones; an entry
    // neither matches is stale.
    let stale: Vec<_> = SKIP
        .iter()
        .filter(|(p, _)| !skips_used.contains(p) && !all_doc_text().contains(p))
        .collect();
    assert!(
        stale.is_empty(),
        "SKIP entries that match no example: {stale:?}"
    );
    assert!(
        problems.is_empty(),
        "{} of {} examples failed:\n{}",
        problems.len(),
        examples.len(),
        problems.join("\n")
    );
}

fn all_doc_text() -> String {
    let mut all: Vec<String> = help_examples().into_iter().map(|e| e.text).collect();
    all.extend(readme_examples().into_iter().map(|e| e.text));
    all.join("\n")
}

/// Runs documentation lines, each against a freshly seeded sandbox (so no example depends on
/// what the ones before it retried or deleted), all with one home and working directory (so
/// `config use us` finds the profile `config set-token` made, and `--fixture dlq.ndjson` the
/// file an export wrote).
struct Runner {
    /// The sandbox of the line being run.
    sb: Option<Sandbox>,
    /// DLQ_CONFIG_DIR and DLQ_STATE_DIR (jobs) of the commands.
    home: tempfile::TempDir,
    /// Files examples write and read (`ids.txt`, `dlq.ndjson`), and a `.env`.
    cwd: tempfile::TempDir,
    /// DLQ_STATE_DIR of `--sandbox` commands and `dlq sandbox` servers.
    local: tempfile::TempDir,
}

impl Runner {
    fn new() -> Runner {
        Runner {
            sb: None,
            home: tempfile::tempdir().unwrap(),
            cwd: tempfile::tempdir().unwrap(),
            local: tempfile::tempdir().unwrap(),
        }
    }

    fn sb(&self) -> &Sandbox {
        self.sb.as_ref().expect("a line's sandbox")
    }

    /// `dlq` pointed at this line's sandbox, from the working directory.
    fn dlq(&self) -> assert_cmd::Command {
        let mut c = crate::common::dlq(&self.home);
        c.env("QSTASH_URL", &self.sb().url)
            .env("QSTASH_TOKEN", &self.sb().token)
            .current_dir(self.cwd.path());
        c
    }

    /// Runs every `dlq` command of a line; Err says what went wrong.
    fn line(&mut self, text: &str) -> Result<(), String> {
        // Deliveries settle at once, so --verify and --canary examples do not wait for ever.
        let sb = Sandbox::start(&[
            "--seed",
            "50",
            "--seed-rng",
            "3",
            "--simulate",
            "*=ok",
            "--delivery-backoff-ms",
            "5",
        ]);
        let env = format!("QSTASH_URL={}\nQSTASH_TOKEN={}\n", sb.url, sb.token);
        self.sb = Some(sb);
        std::fs::write(self.cwd.path().join(".env"), env).unwrap();
        let mut ran = 0;
        for pipeline in shell::parse(text) {
            // What the stage before hands on: a dlq command's stdout, or printf's text.
            let mut handed: Option<Vec<u8>> = None;
            for stage in &pipeline {
                let Some(args) = dlq_args(stage) else {
                    handed = printf_text(stage);
                    continue;
                };
                let args = self.substitute(&args)?;
                let stdin = match (handed.take(), &stage.stdin_from) {
                    (Some(h), _) => self.substitute_lines(&h, &args)?,
                    (None, Some(file)) => std::fs::read(self.cwd.path().join(file))
                        .map_err(|e| format!("< {file}: {e}"))?,
                    (None, None) if is_set_token(&args) => format!("{}\n", self.sb().token).into(),
                    (None, None) => Vec::new(),
                };
                let out = if serves(&args) {
                    self.serve(args)?
                } else if runs_until_stopped(&args) {
                    self.until_stopped(args)?
                } else {
                    self.run(&args, stdin)?
                };
                if let Some((file, append)) = &stage.stdout_to {
                    self.keep(file, *append, &out);
                }
                handed = Some(out);
                ran += 1;
            }
        }
        if ran == 0 {
            return Err("no dlq command found in it".into());
        }
        Ok(())
    }

    /// Runs one command to its end; its stdout, or Err on a usage error (exit 2).
    fn run(&self, args: &[String], stdin: Vec<u8>) -> Result<Vec<u8>, String> {
        let mut c = self.dlq();
        c.args(args).write_stdin(stdin);
        if local(args) {
            c.env("DLQ_STATE_DIR", self.local.path());
        }
        let out = c.output().map_err(|e| format!("cannot run: {e}"))?;
        match out.status.code() {
            Some(2) | None => Err(format!(
                "`dlq {}` ended with {}:\n{}",
                args.join(" "),
                out.status,
                String::from_utf8_lossy(&out.stderr)
            )),
            Some(_) => Ok(out.stdout),
        }
    }

    /// A `dlq sandbox` server: started on a free port, its first two lines read, stopped.
    fn serve(&self, mut args: Vec<String>) -> Result<Vec<u8>, String> {
        match args.iter().position(|a| a == "--port") {
            Some(i) if i + 1 < args.len() => args[i + 1] = "0".into(),
            _ => args.extend(["--port".into(), "0".into()]),
        }
        let mut c = crate::common::dlq_std(&self.home);
        c.current_dir(self.cwd.path())
            .env("DLQ_STATE_DIR", self.local.path())
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().map_err(|e| format!("cannot run: {e}"))?;
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let lines: Vec<String> = std::io::BufReader::new(stdout)
                .lines()
                .take(2)
                .map_while(Result::ok)
                .collect();
            let _ = tx.send(lines);
        });
        // A guard against a hang, not a timing: a server prints its URL first thing.
        let lines = rx.recv_timeout(Duration::from_secs(60)).unwrap_or_default();
        let _ = child.kill();
        let out = child.wait_with_output().unwrap();
        match lines.first() {
            Some(l) if l.starts_with("QSTASH_URL=http://127.0.0.1:") => Ok(lines.join("\n").into()),
            _ => Err(format!(
                "`dlq {}` did not serve ({}):\n{}",
                args.join(" "),
                out.status,
                String::from_utf8_lossy(&out.stderr)
            )),
        }
    }

    /// `dlq exporter` or a `--watch`: started (an exporter on a free port), its first line on
    /// stderr read (what it serves, what it watches, or the usage error), then stopped.
    fn until_stopped(&self, mut args: Vec<String>) -> Result<Vec<u8>, String> {
        if args.iter().any(|a| a == "exporter") {
            match args.iter().position(|a| a == "--listen") {
                Some(i) if i + 1 < args.len() => args[i + 1] = "127.0.0.1:0".into(),
                _ => args.extend(["--listen".into(), "127.0.0.1:0".into()]),
            }
        }
        let mut c = crate::common::dlq_std(&self.home);
        c.current_dir(self.cwd.path())
            .env("QSTASH_URL", &self.sb().url)
            .env("QSTASH_TOKEN", &self.sb().token)
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = c.spawn().map_err(|e| format!("cannot run: {e}"))?;
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok);
            let _ = tx.send(lines.next());
            lines.for_each(drop);
        });
        // A guard against a hang, not a timing: each says something first thing.
        let first = rx.recv_timeout(Duration::from_secs(60)).ok().flatten();
        let _ = child.kill();
        let status = child.wait().unwrap();
        match (status.code(), first) {
            (Some(2), said) | (_, said @ None) => Err(format!(
                "`dlq {}` ended with {status}: {}",
                args.join(" "),
                said.unwrap_or_default()
            )),
            _ => Ok(Vec::new()),
        }
    }

    /// Writes a command's output where the example redirects it: a plain file name lands in
    /// the working directory; anything else (`~/...`, `$PROFILE`) is left alone.
    fn keep(&self, file: &str, append: bool, out: &[u8]) {
        if file.contains(['/', '~', '$']) {
            return;
        }
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .append(append)
            .truncate(!append)
            .open(self.cwd.path().join(file))
            .unwrap();
        std::io::Write::write_all(&mut f, out).unwrap();
    }

    /// Replaces the ids of the docs in a command's arguments by real ones of the sandbox.
    fn substitute(&self, args: &[String]) -> Result<Vec<String>, String> {
        self.real_ids(args, args)
    }

    /// The same for ids fed on stdin, one a line (`printf 'id1\nid2\n' | dlq delete -`).
    fn substitute_lines(&self, input: &[u8], args: &[String]) -> Result<Vec<u8>, String> {
        let text = String::from_utf8_lossy(input);
        let lines: Vec<String> = text.lines().map(|l| l.trim().to_string()).collect();
        if !lines.iter().any(|l| Placeholder::of(l).is_some()) {
            return Ok(input.to_vec()); // real ids, from a dlq command before
        }
        Ok((self.real_ids(&lines, args)?.join("\n") + "\n").into_bytes())
    }

    /// `words` with each stand-in id replaced by a real one of the DLQ the command `args`
    /// acts on, each used once.
    fn real_ids(&self, words: &[String], args: &[String]) -> Result<Vec<String>, String> {
        let verb = verb(args);
        let workflow = matches!(verb, "resume" | "restart" | "callback")
            || args.iter().any(|a| a == "--workflow");
        let mut used = HashSet::new();
        let mut entries: Option<Vec<Value>> = None;
        let mut out = Vec::new();
        for w in words {
            let field = match Placeholder::of(w) {
                None => {
                    out.push(w.clone());
                    continue;
                }
                Some(Placeholder::Job) => {
                    out.push(self.job(verb)?);
                    continue;
                }
                Some(Placeholder::Dlq) => "dlqId",
                Some(Placeholder::Message) => "messageId",
                Some(Placeholder::Run) => "workflowRunId",
            };
            let entries = entries
                .get_or_insert_with(|| self.sb().listed(workflow || field == "workflowRunId"));
            // A callback is re-run only where the callback failed: such runs first.
            let failed_callback = |e: &&Value| e["failureCallbackInfo"]["state"] == "CALLBACK_FAIL";
            let pick = entries
                .iter()
                .filter(|e| verb != "callback" || failed_callback(e))
                .chain(entries.iter())
                .filter_map(|e| e[field].as_str())
                .find(|id| !used.contains(*id))
                .ok_or_else(|| format!("the sandbox has no {field} left to stand for {w}"))?
                .to_string();
            used.insert(pick.clone());
            out.push(pick);
        }
        Ok(out)
    }

    /// A real job id for a docs' one. `--continue` acts only where its job ran, so an action
    /// gets a job just run on this line's sandbox (on one entry); `dlq jobs` the newest job.
    fn job(&self, verb: &str) -> Result<String, String> {
        let jobs = || -> Vec<String> {
            let dir = self.home.path().join("state/jobs");
            let mut jobs: Vec<String> = std::fs::read_dir(dir)
                .map(|d| {
                    d.filter_map(|e| e.ok()?.file_name().into_string().ok())
                        .collect()
                })
                .unwrap_or_default();
            jobs.sort();
            jobs
        };
        // `verify` follows a job on its own server too: it needs one of this sandbox.
        let action = ACTIONS.contains(&verb) || verb == "verify";
        if let (false, Some(newest)) = (action, jobs().pop()) {
            return Ok(newest);
        }
        let verb = if ACTIONS.contains(&verb) {
            verb
        } else {
            "retry"
        };
        let before = jobs();
        let one = self.real_ids(&["<id>".to_string()], &[verb.to_string()])?;
        self.run(&[verb.into(), one[0].clone(), "--yes".into()], Vec::new())?;
        jobs()
            .into_iter()
            .find(|j| !before.contains(j))
            .ok_or_else(|| format!("`dlq {verb} {} --yes` left no job", one[0]))
    }
}

/// The verbs that run as jobs.
const ACTIONS: [&str; 5] = ["retry", "delete", "resume", "restart", "callback"];

/// The kinds of ids the docs use as stand-ins.
enum Placeholder {
    Dlq,
    Message,
    Run,
    Job,
}

impl Placeholder {
    fn of(word: &str) -> Option<Placeholder> {
        let digits = |s: &str, n: Option<usize>| {
            !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && n.is_none_or(|n| s.len() == n)
        };
        let parts: Vec<&str> = word.split('-').collect();
        match word {
            "<id>" | "<ID>" | "ID" | "id1" | "id2" | "id3" => Some(Placeholder::Dlq),
            "<JOB>" | "JOB" | "<job>" => Some(Placeholder::Job),
            w if w.starts_with("msg_") => Some(Placeholder::Message),
            w if w.starts_with("wfr_") => Some(Placeholder::Run),
            // 1752829295505-0: epoch milliseconds and a sequence number.
            _ if parts.len() == 2 && digits(parts[0], Some(13)) && digits(parts[1], None) => {
                Some(Placeholder::Dlq)
            }
            // resume-20261123-101500-7f3a: verb, date, time, a random suffix.
            _ if parts.len() == 4
                && parts[0].bytes().all(|b| b.is_ascii_lowercase())
                && digits(parts[1], Some(8))
                && digits(parts[2], Some(6))
                && parts[3].bytes().all(|b| b.is_ascii_hexdigit()) =>
            {
                Some(Placeholder::Job)
            }
            _ => None,
        }
    }
}

/// The verb of a command line: the first word that names a subcommand of `dlq`.
fn verb(args: &[String]) -> &str {
    let cmd = dlq::cli::Cli::command();
    let names: Vec<String> = cmd
        .get_subcommands()
        .flat_map(|s| std::iter::once(s.get_name()).chain(s.get_all_aliases()))
        .map(str::to_string)
        .collect();
    args.iter()
        .find(|a| names.contains(a))
        .map_or("", String::as_str)
}

/// Whether a line runs until it is stopped: `dlq exporter`, or any `--watch`.
fn runs_until_stopped(args: &[String]) -> bool {
    verb(args) == "exporter" || args.iter().any(|a| a == "--watch")
}

/// `dlq sandbox` with no verb after it serves until stopped.
fn serves(args: &[String]) -> bool {
    verb(args) == "sandbox" && !args.iter().any(|a| a == "reset")
}

/// Commands on the local state: `--sandbox` and `sandbox reset`.
fn local(args: &[String]) -> bool {
    args.iter().any(|a| a == "--sandbox") || verb(args) == "sandbox"
}

fn is_set_token(args: &[String]) -> bool {
    verb(args) == "config" && args.iter().any(|a| a == "set-token")
}
