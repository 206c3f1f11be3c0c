//! One module per behaviour a user relies on.

/// `apply`: writes only the drift, keeps unmanaged fields, converges, refuses safely.
mod apply;
/// `validate` and how bad files are reported.
mod validate;
/// `plan`: read-only, one request, what the output says, exit codes.
mod plan;
/// Secrets and the API key never reach any output.
mod secrets;
/// Portal errors and transport rules as a user sees them.
mod portal_errors;
/// Saved plans: exact, secret-free, refused when stale.
mod saved_plan;
/// `--prune` and its guard, `export`, `--rotate-secrets`, the last-failure note.
mod lifecycle;
