//! The one integration-test binary: the real `docspace-webhooks` binary against the stateful
//! fake portal over loopback HTTP. No mocks of our own code.

mod suite;
mod support;
