//! Several fake portals at once, as a `portals:` file names them: one fake per listener, each
//! with its own API key in its own `${VAR}`, and optionally portals that are down (a loopback
//! port that refuses connections).
//!
//! Shared by the integration tests and the fleet benchmark (`examples/bench/`, through
//! `#[path]`), so it uses only `super::fake_portal`, `libc` and std.

#![allow(dead_code)]

use std::fmt::Write;
use std::net::Ipv4Addr;

use super::fake_portal::{FakePortal, Options};

/// A set of named portals, in the order the `portals:` file lists them.
pub struct Fleet {
    members: Vec<Member>,
}

struct Member {
    name: String,
    url: String,
    key: String,
    /// `None` for a portal that is down.
    fake: Option<FakePortal>,
    /// Holds the down portal's port: bound, never listening, so a connection is refused and no
    /// other listener (another test's fake portal) can take the port meanwhile.
    _closed: Option<ClosedPort>,
}

impl Fleet {
    /// One fake portal per name, each accepting only its own key.
    pub fn start(names: &[&str]) -> Fleet {
        Fleet::start_with(names, |_| Options::default())
    }

    /// As `start`, with each portal's options (their `api_key` is replaced by the portal's own).
    pub fn start_with(names: &[&str], options: impl Fn(&str) -> Options) -> Fleet {
        let members = names
            .iter()
            .map(|name| {
                let key = key_for(name);
                let fake = FakePortal::start_with(Options {
                    api_key: key.clone(),
                    ..options(name)
                });
                Member {
                    name: (*name).to_owned(),
                    url: fake.url(),
                    key,
                    fake: Some(fake),
                    _closed: None,
                }
            })
            .collect();
        Fleet { members }
    }

    /// Adds, after the others, a portal named `name` whose url is a loopback port that refuses
    /// every connection. Its key variable is set like the others'.
    pub fn with_down(mut self, name: &str) -> Fleet {
        let closed = ClosedPort::bind();
        self.members.push(Member {
            name: name.to_owned(),
            url: format!("http://127.0.0.1:{}", closed.port),
            key: key_for(name),
            fake: None,
            _closed: Some(closed),
        });
        self
    }

    /// The fake portal named `name`. Panics for an unknown or down portal: a test bug.
    pub fn portal(&self, name: &str) -> &FakePortal {
        self.member(name)
            .fake
            .as_ref()
            .unwrap_or_else(|| panic!("portal {name} is down"))
    }

    /// The portals that are up, with their names, in file order.
    pub fn up(&self) -> impl Iterator<Item = (&str, &FakePortal)> {
        self.members
            .iter()
            .filter_map(|m| m.fake.as_ref().map(|f| (m.name.as_str(), f)))
    }

    pub fn names(&self) -> Vec<&str> {
        self.members.iter().map(|m| m.name.as_str()).collect()
    }

    /// `http://127.0.0.1:PORT`, as the `portals:` block writes it.
    pub fn url(&self, name: &str) -> &str {
        &self.member(name).url
    }

    pub fn key(&self, name: &str) -> &str {
        &self.member(name).key
    }

    /// The `portals:` block: each portal's `url:` and `apiKey: ${VAR}`, followed by the YAML
    /// `own` gives for it (written as at the level of `url:`, without indentation; e.g.
    /// `"webhooks:\n  Billing:\n    uri: https://b.example.com/h\n"`).
    pub fn portals_yaml(&self, own: &[(&str, &str)]) -> String {
        if let Some((name, _)) = own.iter().find(|(n, _)| !self.names().contains(n)) {
            panic!("no portal {name} in this fleet");
        }
        let mut yaml = String::from("portals:\n");
        for member in &self.members {
            let _ = writeln!(yaml, "  {}:", member.name);
            let _ = writeln!(yaml, "    url: {}", member.url);
            let _ = writeln!(yaml, "    apiKey: ${{{}}}", key_var(&member.name));
            for (_, text) in own.iter().filter(|(n, _)| *n == member.name) {
                for line in text.lines() {
                    let _ = writeln!(yaml, "    {line}");
                }
            }
        }
        yaml
    }

    /// Every portal's key variable and key, as the environment of a run.
    pub fn env(&self) -> Vec<(String, String)> {
        self.members
            .iter()
            .map(|m| (key_var(&m.name), m.key.clone()))
            .collect()
    }

    /// Requests received over every portal that is up.
    pub fn request_count(&self) -> usize {
        self.up().map(|(_, fake)| fake.requests().len()).sum()
    }

    /// Writes (requests other than GET) received over every portal that is up.
    pub fn write_count(&self) -> usize {
        self.up().map(|(_, fake)| fake.writes().len()).sum()
    }

    pub fn clear_requests(&self) {
        for (_, fake) in self.up() {
            fake.clear_requests();
        }
    }

    fn member(&self, name: &str) -> &Member {
        self.members
            .iter()
            .find(|m| m.name == name)
            .unwrap_or_else(|| panic!("no portal {name} in this fleet"))
    }
}

/// The variable the `portals:` block names for `name`'s key: `FLEET_KEY_` and the name in
/// upper case, with `-` and `.` as `_`.
pub fn key_var(name: &str) -> String {
    var_for("FLEET_KEY_", name)
}

/// `prefix` and `name` in upper case, with `-` and `.` as `_`: a variable name for a portal.
pub fn var_for(prefix: &str, name: &str) -> String {
    let suffix: String = name
        .chars()
        .map(|c| match c {
            '-' | '.' => '_',
            c => c.to_ascii_uppercase(),
        })
        .collect();
    format!("{prefix}{suffix}")
}

/// Each portal's own key, so a key sent to the wrong portal is refused there.
fn key_for(name: &str) -> String {
    format!("sk-fleet-{name}-0123456789abcdef")
}

/// A TCP socket bound to a loopback port and never listening: connecting to it is refused.
struct ClosedPort {
    fd: libc::c_int,
    port: u16,
}

impl ClosedPort {
    fn bind() -> ClosedPort {
        // SAFETY: plain socket calls on a socket this function owns; every pointer points at
        // a local of the size passed with it.
        unsafe {
            let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0);
            assert!(fd >= 0, "socket: {}", std::io::Error::last_os_error());
            let mut addr: libc::sockaddr_in = std::mem::zeroed();
            addr.sin_family = libc::sa_family_t::try_from(libc::AF_INET).expect("AF_INET");
            addr.sin_addr.s_addr = u32::from(Ipv4Addr::LOCALHOST).to_be();
            addr.sin_port = 0;
            let len = libc::socklen_t::try_from(std::mem::size_of::<libc::sockaddr_in>())
                .expect("a small struct");
            let rc = libc::bind(fd, (&raw const addr).cast(), len);
            assert_eq!(rc, 0, "bind: {}", std::io::Error::last_os_error());
            let mut bound: libc::sockaddr_in = std::mem::zeroed();
            let mut bound_len = len;
            let rc = libc::getsockname(fd, (&raw mut bound).cast(), &mut bound_len);
            assert_eq!(rc, 0, "getsockname: {}", std::io::Error::last_os_error());
            ClosedPort {
                fd,
                port: u16::from_be(bound.sin_port),
            }
        }
    }
}

impl Drop for ClosedPort {
    fn drop(&mut self) {
        // SAFETY: the descriptor was opened by `bind` and is closed once, here.
        unsafe {
            libc::close(self.fd);
        }
    }
}
