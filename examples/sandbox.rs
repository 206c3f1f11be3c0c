//! A sandbox portal to try the real command line against, with no DocSpace at hand:
//!
//!     cargo run --example sandbox
//!
//! starts the fake DocSpace the tests use on 127.0.0.1, seeded like the quickstart, prints the
//! environment variables to set in another terminal, and serves until Ctrl-C.

#![allow(
    clippy::print_stdout,
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

use fake_portal::FakePortal;

fn main() {
    let sandbox = FakePortal::example_sandbox();
    println!("Sandbox DocSpace portal with 3 webhooks. In another terminal, in this repository:\n");
    // The example file pins its portal, which DOCSPACE_URL may not change: the copy names the
    // sandbox instead.
    println!(
        "  sed 's|https://yourportal.onlyoffice.com|{}|' webhooks.example.yaml > sandbox.yaml",
        sandbox.url()
    );
    // Commands without a file (`export`) find the portal here; it repeats the copy's `portal:`.
    println!("  export DOCSPACE_URL={}", sandbox.url());
    println!("  export DOCSPACE_API_KEY={}", sandbox.api_key());
    println!("  export BILLING_WEBHOOK_SECRET=sandbox-Secret-42");
    println!("  cargo run -- plan -f sandbox.yaml\n");
    println!("Serving until Ctrl-C. Its state lives in memory only.");
    loop {
        std::thread::park();
    }
}
