//! Behaviour that needs no server: help, usage errors, missing token.

use predicates::prelude::*;

use crate::common::dlq;

#[test]
fn help_lists_every_verb() {
    let home = tempfile::tempdir().unwrap();
    let out = dlq(&home)
        .arg("--help")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let help = String::from_utf8(out).unwrap();
    for verb in [
        "list",
        "get",
        "retry",
        "delete",
        "resume",
        "restart",
        "callback",
        "stats",
        "export",
        "sandbox",
        "config",
        "completions",
    ] {
        assert!(
            help.contains(&format!("  {verb} ")),
            "--help misses {verb}:\n{help}"
        );
    }
    assert!(help.contains("Exit codes:"));
}

#[test]
fn no_token_is_an_auth_error_that_says_how_to_fix_it() {
    let home = tempfile::tempdir().unwrap();
    dlq(&home).arg("list").assert().code(4).stdout("").stderr(
        predicate::str::contains("QSTASH_TOKEN").and(predicate::str::contains("dlq config")),
    );
}

#[test]
fn bad_time_is_a_usage_error_with_the_accepted_forms() {
    let home = tempfile::tempdir().unwrap();
    dlq(&home)
        .args(["list", "--from", "yesterday-ish"])
        .env("QSTASH_TOKEN", "t")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("RFC 3339").and(predicate::str::contains("2h")));
}

#[test]
fn workflow_only_filters_are_refused_for_messages() {
    let home = tempfile::tempdir().unwrap();
    dlq(&home)
        .args(["list", "--callback-state", "CALLBACK_FAIL"])
        .env("QSTASH_TOKEN", "t")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--workflow"));
}

#[test]
fn plain_http_to_a_remote_host_is_refused() {
    let home = tempfile::tempdir().unwrap();
    dlq(&home)
        .args(["--base-url", "http://qstash.example.com", "list"])
        .env("QSTASH_TOKEN", "t")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unencrypted"));
}

#[test]
fn colour_follows_the_terminal_no_color_term_dumb_and_the_flag() {
    let home = tempfile::tempdir().unwrap();
    // The no-token error is coloured on a terminal: a cheap way to see every rule at work.
    let coloured = |env: &[(&str, &str)], args: &[&str]| -> bool {
        let mut c = dlq(&home);
        c.env_remove("NO_COLOR").env("TERM", "xterm-256color");
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c
            .args(args)
            .arg("list")
            .assert()
            .code(4)
            .get_output()
            .clone();
        String::from_utf8_lossy(&out.stderr).contains('\x1b')
    };
    let tty = ("DLQ_FORCE_TTY", "1");
    assert!(coloured(&[tty], &[]), "a terminal gets colour");
    assert!(!coloured(&[], &[]), "a pipe does not");
    assert!(!coloured(&[tty, ("NO_COLOR", "1")], &[]), "NO_COLOR");
    assert!(!coloured(&[tty, ("TERM", "dumb")], &[]), "TERM=dumb");
    assert!(!coloured(&[tty], &["--color", "never"]), "--color never");
    assert!(coloured(&[], &["--color", "always"]), "--color always");
}
