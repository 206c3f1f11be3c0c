//! Writing a file all at once, for `plan --out` and `export --out` (docs/plans.md): a synced
//! temporary file in the target's directory renamed over it, so a reader, a crash or a full disk
//! sees the old file or the whole new one. On Unix it is readable by its owner only (tempfile's
//! 0600): saved plans and exported configs may hold credentials inside uris. On Windows it gets
//! the folder's inherited permissions, as docs/plans.md says.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError, TryLockError};
use std::time::Duration;

use crate::Error;

/// The temporary file of the write under way, until it is renamed or removed: a signal's exit
/// runs no destructor, so it removes the file itself (`abandon`).
static UNFINISHED: Mutex<Option<PathBuf>> = Mutex::new(None);

fn unfinished() -> MutexGuard<'static, Option<PathBuf>> {
    UNFINISHED.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Removes the temporary file of a write not yet renamed, for a signal's exit (signals.rs). The
/// caller exits holding what this returns, so the write renames nothing after it. The writer
/// holds the lock while it creates the file, or across a rename; `None` when that is still
/// going after a second (a stalled disk), which is left to finish (and may leave its file).
/// Recording the path before the creation would not spare the wait: a creation that ends
/// between the removal and the exit would leave the file all the same.
pub(super) fn abandon() -> Option<MutexGuard<'static, Option<PathBuf>>> {
    let waited = std::time::Instant::now();
    let mut unfinished = loop {
        match UNFINISHED.try_lock() {
            Ok(unfinished) => break unfinished,
            Err(TryLockError::Poisoned(poisoned)) => break poisoned.into_inner(),
            Err(TryLockError::WouldBlock) if waited.elapsed().as_secs() >= 1 => return None,
            Err(TryLockError::WouldBlock) => std::thread::sleep(Duration::from_millis(5)),
        }
    };
    if let Some(temp) = unfinished.take() {
        let _ = std::fs::remove_file(temp);
    }
    Some(unfinished)
}

/// What to do when `path` already exists at the moment of the rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Existing {
    /// Replace it (the caller checked it may).
    Replace,
    /// Fail with `Error::Exists`, even if it appeared after the caller looked.
    Keep,
}

/// Writes `text` to `path` atomically. `kind` names the temporary file (`.docspace-webhooks-
/// {kind}-...tmp`), so a leftover one says what it was.
pub(super) fn write(path: &Path, text: &str, kind: &str, existing: Existing) -> Result<(), Error> {
    refuse_unwritable(path)?;
    let shown = crate::redact::shown_path(path);
    let failed = |source| Error::WriteFile {
        path: shown.clone(),
        source,
    };
    // Created holding the lock, so a signal's exit finds it recorded once it exists.
    let mut recorded = unfinished();
    // Dropped on every failure below, which deletes it.
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".docspace-webhooks-{kind}-"))
        .suffix(".tmp")
        .tempfile_in(folder(path))
        .map_err(failed)?;
    *recorded = Some(temp.path().to_owned());
    drop(recorded);
    let written = temp
        .write_all(text.as_bytes())
        .and_then(|()| temp.as_file().sync_all());
    // Held until `temp` is renamed or dropped, so a signal's exit cannot remove it meanwhile.
    let mut unfinished = unfinished();
    *unfinished = None;
    written.map_err(failed).and_then(|()| {
        let persisted = match existing {
            Existing::Replace => temp.persist(path),
            // Checked by the rename itself, so a file created meanwhile is not replaced either.
            Existing::Keep => temp.persist_noclobber(path),
        };
        persisted.map(drop).map_err(|e| {
            if existing == Existing::Keep && e.error.kind() == std::io::ErrorKind::AlreadyExists {
                Error::Exists {
                    path: shown.clone(),
                }
            } else {
                failed(e.error)
            }
        })
    })
}

/// Refuses what `write` cannot write as asked, said of the path as given (the temporary file's
/// name would only puzzle): a symbolic link, which the rename would replace rather than the file
/// it points at, so whoever reads that file would go on reading the old text, believing it the
/// new one; a path ending in `/`; a folder that is missing or is a file. `plan --out` and
/// `export --out` call it before asking the portal too, so a mistyped path costs no request.
pub(super) fn refuse_unwritable(path: &Path) -> Result<(), Error> {
    let refuse = |why: String| Error::WriteFile {
        path: crate::redact::shown_path(path),
        source: std::io::Error::other(why),
    };
    if std::fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_symlink()) {
        return Err(refuse(
            "it is a symbolic link, which the new file would replace rather than update: give \
             the path of the file it points at"
                .into(),
        ));
    }
    if path.as_os_str().as_encoded_bytes().ends_with(b"/") {
        return Err(refuse(
            "the path ends with `/`, which names a folder, not a file".into(),
        ));
    }
    let dir = folder(path);
    match std::fs::metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(refuse(format!(
            "the folder {} does not exist",
            crate::redact::shown_path(dir)
        ))),
        Ok(meta) if !meta.is_dir() => Err(refuse(format!(
            "{} is not a folder",
            crate::redact::shown_path(dir)
        ))),
        // Any other failure is the creation's to report.
        _ => Ok(()),
    }
}

/// The folder `path` is written in: the temporary file's, so the rename stays in one file system.
fn folder(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect()
    }

    #[test]
    fn keep_never_replaces_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("webhooks.yaml");
        std::fs::write(&path, "reviewed").unwrap();
        let refused = write(&path, "new", "export", Existing::Keep).unwrap_err();
        assert!(matches!(refused, Error::Exists { .. }), "{refused:?}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "reviewed");
        assert!(leftovers(dir.path()).is_empty());

        write(&path, "new", "export", Existing::Replace).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn the_new_file_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        write(&path, "x", "export", Existing::Keep).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}");
    }
}
