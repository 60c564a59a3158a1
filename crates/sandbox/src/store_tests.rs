//! The store's keys and the windows its lists seek: what a page walks is what a walk of
//! every entry would find.

use super::store::*;

#[test]
fn keys_order_by_time_then_sequence_not_text() {
    let mut ids = ["1700000000000-10", "1700000000000-9", "999-0", "weird"];
    ids.sort_by_key(|i| Key::parse(i));
    assert_eq!(
        ids,
        ["weird", "999-0", "1700000000000-9", "1700000000000-10"]
    );
    assert_eq!(Key::parse("012-3").raw, "012-3");
}

#[test]
fn a_date_window_is_seeked_yet_holds_what_a_walk_of_every_entry_finds() {
    let mut store = Store::default();
    let ids = [
        "weird", "10-0", "10-1", "11-0", "12-0", "12-5", "14-0", "15-2",
    ];
    for id in ids {
        let mut stored = Stored::default();
        stored.entry.dlq_id = id.to_string();
        store.insert(Dlq::Qstash, stored, 0);
    }
    let within = |k: &Key, from: Option<i64>, to: Option<i64>| {
        from.is_none_or(|f| k.ms >= f) && to.is_none_or(|t| k.ms <= t)
    };
    let dates = [
        None,
        Some(9),
        Some(10),
        Some(12),
        Some(13),
        Some(15),
        Some(16),
    ];
    let mut cursors: Vec<Option<Key>> = ids.iter().map(|i| Some(Key::parse(i))).collect();
    cursors.extend([None, Some(Key::parse("13-0")), Some(Key::parse("12-9"))]);
    for from in dates {
        for to in dates {
            for cursor in &cursors {
                for descending in [false, true] {
                    let got: Vec<&str> = store
                        .after(Dlq::Qstash, cursor.as_ref(), descending, (from, to))
                        .map(|s| s.entry.dlq_id.as_str())
                        .collect();
                    let mut all: Vec<(&Key, &Stored)> = store.qstash.iter().collect();
                    if descending {
                        all.reverse();
                    }
                    let walked: Vec<&str> = all
                        .into_iter()
                        .filter(|(k, _)| {
                            cursor
                                .as_ref()
                                .is_none_or(|c| if descending { *k < c } else { *k > c })
                        })
                        // What `Query::matches` keeps (an odd id is dated i64::MIN).
                        .filter(|(k, _)| within(k, from, to))
                        .map(|(_, s)| s.entry.dlq_id.as_str())
                        .collect();
                    assert_eq!(
                        got, walked,
                        "{from:?}..{to:?} after {cursor:?} desc {descending}"
                    );
                }
            }
        }
    }
}
