//! Reads of the identity store that several modules share (sessions, accounts, the
//! directory), kept here so none of them imports another for a query.

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::store::entities::grant;

/// The role grants of `user_id`, as stored (tokens skip role names they do not know).
pub async fn grants_of<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
) -> Result<Vec<grant::Model>, DbErr> {
    grant::Entity::find()
        .filter(grant::Column::UserId.eq(user_id))
        .all(db)
        .await
}
