//! A runner for the real binary: a temp dir with a webhooks file, a controlled environment,
//! and the outcome (exit code, stdout, stderr) in one value, so a test reads as
//! input -> command -> what the user sees.

#![allow(dead_code)]

use std::path::PathBuf;

use super::fake_portal::FakePortal;

pub struct Run {
    dir: tempfile::TempDir,
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdin: Option<String>,
}

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
        }
    }

    /// Writes `webhooks.yaml` (the default `-f`) in the run's directory.
    pub fn file(self, yaml: &str) -> Run {
        std::fs::write(self.dir.path().join("webhooks.yaml"), yaml).expect("write file");
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

    pub fn env(mut self, key: &str, value: &str) -> Run {
        self.env.push((key.into(), value.into()));
        self
    }

    pub fn stdin(mut self, input: &str) -> Run {
        self.stdin = Some(input.into());
        self
    }

    /// The command `run` executes, for tests that drive the process themselves (`spawn`).
    pub fn command(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_docspace-webhooks"));
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

    /// Runs the binary. Borrows, so files it wrote stay readable while the `Run` lives.
    pub fn run(&self) -> Outcome {
        let mut cmd = assert_cmd::Command::from_std(self.command());
        cmd.timeout(std::time::Duration::from_secs(60));
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
}
