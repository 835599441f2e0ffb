//! The identity store: tenants, units, users and service accounts, role grants, refresh
//! tokens and the generated signing key. Only the gateway reads these tables.

pub mod entities;
pub mod migration;
pub mod queries;
pub mod writes;

use sea_orm_migration::prelude::*;

/// The gateway's migrations, the kit's first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        let mut m = sangkien_kit::store::migrations::kit_migrations();
        m.push(Box::new(migration::CreateDirectory));
        m
    }
}
