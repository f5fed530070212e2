//! The HTTP side of a delivery attempt: one pooled client for every
//! endpoint, no redirects, a total deadline per attempt, and at most 64 KiB
//! of each response kept.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use bytes::Bytes;
use reqwest::{StatusCode, header};

use adact_domain::webhook::address::check_url;

use super::policy::parse_retry_after;
use crate::net::GuardedResolver;

/// Response bytes kept for the history.
pub const RESPONSE_LIMIT: usize = 64 * 1024;

pub const USER_AGENT: &str = concat!("Adact-Webhooks/", env!("CARGO_PKG_VERSION"));

#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    allow_private: bool,
}

/// One attempt to send.
#[derive(Debug, Clone)]
pub struct Request {
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
    pub timeout: Duration,
}

/// What happened, as the history shows it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Response {
    pub status: Option<u16>,
    pub headers: Vec<(String, String)>,
    /// The first 64 KiB, as text (invalid UTF-8 replaced).
    pub body: String,
    pub duration_ms: i64,
    /// Why there is no usable response: timeout, connection error, refusal.
    pub error: Option<String>,
    /// `Retry-After` on a 429 or 503.
    pub retry_after: Option<Duration>,
}

impl Response {
    pub fn is_success(&self) -> bool {
        self.error.is_none() && self.status.is_some_and(|s| (200..300).contains(&s))
    }

    pub fn is_gone(&self) -> bool {
        self.status == Some(StatusCode::GONE.as_u16())
    }
}

/// reqwest is built without a bundled TLS crypto provider (the default one
/// needs cmake and a long C build): use ring's. Any reqwest client in the
/// process needs this first; repeated calls are harmless.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl Client {
    pub fn new(allow_private: bool) -> anyhow::Result<Self> {
        install_crypto_provider();
        let mut builder = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .pool_idle_timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(64)
            .tcp_nodelay(true);
        if !allow_private {
            builder = builder
                .https_only(true)
                .dns_resolver(Arc::new(GuardedResolver));
        }
        Ok(Self {
            http: builder.build()?,
            allow_private,
        })
    }

    /// Sends one attempt; never fails, the outcome is in the response.
    pub async fn send(&self, request: Request) -> Response {
        let started = Instant::now();
        let elapsed =
            |started: Instant| i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        // IP literals never reach the resolver: check them here.
        if let Err(reason) = check_url(&request.url, self.allow_private) {
            return Response {
                error: Some(format!("refused: the URL {reason}")),
                ..Response::default()
            };
        }
        let timeout = request.timeout;
        let attempt = async {
            let mut builder = self.http.post(&request.url).body(request.body);
            for (name, value) in &request.headers {
                builder = builder.header(name, value);
            }
            let mut response = builder.send().await?;
            let status = response.status();
            let headers = response
                .headers()
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_owned(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect::<Vec<_>>();
            let retry_after = match status {
                StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => response
                    .headers()
                    .get(header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| parse_retry_after(v, std::time::SystemTime::now())),
                _ => None,
            };
            let mut body = Vec::new();
            while body.len() < RESPONSE_LIMIT {
                match response.chunk().await? {
                    Some(chunk) => body.extend_from_slice(&chunk),
                    None => break,
                }
            }
            body.truncate(RESPONSE_LIMIT);
            Ok::<_, reqwest::Error>(Response {
                status: Some(status.as_u16()),
                headers,
                body: String::from_utf8_lossy(&body).into_owned(),
                duration_ms: 0,
                error: None,
                retry_after,
            })
        };
        let mut response = match tokio::time::timeout(timeout, attempt).await {
            Ok(Ok(response)) => response,
            Ok(Err(err)) => Response {
                error: Some(describe(&err)),
                ..Response::default()
            },
            Err(_) => Response {
                error: Some(format!("timed out after {} ms", timeout.as_millis())),
                ..Response::default()
            },
        };
        response.duration_ms = elapsed(started);
        response
    }
}

/// A one-line reason, with the underlying cause (reqwest's own text is
/// often just "error sending request").
fn describe(err: &reqwest::Error) -> String {
    let mut text = if err.is_connect() {
        "connection failed".to_owned()
    } else if err.is_body() || err.is_decode() {
        "the response body could not be read".to_owned()
    } else {
        "request failed".to_owned()
    };
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(url: String) -> Request {
        Request {
            url,
            headers: vec![],
            body: Bytes::from_static(b"{}"),
            timeout: Duration::from_secs(2),
        }
    }

    /// The guard sits in the connection path too: a name resolving to
    /// loopback is refused when connecting, whatever was checked on save.
    #[tokio::test]
    async fn connections_to_private_addresses_are_refused() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let client = Client::new(false).unwrap();
        let response = client
            .send(request(format!("https://localhost:{port}/hook")))
            .await;
        let error = response.error.unwrap();
        assert!(error.contains("private or reserved"), "{error}");
        let response = client
            .send(request(format!("https://127.0.0.1:{port}/hook")))
            .await;
        assert!(
            response
                .error
                .unwrap()
                .starts_with("refused: the URL must not point to a private")
        );
    }
}
