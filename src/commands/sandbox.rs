//! `dlq sandbox`: a local QStash-compatible DLQ server; `dlq sandbox reset` starts the
//! persistent `--sandbox` state afresh.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::args::global::GlobalArgs;
use crate::context::Env;
use crate::error::{CliError, Result};
use dlq_sandbox::embedded::{self, DEFAULT_SEED};
use dlq_sandbox::faults::{parse_list, Faults};
use dlq_sandbox::simulate::{parse_rule, Simulation};
use dlq_sandbox::{Options, Sandbox, DEFAULT_DELIVERY_DELAY_MS};

/// Serve a local QStash-compatible DLQ API to rehearse on and test against.
///
/// Serves every QStash and Workflow DLQ endpoint, and both logs endpoints, on 127.0.0.1, from
/// memory (or a state file).
/// The first two lines on stdout are QSTASH_URL=... and QSTASH_TOKEN=...; everything else
/// goes to stderr. The token is --token (given before or after the verb), else the state
/// file's, else a random one. Runs until Ctrl-C.
///
/// Messages created by POST /v2/publish/<url> and by retry are delivered over real HTTP,
/// with retries, to loopback http:// destinations; a message that keeps failing lands in the
/// DLQ again as a new entry. Nothing is ever sent to other hosts (like the seeded ones): the
/// first --simulate rule matching the URL decides how they answer, and without one the
/// message is only recorded (its log stays at CREATED). Resumed and restarted runs are decided
/// by their workflow URL, failure functions called again by their failure callback URL; with
/// no rule a run stays RUN_STARTED and a callback CALLBACK_INPROGRESS. A run that fails again
/// lands in the workflow DLQ as a new entry, named by the run's dlqId.
///
/// The sources of entries are served too: URL groups (/v2/topics; a publish to a group's
/// name fans out, failures land with topicName), queues (/v2/queues, /v2/enqueue; oldest
/// first, held while paused; queueName), schedules (/v2/schedules; each firing lands with
/// scheduleId), /v2/batch and /v2/messages. Schedules fire on their cron minutes; POST
/// /__sandbox/schedules/<id>/fire fires one now, as its cron would.
///
/// Workflow runs of an app on loopback are executed for real, to the protocol of the
/// official @upstash/workflow SDK: a run starts from its Client.trigger() (POST /v2/batch),
/// a publish with Upstash-Workflow-Init, or POST /v2/trigger/<url>; each step result the app
/// hands back is delivered to it with every earlier one, with retries, sleeps, parallel steps
/// and context.call; a run that keeps failing lands in the workflow DLQ with the failed step's
/// answer and its failure function or callback is called. Resume then goes on from the failed
/// step, restart from the first body, and callback calls the failure function again, all in
/// the app. DELETE /v2/workflows/runs[/<id>] ends or cancels runs.
///
/// How it went is in GET /v2/logs (one entry per state change of each message: CREATED,
/// ACTIVE, ERROR and RETRY per failed attempt, DELIVERED or FAILED) and GET
/// /v2/workflows/logs (each run's state and steps), both kept in --state.
///
/// `dlq --sandbox` decides everything at once, within the command that started it, with log
/// times spaced as the backoff would have spaced them, and simulates by default:
/// https://legacy.example.com/*=410, https://hooks.partner.example/*=flaky:0.5,
/// https://jobs.example.io/api/workflow/video-transcode*=500 and *=ok.
///
/// For tests, GET /__sandbox/applied (mutations applied per dlqId), /__sandbox/requests
/// (the last 20,000 DLQ API requests, with each reply's status and time), /__sandbox/stats
/// (the most requests in flight at once, and how many were throttled), /__sandbox/messages
/// (messages created by publish and retry, with their state and new dlqId) and
/// /__sandbox/runs (runs created by resume, restart and callback, likewise) need the token
/// too, and are never delayed, faulted or rate limited.
#[derive(Debug, PartialEq, clap::Args)]
#[command(after_help = "\
Outcomes:
  Messages (publish, retry) to loopback http:// destinations are delivered
  for real, and so are workflow runs of an app on loopback (@upstash/workflow:
  trigger, steps, retries, sleep, parallel steps, context.call, failure
  function; resume, restart and callback call the app again). Nothing is ever
  sent anywhere else: the first --simulate rule matching the URL decides the
  answer (resumed and restarted runs by their workflow URL, callbacks by their
  failure callback URL); with no rule a message stays CREATED and a run
  RUN_STARTED. A failure goes through the
  retries, --delivery-backoff-ms times the attempt apart, then lands in the
  DLQ again as a new entry. GET /v2/logs and GET /v2/workflows/logs tell how
  each went (/v2/events and /v2/workflows/events the same, under the names
  the official SDKs read). A sandbox started on a --state file takes up what
  the last one left unfinished. A new message is first attempted
  --delivery-delay after it is made (GET /v2/messages/<id> reads it until
  it is delivered or fails, as on QStash).
  `dlq --sandbox` settles it all at once, within the command (what is delayed
  waits for a command after it is due), and simulates by default:
    https://legacy.example.com/*=410
    https://hooks.partner.example/*=flaky:0.5
    https://jobs.example.io/api/workflow/video-transcode*=500
    *=ok

Examples:
  dlq sandbox                                  100 messages and 100 failed runs on :8080
  dlq sandbox --seed 1000                      1,000 messages and 1,000 failed runs on :8080
  dlq sandbox --port 0 --seed 50 --seed-rng 7  a free port, the same 50 entries every time
  dlq sandbox --state sb.json --seed 100       keep changes across restarts
  dlq sandbox --fixture dlq.ndjson             entries from `dlq export`
  dlq sandbox --seed 500 --fault-rate 0.1 --faults 429,503,reset --latency 50
  dlq sandbox --simulate 'https://billing.example.com/*=500' --simulate '*=ok'
  dlq sandbox --simulate '*/v1/events=flaky:0.2' --simulate '*=timeout'
  eval \"$(dlq sandbox --port 0 --seed 20 | head -2 | sed 's/^/export /')\"
  dlq sandbox reset                            start the --sandbox state afresh")]
pub struct Args {
    /// Port on 127.0.0.1; 0 picks a free one
    #[arg(long, default_value_t = 8080, value_name = "PORT")]
    pub port: u16,

    /// Keep the state in FILE across restarts (loaded if it exists; --seed and --fixture then
    /// do nothing)
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,

    /// Seed N QStash DLQ messages and N failed workflow runs [default: 100, or 0 with --fixture]
    #[arg(long, value_name = "N")]
    pub seed: Option<usize>,

    /// Seed of the generator: the same entries every time (random otherwise)
    #[arg(long, value_name = "S")]
    pub seed_rng: Option<u64>,

    /// Load entries from an NDJSON file as `dlq export` writes it (repeatable)
    #[arg(long, value_name = "FILE")]
    pub fixture: Vec<PathBuf>,

    /// Delay every API response by MS milliseconds
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub latency: u64,

    /// Probability (0 to 1) that an API request gets a fault from --faults (publish, enqueue
    /// and batch too); mutations get it before the change or after it (the change happens,
    /// the reply is lost)
    #[arg(long, value_name = "P", default_value_t = 0.0)]
    pub fault_rate: f64,

    /// Faults to inject: HTTP statuses (429 comes with rate-limit headers), `reset` (drop the
    /// connection) and `timeout` (no answer for --fault-stall-ms, then drop)
    #[arg(long, value_name = "LIST", default_value = "429,500,503,reset,timeout")]
    pub faults: String,

    /// How long a `timeout` fault stalls before dropping the connection
    #[arg(long, value_name = "MS", default_value_t = 15_000)]
    pub fault_stall_ms: u64,

    /// Limit the API to RPS requests a second (bursts up to BURST, default RPS), as QStash's
    /// burst limit does: 429 with Burst-RateLimit-* headers once spent; replies that pass
    /// carry the headers too. Publish, enqueue and batch are exempt
    #[arg(long, value_name = "RPS[,BURST]")]
    pub rate_limit: Option<String>,

    /// Most workflow runs one bulk resume, restart or delete handles in filter mode; the
    /// cursor continues
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub workflow_bulk_cap: usize,

    /// Pause between delivery attempts of messages and runs (times the attempt)
    #[arg(long, value_name = "MS", default_value_t = 200)]
    pub delivery_backoff_ms: u64,

    /// How long a new message waits before its first delivery attempt, as on QStash; until
    /// then GET /v2/messages/<id> reads it and DELETE /v2/messages cancels it. 0 delivers at once
    #[arg(long, value_name = "MS", default_value_t = DEFAULT_DELIVERY_DELAY_MS)]
    pub delivery_delay: u64,

    /// How destinations the sandbox does not contact answer (repeatable; the first rule
    /// whose PATTERN matches the URL wins; * matches anything). OUTCOME is ok, an HTTP status
    /// 400-599, flaky:P (each attempt fails with probability P, answering 500) or timeout (no
    /// answer within the message's Upstash-Timeout, else 15s)
    #[arg(long, value_name = "PATTERN=OUTCOME")]
    pub simulate: Vec<String>,

    // Last, so the flags above keep their place among the global ones in --help.
    #[command(subcommand)]
    pub command: Option<Sub>,
}

#[derive(Debug, PartialEq, clap::Subcommand)]
pub enum Sub {
    /// Start the persistent state of `dlq --sandbox` afresh: new entries and a new token
    ///
    /// Waits for any running `dlq --sandbox` command. The new token tells whatever was bound
    /// to the old sandbox (an interrupted bulk run, say) that it is gone.
    Reset(ResetArgs),
    /// Any other word: most likely a verb meant for `dlq --sandbox <verb>`.
    #[command(external_subcommand)]
    Other(Vec<String>),
}

#[derive(Debug, PartialEq, clap::Args)]
pub struct ResetArgs {
    /// Seed N QStash DLQ messages and N failed workflow runs
    #[arg(long, value_name = "N", default_value_t = DEFAULT_SEED)]
    pub seed: usize,
}

pub async fn run(global: &GlobalArgs, mut args: Args, env: &Env) -> Result<()> {
    match args.command.take() {
        Some(Sub::Reset(_)) if server_flags_given(&args) => {
            return Err(CliError::usage(
                "the flags of `dlq sandbox` mean nothing to `dlq sandbox reset`",
            )
            .hint("give --seed after the verb: dlq sandbox reset --seed N"))
        }
        Some(Sub::Reset(reset)) => return run_reset(global, reset, env).await,
        Some(Sub::Other(words)) => return Err(misplaced_verb(&words)),
        None => {}
    }
    if !(0.0..=1.0).contains(&args.fault_rate) {
        return Err(CliError::usage(format!(
            "--fault-rate must be between 0 and 1, got {}",
            args.fault_rate
        )));
    }
    if args.workflow_bulk_cap == 0 {
        return Err(CliError::usage("--workflow-bulk-cap must be at least 1"));
    }
    let kinds = parse_list(&args.faults).map_err(|e| CliError::usage(format!("--faults: {e}")))?;
    let rules = args
        .simulate
        .iter()
        .map(|r| parse_rule(r))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| CliError::usage(format!("--simulate: {e}")))?;
    let mut opts = Options::new();
    opts.token = global.token.clone();
    opts.state_file = args.state;
    // Something to look at by default; fixtures are what the user wants to look at instead.
    opts.seed = args.seed.unwrap_or(if args.fixture.is_empty() {
        DEFAULT_SEED
    } else {
        0
    });
    opts.seed_rng = args.seed_rng;
    opts.fixtures = args.fixture;
    opts.workflow_cap = args.workflow_bulk_cap;
    opts.delivery_backoff = Duration::from_millis(args.delivery_backoff_ms);
    opts.delivery_delay = Duration::from_millis(args.delivery_delay);
    opts.simulation = Simulation::new(rules, args.seed_rng);
    opts.rate_limit = match &args.rate_limit {
        Some(spec) => Some(
            dlq_sandbox::limit::parse(spec)
                .map_err(|e| CliError::usage(format!("--rate-limit: {e}")))?,
        ),
        None => None,
    };
    opts.faults = Faults::new(
        args.fault_rate,
        kinds,
        Duration::from_millis(args.fault_stall_ms),
        Duration::from_millis(args.latency),
        args.seed_rng,
    );
    let sandbox = Sandbox::new(opts).map_err(CliError::failure)?;
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], args.port)))
        .await
        .map_err(|e| {
            CliError::failure(format!("cannot listen on 127.0.0.1:{}: {e}", args.port))
                .hint("pick another --port, or --port 0 for a free one")
        })?;
    let addr = listener
        .local_addr()
        .map_err(|e| CliError::failure(e.to_string()))?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "QSTASH_URL=http://{addr}")
            .and_then(|_| writeln!(out, "QSTASH_TOKEN={}", sandbox.token()))
            .and_then(|_| out.flush())
            .map_err(|e| CliError::failure(format!("cannot write to stdout: {e}")))?;
    }
    let (messages, runs) = sandbox.counts();
    if !global.quiet {
        eprintln!(
            "dlq sandbox: serving {messages} QStash messages and {runs} workflow runs on http://{addr}{}; Ctrl-C to stop",
            if sandbox.restored { " (restored state)" } else { "" }
        );
    }
    sandbox.serve(listener, stop_signal()).await;
    Ok(())
}

async fn run_reset(global: &GlobalArgs, args: ResetArgs, env: &Env) -> Result<()> {
    // Where `--sandbox` keeps its state (see `Ctx::new`).
    let dir = crate::config::state_dir(env)?.join("sandbox");
    let (messages, runs) = embedded::reset(&dir, args.seed)
        .await
        .map_err(|e| CliError::failure(format!("cannot reset the sandbox: {e}")))?;
    if !global.quiet {
        let s = |n: usize| if n == 1 { "" } else { "s" };
        eprintln!(
            "reset the --sandbox state in {}: {messages} QStash message{}, {runs} workflow run{} and a new token",
            dir.display(),
            s(messages),
            s(runs)
        );
    }
    Ok(())
}

/// Whether a flag of the server came before `reset` (at other than its default value). clap's
/// `args_conflicts_with_subcommands` would refuse them, but global flags too (`-q reset`);
/// ignoring them would make `dlq sandbox --seed 5 reset` seed 100.
fn server_flags_given(args: &Args) -> bool {
    use clap::{Args as _, FromArgMatches};
    let defaults = Args::augment_args(clap::Command::new("sandbox"))
        .try_get_matches_from(["sandbox"])
        .ok()
        .and_then(|m| Args::from_arg_matches(&m).ok());
    defaults.is_some_and(|d| d != *args)
}

/// `dlq sandbox list`: the user meant `dlq --sandbox list`, so say exactly that.
fn misplaced_verb(words: &[String]) -> CliError {
    let verb = words.first().map_or("", String::as_str);
    let command: Vec<String> = words.iter().map(|w| shell_word(w)).collect();
    CliError::usage(format!(
        "`dlq sandbox` serves a local sandbox; to run `{}` against it use: dlq --sandbox {}",
        shell_word(verb),
        command.join(" ")
    ))
}

/// `w` as it would have to be typed in a POSIX shell.
fn shell_word(w: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:=,@%+".contains(c);
    if !w.is_empty() && w.chars().all(plain) {
        w.to_string()
    } else {
        format!("'{}'", w.replace('\'', r"'\''"))
    }
}

/// Ctrl-C, or SIGTERM where there is one.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
