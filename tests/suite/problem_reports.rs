use serde_json::Value;

use crate::support::fake_portal::{FakePortal, Seed};
use crate::support::run::Run;

/// A literal secret on the line next to two errors: the reports must not show it.
const SECRET: &str = "hunter2-Very-Secret";
fn bad_file() -> String {
    format!(
        "webhooks:\n  A:\n    uri: https://a.example.com\n    secretKey: {SECRET}\n    triggers: [file.uplaoded]\n  B:\n    uri: ftp://b.example.com\n"
    )
}

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

#[test]
fn validate_json_lists_every_problem_with_its_place_and_no_secret() {
    let out = Run::new(&["validate", "--format", "json"])
        .file(&bad_file())
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(!out.all().contains(SECRET), "secret leaked: {out:?}");
    let doc = json(&out.stdout);
    assert_eq!(doc["format_version"], 1);
    assert_eq!(doc["valid"], false);
    assert_eq!(doc["webhooks"], Value::Null);
    assert_eq!(doc["errors"], 2, "{doc:#}");
    let problems = doc["problems"].as_array().expect("problems");
    let trigger = &problems[0];
    assert_eq!(trigger["file"], "webhooks.yaml");
    assert_eq!(trigger["line"], 5);
    assert_eq!(trigger["column"], 16);
    assert_eq!(trigger["severity"], "error");
    assert_eq!(trigger["code"], "config::unknown_trigger");
    assert!(
        trigger["message"]
            .as_str()
            .unwrap()
            .contains("file.uplaoded"),
        "{trigger}"
    );
    assert!(
        trigger["help"].as_str().unwrap().contains("file.uploaded"),
        "{trigger}"
    );
    assert_eq!(problems[1]["line"], 7, "{doc:#}");
    // The diagnostics on stderr are unchanged by the format.
    assert!(out.stderr.contains("webhooks.yaml:5"), "{out:?}");
}

#[test]
fn validate_json_of_a_valid_file_includes_its_warnings() {
    let out = Run::new(&["validate", "--format", "json"])
        .file(&format!(
            "webhooks:\n  A:\n    uri: https://a.example.com\n    secretKey: {SECRET}\n"
        ))
        .run();
    assert_eq!(out.code, 0, "a warning does not fail validation: {out:?}");
    assert!(!out.all().contains(SECRET), "secret leaked: {out:?}");
    let doc = json(&out.stdout);
    assert_eq!(doc["valid"], true);
    assert_eq!(doc["webhooks"], 1);
    assert_eq!(
        (doc["errors"].clone(), doc["warnings"].clone()),
        (0.into(), 1.into())
    );
    let warning = &doc["problems"][0];
    assert_eq!(warning["severity"], "warning");
    assert_eq!(warning["code"], "config::literal_secret");
    assert_eq!(warning["line"], 2);
}

#[test]
fn validate_github_prints_one_annotation_per_problem() {
    let out = Run::new(&["validate", "--format", "github"])
        .file(&bad_file())
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(!out.all().contains(SECRET), "secret leaked: {out:?}");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{out:?}");
    assert!(
        lines[0].starts_with(
            "::error file=webhooks.yaml,line=5,col=16,endLine=5,endColumn=29,title=config%3A%3Aunknown_trigger::"
        ),
        "{}",
        lines[0]
    );
    // The help follows the message on its own line, escaped into the one command.
    assert!(lines[0].contains("%0Ahelp: "), "{}", lines[0]);
    assert!(
        lines[1].starts_with("::error file=webhooks.yaml,line=7,"),
        "{}",
        lines[1]
    );
    assert!(
        out.stderr.contains("webhooks.yaml:7"),
        "diagnostics too: {out:?}"
    );
}

#[test]
fn validate_github_annotates_warnings_and_still_passes() {
    let out = Run::new(&["validate", "--format", "github"])
        .file("webhooks:\n  \"9846\":\n    uri: https://a.example.com/100%\n")
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout.lines().count(), 1, "{out:?}");
    assert!(
        out.stdout
            .starts_with("::warning file=webhooks.yaml,line=2,"),
        "{out:?}"
    );
    assert!(
        out.stdout.contains("title=config%3A%3Aquoted_id::"),
        "{out:?}"
    );
}

#[test]
fn a_file_that_cannot_be_read_is_reported_without_a_place() {
    let out = Run::new(&["validate", "--format", "json", "-f", "nope.yaml"]).run();
    assert_eq!(out.code, 1, "{out:?}");
    let problem = &json(&out.stdout)["problems"][0];
    assert_eq!(problem["file"], "nope.yaml");
    assert_eq!(problem["line"], Value::Null);
    assert_eq!(problem["code"], "config::io");
    assert!(
        problem["help"].as_str().unwrap().contains("-f PATH"),
        "{problem}"
    );

    let out = Run::new(&["validate", "--format", "github", "-f", "nope.yaml"]).run();
    assert!(
        out.stdout
            .starts_with("::error file=nope.yaml,title=config%3A%3Aio::cannot read"),
        "{out:?}"
    );
}

#[test]
fn a_file_that_does_not_parse_and_may_hold_a_secret_keeps_it_out_of_the_reports() {
    let yaml = format!("webhooks:\n  A:\n    secretKey: {SECRET}\n    uri: [\n");
    for format in ["json", "github"] {
        let out = Run::new(&["validate", "--format", format])
            .file(&yaml)
            .run();
        assert_eq!(out.code, 1, "{out:?}");
        assert!(
            !out.all().contains(SECRET),
            "secret leaked with {format}: {out:?}"
        );
        assert!(out.stdout.contains("webhooks.yaml"), "{out:?}");
    }
}

#[test]
fn plan_json_reports_file_problems_as_that_document() {
    // Refused before the portal is contacted: no portal needed.
    let out = Run::new(&["plan", "--format", "json"])
        .file(&bad_file())
        .env("DOCSPACE_URL", "https://127.0.0.1:9")
        .env("DOCSPACE_API_KEY", "sk-test")
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(!out.all().contains(SECRET), "secret leaked: {out:?}");
    let doc = json(&out.stdout);
    assert_eq!(doc["valid"], false);
    assert_eq!(doc["problems"][0]["line"], 5);
}

#[test]
fn plan_reports_matching_problems_as_annotations_when_asked() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Audit", "https://audit.example.com/h"));
    let file = "webhooks:\n  Audit: {}\n  9846:\n    enabled: false\n";
    let out = Run::new(&["plan", "--problems", "github"])
        .file(file)
        .portal(&portal)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout
            .starts_with("::error file=webhooks.yaml,line=3,col=3,"),
        "{out:?}"
    );
    assert!(out.stdout.contains("9846"), "{out:?}");

    // Without --problems, a text plan's stdout stays empty; json follows --format.
    let text = Run::new(&["plan"]).file(file).portal(&portal).run();
    assert_eq!((text.code, text.stdout.as_str()), (1, ""), "{text:?}");
    let doc = Run::new(&["plan", "--format", "json"])
        .file(file)
        .portal(&portal)
        .run();
    assert_eq!(json(&doc.stdout)["problems"][0]["line"], 3, "{doc:?}");
}
