//! After a lost reply: was the action applied? Other actions are judged by the entry's
//! presence in the DLQ; a callback, which leaves its entry there, by its own rule
//! ([`crate::bulk::callback`]): a baseline of the run's newest callback call is taken before
//! the first send, and what nothing can tell is unconfirmed.

use futures::stream::{self, StreamExt};

use super::{Engine, Halt, Outcome, CHECKS};
use crate::api::ApiError;
use crate::bulk::action::Verb;
use crate::bulk::callback::Applied;

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
                if !self.pace().await {
                    return (id, Err(None));
                }
                let r = self.applied(&id).await;
                (id, r.map_err(Some))
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
    /// rule ([`super::callback`]); the others are judged by the entry's presence.
    pub(super) async fn applied(&self, id: &str) -> Result<Applied, ApiError> {
        if self.action.verb == Verb::Callback {
            return self.callbacks.check(self.api, id).await;
        }
        Ok(match self.action.was_applied(self.api, id).await? {
            true => Applied::Yes,
            false => Applied::No,
        })
    }

    /// Callback only: notes each run's newest callback call before its first send (one
    /// paced read each). False when a stop came first.
    pub(super) async fn callback_baselines(&self, ids: &[String]) -> bool {
        if self.action.verb != Verb::Callback {
            return true;
        }
        for id in ids.iter().filter(|id| !self.callbacks.has(id)) {
            // Two reads: the entry (for its run), then the run's logs.
            if !self.pace().await || !self.pace().await {
                return false;
            }
            // Without a baseline a lost reply is judged by time, so an error here stops nothing.
            let _ = self.callbacks.before_send(self.api, id).await;
        }
        true
    }

    /// The outcome of an entry acted on whose reply was lost: a verb that creates something
    /// cannot say what, except a callback (the same run) and delete (which creates nothing).
    pub(super) fn acted_on(&self, id: &str) -> Outcome {
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
