//! First start: the root tenant, its unit, and the first admin.
//!
//! When no user exists, `admin` is created with `SANGKIEN_ADMIN_PASSWORD` if set (it must
//! pass the password policy), otherwise with a random password printed once to the console.
//! There is no default password anywhere.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter,
};
use uuid::Uuid;

use sangkien_kit::{
    audit::{self, AuditEntry},
    auth::Caller,
    db::begin_write,
    events::{Origin, Outbox},
    text::fold,
};
use sangkien_proto::{
    Lang, Role,
    events::{GrantInfo, UserChanged},
};

use crate::{
    domain::password_policy::{check_password, generate_password},
    passwords::hash_password,
    store::entities::{grant, tenant, unit, user},
};

/// Code of the operator's own tenant.
pub const ROOT_TENANT_CODE: &str = "system";

/// What the first start did.
pub struct Bootstrap {
    /// The root tenant.
    pub root_tenant: Uuid,
    /// The admin created now, with the generated password if one was generated.
    pub created_admin: Option<(String, Option<String>)>,
}

/// Creates the root tenant and the first admin if they do not exist yet.
pub async fn ensure(
    db: &DatabaseConnection,
    outbox: &Outbox,
    admin_password: Option<&str>,
    now: DateTime<Utc>,
) -> anyhow::Result<Bootstrap> {
    if let Some(p) = admin_password
        && !check_password(p, "admin").is_empty()
    {
        anyhow::bail!(
            "SANGKIEN_ADMIN_PASSWORD does not meet the password policy (at least 10 characters, not the user name, not one repeated character)"
        );
    }
    let txn = begin_write(db).await?;
    let root = match tenant::Entity::find()
        .filter(tenant::Column::IsRoot.eq(true))
        .one(&txn)
        .await?
    {
        Some(t) => t,
        None => {
            let t = tenant::Model {
                id: Uuid::now_v7(),
                code: ROOT_TENANT_CODE.into(),
                name: "Quản trị hệ thống sangkien".into(),
                search: fold("system Quản trị hệ thống sangkien"),
                is_root: true,
                active: true,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            tenant::Entity::insert(t.clone().into_active_model())
                .exec_without_returning(&txn)
                .await?;
            t
        }
    };
    if user::Entity::find().count(&txn).await? > 0 {
        txn.commit().await?;
        return Ok(Bootstrap {
            root_tenant: root.id,
            created_admin: None,
        });
    }
    let root_unit = match unit::Entity::find()
        .filter(unit::Column::TenantId.eq(root.id))
        .one(&txn)
        .await?
    {
        Some(u) => u,
        None => {
            let u = unit::Model {
                id: Uuid::now_v7(),
                tenant_id: root.id,
                parent_id: None,
                code: "system".into(),
                name: "Quản trị hệ thống".into(),
                kind: "body".into(),
                search: fold("system Quản trị hệ thống"),
                active: true,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            unit::Entity::insert(u.clone().into_active_model())
                .exec_without_returning(&txn)
                .await?;
            u
        }
    };
    let generated = admin_password.is_none().then(generate_password);
    let password = admin_password
        .map(str::to_owned)
        .or_else(|| generated.clone())
        .unwrap_or_default();
    let hash = crate::passwords::hashing(move || hash_password(&password)).await??;
    let admin = user::Model {
        id: Uuid::now_v7(),
        tenant_id: root.id,
        kind: "person".into(),
        username: "admin".into(),
        email: None,
        full_name: "Quản trị viên".into(),
        password_hash: hash,
        search: fold("admin Quản trị viên"),
        active: true,
        version: 1,
        created_at: now,
        updated_at: now,
        password_changed_at: now,
    };
    user::Entity::insert(admin.clone().into_active_model())
        .exec_without_returning(&txn)
        .await?;
    grant::Entity::insert(grant::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(admin.id),
        role: Set(Role::Admin.as_str().into()),
        unit_id: Set(root_unit.id),
        created_at: Set(now),
        created_by: Set(admin.id),
    })
    .exec_without_returning(&txn)
    .await?;
    let system = Caller {
        user: admin.id,
        tenant: root.id,
        roles: Vec::new(),
        name: Some("system".into()),
        request_id: "bootstrap".into(),
        lang: Lang::Vi,
    };
    audit::record(
        &txn,
        &system,
        now,
        AuditEntry {
            action: "directory.bootstrap_admin_created",
            subject_type: "user",
            subject_id: admin.id,
            role: "system",
            details: serde_json::json!({ "password_from_environment": admin_password.is_some() }),
        },
    )
    .await?;
    let event = UserChanged {
        user_id: admin.id,
        kind: admin.kind.clone(),
        username: admin.username.clone(),
        full_name: admin.full_name.clone(),
        active: true,
        grants: vec![GrantInfo {
            role: Role::Admin,
            unit_id: root_unit.id,
        }],
    };
    let origin = Origin {
        tenant: root.id,
        correlation_id: "bootstrap",
        causation_id: None,
    };
    outbox.publish(&txn, now, origin, &event).await?;
    outbox.commit(txn).await?;
    Ok(Bootstrap {
        root_tenant: root.id,
        created_admin: Some(("admin".into(), generated)),
    })
}
