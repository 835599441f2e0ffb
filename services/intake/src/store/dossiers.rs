//! Writes and reads of dossiers and what hangs off them (files, submitted versions, window
//! exceptions), kept here so handlers only parse, authorise, call and answer.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, Select,
};
use uuid::Uuid;

use super::{
    directory,
    entities::{attachment, dossier, dossier_version, window_exception},
};

/// Inserts a new dossier row, so creating a draft is one call.
pub async fn insert_dossier<C: ConnectionTrait>(
    db: &C,
    model: &dossier::Model,
) -> Result<(), DbErr> {
    dossier::Entity::insert(model.clone().into_active_model())
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Inserts a stored file's row, so an upload records it in one call.
pub async fn insert_attachment<C: ConnectionTrait>(
    db: &C,
    row: &attachment::Model,
) -> Result<(), DbErr> {
    attachment::Entity::insert(row.clone().into_active_model())
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Keeps submitted version `number` of `d` with its files (JSON), exactly as it was sent.
pub async fn insert_version<C: ConnectionTrait>(
    db: &C,
    d: &dossier::Model,
    number: i32,
    attachments: String,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    dossier_version::Entity::insert(dossier_version::ActiveModel {
        id: Set(Uuid::now_v7()),
        dossier_id: Set(d.id),
        number: Set(number),
        form: Set(d.form.clone()),
        attachments: Set(attachments),
        submitted_by: Set(by),
        submitted_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Records a receive window reopened for one dossier; returns the exception's id.
pub async fn insert_window_exception<C: ConnectionTrait>(
    db: &C,
    dossier_id: Uuid,
    until: NaiveDate,
    reason: &str,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<Uuid, DbErr> {
    let id = Uuid::now_v7();
    window_exception::Entity::insert(window_exception::ActiveModel {
        id: Set(id),
        dossier_id: Set(dossier_id),
        until: Set(until),
        reason: Set(reason.to_owned()),
        granted_by: Set(by),
        granted_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(id)
}

/// The registered dossiers among `visible`, by register number: the lines of a register.
pub async fn registered<C: ConnectionTrait>(
    db: &C,
    visible: Select<dossier::Entity>,
) -> Result<Vec<dossier::Model>, DbErr> {
    visible
        .filter(dossier::Column::RegisterNumber.is_not_null())
        .order_by_asc(dossier::Column::RegisterNumber)
        .all(db)
        .await
}

/// The directory copy's units of `tenant`, so papers can print unit names.
pub async fn units_of_tenant<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
) -> Result<Vec<directory::unit::Model>, DbErr> {
    directory::unit::Entity::find()
        .filter(directory::unit::Column::Tenant.eq(tenant))
        .all(db)
        .await
}
