//! `Outbox::publish`: one envelope per event, with the caller's (or the cause's) tenant,
//! correlation and causation, written in the caller's transaction.

use sea_orm::{EntityTrait, TransactionTrait};
use uuid::Uuid;

use sangkien_kit::{auth::Caller, events::Origin, store::outbox};
use sangkien_proto::{Envelope, Lang, events::ProbeSent};

use crate::harness::{Env, count};

fn caller(tenant: Uuid) -> Caller {
    Caller {
        user: Uuid::now_v7(),
        tenant,
        roles: Vec::new(),
        name: None,
        request_id: "req-42".into(),
        lang: Lang::Vi,
    }
}

fn probe(note: &str) -> ProbeSent {
    ProbeSent {
        probe_id: Uuid::now_v7(),
        note: note.into(),
        sent_by: Uuid::now_v7(),
    }
}

async fn stored(env: &Env, id: Uuid) -> Envelope {
    let row = outbox::Entity::find_by_id(id)
        .one(&env.db)
        .await
        .unwrap()
        .expect("the event is in the outbox");
    serde_json::from_str(&row.envelope).unwrap()
}

#[tokio::test]
async fn a_published_event_carries_the_callers_tenant_and_request_id() {
    let env = Env::new().await;
    let tenant = Uuid::now_v7();
    let c = caller(tenant);
    let now = env.clock.now();
    let txn = env.db.begin().await.unwrap();
    let id = env
        .outbox
        .publish(&txn, now, &c, &probe("từ yêu cầu"))
        .await
        .unwrap();
    env.outbox.commit(txn).await.unwrap();
    let e = stored(&env, id).await;
    assert_eq!(e.event_type, "probe.sent");
    assert_eq!(e.tenant, tenant);
    assert_eq!(e.correlation_id, "req-42");
    assert_eq!(e.causation_id, None);
    assert_eq!(e.occurred_at, now);
    assert_eq!(e.decode::<ProbeSent>().unwrap().note, "từ yêu cầu");
    env.cleanup().await;
}

#[tokio::test]
async fn an_event_published_by_a_handler_is_caused_by_the_event_it_handles() {
    let env = Env::new().await;
    let cause = env.probe("nguyên nhân");
    let now = env.clock.now();
    let txn = env.db.begin().await.unwrap();
    let id = env
        .outbox
        .publish(&txn, now, &cause, &probe("hệ quả"))
        .await
        .unwrap();
    let other_tenant = Uuid::now_v7();
    let moved = env
        .outbox
        .publish(
            &txn,
            now,
            Origin::from(&cause).in_tenant(other_tenant),
            &probe("cho đơn vị khác"),
        )
        .await
        .unwrap();
    env.outbox.commit(txn).await.unwrap();
    let e = stored(&env, id).await;
    assert_eq!(e.tenant, cause.tenant);
    assert_eq!(e.correlation_id, cause.correlation_id);
    assert_eq!(e.causation_id, Some(cause.id));
    let m = stored(&env, moved).await;
    assert_eq!(m.tenant, other_tenant);
    assert_eq!(m.causation_id, Some(cause.id));
    env.cleanup().await;
}

#[tokio::test]
async fn a_published_event_is_rolled_back_with_its_transaction() {
    let env = Env::new().await;
    let txn = env.db.begin().await.unwrap();
    env.outbox
        .publish(&txn, env.clock.now(), &caller(Uuid::now_v7()), &probe("bỏ"))
        .await
        .unwrap();
    txn.rollback().await.unwrap();
    assert_eq!(
        count(&env.db, "SELECT COUNT(*) FROM outbox_events").await,
        0
    );
    env.cleanup().await;
}
