//! Creating one webhook: the POST, the follow-up call the portal's create quirk needs, and what
//! a refusal as a duplicate means.
//!
//! The plan creates only webhooks the portal's list did not show, so a create refused because
//! its (name, uri) exists (docs/docspace-api.md §15) means either that it appeared since the plan, or that
//! the list leaves webhooks out (a key that is not an admin's sees only its own). A fresh list
//! tells the two apart; in the second case every create planned from that list could
//! duplicate a hidden webhook, so none further is started. (A refusal after an attempt of this
//! run that may have landed late is settled by the client, which finds that webhook.)

use std::sync::atomic::{AtomicBool, Ordering};

use secrecy::SecretString;

use super::{Done, Failure, holds, own, wire};
use crate::api::{ApiError, Client};
use crate::plan::PlannedBody;

/// POST (its answer refused when it names another webhook: `taken`), then one corrective call
/// when the portal stored `enabled`/`ssl` differently from what was asked: its database
/// defaults turn a `false` into `true` on insert (docs/docspace-api.md §9). The corrective call
/// goes through `Client::follow_up`, so a stopping run still sends it.
pub(super) async fn create(
    client: &Client,
    body: &PlannedBody,
    secret: Option<SecretString>,
    creates_held: &AtomicBool,
    listed: &[i32],
    taken: &dyn Fn(i32) -> bool,
) -> Result<Done, Failure> {
    if creates_held.load(Ordering::SeqCst) {
        return Err(Failure::CreatesHeld);
    }
    let created = match client.create(&wire(body, secret), listed).await {
        Ok(created) => created,
        Err(refused) if refused.is_duplicate() => {
            return Err(duplicate(client, body, refused, creates_held).await);
        }
        Err(e) => return Err(e.into()),
    };
    // The plan creates only what its list did not show, one webhook each: an answer with
    // another (name, uri), an id it listed, or one another create of this run was answered
    // with, is another webhook's (a cache, a proxy), and a follow-up call would write to it.
    if created.id <= 0 || !created.same_pair(body) || taken(created.id) {
        let how = ", another webhook (another name or uri, on the portal when the plan was made, \
                   or another create's answer)";
        return Err(Failure::AnsweredOther {
            id: created.id,
            how,
        });
    }
    if created.enabled == body.enabled && created.ssl == body.ssl {
        return Ok(Done {
            webhook: created,
            corrected: false,
        });
    }
    let follow_up = client.follow_up();
    // Its answer names the webhook just created and holds what was sent (`own`), or the
    // correction's effect is unknown: the report names the webhook by the POST's answer.
    let corrected = if created.ssl == body.ssl {
        let answer = follow_up.set_enabled(&created, body.enabled).await;
        answer.map(|a| own(created.id, a, |a| a.enabled == body.enabled))
    } else {
        // No secret: the one just stored is kept when a PUT leaves it out.
        let answer = follow_up.update(created.id, &wire(body, None)).await;
        answer.map(|a| own(created.id, a, |a| holds(a, body)))
    };
    let source = match corrected {
        Ok(Ok(_)) => {
            return Ok(Done {
                webhook: created,
                corrected: true,
            });
        }
        Ok(Err(other)) => other.into(),
        Err(e) => Failure::Api(e),
    };
    Err(Failure::Correction {
        id: created.id,
        source: Box::new(source),
    })
}

/// What a refusal as a duplicate means, read from a fresh list; holds further creates when the
/// list does not show the webhook the portal says exists.
async fn duplicate(
    client: &Client,
    body: &PlannedBody,
    refused: ApiError,
    creates_held: &AtomicBool,
) -> Failure {
    let Ok(live) = client.list().await else {
        return Failure::Api(refused);
    };
    match live.iter().find(|w| w.same_pair(body)) {
        Some(w) => Failure::Taken {
            id: w.id,
            name: crate::redact::mask_credentials(&w.name),
            source: refused,
        },
        None => {
            creates_held.store(true, Ordering::SeqCst);
            Failure::ListIncomplete { source: refused }
        }
    }
}
