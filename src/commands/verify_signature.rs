//! `verify-signature` (docs/delivery-health.md): whether a signature is a body's with a secret,
//! offline. The verdict is one line on stderr and the exit code; the line names the variable
//! and counts the body's bytes (a newline added when saving it shows), and never shows the
//! secret or a signature (`signature` keeps that invariant).

use std::fs::File;
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use super::{Exit, Output};
use secrecy::ExposeSecret;

use crate::Error;
use crate::bounded_read::{self, ReadError};
use crate::cli::VerifySignatureArgs;
use crate::settings;
use crate::signature::{self, Verdict};

pub(super) fn run(args: &VerifySignatureArgs, out: &mut Output) -> Exit {
    let secret = settings::webhook_secret(&args.secret_env)?;
    let (body, from) = read_body(args.body_file.as_deref(), secret.expose_secret())?;
    let var = &args.secret_env;
    let bytes = match body.len() {
        1 => "the 1 byte".to_string(),
        n => format!("the {n} bytes"),
    };
    match signature::verify(&secret, &body, &args.signature) {
        Verdict::Matches => {
            out.printer().note(format_args!(
                "signature matches the secret in {var} and {bytes} {from}"
            ));
            Ok(ExitCode::SUCCESS)
        }
        Verdict::Differs => {
            // The usual cause on a receiver: the body was not kept byte for byte.
            let newline = if body.ends_with(b"\n") {
                " (the body ends with a newline: was one added when it was saved?)"
            } else {
                ""
            };
            out.printer().always(format_args!(
                "signature does not match the secret in {var} and {bytes} {from}{newline}"
            ));
            Ok(ExitCode::from(1))
        }
        Verdict::Malformed(reason) => {
            out.printer()
                .always(format_args!("malformed signature: {reason}"));
            Ok(ExitCode::from(1))
        }
    }
}

/// A delivery's body is a few kilobytes; the limit keeps a wrong path (`/dev/zero`) from
/// filling memory.
const MAX_BODY_BYTES: u64 = 16 * 1024 * 1024;

/// The body's exact bytes, and where they came from (`of PATH`, `read from stdin`). A terminal
/// on stdin is refused rather than waited on: a body typed there is not the one received. The
/// path is shown without `secret` in it, in any case (a receiver may name files by what it was
/// given); the secret is not registered, so the verdict's own words stay as they are whatever it
/// is.
fn read_body(path: Option<&Path>, secret: &str) -> Result<(Vec<u8>, String), Error> {
    let (read, path, from) = match path {
        Some(path) => {
            let shown = crate::redact::shown_path_without(path, secret);
            let body = File::open(path)
                .map_err(ReadError::Io)
                .and_then(|file| bounded_read::at_most(file, MAX_BODY_BYTES));
            (body, shown.clone(), format!("of {shown}"))
        }
        None => {
            let stdin = std::io::stdin();
            if stdin.is_terminal() {
                return Err(Error::NoBody);
            }
            let body = bounded_read::at_most(stdin, MAX_BODY_BYTES);
            (body, "stdin".to_string(), "read from stdin".to_string())
        }
    };
    let body = read.map_err(|e| match e {
        ReadError::Io(source) => Error::ReadFile { path, source },
        // `at_most` refuses nothing else.
        _ => Error::BodyTooLarge {
            path,
            mib: MAX_BODY_BYTES / (1024 * 1024),
        },
    })?;
    Ok((body, from))
}
