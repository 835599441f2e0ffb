//! Writes (and the reads that guard them) of the directory's admin API, kept here so its
//! handlers only parse, authorise, call and answer.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter,
};
use std::collections::HashMap;
use uuid::Uuid;

use sangkien_kit::text::fold;

use crate::store::entities::{unit, user};

/// A user's changes once validated; absent ones stay as they are.
pub struct UserChanges {
    pub full_name: Option<String>,
    /// `Some(None)` clears the e-mail.
    pub email: Option<Option<String>>,
    pub active: Option<bool>,
    /// The search text of the account as it will stand.
    pub search: String,
}

/// Writes `changes` to `u` as its next version; the caller names a unique-index violation.
pub async fn update_user<C: ConnectionTrait>(
    db: &C,
    u: &user::Model,
    changes: UserChanges,
    now: DateTime<Utc>,
) -> Result<user::Model, DbErr> {
    let mut m = u.clone().into_active_model();
    if let Some(n) = changes.full_name {
        m.full_name = Set(n);
    }
    if let Some(e) = changes.email {
        m.email = Set(e);
    }
    if let Some(a) = changes.active {
        m.active = Set(a);
    }
    m.search = Set(changes.search);
    m.version = Set(u.version + 1);
    m.updated_at = Set(now);
    user::Entity::update(m).exec(db).await
}

/// Inserts a new unit; a unique-index violation (code taken) is left for the caller to name.
pub async fn insert_unit<C: ConnectionTrait>(db: &C, model: &unit::Model) -> Result<(), DbErr> {
    unit::Entity::insert(model.clone().into_active_model())
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The unit `id` of any tenant, so the handler can decide what the caller may learn of it.
pub async fn unit_by_id<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
) -> Result<Option<unit::Model>, DbErr> {
    unit::Entity::find_by_id(id).one(db).await
}

/// Each unit of `tenant` with its parent: the tree a move is checked against.
pub async fn parents_in_tenant<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
) -> Result<HashMap<Uuid, Option<Uuid>>, DbErr> {
    Ok(unit::Entity::find()
        .filter(unit::Column::TenantId.eq(tenant))
        .all(db)
        .await?
        .into_iter()
        .map(|x| (x.id, x.parent_id))
        .collect())
}

/// A unit's changes once validated; absent ones stay as they are.
pub struct UnitChanges {
    /// `Some(None)` makes it a root.
    pub parent_id: Option<Option<Uuid>>,
    pub name: Option<String>,
    /// Trimmed.
    pub kind: Option<String>,
    pub active: Option<bool>,
}

/// Writes `changes` to `u` as its next version, refolding its search text on a new name.
pub async fn update_unit<C: ConnectionTrait>(
    db: &C,
    u: &unit::Model,
    changes: UnitChanges,
    now: DateTime<Utc>,
) -> Result<unit::Model, DbErr> {
    let mut m = u.clone().into_active_model();
    if let Some(p) = changes.parent_id {
        m.parent_id = Set(p);
    }
    if let Some(n) = &changes.name {
        m.name = Set(n.clone());
        m.search = Set(fold(&format!("{} {n}", u.code)));
    }
    if let Some(k) = changes.kind {
        m.kind = Set(k);
    }
    if let Some(a) = changes.active {
        m.active = Set(a);
    }
    m.version = Set(u.version + 1);
    m.updated_at = Set(now);
    unit::Entity::update(m).exec(db).await
}
