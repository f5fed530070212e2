//! Starting a release `adact-server` for a bench, as an operator runs it.
//! Shared by the benches, which include this file by path.

use std::{
    io::{BufRead as _, BufReader},
    process::{Child, Command, Stdio},
};

/// Starts the server binary (`ADACT_SERVER_BIN`, or the release build in
/// `CARGO_TARGET_DIR`) on `db` with `args` and `env`, on a free port, and
/// returns it with its URL once it listens.
pub fn start(db: &str, args: &[&str], env: &[(&str, &str)]) -> (Child, String) {
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let bin = std::env::var("ADACT_SERVER_BIN")
        .unwrap_or_else(|_| format!("{target}/release/adact-server"));
    let mut child = Command::new(&bin)
        .args(["--bind", "127.0.0.1:0"])
        .args(args)
        .env("DATABASE_URL", db)
        .env("RUST_LOG", "error")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start {bin}: {e}; build it with cargo build --release -p adact-server")
        });
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = loop {
        let line = lines.next().unwrap().unwrap();
        if let Some(url) = line.strip_prefix("Adact is listening on ") {
            break url.to_owned();
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (child, url)
}
