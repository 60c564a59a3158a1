//! A triage session on a scripted terminal, in process, against the embedded sandbox: which
//! question follows which answer (Esc and Ctrl-C go back one step), and that a change picked in
//! the menus and confirmed with keys is what the server then holds.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::*;
use crate::args::global::GlobalArgs;
use crate::terminal::{Answer, Scripted};

/// A context on `--sandbox` in `dir`, asking on a terminal that answers `script`.
async fn on_sandbox(dir: &std::path::Path, script: Vec<Answer>) -> (Ctx, Arc<Scripted>) {
    let term = Arc::new(Scripted::new(script));
    let state = dir.join("state").display().to_string();
    let config = dir.join("config").display().to_string();
    let env = move |k: &str| match k {
        "DLQ_STATE_DIR" => Some(state.clone()),
        "DLQ_CONFIG_DIR" => Some(config.clone()),
        _ => None,
    };
    let global = GlobalArgs {
        sandbox: true,
        ..GlobalArgs::default()
    };
    let ctx = Ctx::on(global, &env, term.clone()).await.unwrap();
    (ctx, term)
}

fn triage() -> Args {
    match parse(&["dlq".into(), "triage".into()]) {
        Ok(Command::Triage(args)) => args,
        _ => unreachable!("a triage command line"),
    }
}

/// What the server holds: entries by (url, status), largest group first (as the menu lists).
async fn held(ctx: &Ctx) -> Vec<(Vec<Option<String>>, u64)> {
    let by = vec![GroupKey::Url, GroupKey::Status];
    let day = std::time::Duration::from_secs(86_400);
    let reading = super::super::stats::Reading {
        by,
        keyer: None,
        retention: day,
    };
    let stats = super::super::stats::gather(ctx, Source::Qstash, &Default::default(), reading)
        .await
        .unwrap();
    let held = stats
        .sorted(None)
        .into_iter()
        .map(|g| (g.key.clone(), g.count));
    held.collect()
}

fn by_key(groups: &[(Vec<Option<String>>, u64)]) -> BTreeMap<Vec<Option<String>>, u64> {
    groups.iter().cloned().collect()
}

/// The questions asked, in order, each by the start of its prompt.
fn asked(term: &Scripted) -> Vec<String> {
    let starts = [
        "pick one",
        "What now?",
        "Retries",
        "How?",
        "Keep a copy?",
        "Which entry?",
    ];
    let transcript = term.transcript();
    transcript
        .lines()
        .filter_map(|l| l.strip_prefix("? "))
        .map(|p| {
            let s = starts.iter().find(|s| p.contains(*s));
            s.map_or(p.to_string(), |s| s.to_string())
        })
        .collect()
}

#[tokio::test]
async fn esc_and_ctrl_c_go_back_one_question_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let retry = || Answer::Pick("retry this group".into());
    let mut script = vec![
        Answer::Default,
        // Esc at the group's menu: back to the groups.
        Answer::Escape,
        Answer::Default,
        // Esc at "Retries" goes back to the group's menu, not to the list.
        retry(),
        Answer::Escape,
        // Ctrl-C at a menu is Esc.
        retry(),
        Answer::Interrupt,
        // Esc at the backup question.
        Answer::Pick("delete this group".into()),
        Answer::Escape,
        // No destination to republish to.
        Answer::Pick("republish this group".into()),
        Answer::Line(String::new()),
        // Esc at "How?".
        retry(),
        Answer::Pick("keep the original retries".into()),
        Answer::Escape,
        // All the way to the verb's own question, and Esc there: No, and the counts are read
        // again.
        retry(),
        Answer::Pick("keep the original retries".into()),
        Answer::Pick("act without following".into()),
    ];
    script.extend(Scripted::keys("y\x1b"));
    script.push(Answer::Escape);
    let (ctx, term) = on_sandbox(dir.path(), script).await;
    let before = held(&ctx).await;
    run(&ctx, triage()).await.unwrap();
    let transcript = term.transcript();
    assert_eq!(
        asked(&term),
        [
            "pick one",
            "What now?",
            "pick one",
            "What now?",
            "Retries",
            "What now?",
            "Retries",
            "What now?",
            "Keep a copy?",
            "What now?",
            "New destination",
            "What now?",
            "Retries",
            "How?",
            "What now?",
            "Retries",
            "How?",
            "pick one"
        ],
        "{transcript}"
    );
    assert!(transcript.contains("[y/N] y\n"), "{transcript}");
    assert_eq!(term.left(), 0);
    assert_eq!(held(&ctx).await, before);
}

#[tokio::test]
async fn a_delete_picked_in_the_menus_and_confirmed_with_keys_is_what_the_server_then_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let mut script = vec![
        Answer::Default,
        Answer::Pick("delete this group".into()),
        Answer::Pick("no backup".into()),
    ];
    // The verb's own question, answered as a person does: y, then Enter.
    script.extend(Scripted::keys("y\r"));
    script.push(Answer::Escape);
    let (ctx, term) = on_sandbox(dir.path(), script).await;
    let before = held(&ctx).await;
    let (top, n) = before[0].clone();
    run(&ctx, triage()).await.unwrap();
    let transcript = term.transcript();
    assert_eq!(
        asked(&term),
        ["pick one", "What now?", "Keep a copy?", "pick one"],
        "{transcript}"
    );
    assert!(
        transcript.contains(&format!("Delete {n} ")) && transcript.contains("[y/N] y\n"),
        "{transcript}"
    );
    assert_eq!(term.left(), 0);
    // Exactly the group the cursor started on is gone; every other group is as it was.
    let mut want = by_key(&before);
    want.remove(&top);
    assert_eq!(by_key(&held(&ctx).await), want);
}

#[tokio::test]
async fn a_group_narrowed_by_what_its_entries_say_is_what_the_delete_takes() {
    let dir = tempfile::tempdir().unwrap();
    // Half the group, by the digit before an id's `-0`: a program on the entry as `get`
    // prints it.
    let program = r#".dlqId | test("[0-4]-0$")"#;
    let mut script = vec![
        Answer::Default,
        Answer::Pick("narrow by what the entries say".into()),
        // Esc at the kind and an empty program go back to the group's menu.
        Answer::Escape,
        Answer::Pick("narrow by what the entries say".into()),
        Answer::Pick("(--where ".into()),
        Answer::Line(String::new()),
        // Bad syntax is said and changes nothing.
        Answer::Pick("narrow by what the entries say".into()),
        Answer::Pick("(--where ".into()),
        Answer::Line(".dlqId | test(".into()),
        Answer::Pick("narrow by what the entries say".into()),
        Answer::Pick("(--where ".into()),
        Answer::Line(program.into()),
        Answer::Pick("delete this group".into()),
        Answer::Pick("no backup".into()),
    ];
    script.extend(Scripted::keys("y\r"));
    script.push(Answer::Escape);
    let (ctx, term) = on_sandbox(dir.path(), script).await;
    let before = held(&ctx).await;
    let (top, n) = before[0].clone();
    let all = entries(&ctx).await;
    let ends = regex::Regex::new("[0-4]-0$").unwrap();
    let in_top = |e: &Entry| {
        e.url.as_deref() == top[0].as_deref() && e.response_status.map(|s| s.to_string()) == top[1]
    };
    let gone: Vec<String> = all
        .iter()
        .filter(|e| in_top(e) && ends.is_match(&e.dlq_id))
        .map(|e| e.dlq_id.clone())
        .collect();
    assert!(
        !gone.is_empty() && (gone.len() as u64) < n,
        "the program keeps part of the group: {} of {n}",
        gone.len()
    );
    run(&ctx, triage()).await.unwrap();
    let transcript = term.transcript();
    assert_eq!(term.left(), 0, "{transcript}");
    assert!(
        transcript.contains(&format!("Delete {} ", gone.len())),
        "the verb's plan counts the narrowed group: {transcript}"
    );
    assert!(transcript.contains("--where"), "{transcript}");
    // Exactly the narrowed group is gone, nothing else.
    let left: BTreeSet<String> = entries(&ctx).await.into_iter().map(|e| e.dlq_id).collect();
    let want: BTreeSet<String> = all
        .into_iter()
        .map(|e| e.dlq_id)
        .filter(|id| !gone.contains(id))
        .collect();
    assert_eq!(left, want);
}

/// Every entry the server holds.
async fn entries(ctx: &Ctx) -> Vec<Entry> {
    let api = ctx.api().unwrap();
    let everything = Default::default();
    let mut pages = crate::bulk::pages::Pages::new(&api, Source::Qstash, &everything, None);
    let mut all = Vec::new();
    while let Some(page) = pages.next(Some(100)).await.unwrap() {
        all.extend(page);
    }
    all
}

#[test]
fn the_sessions_own_content_filters_are_in_every_line_it_runs() {
    let argv: Vec<String> = [
        "dlq",
        "triage",
        "--where",
        ".x",
        "--grep",
        "y",
        "--signature",
        "503 z",
    ]
    .map(String::from)
    .to_vec();
    let Ok(Command::Triage(args)) = parse(&argv) else {
        unreachable!("a triage command line")
    };
    let scope = Scope::from_args(Source::Qstash, &args.filters);
    let line = scope.argv(Line::Act(Verb::Delete), &[]);
    for pair in [["--where", ".x"], ["--grep", "y"], ["--signature", "503 z"]] {
        assert!(line.windows(2).any(|w| w == pair), "{line:?}");
    }
}
