//! `dlq exporter`: a long-running process that reads the DLQs every `--interval` and serves
//! their figures on `/metrics` for Prometheus (the families of `dlq stats -o openmetrics`),
//! with its own health: when it last read, how long that took, what went wrong, how much it
//! read.
//!
//! Reading and serving are apart: a scrape never waits for the API, and when a refresh fails
//! the last good figures stay, marked stale (`dlq_exporter_stale`), until one succeeds. Until
//! a first refresh has succeeded there are no figures (`dlq_exporter_ready 0`), which is not
//! stale unless that refresh failed.

use std::collections::BTreeMap;
use std::future::IntoFuture;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::IntoResponse;
use axum::routing::get;

use crate::api::{ApiError, Source};
use crate::args::filter::ReadFilters;
use crate::args::values::parse_positive;
use crate::context::Ctx;
use crate::error::{CliError, Result};
use crate::grouping::{GroupKey, Stats};
use crate::output::openmetrics::{self as om, Family, Flavor};

/// Serve the DLQs' figures on /metrics for Prometheus, refreshed every --interval.
///
/// Reads both DLQs (or the one --dlq names) one page at a time, as `dlq stats` does, and
/// serves depth, age of the oldest and newest entry and entries about to expire per group,
/// with the exporter's own health. When the API fails the last good figures stay, marked
/// stale (dlq_exporter_stale 1). Throttled replies are waited out as bulk runs do (the
/// server's Retry-After, else backoff); a refresh never overlaps the next. Plain HTTP, on
/// loopback unless --listen says otherwise. SIGTERM or Ctrl-C stops it cleanly (exit 0).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dlq exporter                               http://127.0.0.1:9725/metrics, every 60s
  dlq exporter --interval 5m --by url,status
  dlq exporter --dlq qstash --by queue --top 20
  dlq exporter --listen 0.0.0.0:9725         in a container (publish the port)

Prometheus:
  scrape_configs:
    - job_name: dlq
      static_configs: [{ targets: ['127.0.0.1:9725'] }]")]
pub struct Args {
    /// Address to serve /metrics on (plain HTTP)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:9725")]
    pub listen: SocketAddr,

    /// How often to read the DLQs
    #[arg(long, value_name = "DURATION", default_value = "60s",
          value_parser = crate::args::values::parse_interval)]
    pub interval: Duration,

    /// Which DLQ to read: qstash, workflow or both
    #[arg(long, value_enum, value_name = "DLQ", default_value = "both")]
    pub dlq: Which,

    /// Group by these keys, comma-separated (one label each)
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        value_name = "KEYS",
        default_value = "url"
    )]
    pub by: Vec<GroupKey>,

    /// Series per DLQ at most: the largest N groups, the rest folded into one whose labels
    /// read __other__ [default: 100]
    #[arg(long, value_name = "N", value_parser = parse_positive)]
    pub top: Option<u64>,

    /// How long the DLQ keeps entries on your plan; entries within a day of it count as expiring
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "3d",
        env = "DLQ_RETENTION"
    )]
    pub retention: String,

    #[command(flatten)]
    pub filters: ReadFilters,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Which {
    Qstash,
    Workflow,
    Both,
}

/// What one DLQ's last readings left.
#[derive(Default)]
struct Dlq {
    /// The last good reading and when it was taken (epoch ms).
    good: Option<(Stats, i64)>,
    /// The last refresh failed: `good`, if any, is older than it. Not set before any ended.
    stale: bool,
    refreshes: u64,
    errors: BTreeMap<&'static str, u64>,
    entries_read: u64,
    last_duration: Duration,
}

/// The kinds of refresh error counted, each present from the start (at 0).
const ERROR_KINDS: [&str; 6] = [
    "auth",
    "throttled",
    "server",
    "client",
    "network",
    "invalid",
];

fn error_kind(e: &ApiError) -> &'static str {
    match e {
        ApiError::Status { status, .. } => match status {
            401 | 403 => "auth",
            429 => "throttled",
            500.. => "server",
            _ => "client",
        },
        ApiError::Network { .. } => "network",
        _ => "invalid",
    }
}

struct Shared {
    dlqs: Vec<(Source, Mutex<Dlq>)>,
    top: usize,
    /// Throttled replies the client has seen, retried or not.
    throttled: std::sync::atomic::AtomicU64,
}

pub async fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let sources = match args.dlq {
        Which::Qstash => vec![Source::Qstash],
        Which::Workflow => vec![Source::Workflow],
        Which::Both => vec![Source::Qstash, Source::Workflow],
    };
    let retention = super::stats::retention(&args.retention)?;
    super::stats::check_metric_keys(&args.by, args.top)?;
    for s in &sources {
        // Refused now, not at the first refresh: a filter or key the DLQ does not have.
        super::stats::check_keys(&args.by, *s).map_err(|e| e.hint(other_dlq(*s)))?;
        args.filters
            .build(*s, ctx.now_ms)
            .map_err(|e| e.hint(other_dlq(*s)))?;
    }
    let api = ctx.api()?;
    let shared = Arc::new(Shared {
        dlqs: sources
            .iter()
            .map(|s| (*s, Mutex::new(Dlq::default())))
            .collect(),
        top: args.top.map_or(om::DEFAULT_TOP, |n| n as usize),
        throttled: Default::default(),
    });
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| {
            CliError::failure(format!("cannot listen on {}: {e}", args.listen))
                .hint("pick another --listen address, like 127.0.0.1:9726")
        })?;
    let addr = listener.local_addr()?;
    if !addr.ip().is_loopback() {
        ctx.out.warn(&format!(
            "serving plain HTTP on {addr}, beyond this machine: whoever reaches it sees the \
             DLQ's URLs and labels"
        ));
    }
    ctx.out.info(&format!(
        "serving http://{addr}/metrics; reading every {} (SIGTERM or Ctrl-C to stop)",
        crate::output::time::duration(args.interval)
    ));
    let app = axum::Router::new()
        .route("/metrics", get(metrics))
        .route("/", get(index))
        .with_state(shared.clone());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .into_future(),
    );
    tokio::select! {
        _ = refresh_forever(ctx, &api, &args, retention, &shared) => {}
        _ = super::signals::first() => {}
    }
    let _ = stop.send(());
    // A scraper holding a connection open must not keep a stopping process alive.
    let _ = tokio::time::timeout(Duration::from_secs(5), server).await;
    ctx.out.info("stopped");
    Ok(())
}

fn other_dlq(s: Source) -> &'static str {
    match s {
        Source::Qstash => "the exporter reads both DLQs: --dlq workflow reads only workflow runs",
        Source::Workflow => "the exporter reads both DLQs: --dlq qstash reads only QStash messages",
    }
}

/// Reads every DLQ, then waits out the rest of the interval; never returns.
async fn refresh_forever(
    ctx: &Ctx,
    api: &crate::api::Client,
    args: &Args,
    retention: Duration,
    shared: &Shared,
) {
    let mut tick = tokio::time::interval(args.interval);
    // A refresh longer than the interval delays the next; it never doubles up.
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        for (source, slot) in &shared.dlqs {
            let now = jiff::Timestamp::now().as_millisecond();
            let started = Instant::now();
            let mut read = 0u64;
            let result = match args.filters.build(*source, now) {
                Ok(filter) => {
                    let reading = super::stats::Reading {
                        by: args.by.clone(),
                        keyer: None,
                        retention,
                    };
                    super::stats::read(api, *source, &filter, reading, now, |n| read += n as u64)
                        .await
                }
                Err(e) => Err(ApiError::Invalid(e.to_string())),
            };
            // Before the figures turn fresh, so a scrape never sees them without it.
            shared
                .throttled
                .store(api.pressure().throttled, Ordering::Relaxed);
            let mut d = slot.lock().unwrap();
            d.refreshes += 1;
            d.entries_read += read;
            d.last_duration = started.elapsed();
            match result {
                Ok(stats) => {
                    if d.stale {
                        ctx.out
                            .info(&format!("{}: refreshed again", source_name(*source)));
                    }
                    d.good = Some((stats, now));
                    d.stale = false;
                }
                Err(e) => {
                    *d.errors.entry(error_kind(&e)).or_default() += 1;
                    d.stale = true;
                    ctx.out.warn(&format!(
                        "{}: refresh failed, serving the last good figures marked stale: {e}",
                        source_name(*source)
                    ));
                }
            }
        }
    }
}

fn source_name(s: Source) -> &'static str {
    om::dlq_label_value(s)
}

async fn index() -> &'static str {
    "dlq exporter: the figures are at /metrics\n"
}

/// `/metrics`: OpenMetrics to a scraper that asks for it (Prometheus does), the Prometheus
/// text format to anything else.
async fn metrics(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> impl IntoResponse {
    let wants_om = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/openmetrics-text"));
    let (flavor, content_type) = if wants_om {
        (Flavor::OpenMetrics, om::OPENMETRICS_TYPE)
    } else {
        (Flavor::Prometheus, om::PROMETHEUS_TYPE)
    };
    let mut body = Vec::new();
    let families = families(&shared, jiff::Timestamp::now().as_millisecond());
    // Writing to memory cannot fail.
    let _ = om::write(&mut body, &families, flavor, om::Reader::Scraper);
    ([(header::CONTENT_TYPE, content_type)], body)
}

/// The DLQs' figures (ages as of `now_ms`), then the exporter's health.
fn families(shared: &Shared, now_ms: i64) -> Vec<Family> {
    let locked: Vec<_> = shared
        .dlqs
        .iter()
        .map(|(s, d)| (*s, d.lock().unwrap()))
        .collect();
    let good: Vec<(Source, &Stats)> = locked
        .iter()
        .filter_map(|(s, d)| d.good.as_ref().map(|(stats, _)| (*s, stats)))
        .collect();
    let mut out = om::dlq_families(&good, shared.top, now_ms);

    let mut ready = Family::gauge(
        "dlq_exporter_ready",
        "1 once a refresh has succeeded; 0 while none has (the first still under way, or all failed).",
    );
    let mut stale = Family::gauge(
        "dlq_exporter_stale",
        "1 when the last refresh failed: the figures served, if any, are from an earlier one.",
    );
    let mut last = Family::gauge(
        "dlq_exporter_last_refresh_timestamp_seconds",
        "When the figures served were read (Unix time).",
    );
    let mut took = Family::gauge(
        "dlq_exporter_refresh_duration_seconds",
        "How long the last refresh took, failed or not.",
    );
    let mut refreshes = Family::counter("dlq_exporter_refreshes", "Refreshes, failed or not.");
    let mut errors = Family::counter("dlq_exporter_refresh_errors", "Failed refreshes, by kind.");
    let mut read = Family::counter("dlq_exporter_entries_read", "DLQ entries read.");
    for (source, d) in &locked {
        let dlq = vec![om::dlq_label(*source)];
        // Not read yet is not a failure: an exporter still on its first refresh of a large
        // DLQ is ready 0 and stale 0; one that could not read is stale 1.
        ready.add(dlq.clone(), f64::from(u8::from(d.good.is_some())));
        stale.add(dlq.clone(), f64::from(u8::from(d.stale)));
        if let Some((_, at)) = &d.good {
            last.add(dlq.clone(), *at as f64 / 1000.0);
        }
        if d.refreshes > 0 {
            took.add(dlq.clone(), d.last_duration.as_secs_f64());
        }
        refreshes.add(dlq.clone(), d.refreshes as f64);
        for kind in ERROR_KINDS {
            let mut labels = dlq.clone();
            labels.push(("kind".into(), kind.into()));
            errors.add(labels, d.errors.get(kind).copied().unwrap_or(0) as f64);
        }
        read.add(dlq, d.entries_read as f64);
    }
    let mut throttled = Family::counter(
        "dlq_exporter_throttled_replies",
        "Replies that were 429 (throttled) and were waited out or counted as errors.",
    );
    throttled.add(vec![], shared.throttled.load(Ordering::Relaxed) as f64);
    out.extend([ready, stale, last, took, refreshes, errors, read, throttled]);
    out
}
