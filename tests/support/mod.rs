//! Shared helpers for the integration tests: the fake DocSpace portal.

pub mod fake_portal;
