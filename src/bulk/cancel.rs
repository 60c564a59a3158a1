//! A stop signal for bulk runs that waits can race: a Ctrl-C must end a pacing or back-off
//! wait at once, not after it (a `--rps 0.01` wait is 100 seconds).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

#[derive(Clone, Default)]
pub struct Cancel(Arc<Inner>);

#[derive(Default)]
struct Inner {
    set: AtomicBool,
    notify: Notify,
}

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }

    pub fn cancel(&self) {
        self.0.set.store(true, Ordering::SeqCst);
        self.0.notify.notify_waiters();
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.set.load(Ordering::SeqCst)
    }

    /// Completes once [`Cancel::cancel`] was called (at once if it already was).
    pub async fn cancelled(&self) {
        loop {
            let notified = self.0.notify.notified();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }

    /// Sleeps for `d`; false when the sleep was cut short by a cancel.
    pub async fn sleep(&self, d: Duration) -> bool {
        tokio::select! {
            _ = tokio::time::sleep(d) => !self.is_cancelled(),
            _ = self.cancelled() => false,
        }
    }

    /// Sleeps until `t`; false when cut short by a cancel.
    pub async fn sleep_until(&self, t: tokio::time::Instant) -> bool {
        tokio::select! {
            _ = tokio::time::sleep_until(t) => !self.is_cancelled(),
            _ = self.cancelled() => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_cancel_ends_a_long_sleep_at_once() {
        let c = Cancel::new();
        let c2 = c.clone();
        let waiter = tokio::spawn(async move { c2.sleep(Duration::from_secs(3600)).await });
        tokio::task::yield_now().await;
        c.cancel();
        let finished = tokio::time::timeout(Duration::from_secs(5), waiter)
            .await
            .expect("the sleep ended")
            .unwrap();
        assert!(!finished);
        assert!(!c.sleep(Duration::from_secs(3600)).await);
    }
}
