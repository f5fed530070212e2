//! The embed script, the wasm it loads, and the pages, built into
//! `www/dist/` by `npm run build` (with `.gz` and `.br` siblings made at
//! build time, so nothing is compressed per request).
//!
//! The server carries a copy of `www/` made when it was compiled
//! ([`Builtin`], with rust-embed), so the binary runs from anywhere;
//! `--www-dir` serves a folder from disk instead (development: edits show
//! without rebuilding). Both are served by tower-http's `ServeDir`, only its
//! backend differs, so the two answer alike: precompressed siblings per
//! `Accept-Encoding`, content types, ETag and Last-Modified, ranges.

use adact_wire::ErrorCode;
use std::path::Path;

use axum::{
    Router,
    extract::{Request, State},
    http::{HeaderValue, Uri, header},
    response::{Html, IntoResponse, Response},
    routing::get,
};
use tower::ServiceBuilder;
use tower_http::{
    services::{
        ServeDir,
        fs::{Backend, TokioBackend},
    },
    set_header::SetResponseHeaderLayer,
};

use self::builtin::Builtin;
pub(crate) use self::builtin::Www;
use super::{AppState, error::Error};

mod builtin;

/// `embed.js` changes with every release but keeps its URL: cache it
/// briefly, and let the browser revalidate it cheaply (ETag/Last-Modified).
pub(crate) const SCRIPT_CACHE: &str = "public, max-age=300, stale-while-revalidate=86400";
/// `embed.d.ts`, for people and editors to read.
pub(crate) const TYPES_CONTENT_TYPE: &str = "text/plain; charset=utf-8";
/// The console's files: kept, but checked with the server at each use.
pub(crate) const CONSOLE_CACHE: &str = "no-cache";
/// The wasm's name carries its content hash: it never changes.
pub(crate) const HASHED_CACHE: &str = "public, max-age=31536000, immutable";

/// Lets the host page's monitoring read the embed's timings (Resource
/// Timing) across origins.
pub const TIMING_ALLOW_ORIGIN: header::HeaderName =
    header::HeaderName::from_static("timing-allow-origin");

/// The site's files: from `www` when set, else the built-in copy.
pub fn router(www: Option<&Path>) -> Router<AppState> {
    let files = match www {
        Some(www) => files(www, TokioBackend),
        None => files(Path::new(""), Builtin),
    };
    Router::new()
        .route("/", get(demo_page))
        .route(
            "/admin",
            get(|| async { axum::response::Redirect::permanent("/admin/") }),
        )
        .merge(files)
}

/// The routes to the files under `www`, read through `backend`.
fn files<B: Backend>(www: &Path, backend: B) -> Router<AppState> {
    let dist = www.join("dist");
    // `/embed.js` is that one file: the request's path names it in `dist`.
    // So is `/embed.wasm`, the current wasm at a stable URL, which the
    // snippet preloads beside embed.js (the loader checks it is its build's).
    let script = ServiceBuilder::new()
        .layer(header_layer(header::CACHE_CONTROL, SCRIPT_CACHE))
        .layer(header_layer(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .layer(header_layer(TIMING_ALLOW_ORIGIN, "*"))
        .service(
            ServeDir::with_backend(&dist, backend.clone())
                .precompressed_br()
                .precompressed_gzip(),
        );
    // Its TypeScript declarations, as text (by its extension, a `.ts`
    // file would be sent as an MPEG transport stream).
    let types = ServiceBuilder::new()
        .layer(header_layer(header::CACHE_CONTROL, SCRIPT_CACHE))
        .layer(header_layer(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .layer(header_layer(header::CONTENT_TYPE, TYPES_CONTENT_TYPE))
        .service(
            ServeDir::with_backend(&dist, backend.clone())
                .precompressed_br()
                .precompressed_gzip(),
        );
    let hashed = ServiceBuilder::new()
        .layer(header_layer(header::CACHE_CONTROL, HASHED_CACHE))
        .layer(header_layer(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .layer(header_layer(TIMING_ALLOW_ORIGIN, "*"))
        .service(
            ServeDir::with_backend(dist.join("embed"), backend.clone())
                .precompressed_br()
                .precompressed_gzip(),
        );
    // The console: its ES modules bundled by `npm run build` into
    // `dist/admin` (with .br and .gz siblings), else as written in `admin`;
    // every path under /admin that is not a file gets its page, so deep
    // links work. Revalidated on every use (ETag, Last-Modified), so a new
    // release shows at once and an unchanged file costs a 304.
    let admin = www.join("admin");
    let index = ServiceBuilder::new()
        .map_request(|mut request: Request| {
            *request.uri_mut() = Uri::from_static("/index.html");
            request
        })
        .service(ServeDir::with_backend(&admin, backend.clone()));
    let written = ServeDir::with_backend(&admin, backend.clone())
        .precompressed_br()
        .precompressed_gzip()
        .fallback(index);
    let console = ServiceBuilder::new()
        .layer(header_layer(header::CACHE_CONTROL, CONSOLE_CACHE))
        .service(
            ServeDir::with_backend(dist.join("admin"), backend)
                .precompressed_br()
                .precompressed_gzip()
                .fallback(written),
        );
    Router::new()
        .nest_service("/admin/", console)
        .route_service("/embed.js", script.clone())
        .route_service("/embed.wasm", script)
        .route_service("/embed.d.ts", types)
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
            ErrorCode::NotFound,
            "Nothing here: this server runs without --demo. The admin console is at /admin.",
        )
        .into_response(),
    }
}

/// The demo page as written, `{{EMBED_KEY}}` and all: `index.html` in
/// `www` when set, else the built-in copy.
pub fn demo_page_template(www: Option<&Path>) -> anyhow::Result<String> {
    match www {
        Some(www) => {
            let path = www.join("index.html");
            std::fs::read_to_string(&path)
                .map_err(|err| anyhow::anyhow!("cannot read the demo page {path:?}: {err}"))
        }
        None => {
            let file = Www::get("index.html")
                .ok_or_else(|| anyhow::anyhow!("the built-in copy has no demo page"))?;
            Ok(String::from_utf8(file.data.into_owned())?)
        }
    }
}

/// Whether the embed has been built: in `www` when set, else into the
/// built-in copy when the server was compiled.
pub fn embed_is_built(www: Option<&Path>) -> bool {
    match www {
        Some(www) => www.join("dist/embed.js").is_file(),
        None => Www::get("dist/embed.js").is_some(),
    }
}

/// Warns at start, clearly, when `/embed.js` is going to answer 404.
pub fn warn_if_embed_missing(www: Option<&Path>) {
    if embed_is_built(www) {
        return;
    }
    match www {
        Some(www) => tracing::warn!(
            www = %www.display(),
            "the embed is not built, so /embed.js answers 404: run `npm run build`"
        ),
        None => tracing::warn!(
            "the embed was not built when this server was compiled, so /embed.js answers 404: \
             run `npm run build`, then rebuild the server (`cargo build --release -p adact-server`), \
             or serve a built www folder with --www-dir"
        ),
    }
}
