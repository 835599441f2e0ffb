//! Intake's tables and migrations.

pub mod assessors;
pub mod directory;
pub mod dossiers;
pub mod entities;
pub mod locks;
pub mod migration;
pub mod plans;
pub mod probe;
pub mod receipts;

use sea_orm_migration::prelude::*;

/// Intake's migrations, the kit's first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        let mut m = sangkien_kit::store::migrations::kit_migrations();
        m.push(Box::new(probe::CreateProbes));
        m.push(Box::new(migration::CreateIntake));
        m.push(Box::new(directory::CreateDirectoryCopy));
        m.push(Box::new(assessors::CreateAssessors));
        m
    }
}
