//! `big [WEBHOOKS [DRIFTED]]`: one portal of 5,000 webhooks (by default), 500 of them drifted
//! in the file (`ssl: false`), no added latency. It runs the real release binary as a
//! subprocess and reports, as the median of `RUNS` runs, the CPU time (user + system) and the
//! peak resident memory the process used, taken from `wait4`:
//!
//! - `plan`: process start, the one GET and its JSON, loading the file, planning, rendering;
//! - `validate` of the same file: process start and loading the file.
//!
//! Goals (issue 20): `plan` in at most 60 ms of CPU and 40 MB, `validate` in at most 40 ms.

use std::fs::File;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::fake_portal::{FakePortal, Options, Seed};
use super::{desired_file, median, ms, name, uri};

const RUNS: usize = 21;

pub(crate) fn run(total: usize, drifted: usize) {
    let binary = super::fleet::release_binary();
    let sandbox = FakePortal::start_with(Options::default());
    for i in 0..total {
        sandbox.seed(Seed::new(&name(i), &uri(i)).triggers(256));
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("big.yaml");
    std::fs::write(&file, desired_file(total, drifted)).expect("write the file");
    let size = std::fs::metadata(&file).expect("the file").len();
    println!(
        "{total} webhooks, {drifted} drifted, a file of {} KB, no added latency; the release \
         binary, median of {RUNS} runs\n",
        size / 1000
    );
    for command in ["plan", "validate"] {
        let mut samples = Vec::new();
        for _ in 0..RUNS {
            let mut cmd = Command::new(&binary);
            cmd.args([command, "-f"])
                .arg(&file)
                .env("DOCSPACE_URL", sandbox.url())
                .env("DOCSPACE_API_KEY", sandbox.api_key())
                .stdin(Stdio::null());
            let (sample, stdout) = measured(&mut cmd, dir.path());
            if command == "plan" {
                assert!(
                    stdout.contains(&format!("{drifted} to update")),
                    "{}",
                    stdout.lines().last().unwrap_or("")
                );
            }
            samples.push(sample);
        }
        let cpu = median(samples.iter().map(|s| s.cpu).collect());
        let wall = median(samples.iter().map(|s| s.wall).collect());
        let mut rss: Vec<u64> = samples.iter().map(|s| s.max_rss_kb).collect();
        rss.sort_unstable();
        println!(
            "{command:<9} CPU time {:>7.1} ms   wall {:>7.1} ms   peak RSS {:>6.1} MB",
            ms(cpu),
            ms(wall),
            rss[rss.len() / 2] as f64 / 1024.0,
        );
    }
    assert_eq!(sandbox.writes().len(), 0, "plan never writes");
}

struct Sample {
    cpu: Duration,
    wall: Duration,
    max_rss_kb: u64,
}

/// Runs `cmd` to the end, its output in files under `dir` (no pipe to drain while waiting),
/// and reaps it with `wait4` for its resource usage; panics unless it exits 0.
#[allow(
    clippy::zombie_processes,
    reason = "the child is reaped by wait4, which std's wait would not let us read the usage of"
)]
fn measured(cmd: &mut Command, dir: &std::path::Path) -> (Sample, String) {
    let out_path = dir.join("stdout");
    let err_path = dir.join("stderr");
    cmd.stdout(File::create(&out_path).expect("stdout file"))
        .stderr(File::create(&err_path).expect("stderr file"));
    let started = Instant::now();
    let child = cmd.spawn().expect("run the binary");
    let pid = libc::pid_t::try_from(child.id()).expect("a pid");
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value, which wait4 overwrites.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: wait4 writes only the status and the rusage we own; the child is ours and not
    // waited for elsewhere (a dropped `Child` is not reaped).
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    assert_eq!(rc, pid, "wait4");
    let stdout = std::fs::read_to_string(&out_path).expect("stdout");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{cmd:?} ended with status {status}\n{stdout}\n{}",
        std::fs::read_to_string(&err_path).unwrap_or_default()
    );
    let time = |t: libc::timeval| {
        Duration::from_secs(u64::try_from(t.tv_sec).expect("not negative"))
            + Duration::from_micros(u64::try_from(t.tv_usec).expect("not negative"))
    };
    let sample = Sample {
        cpu: time(usage.ru_utime) + time(usage.ru_stime),
        wall,
        max_rss_kb: u64::try_from(usage.ru_maxrss).expect("not negative"),
    };
    (sample, stdout)
}
