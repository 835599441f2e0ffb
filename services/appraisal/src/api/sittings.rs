//! Sittings (phiên họp) of a panel: scheduled inside the stage's window, attendance with each
//! person's panel role, a vote per dossier at a council (two thirds of the members in
//! favour), closed under the quorum rules, announced with `sitting.held` (what the budget pays)
//! and `case.concluded`, and written up as minutes (biên bản).

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use sangkien_kit::http::with_location;
use sangkien_kit::{
    ApiError,
    auth::Caller,
    clock::local_date,
    db::begin_write,
    error::Issues,
    http::paging::{PageQuery, etag, next_cursor, require_if_match},
    service::ServiceContext,
};
use sangkien_proto::{ErrorCode, Role, events::StageInfo};

use super::{case_of, panel_of, sitting_of};
pub use crate::domain::sitting::{Attendee, VoteMethod, VoteView};
use crate::{domain::status::CaseStatus, store::queries::status_of};
use crate::{
    domain::{
        council::{
            QuorumRule, Tally, carried, quorum_broken, tally_problem, two_thirds_required,
            voting_members,
        },
        panel::Member,
    },
    store::{
        cases,
        panels::panel,
        queries::{authors_of, cases_in, members_of, sittings_page, stage_kind_of, stages_of},
        sittings::sitting,
    },
    workflow::sittings::{close_sitting as close, keep_attendance, keep_vote, schedule},
};

/// Who runs sittings: the organisers and the council's chair.
const CONVENERS: &[Role] = &[
    Role::CouncilSecretariat,
    Role::ReceivingOffice,
    Role::Admin,
    Role::CouncilChair,
];

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/sittings", web::post().to(schedule_sitting))
        .route("/sittings", web::get().to(list_sittings))
        .route("/sittings/{id}", web::get().to(get_sitting))
        .route(
            "/sittings/{id}/attendance",
            web::put().to(record_attendance),
        )
        .route(
            "/sittings/{id}/votes/{dossier_id}",
            web::put().to(record_vote),
        )
        .route("/sittings/{id}/close", web::post().to(close_sitting));
}

/// A sitting to schedule.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SittingCreate {
    pub panel_id: Uuid,
    /// Local date, inside the stage's window.
    pub held_on: chrono::NaiveDate,
    /// `Hội trường UBND huyện`.
    pub place: String,
    /// The dossiers to discuss: open cases of the panel's field at the panel's stage.
    pub dossier_ids: Vec<Uuid>,
    /// Notes for the minutes.
    #[serde(default)]
    pub notes: Option<String>,
    /// Start time, local (`08:00`), printed in the minutes.
    #[serde(default)]
    #[schema(value_type = Option<String>, pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,9})?)?$", example = "08:00")]
    pub starts_at: Option<chrono::NaiveTime>,
    /// End time, local (`11:30`), after `starts_at`.
    #[serde(default)]
    #[schema(value_type = Option<String>, pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,9})?)?$", example = "11:30")]
    pub ends_at: Option<chrono::NaiveTime>,
    /// The recognising body the panel serves, for the minutes' body block
    /// (`ỦY BAN NHÂN DÂN HUYỆN VĨNH TƯỜNG`).
    #[serde(default)]
    #[schema(max_length = 200)]
    pub body_name: Option<String>,
    /// Its superior body (`UBND TỈNH VĨNH PHÚC`).
    #[serde(default)]
    #[schema(max_length = 200)]
    pub superior_name: Option<String>,
    /// The body's place name for the date line (`Vĩnh Tường`): never the room, which is
    /// `place`.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub locality: Option<String>,
}

/// Who is present.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceUpdate {
    /// Panel members present.
    pub present: Vec<Uuid>,
}

/// A council's vote on one dossier.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoteUpdate {
    pub method: VoteMethod,
    /// Members in favour (a council is at most a few dozen people).
    #[schema(maximum = 10000)]
    pub in_favour: usize,
    /// Members against.
    #[schema(maximum = 10000)]
    pub against: usize,
    /// Members abstaining.
    #[schema(maximum = 10000)]
    pub abstaining: usize,
}

/// A sitting.
#[derive(Debug, Serialize, ToSchema)]
pub struct SittingView {
    pub id: Uuid,
    pub panel_id: Uuid,
    pub plan_id: Uuid,
    pub field: String,
    /// `appraisal_team` or `council`.
    pub kind: String,
    pub held_on: chrono::NaiveDate,
    pub place: String,
    /// `scheduled` or `held`.
    pub status: String,
    pub dossier_ids: Vec<Uuid>,
    pub attendance: Vec<Attendee>,
    /// Dossier id → vote.
    pub votes: BTreeMap<Uuid, VoteView>,
    pub notes: String,
    pub held_at: Option<chrono::DateTime<chrono::Utc>>,
    pub version: i32,
    pub starts_at: Option<chrono::NaiveTime>,
    pub ends_at: Option<chrono::NaiveTime>,
    pub body_name: Option<String>,
    pub superior_name: Option<String>,
    pub locality: Option<String>,
}

/// A page of sittings.
#[derive(Debug, Serialize, ToSchema)]
pub struct SittingPage {
    pub items: Vec<SittingView>,
    pub next_cursor: Option<String>,
}

/// Filters of the sitting list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SittingFilter {
    pub panel_id: Option<Uuid>,
    pub plan_id: Option<Uuid>,
}

/// Parses a stored sitting.
pub fn sitting_view(s: sitting::Model) -> Result<SittingView, ApiError> {
    Ok(SittingView {
        dossier_ids: serde_json::from_str(&s.dossier_ids).map_err(ApiError::internal)?,
        attendance: serde_json::from_str(&s.attendance).map_err(ApiError::internal)?,
        votes: serde_json::from_str(&s.votes).map_err(ApiError::internal)?,
        id: s.id,
        panel_id: s.panel_id,
        plan_id: s.plan_id,
        field: s.field,
        kind: s.kind,
        held_on: s.held_on,
        place: s.place,
        status: s.status,
        notes: s.notes,
        held_at: s.held_at,
        version: s.version,
        starts_at: s.starts_at,
        ends_at: s.ends_at,
        body_name: s.body_name,
        superior_name: s.superior_name,
        locality: s.locality,
    })
}

fn answer(status: actix_web::http::StatusCode, v: SittingView) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(("ETag", etag(v.version)))
        .json(v)
}

fn still_scheduled(s: &sitting::Model) -> Result<(), ApiError> {
    if s.status != "scheduled" {
        return Err(ApiError::new(ErrorCode::InvalidTransition).with_detail(
            "Phiên họp đã kết thúc; biên bản không sửa được",
            "The sitting is closed; its minutes cannot change",
        ));
    }
    Ok(())
}

/// Schedules a sitting of a panel inside its stage's window, for open cases at its stage.
#[utoipa::path(
    post,
    path = "/api/v1/appraisal/sittings",
    tag = "sittings",
    request_body = SittingCreate,
    responses(
        (status = 201, description = "Scheduled", body = SittingView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"), ("Location" = String, description = "The path of what was created (or of the list it joined): follow it to read it"))),
        (status = 422, description = "Every problem: date outside the stage, dossiers not at this stage", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn schedule_sitting(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    body: web::Json<SittingCreate>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(CONVENERS)?;
    let now = ctx.clock.now();
    let mut issues = Issues::new();
    let facts = checked_facts(&body, &mut issues);
    let txn = begin_write(&ctx.db).await?;
    let p = panel_of(&txn, &caller, body.panel_id).await?;
    let found = cases_in(&txn, caller.tenant, &body.dossier_ids).await?;
    let window = check_agenda(&p, &body.dossier_ids, &found, &mut issues)?;
    check_held_on(body.held_on, window.as_ref(), &mut issues);
    issues.finish()?;
    let model = new_sitting(&caller, &p, &body, facts, now)?;
    schedule(&ctx, &txn, &caller, role, &model, &body.dossier_ids, &found).await?;
    txn.commit().await?;
    let location = format!("/api/v1/appraisal/sittings/{}", model.id);
    Ok(with_location(
        answer(actix_web::http::StatusCode::CREATED, sitting_view(model)?),
        &location,
    ))
}

/// The checked texts and times of a sitting to schedule.
struct Facts {
    place: String,
    notes: String,
    body_name: Option<String>,
    superior_name: Option<String>,
    locality: Option<String>,
}

/// Checks what `body` says of the sitting itself (place, notes, times, body block, an
/// agenda at all), every problem into `issues`.
fn checked_facts(body: &SittingCreate, issues: &mut Issues) -> Facts {
    let place = issues.text("place", &body.place, 300);
    let notes = body.notes.clone().unwrap_or_default();
    if notes.chars().count() > 10_000 {
        issues.push(
            "notes",
            "too_long",
            "Tối đa 10000 ký tự",
            "At most 10000 characters",
        );
    }
    if let (Some(from), Some(to)) = (body.starts_at, body.ends_at)
        && to <= from
    {
        issues.push(
            "ends_at",
            "out_of_range",
            "Giờ kết thúc phải sau giờ bắt đầu",
            "The end time must be after the start time",
        );
    }
    let body_name = optional_text(issues, "body_name", body.body_name.as_deref(), 200);
    let superior_name = optional_text(issues, "superior_name", body.superior_name.as_deref(), 200);
    let locality = optional_text(issues, "locality", body.locality.as_deref(), 100);
    if body.dossier_ids.is_empty() {
        issues.push(
            "dossier_ids",
            "required",
            "Cần ít nhất một hồ sơ",
            "At least one dossier is needed",
        );
    }
    Facts {
        place,
        notes,
        body_name,
        superior_name,
        locality,
    }
}

/// An optional text checked into `issues`; `None` when absent or blank.
fn optional_text(issues: &mut Issues, field: &str, v: Option<&str>, max: usize) -> Option<String> {
    v.map(|t| issues.text(field, t, max))
        .filter(|t| !t.is_empty())
}

/// Checks every dossier of the agenda `ids` (listed once, found, open at panel `p`'s stage),
/// every problem into `issues`; the stage's window of the first dossier at it.
fn check_agenda(
    p: &panel::Model,
    ids: &[Uuid],
    found: &[cases::Model],
    issues: &mut Issues,
) -> Result<Option<StageInfo>, ApiError> {
    let mut window = None;
    for (i, id) in ids.iter().enumerate() {
        let field = format!("dossier_ids[{i}]");
        if ids[..i].contains(id) {
            issues.push(
                field,
                "duplicate",
                "Hồ sơ bị lặp",
                "The dossier is listed twice",
            );
            continue;
        }
        let Some(c) = found.iter().find(|c| c.id == *id) else {
            issues.push(field, "not_found", "Không có hồ sơ này", "No such dossier");
            continue;
        };
        let at_stage = c.plan_id == p.plan_id
            && c.field == p.field
            && status_of(c)? == CaseStatus::Open
            && stage_kind_of(c).as_deref() == Some(p.kind.as_str());
        if !at_stage {
            issues.push(
                field,
                "not_at_this_stage",
                "Hồ sơ không ở vòng của hội đồng (tổ) này",
                "The dossier is not at this panel's stage",
            );
            continue;
        }
        if window.is_none() {
            window = stages_of(c)?
                .into_iter()
                .nth(usize::try_from(c.stage).unwrap_or(0));
        }
    }
    Ok(window)
}

/// Checks that `held_on` falls inside the stage's `window`, when there is one.
fn check_held_on(held_on: chrono::NaiveDate, window: Option<&StageInfo>, issues: &mut Issues) {
    if let Some(w) = window
        && (held_on < w.from || held_on > w.to)
    {
        issues.push(
            "held_on",
            "outside_stage_window",
            format!(
                "Ngày họp phải trong thời gian của vòng: {} – {}",
                w.from.format("%d/%m/%Y"),
                w.to.format("%d/%m/%Y")
            ),
            format!(
                "The sitting must fall within the stage: {} – {}",
                w.from, w.to
            ),
        );
    }
}

/// The new sitting of panel `p` as `body` and its checked `facts` describe it.
fn new_sitting(
    caller: &Caller,
    p: &panel::Model,
    body: &SittingCreate,
    facts: Facts,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<sitting::Model, ApiError> {
    Ok(sitting::Model {
        id: Uuid::now_v7(),
        tenant: caller.tenant,
        panel_id: p.id,
        plan_id: p.plan_id,
        field: p.field.clone(),
        kind: p.kind.clone(),
        held_on: body.held_on,
        place: facts.place,
        status: "scheduled".into(),
        dossier_ids: serde_json::to_string(&body.dossier_ids).map_err(ApiError::internal)?,
        attendance: "[]".into(),
        votes: "{}".into(),
        notes: facts.notes,
        created_by: caller.user,
        created_at: now,
        held_at: None,
        version: 1,
        starts_at: body.starts_at,
        ends_at: body.ends_at,
        body_name: facts.body_name,
        superior_name: facts.superior_name,
        locality: facts.locality,
    })
}

/// Lists sittings, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/appraisal/sittings",
    tag = "sittings",
    params(PageQuery, SittingFilter),
    responses((status = 200, description = "A page of sittings", body = SittingPage)),
    security(("bearer" = []))
)]
pub async fn list_sittings(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    page: web::Query<PageQuery>,
    filter: web::Query<SittingFilter>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(CONVENERS)?;
    let limit = page.limit()?;
    let rows = sittings_page(
        &ctx.db,
        caller.tenant,
        filter.panel_id,
        filter.plan_id,
        page.cursor()?,
        limit,
    )
    .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    Ok(HttpResponse::Ok().json(SittingPage {
        next_cursor: next_cursor(&ids, limit),
        items: rows
            .into_iter()
            .map(sitting_view)
            .collect::<Result<_, _>>()?,
    }))
}

/// Reads a sitting; the ETag is its version.
#[utoipa::path(
    get,
    path = "/api/v1/appraisal/sittings/{id}",
    tag = "sittings",
    params(("id" = Uuid, Path, description = "Sitting id")),
    responses((status = 200, description = "The sitting", body = SittingView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change")))),
    security(("bearer" = []))
)]
pub async fn get_sitting(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(CONVENERS)?;
    let s = sitting_of(&ctx.db, &caller, id.into_inner()).await?;
    Ok(answer(actix_web::http::StatusCode::OK, sitting_view(s)?))
}

/// Records who is present (`If-Match`), each with their panel role.
#[utoipa::path(
    put,
    path = "/api/v1/appraisal/sittings/{id}/attendance",
    tag = "sittings",
    params(sangkien_kit::http::contract::IfMatch, ("id" = Uuid, Path, description = "Sitting id")),
    request_body = AttendanceUpdate,
    responses(
        sangkien_kit::http::contract::Conditional,
        (status = 200, description = "Recorded", body = SittingView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"))),
        (status = 409, description = "The sitting is closed", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Someone listed is not a member", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn record_attendance(
    req: HttpRequest,
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: web::Json<AttendanceUpdate>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(CONVENERS)?;
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let s = sitting_of(&txn, &caller, id.into_inner()).await?;
    require_if_match(&req, s.version)?;
    still_scheduled(&s)?;
    let members = members_of(&panel_of(&txn, &caller, s.panel_id).await?)?;
    let present = attendees(&members, &body.present)?;
    let updated = keep_attendance(&txn, &caller, role, &s, &present, now).await?;
    txn.commit().await?;
    Ok(answer(
        actix_web::http::StatusCode::OK,
        sitting_view(updated)?,
    ))
}

/// The attendees `present` lists, each with their panel role; 422 naming everyone listed
/// twice or not a member of the panel.
fn attendees(members: &[Member], present: &[Uuid]) -> Result<Vec<Attendee>, ApiError> {
    let mut issues = Issues::new();
    let mut out: Vec<Attendee> = Vec::new();
    for (i, id) in present.iter().enumerate() {
        match members.iter().find(|m| m.user_id == *id) {
            _ if out.iter().any(|a| a.user_id == *id) => issues.push(
                format!("present[{i}]"),
                "duplicate",
                "Người này bị ghi hai lần",
                "Listed twice",
            ),
            Some(m) => out.push(Attendee {
                user_id: m.user_id,
                full_name: m.full_name.clone(),
                role: m.role,
            }),
            None => issues.push(
                format!("present[{i}]"),
                "not_a_member",
                "Không phải thành viên của hội đồng (tổ)",
                "Not a member of the panel",
            ),
        }
    }
    issues.finish()?;
    Ok(out)
}

/// Members of the panel who may vote on `c` (its authors may not; when the body's head is one
/// of them, the head does not sit at all) and how many of them are present.
fn voters(
    members: &[Member],
    present: &[Attendee],
    c: &cases::Model,
) -> Result<(usize, usize), ApiError> {
    let ids: Vec<Uuid> = members.iter().map(|m| m.user_id).collect();
    let eligible = voting_members(&ids, &authors_of(c)?);
    let here = present
        .iter()
        .filter(|a| eligible.contains(&a.user_id))
        .count();
    Ok((eligible.len(), here))
}

/// Records the council's vote on one dossier of the sitting (`If-Match`): the counts in
/// favour, against and abstaining, never more than the members present who may vote.
#[utoipa::path(
    put,
    path = "/api/v1/appraisal/sittings/{id}/votes/{dossier_id}",
    tag = "sittings",
    params(sangkien_kit::http::contract::IfMatch,
        ("id" = Uuid, Path, description = "Sitting id"),
        ("dossier_id" = Uuid, Path, description = "A dossier discussed"),
    ),
    request_body = VoteUpdate,
    responses(
        sangkien_kit::http::contract::Conditional,
        (status = 200, description = "Recorded", body = SittingView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"))),
        (status = 409, description = "Closed, not a council, or attendance not recorded", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "More votes than voters present", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn record_vote(
    req: HttpRequest,
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
    body: web::Json<VoteUpdate>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(CONVENERS)?;
    let (id, dossier_id) = path.into_inner();
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let s = sitting_of(&txn, &caller, id).await?;
    require_if_match(&req, s.version)?;
    still_scheduled(&s)?;
    let present = open_to_vote(&s, dossier_id)?;
    let c = case_of(&txn, &caller, dossier_id).await?;
    let members = members_of(&panel_of(&txn, &caller, s.panel_id).await?)?;
    let (eligible, here) = voters(&members, &present, &c)?;
    let vote = counted(&body, eligible, here)?;
    let updated = keep_vote(&txn, &caller, role, &s, dossier_id, vote, now).await?;
    txn.commit().await?;
    Ok(answer(
        actix_web::http::StatusCode::OK,
        sitting_view(updated)?,
    ))
}

/// The attendance of council sitting `s`, when `dossier_id` may be voted on there: 409
/// unless a council with its attendance recorded, 404 when not on its agenda.
fn open_to_vote(s: &sitting::Model, dossier_id: Uuid) -> Result<Vec<Attendee>, ApiError> {
    if s.kind != "council" {
        return Err(ApiError::new(ErrorCode::InvalidTransition).with_detail(
            "Chỉ Hội đồng sáng kiến biểu quyết; tổ thẩm định kết luận bằng phiếu chấm",
            "Only the council votes; the appraisal team concludes from its sheets",
        ));
    }
    let listed: Vec<Uuid> = serde_json::from_str(&s.dossier_ids).map_err(ApiError::internal)?;
    if !listed.contains(&dossier_id) {
        return Err(ApiError::new(ErrorCode::NotFound).with_detail(
            "Hồ sơ không thuộc phiên họp này",
            "The dossier is not on this sitting's agenda",
        ));
    }
    let present: Vec<Attendee> = serde_json::from_str(&s.attendance).map_err(ApiError::internal)?;
    if present.is_empty() {
        return Err(ApiError::new(ErrorCode::InvalidTransition).with_detail(
            "Cần ghi danh sách có mặt trước khi biểu quyết",
            "Record the attendance before the vote",
        ));
    }
    Ok(present)
}

/// The vote `body` records, with what it means for `eligible` members of whom `here` are
/// present; 422 when more voted than are present.
fn counted(body: &VoteUpdate, eligible: usize, here: usize) -> Result<VoteView, ApiError> {
    let tally = Tally {
        in_favour: body.in_favour,
        against: body.against,
        abstaining: body.abstaining,
    };
    if let Some((vi, en)) = tally_problem(&tally, here) {
        let mut i = Issues::new();
        i.push("in_favour", "more_votes_than_voters", vi, en);
        i.finish()?;
    }
    Ok(VoteView {
        method: body.method,
        in_favour: tally.in_favour,
        against: tally.against,
        abstaining: tally.abstaining,
        members: eligible,
        required: two_thirds_required(eligible),
        carried: carried(eligible, tally.in_favour),
    })
}

fn quorum_refusal(broken: &[QuorumRule]) -> ApiError {
    let mut e = ApiError::new(ErrorCode::QuorumNotMet);
    let (vi, en): (Vec<&str>, Vec<&str>) = broken.iter().map(|r| r.text()).unzip();
    e = e.with_detail(vi.join("; "), en.join("; "));
    e.errors = broken
        .iter()
        .map(|r| {
            let (vi, en) = r.text();
            sangkien_kit::error::FieldIssue {
                field: "attendance".into(),
                code: serde_json::to_value(r)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                message: sangkien_kit::error::Localized::new(vi, en),
            }
        })
        .collect();
    e
}

/// Closes the sitting: the quorum rules are checked (each broken rule named), a council's
/// vote on every dossier decides it under the two-thirds rule, each case concludes
/// (`case.concluded`), and `sitting.held` announces the attendance for the budget.
#[utoipa::path(
    post,
    path = "/api/v1/appraisal/sittings/{id}/close",
    tag = "sittings",
    params(sangkien_kit::http::contract::IfMatch, ("id" = Uuid, Path, description = "Sitting id")),
    responses(
        sangkien_kit::http::contract::Conditional,
        (status = 200, description = "Held; the cases concluded", body = SittingView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"))),
        (status = 409, description = "Quorum not met (each rule named), before its date, or already closed", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Dossiers without a vote", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn close_sitting(
    req: HttpRequest,
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(CONVENERS)?;
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let s = sitting_of(&txn, &caller, id.into_inner()).await?;
    require_if_match(&req, s.version)?;
    still_scheduled(&s)?;
    if local_date(now) < s.held_on {
        return Err(ApiError::new(ErrorCode::InvalidTransition).with_detail(
            format!("Phiên họp diễn ra ngày {}", s.held_on.format("%d/%m/%Y")),
            format!("The sitting is on {}", s.held_on),
        ));
    }
    let members = members_of(&panel_of(&txn, &caller, s.panel_id).await?)?;
    let present: Vec<Attendee> = serde_json::from_str(&s.attendance).map_err(ApiError::internal)?;
    let broken = quorum_broken(
        s.kind == "council",
        &members.iter().map(|m| m.role).collect::<Vec<_>>(),
        &present.iter().map(|a| a.role).collect::<Vec<_>>(),
    );
    if !broken.is_empty() {
        return Err(quorum_refusal(&broken));
    }
    let updated = close(&ctx, &txn, &caller, role, &s, members.len()).await?;
    txn.commit().await?;
    Ok(answer(
        actix_web::http::StatusCode::OK,
        sitting_view(updated)?,
    ))
}
