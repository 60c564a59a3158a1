//! What every command receives: resolved settings, the output layer, one `now`, the client.

use std::time::Duration;

use crate::api::{self, Client, ClientConfig};
use crate::cli::GlobalArgs;
use crate::config::{Origin, Secret, Settings, Sourced};
use crate::error::{CliError, Result};
use crate::output::Output;

pub struct Ctx {
    pub global: GlobalArgs,
    pub settings: Settings,
    pub out: Output,
    /// The one "now" of this invocation, so relative times mean the same on every page.
    pub now_ms: i64,
    /// Where bulk-run journals live (`DLQ_STATE_DIR` or the OS state directory).
    pub state_dir: std::path::PathBuf,
    /// Keeps the in-process sandbox of `--sandbox` alive for the command's lifetime.
    _sandbox: Option<crate::sandbox::Embedded>,
}

pub type Env = dyn Fn(&str) -> Option<String>;

impl Ctx {
    pub async fn new(global: GlobalArgs, env: &Env) -> Result<Ctx> {
        let out = Output::new(&global, env);
        let mut settings = Settings::resolve(&global, env)?;
        for w in &settings.warnings {
            out.warn(w);
        }
        let state_dir = crate::config::state_dir(env)?;
        let mut sandbox = None;
        if global.sandbox {
            let dir = state_dir.join("sandbox");
            let sb = crate::sandbox::Embedded::start(&dir)
                .await
                .map_err(|e| CliError::failure(format!("cannot start the sandbox: {e}")))?;
            settings.url = Sourced {
                value: sb.url.clone(),
                origin: Origin::Sandbox,
            };
            settings.token = Some(Sourced {
                value: Secret::new(sb.token.clone()),
                origin: Origin::Sandbox,
            });
            out.info(&format!(
                "using the local sandbox ({}); state in {}",
                sb.url,
                dir.display()
            ));
            sandbox = Some(sb);
        }
        Ok(Ctx {
            global,
            settings,
            out,
            now_ms: jiff::Timestamp::now().as_millisecond(),
            state_dir,
            _sandbox: sandbox,
        })
    }

    /// The API client. Fails with exit 4 when no token is configured.
    pub fn api(&self) -> Result<Client> {
        let token = self.settings.require_token()?.clone();
        let url = &self.settings.url.value;
        check_url(url, &self.settings.url.origin)?;
        let logger: Option<api::Logger> = if self.global.debug {
            Some(std::sync::Arc::new(|line: &str| {
                eprintln!("debug: {}", crate::output::text::safe(line))
            }))
        } else {
            None
        };
        Client::new(ClientConfig {
            base_url: url.clone(),
            token,
            timeout: self.global.timeout.unwrap_or(Duration::from_secs(30)),
            attempts: 5,
            logger,
        })
        .map_err(CliError::from)
    }
}

/// Refuses plain http to anything but loopback: the token would cross the network in clear.
fn check_url(url: &str, origin: &Origin) -> Result<()> {
    let Some(rest) = url.strip_prefix("http://") else {
        if url.starts_with("https://") {
            return Ok(());
        }
        return Err(CliError::usage(format!(
            "base URL {url:?} ({origin}) must start with https://"
        )));
    };
    let host = rest.split(['/', '?']).next().unwrap_or("");
    let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
    if matches!(host, "localhost" | "127.0.0.1" | "[::1]") || host.starts_with("127.") {
        return Ok(());
    }
    if std::env::var_os("DLQ_ALLOW_HTTP").is_some() {
        return Ok(());
    }
    Err(CliError::usage(format!(
        "refusing plain http to {host} ({origin}): the token would travel unencrypted"
    ))
    .hint("use https://, or set DLQ_ALLOW_HTTP=1 if you really mean it"))
}
