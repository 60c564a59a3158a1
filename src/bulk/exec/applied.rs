//! After a lost reply: was the action applied? Other actions are judged by the entry's
//! presence in the DLQ; a callback, which leaves its entry there, by its own rule
//! ([`crate::bulk::callback`]): a baseline of the run's newest callback call is taken before
//! the first send, and what nothing can tell is unconfirmed.

use futures::stream::{self, StreamExt};

use super::chunk::CHECKS;
use super::{Engine, Halt, Outcome};
use crate::api::{
    ApiError, Batched, Entry, Filter, LogPage, Outgoing, Page, Published, Reading, RunLogPage,
    Selector, Source,
};
use crate::bulk::action::{Acted, BulkClient, Call, Made};
use crate::bulk::action::{Action, Verb};
use crate::bulk::callback::{Applied, Look};

/// Looks at a lost callback reply while its callback reads in progress: the waits between them
/// (the client's backoff) add up to 4 to 8 seconds.
const SETTLE_LOOKS: u32 = 6;

/// Ids after a check of what the server shows.
#[derive(Default)]
pub(super) struct Reconciled {
    pub applied: Vec<String>,
    pub pending: Vec<String>,
    /// Callback only: nothing can tell; never done, never sent again.
    pub unconfirmed: Vec<(String, String)>,
    /// The server could not be asked.
    pub unsure: Vec<String>,
}

impl Engine<'_> {
    /// Splits ids into applied, still waiting, unconfirmed (callback: nothing can tell) and
    /// could not ask, by asking the server.
    pub(super) async fn reconcile(&self, ids: Vec<String>) -> Reconciled {
        let checks = stream::iter(ids)
            .map(|id| async move {
                let r = self.applied(&id).await;
                (id, r)
            })
            .buffer_unordered(CHECKS)
            .collect::<Vec<_>>()
            .await;
        let mut out = Reconciled::default();
        for (id, r) in checks {
            match r {
                Ok(Applied::Yes) => out.applied.push(id),
                Ok(Applied::No) => out.pending.push(id),
                Ok(Applied::Unconfirmed(why)) => out.unconfirmed.push((id, why)),
                Err(Some(e)) if matches!(e.status(), Some(401 | 403)) => {
                    self.stop(Halt::Refused(e));
                    out.unsure.push(id);
                }
                Err(Some(e @ ApiError::Redirect { .. })) => {
                    self.stop(Halt::Failed(e));
                    out.unsure.push(id);
                }
                Err(_) => out.unsure.push(id),
            }
        }
        out
    }

    /// After a lost reply: whether the action was applied to `id`. A callback has its own
    /// rule ([`super::callback`]); the others are judged by the entry's presence. Every read
    /// is paced and counted; `Err(None)` when a stop came first (nothing more is asked).
    pub(super) async fn applied(&self, id: &str) -> Result<Applied, Option<ApiError>> {
        if self.action.verb == Verb::Callback {
            return self.callback_applied(id).await;
        }
        if !self.ready_to_ask().await {
            return Err(None);
        }
        Ok(match self.action.was_applied(self.api, id).await? {
            true => Applied::Yes,
            false => Applied::No,
        })
    }

    /// Callback: the ledger's look, again while a call is under way that the run logs do not
    /// show (sending then would be refused, and the entry reported failed though a call
    /// runs): paced, growing waits, at most [`SETTLE_LOOKS`] looks, then unconfirmed.
    async fn callback_applied(&self, id: &str) -> Result<Applied, Option<ApiError>> {
        for look in 1..=SETTLE_LOOKS {
            match self.callbacks.check(&Asking(self), id).await {
                Err(e) if stopped(&e) => return Err(None),
                Err(e) => return Err(Some(e)),
                Ok(Look::Told(a)) => return Ok(a),
                Ok(Look::Running) if look == SETTLE_LOOKS => break,
                Ok(Look::Running) => {
                    if !self.cancel.sleep(crate::api::backoff(look)).await {
                        return Err(None);
                    }
                }
            }
        }
        Ok(Applied::Unconfirmed(
            "reply lost; the failure callback is still CALLBACK_INPROGRESS and the run logs \
             show no call after the one before our request: whose call runs cannot be told"
                .into(),
        ))
    }

    /// Callback only: notes each run's newest callback call before its first send (paced
    /// reads, many runs at once where the plan listed them), and closes its baseline to any
    /// later read. False when a stop came first.
    pub(super) async fn callback_baselines(&self, ids: &[String]) -> bool {
        if self.action.verb != Verb::Callback {
            return true;
        }
        for id in ids {
            // Without a baseline a lost reply is judged by time, so an error here stops nothing.
            if let Err(e) = self.callbacks.before_send(&Asking(self), id).await {
                if stopped(&e) {
                    return false;
                }
            }
        }
        !self.cancel.is_cancelled()
    }

    /// Callback only: reads the baselines of `batch` (drawn by [`crate::bulk::callback::Ledger::ahead`])
    /// before their sends need them; paced and counted as the engine's lookups are.
    pub(super) async fn read_ahead(&self, batch: Vec<(String, crate::bulk::callback::RunRef)>) {
        self.callbacks.read_ahead(&Asking(self), batch).await;
    }

    /// The outcome of an entry acted on whose reply was lost: a verb that creates something
    /// cannot say what, except a callback (the same run) and delete (which creates nothing).
    pub(super) fn acted_on(&self, id: &str) -> Outcome {
        if let Some((r, _)) = self.republish {
            // Its publish was journaled before the delete went: the new message is known.
            return super::republish::republished(r, id, None);
        }
        match self.callbacks.run_of(id) {
            // A callback re-runs the same run: its id is known, so --verify can follow it.
            Some((run, at)) if self.action.verb == Verb::Callback => Outcome {
                workflow_run_id: Some(run),
                workflow_created_at: at,
                error: Some("acted on, but the reply was lost".into()),
                ..Outcome::done(id)
            },
            _ if self.action.verb == Verb::Delete => Outcome {
                error: Some("acted on, but the reply was lost".into()),
                ..Outcome::done(id)
            },
            _ => Outcome {
                error: Some("acted on, but the reply was lost: new id unknown".into()),
                ..Outcome::done(id)
            },
        }
    }
}

/// What a read refused by a stop (Ctrl-C, a halt) answers.
const STOPPED: &str = "stopped before asking the server";

fn stopped(e: &ApiError) -> bool {
    matches!(e, ApiError::Invalid(m) if m == STOPPED)
}

/// The engine's client for the callback rule's reads: each one paced and counted as the
/// engine's own lookups are, and none once a stop came.
struct Asking<'e, 'a>(&'e Engine<'a>);

impl Asking<'_, '_> {
    async fn ask<T>(&self, read: Call<'_, T>) -> Result<T, ApiError> {
        if !self.0.ready_to_ask().await {
            return Err(ApiError::Invalid(STOPPED.into()));
        }
        read.await
    }
}

impl BulkClient for Asking<'_, '_> {
    fn pressure(&self) -> Reading {
        self.0.api.pressure()
    }

    fn act_many<'a>(&'a self, action: &'a Action, which: Selector<'a>) -> Call<'a, Acted> {
        self.0.api.act_many(action, which)
    }

    fn act_one<'a>(&'a self, action: &'a Action, id: &'a str) -> Call<'a, Made> {
        self.0.api.act_one(action, id)
    }

    fn publish<'a>(&'a self, message: &'a Outgoing) -> Call<'a, Vec<Published>> {
        self.0.api.publish(message)
    }

    fn batch<'a>(&'a self, messages: &'a [&'a Outgoing]) -> Call<'a, Vec<Batched>> {
        self.0.api.batch(messages)
    }

    fn find<'a>(&'a self, source: Source, ids: &'a [String]) -> Call<'a, Vec<Entry>> {
        Box::pin(self.ask(self.0.api.find(source, ids)))
    }

    fn get<'a>(&'a self, source: Source, id: &'a str) -> Call<'a, Entry> {
        Box::pin(self.ask(self.0.api.get(source, id)))
    }

    fn list<'a>(
        &'a self,
        source: Source,
        filter: &'a Filter,
        count: Option<u32>,
        cursor: Option<&'a str>,
    ) -> Call<'a, Page> {
        Box::pin(self.ask(self.0.api.list(source, filter, count, cursor)))
    }

    fn logs<'a>(
        &'a self,
        message_id: Option<&'a str>,
        from_ms: Option<i64>,
        cursor: Option<&'a str>,
    ) -> Call<'a, LogPage> {
        Box::pin(self.ask(self.0.api.logs(message_id, from_ms, cursor)))
    }

    fn run_logs<'a>(
        &'a self,
        runs: &'a [(String, Option<i64>)],
        cursor: Option<&'a str>,
    ) -> Call<'a, RunLogPage> {
        Box::pin(self.ask(self.0.api.run_logs(runs, cursor)))
    }
}
