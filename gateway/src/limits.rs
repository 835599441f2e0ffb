//! Rate limits, sign-in throttling, body limits and the client's address.

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::{
    collections::HashMap,
    net::IpAddr,
    num::NonZeroU32,
    sync::Mutex,
    time::{Duration, Instant},
};

use sangkien_kit::settings::{BodyLimitSetting, GatewaySettings};

use crate::domain::policy::path_matches;

/// The client's address: the peer, unless the peer is a trusted proxy, then the nearest
/// untrusted address in `X-Forwarded-For` (read from the right, so a client cannot choose its
/// own key by sending the header).
pub fn client_address(
    peer: Option<IpAddr>,
    forwarded_for: Option<&str>,
    trusted: &[IpAddr],
) -> Option<IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let Some(header) = forwarded_for else {
        return Some(peer);
    };
    let mut candidate = peer;
    for hop in header.rsplit(',') {
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) => {
                candidate = ip;
                if !trusted.contains(&ip) {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    Some(candidate)
}

/// Request-rate limits per user and per address.
pub struct RateLimits {
    per_user: DefaultKeyedRateLimiter<String>,
    per_address: DefaultKeyedRateLimiter<IpAddr>,
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN))
}

impl RateLimits {
    /// Limits from the settings.
    pub fn new(settings: &GatewaySettings) -> Self {
        Self {
            per_user: RateLimiter::keyed(per_minute(settings.rate_per_user_per_minute)),
            per_address: RateLimiter::keyed(per_minute(settings.rate_per_address_per_minute)),
        }
    }

    /// `Err(seconds to wait)` when the address is over its rate.
    pub fn check_address(&self, ip: IpAddr) -> Result<(), u64> {
        self.per_address.check_key(&ip).map_err(wait_secs)
    }

    /// `Err(seconds to wait)` when the user is over their rate.
    pub fn check_user(&self, user: &str) -> Result<(), u64> {
        self.per_user.check_key(&user.to_owned()).map_err(wait_secs)
    }
}

fn wait_secs(not_until: governor::NotUntil<governor::clock::QuantaInstant>) -> u64 {
    use governor::clock::{Clock, DefaultClock};
    not_until
        .wait_time_from(DefaultClock::default().now())
        .as_secs()
        .max(1)
}

/// How many times the per-(address, account) limit one account may fail from every address
/// together: slows a guesser spread over many addresses.
pub const ACCOUNT_FACTOR: u32 = 4;

/// How many times the per-(address, account) limit one address may fail over every account
/// together: a ceiling against one address trying many accounts, high enough that one
/// person's mistakes behind a shared NAT or proxy never stop the others.
pub const ADDRESS_FACTOR: u32 = 20;

/// Failed sign-ins within a window, counted per (address, account), per account and per
/// address.
///
/// With the default limit of 5 in 15 minutes: the account tried from the address that failed
/// 5 times waits; the account waits from everywhere after 20 failures from any addresses; the
/// address waits for every account after 100 failures. Another account's correct sign-in from
/// the same address goes through until that ceiling.
pub struct LoginThrottle {
    limit: u32,
    window: Duration,
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl LoginThrottle {
    /// `limit` failures per (address, account), [`ACCOUNT_FACTOR`] times as many per account
    /// and [`ADDRESS_FACTOR`] times as many per address, in `window`.
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit: limit.max(1),
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn keys(login: &str, ip: Option<IpAddr>) -> [(String, u32); 3] {
        let login = login.trim().to_lowercase();
        let ip = ip.map(|i| i.to_string()).unwrap_or_default();
        [
            (format!("pair:{ip}|{login}"), 1),
            (format!("account:{login}"), ACCOUNT_FACTOR),
            (format!("address:{ip}"), ADDRESS_FACTOR),
        ]
    }

    /// `Err(seconds to wait)` when this account from this address, the account, or the
    /// address has failed too often.
    pub fn check(&self, login: &str, ip: Option<IpAddr>) -> Result<(), u64> {
        let Ok(map) = self.failures.lock() else {
            return Ok(());
        };
        for (key, factor) in Self::keys(login, ip) {
            if let Some((n, since)) = map.get(&key)
                && since.elapsed() < self.window
                && *n >= self.limit.saturating_mul(factor)
            {
                return Err((self.window - since.elapsed()).as_secs().max(1));
            }
        }
        Ok(())
    }

    /// Counts a failure.
    pub fn failed(&self, login: &str, ip: Option<IpAddr>) {
        let Ok(mut map) = self.failures.lock() else {
            return;
        };
        if map.len() > 100_000 {
            map.retain(|_, (_, since)| since.elapsed() < self.window);
        }
        for (key, _) in Self::keys(login, ip) {
            let entry = map.entry(key).or_insert((0, Instant::now()));
            if entry.1.elapsed() >= self.window {
                *entry = (0, Instant::now());
            }
            entry.0 += 1;
        }
    }

    /// Forgets the account's failures (from this address and overall) after a successful
    /// sign-in; the address's own count stays.
    pub fn succeeded(&self, login: &str, ip: Option<IpAddr>) {
        if let Ok(mut map) = self.failures.lock() {
            let [(pair, _), (account, _), _] = Self::keys(login, ip);
            map.remove(&pair);
            map.remove(&account);
        }
    }
}

/// The body limit of `path`.
pub fn body_limit(path: &str, default: u64, limits: &[BodyLimitSetting]) -> u64 {
    limits
        .iter()
        .find(|l| path_matches(&l.pattern, path))
        .map(|l| l.max_bytes)
        .unwrap_or(default)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_address_trusts_forwarded_for_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let client: IpAddr = "203.0.113.7".parse().unwrap();
        assert_eq!(
            client_address(Some(client), Some("1.2.3.4"), &[proxy]),
            Some(client)
        );
        assert_eq!(
            client_address(Some(proxy), Some("1.2.3.4, 203.0.113.7"), &[proxy]),
            Some(client)
        );
        assert_eq!(client_address(Some(proxy), None, &[proxy]), Some(proxy));
    }

    #[test]
    fn sign_in_throttle_blocks_after_the_limit_and_forgets_on_success() {
        let t = LoginThrottle::new(3, Duration::from_secs(60));
        let ip = Some("127.0.0.1".parse().unwrap());
        for _ in 0..3 {
            assert!(t.check("An", ip).is_ok());
            t.failed("an", ip);
        }
        assert!(t.check("an", ip).is_err());
        assert!(
            t.check("binh", ip).is_ok(),
            "another account from the same address"
        );
        t.succeeded("an", ip);
        assert!(t.check("an", ip).is_ok());
    }

    #[test]
    fn one_persons_failures_behind_a_shared_address_never_lock_the_others() {
        let t = LoginThrottle::new(5, Duration::from_secs(900));
        let office: Option<IpAddr> = Some("203.0.113.9".parse().unwrap());
        // One person (or an attacker) fails 5 times on each of 19 accounts: 95 failures.
        for n in 0..19 {
            for _ in 0..5 {
                t.failed(&format!("nguoi-{n}"), office);
            }
            assert!(t.check(&format!("nguoi-{n}"), office).is_err());
        }
        assert!(t.check("hoa", office).is_ok(), "a colleague still signs in");
        // The address's ceiling: 20 times the limit.
        for _ in 0..5 {
            t.failed("nguoi-19", office);
        }
        assert!(
            t.check("hoa", office).is_err(),
            "100 failures stop the address"
        );
    }

    #[test]
    fn an_account_guessed_from_many_addresses_waits_everywhere() {
        let t = LoginThrottle::new(5, Duration::from_secs(900));
        for n in 0..4u8 {
            let ip: Option<IpAddr> = Some(IpAddr::from([198, 51, 100, n]));
            for _ in 0..5 {
                t.failed("chu.tich", ip);
            }
        }
        let home: Option<IpAddr> = Some("192.0.2.1".parse().unwrap());
        assert!(
            t.check("chu.tich", home).is_err(),
            "20 failures from any addresses"
        );
        assert!(t.check("thu.ky", home).is_ok());
    }

    #[test]
    fn body_limits_follow_the_route() {
        let limits = vec![BodyLimitSetting {
            pattern: "/api/v1/intake/dossiers/{id}/attachments".into(),
            max_bytes: 100,
        }];
        assert_eq!(
            body_limit("/api/v1/intake/dossiers/7/attachments", 10, &limits),
            100
        );
        assert_eq!(body_limit("/api/v1/intake/dossiers/7", 10, &limits), 10);
    }
}
