//! The API's handlers, each resource's in short functions, against the
//! demo account (`TestApp::new`).

use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode, header},
};
use http_body_util::BodyExt as _;
use serde_json::{Value, json};
use tower::ServiceExt as _;

use super::{ADMIN, KEY, TestApp};
use adact_domain::campaign::{NewCampaign, Status};

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

    // Well-formed JSON without a required field: a field error like any other.
    let (status, body) = app.render(Some(KEY), r#"{"user": {}}"#).await;
    assert_eq!(
        (status, code(&body), body["error"]["field"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some("segment")
        )
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("missing field `segment`"),
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
async fn render_takes_language_tags_only_and_names_the_locale_field() {
    let app = TestApp::new().await;
    for (tag, served) in [
        ("fr", "fr"),
        ("fr-FR", "fr-FR"),
        ("pt-BR", "en"),
        ("zh-Hant-TW", "en"),
    ] {
        let body = json!({"segment": "Default Users", "locale": tag}).to_string();
        let (status, body) = app.render(Some(KEY), &body).await;
        assert_eq!(
            (status, body["locale"].as_str()),
            (StatusCode::OK, Some(served)),
            "{tag}"
        );
    }
    for tag in ["", "fr_FR", "français", "<script>", &"de-AT".repeat(8)] {
        let body = json!({"segment": "Default Users", "locale": tag}).to_string();
        let (status, body) = app.render(Some(KEY), &body).await;
        assert_eq!(
            (status, code(&body), body["error"]["field"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                Some("locale")
            ),
            "{tag:?}: {body}"
        );
    }
}

#[tokio::test]
async fn a_render_body_over_16_kib_is_refused_in_the_error_shape() {
    let app = TestApp::new().await;
    // Whitespace after the document is fine: only the size is at stake.
    let padded = |size: usize| {
        let body = r#"{"segment": "Default Users"}"#;
        format!("{body}{}", " ".repeat(size - body.len()))
    };
    let (status, body) = app.render(Some(KEY), &padded(16 * 1024)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app.render(Some(KEY), &padded(16 * 1024 + 1)).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("16 KiB"),
        "{body}"
    );
    // The other calls keep the server's limit.
    let request = Request::post(format!("/api/v1/embed/sessions/play_x/register?key={KEY}"))
        .body(Body::from(padded(64 * 1024)))
        .unwrap();
    let (status, body) = app.send(request).await;
    assert_ne!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
}

#[tokio::test]
async fn a_malformed_path_parameter_is_a_json_error_naming_it() {
    let app = TestApp::new().await;
    let step = Request::post(format!("/api/v1/embed/sessions/%FF/register?key={KEY}"))
        .body(Body::from(r#"{"token": "x", "fields": {}}"#))
        .unwrap();
    let campaign = Request::get("/api/v1/campaigns/cmp_%C3%28")
        .header(header::AUTHORIZATION, format!("Bearer {ADMIN}"))
        .body(Body::empty())
        .unwrap();
    for request in [step, campaign] {
        let uri = request.uri().clone();
        let (status, body) = app.send(request).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::BAD_REQUEST, "invalid_request"),
            "{uri}: {body}"
        );
        let message = body["error"]["message"].as_str().unwrap();
        assert_eq!(
            message, "The path parameter `id` is not valid UTF-8 once percent-decoded.",
            "{uri}"
        );
    }
}

#[tokio::test]
async fn path_errors_name_the_parameter_from_the_route_when_axum_does_not() {
    use crate::http::extract::Path;

    // A parameter that does not parse as its type: axum reports no key
    // for a lone one, so the name comes from the route.
    let router: Router = Router::new().route(
        "/things/{number}",
        axum::routing::get(|Path(number): Path<u32>| async move { number.to_string() }),
    );
    let response = router
        .oneshot(Request::get("/things/seven").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        body["error"]["message"],
        "The path parameter `number` is not a valid u32: `seven`."
    );
}

#[tokio::test]
async fn a_campaign_that_is_not_active_is_not_shown() {
    let app = TestApp::new().await;
    let account = app.store.first_account().await.unwrap().unwrap();
    let (_, demo) = app
        .store
        .segment_with_campaign(&account.id, crate::app::demo::DEMO_SEGMENT)
        .await
        .unwrap()
        .unwrap();
    let mut definition = demo.definition;
    for prize in &mut definition.prizes {
        prize.id = None;
    }
    let draft = crate::app::campaigns::create(
        &app.store,
        &account.id,
        NewCampaign {
            name: "Later".into(),
            kind: demo.kind,
            status: Status::Draft,
            definition,
        },
    )
    .await
    .unwrap();
    crate::app::segments::create(&app.store, &account, "Drafts", &draft.id)
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
async fn a_method_a_path_does_not_take_answers_json_with_allow() {
    let app = TestApp::new().await;
    let response = app
        .router
        .clone()
        .oneshot(
            Request::get("/api/v1/campaigns/preview")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()[header::ALLOW], "POST");
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(code(&body), "method_not_allowed");
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

fn admin_post(uri: &str, body: &Value) -> Request<Body> {
    Request::post(uri)
        .header(header::AUTHORIZATION, format!("Bearer {ADMIN}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

/// A wheel as the console sends it before it is saved: one prize that
/// never wins (weight 0), one out of stock, one that does, no "no prize".
fn unsaved_wheel() -> Value {
    json!({
        "name": "Summer wheel", "kind": "wheel",
        "definition": {
            "texts": {"title": "Spin for summer"},
            "form": {
                "fields": [{"key": "email", "type": "email", "label": "Email", "required": true}],
                "consent": {"label": "Send me offers", "required": true}
            },
            "prizes": [
                {"name": "Never", "weight": 0, "codes": {"generate": {"prefix": "N-"}}},
                {"name": "Sold out", "weight": 50, "stock": 0, "codes": {"pool": []}},
                {"name": "Beach towel", "weight": 5, "stock": 3, "codes": {"pool": ["T1", "T2", "T3"]}}
            ],
            "no_prize": {"label": "Next time", "weight": 0}
        }
    })
}

/// Rows in every table a play or an admin change writes to.
async fn rows(store: &adact_store::Store) -> Vec<(&'static str, i64)> {
    let mut counts = Vec::new();
    for table in [
        "campaigns",
        "prizes",
        "prize_codes",
        "segments",
        "players",
        "plays",
        "events",
        "deliveries",
    ] {
        let count: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("select count(*) from {table}")))
                .fetch_one(store.pool())
                .await
                .unwrap();
        counts.push((table, count));
    }
    counts
}

#[tokio::test]
async fn a_preview_answers_what_render_answers_for_an_unsaved_campaign() {
    let app = TestApp::new().await;
    let before = rows(&app.store).await;

    let (status, body) = app
        .send(admin_post("/api/v1/campaigns/preview", &unsaved_wheel()))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The shape the embed reads, checked by the type both sides share.
    let render: adact_wire::RenderResponse = serde_json::from_value(body).unwrap();
    assert_eq!(render.campaign.texts.title, "Spin for summer");
    assert_eq!(render.campaign.no_prize_label, "Next time");
    let ids: Vec<_> = render.campaign.prizes.iter().map(|p| &p.id).collect();
    assert_eq!(ids, ["prz_preview_0", "prz_preview_1", "prz_preview_2"]);
    assert!(render.notice.is_none());

    let (status, body) = app
        .send(admin_post(
            "/api/v1/campaigns/preview/register",
            &json!({"campaign": unsaved_wheel(), "fields": {"email": "nope"}}),
        ))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<_> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["fields.email", "consent"]);
    let (status, body) = app
        .send(admin_post(
            "/api/v1/campaigns/preview/register",
            &json!({"campaign": unsaved_wheel(), "fields": {"email": "ada@example.com"}, "consent": true}),
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Only the one prize with weight and stock can win, every time, and
    // its code is made up: the pool stays untouched.
    for _ in 0..20 {
        let (status, body) = app
            .send(admin_post(
                "/api/v1/campaigns/preview/play",
                &json!({"campaign": unsaved_wheel()}),
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["prize"]["id"], "prz_preview_2", "{body}");
        assert_eq!(body["prize"]["name"], "Beach towel");
        let code = body["code"].as_str().unwrap();
        assert!(code.starts_with("PREVIEW-") && code.len() == 18, "{code}");
    }
    assert_eq!(rows(&app.store).await, before, "a preview writes nothing");
}

#[tokio::test]
async fn a_preview_names_the_field_at_fault_like_a_create() {
    let app = TestApp::new().await;
    let mut wheel = unsaved_wheel();
    wheel["definition"]["prizes"][2]["weight"] = json!(2_000_000);
    for uri in ["/api/v1/campaigns/preview", "/api/v1/campaigns"] {
        let (status, body) = app.send(admin_post(uri, &wheel)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{uri}: {body}");
        assert_eq!(
            body["error"]["field"], "definition.prizes[2].weight",
            "{uri}"
        );
    }
    let (status, body) = app
        .send(admin_post(
            "/api/v1/campaigns/preview/play",
            &json!({"campaign": wheel}),
        ))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["error"]["field"],
        "campaign.definition.prizes[2].weight"
    );

    // A preview is the admin's: the embed key opens nothing.
    let request = Request::post(format!("/api/v1/campaigns/preview?key={KEY}"))
        .header(header::AUTHORIZATION, format!("Bearer {KEY}"))
        .body(Body::from(unsaved_wheel().to_string()))
        .unwrap();
    assert_eq!(app.send(request).await.0, StatusCode::UNAUTHORIZED);
}

/// serde_json would take `[]` for any struct (its fields in order, all
/// defaulted): the API takes objects only, and says which field is wrong.
#[tokio::test]
async fn an_array_where_an_object_belongs_is_refused_naming_the_field() {
    let app = TestApp::new().await;
    let before = rows(&app.store).await;
    for (pointer, value, field) in [
        ("/definition/theme", json!([]), "definition.theme"),
        ("/definition/form", json!([]), "definition.form"),
        (
            "/definition/form/consent",
            json!(["Yes", true]),
            "definition.form.consent",
        ),
        ("/definition/no_prize", json!([]), "definition.no_prize"),
        ("/definition/end_screen", json!([]), "definition.end_screen"),
        ("/definition/texts", json!(["Spin"]), "definition.texts"),
        (
            "/definition/prizes/0/codes",
            json!({"generate": []}),
            "definition.prizes[0].codes.generate",
        ),
        (
            "/definition/prizes/0",
            json!(["Never", "", 0]),
            "definition.prizes[0]",
        ),
    ] {
        let mut wheel = unsaved_wheel();
        let mut at = &mut wheel;
        for step in pointer.split('/').skip(1) {
            at = match step.parse::<usize>() {
                Ok(i) => &mut at[i],
                Err(_) => &mut at[step],
            };
        }
        *at = value;
        for uri in ["/api/v1/campaigns", "/api/v1/campaigns/preview"] {
            let (status, body) = app.send(admin_post(uri, &wheel)).await;
            assert_eq!(
                (status, code(&body)),
                (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
                "{uri} {pointer}: {body}"
            );
            assert_eq!(body["error"]["field"], field, "{uri} {pointer}: {body}");
        }
    }
    for (user, field) in [
        (json!([]), "user"),
        (json!(["42", "ada@example.com"]), "user"),
        (json!({"id": "42", "phone": "+1 555"}), "user.phone"),
    ] {
        let body = json!({"segment": "Default Users", "user": user}).to_string();
        let (status, answer) = app.render(Some(KEY), &body).await;
        assert_eq!(
            (status, code(&answer), answer["error"]["field"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                Some(field)
            ),
            "{body}: {answer}"
        );
    }
    assert_eq!(
        rows(&app.store).await,
        before,
        "a refused body writes nothing"
    );
}

#[tokio::test]
async fn a_previewed_quiz_is_scored_and_a_fail_wins_nothing() {
    let app = TestApp::new().await;
    let mut quiz = unsaved_wheel();
    quiz["kind"] = json!("quiz");
    quiz["definition"]["quiz"] = json!({
        "questions": [{"text": "2 + 2?", "answers": ["3", "4"], "correct": 1}],
        "pass_score": 1
    });
    let play = |answers: Value| {
        admin_post(
            "/api/v1/campaigns/preview/play",
            &json!({"campaign": quiz, "answers": answers}),
        )
    };
    let (status, body) = app.send(play(json!([0]))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!((body["score"].as_u64(), body.get("prize")), (Some(0), None));
    assert_eq!(body["correct_answers"], json!([1]));
    let (_, body) = app.send(play(json!([1]))).await;
    assert_eq!(body["score"], 1);
    assert_eq!(body["prize"]["name"], "Beach towel");
    let (status, body) = app.send(play(json!([]))).await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("answers"))
    );
}

#[tokio::test]
async fn a_play_count_that_fails_is_an_error_not_a_refusal() {
    let app = TestApp::new().await;
    let render = r#"{"segment": "Default Users", "anonymous_id": "visitor-1"}"#;
    let (_, body) = app.render(Some(KEY), render).await;
    let session = &body["session"];
    let request = Request::post(format!(
        "/api/v1/embed/sessions/{}/register?key={KEY}",
        session["id"].as_str().unwrap()
    ))
    .header(header::CONTENT_TYPE, "application/json")
    .body(Body::from(
        json!({"token": session["token"], "fields": {"email": "ada@example.com"}, "consent": true})
            .to_string(),
    ))
    .unwrap();
    let (status, body) = app.send(request).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The daily limit's count of this player's plays can no longer be read.
    sqlx::query("alter table plays rename column played_at to played_at_gone")
        .execute(app.store.pool())
        .await
        .unwrap();
    let (status, body) = app.render(Some(KEY), render).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    assert_eq!(code(&body), "internal_error");
}
