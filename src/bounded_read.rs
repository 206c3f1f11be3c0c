//! A file the user names (the webhook file, a saved plan, a delivery's body), read with a size
//! limit: at most one byte past it. `regular` opens only a regular file, checked before opening
//! (a FIFO waits for a writer, `/dev/zero` never ends: issue 19) and again on what was opened.

use std::fs::{File, Metadata};
use std::io::Read;
use std::path::Path;

/// Why a file was not read.
#[derive(Debug)]
pub(crate) enum ReadError {
    Io(std::io::Error),
    /// Not a regular file: what it is, for the message ("a FIFO", "a device", ...).
    NotRegular(&'static str),
    /// More than the limit: its size, or at least what was read of it.
    TooLarge(u64),
}

/// The bytes of the regular file at `path`, if it holds at most `max` of them.
pub(crate) fn regular(path: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
    let check = |meta: Metadata| match meta.len() {
        _ if !meta.is_file() => Err(ReadError::NotRegular(kind(&meta))),
        size if size > max => Err(ReadError::TooLarge(size)),
        _ => Ok(()),
    };
    check(std::fs::metadata(path).map_err(ReadError::Io)?)?;
    let file = File::open(path).map_err(ReadError::Io)?;
    check(file.metadata().map_err(ReadError::Io)?)?;
    at_most(&file, max).map_err(|e| match e {
        // The file grew since it was opened; what was read is the lower bound.
        ReadError::TooLarge(read) => {
            ReadError::TooLarge(file.metadata().map_or(read, |m| m.len().max(read)))
        }
        e => e,
    })
}

/// What `reader` holds, if at most `max` bytes.
pub(crate) fn at_most(reader: impl Read, max: u64) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::new();
    reader
        .take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    match bytes.len() as u64 {
        read if read > max => Err(ReadError::TooLarge(read)),
        _ => Ok(bytes),
    }
}

/// What a path that is not a regular file names: "a FIFO", "a device", "a socket", "a
/// directory", "a special file".
fn kind(meta: &Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}
