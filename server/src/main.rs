use adact_server::{
    app::accounts,
    config::{AccountCommand, Cli, Command, SessionKeyCommand},
};
use adact_store::Store;
use clap::Parser as _;
use tokio_util::sync::CancellationToken;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = cli.config;
    match cli.command {
        None | Some(Command::Serve) => {
            let listener = tokio::net::TcpListener::bind(config.bind)
                .await
                .map_err(|err| anyhow::anyhow!("cannot listen on {}: {err}", config.bind))?;
            let shutdown = CancellationToken::new();
            tokio::spawn(stop_on_signal(shutdown.clone()));
            adact_server::run(config, listener, shutdown).await
        }
        Some(Command::Account(AccountCommand::Create { name })) => {
            let store = Store::connect(&config.database_url, 1).await?;
            let credentials = accounts::create_account(&store, &name, None, None).await?;
            println!("{}", credentials.announcement());
            store.close().await;
            Ok(())
        }
        Some(Command::SessionKey(SessionKeyCommand::Rotate)) => {
            let store = Store::connect(&config.database_url, 1).await?;
            let id = store.rotate_session_key().await?;
            println!("New session key {id}: servers sign with it within five minutes.");
            store.close().await;
            Ok(())
        }
    }
}

/// Cancels `shutdown` on SIGINT or SIGTERM, so in-flight requests finish.
async fn stop_on_signal(shutdown: CancellationToken) {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(%err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
    shutdown.cancel();
}
