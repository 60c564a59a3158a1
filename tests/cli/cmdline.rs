//! Every command line dlq prints is aimed where the session was (issue 28 §4): pasted into a
//! shell whose QSTASH_URL and QSTASH_TOKEN point at another server (a recording one here),
//! the triage recap and echoes, a `continue with:` line and the cross-job guard's line act on
//! the session's own server, and nothing reaches the other. The token is never printed.
//! Also: no `dlq …` literal is printed from outside `src/cmdline.rs`, and `config show`
//! under `--sandbox` names the sandbox.

use std::path::Path;
use std::process::{Output, Stdio};

use crate::common::{continue_job, dlq, dlq_std, ndjson, Sandbox};
use crate::hostile::Hostile;
use crate::target::{applied, outcomes, signal, wait_for};
use crate::tty::Screen;

const ELSEWHERE_TOKEN: &str = "token-of-the-other-server";

/// Runs `line` as a person pastes it: `sh -c`, in `dir` (also its HOME), with nothing of
/// dlq's set but `env`, so only what the line says finds the server, the journals and the
/// sandbox.
fn pasted_in(dir: &Path, line: &str, env: &[(&str, &str)]) -> Output {
    let bin = assert_cmd::cargo::cargo_bin("dlq");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut c = std::process::Command::new("sh");
    c.arg("-c").arg(line).current_dir(dir);
    for (k, _) in std::env::vars() {
        if crate::common::read_by_dlq(&k) {
            c.env_remove(k);
        }
    }
    c.env("HOME", dir).env("PATH", path).env("NO_COLOR", "1");
    c.envs(env.iter().copied());
    c.output().unwrap()
}

/// [`pasted_in`] a new directory.
pub fn pasted(line: &str, env: &[(&str, &str)]) -> Output {
    pasted_in(tempfile::tempdir().unwrap().path(), line, env)
}

/// The shell the lines are pasted into: pointed at `rec`.
fn elsewhere(rec: &Hostile) -> [(&str, &str); 2] {
    [
        ("QSTASH_URL", rec.url.as_str()),
        ("QSTASH_TOKEN", ELSEWHERE_TOKEN),
    ]
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn triage_on_sandbox(home: &Path, rec: &Hostile) -> Screen {
    let bin = assert_cmd::cargo::cargo_bin("dlq").display().to_string();
    let argv = [bin, "--sandbox".into(), "triage".into()];
    let state = home.join("state").display().to_string();
    let config = home.join("config").display().to_string();
    let env = [
        ("QSTASH_URL", rec.url.as_str()),
        ("QSTASH_TOKEN", ELSEWHERE_TOKEN),
        ("DLQ_STATE_DIR", state.as_str()),
        ("DLQ_CONFIG_DIR", config.as_str()),
        ("NO_COLOR", "1"),
    ];
    Screen::start(&argv, &env, 200, 50)
}

#[test]
fn a_sandbox_triage_prints_lines_that_run_on_the_sandbox_from_a_shell_pointed_elsewhere() {
    let home = tempfile::tempdir().unwrap();
    let rec = Hostile::always(500);
    let screen = triage_on_sandbox(home.path(), &rec);
    screen.wait("pick one (type to filter, Esc to quit)");
    screen.keys(&["Enter"]);
    screen.wait("> inspect an entry");
    // Inspect the first sample: the session echoes the `get` it runs.
    screen.keys(&["Enter"]);
    screen.wait("Which entry?");
    screen.keys(&["Enter"]);
    let s = screen.wait("Enter to go back");
    let get = s
        .lines()
        .filter_map(|l| l.trim().strip_prefix("$ "))
        .find(|l| l.contains(" get "))
        .unwrap_or_else(|| panic!("no echoed get in:\n{s}"))
        .to_string();
    screen.keys(&["Enter"]);
    screen.wait_n("group: ", 2);
    screen.wait("> inspect an entry");
    // Export the group to the offered file: a step of the recap.
    screen.keys(&["Down", "Down", "Enter"]);
    screen.wait("Export this group");
    screen.keys(&["Enter"]);
    screen.wait_n("group: ", 3);
    screen.keys(&["Escape"]);
    screen.wait_n("pick one (type to filter, Esc to quit)", 2);
    screen.keys(&["Escape"]);
    assert_eq!(screen.exit_code(), 0);
    let s = screen.screen();
    let recap = s
        .split("This session:")
        .nth(1)
        .unwrap_or_else(|| panic!("{s}"));
    let export = recap
        .lines()
        .map(str::trim)
        .find(|l| l.contains(" export "))
        .unwrap_or_else(|| panic!("no export line in the recap:\n{s}"))
        .to_string();
    let state = home.path().join("state");
    for line in [&get, &export] {
        assert!(line.contains(" dlq --sandbox "), "{line}");
        assert!(
            line.starts_with(&format!("DLQ_STATE_DIR={} ", state.display())),
            "the sandbox lives in the session's state directory: {line}"
        );
    }

    let env = elsewhere(&rec);
    let out = pasted(&get, &env);
    assert!(out.status.success(), "{get}: {}", text(&out.stderr));
    let id = get.rsplit(' ').next().unwrap();
    assert!(text(&out.stdout).contains(id), "{}", text(&out.stdout));

    let there = tempfile::tempdir().unwrap();
    let out = pasted_in(there.path(), &export, &env);
    assert!(out.status.success(), "{export}: {}", text(&out.stderr));
    let file = export
        .split_whitespace()
        .skip_while(|w| *w != "--output-file")
        .nth(1)
        .unwrap();
    let listed = dlq(&home)
        .args(["--sandbox", "list", "-o", "ids"])
        .output()
        .unwrap();
    let in_sandbox = text(&listed.stdout);
    let written: Vec<String> = ndjson(&std::fs::read(there.path().join(file)).unwrap())
        .iter()
        .map(|e| e["dlqId"].as_str().unwrap().to_string())
        .collect();
    assert!(!written.is_empty(), "{export}");
    assert!(
        written.iter().all(|id| in_sandbox.lines().any(|l| l == id)),
        "the group's entries, from the sandbox: {written:?}"
    );
    assert!(
        rec.lines().is_empty(),
        "reached the other server: {:?}",
        rec.lines()
    );
}

/// Starts `dlq <global> retry --all --yes` slowly at `sb` with `env`, interrupts it once 100
/// entries have an outcome, and returns its continue line and how many were retried then.
fn interrupted(sb: &Sandbox, global: &[&str], env: &[(&str, &str)]) -> (String, usize) {
    let mut child = dlq_std(&sb.home)
        .args(global)
        .args([
            "retry",
            "--all",
            "--yes",
            "--concurrency",
            "1",
            "--rps",
            "1",
        ])
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for(&mut child, &sb.home, |l| outcomes(l) >= 100);
    signal(&child, "-INT");
    let out = child.wait_with_output().unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    let line = err.lines().last().unwrap();
    assert!(continue_job(line, "retry").is_some(), "{err}");
    let before = applied(sb, "retry").len();
    assert!((100..300).contains(&before), "{before}");
    let line = line.strip_prefix("continue with: ").unwrap().to_string();
    assert!(
        !line.contains(&sb.token),
        "the token is never printed: {line}"
    );
    (line, before)
}

/// Every entry of the sandbox retried once, and none left.
fn all_retried_once(sb: &Sandbox) {
    let retried = applied(sb, "retry");
    assert_eq!(retried.len(), 300);
    assert!(retried.values().all(|n| *n == 1), "{retried:?}");
    assert!(sb.ids(false).is_empty());
}

#[test]
fn a_continue_line_names_the_profile_and_finishes_there_from_a_shell_pointed_elsewhere() {
    let sb = Sandbox::start(&["--seed", "300", "--seed-rng", "31", "--latency", "20"]);
    dlq(&sb.home)
        .args([
            "--profile",
            "stage",
            "config",
            "set-token",
            "--base-url",
            &sb.url,
        ])
        .write_stdin(sb.token.clone())
        .assert()
        .success();
    let (line, _) = interrupted(&sb, &["--profile", "stage"], &[]);
    let config = sb.home.path().join("config");
    assert!(
        line.contains(&format!("DLQ_CONFIG_DIR={} ", config.display()))
            && line.contains(" dlq --profile stage retry --continue "),
        "{line}"
    );
    let rec = Hostile::always(500);
    let out = pasted(&line, &elsewhere(&rec));
    assert!(out.status.success(), "{line}: {}", text(&out.stderr));
    all_retried_once(&sb);
    assert!(rec.lines().is_empty(), "{:?}", rec.lines());
}

#[test]
fn a_continue_line_of_flags_names_the_base_url_and_takes_the_token_from_the_shell() {
    let sb = Sandbox::start(&["--seed", "300", "--seed-rng", "32", "--latency", "20"]);
    let flags = ["--base-url", sb.url.as_str(), "--token", sb.token.as_str()];
    let (line, before) = interrupted(&sb, &flags, &[]);
    assert!(
        line.contains(&format!(" dlq --base-url {} retry --continue ", sb.url)),
        "{line}"
    );
    let rec = Hostile::always(500);
    // The shell's token is not the job's: refused before anything is sent, anywhere.
    let out = pasted(&line, &elsewhere(&rec));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("is not the one it ran with"));
    assert_eq!(applied(&sb, "retry").len(), before);
    // Given the job's token, as the line's target needs: it finishes there.
    let env = [
        ("QSTASH_URL", rec.url.as_str()),
        ("QSTASH_TOKEN", &sb.token),
    ];
    let out = pasted(&line, &env);
    assert!(out.status.success(), "{line}: {}", text(&out.stderr));
    all_retried_once(&sb);
    assert!(rec.lines().is_empty(), "{:?}", rec.lines());
}

#[test]
fn the_guard_refuses_a_sandbox_job_elsewhere_with_a_line_that_runs_on_the_sandbox() {
    let home = tempfile::tempdir().unwrap();
    dlq(&home)
        .args(["--sandbox", "retry", "--limit", "3", "--yes"])
        .assert()
        .success();
    let jobs = dlq(&home)
        .args(["--sandbox", "jobs", "-o", "json"])
        .output()
        .unwrap();
    let jobs: serde_json::Value = serde_json::from_slice(&jobs.stdout).unwrap();
    let job = jobs["jobs"][0]["job"].as_str().unwrap().to_string();
    let rec = Hostile::always(500);
    let refused = dlq(&home)
        .env("QSTASH_URL", &rec.url)
        .env("QSTASH_TOKEN", ELSEWHERE_TOKEN)
        .args(["verify", &job])
        .assert()
        .code(2);
    let err = text(&refused.get_output().stderr);
    let state = home.path().join("state");
    let want = format!(
        "DLQ_STATE_DIR={} dlq --sandbox verify {job}",
        state.display()
    );
    assert!(err.contains(&want), "{err}");
    let out = pasted(&want, &elsewhere(&rec));
    let said = text(&out.stderr);
    assert!(!said.contains("ran against"), "{said}");
    assert!(said.contains("verif"), "{said}");
    assert!(rec.lines().is_empty(), "{:?}", rec.lines());
}

#[test]
fn config_show_under_sandbox_names_the_sandbox() {
    let home = tempfile::tempdir().unwrap();
    let out = dlq(&home)
        .env("QSTASH_TOKEN", ELSEWHERE_TOKEN)
        .args(["--sandbox", "config", "show", "-o", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let url = shown["url"]["value"].as_str().unwrap();
    assert!(url.starts_with("http://127.0.0.1:"), "{shown}");
    let state = home.path().join("state/sandbox");
    let from = shown["url"]["source"].as_str().unwrap();
    assert!(
        from.contains(&format!("embedded sandbox, state in {}", state.display())),
        "{shown}"
    );
    assert_eq!(shown["token"]["source"], "--sandbox", "{shown}");
}

/// Where a `dlq …` literal may stay outside `src/cmdline.rs`, and why: each names a verb or a
/// setup step rather than a line to paste into the session's shell, or is said before any
/// server is chosen. A new one fails the test below: build it with `Ctx::aim`, a job's
/// `TargetRecord::aim` or `Ctx::local_line` instead, or add it here with its reason.
const UNAIMED: &[(&str, &str)] = &[
    // Setting up a profile or a token: no session target exists yet.
    ("src/config/mod.rs", "`dlq --profile NAME config set-token`"),
    ("src/config/mod.rs", "`dlq config set-token`"),
    ("src/config/mod.rs", "`dlq --sandbox list`"),
    ("src/api/error.rs", "`dlq config set-token`"),
    (
        "src/commands/config.rs",
        "`dlq --profile {} config set-token`",
    ),
    ("src/commands/config.rs", "`dlq config set-token`"),
    // Which verb fits, said from the grammar or the resolver, before any target.
    ("src/bulk/resolve.rs", "`dlq resume`"),
    ("src/bulk/resolve.rs", "`dlq restart` or `dlq callback`"),
    ("src/cli.rs", "`dlq config use NAME`"),
    ("src/cli.rs", "`dlq list --url {0}`"),
    ("src/cli.rs", "`dlq {verb}` acts on"),
    ("src/cli.rs", "(see `dlq {verb} --help`)"),
    ("src/cli.rs", "`dlq retry` acts on"),
    ("src/cli.rs", "`dlq resume`, `dlq restart`"),
    ("src/commands/act/choice.rs", "see `dlq {} --help`"),
    ("src/commands/act/choice.rs", "`dlq {} --label x --all`"),
    ("src/commands/republish/mod.rs", "use `dlq retry`"),
    ("src/commands/export.rs", "`dlq list -o json|ids|table`"),
    ("src/commands/mod.rs", "`dlq stats` only"),
    ("src/commands/mod.rs", "`dlq exporter` serves"),
    ("src/output/groups.rs", "`dlq export`, or act now"),
    ("src/commands/jobs.rs", "`dlq <verb> --continue JOB`, e.g."),
    (
        "src/commands/triage/mod.rs",
        "`dlq stats` and act with the verbs: {}",
    ),
    ("src/commands/scope.rs", "start `dlq triage --label {v}`"),
    // Prose that starts with the program's name, not a command.
    (
        "src/commands/triage/mod.rs",
        "\"dlq triage asks before every change",
    ),
    (
        "src/commands/triage/mod.rs",
        "\"dlq triage needs a terminal",
    ),
    ("src/commands/exporter.rs", "\"dlq exporter: the figures"),
    // The sandbox server's own words, and the way to it from `dlq sandbox VERB`.
    ("src/commands/sandbox.rs", "`dlq --sandbox` settles"),
    ("src/commands/sandbox.rs", "`dlq export`"),
    (
        "src/commands/sandbox.rs",
        "`dlq sandbox` mean nothing to `dlq sandbox reset`",
    ),
    ("src/commands/sandbox.rs", "\"dlq sandbox: serving"),
    (
        "src/commands/sandbox.rs",
        "\"`dlq sandbox` serves a local sandbox",
    ),
];

/// The `dlq …` literals of a line of code: after a backtick or a quote, or `format!("dlq`.
fn dlq_literals(line: &str) -> bool {
    ["`dlq ", "\"dlq ", "\"`dlq "]
        .iter()
        .any(|p| line.contains(p))
}

#[test]
fn no_dlq_line_is_printed_from_outside_cmdline() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    crate::layers::rust_files(&root.join("src"), &mut files);
    let mut found = Vec::new();
    let mut used = vec![false; UNAIMED.len()];
    for file in files {
        let rel = file.strip_prefix(root).unwrap().display().to_string();
        // The sandbox (its own crate, outside src/) speaks as the server, not as dlq.
        if rel == "src/cmdline.rs" {
            continue;
        }
        let code = std::fs::read_to_string(&file).unwrap();
        // Unit tests follow `#[cfg(test)]`: they assert on lines, they print none.
        let code = code.split("#[cfg(test)]").next().unwrap();
        for (n, line) in code.lines().enumerate() {
            if line.trim_start().starts_with("//") || !dlq_literals(line) {
                continue;
            }
            match UNAIMED
                .iter()
                .position(|(f, frag)| *f == rel && line.contains(frag))
            {
                Some(i) => used[i] = true,
                None => found.push(format!("{rel}:{}: {}", n + 1, line.trim())),
            }
        }
    }
    assert!(
        found.is_empty(),
        "`dlq …` lines built outside src/cmdline.rs (use Ctx::aim, a job's \
         TargetRecord::aim or Ctx::local_line):\n{}",
        found.join("\n")
    );
    let stale: Vec<_> = UNAIMED
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(e, _)| e)
        .collect();
    assert!(stale.is_empty(), "allowed but no longer there: {stale:?}");
}
