//! Access tokens and refresh-token families.
//!
//! A sign-in starts a family; each refresh marks its token used and issues the next one in
//! the same family. A token presented a second time means it was stolen or replayed: the
//! whole family is revoked, so neither the thief nor the owner can go on with it.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::Expr,
};
use uuid::Uuid;

use sangkien_kit::auth::{Claims, RoleGrant};

use crate::{
    api::views::TokenPair,
    passwords::{new_opaque_token, token_digest},
    state::GatewayState,
    store::{
        entities::{grant, refresh_token, user},
        queries::grants_of,
    },
};

/// Signs an access token for `user`.
pub fn access_token(
    state: &GatewayState,
    user: &user::Model,
    grants: &[grant::Model],
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let ttl = state.settings.gateway.access_token_ttl_secs as i64;
    let claims = Claims {
        sub: user.id,
        tenant: user.tenant_id,
        roles: grants
            .iter()
            .filter_map(|g| {
                Some(RoleGrant {
                    role: g.role.parse().ok()?,
                    unit: g.unit_id,
                })
            })
            .collect(),
        name: Some(user.full_name.clone()),
        iss: state.settings.auth.issuer.clone(),
        aud: state.settings.auth.audience.clone(),
        exp: (now + Duration::seconds(ttl)).timestamp(),
        iat: now.timestamp(),
        jti: Uuid::now_v7().to_string(),
    };
    state.keys.sign(&claims)
}

/// Stores a new refresh token of `family` and returns it.
pub async fn new_refresh_token<C: ConnectionTrait>(
    db: &C,
    state: &GatewayState,
    user_id: Uuid,
    family: Uuid,
    now: DateTime<Utc>,
) -> Result<String, DbErr> {
    let token = new_opaque_token();
    refresh_token::Entity::insert(refresh_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        family_id: Set(family),
        user_id: Set(user_id),
        token_hash: Set(token_digest(&token)),
        issued_at: Set(now),
        expires_at: Set(
            now + Duration::seconds(state.settings.gateway.refresh_token_ttl_secs as i64)
        ),
        used_at: Set(None),
        revoked_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(token)
}

/// A token pair for `user`, in `family`.
pub async fn issue_pair<C: ConnectionTrait>(
    db: &C,
    state: &GatewayState,
    user: &user::Model,
    family: Uuid,
    now: DateTime<Utc>,
) -> anyhow::Result<TokenPair> {
    let grants = grants_of(db, user.id).await?;
    let access = access_token(state, user, &grants, now)?;
    let refresh = new_refresh_token(db, state, user.id, family, now).await?;
    Ok(TokenPair {
        access_token: access,
        token_type: "Bearer",
        expires_in: state.settings.gateway.access_token_ttl_secs,
        refresh_token: Some(refresh),
        refresh_expires_in: Some(state.settings.gateway.refresh_token_ttl_secs),
    })
}

/// Revokes every live refresh token of `family`.
pub async fn revoke_family<C: ConnectionTrait>(
    db: &C,
    family: Uuid,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::FamilyId.eq(family))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}

/// Revokes every live refresh token of `user_id` (deactivation, password change).
pub async fn revoke_user<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::UserId.eq(user_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}

/// What a presented refresh token turned out to be.
pub enum Exchange {
    /// Valid and now used: continue the family for this user.
    Valid { user_id: Uuid, family: Uuid },
    /// Unknown, expired or revoked.
    Invalid,
    /// Already used: the family has just been revoked.
    Reused { user_id: Uuid, family: Uuid },
}

/// Marks the token used, exactly once even under concurrent presentation.
pub async fn exchange<C: ConnectionTrait>(
    db: &C,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Exchange, DbErr> {
    let Some(row) = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(token_digest(token)))
        .one(db)
        .await?
    else {
        return Ok(Exchange::Invalid);
    };
    if row.revoked_at.is_some() || row.expires_at <= now {
        return Ok(Exchange::Invalid);
    }
    let claimed = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(now))
        .filter(refresh_token::Column::Id.eq(row.id))
        .filter(refresh_token::Column::UsedAt.is_null())
        .exec(db)
        .await?
        .rows_affected;
    if claimed == 1 {
        Ok(Exchange::Valid {
            user_id: row.user_id,
            family: row.family_id,
        })
    } else {
        revoke_family(db, row.family_id, now).await?;
        Ok(Exchange::Reused {
            user_id: row.user_id,
            family: row.family_id,
        })
    }
}
