//! The embed script, the wasm it loads, and the pages, built into
//! `www/dist/` by `npm run build` (with `.gz` and `.br` siblings made at
//! build time, so nothing is compressed per request).

use std::path::Path;

use axum::{
    Router,
    extract::State,
    http::{HeaderValue, header},
    response::{Html, IntoResponse, Response},
    routing::get,
};
use tower::ServiceBuilder;
use tower_http::{
    services::{ServeDir, ServeFile},
    set_header::SetResponseHeaderLayer,
};

use super::AppState;
use super::error::Error;

/// `embed.js` changes with every release but keeps its URL: cache it
/// briefly, and let the browser revalidate it cheaply (ETag/Last-Modified).
const SCRIPT_CACHE: &str = "public, max-age=300, stale-while-revalidate=86400";
/// The wasm's name carries its content hash: it never changes.
const HASHED_CACHE: &str = "public, max-age=31536000, immutable";

pub fn router(www: &Path) -> Router<AppState> {
    let dist = www.join("dist");
    let script = ServiceBuilder::new()
        .layer(header_layer(header::CACHE_CONTROL, SCRIPT_CACHE))
        .layer(header_layer(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .service(
            ServeFile::new(dist.join("embed.js"))
                .precompressed_br()
                .precompressed_gzip(),
        );
    let hashed = ServiceBuilder::new()
        .layer(header_layer(header::CACHE_CONTROL, HASHED_CACHE))
        .layer(header_layer(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .service(
            ServeDir::new(dist.join("embed"))
                .precompressed_br()
                .precompressed_gzip(),
        );
    // The console is static ES modules; every path under /admin that is
    // not a file gets its page, so deep links work.
    let console = ServeDir::new(www.join("admin"))
        .precompressed_br()
        .precompressed_gzip()
        .fallback(ServeFile::new(www.join("admin/index.html")));
    Router::new()
        .route("/", get(demo_page))
        .route(
            "/admin",
            get(|| async { axum::response::Redirect::permanent("/admin/") }),
        )
        .nest_service("/admin/", console)
        .route_service("/embed.js", script)
        .nest_service("/embed", hashed)
}

fn header_layer(
    name: header::HeaderName,
    value: &'static str,
) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
}

/// The demo host page, with the demo account's embed key in its script tag.
async fn demo_page(State(state): State<AppState>) -> Response {
    match &state.demo_page {
        Some(page) => Html(page.to_string()).into_response(),
        None => Error::not_found(
            "not_found",
            "Nothing here: this server runs without --demo. The admin console is at /admin.",
        )
        .into_response(),
    }
}

/// Whether the embed has been built, for a clear warning at start.
pub fn embed_is_built(www: &Path) -> bool {
    www.join("dist/embed.js").is_file()
}
