//! Decision's tables and migrations.

use sea_orm_migration::prelude::*;

/// Decision's migrations, the kit's first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        let mut m = sangkien_kit::store::migrations::kit_migrations();
        m.push(Box::new(sangkien_kit::diagnostics::CreateProbeReceipts));
        m.extend(crate::decisions::migrations());
        m.extend(crate::budget::migrations());
        m.extend(crate::nominations::migrations());
        m
    }
}
