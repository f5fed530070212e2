//! The API's router and its OpenAPI 3.1 document, built together, and the
//! route that serves the document: `GET /api/v1/openapi.json`.
//!
//! Each handler carries `#[utoipa::path(...)]`: its path, method, security,
//! parameters, request body and responses. `routes!(handler)` reads the
//! path and method from that attribute to register the route, so a route
//! and its documentation are one declaration. Schemas come from the types
//! that are (de)serialised, via `ToSchema`.

use std::fmt;

use axum::{
    Extension, Router,
    extract::Request,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
    routing::Route,
};
use bytes::Bytes;
use tower::{Layer, Service};
use utoipa::{
    OpenApi,
    openapi::{
        self, ContentBuilder, Ref, RefOr, ResponseBuilder,
        path::{Operation, ParameterIn},
        security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
        },
    },
};
use utoipa_axum::{
    router::{OpenApiRouter, UtoipaMethodRouter},
    routes,
};

use super::AppState;
use adact_domain::events::{EventType, schema};

/// The API's routes, each with its documentation.
///
/// This is how no API route can exist without its documentation: the only
/// way to add one is [`ApiRouter::routes`], which takes what `routes!(...)`
/// makes, and `routes!` only accepts handlers that have `#[utoipa::path]`
/// (it does not compile otherwise) and registers each at the path and for
/// the methods written there. utoipa-axum's `OpenApiRouter` would also take
/// plain `route(...)`s, undocumented; this wrapper does not offer that. The
/// routes outside the document live in `http::site`, which refuses `/api/`.
pub struct ApiRouter(OpenApiRouter<AppState>);

impl fmt::Debug for ApiRouter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiRouter").finish_non_exhaustive()
    }
}

impl Default for ApiRouter {
    fn default() -> Self {
        Self::new()
    }
}

impl ApiRouter {
    pub fn new() -> Self {
        Self(OpenApiRouter::default())
    }

    /// Adds the handlers of one `routes!(...)`, which must share a path.
    pub fn routes(self, routes: UtoipaMethodRouter<AppState>) -> Self {
        Self(self.0.routes(routes))
    }

    pub fn merge(self, other: Self) -> Self {
        Self(self.0.merge(other.0))
    }

    /// A layer around every route added so far (see `axum::Router::layer`).
    pub fn layer<L>(self, layer: L) -> Self
    where
        L: Layer<Route> + Clone + Send + Sync + 'static,
        L::Service: Service<Request> + Clone + Send + Sync + 'static,
        <L::Service as Service<Request>>::Response: IntoResponse + 'static,
        <L::Service as Service<Request>>::Error: Into<std::convert::Infallible> + 'static,
        <L::Service as Service<Request>>::Future: Send + 'static,
    {
        Self(self.0.layer(layer))
    }

    /// The axum router, serving the finished document at
    /// `/api/v1/openapi.json` (see [`router`]). The document is written to
    /// JSON once, here, at startup.
    pub fn finish(self) -> Router<AppState> {
        let (router, documented) = self.0.split_for_parts();
        let json = serde_json::to_vec(&with_webhooks(document(documented)))
            .unwrap_or_else(|err| unreachable!("an OpenAPI document always serialises: {err}"));
        router.layer(Extension(DocumentJson(Bytes::from(json))))
    }
}

/// The document: what the routes documented, with the info, tags and
/// security schemes of [`ApiDoc`] and the errors every operation shares.
fn document(documented: openapi::OpenApi) -> openapi::OpenApi {
    let mut document = ApiDoc::openapi();
    document.merge(documented);
    for item in document.paths.paths.values_mut() {
        for (operation, writes) in [
            (&mut item.get, false),
            (&mut item.put, true),
            (&mut item.post, true),
            (&mut item.patch, true),
            (&mut item.delete, true),
        ] {
            if let Some(operation) = operation {
                add_shared_errors(operation, writes);
            }
        }
    }
    document
}

/// The document with its top-level `webhooks` (OpenAPI 3.1): one entry
/// per event type, a `POST` whose body is that event's schema, with an
/// example. utoipa 5 does not model `webhooks`, so they are added to the
/// JSON here, the one place; their schemas are in `components.schemas`
/// (see `adact_domain::events::schema`).
fn with_webhooks(mut document: openapi::OpenApi) -> serde_json::Value {
    let components = document.components.get_or_insert_with(Default::default);
    for (name, schema) in schema::components() {
        components.schemas.entry(name).or_insert(schema);
    }
    let mut json = serde_json::to_value(&document)
        .unwrap_or_else(|err| unreachable!("an OpenAPI document always serialises: {err}"));
    let webhooks: serde_json::Map<String, serde_json::Value> = EventType::all()
        .map(|event_type| {
            let name = event_type.schema_name();
            let operation = serde_json::json!({
                "post": {
                    "operationId": format!("webhook_{}", event_type.as_str().replace('.', "_")),
                    "tags": ["events"],
                    "summary": event_type.as_str(),
                    "description": format!(
                        "{} Sent to every endpoint subscribed to `{}`{}, signed as the \
                         Standard Webhooks specification says (`webhook-id`, \
                         `webhook-timestamp`, `webhook-signature`). The fields are in \
                         docs/events.md.",
                        event_type.summary(),
                        event_type.as_str(),
                        if event_type.is_play_event() {
                            "; the embed also hands the same body to the page's `onEvent`"
                        } else {
                            ""
                        },
                    ),
                    "requestBody": {
                        "required": true,
                        "content": {"application/json": {
                            "schema": {"$ref": format!("#/components/schemas/{name}")},
                            "example": schema::example(event_type),
                        }},
                    },
                    "responses": {
                        "2XX": {"description": "Received: any 2xx answer marks the delivery succeeded."},
                        "410": {"description": "Gone: the endpoint is disabled, nothing more is sent to it."},
                        "default": {"description": "Failed: retried on the documented schedule \
                            (`429` and `503` may say when with `Retry-After`)."},
                    },
                }
            });
            (event_type.as_str().to_owned(), operation)
        })
        .collect();
    json["webhooks"] = serde_json::Value::Object(webhooks);
    json
}

/// The errors that come from extractors and the error type rather than from
/// a handler's own logic, so they are added here once instead of on every
/// handler; a handler's own description of the same status wins. `writes`:
/// the operation's method may change data (every one but GET).
fn add_shared_errors(operation: &mut Operation, writes: bool) {
    let requires = |scheme: &str| {
        let requirement = SecurityRequirement::new(scheme, Vec::<String>::new());
        operation
            .security
            .iter()
            .flatten()
            .any(|r| *r == requirement)
    };
    let unauthorized = if requires("admin_token") {
        Some("`unauthorized`: the admin token is missing or not valid.")
    } else if requires("embed_key") {
        Some("`unauthorized`: the embed key, or the play session's token, is missing or not valid.")
    } else {
        None
    };
    let has_param = |place: ParameterIn, name: &str| {
        operation
            .parameters
            .iter()
            .flatten()
            .any(|p| p.parameter_in == place && (name.is_empty() || p.name == name))
    };
    let takes = |place: ParameterIn| has_param(place, "");
    let has_if_match = has_param(ParameterIn::Header, super::etag::IF_MATCH);
    let body = operation.request_body.is_some();
    let mut malformed = Vec::new();
    if body {
        malformed.push(
            "the body is not JSON, is not one JSON document (data follows it), or is not \
             a JSON object",
        );
    }
    if body || takes(ParameterIn::Query) {
        malformed.push("a query parameter is malformed");
    }
    if takes(ParameterIn::Path) {
        malformed.push("a path parameter is not valid (e.g. not UTF-8 once percent-decoded)");
    }
    if has_if_match {
        malformed.push("the `If-Match` header is malformed");
    }
    let mut shared = Vec::new();
    if !malformed.is_empty() {
        shared.push((
            "400",
            format!(
                "`invalid_request`: {}. The message says what is wrong, naming the parameter at fault.",
                malformed.join("; or ")
            ),
        ));
    }
    if has_if_match {
        shared.push((
            "412",
            "`precondition_failed`: the resource changed since the `If-Match` tag was read \
             (someone else saved it), and nothing was changed. Read it again for its current \
             state and `ETag`, and make the change to that."
                .to_owned(),
        ));
    }
    if body {
        shared.push((
            "413",
            format!(
                "`payload_too_large`: the body is larger than the server takes ({}).",
                super::error::size(super::BODY_LIMIT)
            ),
        ));
        shared.push((
            "422",
            "`validation_failed`: a field of the body has the wrong type (an array where \
             an object belongs, a string for a number), is missing or is not one the API \
             takes; `field` names it."
                .to_owned(),
        ));
    }
    if let Some(description) = unauthorized {
        shared.push(("401", description.to_owned()));
        // Checking a credential reads the database, which may fail.
        shared.push((
            "500",
            "`internal_error`: the cause is in the server's log.".to_owned(),
        ));
        shared.push((
            "503",
            "`database_unavailable`: the database cannot be reached now (restarting, \
             failing over); nothing was changed. Retry after `Retry-After` seconds."
                .to_owned(),
        ));
        if writes {
            shared.push((
                "507",
                "`storage_full`: the database's disk is full; nothing was changed.".to_owned(),
            ));
        }
    }
    for (status, description) in shared {
        operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| error_response(&description));
    }
}

/// A response whose body is the shared `Error` schema.
fn error_response(description: &str) -> RefOr<openapi::Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Error")))
                .build(),
        )
        .build()
        .into()
}

/// The parts of the document no handler describes.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Adact API",
        description = include_str!("openapi.md"),
        license(name = "AGPL-3.0-only", identifier = "AGPL-3.0-only"),
    ),
    modifiers(&SecuritySchemes),
    components(schemas(adact_wire::ErrorBody)),
    tags(
        (name = "embed", description = "The public API the embed calls from customers' pages: \
            CORS-open, authenticated by the account's embed key. A render opens a play session; \
            its steps send the session's token, and a retried step answers what it answered \
            the first time."),
        (name = "account", description = "The account the admin token belongs to."),
        (name = "campaigns", description = "Campaigns and their definitions: texts, theme, \
            schedule, play limit, form, prizes with their codes, quiz."),
        (name = "segments", description = "Segments name what a page shows: each maps a title \
            to a campaign. Changes record `segment.*` events."),
        (name = "players", description = "The players of the account's campaigns: a list with a \
            search and filters, each player's plays, a streamed export, and a player's data on \
            request (access and erasure, which records `player.deleted`)."),
        (name = "webhooks", description = "Where events are sent: the settings view of the main \
            endpoint, every endpoint, and a test event."),
        (name = "deliveries", description = "The history of webhook deliveries, with every \
            attempt, and resending."),
        (name = "events", description = "The events sent to webhook endpoints (the top-level \
            `webhooks`): one schema per event type, the same bodies the embed hands to `onEvent`."),
        (name = "openapi", description = "This document."),
    ),
)]
struct ApiDoc;

/// The security schemes the operations name. There are two for the embed
/// key because it travels either way (see `extract::EmbedAccount`).
struct SecuritySchemes;

impl utoipa::Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "admin_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("adm_...")
                    .description(Some(
                        "The account's admin token: `Authorization: Bearer adm_...`. \
                         Printed once when the account is created.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "embed_key",
            SecurityScheme::ApiKey(ApiKey::Query(ApiKeyValue::with_description(
                "key",
                "The account's embed key as `?key=pk_...`, as the embed sends it. It is \
                 public (it is in the page's script tag); the account's allowed domains \
                 limit which pages may use it.",
            ))),
        );
        components.add_security_scheme(
            "embed_key_bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("pk_...")
                    .description(Some(
                        "The embed key as `Authorization: Bearer pk_...`, for other clients; \
                         used when there is no `key` in the query.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The document as served, written once at startup.
#[derive(Debug, Clone)]
struct DocumentJson(Bytes);

/// The document's route. Like every API route it is documented.
pub fn router() -> ApiRouter {
    ApiRouter::new().routes(routes!(openapi_json))
}

/// This document
///
/// The OpenAPI 3.1 description of this API, generated from the code that
/// serves it. No credentials needed: it holds no secrets.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    operation_id = "get_openapi",
    tag = "openapi",
    responses(
        (status = 200, description = "The OpenAPI 3.1 document.", body = Object,
            headers(("cache-control" = String, description = "Cached for 5 minutes.")))
    )
)]
async fn openapi_json(Extension(DocumentJson(json)): Extension<DocumentJson>) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            // It changes only with a release, like embed.js.
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
            // Viewers and code generators run on other origins.
            (
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            ),
        ],
        json,
    )
        .into_response()
}
