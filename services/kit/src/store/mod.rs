//! Tables every service has: outbox, inbox, audit log; their migrations; and the tenant
//! scoping every service's own tables use.

pub mod audit_log;
pub mod inbox;
pub mod migrations;
pub mod outbox;
pub mod tenant;

pub use tenant::{InTenant, TenantScoped, find_in_tenant};

use sea_orm::sea_query::{Expr, ExprTrait, IntoColumnRef, OnConflict};

/// An upsert that updates only a row of the event's own tenant.
///
/// Read models keep rows under ids other services chose; an event carrying an id that some
/// other tenant's row already holds must not overwrite that row. With this guard the conflicting
/// insert changes nothing (`ON CONFLICT … DO UPDATE … WHERE tenant = …`).
pub trait WithinTenant {
    /// Adds the guard: the existing row's `tenant_column` must equal `tenant`.
    fn within_tenant<C: IntoColumnRef>(
        &mut self,
        tenant_column: C,
        tenant: uuid::Uuid,
    ) -> &mut Self;
}

impl WithinTenant for OnConflict {
    fn within_tenant<C: IntoColumnRef>(
        &mut self,
        tenant_column: C,
        tenant: uuid::Uuid,
    ) -> &mut Self {
        self.action_and_where(Expr::col(tenant_column).eq(tenant))
    }
}
