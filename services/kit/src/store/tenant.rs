//! Rows of one tenant (recognising body): the filter every read or write on a caller's behalf
//! needs, written once per table instead of once per query.
//!
//! A table declares its tenant column once ([`TenantScoped`]); queries then start from
//! [`TenantScoped::find_in`], load one row with [`find_in_tenant`], or narrow any select,
//! update or delete with [`InTenant::in_tenant`]. A row of another tenant is simply not
//! there: the caller learns nothing of another body's data, not even that an id exists.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, DeleteMany, EntityTrait, PrimaryKeyTrait, QueryFilter,
    Select, UpdateMany,
};
use uuid::Uuid;

/// A table whose rows each belong to one tenant. Inside a sea-orm entity module,
/// `sangkien_kit::tenant_scoped!(Column::Tenant);` declares it.
pub trait TenantScoped: EntityTrait {
    /// The column naming the row's tenant.
    fn tenant_column() -> Self::Column;

    /// Every row of `tenant`: where a query on a caller's behalf starts.
    fn find_in(tenant: Uuid) -> Select<Self> {
        Self::find().in_tenant(tenant)
    }
}

/// Row `id` of table `E` when it belongs to `tenant`; `None` when there is no such row or it
/// belongs to another tenant.
pub async fn find_in_tenant<E: TenantScoped>(
    db: &impl ConnectionTrait,
    tenant: Uuid,
    id: impl Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>,
) -> Result<Option<E::Model>, DbErr> {
    E::find_by_id(id).in_tenant(tenant).one(db).await
}

/// Narrows a query over a [`TenantScoped`] table to one tenant's rows.
pub trait InTenant: Sized {
    /// Only the rows of `tenant`.
    fn in_tenant(self, tenant: Uuid) -> Self;
}

impl<E: TenantScoped> InTenant for Select<E> {
    fn in_tenant(self, tenant: Uuid) -> Self {
        self.filter(E::tenant_column().eq(tenant))
    }
}

impl<E: TenantScoped> InTenant for UpdateMany<E> {
    fn in_tenant(self, tenant: Uuid) -> Self {
        self.filter(E::tenant_column().eq(tenant))
    }
}

impl<E: TenantScoped> InTenant for DeleteMany<E> {
    fn in_tenant(self, tenant: Uuid) -> Self {
        self.filter(E::tenant_column().eq(tenant))
    }
}

/// Declares the entity of the enclosing sea-orm entity module [`TenantScoped`] by `$column`:
/// `sangkien_kit::tenant_scoped!(Column::Tenant);` next to `Model`.
#[macro_export]
macro_rules! tenant_scoped {
    ($column:expr) => {
        impl $crate::store::TenantScoped for Entity {
            fn tenant_column() -> Column {
                $column
            }
        }
    };
}
