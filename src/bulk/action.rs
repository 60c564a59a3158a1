//! The five actions, each as one chunked request and as one single-id request.
//!
//! A chunk result is mapped back to its ids in order: the API answers bulk calls with one
//! result per id, in the order given (API.md 3.6, 4.6).

use serde::{Deserialize, Serialize};

use super::outcome::Outcome;
use crate::api::{ApiError, Client, Overrides, Published, Run, Selector, Source};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verb {
    Retry,
    Delete,
    Resume,
    Restart,
    Callback,
}

impl Verb {
    pub fn name(self) -> &'static str {
        match self {
            Verb::Retry => "retry",
            Verb::Delete => "delete",
            Verb::Resume => "resume",
            Verb::Restart => "restart",
            Verb::Callback => "callback",
        }
    }

    /// Ids per request: the API's own caps (100 QStash, 50 Workflow); callback has no bulk form.
    pub fn chunk_size(self, source: Source) -> usize {
        match (self, source) {
            (Verb::Callback, _) => 1,
            (_, Source::Qstash) => 100,
            (_, Source::Workflow) => 50,
        }
    }
}

/// An action with everything it needs besides the ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Action {
    pub verb: Verb,
    pub source: Source,
    #[serde(default)]
    pub overrides: Overrides,
}

impl Action {
    /// Applies the action to `ids` with one request. A 2xx reply that does not account for
    /// every id (a body of the wrong shape, a short list) is a lost reply: the caller must find
    /// out what happened before sending anything again.
    pub async fn apply_chunk(
        &self,
        api: &Client,
        ids: &[String],
    ) -> Result<Vec<Outcome>, ApiError> {
        let o = &self.overrides;
        let counted = |what: &str, n: usize| {
            if n == ids.len() {
                Ok(())
            } else {
                Err(ApiError::Decode {
                    method: "POST",
                    path: format!("({} {what})", self.verb.name()),
                    detail: format!("{n} results for {} ids", ids.len()),
                })
            }
        };
        match self.verb {
            Verb::Retry => {
                let r = api.retry_many(Selector::Ids(ids), o).await?;
                counted("responses", r.responses.len())?;
                Ok(zip_published(ids, r.responses))
            }
            Verb::Delete => {
                let d = api.delete_many(self.source, Selector::Ids(ids)).await?;
                counted("deleted", d.deleted as usize)?;
                Ok(ids.iter().map(|id| Outcome::done(id)).collect())
            }
            Verb::Resume | Verb::Restart => {
                let runs = if self.verb == Verb::Resume {
                    api.resume_many(Selector::Ids(ids), o).await?
                } else {
                    api.restart_many(Selector::Ids(ids), o).await?
                };
                counted("workflowRuns", runs.workflow_runs.len())?;
                Ok(zip_runs(ids, runs.workflow_runs))
            }
            Verb::Callback => {
                let mut out = Vec::with_capacity(ids.len());
                for id in ids {
                    out.extend(zip_runs(
                        std::slice::from_ref(id),
                        vec![api.callback(id).await?],
                    ));
                }
                Ok(out)
            }
        }
    }

    /// Bulk delete by ids: how many the server says it deleted. Fewer than sent means some
    /// were already gone (the service passes over those); the engine finds out which.
    pub async fn delete_chunk(&self, api: &Client, ids: &[String]) -> Result<u64, ApiError> {
        Ok(api
            .delete_many(self.source, Selector::Ids(ids))
            .await?
            .deleted)
    }

    /// A delete counted in full: every id done; a count other than the ids sent is a reply
    /// that does not add up (a lost reply, to be checked before anything is sent again).
    pub fn check_count(&self, ids: &[String], deleted: u64) -> Result<Vec<Outcome>, ApiError> {
        if deleted as usize != ids.len() {
            return Err(ApiError::Decode {
                method: "DELETE",
                path: "(delete deleted)".into(),
                detail: format!("{deleted} results for {} ids", ids.len()),
            });
        }
        Ok(ids.iter().map(|id| Outcome::done(id)).collect())
    }

    /// Applies the action to whatever matches `filter`, one server page from `cursor`.
    /// Returns how many entries were acted on and the next cursor.
    pub async fn apply_matching(
        &self,
        api: &Client,
        filter: &crate::api::Filter,
        count: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<(u64, Option<String>), ApiError> {
        let t = Selector::Matching {
            filter,
            count,
            cursor,
        };
        let o = &self.overrides;
        Ok(match self.verb {
            Verb::Retry => api
                .retry_many(t, o)
                .await
                .map(|r| (r.responses.len() as u64, r.cursor))?,
            Verb::Delete => api
                .delete_many(self.source, t)
                .await
                .map(|r| (r.deleted, r.cursor))?,
            Verb::Resume => api
                .resume_many(t, o)
                .await
                .map(|r| (r.workflow_runs.len() as u64, r.cursor))?,
            Verb::Restart => api
                .restart_many(t, o)
                .await
                .map(|r| (r.workflow_runs.len() as u64, r.cursor))?,
            Verb::Callback => {
                return Err(ApiError::Invalid("callback has no bulk endpoint".into()))
            }
        })
    }

    /// Applies the action to one id through its single-id endpoint, whose errors name that id.
    pub async fn apply_one(&self, api: &Client, id: &str) -> Result<Outcome, ApiError> {
        let o = &self.overrides;
        let one = [id.to_string()];
        Ok(match self.verb {
            Verb::Retry => zip_published(&one, vec![api.retry(id, o).await?]).remove(0),
            Verb::Delete => {
                api.delete(self.source, id).await?;
                Outcome::done(id)
            }
            Verb::Resume => zip_runs(&one, vec![api.resume(id, o).await?]).remove(0),
            Verb::Restart => zip_runs(&one, vec![api.restart(id, o).await?]).remove(0),
            Verb::Callback => zip_runs(&one, vec![api.callback(id).await?]).remove(0),
        })
    }

    /// After a reply was lost: true when the action was applied to this entry, judged by the
    /// entry's state on the server, false when it is still waiting for the action.
    pub async fn was_applied(&self, api: &Client, id: &str) -> Result<bool, ApiError> {
        match api.get(self.source, id).await {
            // A callback leaves the entry in the DLQ but moves its callback state on.
            Ok(e) if self.verb == Verb::Callback => Ok(e.callback_state() != Some("CALLBACK_FAIL")),
            Ok(_) => Ok(false),
            Err(e) if e.status() == Some(404) => Ok(true),
            Err(e) => Err(e),
        }
    }
}

fn zip_published(ids: &[String], rs: Vec<Published>) -> Vec<Outcome> {
    let mut rs = rs.into_iter();
    ids.iter()
        .map(|id| Outcome {
            message_id: rs.next().map(|p| p.message_id),
            ..Outcome::done(id)
        })
        .collect()
}

fn zip_runs(ids: &[String], rs: Vec<Run>) -> Vec<Outcome> {
    let mut rs = rs.into_iter();
    ids.iter()
        .map(|id| {
            let r = rs.next();
            Outcome {
                workflow_created_at: r.as_ref().and_then(|r| r.workflow_created_at),
                workflow_run_id: r.map(|r| r.workflow_run_id),
                ..Outcome::done(id)
            }
        })
        .collect()
}
