//! The whole application in one process: its router, one request at a time
//! via `oneshot`, on a temporary database (SQLite, or PostgreSQL when
//! `ADACT_TEST_DATABASE_URL` names a server). `TestApp` builds it.

use axum::{
    Router,
    body::Body,
    http::{HeaderMap, Request, StatusCode, header},
};
use http_body_util::BodyExt as _;
use serde_json::Value;
use tower::ServiceExt as _;

use crate::{
    app::{accounts, demo},
    assemble,
    config::Config,
    http::app,
};
use adact_store::{Store, testing::database_url};

mod assets;
mod handlers;

const ADMIN: &str = "adm_handler_tests_0123456789";
const KEY: &str = "pk_handler_tests_0123456789";

/// The application on a database of its own.
struct TestApp {
    router: Router,
    store: Store,
    _dir: tempfile::TempDir,
}

impl TestApp {
    /// The first account, with [`ADMIN`] and [`KEY`], and the demo
    /// campaign; the pages read from the source tree's `www`.
    async fn new() -> Self {
        Self::start(true, |config| {
            config.admin_token = Some(ADMIN.into());
            config.embed_key = Some(KEY.into());
            config.www_dir = Some(concat!(env!("CARGO_MANIFEST_DIR"), "/../www").into());
        })
        .await
    }

    /// No account and no `www` folder: the pages as built into the binary.
    async fn builtin() -> Self {
        Self::start(false, |config| config.www_dir = None).await
    }

    async fn start(seed: bool, configure: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::for_database(database_url(dir.path()).await.unwrap());
        configure(&mut config);
        let store = Store::connect(&config.database_url, 2).await.unwrap();
        if seed {
            accounts::first_account(&store, &config)
                .await
                .unwrap()
                .unwrap();
            demo::seed_demo(&store).await.unwrap();
        }
        let (state, _workers) = assemble(store.clone(), &config, Some(KEY)).unwrap();
        Self {
            router: app(state, &config),
            store,
            _dir: dir,
        }
    }

    /// The answer's status, headers and body.
    async fn answer(&self, request: Request<Body>) -> (StatusCode, HeaderMap, Vec<u8>) {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let (parts, body) = response.into_parts();
        let bytes = body.collect().await.unwrap().to_bytes().to_vec();
        (parts.status, parts.headers, bytes)
    }

    /// The answer's status and JSON body (null when it is not JSON).
    async fn send(&self, request: Request<Body>) -> (StatusCode, Value) {
        let (status, _, bytes) = self.answer(request).await;
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    /// A GET with these headers.
    async fn get(&self, path: &str, headers: &[(&str, &str)]) -> (StatusCode, HeaderMap, Vec<u8>) {
        let mut request = Request::get(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.answer(request.body(Body::empty()).unwrap()).await
    }

    async fn render(&self, key: Option<&str>, body: &str) -> (StatusCode, Value) {
        let uri = match key {
            Some(key) => format!("/api/v1/embed/render?key={key}"),
            None => "/api/v1/embed/render".to_owned(),
        };
        let request = Request::post(uri)
            .header(header::CONTENT_TYPE, "text/plain;charset=UTF-8")
            .body(Body::from(body.to_owned()))
            .unwrap();
        self.send(request).await
    }
}
