//! Issue 19, "Saved plans", under attack: a saved plan carries changes, not trust. Every edit
//! an attacker can make to a plan artifact is tried against real listeners, and each must end
//! with no key or secret sent anywhere but where the reviewed file says, and nothing written.
//!
//! The listeners: the portals of the file, each accepting only its own key, and `evil`, a
//! portal no file names. The environment holds, besides what the file reads, a token and a
//! spare key an attacker would like to send (`GITHUB_TOKEN`, `DOCSPACE_API_KEY`).

use std::path::{Path, PathBuf};

use crate::support::fake_portal::{FakePortal, Options, Seed};
use crate::support::fleet::Fleet;
use crate::support::run::{Outcome, Run};

const SECRET: &str = "trust-Hook-Secret-7";
const TOKEN: &str = "ghp_trustTokenThatMustNeverLeave0123";
const SPARE_KEY: &str = "sk-spare-docspace-key-0123456789";

/// Moves `Hook 1` and creates `New`, whose secret is `${HOOK_SECRET}`.
const WEBHOOKS: &str = "webhooks:
  Hook 1:
    uri: https://h1.example.com/new
  New:
    uri: https://n.example.com/h
    secretKey: ${HOOK_SECRET}
";

/// A `portals:` file of `a` and `b`, planned into `plan.json`, and a portal nobody names.
struct Scene {
    fleet: Fleet,
    evil: FakePortal,
    /// The planning run: its directory holds `webhooks.yaml` and `plan.json`.
    planned: Run,
}

impl Scene {
    fn new() -> Scene {
        let fleet = Fleet::start(&["a", "b"]);
        for (_, fake) in fleet.up() {
            fake.seed(Seed::new("Hook 1", "https://h1.example.com/old"));
        }
        let file = format!("{}{WEBHOOKS}", fleet.portals_yaml(&[]));
        let planned = environment(Run::new(&["plan", "--out", "plan.json"]), &fleet).file(&file);
        let out = planned.run();
        assert_eq!(out.code, 0, "{out:?}");
        fleet.clear_requests();
        Scene {
            fleet,
            evil: evil(),
            planned,
        }
    }

    fn plan(&self) -> PathBuf {
        self.planned.path("plan.json")
    }

    /// `args` then the plan, in a directory that holds only the reviewed file.
    fn run(&self, args: &[&str]) -> Outcome {
        let plan = self.plan();
        let mut all = args.to_vec();
        all.push(plan.to_str().unwrap());
        environment(Run::new(&all), &self.fleet)
            .reviewed(&plan)
            .run()
    }

    /// No key, secret or token reached a listener it does not belong to, nothing was written
    /// anywhere, and no output holds one.
    fn assert_nothing_leaked_or_written(&self, what: &str, outs: &[&Outcome]) {
        assert!(
            self.evil.requests().is_empty(),
            "{what}: the portal no file names was contacted: {:?}",
            self.evil.requests()
        );
        for (name, fake) in self.fleet.up() {
            assert_own_key_only(what, fake, self.fleet.key(name));
        }
        assert_eq!(self.fleet.write_count(), 0, "{what}: nothing is written");
        let values = [
            TOKEN,
            SPARE_KEY,
            SECRET,
            self.fleet.key("a"),
            self.fleet.key("b"),
        ];
        for out in outs {
            for value in values {
                assert!(!out.all().contains(value), "{what}: {value} shown: {out:?}");
            }
        }
    }
}

/// The environment of every run: each portal's key in its variable, the secret the file reads,
/// and what an attacker would like sent.
fn environment(run: Run, fleet: &Fleet) -> Run {
    fleet
        .env()
        .iter()
        .fold(run, |run, (k, v)| run.env(k, v))
        .env("HOOK_SECRET", SECRET)
        .env("GITHUB_TOKEN", TOKEN)
        .env("DOCSPACE_API_KEY", SPARE_KEY)
}

fn evil() -> FakePortal {
    FakePortal::start_with(Options {
        api_key: "sk-evil-accepts-nothing-we-have-0".into(),
        ..Options::default()
    })
}

/// Every request `fake` received carried its own key, or none, and held no other credential.
fn assert_own_key_only(what: &str, fake: &FakePortal, own: &str) {
    let bearer = format!("Bearer {own}");
    for request in fake.requests() {
        if let Some(auth) = request.header("authorization") {
            assert_eq!(auth, bearer, "{what}: another key reached {}", fake.url());
        }
        let everything = format!("{:?} {:?}", request.headers, request.body);
        for value in [TOKEN, SPARE_KEY] {
            assert!(
                !everything.contains(value),
                "{what}: {value} sent to {}",
                fake.url()
            );
        }
    }
}

/// An attacker's edit of a saved plan's JSON.
type Edit = fn(&mut serde_json::Value);
/// The same, given the URL of the portal no file names.
type EditWith = fn(&mut serde_json::Value, &str);

/// Rewrites the saved plan at `path` through `edit`, as an attacker with the artifact would.
fn edit(path: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    edit(&mut doc);
    std::fs::write(path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
}

/// `apply` and `show` (in every format) of the edited plan: all refused.
fn refused(scene: &Scene, what: &str) -> Vec<Outcome> {
    let mut outs = vec![scene.run(&["apply"])];
    for format in ["text", "json", "markdown"] {
        outs.push(scene.run(&["show", "--format", format]));
    }
    for out in &outs {
        assert_eq!(out.code, 1, "{what}: {out:?}");
    }
    outs
}

#[test]
fn an_untouched_plan_sends_each_key_to_its_own_portal_and_the_files_secret() {
    // The control: the checks below would see a key in the wrong place.
    let scene = Scene::new();
    let out = scene.run(&["apply"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(scene.evil.requests().is_empty());
    for (name, fake) in scene.fleet.up() {
        assert_own_key_only("untouched", fake, scene.fleet.key(name));
        let new = fake.webhooks().into_iter().find(|w| w.name == "New");
        assert_eq!(new.expect("created").secret_key, SECRET);
    }
    let text = std::fs::read_to_string(scene.plan()).unwrap();
    for named in ["HOOK_SECRET", "FLEET_KEY_A", "127.0.0.1"] {
        assert!(!text.contains(named), "only the file names {named}: {text}");
    }
}

#[test]
fn a_plan_edited_to_name_another_key_variable_or_url_is_refused() {
    let edits: [(&str, EditWith); 5] = [
        ("a key variable", |d, _| {
            d["portals"][0]["api_key_env"] = "GITHUB_TOKEN".into()
        }),
        ("the spare key's variable", |d, _| {
            d["portals"][1]["api_key_env"] = "DOCSPACE_API_KEY".into()
        }),
        ("two portals' variables swapped", |d, _| {
            d["portals"][0]["api_key_env"] = "FLEET_KEY_B".into();
            d["portals"][1]["api_key_env"] = "FLEET_KEY_A".into();
        }),
        ("another URL", |d, evil| {
            d["portals"][0]["portal"] = evil.into()
        }),
        ("a portal the file does not have", |d, _| {
            d["portals"][1]["name"] = "c".into()
        }),
    ];
    for (what, change) in edits {
        let scene = Scene::new();
        let evil = scene.evil.url();
        edit(&scene.plan(), |d| change(d, &evil));
        let outs = refused(&scene, what);
        let outs: Vec<&Outcome> = outs.iter().collect();
        scene.assert_nothing_leaked_or_written(what, &outs);
    }
}

#[test]
fn a_one_portal_plan_wrapped_in_a_portals_envelope_is_refused() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Hook 1", "https://h1.example.com/old"));
    let evil = evil();
    let planned = Run::new(&["plan", "--out", "plan.json"])
        .file(WEBHOOKS)
        .portal(&portal)
        .env("HOOK_SECRET", SECRET);
    assert_eq!(planned.run().code, 0);
    let plan = planned.path("plan.json");
    edit(&plan, |d| {
        d["portals"][0]["name"] = "prod".into();
        d["portals"][0]["api_key_env"] = "DOCSPACE_API_KEY".into();
        d["portals"][0]["portal"] = evil.url().into();
    });
    portal.clear_requests();
    for name in ["prod", "x"] {
        edit(&plan, |d| d["portals"][0]["name"] = name.into());
        let out = Run::new(&["apply", plan.to_str().unwrap()])
            .reviewed(&plan)
            .portal(&portal)
            .env("HOOK_SECRET", SECRET)
            .run();
        assert_eq!(out.code, 1, "{out:?}");
        assert!(evil.requests().is_empty(), "{out:?}");
        assert!(portal.requests().is_empty(), "{out:?}");
        assert!(!out.all().contains(&portal.api_key()), "{out:?}");
    }
}

/// A file without `portal:`: the plan records what DOCSPACE_URL gave. Returns the real
/// portal, the planning run and the plan's path.
fn one_portal_plan() -> (FakePortal, Run, PathBuf) {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Hook 1", "https://h1.example.com/old"));
    let planned = Run::new(&["plan", "--out", "plan.json"])
        .file(WEBHOOKS)
        .portal(&portal)
        .env("HOOK_SECRET", SECRET);
    assert_eq!(planned.run().code, 0);
    let path = planned.path("plan.json");
    portal.clear_requests();
    (portal, planned, path)
}

#[test]
fn a_recorded_url_edited_to_a_look_alike_a_refused_url_or_credentials_is_refused() {
    let evil = evil();
    let port = evil.url().rsplit(':').next().unwrap().to_string();
    let spellings = [
        ("another portal", evil.url()),
        // Cyrillic `о` and `с`: a host that reads as localhost.
        (
            "a look-alike host",
            format!("http://l\u{43e}\u{441}alhost:{port}"),
        ),
        (
            "a look-alike host in punycode",
            format!("http://xn--lalhost-6xf2b:{port}"),
        ),
        ("a scheme apply refuses", format!("ftp://127.0.0.1:{port}")),
        ("a path apply refuses", format!("{}/api?x=1", evil.url())),
        (
            "credentials",
            format!("http://ops:hunter2pass@127.0.0.1:{port}"),
        ),
    ];
    for (what, url) in spellings {
        let (portal, _planned, plan) = one_portal_plan();
        edit(&plan, |d| d["portals"][0]["portal"] = url.clone().into());
        let mut outs = Vec::new();
        // With DOCSPACE_URL naming the real portal, and with no URL given at all: the recorded
        // one is never used alone.
        for given in [true, false] {
            let mut run = Run::new(&["apply", plan.to_str().unwrap()])
                .reviewed(&plan)
                .env("DOCSPACE_API_KEY", &portal.api_key())
                .env("HOOK_SECRET", SECRET);
            if given {
                run = run.env("DOCSPACE_URL", &portal.url());
            }
            outs.push(run.run());
        }
        for format in ["text", "json", "markdown"] {
            let show = Run::new(&["show", plan.to_str().unwrap(), "--format", format])
                .reviewed(&plan)
                .run();
            // A look-alike written as `plan` writes it is a URL apply would take: show
            // fails only for what apply refuses.
            if what != "a look-alike host in punycode" && what != "another portal" {
                assert_eq!(show.code, 1, "{what}: {show:?}");
            }
            outs.push(show);
        }
        for out in &outs[..2] {
            assert_eq!(out.code, 1, "{what}: {out:?}");
        }
        assert!(evil.requests().is_empty(), "{what}: {outs:?}");
        assert!(portal.requests().is_empty(), "{what}: {outs:?}");
        for out in &outs {
            for value in [portal.api_key(), SECRET.to_string(), "hunter2pass".into()] {
                assert!(!out.all().contains(&value), "{what}: {value}: {out:?}");
            }
        }
    }
}

#[test]
fn an_old_plan_replayed_after_the_file_changed_is_refused_naming_both_digests() {
    let (portal, planned, plan) = one_portal_plan();
    let apply = |plan: &Path, expect: Option<&str>| {
        let mut args = vec!["apply", plan.to_str().unwrap()];
        if let Some(digest) = expect {
            args.extend(["--expect-digest", digest]);
        }
        Run::new(&args)
            .reviewed(plan)
            .portal(&portal)
            .env("HOOK_SECRET", SECRET)
            .run()
    };
    let first = apply(&plan, None);
    assert_eq!(first.code, 0, "{first:?}");
    let approved = sha256(&std::fs::read(&plan).unwrap());

    // A later, reviewed change deletes `New` again.
    let later = Run::new(&["plan", "--prune", "--out", "plan.json"])
        .file("webhooks:\n  Hook 1:\n    uri: https://h1.example.com/new\n")
        .portal(&portal);
    assert_eq!(later.run().code, 0);
    let applied = apply(&later.path("plan.json"), None);
    assert_eq!(applied.code, 0, "{applied:?}");
    assert!(portal.webhooks().iter().all(|w| w.name != "New"));
    portal.clear_requests();

    // The old plan, with its approved digest, in the job that has the file as it is now.
    let old = planned.path("old.json");
    std::fs::copy(&plan, &old).unwrap();
    std::fs::copy(later.path("webhooks.yaml"), planned.path("webhooks.yaml")).unwrap();
    let out = apply(&old, Some(&approved));
    assert_eq!(out.code, 1, "{out:?}");
    let now = sha256(&std::fs::read(later.path("webhooks.yaml")).unwrap());
    let then = serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(&old).unwrap())
        .unwrap()["config_sha256"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        out.stderr.contains(&now) && out.stderr.contains(&then),
        "{out:?}"
    );
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x [TMP]/old.json was made from a config file of SHA-256 [SHA256], but webhooks.yaml has SHA-256 [SHA256]; nothing was written
      help: a saved plan is applied with the reviewed file it was made from, which names every portal's URL and every variable read: give that file with -f, or run `plan --out` again with this one and review it

    ----- end -----
    ");
    assert!(portal.requests().is_empty(), "refused before any request");
    assert!(portal.webhooks().iter().all(|w| w.name != "New"));
}

#[test]
fn a_creates_secret_variable_cannot_be_changed_in_the_plan() {
    let edits: [(&str, Edit); 3] = [
        ("a variable named in the plan", |d| {
            d["portals"][0]["writes"][1]["webhook"]["secretKey"] =
                serde_json::json!({ "env": "GITHUB_TOKEN" })
        }),
        ("a variable as the secret", |d| {
            d["portals"][0]["writes"][1]["webhook"]["secretKey"] = "GITHUB_TOKEN".into()
        }),
        ("a secret the file does not give", |d| {
            d["portals"][0]["writes"][0]["webhook"]["secretKey"] = true.into()
        }),
    ];
    for (what, change) in edits {
        let scene = Scene::new();
        let text = std::fs::read_to_string(scene.plan()).unwrap();
        assert!(text.contains("\"write\": \"update\""), "{text}");
        edit(&scene.plan(), change);
        let outs = refused(&scene, what);
        let outs: Vec<&Outcome> = outs.iter().collect();
        scene.assert_nothing_leaked_or_written(what, &outs);
    }
}

fn sha256(bytes: &[u8]) -> String {
    let hash = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes);
    hash.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn show_names_each_portal_its_url_its_key_variable_and_every_variable_apply_reads() {
    let scene = Scene::new();
    let out = scene.run(&["show"]);
    assert_eq!(out.code, 0, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    === portal a ([PORTAL]) ===

      ~ update #1 "Hook 1"
          uri       = "https://h1.example.com/old" -> "https://h1.example.com/new"

      + create "New"
          name      = "New"
          uri       = "https://n.example.com/h"
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

    Apply will read: HOOK_SECRET

    Plan: 1 to create, 1 to update, 0 to delete, 0 unchanged.

    === portal b ([PORTAL-2]) ===

      ~ update #1 "Hook 1"
          uri       = "https://h1.example.com/old" -> "https://h1.example.com/new"

      + create "New"
          name      = "New"
          uri       = "https://n.example.com/h"
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

    Apply will read: HOOK_SECRET

    Plan: 1 to create, 1 to update, 0 to delete, 0 unchanged.

    Total: 2 to create, 2 to update, 0 to delete, 0 unchanged, on 2 portals.

    Made from the config file webhooks.yaml (SHA-256 [SHA256]); apply takes from it alone, and refuses any other file:
      Portal a: [PORTAL]
        API key from: FLEET_KEY_A
        Reads: FLEET_KEY_A, HOOK_SECRET
      Portal b: [PORTAL-2]
        API key from: FLEET_KEY_B
        Reads: FLEET_KEY_B, HOOK_SECRET

    Saved plan [TMP]/plan.json, SHA-256 [SHA256].
    Apply exactly it with: docspace-webhooks apply [TMP]/plan.json --expect-digest [SHA256]
    ----- stderr -----
    ----- end -----
    "#);
    let json = scene.run(&["show", "--format", "json"]);
    assert_eq!(json.code, 0, "{json:?}");
    assert!(
        json.stderr.contains("API key from: FLEET_KEY_B"),
        "{json:?}"
    );
    scene.assert_nothing_leaked_or_written("show", &[&out, &json]);
    assert_eq!(scene.fleet.request_count(), 0, "show is offline");
}

#[test]
fn show_without_the_config_file_the_plan_was_made_from_fails() {
    // A plan alone cannot say where its keys go.
    let scene = Scene::new();
    let plan = scene.plan();
    let out = Run::new(&["show", plan.to_str().unwrap()]).run();
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x cannot read the webhook file webhooks.yaml
      `-> No such file or directory (os error 2)
      help: pass the file with `-f PATH`, or start one from the webhooks the portal has: `docspace-webhooks export > webhooks.yaml`

    ----- end -----
    ");
    let other = Run::new(&["show", plan.to_str().unwrap()])
        .file(WEBHOOKS)
        .run();
    assert_eq!(other.code, 1, "{other:?}");
    assert!(
        other
            .stderr
            .contains("was made from a config file of SHA-256"),
        "{other:?}"
    );
}

#[test]
fn a_write_of_a_webhook_whose_uri_the_file_reads_from_a_variable_cannot_redirect_it() {
    // `Billing` is unchanged in the plan; an edit turns it into an update that points it at
    // a uri of the attacker's, or at the value of another variable.
    const URI: &str = "https://hooks.example.com/services/T0/Cap7Path/x?token=Cap7Token99";
    let fingerprint = "0".repeat(64);
    let evil_uris = [
        "https://evil.example.com/steal".to_string(),
        format!("${{GITHUB_TOKEN}} hmac-sha256:{fingerprint}"),
    ];
    let mut views = String::new();
    for evil_uri in evil_uris {
        let portal = FakePortal::start();
        portal.seed(Seed::new("Hook 1", "https://h1.example.com/old"));
        let billing = portal.seed(Seed::new("Billing", URI));
        let file = "webhooks:\n  Hook 1:\n    uri: https://h1.example.com/new\n  Billing:\n    uri: ${BILLING_URI}\n";
        let planned = Run::new(&["plan", "--out", "plan.json"])
            .file(file)
            .portal(&portal)
            .env("BILLING_URI", URI);
        let out = planned.run();
        assert_eq!(out.code, 0, "{out:?}");
        let path = planned.path("plan.json");
        edit(&path, |d| {
            let part = &mut d["portals"][0];
            let mut write = part["writes"][0].clone();
            write["against"]["id"] = billing.into();
            write["against"]["name"] = "Billing".into();
            write["against"]["uri"] = format!("${{BILLING_URI}} hmac-sha256:{fingerprint}").into();
            write["webhook"]["name"] = "Billing".into();
            write["webhook"]["uri"] = evil_uri.clone().into();
            part["writes"] = serde_json::json!([write]);
            part["unchanged"] = serde_json::json!([]);
        });
        portal.clear_requests();
        let applied = Run::new(&["apply", path.to_str().unwrap()])
            .reviewed(&path)
            .portal(&portal)
            .env("BILLING_URI", URI)
            .env("GITHUB_TOKEN", TOKEN)
            .run();
        assert_eq!(applied.code, 1, "{applied:?}");
        assert!(!applied.all().contains("Cap7"), "{applied:?}");
        assert!(!applied.all().contains(TOKEN), "{applied:?}");
        assert!(portal.requests().is_empty(), "refused before any request");
        views += &applied.user_view();
    }
    insta::assert_snapshot!(views, @r#"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x [TMP]/plan.json is not a plan this version would make: write 1: the file reads the uri of "Billing" from BILLING_URI, and the plan gives another; nothing was written
      help: a saved plan is applied exactly as written and is not meant to be edited: make it again with `plan --out`

    ----- end -----
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x [TMP]/plan.json is not a plan this version would make: write 1: the file reads the uri of "Billing" from BILLING_URI, and the plan gives another; nothing was written
      help: a saved plan is applied exactly as written and is not meant to be edited: make it again with `plan --out`

    ----- end -----
    "#);
}
