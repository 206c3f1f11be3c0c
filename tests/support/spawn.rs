//! The real binary as a running process, for tests that act while it works: send it a signal
//! once a write is in flight, answer its prompt on a terminal. Its output is collected as it
//! comes, and every wait is bounded.

#![allow(dead_code)]

use std::fs::File;
use std::io::Read;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::run::{Outcome, Run};

/// The longest any wait in these tests may take before it fails the test.
pub const PATIENCE: Duration = Duration::from_secs(30);

pub struct Spawned {
    child: Child,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    readers: Vec<JoinHandle<()>>,
}

impl Run {
    /// Starts the binary with stdin closed (not a terminal).
    pub fn spawn(&self) -> Spawned {
        self.spawn_with(Stdio::null())
    }

    /// Starts the binary with `stdin`, e.g. a terminal from `Terminal::open`.
    pub fn spawn_with(&self, stdin: impl Into<Stdio>) -> Spawned {
        let mut child = self
            .command()
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the binary");
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let readers = vec![
            collect(child.stdout.take().expect("stdout"), Arc::clone(&stdout)),
            collect(child.stderr.take().expect("stderr"), Arc::clone(&stderr)),
        ];
        Spawned {
            child,
            stdout,
            stderr,
            readers,
        }
    }
}

fn collect(mut from: impl Read + Send + 'static, into: Arc<Mutex<String>>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = from.read(&mut buf) {
            if n == 0 {
                break;
            }
            into.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    })
}

impl Spawned {
    pub fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    pub fn pid(&self) -> libc::pid_t {
        libc::pid_t::try_from(self.child.id()).expect("pid")
    }

    /// Sends `signal` (e.g. `libc::SIGINT`) to the process.
    pub fn signal(&self, signal: libc::c_int) {
        let pid = self.pid();
        // SAFETY: kill(2) only reads its arguments; the pid is our own child, not yet reaped.
        let sent = unsafe { libc::kill(pid, signal) };
        assert_eq!(sent, 0, "kill({pid}, {signal})");
    }

    /// Waits (bounded) until `what` holds of the process's stdout and stderr so far.
    pub fn wait_for_output(&self, what: &str, mut cond: impl FnMut(&str, &str) -> bool) {
        wait_until(what, || cond(&self.stdout(), &self.stderr()));
    }

    /// Waits (bounded) for the process to end; kills it and fails the test if it does not.
    pub fn finish(mut self) -> Outcome {
        let started = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            if started.elapsed() > PATIENCE {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "the process did not end within {PATIENCE:?}\nstdout: {}\nstderr: {}",
                    self.stdout(),
                    self.stderr()
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
        Outcome {
            // A death by signal has no code: -1, which no assertion expects.
            code: status.code().unwrap_or(-1),
            stdout: self.stdout(),
            stderr: self.stderr(),
        }
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Polls `cond` every 10 ms; fails the test, naming `what`, after `PATIENCE`.
pub fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let started = Instant::now();
    while !cond() {
        assert!(
            started.elapsed() < PATIENCE,
            "gave up after {PATIENCE:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A pseudo-terminal, so a child's stdin is a terminal (std cannot make one). Keep it alive
/// while the child runs: closing the controlling side hangs up the terminal.
pub struct Terminal {
    controller: File,
    path: String,
}

impl Terminal {
    pub fn open() -> Terminal {
        // SAFETY: plain libc calls on a descriptor this function owns; `ptsname_r` writes at
        // most `buf.len()` bytes, NUL included, and the fd is handed to a `File` exactly once.
        unsafe {
            let fd = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
            assert!(fd >= 0, "posix_openpt");
            assert_eq!(libc::grantpt(fd), 0, "grantpt");
            assert_eq!(libc::unlockpt(fd), 0, "unlockpt");
            let mut buf = [0 as libc::c_char; 128];
            assert_eq!(
                libc::ptsname_r(fd, buf.as_mut_ptr(), buf.len()),
                0,
                "ptsname_r"
            );
            let path = std::ffi::CStr::from_ptr(buf.as_ptr())
                .to_string_lossy()
                .into_owned();
            use std::os::fd::FromRawFd;
            Terminal {
                controller: File::from_raw_fd(fd),
                path,
            }
        }
    }

    /// The terminal's other end, to give a child as stdin.
    pub fn stdin(&self) -> File {
        use std::os::unix::fs::OpenOptionsExt;
        File::options()
            .read(true)
            .write(true)
            // Never the test process's controlling terminal.
            .custom_flags(libc::O_NOCTTY)
            .open(&self.path)
            .expect("open the terminal")
    }

    pub fn controller(&self) -> &File {
        &self.controller
    }
}
