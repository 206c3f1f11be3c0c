//! Keeping secrets out of text from outside: the one way a portal's, proxy's or target's answer
//! becomes something the tool prints. Decode (all layers), redact, then cut: no spelling of a
//! secret and no secret split by a cut gets through; when in doubt, less is shown
//! (docs/faults-and-security.md, "Secrets").
//!
//! The secrets are a process-wide registry (the client registers the API key and every secret
//! it sends, `config` every secret it resolves), so no redactor is passed down. Leaf module: it
//! uses nothing else of the crate.

mod credentials;
mod decode;
mod escape;
mod guard;
mod markup;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use aho_corasick::AhoCorasick;

pub(crate) use credentials::merged;
pub use credentials::{credential_ranges, mask_credentials, mask_userinfo, secret_param_names};
pub(crate) use decode::clean;
pub(crate) use escape::{escaped, is_invisible_format, is_unsafe, message, plain, quoted};
pub use guard::{guarded, guarded_ranges, guarded_source, path, shown_path, shown_path_without};
pub(crate) use markup::markup_len;
use markup::{needle_forms, squeezed, squeezed_forms};

pub const REDACTED: &str = "[redacted]";
/// Shown instead of text that could not be decoded to the end.
const WITHHELD: &str = "[not shown: encoded too deeply to check it for secrets]";
/// The source `Registered::in_text` gives for text it could not decode to the end (more than
/// `decode::MAX_ROUNDS` layers): not a secret found, but no list that holds it is shown.
pub const TOO_DEEP: &str = "text encoded too deeply to check for secrets";
/// Shown instead of text that holds a secret split by markup or spaces.
const SPLIT: &str = "[not shown: it holds a secret split by markup or spaces]";
/// A piece of a secret this long is replaced where it starts or ends a match (an echo cut
/// short, a secret split by markup). Shorter needles are not searched at all: the server
/// refuses secrets under 8 characters, and 3 characters would blank out ordinary words.
const MIN_PIECE: usize = 4;
/// The shortest piece of a secret uri looked for (`uri_pieces`), whole or cut short: shorter
/// ones are ordinary words and paths.
const MIN_URI_PIECE: usize = 8;
/// Only this much of a text is looked at: far more than is shown, and a secret cut at this bound
/// is caught as a piece.
const MAX_SOURCE_BYTES: usize = 64 * 1024;

/// The registered secrets, each as one or two needles in matching form (see `needles_of`),
/// with where it came from (`register`) and whether a list that holds it is refused
/// (`register_key`).
static REGISTRY: RwLock<BTreeMap<String, (String, bool)>> = RwLock::new(BTreeMap::new());

/// Adds `secret` to the secrets every redaction in this process looks for. `source` says where
/// it came from, never what it is (`the secretKey from environment variable HOOK_SECRET`): a
/// list that echoes it is refused naming it (`Registered::in_text`). The first source given
/// stays: the file registers its secrets, where each is written, before anything sends them.
pub fn register(secret: &str, source: &str) {
    add(secret, source, true);
}

fn add(secret: &str, source: &str, refuses: bool) {
    let mut registry = write(&REGISTRY);
    for needle in needles_of(secret) {
        let entry = registry.entry(needle);
        entry.or_insert_with(|| (source.to_string(), refuses)).1 |= refuses;
    }
}

/// Adds an API key read from the variable `var`, and its random part without the `sk-` every
/// key has: an echo may quote it without that prefix. Only a key the run `sends` refuses a
/// list that holds it (`Registered`): `DOCSPACE_API_KEY`, hidden from the start, is not
/// used with a `portals:` file (docs/portals.md), unless registered again as sent.
pub fn register_key(key: &str, var: &str, sends: bool) {
    let source = format!("the API key from environment variable {var}");
    add(key, &source, sends);
    add(key.strip_prefix("sk-").unwrap_or(key), &source, sends);
}

/// The registered secret uris (`register_uri`), in matching form, each with the length an echo
/// of it cut short must have (`Piece`), where it came from (`register`), and whether a webhook
/// list that holds it is refused (`Registered`): a variable's value is, on every portal; a
/// live uri made secret by matching (`register_live_uri`) only on its own portal's list
/// (`Registered::with_uris`), whichever portal's list is read first.
static URIS: RwLock<BTreeMap<Piece, (String, bool)>> = RwLock::new(BTreeMap::new());
/// Their pieces (`uri_pieces`), the same way.
static PIECES: RwLock<BTreeSet<Piece>> = RwLock::new(BTreeSet::new());

/// A secret uri or a piece of one, and how many of its first characters an echo cut short must
/// hold to count: into its first token (`uri_pieces`), since `https://host/services/` alone is
/// no secret; never, when it has no token (`usize::MAX`).
type Piece = (String, usize);

/// Adds `uri`, a secret one (read from `uri: ${VAR}`), and the pieces of it a receiver may echo
/// without the rest (`uri_pieces`) to what text from outside is searched for, each whole or cut
/// short into its token (`marks_of_piece`): not a few characters of it anywhere, as for a
/// secret, since every uri starts `http`. The uri alone to `guarded`: the tool's own lines name
/// API paths and webhooks, which a piece may equal. `var` is the variable of the `uri: ${VAR}`
/// it is secret by.
pub fn register_uri(uri: &str, var: &str) {
    add_uri(uri, var, true);
}

/// `register_uri` for the live uri of a webhook a `uri: ${VAR}` entry manages: hidden alike,
/// but a list is refused for it only on its portal (`Registered::with_uris`).
pub fn register_live_uri(uri: &str, var: &str) {
    add_uri(uri, var, false);
}

/// How the source of a uri registered for a variable starts (`uri_source`, `is_uri_source`).
const URI_SOURCE: &str = "the uri of `uri: ${";

/// Where a uri registered for `var` comes from, as a refused list names it.
fn uri_source(var: &str) -> String {
    format!("{URI_SOURCE}{var}}}`")
}

/// Whether `source` (`Registered::in_text`) is a uri's (`uri_source`): its refusal's help
/// differs from a secret's. Every other source starts "the secretKey", "the API key" or "a".
pub fn is_uri_source(source: &str) -> bool {
    source.starts_with(URI_SOURCE)
}

fn add_uri(uri: &str, var: &str, refuses: bool) {
    let (whole, parts) = pieces_of(uri);
    let source = uri_source(var);
    for piece in whole {
        let mut uris = write(&URIS);
        let entry = uris
            .entry(piece)
            .or_insert_with(|| (source.clone(), refuses));
        entry.1 |= refuses;
    }
    write(&PIECES).extend(parts);
}

/// `uri` itself (as each form is searched for), and what of it an echo may quote alone
/// (`uri_pieces`), as `Piece`s.
fn pieces_of(uri: &str) -> (Vec<Piece>, Vec<Piece>) {
    let (tokens, paths) = uri_pieces(uri);
    let first_token = |s: &str| {
        let at = tokens.iter().filter_map(|t| s.find(t)).min()?;
        Some((s[..at].chars().count() + MIN_PIECE).max(MIN_URI_PIECE))
    };
    let with_cut = |s: &str, cut: Option<usize>| {
        needles_of(s)
            .into_iter()
            .map(move |n| (n, cut.unwrap_or(usize::MAX)))
    };
    // Another spelling of a uri with no token is an ordinary address: a name may give it, and
    // without a scheme it has no left edge (`sub.h/x` holds `h/x`). One with a token, a query
    // or credentials holds it.
    let spellings = match tokens.is_empty() && !uri.contains(['?', '@']) {
        true => vec![uri.to_string()],
        false => spelled(uri),
    };
    let whole = (spellings.iter())
        .flat_map(|s| with_cut(s, first_token(s)))
        .collect();
    let parts = (paths.into_iter().flat_map(|s| with_cut(s, first_token(s))))
        .chain(tokens.iter().flat_map(|t| with_cut(t, Some(MIN_URI_PIECE))))
        .collect();
    (whole, parts)
}

/// `uri` and how an echo may also write it: without its scheme or trailing slash, with its
/// default port written or left out (`https://h/x/` also as `h/x` and `h:443/x`). A uri with no
/// path is only itself: its host alone is ordinary text. Only for a uri with a token
/// (`pieces_of`): text that holds such a spelling, another host's uri too, holds the token.
fn spelled(uri: &str) -> Vec<String> {
    let mut out = vec![uri.to_string()];
    let Some((scheme, rest)) = uri.split_once("://") else {
        return out;
    };
    let rest = rest.trim_end_matches('/');
    let (host, path) = rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()));
    let port = match scheme.to_ascii_lowercase().as_str() {
        "https" => ":443",
        "http" => ":80",
        _ => return out,
    };
    if !path.is_empty() {
        let other = host.strip_suffix(port).map_or_else(
            || format!("{host}{port}{path}"),
            |bare| format!("{bare}{path}"),
        );
        out.extend([rest.to_string(), other]);
    }
    out
}

/// `uri`, a secret one, and the pieces of it an echo may quote alone (`pieces_of`) that hold a
/// token, in lower case: another uri that holds one (`spellings`) holds the secret, however it
/// differs. A path without a token (`/webhook`) is no secret of its own: a uri of another host
/// may well share it.
pub fn secret_pieces(uri: &str) -> Vec<String> {
    let (whole, parts) = pieces_of(uri);
    let with_token = parts.into_iter().filter(|(_, cut)| *cut != usize::MAX);
    (whole.into_iter().chain(with_token))
        .map(|(piece, _)| folded(&piece))
        .collect()
}

/// Whether `spelling` (`spellings`) holds `piece` (`secret_pieces`) where it ends as the uri
/// does (`ends_uri`).
pub fn holds_piece(spelling: &str, piece: &str) -> bool {
    matches_of(spelling, piece, true).next().is_some()
}

/// `text` as `secret_pieces` are looked for in it: as written and decoded, in lower case.
pub fn spellings(text: &str) -> Vec<String> {
    needles_of(text).iter().map(|s| folded(s)).collect()
}

/// A registry, read or written even after a thread panicked holding it: it only ever grows by
/// whole entries, so what it holds is sound.
fn read<T>(set: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    set.read().unwrap_or_else(|e| e.into_inner())
}

fn write<T>(set: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    set.write().unwrap_or_else(|e| e.into_inner())
}

/// What of `uri` an echo may quote alone: each segment or query value that looks like a token
/// (8 characters or more with letters and digits, or 16 of any kind), and its path with and
/// without the query (an unknown route is answered "Cannot POST /path").
fn uri_pieces(uri: &str) -> (Vec<&str>, Vec<&str>) {
    let after_scheme = uri.split_once("://").map_or(uri, |(_, rest)| rest);
    let Some(at) = after_scheme.find(['/', '?', '#']) else {
        return (Vec::new(), Vec::new());
    };
    let rest = &after_scheme[at..];
    let path = &rest[..rest.find(['?', '#']).unwrap_or(rest.len())];
    let token_like = |piece: &&str| {
        let chars = piece.chars().count();
        chars >= 16
            || chars >= MIN_URI_PIECE
                && piece.contains(|c: char| c.is_ascii_digit())
                && piece.contains(|c: char| c.is_ascii_alphabetic())
    };
    let tokens = rest
        .split(['/', '?', '#', '&', '=', ';'])
        .filter(token_like);
    let paths = [rest, path]
        .into_iter()
        .filter(|p| p.chars().count() >= MIN_URI_PIECE);
    (tokens.collect(), paths.collect())
}

/// Where `piece` (of a secret uri) stands in `haystack`: whole; cut short anywhere, holding
/// at least its first `cut` characters; or cut from the front where the text starts, by at
/// least `MIN_URI_PIECE` characters.
fn marks_of_piece(haystack: &str, (piece, cut): &Piece) -> Vec<Range<usize>> {
    let mut marks: Vec<Range<usize>> = matches_of(haystack, piece, true).collect();
    if let Some((head_end, _)) = piece.char_indices().nth(*cut) {
        let heads = haystack.match_indices(&piece[..head_end]).map(|(at, _)| {
            let len = common(haystack[at..].chars(), piece.chars());
            at..at + len
        });
        marks.extend(heads);
    }
    let tail = (piece.char_indices().map(|(i, _)| i))
        .find(|&i| i > 0 && haystack.starts_with(&piece[i..]));
    let tail = tail.filter(|&start| piece[start..].chars().count() >= MIN_URI_PIECE);
    if let Some(end) = tail.map(|start| piece.len() - start)
        && ends_uri(haystack, end, piece)
    {
        marks.push(0..end);
    }
    marks
}

/// Where `needle` stands in `haystack`, both in matching form; as a secret uri or a piece of
/// one with `uri`, only where it ends as the uri does (`ends_uri`).
fn matches_of<'h>(
    haystack: &'h str,
    needle: &'h str,
    uri: bool,
) -> impl Iterator<Item = Range<usize>> + 'h {
    (haystack.match_indices(needle))
        .map(|(at, found)| at..at + found.len())
        .filter(move |found| !uri || ends_uri(haystack, found.end, needle))
}

/// Whether `needle`, a secret uri or a piece of one in matching form, found in `text` up to
/// `end`, ends there as the uri does. One with no token (`uri_pieces`), query or fragment that
/// does not end in `/` is an address: found where its last part (a path segment, or the host)
/// ends too, not in `https://h/webhook2` or `.../webhook.json`, as in `https://h/webhook/x`,
/// `...?x=1` or a sentence's `.../webhook.`. `%` ends it too: an escape may spell a `/`. Text
/// that holds a token, a query or credentials holds the secret whatever follows (`?t=abc` in
/// `?t=abc&x=1`, `u:pass@h/a` in `u:pass@h/ab`).
fn ends_uri(text: &str, end: usize, needle: &str) -> bool {
    let after = text[end..].trim_start_matches(['-', '.', '_', '~']);
    !after.starts_with(char::is_alphanumeric)
        || !needle.contains('/')
        || needle.ends_with('/')
        || needle.contains(['?', '#', '@'])
        || !uri_pieces(needle).0.is_empty()
}

/// `text` with each of `needles` (in matching form) replaced by `[redacted]`, as written in
/// any case.
fn hidden<'t, 'n>(text: &'t str, needles: impl Iterator<Item = &'n String>) -> Cow<'t, str> {
    let marks = marks(text, needles);
    if marks.is_empty() {
        return Cow::Borrowed(text);
    }
    Cow::Owned(credentials::replaced(text, &marks, REDACTED))
}

/// Where `text` holds one of `needles`, merged.
fn marks<'n>(text: &str, needles: impl Iterator<Item = &'n String>) -> Vec<Range<usize>> {
    let haystack = matching_form(text);
    let marks = needles.flat_map(|needle| matches_of(&haystack, needle, false));
    credentials::merged(marks.collect())
}

/// The registered secrets (the API keys and the file's secrets) and, apart, the uris read from
/// variables, in lower case: what data from outside the tool shows or stores as it is must
/// not hold.
pub struct Registered {
    secrets: Needles,
    uris: Needles,
}

/// Needles, each also in its `needle_forms` (for a text whose markup and spaces are taken out),
/// searched for all at once: a file may set a secret per webhook, thousands of them. Each with
/// its source (`register`).
#[derive(Clone)]
struct Needles {
    list: Vec<(String, String)>,
    /// `None` past the searcher's limits, where each is looked for in turn.
    searcher: Option<AhoCorasick>,
    /// Secret uris, found only where they end (`ends_uri`).
    uris: bool,
}

impl Needles {
    fn of<'a>(needles: impl Iterator<Item = (&'a String, &'a String)>, uris: bool) -> Needles {
        // A needle of fewer than `MIN_PIECE` characters once its spaces are gone (a secret of
        // spaces, or of `+`) would match ordinary text, an empty one every text.
        let list: BTreeMap<String, &String> = needles
            .map(|(n, source)| (folded(n), source))
            .flat_map(|(n, source)| {
                let forms = needle_forms(&n).into_iter().chain([n]);
                forms.map(move |form| (form, source))
            })
            .filter(|(n, _)| squeezed(n, None).chars().count() >= MIN_PIECE)
            .collect();
        let list: Vec<(String, String)> = (list.into_iter())
            .map(|(n, source)| (n, source.clone()))
            .collect();
        Needles {
            searcher: AhoCorasick::new(list.iter().map(|(n, _)| n)).ok(),
            list,
            uris,
        }
    }

    /// Where `form` holds a needle, each with its source, overlapping: in one pass, lazily,
    /// so the first costs no more than finding it.
    fn in_form<'s: 'f, 'f>(
        &'s self,
        form: &'f str,
    ) -> impl Iterator<Item = (Range<usize>, &'s str)> {
        let found: Box<dyn Iterator<Item = (usize, Range<usize>)> + 'f> = match &self.searcher {
            Some(searcher) => Box::new(
                (searcher.find_overlapping_iter(form)).map(|m| (m.pattern().as_usize(), m.range())),
            ),
            None => {
                Box::new((self.list.iter().enumerate()).flat_map(|(at, (n, _))| {
                    matches_of(form, n, false).map(move |found| (at, found))
                }))
            }
        };
        (found
            .filter(move |(at, found)| !self.uris || ends_uri(form, found.end, &self.list[*at].0)))
        .map(|(at, found)| (found, self.list[at].1.as_str()))
    }
}

/// The last `Registered::now` and `Registered::every`, with the sizes of what each was built
/// from (the secrets and the uris that refuse a list, or all): they only grow, one that
/// refuses never stops, so equal sizes mean the same needles. A run of many portals lists each
/// with the same secrets, thousands of them in a big `portals:` file, and the stderr guard
/// reads every line with them.
static BUILT: Mutex<[Option<Built>; 2]> = Mutex::new([None, None]);
type Built = (usize, usize, Arc<Registered>);

impl Registered {
    pub fn now() -> Arc<Registered> {
        Registered::built(false)
    }

    /// With `every`, every registered secret and uri, those that refuse no list too: what the
    /// stderr guard hides (`guarded_marks`).
    fn built(every: bool) -> Arc<Registered> {
        let (registry, uris) = (read(&REGISTRY), read(&URIS));
        let refusing = || uris.iter().filter(|(_, (_, refuses))| every || *refuses);
        let sent = || registry.iter().filter(|(_, v)| every || v.1);
        // Counts suffice for `every` too: a needle registered again keeps its first source
        // (`add`, `add_uri`), and `every` takes each whatever it refuses: only a new needle
        // changes what is built, and it adds to a count.
        let sizes = (sent().count(), refusing().count());
        let mut built = BUILT.lock().unwrap_or_else(PoisonError::into_inner);
        match &built[usize::from(every)] {
            Some((r, u, done)) if (*r, *u) == sizes => Arc::clone(done),
            _ => {
                let done = Arc::new(Registered {
                    secrets: Needles::of(sent().map(|(n, (source, _))| (n, source)), false),
                    uris: Needles::of(
                        refusing().map(|((uri, _), (source, _))| (uri, source)),
                        true,
                    ),
                });
                built[usize::from(every)] = Some((sizes.0, sizes.1, Arc::clone(&done)));
                done
            }
        }
    }

    /// Whether `text` (a webhook's name, uri or targetId as the portal lists it) holds one of
    /// the secrets, or with `uris` one of the uris, whole, decoded as an echo is
    /// (`Redactor::scrub`), in any case, also split by markup or spaces; also when it is
    /// encoded too deeply to tell (`TOO_DEEP`, unless it holds one as written). A webhook's own uri is not searched for uris: a uri read
    /// from a variable is the live uri of its webhook by design. The source of the one found
    /// (`register`).
    pub fn in_text(&self, text: &str, uris: bool) -> Option<&str> {
        if uris {
            found(text, &[&self.secrets, &self.uris])
        } else {
            found(text, &[&self.secrets])
        }
    }

    /// `secrets` alone, whatever else the process registered: a file's own, looked for in
    /// what it sets as `in_text` looks in a list.
    pub fn of<'s>(secrets: impl IntoIterator<Item = &'s str>) -> Registered {
        let needles: Vec<(String, String)> = (secrets.into_iter().flat_map(needles_of))
            .map(|n| (n, String::new()))
            .collect();
        Registered {
            secrets: Needles::of(needles.iter().map(|(n, source)| (n, source)), false),
            uris: Needles::of(std::iter::empty(), true),
        }
    }

    /// These needles and the live `uris` of one portal, each with its variable
    /// (`register_live_uri`): what that portal's list is checked against.
    pub fn with_uris(&self, uris: &[(String, String)]) -> Registered {
        let sources: Vec<(String, String)> = uris
            .iter()
            .flat_map(|(uri, var)| {
                let source = uri_source(var);
                pieces_of(uri)
                    .0
                    .into_iter()
                    .map(move |(form, _)| (form, source.clone()))
            })
            .collect();
        let own = self.uris.list.iter().chain(&sources);
        Registered {
            secrets: self.secrets.clone(),
            uris: Needles::of(own.map(|(n, source)| (n, source)), true),
        }
    }

    /// Whether `text` holds one of the uris read from variables, as `in_text` finds them.
    pub fn uri_in(&self, text: &str) -> bool {
        found(text, &[&self.uris]).is_some()
    }
}

/// The source of one of `wanted`'s needles `text` holds (`Registered::in_text`).
fn found<'n>(text: &str, wanted: &[&'n Needles]) -> Option<&'n str> {
    if wanted.iter().all(|n| n.list.is_empty()) {
        return None;
    }
    // Most names and uris hold nothing to decode: no need to build the decoded copy.
    let plain = holds_nothing_to_decode(text);
    let search = |text: &str| {
        let haystack = folded(&matching_form(text));
        let split = haystack.contains(|c: char| c == '<' || c.is_whitespace());
        let forms = match split {
            true => squeezed_forms(&haystack).to_vec(),
            false => Vec::new(),
        };
        (std::iter::once(haystack.as_str()).chain(forms.iter().map(String::as_str)))
            .find_map(|form| wanted.iter().find_map(|n| Some(n.in_form(form).next()?.1)))
    };
    if plain {
        return search(text);
    }
    match decode::normalize(text) {
        Some(decoded) => search(&decoded),
        // A secret it holds as written is named: `TOO_DEEP` says less, and hides no path shown
        // (`guarded_marks`, `tell_hidden_path`).
        None => search(text).or(Some(TOO_DEEP)),
    }
}

/// Whether `text` decodes to itself: printable ASCII and single spaces, no escape of any kind
/// (`decode::normalize`), no tab or line end a secret may be split by.
fn holds_nothing_to_decode(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_graphic() || b == b' ') && !text.contains(['%', '&', '\\'])
}

/// `secret` as it is searched for: its canonical form and, when that differs, its form as
/// written, each with `+` read as a space.
fn needles_of(secret: &str) -> Vec<String> {
    let mut out: Vec<String> = [Some(secret.to_string()), decode::normalize(secret)]
        .into_iter()
        .flatten()
        .map(|s| matching_form(&s))
        // Spaces do not count: a secret of spaces (or `+`) would match, or split, any text.
        .filter(|s| squeezed(s, None).chars().count() >= MIN_PIECE)
        .collect();
    out.dedup();
    out
}

/// The form text and needles are compared in: `+` is a space, as in form encoding, and letters
/// are lower case, as an echo may change the case of a key or secret (a proxy that lower-cases
/// headers). Every character keeps its byte length, so positions carry over to the text as
/// shown, which keeps its own case: one whose lower case is longer or shorter (`İ`, the Kelvin
/// sign) stays, and is found decoded (`guarded_marks`, `found`).
fn matching_form(s: &str) -> String {
    let lower = |c: char| {
        let mut lower = c.to_lowercase();
        match (lower.next(), lower.next()) {
            (Some(l), None) if l.len_utf8() == c.len_utf8() => l,
            _ => c,
        }
    };
    // A final sigma is a sigma: `to_lowercase` of a whole word writes `ς` at its end.
    s.chars()
        .map(|c| match c {
            '+' => ' ',
            'ς' => 'σ',
            c => lower(c),
        })
        .collect()
}

/// `s` in lower case, folded where lower case leaves two spellings of one letter, so that an
/// echo upper-cased by the portal and read back is found (`STRASSE` for `straße`, `FİLE` for
/// `file`, a final `ς`). Lengths change: for a search that needs no position in the text.
fn folded(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.to_lowercase().chars() {
        match c {
            'ß' => out.push_str("ss"),
            'ς' => out.push('σ'),
            'ı' => out.push('i'),
            'ſ' => out.push('s'),
            // The dot `İ` leaves on its `i` in lower case.
            '\u{307}' if out.ends_with('i') => {}
            c => out.push(c),
        }
    }
    out
}

/// The secrets to look for: every registered one, plus any given explicitly.
pub struct Redactor {
    extra: Vec<String>,
    /// A uri and its pieces, searched for as the registered `URIS` and `PIECES`.
    pieces: Vec<Piece>,
}

impl Redactor {
    /// The registered secrets plus `secrets` (which are not registered).
    pub fn new<'s>(secrets: impl IntoIterator<Item = &'s str>) -> Redactor {
        Redactor {
            extra: secrets.into_iter().flat_map(needles_of).collect(),
            pieces: Vec::new(),
        }
    }

    /// The registered secrets plus `uri` and the pieces of it an echo may quote alone, for
    /// what its target answered: a uri the file reads from a variable is secret, and known as
    /// such only once planned.
    pub fn with_uri(uri: &str) -> Redactor {
        let (mut pieces, parts) = pieces_of(uri);
        pieces.extend(parts);
        Redactor {
            pieces,
            ..Redactor::new([])
        }
    }

    /// The registered secrets alone: never an empty redactor, whatever the name suggests.
    pub fn registered() -> Redactor {
        Redactor::new([])
    }

    /// `text` decoded, with every secret (and every piece of one at the edge of a match)
    /// replaced by `[redacted]` and URL credentials masked. Not cut: the caller may cut it, or
    /// keep it whole (a webhook's last failure, cut later by the plan).
    pub fn scrub(&self, text: &str) -> String {
        let mut end = text.len().min(MAX_SOURCE_BYTES);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let Some(decoded) = decode::normalize(&text[..end]) else {
            return WITHHELD.to_string();
        };
        let (registry, uris, pieces) = (read(&REGISTRY), read(&URIS), read(&PIECES));
        let needles: Vec<&String> = registry.keys().chain(&self.extra).collect();
        let uri_pieces: Vec<&Piece> = (uris.keys().chain(pieces.iter()))
            .chain(&self.pieces)
            .collect();
        let haystack = matching_form(&decoded);
        let marks: Vec<Range<usize>> = needles
            .iter()
            .flat_map(|n| marks_of(&haystack, n))
            .chain(uri_pieces.iter().flat_map(|p| marks_of_piece(&haystack, p)))
            .collect();
        // More matches once markup and spaces are gone, or folded: a secret is split by them
        // somewhere, or spelled with letters of another length (`STRASSE` for `straße`).
        let squeezed = squeezed_forms(&haystack);
        // An ASCII haystack in matching form is folded already.
        let folded_forms = (!haystack.is_ascii()).then(|| squeezed_forms(&folded(&haystack)));
        let split = |n: &String| {
            let plain = haystack.matches(n.as_str()).count();
            let more = |forms: &[String], n: &str| {
                let mut wholes = needle_forms(n).into_iter();
                wholes.any(|w| {
                    let long = w.chars().count() >= MIN_PIECE;
                    long && forms.iter().any(|s| s.matches(&w).count() > plain)
                })
            };
            // The last squeezed form only takes the spaces out: it holds every plain match.
            more(&squeezed, n)
                || (!(haystack.is_ascii() && n.is_ascii())
                    && more(folded_forms.as_ref().unwrap_or(&squeezed), &folded(n)))
        };
        if needles
            .iter()
            .copied()
            .chain(uri_pieces.iter().map(|p| &p.0))
            .any(split)
        {
            return SPLIT.to_string();
        }
        // Overlapping and touching marks become one `[redacted]`.
        let redacted = credentials::replaced(&decoded, &credentials::merged(marks), REDACTED);
        mask_digests(&mask_credentials(&redacted))
    }

    /// `scrub`, then cut to at most `max` characters (with `…` where it was cut).
    pub fn shown(&self, text: &str, max: usize) -> String {
        cut(&self.scrub(text), max)
    }
}

/// `text` with every run of 64 or more hex digits replaced: a delivery's signature is the
/// HMAC-SHA256 of a body with a webhook's secret (docs/docspace-api.md §21), and a receiver
/// that echoes the request's headers would show it, which lets the secret be guessed offline.
fn mask_digests(text: &str) -> String {
    // Each piece is a run of hex digits and the one character that ends it (if any).
    let pieces = text.split_inclusive(|c: char| !c.is_ascii_hexdigit());
    pieces
        .map(|piece| {
            let run = piece.trim_end_matches(|c: char| !c.is_ascii_hexdigit());
            if run.len() >= 64 {
                Cow::Owned(format!("{REDACTED}{}", &piece[run.len()..]))
            } else {
                Cow::Borrowed(piece)
            }
        })
        .collect()
}

/// Whether `text` is what `Redactor::scrub` gives instead of a text it withholds whole.
pub(crate) fn is_withheld(text: &str) -> bool {
    [WITHHELD, SPLIT].contains(&text)
}

/// Where `needle` (or a piece of it of at least `MIN_PIECE` characters) stands in
/// `haystack`. A piece counts where the needle's start matches up to a character that differs
/// (or the end), or the needle's end matches back to one: that is an echo cut short, or a secret
/// with markup inside it that was stripped.
fn marks_of(haystack: &str, needle: &str) -> Vec<Range<usize>> {
    // A needle of exactly MIN_PIECE characters is its own head and tail: only whole matches.
    let head_end = needle
        .char_indices()
        .nth(MIN_PIECE)
        .map_or(needle.len(), |(i, _)| i);
    let heads = haystack.match_indices(&needle[..head_end]).map(|(at, _)| {
        let len = common(haystack[at..].chars(), needle.chars());
        at..at + len
    });
    let tail_start = needle
        .char_indices()
        .rev()
        .nth(MIN_PIECE - 1)
        .map_or(0, |(i, _)| i);
    let tail = &needle[tail_start..];
    let tails = haystack.match_indices(tail).map(|(at, _)| {
        let end = at + tail.len();
        let len = common(haystack[..end].chars().rev(), needle.chars().rev());
        end - len..end
    });
    heads.chain(tails).collect()
}

/// Bytes the two texts share at their start (given reversed: at their end), on a character
/// boundary.
pub(crate) fn common(a: impl Iterator<Item = char>, b: impl Iterator<Item = char>) -> usize {
    let pairs = a.zip(b).take_while(|(x, y)| x == y);
    pairs.map(|(x, _)| x.len_utf8()).sum()
}

/// At most `max` characters; a cut is marked with `…`.
pub fn cut(text: &str, max: usize) -> String {
    if text.chars().nth(max).is_none() {
        return text.to_string();
    }
    text.chars()
        .take(max.saturating_sub(1))
        .chain(['…'])
        .collect()
}

#[cfg(test)]
mod tests;
