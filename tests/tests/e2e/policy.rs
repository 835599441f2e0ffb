//! The route × role matrix, generated from the gateway's policy table: every route, every
//! role, with a real signed-in user holding only that role; and every route without a token.

use reqwest::Method;
use serde_json::json;
use std::collections::HashMap;

use sangkien_e2e::TestSystem;
use sangkien_gateway::domain::policy::{Access, POLICY, allows};
use sangkien_proto::Role;

/// A concrete path for a pattern: `{x}` a fresh id, `**` one segment.
fn concrete(pattern: &str) -> String {
    pattern
        .split('/')
        .map(|seg| {
            if seg == "**" {
                "x".to_owned()
            } else if seg.starts_with('{') {
                uuid::Uuid::now_v7().to_string()
            } else {
                seg.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn methods(rule_method: &str) -> Vec<Method> {
    match rule_method {
        "*" => vec![Method::GET, Method::POST, Method::PATCH, Method::DELETE],
        m => vec![Method::from_bytes(m.as_bytes()).unwrap()],
    }
}

#[tokio::test]
async fn route_by_role_matrix_follows_the_policy_table() {
    let sys = TestSystem::start().await.unwrap();
    let admin = sys.admin_token().await.unwrap();
    let me = sys
        .call(Method::GET, "/api/v1/auth/me", Some(&admin), None)
        .await
        .unwrap();
    let unit = me.body["grants"][0]["unit_id"].clone();
    // One real user per role, holding only that role.
    let mut tokens: HashMap<Role, String> = HashMap::new();
    for role in Role::ALL {
        let username = format!("matrix.{}", role.as_str().replace('_', "-"));
        let created = sys
            .call(
                Method::POST,
                "/api/v1/directory/users",
                Some(&admin),
                Some(json!({
                    "username": username,
                    "full_name": format!("Người giữ vai trò {}", role.as_str()),
                    "password": "mat-khau-ma-tran",
                    "grants": [{ "role": role, "unit_id": unit }],
                })),
            )
            .await
            .unwrap();
        assert_eq!(created.status, 201, "{}", created.body);
        let pair = sys.sign_in(&username, "mat-khau-ma-tran").await.unwrap();
        tokens.insert(role, pair["access_token"].as_str().unwrap().to_owned());
    }
    let mut checked = 0;
    for rule in POLICY {
        for method in methods(rule.method) {
            let path = concrete(rule.pattern);
            let anonymous = sys
                .call(method.clone(), &path, None, Some(json!({})))
                .await
                .unwrap();
            if rule.access == Access::Public {
                assert!(
                    ![401, 403].contains(&anonymous.status)
                        || anonymous.body["code"] != "unauthenticated",
                    "{method} {path} is public: {}",
                    anonymous.body
                );
            } else {
                assert_eq!(anonymous.status, 401, "{method} {path} without a token");
            }
            for role in Role::ALL {
                let answer = sys
                    .call(method.clone(), &path, Some(&tokens[&role]), Some(json!({})))
                    .await
                    .unwrap();
                if allows(rule, Some(&[role])) {
                    assert!(
                        ![401, 403].contains(&answer.status),
                        "{method} {path} must let {} through, got {} {}",
                        role.as_str(),
                        answer.status,
                        answer.body
                    );
                } else {
                    assert_eq!(
                        answer.status,
                        403,
                        "{method} {path} must refuse {}",
                        role.as_str()
                    );
                    assert_eq!(answer.body["code"], "forbidden");
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= POLICY.len() * Role::ALL.len());
    // A route nobody published is not reachable, whoever asks: 404 for a path nobody
    // published, 405 for a published path asked with a method nobody published for it.
    let unpublished = sys
        .call(Method::GET, "/api/v1/intake/nowhere", Some(&admin), None)
        .await
        .unwrap();
    assert_eq!(unpublished.status, 404);
    let wrong_method = sys
        .call(Method::DELETE, "/api/v1/intake/probes", Some(&admin), None)
        .await
        .unwrap();
    assert_eq!(wrong_method.status, 405);
    assert_eq!(wrong_method.body["code"], "method_not_allowed");
    sys.stop().await;
}
