//! Shared helpers for the integration tests: the fake DocSpace portal and a runner for the
//! real binary.

pub mod fake_portal;
pub mod fixtures;
pub mod fleet;
pub mod run;
pub mod spawn;
