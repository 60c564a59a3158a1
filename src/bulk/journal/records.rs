//! What a job's `plan.json` and `end.json` hold: the plan, its target and settings, and how a
//! run ended.

use serde::{Deserialize, Serialize};

use crate::api::{Filter, Source};
use crate::bulk::action::Action;
use crate::bulk::outcome::Summary;
use crate::bulk::verify::Tally;

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

/// Ids of one DLQ: a delete by ids may touch both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    pub source: Source,
    pub ids: Vec<String>,
}

/// A `--server-side` run: a filter and an optional limit instead of ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerSidePlan {
    pub filter: Filter,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanRecord {
    pub job: String,
    pub action: Action,
    pub created_ms: i64,
    /// What the user selected, in words, for `dlq jobs` to show.
    pub selection: String,
    pub target: TargetRecord,
    pub settings: RunSettings,
    #[serde(default)]
    pub parts: Vec<Part>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_side: Option<ServerSidePlan>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canary: Option<CanaryPlan>,
    /// A pipelined run: its ids are listed while it acts, page by page, each page journaled
    /// (`{"planned":...}`) before any of its ids is sent. The filter is frozen at the start
    /// (`toDate`), so entries that fail later are never part of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline: Option<ServerSidePlan>,
}

impl PlanRecord {
    pub fn planned(&self) -> usize {
        self.parts.iter().map(|p| p.ids.len()).sum()
    }
}

/// Server-side progress: entries confirmed acted on, and those a lost reply may have acted on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
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
    Finished,
    Interrupted,
}
