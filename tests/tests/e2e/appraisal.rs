//! Appraisal through the gateway: rubrics are data, checked when saved, versioned.

use reqwest::Method;
use serde_json::json;

use sangkien_e2e::TestSystem;
use sangkien_proto::Role;

fn rubric(pass_total: f64) -> serde_json::Value {
    json!({
        "code": "truong-thcs-10",
        "name": "Phiếu chấm của trường (thang 10)",
        "max": 10, "step": 0.5,
        "criteria": [
            { "code": "moi", "name": "Tính mới", "max": 4, "min_to_pass": 2,
              "bands": [ { "from": 0, "to": 1.5, "label": "Thấp" }, { "from": 2, "to": 4, "label": "Đạt" } ] },
            { "code": "hieu_qua", "name": "Hiệu quả", "max": 6,
              "sub_items": [ { "code": "a", "name": "Học sinh", "max": 3 }, { "code": "b", "name": "Giáo viên", "max": 3 } ] }
        ],
        "pass_total": pass_total
    })
}

#[tokio::test]
async fn rubrics_ship_two_defaults_and_a_body_adds_checked_versions() {
    let sys = TestSystem::start().await.unwrap();
    let secretariat = sys.token(Role::CouncilSecretariat).unwrap();
    let list = sys
        .call(
            Method::GET,
            "/api/v1/appraisal/rubrics",
            Some(&sys.token(Role::Reviewer).unwrap()),
            None,
        )
        .await
        .unwrap();
    assert_eq!(list.status, 200);
    let codes: Vec<&str> = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rubric"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["general-100", "education-20"]);
    let edu = sys
        .call(
            Method::GET,
            "/api/v1/appraisal/rubrics/education-20",
            Some(&secretariat),
            None,
        )
        .await
        .unwrap();
    assert_eq!(edu.body["rubric"]["grades"][0]["label"], "A");

    let mut bad = rubric(12.0);
    bad["criteria"][0]["bands"][1]["from"] = json!(3);
    bad["criteria"][1]["sub_items"][1]["max"] = json!(2);
    let refused = sys
        .call(
            Method::POST,
            "/api/v1/appraisal/rubrics",
            Some(&secretariat),
            Some(bad),
        )
        .await
        .unwrap();
    assert_eq!(refused.status, 422);
    let fields: Vec<String> = refused.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}:{}",
                e["field"].as_str().unwrap(),
                e["code"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            "criteria[0].bands:gap",
            "criteria[1].sub_items:sum_mismatch",
            "pass_total:unreachable"
        ]
    );

    let author = sys
        .call(
            Method::POST,
            "/api/v1/appraisal/rubrics",
            Some(&sys.token(Role::Author).unwrap()),
            Some(rubric(6.0)),
        )
        .await
        .unwrap();
    assert_eq!(author.status, 403);
    let v1 = sys
        .call(
            Method::POST,
            "/api/v1/appraisal/rubrics",
            Some(&secretariat),
            Some(rubric(6.0)),
        )
        .await
        .unwrap();
    assert_eq!(v1.status, 201, "{}", v1.body);
    assert_eq!(v1.body["version"], 1);
    let v2 = sys
        .call(
            Method::POST,
            "/api/v1/appraisal/rubrics",
            Some(&secretariat),
            Some(rubric(7.0)),
        )
        .await
        .unwrap();
    assert_eq!(v2.body["version"], 2);
    let first = sys
        .call(
            Method::GET,
            "/api/v1/appraisal/rubrics/truong-thcs-10?version=1",
            Some(&secretariat),
            None,
        )
        .await
        .unwrap();
    assert_eq!(first.body["rubric"]["pass_total"], 6.0);
    let shipped_code = sys
        .call(
            Method::POST,
            "/api/v1/appraisal/rubrics",
            Some(&secretariat),
            Some({
                let mut r = rubric(6.0);
                r["code"] = json!("general-100");
                r
            }),
        )
        .await
        .unwrap();
    assert_eq!(shipped_code.status, 409);
    sys.stop().await;
}
