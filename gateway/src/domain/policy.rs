//! The coarse route policy: which roles may call which route through the gateway.
//!
//! The gateway checks it before proxying; each service still decides on the resource. A
//! route that is not listed is refused, so a new service route is reachable only once it is
//! given a rule here. The route × role test is generated from [`POLICY`].

use sangkien_proto::Role;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (sign-in, refresh, keys).
    Public,
    /// Anyone signed in.
    SignedIn,
    /// Holders of one of these roles.
    Roles(&'static [Role]),
    /// Anyone holding a signed link: let through without a token only when the query carries
    /// `expires` and `signature` (the service verifies them); no role opens it otherwise.
    Signed,
}

/// One rule: method (`*` for any), path pattern, access.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// HTTP method, or `*`.
    pub method: &'static str,
    /// Path pattern: `{name}` matches one segment, `**` the rest.
    pub pattern: &'static str,
    /// Who may call it.
    pub access: Access,
}

const ADMIN: &[Role] = &[Role::Admin];
/// Who reads the budget and its reports (Circular 03/2019/TT-BTC).
const BUDGET_READERS: &[Role] = &[
    Role::CouncilSecretariat,
    Role::FinanceOffice,
    Role::Signer,
    Role::Admin,
];
/// Who drafts and edits the budget estimate.
const BUDGET_DRAFTERS: &[Role] = &[Role::CouncilSecretariat];
/// Who appraises, approves and settles the budget.
const BUDGET_FINANCE: &[Role] = &[Role::FinanceOffice];
/// Who enters expenses with their vouchers.
const BUDGET_SPENDERS: &[Role] = &[Role::CouncilSecretariat, Role::FinanceOffice];
const PLAN_EDITORS: &[Role] = &[Role::CouncilSecretariat, Role::Admin];
/// Who reads dossiers in intake (the service narrows it to the dossiers each may see).
const INTAKE_READERS: &[Role] = &[
    Role::Author,
    Role::UnitHead,
    Role::ReceivingOffice,
    Role::CouncilSecretariat,
    Role::Admin,
];
/// Who reads one dossier and its files: the intake readers, and the panel members who judge
/// it (intake opens it only to the reviewers assigned and the council sitting on it, and
/// refuses a conflicted member).
const DOSSIER_READERS: &[Role] = &[
    Role::Author,
    Role::UnitHead,
    Role::ReceivingOffice,
    Role::CouncilSecretariat,
    Role::Admin,
    Role::Reviewer,
    Role::CouncilChair,
];
/// Panel members: their own assignments and sittings.
const PANEL_MEMBERS: &[Role] = &[Role::Reviewer, Role::CouncilChair];
/// Who downloads a field's register of received dossiers (intake narrows it to the
/// dossiers each may see).
const REGISTER_KEEPERS: &[Role] = &[Role::ReceivingOffice, Role::CouncilSecretariat, Role::Admin];
const AUTHOR: &[Role] = &[Role::Author];
/// Who sets up panels and assigns reviewers.
const ORGANISERS: &[Role] = &[Role::CouncilSecretariat, Role::ReceivingOffice, Role::Admin];
/// Who may open a case (reviewers only those assigned to them, never a conflicted one).
const CASE_OPENERS: &[Role] = &[
    Role::CouncilSecretariat,
    Role::CouncilChair,
    Role::ReceivingOffice,
    Role::Reviewer,
    Role::Admin,
];
/// Who follows appraisal cases.
const CASE_READERS: &[Role] = &[
    Role::CouncilSecretariat,
    Role::CouncilChair,
    Role::ReceivingOffice,
    Role::Admin,
];
/// Who reads an appraisal's outcome: the dossier's authors (the service checks which) and
/// those who follow every case.
const OUTCOME_READERS: &[Role] = &[
    Role::Author,
    Role::CouncilSecretariat,
    Role::CouncilChair,
    Role::ReceivingOffice,
    Role::Admin,
];
/// Who records a stage's result: the organisers, and the chair (the service checks that a
/// reviewer is the team's chair).
const RESULT_RECORDERS: &[Role] = &[
    Role::CouncilSecretariat,
    Role::ReceivingOffice,
    Role::Admin,
    Role::CouncilChair,
    Role::Reviewer,
];
const UNIT_HEAD: &[Role] = &[Role::UnitHead];
const RECEIVING_OFFICE: &[Role] = &[Role::ReceivingOffice];
/// Who reads the body profile: those who draft, sign and configure decisions.
const PROFILE_READERS: &[Role] = &[Role::Admin, Role::CouncilSecretariat, Role::Signer];
/// Who drafts and edits recognition decisions.
const DECISION_DRAFTERS: &[Role] = &[Role::CouncilSecretariat];
/// Who reads decisions and their documents.
const DECISION_READERS: &[Role] = &[Role::CouncilSecretariat, Role::Signer, Role::Admin];
/// Who reads decisions and downloads their document: the readers, and authors (the service
/// shows an author only the issued decisions on her own initiatives).
const DECISION_VIEWERS: &[Role] = &[
    Role::CouncilSecretariat,
    Role::Signer,
    Role::Admin,
    Role::Author,
];
/// Who signs decisions.
const SIGNERS: &[Role] = &[Role::Signer];
/// Who fetches certificates: the readers, and authors (the service checks whose).
const CERTIFICATE_READERS: &[Role] = &[
    Role::CouncilSecretariat,
    Role::Signer,
    Role::Admin,
    Role::Author,
];
/// Who follows nominations to the provincial DOST system.
const NOMINATION_READERS: &[Role] = &[Role::CouncilSecretariat, Role::Signer, Role::Admin];
const SECRETARIAT: &[Role] = &[Role::CouncilSecretariat];
/// The provincial DOST system's service account.
const PROVINCE: &[Role] = &[Role::Province];

/// Every route reachable through the gateway.
pub const POLICY: &[Rule] = &[
    Rule {
        method: "POST",
        pattern: "/api/v1/auth/login",
        access: Access::Public,
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/auth/refresh",
        access: Access::Public,
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/auth/logout",
        access: Access::Public,
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/auth/token",
        access: Access::Public,
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/auth/password",
        access: Access::SignedIn,
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/auth/me",
        access: Access::SignedIn,
    },
    Rule {
        method: "*",
        pattern: "/api/v1/directory/**",
        access: Access::Roles(ADMIN),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/intake/audit",
        access: Access::Roles(ADMIN),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/appraisal/audit",
        access: Access::Roles(ADMIN),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/decision/audit",
        access: Access::Roles(ADMIN),
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/intake/probes",
        access: Access::Roles(ADMIN),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/intake/probes/{id}",
        access: Access::Roles(ADMIN),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/intake/plans",
        access: Access::SignedIn,
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/intake/plans",
        access: Access::Roles(PLAN_EDITORS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/intake/plans/{id}",
        access: Access::SignedIn,
    },
    Rule {
        method: "PUT",
        pattern: "/api/v1/intake/plans/{id}",
        access: Access::Roles(PLAN_EDITORS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/intake/plans/{id}/register.xlsx",
        access: Access::Roles(REGISTER_KEEPERS),
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/intake/plans/{id}/publish",
        access: Access::Roles(PLAN_EDITORS),
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/intake/plans/{id}/amendments",
        access: Access::Roles(PLAN_EDITORS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/intake/plans/{id}/amendments",
        access: Access::SignedIn,
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/intake/dossiers",
        access: Access::Roles(AUTHOR),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/intake/dossiers",
        access: Access::Roles(INTAKE_READERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/intake/dossiers/{id}",
        access: Access::Roles(DOSSIER_READERS),
    },
    Rule {
        method: "PUT",
        pattern: "/api/v1/intake/dossiers/{id}",
        access: Access::Roles(AUTHOR),
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/intake/dossiers/{id}/submit",
        access: Access::Roles(AUTHOR),
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/intake/dossiers/{id}/withdraw",
        access: Access::Roles(AUTHOR),
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/intake/dossiers/{id}/confirm",
        access: Access::Roles(UNIT_HEAD),
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/intake/dossiers/{id}/return",
        access: Access::Roles(UNIT_HEAD),
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/intake/dossiers/{id}/register",
        access: Access::Roles(RECEIVING_OFFICE),
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/intake/dossiers/{id}/request-correction",
        access: Access::Roles(RECEIVING_OFFICE),
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/intake/dossiers/{id}/window-exception",
        access: Access::Roles(RECEIVING_OFFICE),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/intake/dossiers/{id}/receipt",
        access: Access::Roles(INTAKE_READERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/intake/dossiers/{id}/receipt.docx",
        access: Access::Roles(INTAKE_READERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/intake/dossiers/{id}/versions",
        access: Access::Roles(INTAKE_READERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/intake/dossiers/{id}/versions/{number}",
        access: Access::Roles(INTAKE_READERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/intake/dossiers/{id}/history",
        access: Access::Roles(INTAKE_READERS),
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/intake/dossiers/{id}/attachments",
        access: Access::Roles(AUTHOR),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/intake/dossiers/{id}/attachments",
        access: Access::Roles(DOSSIER_READERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/intake/dossiers/{id}/attachments/{attachment}",
        access: Access::Roles(DOSSIER_READERS),
    },
    Rule {
        method: "DELETE",
        pattern: "/api/v1/intake/dossiers/{id}/attachments/{attachment}",
        access: Access::Roles(AUTHOR),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/intake/dashboard",
        access: Access::Roles(ORGANISERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/appraisal/my/assignments",
        access: Access::Roles(PANEL_MEMBERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/appraisal/my/sittings",
        access: Access::Roles(PANEL_MEMBERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/appraisal/cases",
        access: Access::Roles(CASE_READERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/appraisal/cases/{id}",
        access: Access::Roles(CASE_OPENERS),
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/appraisal/cases/{id}/assignments",
        access: Access::Roles(ORGANISERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/appraisal/cases/{id}/assignments",
        access: Access::Roles(ORGANISERS),
    },
    Rule {
        method: "PUT",
        pattern: "/api/v1/appraisal/cases/{id}/sheet",
        access: Access::Roles(&[Role::Reviewer, Role::CouncilChair]),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/appraisal/cases/{id}/sheets",
        access: Access::Roles(CASE_OPENERS),
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/appraisal/cases/{id}/conflicts",
        access: Access::Roles(&[Role::Reviewer, Role::CouncilChair]),
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/appraisal/panels",
        access: Access::Roles(ORGANISERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/appraisal/panels",
        access: Access::SignedIn,
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/appraisal/panels/{id}",
        access: Access::SignedIn,
    },
    Rule {
        method: "PUT",
        pattern: "/api/v1/appraisal/panels/{id}",
        access: Access::Roles(ORGANISERS),
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/appraisal/panels/{id}/auto-assign",
        access: Access::Roles(ORGANISERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/appraisal/rubrics",
        access: Access::SignedIn,
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/appraisal/rubrics/{code}",
        access: Access::SignedIn,
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/appraisal/rubrics",
        access: Access::Roles(PLAN_EDITORS),
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/appraisal/cases/{id}/result",
        access: Access::Roles(RESULT_RECORDERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/appraisal/cases/{id}/results",
        access: Access::Roles(CASE_READERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/appraisal/cases/{id}/outcome",
        access: Access::Roles(OUTCOME_READERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/appraisal/panels/{id}/progress",
        access: Access::Roles(CASE_READERS),
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/appraisal/sittings",
        access: Access::Roles(CASE_READERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/appraisal/sittings",
        access: Access::Roles(CASE_READERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/appraisal/sittings/{id}",
        access: Access::Roles(CASE_READERS),
    },
    Rule {
        method: "PUT",
        pattern: "/api/v1/appraisal/sittings/{id}/attendance",
        access: Access::Roles(CASE_READERS),
    },
    Rule {
        method: "PUT",
        pattern: "/api/v1/appraisal/sittings/{id}/votes/{dossier_id}",
        access: Access::Roles(CASE_READERS),
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/appraisal/sittings/{id}/close",
        access: Access::Roles(CASE_READERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/appraisal/sittings/{id}/minutes",
        access: Access::Roles(CASE_READERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/appraisal/probes/{id}",
        access: Access::Roles(ADMIN),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/decision/probes/{id}",
        access: Access::Roles(ADMIN),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/decision/budget/rates",
        access: Access::Roles(BUDGET_READERS),
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/decision/budget/rates",
        access: Access::Roles(ADMIN),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/decision/budget/rates/applicable",
        access: Access::Roles(BUDGET_READERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/decision/budget/profile",
        access: Access::Roles(BUDGET_READERS),
    },
    Rule {
        method: "PUT",
        pattern: "/api/v1/decision/budget/profile",
        access: Access::Roles(ADMIN),
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/decision/budget/plans/{plan_id}/estimates",
        access: Access::Roles(BUDGET_DRAFTERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/decision/budget/plans/{plan_id}/estimates",
        access: Access::Roles(BUDGET_READERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/decision/budget/estimates/{id}",
        access: Access::Roles(BUDGET_READERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/decision/budget/estimates/{id}/document",
        access: Access::Roles(BUDGET_READERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/decision/budget/estimates/{id}/document.xlsx",
        access: Access::Roles(BUDGET_READERS),
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/decision/budget/estimates/{id}/lines",
        access: Access::Roles(BUDGET_DRAFTERS),
    },
    Rule {
        method: "PUT",
        pattern: "/api/v1/decision/budget/estimates/{id}/lines/{line_id}",
        access: Access::Roles(BUDGET_DRAFTERS),
    },
    Rule {
        method: "DELETE",
        pattern: "/api/v1/decision/budget/estimates/{id}/lines/{line_id}",
        access: Access::Roles(BUDGET_DRAFTERS),
    },
    Rule {
        method: "PUT",
        pattern: "/api/v1/decision/budget/estimates/{id}/lines/{line_id}/appraisal",
        access: Access::Roles(BUDGET_FINANCE),
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/decision/budget/estimates/{id}/approve",
        access: Access::Roles(BUDGET_FINANCE),
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/decision/budget/estimates/{id}/revisions",
        access: Access::Roles(BUDGET_DRAFTERS),
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/decision/budget/expenses",
        access: Access::Roles(BUDGET_SPENDERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/decision/budget/plans/{plan_id}/expenses",
        access: Access::Roles(BUDGET_READERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/decision/budget/plans/{plan_id}/execution",
        access: Access::Roles(BUDGET_READERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/decision/budget/plans/{plan_id}/execution.xlsx",
        access: Access::Roles(BUDGET_READERS),
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/decision/budget/plans/{plan_id}/settlement",
        access: Access::Roles(BUDGET_FINANCE),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/decision/budget/plans/{plan_id}/settlement",
        access: Access::Roles(BUDGET_READERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/decision/budget/plans/{plan_id}/settlement.xlsx",
        access: Access::Roles(BUDGET_READERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/decision/body-profile",
        access: Access::Roles(PROFILE_READERS),
    },
    Rule {
        method: "PUT",
        pattern: "/api/v1/decision/body-profile",
        access: Access::Roles(ADMIN),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/decision/decisions",
        access: Access::Roles(DECISION_VIEWERS),
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/decision/decisions",
        access: Access::Roles(DECISION_DRAFTERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/decision/decisions/pending",
        access: Access::Roles(DECISION_READERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/decision/decisions/{id}",
        access: Access::Roles(DECISION_VIEWERS),
    },
    Rule {
        method: "PUT",
        pattern: "/api/v1/decision/decisions/{id}",
        access: Access::Roles(DECISION_DRAFTERS),
    },
    Rule {
        method: "DELETE",
        pattern: "/api/v1/decision/decisions/{id}",
        access: Access::Roles(DECISION_DRAFTERS),
    },
    Rule {
        method: "PUT",
        pattern: "/api/v1/decision/decisions/{id}/items/{dossier_id}",
        access: Access::Roles(DECISION_DRAFTERS),
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/decision/decisions/{id}/sign",
        access: Access::Roles(SIGNERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/decision/decisions/{id}/document",
        access: Access::Roles(DECISION_VIEWERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/decision/decisions/{id}/certificates",
        access: Access::Roles(CERTIFICATE_READERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/decision/decisions/{id}/certificates/{dossier_id}",
        access: Access::Roles(CERTIFICATE_READERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/intake/shared/dossiers/{id}/attachments",
        access: Access::Signed,
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/intake/shared/dossiers/{id}/attachments/{attachment}",
        access: Access::Signed,
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/appraisal/shared/sittings/{id}/minutes",
        access: Access::Signed,
    },
    // The decision document, served by the decisions module (docs/province-api.md).
    Rule {
        method: "GET",
        pattern: "/api/v1/decision/shared/decisions/{id}/document",
        access: Access::Signed,
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/decision/nominations",
        access: Access::Roles(NOMINATION_READERS),
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/decision/nominations",
        access: Access::Roles(SECRETARIAT),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/decision/nominations/{id}",
        access: Access::Roles(NOMINATION_READERS),
    },
    Rule {
        method: "GET",
        pattern: "/api/v1/decision/nominations/{id}/package",
        access: Access::Roles(NOMINATION_READERS),
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/decision/nominations/{id}/result",
        access: Access::Roles(PROVINCE),
    },
    Rule {
        method: "POST",
        pattern: "/api/v1/decision/nominations/{id}/resend",
        access: Access::Roles(SECRETARIAT),
    },
];

/// True when a query string carries the two parameters of a signed link.
pub fn has_link_signature(query: &str) -> bool {
    let has = |name: &str| {
        query.split('&').any(|p| {
            p.split_once('=')
                .is_some_and(|(k, v)| k == name && !v.is_empty())
        })
    };
    has("expires") && has("signature")
}

/// True when `path` matches `pattern`.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let p: Vec<&str> = pattern.trim_end_matches('/').split('/').collect();
    let s: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let mut i = 0;
    while i < p.len() {
        if p[i] == "**" {
            return s.len() > i;
        }
        let Some(seg) = s.get(i) else { return false };
        let wildcard = p[i].starts_with('{') && p[i].ends_with('}');
        if !(wildcard && !seg.is_empty() || p[i] == *seg) {
            return false;
        }
        i += 1;
    }
    i == s.len()
}

/// The first rule for `method` and `path`, if any.
pub fn find_rule<'a>(rules: &'a [Rule], method: &str, path: &str) -> Option<&'a Rule> {
    rules.iter().find(|r| {
        (r.method == "*" || r.method.eq_ignore_ascii_case(method)) && path_matches(r.pattern, path)
    })
}

/// The methods some rule publishes `path` for (upper case, in rule order, no repeats): when
/// the method asked is not among them but the list is not empty, the route exists and the
/// answer is 405 (`method_not_allowed`) with them in `Allow`, not 404.
pub fn published_methods(rules: &[Rule], path: &str) -> Vec<String> {
    let mut methods: Vec<String> = Vec::new();
    for r in rules.iter().filter(|r| path_matches(r.pattern, path)) {
        let m = r.method.to_ascii_uppercase();
        if !methods.contains(&m) {
            methods.push(m);
        }
    }
    methods
}

/// Whether a caller holding `roles` (or nobody, when `None`) may pass `rule`.
pub fn allows(rule: &Rule, roles: Option<&[Role]>) -> bool {
    match (rule.access, roles) {
        (Access::Public, _) => true,
        (_, None) => false,
        (Access::Signed, Some(_)) => false,
        (Access::SignedIn, Some(_)) => true,
        (Access::Roles(allowed), Some(held)) => held.iter().any(|r| allowed.contains(r)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_published_path_asked_with_an_unlisted_method_is_405_not_404() {
        let rules = [Rule {
            method: "GET",
            pattern: "/api/v1/intake/plans/{id}",
            access: Access::SignedIn,
        }];
        assert!(find_rule(&rules, "TRACE", "/api/v1/intake/plans/1").is_none());
        assert_eq!(published_methods(&rules, "/api/v1/intake/plans/1"), ["GET"]);
        assert!(published_methods(&rules, "/api/v1/intake/nothing").is_empty());
    }

    #[test]
    fn path_patterns_match_segments_and_tails() {
        assert!(path_matches(
            "/api/v1/intake/probes/{id}",
            "/api/v1/intake/probes/123"
        ));
        assert!(!path_matches(
            "/api/v1/intake/probes/{id}",
            "/api/v1/intake/probes"
        ));
        assert!(!path_matches(
            "/api/v1/intake/probes/{id}",
            "/api/v1/intake/probes/1/x"
        ));
        assert!(path_matches(
            "/api/v1/directory/**",
            "/api/v1/directory/users/1"
        ));
        assert!(!path_matches("/api/v1/directory/**", "/api/v1/directory"));
    }

    #[test]
    fn unlisted_routes_have_no_rule_and_roles_are_checked() {
        assert!(find_rule(POLICY, "DELETE", "/api/v1/intake/probes").is_none());
        let rule = find_rule(POLICY, "post", "/api/v1/intake/probes").unwrap();
        assert!(allows(rule, Some(&[Role::Admin])));
        assert!(!allows(rule, Some(&[Role::Author])));
        assert!(!allows(rule, None));
        let login = find_rule(POLICY, "POST", "/api/v1/auth/login").unwrap();
        assert!(allows(login, None));
        let shared =
            find_rule(POLICY, "GET", "/api/v1/appraisal/shared/sittings/1/minutes").unwrap();
        assert_eq!(shared.access, Access::Signed);
        assert!(!allows(shared, Some(&[Role::Admin])));
        assert!(has_link_signature("expires=1&signature=abc"));
        assert!(!has_link_signature("expires=1"));
        assert!(!has_link_signature("expires=1&signature="));
    }
}
