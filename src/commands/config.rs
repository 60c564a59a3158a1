//! `dlq config`: where settings come from, and the profiles of the config file.

use std::io::{Read, Write};

use clap::Subcommand;
use serde_json::json;

use crate::config::ConfigFile;
use crate::context::Ctx;
use crate::error::{CliError, Kind, Result};
use crate::output::Format;
use crate::secret::Secret;
use crate::terminal::Terminal;
use crate::text::safe;

/// Show and change settings: tokens, base URLs, profiles.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dlq config show                 every setting and where it came from (token masked)
  pbpaste | dlq --profile us config set-token --base-url https://qstash-us-east-1.upstash.io
  dlq config use us               make `us` the default profile
  dlq config list
  dlq --env-file .env config show")]
pub struct Args {
    #[command(subcommand)]
    pub command: ConfigCommand,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Show the resolved settings and where each came from (the token is masked)
    Show,
    /// Print the path of the config file
    Path,
    /// Store a token in a profile, read from standard input or a hidden prompt
    SetToken {
        /// Base URL to store with it, e.g. https://qstash-us-east-1.upstash.io
        #[arg(long = "base-url", value_name = "URL")]
        base_url: Option<String>,
    },
    /// Make PROFILE the one used by default
    Use { profile: String },
    /// List the profiles of the config file
    List,
    /// Remove a profile
    Unset { profile: String },
}

pub async fn run(ctx: &Ctx, args: Args) -> Result<()> {
    match args.command {
        ConfigCommand::Show => show(ctx),
        ConfigCommand::Path => {
            let mut w = ctx.out.stdout();
            writeln!(w, "{}", ctx.settings.config_file.display())?;
            w.flush()?;
            Ok(())
        }
        ConfigCommand::SetToken { base_url } => set_token(ctx, base_url),
        ConfigCommand::Use { profile } => {
            let path = &ctx.settings.config_file;
            let mut file = ConfigFile::load(path)?;
            if !file.profiles.contains_key(&profile) {
                return Err(CliError::usage(format!(
                    "no profile {:?} in {}",
                    safe(&profile),
                    path.display()
                ))
                .hint(format!(
                    "create it with `dlq --profile {} config set-token`",
                    safe(&profile)
                )));
            }
            file.current = Some(profile.clone());
            file.save(path)?;
            ctx.out
                .info(&format!("now using profile {:?}", safe(&profile)));
            Ok(())
        }
        ConfigCommand::List => list(ctx),
        ConfigCommand::Unset { profile } => {
            let path = &ctx.settings.config_file;
            let mut file = ConfigFile::load(path)?;
            if file.profiles.remove(&profile).is_none() {
                return Err(CliError::usage(format!(
                    "no profile {:?} in {}",
                    safe(&profile),
                    path.display()
                )));
            }
            if file.current.as_deref() == Some(profile.as_str()) {
                file.current = None;
            }
            file.save(path)?;
            ctx.out
                .info(&format!("removed profile {:?}", safe(&profile)));
            Ok(())
        }
    }
}

/// Stores a token read from stdin or a hidden prompt: never an argument, never echoed.
fn set_token(ctx: &Ctx, base_url: Option<String>) -> Result<()> {
    let token = read_token(&*ctx.out.term, &mut std::io::stdin()).inspect_err(|e| {
        if e.kind == Kind::Interrupted {
            ctx.out.info("cancelled: no token was stored");
        }
    })?;
    let path = &ctx.settings.config_file;
    let mut file = ConfigFile::load(path)?;
    let name = ctx.settings.profile.value.clone();
    let entry = file.profiles.entry(name.clone()).or_default();
    entry.token = Some(Secret::new(token));
    if let Some(u) = base_url {
        entry.url = Some(u);
    }
    if file.current.is_none() {
        file.current = Some(name.clone());
    }
    file.save(path)?;
    ctx.out.info(&format!(
        "stored the token in profile {:?} of {} (mode 0600)",
        safe(&name),
        path.display()
    ));
    Ok(())
}

/// The token: asked for, hidden, when a person is at stdin; else all of stdin (a pipe).
/// Ctrl-C at the prompt stores nothing and exits 130, as every interrupt does.
fn read_token(term: &dyn Terminal, stdin: &mut dyn Read) -> Result<String> {
    let token = if term.stdin_is_terminal() {
        term.read_secret("QStash token (input hidden)")
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::Interrupted => CliError::new(Kind::Interrupted, "cancelled"),
                _ => CliError::failure(format!("cannot read the token: {e}")),
            })?
    } else {
        let mut s = String::new();
        stdin.read_to_string(&mut s)?;
        s
    };
    let token = token.trim().to_string();
    if token.is_empty() || token.contains(char::is_whitespace) {
        return Err(CliError::usage(
            "the token is empty or contains spaces; pipe exactly the token",
        ));
    }
    Ok(token)
}

fn list(ctx: &Ctx) -> Result<()> {
    let file = ConfigFile::load(&ctx.settings.config_file)?;
    let mut w = ctx.out.stdout();
    for (name, p) in &file.profiles {
        let mark = if file.current.as_deref() == Some(name.as_str()) {
            "*"
        } else {
            " "
        };
        let token = p
            .token
            .as_ref()
            .map_or("(no token)".to_string(), |t| t.masked());
        let url = p.url.as_deref().unwrap_or(crate::config::DEFAULT_URL);
        match ctx.out.format {
            Format::Json | Format::Ndjson => {
                let v = json!({ "name": name, "current": mark == "*", "url": url, "token": token });
                crate::output::json_line(&mut w, &v)?;
            }
            _ => writeln!(w, "{mark} {:<16} {:<44} {token}", safe(name), safe(url))?,
        }
    }
    w.flush()?;
    if file.profiles.is_empty() {
        ctx.out
            .info("no profiles yet; create one with `dlq config set-token`");
    }
    Ok(())
}

fn show(ctx: &Ctx) -> Result<()> {
    let s = &ctx.settings;
    let (token, token_origin) = match &s.token {
        Some(t) => (t.value.masked(), t.origin.to_string()),
        None => ("(not set)".to_string(), "-".to_string()),
    };
    let mut server = [
        (
            "profile",
            s.profile.value.clone(),
            s.profile.origin.to_string(),
        ),
        ("url", s.url.value.clone(), s.url.origin.to_string()),
        ("token", token, token_origin),
    ];
    if ctx.global.sandbox {
        // What the command acts on is the embedded sandbox, whatever the settings say.
        let t = ctx.target()?;
        let state = ctx.state_dir.join("sandbox");
        server = [
            ("profile", "(none)".into(), "--sandbox".into()),
            (
                "url",
                t.url.value.clone(),
                format!(
                    "--sandbox (the embedded sandbox, state in {})",
                    state.display()
                ),
            ),
            ("token", t.token.value.masked(), "--sandbox".into()),
        ];
    }
    let [profile, url, token] = server;
    let rows = [
        profile,
        url,
        token,
        (
            "config file",
            s.config_file.display().to_string(),
            "DLQ_CONFIG_DIR or the OS default".into(),
        ),
    ];
    let mut w = ctx.out.stdout();
    match ctx.out.format {
        Format::Json | Format::Ndjson => {
            let mut obj: serde_json::Map<String, serde_json::Value> = rows
                .iter()
                .map(|(k, v, o)| (k.replace(' ', "_"), json!({ "value": v, "source": o })))
                .collect();
            obj.insert("notes".into(), json!(s.notes));
            crate::json::to_writer(&mut w, &obj)?;
            writeln!(w)?;
        }
        _ => {
            for (k, v, o) in rows {
                writeln!(w, "{k:<12} {:<44} from {}", safe(&v), safe(&o))?;
            }
            // Which source won where several had values, and the rule behind it.
            for n in &s.notes {
                writeln!(w, "{:<12} {}", "note", safe(n))?;
            }
            writeln!(
                w,
                "{:<12} flags win, then --profile/DLQ_PROFILE, then QSTASH_*, then the current profile",
                "order"
            )?;
        }
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terminal::{Answer, Scripted};

    #[test]
    fn a_person_is_asked_hidden_and_a_pipe_is_read_whole() {
        let person = Scripted::new([Answer::Line("  tok-1\n".into())]);
        let mut stdin: &[u8] = b"never read";
        assert_eq!(read_token(&person, &mut stdin).unwrap(), "tok-1");
        assert_eq!(person.transcript(), "? QStash token (input hidden)\n");
        assert_eq!(stdin, b"never read");

        let mut pipe = Scripted::new([]);
        pipe.ttys[0] = false;
        let mut stdin: &[u8] = b"tok-2\n";
        assert_eq!(read_token(&pipe, &mut stdin).unwrap(), "tok-2");
        assert_eq!(pipe.transcript(), "", "a pipe is never prompted");

        let mut stdin: &[u8] = b"two words";
        assert_eq!(read_token(&pipe, &mut stdin).unwrap_err().kind, Kind::Usage);
    }

    #[test]
    fn ctrl_c_at_the_token_prompt_cancels() {
        let person = Scripted::new([Answer::Interrupt]);
        let e = read_token(&person, &mut std::io::empty()).unwrap_err();
        assert_eq!(e.kind, Kind::Interrupted);
    }
}
