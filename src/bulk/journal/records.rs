//! What a job's `plan.json` and `end.json` hold: the plan, its target and settings, and how a
//! run ended.

use serde::{Deserialize, Serialize};

use crate::api::{Filter, Source};
use crate::bulk::action::Action;
use crate::bulk::idlist::IdList;
use crate::bulk::outcome::Summary;
use crate::bulk::verify::Tally;
use crate::cmdline::{Aim, CommandLine, Places};

/// Where a job acts: what `--continue` must find again. The token is kept only as a
/// fingerprint that tells tokens apart without revealing them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetRecord {
    pub base_url: String,
    pub sandbox: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    pub token_fingerprint: String,
    /// Where the token came from, in words ("environment QSTASH_TOKEN").
    pub token_source: String,
}

impl TargetRecord {
    /// The flags that point a printed line at this target and nowhere else: `--sandbox`, the
    /// profile, or the base URL (whose token the shell must give: it is never printed).
    pub fn aim(&self, places: &Places) -> Aim {
        if self.sandbox {
            return Aim::sandbox(places);
        }
        match &self.profile {
            Some(p) => Aim::server(places, Some(p), None, None, &self.token_source),
            None => Aim::server(places, None, Some(&self.base_url), None, &self.token_source),
        }
    }
}

/// The settings a run was started with; `--continue` reuses them unless a flag lowers them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rps: Option<f64>,
    pub concurrency: usize,
    /// `--verify`: how long to wait for outcomes, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify_secs: Option<u64>,
}

/// A canary: the ids tried first, and the share of them that must be delivered to go on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CanaryPlan {
    pub ids: Vec<String>,
    pub threshold_pct: f64,
}

/// How a canary went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CanaryResult {
    pub passed: bool,
    pub tally: Tally,
}

/// Ids of one DLQ: a delete by ids may touch both. A long part keeps its ids on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    pub source: Source,
    pub ids: IdList,
}

/// A selection by filters rather than ids: what a pipelined or server-side job acts on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Matching {
    pub filter: Filter,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
}

/// How a job finds and acts on its entries. The journal, `--continue`, `dlq jobs` and `dlq
/// verify` match on it.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    /// Every id looked up or listed before anything was sent.
    Planned {
        parts: Vec<Part>,
        canary: Option<CanaryPlan>,
    },
    /// Listed while acting: each page is journaled (`{"planned":...}`) before any of its ids
    /// is sent. The filter is frozen at the start (`toDate`), so entries that fail later are
    /// never part of it.
    Pipelined(Matching),
    /// The API's own filter-and-cursor bulk call: no ids, progress only.
    ServerSide(Matching),
}

impl Mode {
    /// Whether the job keeps an account per entry (everything but server-side).
    pub fn per_entry(&self) -> bool {
        !matches!(self, Mode::ServerSide(_))
    }
}

/// A job's `plan.json`: what it does, where, how, and with which settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", from = "OnDisk")]
pub struct JobRecord {
    pub job: String,
    pub action: Action,
    pub created_ms: i64,
    /// What the user selected, in words, for `dlq jobs` to show.
    pub selection: String,
    pub target: TargetRecord,
    pub settings: RunSettings,
    pub mode: Mode,
}

impl JobRecord {
    /// The command that does what is left of the job, aimed at the job's own target:
    /// `dlq --sandbox retry --continue retry-...`.
    pub fn continue_command(&self, places: &Places) -> CommandLine {
        self.target
            .aim(places)
            .dlq([self.action.verb.name(), "--continue", &self.job])
    }

    /// The ids planned before the run (a pipelined job's pages are in its events).
    pub fn parts(&self) -> &[Part] {
        match &self.mode {
            Mode::Planned { parts, .. } => parts,
            _ => &[],
        }
    }

    /// Takes the planned ids out of the record in memory (the journal keeps them): a new run
    /// acts on them from here, so a large plan is held once.
    pub fn take_parts(&mut self) -> Vec<Part> {
        match &mut self.mode {
            Mode::Planned { parts, .. } => std::mem::take(parts),
            _ => Vec::new(),
        }
    }

    pub fn canary(&self) -> Option<&CanaryPlan> {
        match &self.mode {
            Mode::Planned { canary, .. } => canary.as_ref(),
            _ => None,
        }
    }
}

/// `plan.json` as written since the first release: the mode is whichever of `parts`,
/// `serverSide` and `pipeline` is there, so journals of earlier versions read as they are.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OnDisk {
    job: String,
    action: Action,
    created_ms: i64,
    selection: String,
    target: TargetRecord,
    settings: RunSettings,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    parts: Vec<Part>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    server_side: Option<Matching>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    canary: Option<CanaryPlan>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pipeline: Option<Matching>,
}

impl From<OnDisk> for JobRecord {
    fn from(d: OnDisk) -> JobRecord {
        let mode = match (d.server_side, d.pipeline) {
            (Some(m), _) => Mode::ServerSide(m),
            (None, Some(m)) => Mode::Pipelined(m),
            (None, None) => Mode::Planned {
                parts: d.parts,
                canary: d.canary,
            },
        };
        JobRecord {
            job: d.job,
            action: d.action,
            created_ms: d.created_ms,
            selection: d.selection,
            target: d.target,
            settings: d.settings,
            mode,
        }
    }
}

/// `plan.json` written from a record in place ([`OnDisk`]'s fields): a large plan is not
/// copied to be written.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OnDiskRef<'a> {
    job: &'a str,
    action: &'a Action,
    created_ms: i64,
    selection: &'a str,
    target: &'a TargetRecord,
    settings: &'a RunSettings,
    #[serde(skip_serializing_if = "no_parts")]
    parts: &'a [Part],
    #[serde(skip_serializing_if = "Option::is_none")]
    server_side: Option<&'a Matching>,
    #[serde(skip_serializing_if = "Option::is_none")]
    canary: Option<&'a CanaryPlan>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pipeline: Option<&'a Matching>,
}

fn no_parts(parts: &&[Part]) -> bool {
    parts.is_empty()
}

impl Serialize for JobRecord {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (mut parts, mut canary, mut server_side, mut pipeline) = (&[][..], None, None, None);
        match &self.mode {
            Mode::Planned {
                parts: p,
                canary: c,
            } => (parts, canary) = (&p[..], c.as_ref()),
            Mode::Pipelined(m) => pipeline = Some(m),
            Mode::ServerSide(m) => server_side = Some(m),
        }
        OnDiskRef {
            job: &self.job,
            action: &self.action,
            created_ms: self.created_ms,
            selection: &self.selection,
            target: &self.target,
            settings: &self.settings,
            parts,
            server_side,
            canary,
            pipeline,
        }
        .serialize(s)
    }
}

/// Server-side progress: entries confirmed acted on, and those a lost reply may have acted on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerProgress {
    pub done: u64,
    pub unconfirmed: u64,
}

/// How a run ended, in `end.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct End {
    pub state: EndState,
    pub ended_ms: i64,
    pub summary: Summary,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EndState {
    /// Nothing left to do.
    Finished,
    /// Stopped by a signal with work left.
    Interrupted,
    /// Stopped by an error (a refused token, a server that kept refusing, a journal that could
    /// not be written) with work left.
    Stopped,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `plan.json` as earlier versions wrote it: every mode field present or defaulted.
    fn old(mode_fields: &str) -> String {
        format!(
            r#"{{"job":"retry-1","action":{{"verb":"retry","source":"qstash"}},"createdMs":1,
            "selection":"s","target":{{"baseUrl":"http://x","sandbox":false,
            "tokenFingerprint":"f","tokenSource":"t"}},"settings":{{"concurrency":4}},{mode_fields}}}"#
        )
    }

    #[test]
    fn records_of_earlier_versions_read_as_their_mode_and_round_trip() {
        let filter = r#"{"filter":{},"limit":5}"#;
        let pipelined: JobRecord =
            serde_json::from_str(&old(&format!(r#""parts":[],"pipeline":{filter}"#))).unwrap();
        assert!(matches!(&pipelined.mode, Mode::Pipelined(m) if m.limit == Some(5)));
        let server: JobRecord =
            serde_json::from_str(&old(&format!(r#""parts":[],"serverSide":{filter}"#))).unwrap();
        assert!(matches!(server.mode, Mode::ServerSide(_)));
        let planned: JobRecord = serde_json::from_str(&old(
            r#""parts":[{"source":"qstash","ids":["a","b"]}],"canary":{"ids":["a"],"thresholdPct":100.0}"#,
        ))
        .unwrap();
        assert_eq!(planned.parts()[0].ids, ["a", "b"]);
        assert_eq!(planned.canary().unwrap().ids, ["a"]);
        for r in [pipelined, server, planned] {
            let again: JobRecord =
                serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
            assert_eq!(again.mode, r.mode);
        }
    }
}
