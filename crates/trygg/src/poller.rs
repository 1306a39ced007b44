//! The Polisen poller: fetches Polisen's events feed on an interval and stores what is new or
//! updated, idempotently on the event id.
//!
//! Polisen asks API users to send a User-Agent and rate-limits heavy users, so the interval,
//! User-Agent and backoff are configurable; after a failure the wait doubles up to
//! `max_backoff_secs`, and a `Retry-After` answer is honoured.

use std::time::Duration;

use anyhow::{Context, bail};
use serde::Deserialize;
use trygg_app::ingest::Ingest;
use trygg_domain::Actor;
use trygg_import::polisen::PolisenOptions;

/// Poller settings (`[polisen]` in the configuration file).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct PollerConfig {
    /// Whether the server polls at all.
    pub enabled: bool,
    /// The feed URL, usually filtered to the partnership's kommun and county.
    pub url: String,
    /// Seconds between successful polls.
    pub interval_secs: u64,
    /// The longest wait after repeated failures, in seconds.
    pub max_backoff_secs: u64,
    /// Sent as the User-Agent header; say who you are and how to reach you.
    pub user_agent: String,
}

impl Default for PollerConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            url: "https://polisen.se/api/events?locationname=Uppsala;Uppsala%20l%C3%A4n".into(),
            interval_secs: 600,
            max_backoff_secs: 3600,
            user_agent: concat!(
                "trygg/",
                env!("CARGO_PKG_VERSION"),
                " (brottsförebyggande samverkan)"
            )
            .into(),
        }
    }
}

/// A failed fetch, with how long the server asked us to wait.
#[derive(Debug)]
struct FetchError {
    error: anyhow::Error,
    retry_after: Option<Duration>,
}

async fn fetch_once(client: &reqwest::Client, url: &str) -> Result<Vec<u8>, FetchError> {
    let response = client.get(url).send().await.map_err(|e| FetchError {
        error: e.into(),
        retry_after: None,
    })?;
    let status = response.status();
    if !status.is_success() {
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok())
            .map(Duration::from_secs);
        return Err(FetchError {
            error: anyhow::anyhow!("{url} answered {status}"),
            retry_after,
        });
    }
    let bytes = response.bytes().await.map_err(|e| FetchError {
        error: e.into(),
        retry_after: None,
    })?;
    Ok(bytes.to_vec())
}

fn client(user_agent: &str) -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(user_agent)
        .timeout(Duration::from_secs(30))
        .build()
        .context("cannot build the HTTP client")
}

/// Fetches `url` once.
pub async fn fetch(url: &str, user_agent: &str) -> anyhow::Result<Vec<u8>> {
    match fetch_once(&client(user_agent)?, url).await {
        Ok(b) => Ok(b),
        Err(e) => bail!("cannot fetch {url}: {:#}", e.error),
    }
}

/// Fetches, parses and stores one poll. Returns (new, updated).
pub async fn poll_once(
    ingest: &Ingest,
    client: &reqwest::Client,
    config: &PollerConfig,
) -> Result<(u64, u64), (anyhow::Error, Option<Duration>)> {
    let actor = Actor::system("polisen-poller");
    let bytes = fetch_once(client, &config.url)
        .await
        .map_err(|e| (e.error, e.retry_after))?;
    // Parsed first, so a feed that does not parse creates nothing; filed by the one rule.
    let placeholder = PolisenOptions {
        source_org: trygg_domain::OrganisationId(0),
    };
    let batch = trygg_import::polisen::parse_polisen(&bytes, placeholder)
        .map_err(|e| (anyhow::anyhow!("the feed did not parse: {e}"), None))?;
    let stored = ingest
        .import_batch(&actor, batch, trygg_app::ingest::Filing::PolisenFeed)
        .await
        .map_err(|e| (e.into(), None))?;
    Ok((stored.outcome.created, stored.outcome.updated))
}

/// Polls until `stop` resolves.
pub async fn run(ingest: Ingest, config: PollerConfig, stop: tokio::sync::watch::Receiver<bool>) {
    let client = match client(&config.user_agent) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "Polisen poller not started");
            return;
        }
    };
    let interval = Duration::from_secs(config.interval_secs.max(1));
    let max_backoff = Duration::from_secs(config.max_backoff_secs.max(config.interval_secs));
    let mut wait = Duration::ZERO;
    let mut failures = 0u32;
    let mut stop = stop;
    tracing::info!(url = %config.url, every = ?interval, "Polisen poller started");
    loop {
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            _ = stop.changed() => break,
        }
        match poll_once(&ingest, &client, &config).await {
            Ok((created, updated)) => {
                failures = 0;
                wait = interval;
                tracing::info!(created, updated, "Polisen feed polled");
            }
            Err((error, retry_after)) => {
                failures = failures.saturating_add(1);
                let backoff = interval
                    .saturating_mul(1 << failures.min(16))
                    .min(max_backoff);
                wait = retry_after.map_or(backoff, |r| r.max(backoff).min(max_backoff.max(r)));
                tracing::warn!(error = %format!("{error:#}"), failures, retry_in = ?wait, "Polisen poll failed");
            }
        }
    }
    tracing::info!("Polisen poller stopped");
}
