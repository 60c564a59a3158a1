//! Every state and kind the sandbox keeps or answers with, typed: the message log's states,
//! a message's delivery state, workflow run, step and failure-callback states, what made a run
//! or a message, and a schedule's last states.
//!
//! Each name is written once, as the variant's serde rename, so the wire and the state file
//! read exactly as they did when these were strings; the sandbox decides on the variants. A
//! name from a URL is parsed at the edge with `parse`, and `as_str` serves where text is built.

use serde::{Deserialize, Serialize};

/// Declares an enum whose variants travel as the given names, with `ALL` in declaration order,
/// `as_str`, `parse` and `Display` agreeing with serde.
macro_rules! named {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $text)] $variant,)+
        }

        // Not every kind is parsed from a URL or listed outside the tests.
        #[allow(dead_code)]
        impl $name {
            /// Every variant, in the order the names were listed when they were strings.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// The variant of a name as it travels; none for a name that is not one.
            pub fn parse(s: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

named! {
    /// A state transition in the message log (OAQ `LogEntry.state`).
    #[derive(Default)]
    LogState {
        #[default]
        Created = "CREATED",
        Active = "ACTIVE",
        Retry = "RETRY",
        Error = "ERROR",
        Delivered = "DELIVERED",
        Failed = "FAILED",
        CancelRequested = "CANCEL_REQUESTED",
        Cancelled = "CANCELLED",
    }
}

impl LogState {
    /// The states the `IN_PROGRESS` filter stands for: a message still being delivered.
    pub const IN_PROGRESS: &'static [LogState] =
        &[LogState::Active, LogState::Retry, LogState::Error];

    /// The name `/v2/events` and the SDKs use: `CANCELED` with one L.
    pub fn events_name(self) -> &'static str {
        match self {
            LogState::Cancelled => "CANCELED",
            s => s.as_str(),
        }
    }
}

named! {
    /// Where a message created through the sandbox stands (`/__sandbox/messages`).
    MessageState {
        /// Waiting for its delivery to start.
        Pending = "pending",
        Delivering = "delivering",
        Delivered = "delivered",
        /// Failed for good: back in the DLQ.
        Failed = "failed",
        /// Not a loopback destination: accepted, no network call.
        Recorded = "recorded",
        /// Held by its queue until `queues::pump` lets it go.
        Queued = "queued",
        /// `DELETE /v2/messages`.
        Cancelled = "cancelled",
    }
}

impl MessageState {
    /// Not yet settled: a message that can still be delivered or cancelled.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            MessageState::Queued
                | MessageState::Pending
                | MessageState::Delivering
                | MessageState::Recorded
        )
    }
}

named! {
    /// What created a message.
    MessageSource {
        Publish = "publish",
        Retry = "retry",
    }
}

named! {
    /// A workflow run's state (OAW `workflowState`).
    #[derive(Default)]
    RunState {
        #[default]
        Started = "RUN_STARTED",
        Success = "RUN_SUCCESS",
        Failed = "RUN_FAILED",
        Canceled = "RUN_CANCELED",
    }
}

named! {
    /// A workflow step's state in the run logs.
    StepState {
        Success = "STEP_SUCCESS",
        Retry = "STEP_RETRY",
        Failed = "STEP_FAILED",
        Progress = "STEP_PROGRESS",
        Canceled = "STEP_CANCELED",
    }
}

named! {
    /// A workflow failure callback's state (`failureCallbackInfo.state`, `failureFunctionState`).
    CallbackState {
        InProgress = "CALLBACK_INPROGRESS",
        Success = "CALLBACK_SUCCESS",
        Fail = "CALLBACK_FAIL",
        Canceled = "CALLBACK_CANCELED",
    }
}

named! {
    /// What created a run record: a DLQ action on a failed run, or a trigger of the app.
    RunKind {
        Resume = "resume",
        Restart = "restart",
        /// The failed run itself, whose failure function is called again.
        Callback = "callback",
        Trigger = "trigger",
        /// A failed run the sandbox was seeded with, as the service would have logged it.
        Seeded = "seeded",
    }
}

named! {
    /// A schedule's last delivery as `lastScheduleStates` shows it.
    ScheduleState {
        Success = "SUCCESS",
        Fail = "FAIL",
        InProgress = "IN_PROGRESS",
    }
}

/// The `state` filter of the workflow run logs: a run state, or a state one of its steps had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunLogState {
    Run(RunState),
    Step(StepState),
}

impl RunLogState {
    pub fn parse(s: &str) -> Option<RunLogState> {
        RunState::parse(s)
            .map(RunLogState::Run)
            .or_else(|| StepState::parse(s).map(RunLogState::Step))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each variant travels as its name and reads back as itself, and `parse` agrees.
    fn round_trips<T>(all: &[T], as_str: fn(T) -> &'static str, parse: fn(&str) -> Option<T>)
    where
        T: Copy + PartialEq + std::fmt::Debug + Serialize + serde::de::DeserializeOwned,
    {
        for &v in all {
            let json = serde_json::to_string(&v).unwrap();
            assert_eq!(json, format!("\"{}\"", as_str(v)));
            assert_eq!(serde_json::from_str::<T>(&json).unwrap(), v);
            assert_eq!(parse(as_str(v)), Some(v));
        }
        assert!(serde_json::from_str::<T>("\"NOT_A_STATE\"").is_err());
        assert_eq!(parse("NOT_A_STATE"), None);
    }

    fn names<T: Copy>(all: &[T], as_str: fn(T) -> &'static str) -> Vec<&'static str> {
        all.iter().map(|&v| as_str(v)).collect()
    }

    #[test]
    fn every_variant_round_trips_under_its_name() {
        round_trips(LogState::ALL, LogState::as_str, LogState::parse);
        round_trips(MessageState::ALL, MessageState::as_str, MessageState::parse);
        round_trips(
            MessageSource::ALL,
            MessageSource::as_str,
            MessageSource::parse,
        );
        round_trips(RunState::ALL, RunState::as_str, RunState::parse);
        round_trips(StepState::ALL, StepState::as_str, StepState::parse);
        round_trips(
            CallbackState::ALL,
            CallbackState::as_str,
            CallbackState::parse,
        );
        round_trips(RunKind::ALL, RunKind::as_str, RunKind::parse);
        round_trips(
            ScheduleState::ALL,
            ScheduleState::as_str,
            ScheduleState::parse,
        );
    }

    /// The names as they were spelt when they were strings: the wire and old state files.
    #[test]
    fn the_names_are_the_ones_the_wire_and_old_state_files_use() {
        assert_eq!(
            names(LogState::ALL, LogState::as_str),
            [
                "CREATED",
                "ACTIVE",
                "RETRY",
                "ERROR",
                "DELIVERED",
                "FAILED",
                "CANCEL_REQUESTED",
                "CANCELLED"
            ]
        );
        assert_eq!(
            names(MessageState::ALL, MessageState::as_str),
            [
                "pending",
                "delivering",
                "delivered",
                "failed",
                "recorded",
                "queued",
                "cancelled"
            ]
        );
        assert_eq!(
            names(MessageSource::ALL, MessageSource::as_str),
            ["publish", "retry"]
        );
        assert_eq!(
            names(RunState::ALL, RunState::as_str),
            ["RUN_STARTED", "RUN_SUCCESS", "RUN_FAILED", "RUN_CANCELED"]
        );
        assert_eq!(
            names(StepState::ALL, StepState::as_str),
            [
                "STEP_SUCCESS",
                "STEP_RETRY",
                "STEP_FAILED",
                "STEP_PROGRESS",
                "STEP_CANCELED"
            ]
        );
        assert_eq!(
            names(CallbackState::ALL, CallbackState::as_str),
            [
                "CALLBACK_INPROGRESS",
                "CALLBACK_SUCCESS",
                "CALLBACK_FAIL",
                "CALLBACK_CANCELED"
            ]
        );
        assert_eq!(
            names(RunKind::ALL, RunKind::as_str),
            ["resume", "restart", "callback", "trigger", "seeded"]
        );
        assert_eq!(
            names(ScheduleState::ALL, ScheduleState::as_str),
            ["SUCCESS", "FAIL", "IN_PROGRESS"]
        );
        assert_eq!(LogState::Cancelled.events_name(), "CANCELED");
        assert_eq!(LogState::Failed.events_name(), "FAILED");
    }

    #[test]
    fn the_run_log_filter_takes_run_and_step_states() {
        assert_eq!(
            RunLogState::parse("RUN_FAILED"),
            Some(RunLogState::Run(RunState::Failed))
        );
        assert_eq!(
            RunLogState::parse("STEP_RETRY"),
            Some(RunLogState::Step(StepState::Retry))
        );
        assert_eq!(RunLogState::parse("DONE"), None);
    }
}
