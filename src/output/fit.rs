//! Shortening keys and URLs for a terminal without making two different values look the same.
//!
//! A URL keeps its host and the end of its path (`api.shop.example/…/orders`), where DLQ
//! entries differ; other keys keep both ends. A column of them is fitted as a whole: values
//! that would render alike move on to longer forms (the scheme kept, a cut nearer one end, a
//! window of the middle), and when none tells them apart the caller is told, and gives the
//! column more width (at its full width every value is whole, so that always ends).

use std::collections::HashMap;

use crate::text::{cut_middle, head, tail, width};

/// `s` in at most `max` columns; a URL loses its scheme first, then the middle of its path.
pub fn shorten(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    match split_scheme(s) {
        Some((_, rest)) => shorten_url(rest, max),
        None => cut_middle(s, max).into_owned(),
    }
}

/// Every value of a key column in at most `max` columns, or `None` when two different values
/// would look the same.
///
/// If every value fits, all are shown whole. Otherwise each value starts at its most readable
/// form (a URL without its scheme, host and path tail kept), and only values that clash move
/// on to their next form (the scheme kept, then cuts that keep more of one end, then windows
/// of the middle), until none clash or the clashing ones have no form left.
pub fn distinct(values: &[&str], max: usize) -> Option<Vec<String>> {
    if values.iter().all(|v| width(v) <= max) {
        return Some(values.iter().map(|v| v.to_string()).collect());
    }
    // Equal values render alike: forms are chosen per distinct value.
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut unique: Vec<&str> = Vec::new();
    let which: Vec<usize> = values
        .iter()
        .map(|v| {
            *index.entry(v).or_insert_with(|| {
                unique.push(v);
                unique.len() - 1
            })
        })
        .collect();
    // Most values never clash: their other forms are worked out only when they do.
    let mut forms: Vec<Vec<String>> = unique.iter().map(|v| vec![first_form(v, max)]).collect();
    let mut pick = vec![0; unique.len()];
    loop {
        let mut shown: HashMap<&str, Vec<usize>> = HashMap::new();
        for (u, f) in forms.iter().enumerate() {
            shown.entry(f[pick[u]].as_str()).or_default().push(u);
        }
        let clashes: Vec<Vec<usize>> = shown.into_values().filter(|us| us.len() > 1).collect();
        if clashes.is_empty() {
            return Some(which.iter().map(|u| forms[*u][pick[*u]].clone()).collect());
        }
        for clash in clashes {
            let mut moved = false;
            for u in clash {
                if forms[u].len() == 1 {
                    forms[u] = all_forms(unique[u], max);
                }
                if pick[u] + 1 < forms[u].len() {
                    pick[u] += 1;
                    moved = true;
                }
            }
            // Values out of forms, still alike: nothing another value does can change that.
            if !moved {
                return None;
            }
        }
    }
}

/// Every value of a key column in at most `max` columns, all cut at the same places, or `None`
/// when two different values would look the same.
///
/// Unlike [`distinct`], which picks each value's most readable form, every value that does not
/// fit keeps the same number of columns from its start and from its end (`app.example.c…/orders`
/// above `app.example.c…refunds`), so the cuts line up and a menu's column reads as one; values
/// that fit stay whole. URLs lose their scheme first, on every row, when that keeps them apart.
/// The cut is placed as near the middle as keeps the values apart.
pub fn alike(values: &[&str], max: usize) -> Option<Vec<String>> {
    if values.iter().all(|v| width(v) <= max) {
        return Some(values.iter().map(|v| v.to_string()).collect());
    }
    let bare: Vec<String> = values
        .iter()
        .map(|v| split_scheme(v).map_or(*v, |(_, rest)| rest).to_string())
        .collect();
    let base: Vec<String> = if apart(values, &bare) {
        bare
    } else {
        values.iter().map(|v| v.to_string()).collect()
    };
    if base.iter().all(|v| width(v) <= max) {
        return Some(base);
    }
    let room = max.checked_sub(1)?;
    // Heads from the middle outwards: the most balanced cut that tells the values apart.
    let mid = room / 2;
    let heads = (0..=room).map(|d| {
        if d % 2 == 0 {
            mid + d / 2
        } else {
            mid.wrapping_sub(d / 2 + 1)
        }
    });
    heads.filter(|h| *h <= room).find_map(|h| {
        let shown: Vec<String> = base
            .iter()
            .map(|v| {
                if width(v) <= max {
                    return v.clone();
                }
                let start = head(v, h);
                format!("{start}…{}", tail(v, room - width(start)))
            })
            .collect();
        apart(values, &shown).then_some(shown)
    })
}

/// The most readable way to show `v` in `max` columns: [`all_forms`]'s first.
fn first_form(v: &str, max: usize) -> String {
    match split_scheme(v) {
        Some((_, rest)) => shorten_url(rest, max),
        None => cuts(v, max).swap_remove(0),
    }
}

/// The ways to show `v` in `max` columns, most readable first, none repeated.
fn all_forms(v: &str, max: usize) -> Vec<String> {
    let mut all = vec![first_form(v, max)];
    match split_scheme(v) {
        Some((_, rest)) => {
            all.push(keep_scheme(v, max));
            all.extend(cuts(rest, max));
            all.extend(windows(rest, max));
        }
        None => {
            all.extend(cuts(v, max));
            all.extend(windows(v, max));
        }
    }
    let mut unique: Vec<String> = Vec::with_capacity(all.len());
    for f in all {
        if !unique.contains(&f) {
            unique.push(f);
        }
    }
    unique
}

/// `s` as its start, one window of its middle and its end (`api.t…mer-0007-int…/orders`):
/// for values that differ only mid-way, on a width too small for a single cut to reach the
/// difference. The windows meet end to end and cover everything between the start and the end.
fn windows(s: &str, max: usize) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    if max < 12 || n <= max {
        return Vec::new();
    }
    let room = max - 2;
    let (h, t) = (room / 4, room / 3);
    let k = room - h - t;
    // A window starts a character after the start and ends a character before the end, so
    // both `…` mark real cuts.
    let (first, last) = (h + 1, n - t - 1 - k);
    let mut offsets: Vec<usize> = (first..=last).step_by(k.max(1)).collect();
    offsets.push(last);
    offsets.dedup();
    let text = |r: std::ops::Range<usize>| chars[r].iter().collect::<String>();
    offsets
        .into_iter()
        .map(|o| format!("{}…{}…{}", text(0..h), text(o..o + k), text(n - t..n)))
        .filter(|f| width(f) <= max)
        .collect()
}

/// `s` cut once, in the middle and then nearer either end: values that differ only near one
/// end, or only in the middle of a long path, differ in one of these.
fn cuts(s: &str, max: usize) -> Vec<String> {
    if width(s) <= max || max < 2 {
        return vec![cut_middle(s, max).into_owned()];
    }
    let room = max - 1;
    let edge = room.min(4);
    [room / 2, room / 4, room - room / 4, edge, room - edge]
        .iter()
        .map(|h| {
            let start = head(s, *h);
            format!("{start}…{}", tail(s, room - width(start)))
        })
        .collect()
}

/// The narrowest width, from `from` up, at which [`distinct`] keeps the values apart.
///
/// Found by halving, as if values apart at one width were apart at every wider one. That
/// nearly always holds; where it does not, the answer is a little wider than it could be,
/// but always a width that works.
pub fn floor(values: &[&str], from: usize) -> usize {
    let widest = values.iter().map(|v| width(v)).max().unwrap_or(0);
    // At `widest` every value is whole, so apart.
    let (mut lo, mut hi) = (from, widest.max(from));
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if distinct(values, mid).is_some() {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    hi
}

/// The width a key column needs to show every value whole but without its scheme, when that
/// keeps them apart; the full width otherwise.
pub fn compact(values: &[&str]) -> usize {
    let bare: Vec<String> = values
        .iter()
        .map(|v| split_scheme(v).map_or(*v, |(_, rest)| rest).to_string())
        .collect();
    let shown = if apart(values, &bare) {
        bare.iter().map(|v| width(v)).max()
    } else {
        values.iter().map(|v| width(v)).max()
    };
    shown.unwrap_or(0)
}

/// True when values that differ still differ once rendered.
fn apart(values: &[&str], rendered: &[String]) -> bool {
    let mut seen: HashMap<&str, &str> = HashMap::new();
    values
        .iter()
        .zip(rendered)
        .all(|(v, r)| *seen.entry(r.as_str()).or_insert(v) == *v)
}

/// `https://host/path` as (`https://`, `host/path`); `None` for anything that is not a URL.
fn split_scheme(s: &str) -> Option<(&str, &str)> {
    let i = s.find("://")?;
    let scheme = &s[..i];
    let ok = !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    ok.then(|| s.split_at(i + 3))
}

/// A URL shortened with its scheme kept in front: the longer form, for when schemes are what
/// tells two values apart.
fn keep_scheme(s: &str, max: usize) -> String {
    match split_scheme(s) {
        Some((scheme, rest)) if width(s) > max && width(scheme) + 8 <= max => {
            format!("{scheme}{}", shorten_url(rest, max - width(scheme)))
        }
        _ => cut_middle(s, max).into_owned(),
    }
}

/// `rest` is a URL without its scheme. Keeps the whole host and as many whole segments from the
/// end of the path as fit; failing that, the last segment and as much of the host as fits.
fn shorten_url(rest: &str, max: usize) -> String {
    if width(rest) <= max {
        return rest.to_string();
    }
    let Some(slash) = rest.find('/') else {
        return cut_middle(rest, max).into_owned();
    };
    let (host, path) = rest.split_at(slash);
    // Each later '/' starts a shorter tail: the first that fits is the longest.
    for (i, _) in path.match_indices('/').skip(1) {
        if path[i + 1..].is_empty() {
            continue;
        }
        let candidate = format!("{host}/…{}", &path[i..]);
        if width(&candidate) <= max {
            return candidate;
        }
    }
    let trimmed = path.trim_end_matches('/');
    let last = &path[trimmed.rfind('/').unwrap_or(0)..];
    // Fewer than four characters of host say nothing; the plain middle cut is better then.
    if width(last) + 1 + 4 <= max {
        return format!("{}…{last}", head(rest, max - 1 - width(last)));
    }
    cut_middle(rest, max).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORDERS: &str = "https://api.shop.example/webhooks/orders";
    const REFUNDS: &str = "https://api.shop.example/webhooks/refunds";

    #[test]
    fn a_url_keeps_its_host_and_the_end_of_its_path() {
        assert_eq!(shorten(ORDERS, 100), ORDERS);
        assert_eq!(shorten(ORDERS, 32), "api.shop.example/webhooks/orders");
        assert_eq!(shorten(ORDERS, 31), "api.shop.example/…/orders");
        assert_eq!(shorten(REFUNDS, 26), "api.shop.example/…/refunds");
        assert_eq!(
            shorten(
                "https://app.example.com/api/workflows/invoice-reminders",
                45
            ),
            "app.example.com/…/workflows/invoice-reminders"
        );
        // The host gives way before the last segment does.
        assert_eq!(shorten(ORDERS, 20), "api.shop.exa…/orders");
        assert_eq!(
            shorten("https://mailer.example.org/send", 16),
            "mailer.exa…/send"
        );
        // Query strings and trailing slashes stay part of the tail.
        assert_eq!(
            shorten("https://h.example/a/b/run?id=7", 20),
            "h.example/…/run?id=7"
        );
        assert_eq!(
            shorten("https://h.example/aaaa/bbbb/", 17),
            "h.example/…/bbbb/"
        );
    }

    #[test]
    fn every_width_is_respected_however_narrow() {
        for s in [
            ORDERS,
            "plain text that is long",
            "日本語のURL https://例え.jp/パス/終わり",
            "",
        ] {
            for w in 0..60 {
                let got = shorten(s, w);
                assert!(width(&got) <= w, "{s:?} at {w}: {got:?}");
                if width(s) > w && w > 0 && !s.ends_with(&got) {
                    assert!(got.contains('…'), "a cut is marked: {got:?}");
                }
            }
        }
    }

    #[test]
    fn text_that_is_not_a_url_is_cut_in_the_middle() {
        assert_eq!(shorten("CALLBACK_INPROGRESS", 12), "CALLB…OGRESS");
        assert_eq!(
            shorten("no-scheme.example/path/x", 100),
            "no-scheme.example/path/x"
        );
        assert_eq!(shorten("://odd", 4), ":…dd");
        assert_eq!(shorten("9ttp://x.example/a", 9), "9ttp…le/a");
    }

    #[test]
    fn a_column_never_shows_two_different_values_alike() {
        let vals = [ORDERS, REFUNDS, ORDERS];
        let got = distinct(&vals, 27).unwrap();
        assert_eq!(got[0], "api.shop.example/…/orders");
        assert_eq!(got[1], "api.shop.example/…/refunds");
        assert_eq!(got[2], got[0], "the same value renders the same");
        // Too narrow to tell them apart: the caller must widen.
        assert_eq!(distinct(&[ORDERS, REFUNDS], 2), None);
        let w = floor(&[ORDERS, REFUNDS], 1);
        let at = distinct(&[ORDERS, REFUNDS], w).unwrap();
        assert_ne!(at[0], at[1]);
        assert!(distinct(&[ORDERS, REFUNDS], w - 1).is_none());
    }

    #[test]
    fn urls_that_differ_only_in_the_middle_get_the_width_they_need() {
        let a = "https://app.example.com/api/workflows/tenant-a/v1/run";
        let b = "https://app.example.com/api/workflows/tenant-b/v1/run";
        // The host and tail form would clash; the two move on to cuts that keep them apart.
        assert_eq!(shorten(a, 30), shorten(b, 30));
        let got = distinct(&[a, b, ORDERS], 30).unwrap();
        assert_ne!(got[0], got[1], "{got:?}");
        assert_eq!(
            got[2], "api.shop.example/…/orders",
            "a value that clashes with none keeps its form"
        );
        assert!(floor(&[a, b], 1) < 16);
    }

    #[test]
    fn values_that_differ_deep_in_the_middle_stay_apart_on_a_narrow_terminal() {
        let url = |i: u32| {
            format!("https://api.t{}.example.com/webhooks/v2/tenants/customer-{i:04}-international-holdings/events/orders", i % 3)
        };
        let urls: Vec<String> = (0..40).map(url).collect();
        let vals: Vec<&str> = urls.iter().map(String::as_str).collect();
        let got = distinct(&vals, 30).expect("a window reaches the difference");
        for (g, v) in got.iter().zip(&vals) {
            assert!(width(g) <= 30, "{g:?}");
            // Every piece between the cuts is a piece of the value, in order.
            let mut rest = &v[v.find("://").unwrap() + 3..];
            for piece in g.split('…') {
                let at = rest.find(piece).unwrap_or_else(|| panic!("{g:?} in {v:?}"));
                rest = &rest[at + piece.len()..];
            }
        }
        let unique: std::collections::HashSet<&String> = got.iter().collect();
        assert_eq!(unique.len(), 40, "{got:?}");
    }

    #[test]
    fn schemes_stay_when_they_are_the_difference() {
        let vals = [
            "http://h.example/a/very/long/path",
            "https://h.example/a/very/long/path",
        ];
        let got = distinct(&vals, 30).unwrap();
        assert!(
            got[0].starts_with("http://") && got[1].starts_with("https://"),
            "{got:?}"
        );
        assert_eq!(compact(&vals), 34, "no scheme-less form keeps them apart");
        assert_eq!(compact(&[ORDERS, REFUNDS]), 33);
    }

    #[test]
    fn a_column_cut_alike_keeps_one_place_for_its_cuts() {
        let vals = [
            "https://app.example.com/api/workflows/video-transcode",
            "https://app.example.com/api/workflows/invoice-reminders",
            "https://app.example.com/short",
            "https://app.example.com/api/workflows/video-transcode",
        ];
        let got = alike(&vals, 30).unwrap();
        assert_eq!(
            got[2], "app.example.com/short",
            "a value that fits is whole"
        );
        assert_eq!(got[0], got[3]);
        assert_ne!(got[0], got[1]);
        let cut: Vec<&String> = got.iter().filter(|g| g.contains('…')).collect();
        assert_eq!(cut.len(), 3, "{got:?}");
        for g in &cut {
            assert_eq!(width(g), 30, "{g:?}");
            // The same head on every cut row: the cuts line up.
            assert_eq!(g.find('…'), cut[0].find('…'), "{got:?}");
            assert!(g.starts_with("app.example.co"), "{g:?}");
        }
        // Where distinct gives each its own form, alike gives them one.
        let each = distinct(&vals, 30).unwrap();
        let at: std::collections::HashSet<Option<usize>> = each
            .iter()
            .filter(|g| g.contains('…'))
            .map(|g| g.find('…'))
            .collect();
        assert!(at.len() > 1, "{each:?}");
        // Schemes stay, on every row, when they are the difference; too narrow is None.
        let schemes = [
            "http://h.example/a/very/long/path",
            "https://h.example/a/very/long/path",
        ];
        let got = alike(&schemes, 20).unwrap();
        assert!(
            got[0].starts_with("http://") && got[1].starts_with("https:"),
            "{got:?}"
        );
        assert_eq!(alike(&[ORDERS, REFUNDS], 2), None);
    }

    #[test]
    fn a_column_that_fits_is_left_whole() {
        let vals = ["https://a.example/x", "500"];
        assert_eq!(distinct(&vals, 19).unwrap(), vals);
        assert_eq!(floor(&["a", "b"], 3), 3);
    }
}
