//! The baselines of one run's callbacks, kept so that no read can put a wrong one in place.
//!
//! A baseline is only evidence if it was read before the entry's callback was sent: a read
//! answered after the send may already show the job's own call, and a lost reply would then
//! be judged "nothing ran" and sent again. Reads are many at once and retried, so an answer
//! can land at any time; the book makes the order safe by construction:
//!
//! - an entry's first baseline stands: [`Book::offer`] never overwrites;
//! - an entry's slot is closed before its first send ([`Book::close`]), and a closed slot takes
//!   nothing in, so a read still under way when the send went can never be applied after it;
//! - an entry that has a slot (a baseline, or a send) never goes back into the pool that
//!   shared reads draw from.

use std::collections::HashMap;
use std::sync::Mutex;

use super::{Baseline, RunRef};

/// An entry's place in the book.
#[derive(Debug, Clone)]
enum Slot {
    /// Read before any send; it stands.
    Taken(Baseline),
    /// About to be sent, or sent: what it had by then (if anything) is all it will ever have.
    Closed(Option<Baseline>),
}

#[derive(Default)]
struct Inner {
    /// Runs of entries the plan listed that have no slot yet: free for a shared read.
    pool: HashMap<String, RunRef>,
    slots: HashMap<String, Slot>,
}

/// Baselines, written at most once each and never after the entry's send.
#[derive(Default)]
pub(super) struct Book {
    inner: Mutex<Inner>,
}

impl Book {
    /// Entries whose baselines a shared read may take; those with a slot are left out.
    pub(super) fn pool(&self, runs: impl IntoIterator<Item = (String, RunRef)>) {
        let mut b = self.inner.lock().unwrap();
        let fresh: Vec<(String, RunRef)> = runs
            .into_iter()
            .filter(|(id, _)| !b.slots.contains_key(id))
            .collect();
        b.pool.extend(fresh);
    }

    /// `id`'s run, if the pool had it (it leaves the pool), and up to `more` other entries of
    /// the pool to read with it.
    pub(super) fn draw(&self, id: &str, more: usize) -> (Option<RunRef>, Vec<(String, RunRef)>) {
        let mut b = self.inner.lock().unwrap();
        let own = b.pool.remove(id);
        let others: Vec<String> = b.pool.keys().take(more).cloned().collect();
        let others = others
            .into_iter()
            .filter_map(|k| b.pool.remove_entry(&k))
            .collect();
        (own, others)
    }

    /// Entries drawn for a read that failed: back to the pool, those that meanwhile took
    /// their own baseline or were sent excepted.
    pub(super) fn give_back(&self, runs: impl IntoIterator<Item = (String, RunRef)>) {
        self.pool(runs);
    }

    /// Offers `id` a baseline: taken only when it has no slot yet (not read, not sent).
    /// True when it was taken.
    pub(super) fn offer(&self, id: &str, baseline: Baseline) -> bool {
        let mut b = self.inner.lock().unwrap();
        if b.slots.contains_key(id) {
            return false;
        }
        b.pool.remove(id);
        b.slots.insert(id.to_string(), Slot::Taken(baseline));
        true
    }

    /// Closes `id`'s slot before its send: nothing offered later is taken in.
    pub(super) fn close(&self, id: &str) {
        let mut b = self.inner.lock().unwrap();
        b.pool.remove(id);
        let slot = match b.slots.remove(id) {
            Some(Slot::Taken(base)) => Slot::Closed(Some(base)),
            Some(closed @ Slot::Closed(_)) => closed,
            None => Slot::Closed(None),
        };
        b.slots.insert(id.to_string(), slot);
    }

    /// Whether `id` has a baseline, or was sent.
    pub(super) fn has(&self, id: &str) -> bool {
        self.inner.lock().unwrap().slots.contains_key(id)
    }

    /// `id`'s baseline, if it has one.
    pub(super) fn get(&self, id: &str) -> Option<Baseline> {
        match self.inner.lock().unwrap().slots.get(id)? {
            Slot::Taken(b) | Slot::Closed(Some(b)) => Some(b.clone()),
            Slot::Closed(None) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(newest: &str) -> Baseline {
        Baseline {
            run: ("wfr_a".into(), Some(1)),
            newest: Some(newest.into()),
        }
    }

    fn run() -> (String, RunRef) {
        ("a".into(), ("wfr_a".into(), Some(1)))
    }

    #[test]
    fn the_first_baseline_stands() {
        let book = Book::default();
        assert!(book.offer("a", base("m0")));
        assert!(!book.offer("a", base("m1")));
        book.close("a");
        assert_eq!(book.get("a"), Some(base("m0")));
    }

    #[test]
    fn nothing_is_taken_in_after_the_send() {
        let book = Book::default();
        book.pool([run()]);
        // A shared read drew it; meanwhile it went on its own and was sent.
        let (_, drawn) = book.draw("b", 10);
        assert_eq!(drawn.len(), 1);
        book.close("a");
        assert!(
            !book.offer("a", base("m1")),
            "an answer landing after the send"
        );
        assert_eq!(book.get("a"), None);
        assert!(book.has("a"));
    }

    #[test]
    fn an_entry_with_a_slot_never_goes_back_to_the_pool() {
        let book = Book::default();
        book.pool([run()]);
        let (_, drawn) = book.draw("b", 10);
        assert!(book.offer("a", base("m0")));
        // The shared read failed: what it drew goes back, but not `a`.
        book.give_back(drawn);
        assert_eq!(book.draw("c", 10).1.len(), 0);
        // Nor a later listing of the plan.
        book.pool([run()]);
        assert_eq!(book.draw("c", 10).1.len(), 0);
        assert_eq!(book.get("a"), Some(base("m0")));
    }
}
