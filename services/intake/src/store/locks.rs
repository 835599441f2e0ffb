//! Row locks that serialise writers of one dossier.

use sea_orm::{ConnectionTrait, DbErr, EntityTrait, QuerySelect};
use uuid::Uuid;

use super::entities::dossier;

/// Locks the dossier's row until the transaction ends (`SELECT … FOR UPDATE` on PostgreSQL),
/// so two uploads to one dossier decide its file count and byte total one after the other.
/// On SQLite the lock clause is left out: a write transaction (`BEGIN IMMEDIATE`) already
/// holds the database's single write lock from its start.
pub async fn lock_dossier<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<(), DbErr> {
    dossier::Entity::find_by_id(id)
        .lock_exclusive()
        .one(db)
        .await?;
    Ok(())
}
