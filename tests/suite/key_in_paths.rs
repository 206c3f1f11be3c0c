//! A path that holds an API key (a directory named after it): every path the tool shows, on
//! stdout as on stderr, has the key as `[redacted]` (docs/plans.md, "Saved plans").

use std::path::Path;

use crate::support::fake_portal::{FakePortal, Seed};
use crate::support::fleet::Fleet;
use crate::support::run::{Outcome, Run};

/// `args` run in `dir` (so paths stay relative, as typed), with `env` set.
fn run_in(dir: &Path, args: &[&str], env: &[(String, String)]) -> Outcome {
    let mut run = Run::new(args);
    for (key, value) in env {
        run = run.env(key, value);
    }
    let mut command = run.command();
    command.current_dir(dir);
    let out = assert_cmd::Command::from_std(command)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("run binary");
    Outcome {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Each run's command line (as typed, the key shown as `KEY`) over its whole output, with no
/// trace of `keys` anywhere in it.
fn views(dir: &Path, runs: &[&[&str]], env: &[(String, String)], keys: &[&str]) -> String {
    let mut all = String::new();
    for args in runs {
        let out = run_in(dir, args, env);
        for key in keys {
            let random = key.strip_prefix("sk-").unwrap_or(key);
            assert!(!out.all().contains(random), "{args:?}: {out:?}");
        }
        let typed = keys.iter().fold(args.join(" "), |s, k| s.replace(k, "KEY"));
        all.push_str(&format!("$ {typed}\n{}\n", out.user_view()));
    }
    all
}

#[test]
fn the_key_in_a_path_is_hidden_on_stdout_in_every_form() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Crm", "https://crm.example.com/h"));
    let key = portal.api_key();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(&key)).unwrap();
    let good = format!("{key}/good.yaml");
    std::fs::write(dir.path().join(&good), "webhooks:\n  1:\n    ssl: false\n").unwrap();
    let bad = format!("{key}/bad.yaml");
    std::fs::write(dir.path().join(&bad), "webhooks:\n  77777:\n    name: x\n").unwrap();
    let (missing, plan) = (format!("{key}/missing.yaml"), format!("{key}/p.json"));
    let env = [
        ("DOCSPACE_URL".to_string(), portal.url()),
        ("DOCSPACE_API_KEY".to_string(), key.clone()),
    ];
    let runs: [&[&str]; 9] = [
        &["plan", "-f", &bad, "--problems", "json"],
        &["plan", "-f", &bad, "--problems", "github"],
        &["validate", "-f", &good],
        &["validate", "-f", &missing, "--format", "json"],
        &["validate", "-f", &missing, "--format", "github"],
        &["plan", "-f", &good, "--out", &plan],
        &["show", &plan, "-f", &good],
        &["show", &plan, "-f", &good, "--format", "markdown"],
        &["man", "--dir", &key],
    ];
    insta::assert_snapshot!(views(dir.path(), &runs, &env, &[&key]));
}

/// A `portals:` file's own `apiKey: ${VAR}` is known once the file is read: hidden in its path
/// as `DOCSPACE_API_KEY`'s is, on stdout and in each warning on stderr.
#[test]
fn a_portal_s_own_key_in_a_path_is_hidden_once_the_file_is_read() {
    let fleet = Fleet::start(&["billing"]);
    fleet
        .portal("billing")
        .seed(Seed::new("Crm", "https://crm.example.com/h"));
    let key = fleet.key("billing").to_string();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(&key)).unwrap();
    // A literal secret: a warning, which names the file.
    let own = "webhooks:\n  Crm:\n    secretKey: literal-Secret-42\n";
    let good = format!("{key}/fleet.yaml");
    let yaml = fleet.portals_yaml(&[("billing", own)]);
    std::fs::write(dir.path().join(&good), yaml).unwrap();
    let bad = format!("{key}/bad.yaml");
    let yaml = fleet.portals_yaml(&[("billing", "webhooks:\n  77777:\n    name: x\n")]);
    std::fs::write(dir.path().join(&bad), yaml).unwrap();
    let (plan, missing) = (format!("{key}/p.json"), format!("{key}/missing.json"));
    let runs: [&[&str]; 6] = [
        &["validate", "-f", &good, "--format", "github"],
        &["validate", "-f", &good],
        &["plan", "-f", &bad, "--problems", "json"],
        &["plan", "-f", &good, "--out", &plan],
        &["show", &plan, "-f", &good],
        // Refused before the file is used: its keys are read to hide them, as apply does.
        &["show", &missing, "-f", &good],
    ];
    insta::assert_snapshot!(views(dir.path(), &runs, &fleet.env(), &[&key]));
}

/// An `--out` refused before any request (a missing folder, a file there already) names a path
/// that may hold a `portals:` file's own key: the file is read first, so it shows `[redacted]`.
#[test]
fn an_out_path_refused_hides_a_portal_s_own_key_and_asks_nothing() {
    let fleet = Fleet::start(&["billing"]);
    let key = fleet.key("billing").to_string();
    let dir = tempfile::tempdir().unwrap();
    let yaml = fleet.portals_yaml(&[("billing", "webhooks:\n  Crm:\n    enabled: true\n")]);
    std::fs::write(dir.path().join("fleet.yaml"), yaml).unwrap();
    std::fs::create_dir(dir.path().join("there")).unwrap();
    let there = format!("there/{key}.yaml");
    std::fs::write(dir.path().join(&there), "kept\n").unwrap();
    let missing = format!("{key}/out.yaml");
    let runs: [&[&str]; 3] = [
        &[
            "export",
            "-f",
            "fleet.yaml",
            "--portal",
            "billing",
            "--out",
            &missing,
        ],
        &[
            "export",
            "-f",
            "fleet.yaml",
            "--portal",
            "billing",
            "--out",
            &there,
        ],
        &["plan", "-f", "fleet.yaml", "--out", &missing],
    ];
    insta::assert_snapshot!(views(dir.path(), &runs, &fleet.env(), &[&key]), @"
    $ export -f fleet.yaml --portal billing --out KEY/out.yaml
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x could not write [redacted]/out.yaml
      `-> the folder [redacted] does not exist

    ----- end -----

    $ export -f fleet.yaml --portal billing --out there/KEY.yaml
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x refusing to write there/[redacted].yaml: it already exists; nothing was written
      help: pass --force to replace it (after reviewing what it holds), or choose another path

    ----- end -----

    $ plan -f fleet.yaml --out KEY/out.yaml
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x could not write [redacted]/out.yaml
      `-> the folder [redacted] does not exist

    ----- end -----
    ");
    assert_eq!(fleet.request_count(), 0);
}

/// A secret that is an ordinary word of the file's path (a secretKey `webhooks`) hides that
/// word in every path shown: the run says why, by the secret's source, never its value.
#[test]
fn a_secret_that_is_a_word_of_the_path_says_why_the_path_is_hidden() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Crm", "https://crm.example.com/h"));
    let dir = tempfile::tempdir().unwrap();
    let file = "webhooks:\n  Crm:\n    uri: https://crm.example.com/h\n    secretKey: ${S}\n";
    std::fs::write(dir.path().join("webhooks.yaml"), file).unwrap();
    let env = [
        ("DOCSPACE_URL".to_string(), portal.url()),
        ("DOCSPACE_API_KEY".to_string(), portal.api_key()),
        ("S".to_string(), "webhooks".to_string()),
    ];
    let runs: [&[&str]; 2] = [&["validate"], &["plan", "--out", "webhooks-plan.json"]];
    insta::assert_snapshot!(views(dir.path(), &runs, &env, &[]));
}

#[test]
fn a_path_encoded_too_deeply_names_the_secret_that_hides_it() {
    // A path shown is decoded only as far as the tool decodes: the secret it holds as written
    // hides it, and is the one named, not the %-encoding too deep to check (which hides nothing).
    let dir = tempfile::tempdir().unwrap();
    let deep = "deep%25252525252525252525252541";
    std::fs::create_dir(dir.path().join(deep)).unwrap();
    let file = "webhooks:\n  Crm:\n    uri: https://crm.example.com/h\n    secretKey: ${S}\n";
    std::fs::write(dir.path().join(deep).join("webhooks.yaml"), file).unwrap();
    let env = [("S".to_string(), "webhooks".to_string())];
    let path = format!("{deep}/webhooks.yaml");
    let runs: [&[&str]; 1] = [&["validate", "-f", &path]];
    insta::assert_snapshot!(views(dir.path(), &runs, &env, &[]), @"
    $ validate -f deep%25252525252525252525252541/webhooks.yaml
    exit: 0
    ----- stdout -----
    deep%25252525252525252525252541/[redacted].yaml is valid: 1 webhook(s).
    ----- stderr -----
    The file's path is shown as deep%25252525252525252525252541/[redacted].yaml: it holds the secretKey from environment variable S, which every path shown hides. A secret that is an ordinary word hides that word wherever it is; a longer random secret ends it.
    ----- end -----
    ");
}

/// The note says why the path is hidden whatever hides it: a `uri: ${VAR}`'s value, the
/// `DOCSPACE_API_KEY` a `portals:` file does not use, the secret of a file that does not load.
#[test]
fn the_path_says_why_it_is_hidden_by_a_uri_an_unused_key_or_a_file_that_does_not_load() {
    let dir = tempfile::tempdir().unwrap();
    let (uri_dir, key_dir, bad_dir) = ("crm.example.com/Tok3nDir99", "sk-Unused0Key12345", "bad");
    for sub in [uri_dir, key_dir, bad_dir] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
    }
    let write = |path: &str, text: &str| std::fs::write(dir.path().join(path), text).unwrap();
    write(
        &format!("{uri_dir}/webhooks.yaml"),
        "webhooks:\n  Crm:\n    uri: ${U}\n",
    );
    let portals = "portals:\n  billing:\n    url: https://billing.example.com\n    apiKey: \
                   ${BILLING_KEY}\n    webhooks:\n      Crm:\n        uri: https://crm.example.com/h\n";
    write(&format!("{key_dir}/webhooks.yaml"), portals);
    let bad = "webhooks:\n  Crm:\n    uri: https://crm.example.com/h\n    secretKey: ${S}\n    \
               colour: red\n";
    write(&format!("{bad_dir}/webhooks.yaml"), bad);
    let env = [
        ("U", "https://crm.example.com/Tok3nDir99"),
        ("DOCSPACE_API_KEY", key_dir),
        ("BILLING_KEY", "sk-Billing0Key12345"),
        ("S", "webhooks"),
    ]
    .map(|(var, value)| (var.to_string(), value.to_string()));
    let paths = [uri_dir, key_dir, bad_dir].map(|d| format!("{d}/webhooks.yaml"));
    let runs = paths.each_ref().map(|p| ["validate", "-f", p.as_str()]);
    let runs: Vec<&[&str]> = runs.iter().map(|r| r.as_slice()).collect();
    insta::assert_snapshot!(views(dir.path(), &runs, &env, &[key_dir]));
}

/// A path that spells the key with an escape is hidden as the list check finds it, decoded:
/// the word that holds it, whole, since no position of the key maps back to the path; the
/// words around it show.
#[test]
fn a_key_spelled_with_an_escape_in_a_path_hides_the_word_that_holds_it() {
    let (key, dir_name) = ("sk-Enc0ded0Key112345", "sk-Enc0ded0Key%3112345");
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(dir_name)).unwrap();
    let file = "webhooks:\n  Crm:\n    uri: https://crm.example.com/h\n";
    std::fs::write(dir.path().join(dir_name).join("webhooks.yaml"), file).unwrap();
    let env = [("DOCSPACE_API_KEY".to_string(), key.to_string())];
    let (good, missing) = (
        format!("{dir_name}/webhooks.yaml"),
        "100%25 sure/sk-Enc0ded0Key%3112345.yaml",
    );
    let runs: [&[&str]; 2] = [&["validate", "-f", &good], &["validate", "-f", missing]];
    insta::assert_snapshot!(views(dir.path(), &runs, &env, &[key]), @"
    $ validate -f sk-Enc0ded0Key%3112345/webhooks.yaml
    exit: 0
    ----- stdout -----
    [redacted] is valid: 1 webhook(s).
    ----- stderr -----
    The file's path is shown as [redacted]: it holds the API key from environment variable DOCSPACE_API_KEY, which every path shown hides. A secret that is an ordinary word hides that word wherever it is; a longer random secret ends it.
    ----- end -----

    $ validate -f 100%25 sure/sk-Enc0ded0Key%3112345.yaml
    exit: 1
    ----- stdout -----
    ----- stderr -----
    The file's path is shown as 100%25 [redacted]: it holds the API key from environment variable DOCSPACE_API_KEY, which every path shown hides. A secret that is an ordinary word hides that word wherever it is; a longer random secret ends it.
      x cannot read the webhook file 100%25 [redacted]
      `-> No such file or directory (os error 2)
      help: pass the file with `-f PATH`, or start one from the webhooks the portal has: `docspace-webhooks export > '100%25 [redacted]'`

    ----- end -----
    ");
}
