//! The delivery log's rows and how the fake makes them (docs/docspace-api.md §21): a delivery
//! is a body composed from its event, signed with the webhook's secret *at the time it is sent*,
//! and an outcome the test chose for that webhook (`Outcome`, an answer by default).
//!
//! Invariants: log ids only grow, so id order is time order and the log reads newest first by
//! id, as the server's does; a row keeps the exact body and headers of its last attempt; a
//! sent delivery updates its webhook as the server's sender does (`lastSuccessOn`, or
//! `lastFailureOn` and `lastFailureContent`, the list item's `status` on success, and
//! `modifiedOn` either way); a pending row has no request headers and no answer yet.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

use super::dto;
use super::hmac;
use super::state::{Inner, Stored};
use super::triggers::TRIGGERS;

/// One row of the log as the fake stores it. Its webhook's name is read at answer time, as the
/// server's inner join does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: i32,
    pub config_id: i32,
    /// One trigger bit (the event's).
    pub trigger: u64,
    /// Unix seconds.
    pub creation_time: i64,
    /// The entity part of the body, kept so a redelivery composes the same event anew.
    pub entity: String,
    pub request_headers: Option<String>,
    pub request_payload: String,
    pub response_headers: Option<String>,
    pub response_payload: Option<String>,
    /// The HTTP status; 0 for "not sent yet" and for "no answer".
    pub status: u16,
    /// Unix seconds of a successful delivery.
    pub delivery: Option<i64>,
}

/// How the deliveries to one webhook turn out (an answer 200 unless a test says otherwise).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The receiver answered this status with this body.
    Answer { status: u16, body: String },
    /// No HTTP answer (DNS, refused connection, TLS): status 0 and the exception's text.
    NoAnswer,
    /// The request timed out: recorded as 500 with the exception's text.
    Timeout,
    /// Queued and not sent: status 0, no request headers, no answer.
    Pending,
}

impl Outcome {
    /// The receiver answered `status`, with a short body.
    pub fn status(status: u16) -> Outcome {
        let body = if (200..300).contains(&status) {
            "{\"received\":true}".to_owned()
        } else {
            format!("receiver error {status}")
        };
        Outcome::Answer { status, body }
    }
}

/// Deliveries to put straight into one webhook's log (`FakePortal::seed_deliveries`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deliveries {
    pub count: usize,
    pub outcome: Outcome,
    /// Unix seconds of the newest; the others are `every` seconds apart before it. Now when
    /// `None`.
    pub newest_at: Option<i64>,
    pub every: i64,
    /// One trigger bit; `file.created` by default.
    pub trigger: u64,
    /// The entity part of each body (JSON text); a file of its own per delivery by default.
    pub entity: Option<String>,
}

impl Deliveries {
    /// `count` deliveries answered 200, a minute apart, the newest now, `file.created`.
    pub fn new(count: usize) -> Deliveries {
        Deliveries {
            count,
            outcome: Outcome::status(200),
            newest_at: None,
            every: 60,
            trigger: 128,
            entity: None,
        }
    }
    pub fn outcome(mut self, outcome: Outcome) -> Deliveries {
        self.outcome = outcome;
        self
    }
    /// Answered with this status (0: no answer).
    pub fn status(self, status: u16) -> Deliveries {
        let outcome = if status == 0 {
            Outcome::NoAnswer
        } else {
            Outcome::status(status)
        };
        self.outcome(outcome)
    }
    pub fn newest_at(mut self, unix_seconds: i64) -> Deliveries {
        self.newest_at = Some(unix_seconds);
        self
    }
    pub fn every(mut self, seconds: i64) -> Deliveries {
        self.every = seconds;
        self
    }
    pub fn trigger(mut self, bit: u64) -> Deliveries {
        self.trigger = bit;
        self
    }
    pub fn entity(mut self, json: &str) -> Deliveries {
        self.entity = Some(json.to_owned());
        self
    }
}

/// The server's `WebhookGroupStatus` flag of a status (docs/docspace-api.md §21).
pub(super) fn group_of(status: u16) -> u32 {
    match status {
        0..=199 => 1,
        200..=299 => 2,
        300..=399 => 4,
        400..=499 => 8,
        _ => 16,
    }
}

/// The `WebhookTrigger` name of one bit (`*` for 0).
pub(super) fn trigger_name(bit: u64) -> &'static str {
    TRIGGERS
        .iter()
        .find(|(_, id)| *id as u64 == bit)
        .map_or("*", |(name, _)| name)
}

impl Inner {
    /// The fake's clock: the time a test set, else the system's.
    pub fn now_unix(&self) -> i64 {
        self.clock.unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        })
    }

    /// A new event for webhook `config_id`, sent at `at` with the webhook's current uri and
    /// secret, turning out as `outcome`. `None` when the webhook does not exist.
    pub fn deliver(
        &mut self,
        config_id: i32,
        trigger: u64,
        entity: &str,
        at: i64,
        outcome: &Outcome,
    ) -> Option<i32> {
        let webhook = self.webhooks.get(&config_id)?.clone();
        let id = self.next_log_id;
        self.next_log_id += 1;
        let body = compose(id, trigger, entity, at, &webhook, &self.owner);
        let mut row = Delivery {
            id,
            config_id,
            trigger,
            creation_time: at,
            entity: entity.to_owned(),
            request_headers: None,
            request_payload: body,
            response_headers: None,
            response_payload: None,
            status: 0,
            delivery: None,
        };
        self.send(&mut row, &webhook.secret_key, at, outcome);
        self.log.insert(id, row);
        Some(id)
    }

    /// The outcome set for this webhook's deliveries.
    pub fn outcome_of(&self, config_id: i32) -> Outcome {
        self.outcomes
            .get(&config_id)
            .cloned()
            .unwrap_or_else(|| Outcome::status(200))
    }

    /// Signs the row's body with `secret` and records the outcome on the row and its webhook.
    fn send(&mut self, row: &mut Delivery, secret: &str, at: i64, outcome: &Outcome) {
        let (status, headers, payload) = match outcome {
            Outcome::Pending => return,
            Outcome::Answer { status, body } => (
                *status,
                Some("{\"Server\":[\"receiver\"],\"Content-Type\":[\"application/json\"]}"),
                body.clone(),
            ),
            Outcome::NoAnswer => (0, None, "Connection refused (receiver:443)".to_owned()),
            Outcome::Timeout => (
                500,
                None,
                "The request was canceled due to the configured HttpClient.Timeout of 100 \
                 seconds elapsing."
                    .to_owned(),
            ),
        };
        row.request_headers = Some(request_headers(&hmac::signature(
            secret,
            &row.request_payload,
        )));
        row.status = status;
        row.response_headers = headers.map(str::to_owned);
        row.response_payload = Some(payload.clone());
        let success = (200..300).contains(&status);
        row.delivery = success.then_some(at);
        let Some(webhook) = self.webhooks.get_mut(&row.config_id) else {
            return;
        };
        let when = dto::date(at, 0);
        if success {
            webhook.last_success_on = Some(when.clone());
            webhook.delivery_status = i32::from(status);
        } else {
            webhook.last_failure_on = Some(when.clone());
            // MySQL's column is a varchar(200).
            webhook.last_failure_content = Some(payload.chars().take(200).collect());
        }
        webhook.modified_on = Some(when);
    }

    /// Queues `log_id`'s event again as a new row: a new event id, the webhook's current name,
    /// uri and secret, sent even when the webhook is disabled. Returns the row as queued (status
    /// 0, no delivery), then sends it. `None` for an unknown id.
    pub fn redeliver(&mut self, log_id: i32) -> Option<Delivery> {
        let old = self.log.get(&log_id)?.clone();
        let webhook = self.webhooks.get(&old.config_id)?.clone();
        let at = self.now_unix();
        let id = self.next_log_id;
        self.next_log_id += 1;
        let mut row = Delivery {
            id,
            config_id: old.config_id,
            trigger: old.trigger,
            creation_time: at,
            entity: old.entity.clone(),
            request_headers: None,
            request_payload: compose(id, old.trigger, &old.entity, at, &webhook, &self.owner),
            response_headers: None,
            response_payload: None,
            status: 0,
            delivery: None,
        };
        let queued = row.clone();
        let outcome = self.outcome_of(old.config_id);
        self.send(&mut row, &webhook.secret_key, at, &outcome);
        self.log.insert(id, row);
        Some(queued)
    }
}

/// `requestHeaders` as the sender records them: the request's headers as a JSON object of
/// lists (the content headers, `Content-Type` among them, are not request headers in .NET).
fn request_headers(signature: &str) -> String {
    format!("{{\"Accept\":[\"*/*\"],\"x-docspace-signature-256\":[\"{signature}\"]}}")
}

/// The body of event `id` (docs/docspace-api.md §21): camelCase, in the server's member order.
fn compose(id: i32, trigger: u64, entity: &str, at: i64, webhook: &Stored, owner: &str) -> String {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Event<'a> {
        id: i32,
        create_on: String,
        create_by: &'a str,
        trigger: &'a str,
        trigger_id: u64,
    }
    #[derive(Serialize)]
    struct Hook<'a> {
        id: i32,
        name: &'a str,
        url: &'a str,
        triggers: Vec<&'static str>,
    }
    let event = Event {
        id,
        create_on: dto::date(at, 0),
        create_by: owner,
        trigger: trigger_name(trigger),
        trigger_id: trigger,
    };
    let triggers = if webhook.triggers == 0 {
        vec!["*"]
    } else {
        TRIGGERS
            .iter()
            .filter(|(_, bit)| *bit != 0 && webhook.triggers & (*bit as u64) != 0)
            .map(|(name, _)| *name)
            .collect()
    };
    let hook = Hook {
        id: webhook.id,
        name: &webhook.name,
        url: &webhook.uri,
        triggers,
    };
    // Our own derive types: serializing cannot fail.
    let event = serde_json::to_string(&event).unwrap_or_default();
    let hook = serde_json::to_string(&hook).unwrap_or_default();
    format!("{{\"event\":{event},\"payload\":{entity},\"webhook\":{hook}}}")
}
