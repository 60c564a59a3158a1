//! Progress of bulk runs on stderr: an indicatif bar on a terminal, a plain line every few
//! seconds otherwise, nothing under `-q`. Never on stdout.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Output;
use crate::bulk::exec::Progress;
use crate::bulk::outcome::{Outcome, Status};

const PLAIN_EVERY: Duration = Duration::from_secs(5);

pub enum Bar {
    Hidden,
    Terminal(ProgressBar),
    Plain {
        verb: &'static str,
        total: u64,
        state: Mutex<(u64, Instant, Instant)>,
    },
}

impl Bar {
    /// A bar of known length for executing a plan.
    pub fn new(out: &Output, verb: &'static str, total: u64) -> Bar {
        if out.quiet {
            return Bar::Hidden;
        }
        if out.stderr_tty {
            let pb = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            let template = if out.stderr_color {
                "{prefix} [{bar:30.cyan/blue}] {pos}/{len} {per_sec:.dim} ETA {eta} {msg}"
            } else {
                "{prefix} [{bar:30}] {pos}/{len} {per_sec} ETA {eta} {msg}"
            };
            pb.set_style(
                ProgressStyle::with_template(template)
                    .unwrap()
                    .progress_chars("=> "),
            );
            pb.set_prefix(verb);
            return Bar::Terminal(pb);
        }
        let now = Instant::now();
        Bar::Plain {
            verb,
            total,
            state: Mutex::new((0, now, now)),
        }
    }

    /// A spinner while a plan is being listed (terminal only).
    pub fn spinner(out: &Output, what: &str) -> Bar {
        if out.quiet || !out.stderr_tty {
            return Bar::Hidden;
        }
        let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        pb.set_style(ProgressStyle::with_template("{spinner} {msg} {pos} entries").unwrap());
        pb.set_message(what.to_string());
        pb.enable_steady_tick(Duration::from_millis(120));
        Bar::Terminal(pb)
    }

    pub fn inc(&self, n: u64) {
        match self {
            Bar::Hidden => {}
            Bar::Terminal(pb) => pb.inc(n),
            Bar::Plain { verb, total, state } => {
                let mut s = state.lock().unwrap();
                s.0 += n;
                if s.1.elapsed() >= PLAIN_EVERY {
                    s.1 = Instant::now();
                    let rate = s.0 as f64 / s.2.elapsed().as_secs_f64().max(0.001);
                    eprintln!(
                        "{verb}: {}/{total} ({:.0}%), {rate:.0}/s",
                        s.0,
                        100.0 * s.0 as f64 / (*total).max(1) as f64
                    );
                }
            }
        }
    }

    pub fn finish(&self) {
        if let Bar::Terminal(pb) = self {
            pb.finish_and_clear();
        }
    }
}

impl Progress for Bar {
    fn advance(&self, outcomes: &[Outcome]) {
        if let Bar::Terminal(pb) = self {
            let failed = outcomes
                .iter()
                .filter(|o| o.outcome != Status::Done)
                .count();
            if failed > 0 {
                pb.set_message(format!("({failed} more not done)"));
            }
        }
        self.inc(outcomes.len() as u64);
    }
}
