//! Flow tests: the real server on port 0 with a temporary SQLite file,
//! talked to over real HTTP; and the real binary for start, signals and
//! the `account` command.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

mod cluster;
mod crash;
mod edge;
mod etag;
mod events;
mod faults;
mod load;
mod openapi;
mod order;
mod play;
mod players;
mod receiver;
mod server;
mod stats;
mod webhooks;

use std::{
    io::{BufRead as _, BufReader},
    process::{Command, Stdio},
    time::Duration,
};

use reqwest::{StatusCode, header};
use serde_json::{Value, json};
use server::{ADMIN_TOKEN, EMBED_KEY, TestServer};

#[tokio::test]
async fn a_page_on_another_origin_renders_the_demo_segment() {
    let server = TestServer::start(|_| {}).await;
    let response = server
        .client
        .post(server.url(&format!("/api/v1/embed/render?key={EMBED_KEY}")))
        .header(header::ORIGIN, "http://shop.test:3000")
        .header(header::CONTENT_TYPE, "text/plain;charset=UTF-8")
        .body(json!({"segment": "Default Users", "user": {"id": "u-1"}}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["campaign"]["name"], "Holiday Wheel");
    assert_eq!(body["campaign"]["theme"]["primary"], "#6d28d9");
    server.stop().await;
}

#[tokio::test]
async fn health_answers_when_the_database_does() {
    let server = TestServer::start(|_| {}).await;
    let response = server
        .client
        .get(server.url("/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"status": "ok"})
    );
    server.stop().await;
}

#[tokio::test]
async fn a_restart_keeps_the_account_and_stores_only_the_token_hash() {
    let server = TestServer::start(|_| {}).await;
    let dir = server.stop().await;
    let server = TestServer::start_in(dir, |_| {}).await;
    let account: Value = server
        .client
        .get(server.url("/api/v1/account"))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(account["embed_key"], EMBED_KEY);
    let store = server.second_store().await;
    let stored: (String,) = sqlx::query_as("select admin_token_hash from accounts")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(stored.0, adact_domain::credentials::hash_token(ADMIN_TOKEN));
    let clear: (i64,) = sqlx::query_as(
        "select count(*) from accounts where admin_token_hash = $1 or name = $1 or embed_key = $1",
    )
    .bind(ADMIN_TOKEN)
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(clear.0, 0, "the admin token is stored in clear");
    store.close().await;
    server.stop().await;
}

#[tokio::test]
async fn the_embed_is_served_compressed_with_caching_for_a_third_party_script() {
    let server = TestServer::start(|_| {}).await;

    let script = server
        .client
        .get(server.url(&format!("/embed.js?key={EMBED_KEY}")))
        .header(header::ACCEPT_ENCODING, "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(script.status(), StatusCode::OK);
    assert_eq!(script.headers()[header::CONTENT_ENCODING], "br");
    assert!(
        script.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
    assert!(
        script.headers()[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("max-age=300")
    );
    assert_eq!(script.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");

    let wasm = server
        .client
        .get(server.url(&format!("/embed/{}", server::WASM_NAME)))
        .header(header::ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(wasm.status(), StatusCode::OK);
    assert_eq!(wasm.headers()[header::CONTENT_TYPE], "application/wasm");
    assert_eq!(wasm.headers()[header::CONTENT_ENCODING], "gzip");
    assert_eq!(
        wasm.headers()[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(wasm.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");

    let plain = server
        .client
        .get(server.url(&format!("/embed/{}", server::WASM_NAME)))
        .send()
        .await
        .unwrap();
    assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
    assert_eq!(plain.bytes().await.unwrap().as_ref(), server::WASM_BYTES);
    server.stop().await;
}

#[tokio::test]
async fn shutdown_finishes_and_releases_the_database() {
    let server = TestServer::start(|_| {}).await;
    let url = server.url("/healthz");
    let dir = server.stop().await;
    assert!(
        reqwest::get(url).await.is_err(),
        "still answering after shutdown"
    );
    drop(dir);
}

/// The real binary: prints the credentials once, then the URL, and exits
/// cleanly on SIGTERM.
#[test]
fn the_binary_starts_prints_its_url_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = database_url(&dir);
    let mut child = Command::new(env!("CARGO_BIN_EXE_adact-server"))
        .args(["--bind", "127.0.0.1:0", "--demo"])
        .env("DATABASE_URL", database_url)
        .env("ADACT_WWW_DIR", server::www_dir())
        .env_remove("ADACT_ADMIN_TOKEN")
        .env_remove("ADACT_EMBED_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let done = line.starts_with("Adact is listening on http://127.0.0.1:");
        seen.push(line);
        if done {
            break;
        }
    }
    let printed = seen.join("\n");
    assert!(printed.contains("admin token: adm_"), "{printed}");
    assert!(printed.contains("embed key:   pk_"), "{printed}");

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit:?}");
}

#[test]
fn account_create_prints_new_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = database_url(&dir);
    let output = Command::new(env!("CARGO_BIN_EXE_adact-server"))
        .args(["account", "create", "--name", "Acme Shoes"])
        .env("DATABASE_URL", database_url)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("Created account Acme Shoes (acc_"),
        "{stdout}"
    );
    assert!(stdout.contains("admin token: adm_"), "{stdout}");
}

/// A test database (SQLite, or PostgreSQL when configured) from sync code.
fn database_url(dir: &tempfile::TempDir) -> String {
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(adact_store::testing::database_url(dir.path()))
        .unwrap()
}

#[test]
fn help_documents_every_setting() {
    let output = Command::new(env!("CARGO_BIN_EXE_adact-server"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    for flag in [
        "--bind",
        "--database-url",
        "[env: DATABASE_URL",
        "--demo",
        "--allow-private-endpoints",
        "ADACT_ADMIN_TOKEN",
        "ADACT_EMBED_KEY",
    ] {
        assert!(
            help.contains(flag),
            "--help does not mention {flag}:\n{help}"
        );
    }
}
