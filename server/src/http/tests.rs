//! Handler tests: the whole router, one request at a time via `oneshot`,
//! on a temporary SQLite file.

use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode, header},
};
use http_body_util::BodyExt as _;
use serde_json::{Value, json};
use tower::ServiceExt as _;

use super::{AppState, app};
use crate::{
    bootstrap,
    campaigns::Status,
    config::Config,
    store::{Store, campaigns::NewCampaign},
};

const ADMIN: &str = "adm_handler_tests_0123456789";
const KEY: &str = "pk_handler_tests_0123456789";

struct TestApp {
    router: Router,
    store: Store,
    _dir: tempfile::TempDir,
}

impl TestApp {
    async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = crate::testing::database_url(dir.path()).await.unwrap();
        let mut config = Config::for_database(url);
        config.admin_token = Some(ADMIN.into());
        config.embed_key = Some(KEY.into());
        config.www_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../www").into();
        let store = Store::connect(&config.database_url, 2).await.unwrap();
        bootstrap::first_account(&store, &config)
            .await
            .unwrap()
            .unwrap();
        bootstrap::seed_demo(&store).await.unwrap();
        let state = AppState::new(store.clone(), &config, Some(KEY)).unwrap();
        Self {
            router: app(state, &config),
            store,
            _dir: dir,
        }
    }

    async fn send(&self, request: Request<Body>) -> (StatusCode, Value) {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        (status, body)
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

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn render_resolves_the_demo_segment() {
    let app = TestApp::new().await;
    let (status, body) = app
        .render(Some(KEY), r#"{"segment": "Default Users"}"#)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["segment"]["title"], "Default Users");
    assert_eq!(body["campaign"]["kind"], "wheel");
    assert_eq!(body["campaign"]["texts"]["title"], "Spin the holiday wheel");
    assert!(body["campaign"]["id"].as_str().unwrap().starts_with("cmp_"));
}

#[tokio::test]
async fn render_accepts_the_key_as_a_bearer_token() {
    let app = TestApp::new().await;
    let request = Request::post("/api/v1/embed/render")
        .header(header::AUTHORIZATION, format!("Bearer {KEY}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"segment": "Default Users", "user": {"id": "42"}}).to_string(),
        ))
        .unwrap();
    let (status, _) = app.send(request).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn render_answers_the_embeds_words_in_the_visitors_language() {
    let app = TestApp::new().await;
    let (status, body) = app
        .render(
            Some(KEY),
            r#"{"segment": "Default Users", "locale": "de-AT"}"#,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["locale"], "de-AT");
    assert_eq!(body["strings"]["continue"], "Weiter");
    assert_eq!(body["strings"]["copy_code"], "Code kopieren");
    // The marketer's texts stay as written.
    assert_eq!(body["campaign"]["texts"]["title"], "Spin the holiday wheel");

    let (_, body) = app
        .render(Some(KEY), r#"{"segment": "Default Users"}"#)
        .await;
    assert_eq!(body["locale"], "en");
    assert_eq!(body["strings"]["continue"], "Continue");
    let (_, body) = app
        .render(
            Some(KEY),
            r#"{"segment": "Default Users", "locale": "pt-BR"}"#,
        )
        .await;
    assert_eq!(body["locale"], "en");
}

#[tokio::test]
async fn render_errors_have_codes_and_name_fields() {
    let app = TestApp::new().await;

    let (status, body) = app.render(Some(KEY), r#"{"segment": "Nobody"}"#).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::NOT_FOUND, "segment_not_found")
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Nobody")
    );

    let (status, body) = app.render(None, r#"{"segment": "Default Users"}"#).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::UNAUTHORIZED, "unauthorized")
    );
    let (status, _) = app
        .render(
            Some("pk_wrong_0123456789abc"),
            r#"{"segment": "Default Users"}"#,
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (status, body) = app.render(Some(KEY), r#"{"user": {}}"#).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("`segment`"),
        "{body}"
    );

    let (status, body) = app.render(Some(KEY), r#"{"segment": "#).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );

    let (status, body) = app.render(Some(KEY), r#"{"segment": ""}"#).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "segment");
}

#[tokio::test]
async fn a_campaign_that_is_not_active_is_not_shown() {
    let app = TestApp::new().await;
    let account = app.store.first_account().await.unwrap().unwrap();
    let (_, demo) = app
        .store
        .segment_with_campaign(&account.id, bootstrap::DEMO_SEGMENT)
        .await
        .unwrap()
        .unwrap();
    let draft = app
        .store
        .create_campaign(
            &account.id,
            NewCampaign {
                name: "Later".into(),
                kind: demo.kind,
                status: Status::Draft,
                definition: demo.definition,
            },
        )
        .await
        .unwrap();
    app.store
        .create_segment(&account.id, "Drafts", &draft.id)
        .await
        .unwrap();
    let (status, body) = app.render(Some(KEY), r#"{"segment": "Drafts"}"#).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::NOT_FOUND, "campaign_not_active")
    );
}

#[tokio::test]
async fn the_public_api_answers_any_origin() {
    let app = TestApp::new().await;
    let preflight = Request::options("/api/v1/embed/render")
        .header(header::ORIGIN, "https://shop.example")
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
        .body(Body::empty())
        .unwrap();
    let response = app.router.clone().oneshot(preflight).await.unwrap();
    assert!(response.status().is_success());
    assert_eq!(response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");

    let request = Request::post(format!("/api/v1/embed/render?key={KEY}"))
        .header(header::ORIGIN, "https://shop.example")
        .body(Body::from(r#"{"segment": "Default Users"}"#))
        .unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
}

#[tokio::test]
async fn the_admin_api_checks_the_token() {
    let app = TestApp::new().await;
    let get = |token: Option<&str>| {
        let mut request = Request::get("/api/v1/account");
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        request.body(Body::empty()).unwrap()
    };
    let (status, body) = app.send(get(Some(ADMIN))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["embed_key"], KEY);
    let (status, body) = app.send(get(None)).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::UNAUTHORIZED, "unauthorized")
    );
    let (status, _) = app.send(get(Some("adm_wrong_0123456789abcdef"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // The embed key is public and opens nothing on the admin side.
    let (status, _) = app.send(get(Some(KEY))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn unknown_routes_answer_json() {
    let app = TestApp::new().await;
    let (status, body) = app
        .send(Request::get("/api/v1/nope").body(Body::empty()).unwrap())
        .await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "not_found"));
}

#[tokio::test]
async fn the_demo_page_carries_the_embed_key() {
    let app = TestApp::new().await;
    let response = app
        .router
        .clone()
        .oneshot(Request::get("/").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.into_body().collect().await.unwrap().to_bytes();
    let page = String::from_utf8(page.to_vec()).unwrap();
    assert!(page.contains(&format!("/embed.js?key={KEY}")));
    assert!(page.contains("renderAdact({segment: 'Default Users'})"));
}

#[tokio::test]
async fn allowed_domains_limit_which_pages_may_render() {
    let app = TestApp::new().await;
    let put = |body: Value| {
        Request::put("/api/v1/account/allowed-domains")
            .header(header::AUTHORIZATION, format!("Bearer {ADMIN}"))
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    let (status, body) = app
        .send(put(json!({"domains": ["shop.example", "not a domain"]})))
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("domains[1]"))
    );
    let (status, body) = app
        .send(put(
            json!({"domains": ["https://Shop.example/", "*.brand.test"]}),
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["domains"],
        json!(["https://shop.example", "*.brand.test"])
    );

    let render_from = |origin: Option<&str>| {
        let mut request = Request::post(format!("/api/v1/embed/render?key={KEY}"));
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        request
            .body(Body::from(r#"{"segment": "Default Users"}"#))
            .unwrap()
    };
    assert_eq!(
        app.send(render_from(Some("https://shop.example"))).await.0,
        StatusCode::OK
    );
    assert_eq!(
        app.send(render_from(Some("https://www.brand.test")))
            .await
            .0,
        StatusCode::OK
    );
    let (status, body) = app.send(render_from(Some("https://evil.example"))).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "origin_not_allowed")
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("https://evil.example")
    );
    assert_eq!(app.send(render_from(None)).await.0, StatusCode::FORBIDDEN);

    // An empty list lets every page in again.
    assert_eq!(
        app.send(put(json!({"domains": []}))).await.0,
        StatusCode::OK
    );
    assert_eq!(
        app.send(render_from(Some("https://evil.example"))).await.0,
        StatusCode::OK
    );
}
