//! sea-orm entities of intake.

/// `plans`: a recognising body's yearly plan (kế hoạch).
pub mod plan {
    use sea_orm::entity::prelude::*;

    /// A plan.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "plans")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub tenant: Uuid,
        /// Number and symbol (`163/KH-UBND`).
        pub symbol: String,
        /// Title (`Triển khai công tác sáng kiến năm 2022`).
        pub title: String,
        /// Date of issue.
        pub issued_on: Date,
        pub year: i32,
        /// `draft` or `published`.
        pub status: String,
        /// The fields (JSON array of `FieldSpec`).
        #[sea_orm(column_type = "Text")]
        pub fields: String,
        pub version: i32,
        pub created_by: Uuid,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub published_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    impl Model {
        /// The plan's status; `None` for a code this version does not know.
        pub fn state(&self) -> Option<crate::domain::plan::PlanStatus> {
            crate::domain::plan::PlanStatus::parse(&self.status)
        }
    }

    sangkien_kit::tenant_scoped!(Column::Tenant);
}

/// `plan_amendments`: every change to a published plan, with its reason.
pub mod plan_amendment {
    use sea_orm::entity::prelude::*;

    /// One amendment.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "plan_amendments")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub plan_id: Uuid,
        /// The plan's version after the amendment.
        pub version: i32,
        pub reason: String,
        #[sea_orm(column_type = "Text")]
        pub fields_before: String,
        #[sea_orm(column_type = "Text")]
        pub fields_after: String,
        pub amended_by: Uuid,
        pub amended_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `dossiers`: requests for recognition.
pub mod dossier {
    use sea_orm::entity::prelude::*;

    /// A dossier (hồ sơ).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "dossiers")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub tenant: Uuid,
        pub plan_id: Uuid,
        /// The plan's field code.
        pub field: String,
        /// The author who owns the dossier.
        pub owner: Uuid,
        /// The owner's unit: its head confirms.
        pub unit_id: Uuid,
        /// Lifecycle status.
        pub status: String,
        /// The request form (JSON `Form`).
        #[sea_orm(column_type = "Text")]
        pub form: String,
        /// Folded name and authors, for search.
        pub search: String,
        /// Submitted versions so far.
        pub submissions: i32,
        /// Register number in the plan and field, once registered.
        pub register_number: Option<i32>,
        pub received_on: Option<Date>,
        /// When the decision is due (three months after acceptance).
        pub decision_due_on: Option<Date>,
        /// Deadline of a correction request.
        pub correction_due_on: Option<Date>,
        /// The unit head who confirmed it.
        pub confirmed_by: Option<Uuid>,
        /// The last reason given (return, correction, withdrawal, refusal).
        pub last_reason: Option<String>,
        /// The outcome's reason as the decision states it.
        pub outcome_reason: Option<String>,
        pub version: i32,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub submitted_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    sangkien_kit::tenant_scoped!(Column::Tenant);
}

/// `dossier_versions`: every submitted version, never changed.
pub mod dossier_version {
    use sea_orm::entity::prelude::*;

    /// One submitted version.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "dossier_versions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub dossier_id: Uuid,
        /// 1, 2, … in order of submission.
        pub number: i32,
        #[sea_orm(column_type = "Text")]
        pub form: String,
        /// The attachments at submission (JSON array of id, name, type, size, SHA-256).
        #[sea_orm(column_type = "Text")]
        pub attachments: String,
        pub submitted_by: Uuid,
        pub submitted_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `window_exceptions`: a receiving office reopening the window for one dossier.
pub mod window_exception {
    use sea_orm::entity::prelude::*;

    /// One exception.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "window_exceptions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub dossier_id: Uuid,
        /// Last local date the dossier may be submitted.
        pub until: Date,
        pub reason: String,
        pub granted_by: Uuid,
        pub granted_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `attachments`: files of a dossier, stored by id in the file store.
pub mod attachment {
    use sea_orm::entity::prelude::*;

    /// One file.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "attachments")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub dossier_id: Uuid,
        /// The name to show (never a path).
        pub name: String,
        /// Type decided from the bytes (`application/pdf`).
        pub content_type: String,
        pub size: i64,
        pub sha256: String,
        /// Key in the file store.
        pub storage_key: String,
        pub uploaded_by: Uuid,
        pub uploaded_at: DateTimeUtc,
        /// Set when removed from a draft; kept when part of a submitted version.
        pub removed_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `register_counters`: the next register number per plan and field.
pub mod register_counter {
    use sea_orm::entity::prelude::*;

    /// One counter.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "register_counters")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub plan_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub field: String,
        /// The last number given.
        pub last: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
