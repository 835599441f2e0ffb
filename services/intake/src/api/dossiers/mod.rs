//! Dossiers: the author's request with its attachments, through confirmation by the unit
//! head and registration by the receiving office, every submitted version kept.
//!
//! Who sees a dossier: its owner always; the head of the owner's unit once submitted; the
//! field's receiving office once confirmed; the council secretariat once received; the
//! reviewers assigned to it and the members of a council sitting on it (confidential part
//! included, never a conflicted member: 403); admins see everything but the confidential part. Everyone else gets 404, so ids reveal nothing.

pub mod attachments;
pub mod drafts;
pub mod lifecycle;
pub mod register;
pub mod shared;
pub mod versions;

use actix_web::web;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use sangkien_kit::{ApiError, auth::Caller, store::find_in_tenant};
use sangkien_proto::{ErrorCode, Role};

use crate::{
    api::plans::{fields_of, plan_of},
    domain::{form::Form, lifecycle::Status, plan::FieldSpec, window::local_date},
    store::{
        assessors::{Standing, assessor},
        directory,
        entities::{attachment, dossier, plan},
    },
};

/// Registers the dossier routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    drafts::configure(cfg);
    lifecycle::configure(cfg);
    versions::configure(cfg);
    attachments::configure(cfg);
    register::configure(cfg);
    shared::configure(cfg);
}

/// An attachment as listed.
#[derive(Debug, Clone, Serialize, serde::Deserialize, ToSchema)]
pub struct AttachmentView {
    pub id: Uuid,
    /// Name to show.
    pub name: String,
    /// Type decided from the bytes.
    pub content_type: String,
    pub size: i64,
    /// SHA-256, hex.
    pub sha256: String,
    pub uploaded_at: DateTime<Utc>,
}

impl From<attachment::Model> for AttachmentView {
    fn from(a: attachment::Model) -> Self {
        Self {
            id: a.id,
            name: a.name,
            content_type: a.content_type,
            size: a.size,
            sha256: a.sha256,
            uploaded_at: a.uploaded_at,
        }
    }
}

/// A dossier as its readers see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DossierView {
    pub id: Uuid,
    pub plan_id: Uuid,
    /// The plan's field code.
    pub field: String,
    pub status: Status,
    /// The status in Vietnamese, for display.
    pub status_label: String,
    pub owner: Uuid,
    /// The owner's name, as the directory last announced it.
    pub owner_name: Option<String>,
    pub unit_id: Uuid,
    /// The unit's name, as the directory last announced it.
    pub unit_name: Option<String>,
    /// The request form; `confidential_info` is left out for those who do not assess it.
    pub form: Form,
    /// Files attached now.
    pub attachments: Vec<AttachmentView>,
    /// Versions submitted so far.
    pub submissions: i32,
    pub register_number: Option<i32>,
    pub received_on: Option<NaiveDate>,
    /// The decision is due by this date (three months after acceptance).
    pub decision_due_on: Option<NaiveDate>,
    /// True when the decision is late.
    pub overdue: bool,
    pub correction_due_on: Option<NaiveDate>,
    /// The last reason given (return, correction, withdrawal, outcome).
    pub last_reason: Option<String>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
}

/// How the caller relates to a dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// Its owner (the submitting author).
    Owner,
    /// Head of the owner's unit.
    UnitHead,
    /// The field's receiving office.
    ReceivingOffice,
    /// The council secretariat.
    Secretariat,
    /// An administrator.
    Admin,
    /// An assessor: a reviewer assigned to it, or a member of a council sitting on it (as
    /// appraisal announced with `case.readers_changed`).
    Assessor,
}

impl Relation {
    /// The role name the caller acts in.
    pub fn role(self) -> &'static str {
        match self {
            Relation::Owner => Role::Author.as_str(),
            Relation::UnitHead => Role::UnitHead.as_str(),
            Relation::ReceivingOffice => Role::ReceivingOffice.as_str(),
            Relation::Secretariat => Role::CouncilSecretariat.as_str(),
            Relation::Admin => Role::Admin.as_str(),
            Relation::Assessor => Role::Reviewer.as_str(),
        }
    }

    /// True when this reader assesses the dossier and may see its confidential part.
    pub fn sees_confidential(self) -> bool {
        !matches!(self, Relation::Admin)
    }
}

/// Every way the caller relates to `d` (a person may hold several roles).
pub fn relations(
    caller: &Caller,
    d: &dossier::Model,
    receiving_unit: Option<Uuid>,
) -> Vec<Relation> {
    if caller.tenant != d.tenant {
        return Vec::new();
    }
    let status = Status::parse(&d.status).unwrap_or(Status::Draft);
    let past_unit_head = !matches!(status, Status::Draft | Status::Submitted | Status::Returned);
    let mut out = Vec::new();
    if d.owner == caller.user {
        out.push(Relation::Owner);
    }
    if status != Status::Draft && caller.has_role_on(Role::UnitHead, d.unit_id) {
        out.push(Relation::UnitHead);
    }
    if past_unit_head
        && receiving_unit.is_some_and(|u| caller.has_role_on(Role::ReceivingOffice, u))
    {
        out.push(Relation::ReceivingOffice);
    }
    if d.received_on.is_some() && caller.has_role(Role::CouncilSecretariat) {
        out.push(Relation::Secretariat);
    }
    if caller.has_role(Role::Admin) {
        out.push(Relation::Admin);
    }
    out
}

/// A dossier with its plan and field, as handlers need them.
pub struct Loaded {
    pub dossier: dossier::Model,
    pub plan: plan::Model,
    pub field: FieldSpec,
    pub relations: Vec<Relation>,
}

impl Loaded {
    /// The status.
    pub fn status(&self) -> Status {
        Status::parse(&self.dossier.status).unwrap_or(Status::Draft)
    }

    /// Fails with 403 unless the caller relates to the dossier as `wanted`.
    pub fn require(&self, wanted: Relation) -> Result<(), ApiError> {
        if self.relations.contains(&wanted) {
            Ok(())
        } else {
            let role = wanted.role();
            Err(ApiError::new(ErrorCode::Forbidden).with_detail(
                format!("Chỉ {role} của hồ sơ này mới được làm việc này"),
                format!("Only this dossier's {role} may do this"),
            ))
        }
    }

    /// The form stored.
    pub fn form(&self) -> Result<Form, ApiError> {
        serde_json::from_str(&self.dossier.form).map_err(ApiError::internal)
    }
}

/// [`load`] for a write: first locks the dossier's row (`SELECT … FOR UPDATE` on PostgreSQL)
/// so that two changes of one dossier, or a change and an event about it, take turns instead
/// of one silently overwriting the other's status.
pub async fn load_for_update<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    id: Uuid,
) -> Result<Loaded, ApiError> {
    // One statement: the row is read under its lock (it used to be locked, then read again).
    let d = crate::store::locks::lock_dossier(db, id)
        .await?
        .filter(|d| d.tenant == caller.tenant)
        .ok_or_else(|| ApiError::new(ErrorCode::DossierNotFound))?;
    loaded(db, caller, d).await
}

/// Loads dossier `id` for `caller`: 404 when it does not exist or the caller may not see it.
pub async fn load<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    id: Uuid,
) -> Result<Loaded, ApiError> {
    let d = find_in_tenant::<dossier::Entity>(db, caller.tenant, id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::DossierNotFound))?;
    loaded(db, caller, d).await
}

/// A dossier row read for `caller` with its plan, field and the caller's relations: 404 when
/// the caller may not see it.
async fn loaded<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    d: dossier::Model,
) -> Result<Loaded, ApiError> {
    let id = d.id;
    let not_found = || ApiError::new(ErrorCode::DossierNotFound);
    let plan = plan_of(db, caller, d.plan_id).await?;
    let field = fields_of(&plan)?
        .into_iter()
        .find(|f| f.code == d.field)
        .ok_or_else(|| {
            ApiError::internal(anyhow::anyhow!("dossier {id} names a field its plan lacks"))
        })?;
    let mut relations = relations(caller, &d, Some(field.receiving_unit_id));
    let standing = find_in_tenant::<assessor::Entity>(db, caller.tenant, d.id)
        .await?
        .map_or(Standing::None, |a| a.standing_of(caller.user));
    match standing {
        Standing::Reader => relations.push(Relation::Assessor),
        Standing::Conflicted if relations.is_empty() => {
            return Err(ApiError::new(ErrorCode::ConflictOfInterest).with_detail(
                "Thành viên có xung đột lợi ích với hồ sơ này nên không được xem",
                "A member with a conflict of interest on this dossier may not read it",
            ));
        }
        _ => {}
    }
    if relations.is_empty() {
        return Err(not_found());
    }
    Ok(Loaded {
        dossier: d,
        plan,
        field,
        relations,
    })
}

/// The attachments a dossier has now.
pub async fn current_attachments<C: ConnectionTrait>(
    db: &C,
    dossier_id: Uuid,
) -> Result<Vec<attachment::Model>, ApiError> {
    Ok(attachment::Entity::find()
        .filter(attachment::Column::DossierId.eq(dossier_id))
        .filter(attachment::Column::RemovedAt.is_null())
        .order_by_asc(attachment::Column::Id)
        .all(db)
        .await?)
}

/// The view of a loaded dossier for its reader.
pub async fn view_of<C: ConnectionTrait>(
    db: &C,
    loaded: &Loaded,
    now: DateTime<Utc>,
) -> Result<DossierView, ApiError> {
    let d = &loaded.dossier;
    let mut form = loaded.form()?;
    if !loaded.relations.iter().any(|r| r.sees_confidential()) {
        form.confidential_info = None;
    }
    let status = loaded.status();
    let finished = matches!(
        status,
        Status::Recognised | Status::Refused | Status::Withdrawn
    );
    Ok(DossierView {
        id: d.id,
        plan_id: d.plan_id,
        field: d.field.clone(),
        status,
        status_label: status.label_vi().into(),
        owner: d.owner,
        owner_name: directory::person::Entity::find_by_id(d.owner)
            .one(db)
            .await?
            .map(|p| p.full_name),
        unit_id: d.unit_id,
        unit_name: directory::unit::Entity::find_by_id(d.unit_id)
            .one(db)
            .await?
            .map(|u| u.name),
        form,
        attachments: current_attachments(db, d.id)
            .await?
            .into_iter()
            .map(AttachmentView::from)
            .collect(),
        submissions: d.submissions,
        register_number: d.register_number,
        received_on: d.received_on,
        decision_due_on: d.decision_due_on,
        overdue: !finished && d.decision_due_on.is_some_and(|due| local_date(now) > due),
        correction_due_on: d.correction_due_on,
        last_reason: d.last_reason.clone(),
        version: d.version,
        created_at: d.created_at,
        updated_at: d.updated_at,
        submitted_at: d.submitted_at,
    })
}
