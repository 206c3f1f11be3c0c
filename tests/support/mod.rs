//! Shared helpers for the integration tests: the fake DocSpace portal, a runner for the real
//! binary and the view of its outcome that snapshots compare.

pub mod fake_portal;
pub mod fixtures;
pub mod fleet;
pub mod run;
pub mod spawn;
pub mod view;
