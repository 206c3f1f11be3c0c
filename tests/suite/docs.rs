//! The documentation a user copies from stays true to the files it shows.

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{ROOT}/{path}")).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_readme_shows_the_pipeline_example_verbatim_and_it_is_yaml() {
    let pipeline = read("examples/github-actions.yml");
    assert!(
        read("docs/pipelines.md").contains(&pipeline),
        "docs/pipelines.md's copy is out of date"
    );
    let parsed: serde_json::Value =
        serde_saphyr::from_str(&pipeline).expect("the workflow is valid YAML");
    for job in ["pull-request", "plan", "apply", "drift"] {
        assert!(parsed["jobs"][job]["steps"].is_array(), "job {job}");
    }
}

#[test]
fn the_example_file_validates() {
    let out = crate::support::run::Run::new(&[
        "validate",
        "-f",
        &format!("{ROOT}/webhooks.example.yaml"),
    ])
    .run();
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn the_readme_plan_example_is_what_plan_prints() {
    // The sandbox the quickstart runs webhooks.example.yaml against; the README shows the
    // plan as a CI log does (no color), for the portal the example file names.
    // The file pins its portal, so the copy planned names the sandbox instead.
    let sandbox = crate::support::fake_portal::FakePortal::example_sandbox();
    let example = read("webhooks.example.yaml");
    assert!(example.contains("portal: https://yourportal.onlyoffice.com\n"));
    let out = crate::support::run::Run::new(&["plan"])
        .file(&example.replace("https://yourportal.onlyoffice.com", &sandbox.url()))
        .portal(&sandbox)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    let shown = out
        .stdout
        .replace(&sandbox.url(), "https://yourportal.onlyoffice.com");
    for page in ["README.md", "docs/using.md"] {
        assert!(
            read(page).contains(&format!("```text\n{shown}```")),
            "{page}'s plan example is out of date; plan prints:\n{shown}"
        );
    }
}

/// Every action of the workflows and of the pipeline users copy runs a reviewed commit: a full
/// SHA, with the version it is in a comment (zizmor lets the `actions/` ones through on a tag),
/// and every job asks for the permissions it needs, under a workflow that grants none.
#[test]
fn every_action_is_pinned_to_a_commit_and_every_job_has_its_own_permissions() {
    let mut files = vec!["examples/github-actions.yml".to_string()];
    for entry in std::fs::read_dir(format!("{ROOT}/.github/workflows")).expect("workflows") {
        let name = entry.expect("entry").file_name();
        files.push(format!(".github/workflows/{}", name.to_string_lossy()));
    }
    for file in files {
        let text = read(&file);
        for line in text.lines().filter(|l| {
            l.trim_start().starts_with("- uses:") || l.trim_start().starts_with("uses:")
        }) {
            let uses = line.split("uses:").nth(1).expect("a value").trim();
            if uses.starts_with("./") {
                continue;
            }
            let (_, rest) = uses
                .split_once('@')
                .unwrap_or_else(|| panic!("{file}: {line}"));
            let (sha, comment) = rest
                .split_once(" # v")
                .unwrap_or_else(|| panic!("{file}: no version comment: {line}"));
            assert!(
                sha.len() == 40 && sha.bytes().all(|b| b.is_ascii_hexdigit()),
                "{file}: not a full commit SHA: {line}"
            );
            assert!(
                comment.starts_with(|c: char| c.is_ascii_digit()),
                "{file}: {line}"
            );
        }
        let workflow: serde_json::Value = serde_saphyr::from_str(&text).expect("valid YAML");
        assert_eq!(workflow["permissions"], serde_json::json!({}), "{file}");
        for (name, job) in workflow["jobs"].as_object().expect("jobs") {
            assert!(job["permissions"].is_object(), "{file}: job {name}");
        }
    }
}

/// The `portals:` files docs/portals.md shows (staging and production, a fleet) are valid files.
#[test]
fn the_readme_portals_examples_validate() {
    let section = read("docs/portals.md");
    let blocks: Vec<&str> = section
        .split("```yaml\n")
        .skip(1)
        .map(|b| &b[..b.find("```").expect("a closed block")])
        .collect();
    assert_eq!(blocks.len(), 2, "staging/production and the fleet");
    for block in blocks {
        assert!(block.starts_with("portals:"), "{block}");
        let out = crate::support::run::Run::new(&["validate"])
            .file(block)
            .run();
        assert_eq!(out.code, 0, "{block}\n{out:?}");
    }
}

/// docs/delivery-health.md's `verify-signature` session is what a shell running its `$ ` lines shows (stdout
/// and stderr together, as a terminal does).
#[test]
fn the_readme_verify_signature_session_is_what_the_commands_print() {
    let readme = read("docs/delivery-health.md");
    let start = readme
        .find("\n## Checking a delivery's signature\n")
        .expect("the guide has the section");
    let block = &readme[start..];
    let block = &block[block.find("```text\n").expect("a session") + "```text\n".len()..];
    let block = &block[..block.find("```").expect("a closed block")];
    let (commands, shown): (Vec<&str>, Vec<&str>) =
        block.lines().partition(|line| line.starts_with("$ "));
    let script = commands
        .iter()
        .map(|line| &line[2..])
        .collect::<Vec<_>>()
        .join("\n");
    // `"$0"` is the binary: its directory goes first on PATH, so the lines run as written.
    let out = crate::support::run::Run::new(&[])
        .shell(&format!(
            "PATH=\"$(dirname \"$0\"):$PATH\"\nexec 2>&1\n{script}"
        ))
        .run();
    let mut expected = shown.join("\n");
    expected.push('\n');
    assert_eq!(out.stdout, expected, "{out:?}");
}

/// The Action installs, by default, the release it belongs to (release.yml refuses a tag that
/// is not this version), and the pipeline names that release beside the Action's commit.
#[test]
fn the_action_defaults_to_this_version_and_the_pipeline_names_it() {
    let action: serde_json::Value =
        serde_saphyr::from_str(&read("action.yml")).expect("valid YAML");
    let tag = concat!("v", env!("CARGO_PKG_VERSION"));
    assert_eq!(action["inputs"]["version"]["default"], tag);
    let pipeline = read("examples/github-actions.yml");
    let uses: Vec<&str> = pipeline
        .lines()
        .filter(|l| l.contains("uses: OWNER/docspace-webhooks@"))
        .collect();
    assert!(!uses.is_empty());
    for line in uses {
        assert!(line.ends_with(&format!(" # {tag}")), "{line}");
    }
}
