//! Every setting of the server, from flags or the environment (`--help`
//! lists them all). Secrets are never printed back.

use std::{net::SocketAddr, path::PathBuf};

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

    /// Folder of the pages and the built embed (`dist/`) the server serves.
    #[arg(long, env = "ADACT_WWW_DIR", default_value = "www", global = true)]
    pub www_dir: PathBuf,

    /// Most connections the server keeps open to its database.
    #[arg(
        long,
        env = "ADACT_DB_MAX_CONNECTIONS",
        default_value_t = 8,
        global = true
    )]
    pub db_max_connections: u32,
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
        assert!(cli.command.is_none());
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
