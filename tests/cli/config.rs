//! Configuration: profiles, provenance, the env file, and the token never printed.

use predicates::prelude::*;

use crate::common::{dlq, Sandbox};

const TOKEN: &str = "eyJVc2VySUQiOiJzZWNyZXQtdG9rZW4tdmFsdWUifQ==";

fn stdout_of(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stdout).into_owned()
}

#[test]
fn set_token_stores_it_privately_and_show_masks_it() {
    let home = tempfile::tempdir().unwrap();
    dlq(&home)
        .args([
            "--profile",
            "us",
            "config",
            "set-token",
            "--base-url",
            "https://qstash-us-east-1.upstash.io",
        ])
        .write_stdin(format!("{TOKEN}\n"))
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains(TOKEN).not());
    let file = home.path().join("config/config.toml");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "config file mode");
    }
    // The first profile becomes current; show says where each value came from.
    let a = dlq(&home).args(["config", "show"]).assert().success();
    let out = stdout_of(&a);
    assert!(!out.contains(TOKEN), "{out}");
    assert!(out.contains("****fQ=="), "{out}");
    assert!(out.contains("https://qstash-us-east-1.upstash.io"), "{out}");
    assert!(out.contains("profile \"us\""), "{out}");
    // The environment wins over the current profile, as a whole: its token never goes to the
    // profile's URL. One stderr line says which source won.
    let a = dlq(&home)
        .args(["config", "show", "-o", "json"])
        .env("QSTASH_TOKEN", "env-token-123456789")
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_str(&stdout_of(&a)).unwrap();
    assert_eq!(v["token"]["source"], "environment QSTASH_TOKEN");
    assert_eq!(v["url"]["source"], "default");
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("using QSTASH_TOKEN; ignoring profile \"us\""),
        "{err}"
    );
}

#[test]
fn profiles_can_be_listed_switched_and_removed() {
    let home = tempfile::tempdir().unwrap();
    for p in ["eu", "us"] {
        dlq(&home)
            .args(["--profile", p, "config", "set-token"])
            .write_stdin(format!("{TOKEN}{p}"))
            .assert()
            .success();
    }
    let list = stdout_of(&dlq(&home).args(["config", "list"]).assert().success());
    assert!(list.contains("* eu") && list.contains("  us"), "{list}");
    assert!(!list.contains(TOKEN));
    dlq(&home).args(["config", "use", "us"]).assert().success();
    let list = stdout_of(&dlq(&home).args(["config", "list"]).assert().success());
    assert!(list.contains("* us"), "{list}");
    dlq(&home).args(["config", "use", "nope"]).assert().code(2);
    dlq(&home)
        .args(["config", "unset", "us"])
        .assert()
        .success();
    let list = stdout_of(&dlq(&home).args(["config", "list"]).assert().success());
    assert!(!list.contains("us"), "{list}");
    // A profile that does not exist is refused before any request.
    dlq(&home)
        .args(["--profile", "gone", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no profile"));
}

#[test]
fn env_file_provides_the_token_and_show_names_the_file() {
    let home = tempfile::tempdir().unwrap();
    let env = home.path().join(".env");
    std::fs::write(&env, format!("QSTASH_TOKEN={TOKEN}\n")).unwrap();
    let a = dlq(&home)
        .arg("--env-file")
        .arg(&env)
        .args(["config", "show"])
        .assert()
        .success();
    let out = stdout_of(&a);
    assert!(
        out.contains("QSTASH_TOKEN in") && out.contains(".env"),
        "{out}"
    );
    assert!(!out.contains(TOKEN));
}

#[test]
fn malformed_config_is_an_error_naming_file_and_line() {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("config")).unwrap();
    std::fs::write(
        home.path().join("config/config.toml"),
        "current = \"a\"\n[profiles.a]\ntoken = = 1\n",
    )
    .unwrap();
    dlq(&home)
        .args(["config", "show"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("config.toml at line 3"));
    // The file is left as it was.
    assert!(
        std::fs::read_to_string(home.path().join("config/config.toml"))
            .unwrap()
            .contains("token = = 1")
    );
}

#[test]
fn debug_logs_requests_with_the_full_url_and_without_the_token() {
    let sb = Sandbox::start(&["--seed", "3", "--token", TOKEN]);
    let a = sb
        .dlq()
        .args(["--debug", "list", "--label", "x", "-o", "json"])
        .assert()
        .success();
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    let want = format!("GET {}/v2/dlq?count=100&label=x -> 200", sb.url);
    assert!(err.contains(&want), "{err}");
    assert!(!err.contains(TOKEN) && !stdout_of(&a).contains(TOKEN));
}

/// A server that cannot be reached gets the hint of the source its URL came from, decided by
/// that source and not by words in the server's description: here the profile's config file
/// lives in a directory named `QSTASH_URL-notes`, which once made the hint say QSTASH_URL.
#[test]
fn an_unreachable_server_gets_the_hint_of_where_its_url_came_from() {
    let home = tempfile::tempdir().unwrap();
    // A port nothing listens on: taken, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let dir = home.path().join("QSTASH_URL-notes");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!("current = \"p\"\n[profiles.p]\ntoken = \"t\"\nurl = \"{url}\"\n"),
    )
    .unwrap();
    let hint = |cmd: &mut assert_cmd::Command| {
        let a = cmd.args(["list", "--timeout", "5s"]).assert().code(1);
        let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
        assert!(err.contains("cannot reach"), "{err}");
        err.lines()
            .find(|l| l.contains("hint: check"))
            .unwrap_or_else(|| panic!("no hint: {err}"))
            .to_string()
    };
    let from_profile = hint(dlq(&home).env("DLQ_CONFIG_DIR", &dir));
    assert!(
        from_profile.contains("check the profile's URL"),
        "{from_profile}"
    );
    let from_env = hint(dlq(&home).env("QSTASH_URL", &url).env("QSTASH_TOKEN", "t"));
    assert!(from_env.contains("check QSTASH_URL"), "{from_env}");
    let from_flag = hint(dlq(&home).args(["--base-url", &url, "--token", "t"]));
    assert!(from_flag.contains("check --base-url"), "{from_flag}");
}
