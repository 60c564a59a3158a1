//! One line of `events.ndjson`: the one type that both writes the journal and reads it back.
//!
//! Each line is an object with one key naming the event: `{"inflight":[...]}`,
//! `{"outcome":{...}}`, `{"planned":{...}}`, `{"listed":true}`, `{"verified":{...}}`,
//! `{"canary":{...}}`, `{"progress":{...}}`, and a republish's `{"publishing":{...}}` and
//! `{"published":{...}}`. Journals written before outcomes and verifications
//! were tagged hold them as bare objects; those lines are still read.

use serde::{Deserialize, Serialize};

use super::records::{CanaryResult, Part, ServerProgress};
use crate::bulk::outcome::Outcome;
use crate::bulk::republish::{Attempt, Publication};
use crate::bulk::verify::Verified;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Event {
    /// These ids are about to be sent: until their outcome follows, they may have been acted on.
    Inflight(Vec<String>),
    /// What became of one entry.
    Outcome(Outcome),
    /// A page a pipelined run listed, journaled before any of its ids is sent.
    Planned(Part),
    /// A pipelined run listed every page.
    Listed(bool),
    /// What an acted-on entry became.
    Verified(Verified),
    /// How the canary went.
    Canary(CanaryResult),
    /// Server-side progress, cumulative.
    Progress(ServerProgress),
    /// Republish: these entries' publishes are sent for the first time; in flight until their
    /// outcome follows, and sent again only within the deduplication window from then.
    Publishing(Attempt),
    /// Republish: an entry's publish was accepted; its delete comes next.
    Published(Publication),
}

/// A line as read: an event, or an untagged outcome or verification of an older journal.
#[derive(Deserialize)]
#[serde(untagged)]
enum Line {
    Event(Event),
    Verified(Verified),
    Outcome(Outcome),
}

impl Event {
    /// Parses one line; `None` for a line that is not an event (a torn last line).
    pub fn parse(line: &str) -> Option<Event> {
        match serde_json::from_str::<Line>(line).ok()? {
            Line::Event(e) => Some(e),
            Line::Verified(v) => Some(Event::Verified(v)),
            Line::Outcome(o) => Some(Event::Outcome(o)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bulk::outcome::Status;

    #[test]
    fn every_event_reads_back_as_written_and_old_untagged_lines_still_read() {
        let events = [
            Event::Inflight(vec!["a".into()]),
            Event::Outcome(Outcome::failed("a", Status::Failed, "x")),
            Event::Planned(Part {
                source: crate::api::Source::Qstash,
                ids: vec!["b".into()].into(),
            }),
            Event::Listed(true),
            Event::Progress(ServerProgress {
                done: 3,
                unconfirmed: 1,
            }),
            Event::Publishing(Attempt {
                ids: vec!["c".into()],
                at_ms: 5,
            }),
            Event::Published(Publication {
                dlq_id: "c".into(),
                message_ids: vec!["msg_1".into()],
                deduplicated: true,
            }),
        ];
        for e in events {
            let line = serde_json::to_string(&e).unwrap();
            assert_eq!(Event::parse(&line), Some(e), "{line}");
        }
        assert_eq!(
            Event::parse(r#"{"dlqId":"a","outcome":"done"}"#),
            Some(Event::Outcome(Outcome::done("a")))
        );
        assert!(matches!(
            Event::parse(r#"{"dlqId":"a","verified":"delivered"}"#),
            Some(Event::Verified(_))
        ));
        assert_eq!(Event::parse(r#"{"inflight":["#), None);
    }
}
