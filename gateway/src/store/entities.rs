//! sea-orm entities of the identity store.

/// `tenants`: recognising bodies (cơ quan xét công nhận).
pub mod tenant {
    use sea_orm::entity::prelude::*;

    /// A recognising body.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "tenants")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Short unique code (`vinh-tuong`).
        pub code: String,
        /// Full name (`Ủy ban nhân dân huyện Vĩnh Tường`).
        pub name: String,
        /// The operator's own tenant: its admins manage every tenant.
        pub is_root: bool,
        /// Folded code and name, for search.
        pub search: String,
        pub active: bool,
        pub version: i32,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `units`: organisational units as a tree under a tenant.
pub mod unit {
    use sea_orm::entity::prelude::*;

    /// An organisational unit (cơ quan, đơn vị).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "units")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub tenant_id: Uuid,
        /// The parent unit; `None` for a root of the tenant's tree.
        pub parent_id: Option<Uuid>,
        /// Code unique in the tenant.
        pub code: String,
        pub name: String,
        /// `body`, `office`, `school`, `commune`, `council`, `enterprise`, `other`.
        pub kind: String,
        /// Folded code and name, for search.
        pub search: String,
        pub active: bool,
        pub version: i32,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `users`: people and service accounts.
pub mod user {
    use sea_orm::entity::prelude::*;

    /// A person who signs in, or a machine client (`kind = service`) with client credentials.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub tenant_id: Uuid,
        /// `person` or `service`.
        pub kind: String,
        /// Sign-in name (a service account's client id), lowercase, unique.
        pub username: String,
        /// E-mail, lowercase, unique when present.
        pub email: Option<String>,
        pub full_name: String,
        /// argon2id PHC string of the password (or client secret).
        pub password_hash: String,
        /// Folded user name, e-mail and full name, for search.
        pub search: String,
        pub active: bool,
        pub version: i32,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub password_changed_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `role_grants`: a role held on a unit.
pub mod grant {
    use sea_orm::entity::prelude::*;

    /// One grant.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "role_grants")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub user_id: Uuid,
        /// Role name (`reviewer`).
        pub role: String,
        pub unit_id: Uuid,
        pub created_at: DateTimeUtc,
        pub created_by: Uuid,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `refresh_tokens`: stored hashed; rotated on use; a family is revoked on reuse.
pub mod refresh_token {
    use sea_orm::entity::prelude::*;

    /// One refresh token.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "refresh_tokens")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// All tokens descended from one sign-in.
        pub family_id: Uuid,
        pub user_id: Uuid,
        /// SHA-256 of the token, hex.
        pub token_hash: String,
        pub issued_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        /// When it was exchanged for a new one.
        pub used_at: Option<DateTimeUtc>,
        /// When its family was revoked (logout, reuse, deactivation, password change).
        pub revoked_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `signing_keys`: the key generated when the configuration names none.
pub mod signing_key {
    use sea_orm::entity::prelude::*;

    /// One generated key.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "signing_keys")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub kid: String,
        /// PKCS#8 PEM.
        pub private_pem: String,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
