//! What a person at a terminal sees of a bulk run: the progress bar gone (or exact) when the
//! summary comes, even after Ctrl-C; short rates; the throttle note; and the prompt that asks
//! to type the count before the largest deletes.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::common::{continue_job, Sandbox};
use crate::pty::{on_terminal, screen, Pty, Screen};

/// Outcome lines journaled so far by the (only) job of `sb`'s home.
fn journaled(sb: &Sandbox) -> usize {
    let jobs = sb.home.path().join("state/jobs");
    let Some(job) = std::fs::read_dir(jobs).ok().and_then(|mut d| d.next()) else {
        return 0;
    };
    std::fs::read_to_string(job.unwrap().path().join("events.ndjson")).map_or(0, |s| {
        s.lines().filter(|l| l.contains("\"outcome\"")).count()
    })
}

/// The numbers `N` drawn as `N/<total>` (a progress bar's count), in drawing order.
/// The counts a bar drew (`950/3000`, or `100/200` while a pipelined run still lists): the
/// number before each `/` that a number of entries follows, on bar lines.
fn bar_counts(drawn: &str) -> Vec<u64> {
    drawn
        .split(['\r', '\n'])
        .filter(|l| l.contains(" ["))
        .flat_map(|l| {
            l.match_indices('/').filter_map(move |(at, _)| {
                let after = &l[at + 1..];
                if !after.starts_with(|c: char| c.is_ascii_digit()) {
                    return None;
                }
                let digits: String = l[..at]
                    .chars()
                    .rev()
                    .take_while(char::is_ascii_digit)
                    .collect();
                digits.chars().rev().collect::<String>().parse().ok()
            })
        })
        .collect()
}

/// Every rate drawn (`12/s`, `0.3/s`): the text before each `/s` that starts with a digit.
fn rates(drawn: &str) -> Vec<String> {
    drawn
        .match_indices("/s")
        .filter(|(at, _)| {
            // `/s` ends the token: not the start of `/sandbox` or a URL path.
            !drawn[at + 2..].starts_with(|c: char| c.is_ascii_alphanumeric())
        })
        .filter_map(|(at, _)| {
            let num: String = drawn[..at]
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            (!num.is_empty()).then(|| num.chars().rev().collect())
        })
        .collect()
}

#[test]
fn ctrl_c_leaves_the_summary_last_with_no_stale_bar_and_short_rates() {
    // 3,000 messages are 30 requests of 100; at --rps 5 they take six seconds, so Ctrl-C
    // lands with most of the plan left whatever the machine's speed.
    let sb = Sandbox::start(&["--seed", "3000", "--seed-rng", "16", "--latency", "20"]);
    let mut pty = Pty::start(&sb, "retry --all --yes --rps 5");
    let deadline = Instant::now() + Duration::from_secs(120);
    while journaled(&sb) == 0 {
        assert!(pty.running(), "ended before any progress:\n{}", pty.drawn());
        assert!(Instant::now() < deadline, "no progress:\n{}", pty.drawn());
        std::thread::sleep(Duration::from_millis(20));
    }
    pty.keys("\x03");
    let (code, drawn) = pty.finish();
    let lines = screen(&drawn);
    let shown = lines.join("\n");
    assert_eq!(code, Some(130), "{shown}");
    assert!(shown.contains("interrupted: finishing the requests in flight"));

    // The summary, whole at the start of its line (a bar not cleared would sit before it).
    let at = lines
        .iter()
        .rposition(|l| l.contains("retry: ") && l.contains(" done"))
        .unwrap_or_else(|| panic!("no summary:\n{shown}"));
    let summary = &lines[at];
    assert!(summary.starts_with("retry: "), "{shown}");
    let done: u64 = summary["retry: ".len()..]
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{summary}"));
    assert!(done > 0 && done < 3000, "interrupted mid-way: {summary}");
    // Planned, or (a pipelined run stops listing too) listed so far.
    let tail = lines[at..].join(" ");
    assert!(
        tail.contains("of 3000 planned") || tail.contains("listed so far"),
        "{shown}"
    );
    // The bar was cleared (or finished with a newline) before it: the summary starts a line
    // of its own rather than following a bar left on screen.
    let from = drawn
        .rfind(&format!("retry: {done} done"))
        .expect("the summary in the drawing");
    let before = Screen::replay(&drawn[..from]);
    assert!(
        before.at_blank_line(),
        "the summary was printed after {:?}:\n{shown}",
        before.current()
    );
    // Nothing of the bar after it, and a bar left anywhere on screen is exact, not stale.
    let bar = |l: &&String| l.starts_with("retry [");
    assert!(
        !lines[at..].iter().any(|l| bar(&l)),
        "a bar after the summary:\n{shown}"
    );
    for l in lines.iter().filter(bar) {
        assert!(
            l.contains(&format!(" {done}/")),
            "a stale bar: {l}\n{shown}"
        );
    }
    // No frame ever counted more than was done.
    let counts = bar_counts(&drawn);
    assert!(!counts.is_empty(), "a bar was drawn:\n{drawn:?}");
    assert!(counts.iter().all(|n| *n <= done), "{counts:?} > {done}");
    // Rates read short: whole numbers, or one decimal.
    let rates = rates(&drawn);
    assert!(!rates.is_empty(), "rates were drawn:\n{shown}");
    for r in &rates {
        let (whole, frac) = r.split_once('.').unwrap_or((r, "0"));
        assert!(
            !whole.is_empty() && whole.len() <= 6 && frac.len() == 1,
            "rate {r}/s is too long:\n{shown}"
        );
    }
    // The last line (wrapped at the pane's width) says how to continue this very job.
    let at = shown.rfind("continue with: ").expect(&shown);
    assert!(
        shown[at..].trim_end().lines().count() <= 2,
        "not last:\n{shown}"
    );
    let last = shown[at..].replace('\n', "");
    let job =
        continue_job(&last, "retry").unwrap_or_else(|| panic!("last line {last:?}:\n{shown}"));
    assert!(
        sb.home.path().join("state/jobs").join(job).is_dir(),
        "{job}"
    );
}

/// How many requests the sandbox received again: each a request that got a 429 and was
/// waited for (the only fault served) and tried once more.
fn resent(sb: &Sandbox) -> (usize, usize) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for r in sb.requests() {
        *seen
            .entry(format!(
                "{} {} {}",
                r["method"].as_str().unwrap_or(""),
                r["path"].as_str().unwrap_or(""),
                r["query"].as_str().unwrap_or("")
            ))
            .or_default() += 1;
    }
    let again = seen.values().map(|n| n - 1).sum();
    // More than the transport's five attempts: the bulk engine waited too.
    let engine = seen
        .iter()
        .filter(|(k, n)| k.starts_with("POST ") && **n > 5)
        .count();
    (again, engine)
}

/// With this seed, one of the two retry requests meets five 429s in a row: the transport gives
/// up on it and the bulk engine waits and sends it again, so both kinds of wait happen.
const THROTTLED: [&str; 8] = [
    "--seed",
    "200",
    "--seed-rng",
    "13",
    "--fault-rate",
    "0.5",
    "--faults",
    "429",
];

#[test]
fn throttling_shows_on_a_terminal_and_with_v_every_wait_prints_a_line() {
    let sb = Sandbox::start(&THROTTLED);
    let (code, drawn) = on_terminal(
        &sb,
        "retry --limit 200 --yes --concurrency 1 --max 1000",
        "",
    );
    assert_eq!(code, Some(0), "{drawn}");
    assert!(resent(&sb).0 > 0, "the sandbox throttled nothing");
    assert!(
        drawn.contains("throttled (429), retrying in 1s"),
        "no throttle note:\n{drawn}"
    );

    // Without a terminal, -v prints each wait, the transport's and the engine's alike.
    let sb = Sandbox::start(&THROTTLED);
    let out = sb
        .dlq()
        .args([
            "retry",
            "--limit",
            "200",
            "--yes",
            "--concurrency",
            "1",
            // Planned before it acts (no pipelining): every request in one order, so the
            // seeded faults fall on the same requests on any machine.
            "--max",
            "1000",
            "-v",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    // A paced read says for how long it has been paced; a mutation only that it waits.
    let waits = err
        .lines()
        .filter(|l| l.starts_with("throttled (429)") && l.ends_with("retrying in 1s"))
        .count();
    let (again, engine) = resent(&sb);
    assert!(engine > 0, "no request outlasted the transport's attempts");
    assert_eq!(waits, again, "one line for each wait:\n{err}");
}

#[test]
fn the_largest_deletes_ask_to_type_the_count() {
    let sb = Sandbox::start(&["--seed", "1100", "--seed-rng", "17"]);
    // A wrong number is a No: nothing deleted, one calm line, exit 5.
    let (code, drawn) = on_terminal(&sb, "delete --all", "1000\r");
    let shown = screen(&drawn).join("\n");
    assert_eq!(code, Some(5), "{shown}");
    assert!(
        shown.contains("Type the number of entries (1100) to confirm"),
        "{shown}"
    );
    assert!(shown.contains("not confirmed: nothing was done"), "{shown}");
    assert!(!shown.contains("error"), "{shown}");
    assert_eq!(sb.ids(false).len(), 1100);
    assert!(
        sb.requests().iter().all(|r| r["method"] == "GET"),
        "nothing but reads"
    );
    // Ctrl-C at the question, once it is asked, cancels: exit 130, nothing deleted.
    let mut pty = Pty::start(&sb, "delete --all");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !pty.drawn().contains("to confirm") {
        assert!(Instant::now() < deadline, "{}", pty.drawn());
        std::thread::sleep(Duration::from_millis(20));
    }
    pty.keys("\x03");
    let (code, drawn) = pty.finish();
    let shown = screen(&drawn).join("\n");
    assert_eq!(code, Some(130), "{shown}");
    assert!(shown.contains("cancelled: nothing was done"), "{shown}");
    assert_eq!(sb.ids(false).len(), 1100);
    // The right number deletes them all (the QStash DLQ; the workflow runs stay).
    let (code, drawn) = on_terminal(&sb, "delete --all", "1100\r");
    assert_eq!(code, Some(0), "{}", screen(&drawn).join("\n"));
    assert!(sb.ids(false).is_empty());
    assert_eq!(sb.ids(true).len(), 1100);
    // --yes skips the question.
    let sb = Sandbox::start(&["--seed", "1100", "--seed-rng", "17"]);
    let (code, drawn) = on_terminal(&sb, "delete --all --yes", "");
    let shown = screen(&drawn).join("\n");
    assert_eq!(code, Some(0), "{shown}");
    assert!(!shown.contains("Type the number"), "{shown}");
    assert!(sb.ids(false).is_empty());
}
