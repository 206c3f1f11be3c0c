//! SIGINT, SIGTERM and SIGHUP (docs/faults-and-security.md, "Interruption"): before the first
//! write a signal exits at once (130, 143, 129); once writes start, the first stops the run
//! (`Halt`) so the writes in flight finish and are reported, and a second exits at once.
//!
//! The watcher is a thread with its own runtime: the command's runtime does not run while the
//! main thread reads the confirmation, which only an exit from another thread ends. SIGHUP is
//! handled as SIGTERM: its default would end the process silently between a create and its
//! follow-up call (issue 19). A signal ignored when the process started (`nohup`, `trap '' HUP`,
//! a non-interactive shell's `&` for SIGINT) stays ignored, as POSIX tools leave it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock, mpsc};

use super::Printer;
use crate::Error;
use crate::halt::{Halt, StopReason};

static WATCH: OnceLock<Watch> = OnceLock::new();

struct Watch {
    halt: Arc<Halt>,
    printer: Printer,
    /// Set when the first write may start; from then on a first signal stops gracefully.
    writing: AtomicBool,
    /// How to find out what became of the writes a second signal cuts off.
    check: OnceLock<&'static str>,
    /// The file `plan --out` or `export --out` is about to replace (as given, as shown), what
    /// it is, and the digest of the new text: a signal from then on says it was written if the
    /// file holds that text.
    saved: OnceLock<(std::path::PathBuf, String, &'static str, String)>,
}

/// Starts the watcher; returns once its handlers are in place, so no signal after this call
/// gets the default (silent) death. Called once, by `main`: a second call would start a second
/// watcher.
pub(super) fn install(printer: Printer) -> Result<(), Error> {
    let watch = WATCH.get_or_init(|| Watch {
        halt: Halt::new(),
        printer,
        writing: AtomicBool::new(false),
        check: OnceLock::new(),
        saved: OnceLock::new(),
    });
    let (ready, started) = mpsc::channel();
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Err(e) = run(watch, &ready) {
                let _ = ready.send(Err(e));
            }
        })
        .map_err(Error::Signals)?;
    started
        .recv()
        .unwrap_or_else(|_| Err(std::io::Error::other("the signal thread ended")))
        .map_err(Error::Signals)
}

pub(super) fn halt() -> Arc<Halt> {
    WATCH.get().map_or_else(Halt::new, |w| Arc::clone(&w.halt))
}

/// What `apply` says after a second signal; `redeliver` says its own.
pub(super) const PLAN_CHECK: &str = "run plan to see where the portal stands";

/// Called right before the first write may start: from now on a signal lets the writes in
/// flight finish. `check` says how to see what became of them after a second signal.
pub(super) fn writes_start(check: &'static str) {
    if let Some(watch) = WATCH.get() {
        let _ = watch.check.set(check);
        watch.writing.store(true, Ordering::SeqCst);
    }
}

/// Called right before `plan --out` or `export --out` replaces `path` with `what` ("saved plan",
/// "export") of SHA-256 `digest`: told after the rename, a signal between the two said "nothing
/// was written" of a written file.
pub(super) fn saving(path: &std::path::Path, what: &'static str, digest: &str) {
    if let Some(watch) = WATCH.get() {
        let shown = crate::redact::shown_path(path);
        let _ = (watch.saved).set((path.to_owned(), shown, what, digest.to_owned()));
    }
}

/// What the process is told to stop by, as a stream of (signal name, exit code).
#[cfg(unix)]
mod os {
    use tokio::signal::unix::{Signal, SignalKind, signal};

    /// SIGINT, SIGTERM and SIGHUP; `None` for one ignored at start.
    pub(super) struct Signals([Option<Signal>; 3]);

    impl Signals {
        pub(super) fn new() -> std::io::Result<Signals> {
            Ok(Signals([
                watched(libc::SIGINT)?,
                watched(libc::SIGTERM)?,
                watched(libc::SIGHUP)?,
            ]))
        }

        /// The next signal; `None` once none can come.
        pub(super) async fn next(&mut self) -> Option<(&'static str, u8)> {
            let [interrupt, terminate, hangup] = &mut self.0;
            tokio::select! {
                Some(()) = next(interrupt) => Some(("SIGINT", 130)),
                Some(()) = next(terminate) => Some(("SIGTERM", 143)),
                Some(()) = next(hangup) => Some(("SIGHUP", 129)),
                else => None,
            }
        }
    }

    /// Whether `number` was ignored (SIG_IGN) when the process started.
    fn ignored_at_start(number: libc::c_int) -> bool {
        let mut old = std::mem::MaybeUninit::<libc::sigaction>::zeroed();
        // SAFETY: with a null new action, sigaction(2) changes nothing and only writes the
        // current action into `old`, which is read only when it succeeded (a zeroed sigaction is
        // valid).
        unsafe {
            libc::sigaction(number, std::ptr::null(), old.as_mut_ptr()) == 0
                && old.assume_init().sa_sigaction == libc::SIG_IGN
        }
    }

    /// The stream of `number`, or `None` (never received) for a signal ignored at start.
    fn watched(number: libc::c_int) -> std::io::Result<Option<Signal>> {
        if ignored_at_start(number) {
            return Ok(None);
        }
        signal(SignalKind::from_raw(number)).map(Some)
    }

    async fn next(stream: &mut Option<Signal>) -> Option<()> {
        match stream {
            Some(stream) => stream.recv().await,
            None => std::future::pending().await,
        }
    }
}

/// Windows has no SIGTERM or SIGHUP for a console program: Ctrl-C and Ctrl-Break are its
/// interrupt, told as SIGINT (130).
#[cfg(windows)]
mod os {
    use tokio::signal::windows::{CtrlBreak, CtrlC, ctrl_break, ctrl_c};

    pub(super) struct Signals(CtrlC, CtrlBreak);

    impl Signals {
        pub(super) fn new() -> std::io::Result<Signals> {
            Ok(Signals(ctrl_c()?, ctrl_break()?))
        }

        pub(super) async fn next(&mut self) -> Option<(&'static str, u8)> {
            tokio::select! {
                Some(()) = self.0.recv() => Some(("SIGINT", 130)),
                Some(()) = self.1.recv() => Some(("SIGINT", 130)),
                else => None,
            }
        }
    }
}

/// Watches until the process ends; an error is one of setting up, before `ready` is told.
fn run(watch: &'static Watch, ready: &mpsc::Sender<std::io::Result<()>>) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let mut signals = os::Signals::new()?;
        let _ = ready.send(Ok(()));
        let mut first = true;
        while let Some((name, exit_code)) = signals.next().await {
            received(watch, name, exit_code, first);
            first = false;
        }
        Ok(())
    })
}

fn received(watch: &Watch, name: &'static str, exit_code: u8, first: bool) {
    // Thrown before `writing` is read: if the main thread marks writing after this read, the
    // applier already sees the switch and starts nothing, so exiting here loses no report.
    watch.halt.stop(StopReason::Signal { name, exit_code });
    if !watch.writing.load(Ordering::SeqCst) {
        // The temporary file of `plan --out` or `export --out` is removed, and a rename not yet
        // started never happens (the guard is held to the exit).
        let _unfinished = super::atomic::abandon();
        // Read back, as the rename may or may not have happened (a file that already held this
        // text counts as written: it is the file the message names). An export is never near
        // the size of the largest saved plan.
        let written = match watch.saved.get() {
            Some((path, shown, what, digest))
                if crate::bounded_read::regular(path, super::saved_file::MAX_PLAN_BYTES)
                    .is_ok_and(|bytes| crate::plan::saved::digest(&bytes) == *digest) =>
            {
                format!("nothing was written but the {what} {shown} (SHA-256 {digest})")
            }
            _ => "nothing was written".to_string(),
        };
        let error = Error::Interrupted {
            signal: name,
            written,
        };
        watch
            .printer
            .always(format_args!("\n{:?}", miette::Report::new(error)));
        std::process::exit(exit_code.into());
    }
    let in_flight = watch.halt.in_flight();
    if first {
        watch.printer.note(format_args!(
            "{name} received: starting no new write; waiting for the {} in flight to finish \
             (send {name} again to exit at once)",
            in_flight.len()
        ));
        return;
    }
    let mut text = format!("A second signal ({name}) received: exiting at once.");
    if !in_flight.is_empty() {
        let check = watch.check.get().copied().unwrap_or(PLAN_CHECK);
        text.push_str(&format!(
            " These writes were in flight and may or may not have been carried out ({check}):"
        ));
        for what in &in_flight {
            text.push_str(&format!("\n  {what}"));
        }
    }
    watch.printer.always(text);
    std::process::exit(exit_code.into());
}
