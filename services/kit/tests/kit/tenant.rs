//! Tenant-scoped reads and writes: another tenant's rows are never found, listed, changed or
//! deleted.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement,
    sea_query::Expr,
};
use uuid::Uuid;

use sangkien_kit::store::{InTenant, TenantScoped, find_in_tenant};

use crate::harness::Env;

/// A table of the test with a tenant column.
mod scoped_row {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "scoped_rows")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub tenant: Uuid,
        pub name: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    sangkien_kit::tenant_scoped!(Column::Tenant);
}

use scoped_row::{Column, Entity as Row};

struct World {
    env: Env,
    ours: Uuid,
    theirs: Uuid,
    our_row: Uuid,
    their_row: Uuid,
}

async fn world() -> World {
    let env = Env::new().await;
    let backend = env.db.get_database_backend();
    env.db
        .execute_raw(Statement::from_string(
            backend,
            "CREATE TABLE scoped_rows (id UUID PRIMARY KEY, tenant UUID NOT NULL, name TEXT NOT NULL)",
        ))
        .await
        .unwrap();
    let (ours, theirs) = (Uuid::now_v7(), Uuid::now_v7());
    let (our_row, their_row) = (Uuid::now_v7(), Uuid::now_v7());
    for (id, tenant, name) in [
        (our_row, ours, "Phòng Giáo dục"),
        (their_row, theirs, "Phòng Y tế"),
    ] {
        Row::insert(scoped_row::ActiveModel {
            id: Set(id),
            tenant: Set(tenant),
            name: Set(name.into()),
        })
        .exec_without_returning(&env.db)
        .await
        .unwrap();
    }
    World {
        env,
        ours,
        theirs,
        our_row,
        their_row,
    }
}

#[tokio::test]
async fn a_row_of_another_tenant_is_not_found_by_its_id() {
    let w = world().await;
    let found = find_in_tenant::<Row>(&w.env.db, w.ours, w.our_row)
        .await
        .unwrap();
    assert_eq!(found.map(|r| r.name).as_deref(), Some("Phòng Giáo dục"));
    let other = find_in_tenant::<Row>(&w.env.db, w.ours, w.their_row)
        .await
        .unwrap();
    assert_eq!(other, None, "another tenant's row is not there");
    let theirs = find_in_tenant::<Row>(&w.env.db, w.theirs, w.their_row)
        .await
        .unwrap();
    assert!(theirs.is_some(), "its own tenant finds it");
    w.env.cleanup().await;
}

#[tokio::test]
async fn a_tenants_list_holds_only_its_own_rows() {
    let w = world().await;
    let ours = Row::find_in(w.ours).all(&w.env.db).await.unwrap();
    assert_eq!(ours.iter().map(|r| r.id).collect::<Vec<_>>(), [w.our_row]);
    let by_name = Row::find()
        .filter(Column::Name.eq("Phòng Y tế"))
        .in_tenant(w.ours)
        .all(&w.env.db)
        .await
        .unwrap();
    assert!(
        by_name.is_empty(),
        "a filter does not reach past the tenant"
    );
    w.env.cleanup().await;
}

#[tokio::test]
async fn updates_and_deletes_in_a_tenant_leave_other_tenants_rows_alone() {
    let w = world().await;
    let changed = Row::update_many()
        .col_expr(Column::Name, Expr::value("đổi tên"))
        .in_tenant(w.ours)
        .exec(&w.env.db)
        .await
        .unwrap();
    assert_eq!(changed.rows_affected, 1);
    let theirs = Row::find_by_id(w.their_row)
        .one(&w.env.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(theirs.name, "Phòng Y tế");
    let deleted = Row::delete_many()
        .filter(Column::Id.eq(w.their_row))
        .in_tenant(w.ours)
        .exec(&w.env.db)
        .await
        .unwrap();
    assert_eq!(deleted.rows_affected, 0, "their row is out of our reach");
    assert_eq!(Row::find().all(&w.env.db).await.unwrap().len(), 2);
    w.env.cleanup().await;
}
