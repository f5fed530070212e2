//! Faults around a running server, over real HTTP: clients that hang up
//! mid-request, edits that race, the database going away and coming back,
//! and a disk that fills up. Each checks afterwards, in the database, that
//! what clients were told is what was stored (see `load`).

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::Duration,
};

use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use crate::{
    load::{self, Fixture, Known, Ledger, PlayLife, SegmentLife, Target, Until},
    server::TestServer,
};

/// Rounds each client runs: twice through every write operation.
const ROUNDS: usize = 12;

/// Clients that hang up a few milliseconds after sending (RST) must not
/// break anyone else's writes, nor leave half a write behind: afterwards
/// every answered success is stored once, every answered failure left
/// nothing, the hung-up writes are whole, and the same server takes a fresh
/// batch of writes without an error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hung_up_clients_break_no_write() {
    // Few clients keep each request short, so that a reset 0-8 ms after
    // sending can land anywhere in its handling, up to its commit: under a
    // heavier load most resets land before the handler reaches the
    // database, and the short windows where a hang-up does harm (around
    // the writer's BEGIN and COMMIT) take thousands of them to find.
    const STAYING: usize = 4;
    const HANGING_UP: usize = 8;
    let server = TestServer::start(|config| config.allow_private_endpoints = true).await;
    let target = server.target();
    let fixture = Fixture::prepare(&target, STAYING + HANGING_UP).await;

    // Eight times through every operation: a few hundred hang-ups.
    let during = load::run(
        &target,
        &fixture,
        STAYING,
        HANGING_UP,
        Until::Rounds(4 * ROUNDS),
    )
    .await;
    let fresh = load::run(&target, &fixture, STAYING, 0, Until::Rounds(ROUNDS)).await;

    let mut ledger = during.clone();
    ledger.merge(fresh.clone());
    let store = server.second_store().await;
    let report = load::check(store.pool(), store.backend(), &fixture, &ledger).await;
    store.close().await;
    let (p50, p99) = during.write_latency();
    println!(
        "hang-ups ({}): {} requests answered to clients that stayed ({} failed; writes p50 {p50:?}, \
         p99 {p99:?}), {} sent and reset; then a fresh batch: {} answered ({} failed)\n{report}",
        store.backend_name(),
        during.requests.len(),
        during.failures().len(),
        during.hung_up(),
        fresh.requests.len(),
        fresh.failures().len(),
    );
    assert!(
        during.failures().is_empty() && fresh.failures().is_empty() && report.is_empty(),
        "clients that stayed were failed while others hung up: {:#?}\n\
         then, with nobody hanging up: {:#?}\n{report}",
        first(&during.failures()),
        first(&fresh.failures()),
    );
    server.stop().await;
}

/// Eight admins save the same campaign at once, each raising one prize's
/// stock from 10 to 50: the stock left is 50, as each of them asked, not
/// 10 plus eight raises of 40.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_campaign_edits_lose_nothing() {
    const EDITS: usize = 8;
    // Fewer connections than saves queue their transactions one behind
    // another, as SQLite's one writer does, so that most saves read the
    // campaign before the one ahead of them commits. With a connection
    // for each, PostgreSQL's row lock lines their updates up in a way that
    // leaves 50 by chance in most runs, though the updates were lost.
    let server = TestServer::start(|config| config.db_max_connections = 4).await;
    let target = server.target();
    let id =
        load::create_campaign(&target, "Edited at once", load::definition_with_stock(10)).await;
    let path = format!("/api/v1/campaigns/{id}");
    let (_, campaign) = server.call(Method::GET, &path, None).await;
    let mut definition = campaign["definition"].clone();
    assert!(definition["prizes"][0]["id"].is_string(), "{campaign}");
    definition["prizes"][0]["stock"] = json!(50);

    let answers = edit_at_once(&target, &path, &json!({"definition": definition}), EDITS).await;
    for (status, body) in &answers {
        assert_eq!(*status, StatusCode::OK, "{body}");
    }
    let (_, saved) = server.call(Method::GET, &path, None).await;
    assert_eq!(saved["definition"]["prizes"][0]["stock"], 50);
    assert_eq!(
        saved["prizes"][0]["stock_remaining"], 50,
        "stock left after {EDITS} saves of 10 -> 50 at once (each save moving it by 40 from \
         what it read gives up to 330): {}",
        saved["prizes"]
    );
    assert_eq!(
        saved["prizes"],
        json!([{"id": definition["prizes"][0]["id"], "stock_remaining": 50,
                "codes_available": 0, "codes_given": 0}]),
    );
    server.stop().await;
}

// The If-Match variant of the test above goes here: the same eight saves,
// each sending the ETag of the campaign it read, answer one 200 and seven
// 412 `precondition_failed`, and the stock left is 50. `edit_at_once`
// takes the body; give it the header too.

/// Sends `n` PATCHes of `body` to `path` at once; their answers.
async fn edit_at_once(
    target: &Target,
    path: &str,
    body: &Value,
    n: usize,
) -> Vec<(StatusCode, Value)> {
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(n));
    let edits: Vec<_> = (0..n)
        .map(|_| {
            let request = target.admin(Method::PATCH, path).json(body);
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                let response = request.send().await.unwrap();
                let status = response.status();
                (status, response.json().await.unwrap_or(Value::Null))
            })
        })
        .collect();
    let mut answers = Vec::with_capacity(n);
    for edit in edits {
        answers.push(edit.await.unwrap());
    }
    answers
}

/// PostgreSQL stops under load, then starts again: while it is down, every
/// request is answered 503 `database_unavailable` with `Retry-After`
/// within seconds (not after the pool's or the request's time limit);
/// once it is back, the same server writes again by itself, and nothing it
/// acknowledged before, during or after is lost.
///
/// On its own throwaway cluster (so it runs in the SQLite phase too, and
/// never stops the cluster the other tests share); skipped with a message
/// where PostgreSQL is not installed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restarted_under_load() {
    const STAYING: usize = 6;
    let Some(cluster) = Cluster::start() else {
        println!(
            "postgres_restarted_under_load: skipped, no PostgreSQL in /usr/lib/postgresql/*/bin \
             (scripts/pg.sh installs it)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("database-url"), cluster.create_database()).unwrap();
    let server = TestServer::start_in(dir, |config| config.allow_private_endpoints = true).await;
    let target = server.target();
    let fixture = Fixture::prepare(&target, STAYING).await;

    let before = load::run(&target, &fixture, STAYING, 0, Until::Rounds(ROUNDS)).await;
    // A session rendered while the database is up, to step while it is down.
    let (_, render) = server
        .public(
            "/api/v1/embed/render",
            json!({"segment": load::DEMO_SEGMENT, "user": {"id": "while-down"}}),
        )
        .await;

    let stop_load = CancellationToken::new();
    let under_load = tokio::spawn({
        let (target, fixture) = (target.clone(), fixture.clone());
        let until = Until::Cancelled(stop_load.clone());
        async move { load::run(&target, &fixture, STAYING, 0, until).await }
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    tokio::task::block_in_place(|| cluster.stop());

    let (probes, refused) = probe_while_down(&target, &fixture, &render).await;

    tokio::task::block_in_place(|| cluster.start_again());
    let mut recovered = false;
    for _ in 0..150 {
        let health = target.client.get(server.url("/healthz")).send().await;
        if health.is_ok_and(|r| r.status().is_success()) {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        recovered,
        "the server did not find the database again within 30 s"
    );
    stop_load.cancel();
    let mut during = under_load.await.unwrap();
    // The clients' own failures while the database was going away: each must
    // be a 503 of the error shape, but a write cut off while committing may
    // or may not have committed.
    let unexpected: Vec<_> = during
        .requests
        .iter()
        .filter(|r| r.failure.is_some())
        .filter(|r| {
            r.status != Some(StatusCode::SERVICE_UNAVAILABLE)
                || r.error_code.as_deref() != Some("database_unavailable")
        })
        .filter_map(|r| r.failure.clone())
        .collect();
    during.failures_are_unknown();
    let after = load::run(&target, &fixture, STAYING, 0, Until::Rounds(ROUNDS)).await;

    let mut ledger = before.clone();
    ledger.merge(during.clone());
    ledger.merge(after.clone());
    ledger.merge(refused);
    let store = server.second_store().await;
    let report = load::check(store.pool(), store.backend(), &fixture, &ledger).await;
    store.close().await;
    println!(
        "postgres restarted under load: before {} writes ({} failed); while it went away {} \
         ({} failed: {} not a 503 database_unavailable); the probes while down: {probes:#?}; \
         after {} ({} failed)\n{report}",
        before.requests.len(),
        before.failures().len(),
        during.requests.len(),
        during.failures().len(),
        unexpected.len(),
        after.requests.len(),
        after.failures().len(),
    );
    let wrong_probes: Vec<_> = probes.iter().filter(|p| !p.ok).collect();
    assert!(
        before.failures().is_empty()
            && after.failures().is_empty()
            && unexpected.is_empty()
            && wrong_probes.is_empty()
            && report.is_empty(),
        "before the stop: {:#?}\nwhile it went away, not 503 database_unavailable: {:#?}\n\
         while down: {wrong_probes:#?}\nafter the restart: {:#?}\n{report}",
        first(&before.failures()),
        first(&unexpected.iter().map(String::as_str).collect::<Vec<_>>()),
        first(&after.failures()),
    );
    server.stop().await;
}

/// How the server answered one request while the database was down.
#[derive(Debug)]
#[allow(dead_code)] // `what` and `answer` are read through Debug, in the test's report
struct Probe {
    what: &'static str,
    answer: String,
    /// A 503 `database_unavailable` with `Retry-After`.
    ok: bool,
    /// Whether it was answered with a success, an error, or not at all.
    known: Known,
}

/// How long a client waits for an answer while the database is down:
/// well beyond the pool's 3 s wait for a connection, well short of the
/// request's 30 s limit and the 10 s the pool used to wait.
const ANSWER_WHILE_DOWN_WITHIN: Duration = Duration::from_secs(8);

/// Sends one request of each kind at once while the database is down; how
/// each was answered, and the writes among them (which must leave nothing).
async fn probe_while_down(
    target: &Target,
    fixture: &Fixture,
    render: &Value,
) -> (Vec<Probe>, Ledger) {
    let session = render["session"]["id"].as_str().unwrap_or_default();
    let token = render["session"]["token"].as_str().unwrap_or_default();
    let title = format!("load {} written while down", fixture.run);
    let (campaign, name) = (&fixture.campaigns[0].0, "written while down");
    let register =
        json!({"token": token, "fields": {"email": "down@example.com"}, "consent": true});
    let requests = [
        (
            "health",
            target.client.get(format!("{}/healthz", target.base)),
        ),
        (
            "list segments",
            target.admin(Method::GET, "/api/v1/segments"),
        ),
        (
            "create segment",
            target
                .admin(Method::POST, "/api/v1/segments")
                .json(&json!({"title": title, "campaign_id": campaign})),
        ),
        (
            "edit campaign",
            target
                .admin(Method::PATCH, &format!("/api/v1/campaigns/{campaign}"))
                .json(&json!({"name": name})),
        ),
        (
            "register",
            target.public(
                &format!("/api/v1/embed/sessions/{session}/register"),
                &register,
            ),
        ),
        (
            "webhook settings",
            target
                .admin(Method::PUT, "/api/v1/webhooks/settings")
                .json(&json!({"enabled": true, "url": fixture.hook_url})),
        ),
    ];
    let probes: Vec<_> = requests
        .into_iter()
        .map(|(what, request)| {
            tokio::spawn(async move {
                let within = ANSWER_WHILE_DOWN_WITHIN.as_secs();
                let response = match request.timeout(ANSWER_WHILE_DOWN_WITHIN).send().await {
                    Ok(response) => response,
                    Err(err) => {
                        let answer = format!("no answer within {within} s: {err}");
                        let (ok, known) = (false, Known::Unknown);
                        return Probe {
                            what,
                            answer,
                            ok,
                            known,
                        };
                    }
                };
                let status = response.status();
                let retry_after = response.headers().get(header::RETRY_AFTER).cloned();
                let body: Value = response.json().await.unwrap_or(Value::Null);
                let ok = status == StatusCode::SERVICE_UNAVAILABLE
                    && body["error"]["code"] == "database_unavailable"
                    && body["error"]["message"].is_string()
                    && retry_after.is_some();
                let answer = format!("{status} Retry-After {retry_after:?} {body}");
                let known = if status.is_success() {
                    Known::Done
                } else {
                    Known::NotDone
                };
                Probe {
                    what,
                    answer,
                    ok,
                    known,
                }
            })
        })
        .collect();
    let mut answered = Vec::new();
    for probe in probes {
        answered.push(probe.await.unwrap());
    }
    let known = |what: &str| {
        answered
            .iter()
            .find(|p| p.what == what)
            .map_or(Known::Unknown, |p| p.known)
    };
    let mut writes = Ledger::default();
    writes.segments.push(SegmentLife {
        title,
        id: None,
        created: known("create segment"),
        renamed: None,
        deleted: None,
    });
    writes
        .campaign_names
        .push((campaign.clone(), name.to_owned(), known("edit campaign")));
    writes.plays.push(PlayLife {
        id: session.to_owned(),
        registered: known("register"),
        played: None,
        won: None,
        finished: None,
    });
    (answered, writes)
}

/// The server's SQLite file fills its disk: the write that does not fit
/// is answered 507 `storage_full` in the error shape, reads go on, the file
/// stays sound, and once there is room again the same server writes again,
/// from the first write on. Nothing acknowledged is lost; nothing refused
/// is stored.
///
/// On a small tmpfs, mounted for the test, so it needs root; it is about
/// the SQLite file, so it runs on SQLite in both phases.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_out_of_disk_space() {
    if !is_root() {
        println!("sqlite_out_of_disk_space: skipped, mounting a tmpfs needs root");
        return;
    }
    let disk = Tmpfs::mount("8m");
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", disk.path().join("adact.db").display());
    std::fs::write(dir.path().join("database-url"), &url).unwrap();
    let server = TestServer::start_in(dir, |_| {}).await;
    let target = server.target();

    // All the room but a little, taken by another file.
    let filler = disk.path().join("filler");
    fill(&filler, 512 * 1024);

    let mut created = Vec::new();
    let mut full = None;
    for n in 0..200 {
        let name = format!("Big {n}");
        let (status, body) = create_big_campaign(&target, &name).await;
        if status == StatusCode::CREATED {
            created.push(name);
        } else {
            full = Some((name, status, body));
            break;
        }
    }
    let Some((refused, status, body)) = full else {
        panic!("200 big campaigns fit in what the filler left: the test does not fill the disk");
    };
    println!(
        "disk full after {} campaigns: {status} {body}",
        created.len()
    );
    // While full: another write is refused the same way; reads answer.
    let (again_status, again) = create_big_campaign(&target, "Big while full").await;
    let (read_status, _) = server
        .call(Method::GET, "/api/v1/campaigns?limit=1", None)
        .await;
    let sound_while_full = integrity(&url).await;

    std::fs::remove_file(&filler).unwrap();
    let mut after = Vec::new();
    for n in 0..5 {
        let name = format!("Big after {n}");
        let (status, body) = create_big_campaign(&target, &name).await;
        after.push((name, status, body));
    }
    let sound_after = integrity(&url).await;
    let names = campaign_names(&url).await;
    let lost: Vec<_> = created.iter().filter(|n| !names.contains(n)).collect();
    let stored_though_refused: Vec<_> = [&refused, "Big while full"]
        .into_iter()
        .filter(|n| names.iter().any(|stored| stored == n))
        .collect();
    let failed_after: Vec<_> = after
        .iter()
        .filter(|(_, status, _)| *status != StatusCode::CREATED)
        .collect();
    println!(
        "while full: {again_status} {again}, a read {read_status}, integrity {sound_while_full}; \
         after making room: {} of 5 writes failed {failed_after:?}, integrity {sound_after}",
        failed_after.len()
    );
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::INSUFFICIENT_STORAGE, Some("storage_full")),
        "{body}"
    );
    assert!(body["error"]["message"].is_string(), "{body}");
    assert_eq!(
        (again_status, again["error"]["code"].as_str()),
        (StatusCode::INSUFFICIENT_STORAGE, Some("storage_full")),
        "{again}"
    );
    assert_eq!(read_status, StatusCode::OK, "a read while the disk is full");
    assert_eq!(
        (sound_while_full.as_str(), sound_after.as_str()),
        ("ok", "ok")
    );
    assert!(
        failed_after.is_empty(),
        "after making room: {failed_after:#?}"
    );
    assert!(lost.is_empty(), "acknowledged, then lost: {lost:?}");
    assert!(
        stored_though_refused.is_empty(),
        "refused, yet stored: {stored_though_refused:?}"
    );
    server.stop().await;
}

/// A campaign whose pool of codes takes about 30 KB.
async fn create_big_campaign(target: &Target, name: &str) -> (StatusCode, Value) {
    let codes: Vec<String> = (0..500)
        .map(|i| format!("{name}-CODE-{i:08}-PADDING"))
        .collect();
    let definition = json!({
        "texts": {"title": "Big"},
        "play_limit": "unlimited",
        "form": {"fields": []},
        "prizes": [{"name": "Gift card", "weight": 1, "stock": 500, "codes": {"pool": codes}}],
        "no_prize": {"label": "Next time", "weight": 1}
    });
    let response = target
        .admin(Method::POST, "/api/v1/campaigns")
        .json(&json!({"name": name, "kind": "wheel", "definition": definition}))
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Writes `path` until the disk is full, then gives back `room` bytes.
fn fill(path: &Path, room: u64) {
    use std::io::Write as _;
    let mut file = std::fs::File::create(path).unwrap();
    let chunk = vec![0_u8; 64 * 1024];
    loop {
        match file.write(&chunk) {
            Ok(0) => break,
            Ok(_) => {}
            Err(err) if err.raw_os_error() == Some(28) => break, // ENOSPC
            Err(err) => panic!("filling the disk: {err}"),
        }
    }
    let len = file.metadata().unwrap().len();
    file.set_len(len.saturating_sub(room)).unwrap();
}

/// SQLite's own check of the file, from a connection of the test's.
async fn integrity(url: &str) -> String {
    use sqlx::Connection as _;
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    let result: String = sqlx::query_scalar("pragma integrity_check")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    result
}

async fn campaign_names(url: &str) -> Vec<String> {
    use sqlx::Connection as _;
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    let names = sqlx::query_scalar("select name from campaigns")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    names
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout == b"0\n")
}

/// A tmpfs of a given size, unmounted when dropped, even after a failure.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        run(Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path()));
        Self { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        // Lazily when a server that failed its test still has files open.
        let unmounted = Command::new("umount").arg(self.dir.path()).output();
        if !unmounted.is_ok_and(|out| out.status.success()) {
            let _ = Command::new("umount")
                .arg("-l")
                .arg(self.dir.path())
                .output();
        }
    }
}

fn run(command: &mut Command) {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A throwaway PostgreSQL cluster of the test's own, stopped when dropped.
struct Cluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
}

impl Cluster {
    /// Starts a new cluster on a free port; None when PostgreSQL is not
    /// installed.
    fn start() -> Option<Self> {
        let mut bins: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| Some(e.ok()?.path().join("bin")))
            .filter(|bin| bin.join("pg_ctl").exists())
            .collect();
        bins.sort_by_key(|bin| {
            let version = bin.parent().and_then(Path::file_name);
            version.and_then(|v| v.to_str()?.parse::<u32>().ok())
        });
        let bin = bins.pop()?;
        let dir = tempfile::tempdir().unwrap();
        if is_root() {
            // PostgreSQL refuses to run as root: as `postgres`, in a folder it owns.
            run(Command::new("chown").arg("postgres:").arg(dir.path()));
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let cluster = Self { bin, dir, port };
        run(cluster
            .as_postgres("initdb")
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-instructions",
                "-D",
            ])
            .arg(cluster.data()));
        cluster.start_again();
        Some(cluster)
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A PostgreSQL tool, run as `postgres` when we are root.
    fn as_postgres(&self, tool: &str) -> Command {
        let tool = self.bin.join(tool);
        if is_root() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(tool);
            command
        } else {
            Command::new(tool)
        }
    }

    /// Starts the cluster (again), on the same port, and waits until it
    /// takes connections.
    fn start_again(&self) {
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        run(self
            .as_postgres("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .arg("-l")
            .arg(self.dir.path().join("log"))
            .args(["-w", "-o", &options, "start"]));
    }

    /// Stops the cluster the way an operator restarting it does: active
    /// transactions rolled back, sessions ended.
    fn stop(&self) {
        run(self
            .as_postgres("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-m", "fast", "-w", "stop"]));
    }

    /// A new database on the cluster; its URL.
    fn create_database(&self) -> String {
        run(self.as_postgres("createdb").args([
            "-h",
            "127.0.0.1",
            "-p",
            &self.port.to_string(),
            "-U",
            "postgres",
            "adact",
        ]));
        format!("postgres://postgres@127.0.0.1:{}/adact", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self
            .as_postgres("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "-w", "stop"])
            .output();
    }
}

/// The first few of a list, for a failure's message.
fn first<'a>(items: &[&'a str]) -> Vec<&'a str> {
    items.iter().take(10).copied().collect()
}
