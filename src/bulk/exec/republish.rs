//! One round of a republish chunk: look each entry up, publish its new message, then delete the
//! entries whose publish was accepted, in one request. The rules are in [`crate::bulk::republish`];
//! here they meet the chunk's account.
//!
//! - An entry is looked up before its first publish: one gone since the plan (retried, deleted,
//!   expired) is not published at all.
//! - A publish the service refused (4xx) leaves the entry in the DLQ, failed with the reason; a
//!   lost reply or a 429 sends it again in a later round (deduplicated), unless the window may
//!   have closed (unconfirmed, never sent again).
//! - An accepted publish is journaled before the delete goes; the delete is then judged as any
//!   delete is: a lost reply is checked against the DLQ, and a continued job only deletes.

use std::ops::ControlFlow;

use futures::stream::{self, StreamExt};

use super::chunk::{Chunk, CHECKS};
use super::{Engine, Halt};
use crate::api::{ApiError, Source};
use crate::bulk::action::{Action, Verb};
use crate::bulk::outcome::{Outcome, Status};
use crate::bulk::republish::{Attempt, Built, Go, Publication, Republishing, Step};

/// What became of one entry's publish in this round.
enum Sent {
    /// Accepted now or before: its entry may be deleted.
    Published,
    /// Settled without a delete: gone, refused, unconfirmed.
    Settled(Outcome),
    /// To be tried again in a later round, after `ApiError` (lost reply, 429).
    Again(ApiError),
    /// Not sent: a stop came first; left for `--continue`.
    Left,
}

impl Engine<'_> {
    /// Publishes the chunk's waiting ids, then deletes those published; `Break` when the run
    /// halted.
    pub(super) async fn send_republish(&self, c: &mut Chunk) -> ControlFlow<()> {
        let (r, _) = self.republish.expect("a republish engine has its messages");
        let ids = std::mem::take(&mut c.todo);
        // Publishes go one per entry: as many at once as the run allows requests in flight,
        // up to the chunk's own cap, so `--concurrency 1` sends one at a time.
        let at_once = self.flow.limit().clamp(1, CHECKS);
        let sent = stream::iter(ids)
            .map(|id| async move {
                let s = self.publish_one(r, &id).await;
                (id, s)
            })
            .buffer_unordered(at_once)
            .collect::<Vec<_>>()
            .await;
        let mut published = Vec::new();
        for (id, s) in sent {
            match s {
                Sent::Published => published.push(id),
                Sent::Settled(o) => c.out.push(o),
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

    /// One entry's publish: skipped when it was accepted before, looked up first when it was
    /// never sent, sent (again) while the service deduplicates it.
    async fn publish_one(&self, r: &Republishing, id: &str) -> Sent {
        if r.published(id).is_some() {
            return Sent::Published;
        }
        let message = match r.message(id) {
            Some(Built::Message(m)) => m,
            Some(Built::Refused(why)) => {
                return Sent::Settled(Outcome::failed(
                    id,
                    Status::Failed,
                    format!("refused in the plan: {why}; left in the DLQ"),
                ))
            }
            None => {
                return Sent::Settled(Outcome::failed(
                    id,
                    Status::Failed,
                    "no message was planned for this entry; left in the DLQ",
                ))
            }
        };
        // Still in the DLQ? An entry retried or deleted since the plan is not published.
        if !self.ready_to_ask().await {
            return Sent::Left;
        }
        match self.api.get(Source::Qstash, id).await {
            Ok(_) => {}
            Err(e) if e.status() == Some(404) => {
                return Sent::Settled(Outcome::failed(
                    id,
                    Status::NotFound,
                    "not in the DLQ any more (retried, deleted or expired since the plan); \
                     not published",
                ))
            }
            Err(e) => return self.publish_failed(id, e),
        }
        match r.may_send(id) {
            Go::TooLate(why) => {
                return Sent::Settled(Outcome::failed(id, Status::Unconfirmed, why))
            }
            Go::First => {
                let step = Step::Publishing(Attempt {
                    ids: vec![id.to_string()],
                    at_ms: r.now_ms(),
                });
                if !self.note(&step) {
                    return Sent::Left;
                }
            }
            Go::Again => {}
        }
        if !self.pace().await {
            return Sent::Left;
        }
        self.count_request();
        match self.api.publish(message).await {
            Ok(made) => {
                let p = Publication {
                    dlq_id: id.to_string(),
                    deduplicated: made.iter().any(|m| m.deduplicated == Some(true)),
                    message_ids: made.into_iter().map(|m| m.message_id).collect(),
                };
                if !self.note(&Step::Published(p.clone())) {
                    // Not journaled: the delete must not go. `--continue` sends it again,
                    // deduplicated.
                    return Sent::Left;
                }
                r.note_published(p);
                Sent::Published
            }
            Err(e) => self.publish_failed(id, e),
        }
    }

    /// A failed lookup or publish: a refused token or a redirect stops the run; a refusal of
    /// the message settles the entry (left in the DLQ); anything else is tried again.
    fn publish_failed(&self, id: &str, e: ApiError) -> Sent {
        match e {
            e if matches!(e.status(), Some(401 | 403)) => {
                self.stop(Halt::Refused(e));
                Sent::Left
            }
            e @ ApiError::Redirect { .. } => {
                self.stop(Halt::Failed(e));
                Sent::Left
            }
            ApiError::Invalid(why) => Sent::Settled(Outcome::failed(
                id,
                Status::Failed,
                format!("not published: {why}; left in the DLQ"),
            )),
            e if matches!(e.status(), Some(400..=499)) && e.status() != Some(429) => {
                Sent::Settled(Outcome::failed(
                    id,
                    Status::Failed,
                    format!("not published: {}; left in the DLQ", e.reason()),
                ))
            }
            e => Sent::Again(e),
        }
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

    /// Journals a republish step; false (and the run halted) when that cannot be done.
    fn note(&self, step: &Step) -> bool {
        let (_, noting) = self.republish.expect("a republish engine has its journal");
        match noting(step) {
            Ok(()) => true,
            Err(e) => {
                self.stop(Halt::Journal(e));
                false
            }
        }
    }
}

/// The outcome of an entry whose message was published and whose entry left the DLQ.
pub(super) fn republished(r: &Republishing, id: &str, note: Option<String>) -> Outcome {
    let Some(p) = r.published(id) else {
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
