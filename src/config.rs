//! Settings resolution: flag > environment > profile in the config file > default.
//!
//! Every resolved value remembers where it came from, so `dlq config show` and error messages
//! can say "token from QSTASH_TOKEN". The environment is read through a function, so tests
//! resolve settings from a map instead of mutating the process environment.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::cli::GlobalArgs;
use crate::error::{CliError, Kind, Result};

pub const DEFAULT_URL: &str = "https://qstash.upstash.io";
const REGIONS: [&str; 2] = ["EU_CENTRAL_1", "US_EAST_1"];

/// A token. Its `Debug` and `Display` never show it; only [`Secret::expose`] does.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
    /// A hint that tells tokens apart without revealing them: the last four characters.
    pub fn masked(&self) -> String {
        let n = self.0.chars().count();
        if n < 12 {
            return "****".to_string();
        }
        let tail: String = self.0.chars().skip(n - 4).collect();
        format!("****{tail} ({n} chars)")
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

/// Where a setting came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Flag(&'static str),
    Env(String),
    Profile { name: String, file: PathBuf },
    Sandbox,
    Default,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flag(flag) => write!(f, "flag {flag}"),
            Origin::Env(var) => write!(f, "environment {var}"),
            Origin::Profile { name, file } => write!(f, "profile {name:?} in {}", file.display()),
            Origin::Sandbox => f.write_str("--sandbox"),
            Origin::Default => f.write_str("default"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sourced<T> {
    pub value: T,
    pub origin: Origin,
}

/// The resolved settings of one invocation.
#[derive(Debug, Clone)]
pub struct Settings {
    pub token: Option<Sourced<Secret>>,
    pub url: Sourced<String>,
    pub profile: Sourced<String>,
    pub config_file: PathBuf,
    /// Things the user should know, such as an unknown QSTASH_REGION.
    pub warnings: Vec<String>,
}

/// The config file: named profiles and the one in use.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<Secret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The directory of `config.toml`: `DLQ_CONFIG_DIR`, else the OS's config directory.
pub fn config_dir(env: &dyn Fn(&str) -> Option<String>) -> Result<PathBuf> {
    if let Some(dir) = env("DLQ_CONFIG_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "dlq")
        .map(|d| d.config_dir().to_path_buf())
        .ok_or_else(|| CliError::failure("cannot find a home directory; set DLQ_CONFIG_DIR"))
}

impl ConfigFile {
    /// Reads the file; a missing file is an empty config, an unreadable or malformed one is an
    /// error that names the file and the line. It is never silently replaced.
    pub fn load(path: &Path) -> Result<ConfigFile> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(ConfigFile::default()),
            Err(e) => {
                return Err(CliError::failure(format!(
                    "cannot read config file {}: {e}",
                    path.display()
                )))
            }
        };
        toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| format!(" at line {}", text[..s.start].lines().count().max(1)))
                .unwrap_or_default();
            CliError::failure(format!(
                "config file {}{line} is malformed: {}",
                path.display(),
                e.message()
            ))
            .hint("fix or remove the file; dlq never overwrites a file it cannot read")
        })
    }

    /// Writes the file atomically (temporary file, fsync, rename) with mode 0600.
    pub fn save(&self, path: &Path) -> Result<()> {
        let text = toml::to_string_pretty(self)
            .map_err(|e| CliError::failure(format!("cannot encode config: {e}")))?;
        crate::fsutil::write_atomic(path, text.as_bytes(), true)
            .map_err(|e| CliError::failure(format!("cannot write {}: {e}", path.display())))
    }
}

impl Settings {
    /// Resolves settings from the flags, an environment lookup and the config file.
    pub fn resolve(g: &GlobalArgs, env: &dyn Fn(&str) -> Option<String>) -> Result<Settings> {
        let env_nonempty = |k: &str| env(k).filter(|v| !v.is_empty());
        let config_file = config_dir(env)?.join("config.toml");
        let file = ConfigFile::load(&config_file)?;
        let mut warnings = Vec::new();

        let profile = if let Some(p) = &g.profile {
            Sourced {
                value: p.clone(),
                origin: Origin::Flag("--profile"),
            }
        } else if let Some(p) = env_nonempty("DLQ_PROFILE") {
            Sourced {
                value: p,
                origin: Origin::Env("DLQ_PROFILE".into()),
            }
        } else if let Some(p) = &file.current {
            Sourced {
                value: p.clone(),
                origin: Origin::Profile {
                    name: p.clone(),
                    file: config_file.clone(),
                },
            }
        } else {
            Sourced {
                value: "default".into(),
                origin: Origin::Default,
            }
        };
        let chosen = file.profiles.get(&profile.value);
        if chosen.is_none() && profile.origin != Origin::Default && !file.profiles.is_empty() {
            let known: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
            return Err(CliError::usage(format!(
                "no profile {:?} in {} (known: {})",
                profile.value,
                config_file.display(),
                known.join(", ")
            )));
        }
        let from_profile = |v: Option<&String>| {
            v.map(|v| Sourced {
                value: v.clone(),
                origin: Origin::Profile {
                    name: profile.value.clone(),
                    file: config_file.clone(),
                },
            })
        };

        // QSTASH_REGION picks <REGION>_QSTASH_URL/_TOKEN when both exist, as the SDK does.
        let mut region_pair = None;
        if let Some(r) = env_nonempty("QSTASH_REGION") {
            let r = r.replace('-', "_").to_ascii_uppercase();
            if REGIONS.contains(&r.as_str()) {
                let (uk, tk) = (format!("{r}_QSTASH_URL"), format!("{r}_QSTASH_TOKEN"));
                if let (Some(u), Some(t)) = (env_nonempty(&uk), env_nonempty(&tk)) {
                    region_pair = Some((
                        Sourced {
                            value: u,
                            origin: Origin::Env(uk),
                        },
                        Sourced {
                            value: Secret::new(t),
                            origin: Origin::Env(tk),
                        },
                    ));
                }
            } else {
                warnings.push(format!(
                    "QSTASH_REGION={r} is not a known region (EU_CENTRAL_1, US_EAST_1); ignored"
                ));
            }
        }

        let token = if let Some(t) = &g.token {
            Some(Sourced {
                value: Secret::new(t.clone()),
                origin: Origin::Flag("--token"),
            })
        } else if let Some((_, t)) = &region_pair {
            Some(t.clone())
        } else if let Some(t) = env_nonempty("QSTASH_TOKEN") {
            Some(Sourced {
                value: Secret::new(t),
                origin: Origin::Env("QSTASH_TOKEN".into()),
            })
        } else {
            chosen.and_then(|p| p.token.clone()).map(|value| Sourced {
                value,
                origin: Origin::Profile {
                    name: profile.value.clone(),
                    file: config_file.clone(),
                },
            })
        };

        let url = if let Some(u) = &g.url {
            Sourced {
                value: u.clone(),
                origin: Origin::Flag("--url"),
            }
        } else if let Some(u) = &g.base_url {
            Sourced {
                value: u.clone(),
                origin: Origin::Flag("--base-url"),
            }
        } else if let Some((u, _)) = region_pair {
            u
        } else if let Some(u) = env_nonempty("QSTASH_URL") {
            Sourced {
                value: u,
                origin: Origin::Env("QSTASH_URL".into()),
            }
        } else if let Some(u) = from_profile(chosen.and_then(|p| p.url.as_ref())) {
            u
        } else {
            Sourced {
                value: DEFAULT_URL.into(),
                origin: Origin::Default,
            }
        };
        let url = Sourced {
            value: normalize_url(&url.value),
            origin: url.origin,
        };

        Ok(Settings {
            token,
            url,
            profile,
            config_file,
            warnings,
        })
    }

    /// The token, or an authentication error that says how to set one.
    pub fn require_token(&self) -> Result<&Secret> {
        self.token.as_ref().map(|t| &t.value).ok_or_else(|| {
            CliError::new(Kind::Auth, "no QStash token configured")
                .hint("export QSTASH_TOKEN=... (the token is on the QStash page of the Upstash console)")
                .hint("or store one in a profile: `dlq config set-token`")
                .hint("or try dlq without an account: `dlq --sandbox list`")
        })
    }
}

/// Strips one trailing slash; the SDK's old publish URL means the default base (API.md 1.1).
fn normalize_url(u: &str) -> String {
    let u = u.trim();
    if u == "https://qstash.upstash.io/v2/publish" {
        return DEFAULT_URL.to_string();
    }
    u.strip_suffix('/').unwrap_or(u).to_string()
}

/// Where journals and the `--sandbox` state live: `DLQ_STATE_DIR`, else the OS's state (or
/// local data) directory.
pub fn state_dir(env: &dyn Fn(&str) -> Option<String>) -> Result<PathBuf> {
    if let Some(dir) = env("DLQ_STATE_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "dlq")
        .map(|d| d.state_dir().unwrap_or(d.data_local_dir()).to_path_buf())
        .ok_or_else(|| CliError::failure("cannot find a home directory; set DLQ_STATE_DIR"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn resolve(args: &[&str], vars: &[(&str, &str)], file: Option<&str>) -> Result<Settings> {
        let dir = tempfile::tempdir().unwrap();
        if let Some(text) = file {
            std::fs::write(dir.path().join("config.toml"), text).unwrap();
        }
        let mut vars: BTreeMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        vars.insert("DLQ_CONFIG_DIR".into(), dir.path().display().to_string());
        let mut argv = vec!["dlq"];
        argv.extend_from_slice(args);
        argv.push("list");
        let cli = crate::cli::Cli::try_parse_from(argv).unwrap();
        Settings::resolve(&cli.global, &|k| vars.get(k).cloned())
    }

    #[test]
    fn flag_beats_env_beats_profile_beats_default() {
        let file = "current = \"p\"\n[profiles.p]\ntoken = \"file-token\"\nurl = \"https://file.example/\"\n";
        let s = resolve(&[], &[], Some(file)).unwrap();
        assert_eq!(s.token.as_ref().unwrap().value.expose(), "file-token");
        assert_eq!(s.url.value, "https://file.example");
        assert!(matches!(s.url.origin, Origin::Profile { .. }));

        let s = resolve(&[], &[("QSTASH_TOKEN", "env-token")], Some(file)).unwrap();
        assert_eq!(
            s.token.as_ref().unwrap().origin,
            Origin::Env("QSTASH_TOKEN".into())
        );

        let s = resolve(&["--token", "flag"], &[("QSTASH_TOKEN", "env")], Some(file)).unwrap();
        assert_eq!(s.token.unwrap().value.expose(), "flag");

        let s = resolve(&[], &[], None).unwrap();
        assert!(s.token.is_none());
        assert_eq!(
            s.url,
            Sourced {
                value: DEFAULT_URL.into(),
                origin: Origin::Default
            }
        );
    }

    #[test]
    fn region_variables_as_the_sdk_reads_them() {
        let vars = [
            ("QSTASH_REGION", "us-east-1"),
            (
                "US_EAST_1_QSTASH_URL",
                "https://qstash-us-east-1.upstash.io",
            ),
            ("US_EAST_1_QSTASH_TOKEN", "us-token"),
            ("QSTASH_TOKEN", "plain"),
        ];
        let s = resolve(&[], &vars, None).unwrap();
        assert_eq!(s.token.unwrap().value.expose(), "us-token");
        assert_eq!(s.url.value, "https://qstash-us-east-1.upstash.io");
        // Only one of the pair set: fall back to the plain variables.
        let s = resolve(&[], &vars[..2], None).unwrap();
        assert_eq!(s.url.origin, Origin::Default);
        let s = resolve(&[], &[("QSTASH_REGION", "mars")], None).unwrap();
        assert_eq!(s.warnings.len(), 1);
    }

    #[test]
    fn malformed_file_names_file_and_line() {
        let err = resolve(&[], &[], Some("current = \"p\"\n[profiles.p]\ntoken = \n")).unwrap_err();
        assert!(
            err.message.contains("config.toml at line 3"),
            "{}",
            err.message
        );
    }

    #[test]
    fn secrets_do_not_print() {
        let s = Secret::new("eyJVc2VySUQiOiJzZWNyZXQi");
        assert!(!format!("{s:?}{s}").contains("eyJ"));
        assert!(!s.masked().contains("eyJ"));
    }
}
