//! The decision's DOCX and its certificates, assembled from what is stored: the decision row
//! (with the body profile as it stood at signing), its items and the dossiers they name.

pub mod render;

use crate::decisions::domain::status::DecisionStatus;
use std::collections::BTreeMap;

use chrono::Datelike;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use sangkien_proto::events::AuthorInfo;

use super::{
    domain::profile::BodyProfile,
    store::{decision, dossier, item, plan, profile, unit},
};
pub use render::{CertificatePaper, DecisionPaper, Line};

/// The DOCX media type.
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// A stored decision's items with their dossiers, in register order.
pub async fn lines_of<C: ConnectionTrait>(
    db: &C,
    decision_id: Uuid,
) -> anyhow::Result<Vec<(item::Model, dossier::Model)>> {
    let items = item::Entity::find()
        .filter(item::Column::DecisionId.eq(decision_id))
        .order_by_asc(item::Column::RegisterNumber)
        .order_by_asc(item::Column::DossierId)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = items.iter().map(|i| i.dossier_id).collect();
    let dossiers: BTreeMap<Uuid, dossier::Model> = dossier::Entity::find()
        .filter(dossier::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    Ok(items
        .into_iter()
        .filter_map(|i| dossiers.get(&i.dossier_id).cloned().map(|d| (i, d)))
        .collect())
}

/// Names of the units of `dossiers`.
async fn unit_names<C: ConnectionTrait>(
    db: &C,
    dossiers: &[&dossier::Model],
) -> anyhow::Result<BTreeMap<Uuid, String>> {
    let ids: Vec<Uuid> = dossiers.iter().filter_map(|d| d.unit_id).collect();
    Ok(unit::Entity::find()
        .filter(unit::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}

fn line(
    i: &item::Model,
    d: &dossier::Model,
    units: &BTreeMap<Uuid, String>,
) -> anyhow::Result<Line> {
    let authors: Vec<AuthorInfo> = serde_json::from_str(&d.authors)?;
    Ok(Line {
        register_number: d.register_number,
        name: d.name.clone(),
        authors: authors
            .into_iter()
            .map(|a| (a.full_name, a.contribution_percent))
            .collect(),
        unit: d
            .unit_id
            .and_then(|u| units.get(&u).cloned())
            .unwrap_or_default(),
        average: d.average,
        grade: d.grade.clone(),
        reason: i.reason.clone(),
        // The conclusion's facts, unless the secretariat moved the item with its own reason.
        grounds: if i.moved {
            None
        } else {
            d.conclusion_grounds
                .as_deref()
                .map(serde_json::from_str)
                .transpose()?
        },
    })
}

/// The profile a decision prints: frozen at signing, the current one on a draft.
pub async fn profile_for<C: ConnectionTrait>(
    db: &C,
    d: &decision::Model,
) -> anyhow::Result<Option<BodyProfile>> {
    if let Some(p) = &d.issued_profile {
        return Ok(Some(serde_json::from_str(p)?));
    }
    let Some(row) = profile::Entity::find_by_id(d.tenant).one(db).await? else {
        return Ok(None);
    };
    Ok(Some(serde_json::from_str(&row.profile)?))
}

/// The field's name in the plan (the code when the plan is unknown).
pub async fn field_name<C: ConnectionTrait>(
    db: &C,
    plan_id: Uuid,
    field: &str,
) -> anyhow::Result<String> {
    let names: BTreeMap<String, String> = match plan::Entity::find_by_id(plan_id).one(db).await? {
        Some(p) => serde_json::from_str(&p.fields)?,
        None => BTreeMap::new(),
    };
    Ok(names
        .get(field)
        .cloned()
        .unwrap_or_else(|| field.to_owned()))
}

/// Everything the decision's document says; `None` without a body profile.
pub async fn paper<C: ConnectionTrait>(
    db: &C,
    d: &decision::Model,
) -> anyhow::Result<Option<DecisionPaper>> {
    let Some(profile) = profile_for(db, d).await? else {
        return Ok(None);
    };
    let mut recognised = Vec::new();
    let mut refused = Vec::new();
    let lines = lines_of(db, d.id).await?;
    let units = unit_names(db, &lines.iter().map(|(_, x)| x).collect::<Vec<_>>()).await?;
    for (i, dossier) in &lines {
        let l = line(i, dossier, &units)?;
        if i.recognised {
            recognised.push(l);
        } else {
            refused.push(l);
        }
    }
    let signer = d.signed_by.and_then(|u| profile.signer(u).cloned());
    Ok(Some(DecisionPaper {
        number: d.number_text.clone(),
        signed_on: d.signed_on,
        title: d.title.clone(),
        proposal: d.proposal.clone(),
        field_name: field_name(db, d.plan_id, &d.field).await?,
        year: d.year,
        signer,
        recognised,
        refused,
        profile,
        created: d.created_at,
    }))
}

/// `quyet-dinh-05-2022.docx` (ASCII, so every browser keeps it).
pub fn decision_file_name(d: &decision::Model) -> String {
    match (d.number, d.signed_on) {
        (Some(n), Some(on)) => format!("quyet-dinh-{n:02}-{}.docx", on.year()),
        _ => format!("du-thao-quyet-dinh-{}.docx", d.id),
    }
}

/// The decision in `tenant` with `decision_id`.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    decision_id: Uuid,
) -> anyhow::Result<Option<decision::Model>> {
    Ok(decision::Entity::find_by_id(decision_id)
        .one(db)
        .await?
        .filter(|d| d.tenant == tenant))
}

/// The issued decision as (file name, DOCX bytes); `None` when there is no such decision in
/// the tenant or it is not signed yet. The same stored decision always gives the same bytes.
pub async fn decision_docx<C: ConnectionTrait>(
    db: &C,
    tenant_id: Uuid,
    decision_id: Uuid,
) -> anyhow::Result<Option<(String, Vec<u8>)>> {
    let Some(d) = find(db, tenant_id, decision_id).await? else {
        return Ok(None);
    };
    if d.state() != Some(DecisionStatus::Issued) {
        return Ok(None);
    }
    let Some(p) = paper(db, &d).await? else {
        return Ok(None);
    };
    Ok(Some((decision_file_name(&d), render::decision(&p)?)))
}

/// The certificate of a recognised initiative of an issued decision, as (file name, bytes):
/// the initiative's, naming every author, or with `holder` the one issued to that author
/// (index in the request's author list); `None` when there is no such certificate.
pub async fn certificate_docx<C: ConnectionTrait>(
    db: &C,
    d: &decision::Model,
    dossier_id: Uuid,
    holder: Option<usize>,
) -> anyhow::Result<Option<(String, Vec<u8>)>> {
    if d.state() != Some(DecisionStatus::Issued) {
        return Ok(None);
    }
    let Some(p) = paper(db, d).await? else {
        return Ok(None);
    };
    let lines = lines_of(db, d.id).await?;
    let recognised: Vec<&(item::Model, dossier::Model)> =
        lines.iter().filter(|(i, _)| i.recognised).collect();
    let Some(pos) = recognised
        .iter()
        .position(|(i, _)| i.dossier_id == dossier_id)
    else {
        return Ok(None);
    };
    let (i, dossier) = recognised[pos];
    let units = unit_names(db, &[dossier]).await?;
    let line = line(i, dossier, &units)?;
    if holder.is_some_and(|h| h >= line.authors.len()) {
        return Ok(None);
    }
    let own = holder.map(|h| format!(".{}", h + 1)).unwrap_or_default();
    let serial = format!(
        "{}-{:02}{own}",
        p.number.clone().unwrap_or_default(),
        pos + 1
    );
    let c = CertificatePaper {
        line,
        decision: p,
        serial,
        holder,
    };
    let name = format!(
        "giay-chung-nhan-{}-{:02}{}.docx",
        decision_file_name(d)
            .trim_end_matches(".docx")
            .trim_start_matches("quyet-dinh-"),
        pos + 1,
        own.replace('.', "-")
    );
    Ok(Some((name, render::certificate(&c)?)))
}
