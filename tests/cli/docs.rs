//! Generated documentation stays in step with the clap tree: the committed completions and
//! man pages, and a reviewed snapshot of every verb's help.

use clap::CommandFactory;
use dlq::cli::Cli;

use crate::common::dlq;

fn repo(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

const REGENERATE: &str = "run scripts/gen-docs and commit the result";

#[test]
fn committed_completions_equal_what_dlq_generates() {
    let home = tempfile::tempdir().unwrap();
    for (shell, file) in [
        ("bash", "dlq.bash"),
        ("zsh", "_dlq"),
        ("fish", "dlq.fish"),
        ("powershell", "_dlq.ps1"),
        ("elvish", "dlq.elv"),
    ] {
        let out = dlq(&home)
            .args(["completions", shell])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let committed = std::fs::read(repo(&format!("completions/{file}")))
            .unwrap_or_else(|e| panic!("completions/{file}: {e}; {REGENERATE}"));
        assert!(
            out == committed,
            "completions/{file} differs from `dlq completions {shell}`; {REGENERATE}"
        );
    }
}

#[test]
fn committed_man_pages_equal_what_dlq_generates() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("man");
    dlq(&home).arg("man").arg(&dir).assert().success();
    let mut generated: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    generated.sort();
    let mut committed: Vec<_> = std::fs::read_dir(repo("man"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    committed.sort();
    assert_eq!(
        generated, committed,
        "man/ has other pages than dlq generates; {REGENERATE}"
    );
    for name in generated {
        let a = std::fs::read(dir.join(&name)).unwrap();
        let b = std::fs::read(repo("man").join(&name)).unwrap();
        assert!(
            a == b,
            "man/{} differs; {REGENERATE}",
            name.to_string_lossy()
        );
    }
    assert!(std::fs::read_to_string(repo("man/dlq.1"))
        .unwrap()
        .contains(".TH dlq 1"));
}

/// Every visible verb shows at least one example.
#[test]
fn every_verb_has_examples() {
    let mut cmd = Cli::command();
    cmd.build();
    for sub in cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        let help = sub.clone().render_long_help().to_string();
        assert!(
            help.contains("Examples:"),
            "`dlq {} --help` has no examples",
            sub.get_name()
        );
    }
}

/// The whole help tree, so every change of help text shows up in review.
#[test]
fn help_tree_snapshot() {
    fn walk(cmd: &mut clap::Command, path: &str, out: &mut String) {
        let help = cmd.clone().term_width(100).render_long_help().to_string();
        out.push_str(&format!("===== {path} --help\n{help}\n"));
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
    let mut cmd = Cli::command();
    cmd.build();
    let mut out = String::new();
    walk(&mut cmd, "dlq", &mut out);
    insta::assert_snapshot!("help_tree", out);
}

type Augment = fn(clap::Command) -> clap::Command;

/// Each verb and what its own `Args` says about it (the doc comment beside its code).
fn own_help() -> Vec<(&'static str, clap::Command)> {
    macro_rules! verbs {
        ($($name:literal => $module:ident),* $(,)?) => {
            vec![$(($name, <dlq::commands::$module::Args as clap::Args>::augment_args as Augment)),*]
        };
    }
    let verbs = verbs![
        "list" => list, "get" => get, "retry" => retry, "delete" => delete, "republish" => republish,
        "resume" => resume,
        "restart" => restart, "callback" => callback, "stats" => stats, "exporter" => exporter,
        "export" => export,
        "triage" => triage, "jobs" => jobs, "verify" => verify, "sandbox" => sandbox,
        "config" => config, "completions" => completions, "man" => man,
    ];
    verbs
        .into_iter()
        .map(|(name, augment)| (name, augment(clap::Command::new(name))))
        .collect()
}

fn words(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A man page's text without roff: what a reader sees, whitespace aside.
fn unroff(page: &str) -> String {
    let text: Vec<&str> = page.lines().filter(|l| !l.starts_with('.')).collect();
    words(
        &text
            .join("\n")
            .replace("\\-", "-")
            .replace("\\*(Aq", "'")
            .replace("\\fB", "")
            .replace("\\fR", "")
            .replace("\\fI", "")
            .replace("\\\\", "\\"),
    )
}

/// The help a verb's own `Args` carries is the help `dlq VERB --help` and `man dlq-VERB` show:
/// no doc comment on the enum of verbs shadows it (as it once did for delete, get, export,
/// jobs, stats, verify, triage and sandbox, whose long help never reached a user).
#[test]
fn every_verb_shows_its_own_long_help_in_help_and_man() {
    let home = tempfile::tempdir().unwrap();
    let mut root = Cli::command();
    root.build();
    let verbs = own_help();
    let names: std::collections::BTreeSet<&str> = root
        .get_subcommands()
        .map(|s| s.get_name())
        .filter(|n| *n != "help")
        .collect();
    let listed: std::collections::BTreeSet<&str> = verbs.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, listed, "a verb is missing from own_help()");
    let mut long = 0;
    for (name, own) in &verbs {
        let sub = root.find_subcommand(name).unwrap();
        let about = own.get_about().map(|a| a.to_string());
        assert!(about.is_some(), "{name}: its Args has no doc comment");
        assert_eq!(
            sub.get_about().map(|a| a.to_string()),
            about,
            "{name}: summary"
        );
        let Some(text) = own.get_long_about().map(|a| a.to_string()) else {
            continue;
        };
        long += 1;
        if sub.is_hide_set() {
            continue;
        }
        let help = dlq(&home)
            .args([name, "--help"])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let help = words(&String::from_utf8(help).unwrap());
        assert!(
            help.contains(&words(&text)),
            "`dlq {name} --help` lacks its long help {text:?}:\n{help}"
        );
        let page = std::fs::read_to_string(repo(&format!("man/dlq-{name}.1"))).unwrap();
        assert!(
            unroff(&page).contains(&words(&text)),
            "man/dlq-{name}.1 lacks its long help {text:?}; {REGENERATE}"
        );
    }
    assert!(long >= 8, "only {long} verbs have long help");
}
