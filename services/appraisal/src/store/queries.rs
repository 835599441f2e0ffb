//! Reads the handlers, the workflow and the event handler share: a case, panel or sitting of
//! one tenant, a case's panel at its stage, who its conflicts are about, its submitted sheets,
//! its results, the rubric in force. Every read on a caller's behalf starts from kit's
//! tenant helpers ([`find_in_tenant`], [`TenantScoped::find_in`]), so the tenant filter is
//! written once per table and cannot be forgotten in one query.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use sangkien_kit::{
    ApiError,
    store::{TenantScoped, find_in_tenant},
};
use sangkien_proto::events::{AuthorInfo, StageInfo};

use super::{
    cases,
    panels::{assignment, declaration, panel},
    rubrics,
    sheets::{revision, sheet},
    sittings::{person, sitting, stage_result},
};
use crate::domain::{
    conflicts::CaseParties, panel::Member, rubric::Rubric, scoring::SheetOutcome, shipped,
    status::CaseStatus,
};

/// Case `id` of `tenant`.
pub async fn case_in<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    id: Uuid,
) -> Result<Option<cases::Model>, ApiError> {
    Ok(find_in_tenant::<cases::Entity>(db, tenant, id).await?)
}

/// The cases `ids` of `tenant` that exist (in no particular order).
pub async fn cases_in<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    ids: &[Uuid],
) -> Result<Vec<cases::Model>, ApiError> {
    Ok(cases::Entity::find_in(tenant)
        .filter(cases::Column::Id.is_in(ids.to_vec()))
        .all(db)
        .await?)
}

/// Every case of a plan's field in `tenant`.
pub async fn cases_of_field<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    plan_id: Uuid,
    field: &str,
) -> Result<Vec<cases::Model>, ApiError> {
    Ok(cases::Entity::find_in(tenant)
        .filter(cases::Column::PlanId.eq(plan_id))
        .filter(cases::Column::Field.eq(field.to_owned()))
        .all(db)
        .await?)
}

/// Panel `id` of `tenant`.
pub async fn panel_in<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    id: Uuid,
) -> Result<Option<panel::Model>, ApiError> {
    Ok(find_in_tenant::<panel::Entity>(db, tenant, id).await?)
}

/// The panels (appraisal team, council) of a plan's field in `tenant`.
pub async fn panels_of_field<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    plan_id: Uuid,
    field: &str,
) -> Result<Vec<panel::Model>, ApiError> {
    Ok(panel::Entity::find_in(tenant)
        .filter(panel::Column::PlanId.eq(plan_id))
        .filter(panel::Column::Field.eq(field.to_owned()))
        .all(db)
        .await?)
}

/// The panel of case `c`'s field at the stage of kind `kind`.
pub async fn panel_of_stage<C: ConnectionTrait>(
    db: &C,
    c: &cases::Model,
    kind: &str,
) -> Result<Option<panel::Model>, ApiError> {
    Ok(panel::Entity::find_in(c.tenant)
        .filter(panel::Column::PlanId.eq(c.plan_id))
        .filter(panel::Column::Field.eq(c.field.clone()))
        .filter(panel::Column::Kind.eq(kind.to_owned()))
        .one(db)
        .await?)
}

/// Sitting `id` of `tenant`.
pub async fn sitting_in<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    id: Uuid,
) -> Result<Option<sitting::Model>, ApiError> {
    Ok(find_in_tenant::<sitting::Entity>(db, tenant, id).await?)
}

/// Every sitting of a plan in `tenant`.
pub async fn sittings_of_plan<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    plan_id: Uuid,
) -> Result<Vec<sitting::Model>, ApiError> {
    Ok(sitting::Entity::find_in(tenant)
        .filter(sitting::Column::PlanId.eq(plan_id))
        .all(db)
        .await?)
}

/// A panel's members, as stored.
pub fn members_of(p: &panel::Model) -> Result<Vec<Member>, ApiError> {
    serde_json::from_str(&p.members).map_err(ApiError::internal)
}

/// The stages of a case, as intake announced them.
pub fn stages_of(c: &cases::Model) -> Result<Vec<StageInfo>, ApiError> {
    serde_json::from_str(&c.stages).map_err(ApiError::internal)
}

/// The kind of the case's current stage.
pub fn stage_kind_of(c: &cases::Model) -> Option<String> {
    let stages: Vec<StageInfo> = serde_json::from_str(&c.stages).ok()?;
    stages
        .get(usize::try_from(c.stage).ok()?)
        .map(|s| s.kind.clone())
}

/// The case's authors with an account, and its owner: who may not vote on it.
pub fn authors_of(c: &cases::Model) -> Result<Vec<Uuid>, ApiError> {
    let authors: Vec<AuthorInfo> = serde_json::from_str(&c.authors).map_err(ApiError::internal)?;
    let mut ids: Vec<Uuid> = authors.iter().filter_map(|a| a.user_id).collect();
    ids.push(c.owner);
    Ok(ids)
}

/// Who the case's conflicts are about: its authors and their units, who confirmed it, who
/// declared a conflict on it.
pub async fn parties_of<C: ConnectionTrait>(
    db: &C,
    c: &cases::Model,
) -> Result<CaseParties, ApiError> {
    let authors: Vec<AuthorInfo> = serde_json::from_str(&c.authors).map_err(ApiError::internal)?;
    let mut author_users: Vec<Uuid> = authors.iter().filter_map(|a| a.user_id).collect();
    author_users.push(c.owner);
    let mut author_units: Vec<Uuid> = authors.iter().filter_map(|a| a.unit_id).collect();
    author_units.push(c.unit_id);
    let declared = declaration::Entity::find()
        .filter(declaration::Column::CaseId.eq(c.id))
        .all(db)
        .await?
        .into_iter()
        .map(|d| d.reviewer)
        .collect();
    Ok(CaseParties {
        author_users,
        author_units,
        confirmed_by: c.confirmed_by,
        declared,
    })
}

/// The case's panel member `user` at its current stage, if they are one.
pub async fn member_of_stage<C: ConnectionTrait>(
    db: &C,
    c: &cases::Model,
    user: Uuid,
) -> Result<Option<Member>, ApiError> {
    let Some(kind) = stage_kind_of(c) else {
        return Ok(None);
    };
    Ok(match panel_of_stage(db, c, &kind).await? {
        Some(p) => members_of(&p)?.into_iter().find(|m| m.user_id == user),
        None => None,
    })
}

/// The submitted sheets of a case's stage, in order of first submission.
pub async fn submitted_outcomes<C: ConnectionTrait>(
    db: &C,
    case_id: Uuid,
    stage: &str,
) -> Result<Vec<(Uuid, SheetOutcome)>, ApiError> {
    let sheets = sheet::Entity::find()
        .filter(sheet::Column::CaseId.eq(case_id))
        .filter(sheet::Column::Stage.eq(stage))
        .filter(sheet::Column::Status.eq("submitted"))
        .all(db)
        .await?;
    let firsts = revision::Entity::find()
        .filter(revision::Column::SheetId.is_in(sheets.iter().map(|s| s.id).collect::<Vec<_>>()))
        .filter(revision::Column::Revision.eq(1))
        .order_by_asc(revision::Column::SubmittedAt)
        .order_by_asc(revision::Column::Id)
        .all(db)
        .await?;
    Ok(firsts
        .iter()
        .filter_map(|f| sheets.iter().find(|s| s.id == f.sheet_id))
        .map(|s| {
            (
                s.reviewer,
                SheetOutcome {
                    total: s.total.unwrap_or(0),
                    passed: s.passed.unwrap_or(false),
                    grade: s.grade.clone(),
                },
            )
        })
        .collect())
}

/// True when an author of the case holds the signer's role: the recognising body's head.
pub async fn head_is_author<C: ConnectionTrait>(
    db: &C,
    c: &cases::Model,
) -> Result<bool, ApiError> {
    Ok(person::Entity::find_in(c.tenant)
        .filter(person::Column::UserId.is_in(authors_of(c)?))
        .filter(person::Column::Signer.eq(true))
        .filter(person::Column::Active.eq(true))
        .one(db)
        .await?
        .is_some())
}

/// The rubric `code` as a tenant uses it now: a shipped one, or the tenant's latest version,
/// with its version.
pub async fn current_rubric<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    code: &str,
) -> Result<Option<(Rubric, i32)>, ApiError> {
    if let Some(r) = shipped::all().into_iter().find(|r| r.code == code) {
        return Ok(Some((r, 1)));
    }
    let Some(row) = rubrics::Entity::find_in(tenant)
        .filter(rubrics::Column::Code.eq(code))
        .order_by_desc(rubrics::Column::Version)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(Some((
        serde_json::from_str(&row.definition).map_err(ApiError::internal)?,
        row.version,
    )))
}

/// The results recorded on a case, oldest first.
pub async fn results_of<C: ConnectionTrait>(
    db: &C,
    case_id: Uuid,
) -> Result<Vec<stage_result::Model>, ApiError> {
    Ok(stage_result::Entity::find()
        .filter(stage_result::Column::CaseId.eq(case_id))
        .order_by_asc(stage_result::Column::DecidedAt)
        .all(db)
        .await?)
}

/// The last result recorded on a case.
pub async fn last_result<C: ConnectionTrait>(
    db: &C,
    case_id: Uuid,
) -> Result<Option<stage_result::Model>, ApiError> {
    Ok(stage_result::Entity::find()
        .filter(stage_result::Column::CaseId.eq(case_id))
        .order_by_desc(stage_result::Column::DecidedAt)
        .one(db)
        .await?)
}

/// The last result from scored sheets (before a council that only voted): it carries the
/// grade and average.
pub async fn scored_result<C: ConnectionTrait>(
    db: &C,
    case_id: Uuid,
) -> Result<Option<stage_result::Model>, ApiError> {
    Ok(stage_result::Entity::find()
        .filter(stage_result::Column::CaseId.eq(case_id))
        .filter(stage_result::Column::Average.is_not_null())
        .order_by_desc(stage_result::Column::DecidedAt)
        .one(db)
        .await?)
}

/// Every assignment of a case (all stages).
pub async fn assignments_of<C: ConnectionTrait>(
    db: &C,
    case_id: Uuid,
) -> Result<Vec<assignment::Model>, ApiError> {
    Ok(assignment::Entity::find()
        .filter(assignment::Column::CaseId.eq(case_id))
        .all(db)
        .await?)
}

/// The reviewers assigned to a case at a stage.
pub async fn reviewers_at<C: ConnectionTrait>(
    db: &C,
    case_id: Uuid,
    stage: &str,
) -> Result<Vec<Uuid>, ApiError> {
    Ok(assignment::Entity::find()
        .filter(assignment::Column::CaseId.eq(case_id))
        .filter(assignment::Column::Stage.eq(stage))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.reviewer)
        .collect())
}

/// Every assignment at a stage kind, whatever the case: the reviewers' loads.
pub async fn assignments_at_stage<C: ConnectionTrait>(
    db: &C,
    stage: &str,
) -> Result<Vec<assignment::Model>, ApiError> {
    Ok(assignment::Entity::find()
        .filter(assignment::Column::Stage.eq(stage))
        .all(db)
        .await?)
}

/// Every sheet of a case.
pub async fn sheets_of<C: ConnectionTrait>(
    db: &C,
    case_id: Uuid,
) -> Result<Vec<sheet::Model>, ApiError> {
    Ok(sheet::Entity::find()
        .filter(sheet::Column::CaseId.eq(case_id))
        .all(db)
        .await?)
}

/// The sheet of `reviewer` for a case at a stage.
pub async fn sheet_of<C: ConnectionTrait>(
    db: &C,
    case_id: Uuid,
    stage: &str,
    reviewer: Uuid,
) -> Result<Option<sheet::Model>, ApiError> {
    Ok(sheet::Entity::find()
        .filter(sheet::Column::CaseId.eq(case_id))
        .filter(sheet::Column::Stage.eq(stage.to_owned()))
        .filter(sheet::Column::Reviewer.eq(reviewer))
        .one(db)
        .await?)
}

/// The open cases of a plan's field at the stage of kind `kind`, in register order.
pub async fn open_cases_at<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    plan_id: Uuid,
    field: &str,
    kind: &str,
) -> Result<Vec<cases::Model>, ApiError> {
    Ok(cases::Entity::find_in(tenant)
        .filter(cases::Column::PlanId.eq(plan_id))
        .filter(cases::Column::Field.eq(field.to_owned()))
        .filter(cases::Column::Status.eq(CaseStatus::Open.code()))
        .order_by_asc(cases::Column::RegisterNumber)
        .all(db)
        .await?
        .into_iter()
        .filter(|c| stage_kind_of(c).as_deref() == Some(kind))
        .collect())
}

/// The assignments of `case_ids` at the stage of kind `kind`.
pub async fn assignments_of_cases<C: ConnectionTrait>(
    db: &C,
    kind: &str,
    case_ids: &[Uuid],
) -> Result<Vec<assignment::Model>, ApiError> {
    Ok(assignment::Entity::find()
        .filter(assignment::Column::Stage.eq(kind.to_owned()))
        .filter(assignment::Column::CaseId.is_in(case_ids.to_vec()))
        .all(db)
        .await?)
}

/// The panels of `tenant`, optionally of one plan and field, oldest first.
pub async fn panels_in<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    plan_id: Option<Uuid>,
    field: Option<&str>,
) -> Result<Vec<panel::Model>, ApiError> {
    let mut q = panel::Entity::find_in(tenant).order_by_asc(panel::Column::Id);
    if let Some(p) = plan_id {
        q = q.filter(panel::Column::PlanId.eq(p));
    }
    if let Some(f) = field {
        q = q.filter(panel::Column::Field.eq(f.to_owned()));
    }
    Ok(q.all(db).await?)
}

/// A page of `tenant`'s sittings, newest first, optionally of one panel or plan, after the
/// cursor `before`.
pub async fn sittings_page<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    panel_id: Option<Uuid>,
    plan_id: Option<Uuid>,
    before: Option<Uuid>,
    limit: u64,
) -> Result<Vec<sitting::Model>, ApiError> {
    use sea_orm::QuerySelect;
    let mut q = sitting::Entity::find_in(tenant).order_by_desc(sitting::Column::Id);
    if let Some(p) = panel_id {
        q = q.filter(sitting::Column::PanelId.eq(p));
    }
    if let Some(p) = plan_id {
        q = q.filter(sitting::Column::PlanId.eq(p));
    }
    if let Some(c) = before {
        q = q.filter(sitting::Column::Id.lt(c));
    }
    Ok(q.limit(limit).all(db).await?)
}

/// A page of `tenant`'s cases in register order, optionally of one plan, field or status,
/// after the cursor `after`.
pub async fn cases_page<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    filter: (Option<Uuid>, Option<&str>, Option<&str>),
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<cases::Model>, ApiError> {
    use sea_orm::QuerySelect;
    let (plan_id, field, status) = filter;
    let mut q = cases::Entity::find_in(tenant).order_by_asc(cases::Column::Id);
    if let Some(p) = plan_id {
        q = q.filter(cases::Column::PlanId.eq(p));
    }
    if let Some(f) = field {
        q = q.filter(cases::Column::Field.eq(f.to_owned()));
    }
    if let Some(s) = status {
        q = q.filter(cases::Column::Status.eq(s.to_owned()));
    }
    if let Some(c) = after {
        q = q.filter(cases::Column::Id.gt(c));
    }
    Ok(q.limit(limit).all(db).await?)
}

/// The held sittings of a panel (the minutes' numbers count them).
pub async fn held_sittings_of_panel<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    panel_id: Uuid,
) -> Result<Vec<sitting::Model>, ApiError> {
    Ok(sitting::Entity::find_in(tenant)
        .filter(sitting::Column::PanelId.eq(panel_id))
        .filter(sitting::Column::Status.eq("held"))
        .all(db)
        .await?)
}

/// The sittings of `panel_ids` in `tenant`, newest first.
pub async fn sittings_of_panels<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    panel_ids: &[Uuid],
) -> Result<Vec<sitting::Model>, ApiError> {
    Ok(sitting::Entity::find_in(tenant)
        .filter(sitting::Column::PanelId.is_in(panel_ids.to_vec()))
        .order_by_desc(sitting::Column::Id)
        .all(db)
        .await?)
}

/// The results recorded on `case_ids`, oldest first.
pub async fn results_of_cases<C: ConnectionTrait>(
    db: &C,
    case_ids: &[Uuid],
) -> Result<Vec<stage_result::Model>, ApiError> {
    Ok(stage_result::Entity::find()
        .filter(stage_result::Column::CaseId.is_in(case_ids.to_vec()))
        .order_by_asc(stage_result::Column::DecidedAt)
        .all(db)
        .await?)
}

/// A page of `reviewer`'s assignments, newest first, after the cursor `before`.
pub async fn assignments_page_of<C: ConnectionTrait>(
    db: &C,
    reviewer: Uuid,
    before: Option<Uuid>,
    limit: u64,
) -> Result<Vec<assignment::Model>, ApiError> {
    use sea_orm::QuerySelect;
    let mut q = assignment::Entity::find()
        .filter(assignment::Column::Reviewer.eq(reviewer))
        .order_by_desc(assignment::Column::Id);
    if let Some(c) = before {
        q = q.filter(assignment::Column::Id.lt(c));
    }
    Ok(q.limit(limit).all(db).await?)
}

/// `reviewer`'s sheets on `case_ids`.
pub async fn sheets_of_reviewer<C: ConnectionTrait>(
    db: &C,
    reviewer: Uuid,
    case_ids: &[Uuid],
) -> Result<Vec<sheet::Model>, ApiError> {
    Ok(sheet::Entity::find()
        .filter(sheet::Column::Reviewer.eq(reviewer))
        .filter(sheet::Column::CaseId.is_in(case_ids.to_vec()))
        .all(db)
        .await?)
}

/// Sitting `id` whatever its tenant: only for a signed link, whose signature stands for
/// that sitting (the reader then acts in the sitting's own tenant).
pub async fn sitting_by_link<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
) -> Result<Option<sitting::Model>, ApiError> {
    Ok(sitting::Entity::find_by_id(id).one(db).await?)
}

/// A panel's work at its stage: the cases of its field in register order, their
/// assignments, submitted sheets and results at the stage.
pub struct StageWork {
    pub cases: Vec<cases::Model>,
    pub assignments: Vec<assignment::Model>,
    pub submitted: Vec<sheet::Model>,
    pub results: Vec<stage_result::Model>,
}

/// The work of panel `p` at its stage.
pub async fn stage_work<C: ConnectionTrait>(
    db: &C,
    p: &panel::Model,
) -> Result<StageWork, ApiError> {
    let cases = cases::Entity::find_in(p.tenant)
        .filter(cases::Column::PlanId.eq(p.plan_id))
        .filter(cases::Column::Field.eq(p.field.clone()))
        .order_by_asc(cases::Column::RegisterNumber)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = cases.iter().map(|c| c.id).collect();
    let assignments = assignments_of_cases(db, &p.kind, &ids).await?;
    let submitted = sheet::Entity::find()
        .filter(sheet::Column::Stage.eq(p.kind.clone()))
        .filter(sheet::Column::CaseId.is_in(ids.clone()))
        .filter(sheet::Column::Status.eq("submitted"))
        .all(db)
        .await?;
    let results = stage_result::Entity::find()
        .filter(stage_result::Column::Stage.eq(p.kind.clone()))
        .filter(stage_result::Column::CaseId.is_in(ids))
        .all(db)
        .await?;
    Ok(StageWork {
        cases,
        assignments,
        submitted,
        results,
    })
}

/// The status of case `c`, parsed from its stored code (an unknown code is a 500: the
/// database holds what this version wrote).
pub fn status_of(c: &cases::Model) -> Result<CaseStatus, ApiError> {
    CaseStatus::parse(&c.status).ok_or_else(|| {
        ApiError::internal(anyhow::anyhow!("case {} has status {:?}", c.id, c.status))
    })
}
