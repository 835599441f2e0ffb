//! Writes and reads of plans that handlers need, kept here so handlers only parse,
//! authorise, call and answer.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter,
};
use uuid::Uuid;

use super::entities::{dossier, plan, plan_amendment};

/// True when some dossier of plan `plan_id` is in field `code`: such a field may not go.
pub async fn field_has_dossiers<C: ConnectionTrait>(
    db: &C,
    plan_id: Uuid,
    code: &str,
) -> Result<bool, DbErr> {
    Ok(dossier::Entity::find()
        .filter(dossier::Column::PlanId.eq(plan_id))
        .filter(dossier::Column::Field.eq(code.to_owned()))
        .one(db)
        .await?
        .is_some())
}

/// Records the amendment of `p` to fields `after` (JSON) and saves them as its next version.
pub async fn amend<C: ConnectionTrait>(
    db: &C,
    p: &plan::Model,
    reason: &str,
    after: String,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<plan::Model, DbErr> {
    let version = p.version + 1;
    plan_amendment::Entity::insert(plan_amendment::ActiveModel {
        id: Set(Uuid::now_v7()),
        plan_id: Set(p.id),
        version: Set(version),
        reason: Set(reason.to_owned()),
        fields_before: Set(p.fields.clone()),
        fields_after: Set(after.clone()),
        amended_by: Set(by),
        amended_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    let mut m = p.clone().into_active_model();
    m.fields = Set(after);
    m.version = Set(version);
    m.updated_at = Set(now);
    plan::Entity::update(m).exec(db).await
}
