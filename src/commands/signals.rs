//! Stopping a bulk run: Ctrl-C, SIGTERM and SIGHUP all finish the requests in flight, then the
//! run prints its summary and how to continue. A second signal exits at once, and still says
//! which job to continue, since the summary will not come. The process then exits as Unix
//! tools do when a signal ends them: 128 + the signal's number (130 for Ctrl-C, 143 for
//! SIGTERM, 129 for SIGHUP), the first signal's, since it is the one the run stopped for.

use crate::bulk::cancel::Cancel;
use crate::output::Output;

/// Watches for stop signals until the returned task is aborted. A second signal runs
/// `on_abort` (the job records itself interrupted) before the process exits.
pub fn watch(
    cancel: Cancel,
    out: Output,
    continue_line: String,
    on_abort: impl FnOnce() + Send + 'static,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut signals = Signals::new();
        if signals.next().await.is_none() {
            return;
        }
        // Said before the run hears of it: said after, on a busy machine it could come after
        // the summary and the continue line, which must be last.
        out.above_progress(
            "\ninterrupted: finishing the requests in flight (interrupt again to stop at once)",
        );
        cancel.cancel();
        if signals.next().await.is_some() {
            out.active.clear();
            on_abort();
            eprintln!("\nstopped at once; requests in flight are checked when you continue");
            eprintln!("{continue_line}");
            std::process::exit(i32::from(crate::error::exit::interrupted()));
        }
    })
}

/// Completes at the first stop signal (or never, if none can be watched).
pub async fn first() {
    if Signals::new().next().await.is_none() {
        std::future::pending::<()>().await
    }
}

/// SIGINT, SIGTERM and SIGHUP where they exist; Ctrl-C elsewhere.
struct Signals {
    #[cfg(unix)]
    streams: Option<[tokio::signal::unix::Signal; 3]>,
}

impl Signals {
    fn new() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let streams = (|| {
                Some([
                    signal(SignalKind::interrupt()).ok()?,
                    signal(SignalKind::terminate()).ok()?,
                    signal(SignalKind::hangup()).ok()?,
                ])
            })();
            Signals { streams }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    /// The next stop signal; `None` if none can be watched.
    async fn next(&mut self) -> Option<()> {
        #[cfg(unix)]
        {
            let [int, term, hup] = self.streams.as_mut()?;
            // Numbers as POSIX fixes them on every Unix: SIGHUP 1, SIGINT 2, SIGTERM 15.
            let number = tokio::select! {
                _ = int.recv() => 2,
                _ = term.recv() => 15,
                _ = hup.recv() => 1,
            };
            crate::error::exit::stopped_by(number);
            Some(())
        }
        #[cfg(not(unix))]
        {
            tokio::signal::ctrl_c().await.ok()?;
            crate::error::exit::stopped_by(2);
            Some(())
        }
    }
}
