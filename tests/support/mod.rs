//! Shared helpers for the integration tests: the fake DocSpace portal, a runner for the real
//! binary and the view of its outcome that snapshots compare.

pub mod fake_portal;
pub mod fixtures;
pub mod fleet;
pub mod run;
pub mod spawn;
pub mod view;

/// Whether `program args` runs and succeeds here. When not, the calling test is to return at
/// once: this says so, naming the test and `install` (how to get the program), on stderr
/// itself, past the harness's capture, so that a plain `cargo test` shows what it skipped.
pub fn runs_here(program: &str, args: &[&str], install: &str) -> bool {
    let ran = std::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output();
    if ran.is_ok_and(|o| o.status.success()) {
        return true;
    }
    let test = std::thread::current().name().unwrap_or("a test").to_owned();
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!("skipped {test}: {program} is missing or cannot run here ({install})\n").as_bytes(),
    );
    false
}
