//! `dlq sandbox`: a local QStash-compatible DLQ server.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::cli::GlobalArgs;
use crate::error::{CliError, Result};
use crate::sandbox::faults::{parse_list, Faults};
use crate::sandbox::{Options, Sandbox, DEFAULT_SEED};

/// Serve a local QStash-compatible DLQ API to rehearse on and test against.
///
/// Serves every QStash and Workflow DLQ endpoint on 127.0.0.1, from memory (or a state file).
/// The first two lines on stdout are QSTASH_URL=... and QSTASH_TOKEN=...; everything else
/// goes to stderr. The token is --token (given before or after the verb), else the state
/// file's, else a random one. Runs until Ctrl-C.
///
/// POST /v2/publish/<url> delivers over real HTTP, with retries, to loopback http://
/// destinations; a message that keeps failing lands in the DLQ. Messages to other hosts
/// (like the seeded ones) are recorded as accepted, never sent.
///
/// For tests, GET /__sandbox/applied (mutations applied per dlqId), /__sandbox/requests
/// (the last 1000 DLQ API requests), /__sandbox/messages (messages created by publish and
/// retry) and /__sandbox/runs (runs created by resume, restart and callback) need the token
/// too, and are never delayed or faulted.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dlq sandbox                                  100 messages and 100 failed runs on :8080
  dlq sandbox --seed 1000                      1,000 messages and 1,000 failed runs on :8080
  dlq sandbox --port 0 --seed 50 --seed-rng 7  a free port, the same 50 entries every time
  dlq sandbox --state sb.json --seed 100       keep changes across restarts
  dlq sandbox --fixture dlq.ndjson             entries from `dlq export`
  dlq sandbox --seed 500 --fault-rate 0.1 --faults 429,503,reset --latency 50
  eval \"$(dlq sandbox --port 0 --seed 20 | head -2 | sed 's/^/export /')\"")]
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

    /// Probability (0 to 1) that a DLQ request gets a fault from --faults; mutations get it
    /// before the change or after it (the change happens, the reply is lost)
    #[arg(long, value_name = "P", default_value_t = 0.0)]
    pub fault_rate: f64,

    /// Faults to inject: HTTP statuses (429 comes with rate-limit headers), `reset` (drop the
    /// connection) and `timeout` (no answer for --fault-stall-ms, then drop)
    #[arg(long, value_name = "LIST", default_value = "429,500,503,reset,timeout")]
    pub faults: String,

    /// How long a `timeout` fault stalls before dropping the connection
    #[arg(long, value_name = "MS", default_value_t = 15_000)]
    pub fault_stall_ms: u64,

    /// Most workflow runs one bulk resume, restart or delete handles in filter mode; the
    /// cursor continues
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub workflow_bulk_cap: usize,

    /// Pause between delivery attempts of published and retried messages (times the attempt)
    #[arg(long, value_name = "MS", default_value_t = 200)]
    pub delivery_backoff_ms: u64,
}

pub async fn run(global: &GlobalArgs, args: Args) -> Result<()> {
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
