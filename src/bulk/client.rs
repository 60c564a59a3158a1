//! The few calls the bulk engine makes on a server, as a trait: the HTTP client implements it
//! for real runs, and a scripted model of a DLQ implements it for in-process tests of the
//! exactly-once paths (lost replies, 404 splits, 400 one by one, 401 stops, 429 back-off).
//!
//! Narrow on purpose: one mutation call for a chunk, one for a single id, the lookups that say
//! whether an entry is still in the DLQ or what became of it (an entry, a page of a filtered
//! list, a message's or a run's logs) and
//! the pressure reading that paces a run. The verb picks the endpoint here, so the engine and
//! its tests speak of actions, not routes.

use futures::future::BoxFuture;

use super::action::{Action, Verb};
use crate::api::{
    ApiError, Client, Entry, Filter, LogPage, Page, Published, Reading, Run, RunLogPage, Source,
    Target,
};

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

    /// Applies `action` to `target` with one bulk request. Callback has no bulk form.
    fn act_many<'a>(&'a self, action: &'a Action, target: Target<'a>) -> Call<'a, Acted>;

    /// Applies `action` to one id through its single-id endpoint, whose errors name that id.
    fn act_one<'a>(&'a self, action: &'a Action, id: &'a str) -> Call<'a, Made>;

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

impl BulkClient for Client {
    fn pressure(&self) -> Reading {
        Client::pressure(self)
    }

    fn act_many<'a>(&'a self, action: &'a Action, target: Target<'a>) -> Call<'a, Acted> {
        Box::pin(async move {
            let o = &action.overrides;
            Ok(match action.verb {
                Verb::Retry => {
                    let r = self.retry_many(target, o).await?;
                    Acted {
                        made: Made::Messages(r.responses),
                        cursor: r.cursor,
                    }
                }
                Verb::Delete => {
                    let d = self.delete_many(action.source, target).await?;
                    Acted {
                        made: Made::Deleted(d.deleted),
                        cursor: d.cursor,
                    }
                }
                Verb::Resume | Verb::Restart => {
                    let r = if action.verb == Verb::Resume {
                        self.resume_many(target, o).await?
                    } else {
                        self.restart_many(target, o).await?
                    };
                    Acted {
                        made: Made::Runs(r.workflow_runs),
                        cursor: r.cursor,
                    }
                }
                Verb::Callback => {
                    return Err(ApiError::Invalid("callback has no bulk endpoint".into()))
                }
            })
        })
    }

    fn act_one<'a>(&'a self, action: &'a Action, id: &'a str) -> Call<'a, Made> {
        Box::pin(async move {
            let o = &action.overrides;
            Ok(match action.verb {
                Verb::Retry => Made::Messages(vec![self.retry(id, o).await?]),
                Verb::Delete => {
                    self.delete(action.source, id).await?;
                    Made::Deleted(1)
                }
                Verb::Resume => Made::Runs(vec![self.resume(id, o).await?]),
                Verb::Restart => Made::Runs(vec![self.restart(id, o).await?]),
                Verb::Callback => Made::Runs(vec![self.callback(id).await?]),
            })
        })
    }

    fn get<'a>(&'a self, source: Source, id: &'a str) -> Call<'a, Entry> {
        Box::pin(Client::get(self, source, id))
    }

    fn list<'a>(
        &'a self,
        source: Source,
        filter: &'a Filter,
        count: Option<u32>,
        cursor: Option<&'a str>,
    ) -> Call<'a, Page> {
        Box::pin(Client::list(self, source, filter, count, cursor))
    }

    fn logs<'a>(
        &'a self,
        message_id: Option<&'a str>,
        from_ms: Option<i64>,
        cursor: Option<&'a str>,
    ) -> Call<'a, LogPage> {
        Box::pin(Client::logs(self, message_id, from_ms, cursor))
    }

    fn run_logs<'a>(
        &'a self,
        runs: &'a [(String, Option<i64>)],
        cursor: Option<&'a str>,
    ) -> Call<'a, RunLogPage> {
        Box::pin(Client::run_logs(self, runs, cursor))
    }
}
