//! The HTTP client, the calls the rest of the tool makes, and how one request is sent:
//! `send_once` is the only code that touches the network; `send_looking` repeats it by the rules
//! of docs/faults-and-security.md ("Retries", "No duplicates"): a 429 never counts as an attempt,
//! a redelivery is sent again only when it was surely not received, a POST only after a list
//! shows it did not land, and no write once the run is stopped (a create's follow-up excepted).
//! Hand-rolled rather than a backoff crate: the POST rule needs a list request between attempts,
//! and every wait is announced before it starts.
//!
//! Invariants: redirects are never followed (the key must not reach another host); the
//! `Authorization` header is marked sensitive and `Debug` shows no key; every text taken from
//! an answer is read bounded and scrubbed of the key, every registered secret and this
//! request's own secret before it can reach an error.

use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{self, HeaderValue};
use reqwest::{Method, redirect};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::Value;

use super::classify::{Asked, classify, transport_error};
use super::error::{ApiError, Endpoint};
use super::event::{ClientEvent, Secs};
use super::limits::{Limits, Place};
use super::retry_after::RateHeaders;
use super::wire::{self, EnableRequest, WebhookRequest};
use super::{ClientOptions, LiveWebhook, PortalUrl, WebhookBody};
use crate::halt::StopReason;
use crate::redact::{self, Redactor};

const WEBHOOK_PATH: &str = "/api/2.0/settings/webhook";
const USER_AGENT: &str = concat!("docspace-webhooks/", env!("CARGO_PKG_VERSION"));

/// The HTTP clients of this process, by the two timeouts and whether the portal is loopback (no
/// proxy). Building one loads the system's root certificates, milliseconds of CPU: a hundred
/// portals build one. Safe to share: the key goes with each request, never into the client.
type HttpKey = (Duration, Duration, bool);
static HTTP: Mutex<Vec<(HttpKey, reqwest::Client)>> = Mutex::new(Vec::new());

fn http_for(options: &ClientOptions, loopback: bool) -> Result<reqwest::Client, ApiError> {
    let key = (options.connect_timeout, options.request_timeout, loopback);
    let mut clients = HTTP.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, http)) = clients.iter().find(|(k, _)| *k == key) {
        return Ok(http.clone());
    }
    let mut builder = reqwest::Client::builder()
        .tls_backend_rustls()
        .redirect(redirect::Policy::none())
        .connect_timeout(options.connect_timeout)
        .timeout(options.request_timeout)
        .user_agent(USER_AGENT);
    if loopback {
        // A proxy for a loopback portal would see the key in clear text (plain http).
        builder = builder.no_proxy();
    }
    let http = builder.build().map_err(|e| ApiError::ClientSetup {
        detail: redact::cut(&redact::clean(&e.to_string()), 300),
    })?;
    clients.push((key, http.clone()));
    Ok(http)
}

/// Answers beyond this are not read: a webhook list is a few KiB, anything this big is not it.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// A request body plus the secret in it, redacted from the answer by name.
pub(super) struct Payload<'a> {
    bytes: Vec<u8>,
    secret: Option<&'a SecretString>,
}

/// What a call came to: the answer, or (a create only) the webhook it made, from its answer or
/// from a list.
enum Sent {
    Answer(Value),
    Found(LiveWebhook),
}

/// A DocSpace client for one portal and one API key. Cheap to clone (one `Arc`).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// Set on the handle `follow_up` returns: the stop switch does not end its retries.
    follow_up: bool,
}

struct Inner {
    http: reqwest::Client,
    /// `Bearer <key>`, marked sensitive.
    auth: HeaderValue,
    portal: PortalUrl,
    options: ClientOptions,
    /// Shared by every request of the client, so the whole run keeps to the portal's limits.
    limits: Limits,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("portal", &self.inner.portal.as_str())
            .field("api_key", &"[redacted]")
            .field("options", &self.inner.options)
            .finish()
    }
}

impl Client {
    pub fn new(
        portal: &PortalUrl,
        api_key: SecretString,
        options: ClientOptions,
    ) -> Result<Client, ApiError> {
        // Keys pasted from a file or a password manager often carry a trailing newline.
        let api_key = SecretString::from(api_key.expose_secret().trim());
        let key = api_key.expose_secret();
        let bad = |reason| ApiError::ApiKey {
            reason,
            portal_key: options.portal_key.clone(),
        };
        if key.is_empty() {
            return Err(bad("it is empty"));
        }
        if key.chars().any(char::is_whitespace) {
            return Err(bad("it contains a space or line break"));
        }
        let bearer = SecretString::from(format!("Bearer {key}"));
        let mut auth = HeaderValue::from_str(bearer.expose_secret())
            .map_err(|_| bad("it contains characters that cannot be sent in an HTTP header"))?;
        auth.set_sensitive(true);
        let http = http_for(&options, portal.is_loopback())?;
        // From here on, anything the portal echoes is scrubbed of the key wherever it is shown.
        let var = options.portal_key.as_deref();
        redact::register_key(key, var.unwrap_or(super::KEY_VAR), true);
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                auth,
                portal: portal.clone(),
                limits: Limits::new(&options),
                options,
            }),
            follow_up: false,
        })
    }

    pub fn halt(&self) -> &Arc<crate::halt::Halt> {
        &self.inner.options.halt
    }

    /// The same client, for the call that completes a create (`enabled`/`ssl`, docs/docspace-api.md
    /// §9): retried when the run is stopped, so a webhook the file disables does not stay enabled.
    pub fn follow_up(&self) -> Client {
        Client {
            inner: Arc::clone(&self.inner),
            follow_up: true,
        }
    }

    pub fn portal(&self) -> &PortalUrl {
        &self.inner.portal
    }

    /// Whether a stopped run holds this request back: every write but a create's follow-up.
    pub(super) fn may_stop(&self, endpoint: &Endpoint) -> bool {
        endpoint.method != Method::GET && !self.follow_up
    }

    /// Every webhook the key's user can see, sorted by id. A last failure (what the target
    /// answered, shown in plans) is scrubbed of every secret like an error body.
    pub async fn list(&self) -> Result<Vec<LiveWebhook>, ApiError> {
        let endpoint = Endpoint::new(Method::GET, WEBHOOK_PATH);
        let v = self.send(&endpoint, None).await?;
        let mut live = wire::decode_list(&endpoint, &v)?;
        refuse_echoes(&live, &redact::Registered::now())?;
        for w in &mut live {
            if let Some(content) = &mut w.last_failure_content {
                // Its own uri too: a target's error page may name its address or its path.
                *content = Redactor::with_uri(&w.uri).scrub(content);
            }
        }
        Ok(live)
    }

    /// Never creates the webhook twice (`send_looking`). `listed`: the ids of the webhooks on
    /// the portal before the POST, none of which it can have made.
    pub async fn create(
        &self,
        body: &WebhookBody,
        listed: &[i32],
    ) -> Result<LiveWebhook, ApiError> {
        let endpoint = Endpoint::new(Method::POST, WEBHOOK_PATH);
        let request = WebhookRequest { id: None, body };
        let payload = self.payload(&endpoint, &request, body.secret_key.as_ref())?;
        match self
            .send_looking(&endpoint, Some(&payload), Some((body, listed)))
            .await?
        {
            Sent::Found(made) => Ok(made),
            // Not returned for a create (`send_looking` reads its answer as the webhook): read
            // as one all the same, rather than a panic.
            Sent::Answer(v) => wire::decode_one(&endpoint, &v),
        }
    }

    pub async fn update(&self, id: i32, body: &WebhookBody) -> Result<LiveWebhook, ApiError> {
        let endpoint = Endpoint::new(Method::PUT, WEBHOOK_PATH);
        let request = WebhookRequest { id: Some(id), body };
        let payload = self.payload(&endpoint, &request, body.secret_key.as_ref())?;
        let v = self.send(&endpoint, Some(&payload)).await?;
        wire::decode_one(&endpoint, &v)
    }

    pub async fn set_enabled(
        &self,
        live: &LiveWebhook,
        enabled: bool,
    ) -> Result<LiveWebhook, ApiError> {
        let endpoint = Endpoint::new(Method::PUT, format!("{WEBHOOK_PATH}/enable"));
        let request = EnableRequest {
            id: live.id,
            name: &live.name,
            uri: &live.uri,
            enabled,
        };
        let payload = self.payload(&endpoint, &request, None)?;
        let v = self.send(&endpoint, Some(&payload)).await?;
        wire::decode_one(&endpoint, &v)
    }

    /// `Ok(None)` when the portal answers its own 404: the webhook is already gone
    /// (docs/docspace-api.md §12). Any other 404 is a proxy's or no route's (§5.3, `classify`):
    /// an answer not read, so the delete may or may not have happened.
    pub async fn delete(&self, id: i32) -> Result<Option<LiveWebhook>, ApiError> {
        let endpoint = Endpoint::new(Method::DELETE, format!("{WEBHOOK_PATH}/{id}"));
        match self.send(&endpoint, None).await {
            Ok(v) => wire::decode_one(&endpoint, &v).map(Some),
            Err(ApiError::Rejected { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub(super) fn payload<'a>(
        &self,
        endpoint: &Endpoint,
        request: &impl Serialize,
        secret: Option<&'a SecretString>,
    ) -> Result<Payload<'a>, ApiError> {
        if let Some(secret) = secret {
            redact::register(secret.expose_secret(), "a secretKey the run sends");
        }
        // The one place a body is serialized, and so a `secretKey` exposed. Plain strings,
        // bools and numbers cannot fail to encode in practice.
        let bytes = serde_json::to_vec(request).map_err(|e| ApiError::Transport {
            endpoint: endpoint.clone(),
            portal: self.portal().as_str().to_string(),
            detail: format!("could not encode the request body: {e}"),
        })?;
        Ok(Payload { bytes, secret })
    }

    /// `send_looking` for every request but a create.
    pub(super) async fn send(
        &self,
        endpoint: &Endpoint,
        payload: Option<&Payload<'_>>,
    ) -> Result<Value, ApiError> {
        match self.send_looking(endpoint, payload, None).await? {
            Sent::Answer(v) => Ok(v),
            Sent::Found(_) => unreachable!("only a create looks for what it made"),
        }
    }

    /// `send_once`, repeated while the failure is retryable and attempts remain. A redelivery
    /// (each one that lands queues a delivery) is sent again only after a failure that says it
    /// was not received (a refused connection, a 429). A create (`created`: its body, and the
    /// ids listed before it, `look_for`) whose
    /// attempt may have landed (`ApiError::may_have_landed`: a timeout, a 502/503/504, any
    /// answer that is not the webhook) is looked for in a fresh list, and sent again only when
    /// that list shows no webhook with its (name, uri) and the failure is retryable; if it
    /// lands after that list was read (the portal probes the target first,
    /// docs/docspace-api.md §9), the repeat is refused as a duplicate (§15) and the list is read
    /// once more to find it.
    async fn send_looking(
        &self,
        endpoint: &Endpoint,
        payload: Option<&Payload<'_>>,
        created: Option<(&WebhookBody, &[i32])>,
    ) -> Result<Sent, ApiError> {
        let mut place = self.inner.limits.place();
        let mut attempt = 1;
        // Whether an earlier attempt of this create may have been carried out.
        let mut may_exist = false;
        let mut failed = None;
        loop {
            let result = self.send_once(endpoint, payload, &mut place).await;
            place.retrying(false);
            let error = match result {
                Ok(v) if created.is_none() => return Ok(Sent::Answer(v)),
                // A create's answer that is not the webhook may follow one the portal stored.
                Ok(v) => match wire::decode_one(endpoint, &v) {
                    Ok(made) => return Ok(Sent::Found(made)),
                    Err(e) => e,
                },
                // Refused before it was handled: the limits hold the next attempt until the
                // portal's time, and it does not count as a retry. Not once the run is stopped.
                Err(e @ ApiError::RateLimited { .. }) if !self.halt().is_stopped() => {
                    failed = Some(e);
                    continue;
                }
                Err(e @ ApiError::RateLimited { .. }) if self.told_stop(endpoint) => {
                    return Err(self.not_retried(e));
                }
                // Kept from its next attempt by the stopped run: the last failure as not retried
                // (`told_stop`), or a write's own last refusal after a throttle stop.
                Err(e @ ApiError::NotSent { .. }) => {
                    return Err(match failed {
                        Some(last) if self.told_stop(endpoint) => self.not_retried(last),
                        last => last.unwrap_or(e),
                    });
                }
                Err(e) => e,
            };
            if let Some((body, listed)) = created.filter(|_| may_exist && error.is_duplicate()) {
                return match self.look_for(body, listed, true).await {
                    Ok(Some(found)) => Ok(Sent::Found(found)),
                    _ => Err(error),
                };
            }
            let may_have_landed = error.may_have_landed();
            let twice = endpoint.is_redelivery() && may_have_landed;
            let check = created.filter(|_| may_have_landed);
            if !error.is_retryable() || twice || attempt >= self.attempts() {
                // Not sent again, but it may have landed: the follow-up call needs the webhook.
                if let Some((body, listed)) = check
                    && let Ok(Some(found)) = self.look_for(body, listed, false).await
                {
                    return Ok(Sent::Found(found));
                }
                return Err(error);
            }
            attempt += 1;
            place.retrying(true);
            may_exist |= check.is_some();
            let go_on = self.pause(endpoint, &error, attempt, check.is_some()).await;
            if let Some((body, listed)) = check {
                // If the list cannot be read either, whether the POST landed is unknown: the
                // POST's own error says what went wrong, and a rerun's plan shows the state.
                match self.look_for(body, listed, false).await {
                    Ok(Some(found)) => return Ok(Sent::Found(found)),
                    Ok(None) => {}
                    Err(_) => return Err(error),
                }
            }
            if !go_on {
                return Err(self.not_retried(error));
            }
            failed = Some(error);
        }
    }

    /// One request, once the limits let it out (`place`: the call's place among the writes).
    async fn send_once<'a>(
        &'a self,
        endpoint: &Endpoint,
        payload: Option<&Payload<'_>>,
        place: &mut Place<'a>,
    ) -> Result<Value, ApiError> {
        let Inner {
            http,
            auth,
            portal,
            options,
            limits,
        } = &*self.inner;
        let permit = limits
            .admit(endpoint, !self.may_stop(endpoint), place)
            .await?;
        // Every registered secret (the key among them), and this payload's secret by name.
        let redactor = Redactor::new(payload.and_then(|p| p.secret).map(|s| s.expose_secret()));
        let asked = Asked {
            endpoint,
            portal,
            options,
            redactor: &redactor,
        };
        let failed = |e: reqwest::Error| transport_error(&e, &asked);
        let started = Instant::now();
        // Set as soon as the answer's head arrives, for the event and the limits.
        let mut status = None;
        let mut rate = RateHeaders::default();
        let result = async {
            let mut request = http
                .request(endpoint.method.clone(), portal.join(&endpoint.path))
                .header(header::AUTHORIZATION, auth.clone());
            if let Some(payload) = payload {
                request = request
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(payload.bytes.clone());
            }
            // Last, after the body's type: the header order every release has sent.
            request = request.header(header::ACCEPT, "application/json");
            let mut response = request.send().await.map_err(failed)?;
            let code = response.status().as_u16();
            status = Some(code);
            let headers = response.headers().clone();
            rate = RateHeaders::read(&headers, SystemTime::now());
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(failed)? {
                if body.len() + chunk.len() > MAX_BODY_BYTES {
                    return Err(ApiError::TooLarge {
                        endpoint: endpoint.clone(),
                        portal: portal.as_str().to_string(),
                        status: code,
                        mib: MAX_BODY_BYTES / 1024 / 1024,
                    });
                }
                body.extend_from_slice(&chunk);
            }
            classify(&asked, code, &headers, rate.retry_after, &body)
        }
        .await;
        let elapsed = started.elapsed();
        super::event::on_the_wire_for(elapsed);
        options.emit(ClientEvent::Request {
            endpoint: endpoint.clone(),
            status,
            elapsed,
        });
        limits.answered(permit, endpoint, &rate, &result);
        result
    }

    fn attempts(&self) -> u32 {
        self.inner.options.retries.saturating_add(1)
    }

    /// A write a signal keeps from its retry is reported as interrupted, whatever its last answer.
    fn interrupted(&self) -> bool {
        matches!(self.halt().reason(), Some(StopReason::Signal { .. }))
    }

    /// Whether a failure stopped from its retry says why: after a signal, any; after a throttle
    /// stop, a read's (apply's writes are followed by the stop's own line, a read by nothing).
    fn told_stop(&self, endpoint: &Endpoint) -> bool {
        self.interrupted() || endpoint.method == Method::GET
    }

    /// Whether the stop switch ends this request's retrying: a retry is a new request.
    fn stopping(&self, endpoint: &Endpoint) -> bool {
        self.halt().is_stopped() && self.may_stop(endpoint)
    }

    fn not_retried(&self, last: ApiError) -> ApiError {
        ApiError::NotRetried {
            reason: self
                .halt()
                .reason()
                .map_or_else(|| "stopped".into(), ToString::to_string),
            last: Box::new(last),
        }
    }

    /// The webhook with `body`'s (name, uri) (`LiveWebhook::same_pair`) in a fresh list, told as
    /// one that `landed` late or whose answer was lost. Not one of the `listed` ids: on the
    /// portal before the POST (a look-alike the plan warned of), it is not the one made.
    async fn look_for(
        &self,
        body: &WebhookBody,
        listed: &[i32],
        landed: bool,
    ) -> Result<Option<LiveWebhook>, ApiError> {
        // Boxed: the list goes through the same loop as the create that looks at it.
        let live = Box::pin(self.list()).await.inspect_err(|e| {
            // The create's own error is what its report shows: this says why it stays unknown.
            self.inner.options.emit(ClientEvent::Said(format!(
                "could not read the list to look for webhook {}, so whether it was created is \
                 unknown: {e}",
                redact::quoted(&body.name)
            )));
        })?;
        // The newest: on a portal that compares with case, an older one may differ only in it.
        let made = |w: &LiveWebhook| w.same_pair(body) && !listed.contains(&w.id);
        let found = live.into_iter().rev().find(made);
        if let Some(w) = &found {
            let how = if landed {
                "by an earlier attempt that landed late; the portal refused the repeat as a \
                 duplicate"
            } else {
                "although the answer to its POST was lost; not posting it again"
            };
            self.inner.options.emit(ClientEvent::Said(format!(
                "webhook {} was created (#{}) {how}",
                redact::quoted(&w.name),
                w.id
            )));
        }
        Ok(found)
    }

    /// Announces the wait before `attempt`, then waits; false when the stop switch forbids
    /// sending the request again. A `check_first` wait is never cut short: the list read after it
    /// tells whether the create landed, and so whether its follow-up call is needed.
    async fn pause(
        &self,
        endpoint: &Endpoint,
        error: &ApiError,
        attempt: u32,
        check_first: bool,
    ) -> bool {
        let stopping = self.stopping(endpoint);
        if stopping && !check_first {
            return false;
        }
        let delay = full_jitter(self.inner.options.backoff_ceiling(attempt - 1));
        // A stopping run waits only to look for the create: there is no retry to announce.
        if !stopping {
            let attempts = self.attempts();
            let check = if check_first {
                ", unless the webhook list shows it was created after all"
            } else {
                ""
            };
            self.inner.options.emit(ClientEvent::Said(format!(
                "retrying {endpoint} in {} (attempt {attempt} of {attempts}){check}: {}",
                Secs(delay),
                reason(error)
            )));
        }
        let cut_short = !check_first && self.may_stop(endpoint);
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = self.halt().stopped(), if cut_short => {}
        }
        !self.stopping(endpoint)
    }
}

/// Uniform in `[0, ceiling]`, so clients that failed together do not retry together; std's
/// per-instance hasher keys are random enough for that.
fn full_jitter(ceiling: Duration) -> Duration {
    let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
    if nanos == 0 {
        return Duration::ZERO;
    }
    let random = RandomState::new().hash_one(Instant::now());
    Duration::from_nanos(random % nanos.saturating_add(1))
}

/// Why a retryable attempt failed, for the retry line (which names the endpoint already).
fn reason(error: &ApiError) -> String {
    match error {
        ApiError::Timeout { kind, after, .. } => format!(
            "no answer within {} s (the {kind} timeout)",
            after.as_secs_f64()
        ),
        ApiError::Connect { detail, .. } => format!("could not connect: {detail}"),
        ApiError::Transport { detail, .. } => format!("no answer: {detail}"),
        ApiError::HttpStatus {
            status, excerpt, ..
        } => format!("HTTP {status}: {excerpt}"),
        ApiError::Rejected {
            status, message, ..
        } => format!("HTTP {status}: {message}"),
        other => other.to_string(),
    }
}

/// Refuses a webhook list that holds one of `secrets` (the key or a secret the run knows) in a
/// field shown and saved as it is: it is refused, not hidden (every output would have to find
/// it, colored, escaped or cut). `Client::list` checks each list; a command checks again once
/// the list tells which live uris are secret (`commands::portals::listed`).
pub fn refuse_echoes(live: &[LiveWebhook], secrets: &redact::Registered) -> Result<(), ApiError> {
    for w in live {
        if let Some((field, matched)) = echoed(shown_fields(w), secrets) {
            return Err(ApiError::EchoedSecret {
                endpoint: Endpoint::new(Method::GET, WEBHOOK_PATH),
                id: w.id,
                field,
                matched: matched.to_string(),
            });
        }
    }
    Ok(())
}

/// The fields of a listed webhook shown and saved as they are; its last failure is scrubbed
/// instead (`Client::list`).
pub fn shown_fields<T>(w: &LiveWebhook<T>) -> [(&'static str, Option<&String>); 4] {
    [
        ("name", Some(&w.name)),
        ("uri", Some(&w.uri)),
        ("targetId", w.target_id.as_ref()),
        // Shown as written when it is not a date the tool reads (a plan's notes).
        ("lastFailureOn", w.last_failure_on.as_ref()),
    ]
}

/// The first of `fields` (outside text shown as it is: a listed webhook's, or a saved plan's)
/// that holds one of `secrets`, with the source of the one found (`Registered::in_text`).
pub fn echoed<'a, 's>(
    fields: impl IntoIterator<Item = (&'static str, Option<&'a String>)>,
    secrets: &'s redact::Registered,
) -> Option<(&'static str, &'s str)> {
    // A uri read from a variable is looked for in every field but the uris: its own webhook's
    // holds it by design, and plans show another's as `(sensitive)`.
    let holds =
        |(field, v): (_, Option<&String>)| Some((field, secrets.in_text(v?, field != "uri")?));
    fields.into_iter().find_map(holds)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ClientOptions;

    #[test]
    fn backoff_doubles_with_full_jitter_up_to_the_cap() {
        let options = ClientOptions {
            retries: 10,
            retry_base: Duration::from_millis(100),
            retry_max_delay: Duration::from_millis(400),
            ..ClientOptions::default()
        };
        assert_eq!(options.retries.saturating_add(1), 11);
        for (attempt, ceiling) in [(2, 100), (3, 200), (4, 400), (5, 400), (11, 400)] {
            let waits: Vec<Duration> = (0..200)
                .map(|_| full_jitter(options.backoff_ceiling(attempt - 1)))
                .collect();
            let ceiling = Duration::from_millis(ceiling);
            assert!(waits.iter().all(|w| *w <= ceiling), "{attempt}: {waits:?}");
            // Jittered: not all the same, and some well below the ceiling.
            assert!(waits.iter().any(|w| *w != waits[0]), "{attempt}: {waits:?}");
            assert!(
                waits.iter().any(|w| *w < ceiling / 2),
                "{attempt}: {waits:?}"
            );
        }
    }
}
