//! Row locks that serialise writers of one dossier.

use sea_orm::{ConnectionTrait, DbErr, EntityTrait, QuerySelect};
use uuid::Uuid;

use super::entities::dossier;

/// Locks the dossier's row until the transaction ends (`SELECT … FOR UPDATE` on PostgreSQL),
/// so two uploads to one dossier decide its file count and byte total one after the other.
/// On SQLite the lock clause is left out: a write transaction (`BEGIN IMMEDIATE`) already
/// holds the database's single write lock from its start.
///
/// Returns the row read under the lock, so a writer that needs it does not read it again.
pub async fn lock_dossier<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
) -> Result<Option<dossier::Model>, DbErr> {
    dossier::Entity::find_by_id(id)
        .lock_exclusive()
        .one(db)
        .await
}
