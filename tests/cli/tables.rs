//! Tables and prose on a terminal: every row one line, no line wider than the terminal, no two
//! different URLs or keys shown alike, columns empty on every row left out, and long plan and
//! note lines wrapped under their label.

use crate::common::Sandbox;

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;
const SHOP: &str = "https://api.shop.example/webhooks";
const TENANTS: &str = "https://app.example.com/api/workflows/tenants";

/// URLs sharing long prefixes, some differing only at the end, some only in the middle, two
/// only in their scheme; workflow URLs likewise. One entry near the end of a 3-day retention,
/// one past it.
fn sandbox() -> (tempfile::TempDir, Sandbox) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let qstash = [
        format!("{SHOP}/orders"),
        format!("{SHOP}/refunds"),
        format!("{SHOP}/v2/tenants/acme-corporation-international/orders"),
        format!("{SHOP}/v2/tenants/acme-corporation-international/refunds"),
        format!("{SHOP}/v2/tenants/globex-holdings-international/orders"),
        "http://api.shop.example/webhooks/orders".to_string(),
        "https://billing.example.com/hooks/invoice-paid".to_string(),
    ];
    let workflows = [
        format!("{TENANTS}/acme-corporation-international/checkout"),
        format!("{TENANTS}/acme-corporation-international/onboarding"),
        format!("{TENANTS}/acme-corporation-international/invoice-reminders"),
        format!("{TENANTS}/globex-holdings-international/checkout"),
    ];
    let states = [None, Some("CALLBACK_FAIL"), Some("CALLBACK_INPROGRESS")];
    let labels = [
        vec![],
        vec!["billing", "orders", "reports-nightly"],
        vec!["emails"],
    ];
    let mut lines = Vec::new();
    let mut i = 0i64;
    for (n, url) in qstash.iter().enumerate() {
        for k in 0..2 {
            let at = now
                - (i + 1) * HOUR
                - if n == 0 && k == 1 {
                    3 * DAY - 3 * HOUR
                } else {
                    0
                };
            lines.push(serde_json::json!({
                "dlqId": format!("{at}-{i}"), "messageId": format!("msg_{i}"), "url": url,
                "method": if k == 0 { "POST" } else { "PUT" }, "maxRetries": 3, "notBefore": 0,
                "createdAt": at, "responseStatus": 500 + k,
                "labels": labels[i as usize % 3],
            }));
            i += 1;
        }
    }
    let old = now - 5 * DAY;
    lines.push(serde_json::json!({
        "dlqId": format!("{old}-{i}"), "messageId": "msg_old", "url": qstash[6],
        "method": "POST", "maxRetries": 3, "notBefore": 0, "createdAt": old,
        "responseStatus": 404,
    }));
    for (n, url) in workflows.iter().enumerate() {
        for (k, state) in states.iter().enumerate() {
            i += 1;
            let at = now - i * HOUR;
            let mut e = serde_json::json!({
                "dlqId": format!("{at}-{i}"), "messageId": format!("msg_{i}"),
                "workflowRunId": format!("wfr_{n}{k}"), "workflowUrl": url, "url": url,
                "workflowCreatedAt": at - 1000, "method": "POST", "maxRetries": 3,
                "notBefore": 0, "createdAt": at, "responseStatus": 500,
            });
            if let Some(s) = state {
                e["failureCallbackInfo"] = serde_json::json!({ "state": s });
            }
            lines.push(e);
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.ndjson");
    let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    std::fs::write(&path, text.join("\n")).unwrap();
    let sb = Sandbox::start(&["--fixture", path.to_str().unwrap()]);
    (dir, sb)
}

/// What a person sees at `columns`, and what a pipe gets (the real values, tab-separated).
fn both(sb: &Sandbox, args: &[&str], columns: usize) -> (String, Vec<Vec<String>>) {
    let tty = sb
        .dlq()
        .env("DLQ_FORCE_TTY", "1")
        .env("COLUMNS", columns.to_string())
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let piped = sb
        .dlq()
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let rows = String::from_utf8(piped)
        .unwrap()
        .lines()
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect();
    (String::from_utf8(tty).unwrap(), rows)
}

/// The cells of the column headed `name`, found by where the header puts it.
fn column(table: &str, name: &str) -> Vec<String> {
    let mut lines = table.lines();
    let header: Vec<char> = lines.next().unwrap().chars().collect();
    // Headers are separated by two spaces or more; `WORKFLOW URL` holds one.
    let mut starts = Vec::new();
    for i in 0..header.len() {
        let gap_before = i == 0 || (header[i - 1] == ' ' && (i < 2 || header[i - 2] == ' '));
        if header[i] != ' ' && gap_before {
            starts.push(i);
        }
    }
    let at = |i: usize| header[i..].iter().collect::<String>();
    let n = starts
        .iter()
        .position(|s| at(*s).starts_with(name))
        .unwrap_or_else(|| panic!("no {name} column:\n{table}"));
    let (from, to) = (starts[n], starts.get(n + 1).copied());
    lines
        .map(|l| {
            let chars: Vec<char> = l.chars().collect();
            let end = to.unwrap_or(chars.len()).min(chars.len());
            chars[from.min(end)..end]
                .iter()
                .collect::<String>()
                .trim()
                .to_string()
        })
        .collect()
}

/// Every row one line, none wider than `columns`.
fn fits(table: &str, rows: usize, columns: usize) {
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(
        lines.len(),
        rows + 1,
        "a header and one line a row, nothing wrapped:\n{table}"
    );
    for l in &lines {
        assert!(
            l.chars().count() <= columns,
            "{} columns, more than {columns}: {l:?}\n{table}",
            l.chars().count()
        );
    }
}

/// Shown cells tell apart every pair of real values that differ, and each is a faithful
/// shortening: the value (its scheme perhaps left out), or pieces of it in order around `…`,
/// the first piece its start and the last its end.
fn faithful(shown: &[String], real: &[String], table: &str) {
    assert_eq!(shown.len(), real.len());
    for (s, r) in shown.iter().zip(real) {
        let bare = r.split_once("://").map_or(r.as_str(), |(_, rest)| rest);
        let pieces: Vec<&str> = s.split('…').collect();
        let in_order = |v: &str| {
            let mut rest = v;
            v.starts_with(pieces[0])
                && pieces.iter().all(|p| match rest.find(p) {
                    Some(at) => {
                        rest = &rest[at + p.len()..];
                        true
                    }
                    None => false,
                })
        };
        let ok = match pieces.len() {
            1 => s == r || s == bare,
            _ => (in_order(r) || in_order(bare)) && r.ends_with(pieces[pieces.len() - 1]),
        };
        assert!(ok, "{s:?} does not read as {r:?}:\n{table}");
    }
    for i in 0..shown.len() {
        for j in 0..shown.len() {
            if real[i] != real[j] {
                assert_ne!(
                    shown[i], shown[j],
                    "{:?} and {:?} look the same:\n{table}",
                    real[i], real[j]
                );
            }
        }
    }
}

#[test]
fn list_rows_are_one_line_and_urls_stay_apart() {
    let (_dir, sb) = sandbox();
    for (args, header) in [
        (&["list"][..], "URL"),
        (&["list", "--workflow"], "WORKFLOW URL"),
    ] {
        for columns in [80, 120] {
            let (table, rows) = both(&sb, args, columns);
            fits(&table, rows.len(), columns);
            let real: Vec<String> = rows.iter().map(|r| r[4].clone()).collect();
            faithful(&column(&table, header), &real, &table);
            let ids: Vec<String> = rows.iter().map(|r| r[0].clone()).collect();
            assert_eq!(column(&table, "ID"), ids, "ids are never cut:\n{table}");
        }
    }
}

#[test]
fn stats_keys_stay_apart_and_secondary_columns_give_way_first() {
    let (_dir, sb) = sandbox();
    let cases: [(&[&str], &[&str]); 3] = [
        (&["stats"], &["URL"]),
        (&["stats", "--by", "url,status"], &["URL", "STATUS"]),
        (
            &["stats", "--workflow", "--by", "workflow-url,callback-state"],
            &["WORKFLOW-URL", "CALLBACK-STATE"],
        ),
    ];
    for (args, keys) in cases {
        for columns in [80, 120] {
            let (table, rows) = both(&sb, args, columns);
            fits(&table, rows.len(), columns);
            for (k, key) in keys.iter().enumerate() {
                // A key an entry lacks is an empty field in a pipe, a word at a terminal.
                let real: Vec<String> = rows
                    .iter()
                    .map(|r| match r[k].as_str() {
                        "" => "(none)".to_string(),
                        v => v.to_string(),
                    })
                    .collect();
                faithful(&column(&table, key), &real, &table);
            }
            let header = table.lines().next().unwrap();
            assert!(header.contains("COUNT"), "{table}");
            // A key is cut only once the sample ids have gone.
            if table.contains('…') {
                assert!(
                    !header.contains("SAMPLE"),
                    "cut keys next to sample ids:\n{table}"
                );
            }
        }
    }
    // Wide enough, nothing is cut at all.
    let (table, _) = both(&sb, &["stats"], 200);
    assert!(!table.contains('…') && table.contains("SAMPLE"), "{table}");
}

#[test]
fn action_results_leave_out_columns_empty_on_every_row() {
    let (_dir, sb) = sandbox();
    let ids: Vec<String> = sb.ids(false).into_iter().take(2).collect();
    let out = sb
        .dlq()
        .env("DLQ_FORCE_TTY", "1")
        .env("COLUMNS", "80")
        .args(["delete", &ids[0], &ids[1], "--yes"])
        .assert()
        .success()
        .get_output()
        .clone();
    let table = String::from_utf8(out.stdout).unwrap();
    fits(&table, 2, 80);
    let header = table.lines().next().unwrap();
    assert!(
        header.starts_with("ID") && header.contains("OUTCOME"),
        "{table}"
    );
    for empty in ["NEW ID", "CREATED", "ERROR"] {
        assert!(
            !header.contains(empty),
            "{empty} is empty on every row:\n{table}"
        );
    }
    // A retry has new ids to show.
    let id = sb.ids(false)[0].clone();
    let out = sb
        .dlq()
        .env("DLQ_FORCE_TTY", "1")
        .env("COLUMNS", "80")
        .args(["retry", &id, "--yes"])
        .assert()
        .success()
        .get_output()
        .clone();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.lines().next().unwrap().contains("NEW ID"), "{table}");
}

/// No line wider than `columns`; the values after every label start in one column, and the
/// lines continuing a labelled line start there too.
fn hangs(text: &str, columns: usize, labels: &[&str]) {
    let (mut align, mut current) = (None, None);
    for l in text.lines() {
        assert!(
            l.chars().count() <= columns,
            "wider than {columns}: {l:?}\n{text}"
        );
        let trimmed = l.trim_start();
        let indent = l.len() - trimmed.len();
        if let Some(label) = labels.iter().find(|p| trimmed.starts_with(**p)) {
            let rest = &trimmed[label.len()..];
            let first = indent + label.len() + rest.len() - rest.trim_start().len();
            assert_eq!(*align.get_or_insert(first), first, "values align:\n{text}");
            current = Some(first);
        } else if indent == 0 {
            current = None;
        } else if let Some(i) = current {
            assert_eq!(indent, i, "hanging indent:\n{text}");
        }
    }
    assert!(align.is_some(), "no {labels:?} in:\n{text}");
}

#[test]
fn plans_and_notes_wrap_under_their_labels() {
    let (_dir, sb) = sandbox();
    let labels = ["by url", "by status", "by label", "e.g."];
    let out = sb
        .dlq()
        .env("DLQ_FORCE_TTY", "1")
        .env("COLUMNS", "80")
        .args(["retry", "--all", "--dry-run"])
        .assert()
        .success()
        .get_output()
        .clone();
    let plan = String::from_utf8(out.stdout).unwrap();
    assert!(plan.lines().count() > 6, "the url line wraps:\n{plan}");
    hangs(&plan, 80, &labels);
    // Stats notes wrap too, the warning under its text.
    let out = sb
        .dlq()
        .env("DLQ_FORCE_TTY", "1")
        .env("COLUMNS", "60")
        .args(["stats", "--retention", "3d"])
        .assert()
        .success()
        .get_output()
        .clone();
    let notes = String::from_utf8(out.stderr).unwrap();
    assert!(
        notes.contains("warning:") && notes.contains("older than 3d"),
        "{notes}"
    );
    hangs(&notes, 60, &["warning:"]);
    // Piped, the same notes stay one line each.
    let out = sb
        .dlq()
        .args(["stats", "--retention", "3d"])
        .assert()
        .success()
        .get_output()
        .clone();
    let piped = String::from_utf8(out.stderr).unwrap();
    assert!(
        piped
            .lines()
            .any(|l| l.starts_with("warning:") && l.len() > 100),
        "{piped}"
    );
    // The plan shown before acting, on stderr, reads the same.
    let out = sb
        .dlq()
        .env("DLQ_FORCE_TTY", "1")
        .env("COLUMNS", "80")
        .args(["delete", "--status", "501", "--all", "--yes"])
        .assert()
        .success()
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    // The plan block: from its "delete: N ... match on" line up to the summary.
    let plan: String = err
        .lines()
        .skip_while(|l| !(l.starts_with("delete: ") && l.contains(" match")))
        .enumerate()
        .take_while(|(n, l)| *n == 0 || !l.starts_with("delete: "))
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    assert!(plan.contains("by url"), "{err}");
    hangs(&plan, 80, &labels);
}

#[test]
fn jobs_fit_80_columns_and_keep_state_failures_and_what_is_left() {
    let (_dir, sb) = sandbox();
    for args in [&["retry", "--limit", "3"][..], &["delete", "--limit", "2"]] {
        sb.dlq().args(args).args(["--yes", "-q"]).assert().success();
    }
    let (table, rows) = both(&sb, &["jobs"], 80);
    fits(&table, 2, 80);
    let host = sb.url.trim_start_matches("http://");
    assert!(
        column(&table, "TARGET").iter().all(|t| t == host),
        "{table}"
    );
    for name in ["JOB", "STATE", "FAILED", "LEFT"] {
        let shown = column(&table, name);
        // Tab-separated: JOB VERB TARGET STATE PLANNED DONE NOT-FOUND FAILED LEFT CREATED.
        let i = [
            "JOB", "VERB", "TARGET", "STATE", "", "", "", "FAILED", "LEFT",
        ]
        .iter()
        .position(|n| *n == name)
        .unwrap();
        let real: Vec<String> = rows.iter().map(|r| r[i].clone()).collect();
        assert_eq!(shown, real, "{name}:\n{table}");
    }
    // With room, every column.
    let (wide, _) = both(&sb, &["jobs"], 160);
    fits(&wide, 2, 160);
    for name in ["VERB", "PLANNED", "NOT FOUND", "AGE"] {
        column(&wide, name);
    }
}
