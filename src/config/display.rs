//! The file as diagnostics show it: an allowlist copy, made when a diagnostic first needs it
//! (what shows: docs/faults-and-security.md, "Error messages about the file").
//!
//! A blanked value becomes `***` then spaces, so neither its length nor its characters show.
//! Every byte keeps its place and control characters become `?`, so spans taken from the
//! original (byte offsets) stay valid. The copy is only displayed; values come from the original.

use std::fmt;
use std::ops::Range;
use std::sync::OnceLock;

use miette::{MietteError, MietteSpanContents, NamedSource, SourceCode, SourceSpan, SpanContents};

use super::lines::{self, Lines};
use super::node::{self, Kind, Node};
use super::schema::{
    API_KEY, MAX_DELETES, ONLY, PORTAL, PORTALS, PRUNE, TOP_FIELDS, URL, WEBHOOKS,
};
use super::secret::parse_env_ref;
use crate::field::Field;
use crate::redact::{
    Registered, credential_ranges, escaped, is_unsafe, mask_credentials, mask_userinfo,
};

/// A webhook file as the diagnostics name and show it. No `Debug` of the text: it may hold
/// secrets.
pub struct Source {
    /// Escaped, for the diagnostics a terminal shows; `file` as it is, for reports a program
    /// reads (`Reported`).
    name: String,
    file: String,
    text: String,
    /// The allowlist copy, made when a problem first needs it; as shown (`display`), with every
    /// secret the run knows blanked too, made when first shown.
    copy: OnceLock<String>,
    display: OnceLock<NamedSource<String>>,
    lines: OnceLock<Lines>,
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Source").field("name", &self.name).finish()
    }
}

impl Source {
    pub(super) fn new(file: String, text: String) -> Source {
        Source {
            name: escaped(&file),
            file,
            text,
            copy: OnceLock::new(),
            display: OnceLock::new(),
            lines: OnceLock::new(),
        }
    }

    /// This file shown with the values at `hidden` blanked too: values found to hold a secret
    /// only once the environment is read, after the copy may have been made.
    pub(super) fn hiding(&self, hidden: &[SourceSpan]) -> Source {
        Source::with_display(self.file.clone(), shown(&self.text, hidden))
    }

    /// A file shown as `display` (one that did not parse), which also stands for its text.
    pub(super) fn with_display(file: String, display: String) -> Source {
        Source {
            name: escaped(&file),
            file,
            text: display.clone(),
            copy: OnceLock::from(display),
            display: OnceLock::new(),
            lines: OnceLock::new(),
        }
    }

    /// Escaped.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// As given: for a report whose format escapes it (JSON, GitHub's commands).
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The text as read, to count lines in and to digest (never to show).
    pub fn text(&self) -> &str {
        &self.text
    }

    fn lines(&self) -> &Lines {
        self.lines.get_or_init(|| Lines::new(&self.text))
    }

    /// The 1-based line and column (in characters) of byte `offset`.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        self.lines().line_column(&self.text, offset)
    }

    /// The length in bytes (without its line break) of the longest line a snippet of `span`
    /// shows: its own, and one before and after it.
    pub(super) fn widest_line(&self, span: SourceSpan) -> usize {
        self.lines().widest_line(&self.text, span)
    }

    /// What a message may quote from (`Checker::quotable`): made while the file is checked.
    pub(super) fn copy(&self) -> &str {
        self.copy.get_or_init(|| shown(&self.text, &[]))
    }

    /// Made when first shown: by then the command has registered the secrets the file names,
    /// also when it did not load (`ConfigError::register_secrets`).
    pub(super) fn display(&self) -> &NamedSource<String> {
        (self.display).get_or_init(|| {
            NamedSource::new(self.name.clone(), blank_registered(self.copy().to_string()))
        })
    }
}

/// The display copy of `text`, with the values at `hidden` blanked too. The tree is not kept
/// beside the text: a second parse only happens for a file with something to show, and gives
/// the same tree.
fn shown(text: &str, hidden: &[SourceSpan]) -> String {
    lone_cr_as_lf(match walked(text) {
        Some(mut copy) => {
            copy.structure();
            copy.hide_secrets(hidden);
            copy.render()
        }
        None => blanked(text),
    })
}

/// The secrets written in `text` (a literal `secretKey` or `apiKey`), found as the display
/// copy finds them: quoted, folded, in a flow mapping, anchored, in an entry written twice.
/// None in a file that does not parse, whose copy shows none of it.
pub(super) fn written_secrets(text: &str) -> Vec<String> {
    walked(text).map_or_else(Vec::new, |copy| copy.secrets)
}

fn walked(text: &str) -> Option<Copy<'_>> {
    let (tree, duplicates) = node::parse(text).ok()?;
    let mut copy = Copy::new(text, false);
    copy.twice = duplicates
        .into_iter()
        .filter_map(|d| Some(*d.entry?))
        .collect();
    copy.node(&tree, Place::Top);
    Some(copy)
}

/// The display copy, with columns counted in characters of the file, as the JSON and github
/// reports and editors count them: miette counts bytes, so an `ö` before a problem moved its
/// header.
impl SourceCode for Source {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let display = self.display();
        // miette reads from the start of what it is given: given the lines from a little
        // before the span on, it reads those alone, as it would have read them in the whole.
        let lines = self.lines();
        let first = lines.line_of(span.offset()).1.saturating_sub(before + 1);
        // After a byte order mark, which an editor does not show: its three bytes would show as
        // a blanked value (`***`).
        let bom = usize::from(self.text.starts_with('\u{feff}')) * '\u{feff}'.len_utf8();
        let base = lines.start(first).max(bom).min(display.inner().len());
        let local = SourceSpan::from((span.offset().saturating_sub(base), span.len()));
        let read = display.inner()[base..].read_span(&local, before, after)?;
        let at = SourceSpan::from((read.span().offset() + base, read.span().len()));
        lines::scanned(at.offset() + at.len() - base);
        // Of the text as read: the copy spells a blanked or unsafe character in other bytes.
        let column = self.line_column(at.offset()).1 - 1;
        let name = display.name().to_string();
        let (line, lines) = (read.line() + first, read.line_count() + first);
        let contents = MietteSpanContents::new_named(name, read.data(), at, line, column, lines);
        Ok(Box::new(contents))
    }
}

/// `copy` with each secret the run knows blanked as a value is (`***`, then spaces), byte for
/// byte: the stderr guard would print a shorter `[redacted]`, and move the marks under it.
fn blank_registered(mut copy: String) -> String {
    for range in crate::redact::guarded_ranges(&copy) {
        let blank = (0..range.len()).map(|i| if i < 3 { '*' } else { ' ' });
        copy.replace_range(range, &blank.collect::<String>());
    }
    copy
}

/// `shown` with each CR that is not followed by a LF made one: it ends a line in YAML, but not
/// in miette's snippets. The same byte, so every span stays where it was.
fn lone_cr_as_lf(shown: String) -> String {
    if !shown.contains('\r') {
        return shown;
    }
    (shown.char_indices())
        .map(|(i, c)| if node::lone_cr(&shown, i) { '\n' } else { c })
        .collect()
}

/// `None` when the file may hold a secret.
pub(super) fn display_unparsed(text: &str) -> Option<String> {
    if may_hold_secrets(text) {
        return None;
    }
    // A comment may hold anything (`# was: <the old secret>`), as in a file that parses.
    let mut copy = Copy::new(text, true);
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        if let Some(at) = comment_start(line) {
            copy.shown[start + at + 1..start + line.len()].fill(false);
        }
        start += line.len();
    }
    Some(lone_cr_as_lf(copy.render()))
}

/// A copy with nothing but the line breaks, for a problem shown without its snippet: its spans
/// and line numbers stay right, and nothing of the file is in it.
pub(super) fn blanked(text: &str) -> String {
    (text.bytes().enumerate())
        .map(|(i, b)| match b {
            b'\n' => '\n',
            _ if node::lone_cr(text, i) => '\n',
            _ => ' ',
        })
        .collect()
}

/// What a node's value is, by where it stands in the file's structure (`Place::of`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Top,
    Portals,
    Portal,
    Webhooks,
    Entry,
    Prune,
    /// A field that is never secret: its scalars, or a list of them.
    Plain,
    /// An address: shown with its credentials masked.
    Address,
    /// A secret field: only a `${VAR}` reference shows.
    Secret,
    /// The value of a key the format does not have there: only numbers, booleans and nulls.
    Unknown,
}

impl Place {
    fn of(self, key: &str) -> Place {
        match (self, key) {
            (Place::Top, PORTAL) | (Place::Portal, URL) => Place::Address,
            (Place::Top, PORTALS) => Place::Portals,
            (Place::Top | Place::Portal, WEBHOOKS) => Place::Webhooks,
            (Place::Top | Place::Portal, PRUNE) => Place::Prune,
            (Place::Portal, API_KEY) => Place::Secret,
            (Place::Portals, _) => Place::Portal,
            (Place::Webhooks, _) => Place::Entry,
            (Place::Entry, ONLY) | (Place::Prune, MAX_DELETES) => Place::Plain,
            (Place::Entry, key) => match Field::from_key(key) {
                Some(Field::Uri) => Place::Address,
                Some(field) if field.is_secret() => Place::Secret,
                Some(_) => Place::Plain,
                None => Place::Unknown,
            },
            _ => Place::Unknown,
        }
    }

    /// The place of what is nested in a value at `self` where the format has no place for it:
    /// anything in a secret's value stays secret.
    fn inner(self) -> Place {
        match self {
            Place::Secret => Place::Secret,
            _ => Place::Unknown,
        }
    }

    /// An allowlist: a new place shows no keys until it is added here.
    fn is_mapping(self) -> bool {
        matches!(
            self,
            Place::Top
                | Place::Portals
                | Place::Portal
                | Place::Webhooks
                | Place::Entry
                | Place::Prune
        )
    }
}

/// The display copy being made: which bytes show, and which spans show a shorter text.
struct Copy<'t> {
    text: &'t str,
    shown: Vec<bool>,
    /// Bytes inside a scalar (shown or not); the rest is structure.
    scalar: Vec<bool>,
    rewritten: Vec<(Range<usize>, String)>,
    /// The secrets written in the file, and the names, values, unknown keys and anchor and alias
    /// names that may show, each with its span: one that holds a secret is hidden (a name or
    /// value is refused too: `config::secret_in_field`).
    secrets: Vec<String>,
    values: Vec<(Range<usize>, String)>,
    /// Entries written a second time, shown as in their mapping (`node::twice_in`).
    twice: Vec<node::Twice>,
    /// Where each node the tree has is written: an anchor shows only before one (`structure`).
    starts: Vec<usize>,
}

impl<'t> Copy<'t> {
    fn new(text: &'t str, shown: bool) -> Copy<'t> {
        Copy {
            text,
            shown: vec![shown; text.len()],
            scalar: vec![false; text.len()],
            rewritten: Vec::new(),
            secrets: Vec::new(),
            values: Vec::new(),
            twice: Vec::new(),
            starts: Vec::new(),
        }
    }

    fn node(&mut self, node: &Node, place: Place) {
        match &node.kind {
            Kind::Str(s) if place == Place::Secret && parse_env_ref(s).is_none() => {
                self.secrets.push(s.clone());
            }
            // A secret written unquoted as a number is refused, but a key may still spell it.
            Kind::Int(_) | Kind::Float if place == Place::Secret => {
                let at = node.span.offset()..node.span.offset() + node.span.len();
                self.secrets.extend(self.text.get(at).map(str::to_string));
            }
            _ => {}
        }
        if node.span != node.defined {
            self.node_at(node, Place::Unknown);
            self.alias(node);
            return;
        }
        self.starts.push(node.defined.offset());
        self.node_at(node, place);
    }

    /// An alias shows its name (`*events`), as a value or a key: the user's label, which is
    /// structure, and a problem found in its value points at it. The value shows, or not, where
    /// the anchor defines it.
    fn alias(&mut self, node: &Node) {
        let range = range(node.span);
        let text = &self.text.as_bytes()[range.clone()];
        if node.span != node.defined
            && text.first() == Some(&b'*')
            && label(&text[1..]) + 1 == text.len()
        {
            self.shown[range.clone()].fill(true);
            let name = String::from_utf8_lossy(&text[1..]).into_owned();
            self.values.push((range, name));
        }
    }

    fn node_at(&mut self, node: &Node, place: Place) {
        match &node.kind {
            Kind::Map(entries) => {
                let twice = node::twice_in(&mut self.twice, node);
                for (key, value) in entries.iter().chain(&twice) {
                    self.alias(key);
                    if key.span == key.defined {
                        self.starts.push(key.defined.offset());
                    }
                    match &key.kind {
                        Kind::Str(k) if place.is_mapping() => {
                            let inner = place.of(k);
                            // Names show, and keys the format has there. A key it does not
                            // have shows only when it reads as a field name: a secret pasted
                            // into one (`secretKey:| 'value':`, `secretKeyAbCd1234`) does not.
                            let names = matches!(place, Place::Portals | Place::Webhooks);
                            if names || inner == Place::Unknown {
                                self.values.push((range(key.span), k.clone()));
                            }
                            if names || inner != Place::Unknown || is_field_like(k) {
                                self.string(key, k, false);
                            } else {
                                self.scalar(key, false);
                            }
                            self.node(value, inner);
                        }
                        // An id under `webhooks`, or a number where a name belongs; not one in
                        // a secret's shape, which a stray `?` made a key (`? 98765432109876`).
                        // Its sign, point or `~` are no part of that shape.
                        Kind::Int(_) | Kind::Float | Kind::Bool(_) | Kind::Null
                            if place.is_mapping() =>
                        {
                            let raw = self.text.get(range(key.span)).unwrap_or_default();
                            let shape = raw.replace(|c: char| !c.is_ascii_alphanumeric(), "");
                            self.scalar(key, shape.is_empty() || is_field_like(&shape));
                            self.node(value, place.of(""));
                        }
                        _ => {
                            // A key that is itself a list or mapping, or any key of a value that
                            // should not be a mapping: shown only as structure.
                            self.node(key, place.inner());
                            self.node(value, place.inner());
                        }
                    }
                }
            }
            Kind::Seq(items) => {
                for node in items {
                    // A list in a list is not a value any field has.
                    let nested = matches!(node.kind, Kind::Seq(_) | Kind::Map(_));
                    let item = match place {
                        Place::Plain if !nested => Place::Plain,
                        _ => place.inner(),
                    };
                    self.node(node, item);
                }
            }
            Kind::Str(s) => match place {
                Place::Plain | Place::Address => {
                    self.values.push((range(node.span), s.clone()));
                    self.string(node, s, place == Place::Address);
                }
                Place::Secret => self.scalar(node, parse_env_ref(s).is_some()),
                _ => self.scalar(node, false),
            },
            // A number, boolean or null is no secret (a number as a secret is a string).
            _ => self.scalar(node, place != Place::Secret),
        }
    }

    /// Shown only when written on one line.
    fn scalar(&mut self, node: &Node, show: bool) {
        let range = range(node.span);
        self.scalar[range.clone()].fill(true);
        if show && node.span == node.defined {
            let shown = self.one_line(range.clone());
            self.shown[shown].fill(true);
        }
    }

    /// The part of `range` that may show: none of a scalar that spans lines, and a single-line
    /// one up to a run of spaces or a tab (where another line was joined to it).
    fn one_line(&self, range: Range<usize>) -> Range<usize> {
        let raw = &self.text[range.clone()];
        if raw.contains(['\n', '\r']) {
            return range.start..range.start;
        }
        let end = [raw.find("  "), raw.find('\t')]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(raw.len());
        range.start..range.start + end
    }

    /// A string that may show, with the credentials of any URL in it masked (and, in an
    /// `address`, also a user and password written without a scheme, and the values of its
    /// query). Blanked when its credentials are written with escapes, where they are not the
    /// text as written.
    fn string(&mut self, node: &Node, value: &str, address: bool) {
        self.scalar(node, false);
        let range = self.one_line(range(node.span));
        let raw = &self.text[range.clone()];
        let credentials = credential_ranges(value, address);
        let masked = if address {
            blank_query(&mask_userinfo(raw))
        } else {
            mask_credentials(raw)
        };
        if node.span != node.defined || (unquoted(raw) != value && !credentials.is_empty()) {
            return;
        }
        if masked == raw {
            self.shown[range].fill(true);
        } else if masked.len() <= raw.len() && !raw.contains(is_unsafe) {
            self.rewritten.push((range, masked));
        }
    }

    /// Hides each name and value that holds one of the file's secrets, in any spelling the
    /// loader reads as it, and those at `also`: the loader refuses them, and the snippets must
    /// not show them either.
    fn hide_secrets(&mut self, also: &[SourceSpan]) {
        let secrets = Registered::of(self.secrets.iter().map(String::as_str));
        let found = (std::mem::take(&mut self.values).into_iter())
            .filter_map(|(r, value)| secrets.in_text(&value, false).map(|_| r));
        for range in found.chain(also.iter().map(|s| range(*s))) {
            self.shown[range.clone()].fill(false);
            self.rewritten.retain(|(r, _)| r.start != range.start);
        }
    }

    /// Shows the structure between scalars: whitespace, YAML's punctuation and the `#` of a
    /// comment (the comment's text stays blank: it may hold anything).
    fn structure(&mut self) {
        let bytes = self.text.as_bytes();
        let mut comment = false;
        let mut commented = vec![false; bytes.len()];
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' {
                comment = false;
            }
            commented[i] = comment;
            if self.scalar[i] || comment {
                continue;
            }
            if b == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()) {
                comment = true;
                self.shown[i] = true;
            } else if b.is_ascii_whitespace()
                || b":[]{},|>".contains(&b)
                // YAML's only before a space: else text of a value the tree does not read (a
                // second `<<`'s) that shows only as structure.
                || (b"-?".contains(&b) && (bytes.get(i + 1)).is_none_or(u8::is_ascii_whitespace))
            {
                self.shown[i] = true;
            } else if bytes[i..].starts_with(b"<<")
                && bytes[i + 2..].trim_ascii_start().starts_with(b":")
            {
                // A merge key: outside any scalar, `<<` can be nothing else.
                self.shown[i..i + 2].fill(true);
            }
        }
        // An anchor's name, a label as its aliases' are (`alias`), written before the node it
        // names: an `&` in text the tree does not have (a second `<<`'s value) or in a comment
        // may be any text, so only one that YAML's punctuation or a new line comes before shows.
        for start in std::mem::take(&mut self.starts) {
            let before = self.text[..start].trim_end().as_bytes();
            let at = before.len()
                - (before.iter().rev())
                    .take_while(|b| label(&[**b]) == 1)
                    .count();
            // `&` is one byte, so `at - 1` is a character boundary once it is one.
            let led = |at: usize| {
                let lead = self.text[..at - 1].trim_end_matches([' ', '\t']);
                lead.is_empty() || lead.ends_with(['\n', ':', '-', '?', '[', '{', ','])
            };
            if at < before.len()
                && at > 0
                && before[at - 1] == b'&'
                && !self.scalar[at - 1]
                && !commented[at - 1]
                && led(at)
            {
                self.shown[at - 1..before.len()].fill(true);
                let name = self.text[at..before.len()].to_string();
                self.values.push((at - 1..before.len(), name));
            }
        }
    }

    /// The copy: each run of hidden text on a line shows one `***` where its text starts, then
    /// spaces; a rewritten span shows its text padded with spaces.
    fn render(&self) -> String {
        let mut rewritten: Vec<&(Range<usize>, String)> = self.rewritten.iter().collect();
        rewritten.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
        let mut out = String::with_capacity(self.text.len());
        let mut stars = 0;
        let mut chars = self.text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if let Some((range, with)) = rewritten.last().filter(|(r, _)| r.start == i) {
                out.push_str(with);
                out.extend(std::iter::repeat_n(' ', range.len() - with.len()));
                while chars.next_if(|(j, _)| *j < range.end).is_some() {}
                rewritten.pop();
                stars = 0;
                continue;
            }
            let hidden = !self.shown[i];
            if hidden && c != '\n' && c != '\r' && (stars > 0 || !c.is_whitespace()) {
                stars = stars.max(1);
                for _ in 0..c.len_utf8() {
                    out.push(if (1..=3).contains(&stars) { '*' } else { ' ' });
                    stars += 1;
                }
                continue;
            }
            if !hidden || c == '\n' {
                stars = 0;
            }
            if is_unsafe(c) {
                out.extend(std::iter::repeat_n('?', c.len_utf8()));
            } else {
                out.push(c);
            }
        }
        out
    }
}

/// The length of the anchor or alias name (`&base`, `*base`) `text` starts with.
fn label(text: &[u8]) -> usize {
    (text.iter())
        .take_while(|b| b.is_ascii_alphanumeric() || b"_-".contains(b))
        .count()
}

fn range(span: SourceSpan) -> Range<usize> {
    span.offset()..span.offset() + span.len()
}

/// `address` with the value of each query parameter blanked (`?token=***`): a token is often
/// passed there, and the rest of the address says which one it is.
fn blank_query(address: &str) -> String {
    let Some(query) = address.find('?') else {
        return address.to_string();
    };
    let (before, after) = address.split_at(query);
    let end = after.find('#').unwrap_or(after.len());
    let params = after[..end]
        .split('&')
        .map(|param| match param.split_once('=') {
            Some((name, value)) => format!("{name}={}", "*".repeat(value.len().min(3))),
            None => param.to_string(),
        });
    format!(
        "{before}{}{}",
        params.collect::<Vec<_>>().join("&"),
        &after[end..]
    )
}

/// Escapes left as they are.
fn unquoted(raw: &str) -> &str {
    let quoted = |q: char| raw.len() >= 2 && raw.starts_with(q) && raw.ends_with(q);
    if quoted('"') || quoted('\'') {
        &raw[1..raw.len() - 1]
    } else {
        raw
    }
}

/// Parts of key names that mark a secret, compared without case and without `_`, `-`, `.`
/// and spaces (`api_key`, `Client-Secret`, `DB.password`).
const SECRET_WORDS: &[&str] = &[
    "secret",
    "token",
    "pass",
    "pwd",
    "key",
    "credential",
    "bearer",
    "private",
    "signature",
    "authoriz",
    "hmac",
    "psk",
    "jwt",
    "digest",
];

/// Endings of key names that mark a secret (`x-hub-sig`, `basicAuth`, `awsCred`), too short to
/// look for anywhere in a word (`design`, `author`, `incredible`).
const SECRET_ENDINGS: &[&str] = &["sig", "auth", "cred"];

/// Whether a key's value should be treated as a secret: `secretKey` itself, a near miss of it
/// (`secrectKey`, `scretKey`, `secertKy`: reported as unknown fields, but most likely holding a
/// secret all the same), or a name containing one of `SECRET_WORDS`. The file's other fields
/// are never secrets.
fn is_secret_key(key: &str) -> bool {
    if let Some(field) = Field::from_key(key) {
        return field.is_secret();
    }
    if TOP_FIELDS.contains(&key) {
        return false;
    }
    let normal = normal(key);
    has_secret_word(&normal)
        || SECRET_ENDINGS.iter().any(|e| normal.ends_with(e))
        || ["secretkey", "apikey"]
            .iter()
            .any(|f| is_near_miss(&normal, f))
}

/// Whether an unknown key reads as a misspelt field name, and may be shown: a short word of
/// ASCII letters, digits, `_` and `-`; one that looks like a secret's key (`api_key`,
/// `secrectKey`) no longer than a key name is, since past that it may be a secret run into
/// its key (`secretKeyAbCd1234`). Nor a key in an API key's or a generated secret's shape
/// (`sk-...`; 12 or more characters, 3 or more of them digits, as hex ones are; 16 or more
/// mixing digits and both cases, as random ones are; 16 or more with no `_`, `-` or change of
/// case, as a passphrase run together is and no field name of the format, all camelCase and
/// shorter, nor a misspelling of one), which a stray `?` or a lost line end turns from a value
/// into a key.
pub(super) fn is_field_like(key: &str) -> bool {
    let has = |f: fn(&u8) -> bool| key.bytes().any(|b| f(&b));
    let generated = (key.len() >= 12 && key.bytes().filter(u8::is_ascii_digit).count() >= 3)
        || (key.len() >= 16
            && match has(u8::is_ascii_uppercase) && has(u8::is_ascii_lowercase) {
                true => has(u8::is_ascii_digit),
                false => !key.contains(['_', '-']),
            });
    (1..=32).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && (normal(key).len() <= 13 || !is_secret_key(key))
        && !key.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("sk-"))
        && !generated
}

fn normal(text: &str) -> String {
    text.to_lowercase().replace(['_', '-', '.', ' '], "")
}

fn has_secret_word(normal: &str) -> bool {
    SECRET_WORDS.iter().any(|w| normal.contains(w))
}

/// Every single typo of `secretKey` keeps "secret" or "key" whole; two or more need the
/// distance (the same measure that makes the loader ask "did you mean `secretKey`?"). So for
/// `apiKey` (`apiKy`, `apikee`).
fn is_near_miss(normal: &str, field: &str) -> bool {
    // Cheap first: such a word is mostly made of the field's letters (Jaro-Winkler above 0.8
    // needs at least four of them to match).
    let letters = normal.chars().filter(|c| field.contains(*c)).count();
    (field.len() - 4..=field.len() + 5).contains(&normal.len())
        && letters >= 4
        && (strsim::jaro_winkler(normal, field) > 0.8 || strsim::osa_distance(normal, field) <= 3)
}

/// The words of `text` that could be key names (runs of letters, digits, `_` and `-`), each
/// with whether it is followed by `:` or `=` (after closing quotes and spaces), as a key is.
fn words(text: &str) -> impl Iterator<Item = (&str, bool)> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .filter(|w| !w.is_empty())
        .map(move |w| {
            let end = w.as_ptr() as usize - text.as_ptr() as usize + w.len();
            let after = text[end..].trim_start_matches(['"', '\'', ' ']);
            (w, after.starts_with([':', '=']))
        })
}

/// Where a line's comment starts: a `#` at the start or after whitespace (YAML's rule, ignoring
/// quotes, which errs towards treating more as a comment).
fn comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    (0..bytes.len())
        .find(|&i| bytes[i] == b'#' && (i == 0 || bytes[i - 1] == b' ' || bytes[i - 1] == b'\t'))
}

/// Whether a file that could not be parsed may hold a secret somewhere. Without a tree there is
/// no telling where a value ends (the next line may continue it, a quote may never close), so
/// any sign of one counts: a secret-looking word outside a comment (unless the line is exactly
/// `key: ${VAR}`), a secret-looking word followed by `:` or `=` in a comment, or a URL with
/// credentials. NULs are passed over.
pub(super) fn may_hold_secrets(text: &str) -> bool {
    // UTF-16 read as UTF-8 has a NUL between the characters of every word.
    text.replace('\0', "").lines().any(|line| {
        let (code, comment) = match comment_start(line) {
            Some(at) => line.split_at(at),
            None => (line, ""),
        };
        // Any word holding a secret word is one the line holds too, so most lines are passed
        // over with one search; near misses are looked for among keys only.
        let any_word = has_secret_word(&normal(line));
        let code_secret = !is_reference_line(code)
            && words(code).any(|(w, is_key)| {
                (any_word && has_secret_word(&normal(w))) || (is_key && is_secret_key(w))
            });
        let comment_secret = words(comment).any(|(w, is_key)| is_key && is_secret_key(w));
        let credentials = !credential_ranges(line, false).is_empty()
            || code.split_once(':').is_some_and(|(_, value)| {
                !credential_ranges(value.trim().trim_matches(['"', '\'']), true).is_empty()
            });
        code_secret || comment_secret || credentials
    })
}

/// `key: ${VAR}` (quotes allowed): a line that names a variable instead of holding a value.
fn is_reference_line(code: &str) -> bool {
    code.split_once(':').is_some_and(|(key, value)| {
        let value = value.trim().trim_matches(['"', '\'']);
        !key.contains(['{', '[', ',']) && parse_env_ref(value).is_some()
    })
}

#[cfg(test)]
#[path = "display_tests.rs"]
mod tests;
