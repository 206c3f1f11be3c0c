//! The documentation a user copies from stays true to the files it shows.

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{ROOT}/{path}")).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_readme_shows_the_pipeline_example_verbatim_and_it_is_yaml() {
    let pipeline = read("examples/github-actions.yml");
    assert!(
        read("README.md").contains(&pipeline),
        "README's copy is out of date"
    );
    let parsed: serde_json::Value =
        serde_saphyr::from_str(&pipeline).expect("the workflow is valid YAML");
    for job in ["plan", "apply"] {
        assert!(parsed["jobs"][job]["steps"].is_array(), "job {job}");
    }
    assert!(
        pipeline.contains("--format markdown") && pipeline.contains("apply webhooks.plan.json")
    );
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
    assert!(
        read("README.md").contains(&format!("```text\n{shown}```")),
        "README's plan example is out of date; plan prints:\n{shown}"
    );
}

#[test]
fn the_pipeline_installs_the_tool_once_per_version_and_keeps_one_plan_comment() {
    let pipeline: serde_json::Value =
        serde_saphyr::from_str(&read("examples/github-actions.yml")).expect("valid YAML");
    let tag = pipeline["env"]["DOCSPACE_WEBHOOKS_TAG"].as_str();
    assert!(tag.is_some_and(|t| !t.is_empty()), "the release is pinned");
    let steps = |job: &str| {
        pipeline["jobs"][job]["steps"]
            .as_array()
            .expect("steps")
            .clone()
    };
    let text = |step: &serde_json::Value, key: &str| step[key].as_str().unwrap_or("").to_string();
    for job in ["plan", "apply"] {
        let steps = steps(job);
        let cache = steps
            .iter()
            .find(|s| text(s, "uses").starts_with("actions/cache@"))
            .unwrap_or_else(|| panic!("{job}: no cache step"));
        let key = cache["with"]["key"].as_str().expect("a cache key");
        assert!(key.contains("env.DOCSPACE_WEBHOOKS_TAG"), "{job}: {key}");
        let install = steps
            .iter()
            .find(|s| text(s, "run").contains("cargo install"))
            .unwrap_or_else(|| panic!("{job}: no install step"));
        assert!(
            text(install, "if").contains(&format!(
                "steps.{}.outputs.cache-hit != 'true'",
                text(cache, "id")
            )),
            "{job}: installs only on a cache miss: {install}"
        );
        let run = text(install, "run");
        assert!(
            run.contains("--locked") && run.contains("--tag \"$DOCSPACE_WEBHOOKS_TAG\""),
            "{run}"
        );
        assert!(
            run.contains(&format!(
                "--root {}",
                cache["with"]["path"].as_str().unwrap()
            )),
            "installs where the cache is: {run}"
        );
    }
    let plan_job = &pipeline["jobs"]["plan"];
    assert_eq!(plan_job["permissions"]["pull-requests"], "write");
    assert!(
        pipeline["jobs"]["apply"]["permissions"].is_null(),
        "apply keeps read-only defaults"
    );
    let comment = steps("plan")
        .into_iter()
        .find(|s| text(s, "run").contains("<!-- docspace-webhooks-plan -->"))
        .expect("a step keeps the plan comment");
    let run = text(&comment, "run");
    assert!(
        run.contains("--method PATCH") && run.contains("--method POST"),
        "{run}"
    );
    assert!(run.contains("cat plan.md"), "{run}");
}

/// The `portals:` files the README shows (staging and production, a fleet) are valid files.
#[test]
fn the_readme_portals_examples_validate() {
    let readme = read("README.md");
    let start = readme
        .find("\n## Several portals in one file\n")
        .expect("the README has the section");
    let section = &readme[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
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

/// The README's `verify-signature` session is what a shell running its `$ ` lines shows (stdout
/// and stderr together, as a terminal does).
#[test]
fn the_readme_verify_signature_session_is_what_the_commands_print() {
    let readme = read("README.md");
    let start = readme
        .find("\n## Checking a delivery's signature\n")
        .expect("the README has the section");
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
