//! The public edge on the open internet: renders that write nothing and
//! answer from memory, signed session tokens, signed player identity, the
//! page's player data, rate limits, and identical steps sent at once.

use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::server::{EMBED_KEY, TestServer};

/// The demo's wheel: a form with a first name and a required email, and a
/// daily play limit.
const WHEEL: &str = "Default Users";
/// The demo's scratch card: the same form, unlimited plays.
const SCRATCH: &str = "Scratch Card";

pub async fn count(server: &TestServer, table: &str) -> i64 {
    let store = server.second_store().await;
    let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("select count(*) from {table}")))
        .fetch_one(store.pool())
        .await
        .unwrap();
    store.close().await;
    n
}

async fn render(server: &TestServer, body: Value) -> (StatusCode, Value) {
    server.public("/api/v1/embed/render", body).await
}

fn session(render: &Value) -> (String, String) {
    (
        render["session"]["id"].as_str().unwrap().to_owned(),
        render["session"]["token"].as_str().unwrap().to_owned(),
    )
}

async fn step(server: &TestServer, id: &str, step: &str, body: Value) -> (StatusCode, Value) {
    server
        .public(&format!("/api/v1/embed/sessions/{id}/{step}"), body)
        .await
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

async fn identity_secret(server: &TestServer) -> String {
    let (status, body) = server
        .call(Method::GET, "/api/v1/account/identity", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["secret"].as_str().unwrap().to_owned()
}

fn user_token(claims: &Value, secret: &str) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

#[tokio::test]
async fn renders_write_nothing_and_a_session_row_appears_at_its_first_step() {
    let server = TestServer::start(|_| {}).await;
    for i in 0..25 {
        let (status, body) = render(
            &server,
            json!({"segment": WHEEL, "anonymous_id": format!("visitor-{i}")}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    assert_eq!(
        count(&server, "plays").await,
        0,
        "a render wrote a play row"
    );

    let (_, body) = render(&server, json!({"segment": WHEEL, "anonymous_id": "ada"})).await;
    let (id, token) = session(&body);
    let fields = json!({"token": token, "fields": {"email": "ada@example.com"}, "consent": true});
    let (status, _) = step(&server, &id, "register", fields).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(count(&server, "plays").await, 1);
    let (status, played) = step(&server, &id, "play", json!({"token": token})).await;
    assert_eq!(status, StatusCode::OK, "{played}");
    assert_eq!(count(&server, "plays").await, 1);
    server.stop().await;
}

#[tokio::test]
async fn session_tokens_that_are_forged_or_belong_elsewhere_are_refused_and_write_nothing() {
    let server = TestServer::start(|_| {}).await;
    let (_, first) = render(&server, json!({"segment": WHEEL, "anonymous_id": "a"})).await;
    let (_, second) = render(&server, json!({"segment": SCRATCH, "anonymous_id": "a"})).await;
    let (id, token) = session(&first);
    let (other_id, other_token) = session(&second);
    let register = |token: &str| json!({"token": token, "fields": {"email": "a@example.com"}});

    // Forged: a changed body, a made-up token, an empty one.
    let (body, tag) = token.split_once('.').unwrap();
    let mut forged_body = body.to_owned();
    forged_body.replace_range(10..11, if &body[10..11] == "A" { "B" } else { "A" });
    for forged in [
        format!("{forged_body}.{tag}"),
        "pst_made_up".into(),
        String::new(),
    ] {
        let (status, answer) = step(&server, &id, "register", register(&forged)).await;
        assert_eq!(
            (status, code(&answer)),
            (StatusCode::UNAUTHORIZED, "session_invalid")
        );
    }
    // Replayed on another play (another campaign's session).
    let (status, answer) = step(&server, &other_id, "register", register(&token)).await;
    assert_eq!(
        (status, code(&answer)),
        (StatusCode::FORBIDDEN, "session_mismatch")
    );
    let (status, answer) = step(&server, &id, "play", json!({"token": other_token})).await;
    assert_eq!(
        (status, code(&answer)),
        (StatusCode::FORBIDDEN, "session_mismatch")
    );

    // Shown with another account's embed key.
    let store = server.second_store().await;
    let other = adact_server::app::accounts::create_account(&store, "Other shop", None, None)
        .await
        .unwrap();
    store.close().await;
    let response = server
        .client
        .post(server.url(&format!(
            "/api/v1/embed/sessions/{id}/register?key={}",
            other.account.embed_key
        )))
        .body(register(&token).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(code(&answer), "session_wrong_account");

    assert_eq!(count(&server, "plays").await, 0);
    assert_eq!(count(&server, "players").await, 0);
    server.stop().await;
}

#[tokio::test]
async fn the_pages_player_data_prefills_the_form_and_reaches_the_player_and_events() {
    let server = TestServer::start(|_| {}).await;
    let user = json!({"id": "shop-42", "email": "ada@example.com", "name": "Ada"});
    let (status, body) = render(&server, json!({"segment": WHEEL, "user": user})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["prefill"],
        json!({"email": "ada@example.com", "name": "Ada"})
    );

    // The visitor changes the email: typed beats the page's unsigned value.
    let (id, token) = session(&body);
    let fields = json!({"token": token, "fields": {"email": "ada@work.example"}, "consent": true});
    let (status, _) = step(&server, &id, "register", fields).await;
    assert_eq!(status, StatusCode::OK);
    let events = server.events().await;
    let created = events
        .iter()
        .find(|e| e["type"] == "player.created")
        .unwrap();
    assert_eq!(created["data"]["player"]["email"], "ada@work.example");
    assert_eq!(created["data"]["player"]["name"], "Ada");

    // A bad email from the page is a clear error naming it.
    let bad = json!({"segment": WHEEL, "user": {"id": "x", "email": "not an email"}});
    let (status, answer) = render(&server, bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer["error"]["field"], "user.email");
    server.stop().await;
}

#[tokio::test]
async fn signed_identity_names_the_player_and_bad_tokens_are_refused_with_their_reason() {
    let server = TestServer::start(|_| {}).await;
    let secret = identity_secret(&server).await;
    assert!(secret.starts_with("ids_"), "{secret}");
    let exp = jsonwebtoken::get_current_timestamp() + 600;

    // Signed values win over the page's and the form's.
    let token = user_token(
        &json!({"sub": "crm-7", "email": "grace@example.com", "name": "Grace", "exp": exp}),
        &secret,
    );
    let page = json!({"id": "someone-else", "email": "typed@example.com"});
    let (status, body) = render(
        &server,
        json!({"segment": WHEEL, "user": page, "user_token": token}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["prefill"]["email"], "grace@example.com");
    let (id, session_token) = session(&body);
    let fields =
        json!({"token": session_token, "fields": {"email": "typed@example.com"}, "consent": true});
    let (status, _) = step(&server, &id, "register", fields).await;
    assert_eq!(status, StatusCode::OK);
    let events = server.events().await;
    let player = &events
        .iter()
        .find(|e| e["type"] == "player.created")
        .unwrap()["data"]["player"];
    assert_eq!(player["external_id"], "crm-7");
    assert_eq!(player["email"], "grace@example.com");
    assert_eq!(player["fields"]["email"], "grace@example.com");

    // Each bad token says why, and nothing is written.
    let payload = token.split('.').nth(1).unwrap();
    let now = jsonwebtoken::get_current_timestamp();
    let cases = [
        (
            user_token(&json!({"sub": "1"}), "ids_guessed"),
            StatusCode::UNAUTHORIZED,
            "user_token_invalid",
            "identity secret",
        ),
        (
            format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}."),
            StatusCode::UNAUTHORIZED,
            "user_token_invalid",
            "HS256",
        ),
        (
            user_token(&json!({"sub": "1", "exp": 1_000}), &secret),
            StatusCode::UNAUTHORIZED,
            "user_token_expired",
            "expired",
        ),
        (
            user_token(&json!({"sub": "1", "nbf": now + 3600}), &secret),
            StatusCode::UNAUTHORIZED,
            "user_token_not_yet_valid",
            "nbf",
        ),
        (
            user_token(&json!({"sub": "1", "exp": "9999999999"}), &secret),
            StatusCode::UNAUTHORIZED,
            "user_token_invalid",
            "`exp` claim must be a number",
        ),
        (
            user_token(&json!({"sub": "1", "pad": "x".repeat(4096)}), &secret),
            StatusCode::UNAUTHORIZED,
            "user_token_invalid",
            "at most 4096 bytes",
        ),
        (
            user_token(&json!({"sub": "1", "aud": "acc_other"}), &secret),
            StatusCode::FORBIDDEN,
            "user_token_wrong_account",
            "another account",
        ),
        (
            user_token(&json!({"email": "a@b.co"}), &secret),
            StatusCode::UNAUTHORIZED,
            "user_token_invalid",
            "no `sub` claim",
        ),
    ];
    let (plays, players) = (
        count(&server, "plays").await,
        count(&server, "players").await,
    );
    for (token, status, expected, says) in cases {
        let (got, answer) = render(&server, json!({"segment": WHEEL, "user_token": token})).await;
        assert_eq!((got, code(&answer)), (status, expected), "{answer}");
        let message = answer["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{says:?}: {answer}");
    }
    assert_eq!(count(&server, "plays").await, plays);
    assert_eq!(count(&server, "players").await, players);

    // A rotation keeps the previous secret for a day; both verify.
    let (status, rotated) = server
        .call(Method::POST, "/api/v1/account/identity/rotate-secret", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(rotated["secret"], secret.as_str());
    assert!(rotated["previous_secret_expires_at"].is_string());
    for secret in [secret.as_str(), rotated["secret"].as_str().unwrap()] {
        let token = user_token(&json!({"sub": "crm-8"}), secret);
        let (status, body) = render(&server, json!({"segment": WHEEL, "user_token": token})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    server.stop().await;
}

#[tokio::test]
async fn requiring_signed_identity_refuses_anonymous_register_and_play() {
    let server = TestServer::start(|_| {}).await;
    let secret = identity_secret(&server).await;
    let (status, body) = server
        .call(
            Method::PUT,
            "/api/v1/account/identity",
            Some(json!({"require_signed_identity": true})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["require_signed_identity"], true);

    // The page still renders, with a notice instead of the game.
    let (status, body) = render(&server, json!({"segment": SCRATCH, "anonymous_id": "bot"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["notice"]["code"], "signed_identity_required");
    let (id, token) = session(&body);
    let fields = json!({"token": token, "fields": {"email": "bot@example.com"}, "consent": true});
    let (status, answer) = step(&server, &id, "register", fields).await;
    assert_eq!(
        (status, code(&answer)),
        (StatusCode::FORBIDDEN, "signed_identity_required")
    );
    let (status, answer) = step(&server, &id, "play", json!({"token": token})).await;
    assert_eq!(
        (status, code(&answer)),
        (StatusCode::FORBIDDEN, "signed_identity_required")
    );
    assert_eq!(count(&server, "plays").await, 0);

    // With a valid token the player plays.
    let signed = user_token(&json!({"sub": "crm-1", "email": "c@example.com"}), &secret);
    let (_, body) = render(&server, json!({"segment": SCRATCH, "user_token": signed})).await;
    assert!(body["notice"].is_null(), "{body}");
    let (id, token) = session(&body);
    let fields = json!({"token": token, "fields": {}, "consent": true});
    let (status, answer) = step(&server, &id, "register", fields).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (status, answer) = step(&server, &id, "play", json!({"token": token})).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    server.stop().await;
}

/// One address sending 500 plays with fresh anonymous ids, as fast as it
/// can: the default limits let at most 30 steps through at once and one a
/// second after, so at most 20 plays (a register and a play each) in the
/// first 10 s; with "require signed identity", none.
#[tokio::test]
async fn one_address_farming_prizes_with_fresh_ids_is_held_to_the_default_limits() {
    let server = TestServer::start(|_| {}).await;
    let (status, defaults) = server
        .call(Method::DELETE, "/api/v1/account/rate-limits", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(defaults["custom"], false);
    assert_eq!(defaults["limits"]["steps_per_ip"], 60);

    let (played, limited, took) = farm(&server).await;
    // One step a second comes back while the loop runs.
    let allowed = (30 + took.as_secs()) / 2;
    println!(
        "rate limits: 500 farming plays from one address in {took:?}: {played} played, {limited} refused (allowed at most {allowed})"
    );
    assert!(played <= allowed, "{played} plays got through in {took:?}");
    assert!(limited > 400);

    // A 429 is the JSON error shape with Retry-After. The bucket refills
    // while the loop runs, so send until it answers 429 again.
    let mut limited_answer = None;
    for _ in 0..100 {
        let response = server
            .client
            .post(server.url(&format!("/api/v1/embed/sessions/x/play?key={EMBED_KEY}")))
            .header("origin", "https://shop.example.com")
            .body(json!({"token": "x"}).to_string())
            .send()
            .await
            .unwrap();
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            limited_answer = Some(response);
            break;
        }
    }
    let response = limited_answer.expect("no 429 within 100 steps from one address");
    assert_eq!(
        response.headers()["access-control-expose-headers"],
        "retry-after"
    );
    let wait: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(code(&body), "rate_limited");
    server.stop().await;

    // With signed identity required, a farm of anonymous ids plays nothing.
    let server = TestServer::start(|_| {}).await;
    server
        .call(
            Method::PUT,
            "/api/v1/account/identity",
            Some(json!({"require_signed_identity": true})),
        )
        .await;
    let (played, _, _) = farm(&server).await;
    assert_eq!(played, 0);
    server.stop().await;
}

/// Renders, registers and plays 500 times from one address with a fresh
/// anonymous id each time; how many played, were refused, and how long.
async fn farm(server: &TestServer) -> (u64, u64, Duration) {
    let started = Instant::now();
    let (mut played, mut limited) = (0, 0);
    for i in 0..500 {
        let (status, body) = render(
            server,
            json!({"segment": SCRATCH, "anonymous_id": format!("fresh-{i}")}),
        )
        .await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            limited += 1;
            continue;
        }
        let (id, token) = session(&body);
        let fields = json!({"token": token, "fields": {"email": "x@example.com"}, "consent": true});
        let (status, answer) = step(server, &id, "register", fields).await;
        if status != StatusCode::OK {
            assert!(
                ["rate_limited", "signed_identity_required"].contains(&code(&answer)),
                "{answer}"
            );
            limited += 1;
            continue;
        }
        let (status, _) = step(server, &id, "play", json!({"token": token})).await;
        match status {
            StatusCode::OK => played += 1,
            StatusCode::TOO_MANY_REQUESTS | StatusCode::FORBIDDEN => limited += 1,
            other => panic!("unexpected {other}"),
        }
    }
    (played, limited, started.elapsed())
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_bucket() {
    let server = TestServer::start(|config| {
        config.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    let limits = json!({"renders_per_ip": 2, "steps_per_ip": 2, "steps_per_player": 2});
    let (status, _) = server
        .call(Method::PUT, "/api/v1/account/rate-limits", Some(limits))
        .await;
    assert_eq!(status, StatusCode::OK);
    let render_as = |client: &'static str| {
        server
            .client
            .post(server.url(&format!("/api/v1/embed/render?key={EMBED_KEY}")))
            .header("x-forwarded-for", client)
            .body(json!({"segment": WHEEL}).to_string())
            .send()
    };
    // A burst of one (half of 2 a minute) per client.
    assert_eq!(
        render_as("198.51.100.1").await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        render_as("198.51.100.1").await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        render_as("198.51.100.2").await.unwrap().status(),
        StatusCode::OK
    );
    server.stop().await;
}

#[tokio::test]
async fn rate_limit_settings_are_validated_and_can_be_reset() {
    let server = TestServer::start(|_| {}).await;
    let bad = json!({"renders_per_ip": 0, "steps_per_ip": 60, "steps_per_player": 30});
    let (status, body) = server
        .call(Method::PUT, "/api/v1/account/rate-limits", Some(bad))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "renders_per_ip");
    let unknown = json!({"renders_per_ip": 10, "steps_per_ip": 60, "steps_per_player": 30, "x": 1});
    let (status, body) = server
        .call(Method::PUT, "/api/v1/account/rate-limits", Some(unknown))
        .await;
    assert_eq!(
        (status, code(&body), body["error"]["field"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some("x")
        )
    );
    let (status, body) = server
        .call(Method::DELETE, "/api/v1/account/rate-limits", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["limits"], body["defaults"]);
    server.stop().await;
}

/// A network retry sends the same step twice, or more, at once: every copy
/// answers the same, never 5xx, and each event is recorded once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identical_steps_sent_at_once_answer_the_same() {
    let server = TestServer::start(|_| {}).await;
    let (_, body) = render(
        &server,
        json!({"segment": SCRATCH, "anonymous_id": "twice"}),
    )
    .await;
    let (id, token) = session(&body);
    let copies = |step: &str, body: Value| {
        let url = server.url(&format!(
            "/api/v1/embed/sessions/{id}/{step}?key={EMBED_KEY}"
        ));
        let sent: Vec<_> = (0..8)
            .map(|_| {
                let request = server.client.post(&url).body(body.to_string());
                tokio::spawn(async move {
                    let response = request.send().await.unwrap();
                    (response.status(), response.json::<Value>().await.unwrap())
                })
            })
            .collect();
        async move {
            let mut answers = Vec::new();
            for copy in sent {
                answers.push(copy.await.unwrap());
            }
            for (status, answer) in &answers {
                assert_eq!(*status, StatusCode::OK, "{answer}");
            }
            assert!(answers.windows(2).all(|w| w[0].1 == w[1].1), "{answers:?}");
        }
    };
    let fields = json!({"token": token, "fields": {"email": "t@example.com"}, "consent": true});
    copies("register", fields).await;
    copies("play", json!({"token": token})).await;
    copies("finish", json!({"token": token})).await;
    let events = server.events().await;
    let of = |t: &str| events.iter().filter(|e| e["type"] == t).count();
    assert_eq!(of("player.created"), 1);
    assert_eq!(of("game.ended"), 1);
    assert_eq!(of("gameplay.finished"), 1);
    server.stop().await;
}

/// Edits are seen by renders at once on the server that made them, and on
/// another replica within the cache's bound: at once through LISTEN/NOTIFY
/// on PostgreSQL (with a TTL far longer than the wait), within the TTL on
/// SQLite.
#[tokio::test]
async fn an_edit_reaches_renders_on_this_and_another_replica() {
    let first = TestServer::start(|config| config.cache_ttl = Duration::from_secs(1)).await;
    let postgres = first.database_url.starts_with("postgres");
    let shared = first.database_url.clone();
    let second = TestServer::start(move |config| {
        config.database_url = shared;
        config.cache_ttl = Duration::from_secs(if postgres { 3600 } else { 1 });
    })
    .await;
    let name = |body: &Value| body["campaign"]["name"].as_str().unwrap_or("").to_owned();
    let (_, before) = render(&second, json!({"segment": WHEEL})).await;
    let campaign_id = before["campaign"]["id"].as_str().unwrap().to_owned();
    let (_, on_first) = render(&first, json!({"segment": WHEEL})).await;
    assert_eq!(name(&on_first), name(&before));

    let (status, _) = first
        .call(
            Method::PATCH,
            &format!("/api/v1/campaigns/{campaign_id}"),
            Some(json!({"name": "Renamed Wheel"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, on_first) = render(&first, json!({"segment": WHEEL})).await;
    assert_eq!(
        name(&on_first),
        "Renamed Wheel",
        "the editing server served a stale campaign"
    );

    let edited = Instant::now();
    loop {
        let (_, on_second) = render(&second, json!({"segment": WHEEL})).await;
        if name(&on_second) == "Renamed Wheel" {
            break;
        }
        assert!(
            edited.elapsed() < Duration::from_secs(10),
            "the other replica never saw the edit"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // A segment's change goes out with its own transaction.
    let (_, segments) = first
        .call(Method::GET, "/api/v1/segments?limit=200", None)
        .await;
    let segment_id = segments["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["title"] == WHEEL)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _) = first
        .call(
            Method::PATCH,
            &format!("/api/v1/segments/{segment_id}"),
            Some(json!({"title": "Wheel Fans"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let renamed = Instant::now();
    loop {
        let (status, _) = render(&second, json!({"segment": "Wheel Fans"})).await;
        if status == StatusCode::OK {
            break;
        }
        assert!(
            renamed.elapsed() < Duration::from_secs(10),
            "the other replica never saw the rename"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    println!(
        "cache: an edit reached the other replica's renders after {:?} ({})",
        edited.elapsed(),
        if postgres {
            "LISTEN/NOTIFY"
        } else {
            "SQLite, TTL 1 s"
        }
    );
    second.stop().await;
    first.stop().await;
}
