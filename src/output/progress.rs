//! Progress of bulk runs on stderr: an indicatif bar on a terminal, a plain line every few
//! seconds otherwise, nothing under `-q`. Never on stdout.
//!
//! The bar shows whole or one-decimal rates, an ETA that respects `--rps`, and the reason when
//! the run waits ("throttled (429), retrying in 2s"). It is cleared before the summary, and
//! lines printed while it is drawn (an interrupt notice, `--debug` logs) go above it, so no
//! stale bar is ever left on screen.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{time, Output};
use crate::bulk::exec::Progress;
use crate::bulk::outcome::{Outcome, Status};

const PLAIN_EVERY: Duration = Duration::from_secs(5);

/// The bar currently drawn, shared with the output layer so notices land on it.
#[derive(Clone, Default)]
pub struct Active(Arc<Mutex<Option<ProgressBar>>>);

impl std::fmt::Debug for Active {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Active")
    }
}

impl Active {
    fn set(&self, pb: Option<ProgressBar>) {
        *self.0.lock().unwrap() = pb;
    }

    /// Takes the bar off the screen (a process about to exit must not leave it behind).
    pub fn clear(&self) {
        if let Some(pb) = self.0.lock().unwrap().take() {
            pb.finish_and_clear();
        }
    }

    /// Prints a line above the bar; false when no bar is drawn.
    pub fn println(&self, msg: &str) -> bool {
        match &*self.0.lock().unwrap() {
            Some(pb) => {
                pb.println(msg);
                true
            }
            None => false,
        }
    }

    /// Shows a transient note on the bar until its next advance; false when no bar is drawn.
    pub fn message(&self, msg: &str) -> bool {
        match &*self.0.lock().unwrap() {
            Some(pb) => {
                pb.set_message(msg.to_string());
                true
            }
            None => false,
        }
    }
}

struct Counts {
    done: u64,
    not_done: u64,
    /// Entries to act on as known so far: a pipelined run's grows as pages are listed.
    total: u64,
    /// Whether the total may still grow: a pipelined run's, until its listing ends.
    listing: bool,
    last_plain: Instant,
    /// Requests in flight, as last reported by the engine.
    in_flight: usize,
}

impl Counts {
    fn new(total: u64) -> Mutex<Counts> {
        Mutex::new(Counts {
            done: 0,
            not_done: 0,
            total,
            listing: false,
            last_plain: Instant::now(),
            in_flight: 0,
        })
    }
}

/// A progress display; `Hidden` under -q.
pub struct Bar(Inner);

enum Inner {
    Hidden,
    Terminal {
        pb: ProgressBar,
        active: Active,
        started: Instant,
        /// Entries a second that `--rps` allows at most, for the ETA.
        cap: Option<f64>,
        counts: Mutex<Counts>,
    },
    Plain {
        verb: &'static str,
        started: Instant,
        counts: Mutex<Counts>,
        /// For notices of waits, which follow the output layer's rule (a line for long waits,
        /// or every wait with -v).
        out: Output,
    },
}

impl Bar {
    /// A bar of known length for executing a plan. `cap` is the most entries a second the
    /// run's `--rps` allows.
    pub fn new(out: &Output, verb: &'static str, total: u64, cap: Option<f64>) -> Bar {
        if out.quiet {
            return Bar(Inner::Hidden);
        }
        if out.stderr_tty {
            let pb = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            let template = if out.stderr_color {
                "{prefix} [{bar:30.cyan/blue}] {pos}/{len} {msg}"
            } else {
                "{prefix} [{bar:30}] {pos}/{len} {msg}"
            };
            pb.set_style(
                ProgressStyle::with_template(template)
                    .unwrap()
                    .progress_chars("=> "),
            );
            pb.set_prefix(verb);
            return Bar::terminal(out, pb, cap);
        }
        Bar(Inner::Plain {
            verb,
            started: Instant::now(),
            counts: Counts::new(total),
            out: out.clone(),
        })
    }

    /// `pb` drawn on the terminal, as the output layer's active bar (so notes go above it).
    fn terminal(out: &Output, pb: ProgressBar, cap: Option<f64>) -> Bar {
        out.active.set(Some(pb.clone()));
        Bar(Inner::Terminal {
            pb,
            active: out.active.clone(),
            started: Instant::now(),
            cap,
            counts: Counts::new(0),
        })
    }

    /// A spinner while a plan is being listed (terminal only).
    pub fn spinner(out: &Output, what: &str) -> Bar {
        if out.quiet || !out.stderr_tty {
            return Bar(Inner::Hidden);
        }
        let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        pb.set_style(
            ProgressStyle::with_template("{spinner} {prefix} {pos} entries {msg}").unwrap(),
        );
        pb.set_prefix(what.to_string());
        pb.enable_steady_tick(Duration::from_millis(120));
        Bar::terminal(out, pb, None)
    }

    /// A spinner with a line of text that [`Bar::note`] replaces (verification rounds).
    pub fn status(out: &Output, text: &str) -> Bar {
        if out.quiet || !out.stderr_tty {
            return Bar(Inner::Hidden);
        }
        let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        pb.set_style(ProgressStyle::with_template("{spinner} {msg}").unwrap());
        pb.set_message(text.to_string());
        pb.enable_steady_tick(Duration::from_millis(120));
        Bar::terminal(out, pb, None)
    }

    /// Replaces the text of a status line; without a terminal it is printed now and then.
    pub fn note(&self, text: &str) {
        match &self.0 {
            Inner::Terminal { pb, .. } => pb.set_message(crate::text::safe(text).into_owned()),
            Inner::Plain { .. } | Inner::Hidden => {}
        }
    }

    /// Makes the bar `n` entries longer: a pipelined run learns its length page by page,
    /// and the plain line says "listed so far" until [`Bar::listed`].
    pub fn grow(&self, n: u64) {
        match &self.0 {
            Inner::Terminal { pb, .. } => pb.set_length(pb.length().unwrap_or(0) + n),
            Inner::Plain { counts, .. } => {
                let mut c = counts.lock().unwrap();
                c.total += n;
                c.listing = true;
            }
            Inner::Hidden => {}
        }
    }

    /// The listing ended: the length is whole.
    pub fn listed(&self) {
        if let Inner::Plain { counts, .. } = &self.0 {
            counts.lock().unwrap().listing = false;
        }
    }

    pub fn inc(&self, n: u64) {
        self.add(n, 0);
    }

    fn add(&self, n: u64, not_done: u64) {
        match &self.0 {
            Inner::Hidden => {}
            Inner::Terminal {
                pb,
                started,
                cap,
                counts,
                ..
            } => {
                let mut c = counts.lock().unwrap();
                c.done += n;
                c.not_done += not_done;
                pb.inc(n);
                let Some(total) = pb.length() else {
                    pb.set_message(String::new());
                    return;
                };
                let secs = started.elapsed().as_secs_f64().max(0.001);
                let rate = c.done as f64 / secs;
                let speed = cap.map_or(rate, |cap| rate.min(cap));
                let left = total.saturating_sub(c.done);
                let eta = if speed > 0.0 {
                    time::duration(Duration::from_secs_f64((left as f64 / speed).min(1e7)))
                } else {
                    "-".into()
                };
                // The first chunks can finish faster than --rps allows on average: show the
                // rate the run will keep.
                let mut msg = format!("{} ETA {eta}", time::rate(speed));
                if c.in_flight > 1 {
                    msg.push_str(&format!(" ×{}", c.in_flight));
                }
                if c.not_done > 0 {
                    msg.push_str(&format!(" ({} not done)", c.not_done));
                }
                pb.set_message(msg);
            }
            Inner::Plain {
                verb,
                started,
                counts,
                ..
            } => {
                let mut c = counts.lock().unwrap();
                c.done += n;
                if c.last_plain.elapsed() >= PLAIN_EVERY {
                    c.last_plain = Instant::now();
                    let rate = c.done as f64 / started.elapsed().as_secs_f64().max(0.001);
                    eprintln!("{verb}: {}, {}", plain_count(&c), time::rate(rate));
                }
            }
        }
    }

    /// Clears the bar from the screen; the summary that follows says where the run got to.
    pub fn finish(&self) {
        if let Inner::Terminal { pb, active, .. } = &self.0 {
            active.set(None);
            pb.finish_and_clear();
        }
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.finish();
    }
}

impl Progress for Bar {
    fn advance(&self, outcomes: &[Outcome]) {
        let not_done = outcomes
            .iter()
            .filter(|o| o.outcome != Status::Done)
            .count() as u64;
        self.add(outcomes.len() as u64, not_done);
    }

    fn acted(&self, n: u64) {
        self.inc(n);
    }

    fn concurrency(&self, in_flight: usize, _limit: usize) {
        match &self.0 {
            Inner::Terminal { counts, .. } | Inner::Plain { counts, .. } => {
                counts.lock().unwrap().in_flight = in_flight;
            }
            Inner::Hidden => {}
        }
    }

    fn waiting(&self, d: Duration, why: &str) {
        match &self.0 {
            Inner::Terminal { pb, .. } => pb.set_message(format!(
                "{}, retrying in {}",
                crate::text::safe(why),
                time::duration(d)
            )),
            // Without a bar the engine's own waits (after the transport gave up) were silent,
            // even with -v; they now print as the transport's do.
            Inner::Plain { out, .. } => out.waiting(d, why, false),
            Inner::Hidden => {}
        }
    }
}

/// "400/1000 (40%)", or "400/1000 listed so far (40%)" while a pipelined run still lists.
fn plain_count(c: &Counts) -> String {
    // A count that overtook its total (a server that pages inconsistently) never reads past 100%.
    let pct = (100.0 * c.done as f64 / c.total.max(1) as f64).min(100.0);
    let so_far = if c.listing { " listed so far" } else { "" };
    format!("{}/{}{so_far} ({pct:.0}%)", c.done, c.total)
}

/// A verification on the status line: "verifying: 812 delivered, 3 failed again, 185 pending".
pub struct Following {
    bar: Bar,
    what: &'static str,
}

impl Following {
    pub fn new(out: &Output, what: &'static str) -> Following {
        Following {
            bar: Bar::status(out, &format!("{what}: looking up outcomes")),
            what,
        }
    }
}

impl crate::bulk::verify::Watch for Following {
    fn round(&self, t: &crate::bulk::verify::Tally) {
        self.bar.note(&format!(
            "{}: {}",
            self.what,
            super::results::verify_line(t)
        ));
    }
}
