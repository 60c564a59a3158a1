//! Listing a whole selection on several lanes at once.
//!
//! A cursor is followed one page at a time, so listing 10,000 entries one cursor long is 100
//! round trips in a row, and a bulk run waits for them. When the first page says there is
//! more, the rest of the time range is cut into slices (`fromDate`/`toDate`), each followed
//! with a cursor of its own, several at once; a slice whose first page says it is dense is cut
//! again while there are not enough slices to keep the lanes busy.
//!
//! Every entry is still listed, and passed on once, whatever order the server lists in and
//! whichever time it filters by: the slices together cover the whole range and overlap by a
//! second at each edge (a server that compares by the second or excludes a bound still puts
//! every entry in one of them), and the part of a range below its cut is listed too. Listed
//! oldest first, that part holds only the page already seen (one request); listed in any other
//! order, it holds whatever the cut misjudged, and finds it.
//!
//! An entry listed by two slices is passed on once. Only the ids that can be listed twice are
//! remembered: a slice's first page (the part below a cut lists it again) and entries within
//! [`EDGE_MS`] of a slice's edges (where slices overlap), so memory follows the number of
//! slices, not of entries. A repeat of any other kind (a server whose times disagree with the
//! ids', one that pages inconsistently) is dropped by the planner ([`super::seen`]).
//!
//! Only whole selections are sliced: "the first N matches" depends on the server's order, so a
//! `--limit` follows one cursor.

use std::collections::{HashSet, VecDeque};

use futures::stream::{FuturesUnordered, StreamExt};

use super::action::BulkClient;
use super::cancel::Cancel;
use super::exec::Pacer;
use super::pages::{Guard, PlanError};
use crate::api::{Entry, Filter, Source};

/// How far slices overlap at each edge.
const OVERLAP_MS: i64 = 1_000;
/// How near an edge an entry is remembered: the overlap, and a second more for a server that
/// compares by the second.
const EDGE_MS: i64 = 2 * OVERLAP_MS;
/// The narrowest slice worth a cursor of its own.
const MIN_SLICE_MS: i64 = 4 * OVERLAP_MS;
/// Slices kept open per lane, so a lane that finishes early finds another one waiting.
const SLICES_PER_LANE: usize = 2;
/// The largest page the API serves.
const PAGE: u32 = 100;

/// How many list requests may be in flight, and what paces them.
#[derive(Clone, Copy)]
pub struct Lanes<'a> {
    pub count: usize,
    pub pacer: Option<&'a Pacer>,
}

/// The most list requests a run has in flight: enough to hide the round trips, few enough
/// to leave a rate limit to the requests that act.
pub const MAX_LANES: usize = 8;

impl<'a> Lanes<'a> {
    /// Lanes for a run allowed `concurrency` requests in flight, paced by `pacer`.
    pub fn within(concurrency: usize, pacer: &'a Pacer) -> Lanes<'a> {
        Lanes {
            count: concurrency.clamp(1, MAX_LANES),
            pacer: Some(pacer),
        }
    }

    /// One cursor, one request at a time.
    pub const ONE: Lanes<'static> = Lanes {
        count: 1,
        pacer: None,
    };
}

/// A time range of the selection, inclusive at both ends; `None` is open.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Span {
    from: Option<i64>,
    to: Option<i64>,
}

/// One slice being listed.
struct Slice {
    filter: Filter,
    span: Span,
    cursor: Option<String>,
    guard: Guard,
    first: bool,
}

impl Slice {
    fn new(filter: &Filter, span: Span) -> Slice {
        Slice {
            filter: Filter {
                from_ms: span.from,
                to_ms: span.to,
                ..filter.clone()
            },
            span,
            cursor: None,
            guard: Guard::default(),
            first: true,
        }
    }
}

/// Lists every match of `filter` into `on_page`, each entry once (but see the module doc), in
/// no particular order.
/// Returns false when `cancel` stopped it before the end.
pub async fn list(
    api: &dyn BulkClient,
    source: Source,
    filter: &Filter,
    lanes: Lanes<'_>,
    cancel: &Cancel,
    on_page: &mut dyn FnMut(&[Entry]) -> std::io::Result<()>,
) -> Result<bool, PlanError> {
    let now = jiff::Timestamp::now().as_millisecond();
    let whole = Span {
        from: filter.from_ms,
        to: filter.to_ms,
    };
    let width = lanes.count.max(1);
    let mut waiting = VecDeque::from([Slice::new(filter, whole)]);
    let mut running = FuturesUnordered::new();
    let mut remembered: HashSet<String> = HashSet::new();
    let fetch = |slice: Slice| async move {
        if let Some(p) = lanes.pacer {
            if !p.wait(cancel).await {
                return (slice, None);
            }
        }
        let page = api
            .list(source, &slice.filter, Some(PAGE), slice.cursor.as_deref())
            .await;
        (slice, Some(page))
    };
    loop {
        while running.len() < width {
            match waiting.pop_front() {
                Some(s) => running.push(fetch(s)),
                None => break,
            }
        }
        let Some((mut slice, page)) = running.next().await else {
            return Ok(true);
        };
        let Some(page) = page else {
            return Ok(false);
        };
        let page = page?;
        if let (Some(p), Some(limit)) = (lanes.pacer, api.pressure().limit) {
            p.server_limit(limit);
        }
        let next = slice.guard.step(page.server_empty(), page.cursor.clone())?;
        let times = page.messages.iter().filter_map(Entry::dlq_time_ms);
        let (earliest, latest) = (times.clone().min(), times.max());
        let listed = page.messages.len();
        let first_page = slice.first;
        let fresh: Vec<Entry> = page
            .messages
            .into_iter()
            .filter(|e| {
                if remembered.contains(&e.dlq_id) {
                    return false;
                }
                if first_page || near_edge(slice.span, e) {
                    remembered.insert(e.dlq_id.clone());
                }
                true
            })
            .collect();
        if !fresh.is_empty() {
            on_page(&fresh).map_err(PlanError::Io)?;
        }
        // Stopped with nothing more to list is not cut short: the last page was in.
        let more = next.is_some() || !waiting.is_empty() || !running.is_empty();
        if cancel.is_cancelled() {
            return Ok(!more);
        }
        let Some(cursor) = next else {
            continue;
        };
        let open = waiting.len() + running.len();
        let want = (width * SLICES_PER_LANE).saturating_sub(open);
        let parts = match (earliest, latest) {
            (Some(e), Some(t)) if slice.first && width > 1 => {
                let want = want.min(pages_left(slice.span, e, t, listed, now) + 1);
                cut(slice.span, t, now, want)
            }
            _ => None,
        };
        match parts {
            Some(parts) => waiting.extend(parts.into_iter().map(|s| Slice::new(filter, s))),
            None => {
                slice.cursor = Some(cursor);
                slice.first = false;
                // Ahead of fresh slices: one that is under way finishes first.
                waiting.push_front(slice);
            }
        }
    }
}

/// Whether `e` lies where another slice may list it too: within [`EDGE_MS`] of an edge of
/// `span` (or it has no time to tell).
fn near_edge(span: Span, e: &Entry) -> bool {
    let Some(t) = e.dlq_time_ms() else {
        return true;
    };
    let near = |edge: Option<i64>| edge.is_some_and(|x| (t - x).abs() <= EDGE_MS);
    near(span.from) || near(span.to)
}

/// About how many more pages `span` holds, from its first page: `listed` entries between `e`
/// and `t`, as dense after `t` up to the span's end, and one more. Entries seldom spread
/// evenly, but too few slices only means a slice follows its cursor longer, while too many
/// cost a request each for nothing.
fn pages_left(span: Span, e: i64, t: i64, listed: usize, now: i64) -> usize {
    let seen = (i128::from(t) - i128::from(e)).max(1);
    let rest = (i128::from(span.to.unwrap_or(now)) - i128::from(t)).max(0);
    let entries = rest * listed as i128 / seen;
    let pages = entries / i128::from(PAGE) + 1;
    usize::try_from(pages).unwrap_or(usize::MAX)
}

/// Cuts `span`, whose first page ended at `t`, into the part up to `t` and at most
/// `want - 1` slices after it; `None` when that is not worth it.
fn cut(span: Span, t: i64, now: i64, want: usize) -> Option<Vec<Span>> {
    let lo = span.from.map_or(t, |f| t.max(f));
    let hi = span.to.unwrap_or(now);
    let width = i128::from(hi) - i128::from(lo);
    let k = want
        .saturating_sub(1)
        .min(usize::try_from(width / i128::from(MIN_SLICE_MS)).unwrap_or(0));
    if k < 2 {
        return None;
    }
    let clip_to = |v: i64| span.to.map_or(v, |to| v.min(to));
    let clip_from = |v: i64| span.from.map_or(v, |from| v.max(from));
    let edge = |i: usize| (i128::from(lo) + width * i as i128 / k as i128) as i64;
    let mut parts = vec![Span {
        from: span.from,
        to: Some(clip_to(t.saturating_add(OVERLAP_MS))),
    }];
    for i in 0..k {
        let from = if i == 0 {
            lo
        } else {
            edge(i).saturating_sub(OVERLAP_MS)
        };
        let to = if i + 1 == k {
            span.to
        } else {
            Some(clip_to(edge(i + 1).saturating_add(OVERLAP_MS)))
        };
        parts.push(Span {
            from: Some(clip_from(from)),
            to,
        });
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the parts leave no millisecond of `span` out (checked on a grid and at every
    /// edge).
    fn covers(parts: &[Span], span: Span, lo: i64, hi: i64) -> bool {
        let inside =
            |s: &Span, v: i64| s.from.is_none_or(|f| v >= f) && s.to.is_none_or(|t| v <= t);
        let mut probes: Vec<i64> = (lo..=hi).step_by(97).collect();
        for s in parts {
            for v in [s.from, s.to].into_iter().flatten() {
                probes.extend([v - 1, v, v + 1]);
            }
        }
        probes
            .into_iter()
            .filter(|v| inside(&span, *v))
            .all(|v| parts.iter().any(|s| inside(s, v)))
            && parts.iter().all(|s| {
                s.from.is_none_or(|f| span.from.is_none_or(|sf| f >= sf))
                    && s.to.is_none_or(|t| span.to.is_none_or(|st| t <= st))
                    && (s.to.is_some() || span.to.is_none())
                    && (s.from.is_some() || span.from.is_none())
            })
    }

    #[test]
    fn slices_cover_the_range_and_stay_inside_it() {
        let closed = Span {
            from: Some(1_000),
            to: Some(100_000),
        };
        let parts = cut(closed, 5_000, 0, 9).unwrap();
        assert_eq!(parts.len(), 9);
        assert_eq!(
            parts[0],
            Span {
                from: Some(1_000),
                to: Some(6_000)
            }
        );
        assert!(covers(&parts, closed, 0, 101_000));

        let open = Span {
            from: None,
            to: None,
        };
        let parts = cut(open, 50_000, 90_000, 5).unwrap();
        assert_eq!(parts[0].from, None);
        assert_eq!(parts.last().unwrap().to, None);
        assert!(covers(&parts, open, -10_000, 200_000));
    }

    #[test]
    fn slices_follow_how_many_pages_the_first_page_suggests() {
        let open = Span {
            from: None,
            to: None,
        };
        // 100 entries over 1,000 s, and 5,000 s to go: about 5 pages more.
        assert_eq!(pages_left(open, 0, 1_000_000, 100, 6_000_000), 6);
        // Nothing after the page: the minimum.
        assert_eq!(pages_left(open, 0, 1_000_000, 100, 1_000_000), 1);
        // All on one millisecond, then a long range: many, but no overflow.
        assert!(pages_left(open, 5, 5, 100, i64::MAX) > 1_000);
    }

    #[test]
    fn narrow_or_inverted_ranges_are_not_cut() {
        let span = Span {
            from: None,
            to: Some(10_000),
        };
        // Too narrow for two slices of MIN_SLICE_MS.
        assert_eq!(cut(span, 5_000, 0, 16), None);
        // An entry dated after the range's end (a clock that is off): follow the cursor.
        assert_eq!(cut(span, 20_000, 0, 16), None);
        // Dates a hostile server made up do not overflow.
        assert_eq!(cut(span, i64::MIN, 0, 16).map(|p| p.len()), Some(16));
        let open = Span {
            from: None,
            to: None,
        };
        assert_eq!(cut(open, i64::MAX, 0, 16), None);
        // No room for more slices.
        assert_eq!(cut(span, -100_000, 0, 2), None);
    }

    #[test]
    fn every_overlap_of_a_cut_lies_near_the_edges_of_both_slices_it_joins() {
        let span = Span {
            from: Some(0),
            to: Some(1_000_000),
        };
        let parts = cut(span, 10_000, 0, 5).expect("cut");
        let entry = |t: i64| Entry {
            dlq_id: format!("{t}-0"),
            ..Entry::default()
        };
        let inside =
            |s: &Span, t: i64| s.from.is_none_or(|f| t >= f) && s.to.is_none_or(|x| t <= x);
        // Every time listed by two parts is remembered by both (the below part's first page
        // aside, which is remembered whole).
        for t in (0..=1_000_000).step_by(250) {
            let holders: Vec<&Span> = parts.iter().filter(|s| inside(s, t)).collect();
            if holders.len() > 1 {
                assert!(
                    holders.iter().all(|s| near_edge(**s, &entry(t))),
                    "{t} in {holders:?}"
                );
            }
        }
        // Deep inside a slice nothing is remembered; an entry with no time always is.
        assert!(!near_edge(parts[2], &entry(500_000)));
        assert!(near_edge(parts[2], &Entry::default()));
    }
}
