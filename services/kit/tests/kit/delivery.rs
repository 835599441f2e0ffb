//! The inbox and the consumer runner: duplicates, dead letters, replay, lost acks.

use async_trait::async_trait;
use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use sangkien_kit::{
    events::{Consumer, Delivery, DeliveryHandler, Outcome},
    testing::{ChaosProxy, eventually},
};

use crate::harness::{Env, QUEUE, Recorder, count, effects};

#[tokio::test]
async fn the_same_event_delivered_twice_to_two_consumers_has_one_effect() {
    let env = Env::new().await;
    let recorder = Arc::new(Recorder::default());
    // Two consumer instances of the same service on the same queue.
    env.start_consumer(env.consumer(recorder.clone()));
    env.start_consumer(env.consumer(recorder.clone()));
    let events: Vec<_> = (0..10).map(|i| env.probe(&format!("dup {i}"))).collect();
    // Every event published twice, as after a relay crash between publish and mark.
    env.transport.publish(&events).await.unwrap();
    env.transport.publish(&events).await.unwrap();
    assert!(
        eventually(Duration::from_secs(20), || async {
            (effects(&env.db).await >= 10).then_some(())
        })
        .await
        .is_some()
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(effects(&env.db).await, 10, "one effect per event");
    assert_eq!(
        count(&env.db, "SELECT COUNT(*) FROM inbox_events").await,
        10
    );
    env.cleanup().await;
}

#[tokio::test]
async fn a_failing_event_goes_to_the_dead_letter_queue_while_others_flow_and_replay_delivers_it() {
    let env = Env::new().await;
    let limit = env.settings.events.delivery_limit as usize;
    let recorder = Arc::new(Recorder::default());
    recorder.fail_on("poison");
    env.start_consumer(env.consumer(recorder.clone()));
    let poison = env.probe("poison");
    env.transport
        .publish(std::slice::from_ref(&poison))
        .await
        .unwrap();
    let good: Vec<_> = (0..5).map(|i| env.probe(&format!("good {i}"))).collect();
    env.transport.publish(&good).await.unwrap();

    assert!(
        eventually(Duration::from_secs(20), || async {
            (effects(&env.db).await == 5).then_some(())
        })
        .await
        .is_some(),
        "the other events keep flowing"
    );
    let dead = eventually(Duration::from_secs(30), || async {
        let n = env.transport.dead_letter_count(QUEUE).await.unwrap();
        (n == 1).then_some(n)
    })
    .await;
    assert_eq!(dead, Some(1), "the failing event is dead-lettered");
    assert_eq!(
        recorder.calls.load(Ordering::SeqCst),
        5 + limit,
        "delivered exactly delivery_limit ({limit}) times before dead-lettering"
    );
    let letters = env.transport.dead_letters(QUEUE, 10).await.unwrap();
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].message_id, poison.id.to_string());
    assert_eq!(letters[0].routing_key, "probe.sent");
    assert_eq!(
        letters[0].deliveries,
        Some(limit as u32),
        "the real delivery count is listed"
    );
    assert_eq!(
        letters[0].last_error.as_deref(),
        Some("handler refuses poison"),
        "the last delivery's error is listed with the dead letter"
    );

    recorder.heal();
    let replayed = env
        .transport
        .replay_dead_letters(QUEUE, Some(&[poison.id.to_string()]))
        .await
        .unwrap();
    assert_eq!(replayed, 1);
    assert!(
        eventually(Duration::from_secs(20), || async {
            (effects(&env.db).await == 6).then_some(())
        })
        .await
        .is_some(),
        "the replayed event is handled"
    );
    assert_eq!(env.transport.dead_letter_count(QUEUE).await.unwrap(), 0);
    env.cleanup().await;
}

#[tokio::test]
async fn an_unreadable_message_goes_straight_to_the_dead_letter_queue() {
    let env = Env::new().await;
    let recorder = Arc::new(Recorder::default());
    let consumer = env.consumer(recorder.clone());
    let outcome = consumer
        .deliver(Delivery {
            body: b"not an envelope".to_vec(),
            routing_key: "probe.sent".into(),
            previous_deliveries: 0,
        })
        .await;
    assert!(
        matches!(&outcome, Outcome::DeadLetter(reason) if reason.starts_with("unreadable event")),
        "{outcome:?}"
    );
    assert_eq!(recorder.calls.load(Ordering::SeqCst), 0);
    env.cleanup().await;
}

/// Lets the consumer commit, then loses the acknowledgement once, as when the process dies
/// between its commit and its ack. On RabbitMQ the connection is really cut before the ack
/// goes out, so the broker takes the unacknowledged message back; on the in-process queue the
/// message is returned unacknowledged. Either way it is delivered again.
struct DiesBeforeAck {
    inner: Arc<Consumer>,
    died: AtomicBool,
    proxy: Option<Arc<ChaosProxy>>,
}

#[async_trait]
impl DeliveryHandler for DiesBeforeAck {
    async fn deliver(&self, delivery: Delivery) -> Outcome {
        let outcome = self.inner.deliver(delivery).await;
        if outcome == Outcome::Ack && !self.died.swap(true, Ordering::SeqCst) {
            match &self.proxy {
                Some(proxy) => {
                    proxy.cut();
                    // Let the proxy drop the sockets before the ack is written.
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    let proxy = proxy.clone();
                    tokio::spawn(async move {
                        tokio::time::sleep(Duration::from_millis(500)).await;
                        proxy.restore();
                    });
                    return Outcome::Ack;
                }
                None => return Outcome::Retry("the process died before its ack".into()),
            }
        }
        outcome
    }
}

#[tokio::test]
async fn a_consumer_dying_after_commit_before_ack_gets_the_event_again_and_changes_nothing() {
    let env = Env::with_proxy().await;
    let recorder = Arc::new(Recorder::default());
    let dies = Arc::new(DiesBeforeAck {
        inner: env.consumer(recorder.clone()),
        died: AtomicBool::new(false),
        proxy: env.proxy.clone(),
    });
    env.start_consumer(dies.clone());
    let event = env.probe("once");
    // Published as the relay does it: a transient broker error is retried.
    let published = eventually(Duration::from_secs(10), || async {
        env.transport
            .publish(std::slice::from_ref(&event))
            .await
            .ok()
    })
    .await;
    assert!(published.is_some(), "the event could not be published");
    assert!(
        eventually(Duration::from_secs(20), || async {
            // While the connection is cut the broker cannot be asked: not settled yet.
            let settled = dies.died.load(Ordering::SeqCst)
                && env.transport.dead_letter_count(QUEUE).await.ok() == Some(0)
                && count(&env.db, "SELECT COUNT(*) FROM inbox_events").await == 1;
            settled.then_some(())
        })
        .await
        .is_some()
    );
    // Wait until the redelivery has been seen as a duplicate (however slow the broker is
    // to give the unacknowledged message back under load).
    let duplicates = eventually(Duration::from_secs(30), || async {
        let text = env.metrics.render();
        text.lines()
            .find(|l| l.contains("outcome=\"duplicate\""))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|n| n.parse::<f64>().ok())
            .filter(|n| *n >= 1.0)
    })
    .await;
    assert!(duplicates.is_some(), "the event was delivered again");
    assert_eq!(effects(&env.db).await, 1, "the redelivery changed nothing");
    assert_eq!(
        recorder.calls.load(Ordering::SeqCst),
        1,
        "the handler ran once"
    );
    env.cleanup().await;
}

/// The consumer lag an operator scrapes: events waiting in a service's queue while nobody
/// consumes it, back to zero once its consumer has handled them.
#[tokio::test]
async fn the_queue_depth_counts_events_waiting_for_the_consumer() {
    let env = Env::new().await;
    let events: Vec<_> = (0..3).map(|i| env.probe(&format!("waiting {i}"))).collect();
    env.transport.publish(&events).await.unwrap();
    let waiting = eventually(Duration::from_secs(10), || async {
        let n = env.transport.queue_depth(QUEUE).await.unwrap();
        (n == 3).then_some(n)
    })
    .await;
    assert_eq!(waiting, Some(3), "three events wait for a consumer");
    let recorder = Arc::new(Recorder::default());
    env.start_consumer(env.consumer(recorder));
    let drained = eventually(Duration::from_secs(20), || async {
        let n = env.transport.queue_depth(QUEUE).await.unwrap();
        (n == 0 && effects(&env.db).await == 3).then_some(n)
    })
    .await;
    assert_eq!(drained, Some(0), "the queue drains once handled");
    env.cleanup().await;
}
