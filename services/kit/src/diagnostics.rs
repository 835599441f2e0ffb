//! Receiving diagnostic probes: proof that the event path into a service works.
//!
//! Intake sends a probe (`probe.sent`) through its outbox; every consuming service records
//! its arrival through its inbox in `probe_receipts` and shows it at
//! `GET /api/v1/<service>/probes/{id}`, so an operator can see the whole path work end to
//! end, on either transport.
//!
//! A consuming service wires it with three calls: [`recording_probes`] around its event
//! handler, [`configure`] among its routes, and [`receipts_openapi`] merged into its
//! OpenAPI document.

use std::sync::Arc;

use actix_web::{HttpResponse, web};
use async_trait::async_trait;
use sea_orm::{ActiveValue::Set, DatabaseTransaction, EntityTrait};
use sea_orm_migration::{prelude::*, schema::*};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use sangkien_proto::{Envelope, ErrorCode, Role, events::ProbeSent};

use crate::{
    auth::Caller, clock::SharedClock, context::ServiceContext, error::ApiError,
    events::EventHandler, store::find_in_tenant,
};

/// `probe_receipts` rows.
pub mod receipt {
    use sea_orm::entity::prelude::*;

    /// One probe that arrived.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "probe_receipts")]
    pub struct Model {
        /// The probe id from intake.
        #[sea_orm(primary_key, auto_increment = false)]
        pub probe_id: Uuid,
        /// The tenant it was sent in.
        pub tenant: Uuid,
        /// The event that carried it.
        pub event_id: Uuid,
        /// The operator's note.
        pub note: String,
        /// When it arrived here.
        pub received_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    crate::tenant_scoped!(Column::Tenant);
}

/// Creates `probe_receipts`.
pub struct CreateProbeReceipts;

impl MigrationName for CreateProbeReceipts {
    fn name(&self) -> &str {
        "m20261128_000901_probe_receipts"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateProbeReceipts {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("probe_receipts")
                    .if_not_exists()
                    .col(pk_uuid("probe_id"))
                    .col(uuid("tenant"))
                    .col(uuid("event_id"))
                    .col(text("note"))
                    .col(timestamp_with_time_zone("received_at"))
                    .to_owned(),
            )
            .await
    }
}

/// Records a `probe.sent` event inside the inbox transaction.
pub async fn record_probe(
    txn: &DatabaseTransaction,
    envelope: &Envelope,
    received_at: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let probe: ProbeSent = envelope.decode()?;
    receipt::Entity::insert(receipt::ActiveModel {
        probe_id: Set(probe.probe_id),
        tenant: Set(envelope.tenant),
        event_id: Set(envelope.id),
        note: Set(probe.note),
        received_at: Set(received_at),
    })
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

/// A probe as this service received it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProbeReceiptView {
    /// The probe id.
    pub probe_id: Uuid,
    /// The event that carried it.
    pub event_id: Uuid,
    /// The operator's note.
    pub note: String,
    /// When it arrived.
    pub received_at: chrono::DateTime<chrono::Utc>,
}

/// Registers `GET /probes/{id}` of a consuming service.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/probes/{id}", web::get().to(get_receipt));
}

/// Whether a diagnostic probe sent by intake has reached this service.
#[utoipa::path(
    get,
    path = "/probes/{id}",
    operation_id = "get_probe_receipt",
    tag = "diagnostics",
    params(("id" = Uuid, Path, description = "Probe id")),
    responses(
        (status = 200, description = "The probe arrived", body = ProbeReceiptView),
        (status = 404, description = "Not (yet) arrived", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_receipt(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(&[Role::Admin])?;
    let found = find_in_tenant::<receipt::Entity>(&ctx.db, caller.tenant, id.into_inner())
        .await?
        .ok_or_else(|| {
            ApiError::new(ErrorCode::ProbeNotFound).with_detail(
                format!("Bản tin kiểm tra chưa đến dịch vụ {}", ctx.name),
                format!("The probe has not reached the {} service", ctx.name),
            )
        })?;
    Ok(HttpResponse::Ok().json(ProbeReceiptView {
        probe_id: found.probe_id,
        event_id: found.event_id,
        note: found.note,
        received_at: found.received_at,
    }))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(get_receipt), components(schemas(ProbeReceiptView)))]
struct ReceiptsDoc;

/// The OpenAPI part of [`configure`] for `service`: its path under `/api/v1/<service>`.
pub fn receipts_openapi(service: &str) -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi as _;
    let mut doc = ReceiptsDoc::openapi();
    let paths = std::mem::take(&mut doc.paths.paths);
    for (path, mut item) in paths {
        if let Some(op) = item.get.as_mut() {
            let text = format!("Whether a diagnostic probe sent by intake has reached {service}.");
            if op.description.is_some() {
                op.description = Some(text.clone());
            }
            op.summary = Some(text);
        }
        doc.paths
            .paths
            .insert(format!("/api/v1/{service}{path}"), item);
    }
    doc
}

/// A consuming service's event handler with probes recorded in front of it: `probe.sent` is
/// kept in `probe_receipts`, every other event goes on to the service's own handler.
pub fn recording_probes(
    handler: Arc<dyn EventHandler>,
    clock: SharedClock,
) -> Arc<dyn EventHandler> {
    Arc::new(RecordingProbes { handler, clock })
}

struct RecordingProbes {
    handler: Arc<dyn EventHandler>,
    clock: SharedClock,
}

#[async_trait]
impl EventHandler for RecordingProbes {
    async fn handle(&self, txn: &DatabaseTransaction, envelope: &Envelope) -> anyhow::Result<()> {
        if envelope.is::<ProbeSent>() {
            return record_probe(txn, envelope, self.clock.now()).await;
        }
        self.handler.handle(txn, envelope).await
    }
}
