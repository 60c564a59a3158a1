//! The sandbox behind the global `--sandbox` flag: one persistent state in
//! `<state dir>/sandbox/state.json`, seeded the first time, served in-process for one command.
//!
//! Every command that reads or writes that state, `dlq sandbox reset` included, holds the
//! state's lock (see `lock`) while it does: to load it at start, then for each request its
//! server answers (see `shared`), so concurrent commands take turns instead of overwriting
//! one another's changes, and a long-lived one (`stats --watch`, `exporter`, a triage session
//! at its prompt) keeps no other waiting.

use std::net::SocketAddr;
use std::path::Path;

use super::lock;
use super::simulate::Simulation;
use super::{fresh_store, new_token, save_state, Delivery, Options, Sandbox};

/// Entries of each kind a sandbox starts with unless told otherwise: `dlq sandbox`, a fresh
/// `--sandbox` state and `dlq sandbox reset`.
pub const DEFAULT_SEED: usize = 100;

/// The generator seed of the `--sandbox` state: the same entries on every machine (on a given
/// day; see `seed`), so the README's examples find what they describe.
const EMBEDDED_RNG: u64 = 1;

const STATE_FILE: &str = "state.json";

/// A sandbox running inside this process. Stops, and saves nothing more, when dropped.
pub struct Embedded {
    pub url: String,
    pub token: String,
    task: tokio::task::JoinHandle<()>,
    close: Box<dyn Fn() + Send + Sync>,
}

impl Embedded {
    /// Serves the state kept in `state_dir`, loaded once no other command is using it.
    pub async fn start(state_dir: &Path) -> Result<Embedded, String> {
        let lock = lock::acquire(state_dir).await?;
        let mut opts = options(state_dir, DEFAULT_SEED);
        opts.delivery = Delivery::Record;
        opts.simulation = Simulation::embedded();
        opts.shared = true;
        let sandbox = Sandbox::new(opts)
            .map_err(|e| format!("{e} (`dlq sandbox reset` starts the sandbox afresh)"))?;
        // Loaded, and what was due settled and saved: from here each request takes its turn.
        drop(lock);
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .map_err(|e| format!("cannot listen on 127.0.0.1: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let token = sandbox.token().to_string();
        let close = Box::new(sandbox.closer());
        let task = tokio::spawn(sandbox.serve(listener, std::future::pending()));
        Ok(Embedded {
            url: format!("http://{addr}"),
            token,
            task,
            close,
        })
    }
}

impl Drop for Embedded {
    fn drop(&mut self) {
        // Aborting only asks the task to stop: a request it is still serving could save the
        // state after this command is done, a change its client never heard of. Closing the
        // store first waits out a save in progress and refuses any later one.
        (self.close)();
        self.task.abort();
    }
}

/// Replaces the state kept in `state_dir` with `seed` fresh entries of each kind and a new
/// token, whatever it held (even an unreadable file). The token changes so that whatever was
/// bound to the old sandbox, like an interrupted job's fingerprint, can tell it is gone.
/// Returns how many QStash messages and workflow runs the new state has.
pub async fn reset(state_dir: &Path, seed: usize) -> Result<(usize, usize), String> {
    let _lock = lock::acquire(state_dir).await?;
    let mut store = fresh_store(&options(state_dir, seed), super::now_ms())?;
    store.token = new_token();
    save_state(&state_dir.join(STATE_FILE), &store)?;
    Ok((store.qstash.len(), store.workflow.len()))
}

fn options(state_dir: &Path, seed: usize) -> Options {
    let mut opts = Options::new();
    opts.state_file = Some(state_dir.join(STATE_FILE));
    opts.seed = seed;
    opts.seed_rng = Some(EMBEDDED_RNG);
    opts
}
