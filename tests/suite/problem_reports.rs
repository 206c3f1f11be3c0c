use serde_json::Value;

use crate::support::fake_portal::{FakePortal, Seed};
use crate::support::run::{Outcome, Run};

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
    assert_eq!(problems[1]["line"], 7, "{doc:#}");
    // The diagnostics on stderr are unchanged by the format.
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    {
      "format_version": 1,
      "valid": false,
      "webhooks": null,
      "errors": 2,
      "warnings": 0,
      "problems": [
        {
          "file": "webhooks.yaml",
          "line": 5,
          "column": 16,
          "end_line": 5,
          "end_column": 29,
          "severity": "error",
          "code": "config::unknown_trigger",
          "message": "unknown trigger `file.uplaoded`",
          "help": "did you mean `file.uploaded`?"
        },
        {
          "file": "webhooks.yaml",
          "line": 7,
          "column": 10,
          "end_line": 7,
          "end_column": 29,
          "severity": "error",
          "code": "config::bad_uri",
          "message": "`uri` has scheme `ftp`; only http and https are allowed",
          "help": null
        }
      ]
    }
    ----- stderr -----
      x the webhook file has 2 problems

      x unknown trigger `file.uplaoded`
       ,-[webhooks.yaml:5:16]
     4 |     secretKey: ***                
     5 |     triggers: [file.uplaoded]
       :                ^^^^^^|^^^^^^
       :                      `-- unknown trigger
     6 |   B:
       `----
      help: did you mean `file.uploaded`?

      x `uri` has scheme `ftp`; only http and https are allowed
       ,-[webhooks.yaml:7:10]
     6 |   B:
     7 |     uri: ftp://b.example.com
       :          ^^^^^^^^^|^^^^^^^^^
       :                   `-- not http or https
       `----

    ----- end -----
    "#);
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
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    {
      "format_version": 1,
      "valid": true,
      "webhooks": 1,
      "errors": 0,
      "warnings": 1,
      "problems": [
        {
          "file": "webhooks.yaml",
          "line": 2,
          "column": 3,
          "end_line": 2,
          "end_column": 4,
          "severity": "warning",
          "code": "config::literal_secret",
          "message": "the secretKey of 'A' is written in the file",
          "help": "read it from the environment instead: `secretKey: ${MY_WEBHOOK_SECRET}`"
        }
      ]
    }
    ----- stderr -----
      ! the secretKey of 'A' is written in the file
       ,-[webhooks.yaml:2:3]
     1 | webhooks:
     2 |   A:
       :   |
       :   `-- secret written literally in this entry
     3 |     uri: https://a.example.com
       `----
      help: read it from the environment instead: `secretKey: ${MY_WEBHOOK_SECRET}`

    ----- end -----
    "#);
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
    // The help follows the message on its own line, escaped into the one command; the
    // diagnostics are on stderr too.
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ::error file=webhooks.yaml,line=5,col=16,endLine=5,endColumn=29,title=config%3A%3Aunknown_trigger::unknown trigger `file.uplaoded`%0Ahelp: did you mean `file.uploaded`?
    ::error file=webhooks.yaml,line=7,col=10,endLine=7,endColumn=29,title=config%3A%3Abad_uri::`uri` has scheme `ftp`; only http and https are allowed
    ----- stderr -----
      x the webhook file has 2 problems

      x unknown trigger `file.uplaoded`
       ,-[webhooks.yaml:5:16]
     4 |     secretKey: ***                
     5 |     triggers: [file.uplaoded]
       :                ^^^^^^|^^^^^^
       :                      `-- unknown trigger
     6 |   B:
       `----
      help: did you mean `file.uploaded`?

      x `uri` has scheme `ftp`; only http and https are allowed
       ,-[webhooks.yaml:7:10]
     6 |   B:
     7 |     uri: ftp://b.example.com
       :          ^^^^^^^^^|^^^^^^^^^
       :                   `-- not http or https
       `----

    ----- end -----
    ");
}

#[test]
fn validate_github_annotates_warnings_and_still_passes() {
    let out = Run::new(&["validate", "--format", "github"])
        .file("webhooks:\n  \"9846\":\n    uri: https://a.example.com/100%\n")
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout.lines().count(), 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    ::warning file=webhooks.yaml,line=2,col=3,endLine=2,endColumn=9,title=config%3A%3Aquoted_id::"9846" is quoted, so it is a webhook name, not an id%0Ahelp: write 9846 without quotes to manage the webhook with that id
    ----- stderr -----
      ! "9846" is quoted, so it is a webhook name, not an id
       ,-[webhooks.yaml:2:3]
     1 | webhooks:
     2 |   "9846":
       :   ^^^|^^
       :      `-- a name
     3 |     uri: https://a.example.com/100%
       `----
      help: write 9846 without quotes to manage the webhook with that id

    ----- end -----
    "#);
}

/// The file a report names is the path as it is, escaped by the report's own rules (JSON's,
/// GitHub's), not as a terminal shows it: GitHub attaches the annotation to that file. Only a
/// character that would drive a terminal, which GitHub's commands cannot escape, is written as
/// a terminal shows it.
#[test]
fn a_report_names_the_file_as_it_is() {
    let dir = "a\nb,c:d%e\u{1b}[2J";
    let run = Run::new(&[
        "validate",
        "--format",
        "github",
        "-f",
        "a\nb,c:d%e\u{1b}[2J/w.yaml",
    ]);
    std::fs::create_dir(run.path(dir)).unwrap();
    let bad = "webhooks:\n  A:\n    uri: ftp://a.example.com\n";
    std::fs::write(run.path(&format!("{dir}/w.yaml")), bad).unwrap();
    let github = run.run();
    assert_eq!(github.code, 1, "{github:?}");
    assert!(
        github
            .stdout
            .starts_with("::error file=a%0Ab%2Cc%3Ad%25e\\u{1b}[2J/w.yaml,line=3,"),
        "{github:?}"
    );
    let run = Run::new(&[
        "validate",
        "--format",
        "json",
        "-f",
        "a\nb,c:d%e\u{1b}[2J/w.yaml",
    ]);
    std::fs::create_dir(run.path(dir)).unwrap();
    std::fs::write(run.path(&format!("{dir}/w.yaml")), bad).unwrap();
    let report = json(&run.run().stdout);
    assert_eq!(report["problems"][0]["file"], "a\nb,c:d%e\u{1b}[2J/w.yaml");
    // A directory given as the file: named as it is too.
    let run = Run::new(&["validate", "--format", "json", "-f", "d\ne.yaml"]);
    std::fs::create_dir(run.path("d\ne.yaml")).unwrap();
    let directory = json(&run.run().stdout);
    assert_eq!(directory["problems"][0]["code"], "config::not_a_file");
    assert_eq!(directory["problems"][0]["file"], "d\ne.yaml");
}

#[test]
fn a_file_that_cannot_be_read_is_reported_without_a_place() {
    let out = Run::new(&["validate", "--format", "json", "-f", "nope.yaml"]).run();
    assert_eq!(out.code, 1, "{out:?}");
    let problem = &json(&out.stdout)["problems"][0];
    assert_eq!(problem["file"], "nope.yaml");
    assert_eq!(problem["line"], Value::Null);
    assert_eq!(problem["code"], "config::io");
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    {
      "format_version": 1,
      "valid": false,
      "webhooks": null,
      "errors": 1,
      "warnings": 0,
      "problems": [
        {
          "file": "nope.yaml",
          "line": null,
          "column": null,
          "end_line": null,
          "end_column": null,
          "severity": "error",
          "code": "config::io",
          "message": "cannot read the webhook file nope.yaml: No such file or directory (os error 2)",
          "help": "pass the file with `-f PATH`, or start one from the webhooks the portal has: `docspace-webhooks export > nope.yaml`"
        }
      ]
    }
    ----- stderr -----
      x cannot read the webhook file nope.yaml
      `-> No such file or directory (os error 2)
      help: pass the file with `-f PATH`, or start one from the webhooks the portal has: `docspace-webhooks export > nope.yaml`

    ----- end -----
    "#);

    let out = Run::new(&["validate", "--format", "github", "-f", "nope.yaml"]).run();
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ::error file=nope.yaml,title=config%3A%3Aio::cannot read the webhook file nope.yaml: No such file or directory (os error 2)%0Ahelp: pass the file with `-f PATH`, or start one from the webhooks the portal has: `docspace-webhooks export > nope.yaml`
    ----- stderr -----
      x cannot read the webhook file nope.yaml
      `-> No such file or directory (os error 2)
      help: pass the file with `-f PATH`, or start one from the webhooks the portal has: `docspace-webhooks export > nope.yaml`

    ----- end -----
    ");
}

#[test]
fn a_file_that_does_not_parse_and_may_hold_a_secret_keeps_it_out_of_the_reports() {
    let yaml = format!("webhooks:\n  A:\n    secretKey: {SECRET}\n    uri: [\n");
    let mut views = String::new();
    for format in ["json", "github"] {
        let out = Run::new(&["validate", "--format", format])
            .file(&yaml)
            .run();
        assert_eq!(out.code, 1, "{out:?}");
        assert!(
            !out.all().contains(SECRET),
            "secret leaked with {format}: {out:?}"
        );
        views += &format!("$ validate --format {format}\n{}\n", out.user_view());
    }
    insta::assert_snapshot!(views, @r#"
    $ validate --format json
    exit: 1
    ----- stdout -----
    {
      "format_version": 1,
      "valid": false,
      "webhooks": null,
      "errors": 1,
      "warnings": 0,
      "problems": [
        {
          "file": "webhooks.yaml",
          "line": 4,
          "column": 10,
          "end_line": 4,
          "end_column": 11,
          "severity": "error",
          "code": "config::yaml",
          "message": "invalid YAML: unclosed bracket '[' (at webhooks.yaml:4:10)",
          "help": "the file's lines are not shown: it may hold a secret or credentials, which cannot be told apart from the rest in a file that does not parse"
        }
      ]
    }
    ----- stderr -----
      x the webhook file has 1 problem

      x invalid YAML: unclosed bracket '[' (at webhooks.yaml:4:10)
      help: the file's lines are not shown: it may hold a secret or credentials, which cannot be told apart from the rest in a file that does not parse

    ----- end -----

    $ validate --format github
    exit: 1
    ----- stdout -----
    ::error file=webhooks.yaml,line=4,col=10,endLine=4,endColumn=11,title=config%3A%3Ayaml::invalid YAML: unclosed bracket '[' (at webhooks.yaml:4:10)%0Ahelp: the file's lines are not shown: it may hold a secret or credentials, which cannot be told apart from the rest in a file that does not parse
    ----- stderr -----
      x the webhook file has 1 problem

      x invalid YAML: unclosed bracket '[' (at webhooks.yaml:4:10)
      help: the file's lines are not shown: it may hold a secret or credentials, which cannot be told apart from the rest in a file that does not parse

    ----- end -----
    "#);
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
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ::error file=webhooks.yaml,line=3,col=3,endLine=3,endColumn=7,title=plan%3A%3Aunknown_id::no live webhook has id 9846%0Ahelp: an integer key names an existing webhook; key the entry by name to create it
    ----- stderr -----
      x the webhook file has 1 problem

      x no live webhook has id 9846
       ,-[webhooks.yaml:3:3]
     2 |   Audit: {}
     3 |   9846:
       :   ^^|^
       :     `-- not on the portal
     4 |     enabled: false
       `----
      help: an integer key names an existing webhook; key the entry by name to create it

    ----- end -----
    ");

    // Without --problems, a text plan's stdout stays empty; json follows --format.
    let text = Run::new(&["plan"]).file(file).portal(&portal).run();
    assert_eq!((text.code, text.stdout.as_str()), (1, ""), "{text:?}");
    let doc = Run::new(&["plan", "--format", "json"])
        .file(file)
        .portal(&portal)
        .run();
    assert_eq!(json(&doc.stdout)["problems"][0]["line"], 3, "{doc:?}");
}

/// Every report counts a column in characters: after `Größe` on the line, the diagnostic's
/// header, the JSON report and the GitHub annotation name the same column (miette counts bytes).
#[test]
fn every_report_gives_the_same_column_on_a_line_with_non_ascii_characters() {
    for file in [
        "webhooks:\n  Größe: {uri: https://a.example.com, triggers: [nope]}\n",
        // A zero-width space, which the diagnostic's copy of the file shows as `???`.
        "webhooks:\n  Gr\u{200B}e: {uri: https://a.example.com, triggers: [nope]}\n",
    ] {
        let (text, json, github) = columns(file);
        let problem = &self::json(&json.stdout)["problems"][0];
        let column = 50 - usize::from(file.contains('\u{200B}'));
        assert_eq!(
            (&problem["line"], &problem["column"]),
            (&2.into(), &column.into())
        );
        assert!(
            text.stderr.contains(&format!("[webhooks.yaml:2:{column}]")),
            "{text:?}"
        );
        assert!(
            github.stdout.contains(&format!(",line=2,col={column},")),
            "{github:?}"
        );
    }
}

/// `validate` of `file` in text, JSON and github.
fn columns(file: &str) -> (Outcome, Outcome, Outcome) {
    let run = |format: &str| (Run::new(&["validate", "--format", format]).file(file)).run();
    (run("text"), run("json"), run("github"))
}
