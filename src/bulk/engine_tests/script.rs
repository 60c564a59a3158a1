//! The script of the fake server: which requests a rule bends, and how.

use std::time::Duration;

/// Which requests a rule bends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum On {
    /// A bulk mutation (a chunk).
    Many,
    /// A single-id mutation (one by one, and every callback).
    One,
    /// A filtered bulk mutation (`--server-side`).
    Matching,
    /// An entry lookup.
    Get,
    /// A publish (republish's first step).
    Publish,
    /// A read of the run logs (a callback's baselines and checks); it names the DLQ entries
    /// of the runs it asks for.
    RunLogs,
}

/// What a bent request gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Served as the model says (with `interrupting`: a Ctrl-C while in flight).
    None,
    /// The server acts, then the connection drops: no reply.
    LostAfter,
    /// A proxy answers 502 before the server acts: nothing changed, but the client cannot know.
    LostBefore,
    /// The server acts, and its 2xx reply lists one result fewer than the ids.
    Short,
    /// This status, nothing changed.
    Status(u16),
    /// The server acts, then answers this status (a 5xx from a proxy or a failing reply).
    AppliedThen(u16),
    /// 429, nothing changed, with Retry-After when given.
    Throttle(Option<Duration>),
    /// A 307 to elsewhere; nothing changed here.
    Redirect,
}

#[derive(Debug, Clone)]
pub struct Rule {
    on: On,
    /// Only requests naming this id.
    id: Option<&'static str>,
    /// Matching requests let through before the rule bites.
    skip: usize,
    /// How many times it bites.
    times: usize,
    fault: Fault,
    interrupt: bool,
    /// How much longer the request takes: its answer is what the server holds then.
    slower: Duration,
}

impl Rule {
    pub fn on(on: On, fault: Fault) -> Rule {
        Rule {
            on,
            id: None,
            skip: 0,
            times: 1,
            fault,
            interrupt: false,
            slower: Duration::ZERO,
        }
    }
    pub fn naming(mut self, id: &'static str) -> Rule {
        self.id = Some(id);
        self
    }
    pub fn skip(mut self, n: usize) -> Rule {
        self.skip = n;
        self
    }
    /// Bites `n` times (once by default).
    pub fn times(mut self, n: usize) -> Rule {
        self.times = n;
        self
    }
    pub fn always(mut self) -> Rule {
        self.times = usize::MAX;
        self
    }
    /// A Ctrl-C arrives while the request is in flight.
    pub fn interrupting(mut self) -> Rule {
        self.interrupt = true;
        self
    }

    /// The request takes `d` longer; it is served (or fails) as the server stands then.
    pub fn taking(mut self, d: Duration) -> Rule {
        self.slower = d;
        self
    }

    /// Whether this rule bends a request of kind `on` naming `ids`, and if so how (and
    /// whether a Ctrl-C comes with it, and how much longer it takes). A rule that lets a
    /// request through still counts it.
    pub(super) fn bites(
        &mut self,
        on: Option<On>,
        ids: &[String],
    ) -> Option<(Fault, bool, Duration)> {
        let named = self.id.is_none_or(|id| ids.iter().any(|i| i == id));
        if on != Some(self.on) || !named || self.times == 0 {
            return None;
        }
        if self.skip > 0 {
            self.skip -= 1;
            return None;
        }
        self.times -= 1;
        Some((self.fault, self.interrupt, self.slower))
    }
}
