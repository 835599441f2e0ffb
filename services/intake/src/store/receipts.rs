//! What a receipt prints beyond the dossier itself: the office's and the unit's names from the
//! directory copy, and who registered the dossier (the `dossier.registered` audit line).

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use sangkien_kit::{ApiError, auth::Caller, store::audit_log};

use super::directory;
use crate::api::dossiers::Loaded;

/// The names a receipt needs.
#[derive(Debug, Clone, Default)]
pub struct ReceiptFacts {
    /// The receiving office's name.
    pub office: String,
    /// The office's parent unit, printed above it.
    pub superior: Option<String>,
    /// The top unit of the office's line, whose name gives the place (`UBND huyện Vĩnh
    /// Tường` → `Vĩnh Tường`).
    pub place_unit: Option<String>,
    /// The authors' unit.
    pub unit: String,
    /// The full name of who registered it; empty when unknown.
    pub received_by: String,
    /// When it was registered.
    pub registered_at: Option<DateTime<Utc>>,
}

/// Reads the names of `loaded`'s receiving office, its superiors and the authors' unit, and
/// who registered it, in the caller's tenant.
pub async fn facts_of<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    loaded: &Loaded,
) -> Result<ReceiptFacts, ApiError> {
    let units = directory::unit::Entity::find()
        .filter(directory::unit::Column::Tenant.eq(caller.tenant))
        .all(db)
        .await?;
    let unit = |id: uuid::Uuid| units.iter().find(|u| u.id == id);
    let office = unit(loaded.field.receiving_unit_id);
    let parent = office.and_then(|o| o.parent_id).and_then(unit);
    // The top of the office's line: parents followed at most as deep as the tree can be.
    let mut top = office;
    for _ in 0..16 {
        match top.and_then(|t| t.parent_id).and_then(unit) {
            Some(p) => top = Some(p),
            None => break,
        }
    }
    let registered = audit_log::Entity::find()
        .filter(audit_log::Column::Tenant.eq(caller.tenant))
        .filter(audit_log::Column::SubjectId.eq(loaded.dossier.id))
        .filter(audit_log::Column::Action.eq("dossier.registered"))
        .order_by_desc(audit_log::Column::Id)
        .one(db)
        .await?;
    let received_by = match &registered {
        Some(r) => directory::person::Entity::find_by_id(r.actor)
            .filter(directory::person::Column::Tenant.eq(caller.tenant))
            .one(db)
            .await?
            .map(|p| p.full_name)
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok(ReceiptFacts {
        office: office.map(|o| o.name.clone()).unwrap_or_default(),
        superior: parent.map(|p| p.name.clone()),
        place_unit: top.map(|t| t.name.clone()),
        unit: unit(loaded.dossier.unit_id)
            .map(|u| u.name.clone())
            .unwrap_or_default(),
        received_by,
        registered_at: registered.map(|r| r.at),
    })
}
