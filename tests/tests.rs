//! The one integration-test binary: the real `docspace-webhooks` binary against the stateful
//! fake portal over loopback HTTP. No mocks of our own code.

// The crate's conventions guard the shipped code. A test binary exports nothing, so every
// `pub` in it only shares a helper between its modules; it may report what it measured on
// stderr; and the fake portal and fixtures do their clock and id arithmetic on small numbers
// they made themselves.
#![allow(
    unreachable_pub,
    clippy::print_stderr,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    reason = "test code: see the comment above"
)]

mod suite;
mod support;
