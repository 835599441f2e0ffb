//! Signed expiring links: a route that honours one lets whoever holds the link read one
//! resource without an account (the provincial DOST system downloading a nominated dossier's
//! files, the minutes, the decision).
//!
//! The signature is HMAC-SHA256 over `METHOD \n path \n expires` (Unix seconds) with the
//! shared `links.secret`, base64url without padding; it is checked in constant time. The
//! link is `path?expires=…&signature=…`. The gateway lets such a route through without a
//! token only when both parameters are present; the service verifies them.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use serde::Deserialize;
use sha2::Sha256;

use sangkien_proto::ErrorCode;

use crate::{ApiError, Settings};

type HmacSha256 = Hmac<Sha256>;

/// The file standalone keeps its generated secret in, under the data directory.
pub const SECRET_FILE: &str = "links.secret";

/// Signs and verifies links with the shared secret.
#[derive(Clone)]
pub struct LinkSigner {
    key: Vec<u8>,
}

impl std::fmt::Debug for LinkSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkSigner(..)")
    }
}

/// Why a link is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRefused {
    /// The signature does not match (tampered path, expiry or signature; another secret).
    Invalid,
    /// The link was genuine but its time is over.
    Expired,
}

impl From<LinkRefused> for ApiError {
    fn from(r: LinkRefused) -> Self {
        match r {
            LinkRefused::Invalid => ApiError::new(ErrorCode::LinkInvalid).with_detail(
                "Chữ ký của đường dẫn không khớp; hãy dùng đúng đường dẫn đã được gửi",
                "The link's signature does not match; use the link exactly as it was sent",
            ),
            LinkRefused::Expired => ApiError::new(ErrorCode::LinkExpired).with_detail(
                "Đường dẫn đã hết hạn; hãy đề nghị gửi lại",
                "The link has expired; ask for it to be sent again",
            ),
        }
    }
}

/// The query parameters of a signed link.
#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SignedQuery {
    /// Unix seconds after which the link is refused.
    pub expires: i64,
    /// base64url HMAC-SHA256 of `METHOD\npath\nexpires`.
    pub signature: String,
}

impl LinkSigner {
    /// A signer with `secret`.
    pub fn new(secret: &str) -> Self {
        Self {
            key: secret.as_bytes().to_vec(),
        }
    }

    /// The signer of the settings' `links.secret`; an internal error when it is missing
    /// (the process starts only with one, so this means a misassembled test).
    pub fn from_settings(settings: &Settings) -> Result<Self, ApiError> {
        settings
            .links
            .secret
            .as_ref()
            .map(|s| Self::new(s.expose_secret()))
            .ok_or_else(|| ApiError::internal(anyhow::anyhow!("links.secret is not set")))
    }

    fn mac(&self, method: &str, path: &str, expires: i64) -> HmacSha256 {
        // HMAC accepts keys of any length.
        #[allow(clippy::expect_used)]
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(method.to_ascii_uppercase().as_bytes());
        mac.update(b"\n");
        mac.update(path.as_bytes());
        mac.update(b"\n");
        mac.update(expires.to_string().as_bytes());
        mac
    }

    /// The signature of `method path` valid until `expires`.
    pub fn sign(&self, method: &str, path: &str, expires: DateTime<Utc>) -> String {
        URL_SAFE_NO_PAD.encode(
            self.mac(method, path, expires.timestamp())
                .finalize()
                .into_bytes(),
        )
    }

    /// `path?expires=…&signature=…` for a GET of `path`.
    pub fn signed_path(&self, path: &str, expires: DateTime<Utc>) -> String {
        format!(
            "{path}?expires={}&signature={}",
            expires.timestamp(),
            self.sign("GET", path, expires)
        )
    }

    /// The absolute link: `base` (the gateway's public URL) and [`Self::signed_path`].
    pub fn signed_url(&self, base: &str, path: &str, expires: DateTime<Utc>) -> String {
        format!(
            "{}{}",
            base.trim_end_matches('/'),
            self.signed_path(path, expires)
        )
    }

    /// Checks a link: the signature first (constant time), then the expiry, so a forged link
    /// learns nothing about time.
    pub fn verify(
        &self,
        method: &str,
        path: &str,
        query: &SignedQuery,
        now: DateTime<Utc>,
    ) -> Result<(), LinkRefused> {
        let given = URL_SAFE_NO_PAD
            .decode(query.signature.as_bytes())
            .map_err(|_| LinkRefused::Invalid)?;
        self.mac(method, path, query.expires)
            .verify_slice(&given)
            .map_err(|_| LinkRefused::Invalid)?;
        if now.timestamp() > query.expires {
            return Err(LinkRefused::Expired);
        }
        Ok(())
    }
}

/// Verifies the signed link a request came by: the settings' secret, the request's method
/// and path, `expires` and `signature`.
pub fn verify_request(
    req: &actix_web::HttpRequest,
    settings: &Settings,
    query: &SignedQuery,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    LinkSigner::from_settings(settings)?.verify(req.method().as_str(), req.path(), query, now)?;
    Ok(())
}

/// Standalone: when `links.secret` is absent, reads the one kept in
/// `<data_dir>/links.secret`, or generates and keeps a new one, so links stay valid across
/// restarts and every service of the process shares it.
pub fn ensure_secret(settings: &mut Settings) -> anyhow::Result<()> {
    if settings.links.secret.is_some() {
        return Ok(());
    }
    let file = settings.data_dir.join(SECRET_FILE);
    let secret = match std::fs::read_to_string(&file) {
        Ok(s) if s.trim().len() >= 32 => s.trim().to_owned(),
        _ => {
            use rand::RngCore;
            let mut bytes = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            let s = URL_SAFE_NO_PAD.encode(bytes);
            std::fs::create_dir_all(&settings.data_dir)?;
            std::fs::write(&file, &s)?;
            s
        }
    };
    settings.links.secret = Some(secret.into());
    Ok(())
}

/// Distributed: every service must be given the same `links.secret`.
pub fn require_secret(settings: &Settings) -> anyhow::Result<()> {
    anyhow::ensure!(
        settings.links.secret.is_some(),
        "links.secret (SANGKIEN_LINKS__SECRET) is required in distributed mode: the same \
         secret of at least 32 characters for intake, appraisal and decision"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 29, h, 0, 0)
            .single()
            .unwrap()
    }

    fn query_of(signed: &str) -> (String, SignedQuery) {
        let (path, q) = signed.split_once('?').unwrap();
        let mut expires = 0;
        let mut signature = String::new();
        for pair in q.split('&') {
            let (k, v) = pair.split_once('=').unwrap();
            match k {
                "expires" => expires = v.parse().unwrap(),
                "signature" => signature = v.to_owned(),
                _ => {}
            }
        }
        (path.to_owned(), SignedQuery { expires, signature })
    }

    #[test]
    fn a_signed_link_verifies_until_it_expires() {
        let s = LinkSigner::new("a-secret-of-at-least-thirty-two-chars");
        let signed = s.signed_path("/api/v1/intake/shared/dossiers/1/attachments", at(12));
        let (path, q) = query_of(&signed);
        assert_eq!(s.verify("GET", &path, &q, at(11)), Ok(()));
        assert_eq!(s.verify("get", &path, &q, at(12)), Ok(()));
        assert_eq!(
            s.verify("GET", &path, &q, at(13)),
            Err(LinkRefused::Expired)
        );
    }

    #[test]
    fn a_tampered_link_is_invalid_whatever_was_changed() {
        let s = LinkSigner::new("a-secret-of-at-least-thirty-two-chars");
        let (path, q) = query_of(&s.signed_path("/api/v1/intake/shared/dossiers/1", at(12)));
        let later = SignedQuery {
            expires: q.expires + 3600,
            signature: q.signature.clone(),
        };
        assert_eq!(
            s.verify("GET", &path, &later, at(11)),
            Err(LinkRefused::Invalid)
        );
        assert_eq!(
            s.verify("GET", "/api/v1/intake/shared/dossiers/2", &q, at(11)),
            Err(LinkRefused::Invalid)
        );
        assert_eq!(
            s.verify("DELETE", &path, &q, at(11)),
            Err(LinkRefused::Invalid)
        );
        let mut flipped = q.signature.clone().into_bytes();
        flipped[0] = if flipped[0] == b'A' { b'B' } else { b'A' };
        let flipped = SignedQuery {
            expires: q.expires,
            signature: String::from_utf8(flipped).unwrap(),
        };
        assert_eq!(
            s.verify("GET", &path, &flipped, at(11)),
            Err(LinkRefused::Invalid)
        );
        let garbage = SignedQuery {
            expires: q.expires,
            signature: "not base64 !".into(),
        };
        assert_eq!(
            s.verify("GET", &path, &garbage, at(11)),
            Err(LinkRefused::Invalid)
        );
        // Another secret signs differently: a link from elsewhere is not ours.
        let other = LinkSigner::new("another-secret-of-thirty-two-chars!!");
        assert_eq!(
            other.verify("GET", &path, &q, at(11)),
            Err(LinkRefused::Invalid)
        );
    }

    #[test]
    fn standalone_keeps_its_generated_secret_across_restarts() {
        let dir = std::env::temp_dir().join(format!("sk-links-{}", uuid::Uuid::now_v7()));
        let mut s = Settings {
            data_dir: dir.clone(),
            ..Settings::default()
        };
        assert!(require_secret(&s).is_err());
        ensure_secret(&mut s).unwrap();
        let first = s.links.secret.clone().unwrap();
        assert!(first.expose_secret().len() >= 32);
        let mut again = Settings {
            data_dir: dir.clone(),
            ..Settings::default()
        };
        ensure_secret(&mut again).unwrap();
        assert_eq!(
            again.links.secret.as_ref().map(|s| s.expose_secret()),
            Some(first.expose_secret())
        );
        assert!(require_secret(&again).is_ok());
        let _ = std::fs::remove_dir_all(dir);
    }
}
