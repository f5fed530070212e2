//! A real webhook receiver on port 0, and an independent signature
//! verifier written from the Standard Webhooks specification.

// A customer's endpoint, not the API: axum's own extractors do.
#![allow(clippy::disallowed_types)]

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    Router,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::IntoResponse,
    routing::post,
};
use base64::{Engine as _, engine::general_purpose::STANDARD};
use hmac::{Hmac, Mac as _};
use sha2::Sha256;
use tokio::{io::AsyncReadExt as _, net::TcpListener};

#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Received {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

#[derive(Clone, Default)]
struct Shared {
    got: Arc<Mutex<Vec<Received>>>,
    /// Requests seen per `webhook-id`, for `/flaky/{n}`.
    seen: Arc<Mutex<HashMap<String, u32>>>,
    delay: Duration,
}

/// Answers by path: `/ok` 200, `/fail` 500, `/gone` 410, `/busy` 429 with
/// `Retry-After: 1`, `/slow` after 3 s, `/flaky/{n}` 500 for the first `n`
/// requests of each webhook id and 200 after, `/fail-first/{needle}` 500 for
/// the first request of an event whose body contains `needle` and 200
/// otherwise; [`Receiver::drop_url`] closes
/// the connection without answering.
pub struct Receiver {
    pub base: String,
    drop_base: String,
    shared: Shared,
}

impl Receiver {
    pub async fn start() -> Self {
        Self::with_delay(Duration::ZERO).await
    }

    /// Every answer waits `delay` first (to keep attempts in flight).
    pub async fn with_delay(delay: Duration) -> Self {
        let shared = Shared {
            delay,
            ..Shared::default()
        };
        let app = Router::new()
            .route("/{behaviour}", post(answer))
            .route("/flaky/{n}", post(flaky))
            .route("/fail-first/{needle}", post(fail_first))
            .with_state(shared.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

        let dropper = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let drop_base = format!("http://{}", dropper.local_addr().unwrap());
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = dropper.accept().await {
                let mut buf = [0u8; 1024];
                let _ = socket.read(&mut buf).await;
                drop(socket);
            }
        });
        Self {
            base,
            drop_base,
            shared,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn drop_url(&self) -> String {
        format!("{}/drop", self.drop_base)
    }

    /// Waits until `n` distinct events have arrived.
    pub async fn wait_for_distinct(&self, n: usize, timeout: Duration) -> Vec<Received> {
        self.wait_for(timeout, |got| tally(got).0 >= n).await
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.got.lock().unwrap().clone()
    }

    /// Waits until `done` holds for what was received, or panics after `timeout`.
    pub async fn wait_for(
        &self,
        timeout: Duration,
        done: impl Fn(&[Received]) -> bool,
    ) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let got = self.received();
            if done(&got) {
                return got;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "timed out waiting; received {} requests",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn record(shared: &Shared, headers: HeaderMap, body: Bytes) -> u32 {
    if !shared.delay.is_zero() {
        tokio::time::sleep(shared.delay).await;
    }
    let id = headers
        .get("webhook-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let count = {
        let mut seen = shared.seen.lock().unwrap();
        let n = seen.entry(id).or_default();
        *n += 1;
        *n
    };
    shared.got.lock().unwrap().push(Received { headers, body });
    count
}

async fn answer(
    State(shared): State<Shared>,
    Path(behaviour): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    record(&shared, headers, body).await;
    match behaviour.as_str() {
        "ok" => (StatusCode::OK, [("x-receiver", "adact-tests")], "thanks").into_response(),
        "gone" => StatusCode::GONE.into_response(),
        "busy" => (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", "1")],
            "slow down",
        )
            .into_response(),
        "slow" => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            StatusCode::OK.into_response()
        }
        _ => (StatusCode::INTERNAL_SERVER_ERROR, "boom").into_response(),
    }
}

async fn flaky(
    State(shared): State<Shared>,
    Path(n): Path<u32>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let count = record(&shared, headers, body).await;
    if count > n {
        StatusCode::OK
    } else {
        StatusCode::INTERNAL_SERVER_ERROR
    }
}

async fn fail_first(
    State(shared): State<Shared>,
    Path(needle): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let marked = String::from_utf8_lossy(&body).contains(&needle);
    let count = record(&shared, headers, body).await;
    if marked && count == 1 {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    }
}

/// Distinct webhook ids among `got`, and how many of them arrived more than once.
pub fn tally(got: &[Received]) -> (usize, usize) {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for request in got {
        *counts.entry(request.header("webhook-id")).or_default() += 1;
    }
    (counts.len(), counts.values().filter(|&&n| n > 1).count())
}

/// Verifies a Standard Webhooks request: any of the space-separated `v1,`
/// signatures must be base64(HMAC-SHA256(secret, "{id}.{timestamp}.{body}")),
/// with the key being the base64 after `whsec_`.
pub fn verify(secret: &str, id: &str, timestamp: &str, signatures: &str, body: &[u8]) -> bool {
    let key = STANDARD
        .decode(secret.trim_start_matches("whsec_"))
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    let expected = STANDARD.encode(mac.finalize().into_bytes());
    signatures
        .split(' ')
        .any(|s| s.strip_prefix("v1,") == Some(expected.as_str()))
}

pub fn verify_request(secret: &str, received: &Received) -> bool {
    verify(
        secret,
        received.header("webhook-id"),
        received.header("webhook-timestamp"),
        received.header("webhook-signature"),
        &received.body,
    )
}

#[test]
fn the_verifier_accepts_the_published_vector() {
    assert!(verify(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "1614265330",
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        br#"{"test": 2432232314}"#,
    ));
    assert!(!verify(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "1614265331",
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        br#"{"test": 2432232314}"#,
    ));
}
