//! Receiving diagnostic probes: proof that the event path into a service works.
//!
//! Intake sends a probe (`probe.sent`) through its outbox; every consuming service records
//! its arrival through its inbox in `probe_receipts` and shows it at
//! `GET /api/v1/<service>/probes/{id}`, so an operator can see the whole path work end to
//! end, on either transport.

use actix_web::{HttpResponse, web};
use sea_orm::{ActiveValue::Set, DatabaseTransaction, EntityTrait, entity::prelude::*};
use sea_orm_migration::{prelude::*, schema::*};
use serde::Serialize;
use utoipa::ToSchema;

use sangkien_proto::{Envelope, ErrorCode, Role, events::ProbeSent};

use crate::{auth::Caller, error::ApiError, service::ServiceContext};

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

/// Whether a probe reached this service (admin only).
pub async fn get_receipt(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(&[Role::Admin])?;
    let found = receipt::Entity::find_by_id(id.into_inner())
        .filter(receipt::Column::Tenant.eq(caller.tenant))
        .one(&ctx.db)
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
