//! The standing of the accounts tokens speak for, read from the identity store and kept for a
//! few seconds, so that every request does not cost a query.
//!
//! A deactivation, password change or grant change made through this gateway takes effect at
//! once here (the handler calls [`AccountGate::forget`]); on other gateway replicas within
//! [`STANDING_TTL`].

use std::{
    collections::HashMap,
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use sea_orm::{ConnectionTrait, DbErr, EntityTrait};
use uuid::Uuid;

use crate::{
    domain::standing::Standing,
    store::entities::{tenant, user},
};

/// How long a read standing is trusted.
pub const STANDING_TTL: Duration = Duration::from_secs(5);

/// Most accounts remembered at once; past it the memory starts afresh.
const MAX_REMEMBERED: usize = 100_000;

/// The accounts' standings, cached.
#[derive(Debug, Default)]
pub struct AccountGate {
    known: Mutex<HashMap<Uuid, (Instant, Standing)>>,
    /// Bumped by every forget: a standing read before a forget is not remembered after it.
    generation: AtomicU64,
}

impl AccountGate {
    /// The standing of `user`, from the cache when read less than [`STANDING_TTL`] ago.
    pub async fn standing<C: ConnectionTrait>(
        &self,
        db: &C,
        user_id: Uuid,
    ) -> Result<Standing, DbErr> {
        if let Some(s) = self.cached(user_id) {
            return Ok(s);
        }
        let generation = self.generation.load(Ordering::SeqCst);
        let standing = match user::Entity::find_by_id(user_id).one(db).await? {
            None => Standing::Unknown,
            Some(u) if !u.active => Standing::Inactive,
            Some(u) => match tenant::Entity::find_by_id(u.tenant_id).one(db).await? {
                Some(t) if !t.active => Standing::Inactive,
                _ => Standing::Active {
                    tokens_from: u.password_changed_at.timestamp(),
                    grants: crate::store::queries::grants_of(db, u.id)
                        .await?
                        .iter()
                        .filter_map(|g| Some((g.role.parse().ok()?, g.unit_id)))
                        .collect(),
                },
            },
        };
        if let Ok(mut known) = self.known.lock() {
            // A change committed while this read ran may have been forgotten already: what
            // was read is answered once but not kept.
            if self.generation.load(Ordering::SeqCst) == generation {
                if known.len() >= MAX_REMEMBERED {
                    known.clear();
                }
                known.insert(user_id, (Instant::now(), standing.clone()));
            }
        }
        Ok(standing)
    }

    fn cached(&self, user_id: Uuid) -> Option<Standing> {
        let known = self.known.lock().ok()?;
        known
            .get(&user_id)
            .filter(|(at, _)| at.elapsed() < STANDING_TTL)
            .map(|(_, s)| s.clone())
    }

    /// Drops what is known of `user_id` (deactivated, reactivated, new password).
    pub fn forget(&self, user_id: Uuid) {
        if let Ok(mut known) = self.known.lock() {
            self.generation.fetch_add(1, Ordering::SeqCst);
            known.remove(&user_id);
        }
    }

    /// Drops everything (a tenant's standing changed).
    pub fn forget_all(&self) {
        if let Ok(mut known) = self.known.lock() {
            self.generation.fetch_add(1, Ordering::SeqCst);
            known.clear();
        }
    }
}
