//! Driving one chunk of ids to a definite outcome for each: the exactly-once rules.
//!
//! Each round first asks the server about ids whose last reply was lost, then sends the ids
//! known to still wait, and sorts the answer: done, some gone (404: find them, send the rest),
//! refused as a whole (400: one by one), token refused (401/403: stop the run), redirected (stop,
//! the ids stay in flight), reply lost (ask before sending again), throttled (wait, send again).

use std::ops::ControlFlow;
use std::time::Duration;

use futures::stream::{self, StreamExt};

use super::{ChunkResult, Engine, Halt};
use crate::api::ApiError;
use crate::bulk::callback::Applied;
use crate::bulk::frozen::Messages;
use crate::bulk::outcome::{Outcome, Status};

/// Rounds per chunk before its remaining ids are reported as failed.
const ROUNDS: u32 = 8;
/// Reads in flight while reconciling one chunk.
pub(super) const CHECKS: usize = 8;

/// One chunk on its way: what is settled, and what still waits.
pub(super) struct Chunk {
    total: usize,
    pub out: Vec<Outcome>,
    /// Known to still wait for the action: safe to send.
    pub todo: Vec<String>,
    /// The action may or may not have happened: asked about before anything is sent again.
    pub unknown: Vec<String>,
    pub last_err: Option<ApiError>,
    /// Republish: the chunk's planned messages, read from the job's file when first sent.
    pub messages: Option<Messages>,
    /// Time spent in back-off so far, against the engine's budget.
    waited: Duration,
}

impl Chunk {
    fn settled(&self) -> bool {
        self.todo.is_empty() && self.unknown.is_empty()
    }
}

impl Engine<'_> {
    /// Drives one chunk to a definite outcome for each of its ids. `maybe` ids may have been
    /// acted on already and are checked first.
    pub(super) async fn chunk(&self, ids: Vec<String>, maybe: Vec<String>) -> ChunkResult {
        let mut c = Chunk {
            total: ids.len() + maybe.len(),
            out: Vec::with_capacity(ids.len() + maybe.len()),
            todo: ids,
            unknown: maybe,
            last_err: None,
            messages: None,
            waited: Duration::ZERO,
        };
        for round in 0..ROUNDS {
            // Done before any pause: a chunk that succeeded must not wait out a backoff.
            if c.settled() {
                break;
            }
            if round > 0 && !self.back_off(&mut c, round).await {
                break;
            }
            if !c.unknown.is_empty() {
                self.ask_after_lost_reply(&mut c).await;
            }
            if c.todo.is_empty() {
                continue;
            }
            if self.republish.is_some() {
                // Two steps of its own, each paced and journaled as it goes.
                if self.send_republish(&mut c).await.is_break() {
                    break;
                }
                continue;
            }
            if !self.callback_baselines(&c.todo).await || !self.ready_to_send(&c.todo).await {
                break;
            }
            if self.send(&mut c).await.is_break() {
                break;
            }
        }
        self.account(c)
    }

    /// Waits before a round: as long as the server asked (Retry-After), else a growing
    /// backoff. False when the wait would overspend the budget (the chunk gives up) or a
    /// cancel cut it short (what is left waits for `--continue`).
    async fn back_off(&self, c: &mut Chunk, round: u32) -> bool {
        let wait = match &c.last_err {
            Some(ApiError::Status {
                retry_after: Some(d),
                ..
            }) => *d,
            _ => crate::api::backoff(round),
        };
        if c.waited + wait > self.budget {
            c.last_err = Some(ApiError::Invalid(format!(
                "the retry budget of {}s is spent",
                self.budget.as_secs()
            )));
            return false;
        }
        c.waited += wait;
        if wait >= Duration::from_secs(1) {
            let why = c
                .last_err
                .as_ref()
                .map_or("retrying".into(), |e| e.wait_reason());
            self.progress.waiting(wait, &why);
        }
        self.cancel.sleep(wait).await
    }

    /// Asks the server about the ids whose reply was lost: those acted on are done, those
    /// still waiting may be sent, the rest stay unknown.
    async fn ask_after_lost_reply(&self, c: &mut Chunk) {
        let r = self.reconcile(std::mem::take(&mut c.unknown)).await;
        c.out.extend(r.applied.iter().map(|id| self.acted_on(id)));
        c.out.extend(
            r.unconfirmed
                .iter()
                .map(|(id, why)| Outcome::failed(id, Status::Unconfirmed, why.clone())),
        );
        c.todo.extend(r.pending);
        c.unknown = r.unsure;
    }

    /// Sends the chunk's waiting ids once and sorts the answer; `Break` stops the chunk (the
    /// run halted).
    async fn send(&self, c: &mut Chunk) -> ControlFlow<()> {
        match self.apply(&c.todo).await {
            Ok(done) => {
                c.out.extend(done);
                c.todo.clear();
            }
            Err(e) if matches!(e.status(), Some(401 | 403)) => {
                // Nothing was applied; the ids stay as they were, for a later run.
                self.stop(Halt::Refused(e));
                return ControlFlow::Break(());
            }
            Err(e @ ApiError::Redirect { .. }) => {
                // Re-sending would only be redirected again. The server may have acted,
                // so the ids stay marked in flight: `--continue` checks them first.
                self.stop(Halt::Failed(e));
                return ControlFlow::Break(());
            }
            Err(e) if e.status() == Some(404) && c.todo.len() == 1 => {
                c.out
                    .push(Outcome::failed(&c.todo[0], Status::NotFound, e.reason()));
                c.todo.clear();
            }
            Err(e) if e.status() == Some(404) => {
                // Some ids are gone and the server changed nothing: find them.
                let r = self.reconcile(std::mem::take(&mut c.todo)).await;
                c.out.extend(
                    r.applied
                        .iter()
                        .map(|id| Outcome::failed(id, Status::NotFound, "not in the DLQ")),
                );
                c.todo = r.pending;
                c.unknown.extend(r.unsure);
                c.unknown
                    .extend(r.unconfirmed.into_iter().map(|(id, _)| id));
                c.last_err = Some(e);
            }
            Err(e) if matches!(e.status(), Some(400..=499)) && e.status() != Some(429) => {
                let each = self.one_by_one(std::mem::take(&mut c.todo)).await;
                c.out.extend(each);
            }
            Err(e) if e.outcome_unknown() => {
                c.unknown.append(&mut c.todo);
                c.last_err = Some(e);
            }
            Err(e) => c.last_err = Some(e), // rate limited or never sent: same ids again
        }
        ControlFlow::Continue(())
    }

    /// The chunk's account. Finished, or stopped by a cancel or a halt: what was never sent
    /// is left for `--continue`, and ids whose outcome is unknown stay marked in flight, so
    /// `--continue` checks them first. Out of rounds or budget: the rest failed.
    fn account(&self, mut c: Chunk) -> ChunkResult {
        if c.settled() || self.cancel.is_cancelled() {
            return ChunkResult {
                left: c.total - c.out.len(),
                outcomes: c.out,
            };
        }
        let reason = c.last_err.map_or("gave up".to_string(), |e| e.reason());
        let reason = format!("gave up: {reason}");
        c.out.extend(
            c.todo
                .iter()
                .map(|id| Outcome::failed(id, Status::Failed, reason.clone())),
        );
        c.out.extend(c.unknown.iter().map(|id| {
            Outcome::failed(
                id,
                Status::Unknown,
                format!("the reply was lost and the server could not be asked; {reason}"),
            )
        }));
        ChunkResult {
            left: c.total - c.out.len(),
            outcomes: c.out,
        }
    }

    /// Sends each id on its own, for per-id reasons when the server refused a whole chunk.
    pub(super) async fn one_by_one(&self, ids: Vec<String>) -> Vec<Outcome> {
        stream::iter(ids)
            .map(|id| async move {
                if !self.ready_to_send(std::slice::from_ref(&id)).await {
                    return None;
                }
                match self.action.apply_one(self.api, &id).await {
                    Ok(o) => Some(o),
                    Err(e) => self.one_failed(&id, e).await,
                }
            })
            .buffer_unordered(CHECKS)
            .filter_map(|o| async move { o })
            .collect()
            .await
    }

    /// The outcome of one id whose own request failed; `None` when the run halted on it.
    async fn one_failed(&self, id: &str, e: ApiError) -> Option<Outcome> {
        Some(match e {
            e if matches!(e.status(), Some(401 | 403)) => {
                self.stop(Halt::Refused(e));
                return None;
            }
            e @ ApiError::Redirect { .. } => {
                self.stop(Halt::Failed(e));
                return None;
            }
            e if e.status() == Some(404) => Outcome::failed(id, Status::NotFound, e.reason()),
            e if e.outcome_unknown() => match self.applied(id).await {
                Ok(Applied::Yes) => self.acted_on(id),
                Ok(Applied::No) => Outcome::failed(id, Status::Failed, e.reason()),
                Ok(Applied::Unconfirmed(why)) => Outcome::failed(id, Status::Unconfirmed, why),
                // Not asked (a stop came first): the id stays in flight for `--continue`.
                Err(None) => return None,
                Err(Some(_)) => Outcome::failed(id, Status::Unknown, e.reason()),
            },
            e => Outcome::failed(id, Status::Failed, e.reason()),
        })
    }
}
