//! What dlq writes: export files only where a regular file may go, JSON that cannot drive a
//! terminal, and a token that appears nowhere. Defects 19 and 20 of the hardening issue, and
//! the probe's "no token in any output".

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::common::{dlq, Sandbox};

#[cfg(unix)]
#[test]
fn export_never_writes_through_a_link_a_pipe_or_a_device() {
    use std::os::unix::fs::FileTypeExt;
    let sb = Sandbox::start(&["--seed", "5", "--seed-rng", "1"]);
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("target.txt");
    std::fs::write(&target, "keep me\n").unwrap();
    let link = dir.path().join("link.ndjson");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let fifo = dir.path().join("fifo.ndjson");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo");
    let before = sb.requests().len();
    for path in [
        link.as_path(),
        fifo.as_path(),
        Path::new("/dev/null"),
        dir.path(),
    ] {
        sb.dlq()
            .args(["export", "--all", "--output-file"])
            .arg(path)
            // Opening a FIFO for writing would block: a hang is a failure, not a wait.
            .timeout(Duration::from_secs(30))
            .assert()
            .code(2);
    }
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me\n");
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
    let mut left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    left.sort();
    assert_eq!(
        left,
        ["fifo.ndjson", "link.ndjson", "target.txt"],
        "no stray files"
    );
    assert_eq!(sb.requests().len(), before, "refused before listing");
}

/// U+009B is the one-byte CSI of C1; U+202E turns the text after it around.
const CSI: char = '\u{9b}';
const RLO: char = '\u{202e}';

fn assert_escaped(what: &str, out: &[u8]) {
    let text = std::str::from_utf8(out).unwrap();
    assert!(
        !text.contains(CSI) && !text.contains(RLO),
        "{what}: raw {text:?}"
    );
    assert!(
        text.contains("\\u009b") && text.contains("\\u202e"),
        "{what}: no escapes: {text}"
    );
}

/// Every JSON value in `out` (a document, or one a line).
fn values(out: &[u8]) -> Vec<Value> {
    match serde_json::from_slice::<Value>(out) {
        Ok(v) => vec![v],
        Err(_) => crate::common::ndjson(out),
    }
}

/// All strings inside `v`.
fn strings(v: &Value, into: &mut Vec<String>) {
    match v {
        Value::String(s) => into.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, into)),
        Value::Object(o) => o.values().for_each(|x| strings(x, into)),
        _ => {}
    }
}

#[test]
fn json_output_escapes_c1_controls_and_bidi_overrides() {
    let url = format!("https://x.example/{RLO}fdp.exe");
    let body = format!("before{CSI}2Jafter");
    let entry = serde_json::json!({
        "dlqId": "1700000000000-0", "messageId": "msg_1", "url": url, "method": "POST",
        "body": body, "createdAt": 1_700_000_000_000i64, "responseStatus": 500,
        "label": format!("l{CSI}"),
    });
    let dir = tempfile::tempdir().unwrap();
    let fixture = dir.path().join("f.ndjson");
    std::fs::write(&fixture, format!("{entry}\n")).unwrap();
    let sb = Sandbox::start(&["--fixture", fixture.to_str().unwrap()]);
    let file = dir.path().join("export.ndjson");
    for args in [
        &["list", "-o", "json"][..],
        &["list", "-o", "ndjson"],
        &["get", "1700000000000-0", "-o", "json"],
        &["get", "1700000000000-0", "-o", "ndjson"],
        &["export", "--all"],
    ] {
        let out = sb.dlq().args(args).assert().success().get_output().clone();
        assert_escaped(&format!("{args:?}"), &out.stdout);
        let mut found = Vec::new();
        values(&out.stdout)
            .iter()
            .for_each(|v| strings(v, &mut found));
        assert!(
            found.contains(&url),
            "{args:?}: the url reads back: {found:?}"
        );
        assert!(found.contains(&body), "{args:?}: the body reads back");
    }
    sb.dlq()
        .args(["export", "--all", "--output-file"])
        .arg(&file)
        .assert()
        .success();
    let written = std::fs::read(&file).unwrap();
    assert_escaped("export --output-file", &written);
    assert_eq!(crate::common::ndjson(&written)[0]["url"], url.as_str());
}

/// Zero-width and invisible characters: `https://pay.example/\u{200b}x` looks like
/// `https://pay.example/x`. The table and JSON share one notion of what is unsafe to print, so
/// both show them escaped, and JSON still reads back the same strings.
#[test]
fn json_output_escapes_zero_width_characters_as_the_table_does() {
    let hidden = [
        '\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{2064}', '\u{feff}',
    ];
    let url = format!("https://pay.example/{}x", hidden[0]);
    let body = hidden.iter().collect::<String>();
    let entry = serde_json::json!({
        "dlqId": "1700000000000-0", "messageId": "msg_1", "url": url, "method": "POST",
        "body": body, "createdAt": 1_700_000_000_000i64, "responseStatus": 500,
        "label": format!("billing{}", hidden[5]),
    });
    let dir = tempfile::tempdir().unwrap();
    let fixture = dir.path().join("f.ndjson");
    std::fs::write(&fixture, format!("{entry}\n")).unwrap();
    let sb = Sandbox::start(&["--fixture", fixture.to_str().unwrap()]);
    for args in [
        &["list", "-o", "json"][..],
        &["list", "-o", "ndjson"],
        &["get", "1700000000000-0", "-o", "json"],
        &["export", "--all"],
        &["list"],
    ] {
        let out = sb.dlq().args(args).assert().success().get_output().clone();
        let text = String::from_utf8(out.stdout.clone()).unwrap();
        for c in hidden {
            assert!(!text.contains(c), "{args:?}: {c:?} printed raw: {text:?}");
        }
        if args.len() == 1 {
            // The table (tab-separated here) escapes the URL and the label it shows.
            assert!(
                text.contains("\\u{200b}") && text.contains("\\u{feff}"),
                "{text}"
            );
            continue;
        }
        assert!(
            text.contains("\\u200b") && text.contains("\\ufeff"),
            "{args:?}: {text}"
        );
        let mut found = Vec::new();
        values(&out.stdout)
            .iter()
            .for_each(|v| strings(v, &mut found));
        assert!(
            found.contains(&url),
            "{args:?}: the url reads back: {found:?}"
        );
        assert!(found.contains(&body), "{args:?}: the body reads back");
    }
}

const TOKEN: &str = "tok_Zq8XvVw3RrPp0LEAKCANARY77";

/// Every file under `dir`, except `skip`.
fn files(dir: &Path, skip: &Path, into: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, skip, into);
        } else if p != skip {
            into.push(p);
        }
    }
}

#[test]
fn the_token_appears_in_no_output_and_no_file() {
    let sb = Sandbox::start(&["--seed", "20", "--seed-rng", "9", "--token", TOKEN]);
    let ids = sb.ids(false);
    let home = tempfile::tempdir().unwrap();
    let out = |name: &str| home.path().join(name).to_str().unwrap().to_string();
    let (backup, export, report) = (out("backup.ndjson"), out("export.ndjson"), out("r.ndjson"));
    let runs: Vec<Vec<&str>> = vec![
        vec!["list"],
        vec!["--debug", "list", "-o", "json"],
        vec!["-v", "get", &ids[0]],
        vec!["--debug", "retry", &ids[1], "--yes", "--report", &report],
        vec!["--debug", "delete", &ids[2], "--yes", "--backup", &backup],
        vec!["export", "--all", "--output-file", &export],
        vec!["--debug", "stats"],
        vec!["config", "show"],
        vec!["config", "show", "-o", "json"],
        vec!["jobs"],
    ];
    let mut seen = Vec::new();
    for args in &runs {
        let o = dlq(&home)
            .env("QSTASH_URL", &sb.url)
            .env("QSTASH_TOKEN", TOKEN)
            .args(args)
            .assert()
            .success()
            .get_output()
            .clone();
        seen.push((format!("{args:?}"), o.stdout, o.stderr));
    }
    // The token from the config file and from a flag; and a refused token's error.
    dlq(&home)
        .args(["config", "set-token", "--base-url", &sb.url])
        .write_stdin(format!("{TOKEN}\n"))
        .assert()
        .success();
    for args in [
        &["config", "show"][..],
        &["--debug", "list"],
        &["--token", TOKEN, "--base-url", &sb.url, "-v", "list"],
    ] {
        let o = dlq(&home)
            .args(args)
            .assert()
            .success()
            .get_output()
            .clone();
        seen.push((format!("{args:?}"), o.stdout, o.stderr));
    }
    let wrong = format!("{TOKEN}x");
    let o = dlq(&home)
        .args([
            "--token",
            &wrong,
            "--base-url",
            &sb.url,
            "--debug",
            "retry",
            &ids[3],
            "--yes",
        ])
        .assert()
        .code(4)
        .get_output()
        .clone();
    seen.push(("refused".into(), o.stdout, o.stderr));
    for (what, stdout, stderr) in &seen {
        for (stream, bytes) in [("stdout", stdout), ("stderr", stderr)] {
            let text = String::from_utf8_lossy(bytes);
            assert!(!text.contains(TOKEN), "{what} {stream}: {text}");
        }
    }
    // Files: reports, backups, exports, job journals. The config file holds it by design.
    let mut written = Vec::new();
    files(
        home.path(),
        &home.path().join("config/config.toml"),
        &mut written,
    );
    for must in [&backup, &export, &report] {
        assert!(
            written.iter().any(|p| p.to_str() == Some(must)),
            "{must} written"
        );
    }
    assert!(
        written.iter().any(|p| p.to_string_lossy().contains("jobs")),
        "{written:?}"
    );
    for f in &written {
        let text = String::from_utf8_lossy(&std::fs::read(f).unwrap()).into_owned();
        assert!(!text.contains(TOKEN), "{} holds the token", f.display());
    }
}

#[test]
fn the_entry_view_escapes_unknown_field_names_and_invisible_characters() {
    // A field the server added, named to set the terminal's title, with a zero-width value.
    let entry = serde_json::json!({
        "dlqId": "1700000000000-0", "messageId": "msg_1", "url": "https://x.example/",
        "method": "POST", "createdAt": 1_700_000_000_000i64, "responseStatus": 500,
        "x\u{1b}]0;pwned\u{7}": "v\u{200b}",
    });
    let dir = tempfile::tempdir().unwrap();
    let fixture = dir.path().join("f.ndjson");
    std::fs::write(&fixture, format!("{entry}\n")).unwrap();
    let sb = Sandbox::start(&["--fixture", fixture.to_str().unwrap()]);
    let out = sb
        .dlq()
        .args(["get", "1700000000000-0", "-o", "table"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{200b}'),
        "raw: {text:?}"
    );
    assert!(
        text.contains("x\\x1b]0;pwned\\x07") && text.contains("v\\u{200b}"),
        "{text}"
    );
}
