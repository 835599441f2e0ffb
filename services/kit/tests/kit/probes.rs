//! The probe wiring a consuming service takes from the kit: `probe.sent` recorded in front of
//! the service's own handler, and its route documented under the service's name.

use async_trait::async_trait;
use sea_orm::{DatabaseTransaction, EntityTrait, TransactionTrait};
use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};
use uuid::Uuid;

use sangkien_kit::{
    diagnostics::{receipt, receipts_openapi, recording_probes},
    events::EventHandler,
};
use sangkien_proto::{Envelope, events::UnitChanged};

use crate::harness::Env;

/// The service's own handler: counts what reaches it.
#[derive(Default)]
struct Own {
    calls: AtomicUsize,
}

#[async_trait]
impl EventHandler for Own {
    async fn handle(&self, _: &DatabaseTransaction, _: &Envelope) -> anyhow::Result<()> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

#[tokio::test]
async fn a_probe_is_recorded_and_every_other_event_goes_to_the_services_handler() {
    let env = Env::new().await;
    let own = Arc::new(Own::default());
    let handler = recording_probes(own.clone(), env.clock.clone());
    let probe = env.probe("đường đi");
    let unit = Envelope::new(
        &UnitChanged {
            unit_id: Uuid::now_v7(),
            parent_id: None,
            code: "pgd".into(),
            name: "Phòng Giáo dục".into(),
            kind: "office".into(),
            active: true,
        },
        Uuid::now_v7(),
        env.clock.now(),
        "req",
        None,
    )
    .unwrap();
    let txn = env.db.begin().await.unwrap();
    handler.handle(&txn, &probe).await.unwrap();
    handler.handle(&txn, &unit).await.unwrap();
    txn.commit().await.unwrap();
    let p: sangkien_proto::events::ProbeSent = probe.decode().unwrap();
    let kept = receipt::Entity::find_by_id(p.probe_id)
        .one(&env.db)
        .await
        .unwrap()
        .expect("the probe is recorded");
    assert_eq!((kept.event_id, kept.tenant), (probe.id, probe.tenant));
    assert_eq!(
        own.calls.load(Ordering::SeqCst),
        1,
        "only the unit reached it"
    );
    env.cleanup().await;
}

#[test]
fn the_receipt_route_is_documented_under_the_services_own_path() {
    let doc = serde_json::to_value(receipts_openapi("decision")).unwrap();
    let op = &doc["paths"]["/api/v1/decision/probes/{id}"]["get"];
    assert_eq!(op["operationId"], "get_probe_receipt");
    assert_eq!(
        op["summary"],
        "Whether a diagnostic probe sent by intake has reached decision."
    );
    assert_eq!(doc["paths"].as_object().unwrap().len(), 1);
    assert!(doc["components"]["schemas"]["ProbeReceiptView"].is_object());
}
