//! Event payloads, one type per fact, and the catalogue `proto/asyncapi.yaml` must match.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::Event;

/// A diagnostic probe was sent by intake.
///
/// Operators use it to check that the event path between services works end to end: intake
/// records the probe and publishes this event through its outbox; appraisal and decision
/// record its arrival through their inboxes and say so on their own probe endpoints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProbeSent {
    /// Id of the probe as recorded by intake.
    pub probe_id: Uuid,
    /// Free text the operator attached.
    pub note: String,
    /// The user who sent it.
    pub sent_by: Uuid,
}

impl Event for ProbeSent {
    const TYPE: &'static str = "probe.sent";
    const VERSION: u16 = 1;
}

/// A role held on a unit, as carried in directory events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GrantInfo {
    /// Role name.
    pub role: crate::Role,
    /// The unit it is held on.
    pub unit_id: Uuid,
}

/// A user or service account was created or changed (name, activity, grants), so services
/// can show names and know who holds which role without reading the gateway's tables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UserChanged {
    /// The user.
    pub user_id: Uuid,
    /// `person` or `service`.
    pub kind: String,
    /// Sign-in name.
    pub username: String,
    /// Full name.
    pub full_name: String,
    /// False once deactivated.
    pub active: bool,
    /// Every role the user now holds.
    pub grants: Vec<GrantInfo>,
}

impl Event for UserChanged {
    const TYPE: &'static str = "directory.user_changed";
    const VERSION: u16 = 1;
}

/// An organisational unit was created or changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UnitChanged {
    /// The unit.
    pub unit_id: Uuid,
    /// Its parent, if any.
    pub parent_id: Option<Uuid>,
    /// Code unique in the tenant.
    pub code: String,
    /// Name.
    pub name: String,
    /// Kind (`office`, `school`, `commune`, `council`, …).
    pub kind: String,
    /// False once deactivated.
    pub active: bool,
}

impl Event for UnitChanged {
    const TYPE: &'static str = "directory.unit_changed";
    const VERSION: u16 = 1;
}

/// An appraisal stage of a plan's field, as carried in intake's events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StageInfo {
    /// `appraisal_team` or `council`.
    pub kind: String,
    /// First local date of the stage.
    pub from: chrono::NaiveDate,
    /// Last local date, included.
    pub to: chrono::NaiveDate,
    /// Rubric code.
    pub rubric: String,
}

/// A field of a plan, as carried in `plan.published`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PlanFieldInfo {
    /// Field code (`education`).
    pub code: String,
    /// Name.
    pub name: String,
    /// The receiving office.
    pub receiving_unit_id: Uuid,
    /// First local date dossiers are received.
    pub receive_from: chrono::NaiveDate,
    /// Last local date, included.
    pub receive_to: chrono::NaiveDate,
    /// Appraisal stages in order.
    pub stages: Vec<StageInfo>,
}

/// A plan was published or amended: its fields, windows and stages as they now stand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PlanPublished {
    /// The plan.
    pub plan_id: Uuid,
    /// Number and symbol (`163/KH-UBND`).
    pub symbol: String,
    /// Title.
    pub title: String,
    /// Year.
    pub year: i32,
    /// 1 when first published, then one more per amendment.
    pub version: i32,
    /// The fields.
    pub fields: Vec<PlanFieldInfo>,
}

impl Event for PlanPublished {
    const TYPE: &'static str = "plan.published";
    const VERSION: u16 = 1;
}

/// An author or co-author, as appraisal needs them (names and conflicts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuthorInfo {
    /// Full name.
    pub full_name: String,
    /// Their account, if any.
    pub user_id: Option<Uuid>,
    /// Their unit, if known.
    pub unit_id: Option<Uuid>,
    /// Share in percent.
    pub contribution_percent: f64,
}

/// The receiving office registered a dossier: appraisal opens its case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DossierReceived {
    /// The dossier.
    pub dossier_id: Uuid,
    /// Its plan.
    pub plan_id: Uuid,
    /// The plan's field code.
    pub field: String,
    /// Register number in the plan and field.
    pub register_number: i32,
    /// The initiative's name.
    pub name: String,
    /// `technical`, `management`, `operational` or `technical_progress`.
    pub kind: String,
    /// The author who owns the dossier.
    pub owner: Uuid,
    /// The owner's unit.
    pub unit_id: Uuid,
    /// The unit head who confirmed it.
    pub confirmed_by: Option<Uuid>,
    /// Authors and co-authors.
    pub authors: Vec<AuthorInfo>,
    /// The submitted version appraised.
    pub version: i32,
    /// Local date of receipt.
    pub received_on: chrono::NaiveDate,
    /// The decision is due by then.
    pub decision_due_on: chrono::NaiveDate,
    /// The field's appraisal stages.
    pub stages: Vec<StageInfo>,
}

impl Event for DossierReceived {
    const TYPE: &'static str = "dossier.received";
    const VERSION: u16 = 1;
}

/// The author withdrew a dossier; appraisal closes its case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DossierWithdrawn {
    /// The dossier.
    pub dossier_id: Uuid,
    /// The author's reason.
    pub reason: String,
}

impl Event for DossierWithdrawn {
    const TYPE: &'static str = "dossier.withdrawn";
    const VERSION: u16 = 1;
}

/// Appraisal opened the case of a received dossier: the author sees it in appraisal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CaseOpened {
    /// The dossier (and case) id.
    pub dossier_id: Uuid,
    /// The first stage: `appraisal_team` or `council`.
    pub stage: String,
}

impl Event for CaseOpened {
    const TYPE: &'static str = "case.opened";
    const VERSION: u16 = 1;
}

/// Appraisal concluded on a dossier (the council's two-thirds vote, or the last stage's
/// result): recommended for recognition or not, with the written reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CaseConcluded {
    /// The dossier (and case) id.
    pub dossier_id: Uuid,
    /// Its plan.
    pub plan_id: Uuid,
    /// The plan's field code.
    pub field: String,
    /// The stage whose conclusion this is: `appraisal_team` or `council`.
    pub stage: String,
    /// True when recommended for recognition.
    pub recommended: bool,
    /// The conclusion's reason, as the author will read it.
    pub reason: String,
    /// Average score of the valid sheets, when scored.
    pub average_score: Option<f64>,
    /// Grade (`A`, `B`, `C`) when the rubric grades.
    pub grade: Option<String>,
    /// The conclusion's grounds as facts (votes, the rule applied, what the person wrote), so
    /// that each paper renders them in its own language instead of printing `reason`.
    #[serde(default)]
    pub grounds: Option<Grounds>,
}

/// Why a case concluded as it did, as facts rather than a sentence: a decision prints them in
/// Vietnamese, an English view in English, and nobody prints a stored bilingual sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Default)]
pub struct Grounds {
    /// The council's vote, when the conclusion is a vote.
    #[serde(default)]
    pub vote: Option<VoteCount>,
    /// The rule the conclusion applies: `two_thirds` (Circular 18/2013/TT-BKHCN, Art. 8) or
    /// `stage_result` (the appraisal team's result from its sheets).
    #[serde(default)]
    pub rule: Option<String>,
    /// What the person who recorded the result wrote, as they wrote it (may be empty).
    #[serde(default)]
    pub text: String,
}

impl Grounds {
    /// The grounds in one language: the vote with the count the two-thirds rule needs, then
    /// what the person wrote (as written). Never a sentence in two languages.
    pub fn text(&self, lang: crate::Lang) -> String {
        let vi = lang == crate::Lang::Vi;
        let mut parts = Vec::new();
        if let Some(v) = &self.vote {
            parts.push(if vi {
                format!(
                    "Hội đồng sáng kiến biểu quyết ngày {}: {}/{} thành viên tán thành (cần {}, ít nhất hai phần ba số thành viên), {} không tán thành, {} không biểu quyết — {}",
                    v.held_on.format("%d/%m/%Y"),
                    v.in_favour,
                    v.members,
                    v.required,
                    v.against,
                    v.abstaining,
                    if v.carried {
                        "đề nghị công nhận"
                    } else {
                        "không đề nghị công nhận"
                    }
                )
            } else {
                format!(
                    "The council voted on {}: {} of {} members in favour ({} needed, at least two thirds of the members), {} against, {} abstaining — {}",
                    v.held_on,
                    v.in_favour,
                    v.members,
                    v.required,
                    v.against,
                    v.abstaining,
                    if v.carried {
                        "recommended for recognition"
                    } else {
                        "not recommended"
                    }
                )
            });
        }
        let text = self.text.trim().trim_end_matches('.');
        if !text.is_empty() {
            parts.push(text.to_owned());
        }
        parts.join(". ")
    }
}

/// A council's vote on one dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct VoteCount {
    /// The sitting's date.
    pub held_on: chrono::NaiveDate,
    /// Members of the council.
    pub members: u32,
    /// Votes in favour.
    pub in_favour: u32,
    /// Votes against.
    pub against: u32,
    /// Members present who did not vote.
    pub abstaining: u32,
    /// Votes in favour needed (two thirds of the members, rounded up).
    pub required: u32,
    /// True when it carried.
    pub carried: bool,
}

impl Event for CaseConcluded {
    const TYPE: &'static str = "case.concluded";
    const VERSION: u16 = 1;
}

/// Who may read a dossier because they judge it, as appraisal now sees it: the reviewers
/// assigned to it and the members of a council sitting on it (`readers`), and the panel
/// members the conflict rules keep off it (`conflicted`, refused with 403). Intake keeps the
/// latest set per dossier (by `revision`), so it can open the dossier to its assessors without
/// asking appraisal on the user's request path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CaseReadersChanged {
    /// The dossier (and case) id.
    pub dossier_id: Uuid,
    /// Users who may read the dossier and its attachments, confidential part included.
    pub readers: Vec<Uuid>,
    /// Panel members who may not, because of a conflict of interest.
    pub conflicted: Vec<Uuid>,
    /// One more at each announcement of this dossier: an older set never replaces a newer
    /// one, whatever order they arrive in.
    pub revision: i64,
    /// When appraisal computed the set.
    pub as_of: chrono::DateTime<chrono::Utc>,
}

impl Event for CaseReadersChanged {
    const TYPE: &'static str = "case.readers_changed";
    const VERSION: u16 = 1;
}

/// A panel member, as carried in `panel.changed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PanelMemberInfo {
    /// Their account.
    pub user_id: Uuid,
    /// Full name.
    pub full_name: String,
    /// `chair`, `vice_chair`, `secretary`, `member`, `expert`, `trade_union` or `other`:
    /// what they may do and what the budget pays them.
    pub panel_role: String,
}

/// A panel (appraisal team or council) of a plan's field was created or changed, so the budget
/// can estimate its sittings from its size and roles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PanelChanged {
    /// The panel.
    pub panel_id: Uuid,
    /// Its plan.
    pub plan_id: Uuid,
    /// The plan's field code.
    pub field: String,
    /// `appraisal_team` or `council`.
    pub stage: String,
    /// Name, as on the decision establishing it.
    pub name: String,
    /// Every member with their panel role.
    pub members: Vec<PanelMemberInfo>,
}

impl Event for PanelChanged {
    const TYPE: &'static str = "panel.changed";
    const VERSION: u16 = 1;
}

/// Someone present at a sitting, with the panel role that decides what they are paid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AttendeeInfo {
    /// Their account.
    pub user_id: Uuid,
    /// Full name.
    pub full_name: String,
    /// Panel role, as in [`PanelMemberInfo::panel_role`].
    pub panel_role: String,
}

/// A sitting was held and its minutes closed: who attended in which role (what the budget
/// pays, once per sitting) and which dossiers it discussed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SittingHeld {
    /// The sitting.
    pub sitting_id: Uuid,
    /// The panel that sat.
    pub panel_id: Uuid,
    /// Its plan.
    pub plan_id: Uuid,
    /// The plan's field code.
    pub field: String,
    /// `appraisal_team` or `council`.
    pub stage: String,
    /// Local date of the sitting.
    pub held_on: chrono::NaiveDate,
    /// Everyone present.
    pub attendees: Vec<AttendeeInfo>,
    /// The dossiers discussed.
    pub dossier_ids: Vec<Uuid>,
}

impl Event for SittingHeld {
    const TYPE: &'static str = "sitting.held";
    const VERSION: u16 = 1;
}

/// A reviewer submitted (or revised) a score sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SheetSubmitted {
    /// The dossier (and case) id.
    pub dossier_id: Uuid,
    /// The reviewer.
    pub reviewer_id: Uuid,
    /// `appraisal_team` or `council`.
    pub stage: String,
    /// 1 for the first submission, then one more per revision.
    pub revision: i32,
    /// Total score.
    pub total: f64,
    /// Whether the sheet passes the rubric's rule.
    pub passed: bool,
    /// Grade when the rubric grades.
    pub grade: Option<String>,
}

impl Event for SheetSubmitted {
    const TYPE: &'static str = "sheet.submitted";
    const VERSION: u16 = 1;
}

/// What a signed decision says about one dossier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DossierOutcome {
    /// The dossier.
    pub dossier_id: Uuid,
    /// Recognised (true) or refused (false).
    pub recognised: bool,
    /// The written reason (required for a refusal).
    pub reason: String,
}

/// A recognition decision was signed and numbered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DecisionIssued {
    /// The decision.
    pub decision_id: Uuid,
    /// Its number and symbol (`05/QĐ-UBND`).
    pub number: String,
    /// Local date of signature.
    pub signed_on: chrono::NaiveDate,
    /// The outcome of each dossier it decides.
    pub outcomes: Vec<DossierOutcome>,
}

impl Event for DecisionIssued {
    const TYPE: &'static str = "decision.issued";
    const VERSION: u16 = 1;
}

/// What the provincial DOST system concluded on one nominated dossier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NominationOutcome {
    /// The dossier.
    pub dossier_id: Uuid,
    /// True when the province recognised it (at provincial level).
    pub recognised: bool,
    /// The province's note on it.
    pub note: String,
}

/// The provincial DOST system acknowledged a nomination of typical initiatives: it holds the
/// package under its receipt id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NominationSent {
    /// The nomination (also the `Idempotency-Key` it was sent with).
    pub nomination_id: Uuid,
    /// The dossiers nominated.
    pub dossier_ids: Vec<Uuid>,
    /// The province's receipt id.
    pub receipt_id: String,
    /// Sending attempts it took.
    pub attempts: i32,
}

impl Event for NominationSent {
    const TYPE: &'static str = "nomination.sent";
    const VERSION: u16 = 1;
}

/// The provincial DOST system reported its result on a nomination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NominationResultReported {
    /// The nomination.
    pub nomination_id: Uuid,
    /// The province's receipt id.
    pub receipt_id: Option<String>,
    /// The outcome of each dossier nominated.
    pub outcomes: Vec<NominationOutcome>,
    /// The province's note on the whole nomination.
    pub note: String,
}

impl Event for NominationResultReported {
    const TYPE: &'static str = "nomination.result_reported";
    const VERSION: u16 = 1;
}

/// One entry of the event catalogue: what the AsyncAPI document must describe.
#[derive(Debug, Clone)]
pub struct CatalogueEntry {
    /// Envelope type and routing key.
    pub event_type: &'static str,
    /// Payload version.
    pub version: u16,
    /// Name of the payload schema.
    pub schema_name: String,
    /// JSON Schema of the payload.
    pub schema: serde_json::Value,
}

fn entry<E: Event + ToSchema>() -> CatalogueEntry {
    let schema = serde_json::to_value(<E as utoipa::PartialSchema>::schema())
        .unwrap_or(serde_json::Value::Null);
    CatalogueEntry {
        event_type: E::TYPE,
        version: E::VERSION,
        schema_name: E::name().into_owned(),
        schema,
    }
}

/// Every event any service publishes. A new event is added here and in `asyncapi.yaml`; the
/// test `asyncapi_document_matches_the_rust_event_types` fails until both agree.
pub fn catalogue() -> Vec<CatalogueEntry> {
    vec![
        entry::<ProbeSent>(),
        entry::<UserChanged>(),
        entry::<UnitChanged>(),
        entry::<PlanPublished>(),
        entry::<DossierReceived>(),
        entry::<DossierWithdrawn>(),
        entry::<CaseOpened>(),
        entry::<CaseConcluded>(),
        entry::<CaseReadersChanged>(),
        entry::<PanelChanged>(),
        entry::<SittingHeld>(),
        entry::<SheetSubmitted>(),
        entry::<DecisionIssued>(),
        entry::<NominationSent>(),
        entry::<NominationResultReported>(),
    ]
}

/// Which service consumes which events: each consuming service has one durable queue bound
/// by these routing keys. Whoever connects to the broker first declares them all, so an event
/// published before its consumer ever started is kept for it.
pub fn subscriptions() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        (
            "intake",
            vec![
                UserChanged::TYPE,
                UnitChanged::TYPE,
                CaseOpened::TYPE,
                CaseConcluded::TYPE,
                CaseReadersChanged::TYPE,
                DecisionIssued::TYPE,
            ],
        ),
        (
            "appraisal",
            vec![
                UserChanged::TYPE,
                ProbeSent::TYPE,
                DossierReceived::TYPE,
                DossierWithdrawn::TYPE,
            ],
        ),
        (
            "decision",
            vec![
                ProbeSent::TYPE,
                PlanPublished::TYPE,
                DossierReceived::TYPE,
                CaseConcluded::TYPE,
                PanelChanged::TYPE,
                SittingHeld::TYPE,
                SheetSubmitted::TYPE,
                DecisionIssued::TYPE,
                UnitChanged::TYPE,
            ],
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use std::collections::BTreeSet;

    fn document() -> Value {
        let yaml: serde_yaml::Value =
            serde_yaml::from_str(include_str!("../asyncapi.yaml")).unwrap();
        serde_json::to_value(yaml).unwrap()
    }

    fn required(schema: &Value) -> BTreeSet<String> {
        schema["required"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The type of a property with `null` removed (`["string","null"]` is `string`).
    fn property_type(p: &Value) -> Value {
        match &p["type"] {
            Value::Array(types) => types
                .iter()
                .find(|t| *t != "null")
                .cloned()
                .unwrap_or(Value::Null),
            other => other.clone(),
        }
    }

    #[test]
    fn grounds_are_rendered_in_one_language_each() {
        let g = Grounds {
            vote: Some(VoteCount {
                held_on: chrono::NaiveDate::from_ymd_opt(2022, 3, 15).unwrap(),
                members: 7,
                in_favour: 3,
                against: 3,
                abstaining: 1,
                required: 5,
                carried: false,
            }),
            rule: Some("two_thirds".into()),
            text: String::new(),
        };
        let vi = g.text(crate::Lang::Vi);
        assert_eq!(
            vi,
            "Hội đồng sáng kiến biểu quyết ngày 15/03/2022: 3/7 thành viên tán thành (cần 5, ít nhất hai phần ba số thành viên), 3 không tán thành, 1 không biểu quyết — không đề nghị công nhận"
        );
        assert!(!vi.contains("council") && !vi.contains(" / "));
        let en = g.text(crate::Lang::En);
        assert!(
            en.starts_with("The council voted on 2022-03-15: 3 of 7"),
            "{en}"
        );
        assert!(!en.contains("tán thành"));
        let written = Grounds {
            text: "Trùng với sáng kiến đã được công nhận năm 2021.".into(),
            ..Grounds::default()
        };
        assert_eq!(
            written.text(crate::Lang::En),
            "Trùng với sáng kiến đã được công nhận năm 2021",
            "what a person wrote is printed as written"
        );
    }

    #[test]
    fn asyncapi_document_matches_the_rust_event_types() {
        let doc = document();
        let catalogue = catalogue();
        for entry in &catalogue {
            let channel = &doc["channels"][entry.event_type];
            assert_eq!(
                channel["address"], entry.event_type,
                "channel of {}",
                entry.event_type
            );
            let message = &doc["components"]["messages"][&entry.schema_name];
            assert_eq!(
                message["name"], entry.event_type,
                "message {}",
                entry.schema_name
            );
            assert_eq!(
                message["x-event-version"],
                serde_json::json!(entry.version),
                "version of {}",
                entry.event_type
            );
            let documented = &doc["components"]["schemas"][&entry.schema_name];
            assert_eq!(
                required(documented),
                required(&entry.schema),
                "required fields of {}",
                entry.schema_name
            );
            let rust_props = entry.schema["properties"].as_object().unwrap();
            let doc_props = documented["properties"].as_object().unwrap();
            let rust_names: BTreeSet<_> = rust_props.keys().collect();
            let doc_names: BTreeSet<_> = doc_props.keys().collect();
            assert_eq!(doc_names, rust_names, "fields of {}", entry.schema_name);
            for (name, p) in rust_props {
                assert_eq!(
                    property_type(&doc_props[name]),
                    property_type(p),
                    "type of {}.{name}",
                    entry.schema_name
                );
                assert_eq!(
                    doc_props[name].get("format"),
                    p.get("format"),
                    "format of {}.{name}",
                    entry.schema_name
                );
            }
        }
        let documented: BTreeSet<String> = doc["channels"]
            .as_object()
            .unwrap()
            .values()
            .map(|c| c["address"].as_str().unwrap().to_owned())
            .collect();
        let in_rust: BTreeSet<String> = catalogue.iter().map(|e| e.event_type.to_owned()).collect();
        assert_eq!(
            documented, in_rust,
            "events documented but not in the catalogue"
        );
    }
}
