//! Appraisal's tables and migrations.

pub mod cases;
pub mod panels;
pub mod queries;
pub mod readers;
pub mod rubrics;
pub mod sheets;
pub mod sittings;

use sea_orm_migration::prelude::*;

/// Appraisal's migrations, the kit's first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        let mut m = sangkien_kit::store::migrations::kit_migrations();
        m.push(Box::new(sangkien_kit::diagnostics::CreateProbeReceipts));
        m.push(Box::new(cases::CreateCases));
        m.push(Box::new(rubrics::CreateRubrics));
        m.push(Box::new(panels::CreatePanels));
        m.push(Box::new(sheets::CreateSheets));
        m.push(Box::new(sittings::CreateSittings));
        m.push(Box::new(readers::CreateReaderRevisions));
        m.push(Box::new(sittings::AddMinutesFacts));
        m
    }
}
