//! Settings resolution: flag > environment > profile in the config file > default.
//!
//! Every resolved value remembers where it came from, so `dlq config show` and error messages
//! can say "token from QSTASH_TOKEN". The environment is read through a function, so tests
//! resolve settings from a map instead of mutating the process environment.

mod file;
mod sources;
mod values;

use std::path::PathBuf;

use crate::error::{CliError, Kind, Result};
use crate::secret::Secret;

pub use file::{config_dir, state_dir, ConfigFile, Profile};
pub use values::{Origin, Sourced};

use sources::{flag, Profiles, Ranked, Unit, Vars};

pub const DEFAULT_URL: &str = "https://qstash.upstash.io";
const REGIONS: [&str; 2] = ["EU_CENTRAL_1", "US_EAST_1"];

/// What the command line says about settings: the flags that name a token, a server or where
/// to find them. The clap grammar (`crate::args::global`) fills it; settings know no grammar.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    /// `--token`
    pub token: Option<String>,
    /// `--base-url`
    pub base_url: Option<String>,
    /// `--env-file`
    pub env_file: Option<PathBuf>,
    /// `--profile`
    pub profile: Option<String>,
}

/// The resolved settings of one invocation.
#[derive(Debug, Clone)]
pub struct Settings {
    pub token: Option<Sourced<Secret>>,
    pub url: Sourced<String>,
    pub profile: Sourced<String>,
    pub config_file: PathBuf,
    /// The profile that supplied the token or URL, if one did.
    pub used_profile: Option<String>,
    /// Things the user should know, such as an unknown QSTASH_REGION.
    pub warnings: Vec<String>,
    /// Which source won where several had values: one line each, for stderr.
    pub notes: Vec<String>,
    /// Set when the chosen profile is not in the config file.
    pub missing_profile: Option<String>,
}

impl Settings {
    /// Resolves settings from the flags, an environment lookup, an optional `--env-file`, and
    /// the config file. The real environment wins over the env file, as dotenv tools do.
    ///
    /// Sources rank: flags, then a profile chosen explicitly (`--profile`, `DLQ_PROFILE`), then
    /// the environment, then the config file's current profile, then the default. A profile and
    /// the environment each supply the token and the base URL together (a missing URL means the
    /// default), so a token never travels to a server named by another source; only a flag can
    /// combine them. When a source shadows another that had values, `notes` says which won.
    pub fn resolve(g: &Flags, env: &dyn Fn(&str) -> Option<String>) -> Result<Settings> {
        let vars = Vars::new(g, env)?;
        let config_file = config_dir(env)?.join("config.toml");
        let file = ConfigFile::load(&config_file)?;
        let profiles = Profiles {
            file: &file,
            path: &config_file,
        };
        let mut warnings = Vec::new();
        let explicit = flag(&g.profile, "--profile").or_else(|| vars.get("DLQ_PROFILE"));
        let profile = profiles.chosen(&explicit);
        let missing_profile = profiles.missing(&profile);
        let ranked = Ranked::new(
            &explicit,
            vars.unit(&mut warnings),
            &profiles,
            &profile.value,
        );
        let flags = Unit {
            token: flag(&g.token, "--token"),
            url: flag(&g.base_url, "--base-url"),
        };
        let notes = ranked.notes(&flags);
        let unit = ranked.unit();
        let token = flags.token.or(unit.token).map(|t| Sourced {
            value: Secret::new(t.value),
            origin: t.origin,
        });
        let url = flags.url.or(unit.url).unwrap_or(Sourced {
            value: DEFAULT_URL.into(),
            origin: Origin::Default,
        });
        let url = Sourced {
            value: normalize_url(&url.value),
            origin: url.origin,
        };
        let used_profile = used_profile(&token, &url);
        Ok(Settings {
            token,
            url,
            profile,
            used_profile,
            config_file,
            warnings,
            notes,
            missing_profile,
        })
    }

    /// The token, or an authentication error that says how to set one.
    pub fn require_token(&self) -> Result<&Secret> {
        if let Some(m) = &self.missing_profile {
            return Err(CliError::usage(m.clone())
                .hint("create it with `dlq --profile NAME config set-token`"));
        }
        self.token.as_ref().map(|t| &t.value).ok_or_else(|| {
            CliError::new(Kind::Auth, "no QStash token configured")
                .hint("export QSTASH_TOKEN=... (the token is on the QStash page of the Upstash console)")
                .hint("or store one in a profile: `dlq config set-token`")
                .hint("or try dlq without an account: `dlq --sandbox list`")
        })
    }
}

/// The profile in use is the one that supplied the token or the URL; otherwise none is.
fn used_profile(token: &Option<Sourced<Secret>>, url: &Sourced<String>) -> Option<String> {
    [token.as_ref().map(|t| &t.origin), Some(&url.origin)]
        .into_iter()
        .flatten()
        .find_map(|o| match o {
            Origin::Profile { name, .. } => Some(name.clone()),
            _ => None,
        })
}

/// Strips one trailing slash; the SDK's old publish URL means the default base (API.md 1.1).
fn normalize_url(u: &str) -> String {
    let u = u.trim();
    if u == "https://qstash.upstash.io/v2/publish" {
        return DEFAULT_URL.to_string();
    }
    u.strip_suffix('/').unwrap_or(u).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

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
        let mut flags = Flags::default();
        for pair in args.chunks(2) {
            let value = Some(pair[1].to_string());
            match pair[0] {
                "--token" => flags.token = value,
                "--base-url" => flags.base_url = value,
                "--env-file" => flags.env_file = value.map(PathBuf::from),
                "--profile" => flags.profile = value,
                other => panic!("not a settings flag: {other}"),
            }
        }
        Settings::resolve(&flags, &|k| vars.get(k).cloned())
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
    fn env_file_is_below_the_real_environment() {
        let dir = tempfile::tempdir().unwrap();
        let env_file = dir.path().join(".env");
        std::fs::write(
            &env_file,
            "# project\nexport QSTASH_TOKEN=\"from-file\"\nQSTASH_URL=https://f.example # c\n",
        )
        .unwrap();
        let path = env_file.to_str().unwrap();
        let s = resolve(&["--env-file", path], &[], None).unwrap();
        assert_eq!(s.token.as_ref().unwrap().value.expose(), "from-file");
        assert!(matches!(s.token.unwrap().origin, Origin::EnvFile { .. }));
        assert_eq!(s.url.value, "https://f.example");
        let s = resolve(&["--env-file", path], &[("QSTASH_TOKEN", "real")], None).unwrap();
        assert_eq!(s.token.unwrap().value.expose(), "real");
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
}
