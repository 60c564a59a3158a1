//! A republish chunk's first step: its entries looked up with one request, then their new
//! messages published with one `POST /v2/batch`, each item accounted on its own. The rules are
//! in [`crate::bulk::republish`]; here they meet the chunk's account.
//!
//! - The entries are looked up before their first publish (`GET /v2/dlq?dlqIds=…`): one gone
//!   since the plan (retried, deleted, expired) is not published at all.
//! - Every entry about to go for the first time is journaled (`publishing`) before the batch
//!   is sent, and every accepted item (`published`, with its message ids) before the delete.
//! - An item the service refused leaves its entry in the DLQ, failed with the service's words.
//!   A lost reply, a 5xx or a 429 for the whole batch sends it again in a later round
//!   (deduplicated), unless the window may have closed (unconfirmed, never sent again). A batch
//!   refused as a whole (4xx) is sent one message at a time, for each message's own answer.
//! - A message a batch item cannot carry exactly (a body that is not UTF-8, a header given
//!   twice) is published alone, as before batches.

use futures::stream::{self, StreamExt};

use super::chunk::CHECKS;
use super::{Engine, Halt};
use crate::api::{ApiError, Batched, Outgoing, Published, Source};
use crate::bulk::frozen::Messages;
use crate::bulk::outcome::{Outcome, Status};
use crate::bulk::republish::{Attempt, Built, Go, Publication, Republishing, Step};

/// What became of one entry's publish in this round.
pub(super) enum Sent {
    /// Accepted now or before: its entry may be deleted.
    Published,
    /// Settled without a delete: gone, refused, unconfirmed.
    Settled(Outcome),
    /// To be tried again in a later round, after `ApiError` (lost reply, 429).
    Again(ApiError),
    /// Not sent: a stop came first; left for `--continue`.
    Left,
}

/// An entry cleared to go, with its message.
struct Ready<'r> {
    id: String,
    message: &'r Outgoing,
    /// Never sent before: journaled (`publishing`) just before its request goes.
    first: bool,
}

impl Engine<'_> {
    /// Publishes the entries `ids`, whose planned messages are among `messages` (the
    /// chunk's): what each became, in no particular order.
    pub(super) async fn publish_all(
        &self,
        r: &Republishing,
        messages: &Messages,
        ids: Vec<String>,
    ) -> Vec<(String, Sent)> {
        let mut out = Vec::with_capacity(ids.len());
        let mut waiting = Vec::new();
        for id in ids {
            match planned(messages, &id) {
                Ok(_) if r.published(&id) => out.push((id, Sent::Published)),
                Ok(_) => waiting.push(id),
                Err(o) => out.push((id, Sent::Settled(*o))),
            }
        }
        if waiting.is_empty() {
            return out;
        }
        let (ready, settled) = self.clear_to_go(r, messages, waiting).await;
        out.extend(settled);
        if ready.is_empty() {
            return out;
        }
        let (alone, batched): (Vec<Ready>, Vec<Ready>) = ready
            .into_iter()
            .partition(|x| x.message.batch_item().is_none());
        out.extend(self.publish_batches(r, batched).await);
        out.extend(self.publish_each(r, alone).await);
        out
    }

    /// Looks the entries up (one request): the entries cleared to go, and those settled.
    async fn clear_to_go<'m>(
        &self,
        r: &Republishing,
        messages: &'m Messages,
        ids: Vec<String>,
    ) -> (Vec<Ready<'m>>, Vec<(String, Sent)>) {
        let mut settled = Vec::new();
        if !self.ready_to_ask().await {
            return (vec![], ids.into_iter().map(|id| (id, Sent::Left)).collect());
        }
        let there = match self.api.find(Source::Qstash, &ids).await {
            Ok(found) => found
                .into_iter()
                .map(|e| e.dlq_id)
                .collect::<std::collections::HashSet<_>>(),
            Err(e) => return (vec![], self.all_failed(ids, e)),
        };
        let mut ready = Vec::new();
        for id in ids {
            if !there.contains(&id) {
                let o = Outcome::failed(
                    &id,
                    Status::NotFound,
                    "not in the DLQ any more (retried, deleted or expired since the plan); \
                     not published",
                );
                settled.push((id, Sent::Settled(o)));
                continue;
            }
            let first = match r.may_send(&id) {
                Go::TooLate(why) => {
                    let o = Outcome::failed(&id, Status::Unconfirmed, why);
                    settled.push((id, Sent::Settled(o)));
                    continue;
                }
                Go::First => true,
                Go::Again => false,
            };
            let Ok(message) = planned(messages, &id) else {
                unreachable!("only planned messages are looked up")
            };
            ready.push(Ready { id, message, first });
        }
        (ready, settled)
    }

    /// Journals the first send of these entries, before their request goes; false (the run
    /// halted) when it cannot be.
    fn first_sends(&self, r: &Republishing, ready: &[Ready<'_>]) -> bool {
        let ids: Vec<String> = ready
            .iter()
            .filter(|x| x.first)
            .map(|x| x.id.clone())
            .collect();
        ids.is_empty()
            || self.note(&Step::Publishing(Attempt {
                ids,
                at_ms: r.now_ms(),
            }))
    }

    /// The entries' messages in batches of the job's size, one after another.
    async fn publish_batches(
        &self,
        r: &Republishing,
        mut ready: Vec<Ready<'_>>,
    ) -> Vec<(String, Sent)> {
        let mut out = Vec::with_capacity(ready.len());
        while !ready.is_empty() {
            let rest = ready.split_off(ready.len().min(r.batch_size()));
            out.extend(
                self.publish_batch(r, std::mem::replace(&mut ready, rest))
                    .await,
            );
        }
        out
    }

    /// One `POST /v2/batch` for the entries, each item accounted on its own.
    async fn publish_batch(&self, r: &Republishing, ready: Vec<Ready<'_>>) -> Vec<(String, Sent)> {
        if !self.pace().await || !self.first_sends(r, &ready) {
            return ready.into_iter().map(|x| (x.id, Sent::Left)).collect();
        }
        self.count_request();
        let messages: Vec<&Outgoing> = ready.iter().map(|x| x.message).collect();
        let replies = match self.api.batch(&messages).await {
            Ok(replies) => replies,
            Err(e) if refused_whole(&e) => {
                // Nothing was published, and their first send is journaled already.
                let alone = ready.into_iter().map(|x| Ready { first: false, ..x });
                return self.publish_each(r, alone.collect()).await;
            }
            Err(e) => return self.all_failed(ready.into_iter().map(|x| x.id).collect(), e),
        };
        if replies.len() != ready.len() {
            // Not one result per item: whatever the service did, this reply cannot tell.
            let e = ApiError::Decode {
                method: "POST",
                path: "/v2/batch".into(),
                detail: format!("{} results for {} messages", replies.len(), ready.len()),
            };
            return self.all_failed(ready.into_iter().map(|x| x.id).collect(), e);
        }
        let mut accepted = Vec::new();
        let mut out = Vec::with_capacity(ready.len());
        for (x, reply) in ready.into_iter().zip(replies) {
            match reply {
                Batched::Made(made) => accepted.push(publication(&x.id, made)),
                Batched::Refused(why) => {
                    let o = Outcome::failed(
                        &x.id,
                        Status::Failed,
                        format!("not published: {why}; left in the DLQ"),
                    );
                    out.push((x.id, Sent::Settled(o)));
                }
            }
        }
        out.extend(self.accepted(r, accepted));
        out
    }

    /// Journals accepted publishes (one write for them all) before their deletes may go.
    fn accepted(&self, r: &Republishing, ps: Vec<Publication>) -> Vec<(String, Sent)> {
        if ps.is_empty() {
            return vec![];
        }
        if !self.note(&Step::Published(ps.clone())) {
            // Not journaled: the deletes must not go. `--continue` sends them again,
            // deduplicated.
            return ps.into_iter().map(|p| (p.dlq_id, Sent::Left)).collect();
        }
        ps.into_iter()
            .map(|p| {
                let id = p.dlq_id.clone();
                r.note_published(p);
                (id, Sent::Published)
            })
            .collect()
    }

    /// Each entry's message published alone: as many at once as the run allows requests in
    /// flight, up to the chunk's own cap, so `--concurrency 1` sends one at a time.
    async fn publish_each(&self, r: &Republishing, ready: Vec<Ready<'_>>) -> Vec<(String, Sent)> {
        let at_once = self.flow.limit().clamp(1, CHECKS);
        stream::iter(ready)
            .map(|x| async move {
                let s = self.publish_one(r, &x).await;
                (x.id, s)
            })
            .buffer_unordered(at_once)
            .collect()
            .await
    }

    async fn publish_one(&self, r: &Republishing, x: &Ready<'_>) -> Sent {
        if !self.pace().await || !self.first_sends(r, std::slice::from_ref(x)) {
            return Sent::Left;
        }
        self.count_request();
        match self.api.publish(x.message).await {
            Ok(made) => {
                let accepted = self.accepted(r, vec![publication(&x.id, made)]);
                accepted.into_iter().next().map_or(Sent::Left, |(_, s)| s)
            }
            Err(e) => self.publish_failed(&x.id, e),
        }
    }

    /// A failed lookup or publish: a refused token or a redirect stops the run; a refusal of
    /// the message settles the entry (left in the DLQ); anything else is tried again.
    pub(super) fn publish_failed(&self, id: &str, e: ApiError) -> Sent {
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
            e if refused_whole(&e) => Sent::Settled(Outcome::failed(
                id,
                Status::Failed,
                format!("not published: {}; left in the DLQ", e.reason()),
            )),
            e => Sent::Again(e),
        }
    }

    /// One failed request for many entries, judged once: each settled with its reason, or all
    /// tried again (the error kept with one of them, for the chunk's account).
    fn all_failed(&self, ids: Vec<String>, e: ApiError) -> Vec<(String, Sent)> {
        let mut ids = ids.into_iter();
        let Some(first) = ids.next() else {
            return vec![];
        };
        let s = self.publish_failed(&first, e);
        let rest: Vec<(String, Sent)> = ids
            .map(|id| {
                let again = match &s {
                    Sent::Settled(o) => Sent::Settled(Outcome {
                        dlq_id: id.clone(),
                        ..o.clone()
                    }),
                    _ => Sent::Left,
                };
                (id, again)
            })
            .collect();
        std::iter::once((first, s)).chain(rest).collect()
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

/// A 4xx that is the service's answer to what was sent (not a token, not a 429).
fn refused_whole(e: &ApiError) -> bool {
    matches!(e.status(), Some(400..=499)) && !matches!(e.status(), Some(401 | 403 | 429))
}

/// The entry's planned message, or its outcome when it has none.
fn planned<'m>(messages: &'m Messages, id: &str) -> Result<&'m Outgoing, Box<Outcome>> {
    match messages.get(id) {
        Some(Built::Message(m)) => Ok(m.as_ref()),
        Some(Built::Refused(why)) => Err(Box::new(Outcome::failed(
            id,
            Status::Failed,
            format!("refused in the plan: {why}; left in the DLQ"),
        ))),
        None => Err(Box::new(Outcome::failed(
            id,
            Status::Failed,
            "no message was planned for this entry; left in the DLQ",
        ))),
    }
}

fn publication(id: &str, made: Vec<Published>) -> Publication {
    Publication {
        dlq_id: id.to_string(),
        deduplicated: made.iter().any(|m| m.deduplicated == Some(true)),
        message_ids: made.into_iter().map(|m| m.message_id).collect(),
    }
}
