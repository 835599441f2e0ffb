//! The key ring: the current signing key and the previous ones still published.
//!
//! Keys come from the configuration (`gateway.signing_keys`, current first). When it names
//! none — the standalone default — the gateway generates one at its first start and keeps it
//! in its database, so tokens survive a restart and replicas sharing the database agree.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use ed25519_dalek::{
    SigningKey,
    pkcs8::{DecodePrivateKey, EncodePrivateKey, spki::der::pem::LineEnding},
};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use sea_orm::{
    ActiveValue::Set, DatabaseConnection, EntityTrait, QueryOrder, sea_query::OnConflict,
};
use serde::Serialize;

use sangkien_kit::{ExposeSecret, auth::Verifier, settings::SigningKeySetting};

use crate::store::entities::signing_key;

/// One key of the ring.
struct RingKey {
    kid: String,
    encoding: EncodingKey,
    /// Public key, base64url (JWK `x`).
    x: String,
}

/// The keys the gateway signs with and publishes.
pub struct KeyRing {
    keys: Vec<RingKey>,
}

/// A published public key (RFC 8037 OKP JWK).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Jwk {
    /// `OKP`.
    pub kty: &'static str,
    /// `Ed25519`.
    pub crv: &'static str,
    /// Public key, base64url.
    pub x: String,
    /// Key id.
    pub kid: String,
    /// `EdDSA`.
    pub alg: &'static str,
    /// `sig`.
    #[serde(rename = "use")]
    pub use_: &'static str,
}

/// The JWKS document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Jwks {
    /// Every published key.
    pub keys: Vec<Jwk>,
}

fn ring_key(kid: &str, pem: &str) -> anyhow::Result<RingKey> {
    let signing = SigningKey::from_pkcs8_pem(pem)
        .map_err(|e| anyhow::anyhow!("signing key {kid} is not an Ed25519 PKCS#8 PEM: {e}"))?;
    Ok(RingKey {
        kid: kid.to_owned(),
        encoding: EncodingKey::from_ed_pem(pem.as_bytes())?,
        x: URL_SAFE_NO_PAD.encode(signing.verifying_key().as_bytes()),
    })
}

/// A new Ed25519 private key as PKCS#8 PEM.
pub fn generate_pem() -> anyhow::Result<String> {
    let key = SigningKey::from_bytes(&rand::random::<[u8; 32]>());
    Ok(key
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .to_string())
}

impl KeyRing {
    /// The configured keys, or the generated one from the database.
    pub async fn load(
        configured: &[SigningKeySetting],
        db: &DatabaseConnection,
        now: chrono::DateTime<chrono::Utc>,
    ) -> anyhow::Result<Self> {
        if !configured.is_empty() {
            let keys = configured
                .iter()
                .map(|k| ring_key(&k.kid, k.pem.expose_secret()))
                .collect::<anyhow::Result<Vec<_>>>()?;
            return Ok(Self { keys });
        }
        let candidate = signing_key::ActiveModel {
            kid: Set(format!("generated-{}", now.format("%Y%m%d"))),
            private_pem: Set(generate_pem()?),
            created_at: Set(now),
        };
        if signing_key::Entity::find().one(db).await?.is_none() {
            signing_key::Entity::insert(candidate)
                .on_conflict(
                    OnConflict::column(signing_key::Column::Kid)
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(db)
                .await?;
        }
        let stored = signing_key::Entity::find()
            .order_by_asc(signing_key::Column::CreatedAt)
            .one(db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no signing key could be stored"))?;
        Ok(Self {
            keys: vec![ring_key(&stored.kid, &stored.private_pem)?],
        })
    }

    /// The id of the key new tokens are signed with.
    pub fn current_kid(&self) -> &str {
        self.keys
            .first()
            .map(|k| k.kid.as_str())
            .unwrap_or_default()
    }

    /// Signs `claims` with the current key.
    pub fn sign<T: Serialize>(&self, claims: &T) -> anyhow::Result<String> {
        let key = self
            .keys
            .first()
            .ok_or_else(|| anyhow::anyhow!("no signing key"))?;
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(key.kid.clone());
        Ok(jsonwebtoken::encode(&header, claims, &key.encoding)?)
    }

    /// The JWKS document.
    pub fn jwks(&self) -> Jwks {
        Jwks {
            keys: self
                .keys
                .iter()
                .map(|k| Jwk {
                    kty: "OKP",
                    crv: "Ed25519",
                    x: k.x.clone(),
                    kid: k.kid.clone(),
                    alg: "EdDSA",
                    use_: "sig",
                })
                .collect(),
        }
    }

    /// Makes `verifier` accept exactly the published keys (replacing those of an earlier
    /// start in the same process).
    pub fn install(&self, verifier: &Verifier) -> anyhow::Result<()> {
        let keys = self
            .keys
            .iter()
            .map(|k| Ok((k.kid.clone(), DecodingKey::from_ed_components(&k.x)?)))
            .collect::<anyhow::Result<Vec<_>>>()?;
        verifier.set_local_keys(keys);
        Ok(())
    }
}
