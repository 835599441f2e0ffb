//! Provincial rates: every problem of a bad rate listed at once; a good one answers 201 with
//! where it can be read, and lists there.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use sangkien_proto::Role;

use crate::helpers::{self, fields_of};

fn rate() -> Value {
    json!({
        "line_code": "council_sitting",
        "payee_role": "chair",
        "legal_basis": "Nghị quyết 10/2022/NQ-HĐND ngày 15/7/2022 của HĐND tỉnh",
        "unit": "người/buổi",
        "max_amount": 200000,
        "valid_from": "2022-08-01",
        "jurisdiction": "VP",
    })
}

#[tokio::test]
async fn a_bad_rate_lists_every_problem_and_a_good_one_says_where_it_is() {
    let app = helpers::start().await;
    let finance = app.token(&[Role::FinanceOffice, Role::Admin]).unwrap();
    let mut bad = rate();
    bad["line_code"] = json!("banquet");
    bad["legal_basis"] = json!("");
    bad["max_amount"] = json!(-5);
    let r = app
        .call(Method::POST, "/budget/rates", &finance, Some(bad), &[])
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let fields = fields_of(r).await;
    for field in ["line_code", "legal_basis", "max_amount"] {
        assert!(
            fields.iter().any(|f| f.contains(field)),
            "{field} in {fields:?}"
        );
    }

    let r = app
        .call(Method::POST, "/budget/rates", &finance, Some(rate()), &[])
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, "/api/v1/decision/budget/rates");
    let r = app
        .call(Method::GET, "/budget/rates", &finance, None, &[])
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page: Value = r.json().await.unwrap();
    // Beside the rates shipped with the system, the one just made.
    let mine: Vec<&Value> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["legal_basis"]
                .as_str()
                .is_some_and(|b| b.starts_with("Nghị quyết 10/2022"))
        })
        .collect();
    assert_eq!(mine.len(), 1, "{page}");
    assert_eq!(mine[0]["max_amount"], 200000);
}
