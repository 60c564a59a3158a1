//! One round of a republish chunk: publish the entries' new messages
//! ([`super::publishing`]: one lookup, one batch), then delete the entries whose publish was
//! accepted, in one request. The rules are in [`crate::bulk::republish`].
//!
//! An accepted publish is journaled before the delete goes; the delete is then judged as any
//! delete is: a lost reply is checked against the DLQ, and a continued job only deletes.

use std::ops::ControlFlow;

use super::chunk::Chunk;
use super::publishing::Sent;
use super::{Engine, Halt};
use crate::api::{ApiError, Source};
use crate::bulk::action::{Action, Verb};
use crate::bulk::outcome::{Outcome, Status};
use crate::bulk::republish::Republishing;

impl Engine<'_> {
    /// Publishes the chunk's waiting ids, then deletes those published; `Break` when the run
    /// halted.
    pub(super) async fn send_republish(&self, c: &mut Chunk) -> ControlFlow<()> {
        let (r, _) = self.republish.expect("a republish engine has its messages");
        if c.messages.is_none() {
            // Read once for the chunk's life: its later rounds send the same messages.
            let ids: Vec<String> = c.todo.iter().chain(&c.unknown).cloned().collect();
            match r.messages(&ids) {
                Ok(m) => c.messages = Some(m),
                Err(e) => {
                    let why = format!("cannot read the job's messages: {e}");
                    self.stop(Halt::Journal(std::io::Error::new(e.kind(), why)));
                    return ControlFlow::Break(());
                }
            }
        }
        let ids = std::mem::take(&mut c.todo);
        let messages = c.messages.as_ref().expect("read above");
        let sent = self.publish_all(r, messages, ids).await;
        let mut published = Vec::new();
        for (id, s) in sent {
            match s {
                Sent::Published => published.push(id),
                Sent::Settled(o) => {
                    r.settle(&id);
                    c.out.push(o);
                }
                Sent::Again(e) => {
                    c.todo.push(id);
                    c.last_err = Some(e);
                }
                Sent::Left => c.todo.push(id),
            }
        }
        if published.is_empty() || self.cancel.is_cancelled() {
            c.todo.extend(published);
            return if self.cancel.is_cancelled() {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            };
        }
        self.delete_published(r, c, published).await
    }

    /// Deletes the entries whose publish was accepted, as one delete.
    async fn delete_published(
        &self,
        r: &Republishing,
        c: &mut Chunk,
        ids: Vec<String>,
    ) -> ControlFlow<()> {
        if !self.ready_to_send(&ids).await {
            // Never sent: published and waiting for their delete, which `--continue` sends.
            c.todo.extend(ids);
            return ControlFlow::Break(());
        }
        let delete = Action {
            verb: Verb::Delete,
            source: Source::Qstash,
            overrides: Default::default(),
        };
        match delete.delete_chunk(self.api, &ids).await {
            Ok(n) if n as usize == ids.len() => {
                c.out.extend(ids.iter().map(|id| republished(r, id, None)));
            }
            Ok(_) => self.find_deleted(r, c, ids).await,
            Err(e) if matches!(e.status(), Some(401 | 403)) => {
                c.todo.extend(ids);
                self.stop(Halt::Refused(e));
                return ControlFlow::Break(());
            }
            Err(e @ ApiError::Redirect { .. }) => {
                c.unknown.extend(ids);
                self.stop(Halt::Failed(e));
                return ControlFlow::Break(());
            }
            Err(e) if e.status() == Some(404) => {
                self.find_deleted(r, c, ids).await;
                c.last_err = Some(e);
            }
            Err(e) if e.outcome_unknown() => {
                c.unknown.extend(ids);
                c.last_err = Some(e);
            }
            Err(e) if matches!(e.status(), Some(400..=499)) && e.status() != Some(429) => {
                let why = format!(
                    "published, but the DLQ entry could not be deleted: {}; `--continue` \
                     deletes it without publishing again",
                    e.reason()
                );
                c.out.extend(ids.iter().map(|id| Outcome {
                    outcome: Status::Failed,
                    ..republished(r, id, Some(why.clone()))
                }));
            }
            Err(e) => {
                c.todo.extend(ids);
                c.last_err = Some(e);
            }
        }
        ControlFlow::Continue(())
    }

    /// After a delete that did not account for every id: those gone are done (their message
    /// was published), those still there are deleted again in a later round.
    async fn find_deleted(&self, r: &Republishing, c: &mut Chunk, ids: Vec<String>) {
        let found = self.reconcile(ids).await;
        c.out
            .extend(found.applied.iter().map(|id| republished(r, id, None)));
        c.todo.extend(found.pending);
        c.unknown.extend(found.unsure);
    }
}

/// The outcome of an entry whose message was published and whose entry left the DLQ: it is
/// settled, and what was kept of its publish goes.
pub(super) fn republished(r: &Republishing, id: &str, note: Option<String>) -> Outcome {
    let Some(p) = r.settle(id) else {
        // Gone, and no publish of this job was seen accepted: someone else took it.
        return Outcome::failed(
            id,
            Status::NotFound,
            "not in the DLQ any more, and no publish of it was seen accepted (retried, \
             deleted or expired meanwhile)",
        );
    };
    let note = note.or_else(|| {
        let mut notes = Vec::new();
        if p.deduplicated {
            // The service answers with whatever message the id made first: this job's own
            // after a lost reply, or another job's within the window (with its changes).
            notes.push(
                "deduplicated: a publish for this entry was accepted earlier (this job's, \
                 after a lost reply, or another job's in the last 10 minutes) and that message \
                 stands"
                    .to_string(),
            );
        }
        if p.message_ids.len() > 1 {
            notes.push(format!(
                "{} messages, one per endpoint of the URL group: {}",
                p.message_ids.len(),
                p.message_ids.join(", ")
            ));
        }
        (!notes.is_empty()).then(|| notes.join("; "))
    });
    Outcome {
        message_id: p.message_ids.first().cloned(),
        error: note,
        ..Outcome::done(id)
    }
}
