//! The budget's sea-orm entities; every table is prefixed `budget_` and carries its tenant.

/// Rates: the national seeds (tenant nil) and provincial resolutions entered by an admin.
pub mod rate {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "budget_rates")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Nil for the national maxima every tenant sees.
        pub tenant: Uuid,
        pub line_code: String,
        pub payee_role: Option<String>,
        pub legal_basis: String,
        pub unit: String,
        pub max_amount: Option<i64>,
        pub valid_from: Date,
        pub valid_to: Option<Date>,
        pub jurisdiction: Option<String>,
        pub council_tier: Option<String>,
        pub created_by: Uuid,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A tenant's budget profile: where it sits in the rate tables.
pub mod profile {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "budget_profiles")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub tenant: Uuid,
        pub jurisdiction: String,
        pub council_tier: String,
        pub version: i32,
        pub updated_by: Uuid,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    sangkien_kit::tenant_scoped!(Column::Tenant);
}

/// Plans as `plan.published` announced them.
pub mod plan {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "budget_plans")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub tenant: Uuid,
        pub symbol: String,
        pub year: i32,
        /// JSON array of `PlanFieldInfo`.
        #[sea_orm(column_type = "Text")]
        pub fields: String,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    sangkien_kit::tenant_scoped!(Column::Tenant);
}

/// Panels as `panel.changed` announced them.
pub mod panel {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "budget_panels")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub tenant: Uuid,
        pub plan_id: Uuid,
        pub field: String,
        pub stage: String,
        pub name: String,
        /// JSON array of `PanelMemberInfo`.
        #[sea_orm(column_type = "Text")]
        pub members: String,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    sangkien_kit::tenant_scoped!(Column::Tenant);
}

/// One version (revision) of a plan's estimate.
pub mod estimate {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "budget_estimates")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub tenant: Uuid,
        pub plan_id: Uuid,
        pub year: i32,
        /// 1 for the first estimate, one more per revision.
        pub revision: i32,
        /// `draft`, `approved` or `superseded`.
        pub status: String,
        pub previous_id: Option<Uuid>,
        /// Why the revision was opened.
        pub note: String,
        pub created_by: Uuid,
        pub created_at: DateTimeUtc,
        pub approved_by: Option<Uuid>,
        pub approved_at: Option<DateTimeUtc>,
        /// Row version for ETags.
        pub version: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    impl Model {
        /// The estimate's status; `None` for a code this version does not know.
        pub fn state(&self) -> Option<crate::budget::domain::status::EstimateStatus> {
            crate::budget::domain::status::EstimateStatus::parse(&self.status)
        }
    }

    sangkien_kit::tenant_scoped!(Column::Tenant);
}

/// A line of an estimate with its appraisal.
pub mod line {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "budget_estimate_lines")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub estimate_id: Uuid,
        pub tenant: Uuid,
        pub position: i32,
        pub line_code: String,
        pub payee_role: Option<String>,
        pub description: String,
        pub quantity: i64,
        pub unit_amount: i64,
        pub amount: i64,
        /// The rate that capped it.
        pub rate_id: Option<Uuid>,
        /// `pending`, `approved`, `adjusted` or `rejected`.
        pub appraisal: String,
        pub approved_amount: Option<i64>,
        pub appraisal_reason: Option<String>,
        pub appraised_by: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    sangkien_kit::tenant_scoped!(Column::Tenant);
}

/// A booked expense: from a sitting held, or entered with its voucher.
pub mod expense {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "budget_expenses")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub tenant: Uuid,
        pub plan_id: Uuid,
        pub year: i32,
        pub line_code: String,
        pub payee_role: Option<String>,
        /// `sitting` or `voucher`.
        pub source: String,
        pub sitting_id: Option<Uuid>,
        pub voucher_number: Option<String>,
        pub spent_on: Date,
        pub quantity: i64,
        pub unit_amount: i64,
        pub amount: i64,
        pub description: String,
        pub over_line: bool,
        pub reason: Option<String>,
        pub rate_id: Option<Uuid>,
        pub created_by: Uuid,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    sangkien_kit::tenant_scoped!(Column::Tenant);
}

/// A settlement (quyết toán): closes the year.
pub mod settlement {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "budget_settlements")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub tenant: Uuid,
        pub plan_id: Uuid,
        pub year: i32,
        pub estimated: i64,
        pub spent: i64,
        /// JSON of the execution report as settled.
        #[sea_orm(column_type = "Text")]
        pub report: String,
        pub note: String,
        pub settled_by: Uuid,
        pub settled_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    sangkien_kit::tenant_scoped!(Column::Tenant);
}
