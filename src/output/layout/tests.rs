//! The layout on made-up tables: what gives way first, and that no width breaks a row.

use super::*;

fn col(header: &str, cells: &[&str]) -> Column {
    Column::new(header, cells.iter().map(|s| s.to_string()).collect())
}

/// Like `dlq list`: an id, an age, a status, a method, a url, labels.
fn list() -> Vec<Column> {
    vec![
        col(
            "ID",
            &["1794204304312-0", "1794241398078-0", "1794283575971-0"],
        ),
        col("AGE", &["14d", "13d", "2h"]).role(Role::Main(0)),
        col("STATUS", &["401", "503", "422"]).role(Role::Main(1)),
        col("METHOD", &["GET", "POST", "POST"]).role(Role::Extra(0)),
        col(
            "URL",
            &[
                "https://api.shop.example/webhooks/orders",
                "https://api.shop.example/webhooks/refunds",
                "https://legacy.example.com/cgi-bin/notify.php",
            ],
        )
        .fit(Fit::Key),
        col(
            "LABEL",
            &["beta", "emails,orders", "billing,orders,reports"],
        )
        .fit(Fit::Text)
        .role(Role::Extra(1)),
    ]
}

fn check(cols: &[Column], width: usize) -> Vec<String> {
    let l = Layout::plan(cols, width);
    let text = l.render(cols, true);
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    assert_eq!(
        lines.len(),
        1 + cols[0].cells.len(),
        "one line a row:\n{text}"
    );
    for line in &lines {
        assert!(
            super::width(line) <= width,
            "wider than {width}: {line:?}\n{text}"
        );
    }
    lines
}

#[test]
fn a_table_that_fits_is_shown_whole() {
    let lines = check(&list(), 200);
    assert_eq!(
        lines[0],
        "ID               AGE  STATUS  METHOD  URL                                            LABEL"
    );
    assert!(
        lines[3].contains("https://legacy.example.com/cgi-bin/notify.php  billing,orders,reports")
    );
}

#[test]
fn secondary_columns_give_way_before_urls_are_cut() {
    let cols = list();
    // Without the scheme, with the labels cut, without the method: the URLs stay whole.
    let l = Layout::plan(&cols, 80);
    assert_eq!(l.headers(&cols), ["ID", "AGE", "STATUS", "URL", "LABEL"]);
    let lines = check(&cols, 80);
    assert!(
        lines[1].contains(" api.shop.example/webhooks/orders "),
        "{lines:?}"
    );
    assert!(lines[3].ends_with("billing,or…"), "{lines:?}");
    // Narrower: the labels go too, then the URLs shorten, host and path tail kept.
    let lines = check(&cols, 60);
    assert!(!lines[0].contains("LABEL") && !lines[0].contains("METHOD"));
    assert!(lines[1].ends_with("api.shop.example/…/orders"), "{lines:?}");
    assert!(
        lines[2].ends_with("api.shop.example/…/refunds"),
        "{lines:?}"
    );
}

#[test]
fn every_width_gives_one_line_a_row_and_distinct_keys() {
    let cols = list();
    for width in 1..140 {
        let lines = check(&cols, width);
        let l = Layout::plan(&cols, width);
        if let Some(n) = l.headers(&cols).iter().position(|h| *h == "URL") {
            let (_, w) = l.slots[n];
            let urls = cols[4].fitted(w);
            assert_ne!(urls[0], urls[1], "at {width}: {lines:?}");
        }
    }
}

#[test]
fn empty_columns_go_numbers_align_right_and_no_line_ends_in_spaces() {
    let cols = vec![
        col("ID", &["a", "b"]).fit(Fit::Key),
        col("COUNT", &["7", "12"]).right(),
        col("NEW ID", &["-", "-"]).role(Role::Main(0)),
        col("NOTE", &["x", ""]).fit(Fit::Text),
        col("ERROR", &["", ""]).fit(Fit::Text),
    ];
    let l = Layout::plan(&cols, 80);
    assert_eq!(l.headers(&cols), ["ID", "COUNT", "NOTE"]);
    assert_eq!(
        l.render(&cols, true),
        "ID  COUNT  NOTE\na       7  x\nb      12"
    );
}

#[test]
fn keys_narrow_before_main_columns_go_and_never_collide() {
    let wf = |s: &str| format!("https://app.example.com/api/workflows/{s}");
    let urls: Vec<String> = ["checkout", "onboarding", "invoice-reminders", "checkout"]
        .iter()
        .map(|s| wf(s))
        .collect();
    let cols = vec![
        Column::new("WORKFLOW-URL", urls).fit(Fit::Key),
        col(
            "STATE",
            &["CALLBACK_FAIL", "(none)", "CALLBACK_INPROGRESS", "(none)"],
        )
        .fit(Fit::Key),
        col("COUNT", &["4", "3", "3", "1"]).right(),
        col("SHARE", &["13.3%", "10.0%", "10.0%", "3.3%"]).role(Role::Main(0)),
        col("OLDEST", &["13d", "12d", "11d", "6d"]).role(Role::Extra(1)),
        col("SAMPLE", &["1794281262468-0"; 4]).role(Role::Extra(0)),
    ];
    let l = Layout::plan(&cols, 64);
    assert_eq!(
        l.headers(&cols),
        ["WORKFLOW-URL", "STATE", "COUNT", "SHARE"]
    );
    let lines = check(&cols, 64);
    assert!(
        lines[1].starts_with("app.example.com/…/checkout "),
        "{lines:?}"
    );
    assert!(lines[3].contains("…/invoice-reminders"), "{lines:?}");
    for width in 1..120 {
        check(&cols, width);
    }
}

#[test]
fn a_later_page_keeps_the_first_pages_columns_and_width() {
    let cols = list();
    let l = Layout::plan(&cols, 70);
    let mut later = list();
    later[4].cells[0] = "https://a.much.longer.host.example/with/a/much/longer/path/x".into();
    later[1].cells[0] = "future".into();
    let text = l.render(&later, false);
    assert_eq!(text.lines().count(), 3);
    for line in text.lines() {
        assert!(width(line) <= 70, "{line:?}");
    }
}
