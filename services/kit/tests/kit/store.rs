//! Read-model upserts stay inside the event's tenant.

use sea_orm::{
    ConnectionTrait, Statement,
    sea_query::{Alias, Expr, ExprTrait, OnConflict, Query},
};
use uuid::Uuid;

use sangkien_kit::store::WithinTenant;

use crate::harness::Env;

async fn upsert(env: &Env, id: Uuid, tenant: Uuid, name: &str) {
    let table = Alias::new("read_rows");
    let insert = Query::insert()
        .into_table(table.clone())
        .columns([Alias::new("id"), Alias::new("tenant"), Alias::new("name")])
        .values_panic([id.into(), tenant.into(), name.into()])
        .on_conflict(
            OnConflict::column(Alias::new("id"))
                .update_column(Alias::new("name"))
                .within_tenant((table, Alias::new("tenant")), tenant)
                .to_owned(),
        )
        .to_owned();
    env.db.execute(&insert).await.unwrap();
}

async fn name_of(env: &Env, id: Uuid) -> String {
    let backend = env.db.get_database_backend();
    let select = Query::select()
        .column(Alias::new("name"))
        .from(Alias::new("read_rows"))
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    let row = env
        .db
        .query_one_raw(backend.build(&select))
        .await
        .unwrap()
        .unwrap();
    row.try_get("", "name").unwrap()
}

#[tokio::test]
async fn an_event_of_another_tenant_never_overwrites_a_read_model_row() {
    let env = Env::new().await;
    let backend = env.db.get_database_backend();
    env.db
        .execute_raw(Statement::from_string(
            backend,
            "CREATE TABLE read_rows (id UUID PRIMARY KEY, tenant UUID NOT NULL, name TEXT NOT NULL)",
        ))
        .await
        .unwrap();
    let (id, ours, theirs) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    upsert(&env, id, ours, "Phòng Giáo dục").await;
    upsert(&env, id, theirs, "overwritten").await;
    assert_eq!(name_of(&env, id).await, "Phòng Giáo dục");
    upsert(&env, id, ours, "Phòng Giáo dục và Đào tạo").await;
    assert_eq!(name_of(&env, id).await, "Phòng Giáo dục và Đào tạo");
    env.cleanup().await;
}
