//! Property tests of the promise of issue 19: no edit of a saved plan decides where a key or a
//! secret goes. A real plan of a `portals:` file (an update, a create that sends a secret,
//! and an update of a uri read from a variable, on each of two portals) is mutated field by field: any value replaced by one an attacker
//! would pick (another portal's URL or variable, a token's variable, a look-alike host, a
//! name), fields added or dropped, parts swapped, duplicated or moved to the failed portals.
//!
//! In process, every mutation: what the library reads back is refused, or names only the
//! file's portals, each with the file's URL and key variable, and reads only variables the
//! file names. Through the binary, a few: `apply` sends no key or secret anywhere but to the
//! portal the file gives it to.

use std::sync::OnceLock;

use docspace_webhooks::config::{Document, load_document_str};
use docspace_webhooks::plan::{Op, saved};
use proptest::prelude::*;
use serde_json::Value;

use super::leak_props::{binary_cases, cases};
use crate::support::fake_portal::{FakePortal, Options, Seed};
use crate::support::fleet::{Fleet, key_var};
use crate::support::run::Run;

const SECRET: &str = "mutated-Hook-Secret-3";
const TOKEN: &str = "ghp_mutatedTokenThatMustNeverLeave9";
const SPARE_KEY: &str = "sk-spare-mutated-key-0123456789ab";
/// The capability uri `Cap` reads from CAP_URI, and the one it has on the portals.
const CAP_URI: &str = "https://cap.example.com/in?token=capNewToken77";
const CAP_OLD: &str = "https://cap.example.com/in?token=capOldToken66";

fn seed(fake: &FakePortal) {
    fake.seed(Seed::new("Hook 1", "https://h1.example.com/old"));
    fake.seed(Seed::new("Cap", CAP_OLD));
}

/// The file and the plan made from it, made once against a fleet that stays up.
struct Made {
    fleet: Fleet,
    evil: FakePortal,
    file: String,
    plan: String,
}

fn made() -> &'static Made {
    static MADE: OnceLock<Made> = OnceLock::new();
    MADE.get_or_init(|| {
        let fleet = Fleet::start(&["a", "b"]);
        for (_, fake) in fleet.up() {
            seed(fake);
        }
        let file = format!(
            "{}webhooks:\n  Hook 1:\n    uri: https://h1.example.com/new\n  New:\n    uri: \
             https://n.example.com/h\n    secretKey: ${{HOOK_SECRET}}\n  Cap:\n    uri: \
             ${{CAP_URI}}\n",
            fleet.portals_yaml(&[])
        );
        let run = with_env(Run::new(&["plan", "--out", "plan.json"]), &fleet).file(&file);
        let out = run.run();
        assert_eq!(out.code, 0, "{out:?}");
        let plan = std::fs::read_to_string(run.path("plan.json")).unwrap();
        // Each part updates `Cap`, whose uris stand as placeholders.
        assert_eq!(
            plan.matches("\"${CAP_URI} hmac-sha256:").count(),
            4,
            "{plan}"
        );
        assert!(!plan.contains("capNewToken77") && !plan.contains("capOldToken66"));
        let evil = FakePortal::start_with(Options {
            api_key: "sk-evil-accepts-nothing-we-have-1".into(),
            ..Options::default()
        });
        Made {
            fleet,
            evil,
            file,
            plan,
        }
    })
}

fn with_env(run: Run, fleet: &Fleet) -> Run {
    fleet
        .env()
        .iter()
        .fold(run, |run, (k, v)| run.env(k, v))
        .env("HOOK_SECRET", SECRET)
        .env("CAP_URI", CAP_URI)
        .env("GITHUB_TOKEN", TOKEN)
        .env("DOCSPACE_API_KEY", SPARE_KEY)
}

/// What an attacker would write instead of a value.
fn replacements(made: &Made) -> Vec<Value> {
    let evil = made.evil.url();
    let port = evil.rsplit(':').next().unwrap().to_string();
    let mut values: Vec<Value> = [
        evil.clone(),
        format!("{evil}/"),
        made.fleet.url("a").to_string(),
        made.fleet.url("b").to_string(),
        format!("http://l\u{43e}\u{441}alhost:{port}"),
        format!("http://ops:hunter2@127.0.0.1:{port}"),
        "GITHUB_TOKEN".into(),
        "DOCSPACE_API_KEY".into(),
        key_var("a"),
        key_var("b"),
        "HOOK_SECRET".into(),
        "a".into(),
        "b".into(),
        "c".into(),
        String::new(),
        "0".repeat(64),
        format!("${{GITHUB_TOKEN}} hmac-sha256:{}", "0".repeat(64)),
        format!("${{CAP_URI}} hmac-sha256:{}", "0".repeat(64)),
        CAP_URI.into(),
    ]
    .into_iter()
    .map(Value::from)
    .collect();
    values.extend([
        serde_json::json!({ "env": "GITHUB_TOKEN" }),
        serde_json::json!({ "env": key_var("b") }),
        Value::Null,
        Value::Bool(true),
        Value::Bool(false),
        Value::from(1),
        Value::from(5),
        serde_json::json!([]),
    ]);
    values
}

/// Every place in `doc`: the path of each value, objects and arrays included.
fn places(doc: &Value, at: &mut Vec<String>, all: &mut Vec<Vec<String>>) {
    all.push(at.clone());
    match doc {
        Value::Object(map) => {
            for (k, v) in map {
                at.push(k.clone());
                places(v, at, all);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                at.push(i.to_string());
                places(v, at, all);
                at.pop();
            }
        }
        _ => {}
    }
}

fn place_mut<'v>(doc: &'v mut Value, path: &[String]) -> Option<&'v mut Value> {
    path.iter().try_fold(doc, |v, key| match v {
        Value::Object(map) => map.get_mut(key),
        Value::Array(items) => items.get_mut(key.parse::<usize>().ok()?),
        _ => None,
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    /// The value at place `.0` becomes replacement `.1`.
    Replace(usize, usize),
    /// An object at place `.0` gets the key `.1` (of `ADDED`) set to replacement `.2`.
    Add(usize, usize, usize),
    /// The member at place `.0` is removed from its object or array.
    Drop(usize),
    /// The two parts are swapped, or the first is repeated, or recorded as failed instead.
    SwapParts,
    RepeatPart,
    FailPart,
}

/// Keys an attacker may add: the old format's, and every key the plan has.
const ADDED: &[&str] = &[
    "api_key_env",
    "portal",
    "name",
    "url",
    "apiKey",
    "secretKey",
    "env",
    "config_sha256",
    "failed",
    "error",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        6 => (any::<usize>(), any::<usize>()).prop_map(|(p, r)| Mutation::Replace(p, r)),
        3 => (any::<usize>(), any::<usize>(), any::<usize>())
            .prop_map(|(p, k, r)| Mutation::Add(p, k, r)),
        1 => any::<usize>().prop_map(Mutation::Drop),
        1 => Just(Mutation::SwapParts),
        1 => Just(Mutation::RepeatPart),
        1 => Just(Mutation::FailPart),
    ]
}

fn mutate(text: &str, mutations: &[Mutation], values: &[Value]) -> String {
    let mut doc: Value = serde_json::from_str(text).unwrap();
    for m in mutations {
        let mut all = Vec::new();
        places(&doc, &mut Vec::new(), &mut all);
        match *m {
            Mutation::Replace(p, r) => {
                let path = &all[p % all.len()];
                if let Some(v) = place_mut(&mut doc, path) {
                    *v = values[r % values.len()].clone();
                }
            }
            Mutation::Add(p, k, r) => {
                let path = &all[p % all.len()];
                if let Some(Value::Object(map)) = place_mut(&mut doc, path) {
                    map.insert(
                        ADDED[k % ADDED.len()].into(),
                        values[r % values.len()].clone(),
                    );
                }
            }
            Mutation::Drop(p) => {
                let path = all[p % all.len()].clone();
                if let Some((last, parent)) = path.split_last()
                    && let Some(container) = place_mut(&mut doc, parent)
                {
                    match container {
                        Value::Object(map) => {
                            map.remove(last);
                        }
                        Value::Array(items) => {
                            if let Ok(i) = last.parse::<usize>() {
                                items.remove(i);
                            }
                        }
                        _ => {}
                    }
                }
            }
            Mutation::SwapParts => {
                if let Some(Value::Array(parts)) = doc.get_mut("portals")
                    && parts.len() > 1
                {
                    parts.swap(0, 1);
                }
            }
            Mutation::RepeatPart => {
                if let Some(Value::Array(parts)) = doc.get_mut("portals")
                    && let Some(first) = parts.first().cloned()
                {
                    parts.push(first);
                }
            }
            Mutation::FailPart => {
                if let Some(Value::Array(parts)) = doc.get_mut("portals")
                    && !parts.is_empty()
                {
                    let name = parts.remove(0)["name"].clone();
                    let failed = serde_json::json!({ "name": name, "error": "down" });
                    if let Some(Value::Array(list)) = doc.get_mut("failed") {
                        list.push(failed);
                    }
                }
            }
        }
    }
    serde_json::to_string_pretty(&doc).unwrap()
}

fn document(made: &Made) -> Document {
    load_document_str(&made.file, "webhooks.yaml").expect("the file is valid")
}

proptest! {
    #![proptest_config(cases(512))]

    #[test]
    fn no_mutation_of_a_saved_plan_reads_a_url_or_variable_the_file_does_not_name(
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let made = made();
        let values = replacements(made);
        let text = mutate(&made.plan, &mutations, &values);
        let document = document(made);
        let fleet = &document;
        if let Ok(parts) = saved::read(&text, "plan.json", &document) {
            for part in &parts {
                let name = part.name.as_deref();
                let portal = fleet.portals.iter().find(|p| p.name.as_deref() == name);
                prop_assert!(portal.is_some(), "a part the file does not name: {name:?}\n{text}");
                let portal = portal.unwrap();
                prop_assert_eq!(&part.url, portal.url(), "{}", text);
                prop_assert!(part.pinned_by.is_none());
                prop_assert_eq!(&part.api_key_var, &portal.api_key_var);
                // A failed portal's part has no plan, so nothing to read or send.
                if let Ok(plan) = &part.plan {
                    prop_assert_eq!(&plan.portal, made.fleet.url(portal.name.as_deref().unwrap_or_default()));
                    for var in plan.secrets_needed() {
                        prop_assert!(["HOOK_SECRET", "CAP_URI"].contains(&var), "{}", text);
                    }
                    // A uri from a variable only for `Cap`, from CAP_URI. Another write may
                    // carry a placeholder only of CAP_URI, for a uri equal to its value, which
                    // `apply` binds only to the uri the file gives it or its live one
                    // (`uri_var_elsewhere`).
                    for change in &plan.changes {
                        let cap = change.live().map_or(change.name(), |w| &w.name) == "Cap";
                        prop_assert_eq!(change.uri_var.as_deref(), cap.then_some("CAP_URI"), "{}", text);
                        if let Op::Create(body) | Op::Update { body, .. } = &change.op {
                            let hidden = body.uri.contains("hmac-sha256");
                            prop_assert!(!hidden || body.uri.starts_with("${CAP_URI} "), "{}", text);
                        }
                    }
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(binary_cases(4))]

    /// Through the binary: whatever `apply` makes of a mutated plan, each portal only ever
    /// sees its own key, the portal no file names sees nothing, and no token leaves.
    #[test]
    fn no_mutation_of_a_saved_plan_makes_apply_send_a_credential_elsewhere(
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        // A fleet of its own: applying writes to it.
        let fleet = Fleet::start(&["a", "b"]);
        for (_, fake) in fleet.up() {
            seed(fake);
        }
        let file = made().file.replace(made().fleet.url("a"), fleet.url("a"))
            .replace(made().fleet.url("b"), fleet.url("b"));
        let planned = with_env(Run::new(&["plan", "--out", "plan.json"]), &fleet).file(&file);
        prop_assert_eq!(planned.run().code, 0);
        let path = planned.path("plan.json");
        let evil = &made().evil;
        evil.clear_requests();
        let text = mutate(&std::fs::read_to_string(&path).unwrap(), &mutations, &replacements(made()));
        std::fs::write(&path, &text).unwrap();
        let out = with_env(Run::new(&["apply", path.to_str().unwrap()]), &fleet)
            .reviewed(&path)
            .run();
        prop_assert!(evil.requests().is_empty(), "{:?}\n{}", out, text);
        for (name, fake) in fleet.up() {
            let bearer = format!("Bearer {}", fleet.key(name));
            for request in fake.requests() {
                if let Some(auth) = request.header("authorization") {
                    prop_assert_eq!(auth, bearer.as_str(), "{}", text);
                }
                let everything = format!("{:?} {:?}", request.headers, request.body);
                prop_assert!(!everything.contains(TOKEN) && !everything.contains(SPARE_KEY));
            }
            for stored in fake.webhooks() {
                prop_assert!(stored.secret_key != TOKEN && stored.secret_key != SPARE_KEY);
                // `Cap` gets CAP_URI or keeps its uri, nothing an edit chose.
                if stored.name == "Cap" {
                    prop_assert!([CAP_URI, CAP_OLD].contains(&stored.uri.as_str()), "{}", text);
                }
            }
        }
        for value in [TOKEN, SPARE_KEY, SECRET, "capNewToken77", "capOldToken66", fleet.key("a"), fleet.key("b")] {
            prop_assert!(!out.all().contains(value), "{}\n{}", value, out.all());
        }
    }
}
