//! The HTTP client as the engine's [`BulkClient`]: the verb picks the endpoint here, so the
//! engine and its tests speak of actions, not routes.

use super::action::{Acted, Action, BulkClient, Call, Made, Verb};
use crate::api::{
    ApiError, Batched, Client, Entry, Filter, LogPage, Outgoing, Page, Published, Reading,
    RunLogPage, Selector, Source,
};

impl BulkClient for Client {
    fn pressure(&self) -> Reading {
        Client::pressure(self)
    }

    fn act_many<'a>(&'a self, action: &'a Action, which: Selector<'a>) -> Call<'a, Acted> {
        Box::pin(async move {
            let o = &action.overrides;
            Ok(match action.verb {
                Verb::Retry => {
                    let r = self.retry_many(which, o).await?;
                    Acted {
                        made: Made::Messages(r.responses),
                        cursor: r.cursor,
                    }
                }
                Verb::Delete => {
                    let d = self.delete_many(action.source, which).await?;
                    Acted {
                        made: Made::Deleted(d.deleted),
                        cursor: d.cursor,
                    }
                }
                Verb::Resume | Verb::Restart => {
                    let r = if action.verb == Verb::Resume {
                        self.resume_many(which, o).await?
                    } else {
                        self.restart_many(which, o).await?
                    };
                    Acted {
                        made: Made::Runs(r.workflow_runs),
                        cursor: r.cursor,
                    }
                }
                Verb::Callback | Verb::Republish => {
                    return Err(ApiError::Invalid(format!(
                        "{} has no bulk endpoint",
                        action.verb.name()
                    )))
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
                Verb::Republish => {
                    return Err(ApiError::Invalid(
                        "republish publishes a message of its own, then deletes".into(),
                    ))
                }
            })
        })
    }

    fn publish<'a>(&'a self, message: &'a Outgoing) -> Call<'a, Vec<Published>> {
        Box::pin(Client::publish(self, message))
    }

    fn batch<'a>(&'a self, messages: &'a [&'a Outgoing]) -> Call<'a, Vec<Batched>> {
        Box::pin(Client::batch(self, messages))
    }

    fn find<'a>(&'a self, source: Source, ids: &'a [String]) -> Call<'a, Vec<Entry>> {
        Box::pin(Client::find(self, source, ids))
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
