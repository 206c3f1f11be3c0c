//! docspace-webhooks: keep an ONLYOFFICE DocSpace portal's webhooks in line with a YAML file.
//!
//! The data flows one way through the modules, and each module is one stage:
//! `config` (read and check the file) -> `api` (read the live webhooks) -> `plan` (diff them)
//! -> `render` (show the plan) or `apply` (carry it out). `cli` and `settings` turn the command
//! line and the environment into checked settings before any of that starts; `commands` wires
//! the stages together for each subcommand. `field` describes a webhook's fields once, for
//! every stage; `triggers` does the same for its events. `signature` checks a delivery's
//! signature against a secret (`verify-signature`, and the signatures a portal recorded);
//! `health` judges from the delivery log whether webhooks deliver (`status`), with `duration`
//! (its window) and `calendar` (dates in UTC). `run` holds what
//! came of each portal of a run, as the renderers show it.

pub mod api;
pub mod apply;
mod bounded_read;
pub mod calendar;
pub mod cli;
pub mod commands;
pub mod config;
pub mod duration;
mod error;
pub mod field;
pub mod halt;
pub mod health;
pub mod idn;
pub mod plan;
pub mod redact;
pub mod render;
pub mod run;
pub mod settings;
pub mod signature;
pub mod triggers;

pub use error::Error;
