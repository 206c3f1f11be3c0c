//! The example pipeline (examples/github-actions.yml) run here, job by job, as a runner runs it:
//! its `if:` conditions, its environment and secrets, the Action's steps through the Action's
//! own script (.github/action/run.sh) with the real binary, artifacts passed between jobs, and
//! its shell steps with a stand-in `gh` (tests/support/stand-ins/gh) that keeps the repository's
//! comments and issues. Against a fleet of two fake portals, staging and production.
//!
//! What GitHub itself does (concurrency, environments and their reviewers, the expressions
//! beyond the few forms the pipeline uses) is not modelled: a form this runner does not know
//! fails the test, so the pipeline cannot drift into something it does not exercise.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use crate::support::fake_portal::{FakePortal, Fault, FaultBody, FaultKind, Seed, WEBHOOK_PATH};
use crate::support::fleet::Fleet;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const REPO: &str = "acme/webhooks";
const SECRET: &str = "billing-Secret-42";

fn yaml(path: &str) -> Value {
    let text = std::fs::read_to_string(format!("{ROOT}/{path}")).expect("read");
    serde_saphyr::from_str(&text).expect("valid YAML")
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// One repository: its checkout (the workspace), the runner's temp directory, the artifacts of
/// the current run, the stand-in `gh`'s state, and the fleet its file names.
struct Repo {
    pipeline: Value,
    action: Value,
    fleet: Fleet,
    dir: tempfile::TempDir,
    /// `head.sha` of the pull request: one per commit pushed.
    sha: u32,
    /// The repository the pull request comes from.
    head_repo: String,
}

/// What one job did.
#[derive(Debug)]
struct Job {
    ran: bool,
    ok: bool,
    outputs: BTreeMap<String, String>,
    summary: String,
    log: String,
}

/// The context a job's expressions read.
struct Context<'a> {
    event: &'a str,
    steps: BTreeMap<String, BTreeMap<String, String>>,
    needs: &'a BTreeMap<String, Job>,
    secrets: BTreeMap<String, String>,
    pr: u32,
    sha: String,
    /// The repository the pull request's head is in: REPO, or a fork's.
    head_repo: &'a str,
}

impl Context<'_> {
    /// The value of one path: `steps.ID.outputs.NAME`, `needs.JOB.outputs.NAME`, `secrets.NAME`
    /// or one of the `github.` values the pipeline reads. An unset output is empty, as on
    /// GitHub; any other path fails the test.
    fn value(&self, path: &str) -> String {
        let parts: Vec<&str> = path.split('.').collect();
        match parts.as_slice() {
            ["steps", id, "outputs", name] => self
                .steps
                .get(*id)
                .and_then(|o| o.get(*name))
                .cloned()
                .unwrap_or_default(),
            // A skipped job's outputs are empty, as on GitHub.
            ["needs", job, "outputs", name] => (self.needs[*job].outputs.get(*name))
                .cloned()
                .unwrap_or_default(),
            ["secrets", name] => self.secrets.get(*name).cloned().unwrap_or_default(),
            ["github", "token"] => "ghs_stand-in-token".into(),
            ["github", "event_name"] => self.event.into(),
            ["github", "repository"] => REPO.into(),
            [
                "github",
                "event",
                "pull_request",
                "head",
                "repo",
                "full_name",
            ] => self.head_repo.into(),
            ["github", "event", "pull_request", "number"] => self.pr.to_string(),
            ["github", "event", "pull_request", "head", "sha"] => self.sha.clone(),
            _ => panic!("an expression this runner does not model: {path}"),
        }
    }

    /// A string with its `${{ path }}` expressions replaced.
    fn expand(&self, s: &str) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(start) = rest.find("${{") {
            let end = rest[start..].find("}}").expect("closed expression") + start;
            out.push_str(&rest[..start]);
            out.push_str(&self.value(rest[start + 3..end].trim()));
            rest = &rest[end + 2..];
        }
        out + rest
    }

    /// An `if:`: `A == 'v'`, `A != 'v'` (or a path for `'v'`) and `!cancelled()`, joined by
    /// `||` and `&&`, in parentheses or not. Without a status function, GitHub adds
    /// `success()`: nothing before has failed.
    fn condition(&self, expr: &str, failed: bool) -> bool {
        let expr = expr.trim();
        let expr = expr
            .strip_prefix("${{")
            .and_then(|e| e.strip_suffix("}}"))
            .unwrap_or(expr)
            .trim();
        (expr.contains("cancelled()") || !failed) && self.holds(expr)
    }

    fn holds(&self, expr: &str) -> bool {
        let expr = expr.trim();
        for (op, any) in [(" || ", true), (" && ", false)] {
            let parts = outside_parentheses(expr, op);
            if parts.len() > 1 {
                let mut each = parts.iter().map(|part| self.holds(part));
                return if any {
                    each.any(|h| h)
                } else {
                    each.all(|h| h)
                };
            }
        }
        if let Some(inner) = expr.strip_prefix('(').and_then(|e| e.strip_suffix(')')) {
            return self.holds(inner);
        }
        if expr == "!cancelled()" {
            return true;
        }
        let (left, negated, right) = match expr.split_once(" != ") {
            Some((l, r)) => (l, true, r),
            None => {
                let (l, r) = expr
                    .split_once(" == ")
                    .unwrap_or_else(|| panic!("a condition this runner does not model: {expr}"));
                (l, false, r)
            }
        };
        let right = right.trim();
        let right = match right.strip_prefix('\'') {
            Some(literal) => literal.trim_end_matches('\'').to_string(),
            None => self.value(right),
        };
        (self.value(left.trim()) == right) != negated
    }
}

/// `expr` split at each `op` outside parentheses.
fn outside_parentheses<'e>(expr: &'e str, op: &str) -> Vec<&'e str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, c) in expr.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth == 0 && i >= start && expr[i..].starts_with(op) => {
                parts.push(&expr[start..i]);
                start = i + op.len();
            }
            _ => {}
        }
    }
    parts.push(&expr[start..]);
    parts
}

impl Repo {
    fn new(file: &str) -> Repo {
        let fleet = Fleet::start(&["staging", "production"]);
        let repo = Repo {
            pipeline: yaml("examples/github-actions.yml"),
            action: yaml("action.yml"),
            fleet,
            dir: tempfile::tempdir().expect("temp dir"),
            sha: 0,
            head_repo: REPO.into(),
        };
        for sub in ["workspace", "gh", "artifacts", "bin"] {
            std::fs::create_dir(repo.path(sub)).expect("mkdir");
        }
        // The binary the Action's steps run: the real one, or, while `stop-plan` (in HOME)
        // says `before` or `after`, a plan stopped by SIGTERM before it starts or after it
        // has written everything (its exit code, 143, is all that tells).
        let wrapper = repo.path("bin/docspace-webhooks");
        std::fs::write(
            &wrapper,
            format!(
                "#!/bin/sh\n\
                 if [ \"$1\" = plan ] && [ -e \"$HOME/stop-plan\" ]; then\n\
                 \x20 [ \"$(cat \"$HOME/stop-plan\")\" = before ] || '{bin}' \"$@\"\n\
                 \x20 kill -TERM $$\n\
                 fi\n\
                 exec '{bin}' \"$@\"\n",
                bin = env!("CARGO_BIN_EXE_docspace-webhooks")
            ),
        )
        .expect("write the wrapper");
        let executable = std::os::unix::fs::PermissionsExt::from_mode(0o755);
        std::fs::set_permissions(&wrapper, executable).expect("chmod");
        std::fs::write(
            repo.path("gh/state.json"),
            r#"{"next_id": 100, "comments": [], "issues": []}"#,
        )
        .expect("gh state");
        repo.commit(file);
        repo
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes webhooks.yaml: the fleet's `portals:` and `webhooks` (YAML under `webhooks:`).
    fn commit(&self, webhooks: &str) {
        let portals = format!(
            "portals:\n  staging:\n    url: {}\n    apiKey: ${{DOCSPACE_STAGING_KEY}}\n  \
             production:\n    url: {}\n    apiKey: ${{DOCSPACE_PROD_KEY}}\n",
            self.fleet.url("staging"),
            self.fleet.url("production"),
        );
        std::fs::write(
            self.path("workspace/webhooks.yaml"),
            format!("{portals}{webhooks}"),
        )
        .expect("write the file");
    }

    fn portal(&self, name: &str) -> &FakePortal {
        self.fleet.portal(name)
    }

    /// Runs every job of the pipeline for `event`, in the order of `needs:` (the file's order).
    fn run(&mut self, event: &str) -> BTreeMap<String, Job> {
        let _ = std::fs::remove_dir_all(self.path("artifacts"));
        std::fs::create_dir(self.path("artifacts")).expect("mkdir");
        self.rerun(event)
    }

    /// "Re-run all jobs" of the last run: the run's artifacts are still there.
    fn rerun(&mut self, event: &str) -> BTreeMap<String, Job> {
        self.sha += 1;
        let jobs = self.pipeline["jobs"].as_object().expect("jobs").clone();
        let mut done: BTreeMap<String, Job> = BTreeMap::new();
        while done.len() < jobs.len() {
            let (name, job) = jobs
                .iter()
                .find(|(name, job)| {
                    !done.contains_key(*name)
                        && job["needs"]
                            .as_str()
                            .is_none_or(|need| done.contains_key(need))
                })
                .expect("a job whose needs are done");
            // As GitHub: a job whose `if:` has no status function is skipped when a job it
            // needs did not succeed; `!cancelled()` runs it all the same.
            let needs_failed = job["needs"]
                .as_str()
                .is_some_and(|need| !(done[need].ran && done[need].ok))
                && !text(&job["if"]).contains("!cancelled()");
            let result = if needs_failed {
                Job::skipped()
            } else {
                self.job(event, job, &done)
            };
            done.insert(name.clone(), result);
        }
        done
    }

    fn job(&self, event: &str, job: &Value, needs: &BTreeMap<String, Job>) -> Job {
        let mut context = Context {
            event,
            steps: BTreeMap::new(),
            needs,
            secrets: BTreeMap::from([
                (
                    "DOCSPACE_STAGING_KEY".into(),
                    self.fleet.key("staging").into(),
                ),
                (
                    "DOCSPACE_PROD_KEY".into(),
                    self.fleet.key("production").into(),
                ),
                ("BILLING_WEBHOOK_SECRET".into(), SECRET.into()),
            ]),
            pr: 7,
            sha: format!("{:040x}", self.sha),
            head_repo: &self.head_repo,
        };
        if !context.condition(&text(&job["if"]), false) {
            return Job::skipped();
        }
        let env: Vec<(String, String)> = job["env"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), context.expand(&text(v))))
            .collect();
        let summary = self.path("summary.md");
        std::fs::write(&summary, "").expect("summary");
        let mut failed = false;
        let mut log = String::new();
        for step in job["steps"].as_array().expect("steps") {
            let condition = text(&step["if"]);
            let runs = if condition.is_empty() {
                !failed
            } else {
                context.condition(&condition, failed)
            };
            if !runs {
                continue;
            }
            let output = self.path("output");
            std::fs::write(&output, "").expect("output");
            let uses = text(&step["uses"]);
            let mut command = if uses.starts_with("actions/checkout@") {
                continue;
            } else if uses.starts_with("actions/upload-artifact@") {
                let to = self.path(&format!("artifacts/{}", text(&step["with"]["name"])));
                // As upload-artifact (v4 on): a name is uploaded once per run unless told to
                // overwrite.
                if to.exists() && step["with"]["overwrite"] != true {
                    log.push_str(
                        "Error: an artifact with this name already exists on the workflow run\n",
                    );
                    failed = true;
                    continue;
                }
                let _ = std::fs::remove_dir_all(&to);
                std::fs::create_dir_all(&to).expect("mkdir");
                let file = text(&step["with"]["path"]);
                std::fs::copy(self.path(&format!("workspace/{file}")), to.join(&file))
                    .expect("upload: the file exists");
                continue;
            } else if uses.starts_with("actions/download-artifact@") {
                let from = self.path(&format!("artifacts/{}", text(&step["with"]["name"])));
                for entry in std::fs::read_dir(from).expect("download: the artifact exists") {
                    let entry = entry.expect("entry");
                    std::fs::copy(entry.path(), self.path("workspace").join(entry.file_name()))
                        .expect("download");
                }
                continue;
            } else if uses.starts_with("OWNER/docspace-webhooks@") {
                self.action_step(step, &context)
            } else if uses.is_empty() {
                // As GitHub runs it: the script in a file, with the step's `shell:`, else the
                // job's or the workflow's `defaults.run.shell`, else `bash -e {0}`, which has
                // no pipefail.
                let shell = [
                    &step["shell"],
                    &job["defaults"]["run"]["shell"],
                    &self.pipeline["defaults"]["run"]["shell"],
                ]
                .into_iter()
                .find(|shell| !shell.is_null())
                .map(text);
                let options: &[&str] = match shell.as_deref() {
                    None => &["-e"],
                    Some("bash") => &["--noprofile", "--norc", "-eo", "pipefail"],
                    Some(other) => panic!("a shell this runner does not model: {other}"),
                };
                let script = self.path("step.sh");
                std::fs::write(&script, text(&step["run"])).expect("write the step's script");
                let mut command = Command::new("bash");
                command.env_clear().args(options).arg(script);
                command
            } else {
                panic!("an action this runner does not model: {uses}");
            };
            // Each branch above starts from an empty environment (`env_clear`).
            command
                .current_dir(self.path("workspace"))
                .env("PATH", steps_path())
                .env("HOME", self.dir.path())
                .env("GITHUB_REPOSITORY", REPO)
                .env("GITHUB_SERVER_URL", "https://github.com")
                .env("GITHUB_RUN_ID", "555")
                .env("GITHUB_OUTPUT", &output)
                .env("GITHUB_STEP_SUMMARY", &summary)
                .env("RUNNER_TEMP", self.path("workspace/.."))
                .env("GH_STATE", self.path("gh"))
                .envs(env.iter().map(|(k, v)| (k, v)));
            for (k, v) in step["env"].as_object().into_iter().flatten() {
                command.env(k, context.expand(&text(v)));
            }
            let out = command.output().expect("bash runs");
            log.push_str(&String::from_utf8_lossy(&out.stdout));
            log.push_str(&String::from_utf8_lossy(&out.stderr));
            failed |= !out.status.success();
            let mut outputs = std::fs::read_to_string(&output)
                .expect("output")
                .lines()
                .filter_map(|l| l.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            if uses.starts_with("OWNER/docspace-webhooks@") {
                outputs = self.action_outputs(&outputs);
            }
            if let Some(id) = step["id"].as_str() {
                context.steps.insert(id.to_string(), outputs);
            }
        }
        let outputs = job["outputs"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), context.expand(&text(v))))
            .collect();
        Job {
            ran: true,
            ok: !failed,
            outputs,
            summary: std::fs::read_to_string(&summary).expect("summary"),
            log,
        }
    }

    /// A step of the Action: its run step (.github/action/run.sh) with the environment
    /// action.yml gives it, from the step's `with:` over the inputs' defaults, and the binary
    /// built for these tests (through the wrapper of `Repo::new`) in place of the one its
    /// install step downloads (tests/suite/action_install.rs tests that step).
    fn action_step(&self, step: &Value, context: &Context) -> Command {
        let inputs = self.action["inputs"].as_object().expect("inputs");
        if let Some((unknown, _)) = step["with"]
            .as_object()
            .into_iter()
            .flatten()
            .find(|(k, _)| !inputs.contains_key(*k))
        {
            panic!("the Action has no input {unknown}");
        }
        let input = |name: &str| {
            let given = &step["with"][name];
            if given.is_null() {
                text(&inputs[name]["default"])
            } else {
                context.expand(&text(given))
            }
        };
        let run = self.action["runs"]["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .find(|s| s["id"] == "run")
            .expect("the Action's run step");
        assert_eq!(
            run["run"], "bash \"$GITHUB_ACTION_PATH/.github/action/run.sh\"",
            "the script this runs"
        );
        let mut command = Command::new("bash");
        command
            .env_clear()
            .arg(format!("{ROOT}/.github/action/run.sh"));
        for (name, value) in run["env"].as_object().expect("env") {
            let value = text(value);
            let value = match value.strip_prefix("${{ inputs.") {
                Some(rest) => input(rest.strip_suffix(" }}").expect("an input")),
                None if value == "${{ steps.install.outputs.dir }}" => {
                    self.path("bin").display().to_string()
                }
                None if !value.contains("${{") => value,
                None => panic!("an expression this runner does not model: {value}"),
            };
            command.env(name, value);
        }
        command
    }

    /// The Action's outputs from its run step's.
    fn action_outputs(&self, run: &BTreeMap<String, String>) -> BTreeMap<String, String> {
        self.action["outputs"]
            .as_object()
            .expect("outputs")
            .iter()
            .map(|(name, output)| {
                let value = text(&output["value"]);
                let from = value
                    .strip_prefix("${{ steps.run.outputs.")
                    .and_then(|v| v.strip_suffix(" }}"))
                    .unwrap_or_else(|| panic!("an output this runner does not model: {value}"));
                (name.clone(), run.get(from).cloned().unwrap_or_default())
            })
            .collect()
    }

    /// The stand-in `gh`'s state: comments and issues.
    fn github(&self) -> Value {
        serde_json::from_str(&std::fs::read_to_string(self.path("gh/state.json")).expect("state"))
            .expect("json")
    }

    fn calls(&self) -> String {
        std::fs::read_to_string(self.path("gh/calls.log")).unwrap_or_default()
    }
}

impl Job {
    fn skipped() -> Job {
        Job {
            ran: false,
            ok: true,
            outputs: BTreeMap::new(),
            summary: String::new(),
            log: String::new(),
        }
    }
}

/// The steps' PATH: the stand-ins before the tests' own, where the tools the steps run (bash,
/// coreutils, jq for the stand-in `gh`) are, as a runner has them on its PATH.
#[expect(
    clippy::disallowed_methods,
    reason = "the tests' PATH, where `gh_runs` looks for python3 and jq"
)]
fn steps_path() -> std::ffi::OsString {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let stand_ins = PathBuf::from(format!("{ROOT}/tests/support/stand-ins"));
    std::env::join_paths(std::iter::once(stand_ins).chain(std::env::split_paths(&path)))
        .expect("a PATH")
}

/// The stand-in `gh` is a Python script that runs the pipeline's `--jq` filters through jq: a
/// test whose jobs call it is skipped, saying so, where either is missing (`.ci/run` has both).
fn gh_runs() -> bool {
    use crate::support::runs_here;
    runs_here("python3", &["--version"], "install Python 3")
        && runs_here(
            "jq",
            &["--version"],
            "apt-get install jq; .ci/run installs it",
        )
}

fn ran(jobs: &BTreeMap<String, Job>) -> Vec<&str> {
    jobs.iter()
        .filter(|(_, j)| j.ran)
        .map(|(n, _)| n.as_str())
        .collect()
}

const BILLING: &str = "webhooks:\n  Billing sync:\n    uri: https://billing.example.com/hooks/docspace\n    \
     secretKey: ${BILLING_WEBHOOK_SECRET}\n    triggers: [file.uploaded]\n";

/// Runs `bin` as a user would, in the repository's checkout, with the keys and the secret.
fn apply_by_hand(repo: &Repo) {
    let out = Command::new(env!("CARGO_BIN_EXE_docspace-webhooks"))
        .args(["apply", "--auto-approve"])
        .current_dir(repo.path("workspace"))
        .env("DOCSPACE_STAGING_KEY", repo.fleet.key("staging"))
        .env("DOCSPACE_PROD_KEY", repo.fleet.key("production"))
        .env("BILLING_WEBHOOK_SECRET", SECRET)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    assert!(out.status.success(), "{out:?}");
}

fn comment_bodies(repo: &Repo) -> Vec<String> {
    repo.github()["comments"]
        .as_array()
        .expect("comments")
        .iter()
        .map(|c| text(&c["body"]))
        .collect()
}

#[test]
fn a_pull_request_keeps_one_comment_the_plan_or_why_there_is_none() {
    if !gh_runs() {
        return;
    }
    let mut repo = Repo::new(BILLING);
    let jobs = repo.run("pull_request");
    assert_eq!(ran(&jobs), ["pull-request"]);
    let job = &jobs["pull-request"];
    assert!(job.ok, "{job:?}");
    let bodies = comment_bodies(&repo);
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    assert!(
        bodies[0].starts_with("<!-- docspace-webhooks-plan -->\n"),
        "{}",
        bodies[0]
    );
    // The comment is the Markdown plan, the same the job summary shows.
    assert_eq!(
        bodies[0],
        format!("<!-- docspace-webhooks-plan -->\n{}", job.summary)
    );
    assert!(job.summary.contains("Billing sync"), "{}", job.summary);
    assert!(!job.summary.contains(SECRET), "{}", job.summary);

    // A commit that breaks the file: no plan, the same comment says why, the job fails, and
    // the problem is an annotation on its line.
    repo.commit("webhooks:\n  Billing sync:\n    uri: ftp://billing.example.com/hooks\n");
    let jobs = repo.run("pull_request");
    let job = &jobs["pull-request"];
    assert!(!job.ok, "{job:?}");
    assert!(
        job.log.contains(
            "::error file=webhooks.yaml,line=10,col=10,endLine=10,endColumn=41,title=config%3A%3Abad_uri::"
        ),
        "{}",
        job.log
    );
    assert_eq!(
        comment_bodies(&repo),
        [format!(
            "<!-- docspace-webhooks-plan -->\n\
             **webhooks.yaml is not valid at {:040x}**, so there is no plan. The problems, also \
             shown on their lines in the diff:\n\n\
             - `webhooks.yaml:10`: `uri` has scheme `ftp`; only http and https are allowed\n",
            2
        )]
    );

    // Fixed again: the same comment shows the plan once more.
    repo.commit(BILLING);
    let jobs = repo.run("pull_request");
    assert!(jobs["pull-request"].ok, "{:?}", jobs["pull-request"]);
    assert_eq!(
        comment_bodies(&repo),
        [format!(
            "<!-- docspace-webhooks-plan -->\n{}",
            jobs["pull-request"].summary
        )]
    );
    assert_eq!(
        repo.calls(),
        format!(
            "GET repos/{REPO}/issues/7/comments\nPOST repos/{REPO}/issues/7/comments\n\
             GET repos/{REPO}/issues/7/comments\nPATCH repos/{REPO}/issues/comments/100\n\
             GET repos/{REPO}/issues/7/comments\nPATCH repos/{REPO}/issues/comments/100\n"
        )
    );
    assert!(
        repo.fleet.write_count() == 0,
        "a pull request never writes to a portal"
    );
}

/// A problem without a line (the file was removed) is listed by its file alone.
#[test]
fn a_pull_request_that_removes_the_file_says_so_in_the_comment() {
    if !gh_runs() {
        return;
    }
    let mut repo = Repo::new(BILLING);
    std::fs::remove_file(repo.path("workspace/webhooks.yaml")).expect("rm");
    let jobs = repo.run("pull_request");
    assert!(!jobs["pull-request"].ok, "{:?}", jobs["pull-request"]);
    assert_eq!(
        comment_bodies(&repo),
        [format!(
            "<!-- docspace-webhooks-plan -->\n\
             **webhooks.yaml is not valid at {:040x}**, so there is no plan. The problems, also \
             shown on their lines in the diff:\n\n\
             - `webhooks.yaml`: cannot read the webhook file webhooks.yaml: No such file or \
             directory (os error 2)\n",
            1
        )]
    );
}

#[test]
fn main_applies_exactly_the_uploaded_plan_with_its_digest() {
    let mut repo = Repo::new(BILLING);
    let jobs = repo.run("push");
    assert_eq!(ran(&jobs), ["apply", "plan"]);
    let plan = &jobs["plan"];
    assert!(plan.ok, "{plan:?}");
    assert_eq!(plan.outputs["changes"], "2");
    let saved = std::fs::read(repo.path("artifacts/webhooks-plan/webhooks.plan.json"))
        .expect("the plan was uploaded");
    let digest = Command::new("sha256sum")
        .arg(repo.path("artifacts/webhooks-plan/webhooks.plan.json"))
        .output()
        .expect("sha256sum");
    let digest = String::from_utf8_lossy(&digest.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    assert_eq!(plan.outputs["digest"], digest);
    assert!(!saved.is_empty());
    assert!(plan.summary.contains("Billing sync"), "{}", plan.summary);
    let apply = &jobs["apply"];
    assert!(apply.ok, "{apply:?}");
    for name in ["staging", "production"] {
        let hooks = repo.portal(name).webhooks();
        assert_eq!(hooks.len(), 1, "{name}");
        assert_eq!(hooks[0].secret_key, SECRET, "{name}");
    }
    assert!(!apply.log.contains(SECRET), "{}", apply.log);
    // Its report, in the job summary as a text block (the times in it vary).
    assert!(
        apply.summary.starts_with(&format!(
            "```text\n=== portal staging ({}) ===\n",
            repo.fleet.url("staging")
        )) && apply.summary.ends_with(
            "[staging] Apply complete: 1 done, 0 failed.\n\
                 [production] Apply complete: 1 done, 0 failed.\n\n\
                 Total: 2 done, 0 failed, on 2 portals.\n```\n"
        ),
        "{}",
        apply.summary
    );

    // Nothing left to apply: the plan job says so and the apply job does not run.
    let jobs = repo.run("push");
    assert_eq!(jobs["plan"].outputs["changes"], "0");
    assert_eq!(ran(&jobs), ["plan"]);
}

/// One portal down on the main branch: the plan job saves and uploads the other portal's plan
/// and fails; once approved, the apply job applies that plan to the portal that planned, sends
/// nothing to the one that failed, and fails naming it.
#[test]
fn a_portal_down_on_main_still_applies_the_others_and_both_jobs_fail() {
    let mut repo = Repo::new(BILLING);
    repo.portal("production").inject(Fault::new(
        "GET",
        WEBHOOK_PATH,
        FaultKind::Status {
            status: 500,
            body: FaultBody::Json(serde_json::json!({
                "error": {"message": "database is down"},
                "statusCode": 500
            })),
        },
    ));
    let jobs = repo.run("push");
    assert_eq!(ran(&jobs), ["apply", "plan"]);
    let plan = &jobs["plan"];
    assert!(!plan.ok, "{plan:?}");
    assert_eq!(plan.outputs["changes"], "1");
    assert!(!plan.outputs["digest"].is_empty(), "{plan:?}");
    assert!(
        repo.path("artifacts/webhooks-plan/webhooks.plan.json")
            .exists(),
        "the partial plan was uploaded"
    );
    let apply = &jobs["apply"];
    assert!(!apply.ok, "{apply:?}");
    assert!(
        apply.log.contains("1 of 2 portal(s) failed"),
        "{}",
        apply.log
    );
    assert_eq!(repo.portal("staging").webhooks().len(), 1);
    assert!(repo.portal("production").webhooks().is_empty());
    assert!(!apply.log.contains(SECRET), "{}", apply.log);
}

/// "Re-run all jobs" of a finished run (its apply failed, or the portal moved since): the plan
/// job uploads its new plan under the same name in the same run, and the apply job applies
/// that one, with its new digest.
#[test]
fn a_rerun_of_all_jobs_plans_and_applies_again() {
    let mut repo = Repo::new(BILLING);
    let first = repo.run("push");
    assert!(first["apply"].ok, "{:?}", first["apply"]);
    // The portal moved since: staging lost its webhook.
    let staging = repo.portal("staging");
    staging.remove_stored(staging.webhooks()[0].id);
    let again = repo.rerun("push");
    assert!(again["plan"].ok, "{:?}", again["plan"]);
    assert_ne!(
        again["plan"].outputs["digest"],
        first["plan"].outputs["digest"]
    );
    assert!(again["apply"].ok, "{:?}", again["apply"]);
    assert_eq!(repo.portal("staging").webhooks().len(), 1);
}

#[test]
fn an_apply_refuses_a_plan_that_is_not_the_reviewed_one() {
    let repo = Repo::new(BILLING);
    // The plan job's artifact replaced between review and apply: the digest the plan job
    // gave no longer matches, and nothing is written.
    let jobs = {
        let mut jobs = BTreeMap::new();
        let pipeline = repo.pipeline.clone();
        let plan = repo.job("push", &pipeline["jobs"]["plan"], &jobs);
        assert!(plan.ok, "{plan:?}");
        jobs.insert("plan".to_string(), plan);
        let artifact = repo.path("artifacts/webhooks-plan/webhooks.plan.json");
        let mut bytes = std::fs::read(&artifact).expect("artifact");
        bytes.push(b'\n');
        std::fs::write(&artifact, bytes).expect("tamper");
        let apply = repo.job("push", &pipeline["jobs"]["apply"], &jobs);
        jobs.insert("apply".to_string(), apply);
        jobs
    };
    let apply = &jobs["apply"];
    assert!(!apply.ok, "{apply:?}");
    let tampered = Command::new("sha256sum")
        .arg(repo.path("workspace/webhooks.plan.json"))
        .output()
        .expect("sha256sum");
    let tampered = String::from_utf8_lossy(&tampered.stdout);
    let tampered = tampered.split_whitespace().next().expect("a digest");
    assert!(
        apply.log.contains(&format!(
            "  x webhooks.plan.json has SHA-256 {tampered}, not the {} given with \
             --expect-digest; nothing was written\n",
            jobs["plan"].outputs["digest"]
        )),
        "{}",
        apply.log
    );
    assert_eq!(repo.fleet.write_count(), 0, "nothing was written");
    assert!(
        apply
            .summary
            .contains("**docspace-webhooks apply failed (exit 1)**"),
        "{}",
        apply.summary
    );
}

#[test]
fn the_drift_check_opens_one_issue_updates_it_and_closes_it() {
    if !gh_runs() {
        return;
    }
    let mut repo = Repo::new(BILLING);
    apply_by_hand(&repo);
    let issues = |repo: &Repo| repo.github()["issues"].as_array().expect("issues").clone();

    // The portals match the file: nothing to report.
    let jobs = repo.run("schedule");
    assert_eq!(ran(&jobs), ["drift"]);
    assert!(jobs["drift"].ok, "{:?}", jobs["drift"]);
    assert!(issues(&repo).is_empty());

    // Someone deletes the webhook on staging: one issue, with the plan that would restore it.
    let staging = repo.portal("staging");
    staging.remove_stored(staging.webhooks()[0].id);
    let jobs = repo.run("schedule");
    assert!(jobs["drift"].ok, "{:?}", jobs["drift"]);
    let opened = issues(&repo);
    assert_eq!(opened.len(), 1, "{opened:?}");
    assert_eq!(opened[0]["state"], "open");
    assert_eq!(opened[0]["title"], "Webhooks drifted from webhooks.yaml");
    let body = text(&opened[0]["body"]);
    assert_eq!(
        body,
        format!(
            "<!-- docspace-webhooks-drift -->\nThe portals no longer match webhooks.yaml on the \
             main branch (checked by [this run](https://github.com/{REPO}/actions/runs/555)). \
             Applying the file would make these changes:\n\n{}",
            jobs["drift"].summary
        )
    );
    assert!(body.contains("staging"), "{body}");

    // The drift lasts, and grows to production: the same issue, its text the latest plan.
    let production = repo.portal("production");
    production.remove_stored(production.webhooks()[0].id);
    let jobs = repo.run("schedule");
    let updated = issues(&repo);
    assert_eq!(updated.len(), 1, "{updated:?}");
    assert_eq!(updated[0]["number"], opened[0]["number"]);
    assert_ne!(updated[0]["body"], opened[0]["body"]);
    assert!(
        text(&updated[0]["body"]).ends_with(&jobs["drift"].summary),
        "{updated:?}"
    );

    // Applied again: the issue is closed, with a comment saying so.
    apply_by_hand(&repo);
    let jobs = repo.run("schedule");
    assert!(jobs["drift"].ok, "{:?}", jobs["drift"]);
    let closed = issues(&repo);
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0]["state"], "closed");
    assert_eq!(closed[0]["state_reason"], "completed");
    assert_eq!(
        comment_bodies(&repo),
        [format!(
            "Every portal matches webhooks.yaml again (checked by [this run](https://github.com/{REPO}/actions/runs/555))."
        )]
    );
    // Still matching: nothing more is said.
    let before = repo.calls();
    repo.run("schedule");
    assert_eq!(
        repo.calls(),
        format!("{before}GET repos/{REPO}/issues?state=open&creator=github-actions%5Bbot%5D\n")
    );
}

#[test]
fn a_drift_check_that_cannot_plan_fails_and_leaves_the_issue_alone() {
    if !gh_runs() {
        return;
    }
    let mut repo = Repo::new(BILLING);
    repo.commit("webhooks: {}\nunknown: 1\n");
    let jobs = repo.run("workflow_dispatch");
    let drift = &jobs["drift"];
    assert!(!drift.ok, "{drift:?}");
    assert!(
        drift.log.contains(
            "::error::the drift check could not plan every portal; the drift issue is left as it is"
        ),
        "{}",
        drift.log
    );
    assert!(repo.github()["issues"].as_array().unwrap().is_empty());
}

/// A pull request from a fork: GitHub gives its run no secrets and a read-only token. It is
/// validated (the annotations need neither), not planned, no comment is attempted, and the job
/// summary says why; the job passes when the file is valid.
#[test]
fn a_pull_request_from_a_fork_is_validated_and_not_planned() {
    let mut repo = Repo::new(BILLING);
    repo.head_repo = "someone/webhooks".into();
    let jobs = repo.run("pull_request");
    let job = &jobs["pull-request"];
    assert!(job.ok, "{job:?}");
    assert_eq!(
        job.summary,
        "This pull request comes from a fork, which GitHub gives no secrets: webhooks.yaml was \
         validated, not planned. Its plan is made on the main branch, where the docspace \
         environment's reviewers read it before it is applied.\n"
    );
    assert_eq!(repo.calls(), "", "no comment is attempted");
    assert!(!job.log.contains("+ docspace-webhooks plan"), "{}", job.log);

    // An invalid file still fails the job, with its annotations.
    repo.commit("webhooks:\n  Billing sync:\n    uri: ftp://billing.example.com/hooks\n");
    let jobs = repo.run("pull_request");
    let job = &jobs["pull-request"];
    assert!(!job.ok, "{job:?}");
    assert!(
        job.log.contains("::error file=webhooks.yaml,line=10,"),
        "{}",
        job.log
    );
    assert_eq!(repo.calls(), "");
}

/// Secrets are in the `env:` of the steps that run plan or apply, never of a job, so checkout,
/// the artifact steps and the `gh` steps never see them; the webhook secrets only reach apply.
#[test]
fn secrets_reach_only_the_steps_that_plan_or_apply() {
    let pipeline = yaml("examples/github-actions.yml");
    let mut given = Vec::new();
    for (name, job) in pipeline["jobs"].as_object().expect("jobs") {
        assert!(
            !job["env"].to_string().contains("secrets."),
            "job {name} gives secrets to all its steps"
        );
        for step in job["steps"].as_array().expect("steps") {
            let env = step["env"].to_string();
            if env.contains("secrets.") {
                given.push(format!(
                    "{name}: {} {}",
                    text(&step["with"]["command"]),
                    step["env"]
                        .as_object()
                        .expect("env")
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(" ")
                ));
            }
        }
    }
    assert_eq!(
        given,
        [
            "apply: apply BILLING_WEBHOOK_SECRET DOCSPACE_PROD_KEY DOCSPACE_STAGING_KEY",
            "drift: plan DOCSPACE_PROD_KEY DOCSPACE_STAGING_KEY",
            "plan: plan DOCSPACE_PROD_KEY DOCSPACE_STAGING_KEY",
            "pull-request: plan DOCSPACE_PROD_KEY DOCSPACE_STAGING_KEY",
        ]
    );
}

/// One step of the Action with these inputs and the portals' keys, as a job of its own.
fn action_alone(repo: &Repo, with: Value) -> Job {
    let job = serde_json::json!({
        "if": "github.event_name == 'push'",
        "steps": [{
            "id": "run",
            "uses": "OWNER/docspace-webhooks@0000000000000000000000000000000000000000",
            "env": {
                "DOCSPACE_STAGING_KEY": "${{ secrets.DOCSPACE_STAGING_KEY }}",
                "DOCSPACE_PROD_KEY": "${{ secrets.DOCSPACE_PROD_KEY }}",
            },
            "with": with,
        }],
        "outputs": {
            "digest": "${{ steps.run.outputs.digest }}",
            "exit-code": "${{ steps.run.outputs.exit-code }}",
        },
    });
    repo.job("push", &job, &BTreeMap::new())
}

/// The Action deletes nothing before the command runs: a file the tool refuses to replace (the
/// config, an existing export) is left as it was, and a plan file left from before gets no
/// digest when the command did not write it.
#[test]
fn the_action_replaces_only_what_the_tool_replaces() {
    let repo = Repo::new(BILLING);
    let read = |name: &str| std::fs::read(repo.path(&format!("workspace/{name}"))).expect(name);
    let config = read("webhooks.yaml");
    let plan_over_config = action_alone(
        &repo,
        serde_json::json!({"command": "plan", "out": "webhooks.yaml"}),
    );
    assert!(!plan_over_config.ok, "{plan_over_config:?}");
    assert_eq!(plan_over_config.outputs["digest"], "");
    assert_eq!(read("webhooks.yaml"), config, "{}", plan_over_config.log);

    std::fs::write(repo.path("workspace/exported.yaml"), "kept\n").expect("write");
    let export = action_alone(
        &repo,
        serde_json::json!({"command": "export", "out": "exported.yaml", "args": "--portal staging"}),
    );
    assert!(!export.ok, "{export:?}");
    assert!(export.log.contains("exported.yaml"), "{}", export.log);
    assert_eq!(read("exported.yaml"), b"kept\n");
    assert_eq!(export.outputs["digest"], "");

    let plan = action_alone(
        &repo,
        serde_json::json!({"command": "plan", "out": "webhooks.plan.json"}),
    );
    assert!(plan.ok, "{plan:?}");
    assert_ne!(plan.outputs["digest"], "");
    let saved = read("webhooks.plan.json");
    let apply = action_alone(
        &repo,
        serde_json::json!({"command": "apply", "out": "webhooks.plan.json"}),
    );
    assert!(!apply.ok, "{apply:?}");
    assert_eq!(read("webhooks.plan.json"), saved);

    // A plan that stops before saving anything: the plan from before is not this run's.
    std::fs::write(repo.path("workspace/webhooks.yaml"), "webhooks: [\n").expect("write");
    let failed = action_alone(
        &repo,
        serde_json::json!({"command": "plan", "out": "webhooks.plan.json"}),
    );
    assert!(!failed.ok, "{failed:?}");
    assert_eq!(failed.outputs["digest"], "");
    assert_eq!(read("webhooks.plan.json"), saved);
}

/// The file plan or export writes is given as the input `out`, the one the step hashes and
/// names: `--out` in `args` is refused before the command runs, as the step would report no
/// `digest` for it, and for export an empty file's SHA-256 in `stdout` as what was exported.
#[test]
fn the_action_refuses_out_in_args() {
    let repo = Repo::new(BILLING);
    for (command, args, given) in [
        ("export", "--portal staging --out exported.yaml", "--out"),
        (
            "export",
            "--out=exported.yaml --portal staging",
            "--out=exported.yaml",
        ),
        ("plan", "--out webhooks.plan.json", "--out"),
        (
            "plan",
            "--detailed-exitcode --out=webhooks.plan.json",
            "--out=webhooks.plan.json",
        ),
    ] {
        let step = action_alone(&repo, serde_json::json!({"command": command, "args": args}));
        assert!(!step.ok, "{step:?}");
        assert_eq!(
            step.log,
            format!(
                "::error title=docspace-webhooks::give the file {command} writes as the input out, \
                 not as {given} in args (only out's file gets its SHA-256 reported)\n"
            )
        );
        assert_eq!(step.outputs["exit-code"], "", "the command did not run");
    }
    for name in ["exported.yaml", "webhooks.plan.json"] {
        assert!(!repo.path(&format!("workspace/{name}")).exists(), "{name}");
    }
}

/// `export` with no `file:` where the repository has no webhooks file yet starts one from the
/// portal DOCSPACE_URL names, as the docs' first step does; with a file, it reads its portal.
#[test]
fn the_action_exports_a_first_file_from_the_portal() {
    let repo = Repo::new(BILLING);
    std::fs::remove_file(repo.path("workspace/webhooks.yaml")).expect("remove");
    let job = serde_json::json!({
        "if": "github.event_name == 'push'",
        "steps": [{
            "id": "run",
            "uses": "OWNER/docspace-webhooks@0000000000000000000000000000000000000000",
            "env": {
                "DOCSPACE_URL": repo.fleet.url("staging"),
                "DOCSPACE_API_KEY": "${{ secrets.DOCSPACE_STAGING_KEY }}",
            },
            "with": {"command": "export", "out": "webhooks.yaml"},
        }],
        "outputs": {"exit-code": "${{ steps.run.outputs.exit-code }}"},
    });
    let export = repo.job("push", &job, &BTreeMap::new());
    assert!(export.ok, "{export:?}");
    assert_eq!(export.outputs["exit-code"], "0", "{export:?}");
    assert!(
        export
            .log
            .contains("+ docspace-webhooks export --out webhooks.yaml\n"),
        "{}",
        export.log
    );
    let written = std::fs::read_to_string(repo.path("workspace/webhooks.yaml")).expect("exported");
    let url = repo.fleet.url("staging");
    assert_eq!(
        written.lines().skip(4).collect::<Vec<_>>(),
        [format!("portal: \"{url}\""), "webhooks: {}".into()],
        "{written}"
    );
}

/// `fail` and `summary` take true or false in any case, spaces around ignored; any other value
/// is refused before the command runs, so a typo can never let a failing command pass.
#[test]
fn the_action_reads_true_or_false_and_refuses_anything_else() {
    let repo = Repo::new(BILLING);
    std::fs::write(repo.path("workspace/broken.yaml"), "webhooks: [\n").expect("write");
    let validate = |fail: &str, summary: &str| {
        action_alone(
            &repo,
            serde_json::json!({
                "command": "validate", "file": "broken.yaml", "fail": fail, "summary": summary
            }),
        )
    };
    for (fail, summary, fails, summarized) in [
        ("True", "TRUE", true, true),
        (" true ", "true", true, true),
        ("FALSE", " False", false, false),
        ("false", "", false, true),
    ] {
        let step = validate(fail, summary);
        assert_eq!(step.ok, !fails, "fail: {fail:?}: {step:?}");
        assert_eq!(step.outputs["exit-code"], "1", "{step:?}");
        assert_eq!(
            !step.summary.is_empty(),
            summarized,
            "summary: {summary:?}: {step:?}"
        );
    }
    for (fail, summary, refused) in [
        ("yes", "true", "fail must be true or false, not 'yes'"),
        ("true", "yes", "summary must be true or false, not 'yes'"),
        ("tru", "true", "fail must be true or false, not 'tru'"),
    ] {
        let step = validate(fail, summary);
        assert!(!step.ok, "{step:?}");
        assert_eq!(
            step.log,
            format!("::error title=docspace-webhooks::{refused}\n"),
            "the command did not run"
        );
        assert_eq!(step.outputs["exit-code"], "", "{step:?}");
    }
}

/// A `gh api` listing that fails (GitHub down, a token without access) fails its step and
/// writes nothing: read as "none yet", it would post a second comment, open a second drift
/// issue, or leave the drift issue open for good. GitHub runs a step without `shell:` as
/// `bash -e {0}`, which has no pipefail, so the pipeline's `shell: bash` is what catches it.
#[test]
fn a_listing_that_fails_fails_its_step_and_writes_nothing() {
    if !gh_runs() {
        return;
    }
    let mut repo = Repo::new(BILLING);
    let failing = repo.path("gh/failing");
    let fail = |call: &str| std::fs::write(&failing, call).expect("write");
    let comments = format!("GET repos/{REPO}/issues/7/comments");
    fail(&comments);
    let jobs = repo.run("pull_request");
    assert!(!jobs["pull-request"].ok, "{:?}", jobs["pull-request"]);
    assert_eq!(repo.calls(), format!("{comments}\n"));
    assert!(comment_bodies(&repo).is_empty());

    // The drift check, the portals drifted (nothing applied yet): no issue is opened.
    let issues = format!("GET repos/{REPO}/issues?state=open&creator=github-actions%5Bbot%5D");
    fail(&issues);
    let jobs = repo.run("schedule");
    assert!(!jobs["drift"].ok, "{:?}", jobs["drift"]);
    assert!(
        repo.github()["issues"]
            .as_array()
            .expect("issues")
            .is_empty()
    );
    // Opened once the listing works; the portals match again, but the listing fails: the
    // issue is left open and the job fails.
    fail("");
    assert!(repo.run("schedule")["drift"].ok);
    apply_by_hand(&repo);
    fail(&issues);
    let before = repo.calls();
    let jobs = repo.run("schedule");
    assert!(!jobs["drift"].ok, "{:?}", jobs["drift"]);
    assert_eq!(repo.calls(), format!("{before}{issues}\n"));
    assert_eq!(repo.github()["issues"][0]["state"], "open");
}

/// Two comments (or two drift issues) with the marker, on pages of their own (two runs that
/// raced): the step edits the first and succeeds. Under pipefail a reader that stops after one
/// line (`head -n 1`) would fail it: gh, writing the second page, dies of SIGPIPE.
#[test]
fn a_listing_of_two_marked_pages_edits_the_first() {
    if !gh_runs() {
        return;
    }
    let mut repo = Repo::new(BILLING);
    let bot = serde_json::json!({"login": "github-actions[bot]"});
    let comment = |id: u32| serde_json::json!({"id": id, "issue": 7, "user": bot, "body": "<!-- docspace-webhooks-plan -->\nold"});
    let issue = |number: u32| {
        serde_json::json!({
            "number": number, "title": "Webhooks drifted from webhooks.yaml", "state": "open",
            "user": bot, "body": "<!-- docspace-webhooks-drift -->\nold",
        })
    };
    let state = serde_json::json!({
        "next_id": 102, "per_page": 1,
        "comments": [comment(100), comment(101)],
        "issues": [issue(98), issue(99)],
    });
    std::fs::write(repo.path("gh/state.json"), state.to_string()).expect("gh state");

    let jobs = repo.run("pull_request");
    let job = &jobs["pull-request"];
    assert!(job.ok, "{job:?}");
    assert_eq!(
        comment_bodies(&repo),
        [
            format!("<!-- docspace-webhooks-plan -->\n{}", job.summary),
            "<!-- docspace-webhooks-plan -->\nold".into()
        ]
    );

    let jobs = repo.run("schedule");
    let job = &jobs["drift"];
    assert!(job.ok, "{job:?}");
    let issues = repo.github()["issues"].clone();
    assert!(
        text(&issues[0]["body"]).ends_with(&job.summary),
        "{issues:?}"
    );
    assert_eq!(issues[1], issue(99));
    assert_eq!(
        repo.calls(),
        format!(
            "GET repos/{REPO}/issues/7/comments\nPATCH repos/{REPO}/issues/comments/100\n\
             GET repos/{REPO}/issues?state=open&creator=github-actions%5Bbot%5D\n\
             PATCH repos/{REPO}/issues/98\n"
        )
    );
}

/// A plan stopped by a signal (SIGTERM: 143) did not finish, whatever it printed or saved
/// before: the pull request's job fails and its comment says so in place of the plan; on the
/// main branch the plan is not uploaded, the plan job fails and nothing is applied.
#[test]
fn a_plan_stopped_by_a_signal_fails_and_applies_nothing() {
    if !gh_runs() {
        return;
    }
    let mut repo = Repo::new(BILLING);
    assert!(repo.run("pull_request")["pull-request"].ok);
    for (when, sha) in [("before", 2), ("after", 3)] {
        std::fs::write(repo.path("stop-plan"), when).expect("write");
        let jobs = repo.run("pull_request");
        let job = &jobs["pull-request"];
        assert!(!job.ok, "{when}: {job:?}");
        assert!(
            job.log.ends_with(
                "::error title=docspace-webhooks::validate exited with 0, plan with 143; see the \
                 summary\n"
            ),
            "{when}: {}",
            job.log
        );
        assert_eq!(
            comment_bodies(&repo),
            [format!(
                "<!-- docspace-webhooks-plan -->\n**docspace-webhooks plan did not finish for \
                 {sha:040x} (exit 143)**, so there is no plan; see the [job \
                 log](https://github.com/{REPO}/actions/runs/555).\n"
            )],
            "{when}"
        );
    }

    // On the main branch, a plan saved in full before the signal.
    let jobs = repo.run("push");
    assert_eq!(ran(&jobs), ["plan"]);
    let plan = &jobs["plan"];
    assert!(!plan.ok, "{plan:?}");
    assert_eq!(plan.outputs["changes"], "143");
    assert_ne!(
        plan.outputs["digest"], "",
        "the plan was saved before the signal"
    );
    assert!(
        plan.log.ends_with(
            "::error title=docspace-webhooks::plan did not finish (exit 143); nothing is uploaded \
             or applied\n"
        ),
        "{}",
        plan.log
    );
    let uploaded = std::fs::read_dir(repo.path("artifacts")).expect("artifacts");
    assert_eq!(uploaded.count(), 0, "nothing was uploaded");
    assert_eq!(repo.fleet.write_count(), 0, "nothing was written");
}

/// export's output is a file to commit, holding each uri as the portal has it, a password or a
/// ?token= value included, which the tool masks wherever it shows a uri: the log and the job
/// summary, read by anyone who can read the run, get where it went and its SHA-256.
#[test]
fn the_action_never_shows_what_export_wrote() {
    let repo = Repo::new(BILLING);
    let uri = "https://bob:PASSWORD99@billing.example.com/h?token=SEKRET123";
    repo.portal("staging").seed(Seed::new("Billing sync", uri));
    for out in ["exported.yaml", ""] {
        let job = serde_json::json!({
            "if": "github.event_name == 'push'",
            "steps": [{
                "id": "run",
                "uses": "OWNER/docspace-webhooks@0000000000000000000000000000000000000000",
                "env": {"DOCSPACE_STAGING_KEY": "${{ secrets.DOCSPACE_STAGING_KEY }}"},
                "with": {"command": "export", "out": out, "args": "--portal staging"},
            }],
            "outputs": {
                "digest": "${{ steps.run.outputs.digest }}",
                "stdout": "${{ steps.run.outputs.stdout }}",
            },
        });
        let export = repo.job("push", &job, &BTreeMap::new());
        assert!(export.ok, "{export:?}");
        let (written, shown) = if out.is_empty() {
            let path = export.outputs["stdout"].clone();
            (path, "the file the output `stdout` names".to_string())
        } else {
            let path = repo.path(&format!("workspace/{out}"));
            (path.display().to_string(), format!("`{out}`"))
        };
        let text = std::fs::read_to_string(&written).expect("exported");
        assert!(
            text.contains(uri),
            "the file to commit holds the uri: {text}"
        );
        let digest = Command::new("sha256sum")
            .arg(&written)
            .output()
            .expect("sha256sum");
        let digest = String::from_utf8_lossy(&digest.stdout);
        let digest = digest.split_whitespace().next().expect("a digest");
        let said = format!("docspace-webhooks exported to {shown} (SHA-256 {digest})");
        assert_eq!(
            export.summary,
            format!("{said}; not shown here, as its uris may hold passwords and tokens.\n"),
            "{out:?}"
        );
        let url = repo.fleet.url("staging");
        let (option, tool) = if out.is_empty() {
            (String::new(), String::new())
        } else {
            (
                format!(" --out {out}"),
                format!("Exported 1 webhook(s) from {url} to {out}.\n"),
            )
        };
        assert_eq!(
            export.log,
            format!(
                "+ docspace-webhooks export -f webhooks.yaml{option} --portal staging\n{tool}\
                 {said}; not shown, as its uris may hold passwords and tokens\n"
            ),
            "{out:?}"
        );
    }
}

/// What the Action prints of its inputs cannot start a workflow command (a line break in
/// `file` would start `::error ...` or `::stop-commands::`), and a word after a flag that
/// would carry the API key is not printed again: the tool refuses such a flag, with its tip.
/// (GitHub has printed the `args` input in the step's header already; the docs say the key
/// goes in `env:`, from `secrets.*`.)
#[test]
fn the_action_prints_its_command_line_escaped_and_without_a_key() {
    let repo = Repo::new(BILLING);
    let key = "sk-live-REALKEY-9f8e7d6c";
    let step = action_alone(
        &repo,
        serde_json::json!({
            "command": "validate",
            "file": "nope.yaml\n::error title=Security review::approved\r100%",
            "args": format!("--api-key {key} --token={key}"),
        }),
    );
    assert!(!step.ok, "{step:?}");
    assert_eq!(
        step.log,
        "+ docspace-webhooks validate -f nope.yaml%0A::error title=Security \
         review::approved%0D100%25 --api-key *** --token=***\n\
         error: unexpected argument '--api-key' found\n\n  \
         tip: the API key is read from the DOCSPACE_API_KEY environment variable (a `portals:` \
         file's from the variable each `apiKey: ${VAR}` names), never from the command line\n\n\
         Usage: docspace-webhooks validate [OPTIONS]\n\n\
         For more information, try '--help'.\n"
    );
}
