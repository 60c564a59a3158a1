//! The local QStash-compatible DLQ server behind `dlq sandbox` and `--sandbox`.
//!
//! Its own crate, depending on nothing of the CLI (`qstash-dlq`), with its own wire types: the
//! sandbox and the client are two independent readings of the spec, both held to the official
//! OpenAPI by Prism, and Cargo (not a convention) keeps them apart.

mod actions;
mod app;
mod batch;
mod cron;
mod deliver;
pub mod embedded;
mod events;
pub mod faults;
mod flow;
mod flowkeys;
mod flowstate;
mod introspect;
mod keys;
pub mod limit;
mod lock;
mod logs;
mod messages;
mod outcome;
mod overrides;
mod persist;
mod publish;
mod query;
mod queues;
mod queueslots;
mod redact;
mod replies;
mod routes;
mod runindex;
mod runlog;
mod runs;
mod schedules;
mod seed;
mod seedruns;
mod server;
mod shared;
mod signing;
pub mod simulate;
mod sources;
#[cfg(test)]
mod state_file_tests;
mod states;
mod store;
#[cfg(test)]
mod store_tests;
mod topics;
mod wfexec;
mod wfstate;
mod wire;
mod workflow;

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use app::App;
pub use app::Delivery;
use faults::Faults;
use simulate::Simulation;
use store::{now_ms, random_id, Store};

/// The default `--delivery-delay`: about what the service takes to start a delivery.
pub const DEFAULT_DELIVERY_DELAY_MS: u64 = 300;

/// Everything a sandbox is started with.
pub struct Options {
    /// The token to require; else the state file's, else a random one.
    pub token: Option<String>,
    /// Load from and persist to this file.
    pub state_file: Option<PathBuf>,
    /// Entries of each kind to seed when there is no state to load.
    pub seed: usize,
    /// Seed of the generator, for the same entries every time; random when `None`.
    pub seed_rng: Option<u64>,
    /// NDJSON fixtures to load when there is no state to load.
    pub fixtures: Vec<PathBuf>,
    pub faults: Faults,
    pub workflow_cap: usize,
    pub delivery: Delivery,
    pub delivery_backoff: Duration,
    /// How long a new message waits before its first attempt, as the service's queueing does:
    /// meanwhile it is readable (`GET /v2/messages/{id}`) and cancellable.
    pub delivery_delay: Duration,
    /// How destinations the sandbox does not contact answer (`--simulate`).
    pub simulation: Simulation,
    /// `--rate-limit`: 429 once the per-second budget is spent.
    pub rate_limit: Option<limit::RateLimit>,
    /// Other processes serve `state_file` too: take its lock per request (see `shared`).
    pub shared: bool,
}

impl Options {
    pub fn new() -> Options {
        Options {
            token: None,
            state_file: None,
            seed: 0,
            seed_rng: None,
            fixtures: Vec::new(),
            faults: Faults::none(),
            workflow_cap: 50,
            delivery: Delivery::Network,
            delivery_backoff: Duration::from_millis(200),
            delivery_delay: Duration::from_millis(DEFAULT_DELIVERY_DELAY_MS),
            rate_limit: None,
            simulation: Simulation::none(),
            shared: false,
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Options::new()
    }
}

/// A prepared sandbox: state loaded or seeded, not yet listening.
pub struct Sandbox {
    app: Arc<App>,
    /// Whether the state came from an existing state file (seed and fixtures were skipped).
    pub restored: bool,
    /// What the state left unfinished, to be played out once serving.
    unfinished: Vec<outcome::Work>,
}

impl Sandbox {
    /// Stops every later save of the state: once this returns, no change made by this server
    /// reaches the state file, even one a request still in flight makes.
    pub fn closer(&self) -> impl Fn() + Send + Sync + 'static {
        let app = self.app.clone();
        move || {
            let mut store = app.store.write().unwrap_or_else(|e| e.into_inner());
            store.closed = true;
        }
    }

    pub fn new(opts: Options) -> Result<Sandbox, String> {
        let existing = opts.state_file.as_deref().filter(|p| p.exists());
        let restored = existing.is_some();
        let mut store = match existing {
            Some(path) => load_state(path)?,
            None => fresh_store(&opts, now_ms())?,
        };
        let token = opts
            .token
            .clone()
            .filter(|t| !t.is_empty())
            .or(Some(store.token.clone()).filter(|t| !t.is_empty()))
            .unwrap_or_else(new_token);
        store.token = token.clone();
        store.signing.ensure(&token);
        // Deliveries and runs the last server of this state did not see to the end go on;
        // one that only records settles those now due here, before the state is saved.
        let mut unfinished = outcome::unfinished(&store);
        if opts.delivery == Delivery::Record {
            let backoff = opts.delivery_backoff.as_millis() as i64;
            let now = now_ms();
            for w in unfinished.drain(..) {
                outcome::settle(&mut store, &opts.simulation, backoff, w, now);
            }
        }
        if let Some(path) = &opts.state_file {
            save_state(path, &store)?;
        }
        let shared = opts
            .state_file
            .clone()
            .filter(|_| opts.shared)
            .map(shared::Shared::new);
        let app = Arc::new(App {
            store: RwLock::new(store),
            token,
            faults: opts.faults,
            workflow_cap: opts.workflow_cap.max(1),
            state_file: opts.state_file,
            delivery: opts.delivery,
            delivery_backoff: opts.delivery_backoff,
            delivery_delay: opts.delivery_delay,
            simulation: opts.simulation,
            rate_limit: opts.rate_limit,
            shared,
            in_flight: Default::default(),
            flow: Default::default(),
            start: |app, work| {
                wfexec::start_work(app, work);
                // What settled or changed may free a queue's slot.
                queues::pump(app);
            },
        });
        Ok(Sandbox {
            app,
            restored,
            unfinished,
        })
    }

    pub fn token(&self) -> &str {
        &self.app.token
    }

    /// How many QStash messages and workflow runs are in the DLQs.
    pub fn counts(&self) -> (usize, usize) {
        let s = self.app.store.read().unwrap();
        (s.qstash.len(), s.workflow.len())
    }

    /// Serves on `listener` until `shutdown` completes.
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl std::future::Future<Output = ()>,
    ) {
        wfexec::start_work(&self.app, self.unfinished);
        queues::pump(&self.app);
        tokio::spawn(schedules::clock(self.app.clone()));
        let router = routes::router(self.app.clone());
        server::serve(listener, router, shutdown).await
    }
}

/// Entries seeded and loaded from fixtures as `opts` says, and no token yet.
fn fresh_store(opts: &Options, now: i64) -> Result<Store, String> {
    let mut store = Store::default();
    let mut rng = match opts.seed_rng {
        Some(s) => ChaCha8Rng::seed_from_u64(s),
        None => ChaCha8Rng::from_entropy(),
    };
    seed::seed(&mut store, opts.seed, &mut rng, now);
    for f in &opts.fixtures {
        seed::load_fixture(&mut store, f, now)?;
    }
    Ok(store)
}

fn new_token() -> String {
    random_id("sbx_", &mut rand::thread_rng())
}

fn save_state(path: &Path, store: &Store) -> Result<(), String> {
    let bytes = serde_json::to_vec(store).map_err(|e| e.to_string())?;
    crate::persist::write_atomic(path, &bytes)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn load_state(path: &Path) -> Result<Store, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| format!("{} is not a sandbox state file: {e}", path.display()))
}
