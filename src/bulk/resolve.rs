//! Turning the ids people hold into DLQ entries, on the server, before anything acts on them.
//!
//! On call, one holds a DLQ id (`1752829295505-0`), a message id from an alert (`msg_…`) or a
//! workflow run id from the logs (`wfr_…`). Each is looked up in the DLQs the verb acts on: a
//! DLQ id with `GET /v2/dlq/{id}` or `/v2/workflows/dlq/{id}`, a message id with the list filter
//! `messageId=`, a run id with `workflowRunId=`. Every planned id is thereby known to exist
//! before the action, so after a lost reply "gone" can only mean "acted on", and a typo is
//! reported as not in the DLQ instead of done.
//!
//! Tokens that cannot be ids are refused by [`classify`] before any request.

use futures::stream::{self, StreamExt, TryStreamExt};

use super::action::{BulkClient, Verb};
use crate::api::{ApiError, Entry, Filter, Source};

/// Lookups in flight at once.
const LOOKUPS: usize = 8;
/// Longest id accepted; real ids are a few dozen bytes.
pub const MAX_ID_BYTES: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    /// A DLQ id: `<epoch ms>-<seq>`, or another shape with a digit in it.
    Dlq,
    /// A message id, `msg_…`: the QStash DLQ is searched with `messageId=`.
    Message,
    /// A workflow run id, `wfr_…`: the workflow DLQ is searched with `workflowRunId=`.
    Run,
}

/// What a token is, or why it cannot be an id. Checked before any request or job: an empty
/// `$ID` in a script, `help`, or a pasted line with spaces must never reach the API.
pub fn classify(token: &str) -> Result<IdKind, String> {
    let shown = || crate::text::truncate(&crate::text::safe(token), 40).into_owned();
    if token.is_empty() {
        return Err("an empty id (an unset variable?) is not an id".into());
    }
    if token.len() > MAX_ID_BYTES {
        return Err(format!(
            "{:?} is not an id: it is {} bytes long; ids are at most {MAX_ID_BYTES}",
            shown(),
            token.len()
        ));
    }
    if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "{:?} is not an id: it contains spaces or control characters",
            shown()
        ));
    }
    if token == "." || token == ".." || token.contains('/') {
        return Err(format!("{:?} is not an id", shown()));
    }
    if token.starts_with("msg_") && token.len() > 4 {
        return Ok(IdKind::Message);
    }
    if token.starts_with("wfr_") && token.len() > 4 {
        return Ok(IdKind::Run);
    }
    if token.bytes().any(|b| b.is_ascii_digit()) {
        return Ok(IdKind::Dlq);
    }
    Err(format!(
        "{:?} is not an id: DLQ ids look like 1752829295505-0, message ids msg_…, workflow run \
         ids wfr_…",
        shown()
    ))
}

/// Checks every token for a verb acting on `sources`; the message names the first bad one.
pub fn check(tokens: &[String], sources: &[Source]) -> Result<(), String> {
    for t in tokens {
        match classify(t)? {
            IdKind::Message if !sources.contains(&Source::Qstash) => {
                return Err(format!(
                    "{t} is a message id: failed workflow runs are found by DLQ id or by run id \
                     (wfr_…)"
                ))
            }
            IdKind::Run if !sources.contains(&Source::Workflow) => {
                return Err(format!(
                    "{t} is a workflow run id: put failed runs right with `dlq resume`, \
                     `dlq restart` or `dlq callback`"
                ))
            }
            _ => {}
        }
    }
    Ok(())
}

/// One entry found for one token.
#[derive(Debug, Clone)]
pub struct Found {
    pub source: Source,
    pub entry: Entry,
    /// The token, when it was not the DLQ id itself.
    pub input: Option<String>,
}

/// The entries found, in the order of the tokens (each entry once), and the tokens that found
/// nothing with the reason.
#[derive(Debug, Default)]
pub struct Resolved {
    pub found: Vec<Found>,
    pub missing: Vec<(String, Absent)>,
}

pub const NOT_IN_DLQ: &str = "not in the DLQ (already retried, deleted or expired?)";

/// Why a token found nothing where the verb acts. What to do instead depends on the verb, so
/// the reason only states the fact and [`Absent::fix`] says what to run, once, at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Absent {
    /// In neither DLQ: acted on already, deleted, or expired.
    Gone,
    /// A failed workflow run, given to a verb of QStash messages.
    WorkflowRun,
    /// A QStash message, given to a verb of workflow runs.
    QstashMessage,
}

impl Absent {
    /// What the id is, said after it: "ID is ...".
    pub fn reason(self) -> &'static str {
        match self {
            Absent::Gone => NOT_IN_DLQ,
            Absent::WorkflowRun => "a failed workflow run, not a QStash message",
            Absent::QstashMessage => "a QStash message, not a failed workflow run",
        }
    }

    /// The same of several ids: "the 3 ids ...".
    pub fn plural(self) -> &'static str {
        match self {
            Absent::Gone => "are not in the DLQ (already acted on, deleted or expired?)",
            Absent::WorkflowRun => "are failed workflow runs, not QStash messages",
            Absent::QstashMessage => "are QStash messages, not failed workflow runs",
        }
    }

    /// The verbs that act where the entry is, for the one hint after a run that found it in
    /// the other DLQ; `None` when it is in neither.
    pub fn fix(self, verb: Verb) -> Option<&'static str> {
        match (self, verb) {
            (Absent::Gone, _) => None,
            (Absent::WorkflowRun, Verb::Delete) => {
                Some("add --workflow to delete failed workflow runs")
            }
            (Absent::WorkflowRun, _) => Some(
                "failed workflow runs are acted on with dlq resume, dlq restart or dlq callback",
            ),
            (Absent::QstashMessage, Verb::Delete) => {
                Some("drop --workflow to delete QStash messages")
            }
            (Absent::QstashMessage, _) => {
                Some("QStash messages are acted on with dlq retry, dlq republish or dlq delete")
            }
        }
    }
}

impl std::fmt::Display for Absent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.reason())
    }
}

impl serde::Serialize for Absent {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.reason())
    }
}

/// Looks every token up in `sources`. Fails only on errors that are not "not found" (a refused
/// token, a server that keeps failing): those stop everything before any action.
pub async fn resolve(
    api: &dyn BulkClient,
    sources: &[Source],
    tokens: &[String],
) -> Result<Resolved, ApiError> {
    // The first error ends the lookups: a refused token is refused for every id, so nothing
    // more is sent once one lookup failed. The first id goes alone, so a bad token costs one
    // request, not one per id.
    let mut lookups = Vec::with_capacity(tokens.len());
    if let Some((first, rest)) = tokens.split_first() {
        let (found, reason) = lookup(api, sources, first).await?;
        lookups.push((first.clone(), found, reason));
        let more: Vec<(String, Vec<Found>, Absent)> = stream::iter(rest)
            .map(|t| async move {
                let (found, reason) = lookup(api, sources, t).await?;
                Ok::<_, ApiError>((t.clone(), found, reason))
            })
            .buffered(LOOKUPS)
            .try_collect()
            .await?;
        lookups.extend(more);
    }
    let mut out = Resolved::default();
    let mut seen = std::collections::HashSet::new();
    for (token, found, reason) in lookups {
        if found.is_empty() {
            out.missing.push((token, reason));
        }
        for f in found {
            if seen.insert(f.entry.dlq_id.clone()) {
                out.found.push(f);
            }
        }
    }
    Ok(out)
}

/// The entries one token names, or none and why.
async fn lookup(
    api: &dyn BulkClient,
    sources: &[Source],
    token: &str,
) -> Result<(Vec<Found>, Absent), ApiError> {
    let kind = classify(token).map_err(ApiError::Invalid)?;
    let input = (kind != IdKind::Dlq).then(|| token.to_string());
    let found = |source, entries: Vec<Entry>| -> Vec<Found> {
        entries
            .into_iter()
            .map(|entry| Found {
                source,
                entry,
                input: input.clone(),
            })
            .collect()
    };
    match kind {
        IdKind::Message | IdKind::Run => {
            let (source, filter) = if kind == IdKind::Message {
                let f = Filter {
                    message_id: Some(token.to_string()),
                    ..Filter::default()
                };
                (Source::Qstash, f)
            } else {
                let f = Filter {
                    workflow_run_id: Some(token.to_string()),
                    ..Filter::default()
                };
                (Source::Workflow, f)
            };
            let entries = list_all(api, source, &filter).await?;
            Ok((found(source, entries), Absent::Gone))
        }
        IdKind::Dlq => {
            for &source in sources {
                match get(api, source, token).await? {
                    // The QStash endpoint may also show workflow entries; they belong to the
                    // workflow DLQ when the verb can act there.
                    Some(e)
                        if source == Source::Qstash
                            && e.workflow_run_id.is_some()
                            && sources.contains(&Source::Workflow) => {}
                    Some(e) => return Ok((found(source, vec![e]), Absent::Gone)),
                    None => {}
                }
            }
            // Not where the verb acts: say so if it is in the other DLQ. Only the reason
            // depends on this lookup, so a server failing it leaves the plain reason: the id
            // is not in the DLQ the verb acts on either way.
            let elsewhere = |source| async move { get(api, source, token).await.ok().flatten() };
            let reason = match sources {
                [Source::Qstash] => match elsewhere(Source::Workflow).await {
                    Some(_) => Absent::WorkflowRun,
                    None => Absent::Gone,
                },
                [Source::Workflow] => match elsewhere(Source::Qstash).await {
                    Some(_) => Absent::QstashMessage,
                    None => Absent::Gone,
                },
                _ => Absent::Gone,
            };
            Ok((Vec::new(), reason))
        }
    }
}

async fn get(api: &dyn BulkClient, source: Source, id: &str) -> Result<Option<Entry>, ApiError> {
    match api.get(source, id).await {
        Ok(e) => Ok(Some(e)),
        Err(e) if e.status() == Some(404) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Every entry matching `filter` (a message or run id matches a handful at most).
async fn list_all(
    api: &dyn BulkClient,
    source: Source,
    filter: &Filter,
) -> Result<Vec<Entry>, ApiError> {
    let mut pages = super::pages::Pages::new(api, source, filter, None);
    let pages = stream::unfold(&mut pages, |p| async move {
        match p.next(Some(100)).await {
            Ok(Some(page)) => Some((Ok(page), p)),
            Ok(None) => None,
            Err(e) => Some((Err(e), p)),
        }
    });
    let all: Vec<Vec<Entry>> = pages.try_collect().await?;
    Ok(all.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_can_be_an_id() {
        assert_eq!(classify("1752829295505-0"), Ok(IdKind::Dlq));
        assert_eq!(classify("msg_26hZCx"), Ok(IdKind::Message));
        assert_eq!(classify("wfr_my-order-1"), Ok(IdKind::Run));
        assert_eq!(classify("missing-1"), Ok(IdKind::Dlq));
        for bad in ["", "help", "list", "a b", "x\ny", "..", "a/b", "msg_"] {
            assert!(classify(bad).is_err(), "{bad:?}");
        }
        let long = "1".repeat(MAX_ID_BYTES + 1);
        let err = classify(&long).unwrap_err();
        assert!(err.len() < 200, "the message quotes a cut id: {err}");
    }

    #[test]
    fn ids_of_the_other_dlq_are_refused_by_kind() {
        let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(check(&ids(&["wfr_x"]), &[Source::Qstash])
            .unwrap_err()
            .contains("dlq resume"));
        assert!(check(&ids(&["msg_x"]), &[Source::Workflow]).is_err());
        assert!(check(
            &ids(&["msg_x", "wfr_y", "1-0"]),
            &[Source::Qstash, Source::Workflow]
        )
        .is_ok());
    }
}
