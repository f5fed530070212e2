//! A real server on port 0, on a temporary SQLite file, with a built-in
//! stand-in for the embed build so these tests do not depend on it.

use std::path::PathBuf;

use adact_server::config::Config;
use tokio::{net::TcpListener, task::JoinHandle};
use tokio_util::sync::CancellationToken;

pub const ADMIN_TOKEN: &str = "adm_flow_tests_0123456789abcdef";
pub const EMBED_KEY: &str = "pk_flow_tests_0123456789";
pub const WASM_NAME: &str = "adact-embed.0123456789abcdef.wasm";
pub const WASM_BYTES: &[u8] = b"\0asm\x01\0\0\0";

/// The repository's `www/`, for the demo page.
pub fn www_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../www"))
}

/// A campaign made by [`TestServer::campaign`], and its segment.
#[derive(Debug)]
pub struct Campaign {
    pub id: String,
    pub segment_id: String,
}

pub struct TestServer {
    pub client: reqwest::Client,
    base: String,
    shutdown: CancellationToken,
    task: JoinHandle<anyhow::Result<()>>,
    dir: tempfile::TempDir,
    pub database_url: String,
}

impl TestServer {
    pub async fn start(configure: impl FnOnce(&mut Config)) -> Self {
        Self::start_in(tempfile::tempdir().unwrap(), configure).await
    }

    /// Starts on the database (and stand-in assets) in `dir`.
    pub async fn start_in(dir: tempfile::TempDir, configure: impl FnOnce(&mut Config)) -> Self {
        adact_server::worker::client::install_crypto_provider();
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_default_env()
                    .unwrap_or_else(|_| "warn".into()),
            )
            .with_test_writer()
            .try_init();
        let www = dir.path().join("www");
        write_fake_embed(&www);
        std::fs::copy(www_dir().join("index.html"), www.join("index.html")).unwrap();
        let database_url = adact_store::testing::database_url(dir.path())
            .await
            .unwrap();
        let mut config = Config::for_database(database_url.clone());
        config.admin_token = Some(ADMIN_TOKEN.into());
        config.embed_key = Some(EMBED_KEY.into());
        config.www_dir = Some(www);
        config.demo = true;
        configure(&mut config);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let shutdown = CancellationToken::new();
        let task = tokio::spawn(adact_server::run(config, listener, shutdown.clone()));
        let server = Self {
            database_url,
            client: reqwest::Client::new(),
            base,
            shutdown,
            task,
            dir,
        };
        server.wait_until_ready().await;
        server.lift_rate_limits().await;
        server
    }

    /// Flow tests send hundreds of steps from one address, far above the
    /// default rate limits; the tests of the limits set their own.
    async fn lift_rate_limits(&self) {
        crate::load::lift_rate_limits(&self.target()).await;
    }

    /// The server as the load's clients know it (see `load`).
    pub fn target(&self) -> crate::load::Target {
        crate::load::Target::new(&self.base, ADMIN_TOKEN, EMBED_KEY)
    }

    async fn wait_until_ready(&self) {
        for _ in 0..200 {
            if let Ok(response) = self.client.get(self.url("/healthz")).send().await
                && response.status().is_success()
            {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("the server did not become ready");
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A request with the admin token.
    pub fn admin(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, self.url(path))
            .bearer_auth(ADMIN_TOKEN)
    }

    /// Sends an admin request and returns the status and JSON body.
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (reqwest::StatusCode, serde_json::Value) {
        let mut request = self.admin(method, path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
        )
    }

    /// An active campaign of `kind` with `definition`, shown by a new
    /// segment titled `title`.
    pub async fn campaign(
        &self,
        title: &str,
        kind: &str,
        definition: serde_json::Value,
    ) -> Campaign {
        let body = serde_json::json!({
            "name": title, "kind": kind, "status": "active", "definition": definition,
        });
        let (status, created) = self
            .call(reqwest::Method::POST, "/api/v1/campaigns", Some(body))
            .await;
        assert_eq!(status, reqwest::StatusCode::CREATED, "{created}");
        let id = created["id"].as_str().unwrap().to_owned();
        let body = serde_json::json!({"title": title, "campaign_id": id});
        let (status, segment) = self
            .call(reqwest::Method::POST, "/api/v1/segments", Some(body))
            .await;
        assert_eq!(status, reqwest::StatusCode::CREATED, "{segment}");
        Campaign {
            id,
            segment_id: segment["id"].as_str().unwrap().to_owned(),
        }
    }

    /// Another connection pool on the server's database, standing in for
    /// another process that records events.
    pub async fn second_store(&self) -> adact_store::Store {
        adact_store::Store::connect(&self.database_url, 2)
            .await
            .unwrap()
    }

    /// Stops the server gracefully and hands back its folder.
    pub async fn stop(self) -> tempfile::TempDir {
        self.shutdown.cancel();
        tokio::time::timeout(std::time::Duration::from_secs(10), self.task)
            .await
            .expect("graceful shutdown took over 10 s")
            .unwrap()
            .unwrap();
        self.dir
    }
}

/// What `npm run build` writes to `www/dist`, in miniature.
fn write_fake_embed(www: &std::path::Path) {
    let embed = www.join("dist/embed");
    std::fs::create_dir_all(&embed).unwrap();
    let script = b"window.renderAdact = function () {};";
    let dist = www.join("dist");
    std::fs::write(dist.join("embed.js"), script).unwrap();
    std::fs::write(dist.join("embed.js.br"), b"br-bytes").unwrap();
    std::fs::write(dist.join("embed.js.gz"), b"gz-bytes").unwrap();
    std::fs::write(embed.join(WASM_NAME), WASM_BYTES).unwrap();
    std::fs::write(embed.join(format!("{WASM_NAME}.gz")), b"gz-bytes").unwrap();
    std::fs::write(embed.join(format!("{WASM_NAME}.br")), b"br-bytes").unwrap();
}

/// The real `adact-server` binary, as an operator runs it.
pub struct Process {
    pub child: std::process::Child,
    pub url: String,
}

impl Process {
    /// Starts the binary on `database_url` with the test tokens and waits
    /// for its "listening" line.
    pub fn start(database_url: &str, args: &[&str]) -> Self {
        use std::io::{BufRead as _, BufReader};
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_adact-server"))
            .args(["--bind", "127.0.0.1:0"])
            .args(args)
            .env("DATABASE_URL", database_url)
            .env("ADACT_ADMIN_TOKEN", ADMIN_TOKEN)
            .env("ADACT_EMBED_KEY", EMBED_KEY)
            .env("ADACT_WWW_DIR", www_dir())
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let url = loop {
            let line = lines
                .next()
                .expect("the server exited before listening")
                .unwrap();
            if let Some(url) = line.strip_prefix("Adact is listening on ") {
                break url.to_owned();
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Self { child, url }
    }

    /// Turns webhooks on, pointed at `url`, through the admin API.
    pub async fn enable_webhooks(&self, url: &str) {
        adact_server::worker::client::install_crypto_provider();
        let response = reqwest::Client::new()
            .put(format!("{}/api/v1/webhooks/settings", self.url))
            .bearer_auth(ADMIN_TOKEN)
            .json(&serde_json::json!({"enabled": true, "url": url}))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
    }

    pub fn signal(&self, signal: &str) {
        let status = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    pub fn wait(&mut self, timeout: std::time::Duration) -> std::process::ExitStatus {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            if let Some(exit) = self.child.try_wait().unwrap() {
                return exit;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the server did not exit"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Records `n` events in transactions of up to 500, as another process
/// sharing the database would; returns their ids.
pub async fn record_events(store: &adact_store::Store, account_id: &str, n: usize) -> Vec<String> {
    use adact_domain::events::{EventType, schema::example_data};
    use adact_store::outbox;
    let mut ids = Vec::with_capacity(n);
    for chunk in 0..n.div_ceil(500) {
        let (account_id, count) = (
            account_id.to_owned(),
            n.min(chunk * 500 + 500) - chunk * 500,
        );
        let recorded = store
            .transact(move |tx| {
                Box::pin(async move {
                    let mut ids = Vec::with_capacity(count);
                    for _ in 0..count {
                        let data = example_data(EventType::SegmentUpdated);
                        ids.push(outbox::record(tx, &account_id, data).await?.id);
                    }
                    Ok::<_, sqlx::Error>(ids)
                })
            })
            .await
            .unwrap();
        ids.extend(recorded);
    }
    ids
}

/// Turns the account's webhooks on, straight in the database.
pub async fn enable_webhooks(store: &adact_store::Store, account_id: &str) {
    let account_id = account_id.to_owned();
    store
        .transact(move |tx| {
            Box::pin(async move {
                adact_store::endpoints::set_webhooks_enabled(tx, &account_id, true).await
            })
        })
        .await
        .unwrap();
}

/// Creates an endpoint with a new secret, straight in the database.
pub async fn create_endpoint(
    store: &adact_store::Store,
    account_id: &str,
    fields: adact_domain::webhook::EndpointFields,
    primary: bool,
) -> adact_domain::webhook::Endpoint {
    let account_id = account_id.to_owned();
    let secret = adact_domain::webhook::signing::new_secret();
    store
        .transact(move |tx| {
            Box::pin(async move {
                adact_store::endpoints::insert_endpoint(tx, &account_id, &fields, primary, &secret)
                    .await
            })
        })
        .await
        .unwrap()
}
