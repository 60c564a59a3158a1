//! Which messages each queue holds, kept beside the store so that letting the next messages
//! go looks only at a queue's unsettled stretch, not at every message ever published: a bulk
//! republish enqueues one message per entry, and a walk of them all after each publish made
//! 100,000 of them quadratic.
//!
//! Derived, never saved: built up from the store's messages as they are appended (a message's
//! queue never changes), so a store loaded from a file or replaced wholesale starts it over.

use std::collections::HashMap;

use super::states::MessageState;

/// What the slots read of a stored message (`store::MessageRecord`).
pub trait Member {
    fn queue(&self) -> Option<&str>;
    fn state(&self) -> MessageState;
}

#[derive(Debug, Default)]
pub struct QueueSlots {
    /// How many of the store's messages have been filed under their queue.
    filed: usize,
    queues: HashMap<String, Members>,
}

/// A queue's messages, oldest first.
#[derive(Debug, Default)]
struct Members {
    all: Vec<usize>,
    /// `all[..ended]` are settled for the queue: they neither wait nor hold a slot.
    ended: usize,
}

/// What a release needs of one queue: the messages holding a slot, and those waiting, oldest first.
pub struct Unsettled {
    pub busy: usize,
    pub waiting: Vec<usize>,
}

fn holds_slot(s: MessageState) -> bool {
    matches!(s, MessageState::Pending | MessageState::Delivering)
}

fn unsettled(s: MessageState) -> bool {
    holds_slot(s) || s == MessageState::Queued
}

impl QueueSlots {
    /// Files the messages appended since the last call under their queue.
    fn catch_up(&mut self, messages: &[impl Member]) {
        for (i, m) in messages.iter().enumerate().skip(self.filed) {
            if let Some(q) = m.queue() {
                self.queues.entry(q.to_string()).or_default().all.push(i);
            }
        }
        self.filed = messages.len();
    }

    /// The unsettled messages of `queue`, at most the `want` oldest of those waiting.
    ///
    /// A message settled for the queue (delivered, failed, cancelled, recorded) never holds a
    /// slot again, so the settled front is skipped for good. One exception is accepted: a
    /// sandbox restarted on a state file takes up its recorded messages again, and those
    /// deliveries do not hold a slot of their queue.
    pub fn unsettled(&mut self, messages: &[impl Member], queue: &str, want: usize) -> Unsettled {
        self.catch_up(messages);
        let mut out = Unsettled {
            busy: 0,
            waiting: Vec::new(),
        };
        let Some(m) = self.queues.get_mut(queue) else {
            return out;
        };
        while m
            .all
            .get(m.ended)
            .is_some_and(|&i| !unsettled(messages[i].state()))
        {
            m.ended += 1;
        }
        for &i in &m.all[m.ended..] {
            let state = messages[i].state();
            if holds_slot(state) {
                out.busy += 1;
            } else if state == MessageState::Queued && out.waiting.len() < want {
                out.waiting.push(i);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Message {
        queue: Option<&'static str>,
        state: MessageState,
    }

    impl Member for Message {
        fn queue(&self) -> Option<&str> {
            self.queue
        }
        fn state(&self) -> MessageState {
            self.state
        }
    }

    fn message(queue: Option<&'static str>, state: MessageState) -> Message {
        Message { queue, state }
    }

    #[test]
    fn a_queue_counts_its_busy_messages_and_offers_its_oldest_waiting_ones() {
        use MessageState::*;
        let mut messages = vec![
            message(Some("q"), Delivered),
            message(Some("q"), Delivering),
            message(Some("other"), Queued),
            message(None, Queued),
            message(Some("q"), Recorded),
            message(Some("q"), Queued),
            message(Some("q"), Pending),
            message(Some("q"), Queued),
            message(Some("q"), Queued),
        ];
        let mut slots = QueueSlots::default();
        let held = slots.unsettled(&messages, "q", 2);
        assert_eq!((held.busy, held.waiting), (2, vec![5, 7]));
        assert_eq!(slots.unsettled(&messages, "other", 5).waiting, vec![2]);
        assert_eq!(slots.unsettled(&messages, "none", 5).busy, 0);

        // The settled front is passed over, and what is appended later is found.
        messages[1].state = Failed;
        messages[5].state = Cancelled;
        messages.push(message(Some("q"), Queued));
        let held = slots.unsettled(&messages, "q", 9);
        assert_eq!((held.busy, held.waiting), (1, vec![7, 8, 9]));
        assert_eq!(
            slots.queues["q"].ended, 4,
            "delivered, failed, recorded, cancelled"
        );
    }
}
