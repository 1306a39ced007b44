//! The `trygg` command: the server, the demo, and the administrators' and analysts' tools.

mod accounts;
mod backup;
mod categories;
mod config;
mod demo;
mod poller;
mod report;
mod retention;
mod transfer;

use std::{net::SocketAddr, path::PathBuf, sync::Arc};

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use trygg_store::Store;

use crate::config::{Config, redact};

/// trygg — the working platform of a municipality–police crime-prevention partnership.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    /// Configuration file (TOML). Default: ./trygg.toml if it exists.
    #[arg(long, global = true, env = "TRYGG_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server.
    Serve(ServeArgs),
    /// Fill an empty embedded database with a demo city, then serve it.
    Demo(DemoArgs),
    /// Manage user accounts: add, list, disable, enable, roles, password.
    User {
        #[command(subcommand)]
        what: accounts::UserCommand,
        /// Database URL.
        #[arg(long, global = true)]
        database: Option<String>,
    },
    /// Manage API tokens: add (named, expiring), list, revoke.
    Token {
        #[command(subcommand)]
        what: accounts::TokenCommand,
        /// Database URL.
        #[arg(long, global = true)]
        database: Option<String>,
    },
    /// The partnership's own categories: list the taxonomy, add one under a standard group.
    Categories {
        #[command(subcommand)]
        what: categories::CategoryCommand,
        /// Database URL.
        #[arg(long, global = true)]
        database: Option<String>,
    },
    /// Category synonyms (values in your files and the category each means): list, add, remove.
    Synonyms {
        #[command(subcommand)]
        what: categories::SynonymCommand,
        /// Database URL.
        #[arg(long, global = true)]
        database: Option<String>,
    },
    /// Import areas or incidents (all or nothing).
    Import {
        #[command(subcommand)]
        what: transfer::ImportCommand,
        /// Database URL (before or after the import's own arguments).
        #[arg(long, global = true)]
        database: Option<String>,
    },
    /// Analysts' tools on any planar point file (CSV with x/y in metres): knox, gistar, kde, repeats.
    #[command(subcommand)]
    Analyze(trygg_analyze_cli::AnalyzeCommand),
    /// Export incidents for the given filter.
    Export {
        #[command(flatten)]
        args: transfer::ExportArgs,
        /// Database URL.
        #[arg(long)]
        database: Option<String>,
    },
    /// Generate a report (weekly, tertial, lagesbild, …) as HTML, DOCX or Markdown.
    Report(report::ReportArgs),
    /// Write a consistent backup of the database while servers run (portable between SQLite
    /// and PostgreSQL).
    Backup(backup::BackupArgs),
    /// Restore a backup into an empty database (SQLite or PostgreSQL), all or nothing.
    Restore(backup::RestoreArgs),
    /// Retention (gallring): run the [retention] rules once, or list what they would remove.
    Retention(retention::RetentionArgs),
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address to listen on, e.g. 127.0.0.1:8080 (port 0 picks a free port).
    #[arg(long)]
    listen: Option<String>,
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB.
    #[arg(long)]
    database: Option<String>,
}

#[derive(Debug, Args)]
struct DemoArgs {
    #[command(flatten)]
    serve: ServeArgs,
    /// Multiply the demo city's event intensity (10 gives about a million incidents, for load
    /// tests). The default 1 gives the usual demo.
    #[arg(long, default_value_t = 1.0)]
    scale: f64,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut config = Config::load(cli.config.as_deref(), std::env::vars())?;
    if let Command::Demo(_) = &cli.command
        && std::env::var_os("TRYGG_DATABASE").is_none()
        && cli.config.is_none()
    {
        config.database = "sqlite://trygg-demo.db".into();
    }
    let server = matches!(cli.command, Command::Serve(_) | Command::Demo(_));
    init_tracing(
        &config,
        if server {
            "info,sqlx=warn,tower_http=info"
        } else {
            "warn,sqlx=error"
        },
    );
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(run(cli.command, config))
}

fn init_tracing(config: &Config, default_filter: &str) {
    use tracing_subscriber::{EnvFilter, fmt};
    let filter =
        EnvFilter::try_from_env("TRYGG_LOG").unwrap_or_else(|_| EnvFilter::new(default_filter));
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if config.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn run(command: Command, mut config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve(args) => {
            args.apply(&mut config);
            let store = open_store(&config.database).await?;
            serve(&config, store, None).await
        }
        Command::Demo(DemoArgs { serve: args, scale }) => {
            if !(scale.is_finite() && scale > 0.0 && scale <= 100.0) {
                bail!("--scale must be a number above 0 and at most 100");
            }
            args.apply(&mut config);
            if !config.database.starts_with("sqlite:") {
                bail!("the demo fills an embedded database; use --database sqlite://PATH");
            }
            let store = open_store(&config.database).await?;
            let ingest = trygg_app::ingest::Ingest::load(store.clone(), config.tz()).await?;
            let token_file = config
                .database
                .strip_prefix("sqlite://")
                .filter(|p| !p.is_empty() && !p.contains(":memory:"))
                .map(|p| PathBuf::from(format!("{}.token", p.split('?').next().unwrap_or(p))));
            let banner = demo::ensure(&ingest, scale, token_file.as_deref()).await?;
            serve(&config, store, Some(banner)).await
        }
        Command::Analyze(cmd) => {
            let stdout = std::io::stdout();
            trygg_analyze_cli::run(cmd, &mut stdout.lock())
        }
        Command::Import { what, database } => {
            let app = open_app(database, &mut config).await?;
            transfer::import(&app, what).await
        }
        Command::Export { args, database } => {
            let ingest = open_ingest(database, &mut config).await?;
            transfer::export(&ingest, &config.tz(), args).await
        }
        Command::Report(args) => {
            if let Some(db) = &args.database {
                config.database = db.clone();
            }
            let store = open_store(&config.database).await?;
            let app = trygg_app::App::load(store, config.tz()).await?;
            for p in report::run(&app, &args).await? {
                println!("Wrote {}", p.display());
            }
            Ok(())
        }
        Command::Backup(args) => {
            if let Some(db) = &args.database {
                config.database = db.clone();
            }
            let store = open_store(&config.database).await?;
            backup::backup(store.as_ref(), &args).await
        }
        Command::Restore(args) => {
            let store = open_store(&args.database).await?;
            backup::restore(store.as_ref(), &args).await
        }
        Command::User { what, database } => {
            let app = open_app(database, &mut config).await?;
            accounts::user(&app, what).await
        }
        Command::Token { what, database } => {
            let app = open_app(database, &mut config).await?;
            accounts::token(&app, what).await
        }
        Command::Categories { what, database } => {
            let app = open_app(database, &mut config).await?;
            categories::categories(&app, what).await
        }
        Command::Synonyms { what, database } => {
            let app = open_app(database, &mut config).await?;
            categories::synonyms(&app, what).await
        }
        Command::Retention(args) => {
            let app = open_app(args.database.clone(), &mut config).await?;
            let stdout = std::io::stdout();
            retention::run(&app, &config.retention, args.dry_run, &mut stdout.lock()).await
        }
    }
}

async fn open_app(database: Option<String>, config: &mut Config) -> anyhow::Result<trygg_app::App> {
    if let Some(db) = database {
        config.database = db;
    }
    let store = open_store(&config.database).await?;
    Ok(trygg_app::App::load(store, config.tz()).await?)
}

async fn open_ingest(
    database: Option<String>,
    config: &mut Config,
) -> anyhow::Result<trygg_app::ingest::Ingest> {
    if let Some(db) = database {
        config.database = db;
    }
    let store = open_store(&config.database).await?;
    Ok(trygg_app::ingest::Ingest::load(store, config.tz()).await?)
}

impl ServeArgs {
    fn apply(self, config: &mut Config) {
        if let Some(l) = self.listen {
            config.listen = l;
        }
        if let Some(d) = self.database {
            config.database = d;
        }
    }
}

/// Opens the store the URL names, running its migrations.
async fn open_store(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    let shown = redact(url);
    let store: Arc<dyn Store> = if url.starts_with("sqlite:") {
        Arc::new(
            trygg_store_sqlite::SqliteStore::connect(url)
                .await
                .with_context(|| format!("cannot open the SQLite database {shown}"))?,
        )
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Arc::new(
            trygg_store_postgres::PostgresStore::connect(url)
                .await
                .with_context(|| format!("cannot connect to PostgreSQL at {shown}"))?,
        )
    } else {
        bail!("unsupported database URL {shown:?}: use sqlite://PATH or postgres://USER@HOST/DB");
    };
    Ok(store)
}

async fn serve(
    config: &Config,
    store: Arc<dyn Store>,
    banner: Option<String>,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let addr: SocketAddr = listener.local_addr()?;
    if cookies_exposed(addr, config.web.secure_cookies) {
        tracing::warn!(
            %addr,
            "listening beyond loopback with session cookies sent without Secure: anyone on the \
             path can read them over plain HTTP. Serve trygg behind HTTPS and set \
             [web] secure_cookies = true (or TRYGG_SECURE_COOKIES=true)"
        );
    }
    let app = trygg_app::App::load(store, config.tz())
        .await?
        .with_public(config.public.clone())
        .with_fixes(config.fixes_config());
    let state = trygg_web::AppState::new(app).with_config(config.web.clone());
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    // Other servers' and CLI runs' writes reach this server's snapshot within a second or two.
    let follower = tokio::spawn(trygg_app::follow::follow(
        state.app.clone(),
        stop_rx.clone(),
    ));
    // Retention (gallring): at start, then every 24 hours; nothing when no rule is configured.
    // A source that names no channel or organisation stops the start, as a bad key does.
    trygg_app::retention::purges(&state.app, &config.retention).await?;
    let retention = tokio::spawn(trygg_app::retention::daily(
        state.app.clone(),
        config.retention.clone(),
        stop_rx.clone(),
    ));
    let poller = config.polisen.enabled.then(|| {
        tokio::spawn(poller::run(
            state.ingest.clone(),
            config.polisen.clone(),
            stop_rx,
        ))
    });
    tracing::info!(%addr, database = %redact(&config.database), "serving");
    println!("trygg listening on http://{addr}/");
    if let Some(banner) = banner {
        println!("{banner}");
    }
    trygg_web::serve(listener, trygg_web::router(state), shutdown_signal()).await?;
    stop_tx.send(true).ok();
    follower.await.ok();
    retention.await.ok();
    if let Some(p) = poller {
        p.await.ok();
    }
    tracing::info!("shut down cleanly");
    Ok(())
}

/// Whether session cookies would travel without `Secure` to clients beyond this machine.
fn cookies_exposed(addr: SocketAddr, secure_cookies: bool) -> bool {
    !secure_cookies && !addr.ip().is_loopback()
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insecure_cookies_are_flagged_only_beyond_loopback() {
        let at = |s: &str| s.parse::<SocketAddr>().unwrap();
        assert!(cookies_exposed(at("0.0.0.0:8080"), false));
        assert!(cookies_exposed(at("192.168.1.10:8080"), false));
        assert!(cookies_exposed(at("[::]:8080"), false));
        assert!(!cookies_exposed(at("0.0.0.0:8080"), true));
        assert!(!cookies_exposed(at("127.0.0.1:8080"), false));
        assert!(!cookies_exposed(at("[::1]:8080"), false));
    }
}
