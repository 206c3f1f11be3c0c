//! One module per behaviour a user relies on.

/// `apply`: writes only the drift, keeps unmanaged fields, converges, refuses safely.
mod apply;
/// The README and examples stay true to what they show.
mod docs;
/// The fake portal itself, pinned against REFERENCE: the oracle the other tests trust.
mod fake_portal;
/// Retries, Retry-After, timeouts, lost answers and `-v`, with injected faults.
mod faults;
/// `--prune` and its guard, `export`, `--rotate-secrets`, the last-failure note.
mod lifecycle;
/// Thousands of live webhooks: one request to plan, bounded concurrency, convergence.
mod load;
/// Property tests: the loader never panics and stays fast on any input.
mod loader_fuzz;
/// `plan`: read-only, one request, what the output says, exit codes.
mod plan;
/// Portal errors and transport rules as a user sees them.
mod portal_errors;
/// Saved plans: exact, secret-free, refused when stale.
mod saved_plan;
/// Secrets and the API key never reach any output.
mod secrets;
/// Throttling: 429s waited out, pauses said once, pacing, --max-wait, the daily limit.
mod throttle;
/// `validate` and how bad files are reported.
mod validate;
