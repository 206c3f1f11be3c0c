//! Issue 12 under attack: a `portals:` file and its saved plans as a careless pipeline or a
//! hostile portal would drive them. Each test is one attack and what a user must see; the
//! ones that found a flaw say so in their first comment.
//!
//! Every portal is its own fake on loopback with its own key in its own variable, so a key
//! sent to the wrong portal is refused there. Waits are bounded (`spawn::PATIENCE`, and the
//! runner's deadline).

mod isolation;
mod messages;
mod saved;
mod signals;

use std::fmt::Write;

use crate::support::fake_portal::{FakePortal, Options, Seed};
use crate::support::run::Run;

/// The secret every shared entry reads, as `${HOOK_SECRET}`.
const SECRET: &str = "attack-Hook-Secret-9";

/// Named fake portals, in the order the file lists them.
struct Fleet {
    members: Vec<(String, FakePortal)>,
}

impl Fleet {
    /// One fake per name, each accepting only its own key.
    fn start(names: &[&str]) -> Fleet {
        Fleet {
            members: names
                .iter()
                .map(|name| {
                    let fake = FakePortal::start_with(Options {
                        api_key: key(name),
                        ..Options::default()
                    });
                    ((*name).to_string(), fake)
                })
                .collect(),
        }
    }

    /// As `start`, with `n` webhooks `Hook 1`.. on every portal, at their `old` uri.
    fn seeded(names: &[&str], n: usize) -> Fleet {
        let fleet = Fleet::start(names);
        for (_, fake) in &fleet.members {
            for i in 1..=n {
                fake.seed(Seed::new(&format!("Hook {i}"), &uri(i, "old")).secret(SECRET));
            }
        }
        fleet
    }

    fn portal(&self, name: &str) -> &FakePortal {
        &self
            .members
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no portal {name}"))
            .1
    }

    /// The `portals:` block of every member, then `extra` portal blocks as written.
    fn portals_yaml(&self, extra: &str) -> String {
        let mut yaml = String::from("portals:\n");
        for (name, fake) in &self.members {
            yaml.push_str(&block(name, &fake.url()));
        }
        yaml.push_str(extra);
        yaml
    }

    /// A file whose shared entries move `Hook 1`..`Hook n` to their `new` uri: `n` updates
    /// on every seeded portal.
    fn moving(&self, n: usize, extra: &str) -> String {
        let mut yaml = self.portals_yaml(extra);
        yaml.push_str("webhooks:\n");
        for i in 1..=n {
            let _ = write!(yaml, "  Hook {i}:\n    uri: {}\n", uri(i, "new"));
        }
        yaml
    }

    /// `args` on `file`, with every member's key in its variable and the shared secret.
    fn run(&self, args: &[&str], file: &str) -> Run {
        let mut run = Run::new(args).file(file).env("HOOK_SECRET", SECRET);
        for (name, _) in &self.members {
            run = run.env(&var(name), &key(name));
        }
        run
    }

    /// Requests other than GET, over every member.
    fn writes(&self) -> usize {
        self.members.iter().map(|(_, f)| f.writes().len()).sum()
    }
}

/// One portal's block under `portals:`.
fn block(name: &str, url: &str) -> String {
    format!(
        "  {name}:\n    url: {url}\n    apiKey: ${{{}}}\n",
        var(name)
    )
}

fn key(name: &str) -> String {
    format!("sk-attack-{name}-0123456789abcdef")
}

/// `ATK_KEY_` and the name in upper case, `-` and `.` as `_`.
fn var(name: &str) -> String {
    crate::support::fleet::var_for("ATK_KEY_", name)
}

fn uri(i: usize, version: &str) -> String {
    format!("https://h{i}.example.com/{version}")
}
