//! The identity store's schema.

use sea_orm_migration::{prelude::*, schema::*};

/// Creates the directory, credential and key tables.
pub struct CreateDirectory;

impl MigrationName for CreateDirectory {
    fn name(&self) -> &str {
        "m20261128_000201_gateway_directory"
    }
}

fn unique(name: &str, table: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    sangkien_kit::store::migrations::index(name, table, cols, true)
}

fn index(name: &str, table: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    sangkien_kit::store::migrations::index(name, table, cols, false)
}

#[async_trait::async_trait]
impl MigrationTrait for CreateDirectory {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("tenants")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(string_len("code", 64))
                    .col(string_len("name", 300))
                    .col(boolean("is_root"))
                    .col(text("search"))
                    .col(boolean("active"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique("tenants_code", "tenants", &["code"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("units")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("tenant_id"))
                    .col(uuid_null("parent_id"))
                    .col(string_len("code", 64))
                    .col(string_len("name", 300))
                    .col(string_len("kind", 32))
                    .col(text("search"))
                    .col(boolean("active"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique("units_tenant_code", "units", &["tenant_id", "code"]))
            .await?;
        manager
            .create_index(index("units_parent", "units", &["parent_id"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("users")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("tenant_id"))
                    .col(string_len("kind", 16))
                    .col(string_len("username", 100))
                    .col(string_len_null("email", 254))
                    .col(string_len("full_name", 200))
                    .col(text("password_hash"))
                    .col(text("search"))
                    .col(boolean("active"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone("password_changed_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique("users_username", "users", &["username"]))
            .await?;
        manager
            .create_index(unique("users_email", "users", &["email"]))
            .await?;
        manager
            .create_index(index("users_tenant", "users", &["tenant_id", "id"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("role_grants")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("user_id"))
                    .col(string_len("role", 32))
                    .col(uuid("unit_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(uuid("created_by"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "role_grants_unique",
                "role_grants",
                &["user_id", "role", "unit_id"],
            ))
            .await?;
        manager
            .create_index(index("role_grants_unit", "role_grants", &["unit_id"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("refresh_tokens")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("family_id"))
                    .col(uuid("user_id"))
                    .col(string_len("token_hash", 64))
                    .col(timestamp_with_time_zone("issued_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "refresh_tokens_hash",
                "refresh_tokens",
                &["token_hash"],
            ))
            .await?;
        manager
            .create_index(index(
                "refresh_tokens_family",
                "refresh_tokens",
                &["family_id"],
            ))
            .await?;
        manager
            .create_index(index("refresh_tokens_user", "refresh_tokens", &["user_id"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("signing_keys")
                    .if_not_exists()
                    .col(string_len("kid", 100).primary_key())
                    .col(text("private_pem"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
