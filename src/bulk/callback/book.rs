//! The baselines of one run's callbacks, kept so that no read can put a wrong one in place.
//!
//! A baseline is only evidence if it was read before the entry's callback was sent: a read
//! answered after the send may already show the job's own call, and a lost reply would then
//! be judged "nothing ran" and sent again. Reads are many at once, ahead of the sends, and
//! retried, so an answer can land at any time; the book makes the order safe by construction:
//!
//! - an entry's first baseline stands: [`Book::offer`] never overwrites;
//! - an entry's slot is closed before its first send ([`Book::close`]), and a closed slot takes
//!   nothing in, so a read still under way when the send went can never be applied after it;
//! - an entry that has a slot (a baseline, or a send) never goes back into the pool that
//!   shared reads draw from.
//!
//! The pool keeps the order entries were listed in, which is the order they are sent in, so
//! reads drawn from its front stay ahead of the sends; an entry drawn for a read still under
//! way is waited for ([`Book::answered`]) rather than read a second time.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::Notify;

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
    /// The pool's entries in the order they were listed (ids that left it are skipped).
    order: VecDeque<String>,
    /// Entries drawn from the pool for a read still under way.
    reading: HashSet<String>,
    slots: HashMap<String, Slot>,
    /// Baselines taken and not sent yet.
    unsent: usize,
}

impl Inner {
    fn put(&mut self, id: String, run: RunRef, front: bool) {
        if self.slots.contains_key(&id) || self.pool.contains_key(&id) {
            return;
        }
        self.pool.insert(id.clone(), run);
        if front {
            self.order.push_front(id);
        } else {
            self.order.push_back(id);
        }
    }

    /// Up to `n` entries from the pool's front, marked as being read.
    fn front(&mut self, n: usize) -> Vec<(String, RunRef)> {
        let mut out = Vec::new();
        while out.len() < n {
            let Some(id) = self.order.pop_front() else {
                break;
            };
            if let Some(run) = self.pool.remove(&id) {
                self.reading.insert(id.clone());
                out.push((id, run));
            }
        }
        out
    }
}

/// Baselines, written at most once each and never after the entry's send.
#[derive(Default)]
pub(super) struct Book {
    inner: Mutex<Inner>,
    /// Told whenever a read of drawn entries ends (answered or given back).
    ended: Notify,
}

impl Book {
    /// Entries whose baselines a shared read may take, in the order they will be sent; those
    /// with a slot are left out.
    pub(super) fn pool(&self, runs: impl IntoIterator<Item = (String, RunRef)>) {
        let mut b = self.inner.lock().unwrap();
        for (id, run) in runs {
            if !b.reading.contains(&id) {
                b.put(id, run, false);
            }
        }
    }

    /// `id`'s run, if the pool had it (it leaves the pool), and up to `more` other entries of
    /// the pool, the next to be sent, to read with it. All of them are marked as being read.
    pub(super) fn draw(&self, id: &str, more: usize) -> (Option<RunRef>, Vec<(String, RunRef)>) {
        let mut b = self.inner.lock().unwrap();
        let own = b.pool.remove(id);
        if own.is_some() {
            b.reading.insert(id.to_string());
        }
        (own, b.front(more))
    }

    /// Up to `n` entries from the pool's front, to read ahead of their sends, while fewer
    /// than `room` baselines are taken or being read and not sent yet.
    pub(super) fn ahead(&self, n: usize, room: usize) -> Vec<(String, RunRef)> {
        let mut b = self.inner.lock().unwrap();
        if b.unsent + b.reading.len() >= room {
            return Vec::new();
        }
        b.front(n)
    }

    /// Entries drawn for a read that failed: back to the pool's front, those that meanwhile
    /// took their own baseline or were sent excepted.
    pub(super) fn give_back(&self, runs: impl IntoIterator<Item = (String, RunRef)>) {
        let mut b = self.inner.lock().unwrap();
        let runs: Vec<_> = runs.into_iter().collect();
        for (id, run) in runs.into_iter().rev() {
            b.reading.remove(&id);
            b.put(id, run, true);
        }
        drop(b);
        self.ended.notify_waiters();
    }

    /// Offers `id` a baseline: taken only when it has no slot yet (not read, not sent).
    /// True when it was taken.
    pub(super) fn offer(&self, id: &str, baseline: Baseline) -> bool {
        let mut b = self.inner.lock().unwrap();
        b.reading.remove(id);
        if b.slots.contains_key(id) {
            return false;
        }
        b.pool.remove(id);
        b.slots.insert(id.to_string(), Slot::Taken(baseline));
        b.unsent += 1;
        true
    }

    /// A read of drawn entries ended, each of them offered its baseline: whoever waits for
    /// one of them looks again.
    pub(super) fn read_ended(&self) {
        self.ended.notify_waiters();
    }

    /// Closes `id`'s slot before its send: nothing offered later is taken in.
    pub(super) fn close(&self, id: &str) {
        let mut b = self.inner.lock().unwrap();
        b.pool.remove(id);
        let slot = match b.slots.remove(id) {
            Some(Slot::Taken(base)) => {
                b.unsent -= 1;
                Slot::Closed(Some(base))
            }
            Some(closed @ Slot::Closed(_)) => closed,
            None => Slot::Closed(None),
        };
        b.slots.insert(id.to_string(), slot);
    }

    /// Waits up to `patience` for the read that drew `id`, if one is under way; true once
    /// none is (it answered, failed, or there was none), false when patience ran out.
    pub(super) async fn answered(&self, id: &str, patience: Duration) -> bool {
        let until = tokio::time::Instant::now() + patience;
        loop {
            let ended = self.ended.notified();
            tokio::pin!(ended);
            // Registered before the look, so an end between the two is not missed.
            ended.as_mut().enable();
            if !self.inner.lock().unwrap().reading.contains(id) {
                return true;
            }
            if tokio::time::timeout_at(until, ended).await.is_err() {
                return false;
            }
        }
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

    fn runs(ids: &[&str]) -> Vec<(String, RunRef)> {
        ids.iter()
            .map(|i| (i.to_string(), (format!("wfr_{i}"), None)))
            .collect()
    }

    fn names(drawn: &[(String, RunRef)]) -> Vec<&str> {
        drawn.iter().map(|(id, _)| id.as_str()).collect()
    }

    #[test]
    fn reads_ahead_draw_in_the_order_listed_within_their_room() {
        let book = Book::default();
        book.pool(runs(&["e", "d", "c"]));
        book.pool(runs(&["b", "a", "d"]));
        assert_eq!(names(&book.ahead(2, 10)), ["e", "d"]);
        // Two being read, one taken: no room for more than three ahead of the sends.
        assert!(book.offer("e", base("m0")));
        assert_eq!(book.ahead(2, 2), []);
        // A send draws its own and the next to be sent; a failed read goes back first.
        let (own, next) = book.draw("a", 1);
        assert!(own.is_some());
        assert_eq!(names(&next), ["c"]);
        book.give_back(runs(&["a", "c"]));
        book.close("e");
        assert_eq!(names(&book.ahead(9, 10)), ["a", "c", "b"]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_send_waits_for_the_read_that_drew_its_entry_for_a_while() {
        let book = std::sync::Arc::new(Book::default());
        book.pool(runs(&["a", "b"]));
        assert!(
            book.answered("a", Duration::from_secs(1)).await,
            "no read has it"
        );
        let drawn = book.ahead(2, 10);
        assert!(
            !book.answered("a", Duration::from_secs(1)).await,
            "patience runs out"
        );
        let reader = book.clone();
        let read = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            for (id, _) in drawn {
                reader.offer(&id, base("m0"));
            }
            reader.read_ended();
        });
        assert!(book.answered("b", Duration::from_secs(1)).await);
        assert_eq!(book.get("b"), Some(base("m0")));
        read.await.unwrap();
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
