//! A journal slow to sync (issue 31): a callback sends a request per entry, each marked in
//! flight and synced before it goes. The marks of the requests in flight wait for the disk
//! together, not one after another, and outcomes that come back together are recorded
//! together; every entry is still acted on exactly once, each marked before it was sent.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;

use super::Waits;
use crate::bulk::callback::Ledger;
use crate::bulk::exec::Engine;
use crate::bulk::flow::Controller;
use crate::bulk::outcome::Outcome;

const IDS: usize = 24;
const IN_FLIGHT: usize = 8;

#[tokio::test(start_paused = true)]
async fn marks_waiting_for_the_disk_wait_together_and_outcomes_are_recorded_together() {
    let ids: Vec<String> = (0..IDS).map(|i| format!("c{i}")).collect();
    let (fake, action) = super::callbacks_on(&ids);
    let waits = Waits::default();
    // Marks waiting for the disk now, and the most seen at once.
    let waiting = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let mark = |ids: &[String]| -> BoxFuture<'static, std::io::Result<()>> {
        let (ids, marked) = (ids.to_vec(), fake.marked.clone());
        let (waiting, most) = (waiting.clone(), most.clone());
        Box::pin(async move {
            let now = waiting.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            // The disk takes its time to sync.
            tokio::time::sleep(Duration::from_millis(10)).await;
            marked.lock().unwrap().extend(ids);
            waiting.fetch_sub(1, Ordering::SeqCst);
            Ok(())
        })
    };
    let mut engine = Engine::new(&fake, &action, &fake.cancel, &waits);
    engine.callbacks = Ledger::new(fake.epoch_ms);
    engine.callbacks.know(
        ids.iter()
            .map(|id| (id.clone(), (format!("wfr_{id}"), None))),
    );
    engine.flow = Controller::fixed(IN_FLIGHT);
    engine.sending = Some(&mark);
    let mut seen: Vec<Outcome> = Vec::new();
    let mut records = 0;
    let mut record = |o: &[Outcome]| -> std::io::Result<()> {
        records += 1;
        seen.extend_from_slice(o);
        Ok(())
    };
    let (summary, halt) = engine
        .run(&ids.clone().into(), &HashSet::new(), &mut record)
        .await;
    drop(engine);
    assert!(halt.is_none(), "{halt:?}");
    assert_eq!(summary.done, IDS as u64);
    assert_eq!(seen.len(), IDS);
    for id in &ids {
        assert_eq!(fake.applied(id), 1, "{id} ran once");
    }
    assert!(fake.unmarked().is_empty(), "every send was marked first");
    assert_eq!(
        most.load(Ordering::SeqCst),
        IN_FLIGHT,
        "the marks of the requests in flight wait for the disk together"
    );
    assert!(
        records <= IDS / 2,
        "outcomes that come back together are recorded (and synced) together: {records} \
         records for {IDS} entries"
    );
}
