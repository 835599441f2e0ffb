//! The outbox: state and event commit together; the relay delivers everything, also across
//! a broker outage.

use async_trait::async_trait;
use sea_orm::TransactionTrait;
use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};
use tokio_util::sync::CancellationToken;

use sangkien_kit::{
    events::{DeadLetter, DeliveryHandler, QueueSpec, SharedTransport, Transport, TransportError},
    testing::{Backend, eventually},
};
use sangkien_proto::Envelope;

use crate::harness::{Env, Recorder, count, effects, insert_effect};

#[tokio::test]
async fn a_state_change_and_its_event_commit_together() {
    let env = Env::new().await;
    let event = env.probe("committed");
    let txn = env.db.begin().await.unwrap();
    insert_effect(&txn, event.id, "state change").await.unwrap();
    env.outbox
        .enqueue(&txn, &event, env.clock.now())
        .await
        .unwrap();
    env.outbox.commit(txn).await.unwrap();
    assert_eq!(effects(&env.db).await, 1);
    assert_eq!(
        count(&env.db, "SELECT COUNT(*) FROM outbox_events").await,
        1
    );
    env.cleanup().await;
}

#[tokio::test]
async fn a_rolled_back_transaction_leaves_neither_state_nor_event() {
    let env = Env::new().await;
    let event = env.probe("rolled back");
    let txn = env.db.begin().await.unwrap();
    insert_effect(&txn, event.id, "state change").await.unwrap();
    env.outbox
        .enqueue(&txn, &event, env.clock.now())
        .await
        .unwrap();
    txn.rollback().await.unwrap();
    assert_eq!(effects(&env.db).await, 0);
    assert_eq!(
        count(&env.db, "SELECT COUNT(*) FROM outbox_events").await,
        0
    );
    env.cleanup().await;
}

#[tokio::test]
async fn the_relay_marks_events_published_only_after_the_broker_confirms() {
    let env = Env::new().await;
    for i in 0..5 {
        env.write_event(&env.probe(&format!("e{i}"))).await;
    }
    let relay = env.relay_with(env.transport.clone());
    assert_eq!(relay.relay_once().await.unwrap(), 5);
    assert_eq!(relay.backlog().await.unwrap(), 0);
    assert_eq!(
        relay.relay_once().await.unwrap(),
        0,
        "nothing is published twice"
    );
    env.cleanup().await;
}

/// Wraps the real transport and fails publishing while "down": the in-process stand-in for
/// a broker outage (on RabbitMQ the test cuts the real connection instead).
struct Outage {
    inner: SharedTransport,
    down: AtomicBool,
}

#[async_trait]
impl Transport for Outage {
    async fn publish(&self, envelopes: &[Envelope]) -> Result<(), TransportError> {
        if self.down.load(Ordering::SeqCst) {
            return Err(TransportError::Unreachable("outage".into()));
        }
        self.inner.publish(envelopes).await
    }
    async fn declare(&self, topology: &[QueueSpec]) -> Result<(), TransportError> {
        self.inner.declare(topology).await
    }
    async fn run_consumer(&self, q: QueueSpec, h: Arc<dyn DeliveryHandler>, c: CancellationToken) {
        self.inner.run_consumer(q, h, c).await
    }
    async fn check(&self) -> Result<(), TransportError> {
        self.inner.check().await
    }
    async fn dead_letters(&self, s: &str, l: usize) -> Result<Vec<DeadLetter>, TransportError> {
        self.inner.dead_letters(s, l).await
    }
    async fn replay_dead_letters(
        &self,
        s: &str,
        ids: Option<&[String]>,
    ) -> Result<usize, TransportError> {
        self.inner.replay_dead_letters(s, ids).await
    }
    async fn dead_letter_count(&self, s: &str) -> Result<u64, TransportError> {
        self.inner.dead_letter_count(s).await
    }
    async fn queue_depth(&self, s: &str) -> Result<u64, TransportError> {
        self.inner.queue_depth(s).await
    }
}

#[tokio::test]
async fn every_event_written_reaches_the_consumer_across_a_broker_outage() {
    let env = Env::with_proxy().await;
    let outage = Arc::new(Outage {
        inner: env.transport.clone(),
        down: AtomicBool::new(false),
    });
    let recorder = Arc::new(Recorder::default());
    env.start_consumer(env.consumer(recorder.clone()));
    tokio::spawn(env.relay_with(outage.clone()).run(env.cancel.child_token()));

    for i in 0..10 {
        env.write_event(&env.probe(&format!("before {i}"))).await;
    }
    assert!(
        eventually(Duration::from_secs(20), || async {
            (effects(&env.db).await == 10).then_some(())
        })
        .await
        .is_some(),
        "events before the outage arrive"
    );

    // The broker goes away: on RabbitMQ every connection is cut and new ones refused.
    match (&env.proxy, env.backend) {
        (Some(proxy), Backend::Distributed) => proxy.cut(),
        _ => outage.down.store(true, Ordering::SeqCst),
    }
    for i in 0..20 {
        env.write_event(&env.probe(&format!("during {i}"))).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let pending = count(
        &env.db,
        "SELECT COUNT(*) FROM outbox_events WHERE published_at IS NULL",
    )
    .await;
    assert!(
        pending > 0,
        "nothing can be confirmed while the broker is away"
    );

    match (&env.proxy, env.backend) {
        (Some(proxy), Backend::Distributed) => proxy.restore(),
        _ => outage.down.store(false, Ordering::SeqCst),
    }
    assert!(
        eventually(Duration::from_secs(30), || async {
            (effects(&env.db).await == 30).then_some(())
        })
        .await
        .is_some(),
        "every event written during the outage arrives after it, found {}",
        effects(&env.db).await
    );
    // The consumer may handle an event before the relay has its confirm and marks it (after a
    // reconnection the relay may even publish it again, which the inbox absorbs): every event
    // is marked published soon after, none stays pending.
    assert!(
        eventually(Duration::from_secs(30), || async {
            (count(
                &env.db,
                "SELECT COUNT(*) FROM outbox_events WHERE published_at IS NULL",
            )
            .await
                == 0)
                .then_some(())
        })
        .await
        .is_some(),
        "every event is marked published after the outage"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(effects(&env.db).await, 30, "and each exactly once");
    env.cleanup().await;
}

#[tokio::test]
async fn several_relays_on_one_outbox_publish_each_event_once() {
    let env = Env::new().await;
    let recorder = Arc::new(Recorder::default());
    env.start_consumer(env.consumer(recorder.clone()));
    for i in 0..300 {
        env.write_event(&env.probe(&format!("many {i}"))).await;
    }
    let relays: Vec<_> = (0..3)
        .map(|_| env.relay_with(env.transport.clone()))
        .collect();
    let published: usize = futures::future::join_all(relays.iter().map(|r| async move {
        let mut total = 0;
        loop {
            let n = r.relay_once().await.unwrap();
            if n == 0 {
                break total;
            }
            total += n;
        }
    }))
    .await
    .into_iter()
    .sum();
    if env.backend == Backend::Distributed {
        // FOR UPDATE SKIP LOCKED: no row is taken by two relays.
        assert_eq!(published, 300);
    } else {
        assert!(published >= 300);
    }
    assert!(
        eventually(Duration::from_secs(30), || async {
            (effects(&env.db).await == 300).then_some(())
        })
        .await
        .is_some()
    );
    env.cleanup().await;
}
