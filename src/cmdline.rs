//! Every `dlq …` command line dlq prints for a person to paste: a recap, a `continue with:`
//! line, a hint. Such a line is a [`CommandLine`], and the only way to get one is from an
//! [`Aim`] (the server a session or a job acted on, and where its files are), so none can be
//! printed that a shell pointed at another server would run elsewhere.
//!
//! An aim names its server with the flags that win over the environment: `--sandbox`,
//! `--profile NAME`, or `--base-url URL` (with `--env-file FILE` when the token came from
//! one); the state directory travels as `DLQ_STATE_DIR=…` when the session had it set (it
//! holds the journals and the sandbox), and so does `DLQ_CONFIG_DIR=…` for a line that names
//! a profile. The token is never part of a line: it comes from the
//! profile, or from the shell (QSTASH_TOKEN or `--token`), which [`Aim::token_note`] says.
//! Words are quoted for POSIX shells, so a label with spaces, quotes or `$` pastes as one
//! argument. `tests/cli/cmdline.rs` fails on a printed `dlq …` literal built anywhere else.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where dlq keeps its files, when the environment moved them: a line run without these
/// finds other journals, another sandbox, or another config file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Places {
    state_dir: Option<PathBuf>,
    config_dir: Option<PathBuf>,
}

impl Places {
    /// `DLQ_STATE_DIR` and `DLQ_CONFIG_DIR` as this invocation has them, made absolute so the
    /// line works from another directory.
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Places {
        let dir = |k: &str| {
            env(k)
                .filter(|d| !d.is_empty())
                .map(|d| std::path::absolute(&d).unwrap_or_else(|_| PathBuf::from(d)))
        };
        Places {
            state_dir: dir("DLQ_STATE_DIR"),
            config_dir: dir("DLQ_CONFIG_DIR"),
        }
    }
}

/// Where the token of a `--base-url` line must come from, since the line cannot carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenFrom {
    /// `--token`, or the environment: the shell that runs the line must give it.
    Shell(String),
    /// A profile or `--env-file` the line names, or the local sandbox: nothing to give.
    Line,
}

/// The server a line acts on and where its files are: what every printed line carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aim {
    flags: Vec<String>,
    places: Places,
    token: TokenFrom,
}

impl Aim {
    /// The local sandbox of `--sandbox` (its state under the state directory).
    pub fn sandbox(places: &Places) -> Aim {
        Aim {
            flags: vec!["--sandbox".into()],
            places: places.clone(),
            token: TokenFrom::Line,
        }
    }

    /// A server: by its profile when one supplied it (the profile's URL unless `base_url`
    /// overrides it), else by its base URL, with the env file the token came from, if any.
    /// `token_source` names where the token came from ("--token", "QSTASH_TOKEN").
    pub fn server(
        places: &Places,
        profile: Option<&str>,
        base_url: Option<&str>,
        env_file: Option<&Path>,
        token_source: &str,
    ) -> Aim {
        let mut flags = Vec::new();
        if let Some(p) = profile {
            flags.extend(["--profile".to_string(), p.to_string()]);
        }
        if let Some(u) = base_url {
            flags.extend(["--base-url".to_string(), u.to_string()]);
        }
        if let Some(f) = env_file {
            let f = std::path::absolute(f).unwrap_or_else(|_| f.to_path_buf());
            flags.extend(["--env-file".to_string(), f.display().to_string()]);
        }
        let token = if profile.is_some() || env_file.is_some() {
            TokenFrom::Line
        } else {
            TokenFrom::Shell(token_source.to_string())
        };
        Aim {
            flags,
            places: places.clone(),
            token,
        }
    }

    /// Nothing but the files: for a line that reads only this machine (`dlq jobs show`) or
    /// when no server is chosen yet.
    pub fn local(places: &Places) -> Aim {
        Aim {
            flags: Vec::new(),
            places: places.clone(),
            token: TokenFrom::Line,
        }
    }

    /// `dlq <global flags> <args>`: the one way to make a printed command line.
    pub fn dlq<I, S>(&self, args: I) -> CommandLine
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut env = Vec::new();
        if let Some(d) = &self.places.state_dir {
            env.push(format!("DLQ_STATE_DIR={}", quote(&d.display().to_string())));
        }
        // The config file matters to a line that names a profile; to others it is noise.
        let profile = self.flags.iter().any(|f| f == "--profile");
        if let Some(d) = self.places.config_dir.as_ref().filter(|_| profile) {
            env.push(format!(
                "DLQ_CONFIG_DIR={}",
                quote(&d.display().to_string())
            ));
        }
        let mut words = vec!["dlq".to_string()];
        words.extend(self.flags.iter().cloned());
        words.extend(args.into_iter().map(Into::into));
        CommandLine { env, words }
    }

    /// Where the token of this aim's lines must come from, when they cannot say: "the token
    /// is not printed: give it as QSTASH_TOKEN (here it came from --token)".
    pub fn token_note(&self) -> Option<String> {
        match &self.token {
            TokenFrom::Line => None,
            TokenFrom::Shell(from) => Some(format!(
                "the token is not printed: give these lines the same one as QSTASH_TOKEN or \
                 --token (here it came from {from}), or store it in a profile \
                 (`dlq --profile NAME config set-token`)"
            )),
        }
    }
}

/// A `dlq` command line aimed at one server, quoted for a POSIX shell when shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandLine {
    /// `NAME=value` assignments before the command, already quoted.
    env: Vec<String>,
    words: Vec<String>,
}

impl CommandLine {
    /// The same line with more arguments.
    pub fn arg(mut self, word: impl Into<String>) -> CommandLine {
        self.words.push(word.into());
        self
    }
}

impl CommandLine {
    /// The line's words as a shell reads them, quoted: for a printer that breaks the line
    /// between words (with `\` continuations) and must never break one.
    pub fn shell_words(&self) -> Vec<String> {
        let words = self.words.iter().map(|w| quote(w));
        self.env.iter().cloned().chain(words).collect()
    }
}

impl fmt::Display for CommandLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shell_words().join(" "))
    }
}

/// One word as a POSIX shell reads it back: bare when nothing in it is special to the shell,
/// else in single quotes (a quote inside written `'\''`).
pub fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '-' | '_' | '.' | '/' | ':' | '=' | '@' | ',' | '%' | '+')
        });
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_name_their_server_and_quote_what_a_shell_would_split() {
        let places = Places::from_env(&|k| (k == "DLQ_STATE_DIR").then(|| "/tmp/s t".into()));
        let line =
            Aim::sandbox(&places).dlq(["list", "--label", "a b", "--url", "https://x/y?z=1"]);
        assert_eq!(
            line.to_string(),
            "DLQ_STATE_DIR='/tmp/s t' dlq --sandbox list --label 'a b' --url 'https://x/y?z=1'"
        );
        let aim = Aim::server(
            &Places::default(),
            None,
            Some("https://q.example"),
            None,
            "--token",
        );
        assert_eq!(
            aim.dlq(["retry", "--label", "it's $HOME"]).to_string(),
            r"dlq --base-url https://q.example retry --label 'it'\''s $HOME'"
        );
        assert!(aim.token_note().unwrap().contains("--token"));
        let profile = Aim::server(&Places::default(), Some("eu"), None, None, "profile eu");
        assert_eq!(
            profile.dlq(["get", "1"]).to_string(),
            "dlq --profile eu get 1"
        );
        assert_eq!(profile.token_note(), None);
        assert_eq!(quote(""), "''");
    }
}
