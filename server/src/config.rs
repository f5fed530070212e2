//! Every setting of the server, from flags or the environment (`--help`
//! lists them all). Secrets are never printed back.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use clap::{Args, Parser, Subcommand};

/// The Adact server: campaigns, segments, the embed's public API and the
/// admin API, on SQLite by default.
#[derive(Debug, Parser)]
#[command(name = "adact-server", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub config: Config,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the HTTP server (the default when no command is given).
    Serve,
    /// Manage accounts.
    #[command(subcommand)]
    Account(AccountCommand),
    /// Manage the keys that sign play-session tokens.
    #[command(subcommand)]
    SessionKey(SessionKeyCommand),
}

#[derive(Debug, Subcommand)]
pub enum SessionKeyCommand {
    /// Make a new signing key. Running servers sign with it within five
    /// minutes; tokens of the old key stay valid until they expire (24 h),
    /// and keys replaced more than a day ago are removed.
    Rotate,
}

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Create an account and print its admin token and embed key once.
    Create {
        /// The account's display name.
        #[arg(long)]
        name: String,
    },
}

/// Settings shared by every command.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Address to listen on. Port 0 picks a free port (printed at start).
    #[arg(
        long,
        env = "ADACT_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub bind: SocketAddr,

    /// Database URL. `sqlite://PATH` (created when missing) is the default.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://adact.db",
        global = true,
        hide_env_values = true
    )]
    pub database_url: String,

    /// Seed the demo campaign and its `Default Users` segment, and serve
    /// the demo page at `/`.
    #[arg(long, env = "ADACT_DEMO", global = true)]
    pub demo: bool,

    /// Allow webhook endpoints on `http` and private or loopback addresses.
    /// For development and tests only: never on a public server.
    #[arg(long, env = "ADACT_ALLOW_PRIVATE_ENDPOINTS", global = true)]
    pub allow_private_endpoints: bool,

    /// Admin token of the first account, used instead of a random one when
    /// the database is empty (for scripts and tests). Must start `adm_`.
    #[arg(long, env = "ADACT_ADMIN_TOKEN", hide_env_values = true, global = true)]
    pub admin_token: Option<String>,

    /// Embed key of the first account, used instead of a random one when
    /// the database is empty. Must start `pk_`.
    #[arg(long, env = "ADACT_EMBED_KEY", hide_env_values = true, global = true)]
    pub embed_key: Option<String>,

    /// Serve the pages and the built embed from this folder, laid out as
    /// the repository's `www/` (`index.html`, `admin/`, `dist/`), instead of
    /// the copy built into the binary. Unset (the default), the binary needs
    /// no files beside it. For development: console edits and a new
    /// `npm run build` show without recompiling the server.
    #[arg(long, env = "ADACT_WWW_DIR", global = true)]
    pub www_dir: Option<PathBuf>,

    /// Most connections the server keeps open to its database.
    #[arg(
        long,
        env = "ADACT_DB_MAX_CONNECTIONS",
        default_value_t = 8,
        global = true
    )]
    pub db_max_connections: u32,

    /// How long a render's reads (account, segment, campaign) stay in
    /// memory. Changes drop them at once on this server and, on
    /// PostgreSQL, on every replica (LISTEN/NOTIFY); the TTL bounds how
    /// stale a replica that missed a notification can be.
    #[arg(long, env = "ADACT_CACHE_TTL", default_value = "10s", value_parser = parse_duration, global = true)]
    pub cache_ttl: Duration,

    /// Proxies whose `X-Forwarded-For` / `Forwarded` headers name the
    /// client, comma-separated addresses or CIDR ranges (`10.0.0.0/8`).
    /// Rate limits count per client address: behind a load balancer, list
    /// it here, or every visitor counts as the balancer. Empty: the peer
    /// address is the client.
    #[arg(long, env = "ADACT_TRUSTED_PROXIES", value_delimiter = ',', value_parser = parse_proxy, global = true)]
    pub trusted_proxies: Vec<ipnet::IpNet>,

    /// How often the views counted in memory are written to the
    /// campaigns' statistics (and, on PostgreSQL, the steps' counts folded
    /// in). A crash loses at most this long's views; never a registration
    /// or a play.
    #[arg(long, env = "ADACT_STATS_FLUSH_INTERVAL", default_value = "5s", value_parser = parse_duration, global = true)]
    pub stats_flush_interval: Duration,

    #[command(flatten)]
    pub webhooks: WebhookConfig,
}

/// How webhooks are delivered.
#[derive(Debug, Clone, Args)]
pub struct WebhookConfig {
    /// Delays before each attempt of a delivery: the first (usually 0s,
    /// immediately) and each retry after a failure. Units: ms, s, m, h, d.
    #[arg(
        long = "webhook-retry-schedule",
        env = "ADACT_WEBHOOK_RETRY_SCHEDULE",
        default_value = "0s,5s,5m,30m,2h,5h,10h,10h",
        value_parser = parse_schedule,
        global = true
    )]
    pub retry_schedule: Schedule,

    /// Longest `Retry-After` (on 429 and 503) that is honoured.
    #[arg(long = "webhook-retry-after-cap", env = "ADACT_WEBHOOK_RETRY_AFTER_CAP", default_value = "1h", value_parser = parse_duration, global = true)]
    pub retry_after_cap: Duration,

    /// An endpoint that fails this long without a success is disabled.
    #[arg(long = "webhook-disable-after", env = "ADACT_WEBHOOK_DISABLE_AFTER", default_value = "5d", value_parser = parse_duration, global = true)]
    pub disable_after: Duration,

    /// Attempts in flight at once, across all endpoints.
    #[arg(
        long = "webhook-concurrency",
        env = "ADACT_WEBHOOK_CONCURRENCY",
        default_value_t = 128,
        global = true
    )]
    pub concurrency: usize,

    /// How often idle workers look for due deliveries written by other
    /// processes (deliveries made by this process wake them at once).
    #[arg(long = "webhook-poll-interval", env = "ADACT_WEBHOOK_POLL_INTERVAL", default_value = "25ms", value_parser = parse_duration, global = true)]
    pub poll_interval: Duration,

    /// How long a worker's claim on a delivery lasts. A worker that dies
    /// mid-attempt loses its claims when this runs out and another worker
    /// sends them again. Attempts are cut short to fit inside it.
    #[arg(long = "webhook-lease", env = "ADACT_WEBHOOK_LEASE", default_value = "30s", value_parser = parse_duration, global = true)]
    pub lease: Duration,

    /// Delivery history older than this is deleted.
    #[arg(long = "webhook-retention", env = "ADACT_WEBHOOK_RETENTION", default_value = "30d", value_parser = parse_duration, global = true)]
    pub retention: Duration,
}

/// The delays of a retry schedule, first attempt first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule(pub Vec<Duration>);

fn parse_schedule(value: &str) -> Result<Schedule, String> {
    let delays = value
        .split(',')
        .map(|part| parse_duration(part.trim()))
        .collect::<Result<Vec<_>, _>>()?;
    if delays.is_empty() {
        return Err("the schedule needs at least one delay".into());
    }
    Ok(Schedule(delays))
}

/// Parses `250ms`, `5s`, `5m`, `2h`, `5d`.
/// An address (`10.0.0.1`) or a CIDR range (`10.0.0.0/8`).
fn parse_proxy(value: &str) -> Result<ipnet::IpNet, String> {
    let value = value.trim();
    value
        .parse::<ipnet::IpNet>()
        .or_else(|_| value.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("{value:?} is not an IP address or a CIDR range like 10.0.0.0/8"))
}

pub fn parse_duration(value: &str) -> Result<Duration, String> {
    let split = value
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(value.len());
    let (number, unit) = value.split_at(split);
    let bad = || format!("{value:?} is not a duration like 250ms, 5s, 5m, 2h or 5d");
    let number: u64 = number.parse().map_err(|_| bad())?;
    let seconds = |n: u64| Duration::from_secs(n);
    match unit {
        "ms" => Ok(Duration::from_millis(number)),
        "s" => Ok(seconds(number)),
        "m" => Ok(seconds(number * 60)),
        "h" => Ok(seconds(number * 3600)),
        "d" => Ok(seconds(number * 86_400)),
        _ => Err(bad()),
    }
}

impl Config {
    /// A configuration for tests and embedding: every default, this database.
    pub fn for_database(database_url: impl Into<String>) -> Self {
        let cli = Cli::parse_from(["adact-server"]);
        Self {
            database_url: database_url.into(),
            ..cli.config
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn defaults_match_the_readme() {
        let cli = Cli::try_parse_from(["adact-server"]).unwrap();
        assert_eq!(cli.config.bind.to_string(), "127.0.0.1:8080");
        assert!(!cli.config.demo);
        assert!(cli.config.www_dir.is_none());
        assert!(cli.command.is_none());
    }

    #[test]
    fn durations_and_schedules_parse() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("5d"), Ok(Duration::from_secs(432_000)));
        assert!(parse_duration("5").is_err());
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("1y").is_err());
        let cli = Cli::try_parse_from(["adact-server"]).unwrap();
        let hours = |h: u64| Duration::from_secs(h * 3600);
        assert_eq!(
            cli.config.webhooks.retry_schedule.0,
            [
                Duration::ZERO,
                Duration::from_secs(5),
                Duration::from_secs(300),
                Duration::from_secs(1800),
                hours(2),
                hours(5),
                hours(10),
                hours(10)
            ]
        );
        assert!(Cli::try_parse_from(["adact-server", "--webhook-retry-schedule", "1s,x"]).is_err());
    }

    #[test]
    fn account_create_takes_a_name() {
        let cli =
            Cli::try_parse_from(["adact-server", "account", "create", "--name", "Acme"]).unwrap();
        assert!(matches!(
            cli.command,
            Some(Command::Account(AccountCommand::Create { name })) if name == "Acme"
        ));
    }
}
