//! The HTTP surface: request and response types, extractors, the mapping
//! of errors to the JSON error shape (`error`), and one module per
//! resource, each with its `router()`. Handlers call `app` for anything
//! that changes data or decides, and the store's repositories for reads.
//!
//! Every route under `/api/` is documented: the resource routers are
//! [`ApiRouter`]s, which take routes only with their OpenAPI documentation
//! (see [`openapi`]); the rest of the site (health, metrics, the embed's
//! files, the pages) is `site`, which serves nothing under `/api/`.

use adact_wire::ErrorCode;
use std::{sync::Arc, time::Duration};

use axum::{
    Router,
    extract::Request,
    http::{Method, StatusCode, Uri, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
};
use serde::Serialize;
use tower_http::{
    compression::CompressionLayer, cors::CorsLayer, timeout::TimeoutLayer, trace::TraceLayer,
};
use utoipa::ToSchema;

use self::{error::Error, openapi::ApiRouter};
use crate::{app::webhooks::Courier, config::Config, metrics::Metrics};
use adact_store::Store;

pub mod account;
pub mod assets;
pub mod campaigns;
pub mod embed;
pub mod error;
pub mod etag;
pub mod extract;
pub mod limits;
pub mod openapi;
pub mod players;
pub mod preview;
pub mod segments;
pub mod stats;
pub mod system;
pub mod webhooks;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    /// The demo page with its embed key filled in, when running `--demo`.
    pub demo_page: Option<Arc<str>>,
    /// The webhook workers, as `app` asks them for deliveries.
    pub webhooks: Arc<dyn Courier>,
    pub metrics: Metrics,
    pub allow_private_endpoints: bool,
    /// How long delivery history is kept: "recover since" reaches no
    /// further back.
    pub webhook_retention: Duration,
    /// The public API's rate limits.
    pub limiter: Arc<limits::Limiter>,
}

impl AppState {
    /// Reads the demo page when `demo_embed_key` is set. `assemble`, in the
    /// crate's root, builds it with the webhook workers.
    pub fn new(
        store: Store,
        config: &Config,
        demo_embed_key: Option<&str>,
        webhooks: Arc<dyn Courier>,
        metrics: Metrics,
    ) -> anyhow::Result<Self> {
        let demo_page = match demo_embed_key {
            Some(key) => {
                let page = assets::demo_page_template(config.www_dir.as_deref())?;
                Some(page.replace("{{EMBED_KEY}}", key).into())
            }
            None => None,
        };
        Ok(Self {
            store,
            demo_page,
            webhooks,
            metrics,
            allow_private_endpoints: config.allow_private_endpoints,
            webhook_retention: config.webhooks.retention,
            limiter: limits::Limiter::new(config.trusted_proxies.clone()),
        })
    }
}

/// The whole application, shared by `main` and the tests.
pub fn app(state: AppState, config: &Config) -> Router {
    // The public API is called from customers' pages on any origin. The
    // embed avoids preflights, but other clients may send JSON with a key
    // header, so answer those preflights too, and cache them for a day.
    let public_cors = CorsLayer::new()
        .allow_origin(tower_http::cors::Any)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
        // A page on another origin reads how long a 429 asks it to wait.
        .expose_headers([header::RETRY_AFTER])
        .max_age(Duration::from_secs(86_400));

    let api = ApiRouter::new()
        // The host page's monitoring may read the render's timings.
        .merge(embed::router().layer(public_cors).layer(
            tower_http::set_header::SetResponseHeaderLayer::overriding(
                assets::TIMING_ALLOW_ORIGIN,
                axum::http::HeaderValue::from_static("*"),
            ),
        ))
        .merge(campaigns::router())
        .merge(stats::router())
        .merge(segments::router())
        .merge(players::router())
        .merge(account::router())
        .merge(webhooks::router())
        .merge(openapi::router())
        .merge(preview::router())
        .layer(extract::body_limit(BODY_LIMIT))
        .finish();
    api.merge(site(config.www_dir.as_deref()))
        .fallback(not_found)
        // A request past its time limit is dropped (and whatever it was
        // writing saved whole or not at all) and answered 503.
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIME_LIMIT,
        ))
        .layer(middleware::from_fn(bare_errors))
        // JSON and files without a precompressed sibling, in brotli or gzip
        // as the client offers (the embed's files are sent as built).
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Everything outside the API: health, metrics, the embed's files and the
/// pages. None of it is in the OpenAPI document (its description says where
/// they are), so none of it may be under `/api/`: a route added here at an
/// `/api/` path answers as if it did not exist. API routes go through
/// [`ApiRouter`] instead.
fn site(www: Option<&std::path::Path>) -> Router<AppState> {
    Router::new()
        .route("/healthz", get(system::healthz))
        .route("/metrics", get(system::metrics))
        .merge(assets::router(www))
        .layer(middleware::from_fn(outside_the_api))
}

async fn outside_the_api(request: Request, next: Next) -> Response {
    if request.uri().path().starts_with("/api/") {
        return not_found(request.method().clone(), request.uri().clone())
            .await
            .into_response();
    }
    next.run(request).await
}

/// Cursor pagination by id: `?limit=50&after=<last id of the previous page>`.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Page {
    /// How many items to answer, 1 to 200.
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    /// Start after this id: the `next_cursor` of the previous page.
    pub after: Option<String>,
}

/// One page of a list, in the order of the list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paged<T> {
    pub data: Vec<T>,
    /// The last item's id when more may follow: pass it as `after` for the
    /// next page. Null on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// An item of a paged list: the cursor is its id.
pub trait Listed {
    fn id(&self) -> &str;
}

impl Page {
    pub fn limit(&self) -> Result<i64, Error> {
        match self.limit {
            None => Ok(50),
            Some(n) if (1..=200).contains(&n) => Ok(n),
            Some(_) => Err(Error::invalid("limit", "must be between 1 and 200")),
        }
    }

    /// `{"data": [...], "next_cursor": id or null}`.
    pub fn wrap<T: Listed>(&self, data: Vec<T>, more: bool) -> Paged<T> {
        let next_cursor = if more {
            data.last().map(|item| item.id().to_owned())
        } else {
            None
        };
        Paged { data, next_cursor }
    }
}

/// The largest request body the API takes: a campaign with a pool of
/// 100,000 codes fits. A larger one is answered 413 `payload_too_large`.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// How long a request may take before it is answered 503: far beyond any
/// handler's normal time, so only a stuck database or disk reaches it.
const REQUEST_TIME_LIMIT: Duration = Duration::from_secs(30);

/// Errors a layer answers, rather than a handler, come without a body:
/// axum's 405 for a method a path does not take, and the time limit's 503.
/// They get the API's error shape; a 405 keeps its `Allow` header. (The
/// router's own `method_not_allowed_fallback` would also catch the public
/// API's CORS preflights, which its CORS layer answers.)
async fn bare_errors(request: Request, next: Next) -> Response {
    let (method, path) = (request.method().clone(), request.uri().path().to_owned());
    let response = next.run(request).await;
    if response.headers().contains_key(header::CONTENT_TYPE) {
        return response;
    }
    let error = match response.status() {
        StatusCode::METHOD_NOT_ALLOWED => {
            Error::MethodNotAllowed(format!("{path} does not take {method}."))
        }
        StatusCode::SERVICE_UNAVAILABLE => Error::Unavailable(
            "The server could not answer within 30 s. A change it was making is saved whole or \
             not at all: read it back before trying again (a play step may simply be sent again).",
        ),
        _ => return response,
    };
    let mut answer = error.into_response();
    if let Some(allow) = response.headers().get(header::ALLOW) {
        answer.headers_mut().insert(header::ALLOW, allow.clone());
    }
    answer
}

async fn not_found(method: Method, uri: Uri) -> impl IntoResponse {
    Error::not_found(
        ErrorCode::NotFound,
        format!("No route for {method} {}.", uri.path()),
    )
}

#[cfg(test)]
mod tests {
    use axum::{
        Router,
        body::Body,
        http::{Request, StatusCode},
    };
    use http_body_util::BodyExt as _;
    use serde_json::Value;
    use tower::ServiceExt as _;

    use super::{bare_errors, outside_the_api};

    #[tokio::test]
    async fn a_request_over_its_time_limit_answers_503_in_the_error_shape() {
        // The server's layers in the server's order, with a limit of 20 ms.
        let slow = Router::new()
            .route(
                "/slow",
                axum::routing::get(|| async {
                    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                    "late"
                }),
            )
            .layer(tower_http::timeout::TimeoutLayer::with_status_code(
                StatusCode::SERVICE_UNAVAILABLE,
                std::time::Duration::from_millis(20),
            ))
            .layer(axum::middleware::from_fn(bare_errors));
        let response = slow
            .oneshot(Request::get("/slow").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(body["error"]["code"], "unavailable");
    }

    #[tokio::test]
    async fn the_site_serves_nothing_under_the_api_path() {
        // As if an API route had been added to `site` rather than to an
        // `ApiRouter`: it must not answer, since it is not documented.
        let sneaky = Router::new()
            .route("/api/v1/sneaky", axum::routing::get(|| async { "served" }))
            .route("/elsewhere", axum::routing::get(|| async { "served" }))
            .layer(axum::middleware::from_fn(outside_the_api));
        let get = |path: &str| Request::get(path).body(Body::empty()).unwrap();
        let response = sneaky.clone().oneshot(get("/api/v1/sneaky")).await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert!(String::from_utf8_lossy(&body).contains("No route for GET /api/v1/sneaky"));
        let response = sneaky.oneshot(get("/elsewhere")).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
}
