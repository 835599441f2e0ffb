//! The minutes of a held sitting, downloaded as DOCX.

use actix_web::{HttpResponse, web};
use uuid::Uuid;

use sangkien_kit::{ApiError, auth::Caller, service::ServiceContext};
use sangkien_proto::{ErrorCode, Role, events::AuthorInfo};

use super::{
    panel_of, sitting_of,
    sittings::{Attendee, VoteMethod, VoteView, sitting_view},
};
use crate::{
    domain::panel::PanelRole,
    minutes::{Minutes, MinutesItem, MinutesMember, MinutesVote, number, render},
    store::{
        queries::{
            cases_in, held_sittings_of_panel, members_of, results_of_cases, sitting_by_link,
        },
        sittings::stage_result,
    },
};

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/sittings/{id}/minutes", web::get().to(download_minutes))
        .route(
            "/shared/sittings/{id}/minutes",
            web::get().to(shared_minutes),
        );
}

/// The DOCX media type.
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

fn role_label(r: PanelRole, council: bool) -> &'static str {
    match (r, council) {
        (PanelRole::Chair, true) => "Chủ tịch Hội đồng",
        (PanelRole::Chair, false) => "Tổ trưởng Tổ thẩm định",
        (PanelRole::ViceChair, _) => "Phó Chủ tịch",
        (PanelRole::Secretary, _) => "Thư ký",
        (PanelRole::Member, _) => "Ủy viên",
        (PanelRole::Expert, _) => "Chuyên gia",
        (PanelRole::TradeUnion, _) => "Đại diện Công đoàn",
        (PanelRole::Other, _) => "Thành phần khác",
    }
}

fn comma_points(centi: i64) -> String {
    format!("{},{:02}", centi / 100, centi % 100)
}

/// Minutes (biên bản) of a held sitting: attendance by panel role, each dossier with its
/// scores, vote and conclusion, signed off by the secretary and the chair.
#[utoipa::path(
    get,
    path = "/api/v1/appraisal/sittings/{id}/minutes",
    tag = "sittings",
    params(("id" = Uuid, Path, description = "Sitting id")),
    responses(
        (status = 200, description = "The minutes", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body = inline(sangkien_kit::http::contract::Binary)),
        (status = 409, description = "The sitting is not held yet", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn download_minutes(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(&[
        Role::CouncilSecretariat,
        Role::ReceivingOffice,
        Role::Admin,
        Role::CouncilChair,
    ])?;
    minutes_of(&ctx, &caller, id.into_inner()).await
}

/// The minutes of a held sitting by signed link (`sangkien_kit::links`), without a token:
/// what the provincial DOST system downloads from a nomination package.
#[utoipa::path(
    get,
    path = "/api/v1/appraisal/shared/sittings/{id}/minutes",
    tag = "sittings",
    params(("id" = Uuid, Path, description = "Sitting id"), sangkien_kit::links::SignedQuery),
    responses(
        (status = 200, description = "The minutes", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body = inline(sangkien_kit::http::contract::Binary)),
        (status = 403, description = "Signature does not match", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 410, description = "The link has expired", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn shared_minutes(
    req: actix_web::HttpRequest,
    ctx: web::Data<ServiceContext>,
    settings: web::Data<sangkien_kit::Settings>,
    id: web::Path<Uuid>,
    query: web::Query<sangkien_kit::links::SignedQuery>,
) -> Result<HttpResponse, ApiError> {
    sangkien_kit::links::verify_request(&req, &settings, &query, ctx.clock.now())?;
    let id = id.into_inner();
    let s = sitting_by_link(&ctx.db, id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    // The link stands for a reader of the sitting's tenant, and for that sitting alone.
    let reader = Caller {
        user: Uuid::nil(),
        tenant: s.tenant,
        roles: Vec::new(),
        name: Some("signed link".into()),
        request_id: String::new(),
        lang: sangkien_proto::Lang::default(),
    };
    minutes_of(&ctx, &reader, id).await
}

/// Renders the minutes of sitting `id` of the caller's tenant.
async fn minutes_of(
    ctx: &ServiceContext,
    caller: &Caller,
    id: Uuid,
) -> Result<HttpResponse, ApiError> {
    let caller = caller.clone();
    let s = sitting_of(&ctx.db, &caller, id).await?;
    if s.status != "held" {
        return Err(ApiError::new(ErrorCode::InvalidTransition).with_detail(
            "Biên bản có sau khi phiên họp kết thúc",
            "The minutes exist once the sitting is closed",
        ));
    }
    let p = panel_of(&ctx.db, &caller, s.panel_id).await?;
    let members = members_of(&p)?;
    // The minutes' number: this sitting's place among the panel's sittings held that year.
    let year = chrono::Datelike::year(&s.held_on);
    let held = held_sittings_of_panel(&ctx.db, s.tenant, s.panel_id).await?;
    let position = held
        .iter()
        .filter(|o| {
            chrono::Datelike::year(&o.held_on) == year
                && (o.held_on, o.created_at, o.id) <= (s.held_on, s.created_at, s.id)
        })
        .count();
    let created = s.held_at.unwrap_or(s.created_at);
    let v = sitting_view(s)?;
    let council = v.kind == "council";
    let present = |id: Uuid| v.attendance.iter().any(|a: &Attendee| a.user_id == id);
    let name_of = |role: PanelRole| {
        members
            .iter()
            .find(|m| m.role == role && present(m.user_id))
            .or_else(|| members.iter().find(|m| m.role == role))
            .map(|m| m.full_name.clone())
            .unwrap_or_default()
    };
    let mut found = cases_in(&ctx.db, caller.tenant, &v.dossier_ids).await?;
    found.sort_by_key(|c| c.register_number);
    let results = results_of_cases(&ctx.db, &v.dossier_ids).await?;
    let mut items = Vec::new();
    for c in found {
        let authors: Vec<AuthorInfo> =
            serde_json::from_str(&c.authors).map_err(ApiError::internal)?;
        let of_case: Vec<&stage_result::Model> =
            results.iter().filter(|r| r.case_id == c.id).collect();
        let scored = of_case.iter().rev().find(|r| r.average.is_some());
        let here = of_case.iter().find(|r| r.sitting_id == Some(v.id));
        let vote: Option<&VoteView> = v.votes.get(&c.id);
        items.push(MinutesItem {
            register_number: c.register_number,
            name: c.name,
            authors: authors
                .iter()
                .map(|a| a.full_name.clone())
                .collect::<Vec<_>>()
                .join(", "),
            average: scored
                .and_then(|r| r.average)
                .map(comma_points)
                .unwrap_or_default(),
            grade: scored.and_then(|r| r.grade.clone()).unwrap_or_default(),
            vote: vote.map(|x| MinutesVote {
                method: match x.method {
                    VoteMethod::ShowOfHands => "giơ tay".into(),
                    VoteMethod::SecretBallot => "bỏ phiếu kín".into(),
                },
                in_favour: x.in_favour,
                against: x.against,
                abstaining: x.abstaining,
                members: x.members,
                required: x.required,
            }),
            recommended: here.is_some_and(|r| r.passed),
            conclusion: match here.map(|r| r.passed) {
                Some(true) => "Đề nghị công nhận".into(),
                Some(false) => "Không đề nghị công nhận".into(),
                None => "Đã thảo luận".into(),
            },
        });
    }
    let minutes = Minutes {
        panel_name: p.name.clone(),
        council,
        number: number(position.max(1), council),
        body_name: v.body_name.clone().unwrap_or_else(|| p.name.clone()),
        superior_name: v.superior_name.clone(),
        locality: v.locality.clone().unwrap_or_default(),
        held_on: v.held_on,
        starts_at: v.starts_at,
        ends_at: v.ends_at,
        created,
        place: v.place.clone(),
        members: members
            .iter()
            .map(|m| MinutesMember {
                full_name: m.full_name.clone(),
                role_label: role_label(m.role, council).into(),
                present: present(m.user_id),
            })
            .collect(),
        items,
        notes: v.notes.clone(),
        chair: name_of(PanelRole::Chair),
        secretary: name_of(PanelRole::Secretary),
    };
    let bytes = render(&minutes).map_err(ApiError::internal)?;
    let file = format!("bien-ban-{}.docx", v.held_on.format("%Y-%m-%d"));
    Ok(HttpResponse::Ok()
        .content_type(DOCX)
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{file}\""),
        ))
        .body(bytes))
}
