//! The file's secrets against the delivery log, for `status` and `plan --verify-secrets`.
//! Secrets stay in `SecretString`s and are only compared (`health::check_secret`); a verdict
//! holds neither a secret nor a signature.

use crate::Error;
use std::time::SystemTime;

use crate::api::{ApiError, Client, Delivery, LOG_PAGE, LiveWebhook, LogQuery, LogRead};
use crate::config::{Config, SecretError, SecretRef};
use secrecy::SecretString;

use crate::health;
use crate::plan::SecretChecked;

/// Webhooks whose logs one portal's client reads at once.
pub(super) const LOG_READS: u16 = 16;

/// Rows of the log read past a window, at most, for a delivery sent with a signature
/// (docs/delivery-health.md): a page (`LOG_PAGE`), as `plan --verify-secrets` reads. Rows of
/// other webhooks count (a portal that ignores `configId` answers them), so the read past is
/// at most a page more whatever the portal answers.
pub(super) const PAST_WINDOW: usize = LOG_PAGE as usize;

/// A webhook's log since `since` (`Client::log_since`), and the evidence for
/// `health::check_secret`: the newest delivery sent with a signature (`health::signed`), of the
/// window, else, when `look_past`, read on for at most `PAST_WINDOW` rows of the log past it;
/// with the number of the webhook's deliveries looked at, the window's included.
pub(super) async fn log_and_evidence(
    client: &Client,
    query: &LogQuery,
    since: SystemTime,
    look_past: bool,
) -> Result<(LogRead, (Option<Delivery>, usize)), ApiError> {
    let (mut evidence, mut looked, mut past) = (None, 0, 0);
    let read = client
        .log_while(query, |row| {
            if let Some(row) = row {
                looked += 1;
                if evidence.is_none() && health::signed(row).is_some() {
                    evidence = Some(row.clone());
                }
            }
            let inside = match (past, row) {
                (0, Some(row)) => row.created_at().map(|at| at >= since),
                (0, None) => Some(true),
                _ => Some(false),
            };
            if inside != Some(false) {
                return inside;
            }
            past += 1;
            // Past the window, read on keeping nothing (as an undated row is held).
            let on = look_past && evidence.is_none() && past < PAST_WINDOW;
            if on { None } else { Some(false) }
        })
        .await?;
    Ok((read, (evidence, looked)))
}

/// `plan --verify-secrets`: the file's secret of every managed webhook whose entry sets one,
/// checked against the newest delivery sent with a signature: of the latest 10 of its log, else
/// of the latest `PAST_WINDOW`.
pub(super) async fn secrets_checked(
    client: &Client,
    config: &Config,
    live: &[LiveWebhook],
) -> Result<Vec<SecretChecked>, Error> {
    let managing = crate::plan::managing_entries(config, live)?;
    let jobs = live.iter().zip(&managing).filter_map(|(w, entry)| {
        let secret = config.webhooks[(*entry)?].secret.as_ref()?;
        Some(async move {
            let query = LogQuery::new().webhook(w.id, &w.name);
            let signed = |r: &&Delivery| health::signed(r).is_some();
            let mut read = client.log_newest(&query, 10).await?;
            // A full first page (another webhook's rows count) without a signed row: a page more.
            if read.rows.len() + read.outside == 10 && !read.rows.iter().any(|r| signed(&r)) {
                read = client.log_newest(&query, LOG_PAGE).await?;
            }
            let rows = read.rows;
            let (evidence, read) = (rows.iter().find(signed).cloned(), rows.len());
            let check = health::check_secret(&file_secret(secret), (evidence.as_ref(), read));
            Ok::<_, Error>(SecretChecked {
                id: w.id,
                name: w.name.clone(),
                verdict: check.verdict(),
                detail: health::detail(&check, secret.var()),
            })
        })
    });
    super::in_file_order(jobs, LOG_READS).await
}

/// The file's secret, or why it cannot be compared: never an error in `status`.
pub(super) fn file_secret(secret: &SecretRef) -> Result<SecretString, String> {
    secret.resolve(&crate::settings::env).map_err(|e| match e {
        SecretError::Unset { var, .. } => format!("{var} is not set"),
        SecretError::NotUtf8 { var, .. } => format!("{var} is not valid UTF-8"),
        SecretError::Policy { var, reason, .. } => {
            format!("{var} is not a secret the portal accepts: {reason}")
        }
    })
}
