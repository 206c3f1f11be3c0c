//! A saved plan on disk (docs/plans.md, "Saved plans"): `plan --out` writes it atomically and
//! only over a saved plan, so `--out webhooks.yaml` cannot destroy the config; `apply FILE`
//! reads only a regular file of at most `MAX_PLAN_BYTES`, so a FIFO, `/dev/zero` or a huge file
//! is refused at once instead of hanging or filling memory.

use std::fs;
use std::path::Path;

use super::atomic::{self, Existing};
use crate::Error;
use crate::bounded_read::{self, ReadError};
use crate::plan::saved::{self, SavedPlanError};

/// The largest saved plan `apply` reads. Measured: 5,000 updates of webhooks that list every
/// event by name take 12.9 MB (about 2.6 KB a change, most of it the two trigger lists;
/// `tests/suite/saved_plan_file.rs`), about half that with `*`. 64 MiB leaves four times that
/// for longer names, uris and failure excerpts, and is still read in a blink.
pub(super) const MAX_PLAN_BYTES: u64 = 64 * 1024 * 1024;

/// A saved plan's text, read but not yet checked against the config file (`saved::read`).
pub(super) struct Loaded {
    pub text: String,
    pub shown: String,
    pub digest: String,
}

/// Reads the saved plan at `path`, refusing it unless its SHA-256 is `expect_digest`, if any.
/// The refusal names the path, which may hold a key: the config file's (`config`) are hidden
/// as `Session::load` hides them, as far as that file can be read.
pub(super) fn load(
    path: &Path,
    expect_digest: Option<&str>,
    config: &Path,
) -> Result<Loaded, Error> {
    read(path, expect_digest).inspect_err(|_| {
        let _ = super::registered(config);
    })
}

fn read(path: &Path, expect_digest: Option<&str>) -> Result<Loaded, Error> {
    // Named as every path is shown (stderr hides the secrets in it, `Printer`).
    let shown = crate::redact::shown_path(path);
    let refuse = |reason: String| Error::PlanFile {
        path: shown.clone(),
        reason,
        written: saved::NOTHING_WRITTEN,
    };
    let bytes = read_bounded(path, &refuse)?;
    let digest = saved::digest(&bytes);
    if let Some(expected) = expect_digest
        && !expected.eq_ignore_ascii_case(&digest)
    {
        return Err(SavedPlanError::Digest {
            path: shown,
            expected: expected.to_ascii_lowercase(),
            found: digest,
        }
        .into());
    }
    let text = String::from_utf8(bytes).map_err(|_| SavedPlanError::Unreadable {
        path: shown.clone(),
        reason: "not UTF-8 text".into(),
        written: saved::NOTHING_WRITTEN,
    })?;
    if is_webhook_file(path, &text) {
        return Err(Error::ConfigAsPlan {
            quoted: crate::config::shell_word(&path.display().to_string()),
            path: shown,
        });
    }
    Ok(Loaded {
        text,
        shown,
        digest,
    })
}

/// A webhook file given where a saved plan belongs (`apply webhooks.yaml`). A saved plan is
/// always a JSON object, so this never mistakes one; a YAML file is told by its extension or
/// by a top-level `webhooks:` key.
fn is_webhook_file(path: &std::path::Path, text: &str) -> bool {
    let yaml_extension = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    !text.trim_start().starts_with('{')
        && (yaml_extension
            || text
                .lines()
                .any(|line| line.starts_with("webhooks:") || line.starts_with("portals:")))
}

/// Refuses a `path` `save` would refuse, checked again when it saves: told before the portal is
/// asked, a mistyped --out costs no request.
pub(super) fn refuse_unsavable(path: &Path) -> Result<(), Error> {
    atomic::refuse_unwritable(path).and_then(|()| refuse_overwriting_another_file(path))
}

/// Writes `text` to `path` atomically (`atomic`).
pub(super) fn save(path: &Path, text: &str) -> Result<(), Error> {
    refuse_overwriting_another_file(path)?;
    atomic::write(path, text, "plan", Existing::Replace)
}

/// The command line that applies exactly the saved plan at `path`, whose digest is `digest`,
/// with the config file `config` it was made from (`-f`, left out when it is the default).
/// A path that holds a secret is shown hidden (`redact::path`), so the line is no longer the
/// command: a comment says so, and the quoted `'[redacted]'` names no file if pasted.
pub(super) fn apply_command(path: &Path, digest: &str, config: &Path) -> String {
    let mut hidden = false;
    let mut word = |path: &Path| {
        let shown = crate::redact::path(path);
        hidden |= shown != path.display().to_string();
        crate::config::shell_word(&shown)
    };
    let mut command = format!(
        "docspace-webhooks apply {} --expect-digest {digest}",
        word(path)
    );
    if config != Path::new("webhooks.yaml") {
        command.push_str(" -f ");
        command.push_str(&word(config));
    }
    if hidden {
        command.push_str("  # each [redacted] hides a secret in a path: type the real path there");
    }
    command
}

/// Refuses when `path` exists and is anything but a saved plan (of any version).
fn refuse_overwriting_another_file(path: &Path) -> Result<(), Error> {
    let refuse = |reason: String| Error::WouldOverwrite {
        path: path.display().to_string(),
        reason,
    };
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(refuse(format!("it cannot be checked ({e})"))),
        // A symbolic link is `atomic::refuse_unwritable`'s to refuse, whatever it points at.
        Ok(meta) if meta.file_type().is_symlink() => return Ok(()),
        Ok(_) => {}
    }
    let bytes = read_bounded(path, &refuse)?;
    let is_plan = std::str::from_utf8(&bytes).is_ok_and(saved::is_saved_plan);
    if is_plan {
        Ok(())
    } else {
        Err(refuse("it exists and is not a saved plan".into()))
    }
}

/// The bytes of `path` if it is a regular file of at most `MAX_PLAN_BYTES`.
fn read_bounded(path: &Path, refuse: &dyn Fn(String) -> Error) -> Result<Vec<u8>, Error> {
    bounded_read::regular(path, MAX_PLAN_BYTES).map_err(|e| {
        refuse(match e {
            ReadError::Io(e) => format!("it cannot be read ({e})"),
            ReadError::NotRegular(kind) => format!("it is {kind}, not a regular file"),
            ReadError::TooLarge(_) => format!(
                "it is larger than {} MiB, more than any saved plan",
                MAX_PLAN_BYTES / (1024 * 1024)
            ),
        })
    })
}
