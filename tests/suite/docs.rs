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
    let sandbox = crate::support::fake_portal::FakePortal::example_sandbox();
    let out =
        crate::support::run::Run::new(&["plan", "-f", &format!("{ROOT}/webhooks.example.yaml")])
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
