//! A runner for the real binary: a temp dir with a webhooks file, a controlled environment,
//! and the outcome (exit code, stdout, stderr) in one value, so a test reads as
//! input -> command -> what the user sees.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::fake_portal::FakePortal;
use super::fleet::Fleet;

pub struct Run {
    dir: tempfile::TempDir,
    args: Vec<String>,
    env: Vec<(String, std::ffi::OsString)>,
    stdin: Option<String>,
    shell: Option<String>,
}

/// How long any run may take before the test fails instead of hanging.
const DEADLINE: Duration = Duration::from_secs(60);

#[derive(Debug)]
pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    /// stdout and stderr together, for "never appears anywhere" checks.
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

impl Run {
    pub fn new(args: &[&str]) -> Run {
        Run {
            dir: tempfile::tempdir().expect("temp dir"),
            args: args.iter().map(|a| a.to_string()).collect(),
            env: Vec::new(),
            stdin: None,
            shell: None,
        }
    }

    /// Runs the binary through `sh -c`, with `script` before it: `"$0" "$@"` in the script
    /// is the binary and its arguments (e.g. `ulimit -f 0; exec "$0" "$@"`).
    pub fn shell(mut self, script: &str) -> Run {
        self.shell = Some(script.into());
        self
    }

    /// Writes `webhooks.yaml` (the default `-f`) in the run's directory.
    pub fn file(self, yaml: &str) -> Run {
        std::fs::write(self.dir.path().join("webhooks.yaml"), yaml).expect("write file");
        self
    }

    /// Copies the `webhooks.yaml` beside the saved plan `plan` into the run's directory (the
    /// default `-f`), as the job that applies a plan checks out the reviewed file it was made
    /// from.
    pub fn reviewed(self, plan: &std::path::Path) -> Run {
        let file = plan.with_file_name("webhooks.yaml");
        if file.is_file() {
            std::fs::copy(&file, self.dir.path().join("webhooks.yaml")).expect("copy the file");
        }
        self
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Points the run at `portal` through the environment, as a pipeline would.
    pub fn portal(self, portal: &FakePortal) -> Run {
        self.env("DOCSPACE_URL", &portal.url())
            .env("DOCSPACE_API_KEY", &portal.api_key())
    }

    /// Sets every portal's key variable of `fleet`, as its `portals:` block names them.
    pub fn fleet(self, fleet: &Fleet) -> Run {
        self.fleet_except(fleet, &[])
    }

    /// As `fleet`, leaving the key variables of the portals named in `unset` unset.
    pub fn fleet_except(self, fleet: &Fleet, unset: &[&str]) -> Run {
        let unset: Vec<String> = unset.iter().map(|n| super::fleet::key_var(n)).collect();
        fleet
            .env()
            .iter()
            .filter(|(k, _)| !unset.contains(k))
            .fold(self, |run, (k, v)| run.env(k, v))
    }

    pub fn env(mut self, key: &str, value: &str) -> Run {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Sets `key` to `value` as bytes, which need not be UTF-8 (as a variable may hold).
    pub fn env_bytes(mut self, key: &str, value: &[u8]) -> Run {
        use std::os::unix::ffi::OsStrExt;
        let value = std::ffi::OsStr::from_bytes(value).to_os_string();
        self.env.push((key.into(), value));
        self
    }

    pub fn stdin(mut self, input: &str) -> Run {
        self.stdin = Some(input.into());
        self
    }

    /// Runs the binary. Borrows, so files it wrote stay readable while the `Run` lives.
    pub fn run(&self) -> Outcome {
        let mut cmd = assert_cmd::Command::from_std(self.command());
        cmd.timeout(DEADLINE);
        if let Some(input) = &self.stdin {
            cmd.write_stdin(input.clone());
        }
        let out = cmd.output().expect("run binary");
        Outcome {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs the binary with stdout a pipe whose reader reads `lines` lines and then closes it,
    /// as `| head -1` does. With 0 the reader is closed before the binary starts, so its first
    /// write already fails. `Outcome::stdout` holds the lines read.
    pub fn run_with_stdout_closed_after(&self, lines: usize) -> Outcome {
        let stderr_path = self.path(".stderr");
        let (reader, writer) = std::io::pipe().expect("pipe");
        let mut reader = (lines > 0).then(|| BufReader::new(reader));
        let mut child = self
            .command()
            .stdin(Stdio::null())
            .stdout(writer)
            .stderr(std::fs::File::create(&stderr_path).expect("stderr file"))
            .spawn()
            .expect("spawn binary");
        let mut read = String::new();
        if let Some(reader) = &mut reader {
            for _ in 0..lines {
                if reader.read_line(&mut read).unwrap_or(0) == 0 {
                    break;
                }
            }
        }
        drop(reader); // The pipe has no reader any more.
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break status;
            }
            if started.elapsed() > DEADLINE {
                let _ = child.kill();
                panic!("the binary did not exit within {DEADLINE:?}");
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        Outcome {
            code: status.code().unwrap_or(-1),
            stdout: read,
            stderr: std::fs::read_to_string(&stderr_path).expect("read stderr"),
        }
    }

    /// The binary's command line and controlled environment, in the run's directory.
    pub fn command(&self) -> Command {
        let bin = env!("CARGO_BIN_EXE_docspace-webhooks");
        let mut cmd = match &self.shell {
            None => Command::new(bin),
            Some(script) => {
                let mut sh = Command::new("sh");
                sh.arg("-c").arg(script).arg(bin);
                sh
            }
        };
        cmd.current_dir(self.dir.path())
            .args(&self.args)
            .env_remove("DOCSPACE_URL")
            .env_remove("DOCSPACE_API_KEY")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("NO_COLOR")
            .env("RUST_BACKTRACE", "0")
            // Retries back off from 1 ms instead of 500 ms, so fault tests stay fast.
            .env("DOCSPACE_WEBHOOKS_RETRY_BASE_MS", "1");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }
}
