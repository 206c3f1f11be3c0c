//! The Action's install script (.github/action/install.sh) against a directory laid out like a
//! release by the release workflow's own packing script (.github/action/package.sh), served over
//! file://: a binary whose SHA-256 matches the release's SHA256SUMS is installed, one that does
//! not is refused with nothing installed, and only a runner the release has no binary for
//! builds the tag with `cargo install --locked` (a stand-in `cargo` records the command).

use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const TAG: &str = concat!("v", env!("CARGO_PKG_VERSION"));
const LINUX: &str = "x86_64-unknown-linux-musl";

/// A temporary directory holding the release (`release/`), the stand-in commands put first on
/// PATH (`bin/`), and the directory installed into (`tools/bin/`).
struct Release {
    dir: tempfile::TempDir,
}

impl Release {
    /// A release holding a Linux x86_64 archive of a stand-in binary that prints `version`, and
    /// the SHA256SUMS of what it holds.
    fn new(version: &str) -> Release {
        let release = Release {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        for sub in ["release", "build", "bin"] {
            std::fs::create_dir(release.path(sub)).expect("mkdir");
        }
        let binary = release.path("build/docspace-webhooks");
        write_script(
            &binary,
            &format!("#!/bin/sh\necho 'docspace-webhooks {version}'\n"),
        );
        let packed = sh(
            &format!("{ROOT}/.github/action/package.sh"),
            &[
                TAG,
                LINUX,
                binary.to_str().unwrap(),
                release.path("release").to_str().unwrap(),
            ],
        );
        assert!(packed.status.success(), "{packed:?}");
        let sums = Command::new("sh")
            .args(["-c", "sha256sum -- *.tar.gz > SHA256SUMS"])
            .current_dir(release.path("release"))
            .output()
            .expect("sha256sum runs");
        assert!(sums.status.success(), "{sums:?}");
        release
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn archive(&self) -> PathBuf {
        self.path(&format!("release/docspace-webhooks-{TAG}-{LINUX}.tar.gz"))
    }

    fn digest(&self) -> String {
        let sums = std::fs::read_to_string(self.path("release/SHA256SUMS")).expect("sums");
        sums.split_whitespace()
            .next()
            .expect("a digest")
            .to_string()
    }

    /// Runs install.sh as the Action does on a runner of `os`/`arch`, with the stand-ins of
    /// `bin` first on PATH.
    fn install(&self, os: &str, arch: &str) -> (i32, String, String) {
        let mut command = self.command(os, arch);
        command.env("DOCSPACE_WEBHOOKS_INSTALL_DIR", self.path("tools/bin"));
        run(command)
    }

    /// install.sh with the environment a runner gives it, without DOCSPACE_WEBHOOKS_INSTALL_DIR.
    fn command(&self, os: &str, arch: &str) -> Command {
        let mut command = Command::new("bash");
        command
            .arg(format!("{ROOT}/.github/action/install.sh"))
            .env_clear()
            .env(
                "PATH",
                format!(
                    "{}:/usr/local/bin:/usr/bin:/bin",
                    self.path("bin").display()
                ),
            )
            .env("HOME", self.dir.path())
            .env("RUNNER_OS", os)
            .env("RUNNER_ARCH", arch)
            .env("DOCSPACE_WEBHOOKS_VERSION", TAG)
            .env("DOCSPACE_WEBHOOKS_REPOSITORY", "OWNER/docspace-webhooks")
            .env(
                "DOCSPACE_WEBHOOKS_RELEASE_URL",
                format!("file://{}", self.path("release").display()),
            );
        command
    }

    fn installed(&self) -> PathBuf {
        self.path("tools/bin/docspace-webhooks")
    }
}

fn run(mut command: Command) -> (i32, String, String) {
    let out = command.output().expect("bash runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn sh(script: &str, args: &[&str]) -> std::process::Output {
    Command::new("bash")
        .arg(script)
        .args(args)
        .output()
        .expect("bash runs")
}

fn write_script(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).expect("write");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

#[test]
fn a_binary_matching_the_release_sums_is_installed() {
    let release = Release::new(env!("CARGO_PKG_VERSION"));
    let (code, stdout, stderr) = release.install("Linux", "X64");
    let dir = release.path("tools/bin");
    assert_eq!(
        (code, stdout, stderr),
        (
            0,
            format!("{}\n", dir.display()),
            format!(
                "installed docspace-webhooks {TAG} ({LINUX}, sha256 {}) into {}\n",
                release.digest(),
                dir.display()
            )
        )
    );
    let ran = Command::new(release.installed())
        .arg("--version")
        .output()
        .expect("the installed binary runs");
    assert_eq!(
        String::from_utf8_lossy(&ran.stdout),
        concat!("docspace-webhooks ", env!("CARGO_PKG_VERSION"), "\n")
    );

    // A second step of the same job finds it installed and downloads nothing.
    std::fs::remove_dir_all(release.path("release")).expect("remove the release");
    let (code, _, stderr) = release.install("Linux", "X64");
    assert_eq!(
        (code, stderr),
        (
            0,
            format!(
                "docspace-webhooks {TAG} is already installed in {}\n",
                dir.display()
            )
        )
    );
}

#[test]
fn a_binary_whose_sum_does_not_match_is_refused_and_nothing_is_installed() {
    let release = Release::new(env!("CARGO_PKG_VERSION"));
    let listed = release.digest();
    // The archive swapped after the sums were published, as a tampered download would be.
    let mut bytes = std::fs::read(release.archive()).expect("read archive");
    bytes.extend_from_slice(b"\0");
    std::fs::write(release.archive(), &bytes).expect("write archive");
    let actual = Command::new("sha256sum")
        .arg(release.archive())
        .output()
        .expect("sha256sum");
    let actual = String::from_utf8_lossy(&actual.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();

    let (code, stdout, stderr) = release.install("Linux", "X64");
    assert_eq!(
        (code, stdout.as_str(), stderr),
        (
            1,
            "",
            format!(
                "error: refusing docspace-webhooks-{TAG}-{LINUX}.tar.gz: its SHA-256 is {actual}, \
                 but the release's SHA256SUMS says {listed}; nothing was installed\n"
            )
        )
    );
    assert!(!release.path("tools").exists(), "nothing was installed");
}

#[test]
fn a_binary_of_another_version_is_refused() {
    let release = Release::new("0.0.9");
    let (code, _, stderr) = release.install("Linux", "X64");
    assert_eq!(
        (code, stderr),
        (
            1,
            format!(
                "error: refusing docspace-webhooks-{TAG}-{LINUX}.tar.gz: the binary says \
                 'docspace-webhooks 0.0.9', not docspace-webhooks {}; nothing was installed\n",
                env!("CARGO_PKG_VERSION")
            )
        )
    );
    assert!(!release.path("tools").exists(), "nothing was installed");
}

#[test]
fn a_release_without_sums_installs_nothing() {
    let release = Release::new(env!("CARGO_PKG_VERSION"));
    std::fs::remove_file(release.path("release/SHA256SUMS")).expect("remove sums");
    let (code, _, stderr) = release.install("Linux", "X64");
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.ends_with(&format!(
            "error: could not download SHA256SUMS of {TAG} from file://{}; nothing was installed\n",
            release.path("release").display()
        )),
        "{stderr}"
    );
    assert!(!release.path("tools").exists(), "nothing was installed");
}

/// A runner the release has no binary for (the matching sum is what says one exists) builds
/// the release's tag, pinned by its Cargo.lock, and nothing else.
#[test]
fn only_a_runner_without_a_binary_builds_the_tag_with_cargo() {
    let release = Release::new(env!("CARGO_PKG_VERSION"));
    write_script(
        &release.path("bin/cargo"),
        "#!/bin/sh\n\
         echo \"$@\" > \"$HOME/cargo-args\"\n\
         while [ \"$1\" != --root ]; do shift; done\n\
         mkdir -p \"$2/bin\" && printf '#!/bin/sh\\necho built\\n' > \"$2/bin/docspace-webhooks\"\n",
    );
    let (code, _, stderr) = release.install("FreeBSD", "X64");
    assert_eq!(
        (code, stderr),
        (
            0,
            format!(
                "release {TAG} has no binary for FreeBSD/X64: building it with cargo install --locked\n"
            )
        )
    );
    let args = std::fs::read_to_string(release.path("cargo-args")).expect("cargo ran");
    let root = args
        .split(' ')
        .skip_while(|a| *a != "--root")
        .nth(1)
        .expect("--root");
    assert_eq!(
        args,
        format!(
            "install --locked --root {root} --git https://github.com/OWNER/docspace-webhooks \
             --tag {TAG} docspace-webhooks\n"
        )
    );
    assert!(release.installed().exists());

    // A runner the release has a binary for never builds.
    std::fs::remove_file(release.path("cargo-args")).expect("rm");
    std::fs::remove_dir_all(release.path("tools")).expect("rm");
    let (code, _, stderr) = release.install("Linux", "X64");
    assert_eq!(code, 0, "{stderr}");
    assert!(!release.path("cargo-args").exists(), "cargo did not run");
}

/// The sums decide what is installed, so a sums file that does not give exactly one SHA-256
/// for the runner's archive is refused, never taken as "no binary" (which would build from
/// source, unchecked). Line endings and `sha256sum -b`'s `*` are read as sha256sum writes them.
#[test]
fn a_sums_file_without_one_sum_for_the_archive_is_refused_and_nothing_is_built() {
    let release = Release::new(env!("CARGO_PKG_VERSION"));
    write_script(
        &release.path("bin/cargo"),
        "#!/bin/sh\necho \"$@\" > \"$HOME/cargo-args\"\nexit 1\n",
    );
    let name = format!("docspace-webhooks-{TAG}-{LINUX}.tar.gz");
    let digest = release.digest();
    let other = "0".repeat(64);
    let refused = format!(
        "error: the release's SHA256SUMS does not list one SHA-256 for {name}; nothing was \
         installed\n"
    );
    for (sums, expected) in [
        // Cut short, or a sums file of another release.
        (String::new(), Err(&refused)),
        (
            format!("{digest}  docspace-webhooks-{TAG}-aarch64-apple-darwin.tar.gz\n"),
            Err(&refused),
        ),
        // Two different sums for the one archive: which to trust is not for us to guess.
        (
            format!("{other}  {name}\n{digest}  {name}\n"),
            Err(&refused),
        ),
        // The same sum twice: a sums file that lists the archive exactly once was edited.
        (
            format!("{digest}  {name}\n{digest}  {name}\n"),
            Err(&refused),
        ),
        // A CRLF file, binary mode: one sum, the listed one.
        (format!("{digest}  {name}\r\n"), Ok(())),
        (format!("{}\t*{name}\n", digest.to_uppercase()), Ok(())),
    ] {
        std::fs::write(release.path("release/SHA256SUMS"), &sums).expect("write sums");
        let _ = std::fs::remove_dir_all(release.path("tools"));
        let (code, _, stderr) = release.install("Linux", "X64");
        match expected {
            Err(message) => {
                assert_eq!((code, stderr.as_str()), (1, message.as_str()), "{sums:?}");
                assert!(
                    !release.path("tools").exists(),
                    "{sums:?}: nothing installed"
                );
            }
            Ok(()) => {
                assert_eq!(code, 0, "{sums:?}: {stderr}");
                assert!(release.installed().exists(), "{sums:?}");
            }
        }
        assert!(
            !release.path("cargo-args").exists(),
            "{sums:?}: cargo did not run"
        );
    }
}

/// An archive holding a link (the binary as a link to a tool of the runner, or the top
/// directory as a link to a directory elsewhere) or anything outside its top directory is
/// refused: the sums vouch for the archive's bytes, not for what a link points at, and the
/// file a link leads to would be chmod'ed and moved from where it is.
#[test]
fn an_archive_with_a_link_or_a_member_outside_its_directory_is_refused() {
    let name = format!("docspace-webhooks-{TAG}-{LINUX}");
    for (case, odd) in [
        ("directory", name.clone()),
        ("binary", format!("{name}/docspace-webhooks")),
        ("outside", "README".to_string()),
    ] {
        let release = Release::new(env!("CARGO_PKG_VERSION"));
        let stage = release.path("stage");
        let elsewhere = release.path("elsewhere");
        std::fs::create_dir_all(&elsewhere).expect("mkdir");
        write_script(
            &elsewhere.join("docspace-webhooks"),
            &format!(
                "#!/bin/sh\necho 'docspace-webhooks {}'\n",
                env!("CARGO_PKG_VERSION")
            ),
        );
        std::fs::create_dir(&stage).expect("mkdir");
        match case {
            "binary" => {
                std::fs::create_dir(stage.join(&name)).expect("mkdir");
                std::os::unix::fs::symlink(
                    elsewhere.join("docspace-webhooks"),
                    stage.join(&name).join("docspace-webhooks"),
                )
                .expect("link");
            }
            "directory" => std::os::unix::fs::symlink(&elsewhere, stage.join(&name)).expect("link"),
            _ => {
                std::fs::create_dir(stage.join(&name)).expect("mkdir");
                std::fs::copy(
                    elsewhere.join("docspace-webhooks"),
                    stage.join(&name).join("docspace-webhooks"),
                )
                .expect("copy");
                std::fs::write(stage.join("README"), "hi\n").expect("write");
            }
        }
        let packed = Command::new("sh")
            .args(["-c", "tar -czf \"$1\" -C \"$2\" . && cd \"$(dirname \"$1\")\" && sha256sum -- *.tar.gz > SHA256SUMS", "sh"])
            .arg(release.archive())
            .arg(&stage)
            .output()
            .expect("tar runs");
        assert!(packed.status.success(), "{packed:?}");
        let (code, _, stderr) = release.install("Linux", "X64");
        assert_eq!(
            (code, stderr),
            (
                1,
                format!(
                    "error: refusing {name}.tar.gz: it holds {odd}, but only regular files and \
                     directories inside {name}/ (no links); nothing was installed\n"
                )
            ),
            "{case}"
        );
        assert!(
            !release.path("tools").exists(),
            "{case}: nothing was installed"
        );
        assert!(
            elsewhere.join("docspace-webhooks").exists(),
            "{case}: nothing was moved"
        );
    }
}

/// On a runner the binary goes under RUNNER_TEMP, which the runner empties around each job, so
/// a job only ever runs a binary it checked itself. The tool cache outlives jobs on a
/// self-hosted runner, where another job (of another repository, or a pull request's) could
/// leave a binary that says the right version.
#[test]
fn on_a_runner_a_binary_left_by_another_job_is_never_run() {
    let release = Release::new(env!("CARGO_PKG_VERSION"));
    let cache = release.path("toolcache");
    let left = cache.join(format!("docspace-webhooks/{TAG}/bin"));
    std::fs::create_dir_all(&left).expect("mkdir");
    write_script(
        &left.join("docspace-webhooks"),
        &format!(
            "#!/bin/sh\ntouch \"$HOME/ran\"\necho 'docspace-webhooks {}'\n",
            env!("CARGO_PKG_VERSION")
        ),
    );
    let temp = release.path("runner-temp");
    std::fs::create_dir(&temp).expect("mkdir");
    let mut command = release.command("Linux", "X64");
    command
        .env("RUNNER_TOOL_CACHE", &cache)
        .env("RUNNER_TEMP", &temp);
    let (code, stdout, stderr) = run(command);
    let dir = temp.join(format!(
        "docspace-webhooks/OWNER/docspace-webhooks/{TAG}/bin"
    ));
    assert_eq!(
        (code, stdout, stderr),
        (
            0,
            format!("{}\n", dir.display()),
            format!(
                "installed docspace-webhooks {TAG} ({LINUX}, sha256 {}) into {}\n",
                release.digest(),
                dir.display()
            )
        )
    );
    assert!(
        !release.path("ran").exists(),
        "the binary left in the tool cache did not run"
    );
}

/// The version and the repository go into URLs and paths: anything but a release tag and an
/// OWNER/NAME is refused before anything is downloaded or written.
#[test]
fn a_version_or_repository_that_is_not_one_is_refused() {
    let release = Release::new(env!("CARGO_PKG_VERSION"));
    for (name, value, message) in [
        (
            "DOCSPACE_WEBHOOKS_VERSION",
            "v0.1.0;touch x",
            "the version must be a release tag such as v0.1.0, not 'v0.1.0;touch x'",
        ),
        (
            "DOCSPACE_WEBHOOKS_VERSION",
            "../v0.1.0",
            "the version must be a release tag such as v0.1.0, not '../v0.1.0'",
        ),
        (
            "DOCSPACE_WEBHOOKS_VERSION",
            "v0.1.0/../../x",
            "the version must be a release tag such as v0.1.0, not 'v0.1.0/../../x'",
        ),
        (
            "DOCSPACE_WEBHOOKS_VERSION",
            "main",
            "the version must be a release tag such as v0.1.0, not 'main'",
        ),
        (
            "DOCSPACE_WEBHOOKS_REPOSITORY",
            "../..",
            "the repository must be OWNER/NAME, not '../..'",
        ),
        (
            "DOCSPACE_WEBHOOKS_REPOSITORY",
            "OWNER/.",
            "the repository must be OWNER/NAME, not 'OWNER/.'",
        ),
        (
            "DOCSPACE_WEBHOOKS_REPOSITORY",
            "OWNER/name$(id)",
            "the repository must be OWNER/NAME, not 'OWNER/name$(id)'",
        ),
    ] {
        let mut command = release.command("Linux", "X64");
        command
            .env(name, value)
            .env("DOCSPACE_WEBHOOKS_INSTALL_DIR", release.path("tools/bin"));
        let (code, stdout, stderr) = run(command);
        assert_eq!(
            (code, stdout.as_str(), stderr),
            (1, "", format!("error: {message}\n")),
            "{name}={value}"
        );
        assert!(!release.path("tools").exists(), "{name}={value}");
    }
}

/// Two steps of one job taking the Action from two repositories (a fork's and upstream's) at
/// the same tag: each installs and checks its own repository's release, never running the
/// binary the other one installed.
#[test]
fn each_repository_gets_its_own_release_checked() {
    let release = Release::new(env!("CARGO_PKG_VERSION"));
    let temp = release.path("runner-temp");
    std::fs::create_dir(&temp).expect("mkdir");
    let install = |repository: &str| {
        let mut command = release.command("Linux", "X64");
        command
            .env("RUNNER_TEMP", &temp)
            .env("DOCSPACE_WEBHOOKS_REPOSITORY", repository);
        run(command)
    };
    let (code, stdout, stderr) = install("fork/docspace-webhooks");
    let dir = temp.join(format!(
        "docspace-webhooks/fork/docspace-webhooks/{TAG}/bin"
    ));
    assert_eq!(
        (code, stdout),
        (0, format!("{}\n", dir.display())),
        "{stderr}"
    );

    // Upstream's release lists another SHA-256 for the archive: its own sums are read.
    let digest = release.digest();
    let other = "0".repeat(64);
    let name = format!("docspace-webhooks-{TAG}-{LINUX}.tar.gz");
    std::fs::write(
        release.path("release/SHA256SUMS"),
        format!("{other}  {name}\n"),
    )
    .expect("write sums");
    let (code, stdout, stderr) = install("upstream/docspace-webhooks");
    assert_eq!(
        (code, stdout.as_str(), stderr),
        (
            1,
            "",
            format!(
                "error: refusing {name}: its SHA-256 is {digest}, but the release's SHA256SUMS \
                 says {other}; nothing was installed\n"
            )
        )
    );
}

/// On a runner an error is an `::error` workflow command: a line break in the version (an
/// input of the Action) is escaped as GitHub reads a command's message, so it cannot start
/// another command.
#[test]
fn an_error_on_a_runner_cannot_start_another_workflow_command() {
    let release = Release::new(env!("CARGO_PKG_VERSION"));
    let mut command = release.command("Linux", "X64");
    command
        .env("GITHUB_ACTIONS", "true")
        .env(
            "DOCSPACE_WEBHOOKS_VERSION",
            "v0.1\n::error title=Security review::approved\r100%",
        )
        .env("DOCSPACE_WEBHOOKS_INSTALL_DIR", release.path("tools/bin"));
    let (code, stdout, stderr) = run(command);
    assert_eq!(
        (code, stdout.as_str(), stderr.as_str()),
        (
            1,
            "",
            "::error title=docspace-webhooks install::the version must be a release tag such as \
             v0.1.0, not 'v0.1%0A::error title=Security review::approved%0D100%25'\n"
        )
    );
    assert!(!release.path("tools").exists(), "nothing was installed");
}
