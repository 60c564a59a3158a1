//! Where settings come from, and which source wins: the environment (with an `--env-file`
//! below it), profiles of the config file, and the ranking of the units they supply, with the
//! notes that say which won where several had values.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::file::read_env_file;
use super::{ConfigFile, Flags, Origin, Sourced, REGIONS};
use crate::error::Result;

/// The environment as settings read it: the real one first, then the `--env-file`.
pub struct Vars<'a> {
    env: &'a dyn Fn(&str) -> Option<String>,
    dotenv: BTreeMap<String, String>,
    env_file: Option<PathBuf>,
}

impl<'a> Vars<'a> {
    pub fn new(g: &Flags, env: &'a dyn Fn(&str) -> Option<String>) -> Result<Vars<'a>> {
        let dotenv = match &g.env_file {
            Some(path) => read_env_file(path)?,
            None => BTreeMap::new(),
        };
        Ok(Vars {
            env,
            dotenv,
            env_file: g.env_file.clone(),
        })
    }

    /// A variable's value and where it was found; an empty value is no value.
    pub fn get(&self, k: &str) -> Option<Sourced<String>> {
        if let Some(v) = (self.env)(k).filter(|v| !v.is_empty()) {
            return Some(Sourced {
                value: v,
                origin: Origin::Env(k.to_string()),
            });
        }
        let v = self.dotenv.get(k).filter(|v| !v.is_empty())?;
        Some(Sourced {
            value: v.clone(),
            origin: Origin::EnvFile {
                var: k.to_string(),
                file: self.env_file.clone().unwrap_or_default(),
            },
        })
    }

    /// The environment's unit: `QSTASH_REGION` picks `<REGION>_QSTASH_URL`/`_TOKEN` when both
    /// exist, as the SDK does; an unknown region is a warning.
    pub fn unit(&self, warnings: &mut Vec<String>) -> Unit {
        let mut region_pair = None;
        if let Some(r) = self.get("QSTASH_REGION") {
            let r = r.value.replace('-', "_").to_ascii_uppercase();
            if REGIONS.contains(&r.as_str()) {
                region_pair = self
                    .get(&format!("{r}_QSTASH_URL"))
                    .zip(self.get(&format!("{r}_QSTASH_TOKEN")));
            } else {
                warnings.push(format!(
                    "QSTASH_REGION={r} is not a known region (EU_CENTRAL_1, US_EAST_1); ignored"
                ));
            }
        }
        let (region_url, region_token) = region_pair.unzip();
        Unit {
            token: region_token.or_else(|| self.get("QSTASH_TOKEN")),
            url: region_url.or_else(|| self.get("QSTASH_URL")),
        }
    }
}

/// A flag's value, from the flag.
pub fn flag(v: &Option<String>, name: &'static str) -> Option<Sourced<String>> {
    v.clone().map(|value| Sourced {
        value,
        origin: Origin::Flag(name),
    })
}

/// The profiles of the config file, as sources.
pub struct Profiles<'f> {
    pub file: &'f ConfigFile,
    pub path: &'f Path,
}

impl Profiles<'_> {
    pub fn origin(&self, name: &str) -> Origin {
        Origin::Profile {
            name: name.to_string(),
            file: self.path.to_path_buf(),
        }
    }

    /// The profile in use: the one named explicitly, else the file's current one, else
    /// `default`.
    pub fn chosen(&self, explicit: &Option<Sourced<String>>) -> Sourced<String> {
        explicit
            .clone()
            .or_else(|| {
                self.file.current.clone().map(|p| Sourced {
                    origin: self.origin(&p),
                    value: p,
                })
            })
            .unwrap_or(Sourced {
                value: "default".into(),
                origin: Origin::Default,
            })
    }

    /// A profile named but not in the file. Not an error yet: `config set-token` creates
    /// profiles; talking to the API refuses.
    pub fn missing(&self, profile: &Sourced<String>) -> Option<String> {
        let there = self.file.profiles.contains_key(&profile.value);
        (!there && profile.origin != Origin::Default).then(|| {
            let known: Vec<&str> = self.file.profiles.keys().map(String::as_str).collect();
            format!(
                "no profile {:?} in {} (known: {})",
                profile.value,
                self.path.display(),
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            )
        })
    }

    /// What the profile `name` supplies; the chosen profile's values are the only ones read.
    pub fn unit(&self, chosen: &str, name: &str) -> Unit {
        let p = self.file.profiles.get(chosen);
        Unit {
            token: p.and_then(|p| p.token.as_ref()).map(|t| Sourced {
                value: t.expose().to_string(),
                origin: self.origin(name),
            }),
            url: p.and_then(|p| p.url.as_ref()).map(|u| Sourced {
                value: u.clone(),
                origin: self.origin(name),
            }),
        }
    }
}

/// What one source (a profile, the environment) supplies: the token and URL travel together.
#[derive(Debug, Clone, Default)]
pub struct Unit {
    pub token: Option<Sourced<String>>,
    pub url: Option<Sourced<String>>,
}

impl Unit {
    fn is_empty(&self) -> bool {
        self.token.is_none() && self.url.is_none()
    }

    /// How notes name the environment's unit: `QSTASH_TOKEN and QSTASH_URL`.
    fn label(&self) -> String {
        let names: Vec<String> = [&self.token, &self.url]
            .into_iter()
            .flatten()
            .map(|v| match &v.origin {
                Origin::Env(var) => var.clone(),
                other => other.to_string(),
            })
            .collect();
        if names.is_empty() {
            "the environment".to_string()
        } else {
            names.join(" and ")
        }
    }
}

/// The units below the flags, best first, each with how a note names it.
pub struct Ranked(Vec<(String, Unit)>);

impl Ranked {
    /// A profile chosen explicitly, then the environment, then the file's current profile.
    pub fn new(
        explicit: &Option<Sourced<String>>,
        env: Unit,
        profiles: &Profiles,
        chosen: &str,
    ) -> Ranked {
        let mut ranked = Vec::new();
        if let Some(p) = explicit {
            let label = format!("profile {:?} ({})", p.value, p.origin);
            ranked.push((label, profiles.unit(chosen, &p.value)));
        }
        ranked.push((env.label(), env));
        if let (None, Some(current)) = (explicit, &profiles.file.current) {
            let label = format!("profile {current:?} (current in the config file)");
            ranked.push((label, profiles.unit(chosen, current)));
        }
        Ranked(ranked)
    }

    fn winner(&self) -> Option<usize> {
        self.0.iter().position(|(_, u)| !u.is_empty())
    }

    /// The first unit that supplies anything supplies both.
    pub fn unit(&self) -> Unit {
        self.winner()
            .map(|i| self.0[i].1.clone())
            .unwrap_or_default()
    }

    /// Which source won where several had values, one line each; the flags win over all.
    pub fn notes(&self, flags: &Unit) -> Vec<String> {
        let mut notes = Vec::new();
        if let Some(i) = self.winner() {
            let shadowed: Vec<&str> = self.0[i + 1..]
                .iter()
                .filter(|(_, u)| !u.is_empty())
                .map(|(label, _)| label.as_str())
                .collect();
            if !shadowed.is_empty() && flags.is_empty() {
                notes.push(format!(
                    "using {}; ignoring {}",
                    self.0[i].0,
                    shadowed.join(" and ")
                ));
            }
        }
        let unit = self.unit();
        if let (Some(_), Some(t)) = (&flags.token, &unit.token) {
            notes.push(format!(
                "using --token; ignoring the token from {}",
                t.origin
            ));
        }
        if let (Some(_), Some(u)) = (&flags.url, &unit.url) {
            notes.push(format!(
                "using --base-url; ignoring the URL from {}",
                u.origin
            ));
        }
        notes
    }
}
