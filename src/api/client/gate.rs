//! The client's side of the pacer (`api/pace.rs`): every request waits at its gate, and every
//! answer goes back to it.
//!
//! Invariant: every wait here ends early when the run is stopped (`Halt`), and a request that
//! has not gone out by then never does (`ApiError::NotSent`), but for those a signal still
//! lets out: reads and a create's follow-up call (`Pacer::held_back`).

use std::time::Instant;

use reqwest::Method;
use serde_json::Value;

use super::Client;
use crate::api::error::{ApiError, Endpoint};
use crate::api::pace::{Gate, Pacer, Permit, Slot};
use crate::api::retry_after::RateHeaders;

impl Client {
    /// For a write, waits for a place in the write window, held for the whole call; a read
    /// needs none. Once the run is stopped: `NotSent`.
    pub(super) async fn slot(&self, endpoint: &Endpoint) -> Result<Slot<'_>, ApiError> {
        if endpoint.method == Method::GET {
            return Ok(Slot::read(self.pacer()));
        }
        let exempt = !self.may_stop(endpoint);
        self.gate(endpoint, |pacer, _| pacer.try_slot(exempt)).await
    }

    /// Waits until the pacer lets a request to `endpoint` out. Once the run is stopped
    /// nothing goes out: `NotSent`.
    pub(super) async fn admit(&self, endpoint: &Endpoint) -> Result<Permit<'_>, ApiError> {
        let write = endpoint.method != Method::GET;
        let exempt = !self.may_stop(endpoint);
        self.gate(endpoint, |pacer, now| pacer.try_pass(write, exempt, now))
            .await
    }

    async fn gate<'a, T>(
        &'a self,
        endpoint: &Endpoint,
        try_pass: impl Fn(&'a Pacer, Instant) -> Gate<T>,
    ) -> Result<T, ApiError> {
        let pacer = self.pacer();
        loop {
            // Created before the check, so a change between the check and the wait wakes it.
            let changed = pacer.changed.notified();
            match try_pass(pacer, Instant::now()) {
                Gate::Go(passed) => return Ok(passed),
                Gate::Stopped(reason) => {
                    return Err(ApiError::NotSent {
                        endpoint: endpoint.clone(),
                        reason,
                    });
                }
                Gate::Wait(until, event) => {
                    if let Some(event) = event {
                        self.emit(event);
                    }
                    let deadline = until.map(tokio::time::Instant::from_std);
                    // A request that may still go out once the run is stopped (see
                    // `Pacer::held_back`) waits on; watching a thrown switch would spin.
                    let stop = async {
                        if pacer.halt.is_stopped() {
                            std::future::pending().await
                        } else {
                            pacer.halt.stopped().await
                        }
                    };
                    tokio::select! {
                        () = changed => {}
                        () = stop => {}
                        () = sleep_until(deadline) => {}
                    }
                }
            }
        }
    }

    /// After the answer to `permit`'s request: feeds the pacer, and says a new pause.
    pub(super) fn observe(
        &self,
        permit: &Permit<'_>,
        endpoint: &Endpoint,
        headers: &RateHeaders,
        result: &Result<Value, ApiError>,
    ) {
        if let Some(event) = self.pacer().observe(permit, endpoint, headers, result) {
            self.emit(event);
        }
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}
