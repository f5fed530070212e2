//! Mixed writes on every write route of a running server, from clients
//! that wait for their answers and clients that hang up a few milliseconds
//! after sending, and the check that the database agrees with every answer.
//!
//! Shared by the fault tests (`faults.rs`) and the hang-ups bench
//! (`tests/bench/hangups.rs`, which includes this file by path), so it uses
//! nothing else of the test crate: only the server's HTTP API and a second
//! connection to its database.
//!
//! What is checked ([`check`]), for the writes a client was answered:
//! - a success is in the database, once: each created segment and endpoint
//!   exists with the id answered and has its one event; each play step has
//!   its row, its events and (for a win) its code; an edit is the last one
//!   answered;
//! - an answered failure (a 4xx or 5xx) wrote nothing;
//! - a write whose client hung up is whole, whether it committed or not: a
//!   segment exists iff its `segment.created` event does, a play with a
//!   prize has exactly its one code, every event has its delivery;
//! - the counters add up: a prize's stock left plus the codes given is its
//!   stock, and SQLite's event sequence has no gap.

use std::{
    collections::{HashMap, HashSet},
    fmt,
    time::{Duration, Instant},
};

use adact_store::Backend;
use rand::Rng as _;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::AnyPool;
use tokio::{io::AsyncWriteExt as _, net::TcpStream};
use tokio_util::sync::CancellationToken;

/// The demo's segment, whose wheel has prizes with stock.
pub const DEMO_SEGMENT: &str = "Default Users";

/// How long a client that stays waits for an answer: beyond the server's
/// own 30 s limit, so a stuck server is a failure rather than a hang.
const ANSWER_WITHIN: Duration = Duration::from_secs(40);

/// The longest a hanging-up client waits after sending before it resets
/// the connection.
const HANG_UP_WITHIN_MS: u64 = 8;

/// A running server, as its clients know it.
#[derive(Debug, Clone)]
pub struct Target {
    /// `http://host:port`, no trailing slash.
    pub base: String,
    pub admin_token: String,
    pub embed_key: String,
    pub client: reqwest::Client,
}

impl Target {
    pub fn new(base: &str, admin_token: &str, embed_key: &str) -> Self {
        Self {
            base: base.trim_end_matches('/').to_owned(),
            admin_token: admin_token.to_owned(),
            embed_key: embed_key.to_owned(),
            client: reqwest::Client::builder()
                .timeout(ANSWER_WITHIN)
                .build()
                .unwrap(),
        }
    }

    /// A request to the admin API, with the admin token.
    pub fn admin(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.admin_token)
    }

    /// A request to the public API, posted the way the embed posts it.
    pub fn public(&self, path: &str, body: &Value) -> reqwest::RequestBuilder {
        self.client
            .post(format!("{}{path}?key={}", self.base, self.embed_key))
            .header("content-type", "text/plain;charset=UTF-8")
            .body(body.to_string())
    }

    /// An admin call that must succeed; its JSON body.
    pub async fn must(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self.admin(method.clone(), path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(status.is_success(), "{method} {path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// Sends a request (to the public API when `public`, else as the
    /// admin) and resets the connection (RST) 0-8 ms later, without
    /// reading the answer.
    pub async fn hang_up(&self, method: Method, path: &str, public: bool, body: Option<&Value>) {
        let host = self
            .base
            .strip_prefix("http://")
            .expect("hang-ups need a plain http:// server");
        let (path, headers) = if public {
            let path = format!("{path}?key={}", self.embed_key);
            (
                path,
                "content-type: text/plain;charset=UTF-8\r\n".to_owned(),
            )
        } else {
            let token = &self.admin_token;
            let headers =
                format!("authorization: Bearer {token}\r\ncontent-type: application/json\r\n");
            (path.to_owned(), headers)
        };
        let body = body.map(Value::to_string).unwrap_or_default();
        let request = format!(
            "{method} {path} HTTP/1.1\r\nhost: {host}\r\n{headers}content-length: {}\r\n\r\n{body}",
            body.len()
        );
        let wait = Duration::from_millis(rand::rng().random_range(0..=HANG_UP_WITHIN_MS));
        let sent = async {
            let mut stream = TcpStream::connect(host).await?;
            stream.set_nodelay(true)?;
            // Closing with a zero linger time resets the connection.
            stream.set_zero_linger()?;
            stream.write_all(request.as_bytes()).await?;
            tokio::time::sleep(wait).await;
            drop(stream);
            Ok::<_, std::io::Error>(())
        };
        if let Err(err) = sent.await {
            panic!("a hanging-up client could not send {path}: {err}");
        }
    }
}

/// Lifts the public API's rate limits to the most an account may have:
/// load comes from one address, far above the default limits.
pub async fn lift_rate_limits(target: &Target) {
    let most = adact_domain::rate_limits::MAX_PER_MINUTE;
    let limits = json!({
        "renders_per_ip": most, "steps_per_ip": most, "steps_per_player": most,
    });
    target
        .must(Method::PUT, "/api/v1/account/rate-limits", Some(limits))
        .await;
}

/// A campaign definition with one prize of `stock` generated codes.
pub fn definition_with_stock(stock: u32) -> Value {
    json!({
        "texts": {"title": "Load"},
        "play_limit": "unlimited",
        "form": {"fields": [{"key": "email", "type": "email", "label": "Email", "required": true}]},
        "prizes": [{"name": "Gift card", "weight": 1, "stock": stock,
                    "codes": {"generate": {"prefix": "LOAD-"}}}],
        "no_prize": {"label": "Next time", "weight": 1}
    })
}

/// Creates an active wheel with `definition`; its id.
pub async fn create_campaign(target: &Target, name: &str, definition: Value) -> String {
    let body = json!({"name": name, "kind": "wheel", "status": "active", "definition": definition});
    let campaign = target
        .must(Method::POST, "/api/v1/campaigns", Some(body))
        .await;
    campaign["id"].as_str().unwrap().to_owned()
}

/// A webhook receiver that answers 204 to everything, in this process.
async fn sink() -> String {
    let app = axum::Router::new().fallback(|| async { StatusCode::NO_CONTENT });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

/// What the clients write to, made once through the admin API.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// Tells this run's titles and names from any other's.
    pub run: String,
    pub account_id: String,
    /// The demo wheel's stocked prizes: id and stock left plus codes given
    /// at the start, which no play may change.
    pub stock: Vec<(String, i64)>,
    /// One campaign per client, for segments to show and for edits, with
    /// its name at the start.
    pub campaigns: Vec<(String, String)>,
    /// The main webhook endpoint, delivering to a receiver in this process
    /// (the server must allow private endpoints).
    pub primary_endpoint: String,
    pub hook_url: String,
    /// A delivery to resend.
    pub delivery: String,
    /// For resend-failed and recover: a time before this run's events.
    pub since: String,
}

impl Fixture {
    /// Sets up `clients` clients' campaigns, webhooks on to a receiver in
    /// this process, with one event recorded while they were off (a
    /// skipped delivery, for recover to queue).
    pub async fn prepare(target: &Target, clients: usize) -> Self {
        let run = format!("{:06x}", rand::rng().random_range(0..0xff_ffff));
        let since = adact_domain::time::rfc3339(adact_domain::time::now_ms() - 60_000);
        let account = target.must(Method::GET, "/api/v1/account", None).await;
        let segments = target
            .must(Method::GET, "/api/v1/segments?limit=200", None)
            .await;
        let demo = segments["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["title"] == DEMO_SEGMENT)
            .unwrap_or_else(|| panic!("no segment {DEMO_SEGMENT:?}: start the server with --demo"));
        let path = format!(
            "/api/v1/campaigns/{}",
            demo["campaign_id"].as_str().unwrap()
        );
        let campaign = target.must(Method::GET, &path, None).await;
        let stock = campaign["prizes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["stock_remaining"].is_i64())
            .map(|p| {
                let total =
                    p["stock_remaining"].as_i64().unwrap() + p["codes_given"].as_i64().unwrap();
                (p["id"].as_str().unwrap().to_owned(), total)
            })
            .collect();
        let mut campaigns = Vec::with_capacity(clients);
        for n in 0..clients {
            let name = format!("load {run} client {n}");
            let id = create_campaign(target, &name, definition_with_stock(100)).await;
            campaigns.push((id, name));
        }
        let hook_url = sink().await;
        let settings = json!({"enabled": false, "url": hook_url});
        let saved = target
            .must(Method::PUT, "/api/v1/webhooks/settings", Some(settings))
            .await;
        let primary_endpoint = saved["endpoint"]["id"].as_str().unwrap().to_owned();
        let title = format!("load {run} while webhooks were off");
        let body = json!({"title": title, "campaign_id": campaigns[0].0});
        target
            .must(Method::POST, "/api/v1/segments", Some(body))
            .await;
        target
            .must(
                Method::PUT,
                "/api/v1/webhooks/settings",
                Some(json!({"enabled": true})),
            )
            .await;
        let deliveries = target
            .must(Method::GET, "/api/v1/webhooks/deliveries?limit=1", None)
            .await;
        Self {
            run,
            account_id: account["id"].as_str().unwrap().to_owned(),
            stock,
            campaigns,
            primary_endpoint,
            hook_url,
            delivery: deliveries["data"][0]["id"].as_str().unwrap().to_owned(),
            since,
        }
    }
}

/// What became of one write, as its client knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known {
    /// Answered with a success.
    Done,
    /// Answered with an error: it must have written nothing.
    NotDone,
    /// The client hung up, or got no answer: it may or may not have
    /// committed, but must be whole.
    Unknown,
}

/// One request of a client that waited for its answer.
#[derive(Debug, Clone)]
pub struct Request {
    pub route: &'static str,
    pub took: Duration,
    /// The answer's status; none when no answer came.
    pub status: Option<StatusCode>,
    /// The error body's `error.code`, for an error.
    pub error_code: Option<String>,
    /// What went wrong, when it was not a success.
    pub failure: Option<String>,
}

/// A segment's life: created, then maybe renamed, then maybe deleted.
#[derive(Debug, Clone)]
pub struct SegmentLife {
    pub title: String,
    pub id: Option<String>,
    pub created: Known,
    pub renamed: Option<(String, Known)>,
    pub deleted: Option<Known>,
}

/// A play session's steps.
#[derive(Debug, Clone)]
pub struct PlayLife {
    pub id: String,
    pub registered: Known,
    pub played: Option<Known>,
    /// The prize and code answered, for a win.
    pub won: Option<(String, String)>,
    pub finished: Option<Known>,
}

/// An endpoint's life: created, then maybe its description changed.
#[derive(Debug, Clone)]
pub struct EndpointLife {
    pub description: String,
    pub id: Option<String>,
    pub created: Known,
    pub renamed: Option<(String, Known)>,
}

/// Everything the clients sent and what they were told.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    /// The requests of clients that waited for their answers.
    pub requests: Vec<Request>,
    /// Requests sent by clients that hung up, by route.
    pub hung_up: HashMap<&'static str, usize>,
    pub segments: Vec<SegmentLife>,
    pub plays: Vec<PlayLife>,
    /// Campaign renames, in the order each campaign's client sent them.
    pub campaign_names: Vec<(String, String, Known)>,
    pub endpoints: Vec<EndpointLife>,
}

impl Ledger {
    pub fn merge(&mut self, other: Self) {
        self.requests.extend(other.requests);
        for (route, n) in other.hung_up {
            *self.hung_up.entry(route).or_default() += n;
        }
        self.segments.extend(other.segments);
        self.plays.extend(other.plays);
        self.campaign_names.extend(other.campaign_names);
        self.endpoints.extend(other.endpoints);
    }

    /// The failures of clients that waited for their answers.
    pub fn failures(&self) -> Vec<&str> {
        self.requests
            .iter()
            .filter_map(|r| r.failure.as_deref())
            .collect()
    }

    pub fn hung_up(&self) -> usize {
        self.hung_up.values().sum()
    }

    /// From now on, answered failures only say the write may not have
    /// committed (a database that went away while committing cannot tell).
    #[allow(dead_code)] // for the tests; the bench has no such failures
    pub fn failures_are_unknown(&mut self) {
        let unknown = |known: &mut Known| {
            if *known == Known::NotDone {
                *known = Known::Unknown;
            }
        };
        for s in &mut self.segments {
            unknown(&mut s.created);
            s.renamed.iter_mut().for_each(|(_, k)| unknown(k));
            s.deleted.iter_mut().for_each(unknown);
        }
        for p in &mut self.plays {
            unknown(&mut p.registered);
            p.played.iter_mut().for_each(unknown);
            p.finished.iter_mut().for_each(unknown);
        }
        self.campaign_names
            .iter_mut()
            .for_each(|(_, _, k)| unknown(k));
        for e in &mut self.endpoints {
            unknown(&mut e.created);
            e.renamed.iter_mut().for_each(|(_, k)| unknown(k));
        }
    }
}

/// When the clients stop.
#[derive(Debug, Clone)]
#[allow(dead_code)] // the tests count rounds or stop the load; the bench runs to a deadline
pub enum Until {
    /// After this many rounds each (a round is one write operation; each
    /// client goes through all of them in turn).
    Rounds(usize),
    Deadline(Instant),
    Cancelled(CancellationToken),
}

impl Until {
    fn more(&self, round: usize) -> bool {
        match self {
            Self::Rounds(n) => round < *n,
            Self::Deadline(at) => Instant::now() < *at,
            Self::Cancelled(token) => !token.is_cancelled(),
        }
    }
}

/// The write operations, each client going through them in turn.
const OPERATIONS: usize = 6;

/// Runs `staying` clients that wait for their answers and `hanging_up`
/// clients that reset their connections, each with its own campaign of the
/// fixture (which must have one per client), until `until`.
pub async fn run(
    target: &Target,
    fixture: &Fixture,
    staying: usize,
    hanging_up: usize,
    until: Until,
) -> Ledger {
    assert!(fixture.campaigns.len() >= staying + hanging_up);
    let batch = format!("{:04x}", rand::rng().random_range(0..0xffff));
    let tasks: Vec<_> = (0..staying + hanging_up)
        .map(|n| {
            let mut client = Client {
                target: target.clone(),
                fixture: fixture.clone(),
                batch: batch.clone(),
                n,
                hangs_up: n >= staying,
                ledger: Ledger::default(),
            };
            let until = until.clone();
            tokio::spawn(async move {
                let mut round = 0;
                while until.more(round) {
                    client.round(round).await;
                    round += 1;
                }
                client.ledger
            })
        })
        .collect();
    let mut ledger = Ledger::default();
    for task in tasks {
        ledger.merge(task.await.unwrap());
    }
    ledger
}

/// One request: its route's name (for the counts), and what to send.
struct Call {
    route: &'static str,
    method: Method,
    path: String,
    /// The public API's embed key, or else the admin token.
    public: bool,
    body: Option<Value>,
}

impl Call {
    fn admin(route: &'static str, method: Method, path: &str, body: Option<Value>) -> Self {
        Self {
            route,
            method,
            path: path.to_owned(),
            public: false,
            body,
        }
    }

    fn public(route: &'static str, path: &str, body: Value) -> Self {
        Self {
            route,
            method: Method::POST,
            path: path.to_owned(),
            public: true,
            body: Some(body),
        }
    }
}

/// What a client was told.
enum Answer {
    Done(Value),
    NotDone,
    /// No answer: the client hung up, or none came.
    Unknown,
}

impl Answer {
    fn known(&self) -> Known {
        match self {
            Self::Done(_) => Known::Done,
            Self::NotDone => Known::NotDone,
            Self::Unknown => Known::Unknown,
        }
    }

    fn body(&self) -> Option<&Value> {
        match self {
            Self::Done(body) => Some(body),
            _ => None,
        }
    }

    /// The `id` of what it created.
    fn id(&self) -> Option<String> {
        Some(self.body()?["id"].as_str()?.to_owned())
    }
}

/// One client, numbered `n`, of the run `batch`. A client that hangs up
/// waits for every request of an operation but one, which it sends and
/// resets.
struct Client {
    target: Target,
    fixture: Fixture,
    batch: String,
    n: usize,
    hangs_up: bool,
    ledger: Ledger,
}

impl Client {
    fn campaign(&self) -> &str {
        &self.fixture.campaigns[self.n].0
    }

    /// A title or name no other write of the fixture's uses.
    fn name(&self, what: &str, round: usize) -> String {
        let (run, batch, n) = (&self.fixture.run, &self.batch, self.n);
        format!("load {run} {what} {batch}-{n}-{round}")
    }

    /// Which of an operation's `requests` this client hangs up on, if any.
    fn cut(&self, requests: usize) -> Option<usize> {
        self.hangs_up.then(|| rand::rng().random_range(0..requests))
    }

    /// Sends `call`: waits for its answer, or with `hang_up` resets the
    /// connection instead.
    async fn write(&mut self, call: Call, hang_up: bool) -> Answer {
        if hang_up {
            self.hang_up(call).await;
            Answer::Unknown
        } else {
            self.send(call).await
        }
    }

    /// Sends a request and waits for its answer.
    async fn send(&mut self, call: Call) -> Answer {
        let url = format!("{}{}", self.target.base, call.path);
        let request = if call.public {
            let body = call.body.as_ref().unwrap_or(&Value::Null);
            self.target.public(&call.path, body)
        } else {
            let request = self.target.admin(call.method.clone(), &call.path);
            match &call.body {
                Some(body) => request.json(body),
                None => request,
            }
        };
        let at = Instant::now();
        let result = async {
            let response = request.send().await?;
            let status = response.status();
            Ok::<_, reqwest::Error>((status, response.text().await?))
        }
        .await;
        let mut request = Request {
            route: call.route,
            took: at.elapsed(),
            status: None,
            error_code: None,
            failure: None,
        };
        let answer = match result {
            Ok((status, text)) => {
                request.status = Some(status);
                let body = serde_json::from_str(&text).unwrap_or(Value::Null);
                if status.is_success() {
                    Answer::Done(body)
                } else {
                    request.error_code = body["error"]["code"].as_str().map(str::to_owned);
                    request.failure = Some(format!("{} {url}: {status} {text}", call.method));
                    Answer::NotDone
                }
            }
            Err(err) => {
                request.failure = Some(format!("{} {url}: no answer ({err})", call.method));
                Answer::Unknown
            }
        };
        self.ledger.requests.push(request);
        answer
    }

    /// Sends a request on a new connection and resets the connection
    /// 0-8 ms later, without reading any answer: the kernel sends RST, and
    /// the server drops the request's handler wherever it is.
    async fn hang_up(&mut self, call: Call) {
        *self.ledger.hung_up.entry(call.route).or_default() += 1;
        self.target
            .hang_up(call.method, &call.path, call.public, call.body.as_ref())
            .await;
    }

    /// One round: the operation after the one this client did last.
    async fn round(&mut self, round: usize) {
        match (self.n + round) % OPERATIONS {
            0 => self.play(round).await,
            1 => self.segment(round).await,
            2 => {
                let name = self.name("campaign", round);
                let path = format!("/api/v1/campaigns/{}", self.campaign());
                let call = Call::admin(
                    "edit campaign",
                    Method::PATCH,
                    &path,
                    Some(json!({"name": name})),
                );
                let known = self.write(call, self.hangs_up).await.known();
                let id = self.campaign().to_owned();
                self.ledger.campaign_names.push((id, name, known));
            }
            3 => self.endpoint(round).await,
            4 => {
                let body = json!({"enabled": true, "url": self.fixture.hook_url});
                let path = "/api/v1/webhooks/settings";
                let call = Call::admin("webhook settings", Method::PUT, path, Some(body));
                self.write(call, self.hangs_up).await;
            }
            _ => {
                // Resend a delivery, resend the failed ones, recover the
                // skipped ones.
                let since = json!({"since": self.fixture.since});
                let (delivery, endpoint) = (&self.fixture.delivery, &self.fixture.primary_endpoint);
                let calls = [
                    (
                        "resend delivery",
                        format!("/api/v1/webhooks/deliveries/{delivery}/resend"),
                        None,
                    ),
                    (
                        "resend failed",
                        "/api/v1/webhooks/deliveries/resend-failed".to_owned(),
                        Some(since.clone()),
                    ),
                    (
                        "recover",
                        format!("/api/v1/webhooks/endpoints/{endpoint}/recover"),
                        Some(since),
                    ),
                ];
                let cut = self.cut(calls.len());
                for (n, (route, path, body)) in calls.into_iter().enumerate() {
                    let call = Call::admin(route, Method::POST, &path, body);
                    self.write(call, cut == Some(n)).await;
                }
            }
        }
    }

    /// Render, register, play and finish the demo wheel as a new player.
    async fn play(&mut self, round: usize) {
        let player = self.name("player", round).replace(' ', "-");
        let body = json!({"segment": DEMO_SEGMENT, "user": {"id": player}});
        let render = self
            .send(Call::public("render", "/api/v1/embed/render", body))
            .await;
        let Some(render) = render.body() else { return };
        let id = render["session"]["id"].as_str().unwrap().to_owned();
        let token = render["session"]["token"].as_str().unwrap().to_owned();
        let mut life = PlayLife {
            id: id.clone(),
            registered: Known::Unknown,
            played: None,
            won: None,
            finished: None,
        };
        let fields = json!({"name": "Ada", "email": "ada@example.com"});
        let steps = [
            (
                "register",
                json!({"token": token, "fields": fields, "consent": true}),
            ),
            ("play", json!({"token": token})),
            ("finish", json!({"token": token})),
        ];
        let cut = self.cut(steps.len());
        for (n, (step, body)) in steps.into_iter().enumerate() {
            let path = format!("/api/v1/embed/sessions/{id}/{step}");
            let answer = self
                .write(Call::public(step, &path, body), cut == Some(n))
                .await;
            if let (1, Some(played)) = (n, answer.body())
                && let Some(code) = played["code"].as_str()
            {
                let prize = played["prize"]["id"].as_str().unwrap().to_owned();
                life.won = Some((prize, code.to_owned()));
            }
            let known = answer.known();
            match n {
                0 => life.registered = known,
                1 => life.played = Some(known),
                _ => life.finished = Some(known),
            }
            if known != Known::Done {
                break;
            }
        }
        self.ledger.plays.push(life);
    }

    /// Creates a segment, renames it, and deletes every other one.
    async fn segment(&mut self, round: usize) {
        let title = self.name("segment", round);
        let body = json!({"title": title, "campaign_id": self.campaign()});
        // A client that hangs up does so on the creation, or on the rest.
        let cut = self.cut(2);
        let call = Call::admin(
            "create segment",
            Method::POST,
            "/api/v1/segments",
            Some(body),
        );
        let created = self.write(call, cut == Some(0)).await;
        let mut life = SegmentLife {
            title: title.clone(),
            id: created.id(),
            created: created.known(),
            renamed: None,
            deleted: None,
        };
        if let Some(id) = life.id.clone() {
            let path = format!("/api/v1/segments/{id}");
            let renamed = format!("{title} renamed");
            let body = json!({"title": renamed});
            let call = Call::admin("edit segment", Method::PATCH, &path, Some(body));
            let answer = self.write(call, cut == Some(1)).await;
            life.renamed = Some((renamed, answer.known()));
            if round.is_multiple_of(2) || cut == Some(1) {
                let call = Call::admin("delete segment", Method::DELETE, &path, None);
                let answer = self.write(call, cut == Some(1)).await;
                life.deleted = Some(answer.known());
            }
        }
        self.ledger.segments.push(life);
    }

    /// Creates an endpoint that receives nothing (disabled, and subscribed
    /// to the test event only, so it adds no deliveries to the load), then
    /// changes its description.
    async fn endpoint(&mut self, round: usize) {
        let description = self.name("endpoint", round);
        let body = json!({
            "url": self.fixture.hook_url, "description": description,
            "enabled": false, "events": ["webhook.test"],
        });
        let cut = self.cut(2);
        let path = "/api/v1/webhooks/endpoints";
        let call = Call::admin("create endpoint", Method::POST, path, Some(body));
        let created = self.write(call, cut == Some(0)).await;
        let mut life = EndpointLife {
            description: description.clone(),
            id: created.id(),
            created: created.known(),
            renamed: None,
        };
        if let Some(id) = life.id.clone() {
            let path = format!("/api/v1/webhooks/endpoints/{id}");
            let renamed = format!("{description} renamed");
            let body = json!({"description": renamed});
            let call = Call::admin("edit endpoint", Method::PATCH, &path, Some(body));
            let answer = self.write(call, cut == Some(1)).await;
            life.renamed = Some((renamed, answer.known()));
        }
        self.ledger.endpoints.push(life);
    }
}

/// A disagreement between what clients were told and the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Problem {
    /// A write answered as a success is not in the database, or is there
    /// more than once.
    Missing,
    /// A write answered as a failure left something in the database.
    LeftBehind,
    /// A write is in the database in part.
    Torn,
    /// Counters do not add up.
    Counter,
}

/// What [`check`] found.
#[derive(Debug, Default)]
pub struct Report {
    pub problems: Vec<(Problem, String)>,
    /// Of the writes whose clients hung up (or got no answer): how many
    /// were checked, and how many turned out stored.
    pub unknown: usize,
    pub unknown_stored: usize,
}

impl Report {
    fn add(&mut self, problem: Problem, text: String) {
        self.problems.push((problem, text));
    }

    /// Counts a write whose outcome the client does not know.
    fn tally(&mut self, known: Known, happened: bool) {
        if known == Known::Unknown {
            self.unknown += 1;
            self.unknown_stored += usize::from(happened);
        }
    }

    pub fn count(&self, problem: Problem) -> usize {
        self.problems.iter().filter(|(p, _)| *p == problem).count()
    }

    pub fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} acknowledged writes missing or doubled, {} failed writes left something, \
             {} writes torn, {} counters off; of {} writes sent without waiting for the answer, \
             {} are stored",
            self.count(Problem::Missing),
            self.count(Problem::LeftBehind),
            self.count(Problem::Torn),
            self.count(Problem::Counter),
            self.unknown,
            self.unknown_stored,
        )?;
        for (problem, text) in self.problems.iter().take(30) {
            writeln!(f, "  {problem:?}: {text}")?;
        }
        if self.problems.len() > 30 {
            writeln!(f, "  ... and {} more", self.problems.len() - 30)?;
        }
        Ok(())
    }
}

/// Whether `answer` may have been the outcome, given what the client knows:
/// a success must have happened, a failure must not, an unknown may.
fn agrees(known: Known, happened: bool) -> bool {
    match known {
        Known::Done => happened,
        Known::NotDone => !happened,
        Known::Unknown => true,
    }
}

/// Checks the database (through `pool`, a connection of the test's own)
/// against what the clients of `ledger` were told.
pub async fn check(pool: &AnyPool, backend: Backend, fixture: &Fixture, ledger: &Ledger) -> Report {
    let mut report = Report::default();
    let account = fixture.account_id.as_str();
    let events = Events::load(pool, account).await;
    check_segments(pool, fixture, ledger, &events, &mut report).await;
    check_plays(pool, fixture, ledger, &events, &mut report).await;
    check_campaigns(pool, fixture, ledger, &mut report).await;
    check_endpoints(pool, fixture, ledger, &mut report).await;
    check_deliveries(pool, fixture, &mut report).await;
    if backend == Backend::Sqlite {
        // One writer at a time: the account's numbers have no gap, and its
        // counter is the last one given.
        let (count, last): (i64, Option<i64>) =
            sqlx::query_as("select count(*), max(sequence) from events where account_id = $1")
                .bind(account)
                .fetch_one(pool)
                .await
                .unwrap();
        let counter: Option<i64> =
            sqlx::query_scalar("select last_sequence from event_sequences where account_id = $1")
                .bind(account)
                .fetch_optional(pool)
                .await
                .unwrap();
        if last.unwrap_or(0) != count || counter != last {
            report.add(
                Problem::Counter,
                format!(
                    "{count} events numbered up to {last:?}, counter at {counter:?}: \
                     SQLite's sequence should have no gap"
                ),
            );
        }
    }
    report
}

/// The account's events, counted by type and by what they concern.
struct Events {
    /// (type, segment id or play id) -> how many.
    about: HashMap<(String, String), usize>,
    /// The titles `segment.created` events were recorded with.
    created_titles: HashSet<String>,
}

impl Events {
    async fn load(pool: &AnyPool, account: &str) -> Self {
        let rows: Vec<(String, String)> =
            sqlx::query_as("select type, payload from events where account_id = $1")
                .bind(account)
                .fetch_all(pool)
                .await
                .unwrap();
        let mut about = HashMap::new();
        let mut created_titles = HashSet::new();
        for (kind, payload) in rows {
            let payload: Value = serde_json::from_str(&payload).unwrap();
            let data = &payload["data"];
            let concerns = if kind.starts_with("segment.") {
                if kind == "segment.created" {
                    created_titles.insert(data["segment"]["title"].as_str().unwrap().to_owned());
                }
                data["segment"]["id"].as_str()
            } else {
                data["play"]["id"].as_str()
            };
            let Some(concerns) = concerns else { continue };
            // A player's event is one step: created or updated.
            let kind = if kind.starts_with("player.") {
                "player.*".to_owned()
            } else {
                kind
            };
            *about.entry((kind, concerns.to_owned())).or_default() += 1;
        }
        Self {
            about,
            created_titles,
        }
    }

    fn count(&self, kind: &str, about: &str) -> usize {
        self.about
            .get(&(kind.to_owned(), about.to_owned()))
            .copied()
            .unwrap_or(0)
    }
}

async fn check_segments(
    pool: &AnyPool,
    fixture: &Fixture,
    ledger: &Ledger,
    events: &Events,
    report: &mut Report,
) {
    let rows: Vec<(String, String)> =
        sqlx::query_as("select id, title from segments where account_id = $1")
            .bind(&fixture.account_id)
            .fetch_all(pool)
            .await
            .unwrap();
    let by_id: HashMap<&str, &str> = rows.iter().map(|(i, t)| (i.as_str(), t.as_str())).collect();
    let titled = |title: &str| rows.iter().filter(|(_, t)| t == title).count();
    for life in &ledger.segments {
        let title = &life.title;
        let Some(id) = &life.id else {
            // Created with no answer, or refused: by its title.
            let (rows, events) = (titled(title), events.created_titles.contains(title));
            report.tally(life.created, rows > 0);
            if life.created == Known::NotDone && (rows > 0 || events) {
                report.add(
                    Problem::LeftBehind,
                    format!(
                        "segment {title:?} was refused but has {rows} rows, created event: {events}"
                    ),
                );
            } else if rows > 1 || (rows == 1) != events {
                report.add(
                    Problem::Torn,
                    format!("segment {title:?} has {rows} rows, created event: {events}"),
                );
            }
            continue;
        };
        let created = events.count("segment.created", id);
        if created != 1 {
            report.add(
                Problem::Missing,
                format!(
                    "segment {title:?} ({id}), answered 201, has {created} segment.created events"
                ),
            );
        }
        let row = by_id.get(id.as_str()).copied();
        let deleted = events.count("segment.deleted", id);
        let delete = life.deleted.unwrap_or(Known::NotDone);
        if row.is_some() == (deleted == 1) || deleted > 1 {
            report.add(
                Problem::Torn,
                format!("segment {title:?} ({id}): row {row:?}, {deleted} segment.deleted events"),
            );
        } else if !agrees(delete, row.is_none()) {
            let problem = if delete == Known::Done {
                Problem::Missing
            } else {
                Problem::LeftBehind
            };
            report.add(
                problem,
                format!("segment {title:?} ({id}): deletion {delete:?}, but row {row:?}"),
            );
        }
        let updated = events.count("segment.updated", id);
        if let Some((renamed, rename)) = &life.renamed {
            let happened = updated == 1;
            if updated > 1 || row.is_some_and(|t| (t == renamed) != happened) {
                report.add(
                    Problem::Torn,
                    format!(
                        "segment {title:?} ({id}): title {row:?}, {updated} segment.updated events"
                    ),
                );
            } else if !agrees(*rename, happened) {
                let problem = if *rename == Known::Done {
                    Problem::Missing
                } else {
                    Problem::LeftBehind
                };
                report.add(
                    problem,
                    format!("segment {title:?} ({id}): rename {rename:?}, but title {row:?}, {updated} updated events"),
                );
            }
        } else if row.is_some_and(|t| t != title) || updated > 0 {
            report.add(
                Problem::Torn,
                format!("segment {title:?} ({id}) was never renamed, but has title {row:?}"),
            );
        }
    }
    // Whole: every row of this run's has its creation's event, once.
    for (id, title) in &rows {
        if title.starts_with(&format!("load {} ", fixture.run)) {
            let created = events.count("segment.created", id);
            if created != 1 {
                report.add(
                    Problem::Torn,
                    format!("segment {title:?} ({id}) has {created} segment.created events"),
                );
            }
        }
    }
}

async fn check_plays(
    pool: &AnyPool,
    fixture: &Fixture,
    ledger: &Ledger,
    events: &Events,
    report: &mut Report,
) {
    type PlayRow = (
        String,
        Option<String>,
        i64,
        Option<i64>,
        Option<String>,
        Option<i64>,
    );
    let rows: Vec<PlayRow> = sqlx::query_as(
        "select id, player_id, cast(case when register_result is null then 0 else 1 end as bigint), \
         played_at, prize_id, finished_at from plays where account_id = $1",
    )
    .bind(&fixture.account_id)
    .fetch_all(pool)
    .await
    .unwrap();
    let plays: HashMap<&str, &PlayRow> = rows.iter().map(|r| (r.0.as_str(), r)).collect();
    let codes: Vec<(String, String, String)> = sqlx::query_as(
        "select pc.play_id, pc.prize_id, pc.code from prize_codes pc \
         join prizes p on p.id = pc.prize_id join campaigns c on c.id = p.campaign_id \
         where c.account_id = $1 and pc.play_id is not null",
    )
    .bind(&fixture.account_id)
    .fetch_all(pool)
    .await
    .unwrap();
    let mut codes_of: HashMap<&str, Vec<(&str, &str)>> = HashMap::new();
    for (play, prize, code) in &codes {
        codes_of
            .entry(play.as_str())
            .or_default()
            .push((prize.as_str(), code.as_str()));
    }
    for life in &ledger.plays {
        let id = life.id.as_str();
        let row = plays.get(id);
        let registered = row.is_some_and(|r| r.2 == 1 && r.1.is_some());
        let played = row.is_some_and(|r| r.3.is_some());
        let prize = row.and_then(|r| r.4.as_deref());
        let finished = row.is_some_and(|r| r.5.is_some());
        let given = codes_of.get(id).cloned().unwrap_or_default();
        let counts = [
            ("player.*", registered),
            ("game.ended", played),
            ("prize.assigned", prize.is_some()),
            ("gameplay.finished", finished),
        ];
        // Whole: each step's row, events and code go together.
        for (kind, done) in counts {
            let n = events.count(kind, id);
            if n != usize::from(done) {
                report.add(
                    Problem::Torn,
                    format!("play {id}: step done {done}, but {n} {kind} events"),
                );
            }
        }
        let code_whole = match prize {
            Some(prize) => given.len() == 1 && given[0].0 == prize,
            None => given.is_empty(),
        };
        if !code_whole || (played && !registered) || (finished && !played) {
            report.add(
                Problem::Torn,
                format!(
                    "play {id}: registered {registered}, played {played} (prize {prize:?}), \
                     finished {finished}, codes {given:?}"
                ),
            );
        }
        // Each step as answered.
        let steps = [
            ("register", Some(life.registered), registered),
            ("play", life.played, played),
            ("finish", life.finished, finished),
        ];
        for (step, known, happened) in steps {
            if let Some(known) = known {
                report.tally(known, happened);
            }
            let known = known.unwrap_or(Known::Unknown);
            if !agrees(known, happened) {
                let problem = if known == Known::Done {
                    Problem::Missing
                } else {
                    Problem::LeftBehind
                };
                report.add(
                    problem,
                    format!("play {id}: {step} answered {known:?}, but done: {happened}"),
                );
            }
        }
        if let Some((won, code)) = &life.won
            && (prize != Some(won.as_str()) || !given.iter().any(|(_, c)| c == code))
        {
            report.add(
                Problem::Missing,
                format!(
                    "play {id} answered prize {won} with code {code}; stored {prize:?}, {given:?}"
                ),
            );
        }
    }
    // The demo wheel's stock: what is left plus the codes given is what
    // there was, and each code given is a play's prize.
    for (prize, total) in &fixture.stock {
        let left: Option<i64> =
            sqlx::query_scalar("select stock_remaining from prizes where id = $1")
                .bind(prize)
                .fetch_one(pool)
                .await
                .unwrap();
        let given = codes.iter().filter(|(_, p, _)| p == prize).count() as i64;
        let won = rows
            .iter()
            .filter(|r| r.4.as_deref() == Some(prize.as_str()))
            .count() as i64;
        if left.unwrap_or(0) + given != *total || won != given {
            report.add(
                Problem::Counter,
                format!(
                    "prize {prize}: {left:?} left + {given} codes given != {total} at the start \
                     ({won} plays won it)"
                ),
            );
        }
    }
}

async fn check_campaigns(pool: &AnyPool, fixture: &Fixture, ledger: &Ledger, report: &mut Report) {
    for (id, first) in &fixture.campaigns {
        let name: String = sqlx::query_scalar("select name from campaigns where id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap();
        let edits: Vec<_> = ledger
            .campaign_names
            .iter()
            .filter(|(c, _, _)| c == id)
            .collect();
        // The last answered success, or any edit sent without an answer.
        let last_done = edits
            .iter()
            .rev()
            .find(|(_, _, k)| *k == Known::Done)
            .map_or(first.as_str(), |(_, n, _)| n.as_str());
        let may_be = |n: &str| {
            n == last_done
                || edits
                    .iter()
                    .any(|(_, sent, k)| *k == Known::Unknown && sent == n)
        };
        if !may_be(&name) {
            let refused = edits
                .iter()
                .any(|(_, sent, k)| *k == Known::NotDone && *sent == name);
            let problem = if refused {
                Problem::LeftBehind
            } else {
                Problem::Missing
            };
            report.add(
                problem,
                format!(
                    "campaign {id} is named {name:?}; the last edit answered was {last_done:?}"
                ),
            );
        }
    }
}

async fn check_endpoints(pool: &AnyPool, fixture: &Fixture, ledger: &Ledger, report: &mut Report) {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "select id, description, is_primary from webhook_endpoints where account_id = $1",
    )
    .bind(&fixture.account_id)
    .fetch_all(pool)
    .await
    .unwrap();
    let described = |d: &str| rows.iter().filter(|(_, r, _)| r == d).count();
    for life in &ledger.endpoints {
        let description = &life.description;
        let Some(id) = &life.id else {
            let n = described(description);
            report.tally(life.created, n > 0);
            if n > 1 || (life.created == Known::NotDone && n > 0) {
                let problem = if n > 1 {
                    Problem::Torn
                } else {
                    Problem::LeftBehind
                };
                report.add(
                    problem,
                    format!("endpoint {description:?} ({:?}) has {n} rows", life.created),
                );
            }
            continue;
        };
        let Some((_, now, _)) = rows.iter().find(|(i, _, _)| i == id) else {
            report.add(
                Problem::Missing,
                format!("endpoint {description:?} ({id}), answered 201, is not stored"),
            );
            continue;
        };
        let renamed = life.renamed.as_ref().is_some_and(|(to, _)| to == now);
        let expected = life.renamed.as_ref().map_or(Known::NotDone, |(_, k)| *k);
        if !(renamed || now == description) || !agrees(expected, renamed) {
            let problem = if expected == Known::Done {
                Problem::Missing
            } else {
                Problem::LeftBehind
            };
            report.add(
                problem,
                format!("endpoint {description:?} ({id}): description {now:?}, edit {expected:?}"),
            );
        }
    }
    let primaries = rows.iter().filter(|(_, _, p)| *p == 1).count();
    let enabled: Option<i64> =
        sqlx::query_scalar("select enabled from webhook_settings where account_id = $1")
            .bind(&fixture.account_id)
            .fetch_optional(pool)
            .await
            .unwrap();
    if primaries != 1 || enabled != Some(1) {
        report.add(
            Problem::Torn,
            format!("{primaries} main endpoints, webhooks enabled: {enabled:?}; saved: one, on"),
        );
    }
}

/// Every event since the main endpoint was made has its one delivery to it
/// (the outbox writes them in the event's transaction).
async fn check_deliveries(pool: &AnyPool, fixture: &Fixture, report: &mut Report) {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "select e.id, e.type, count(d.id) from events e \
         join webhook_endpoints w on w.id = $2 \
         left join deliveries d on d.event_id = e.id and d.endpoint_id = w.id \
         where e.account_id = $1 and e.created_at >= w.created_at \
         group by e.id, e.type",
    )
    .bind(&fixture.account_id)
    .bind(&fixture.primary_endpoint)
    .fetch_all(pool)
    .await
    .unwrap();
    for (event, kind, deliveries) in rows {
        if deliveries != 1 {
            report.add(
                Problem::Torn,
                format!("event {event} ({kind}) has {deliveries} deliveries to the main endpoint"),
            );
        }
    }
}

impl Ledger {
    /// The p50 and p99 times the staying clients waited for their writes'
    /// answers (renders write nothing).
    pub fn write_latency(&self) -> (Duration, Duration) {
        let mut took: Vec<Duration> = self
            .requests
            .iter()
            .filter(|r| r.route != "render")
            .map(|r| r.took)
            .collect();
        if took.is_empty() {
            return (Duration::ZERO, Duration::ZERO);
        }
        took.sort_unstable();
        let at = |q: f64| took[((took.len() as f64 * q) as usize).min(took.len() - 1)];
        (at(0.50), at(0.99))
    }
}
