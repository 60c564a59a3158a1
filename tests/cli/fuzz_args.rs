//! No argument vector makes dlq panic: a few hundred random command lines, built from the verbs,
//! flags and hostile values of the hardening probe with a seeded generator (the same lines on
//! every run), against a server that answers 500 to everything.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::hostile::Hostile;

const RUNS: usize = 300;
/// Command lines run at once.
const WORKERS: usize = 4;

/// Verbs, how many ids each takes at most, and the flags that belong to it.
const VERBS: &[(&str, u64, &[&str])] = &[
    (
        "list",
        0,
        &[
            "--all",
            "--limit",
            "--workflow",
            "--from",
            "--to",
            "--status",
            "--label",
        ],
    ),
    (
        "ls",
        0,
        &[
            "--limit",
            "--queue",
            "--url",
            "--callback-state",
            "--workflow",
        ],
    ),
    ("get", 1, &["--workflow"]),
    (
        "retry",
        2,
        &[
            "--all",
            "--limit",
            "--yes",
            "--dry-run",
            "--server-side",
            "--rps",
            "--concurrency",
            "--max",
            "--report",
            "--status",
            "--label",
            "--set-label",
            "--retries",
            "--delay",
            "--callback",
            "--continue",
            "--ids-from",
            "--from",
            "--to",
        ],
    ),
    (
        "delete",
        2,
        &[
            "--all",
            "--limit",
            "--yes",
            "--dry-run",
            "--server-side",
            "--backup",
            "--workflow",
            "--max",
            "--report",
            "--label",
            "--from",
            "--continue",
            "--rps",
        ],
    ),
    (
        "rm",
        2,
        &["--all", "--yes", "--backup", "--workflow", "--url"],
    ),
    (
        "resume",
        2,
        &[
            "--all",
            "--limit",
            "--yes",
            "--dry-run",
            "--server-side",
            "--rps",
            "--concurrency",
            "--report",
            "--label",
            "--set-label",
            "--retries",
            "--continue",
            "--callback-state",
        ],
    ),
    (
        "restart",
        2,
        &[
            "--all", "--limit", "--yes", "--max", "--label", "--delay", "--from",
        ],
    ),
    (
        "callback",
        2,
        &[
            "--all",
            "--limit",
            "--yes",
            "--dry-run",
            "--callback-state",
            "--report",
        ],
    ),
    (
        "stats",
        0,
        &[
            "--by",
            "--top",
            "--retention",
            "--fail-above",
            "--workflow",
            "--from",
        ],
    ),
    (
        "export",
        0,
        &[
            "--all",
            "--limit",
            "--output-file",
            "--redact-bodies",
            "--workflow",
        ],
    ),
    ("jobs", 0, &[]),
    ("config", 0, &[]),
    ("completions", 0, &[]),
    ("help", 0, &[]),
];

/// Flags every verb takes.
const GLOBAL: &[&str] = &[
    "-q",
    "-v",
    "--debug",
    "--timeout",
    "--color",
    "--env-file",
    "--base-url",
    "-o",
];

const COUNT: &[&str] = &["1", "3", "100", "0", "-1", "18446744073709551616", "x"];
const RATE: &[&str] = &["1", "0.5", "1000", "0", "NaN", "inf", "1e309", "-2"];
const DURATION: &[&str] = &[
    "1s",
    "30s",
    "0s",
    "1h",
    "500ms",
    "99999999999999999999s",
    "x",
];
const TIME: &[&str] = &[
    "1h",
    "2h",
    "1700000000000",
    "2026-01-01T00:00:00Z",
    "yesterday",
    "0",
];
const STATUS: &[&str] = &["500", "5xx", "9xx", "500-504", "504-500", "0"];
const TEXT: &[&str] = &[
    "billing",
    "a\nb",
    "a\rb",
    "\u{9b}31m",
    "x\u{202e}y",
    "",
    " ",
    "help",
];
const URL: &[&str] = &[
    "https://x.example",
    "http://127.0.0.1:1@0.0.0.0:9",
    "http://127.evil.example",
    "\x1b[2J",
];
/// Paths, relative to the scratch directory each command runs in.
const PATH: &[&str] = &[
    "out.ndjson",
    "/dev/null",
    "/dev/zero",
    "/nonexistent/x",
    ".",
    "",
];
const FORMAT: &[&str] = &["json", "ndjson", "ids", "table", "xml"];
const GOOD_ID: &[&str] = &["1700000000000-0", "msg_x", "wfr_x", "1-0"];
const BAD_ID: &[&str] = &["", "help", "..", "a/b", "-", "1-0\x1b[2J", "LONG", " "];
const JOB: &[&str] = &["retry-0-0", "..", "../../etc", "", "LONG"];

/// Flags and the values they take (none for switches).
const FLAGS: &[(&str, &[&str])] = &[
    ("--all", &[]),
    ("--yes", &[]),
    ("--dry-run", &[]),
    ("--server-side", &[]),
    ("--workflow", &[]),
    ("--redact-bodies", &[]),
    ("-q", &[]),
    ("-v", &[]),
    ("--debug", &[]),
    ("--limit", COUNT),
    ("--max", COUNT),
    ("--concurrency", COUNT),
    ("--top", COUNT),
    ("--retries", COUNT),
    ("--rps", RATE),
    ("--fail-above", COUNT),
    ("--timeout", DURATION),
    ("--delay", DURATION),
    ("--retention", DURATION),
    ("--from", TIME),
    ("--to", TIME),
    ("--status", STATUS),
    ("--label", TEXT),
    ("--set-label", TEXT),
    ("--queue", TEXT),
    ("--by", &["url,status", "label", "nonsense", ""]),
    ("--callback-state", &["CALLBACK_FAIL", "x"]),
    ("--url", URL),
    ("--callback", URL),
    ("--base-url", URL),
    ("--report", PATH),
    ("--output-file", PATH),
    ("--backup", PATH),
    ("--ids-from", PATH),
    ("--env-file", PATH),
    ("-o", FORMAT),
    ("--color", &["always", "never", "sometimes"]),
    ("--continue", JOB),
    ("--profile", TEXT),
];

/// A small deterministic generator (xorshift), so every run tries the same lines.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[(self.next() % from.len() as u64) as usize]
    }
}

/// The values `flag` takes; empty for a switch.
fn values_of(flag: &str) -> &'static [&'static str] {
    FLAGS
        .iter()
        .find(|(f, _)| *f == flag)
        .map_or(&[], |(_, v)| *v)
}

/// One command line: a verb, its ids, a few of its own or global flags with values of their
/// kind; now and then a hostile id, a flag of another verb, or a value of another kind.
fn argv(rng: &mut Rng) -> Vec<&'static str> {
    let (verb, ids, own) = rng.pick(VERBS);
    let mut v = vec![verb];
    if verb == "jobs" || verb == "config" {
        v.push(rng.pick(&["show", "list", "forget", "use"][..]));
    }
    for _ in 0..rng.next() % (ids + 1) {
        let from = if rng.next().is_multiple_of(5) {
            BAD_ID
        } else {
            GOOD_ID
        };
        v.push(rng.pick(from));
    }
    for _ in 0..rng.next() % 4 {
        let flag = match rng.next() % 8 {
            0 => rng.pick(FLAGS).0,
            1 | 2 => rng.pick(GLOBAL),
            _ if own.is_empty() => rng.pick(GLOBAL),
            _ => rng.pick(own),
        };
        v.push(flag);
        let values = values_of(flag);
        if !values.is_empty() {
            let kind = if rng.next().is_multiple_of(8) {
                rng.pick(FLAGS).1
            } else {
                values
            };
            let from = if kind.is_empty() { TEXT } else { kind };
            v.push(rng.pick(from));
        }
    }
    v
}

#[test]
fn no_argument_vector_makes_dlq_panic() {
    let server = Hostile::always(500);
    let long = format!("1700000000000-{}", "9".repeat(5000));
    let mut rng = Rng(0x5eed_d100_0000_0001);
    let lines: Vec<Vec<String>> = (0..RUNS)
        .map(|_| {
            let args = argv(&mut rng);
            args.iter()
                .map(|a| {
                    if *a == "LONG" {
                        long.clone()
                    } else {
                        a.to_string()
                    }
                })
                .collect()
        })
        .collect();
    let lines = Arc::new(lines);
    let next = Arc::new(AtomicUsize::new(0));
    let url = server.url.clone();
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let (lines, next, url) = (lines.clone(), next.clone(), url.clone());
            std::thread::spawn(move || {
                let home = tempfile::tempdir().unwrap();
                let mut bad = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(args) = lines.get(i) else { break };
                    let out = crate::common::dlq(&home)
                        .current_dir(home.path())
                        .env("QSTASH_URL", &url)
                        .env("QSTASH_TOKEN", "t")
                        // Give up on the 500s at once: the point is the parsing, not patience.
                        .env("DLQ_RETRY_BUDGET", "0s")
                        .args(args)
                        .write_stdin("")
                        .timeout(Duration::from_secs(30))
                        .output()
                        .unwrap();
                    let err = String::from_utf8_lossy(&out.stderr);
                    if out.status.code() == Some(101) || err.contains("panicked") {
                        bad.push(format!("{args:?}: {:?}\n{err}", out.status));
                    } else if out.status.code().is_none() {
                        bad.push(format!("{args:?}: killed or timed out\n{err}"));
                    }
                }
                bad
            })
        })
        .collect();
    let bad: Vec<String> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    assert!(
        bad.is_empty(),
        "{} of {RUNS} lines failed:\n{}",
        bad.len(),
        bad.join("\n")
    );
}
