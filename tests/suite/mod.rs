//! One module per behaviour a user relies on.

/// The GitHub Action's install script: a release's binary is installed only when its SHA-256
/// matches the release's sums.
mod action_install;
/// `apply`: writes only the drift, keeps unmanaged fields, converges, refuses safely.
mod apply;
/// Big portals and big fleets: a 10,000-webhook export and a 10,000-portal file load and
/// round-trip.
mod big_files;
/// The library's client against the fake portal: requests, retries, the stop switch, limits.
mod client;
/// `completions SHELL` and the hidden `man`, generated from the real command line.
mod completions;
/// Deletes say what they erase: the delivery log's count in every plan, PostgreSQL's 500.
mod delete_log;
/// The README and examples stay true to what they show.
mod docs;
/// Usage errors exit 1; a closed stdout never changes an exit code or stops a write.
mod exit_codes;
/// `export --out`: atomic, never over an existing file without `--force`.
mod export;
/// The fake portal itself, pinned against docs/docspace-api.md: the oracle the other tests trust.
mod fake_portal;
/// Retries, Retry-After, timeouts, lost answers and `-v`, with injected faults.
mod faults;
/// Messages about the file: relative uris, null entries, aliases, secrets at apply.
mod file_messages;
/// Issue 12 attacked: bad portals, hand-edited saved plans, signals and echoes over many portals.
mod fleet_attacks;
/// Text hidden from a reader or a search: invisible characters in a secret's echo or in a
/// name, a secret split by markup.
mod hidden_text;
/// SIGINT, SIGTERM and SIGHUP: in-flight writes finish, nothing new starts, 130/143/129, a
/// second signal exits at once.
mod interrupt;
/// An API key in a path: hidden wherever the path is shown, stdout included.
mod key_in_paths;
/// Property tests: no echo and no mutation of a file gets a secret or the key out.
mod leak_props;
/// Every way issue 9 found a secret getting out: diagnostics, echoes, panics, export.
mod leaks;
/// `--prune` and its guard, `export`, `--rotate-secrets`, the last-failure note.
mod lifecycle;
/// Thousands of live webhooks: one request to plan, bounded concurrency, convergence.
mod load;
/// Property tests: the loader never panics and stays fast on any input.
mod loader_fuzz;
/// Messages that lead the right way, and errors that lead with their message in a log.
mod messages;
/// The example pipeline run job by job with the real binary, the Action's script and a
/// stand-in `gh`: the plan comment, the reviewed plan applied, the drift issue.
mod pipeline;
/// `plan`: read-only, one request, what the output says, exit codes.
mod plan;
/// Property tests: no mutation of a saved plan sends a credential where the file does not say.
mod plan_mutations;
/// Issue 19 attacked: saved plans edited to send a key or secret elsewhere, replayed, wrapped.
mod plan_trust;
/// Portal errors and transport rules as a user sees them.
mod portal_errors;
/// `portals:` files against several fake portals at once: overlays, selection, isolation,
/// pinning, saved plans and the output over portals (issue 12).
mod portals;
/// `validate` of a file with `portals:`: per-portal verdict, every problem at once, no key.
mod portals_file;
/// `validate --format json|github` and `plan`'s file problems in those forms.
mod problem_reports;
/// `apply`'s progress: `[n/total]` and the time on each result, a progress line on a terminal.
mod progress;
/// Edges of the live list and of deleting: a repeated id, emptying the portal, a create refused
/// as a duplicate.
mod prune;
/// `prune: { maxDeletes: N }` in the file: validated, explicit, overridden by the flag, saved.
mod prune_limit;
/// `--quiet`: only errors on stderr, stdout and exit codes unchanged.
mod quiet;
/// `redeliver`: the failed deliveries of a window shown, approved and resent (issue 21).
mod redeliver;
/// What a reviewer reads: changes inside values, look-alike hosts, secrets not compared, the
/// rename trap, in every format.
mod review;
/// Saved plans: exact, secret-free, refused when edited inconsistently or stale.
mod saved_plan;
/// The saved plan as a file: its digest, bounded reading, atomic writing.
mod saved_plan_file;
/// The reviewer's notes of a saved plan fit its writes, for every plan `plan --out` writes.
mod saved_plan_notes;
/// A hand-edited saved plan is held to the config file's rules for every value it sends.
mod saved_plan_values;
/// Secrets and the API key never reach any output.
mod secrets;
/// `show PLAN_FILE`: a saved plan as `plan` showed it, and its digest, offline.
mod show;
/// `status`: delivery health from the log over a window, secrets checked, exit codes.
mod status;
/// `src/`'s layout: no import cycles between files, no file past 350 lines.
mod structure;
/// `--target KEY`: only those entries planned and written, the rest counted.
mod target;
/// Throttling: 429s waited out, pauses said once, pacing, --max-wait, the daily limit.
mod throttle;
/// Credentials in uris in every spelling: escapes in the file, odd forms, names that are uris.
mod uri_leaks;
/// `uri: ${VAR}`: read by `plan` and `apply`, planned like a literal uri, never shown.
mod uri_var;
/// `uri: ${VAR}`'s value before (the live uri its entry's webhook has) on another webhook:
/// never shown or saved.
mod uri_var_before;
/// `uri: ${VAR}` against saved plans edited to show the live uri.
mod uri_var_edits;
/// `uri: ${VAR}`'s value in the record of a webhook whose entry does not read it (renamed and
/// pruned, moved away from, unmanaged, spelled otherwise): never shown or saved.
mod uri_var_elsewhere;
/// `uri: ${VAR}`'s value of one portal in the record of another's webhook: never shown or saved.
mod uri_var_other_portal;
/// `validate` and how bad files are reported.
mod validate;
/// `verify-signature`: a delivery's signature against a secret and the exact body, offline.
mod verify_signature;
