//! Input that must never reach the network: ids that cannot be ids, flag values that mean
//! nothing or carry control characters, env files that never end, URLs that hide where the
//! token goes. Each case exits 2 and the hostile server behind `QSTASH_URL` sees no request.
//! Defects 5, 8, 17, 18, 21 and 22 of the hardening issue.

use predicates::prelude::*;

use crate::common::dlq;
use crate::hostile::Hostile;

/// Runs `dlq args...` against `server` and checks: exit 2, and still no request.
fn refused(server: &Hostile, home: &tempfile::TempDir, args: &[&str]) -> String {
    let out = server
        .dlq(home)
        .args(args)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        server.requests().is_empty(),
        "{args:?} sent {:?}\n{err}",
        server.lines()
    );
    err
}

#[test]
fn ids_that_cannot_be_ids_are_refused_before_any_request() {
    let server = Hostile::always(500);
    let home = tempfile::tempdir().unwrap();
    let long = "1".repeat(257);
    let bad: [&str; 8] = [
        "",
        " ",
        "\t1-0",
        "1-0 2-0",
        "1-0\x1b[2J",
        "1-0\u{9b}",
        "help",
        &long,
    ];
    for verb in ["delete", "retry", "resume", "restart", "callback"] {
        for id in bad {
            refused(&server, &home, &[verb, id, "--yes"]);
        }
        // One bad id among good ones stops them all.
        refused(&server, &home, &[verb, "1-0", "", "--yes"]);
    }
    for id in ["", "..", ".", "a/b", "help", "1-0\n"] {
        refused(&server, &home, &["get", id]);
    }
    // An id list on stdin goes through the same check.
    server
        .dlq(&home)
        .args(["retry", "-", "--yes"])
        .write_stdin("1-0\nhelp\n")
        .assert()
        .code(2);
    assert!(server.requests().is_empty(), "{:?}", server.lines());
}

#[test]
fn a_huge_id_is_neither_sent_nor_echoed_whole() {
    let server = Hostile::always(500);
    let home = tempfile::tempdir().unwrap();
    let huge = format!("1700000000000-{}", "7".repeat(100_000));
    for args in [
        vec!["get", huge.as_str()],
        vec!["retry", huge.as_str(), "--yes"],
    ] {
        let out = server
            .dlq(&home)
            .args(&args)
            .assert()
            .code(2)
            .get_output()
            .clone();
        let shown = out.stdout.len() + out.stderr.len();
        assert!(
            shown < 300,
            "{shown} bytes of output:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(server.requests().is_empty(), "{:?}", server.lines());
}

#[test]
fn override_values_with_control_characters_are_usage_errors() {
    let server = Hostile::always(500);
    let home = tempfile::tempdir().unwrap();
    for args in [
        &["retry", "1-0", "--yes", "--set-label", "a\nb"][..],
        &["retry", "1-0", "--yes", "--set-label", "a\rb"],
        &["retry", "1-0", "--yes", "--set-label", "a\x1bb"],
        &[
            "retry",
            "1-0",
            "--yes",
            "--callback",
            "https://x.example/\n",
        ],
        &[
            "retry",
            "1-0",
            "--yes",
            "--failure-callback",
            "https://x\x7f.ex",
        ],
        &["retry", "--all", "--yes", "--set-label", "a\nb"],
        &["resume", "1-0", "--yes", "--set-label", "x\u{85}y"],
        &[
            "restart",
            "1-0",
            "--yes",
            "--flow-control-key",
            "k\n",
            "--rate",
            "1",
        ],
    ] {
        refused(&server, &home, args);
    }
}

#[test]
fn flag_values_that_mean_nothing_are_usage_errors() {
    let server = Hostile::always(500);
    let home = tempfile::tempdir().unwrap();
    let cases: &[&[&str]] = &[
        &["retry", "--all", "--yes", "--rps", "0"],
        &["retry", "--all", "--yes", "--rps", "NaN"],
        &["retry", "--all", "--yes", "--rps", "inf"],
        &["retry", "--all", "--yes", "--rps", "-1"],
        &["retry", "--all", "--yes", "--concurrency", "0"],
        &["delete", "--all", "--yes", "--max", "0"],
        &["list", "--timeout", "0s"],
        &["list", "--limit", "0"],
        &["retry", "--limit", "0", "--yes"],
        &["list", "--from", "1h", "--to", "2h"],
        &["retry", "--all", "--yes", "--from", "1h", "--to", "2h"],
        &["list", "--status", "9xx"],
        &["stats", "--retention", "9223372036854775s"],
        &["stats", "--retention", "400d"],
    ];
    for args in cases {
        refused(&server, &home, args);
    }
    // The environment's limits too.
    for (var, value) in [
        ("DLQ_RETRY_BUDGET", "soon"),
        ("DLQ_MAX_RESPONSE_MB", "0"),
        ("DLQ_MAX_RESPONSE_MB", "lots"),
    ] {
        server
            .dlq(&home)
            .env(var, value)
            .arg("list")
            .assert()
            .code(2)
            .stderr(predicate::str::contains(var));
    }
    assert!(server.requests().is_empty(), "{:?}", server.lines());
}

#[test]
fn env_files_that_are_not_small_regular_files_are_refused() {
    let server = Hostile::always(500);
    let home = tempfile::tempdir().unwrap();
    let err = refused(&server, &home, &["--env-file", "/dev/zero", "list"]);
    assert!(err.contains("not a regular file"), "{err}");
    let big = home.path().join("big.env");
    let line = "# padding padding padding padding padding padding padding padding\n";
    std::fs::write(&big, line.repeat((2 << 20) / line.len())).unwrap();
    let err = refused(
        &server,
        &home,
        &["--env-file", big.to_str().unwrap(), "list"],
    );
    assert!(err.contains("1 MiB"), "{err}");
    // A directory is not an env file either.
    let dir = home.path().to_str().unwrap();
    refused(&server, &home, &["--env-file", dir, "list"]);
}

#[test]
fn urls_that_hide_their_host_or_send_the_token_in_clear_are_refused() {
    let server = Hostile::always(500);
    let home = tempfile::tempdir().unwrap();
    let hidden = format!("http://127.0.0.1:1@0.0.0.0:{}", server.port);
    for url in [
        hidden.as_str(),
        "http://127.evil.example",
        "http://localhost.evil.example",
    ] {
        let out = dlq(&home)
            .env("QSTASH_URL", url)
            .env("QSTASH_TOKEN", "t")
            .arg("list")
            .assert()
            .code(2)
            .get_output()
            .clone();
        assert!(out.stdout.is_empty());
        dlq(&home)
            .env("QSTASH_TOKEN", "t")
            .args(["--base-url", url, "retry", "1-0", "--yes"])
            .assert()
            .code(2);
    }
    assert!(server.requests().is_empty(), "{:?}", server.lines());
}

#[test]
fn set_token_keeps_the_config_directory_private() {
    let home = tempfile::tempdir().unwrap();
    dlq(&home)
        .args(["config", "set-token"])
        .write_stdin("a-token-of-some-length-1234\n")
        .assert()
        .success();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let dir = home.path().join("config");
        assert_eq!(mode(&dir), 0o700, "config directory mode");
        assert_eq!(mode(&dir.join("config.toml")), 0o600, "config file mode");
    }
}
