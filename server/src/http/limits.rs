//! Rate limits of the public API, with `governor`'s keyed token buckets:
//! renders and steps per client address, steps per player, at each
//! account's [`RateLimits`]. The client address is the peer's, or, when the
//! peer is a trusted proxy (`--trusted-proxies`), the nearest address in
//! `X-Forwarded-For` (or `Forwarded`) that is not one of them.

use std::{
    net::{IpAddr, Ipv4Addr, SocketAddr},
    num::NonZeroU32,
    sync::{Arc, Weak},
    time::Duration,
};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{HeaderMap, request::Parts},
};
use governor::{
    DefaultKeyedRateLimiter, Quota, RateLimiter,
    clock::{Clock as _, DefaultClock},
};
use ipnet::IpNet;

use super::{AppState, error::Error};
use adact_domain::{account::Account, rate_limits::RateLimits};

/// Every account's buckets, and who may name the client.
#[derive(Debug)]
pub struct Limiter {
    trusted: Vec<IpNet>,
    /// By account and limits: new limits start new buckets.
    accounts: moka::sync::Cache<(String, RateLimits), Arc<Buckets>>,
}

#[derive(Debug)]
struct Buckets {
    renders_per_ip: DefaultKeyedRateLimiter<IpAddr>,
    steps_per_ip: DefaultKeyedRateLimiter<IpAddr>,
    steps_per_player: DefaultKeyedRateLimiter<String>,
}

/// How often buckets that are full again are dropped, so a flood of
/// addresses does not grow memory for good.
const SWEEP: Duration = Duration::from_secs(60);

fn quota(per_minute: u32) -> Quota {
    let rate = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(RateLimits::burst(per_minute)).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(rate).allow_burst(burst)
}

impl Buckets {
    fn new(limits: &RateLimits) -> Self {
        Self {
            renders_per_ip: RateLimiter::keyed(quota(limits.renders_per_ip)),
            steps_per_ip: RateLimiter::keyed(quota(limits.steps_per_ip)),
            steps_per_player: RateLimiter::keyed(quota(limits.steps_per_player)),
        }
    }

    fn sweep(&self) {
        self.renders_per_ip.retain_recent();
        self.steps_per_ip.retain_recent();
        self.steps_per_player.retain_recent();
        self.renders_per_ip.shrink_to_fit();
        self.steps_per_ip.shrink_to_fit();
        self.steps_per_player.shrink_to_fit();
    }
}

/// What a request counts against.
#[derive(Debug, Clone, Copy)]
pub enum Bucket<'a> {
    Render(IpAddr),
    Step(IpAddr),
    Player(&'a str),
}

impl Limiter {
    /// A limiter, swept every minute for as long as it lives.
    pub fn new(trusted: Vec<IpNet>) -> Arc<Self> {
        let limiter = Arc::new(Self {
            trusted,
            accounts: moka::sync::Cache::builder()
                .max_capacity(10_000)
                .time_to_idle(Duration::from_secs(3600))
                .build(),
        });
        tokio::spawn(sweep(Arc::downgrade(&limiter)));
        limiter
    }

    /// Takes a token from the account's bucket, or says how long to wait.
    pub fn check(&self, account: &Account, bucket: Bucket<'_>) -> Result<(), Error> {
        let limits = account.rate_limits();
        let buckets = self.accounts.get_with((account.id.clone(), limits), || {
            Arc::new(Buckets::new(&limits))
        });
        let checked = match bucket {
            Bucket::Render(ip) => buckets.renders_per_ip.check_key(&ip),
            Bucket::Step(ip) => buckets.steps_per_ip.check_key(&ip),
            Bucket::Player(player) => buckets.steps_per_player.check_key(&player.to_owned()),
        };
        checked.map_err(|not_until| Error::RateLimited {
            retry_after: not_until.wait_time_from(DefaultClock::default().now()),
        })
    }

    /// The client's address: the peer's, unless the peer is a trusted
    /// proxy; then the nearest forwarded address that is not one.
    pub fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.is_trusted(peer) {
            return peer;
        }
        let chain = forwarded_chain(headers);
        chain
            .iter()
            .rev()
            .copied()
            .find(|ip| !self.is_trusted(*ip))
            .or_else(|| chain.first().copied())
            .unwrap_or(peer)
    }

    fn is_trusted(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.trusted.iter().any(|net| net.contains(&ip))
    }
}

async fn sweep(limiter: Weak<Limiter>) {
    loop {
        tokio::time::sleep(SWEEP).await;
        let Some(limiter) = limiter.upgrade() else {
            return;
        };
        for (_, buckets) in limiter.accounts.iter() {
            buckets.sweep();
        }
    }
}

/// The addresses a request passed through, client first: `Forwarded`'s
/// `for=` when present, else `X-Forwarded-For`. Unparsable entries (an
/// obfuscated `for=_hidden`, `unknown`) end the chain there.
fn forwarded_chain(headers: &HeaderMap) -> Vec<IpAddr> {
    let values = |name| {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect::<Vec<_>>()
    };
    let forwarded = values("forwarded");
    let entries: Vec<Option<IpAddr>> = if forwarded.is_empty() {
        values("x-forwarded-for")
            .into_iter()
            .map(parse_node)
            .collect()
    } else {
        forwarded
            .into_iter()
            .map(|element| {
                element
                    .split(';')
                    .filter_map(|pair| pair.trim().split_once('='))
                    .find(|(name, _)| name.eq_ignore_ascii_case("for"))
                    .and_then(|(_, node)| parse_node(node.trim_matches('"')))
            })
            .collect()
    };
    // Only the part nearest to us can be trusted: stop at the last
    // unparsable entry.
    let start = entries
        .iter()
        .rposition(Option::is_none)
        .map_or(0, |i| i + 1);
    entries[start..].iter().flatten().copied().collect()
}

/// `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1` or `[2001:db8::1]:4711`.
fn parse_node(node: &str) -> Option<IpAddr> {
    node.parse::<IpAddr>()
        .ok()
        .or_else(|| node.parse::<SocketAddr>().ok().map(|a| a.ip()))
        .or_else(|| {
            let inner = node.strip_prefix('[')?.split(']').next()?;
            inner.parse().ok()
        })
        .map(|ip: IpAddr| ip.to_canonical())
}

/// The client's address, for the rate limits.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        // Served without connection info (handler tests): one client.
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |c| c.0.ip().to_canonical());
        Ok(Self(state.limiter.client_ip(peer, &parts.headers)))
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    #[tokio::test]
    async fn only_trusted_proxies_name_the_client() {
        let limiter = Limiter::new(vec!["10.0.0.0/8".parse().unwrap()]);
        let forwarded = headers(&[("x-forwarded-for", "198.51.100.7, 10.0.0.2")]);
        // A stranger's header is ignored.
        assert_eq!(
            limiter.client_ip(ip("203.0.113.9"), &forwarded),
            ip("203.0.113.9")
        );
        // Through two of our proxies, the client is the first stranger.
        assert_eq!(
            limiter.client_ip(ip("10.0.0.1"), &forwarded),
            ip("198.51.100.7")
        );
        // A client cannot spoof past the nearest untrusted address.
        let spoofed = headers(&[("x-forwarded-for", "1.2.3.4, 198.51.100.7")]);
        assert_eq!(
            limiter.client_ip(ip("10.0.0.1"), &spoofed),
            ip("198.51.100.7")
        );
        let rfc7239 = headers(&[(
            "forwarded",
            r#"for="[2001:db8::1]:4711";proto=https, for=10.0.0.3"#,
        )]);
        assert_eq!(
            limiter.client_ip(ip("10.0.0.1"), &rfc7239),
            ip("2001:db8::1")
        );
        // Nothing forwarded: the proxy itself.
        assert_eq!(
            limiter.client_ip(ip("10.0.0.1"), &HeaderMap::new()),
            ip("10.0.0.1")
        );
    }

    #[tokio::test]
    async fn a_bucket_takes_half_a_minute_at_once_then_says_when() {
        let limiter = Limiter::new(Vec::new());
        let account = Account {
            rate_limits: Some(RateLimits {
                steps_per_ip: 10,
                ..RateLimits::default()
            }),
            id: "acc_1".into(),
            name: "Shop".into(),
            embed_key: "pk_1".into(),
            admin_token_hash: String::new(),
            allowed_domains: Vec::new(),
            identity: adact_domain::identity::IdentitySecrets {
                current: String::new(),
                previous: None,
                previous_expires_at: None,
            },
            require_signed_identity: false,
            time_zone: jiff::tz::TimeZone::UTC,
        };
        let client = Bucket::Step(ip("198.51.100.7"));
        for _ in 0..5 {
            limiter.check(&account, client).unwrap();
        }
        let Err(Error::RateLimited { retry_after }) = limiter.check(&account, client) else {
            panic!("the sixth step at once is limited");
        };
        assert!(retry_after <= Duration::from_secs(6));
        // Another client, and another account, have their own buckets.
        limiter
            .check(&account, Bucket::Step(ip("198.51.100.8")))
            .unwrap();
        let other = Account {
            id: "acc_other".into(),
            ..account
        };
        limiter.check(&other, client).unwrap();
    }
}
