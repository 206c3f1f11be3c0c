//! Pass 1 of the loader: YAML text to a loose tree of spanned nodes, byte spans and the line
//! and column a person reads, and the YAML-level failures that stop it.
//!
//! A deserializer stops at the first error, so nothing here knows the config's shape: any
//! well-formed YAML becomes a `Node` tree, built from the parser's events (`events`), and pass 2
//! (`validate`, `entry`, `portals`, `checker`) checks the shape by hand, collecting every
//! problem. Only YAML-level failures (syntax, several documents, budget breaches) stop it, as a
//! single `Failed` (worded in `config::unparsed`, with a hint for the mistakes people make most:
//! `syntax_help`); a key written twice is handed to pass 2 as a `Duplicate`. Every node keeps
//! the byte span it was read from, which is what lets each later problem point at its value.

use std::borrow::Cow;
use std::collections::{HashSet, VecDeque};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use granit_parser::ScalarStyle;
use miette::SourceSpan;

use super::events::{Ev, Events, Fail, Failed, Item, Scalar, Slot, TagKind};

/// One YAML node and where it stands in the text. No `Debug`: a node may hold a secret.
pub(super) struct Node {
    pub kind: Kind,
    /// Where the node is used: for an alias, the `*alias` token.
    pub span: SourceSpan,
    /// Where its value is written: for an alias, the anchored node. Equal to `span` otherwise.
    pub defined: SourceSpan,
}

/// A node's value.
pub(super) enum Kind {
    Null,
    Bool(bool),
    /// A plain (unquoted) integer. A quoted `"9846"` is a `Str`.
    Int(i128),
    /// A float, or an integer too big for 64 bits. Only its text matters, for messages.
    Float,
    Str(String),
    Seq(Vec<Node>),
    /// In file order, then the entries merge keys (`<<`) bring.
    Map(Vec<(Node, Node)>),
}

impl Kind {
    pub(super) fn as_str(&self) -> Option<&str> {
        match self {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// For "expected X, found Y" messages.
    pub(super) fn describe(&self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Int(_) => "an integer",
            Kind::Float => "a number",
            Kind::Str(_) => "a string",
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
        }
    }
}

/// Parses one YAML document. An empty document (or only comments) is `Kind::Null`. A key
/// written twice in a mapping is reported with the tree (its first value kept), so that the
/// file's other problems are found too.
pub(super) fn parse(text: &str) -> Result<(Node, Vec<Duplicate>), Failed> {
    let mut reader = Reader {
        events: Events::new(text),
        queue: VecDeque::new(),
        merged_at: None,
        duplicates: Vec::new(),
    };
    let root = read(&mut reader)?;
    // A mapping merged in (`<<: *base`) several times would report its duplicate each time.
    let mut seen = HashSet::new();
    let duplicates = (reader.duplicates.into_iter())
        .filter(|d| seen.insert((d.span.offset(), d.span.len())))
        .collect();
    Ok((root, duplicates))
}

/// A key written a second time in one mapping, where, and as written when it is a string.
pub(super) struct Duplicate {
    pub span: SourceSpan,
    pub key: Option<String>,
    /// A second merge key (`<<`), not a key named `<<`.
    pub merge: bool,
    /// The entry written second, with where its mapping is defined (`Node::defined`): left out
    /// of the tree, but checked and shown all the same (`twice_in`).
    pub entry: Option<Box<Twice>>,
}

/// The mapping a duplicate entry is written in (its `defined`), its key and its value.
pub(super) type Twice = (SourceSpan, Node, Node);

/// Takes the entries of `twice` written a second time in the mapping `map`.
pub(super) fn twice_in(twice: &mut Vec<Twice>, map: &Node) -> Vec<(Node, Node)> {
    let (of_map, rest) = (std::mem::take(twice).into_iter()).partition(|t| t.0 == map.defined);
    *twice = rest;
    of_map
        .into_iter()
        .map(|(_, key, value)| (key, value))
        .collect()
}

fn read(reader: &mut Reader<'_>) -> Result<Node, Failed> {
    let root = match reader.events.next(Slot::Other)? {
        Some(item) => reader.node(item)?,
        None => {
            let at = reader.events.last;
            Node {
                kind: Kind::Null,
                span: at,
                defined: at,
            }
        }
    };
    match reader.events.next(Slot::Other)? {
        Some((ev, _)) => Err(Failed {
            kind: Fail::MultipleDocuments,
            span: ev.span(),
        }),
        None => Ok(root),
    }
}

/// What makes two keys the same key, as YAML compares them: integers by value, other scalars
/// by their text and tag (`true` and `"true"` are one key, `1` and `"1"` two), collections by
/// their members.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Key<'a> {
    Int(bool, u128),
    Scalar(Cow<'a, str>, TagKind),
    Seq(Vec<Key<'a>>),
    Map(Vec<(Key<'a>, Key<'a>)>),
    Cycle,
}

/// A node's events, read ahead of building it.
type Captured<'a> = Vec<Item<'a>>;

/// An entry a merge key brings: its key's and value's events, and where it is referenced.
struct Merged<'a> {
    key: Captured<'a>,
    value: Captured<'a>,
    at: SourceSpan,
}

struct Reader<'a> {
    events: Events<'a>,
    /// Events read ahead (a complex key, what a merge key brings), served before the parser's.
    queue: VecDeque<Item<'a>>,
    /// While building what a merge key brought: where it is referenced, which is where each of
    /// its nodes is used unless an alias says otherwise.
    merged_at: Option<SourceSpan>,
    /// Keys written twice in a mapping.
    duplicates: Vec<Duplicate>,
}

impl<'a> Reader<'a> {
    fn next(&mut self, slot: Slot) -> Result<Item<'a>, Failed> {
        if let Some(item) = self.queue.pop_front() {
            return Ok(item);
        }
        let at = self.events.last;
        self.events
            .next(slot)?
            .ok_or_else(|| Failed::yaml("unexpected end of file", at))
    }

    /// Serves `events` next.
    fn replay(&mut self, events: Captured<'a>) {
        for item in events.into_iter().rev() {
            self.queue.push_front(item);
        }
    }

    /// The events of the node that starts with `first`, read to its end.
    fn capture(&mut self, first: Item<'a>) -> Result<Captured<'a>, Failed> {
        // For each open collection: a list (`None`), or a mapping and whether a key is next.
        let mut open: Vec<Option<bool>> = Vec::new();
        let mut items = Vec::new();
        let mut item = first;
        loop {
            let complete = match &item.0 {
                Ev::SeqStart(..) => {
                    open.push(None);
                    false
                }
                Ev::MapStart(..) => {
                    open.push(Some(true));
                    false
                }
                Ev::SeqEnd(_) | Ev::MapEnd(_) => {
                    open.pop();
                    true
                }
                _ => true,
            };
            items.push(item);
            if complete && let Some(Some(key_next)) = open.last_mut() {
                *key_next = !*key_next;
            }
            let slot = match open.last() {
                None => return Ok(items),
                Some(None) => Slot::Other,
                Some(Some(true)) => Slot::Key,
                Some(Some(false)) => Slot::Value,
            };
            item = self.next(slot)?;
        }
    }

    fn node(&mut self, (ev, alias): Item<'a>) -> Result<Node, Failed> {
        let defined = ev.span();
        let kind = match ev {
            Ev::Scalar(s) => scalar(&s)?,
            Ev::SeqStart(..) => {
                let mut items = Vec::new();
                loop {
                    let item = self.next(Slot::Other)?;
                    if matches!(item.0, Ev::SeqEnd(_)) {
                        break;
                    }
                    items.push(self.node(item)?);
                }
                Kind::Seq(items)
            }
            Ev::MapStart(..) => Kind::Map(self.entries(defined)?),
            Ev::Recursive(at) => return Err(cycle(at)),
            Ev::SeqEnd(at) => return Err(Failed::yaml("unexpected sequence end", at)),
            Ev::MapEnd(at) => return Err(Failed::yaml("unexpected mapping end", at)),
        };
        Ok(Node {
            kind,
            span: alias.or(self.merged_at).unwrap_or(defined),
            defined,
        })
    }

    /// A mapping's entries after its start, in file order, then those its merge keys (`<<`)
    /// bring that it does not set itself. A key written twice is recorded, its first value kept.
    fn entries(&mut self, map: SourceSpan) -> Result<Vec<(Node, Node)>, Failed> {
        let mut entries = Vec::new();
        let mut seen = Seen::default();
        let mut merged = Vec::new();
        let mut fresh;
        loop {
            let item = self.next(Slot::Key)?;
            let key = match &item.0 {
                Ev::MapEnd(_) => break,
                Ev::Scalar(s) if is_merge_key(s) => {
                    let span = item.0.span();
                    let value = self.merge_value()?;
                    // Like any key, a second `<<` is a duplicate, not a second list to merge.
                    if merged.is_empty() {
                        merged.push(value);
                    } else {
                        let (key, merge, entry) = (None, true, None);
                        self.duplicates.push(Duplicate {
                            span,
                            key,
                            merge,
                            entry,
                        });
                    }
                    continue;
                }
                Ev::Scalar(_) => {
                    fresh = self.first(seen.add(std::slice::from_ref(&item)));
                    self.node(item)?
                }
                _ => {
                    // A collection as a key is read whole and compared before it is built.
                    let events = self.capture(item)?;
                    fresh = self.first(seen.add(&events));
                    self.rebuilt(events, Slot::Key)?
                }
            };
            let value = self.next(Slot::Value)?;
            let value = self.node(value)?;
            // Its own Duplicate: reading the value may have recorded others after it.
            match fresh {
                Ok(()) => entries.push((key, value)),
                Err(at) => self.duplicates[at].entry = Some(Box::new((map, key, value))),
            }
        }
        let outer = self.merged_at;
        for entry in merged.into_iter().flatten() {
            if seen.insert(events_key(&entry.key, &mut 0)) {
                self.merged_at = Some(entry.at);
                let key = self.rebuilt(entry.key, Slot::Key)?;
                entries.push((key, self.rebuilt(entry.value, Slot::Value)?));
                self.merged_at = outer;
            }
        }
        Ok(entries)
    }

    /// Whether a key was new to its mapping (`Seen::add`): a duplicate is recorded, and where
    /// returned.
    fn first(&mut self, added: Result<(), Duplicate>) -> Result<(), usize> {
        added.map_err(|dup| {
            self.duplicates.push(dup);
            self.duplicates.len() - 1
        })
    }

    /// The node whose events were read ahead as `events`, in `slot`.
    fn rebuilt(&mut self, events: Captured<'a>, slot: Slot) -> Result<Node, Failed> {
        self.replay(events);
        let first = self.next(slot)?;
        self.node(first)
    }

    /// What a merge key's value brings: a mapping's entries, or each of a list of mappings',
    /// read ahead; they are built once the mapping they merge into has ended.
    fn merge_value(&mut self) -> Result<Vec<Merged<'a>>, Failed> {
        let item = self.next(Slot::Value)?;
        let at = item.1.or(self.merged_at);
        self.merged(item, at, true)
    }

    /// The entries the merge value `item` brings, referenced at `at` (where it stands when
    /// `None`): a mapping's own first, then those of its own merge keys; or each element's,
    /// each referenced where it is (or where its alias is). A node is read whole before its
    /// entries are taken, but for the list a merge key names itself (`streamed`).
    fn merged(
        &mut self,
        item: Item<'a>,
        at: Option<SourceSpan>,
        streamed: bool,
    ) -> Result<Vec<Merged<'a>>, Failed> {
        match &item.0 {
            Ev::MapStart(..) => {}
            Ev::Scalar(s) if is_null(s) => return Ok(Vec::new()),
            Ev::SeqStart(..) => {
                if !streamed {
                    let events = self.capture(item)?;
                    self.replay(events);
                    self.next(Slot::Other)?;
                }
                let mut all = Vec::new();
                loop {
                    let item = self.next(Slot::Other)?;
                    if matches!(item.0, Ev::SeqEnd(_)) {
                        return Ok(all);
                    }
                    let at = item.1.or(at).unwrap_or(item.0.span());
                    all.extend(self.merged(item, Some(at), false)?);
                }
            }
            Ev::Recursive(at) => return Err(cycle(*at)),
            other => {
                let message = "YAML merge value must be mapping or sequence of mappings";
                return Err(Failed::yaml(message, other.span()));
            }
        }
        let at = at.unwrap_or(item.0.span());
        let outer = self.merged_at.replace(at);
        let events = self.capture(item)?;
        self.replay(events);
        self.next(Slot::Other)?;
        let mut fields: Vec<Merged<'a>> = Vec::new();
        let mut nested = Vec::new();
        loop {
            let item = self.next(Slot::Key)?;
            if matches!(item.0, Ev::MapEnd(_)) {
                break;
            }
            if let Ev::Scalar(s) = &item.0
                && is_merge_key(s)
            {
                nested.push(self.merge_value()?);
                continue;
            }
            let key = self.capture(item)?;
            let value = self.next(Slot::Value)?;
            let value = self.capture(value)?;
            fields.push(Merged { key, value, at });
        }
        self.merged_at = outer;
        let mut seen = Seen::default();
        for field in &fields {
            let _ = self.first(seen.add(&field.key));
        }
        fields.extend(nested.into_iter().flatten());
        Ok(fields)
    }
}

/// The keys of one mapping so far: a list while it is short, as most mappings are, hashed
/// beyond.
#[derive(Default)]
struct Seen<'a> {
    few: Vec<Key<'a>>,
    many: HashSet<Key<'a>>,
}

impl<'a> Seen<'a> {
    /// Adds `key`; false when it was there already.
    fn insert(&mut self, key: Key<'a>) -> bool {
        if self.many.is_empty() {
            if self.few.contains(&key) {
                return false;
            }
            if self.few.len() < 16 {
                self.few.push(key);
                return true;
            }
            self.many.extend(self.few.drain(..));
        }
        self.many.insert(key)
    }

    /// Adds the key whose events are `key`; a key already there is a `Duplicate`.
    fn add(&mut self, key: &[Item<'a>]) -> Result<(), Duplicate> {
        if self.insert(events_key(key, &mut 0)) {
            return Ok(());
        }
        // A key read through an alias is neither named (its value shows only where it is
        // anchored, if at all) nor labelled there: the duplicate is the alias.
        let (first, alias) = &key[0];
        let text = match first {
            Ev::Scalar(s) if key.len() == 1 && alias.is_none() && s.tag.may_be_string() => {
                Some(s.value.to_string())
            }
            _ => None,
        };
        Err(Duplicate {
            key: text,
            span: alias.unwrap_or(first.span()),
            merge: false,
            entry: None,
        })
    }
}

fn is_merge_key(s: &Scalar<'_>) -> bool {
    s.value == "<<"
        && (s.tag == TagKind::Merge || s.tag == TagKind::None && s.style == ScalarStyle::Plain)
}

fn cycle(at: SourceSpan) -> Failed {
    Failed::yaml("Recursive reference not allowed here", at)
}

/// The key identity of the node whose events start at `events[*i]`; moves `i` past them.
fn events_key<'a>(events: &[Item<'a>], i: &mut usize) -> Key<'a> {
    let ev = &events[*i].0;
    *i += 1;
    match ev {
        Ev::Scalar(s) => scalar_key(s),
        Ev::SeqStart(..) => {
            let mut items = Vec::new();
            while !matches!(events.get(*i).map(|e| &e.0), Some(Ev::SeqEnd(_)) | None) {
                items.push(events_key(events, i));
            }
            *i += 1;
            Key::Seq(items)
        }
        Ev::MapStart(..) => {
            let mut pairs = Vec::new();
            while !matches!(events.get(*i).map(|e| &e.0), Some(Ev::MapEnd(_)) | None) {
                let k = events_key(events, i);
                pairs.push((k, events_key(events, i)));
            }
            *i += 1;
            pairs.sort();
            Key::Map(pairs)
        }
        _ => Key::Cycle,
    }
}

fn scalar_key<'a>(s: &Scalar<'a>) -> Key<'a> {
    if (s.tag == TagKind::Int || s.tag == TagKind::None && s.style == ScalarStyle::Plain)
        && let Some((negative, magnitude)) = int(trim(&s.value))
    {
        return Key::Int(negative, magnitude);
    }
    let tag = match s.tag {
        TagKind::None if is_null(s) => TagKind::Null,
        tag if tag.may_be_string() => TagKind::Str,
        tag => tag,
    };
    Key::Scalar(s.value.clone(), tag)
}

/// A scalar's value by the YAML 1.2 core schema: `null`, `~` or nothing; `true` and `false`
/// only (`enabled: yes` is then a string, reported as "expected true or false" instead of
/// silently meaning true, and a webhook named `no` or `on` stays a name); integers (`int`);
/// floats, with `.inf` and `.nan` (a value of the wrong type, reported with a
/// span by pass 2). Quoted scalars, `!` and `!!str` are strings.
fn scalar(s: &Scalar<'_>) -> Result<Kind, Failed> {
    let value = &*s.value;
    let t = trim(value);
    let invalid = |ty: &str| Failed::yaml(format!("invalid {ty}"), s.span);
    match s.tag {
        TagKind::Null => return Ok(Kind::Null),
        TagKind::Bool => {
            return bool_of(value)
                .map(Kind::Bool)
                .ok_or_else(|| Failed::yaml("invalid boolean (true or false expected)", s.span));
        }
        TagKind::Int => {
            let ty = if t.starts_with('-') { "i64" } else { "u64" };
            return int64(t).map(Kind::Int).ok_or_else(|| invalid(ty));
        }
        TagKind::Float => {
            return float(value)
                .map(|()| Kind::Float)
                .ok_or_else(|| invalid("floating point"));
        }
        _ => {}
    }
    if is_null(s) {
        return Ok(Kind::Null);
    }
    if s.style != ScalarStyle::Plain || !s.tag.resolves() {
        return match s.tag {
            TagKind::Binary => binary(value, s.span).map(Kind::Str),
            tag if tag.may_be_string() => Ok(Kind::Str(value.to_string())),
            _ => Err(Failed::yaml(
                "cannot deserialize tagged scalar into string",
                s.span,
            )),
        };
    }
    if let Some(b) = bool_of(value) {
        return Ok(Kind::Bool(b));
    }
    // Kept as text before the float parser can take it.
    let unsigned = t.strip_prefix(['+', '-']).unwrap_or(t);
    if t.len() > unsigned.len() && matches!(unsigned, ".nan" | ".NaN" | ".NAN") {
        return Ok(Kind::Str(value.to_string()));
    }
    if let Some(n) = int64(t) {
        return Ok(Kind::Int(n));
    }
    if float(value).is_some() {
        return Ok(Kind::Float);
    }
    Ok(Kind::Str(value.to_string()))
}

/// Without YAML's white space around it (not Unicode's: a no-break space stays).
fn trim(s: &str) -> &str {
    s.trim_matches([' ', '\t', '\r', '\n'])
}

fn is_null(s: &Scalar<'_>) -> bool {
    s.tag == TagKind::Null
        || (s.tag.resolves()
            && s.style == ScalarStyle::Plain
            && matches!(&*s.value, "" | "~" | "null" | "Null" | "NULL"))
}

fn bool_of(s: &str) -> Option<bool> {
    match trim(s) {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// The sign and magnitude of the integer `t` (trimmed) spells by the YAML 1.2 core schema
/// (`[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`), a key's identity (zero never negative); at
/// most 128 bits signed when negative. So `09846` is 9846, and `9_846` and `0b11` (YAML 1.1
/// spellings) are strings: a webhook name, not an id.
fn int(t: &str) -> Option<(bool, u128)> {
    let (negative, radix, digits) = if let Some(hex) = t.strip_prefix("0x") {
        (false, 16, hex)
    } else if let Some(octal) = t.strip_prefix("0o") {
        (false, 8, octal)
    } else if let Some(rest) = t.strip_prefix('-') {
        (true, 10, rest)
    } else {
        (false, 10, t.strip_prefix('+').unwrap_or(t))
    };
    // `from_str_radix` would also take a sign of its own.
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let m = u128::from_str_radix(digits, radix).ok()?;
    (!negative || m <= 1 << 127).then_some((negative && m != 0, m))
}

/// An integer that fits in 64 bits, signed or unsigned.
fn int64(t: &str) -> Option<i128> {
    let (negative, m) = int(t)?;
    let v = if negative {
        0i128.checked_sub_unsigned(m)?
    } else {
        i128::try_from(m).ok()?
    };
    (i128::from(i64::MIN)..=i128::from(u64::MAX))
        .contains(&v)
        .then_some(v)
}

/// Whether `value` is a float: finite, `.inf`/`.nan` in YAML's spellings, or digits too big
/// for 64 bits.
fn float(value: &str) -> Option<()> {
    let t = trim(value);
    let unsigned = t.strip_prefix(['+', '-']).unwrap_or(t);
    if matches!(
        unsigned,
        ".nan" | ".NaN" | ".NAN" | ".inf" | ".Inf" | ".INF"
    ) {
        return Some(());
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Some(()),
        Ok(_) if unsigned.as_bytes().first().is_some_and(u8::is_ascii_digit) => Some(()),
        _ => None,
    }
}

/// A `!!binary` scalar read as the UTF-8 text its base64 encodes: strict base64, padded, with
/// the bits the padding drops zero (`QR==` is not a spelling of `A`).
fn binary(value: &str, span: SourceSpan) -> Result<String, Failed> {
    let clean: Vec<u8> = value.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let bytes = BASE64
        .decode(clean)
        .map_err(|_| Failed::yaml("invalid !!binary base64", span))?;
    String::from_utf8(bytes).map_err(|_| {
        Failed::yaml(
            "!!binary scalar is not valid UTF-8 so cannot be stored into string.",
            span,
        )
    })
}

/// Whether byte `i` of `text` is a CR that ends a line by itself: YAML's line breaks are LF,
/// CR LF and a CR alone.
pub(super) fn lone_cr(text: &str, i: usize) -> bool {
    text.as_bytes()[i] == b'\r' && text.as_bytes().get(i + 1) != Some(&b'\n')
}

/// Hints for the two syntax errors people make most in this file. The `*` one only where an
/// event is written: in a `triggers` value, or an alias no name follows (`*`, `*.created`).
pub(super) fn syntax_help(text: &str, span: SourceSpan) -> Option<&'static str> {
    let offset = span.offset().min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("");
    let alias = text[offset..].strip_prefix('*');
    let unnamed = alias.is_some_and(|a| !a.starts_with(|c: char| c.is_alphanumeric() || c == '_'));
    if line.trim_start_matches(' ').starts_with('\t') {
        Some("indent with spaces: YAML does not allow tabs in indentation")
    } else if alias.is_some() && (unnamed || text[line_start..offset].contains("triggers")) {
        Some("`*` starts an alias in YAML; for every event write `\"*\"`, with quotes")
    } else {
        None
    }
}

/// The tab a parser's message about one at `from` means: the first that indents a line, from
/// the line of `from` on. The message may name the end of the line before (a plain scalar
/// there could go on), or the character after the tab. A line that is blank or a comment after
/// its indent may hold tabs (YAML allows them there).
pub(super) fn indenting_tab(text: &str, from: usize) -> Option<usize> {
    let mut start = text[..from.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    for line in text[start..].split_inclusive('\n') {
        let rest = line.trim_start_matches([' ', '\t']);
        let indent = &line[..line.len() - rest.len()];
        let empty = rest.trim().is_empty() || rest.starts_with('#');
        if let Some(tab) = indent.find('\t').filter(|_| !empty) {
            return Some(start + tab);
        }
        start += line.len();
    }
    None
}

/// The parser's message without the text it quotes from the file (a tag, a key): for a file
/// that may hold a secret, where such a quote could be one (`secretKey: !s3cr3t` is a tag).
/// A single quoted character (`unexpected character: `@'`) stays, as it says what to fix.
pub(super) fn unquoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open) = rest.find('`') {
        out.push_str(&rest[..=open]);
        let inner = &rest[open + 1..];
        match inner.find(['`', '\'']) {
            Some(close) => {
                if inner[..close].chars().count() > 1 {
                    out.push('…');
                } else {
                    out.push_str(&inner[..close]);
                }
                out.push_str(&inner[close..=close]);
                rest = &inner[close + 1..];
            }
            None => {
                out.push('…');
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}
