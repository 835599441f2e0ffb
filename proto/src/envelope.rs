//! The event envelope: the one shape every event has on the wire.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use uuid::Uuid;

/// A typed event payload.
///
/// `TYPE` is both the envelope's `type` and the routing key on the topic exchange, a
/// past-tense fact (`dossier.received`). `VERSION` rises when a payload changes in a way a
/// consumer must know; consumers ignore fields they do not know, so adding a field does not
/// need a new version.
pub trait Event: Serialize + DeserializeOwned {
    /// Envelope `type` and routing key.
    const TYPE: &'static str;
    /// Payload version.
    const VERSION: u16;
}

/// What travels between services.
///
/// `id` is a UUIDv7 and is also the AMQP message id, so the inbox can drop a redelivery by id.
/// `correlation_id` is the request id of the HTTP request that started the chain, carried
/// through every event it causes, so one dossier's path can be followed across processes.
/// `causation_id` is the id of the event that caused this one, if any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Envelope {
    /// UUIDv7, unique per event, equal to the AMQP message id.
    pub id: Uuid,
    /// Event type, also the routing key (e.g. `probe.sent`).
    #[serde(rename = "type")]
    pub event_type: String,
    /// Payload version.
    pub version: u16,
    /// When the fact happened (RFC 3339).
    pub occurred_at: DateTime<Utc>,
    /// The recognising body (tenant) the event belongs to.
    pub tenant: Uuid,
    /// Request id of the request that started the chain.
    pub correlation_id: String,
    /// Id of the event that caused this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub causation_id: Option<Uuid>,
    /// The event's payload.
    pub payload: serde_json::Value,
}

impl Envelope {
    /// Wraps a typed payload in a new envelope with a fresh UUIDv7.
    pub fn new<E: Event>(
        payload: &E,
        tenant: Uuid,
        occurred_at: DateTime<Utc>,
        correlation_id: impl Into<String>,
        causation_id: Option<Uuid>,
    ) -> Result<Self, serde_json::Error> {
        Ok(Self {
            id: Uuid::now_v7(),
            event_type: E::TYPE.to_owned(),
            version: E::VERSION,
            occurred_at,
            tenant,
            correlation_id: correlation_id.into(),
            causation_id,
            payload: serde_json::to_value(payload)?,
        })
    }

    /// The routing key on the topic exchange: the event type.
    pub fn routing_key(&self) -> &str {
        &self.event_type
    }

    /// True when this envelope carries an `E`.
    pub fn is<E: Event>(&self) -> bool {
        self.event_type == E::TYPE
    }

    /// Reads the payload as an `E`; fails when the type differs or the payload does not fit.
    pub fn decode<E: Event>(&self) -> Result<E, DecodeError> {
        if self.event_type != E::TYPE {
            return Err(DecodeError::WrongType {
                expected: E::TYPE,
                found: self.event_type.clone(),
            });
        }
        serde_json::from_value(self.payload.clone()).map_err(DecodeError::Payload)
    }

    /// The envelope as JSON bytes, the AMQP message body.
    pub fn to_bytes(&self) -> Result<Vec<u8>, serde_json::Error> {
        serde_json::to_vec(self)
    }

    /// Parses an envelope from an AMQP message body.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(bytes)
    }
}

/// Why a payload could not be read.
#[derive(Debug)]
pub enum DecodeError {
    /// The envelope holds another event type.
    WrongType {
        /// The type asked for.
        expected: &'static str,
        /// The type found.
        found: String,
    },
    /// The payload does not match the type.
    Payload(serde_json::Error),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::WrongType { expected, found } => {
                write!(f, "expected event {expected}, found {found}")
            }
            Self::Payload(e) => write!(f, "payload does not match: {e}"),
        }
    }
}

impl std::error::Error for DecodeError {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::ProbeSent;

    #[test]
    fn envelope_round_trips_through_bytes_and_keeps_unknown_payload_fields() {
        let probe = ProbeSent {
            probe_id: Uuid::now_v7(),
            note: "hello".into(),
            sent_by: Uuid::now_v7(),
        };
        let env = Envelope::new(&probe, Uuid::now_v7(), Utc::now(), "req-1", None).unwrap();
        let mut json: serde_json::Value = serde_json::from_slice(&env.to_bytes().unwrap()).unwrap();
        json["payload"]["added_later"] = serde_json::json!(42);
        let back = Envelope::from_bytes(&serde_json::to_vec(&json).unwrap()).unwrap();
        assert_eq!(back.id, env.id);
        assert_eq!(back.routing_key(), "probe.sent");
        assert_eq!(back.decode::<ProbeSent>().unwrap(), probe);
    }

    #[test]
    fn envelope_id_is_a_uuid_v7() {
        let probe = ProbeSent {
            probe_id: Uuid::now_v7(),
            note: String::new(),
            sent_by: Uuid::now_v7(),
        };
        let env = Envelope::new(&probe, Uuid::nil(), Utc::now(), "r", None).unwrap();
        assert_eq!(env.id.get_version_num(), 7);
    }
}
