//! The parser's events for one YAML document as pass 1 reads them: aliases replayed from their
//! anchors, tags checked, and every limit on what a file may cost counted on the way. The
//! limits, the order they are checked in and their wording are those of serde-saphyr, which
//! read the file before: a file refused then is refused now, at the same place, in the same
//! words.

use std::borrow::Cow;
use std::rc::Rc;

use granit_parser::{ErrorKind, Event, Options, Parser, ScalarStyle, ScanError, StrInput, Tag};
use miette::SourceSpan;

/// A ceiling on the tree, counting the nodes aliases add: it bounds the memory a file may take,
/// not what a real file holds. A file at the byte cap (`MAX_FILE_BYTES`) written as `export`
/// writes it (13 bytes an event) holds about 300,000, and so does one of 50,000 portals.
const MAX_NODES: usize = 1_000_000;
/// Every node is at most two events (start and end), plus the stream's and document's own.
const MAX_EVENTS: usize = 2 * MAX_NODES + 4;
/// What aliases may add whatever the file's size: far more than a file reuses by hand (a
/// shared `triggers:` list of 10 events replays 12).
const MIN_ALIAS_EVENTS: usize = 50_000;
/// Bytes of file for each event aliases may add beyond `MIN_ALIAS_EVENTS`. `export` writes
/// about 13 bytes an event, so aliases may add a little more than the file spells out: reading
/// a bomb then costs about what an honest file of its size does (measured at the byte cap, in
/// a release build: 0.7 s and 150 MB for a padded billion laughs, 0.6 s and 90 MB for 30,000
/// short webhooks), where without the cap it grows exponentially with the file.
const BYTES_PER_ALIAS_EVENT: usize = 8;
/// Far beyond the deepest valid file (4 levels), far below what overflows a thread's stack
/// (the tree is built recursively).
const MAX_DEPTH: usize = 16;
/// Bounds on what aliases make the reader hold and copy, and on documents: far above what the
/// byte cap lets an honest file reach.
const MAX_DOCUMENTS: usize = 1_024;
const MAX_SCALAR_BYTES: usize = 64 * 1024 * 1024;
const MAX_MERGE_KEYS: usize = 10_000;
const MAX_RECORDED_EVENTS: usize = 1_000_000;
const MAX_RECORDED_BYTES: usize = 64 * 1024 * 1024;
const YAML_TAGS: &str = "tag:yaml.org,2002:";

/// Why a file could not be read as one YAML document, and where.
pub(super) struct Failed {
    pub kind: Fail,
    pub span: SourceSpan,
}

pub(super) enum Fail {
    /// The key as written, when it is a string.
    Duplicate(Option<String>),
    MultipleDocuments,
    TooComplex(String),
    Yaml(String),
}

impl Failed {
    pub(super) fn yaml(message: impl Into<String>, span: SourceSpan) -> Self {
        Failed {
            kind: Fail::Yaml(message.into()),
            span,
        }
    }
}

/// A node's tag, as far as it decides how the node is read.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum TagKind {
    None,
    /// `!`: a string, whatever it looks like.
    NonSpecific,
    Str,
    Int,
    Float,
    Bool,
    Null,
    Seq,
    Map,
    Binary,
    Timestamp,
    Merge,
    Value,
    Include,
    Other,
}

impl TagKind {
    fn of(tag: Option<&Tag>) -> TagKind {
        let Some(tag) = tag else {
            return TagKind::None;
        };
        let include = [
            "!include",
            "tag:yaml.org,2002:include",
            "tag:yaml.org,2002:!include",
        ];
        if include.iter().any(|prefix| {
            tag.suffix_in_namespace(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('#'))
        }) {
            return TagKind::Include;
        }
        if let Some(kind) = tag.core_suffix().and_then(core) {
            return kind;
        }
        if let Some(name) = tag.suffix_in_namespace(YAML_TAGS) {
            return match name.as_ref() {
                "merge" => TagKind::Merge,
                "value" => TagKind::Value,
                name => named(name.strip_prefix('!').unwrap_or(name)),
            };
        }
        match tag.suffix_in_namespace("!").as_deref() {
            Some("" | "!") => TagKind::NonSpecific,
            Some("!timestamp") => TagKind::Timestamp,
            Some("!binary") => TagKind::Binary,
            Some(name) => match name.strip_prefix('!') {
                Some(name) => core(name).unwrap_or(TagKind::Other),
                None => named(name),
            },
            None => TagKind::Other,
        }
    }

    /// Whether a plain scalar with this tag may be read as a string.
    pub(super) fn may_be_string(self) -> bool {
        matches!(
            self,
            TagKind::None
                | TagKind::Str
                | TagKind::Merge
                | TagKind::Value
                | TagKind::Other
                | TagKind::Include
                | TagKind::NonSpecific
        )
    }

    pub(super) fn forces_string(self) -> bool {
        matches!(self, TagKind::Str | TagKind::NonSpecific)
    }

    pub(super) fn is_core(self) -> bool {
        matches!(
            self,
            TagKind::Int
                | TagKind::Float
                | TagKind::Bool
                | TagKind::Null
                | TagKind::Seq
                | TagKind::Map
                | TagKind::Str
        )
    }
}

fn core(name: &str) -> Option<TagKind> {
    Some(match name {
        "null" => TagKind::Null,
        "bool" => TagKind::Bool,
        "int" => TagKind::Int,
        "float" => TagKind::Float,
        "map" => TagKind::Map,
        "seq" => TagKind::Seq,
        "str" => TagKind::Str,
        _ => return None,
    })
}

fn named(name: &str) -> TagKind {
    match name {
        "timestamp" => TagKind::Timestamp,
        "binary" => TagKind::Binary,
        "include" => TagKind::Include,
        name => core(name).unwrap_or(TagKind::Other),
    }
}

/// Where the next node stands, which decides where `!!merge` and `!!value` may be.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Slot {
    Key,
    Value,
    Other,
}

#[derive(Clone)]
pub(super) struct Scalar<'a> {
    pub value: Cow<'a, str>,
    pub style: ScalarStyle,
    pub tag: TagKind,
    /// The tag as the parser resolved it, for messages about a replayed node.
    pub resolved: Option<Rc<str>>,
    pub span: SourceSpan,
}

#[derive(Clone)]
pub(super) enum Ev<'a> {
    Scalar(Scalar<'a>),
    SeqStart(TagKind, Option<Rc<str>>, SourceSpan),
    MapStart(TagKind, Option<Rc<str>>, SourceSpan),
    SeqEnd(SourceSpan),
    MapEnd(SourceSpan),
    /// An alias of an anchor that is still open around it: a cycle.
    Recursive(SourceSpan),
}

impl Ev<'_> {
    pub(super) fn span(&self) -> SourceSpan {
        match self {
            Ev::Scalar(s) => s.span,
            Ev::SeqStart(_, _, at) | Ev::MapStart(_, _, at) => *at,
            Ev::SeqEnd(at) | Ev::MapEnd(at) | Ev::Recursive(at) => *at,
        }
    }

    /// A node's start: its shape, tag, tag as resolved, and a scalar's value.
    fn tagged(&self) -> Option<(Shape, TagKind, Option<&str>, Option<&str>)> {
        match self {
            Ev::Scalar(s) => Some((Shape::Scalar, s.tag, s.resolved.as_deref(), Some(&s.value))),
            Ev::SeqStart(tag, resolved, _) => Some((Shape::Seq, *tag, resolved.as_deref(), None)),
            Ev::MapStart(tag, resolved, _) => Some((Shape::Map, *tag, resolved.as_deref(), None)),
            _ => None,
        }
    }

    /// What keeping a copy of it costs beyond the text it borrows.
    fn owned_bytes(&self) -> usize {
        let tag = |t: &Option<Rc<str>>| t.as_ref().map_or(0, |t| t.len());
        match self {
            Ev::Scalar(s) => {
                tag(&s.resolved)
                    + match &s.value {
                        Cow::Borrowed(_) => 0,
                        Cow::Owned(v) => v.len(),
                    }
            }
            Ev::SeqStart(_, t, _) | Ev::MapStart(_, t, _) => tag(t),
            _ => 0,
        }
    }
}

/// An event and, when an alias replays it, the alias's span.
pub(super) type Item<'a> = (Ev<'a>, Option<SourceSpan>);

struct Recording<'a> {
    anchor: usize,
    depth: usize,
    events: Vec<Ev<'a>>,
}

struct Replay<'a> {
    events: Rc<[Ev<'a>]>,
    next: usize,
    alias: SourceSpan,
}

/// The counts the limits apply to. Each is checked as it grows, so the first breach is the
/// one reported; the names and shapes are what messages print (`Depth { depth: 17 }`).
#[derive(Default)]
struct Budget {
    events: usize,
    nodes: usize,
    depth: usize,
    scalar_bytes: usize,
    documents: usize,
    merge_keys: usize,
    recorded_events: usize,
    recorded_bytes: usize,
}

#[derive(Debug)]
#[expect(
    dead_code,
    reason = "the fields are read by Debug, which writes them into the message"
)]
enum Breach {
    Events { events: usize },
    Depth { depth: usize },
    Documents { documents: usize },
    Nodes { nodes: usize },
    ScalarBytes { total_scalar_bytes: usize },
    MergeKeys { merge_keys: usize },
    RecordedAnchorEvents { recorded_anchor_events: usize },
    RecordedAnchorBytes { recorded_anchor_bytes: usize },
}

fn breach(b: Breach, span: SourceSpan) -> Failed {
    Failed {
        kind: Fail::TooComplex(format!(
            "YAML document too large or too complex: limits breached: {b:?}"
        )),
        span,
    }
}

impl Budget {
    fn event(&mut self) -> Result<(), Breach> {
        self.events += 1;
        check(self.events, MAX_EVENTS, |events| Breach::Events { events })
    }

    fn node(&mut self, bytes: usize) -> Result<(), Breach> {
        self.nodes += 1;
        check(self.nodes, MAX_NODES, |nodes| Breach::Nodes { nodes })?;
        self.bytes(bytes)
    }

    fn bytes(&mut self, bytes: usize) -> Result<(), Breach> {
        self.scalar_bytes = self.scalar_bytes.saturating_add(bytes);
        check(self.scalar_bytes, MAX_SCALAR_BYTES, |total_scalar_bytes| {
            Breach::ScalarBytes { total_scalar_bytes }
        })
    }

    fn open(&mut self, tag_bytes: usize) -> Result<(), Breach> {
        self.nodes += 1;
        check(self.nodes, MAX_NODES, |nodes| Breach::Nodes { nodes })?;
        self.depth += 1;
        check(self.depth, MAX_DEPTH, |depth| Breach::Depth { depth })?;
        self.bytes(tag_bytes)
    }

    fn merge_key(&mut self) -> Result<(), Breach> {
        self.merge_keys += 1;
        check(self.merge_keys, MAX_MERGE_KEYS, |merge_keys| {
            Breach::MergeKeys { merge_keys }
        })
    }

    fn copy(&mut self, bytes: usize) -> Result<(), Breach> {
        self.recorded_events += 1;
        check(self.recorded_events, MAX_RECORDED_EVENTS, |n| {
            Breach::RecordedAnchorEvents {
                recorded_anchor_events: n,
            }
        })?;
        self.recorded_bytes = self.recorded_bytes.saturating_add(bytes);
        check(self.recorded_bytes, MAX_RECORDED_BYTES, |n| {
            Breach::RecordedAnchorBytes {
                recorded_anchor_bytes: n,
            }
        })
    }
}

fn check(count: usize, max: usize, breach: impl FnOnce(usize) -> Breach) -> Result<(), Breach> {
    if count > max {
        Err(breach(count))
    } else {
        Ok(())
    }
}

/// The events of the text's documents, with aliases replayed.
pub(super) struct Events<'a> {
    text: &'a str,
    parser: Parser<'a, StrInput<'a>>,
    /// By anchor id: the events of the node it names, once the node is complete.
    anchors: Vec<Option<Rc<[Ev<'a>]>>>,
    recording: Vec<Recording<'a>>,
    replay: Option<Replay<'a>>,
    replayed: usize,
    max_replayed: usize,
    budget: Budget,
    /// The span of the last event read, markers included.
    pub last: SourceSpan,
}

impl<'a> Events<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        let mut options = Options::default();
        options.simple_key_max_lookahead = 1024;
        options.flow_nesting_limit = 255;
        options.block_nesting_limit = options.block_nesting_limit.max(MAX_DEPTH + 1);
        options.max_buffered_comment_events = 32;
        Events {
            text,
            parser: Parser::new_from_str_with_options(text, options),
            anchors: Vec::new(),
            recording: Vec::new(),
            replay: None,
            replayed: 0,
            // The limit on size is the byte cap, checked before this. What is bounded here is
            // what aliases add, relative to that size: an alias bomb is a small file that
            // expands without end, so the replay cap stops it after work linear in its length,
            // where a cap on nodes alone would either refuse big honest files or let a bomb
            // run to that cap. Many aliases of one anchor (`triggers: *common` on every
            // webhook) are no bomb: only what they expand to counts.
            max_replayed: MIN_ALIAS_EVENTS.max(text.len() / BYTES_PER_ALIAS_EVENT),
            budget: Budget::default(),
            last: SourceSpan::from(0..0),
        }
    }

    /// The next event of a node in `slot`, or of the end of its container; `None` at the end
    /// of the text.
    pub(super) fn next(&mut self, slot: Slot) -> Result<Option<Item<'a>>, Failed> {
        if let Some(replay) = &mut self.replay {
            if let Some(ev) = replay.events.get(replay.next).cloned() {
                replay.next += 1;
                let alias = replay.alias;
                self.replayed += 1;
                let at = ev.span();
                if self.replayed > self.max_replayed {
                    return Err(Failed {
                        kind: Fail::TooComplex(format!(
                            "YAML document too large or too complex: total_replayed_events={} > {}",
                            self.replayed, self.max_replayed
                        )),
                        span: at,
                    });
                }
                self.observe_replayed(&ev, slot)
                    .map_err(|b| breach(b, at))?;
                if let Some((shape, tag, resolved, value)) = ev.tagged() {
                    check_tag(tag, || spelling(tag, resolved), shape, value, slot, at)?;
                }
                self.record(&ev, None)?;
                self.last = at;
                return Ok(Some((ev, Some(alias))));
            }
            self.replay = None;
        }
        while let Some(item) = self.parser.next() {
            let (event, span) = item.map_err(|e| scan_failure(&e, self.text))?;
            let at = span_of(&span, self.text);
            self.last = at;
            if !matches!(event, Event::Alias(_)) {
                self.observe(&event, slot).map_err(|b| breach(b, at))?;
            }
            let ev = match event {
                Event::Scalar(value, style, anchor, tag) => {
                    let kind = TagKind::of(tag.as_deref());
                    let original = || tag.as_deref().map_or_else(String::new, Tag::original);
                    check_tag(kind, original, Shape::Scalar, Some(&value), slot, at)?;
                    let ev = Ev::Scalar(Scalar {
                        value,
                        style,
                        tag: kind,
                        resolved: tag.map(|t| Rc::from(t.to_string())),
                        span: at,
                    });
                    self.record(&ev, None)?;
                    if anchor != 0 {
                        self.copy(&ev)?;
                        self.store(anchor, Rc::from([ev.clone()]));
                    }
                    ev
                }
                Event::SequenceStart(_, anchor, tag) => {
                    self.start(anchor, tag.as_deref(), Shape::Seq, slot, at)?
                }
                Event::MappingStart(_, anchor, tag) => {
                    self.start(anchor, tag.as_deref(), Shape::Map, slot, at)?
                }
                Event::SequenceEnd => self.end(Ev::SeqEnd(at))?,
                Event::MappingEnd => self.end(Ev::MapEnd(at))?,
                Event::Alias(anchor) => {
                    self.budget.event().map_err(|b| breach(b, at))?;
                    if self.recording.iter().any(|r| r.anchor == anchor) {
                        let ev = Ev::Recursive(at);
                        self.record(&ev, None)?;
                        return Ok(Some((ev, None)));
                    }
                    let Some(events) = self.anchors.get(anchor).cloned().flatten() else {
                        return Err(Failed::yaml("reference to unknown value", at));
                    };
                    self.replay = Some(Replay {
                        events,
                        next: 0,
                        alias: at,
                    });
                    return self.next(slot);
                }
                _ => continue,
            };
            return Ok(Some((ev, None)));
        }
        Ok(None)
    }

    fn start(
        &mut self,
        anchor: usize,
        tag: Option<&Tag>,
        shape: Shape,
        slot: Slot,
        at: SourceSpan,
    ) -> Result<Ev<'a>, Failed> {
        let kind = TagKind::of(tag);
        let original = || tag.map_or_else(String::new, Tag::original);
        check_tag(kind, original, shape, None, slot, at)?;
        let resolved = tag.map(|t| Rc::from(t.to_string()));
        let ev = match shape {
            Shape::Map => Ev::MapStart(kind, resolved, at),
            _ => Ev::SeqStart(kind, resolved, at),
        };
        for recording in &mut self.recording {
            recording.depth += 1;
        }
        if anchor == 0 {
            self.record(&ev, None)?;
        } else {
            self.copy(&ev)?;
            self.recording.push(Recording {
                anchor,
                depth: 1,
                events: vec![ev.clone()],
            });
            self.record(&ev, Some(self.recording.len() - 1))?;
        }
        Ok(ev)
    }

    fn end(&mut self, ev: Ev<'a>) -> Result<Ev<'a>, Failed> {
        self.record(&ev, None)?;
        for recording in &mut self.recording {
            recording.depth -= 1;
        }
        while self.recording.last().is_some_and(|r| r.depth == 0) {
            if let Some(done) = self.recording.pop() {
                self.store(done.anchor, Rc::from(done.events));
            }
        }
        Ok(ev)
    }

    fn store(&mut self, anchor: usize, events: Rc<[Ev<'a>]>) {
        if anchor >= self.anchors.len() {
            self.anchors.resize(anchor + 8, None);
        }
        self.anchors[anchor] = Some(events);
    }

    /// Adds `ev` to every anchored node still open around it, but `except` (which it starts).
    fn record(&mut self, ev: &Ev<'a>, except: Option<usize>) -> Result<(), Failed> {
        for i in 0..self.recording.len() {
            if Some(i) != except {
                self.copy(ev)?;
                self.recording[i].events.push(ev.clone());
            }
        }
        Ok(())
    }

    fn copy(&mut self, ev: &Ev<'a>) -> Result<(), Failed> {
        self.budget
            .copy(ev.owned_bytes())
            .map_err(|b| breach(b, ev.span()))
    }

    fn observe(&mut self, event: &Event<'_>, slot: Slot) -> Result<(), Breach> {
        self.budget.event()?;
        match event {
            Event::Scalar(value, style, _, tag) => {
                let tag = tag.as_deref();
                self.budget.node(value.len() + tag.map_or(0, tag_bytes))?;
                let merge = tag.map_or(*style == ScalarStyle::Plain, |t| {
                    t.suffix_in_namespace(YAML_TAGS).as_deref() == Some("merge")
                });
                if slot == Slot::Key && value == "<<" && merge {
                    self.budget.merge_key()?;
                }
            }
            Event::SequenceStart(_, _, tag) | Event::MappingStart(_, _, tag) => {
                self.budget.open(tag.as_deref().map_or(0, tag_bytes))?;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                self.budget.depth = self.budget.depth.saturating_sub(1);
            }
            Event::DocumentStart(..) => {
                self.budget.documents += 1;
                check(self.budget.documents, MAX_DOCUMENTS, |documents| {
                    Breach::Documents { documents }
                })?;
            }
            _ => {}
        }
        Ok(())
    }

    /// The same counts for an event an alias replays, which serde-saphyr counted as the
    /// parser's event it stood for, without its tag (but a merge key's).
    fn observe_replayed(&mut self, ev: &Ev<'_>, slot: Slot) -> Result<(), Breach> {
        self.budget.event()?;
        match ev {
            Ev::Scalar(s) => {
                let merge = s.tag == TagKind::Merge;
                self.budget
                    .node(s.value.len() + if merge { YAML_TAGS.len() + 5 } else { 0 })?;
                if slot == Slot::Key && s.value == "<<" && (merge || s.style == ScalarStyle::Plain)
                {
                    self.budget.merge_key()?;
                }
            }
            Ev::Recursive(_) => self.budget.node(0)?,
            Ev::SeqStart(..) | Ev::MapStart(..) => self.budget.open(0)?,
            Ev::SeqEnd(_) | Ev::MapEnd(_) => {
                self.budget.depth = self.budget.depth.saturating_sub(1);
            }
        }
        Ok(())
    }
}

fn tag_bytes(tag: &Tag) -> usize {
    let (handle, suffix) = tag.parts();
    handle.len() + suffix.len()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Scalar,
    Seq,
    Map,
}

/// Tags have no meaning in this file; an unknown one is more likely a mistake. The core
/// schema's (`!!str`, `!!int`, ...) are read as YAML says, on a node of their shape.
fn check_tag(
    kind: TagKind,
    spelling: impl FnOnce() -> String,
    shape: Shape,
    value: Option<&str>,
    slot: Slot,
    at: SourceSpan,
) -> Result<(), Failed> {
    let required = match kind {
        TagKind::None | TagKind::NonSpecific | TagKind::Other => None,
        TagKind::Seq => Some(Shape::Seq),
        TagKind::Map => Some(Shape::Map),
        _ => Some(Shape::Scalar),
    };
    let fits = required.is_none_or(|r| r == shape);
    if !fits && kind == TagKind::Include {
        return Err(Failed::yaml(
            "!include currently only supports the scalar form: !include <path>",
            at,
        ));
    }
    let supported = fits
        && match kind {
            TagKind::Other | TagKind::Include => false,
            TagKind::Merge => slot == Slot::Key && value == Some("<<"),
            TagKind::Value => slot == Slot::Key && value == Some("="),
            _ => true,
        };
    if supported {
        Ok(())
    } else {
        Err(Failed::yaml(
            format!("unsupported tag `{}`", spelling()),
            at,
        ))
    }
}

/// How a replayed node's tag is named: as the parser resolved it.
fn spelling(tag: TagKind, resolved: Option<&str>) -> String {
    match (resolved, tag) {
        (Some(resolved), _) => resolved.to_string(),
        (None, TagKind::Merge) => "!!merge".to_string(),
        (None, TagKind::Value) => "!!value".to_string(),
        (None, _) => String::new(),
    }
}

/// A syntax error, in the parser's words, at the character it names.
fn scan_failure(err: &ScanError, text: &str) -> Failed {
    let at = err.marker().index();
    let start = byte_of_char(text, at);
    let end = byte_of_char(text, at.saturating_add(1)).max(start);
    let message = match err.kind() {
        ErrorKind::UnknownAnchor => "reference to unknown value".to_string(),
        _ => err.info(),
    };
    Failed::yaml(message, SourceSpan::from(start..end))
}

fn span_of(span: &granit_parser::Span, text: &str) -> SourceSpan {
    match (span.start.byte_offset(), span.end.byte_offset()) {
        (Some(start), Some(end)) => {
            let start = start.min(text.len());
            SourceSpan::from(start..end.min(text.len()).max(start))
        }
        _ => {
            let start = byte_of_char(text, span.start.index());
            let end = byte_of_char(text, span.start.index().saturating_add(span.len()));
            SourceSpan::from(start..end.max(start))
        }
    }
}

fn byte_of_char(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| i)
}
