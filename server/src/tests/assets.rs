//! The pages, the embed and the API document as the built-in copy serves
//! them (`TestApp::builtin`): content types, caching, compression.

use axum::http::{StatusCode, header};

use super::{KEY, TestApp};
use crate::http::assets::{
    CONSOLE_CACHE, HASHED_CACHE, SCRIPT_CACHE, TIMING_ALLOW_ORIGIN, TYPES_CONTENT_TYPE, Www,
    embed_is_built,
};

const CONSOLE: &[u8] = include_bytes!("../../../www/admin/index.html");

#[tokio::test]
async fn the_builtin_copy_serves_the_console_and_the_demo_page() {
    let app = TestApp::builtin().await;

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
    let app = TestApp::builtin().await;
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
    let app = TestApp::builtin().await;
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
    let app = TestApp::builtin().await;
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
    assert_eq!(body, include_bytes!("../../../embed/js/embed.d.ts"));
}
