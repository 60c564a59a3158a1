//! Values that remember where they came from.

use std::fmt;
use std::path::PathBuf;

/// Where a setting came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Flag(&'static str),
    Env(String),
    EnvFile {
        var: String,
        file: PathBuf,
    },
    Profile {
        name: String,
        file: PathBuf,
    },
    Sandbox,
    /// Recorded by a bulk job and reused by `--continue`.
    Job(String),
    Default,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flag(flag) => write!(f, "flag {flag}"),
            Origin::Env(var) => write!(f, "environment {var}"),
            Origin::EnvFile { var, file } => write!(f, "{var} in {}", file.display()),
            Origin::Profile { name, file } => write!(f, "profile {name:?} in {}", file.display()),
            Origin::Sandbox => f.write_str("--sandbox"),
            Origin::Job(job) => write!(f, "job {job}"),
            Origin::Default => f.write_str("default"),
        }
    }
}

impl Origin {
    /// The source in a few words, for one-line descriptions: `QSTASH_TOKEN`, `--token`,
    /// `profile eu`.
    pub fn short(&self) -> String {
        match self {
            Origin::Flag(flag) => flag.to_string(),
            Origin::Env(var) => var.clone(),
            Origin::EnvFile { var, file } => format!("{var} in {}", file.display()),
            Origin::Profile { name, .. } => format!("profile {name}"),
            Origin::Sandbox => "--sandbox".into(),
            Origin::Job(job) => format!("job {job}"),
            Origin::Default => "default".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sourced<T> {
    pub value: T,
    pub origin: Origin,
}
