//! The tool's main job, end to end, with nothing to set up: starts the sandbox portal (the same
//! stateful fake DocSpace the integration tests use) on 127.0.0.1, seeds it with a few live
//! webhooks, then runs the real `plan` and `apply` code over HTTP with `webhooks.example.yaml`,
//! and plans once more to show the portal converged.
//!
//! Run it with `cargo run --example quickstart`.

#![allow(
    clippy::print_stderr,
    reason = "an example speaks to the terminal it runs in"
)]

// The tests' fake portal, linted as part of the test binary (see tests/tests.rs).
#[allow(
    unreachable_pub,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    reason = "test support, under the test binary's rules"
)]
#[path = "../tests/support/fake_portal/mod.rs"]
mod fake_portal;

use std::process::ExitCode;

use docspace_webhooks::api::{Client, ClientOptions, PortalUrl};
use docspace_webhooks::{Error, apply, config, plan, render, settings};
use fake_portal::FakePortal;

/// Found from any working directory, as `cargo run --example` may be run from anywhere inside.
const FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/webhooks.example.yaml");
/// Stands in for the secret a real run reads from the environment.
const DEMO_SECRET: &str = "sandbox-Secret-42";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{:?}", miette::Report::new(e));
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Error> {
    let sandbox = FakePortal::example_sandbox();

    say(&format!(
        "Sandbox portal at {} with 3 live webhooks; planning webhooks.example.yaml against it.",
        sandbox.url()
    ));
    let document = config::load_document(FILE.as_ref())?;
    let config = document
        .unnamed()
        .expect("the example file has one `portal:`");
    let portal = PortalUrl::parse(&sandbox.url())?;
    let client = Client::new(&portal, sandbox.api_key().into(), ClientOptions::default())?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::Runtime)?;

    let live = runtime.block_on(client.list())?;
    let plan = plan::plan(config, &live, portal.as_str(), Default::default())?;
    anstream::print!(
        "{}",
        render::render_text(&plan, render::style::stdout_colored())
    );

    say("Applying (the real apply would ask for `yes` first):");
    // The file reads ${BILLING_WEBHOOK_SECRET}; use the environment's value when there is one.
    let lookup = |name: &str| settings::env(name).or_else(|_| Ok(DEMO_SECRET.to_string()));
    let secrets = apply::resolve_secrets(&plan, config, &lookup)?;
    let report = runtime.block_on(apply::apply(
        &client,
        &plan,
        &secrets,
        4,
        |change, result, _| match result {
            Ok(done) => anstream::println!("  ok {:?} (#{})", change.name(), done.webhook.id),
            Err(e) => anstream::println!("  failed {:?}: {e}", change.name()),
        },
    ));

    say("Planning again: the portal now matches the file.");
    let live = runtime.block_on(client.list())?;
    let again = plan::plan(config, &live, portal.as_str(), Default::default())?;
    anstream::print!(
        "{}",
        render::render_text(&again, render::style::stdout_colored())
    );

    if report.failed() > 0 || again.has_changes() {
        return Err(Error::ApplyFailed {
            failed: report.failed(),
            total: report.results.len(),
        });
    }
    say("Done. Point it at your portal: see docs/using.md.");
    Ok(())
}

fn say(text: &str) {
    anstream::println!("\n==> {text}\n");
}
