//! The file's secrets against the delivery log, for `status` and `plan --verify-secrets`.
//! Secrets stay in `SecretString`s and are only compared (`health::check_secret`); a verdict
//! holds neither a secret nor a signature.

use crate::Error;
use crate::api::{Client, LiveWebhook, LogQuery};
use crate::config::{Config, SecretError, SecretRef};
use secrecy::SecretString;

use crate::health;
use crate::plan::SecretChecked;

/// Webhooks whose logs one portal's client reads at once.
pub(super) const LOG_READS: u16 = 16;

/// `plan --verify-secrets`: the file's secret of every managed webhook whose entry sets one,
/// checked against the newest signed row of the latest 10 of its log.
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
            let rows = client.log_newest(&query, 10).await?;
            let check = health::check_secret(&file_secret(secret), &rows, None);
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
