//! The five actions, each as one chunked request and as one single-id request, and
//! [`BulkClient`]: the few calls the engine makes on a server, as a trait. The HTTP client
//! implements it for real runs (`client`), a scripted model of a DLQ for in-process tests of the
//! exactly-once paths (lost replies, 404 splits, 400 one by one, 401 stops, 429 back-off).
//!
//! Narrow on purpose: one mutation call for a chunk, one for a single id, the lookups that say
//! whether an entry is still in the DLQ or what became of it (an entry, a page of a filtered
//! list, a message's or a run's logs) and the pressure reading that paces a run.
//!
//! A chunk result is mapped back to its ids in order: the API answers bulk calls with one
//! result per id, in the order given (API.md 3.6, 4.6).

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};

use super::outcome::Outcome;
use crate::api::{
    ApiError, Batched, Entry, Filter, LogPage, Outgoing, Overrides, Page, Published, Reading, Run,
    RunLogPage, Selector, Source,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verb {
    Retry,
    Delete,
    Resume,
    Restart,
    Callback,
    /// Publish a changed copy of a QStash message, then delete the entry ([`super::republish`]).
    Republish,
}

impl Verb {
    pub fn name(self) -> &'static str {
        match self {
            Verb::Retry => "retry",
            Verb::Delete => "delete",
            Verb::Resume => "resume",
            Verb::Restart => "restart",
            Verb::Callback => "callback",
            Verb::Republish => "republish",
        }
    }

    /// Ids per request: the API's own caps (100 QStash, 50 Workflow); callback has no bulk form.
    /// A republish chunk is its delete's: one publish per id, then one delete for them all.
    pub fn chunk_size(self, source: Source) -> usize {
        match (self, source) {
            (Verb::Callback, _) => 1,
            (_, Source::Qstash) => 100,
            (_, Source::Workflow) => 50,
        }
    }

    /// The most requests in flight when `--concurrency` is not given. A request of one entry
    /// (callback's endpoint takes no more) is light for the server, and at 32 such a job is
    /// bound by round trips, not by the server: it adapts up to the most allowed. Throttling
    /// still halves it, as for every verb.
    pub fn default_concurrency(self, source: Source) -> usize {
        if self.chunk_size(source) == 1 {
            super::flow::MAX_CONCURRENCY
        } else {
            super::flow::DEFAULT_CONCURRENCY
        }
    }

    /// Whether what it made is judged by a failure callback's state rather than by its run's
    /// (a re-run callback leaves its run failed whatever it did).
    pub fn follows_callbacks(self) -> bool {
        matches!(self, Verb::Callback)
    }

    /// Whether it asks before acting on ids given one by one: those that cannot be undone
    /// (delete) or that change where messages go (republish) do.
    pub fn asks_for_ids(self) -> bool {
        matches!(self, Verb::Delete | Verb::Republish)
    }

    /// Whether its largest runs ask to type the count rather than y/N: it cannot be undone.
    pub fn asks_for_the_count(self) -> bool {
        matches!(self, Verb::Delete)
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

/// A call in flight: boxed, so the engine can hold any client behind `&dyn`.
pub type Call<'a, T> = BoxFuture<'a, Result<T, ApiError>>;

/// What a mutation's reply says it made, one item per id acted on.
#[derive(Debug, Clone, PartialEq)]
pub enum Made {
    /// Retry: the messages published.
    Messages(Vec<Published>),
    /// Resume, restart, callback: the workflow runs created.
    Runs(Vec<Run>),
    /// Delete: how many entries went.
    Deleted(u64),
}

impl Made {
    /// How many entries the reply accounts for.
    pub fn count(&self) -> usize {
        match self {
            Made::Messages(m) => m.len(),
            Made::Runs(r) => r.len(),
            Made::Deleted(n) => *n as usize,
        }
    }
}

/// A bulk mutation's reply: what it made, and where a filtered run goes on.
#[derive(Debug, Clone, PartialEq)]
pub struct Acted {
    pub made: Made,
    pub cursor: Option<String>,
}

/// What the bulk engine needs from a server.
pub trait BulkClient: Sync {
    /// How hard the server pushes back, from the replies so far (429s, rate-limit headers).
    fn pressure(&self) -> Reading;

    /// Applies `action` to the entries `which` selects, with one bulk request. Callback has no bulk form.
    fn act_many<'a>(&'a self, action: &'a Action, which: Selector<'a>) -> Call<'a, Acted>;

    /// Applies `action` to one id through its single-id endpoint, whose errors name that id.
    fn act_one<'a>(&'a self, action: &'a Action, id: &'a str) -> Call<'a, Made>;

    /// Publishes a new message (republish); one item per message made.
    fn publish<'a>(&'a self, message: &'a Outgoing) -> Call<'a, Vec<Published>>;

    /// Publishes many messages with one request (`POST /v2/batch`): one result per message, in
    /// order, each accepted or refused on its own.
    fn batch<'a>(&'a self, messages: &'a [&'a Outgoing]) -> Call<'a, Vec<Batched>>;

    /// The entries among `ids` still in the DLQ, with one request.
    fn find<'a>(&'a self, source: Source, ids: &'a [String]) -> Call<'a, Vec<Entry>>;

    /// One entry; a 404 means it is not in the DLQ.
    fn get<'a>(&'a self, source: Source, id: &'a str) -> Call<'a, Entry>;

    /// One page of entries matching `filter`.
    fn list<'a>(
        &'a self,
        source: Source,
        filter: &'a Filter,
        count: Option<u32>,
        cursor: Option<&'a str>,
    ) -> Call<'a, Page>;

    /// One page of message logs (`GET /v2/logs`), newest first: what happened to a message
    /// after a request whose reply was lost, when the entry alone cannot tell.
    fn logs<'a>(
        &'a self,
        message_id: Option<&'a str>,
        from_ms: Option<i64>,
        cursor: Option<&'a str>,
    ) -> Call<'a, LogPage>;

    /// Workflow runs by id (`GET /v2/workflows/logs`): what a run, or a callback, became when
    /// the entry alone cannot tell.
    fn run_logs<'a>(
        &'a self,
        runs: &'a [(String, Option<i64>)],
        cursor: Option<&'a str>,
    ) -> Call<'a, RunLogPage>;
}

impl Action {
    /// Applies the action to `ids` with one request. A 2xx reply that does not account for
    /// every id (a body of the wrong shape, a short list) is a lost reply: the caller must find
    /// out what happened before sending anything again.
    pub async fn apply_chunk(
        &self,
        api: &dyn BulkClient,
        ids: &[String],
    ) -> Result<Vec<Outcome>, ApiError> {
        if self.verb == Verb::Callback {
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                out.push(self.apply_one(api, id).await?);
            }
            return Ok(out);
        }
        let made = api.act_many(self, Selector::Ids(ids)).await?.made;
        if made.count() != ids.len() {
            let what = match made {
                Made::Messages(_) => "responses",
                Made::Runs(_) => "workflowRuns",
                Made::Deleted(_) => "deleted",
            };
            return Err(ApiError::Decode {
                method: "POST",
                path: format!("({} {what})", self.verb.name()),
                detail: format!("{} results for {} ids", made.count(), ids.len()),
            });
        }
        Ok(zip(ids, made))
    }

    /// Bulk delete by ids: how many the server says it deleted. Fewer than sent means some
    /// were already gone (the service passes over those); the engine finds out which.
    pub async fn delete_chunk(
        &self,
        api: &dyn BulkClient,
        ids: &[String],
    ) -> Result<u64, ApiError> {
        let made = api.act_many(self, Selector::Ids(ids)).await?.made;
        Ok(made.count() as u64)
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
        api: &dyn BulkClient,
        filter: &crate::api::Filter,
        count: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<(u64, Option<String>), ApiError> {
        let t = Selector::Matching {
            filter,
            count,
            cursor,
        };
        let acted = api.act_many(self, t).await?;
        Ok((acted.made.count() as u64, acted.cursor))
    }

    /// Applies the action to one id through its single-id endpoint, whose errors name that id.
    pub async fn apply_one(&self, api: &dyn BulkClient, id: &str) -> Result<Outcome, ApiError> {
        let made = api.act_one(self, id).await?;
        Ok(zip(&[id.to_string()], made).remove(0))
    }

    /// After a reply was lost: true when the action was applied to this entry (it left the
    /// DLQ), false when it is still waiting for the action. Not for callback, which leaves the
    /// entry in the DLQ: its own rule is in [`super::callback`].
    pub async fn was_applied(&self, api: &dyn BulkClient, id: &str) -> Result<bool, ApiError> {
        if self.verb == Verb::Callback {
            return Err(ApiError::Invalid(
                "a callback's lost reply is judged by the run logs, not by the entry".into(),
            ));
        }
        match api.get(self.source, id).await {
            Ok(_) => Ok(false),
            Err(e) if e.status() == Some(404) => Ok(true),
            Err(e) => Err(e),
        }
    }
}

/// One outcome per id, with what the reply says each became (in the order of the ids).
fn zip(ids: &[String], made: Made) -> Vec<Outcome> {
    match made {
        Made::Messages(m) => zip_published(ids, m),
        Made::Runs(r) => zip_runs(ids, r),
        Made::Deleted(_) => ids.iter().map(|id| Outcome::done(id)).collect(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bulk::flow::{DEFAULT_CONCURRENCY, MAX_CONCURRENCY};

    #[test]
    fn only_a_verb_of_one_entry_a_request_adapts_up_to_the_most_allowed() {
        for verb in [
            Verb::Retry,
            Verb::Delete,
            Verb::Resume,
            Verb::Restart,
            Verb::Republish,
        ] {
            for source in [Source::Qstash, Source::Workflow] {
                assert_eq!(verb.default_concurrency(source), DEFAULT_CONCURRENCY);
            }
        }
        assert_eq!(
            Verb::Callback.default_concurrency(Source::Workflow),
            MAX_CONCURRENCY
        );
    }
}
