//! Loading an example body (`examples/*.yaml`): its units, people and the requests that set up
//! its year, sent through the gateway's own API as each person would. The example is data;
//! this code only follows it.

use std::collections::HashMap;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::Value;

/// The shipped example: Vĩnh Tường's 2022 plan.
pub const VINH_TUONG_2022: &str = include_str!("../../../examples/vinh-tuong-2022.yaml");

/// An example file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub body: BodyEntry,
    pub units: Vec<UnitEntry>,
    pub users: Vec<UserEntry>,
    #[serde(default)]
    pub requests: Vec<RequestEntry>,
}

/// The recognising body (tenant).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BodyEntry {
    pub code: String,
    pub name: String,
}

/// A unit; `parent` is another unit's code.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitEntry {
    pub code: String,
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub parent: Option<String>,
}

/// A person and the roles they hold.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserEntry {
    pub username: String,
    pub full_name: String,
    pub grants: Vec<GrantEntry>,
}

/// A role on a unit (by code).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantEntry {
    pub role: String,
    pub unit: String,
}

/// One API call as one person.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestEntry {
    /// Username of the caller.
    #[serde(rename = "as")]
    pub caller: String,
    pub method: String,
    pub path: String,
    #[serde(default)]
    pub body: Option<Value>,
    /// Keep the answer's `id` (and ETag) under this key.
    #[serde(default)]
    pub save: Option<String>,
    /// Send `If-Match` with the ETag saved under this key.
    #[serde(default)]
    pub if_match: Option<String>,
}

impl Example {
    /// Parses an example file (YAML, merge keys allowed).
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let mut value: serde_yaml::Value = serde_yaml::from_str(text)?;
        value.apply_merge()?;
        Ok(serde_yaml::from_value(value)?)
    }
}

/// How the plan's dates are used.
#[derive(Debug, Clone, Copy)]
pub enum Dating {
    /// As written (the year test moves its clock through them).
    AsWritten,
    /// Every window opened around `today` so each step can be tried now: it starts a week
    /// before and lasts as long as written, and at least 30 days after today.
    OpenAround(NaiveDate),
}

/// What loading made: ids by code and username, the passwords, what requests saved.
#[derive(Debug, Default)]
pub struct Loaded {
    pub tenant: String,
    pub units: HashMap<String, String>,
    /// username → (id, full name, password).
    pub users: HashMap<String, (String, String, String)>,
    /// Usernames in the file's order.
    pub order: Vec<String>,
    pub saved: HashMap<String, (String, Option<String>)>,
}

/// A password of 4 groups of 4 lowercase letters and digits.
pub fn password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    (0..4)
        .map(|_| {
            (0..4)
                .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

impl Loaded {
    /// Replaces `{{…}}` references in `text`.
    fn fill_text(&self, text: &str) -> anyhow::Result<String> {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").context("unclosed {{")? + start;
            let key = &rest[start + 2..end];
            let value = match key.split_once(':') {
                None if key == "tenant" => self.tenant.clone(),
                Some(("unit", code)) => self
                    .units
                    .get(code)
                    .cloned()
                    .with_context(|| format!("no unit {code}"))?,
                Some(("user", name)) => self
                    .users
                    .get(name)
                    .map(|u| u.0.clone())
                    .with_context(|| format!("no user {name}"))?,
                Some(("name", name)) => self
                    .users
                    .get(name)
                    .map(|u| u.1.clone())
                    .with_context(|| format!("no user {name}"))?,
                Some(("saved", k)) => self
                    .saved
                    .get(k)
                    .map(|s| s.0.clone())
                    .with_context(|| format!("nothing saved as {k}"))?,
                _ => bail!("unknown reference {{{{{key}}}}}"),
            };
            out.push_str(&value);
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        Ok(out)
    }

    fn fill(&self, v: &Value, dating: Dating) -> anyhow::Result<Value> {
        Ok(match v {
            Value::String(s) => Value::String(self.fill_text(s)?),
            Value::Array(a) => Value::Array(
                a.iter()
                    .map(|x| self.fill(x, dating))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(o) => {
                let mut filled = serde_json::Map::new();
                for (k, x) in o {
                    filled.insert(k.clone(), self.fill(x, dating)?);
                }
                if let Dating::OpenAround(today) = dating {
                    redate(&mut filled, today);
                }
                Value::Object(filled)
            }
            other => other.clone(),
        })
    }
}

/// Opens a `{from, to}` window around `today` (see [`Dating::OpenAround`]).
fn redate(o: &mut serde_json::Map<String, Value>, today: NaiveDate) {
    let date = |k: &str| {
        o.get(k)
            .and_then(Value::as_str)
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
    };
    if o.len() != 2 {
        return;
    }
    let (Some(from), Some(to)) = (date("from"), date("to")) else {
        return;
    };
    let new_from = today - chrono::Duration::days(7);
    let new_to = (new_from + (to - from)).max(today + chrono::Duration::days(30));
    o.insert("from".into(), Value::String(new_from.to_string()));
    o.insert("to".into(), Value::String(new_to.to_string()));
}

/// A small client of the gateway.
struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        if_match: Option<&str>,
    ) -> anyhow::Result<(u16, Value, Option<String>)> {
        let mut req = self
            .http
            .request(method.clone(), format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        if let Some(e) = if_match {
            req = req.header("If-Match", e);
        }
        let res = req
            .send()
            .await
            .with_context(|| format!("{method} {path}"))?;
        let status = res.status().as_u16();
        let etag = res
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body: Value = res.json().await.unwrap_or(Value::Null);
        if status >= 400 {
            bail!("{method} {path} answered {status}: {body}");
        }
        Ok((status, body, etag))
    }

    async fn sign_in(&self, login: &str, password: &str) -> anyhow::Result<String> {
        let (_, body, _) = self
            .send(
                reqwest::Method::POST,
                "/api/v1/auth/login",
                None,
                Some(&serde_json::json!({ "login": login, "password": password })),
                None,
            )
            .await?;
        body["access_token"]
            .as_str()
            .map(str::to_owned)
            .context("no access token")
    }
}

fn id_of(body: &Value) -> anyhow::Result<String> {
    body["id"]
        .as_str()
        .map(str::to_owned)
        .context("the answer has no id")
}

/// Loads `example` through the gateway at `base_url`, signed in as the system admin.
pub async fn load(
    base_url: &str,
    admin_password: &str,
    example: &Example,
    dating: Dating,
) -> anyhow::Result<Loaded> {
    let client = Client {
        http: reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(60))
            .build()?,
        base: base_url.trim_end_matches('/').to_owned(),
    };
    let admin = client.sign_in("admin", admin_password).await?;
    let mut loaded = Loaded::default();
    let post = reqwest::Method::POST;
    let (_, tenant, _) = client
        .send(
            post.clone(),
            "/api/v1/directory/tenants",
            Some(&admin),
            Some(&serde_json::json!({ "code": example.body.code, "name": example.body.name })),
            None,
        )
        .await?;
    loaded.tenant = id_of(&tenant)?;
    for u in &example.units {
        let parent = match &u.parent {
            Some(p) => Some(
                loaded
                    .units
                    .get(p)
                    .cloned()
                    .with_context(|| format!("unit {} names parent {p} before it", u.code))?,
            ),
            None => None,
        };
        let (_, unit, _) = client
            .send(post.clone(), "/api/v1/directory/units", Some(&admin),
                Some(&serde_json::json!({ "tenant_id": loaded.tenant, "code": u.code, "name": u.name, "kind": u.kind, "parent_id": parent })), None)
            .await?;
        loaded.units.insert(u.code.clone(), id_of(&unit)?);
    }
    for u in &example.users {
        let pw = password();
        let grants = u
            .grants
            .iter()
            .map(|g| {
                let unit = loaded.units.get(&g.unit).with_context(|| {
                    format!("{} holds a role on unknown unit {}", u.username, g.unit)
                })?;
                Ok(serde_json::json!({ "role": g.role, "unit_id": unit }))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let (_, user, _) = client
            .send(post.clone(), "/api/v1/directory/users", Some(&admin),
                Some(&serde_json::json!({ "tenant_id": loaded.tenant, "username": u.username, "full_name": u.full_name, "password": pw, "grants": grants })), None)
            .await?;
        loaded
            .users
            .insert(u.username.clone(), (id_of(&user)?, u.full_name.clone(), pw));
        loaded.order.push(u.username.clone());
    }
    let mut tokens: HashMap<String, String> = HashMap::new();
    for r in &example.requests {
        let token = match tokens.get(&r.caller) {
            Some(t) => t.clone(),
            None => {
                let (_, _, pw) = loaded
                    .users
                    .get(&r.caller)
                    .with_context(|| format!("request as unknown user {}", r.caller))?;
                let t = client.sign_in(&r.caller, pw).await?;
                tokens.insert(r.caller.clone(), t.clone());
                t
            }
        };
        let path = loaded.fill_text(&r.path)?;
        let body = r
            .body
            .as_ref()
            .map(|b| loaded.fill(b, dating))
            .transpose()?;
        let etag = match &r.if_match {
            Some(k) => Some(
                loaded
                    .saved
                    .get(k)
                    .and_then(|s| s.1.clone())
                    .with_context(|| format!("no ETag saved as {k}"))?,
            ),
            None => None,
        };
        let method = reqwest::Method::from_bytes(r.method.as_bytes())?;
        let (_, answer, etag) = client
            .send(method, &path, Some(&token), body.as_ref(), etag.as_deref())
            .await?;
        if let Some(k) = &r.save {
            loaded.saved.insert(k.clone(), (id_of(&answer)?, etag));
        }
    }
    Ok(loaded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_example_parses_and_names_only_its_own_units_and_people() {
        let e = Example::parse(VINH_TUONG_2022).unwrap();
        assert_eq!(e.body.code, "vinh-tuong");
        let units: Vec<&str> = e.units.iter().map(|u| u.code.as_str()).collect();
        for u in &e.users {
            for g in &u.grants {
                assert!(
                    units.contains(&g.unit.as_str()),
                    "{} on {}",
                    u.username,
                    g.unit
                );
            }
        }
        let users: Vec<&str> = e.users.iter().map(|u| u.username.as_str()).collect();
        for r in &e.requests {
            assert!(
                users.contains(&r.caller.as_str()),
                "request as {}",
                r.caller
            );
        }
        // The last panel set up (later requests configure other services).
        let last_panel = e
            .requests
            .iter()
            .rev()
            .find(|r| r.path == "/api/v1/appraisal/panels")
            .unwrap();
        assert_eq!(last_panel.body.as_ref().unwrap()["field"], "socio_economic");
        assert_eq!(
            last_panel.body.as_ref().unwrap()["members"]
                .as_array()
                .unwrap()
                .len(),
            7
        );
    }

    #[test]
    fn open_around_today_puts_today_inside_every_window() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let mut o = serde_json::json!({ "from": "2022-02-01", "to": "2022-02-28" })
            .as_object()
            .unwrap()
            .clone();
        redate(&mut o, today);
        assert_eq!(o["from"], "2026-11-21");
        assert_eq!(o["to"], "2026-12-28");
        let mut other = serde_json::json!({ "from": "2022-02-01", "to": "2022-02-28", "x": 1 })
            .as_object()
            .unwrap()
            .clone();
        redate(&mut other, today);
        assert_eq!(other["from"], "2022-02-01", "only plain windows are moved");
    }
}
