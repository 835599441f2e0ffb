//! Identity through the gateway: the bootstrap admin, the directory, sign-in, refresh
//! rotation, sign-out, password changes, deactivation, throttling and the audit trail.

use reqwest::Method;
use serde_json::{Value, json};

use sangkien_e2e::TestSystem;
use sangkien_kit::testing::TEST_ADMIN_PASSWORD;

async fn create_unit(sys: &TestSystem, admin: &str, body: Value) -> Value {
    let res = sys
        .call(
            Method::POST,
            "/api/v1/directory/units",
            Some(admin),
            Some(body),
        )
        .await
        .unwrap();
    assert_eq!(res.status, 201, "{}", res.body);
    res.body
}

#[tokio::test]
async fn the_bootstrap_admin_builds_a_tenant_and_its_user_calls_a_service() {
    let sys = TestSystem::start().await.unwrap();
    let admin = sys.admin_token().await.unwrap();
    // A tenant for the customer, a unit in it, and its own admin.
    let tenant = sys
        .call(
            Method::POST,
            "/api/v1/directory/tenants",
            Some(&admin),
            Some(json!({ "code": "vinh-tuong", "name": "Ủy ban nhân dân huyện Vĩnh Tường" })),
        )
        .await
        .unwrap();
    assert_eq!(tenant.status, 201, "{}", tenant.body);
    let tenant_id = tenant.body["id"].as_str().unwrap().to_owned();
    let unit = create_unit(
        &sys,
        &admin,
        json!({ "tenant_id": tenant_id, "code": "ubnd", "name": "UBND huyện", "kind": "body" }),
    )
    .await;
    let created = sys
        .call(
            Method::POST,
            "/api/v1/directory/users",
            Some(&admin),
            Some(json!({
                "tenant_id": tenant_id,
                "username": "Quan.Tri.VT",
                "email": "quantri@vinhtuong.gov.vn",
                "full_name": "Nguyễn Văn Quản",
                "grants": [{ "role": "admin", "unit_id": unit["id"] }],
            })),
        )
        .await
        .unwrap();
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["username"], "quan.tri.vt");
    let password = created.body["generated_secret"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(created.body.get("password_hash").is_none());

    // The new admin signs in with the e-mail and reaches a service through the gateway.
    let pair = sys
        .sign_in("QuanTri@vinhtuong.gov.vn", &password)
        .await
        .unwrap();
    let token = pair["access_token"].as_str().unwrap();
    let me = sys
        .call(Method::GET, "/api/v1/auth/me", Some(token), None)
        .await
        .unwrap();
    assert_eq!(me.status, 200);
    assert_eq!(me.body["tenant_id"], tenant_id.as_str());
    assert_eq!(me.body["grants"][0]["role"], "admin");
    let probe = sys
        .call(
            Method::POST,
            "/api/v1/intake/probes",
            Some(token),
            Some(json!({ "note": "xin chào" })),
        )
        .await
        .unwrap();
    assert_eq!(probe.status, 201, "{}", probe.body);
    assert_eq!(probe.body["sent_by"], me.body["id"]);

    // A tenant admin sees only their tenant and cannot create tenants.
    let tenants = sys
        .call(Method::GET, "/api/v1/directory/tenants", Some(token), None)
        .await
        .unwrap();
    assert_eq!(tenants.body["items"].as_array().unwrap().len(), 1);
    let refused = sys
        .call(
            Method::POST,
            "/api/v1/directory/tenants",
            Some(token),
            Some(json!({ "code": "khac", "name": "Khác" })),
        )
        .await
        .unwrap();
    assert_eq!(refused.status, 403);
    let others = sys
        .call(
            Method::GET,
            "/api/v1/directory/users?tenant_id=00000000-0000-0000-0000-000000000001",
            Some(token),
            None,
        )
        .await
        .unwrap();
    assert_eq!(others.status, 403);

    // Every change is in the audit log, with who did it.
    let audit = sys
        .call(
            Method::GET,
            &format!("/api/v1/directory/audit?tenant_id={tenant_id}"),
            Some(&admin),
            None,
        )
        .await
        .unwrap();
    let actions: Vec<&str> = audit.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in [
        "directory.unit_created",
        "directory.user_created",
        "auth.sign_in",
    ] {
        assert!(actions.contains(&a), "{a} audited: {actions:?}");
    }
    sys.stop().await;
}

#[tokio::test]
async fn sign_in_never_says_which_part_was_wrong_and_is_throttled() {
    let sys = TestSystem::start().await.unwrap();
    let unknown = sys
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({ "login": "nobody", "password": "whatever-password" })),
        )
        .await
        .unwrap();
    let wrong = sys
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({ "login": "admin", "password": "wrong-password-1" })),
        )
        .await
        .unwrap();
    assert_eq!(unknown.status, 401);
    assert_eq!(wrong.status, 401);
    assert_eq!(unknown.body["code"], "invalid_credentials");
    assert_eq!(unknown.body["detail"], wrong.body["detail"]);
    for _ in 0..4 {
        sys.call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({ "login": "admin", "password": "wrong-password-1" })),
        )
        .await
        .unwrap();
    }
    // Even the right password waits now.
    let throttled = sys
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({ "login": "admin", "password": TEST_ADMIN_PASSWORD })),
        )
        .await
        .unwrap();
    assert_eq!(throttled.status, 429);
    assert_eq!(throttled.body["code"], "rate_limited");
    assert!(throttled.header("retry-after").is_some());
    sys.stop().await;
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_refresh_token_ends_the_family() {
    let sys = TestSystem::start().await.unwrap();
    let first = sys.sign_in("admin", TEST_ADMIN_PASSWORD).await.unwrap();
    let r1 = first["refresh_token"].as_str().unwrap();
    let second = sys
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({ "refresh_token": r1 })),
        )
        .await
        .unwrap();
    assert_eq!(second.status, 200);
    assert_eq!(second.header("cache-control"), Some("no-store"));
    let r2 = second.body["refresh_token"].as_str().unwrap();
    assert_ne!(r1, r2);
    // r1 again: reuse. The family ends, so r2 (the legitimate next one) is dead too.
    let reuse = sys
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({ "refresh_token": r1 })),
        )
        .await
        .unwrap();
    assert_eq!(reuse.status, 401);
    assert_eq!(reuse.body["code"], "invalid_refresh_token");
    let after = sys
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({ "refresh_token": r2 })),
        )
        .await
        .unwrap();
    assert_eq!(after.status, 401);

    // Another sign-in is a new family; logout ends it.
    let other = sys.sign_in("admin", TEST_ADMIN_PASSWORD).await.unwrap();
    let r = other["refresh_token"].as_str().unwrap();
    let out = sys
        .call(
            Method::POST,
            "/api/v1/auth/logout",
            None,
            Some(json!({ "refresh_token": r })),
        )
        .await
        .unwrap();
    assert_eq!(out.status, 204);
    let dead = sys
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({ "refresh_token": r })),
        )
        .await
        .unwrap();
    assert_eq!(dead.status, 401);

    let admin = sys.admin_token().await.unwrap();
    let audit = sys
        .call(
            Method::GET,
            "/api/v1/directory/audit?action=auth.refresh_reused",
            Some(&admin),
            None,
        )
        .await
        .unwrap();
    assert_eq!(audit.body["items"].as_array().unwrap().len(), 1);
    sys.stop().await;
}

#[tokio::test]
async fn password_change_and_deactivation_end_sessions_at_once() {
    let sys = TestSystem::start().await.unwrap();
    let admin = sys.admin_token().await.unwrap();
    let me = sys
        .call(Method::GET, "/api/v1/auth/me", Some(&admin), None)
        .await
        .unwrap();
    let unit = me.body["grants"][0]["unit_id"].clone();
    let created = sys
        .call(
            Method::POST,
            "/api/v1/directory/users",
            Some(&admin),
            Some(json!({
                "username": "tacgia.an",
                "full_name": "Trần Thị An",
                "password": "mat-khau-ban-dau",
                "grants": [{ "role": "author", "unit_id": unit }],
            })),
        )
        .await
        .unwrap();
    assert_eq!(created.status, 201, "{}", created.body);
    assert!(created.body.get("generated_secret").is_none());
    let id = created.body["id"].as_str().unwrap().to_owned();

    let session = sys.sign_in("tacgia.an", "mat-khau-ban-dau").await.unwrap();
    let access = session["access_token"].as_str().unwrap();
    let plans = |token: String| {
        let sys = &sys;
        async move {
            sys.call(Method::GET, "/api/v1/intake/plans", Some(&token), None)
                .await
                .unwrap()
                .status
        }
    };
    assert_eq!(plans(access.to_owned()).await, 200);
    // Tokens carry their issue time in whole seconds (identity runs on the real clock), and a
    // token issued in the very second of a password change counts as the new session's: the
    // change comes in a later second than the sign-in.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let weak = sys
        .call(
            Method::POST,
            "/api/v1/auth/password",
            Some(access),
            Some(json!({ "current_password": "mat-khau-ban-dau", "new_password": "tacgia.an" })),
        )
        .await
        .unwrap();
    assert_eq!(weak.status, 422);
    let codes: Vec<&str> = weak.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["too_short", "same_as_login"],
        "every problem listed"
    );
    let changed = sys
        .call(
            Method::POST,
            "/api/v1/auth/password",
            Some(access),
            Some(json!({ "current_password": "mat-khau-ban-dau", "new_password": "mat-khau-moi-2026" })),
        )
        .await
        .unwrap();
    assert_eq!(changed.status, 200, "{}", changed.body);
    let old_refresh = session["refresh_token"].as_str().unwrap();
    let dead = sys
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({ "refresh_token": old_refresh })),
        )
        .await
        .unwrap();
    assert_eq!(
        dead.status, 401,
        "the old session ended with the password change"
    );
    assert!(sys.sign_in("tacgia.an", "mat-khau-ban-dau").await.is_err());
    // The access token of the old session is refused at once too, the pair the change
    // returned is good.
    let ended = sys
        .call(Method::GET, "/api/v1/intake/plans", Some(access), None)
        .await
        .unwrap();
    assert_eq!(ended.status, 401, "{}", ended.body);
    assert!(
        ended.body["detail"].as_str().unwrap().contains("mật khẩu"),
        "{}",
        ended.body
    );
    assert_eq!(
        plans(changed.body["access_token"].as_str().unwrap().to_owned()).await,
        200
    );
    let fresh = sys.sign_in("tacgia.an", "mat-khau-moi-2026").await.unwrap();
    let fresh_access = fresh["access_token"].as_str().unwrap().to_owned();
    assert_eq!(plans(fresh_access.clone()).await, 200);

    // Deactivation needs If-Match, then ends the refresh tokens at once.
    let patch = json!({ "active": false });
    let no_etag = sys
        .call(
            Method::PATCH,
            &format!("/api/v1/directory/users/{id}"),
            Some(&admin),
            Some(patch.clone()),
        )
        .await
        .unwrap();
    assert_eq!(no_etag.status, 428);
    let current = sys
        .call(
            Method::GET,
            &format!("/api/v1/directory/users/{id}"),
            Some(&admin),
            None,
        )
        .await
        .unwrap();
    let etag = current.header("etag").unwrap().to_owned();
    let stale = sys
        .http
        .patch(sys.at(&format!("/api/v1/directory/users/{id}")))
        .bearer_auth(&admin)
        .header("If-Match", "\"1\"")
        .json(&patch)
        .send()
        .await
        .unwrap();
    assert_eq!(
        stale.status(),
        412,
        "the password change bumped the version"
    );
    let done = sys
        .http
        .patch(sys.at(&format!("/api/v1/directory/users/{id}")))
        .bearer_auth(&admin)
        .header("If-Match", etag)
        .json(&patch)
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
    let refused = sys
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({ "refresh_token": fresh["refresh_token"] })),
        )
        .await
        .unwrap();
    assert_eq!(refused.status, 401);
    assert!(sys.sign_in("tacgia.an", "mat-khau-moi-2026").await.is_err());
    assert_eq!(
        plans(fresh_access).await,
        401,
        "a deactivated person's access token is refused at once, not when it expires"
    );
    sys.stop().await;
}

#[tokio::test]
async fn directory_input_is_validated_all_at_once_and_duplicates_are_refused() {
    let sys = TestSystem::start().await.unwrap();
    let admin = sys.admin_token().await.unwrap();
    let bad = sys
        .call(
            Method::POST,
            "/api/v1/directory/users",
            Some(&admin),
            Some(json!({ "username": "A", "email": "not-an-email", "full_name": " ", "password": "short" })),
        )
        .await
        .unwrap();
    assert_eq!(bad.status, 422);
    let fields: Vec<&str> = bad.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["username", "email", "full_name", "password"]);
    let unknown_field = sys
        .call(
            Method::POST,
            "/api/v1/directory/units",
            Some(&admin),
            Some(json!({ "code": "x1", "name": "X", "kind": "office", "colour": "red" })),
        )
        .await
        .unwrap();
    assert_eq!(unknown_field.status, 400);

    let me = sys
        .call(Method::GET, "/api/v1/auth/me", Some(&admin), None)
        .await
        .unwrap();
    let root = me.body["grants"][0]["unit_id"].clone();
    for (code, name) in [
        ("phong-gd", "Phòng Giáo dục và Đào tạo"),
        ("phong-tc", "Phòng Tài chính – Kế hoạch"),
        ("thcs-ltt", "Trường THCS Lý Tự Trọng"),
    ] {
        create_unit(
            &sys,
            &admin,
            json!({ "parent_id": root, "code": code, "name": name, "kind": "office" }),
        )
        .await;
    }
    let dup = sys
        .call(
            Method::POST,
            "/api/v1/directory/units",
            Some(&admin),
            Some(json!({ "code": "phong-gd", "name": "Trùng", "kind": "office" })),
        )
        .await
        .unwrap();
    assert_eq!(dup.status, 409);
    assert_eq!(dup.body["code"], "code_taken");

    // Search ignores Vietnamese marks; pages follow the cursor.
    let found = sys
        .call(
            Method::GET,
            "/api/v1/directory/units?q=giao%20duc",
            Some(&admin),
            None,
        )
        .await
        .unwrap();
    let items = found.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["code"], "phong-gd");
    let page1 = sys
        .call(
            Method::GET,
            "/api/v1/directory/units?limit=2",
            Some(&admin),
            None,
        )
        .await
        .unwrap();
    assert_eq!(page1.body["items"].as_array().unwrap().len(), 2);
    let cursor = page1.body["next_cursor"].as_str().unwrap();
    let page2 = sys
        .call(
            Method::GET,
            &format!("/api/v1/directory/units?limit=2&cursor={cursor}"),
            Some(&admin),
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        page2.body["items"].as_array().unwrap().len(),
        2,
        "root unit and one more"
    );
    let too_big = sys
        .call(
            Method::GET,
            "/api/v1/directory/units?limit=1000",
            Some(&admin),
            None,
        )
        .await
        .unwrap();
    assert_eq!(too_big.status, 422);

    // A unit cannot be moved below itself.
    let gd = &items[0];
    let child = create_unit(
        &sys,
        &admin,
        json!({ "parent_id": gd["id"], "code": "to-chuyen-mon", "name": "Tổ chuyên môn", "kind": "other" }),
    )
    .await;
    let cycle = sys
        .http
        .patch(sys.at(&format!(
            "/api/v1/directory/units/{}",
            gd["id"].as_str().unwrap()
        )))
        .bearer_auth(&admin)
        .header("If-Match", "*")
        .json(&json!({ "parent_id": child["id"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(cycle.status(), 409);
    sys.stop().await;
}

#[tokio::test]
async fn a_service_account_gets_a_token_with_client_credentials() {
    let sys = TestSystem::start().await.unwrap();
    let admin = sys.admin_token().await.unwrap();
    let me = sys
        .call(Method::GET, "/api/v1/auth/me", Some(&admin), None)
        .await
        .unwrap();
    let unit = me.body["grants"][0]["unit_id"].clone();
    let created = sys
        .call(
            Method::POST,
            "/api/v1/directory/service-accounts",
            Some(&admin),
            Some(json!({
                "client_id": "so-khcn-vinh-phuc",
                "name": "Hệ thống sáng kiến tỉnh Vĩnh Phúc",
                "grants": [{ "role": "province", "unit_id": unit }],
            })),
        )
        .await
        .unwrap();
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["kind"], "service");
    let secret = created.body["generated_secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = sys
        .call(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(json!({ "grant_type": "client_credentials", "client_id": "so-khcn-vinh-phuc", "client_secret": secret })),
        )
        .await
        .unwrap();
    assert_eq!(token.status, 200, "{}", token.body);
    assert!(token.body.get("refresh_token").is_none());
    // A service account cannot sign in as a person.
    assert!(sys.sign_in("so-khcn-vinh-phuc", &secret).await.is_err());
    // Rotating the secret retires the old one.
    let id = created.body["id"].as_str().unwrap();
    let rotated = sys
        .call(
            Method::POST,
            &format!("/api/v1/directory/service-accounts/{id}/secret"),
            Some(&admin),
            None,
        )
        .await
        .unwrap();
    assert_eq!(rotated.status, 200);
    let old = sys
        .call(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(json!({ "grant_type": "client_credentials", "client_id": "so-khcn-vinh-phuc", "client_secret": secret })),
        )
        .await
        .unwrap();
    assert_eq!(old.status, 401);
    sys.stop().await;
}
