//! What every command receives: resolved settings, the output layer, one `now`, and the
//! target a client is built for.

use std::time::Duration;

use crate::api::{self, Client, ClientConfig};
use crate::args::global::GlobalArgs;
use crate::bulk::journal::TargetRecord;
use crate::cmdline::{Aim, CommandLine, Places};
use crate::config::{Origin, Settings, Sourced};
use crate::error::{CliError, Kind, Result};
use crate::output::Output;
use crate::secret::Secret;
use crate::target::{check_continue, check_url, fingerprint, host_of, Named, Target};

pub struct Ctx {
    pub global: GlobalArgs,
    pub settings: Settings,
    pub out: Output,
    /// The one "now" of this invocation, so relative times mean the same on every page.
    pub now_ms: i64,
    /// Where bulk-run journals live (`DLQ_STATE_DIR` or the OS state directory).
    pub state_dir: std::path::PathBuf,
    /// The state and config directories the environment moved, for printed command lines.
    pub places: Places,
    limits: Limits,
    /// The in-process sandbox of `--sandbox`, alive for the command's lifetime.
    sandbox: Option<dlq_sandbox::embedded::Embedded>,
}

/// Settings of the transport that come from the environment.
struct Limits {
    allow_http: bool,
    max_body: u64,
    budget: Duration,
}

pub type Env = dyn Fn(&str) -> Option<String>;

/// A target, with the in-process sandbox it may need kept alive.
pub struct Bound {
    pub target: Target,
    _sandbox: Option<dlq_sandbox::embedded::Embedded>,
}

impl Ctx {
    pub async fn new(global: GlobalArgs, env: &Env) -> Result<Ctx> {
        Ctx::on(global, env, std::sync::Arc::new(crate::terminal::Real)).await
    }

    /// The same on `term`: a scripted terminal runs a command's prompts in a test.
    pub async fn on(
        global: GlobalArgs,
        env: &Env,
        term: std::sync::Arc<dyn crate::terminal::Terminal>,
    ) -> Result<Ctx> {
        let out = Output::on(&global.output_options(), env, term);
        let settings = Settings::resolve(&global.settings_flags(), env)?;
        for w in &settings.warnings {
            out.warn(w);
        }
        let limits = Limits::from_env(env)?;
        let state_dir = crate::config::state_dir(env)?;
        let mut sandbox = None;
        if global.sandbox {
            if global.token.is_some() || global.base_url.is_some() {
                return Err(CliError::usage(
                    "--sandbox names the local sandbox; --token and --base-url name another server",
                )
                .hint("drop one of them"));
            }
            let dir = state_dir.join("sandbox");
            let sb = dlq_sandbox::embedded::Embedded::start(&dir)
                .await
                .map_err(|e| CliError::failure(format!("cannot start the sandbox: {e}")))?;
            let ignored = ignored_by_sandbox(&settings);
            out.info_wrapped(&format!(
                "using the local sandbox ({}); state in {}{ignored}",
                sb.url,
                dir.display()
            ));
            sandbox = Some(sb);
        } else {
            for n in &settings.notes {
                out.info(&format!("note: {n}"));
            }
        }
        Ok(Ctx {
            global,
            settings,
            out,
            now_ms: jiff::Timestamp::now().as_millisecond(),
            state_dir,
            places: Places::from_env(env),
            limits,
            sandbox,
        })
    }

    /// Where this command acts: the local sandbox, or the resolved URL with the resolved token.
    /// Fails with exit 4 when no token is configured, exit 2 for a URL the token must not go to.
    pub fn target(&self) -> Result<Target> {
        if let Some(sb) = &self.sandbox {
            return Ok(Target::sandbox(&sb.url, &sb.token));
        }
        self.settings.require_token()?;
        let token = self.settings.token.clone().expect("checked above");
        let url = self.settings.url.clone();
        check_url(&url.value, &url.origin, self.limits.allow_http)?;
        self.out.detail(&format!(
            "target: {} (URL from {}, token from {})",
            url.value, url.origin, token.origin
        ));
        Ok(Target {
            url,
            token,
            profile: self.settings.used_profile.clone(),
            sandbox: false,
        })
    }

    /// Where this session acts, for the command lines it prints: `--sandbox`, the profile that
    /// supplied the token or URL (even the config file's current one, so another shell's
    /// current profile does not take over), or the base URL, which is named even when it is
    /// the default, since a shell's QSTASH_URL would point the line elsewhere.
    pub fn aim(&self) -> Aim {
        if self.global.sandbox {
            return Aim::sandbox(&self.places);
        }
        let s = &self.settings;
        let env_file = s.token.as_ref().and_then(|t| match &t.origin {
            Origin::EnvFile { file, .. } => Some(file.as_path()),
            _ => None,
        });
        let profile = s.used_profile.as_deref();
        let url_of_profile =
            profile.is_some() && matches!(s.url.origin, Origin::Profile { .. } | Origin::Default);
        let base_url = (!url_of_profile).then_some(s.url.value.as_str());
        let source = s
            .token
            .as_ref()
            .map_or("nowhere yet".into(), |t| t.origin.short());
        Aim::server(&self.places, profile, base_url, env_file, &source)
    }

    /// A line that reads only this machine's files: `dlq jobs show JOB`.
    pub fn local_line<I, S>(&self, args: I) -> CommandLine
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Aim::local(&self.places).dlq(args)
    }

    /// A client for `target`.
    pub fn client(&self, target: &Target) -> Result<Client> {
        let logger: Option<api::Logger> = if self.global.debug {
            let out = self.out.clone();
            Some(std::sync::Arc::new(move |line: &str| {
                out.above_progress(&format!("debug: {}", crate::text::safe(line)))
            }))
        } else {
            None
        };
        let out = self.out.clone();
        let on_wait: api::WaitHook =
            std::sync::Arc::new(move |d, why, long| out.waiting(d, why, long));
        let server = if target.sandbox {
            "the local sandbox".to_string()
        } else {
            format!(
                "{} (base URL from {})",
                host_of(&target.url.value),
                target.url.origin
            )
        };
        Client::new(ClientConfig {
            base_url: target.url.value.clone(),
            token: target.token.value.clone(),
            timeout: self.global.timeout.unwrap_or(Duration::from_secs(30)),
            attempts: 5,
            budget: self.limits.budget,
            max_body: self.limits.max_body,
            server,
            url_from: match target.url.origin {
                _ if target.sandbox => api::UrlFrom::Elsewhere,
                Origin::Env(_) | Origin::EnvFile { .. } => api::UrlFrom::Environment,
                Origin::Profile { .. } => api::UrlFrom::Profile,
                Origin::Flag(_) => api::UrlFrom::Flag,
                Origin::Sandbox | Origin::Job(_) | Origin::Default => api::UrlFrom::Elsewhere,
            },
            logger,
            on_wait: Some(on_wait),
        })
        .map_err(CliError::from)
    }

    /// The client of this command's target.
    pub fn api(&self) -> Result<Client> {
        self.client(&self.target()?)
    }

    /// The longest a bulk run waits in back-off for one chunk (`DLQ_RETRY_BUDGET`).
    pub fn retry_budget(&self) -> Duration {
        self.limits.budget
    }

    /// What this invocation names on its own: flags, the environment, an explicit profile,
    /// `--sandbox`. The config file's current profile and the default name nothing.
    fn named(&self) -> Named<'_> {
        let explicit_profile = matches!(
            self.settings.profile.origin,
            Origin::Flag(_) | Origin::Env(_)
        );
        let names = |o: &Origin| match o {
            Origin::Flag(_) | Origin::Env(_) | Origin::EnvFile { .. } => true,
            Origin::Profile { .. } => explicit_profile,
            Origin::Sandbox | Origin::Default | Origin::Job(_) => false,
        };
        Named {
            sandbox: self.global.sandbox,
            url: Some(&self.settings.url).filter(|u| names(&u.origin)),
            token: self.settings.token.as_ref().filter(|t| names(&t.origin)),
        }
    }

    /// The target of `--continue JOB`: the one the job recorded, after checking that nothing
    /// in this invocation names another. The token is this invocation's when it is the job's
    /// (same fingerprint), else the recorded profile's; never one that differs.
    /// `again` is the line that does the same on the job's target, for a refusal to show.
    pub async fn rebind(
        &self,
        job: &str,
        rec: &TargetRecord,
        again: &CommandLine,
    ) -> Result<Bound> {
        check_continue(job, rec, &self.named(), again, &self.places)?;
        if rec.sandbox {
            let started = match &self.sandbox {
                Some(_) => None,
                None => {
                    let dir = self.state_dir.join("sandbox");
                    let sb = dlq_sandbox::embedded::Embedded::start(&dir)
                        .await
                        .map_err(|e| CliError::failure(format!("cannot start the sandbox: {e}")))?;
                    Some(sb)
                }
            };
            let sb = started
                .as_ref()
                .or(self.sandbox.as_ref())
                .expect("one of the two");
            if fingerprint(&Secret::new(sb.token.clone())) != rec.token_fingerprint {
                return Err(CliError::usage(format!(
                    "job {job} ran against the local sandbox, which was reset since: the entries \
                     it planned are gone"
                ))
                .hint(format!(
                    "`{}` removes the job",
                    self.local_line(["jobs", "forget", job])
                )));
            }
            return Ok(Bound {
                target: Target::sandbox(&sb.url, &sb.token),
                _sandbox: started,
            });
        }
        let matches = |t: &Secret| fingerprint(t) == rec.token_fingerprint;
        let token = match &self.settings.token {
            Some(t) if matches(&t.value) => t.clone(),
            _ => self.profile_token(rec).filter(|t| matches(&t.value)).ok_or_else(|| {
                CliError::new(
                    Kind::Auth,
                    format!(
                        "job {job} ran with the token from {}; that token is not set here",
                        rec.token_source
                    ),
                )
                .hint("set the same token again (e.g. export QSTASH_TOKEN=...) and run the same line")
            })?,
        };
        let origin = Origin::Job(job.to_string());
        check_url(&rec.base_url, &origin, self.limits.allow_http)?;
        Ok(Bound {
            target: Target {
                url: Sourced {
                    value: rec.base_url.clone(),
                    origin,
                },
                token,
                profile: rec.profile.clone(),
                sandbox: false,
            },
            _sandbox: None,
        })
    }

    /// The token of the profile a job recorded, from the config file as it is now.
    fn profile_token(&self, rec: &TargetRecord) -> Option<Sourced<Secret>> {
        let name = rec.profile.as_ref()?;
        let file = crate::config::ConfigFile::load(&self.settings.config_file).ok()?;
        let token = file.profiles.get(name)?.token.clone()?;
        Some(Sourced {
            value: token,
            origin: Origin::Profile {
                name: name.clone(),
                file: self.settings.config_file.clone(),
            },
        })
    }
}

/// "; ignoring QSTASH_TOKEN from the environment": what `--sandbox` overrides, if anything.
fn ignored_by_sandbox(s: &Settings) -> String {
    let mut names = Vec::new();
    if let Some(t) = &s.token {
        names.push(format!("the token from {}", t.origin));
    }
    if s.url.origin != Origin::Default {
        names.push(format!("the URL from {}", s.url.origin));
    }
    if names.is_empty() {
        String::new()
    } else {
        format!("; ignoring {}", names.join(" and "))
    }
}

impl Limits {
    fn from_env(env: &Env) -> Result<Limits> {
        let max_body = match env("DLQ_MAX_RESPONSE_MB").filter(|v| !v.is_empty()) {
            None => api::DEFAULT_MAX_BODY,
            Some(v) => match v.trim().parse::<u64>() {
                Ok(mb @ 1..=4096) => mb << 20,
                _ => {
                    return Err(CliError::usage(format!(
                        "DLQ_MAX_RESPONSE_MB={v:?}: give a number of MiB from 1 to 4096"
                    )))
                }
            },
        };
        let budget = match env("DLQ_RETRY_BUDGET").filter(|v| !v.is_empty()) {
            None => Duration::from_secs(60),
            Some(v) => crate::args::values::parse_duration(&v)
                .map_err(|e| CliError::usage(format!("DLQ_RETRY_BUDGET: {e}")))?,
        };
        Ok(Limits {
            allow_http: env("DLQ_ALLOW_HTTP").is_some_and(|v| !v.is_empty() && v != "0"),
            max_body,
            budget,
        })
    }
}
