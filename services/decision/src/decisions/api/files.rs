//! Downloads: the decision as DOCX (a draft prints blanks for the number and date), and the
//! certificates of its recognised initiatives, for the secretariat, the signer and each
//! initiative's own authors.

use crate::decisions::domain::status::DecisionStatus;
use actix_web::{HttpResponse, web};
use sea_orm::EntityTrait;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use sangkien_kit::{ApiError, auth::Caller, service::ServiceContext};
use sangkien_proto::{ErrorCode, Role, events::AuthorInfo};

use super::decision_of;
use crate::decisions::{
    documents::{DOCX, certificate_docx, decision_file_name, lines_of, paper, render},
    store::dossier,
};

/// A certificate of an issued decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct CertificateView {
    pub dossier_id: Uuid,
    pub register_number: i32,
    /// The initiative's name.
    pub name: String,
    /// Authors' names.
    pub authors: Vec<String>,
    /// The author this certificate is issued to (each recognised author gets one).
    pub holder: String,
    /// Their place in the request's author list, from 0 (`?author=` of `href`).
    pub author_index: usize,
    /// Where to download it, through the gateway.
    pub href: String,
}

/// `?author=`: the certificate issued to that author (index in the request's author list);
/// without it, the initiative's certificate naming every author.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CertificateQuery {
    /// The author's place, from 0; a place past the list answers 404.
    #[param(minimum = 0, maximum = 1000)]
    pub author: Option<usize>,
}

fn docx(file: &str, bytes: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(DOCX)
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{file}\""),
        ))
        .body(bytes)
}

/// The people who may fetch a dossier's certificate as its authors: the owner and every
/// author with an account.
pub fn author_ids(d: &dossier::Model) -> Result<Vec<Uuid>, ApiError> {
    let authors: Vec<AuthorInfo> = serde_json::from_str(&d.authors).map_err(ApiError::internal)?;
    let mut ids: Vec<Uuid> = authors.iter().filter_map(|a| a.user_id).collect();
    ids.extend(d.owner);
    Ok(ids)
}

/// The decision as DOCX (Decree 30/2020 layout); a draft prints blanks for number and date.
/// An author downloads an issued decision that decides on her initiative.
#[utoipa::path(
    get,
    path = "/api/v1/decision/decisions/{id}/document",
    tag = "decisions",
    params(("id" = Uuid, Path, description = "Decision id")),
    responses(
        (status = 200, description = "The decision", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body = inline(sangkien_kit::http::contract::Binary)),
        (status = 404, description = "No such decision", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`body_profile_missing`", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn download_decision(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let d = super::readable_decision(&ctx.db, &caller, id.into_inner()).await?;
    let p = paper(&ctx.db, &d)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::new(ErrorCode::BodyProfileMissing))?;
    let bytes = render::decision(&p).map_err(ApiError::internal)?;
    Ok(docx(&decision_file_name(&d), bytes))
}

/// The certificates of an issued decision's recognised initiatives, one per author; an
/// author sees only those of their own initiatives.
#[utoipa::path(
    get,
    path = "/api/v1/decision/decisions/{id}/certificates",
    tag = "decisions",
    params(("id" = Uuid, Path, description = "Decision id")),
    responses(
        (status = 200, description = "The certificates (empty before signing)", body = Vec<CertificateView>),
        (status = 404, description = "No such decision", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list_certificates(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(&[
        Role::CouncilSecretariat,
        Role::Signer,
        Role::Admin,
        Role::Author,
    ])?;
    let d = decision_of(&ctx.db, &caller, id.into_inner()).await?;
    let sees_all = [Role::CouncilSecretariat, Role::Signer, Role::Admin]
        .into_iter()
        .any(|r| caller.has_role(r));
    let mut out = Vec::new();
    if d.state() == Some(DecisionStatus::Issued) {
        for (i, x) in lines_of(&ctx.db, d.id).await.map_err(ApiError::internal)? {
            if !i.recognised || !(sees_all || author_ids(&x)?.contains(&caller.user)) {
                continue;
            }
            let authors: Vec<AuthorInfo> =
                serde_json::from_str(&x.authors).map_err(ApiError::internal)?;
            let names: Vec<String> = authors.iter().map(|a| a.full_name.clone()).collect();
            for (n, holder) in names.iter().enumerate() {
                out.push(CertificateView {
                    dossier_id: x.id,
                    register_number: x.register_number,
                    name: x.name.clone(),
                    authors: names.clone(),
                    holder: holder.clone(),
                    author_index: n,
                    href: format!(
                        "/api/v1/decision/decisions/{}/certificates/{}?author={n}",
                        d.id, x.id
                    ),
                });
            }
        }
    }
    Ok(HttpResponse::Ok().json(out))
}

/// The certificate (giấy chứng nhận sáng kiến) of one recognised initiative, as DOCX.
#[utoipa::path(
    get,
    path = "/api/v1/decision/decisions/{id}/certificates/{dossier_id}",
    tag = "decisions",
    params(
        ("id" = Uuid, Path, description = "Decision id"),
        ("dossier_id" = Uuid, Path, description = "A recognised dossier of the decision"),
        CertificateQuery,
    ),
    responses(
        (status = 200, description = "The certificate", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body = inline(sangkien_kit::http::contract::Binary)),
        (status = 403, description = "Not one of its authors", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such decision, not issued, or the dossier is not recognised by it", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn download_certificate(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
    query: web::Query<CertificateQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(&[
        Role::CouncilSecretariat,
        Role::Signer,
        Role::Admin,
        Role::Author,
    ])?;
    let (id, dossier_id) = path.into_inner();
    // Authorship first: an author learns nothing of others' initiatives from the answer.
    let sees_all = [Role::CouncilSecretariat, Role::Signer, Role::Admin]
        .into_iter()
        .any(|r| caller.has_role(r));
    if !sees_all {
        let x = dossier::Entity::find_by_id(dossier_id)
            .one(&ctx.db)
            .await?
            .filter(|x| x.tenant == caller.tenant)
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
        if !author_ids(&x)?.contains(&caller.user) {
            return Err(ApiError::new(ErrorCode::Forbidden).with_detail(
                "Chỉ tác giả của sáng kiến được tải giấy chứng nhận này",
                "Only the initiative's authors may download this certificate",
            ));
        }
    }
    let d = decision_of(&ctx.db, &caller, id).await?;
    let Some((file, bytes)) = certificate_docx(&ctx.db, &d, dossier_id, query.author)
        .await
        .map_err(ApiError::internal)?
    else {
        return Err(ApiError::new(ErrorCode::NotFound).with_detail(
            "Quyết định chưa ký, không công nhận sáng kiến này hoặc sáng kiến không có tác giả này",
            "The decision is not signed, does not recognise this initiative, or it has no such author",
        ));
    };
    Ok(docx(&file, bytes))
}
