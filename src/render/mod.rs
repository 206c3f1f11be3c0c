//! Stage 4a: a plan -> text for people. Pure functions of the plan: they never see a secret
//! (the plan holds none), so no rendering can leak one.
//!
//! Renderers always emit color escapes; the writer decides whether they reach the screen.

pub mod style;
mod text;

pub use text::{render_text, value_text};
pub mod export;
