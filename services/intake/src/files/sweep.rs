//! Orphan objects: an upload stores its bytes first and its attachment row after, so a crash
//! (or a lost database) between the two leaves bytes that no row names. The sweep finds the
//! attachment-keyed objects older than [`ORPHAN_AFTER`] that no row names, and deletes them.

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::StreamExt;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::storage::FileStore;
use crate::store::entities::attachment;

/// An object with no row is an orphan once this old: far beyond the moment between an
/// upload's last byte and its row's commit.
pub const ORPHAN_AFTER: chrono::Duration = chrono::Duration::hours(1);

/// How often a running intake sweeps.
pub const SWEEP_EVERY: Duration = Duration::from_secs(6 * 3600);

/// Rows looked up per query.
const BATCH: usize = 500;

/// What a sweep did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    /// Attachment objects older than the cut-off that were looked up.
    pub examined: usize,
    /// Of those, the ones no row named, now deleted.
    pub deleted: usize,
}

/// Deletes the objects under attachment keys (`<tenant>/<dossier>/<attachment>`) last written
/// before `older_than` whose attachment id no row holds. Objects under other keys are left.
///
/// A database with no attachment at all is not swept: that is a service started on an empty
/// or wrong database far more likely than a store of orphans, and deleting every file would
/// be the one mistake nothing can undo.
pub async fn sweep_orphans<C: ConnectionTrait>(
    files: &FileStore,
    db: &C,
    older_than: DateTime<Utc>,
) -> anyhow::Result<Swept> {
    let mut swept = Swept::default();
    if attachment::Entity::find().one(db).await?.is_none() {
        return Ok(swept);
    }
    let mut listing = files.list();
    let mut batch: Vec<(Uuid, object_store::path::Path)> = Vec::new();
    while let Some(meta) = listing.next().await {
        let meta = match meta {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(error = %e, "file store sweep: an object could not be listed; skipped");
                continue;
            }
        };
        if meta.last_modified >= older_than {
            continue;
        }
        let Some(id) = attachment_id(&meta.location) else {
            continue;
        };
        batch.push((id, meta.location));
        if batch.len() == BATCH {
            swept = add(
                swept,
                delete_unnamed(files, db, std::mem::take(&mut batch)).await?,
            );
        }
    }
    Ok(add(swept, delete_unnamed(files, db, batch).await?))
}

fn add(a: Swept, b: Swept) -> Swept {
    Swept {
        examined: a.examined + b.examined,
        deleted: a.deleted + b.deleted,
    }
}

/// The attachment id of a key of three UUIDs, the form [`super::storage::key_for`] builds.
fn attachment_id(key: &object_store::path::Path) -> Option<Uuid> {
    let parts: Vec<_> = key.parts().collect();
    let [tenant, dossier, attachment] = parts.as_slice() else {
        return None;
    };
    Uuid::parse_str(tenant.as_ref()).ok()?;
    Uuid::parse_str(dossier.as_ref()).ok()?;
    Uuid::parse_str(attachment.as_ref()).ok()
}

async fn delete_unnamed<C: ConnectionTrait>(
    files: &FileStore,
    db: &C,
    batch: Vec<(Uuid, object_store::path::Path)>,
) -> anyhow::Result<Swept> {
    if batch.is_empty() {
        return Ok(Swept::default());
    }
    let named: Vec<Uuid> = attachment::Entity::find()
        .filter(attachment::Column::Id.is_in(batch.iter().map(|(id, _)| *id)))
        .select_only()
        .column(attachment::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let mut deleted = 0;
    for (id, key) in &batch {
        if !named.contains(id) {
            files.delete(key).await?;
            tracing::warn!(%key, "orphan upload deleted (no attachment row names it)");
            deleted += 1;
        }
    }
    Ok(Swept {
        examined: batch.len(),
        deleted,
    })
}

/// Sweeps at start and then every [`SWEEP_EVERY`] until `cancel`. Object times are the file
/// store's, so the cut-off is taken from the real clock.
pub async fn sweep_periodically(
    files: FileStore,
    db: DatabaseConnection,
    cancel: CancellationToken,
) {
    loop {
        let sweep = tokio::select! {
            _ = cancel.cancelled() => return,
            s = sweep_orphans(&files, &db, Utc::now() - ORPHAN_AFTER) => s,
        };
        match sweep {
            Ok(s) if s.deleted > 0 => tracing::info!(
                examined = s.examined,
                deleted = s.deleted,
                "file store swept"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(
                error = format!("{e:#}"),
                "file store sweep failed; will retry"
            ),
        }
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = tokio::time::sleep(SWEEP_EVERY) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_keys_of_three_ids_are_attachment_keys() {
        let (t, d, a) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        assert_eq!(
            attachment_id(&super::super::storage::key_for(t, d, a)),
            Some(a)
        );
        assert_eq!(
            attachment_id(&object_store::path::Path::from(format!("{t}/{d}"))),
            None
        );
        assert_eq!(
            attachment_id(&object_store::path::Path::from(format!(
                "{t}/{d}/notes.txt"
            ))),
            None
        );
        assert_eq!(
            attachment_id(&object_store::path::Path::from(format!("x/{d}/{a}"))),
            None
        );
    }
}
