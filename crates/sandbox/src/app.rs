//! The shared state of a running sandbox and the two request disciplines every DLQ handler
//! follows: reads (faults only before) and mutations (faults before or after the change,
//! state persisted before the reply).

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use axum::response::{IntoResponse, Response};

use super::faults::{Faults, When};
use super::outcome::{self, Work};
use super::simulate::Simulation;
use super::store::{now_ms, Store};
use super::wire::Reply;

/// How messages and runs created by publish, retry, resume, restart and callback go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Over time: real HTTP to loopback destinations, `--simulate` rules played out with
    /// their backoff, with retries; anything else only recorded.
    Network,
    /// At once, within the request that created them: `--sandbox` must never make a short
    /// CLI command wait on deliveries, and its server is gone before anyone asks how they
    /// went. No network; `--simulate` rules decide, anything else is only recorded.
    Record,
}

/// What handlers extract: the shared state.
pub type AppState = axum::extract::State<Arc<App>>;

pub struct App {
    /// Reads share it (a server does not queue one read behind another); a change, and the
    /// request log, take it alone.
    pub store: RwLock<Store>,
    pub token: String,
    pub faults: Faults,
    /// Most runs one workflow bulk call handles in filter mode (API.md 6.5).
    pub workflow_cap: usize,
    pub state_file: Option<PathBuf>,
    pub delivery: Delivery,
    /// Pause between delivery attempts, multiplied by the attempt number.
    pub delivery_backoff: std::time::Duration,
    /// How long after its creation a message's first attempt is made at the earliest.
    pub delivery_delay: std::time::Duration,
    pub simulation: Simulation,
    pub rate_limit: Option<super::limit::RateLimit>,
    /// Set when other processes serve the state file too (`--sandbox`).
    pub shared: Option<super::shared::Shared>,
    pub in_flight: super::limit::InFlight,
    /// Flow-control keys' gates: deliveries wait there for their key's parallelism and rate.
    pub flow: Arc<super::flow::Flow>,
    /// Hands work that is left to delivery (`deliver::start`). A field, not a call, because
    /// delivery builds on this module.
    pub start: fn(&Arc<App>, Vec<Work>),
}

impl App {
    /// Writes the state file, if there is one. Called with the store locked, so writes never
    /// interleave and a reply is only sent once its change is on disk.
    /// Saves `store` (the caller holds its mutex, so saves never interleave), unless closed.
    pub fn persist(&self, store: &Store) {
        let Some(path) = self.state_file.as_ref().filter(|_| !store.closed) else {
            return;
        };
        let result = serde_json::to_vec(store)
            .map_err(std::io::Error::other)
            .and_then(|bytes| crate::persist::write_atomic(path, &bytes));
        match result {
            Ok(()) => {
                if let Some(shared) = &self.shared {
                    shared.wrote();
                }
            }
            Err(e) => eprintln!("dlq sandbox: cannot write {}: {e}", path.display()),
        }
    }

    /// Waits for this process's turn at a state other processes serve too, and brings the
    /// store up to date with it; `None` when the state is this server's alone. Every request
    /// and every tick of a clock that may read or change the state holds one.
    pub async fn turn(&self) -> Result<Option<super::shared::Turn<'_>>, String> {
        let Some(shared) = &self.shared else {
            return Ok(None);
        };
        let (turn, reloaded) = shared.turn(&self.store).await?;
        if reloaded && self.delivery == Delivery::Record {
            // As at start (`Sandbox::new`): what the other process left to settle later and
            // is due now settles here, before anything reads it.
            let mut store = self.store.write().unwrap();
            let work = outcome::unfinished(&store);
            if !work.is_empty() {
                self.settle(&mut store, work);
                self.persist(&store);
            }
        }
        Ok(Some(turn))
    }

    /// A read: may fail before it starts, never changes anything.
    pub async fn read(&self, f: impl FnOnce(&Store) -> Reply) -> Response {
        if let Some((fault, _)) = self.faults.pick(false) {
            return self.faults.respond(fault).await;
        }
        let reply = {
            let store = self.store.read().unwrap();
            f(&store)
        };
        reply.into_response()
    }

    /// A mutation: a fault either replaces it (before) or loses its reply (after). What it
    /// starts is settled before the change is stored, or handed to delivery after.
    pub async fn mutate(
        self: &Arc<Self>,
        f: impl FnOnce(&mut Store, i64) -> (Reply, Vec<Work>),
    ) -> Response {
        let fault = self.faults.pick(true);
        if let Some((fault, When::Before)) = fault {
            return self.faults.respond(fault).await;
        }
        let (reply, work) = {
            let mut store = self.store.write().unwrap();
            let (reply, work) = f(&mut store, now_ms());
            let work = self.settle(&mut store, work);
            if changed(&reply) {
                self.persist(&store);
            }
            (reply, work)
        };
        (self.start)(self, work);
        match fault {
            Some((fault, When::After)) if changed(&reply) => self.faults.respond(fault).await,
            _ => reply.into_response(),
        }
    }
}

impl App {
    /// Settles `work` at once when this sandbox records (see `Delivery::Record`); returns what
    /// is left to be played out over time (none then: what is not due waits for a later start).
    pub fn settle(&self, store: &mut Store, work: Vec<Work>) -> Vec<Work> {
        if self.delivery == Delivery::Network {
            return work;
        }
        let backoff = self.delivery_backoff.as_millis() as i64;
        let now = now_ms();
        for w in work {
            outcome::settle(store, &self.simulation, backoff, w, now);
        }
        Vec::new()
    }
}

/// Whether a reply reports a change: any non-error status (cancel-callback succeeds with 302).
fn changed(reply: &Reply) -> bool {
    reply.status().as_u16() < 400
}
