//! docspace-webhooks: keep an ONLYOFFICE DocSpace portal's webhooks in line with a YAML file.
//! Each module is one stage or one shared concept, and the data flows one way through them:
//! docs/contributing.md lays them out.

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
