//! The files settings come from: the config file of named profiles, an `--env-file`, and where
//! dlq keeps its config and state.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{CliError, Result};
use crate::secret::Secret;

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

/// Reads a dotenv file: `KEY=value` lines, optional `export `, quotes, `#` comments.
/// A dotenv file is a few lines; anything larger is not one (`/dev/zero` would never end).
const ENV_FILE_MAX: u64 = 1 << 20;

pub(super) fn read_env_file(path: &Path) -> Result<BTreeMap<String, String>> {
    use std::io::Read;
    let cannot = |e: &dyn fmt::Display| {
        CliError::usage(format!("cannot read --env-file {}: {e}", path.display()))
    };
    let meta = std::fs::metadata(path).map_err(|e| cannot(&e))?;
    if !meta.is_file() {
        return Err(cannot(&"not a regular file"));
    }
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(ENV_FILE_MAX + 1).read_to_string(&mut text))
        .map_err(|e| cannot(&e))?;
    if text.len() as u64 > ENV_FILE_MAX {
        return Err(cannot(&"larger than 1 MiB; a dotenv file is a few lines"));
    }
    let mut vars = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((k, v)) = line.split_once('=') else {
            return Err(CliError::usage(format!(
                "{} line {}: expected KEY=value",
                path.display(),
                n + 1
            )));
        };
        let v = v.trim();
        let v = match (v.chars().next(), v.chars().last()) {
            (Some(q @ ('"' | '\'')), Some(e)) if q == e && v.len() >= 2 => &v[1..v.len() - 1],
            _ => v.split(" #").next().unwrap_or(v).trim(),
        };
        vars.insert(k.trim().to_string(), v.to_string());
    }
    Ok(vars)
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
