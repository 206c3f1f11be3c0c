//! `big [WEBHOOKS [DRIFTED]]`: one portal of 5,000 webhooks (by default), 500 of them drifted
//! in the file (`ssl: false`), no added latency. It runs the real release binary as a
//! subprocess and reports, as the median of `RUNS` runs, the CPU time (user + system) and the
//! peak resident memory the process used, measured as the fleet benchmark does (`fleet::timed`):
//!
//! - `plan`: process start, the one GET and its JSON, loading the file, planning, rendering;
//! - `validate` of the same file: process start and loading the file;
//! - `validate` of the file with each drifted entry's `ssl: no`, one problem each: loading the
//!   file and showing the problems, whose cost grew with problems times file size before each
//!   was placed from the lines around it.
//!
//! Goals (issue 20): `plan` in at most 60 ms of CPU and 40 MB, `validate` in at most 40 ms.

use std::process::{Command, Stdio};

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
    let bad = dir.path().join("bad.yaml");
    let problems = desired_file(total, drifted).replace("ssl: false", "ssl: no");
    std::fs::write(&bad, problems).expect("write the file");
    let size = std::fs::metadata(&file).expect("the file").len();
    println!(
        "{total} webhooks, {drifted} drifted, a file of {} KB, no added latency; the release \
         binary, median of {RUNS} runs\n",
        size / 1000
    );
    let with_problems = format!("validate, {drifted} problems");
    let runs = [
        ("plan", &file, 0),
        ("validate", &file, 0),
        (with_problems.as_str(), &bad, 1),
    ];
    for (label, file, code) in runs {
        let command = label.split(',').next().unwrap_or(label);
        let mut samples = Vec::new();
        for _ in 0..RUNS {
            let mut cmd = Command::new(&binary);
            cmd.args([command, "-f"])
                .arg(file)
                .env("DOCSPACE_URL", sandbox.url())
                .env("DOCSPACE_API_KEY", sandbox.api_key())
                .stdin(Stdio::null());
            let run = super::fleet::timed(&mut cmd, code);
            if command == "plan" {
                assert!(
                    run.stdout.contains(&format!("{drifted} to update")),
                    "{}",
                    run.stdout.lines().last().unwrap_or("")
                );
            }
            samples.push(run);
        }
        let cpu = median(samples.iter().map(|s| s.cpu).collect());
        let wall = median(samples.iter().map(|s| s.took).collect());
        let mut peak: Vec<u64> = samples.iter().map(|s| s.peak_kib).collect();
        peak.sort_unstable();
        println!(
            "{label:<23} CPU time {:>7.1} ms   wall {:>7.1} ms   peak RSS {:>6.1} MB",
            ms(cpu),
            ms(wall),
            peak[peak.len() / 2] as f64 / 1024.0,
        );
    }
    assert_eq!(sandbox.writes().len(), 0, "plan never writes");
}
