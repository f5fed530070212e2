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

use self::builtin::{Builtin, Www};
use super::{AppState, error::Error};

mod builtin;

/// `embed.js` changes with every release but keeps its URL: cache it
/// briefly, and let the browser revalidate it cheaply (ETag/Last-Modified).
const SCRIPT_CACHE: &str = "public, max-age=300, stale-while-revalidate=86400";
/// `embed.d.ts`, for people and editors to read.
const TYPES_CONTENT_TYPE: &str = "text/plain; charset=utf-8";
/// The console's files: kept, but checked with the server at each use.
const CONSOLE_CACHE: &str = "no-cache";
/// The wasm's name carries its content hash: it never changes.
const HASHED_CACHE: &str = "public, max-age=31536000, immutable";

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
            "not_found",
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

#[cfg(test)]
mod tests {
    use axum::{
        body::Body,
        http::{HeaderMap, StatusCode},
    };
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;

    use super::*;
    use crate::{config::Config, store::Store};

    const KEY: &str = "pk_asset_tests_0123456789";

    /// The whole application with no www folder set: the built-in copy.
    struct BuiltinApp {
        router: Router,
        _dir: tempfile::TempDir,
    }

    impl BuiltinApp {
        async fn new() -> Self {
            let dir = tempfile::tempdir().unwrap();
            let url = crate::testing::database_url(dir.path()).await.unwrap();
            let mut config = Config::for_database(url);
            config.www_dir = None;
            let store = Store::connect(&config.database_url, 2).await.unwrap();
            let state = AppState::new(store, &config, Some(KEY)).unwrap();
            Self {
                router: super::super::app(state, &config),
                _dir: dir,
            }
        }

        async fn get(
            &self,
            path: &str,
            headers: &[(&str, &str)],
        ) -> (StatusCode, HeaderMap, Vec<u8>) {
            let mut request = Request::get(path);
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            let response = self
                .router
                .clone()
                .oneshot(request.body(Body::empty()).unwrap())
                .await
                .unwrap();
            let (parts, body) = response.into_parts();
            let bytes = body.collect().await.unwrap().to_bytes().to_vec();
            (parts.status, parts.headers, bytes)
        }
    }

    const CONSOLE: &[u8] = include_bytes!("../../../../www/admin/index.html");

    #[tokio::test]
    async fn the_builtin_copy_serves_the_console_and_the_demo_page() {
        let app = BuiltinApp::new().await;

        let (status, headers, body) = app.get("/admin/", &[]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CONTENT_TYPE], "text/html");
        assert!(headers.contains_key(header::ETAG));
        assert!(headers.contains_key(header::LAST_MODIFIED));
        // Kept, but checked with the server at each use.
        assert_eq!(headers[header::CACHE_CONTROL], CONSOLE_CACHE);
        assert_eq!(body, CONSOLE);
        // Compressed when the browser offers it.
        let (status, headers, _) = app.get("/admin/", &[("accept-encoding", "br, gzip")]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CONTENT_ENCODING], "br");
        assert_eq!(headers[header::VARY], "accept-encoding");

        // Deep links get the console's page.
        for deep in [
            "/admin/campaigns",
            "/admin/campaigns/01ABC/history",
            "/admin/pages/",
        ] {
            let (status, headers, body) = app.get(deep, &[]).await;
            assert_eq!(status, StatusCode::OK, "{deep}");
            assert_eq!(headers[header::CONTENT_TYPE], "text/html", "{deep}");
            assert_eq!(body, CONSOLE, "{deep}");
        }
        // The bundle `npm run build` made, else the module as written.
        let (status, headers, body) = app.get("/admin/app.js", &[]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CONTENT_TYPE], "text/javascript");
        assert_eq!(headers[header::CACHE_CONTROL], CONSOLE_CACHE);
        let app_js = Www::get("dist/admin/app.js").or_else(|| Www::get("admin/app.js"));
        assert_eq!(body, app_js.unwrap().data.into_owned());

        let (status, headers, _) = app.get("/admin", &[]).await;
        assert_eq!(status, StatusCode::PERMANENT_REDIRECT);
        assert_eq!(headers[header::LOCATION], "/admin/");

        let (status, _, body) = app.get("/", &[]).await;
        assert_eq!(status, StatusCode::OK);
        let page = String::from_utf8(body).unwrap();
        assert!(page.contains(&format!("/embed.js?key={KEY}")), "{page}");
        assert!(!page.contains("{{EMBED_KEY}}"));

        // Files outside the console, dist and the embed are not served.
        for hidden in ["/index.html", "/dist/embed.js", "/embed.js.br"] {
            let (status, headers, _) = app.get(hidden, &[]).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{hidden}");
            assert_eq!(
                headers[header::CONTENT_TYPE],
                "application/json",
                "{hidden}"
            );
        }
        let (status, _, _) = app.get("/embed/missing.wasm", &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

    #[tokio::test]
    async fn the_builtin_copy_serves_the_embed_precompressed_and_cached() {
        let app = BuiltinApp::new().await;
        if !embed_is_built(None) {
            let (status, _, _) = app.get("/embed.js", &[]).await;
            assert_eq!(status, StatusCode::NOT_FOUND);
            eprintln!(
                "the embed was not built when this test was compiled: `npm run build` to test it"
            );
            return;
        }
        let builtin = |name: &str| Www::get(name).unwrap().data.into_owned();

        let (status, headers, body) = app
            .get("/embed.js?key=pk_x", &[("accept-encoding", "gzip, br")])
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CONTENT_ENCODING], "br");
        assert_eq!(headers[header::VARY], "accept-encoding");
        assert_eq!(headers[header::CONTENT_TYPE], "text/javascript");
        assert_eq!(headers[header::CACHE_CONTROL], SCRIPT_CACHE);
        assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
        assert_eq!(headers[TIMING_ALLOW_ORIGIN], "*");
        assert!(headers.contains_key(header::LAST_MODIFIED));
        assert_eq!(body, builtin("dist/embed.js.br"));

        // Revalidation: the same ETag answers 304, with the caching headers.
        let etag = headers[header::ETAG].to_str().unwrap();
        let (status, headers, body) = app
            .get(
                "/embed.js",
                &[("accept-encoding", "gzip, br"), ("if-none-match", etag)],
            )
            .await;
        assert_eq!(status, StatusCode::NOT_MODIFIED);
        assert_eq!(headers[header::CACHE_CONTROL], SCRIPT_CACHE);
        assert!(body.is_empty());

        let (_, headers, body) = app
            .get("/embed.js", &[("accept-encoding", "br;q=0, gzip")])
            .await;
        assert_eq!(headers[header::CONTENT_ENCODING], "gzip");
        assert_eq!(body, builtin("dist/embed.js.gz"));
        let (_, headers, body) = app.get("/embed.js", &[]).await;
        assert!(!headers.contains_key(header::CONTENT_ENCODING));
        assert_eq!(body, builtin("dist/embed.js"));
        assert!(body.starts_with(b"/*! Adact embed "));

        let wasm = Www::iter()
            .find(|name| name.starts_with("dist/embed/") && name.ends_with(".wasm"))
            .unwrap();
        let url = wasm.trim_start_matches("dist");
        let (status, headers, body) = app.get(url, &[("accept-encoding", "gzip")]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CONTENT_TYPE], "application/wasm");
        assert_eq!(headers[header::CONTENT_ENCODING], "gzip");
        assert_eq!(headers[header::CACHE_CONTROL], HASHED_CACHE);
        assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
        assert_eq!(headers[TIMING_ALLOW_ORIGIN], "*");
        assert_eq!(body, builtin(&format!("{wasm}.gz")));
        let (_, _, body) = app.get(url, &[]).await;
        assert!(body.starts_with(b"\0asm"));
    }

    #[tokio::test]
    async fn json_is_compressed_as_the_client_offers() {
        let app = BuiltinApp::new().await;
        let (status, plain_headers, plain) = app.get("/api/v1/openapi.json", &[]).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!plain_headers.contains_key(header::CONTENT_ENCODING));
        for (offer, encoding) in [("gzip, deflate, br", "br"), ("gzip", "gzip")] {
            let (status, headers, body) = app
                .get("/api/v1/openapi.json", &[("accept-encoding", offer)])
                .await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(headers[header::CONTENT_ENCODING], encoding, "{offer}");
            assert_eq!(headers[header::CONTENT_TYPE], "application/json");
            assert!(
                body.len() * 4 < plain.len(),
                "{offer}: {} of {}",
                body.len(),
                plain.len()
            );
        }
    }

    #[tokio::test]
    async fn the_builtin_copy_serves_the_typescript_declarations_as_text() {
        let app = BuiltinApp::new().await;
        if Www::get("dist/embed.d.ts").is_none() {
            eprintln!(
                "the embed was not built when this test was compiled: `npm run build` to test it"
            );
            return;
        }
        let (status, headers, body) = app.get("/embed.d.ts", &[("accept-encoding", "gzip")]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CONTENT_TYPE], TYPES_CONTENT_TYPE);
        assert_eq!(headers[header::CONTENT_ENCODING], "gzip");
        assert_eq!(headers[header::CACHE_CONTROL], SCRIPT_CACHE);
        assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
        assert_eq!(
            body,
            Www::get("dist/embed.d.ts.gz").unwrap().data.into_owned()
        );
        let (_, _, body) = app.get("/embed.d.ts", &[]).await;
        assert_eq!(body, include_bytes!("../../../../embed/js/embed.d.ts"));
    }
}
