//! The holes a hostile tester found in the directory, each with the attack it answers.

use reqwest::Method;
use serde_json::{Value, json};

use sangkien_e2e::{Answer, TestSystem};

async fn call(
    sys: &TestSystem,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> Answer {
    sys.call(method, path, Some(token), body).await.unwrap()
}

/// A tenant with one unit; its id and the unit's.
async fn tenant(sys: &TestSystem, root: &str, code: &str) -> (String, String) {
    let t = call(
        sys,
        Method::POST,
        "/api/v1/directory/tenants",
        root,
        Some(json!({ "code": code, "name": format!("Cơ quan {code}") })),
    )
    .await;
    assert_eq!(t.status, 201, "{}", t.body);
    let tid = t.body["id"].as_str().unwrap().to_owned();
    let u = call(
        sys,
        Method::POST,
        "/api/v1/directory/units",
        root,
        Some(json!({ "tenant_id": tid, "code": "ubnd", "name": "UBND", "kind": "body" })),
    )
    .await;
    assert_eq!(u.status, 201, "{}", u.body);
    (tid, u.body["id"].as_str().unwrap().to_owned())
}

/// A person with `role` on `unit`; their id and a fresh token pair.
async fn person(
    sys: &TestSystem,
    root: &str,
    tenant: &str,
    unit: &str,
    username: &str,
    role: &str,
) -> (String, Value) {
    let u = call(
        sys,
        Method::POST,
        "/api/v1/directory/users",
        root,
        Some(json!({
            "tenant_id": tenant, "username": username, "full_name": username,
            "password": "mat-khau-thu-nghiem",
            "grants": [{ "role": role, "unit_id": unit }],
        })),
    )
    .await;
    assert_eq!(u.status, 201, "{}", u.body);
    let pair = sys.sign_in(username, "mat-khau-thu-nghiem").await.unwrap();
    (u.body["id"].as_str().unwrap().to_owned(), pair)
}

fn access(pair: &Value) -> String {
    pair["access_token"].as_str().unwrap().to_owned()
}

/// The attack: a stolen 15-minute admin token resets its own account's password without the
/// current one and locks the owner out for good.
#[tokio::test]
async fn an_admin_cannot_reset_their_own_password_and_resetting_another_admin_ends_their_sessions()
{
    let sys = TestSystem::start().await.unwrap();
    let root = sys.admin_token().await.unwrap();
    let (t, unit) = tenant(&sys, &root, "thu-nghiem").await;
    let (me, my_pair) = person(&sys, &root, &t, &unit, "quan.tri.mot", "admin").await;
    let (other, other_pair) = person(&sys, &root, &t, &unit, "quan.tri.hai", "admin").await;
    let mine = access(&my_pair);

    let own = call(
        &sys,
        Method::POST,
        &format!("/api/v1/directory/users/{me}/password"),
        &mine,
        Some(json!({ "password": "mat-khau-cua-ke-trom" })),
    )
    .await;
    assert_eq!(own.status, 409, "{}", own.body);
    assert!(
        own.body["detail"]
            .as_str()
            .unwrap()
            .contains("/api/v1/auth/password"),
        "{}",
        own.body
    );
    assert!(
        sys.sign_in("quan.tri.mot", "mat-khau-thu-nghiem")
            .await
            .is_ok(),
        "the owner's password is unchanged"
    );

    // Tokens are cut by whole seconds (a token of the change's own second is the new
    // session's), so the reset happens in a later second than the other admin's sign-in.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let reset = call(
        &sys,
        Method::POST,
        &format!("/api/v1/directory/users/{other}/password"),
        &mine,
        Some(json!({})),
    )
    .await;
    assert_eq!(reset.status, 200, "{}", reset.body);
    // Their sessions are over: the access token at once, the refresh token too.
    let me_again = call(
        &sys,
        Method::GET,
        "/api/v1/auth/me",
        &access(&other_pair),
        None,
    )
    .await;
    assert_eq!(me_again.status, 401, "{}", me_again.body);
    let refreshed = sys
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({ "refresh_token": other_pair["refresh_token"] })),
        )
        .await
        .unwrap();
    assert_eq!(refreshed.status, 401, "{}", refreshed.body);
    // And it is in the audit log, marked as another admin's.
    let audit = call(
        &sys,
        Method::GET,
        &format!("/api/v1/directory/audit?tenant_id={t}&subject_id={other}"),
        &root,
        None,
    )
    .await;
    assert_eq!(audit.status, 200, "{}", audit.body);
    let entry = audit.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "directory.password_reset")
        .unwrap_or_else(|| panic!("no reset audited: {}", audit.body))
        .clone();
    assert_eq!(entry["actor"], me.as_str(), "{entry}");
    assert_eq!(entry["details"]["of_admin"], true, "{entry}");
    assert_eq!(entry["details"]["sessions_ended"], true, "{entry}");
    sys.stop().await;
}

/// The attack: an admin of one tenant probes ids and learns which exist in another (403 for a
/// foreign user or unit, 404 for a random id).
#[tokio::test]
async fn a_foreign_tenants_ids_answer_exactly_like_ids_that_do_not_exist() {
    let sys = TestSystem::start().await.unwrap();
    let root = sys.admin_token().await.unwrap();
    let (a, a_unit) = tenant(&sys, &root, "co-quan-a").await;
    let (b, b_unit) = tenant(&sys, &root, "co-quan-b").await;
    let (a_user, _) = person(&sys, &root, &a, &a_unit, "nguoi.a", "author").await;
    let (_, b_admin) = person(&sys, &root, &b, &b_unit, "quan.tri.b", "admin").await;
    let b_admin = access(&b_admin);
    let nobody = uuid::Uuid::now_v7().to_string();
    let probes: Vec<(Method, String, String, Option<Value>)> = vec![
        (
            Method::GET,
            format!("/api/v1/directory/users/{a_user}"),
            format!("/api/v1/directory/users/{nobody}"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/directory/users/{a_user}/password"),
            format!("/api/v1/directory/users/{nobody}/password"),
            Some(json!({})),
        ),
        (
            Method::GET,
            format!("/api/v1/directory/units/{a_unit}"),
            format!("/api/v1/directory/units/{nobody}"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v1/directory/tenants/{a}"),
            format!("/api/v1/directory/tenants/{nobody}"),
            None,
        ),
    ];
    for (method, foreign, unknown, body) in probes {
        let f = call(&sys, method.clone(), &foreign, &b_admin, body.clone()).await;
        let u = call(&sys, method, &unknown, &b_admin, body).await;
        assert_eq!(f.status, 404, "{foreign}: {}", f.body);
        assert_eq!(
            (f.status, &f.body["code"]),
            (u.status, &u.body["code"]),
            "{foreign}"
        );
        assert_eq!(f.body["detail"], u.body["detail"], "{foreign}");
    }
    // Creating in a foreign tenant answers like creating in one that does not exist.
    let unit_in = |tenant: &str| json!({ "tenant_id": tenant, "code": "moi", "name": "Mới", "kind": "office" });
    let f = call(
        &sys,
        Method::POST,
        "/api/v1/directory/units",
        &b_admin,
        Some(unit_in(&a)),
    )
    .await;
    let u = call(
        &sys,
        Method::POST,
        "/api/v1/directory/units",
        &b_admin,
        Some(unit_in(&nobody)),
    )
    .await;
    assert_eq!(f.status, 404, "{}", f.body);
    assert_eq!((f.status, &f.body["code"]), (u.status, &u.body["code"]));
    sys.stop().await;
}

/// The attack: a person whose role was taken away goes on using it with the access token
/// already issued, for up to its 15 minutes.
#[tokio::test]
async fn a_removed_grant_ends_the_tokens_that_carry_it_at_once() {
    let sys = TestSystem::start().await.unwrap();
    let root = sys.admin_token().await.unwrap();
    let (t, unit) = tenant(&sys, &root, "doi-quyen").await;
    let (id, pair) = person(&sys, &root, &t, &unit, "nguoi.doi.quyen", "admin").await;
    let added = call(
        &sys,
        Method::POST,
        &format!("/api/v1/directory/users/{id}/grants"),
        &root,
        Some(json!({ "role": "author", "unit_id": unit })),
    )
    .await;
    assert_eq!(added.status, 201, "{}", added.body);
    // A grant added after the token was issued does not end it.
    let before = access(&pair);
    let still = call(&sys, Method::GET, "/api/v1/directory/users", &before, None).await;
    assert_eq!(still.status, 200, "{}", still.body);

    let user = call(
        &sys,
        Method::GET,
        &format!("/api/v1/directory/users/{id}"),
        &root,
        None,
    )
    .await;
    let admin_grant = user.body["grants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["role"] == "admin")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let removed = call(
        &sys,
        Method::DELETE,
        &format!("/api/v1/directory/users/{id}/grants/{admin_grant}"),
        &root,
        None,
    )
    .await;
    assert_eq!(removed.status, 204, "{}", removed.body);
    let refused = call(&sys, Method::GET, "/api/v1/directory/users", &before, None).await;
    assert_eq!(
        refused.status, 401,
        "the admin role is gone now: {}",
        refused.body
    );

    // A refresh answers a token with the roles held now.
    let fresh = sys
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({ "refresh_token": pair["refresh_token"] })),
        )
        .await
        .unwrap();
    assert_eq!(fresh.status, 200, "{}", fresh.body);
    let token = access(&fresh.body);
    let me = call(&sys, Method::GET, "/api/v1/auth/me", &token, None).await;
    assert_eq!(me.status, 200, "{}", me.body);
    let roles: Vec<&str> = me.body["grants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, vec!["author"]);
    let forbidden = call(&sys, Method::GET, "/api/v1/directory/users", &token, None).await;
    assert_eq!(forbidden.status, 403, "{}", forbidden.body);
    sys.stop().await;
}

/// The attack: twenty failed sign-ins from one address (a school's NAT) locked every account
/// behind it for 15 minutes.
#[tokio::test]
async fn failed_sign_ins_of_one_account_do_not_lock_a_colleague_behind_the_same_address() {
    let sys = TestSystem::start().await.unwrap();
    let root = sys.admin_token().await.unwrap();
    let (t, unit) = tenant(&sys, &root, "truong-hoc").await;
    person(&sys, &root, &t, &unit, "gv.quen.mat.khau", "author").await;
    person(&sys, &root, &t, &unit, "gv.dong.nghiep", "author").await;
    let login = |name: &str, password: &str| {
        sys.call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({ "login": name, "password": password })),
        )
    };
    // Twenty failures from this address: five on the forgetful teacher's account, five on
    // each of three names that do not exist.
    for name in ["gv.quen.mat.khau", "gv.mot", "gv.hai", "gv.ba"] {
        for _ in 0..5 {
            let wrong = login(name, "sai-mat-khau-roi").await.unwrap();
            assert_eq!(wrong.status, 401, "{}", wrong.body);
        }
    }
    let slowed = login("gv.quen.mat.khau", "mat-khau-thu-nghiem")
        .await
        .unwrap();
    assert_eq!(
        slowed.status, 429,
        "the failing account waits: {}",
        slowed.body
    );
    assert!(slowed.header("retry-after").is_some());
    let colleague = login("gv.dong.nghiep", "mat-khau-thu-nghiem")
        .await
        .unwrap();
    assert_eq!(colleague.status, 200, "{}", colleague.body);
    sys.stop().await;
}
