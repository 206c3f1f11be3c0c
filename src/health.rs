//! Whether a portal's webhooks deliver (`status`), and whether the portal signs with the
//! file's secret (`status`, `plan --verify-secrets`), as docs/delivery-health.md defines them:
//! pure functions of the live list, the delivery log of a window, the file's secret and the
//! time. The list item's `status` is never read: it is not the latest delivery (§6 of
//! docs/docspace-api.md). The secret and the signatures are only ever compared, never kept in a
//! report, so nothing here can show them; a receiver's answer only redacted and escaped.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use secrecy::SecretString;

use crate::api::{Delivery, LiveWebhook, LogRead, StatusClass, UNREADABLE_DATE, portal_time};
use crate::calendar::utc;
use crate::config::{DesiredWebhook, SecretRef};
use crate::redact::Redactor;
use crate::run::Run;
use crate::signature::{Verdict, verify};

/// The portal disables a webhook after this long of failures since its last success
/// (docs/docspace-api.md §18); `at risk` is a third of it.
pub const AT_RISK_AFTER: Duration = Duration::from_secs(24 * 3600);
/// The most characters of a receiver's answer shown.
const EXCERPT: usize = 80;

/// A webhook's health in the window; serialized as `as_str` spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    Ok,
    /// The latest delivery failed.
    Failing,
    /// Failing, and the last success is more than `AT_RISK_AFTER` ago.
    AtRisk,
    Disabled,
    NoDeliveries,
}

impl Health {
    /// Every health, in the order a summary counts them.
    pub const ALL: [Health; 5] = [
        Health::Ok,
        Health::Failing,
        Health::AtRisk,
        Health::Disabled,
        Health::NoDeliveries,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Health::Ok => "ok",
            Health::Failing => "failing",
            Health::AtRisk => "at risk",
            Health::Disabled => "disabled",
            Health::NoDeliveries => "no deliveries",
        }
    }
}

impl serde::Serialize for Health {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// What the log says about the file's secret for one webhook.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "verdict", rename_all = "lowercase")]
pub enum SecretCheck {
    /// The latest signed delivery was signed with the file's secret.
    Verified { delivery: i32, at: String },
    /// It was signed with another secret.
    Differs { delivery: i32, at: String },
    /// Nothing to compare; `reason` says why.
    Unverifiable { reason: String },
}

impl SecretCheck {
    pub fn verdict(&self) -> SecretVerdict {
        match self {
            SecretCheck::Verified { .. } => SecretVerdict::Verified,
            SecretCheck::Differs { .. } => SecretVerdict::Differs,
            SecretCheck::Unverifiable { .. } => SecretVerdict::Unverifiable,
        }
    }
}

/// A typed verdict, so a saved plan's note holds one of the three and the planner's test for
/// `differs` cannot be misspelt. Written and read as `as_str` spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SecretVerdict {
    Verified,
    Differs,
    Unverifiable,
}

/// Read as a string, so a hand-edited `null` or number is named as the wrong type, where
/// serde's derived enum reading says only "expected value".
impl<'de> serde::Deserialize<'de> for SecretVerdict {
    fn deserialize<D: serde::Deserializer<'de>>(reader: D) -> Result<SecretVerdict, D::Error> {
        struct Spelling;
        impl serde::de::Visitor<'_> for Spelling {
            type Value = SecretVerdict;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("`verified`, `differs` or `unverifiable`")
            }
            fn visit_str<E: serde::de::Error>(self, read: &str) -> Result<SecretVerdict, E> {
                use SecretVerdict::*;
                ([Verified, Differs, Unverifiable].into_iter())
                    .find(|v| v.as_str() == read)
                    .ok_or_else(|| {
                        E::unknown_variant(read, &["verified", "differs", "unverifiable"])
                    })
            }
        }
        reader.deserialize_str(Spelling)
    }
}

impl SecretVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            SecretVerdict::Verified => "verified",
            SecretVerdict::Differs => "differs",
            SecretVerdict::Unverifiable => "unverifiable",
        }
    }
}

/// The latest failed delivery of the window.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FailureSeen {
    pub delivery: i32,
    /// UTC, `2026-12-06T11:58:00Z`; `(unreadable date)` when the portal's is not one.
    pub at: String,
    /// 0: no HTTP answer.
    pub status: u16,
    /// Redacted, escaped, one line, at most 80 characters.
    pub excerpt: String,
}

/// One webhook's report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct WebhookHealth {
    pub id: i32,
    pub name: String,
    /// An entry of the file manages it.
    pub managed: bool,
    pub health: Health,
    /// The latest delivery failed for longer than a day since this success (or the webhook's
    /// creation): `at risk` says when.
    pub last_success: Option<String>,
    /// Deliveries of the window, by status class (every class present).
    pub deliveries: BTreeMap<String, usize>,
    pub failures: usize,
    pub latest_failure: Option<FailureSeen>,
    /// `None`: the file sets no secret for it (or does not manage it).
    pub secret: Option<SecretCheck>,
    /// Where the file's secret comes from: its variable, or `None` for a literal.
    pub secret_from: Option<String>,
    /// Rows the log answered that were another webhook's (a portal that ignores `configId`):
    /// not counted. The JSON and Markdown say how many, as stderr does in every format.
    pub other_webhooks_deliveries: usize,
    /// The file says `enabled: false`: disabled is what it asked for.
    #[serde(skip)]
    pub disabled_by_file: bool,
}

impl WebhookHealth {
    /// Something needs a look: failing, at risk, disabled against the file's wish, or a
    /// secret that differs. A webhook the file does not manage has no wish to go against: the
    /// file leaves it alone, and someone may have disabled it on purpose.
    pub fn unhealthy(&self) -> bool {
        matches!(self.health, Health::Failing | Health::AtRisk)
            || (self.health == Health::Disabled && self.managed && !self.disabled_by_file)
            || matches!(self.secret, Some(SecretCheck::Differs { .. }))
    }
}

/// The health of a run's portals over one window.
#[derive(Debug, Clone)]
pub struct Report {
    /// The window, as `--since` gave it, and its ends in UTC.
    pub window: String,
    pub since: String,
    pub until: String,
    /// Each portal's webhooks, by id.
    pub run: Run<Vec<WebhookHealth>>,
}

impl Report {
    pub fn unhealthy(&self) -> bool {
        self.run.results().flatten().any(WebhookHealth::unhealthy)
    }
}

/// The report of `live` (managed by the file's `entry`, whose secret `resolve` reads) from `read`
/// (its deliveries in the window, newest first) and the secret's `evidence` (`check_secret`).
pub fn assess(
    live: &LiveWebhook,
    entry: Option<&DesiredWebhook>,
    read: &LogRead,
    evidence: (Option<&Delivery>, usize),
    now: SystemTime,
    resolve: impl Fn(&SecretRef) -> Result<SecretString, String>,
) -> WebhookHealth {
    let mut deliveries: BTreeMap<String, usize> = StatusClass::ALL
        .iter()
        .map(|c| (c.to_string(), 0))
        .collect();
    let rows = &read.rows;
    for row in rows {
        *deliveries.entry(row.class().to_string()).or_default() += 1;
    }
    // A queued delivery (nothing sent yet) is unsent, but neither a failure nor the latest.
    let sent: Vec<&Delivery> = rows.iter().filter(|r| !r.is_queued()).collect();
    let failed = |r: &&&Delivery| r.class() != StatusClass::Success;
    let failures = sent.iter().filter(failed).count();
    let latest_failure = sent.iter().find(failed).map(|r| FailureSeen {
        delivery: r.id,
        at: (r.created_at()).map_or_else(|| UNREADABLE_DATE.to_owned(), utc),
        status: r.status,
        // Scrubbed text is one line with nothing left to escape (`redact::clean`).
        excerpt: Redactor::registered().shown(r.response_payload.as_deref().unwrap_or(""), EXCERPT),
    });
    // The newest success the tool can date: one whose date is unreadable says nothing of when.
    let last_success_at = (sent.iter())
        .filter(|r| r.class() == StatusClass::Success)
        .find_map(|r| r.created_at())
        .or_else(|| live.last_success_on.as_deref().and_then(portal_time))
        .or_else(|| live.created_on.as_deref().and_then(portal_time));
    let health = match sent.first() {
        _ if !live.enabled => Health::Disabled,
        None => Health::NoDeliveries,
        Some(latest) if latest.class() == StatusClass::Success => Health::Ok,
        Some(_) => match last_success_at.and_then(|t| now.duration_since(t).ok()) {
            Some(since) if since > AT_RISK_AFTER => Health::AtRisk,
            _ => Health::Failing,
        },
    };
    let failing = matches!(health, Health::Failing | Health::AtRisk);
    let last_success = last_success_at.filter(|_| failing).map(utc);
    let secret = entry.and_then(|e| e.secret.as_ref());
    WebhookHealth {
        id: live.id,
        name: live.name.clone(),
        managed: entry.is_some(),
        health,
        last_success,
        deliveries,
        failures,
        latest_failure,
        secret: secret.map(|s| check_secret(&resolve(s), evidence)),
        secret_from: secret.and_then(SecretRef::var).map(str::to_owned),
        other_webhooks_deliveries: read.outside,
        disabled_by_file: entry.is_some_and(|e| e.enabled == Some(false)),
    }
}

/// The signature and body a delivery recorded, when it was sent: a queued row is no evidence
/// of the secret the portal signs with, whatever it holds (docs/delivery-health.md).
pub fn signed(row: &Delivery) -> Option<(String, &str)> {
    if row.is_queued() {
        return None;
    }
    Some((row.signature()?, row.request_payload.as_deref()?))
}

/// The file's secret against `evidence`: the newest delivery that was `signed`, found among the
/// latest this many rows of the log (docs/delivery-health.md says which rows and why, and why
/// the verdict is as of that delivery). `secret` is the file's, or why it cannot be read (an
/// unset variable, say): told, never an error.
pub fn check_secret(
    secret: &Result<SecretString, String>,
    (evidence, read): (Option<&Delivery>, usize),
) -> SecretCheck {
    let unverifiable = |reason: &str| SecretCheck::Unverifiable {
        reason: reason.into(),
    };
    let secret = match secret {
        Ok(secret) => secret,
        Err(reason) => return unverifiable(reason),
    };
    let Some((row, (signature, body))) = evidence.and_then(|r| Some((r, signed(r)?))) else {
        return unverifiable(&match read {
            0 => "no delivery in the log".to_owned(),
            1 => "the latest delivery was not sent with a signature".to_owned(),
            n => format!("none of the latest {n} deliveries was sent with a signature"),
        });
    };
    let (delivery, at) = (row.id, row.created_at());
    let at = at.map_or_else(|| UNREADABLE_DATE.to_owned(), utc);
    match verify(secret, body.as_bytes(), &signature) {
        Verdict::Matches => SecretCheck::Verified { delivery, at },
        Verdict::Differs => SecretCheck::Differs { delivery, at },
        Verdict::Malformed(_) => unverifiable(&format!(
            "the signature recorded on delivery #{delivery} is malformed"
        )),
    }
}

/// What a verdict rests on, as one clause: `var` names the file's secret (`None`: a literal).
pub fn detail(check: &SecretCheck, var: Option<&str>) -> String {
    let (delivery, at, other) = match check {
        SecretCheck::Verified { delivery, at } => (delivery, at, ""),
        SecretCheck::Differs { delivery, at } => (delivery, at, "another secret than "),
        SecretCheck::Unverifiable { reason } => return reason.clone(),
    };
    let from = var.unwrap_or("the file's secretKey");
    format!("delivery #{delivery} at {at} was signed with {other}{from}")
}
