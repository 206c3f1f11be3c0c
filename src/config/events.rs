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
    MultipleDocuments,
    TooComplex(String),
    Yaml(String),
    /// Found as the file is read, before it is parsed.
    NotUtf8,
    /// UTF-16 or UTF-32: its name.
    Wide(&'static str),
}

impl Failed {
    pub(super) fn yaml(message: impl Into<String>, span: SourceSpan) -> Self {
        Failed {
            kind: Fail::Yaml(message.into()),
            span,
        }
    }

    fn too_complex(what: std::fmt::Arguments<'_>, span: SourceSpan) -> Self {
        Failed {
            kind: Fail::TooComplex(format!("YAML document too large or too complex: {what}")),
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

/// Tag names by kind. Which of them a tag may name depends on how it is spelled (`TagKind::of`).
const NAMES: [(&str, TagKind); 12] = [
    ("null", TagKind::Null),
    ("bool", TagKind::Bool),
    ("int", TagKind::Int),
    ("float", TagKind::Float),
    ("map", TagKind::Map),
    ("seq", TagKind::Seq),
    ("str", TagKind::Str),
    ("timestamp", TagKind::Timestamp),
    ("binary", TagKind::Binary),
    ("include", TagKind::Include),
    ("merge", TagKind::Merge),
    ("value", TagKind::Value),
];

impl TagKind {
    /// The kind of a tag as the parser resolved it (`!!int` is `tag:yaml.org,2002:int`), by
    /// the names serde-saphyr knew: in YAML's namespace all of `NAMES` (after a further `!`,
    /// not `merge` or `value`), in the local one (`!name`) all but those two (after a further
    /// `!`, not `include` either); `include` also with a `#` fragment.
    fn of(tag: &str) -> TagKind {
        let (name, known) = match (tag.strip_prefix(YAML_TAGS), tag.strip_prefix('!')) {
            (Some(name), _) => (name, [12, 10]),
            (None, Some("" | "!")) => return TagKind::NonSpecific,
            (None, Some(name)) => (name, [10, 9]),
            (None, None) => return TagKind::Other,
        };
        let (name, known) = match name.strip_prefix('!') {
            Some(name) => (name, known[1]),
            None => (name, known[0]),
        };
        if known >= 10 && name.split('#').next() == Some("include") {
            return TagKind::Include;
        }
        NAMES[..known]
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(TagKind::Other, |&(_, kind)| kind)
    }

    /// Whether a plain scalar with this tag is read by the core schema (`null`, `true`, `42`).
    pub(super) fn resolves(self) -> bool {
        matches!(
            self,
            TagKind::None | TagKind::Merge | TagKind::Value | TagKind::Other | TagKind::Include
        )
    }

    /// Whether a scalar with this tag may be read as a string.
    pub(super) fn may_be_string(self) -> bool {
        self.resolves() || matches!(self, TagKind::Str | TagKind::NonSpecific)
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

    /// A node's tag and the tag as resolved; `None` for an event that starts no node.
    fn tag(&self) -> Option<(TagKind, Option<&str>)> {
        match self {
            Ev::Scalar(s) => Some((s.tag, s.resolved.as_deref())),
            Ev::SeqStart(tag, resolved, _) | Ev::MapStart(tag, resolved, _) => {
                Some((*tag, resolved.as_deref()))
            }
            _ => None,
        }
    }

    /// What keeping a copy of it costs beyond the text it borrows.
    fn owned_bytes(&self) -> usize {
        let tag = self.tag().and_then(|(_, t)| t).map_or(0, str::len);
        match self {
            Ev::Scalar(Scalar {
                value: Cow::Owned(v),
                ..
            }) => tag + v.len(),
            _ => tag,
        }
    }
}

/// An event and, when an alias replays it, the alias's span.
pub(super) type Item<'a> = (Ev<'a>, Option<SourceSpan>);

struct Recording<'a> {
    anchor: usize,
    /// How many of its collections are open: it is complete at 0.
    depth: isize,
    events: Vec<Ev<'a>>,
}

struct Replay<'a> {
    events: Rc<[Ev<'a>]>,
    next: usize,
    alias: SourceSpan,
}

/// The counts the limits apply to, indexing `Budget` and `LIMITS`.
#[derive(Clone, Copy)]
enum Limit {
    Events,
    Depth,
    Documents,
    Nodes,
    ScalarBytes,
    MergeKeys,
    RecordedEvents,
    RecordedBytes,
}

/// Each limit's ceiling and its names in messages (`Depth { depth: 17 }`).
const LIMITS: [(usize, &str, &str); 8] = [
    (MAX_EVENTS, "Events", "events"),
    (MAX_DEPTH, "Depth", "depth"),
    (MAX_DOCUMENTS, "Documents", "documents"),
    (MAX_NODES, "Nodes", "nodes"),
    (MAX_SCALAR_BYTES, "ScalarBytes", "total_scalar_bytes"),
    (MAX_MERGE_KEYS, "MergeKeys", "merge_keys"),
    (
        MAX_RECORDED_EVENTS,
        "RecordedAnchorEvents",
        "recorded_anchor_events",
    ),
    (
        MAX_RECORDED_BYTES,
        "RecordedAnchorBytes",
        "recorded_anchor_bytes",
    ),
];

/// The counts, by `Limit`. Each is checked as it grows, so the first breach is the one
/// reported.
#[derive(Default)]
struct Budget([usize; LIMITS.len()]);

impl Budget {
    fn add(&mut self, limit: Limit, n: usize, at: SourceSpan) -> Result<(), Failed> {
        let count = &mut self.0[limit as usize];
        *count = count.saturating_add(n);
        if *count > LIMITS[limit as usize].0 {
            return Err(breach(limit, *count, at));
        }
        Ok(())
    }
}

/// Apart from `add`, which runs for every event, so that the message's code stays out of it.
#[cold]
fn breach(limit: Limit, count: usize, at: SourceSpan) -> Failed {
    let (_, name, field) = LIMITS[limit as usize];
    let breached = format_args!("limits breached: {name} {{ {field}: {count} }}");
    Failed::too_complex(breached, at)
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
                if self.replayed > self.max_replayed {
                    let (n, max) = (self.replayed, self.max_replayed);
                    let what = format_args!("total_replayed_events={n} > {max}");
                    return Err(Failed::too_complex(what, ev.span()));
                }
                self.accept(&ev, slot, None, 0)?;
                self.last = ev.span();
                return Ok(Some((ev, Some(alias))));
            }
            self.replay = None;
        }
        while let Some(item) = self.parser.next() {
            let (event, span) = item.map_err(|e| scan_failure(&e, self.text))?;
            let at = span_of(&span, self.text);
            self.last = at;
            let (ev, anchor, tag) = match event {
                Event::Scalar(value, style, anchor, tag) => {
                    let (kind, resolved) = tag_of(tag.as_deref());
                    let scalar = Scalar {
                        value,
                        style,
                        tag: kind,
                        resolved,
                        span: at,
                    };
                    (Ev::Scalar(scalar), anchor, tag)
                }
                Event::SequenceStart(_, anchor, tag) => {
                    let (kind, resolved) = tag_of(tag.as_deref());
                    (Ev::SeqStart(kind, resolved, at), anchor, tag)
                }
                Event::MappingStart(_, anchor, tag) => {
                    let (kind, resolved) = tag_of(tag.as_deref());
                    (Ev::MapStart(kind, resolved, at), anchor, tag)
                }
                Event::SequenceEnd => (Ev::SeqEnd(at), 0, None),
                Event::MappingEnd => (Ev::MapEnd(at), 0, None),
                Event::Alias(anchor) => {
                    self.budget.add(Limit::Events, 1, at)?;
                    if self.recording.iter().any(|r| r.anchor == anchor) {
                        let ev = Ev::Recursive(at);
                        self.record(&ev, 0)?;
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
                event => {
                    self.budget.add(Limit::Events, 1, at)?;
                    if let Event::DocumentStart(..) = event {
                        self.budget.add(Limit::Documents, 1, at)?;
                    }
                    continue;
                }
            };
            self.accept(&ev, slot, tag.as_deref(), anchor)?;
            return Ok(Some((ev, None)));
        }
        Ok(None)
    }

    /// Counts `ev` against the limits, checks its tag, and records it for the anchors open
    /// around it (and for `anchor`, unless 0). `tag` is the parser's: `None` for a node without
    /// one, which counts the same either way, or one an alias replays, which serde-saphyr
    /// counted as the parser's event it stood for without its tag (but a merge key's), and as a
    /// merge key when it is a plain `<<` key whatever its tag.
    fn accept(
        &mut self,
        ev: &Ev<'a>,
        slot: Slot,
        tag: Option<&Tag>,
        anchor: usize,
    ) -> Result<(), Failed> {
        let (at, replayed) = (ev.span(), tag.is_none());
        let budget = &mut self.budget;
        budget.add(Limit::Events, 1, at)?;
        let tag_bytes = match ev.tag() {
            Some((kind, Some(resolved))) if !replayed || kind == TagKind::Merge => resolved.len(),
            _ => 0,
        };
        match ev {
            Ev::SeqEnd(_) | Ev::MapEnd(_) => {
                let depth = &mut budget.0[Limit::Depth as usize];
                *depth = depth.saturating_sub(1);
            }
            Ev::SeqStart(..) | Ev::MapStart(..) => {
                budget.add(Limit::Nodes, 1, at)?;
                budget.add(Limit::Depth, 1, at)?;
                budget.add(Limit::ScalarBytes, tag_bytes, at)?;
            }
            Ev::Recursive(_) => budget.add(Limit::Nodes, 1, at)?,
            Ev::Scalar(s) => {
                budget.add(Limit::Nodes, 1, at)?;
                budget.add(Limit::ScalarBytes, s.value.len() + tag_bytes, at)?;
                let merge = s.tag == TagKind::Merge
                    || s.style == ScalarStyle::Plain && (replayed || s.tag == TagKind::None);
                if slot == Slot::Key && s.value == "<<" && merge {
                    budget.add(Limit::MergeKeys, 1, at)?;
                }
            }
        }
        check_tag(ev, slot, tag)?;
        if self.recording.is_empty() && anchor == 0 {
            return Ok(());
        }
        self.record(ev, anchor)
    }

    /// Adds `ev` to every anchored node open around it, and starts recording the node it
    /// starts when `anchor` names one; a recording is stored once its node is complete.
    fn record(&mut self, ev: &Ev<'a>, anchor: usize) -> Result<(), Failed> {
        let copies = self.recording.len() + usize::from(anchor != 0);
        let bytes = ev.owned_bytes();
        for _ in 0..copies {
            self.budget.add(Limit::RecordedEvents, 1, ev.span())?;
            self.budget.add(Limit::RecordedBytes, bytes, ev.span())?;
        }
        let depth = match ev {
            Ev::SeqStart(..) | Ev::MapStart(..) => 1,
            Ev::SeqEnd(_) | Ev::MapEnd(_) => -1,
            _ => 0,
        };
        for recording in &mut self.recording {
            recording.events.push(ev.clone());
            recording.depth += depth;
        }
        if anchor != 0 {
            self.recording.push(Recording {
                anchor,
                depth,
                events: vec![ev.clone()],
            });
        }
        while let Some(done) = self.recording.pop_if(|r| r.depth == 0) {
            if done.anchor >= self.anchors.len() {
                self.anchors.resize(done.anchor + 8, None);
            }
            self.anchors[done.anchor] = Some(Rc::from(done.events));
        }
        Ok(())
    }
}

#[inline(always)]
fn tag_of(tag: Option<&Tag>) -> (TagKind, Option<Rc<str>>) {
    let resolved: Option<Rc<str>> = tag.map(|t| Rc::from(t.to_string()));
    (
        resolved.as_deref().map_or(TagKind::None, TagKind::of),
        resolved,
    )
}

/// Tags have no meaning in this file; an unknown one is more likely a mistake. The core
/// schema's (`!!str`, `!!int`, ...) are read as YAML says, on a node of their shape. A
/// replayed node's tag (no `tag`) is named as the parser resolved it.
fn check_tag(ev: &Ev<'_>, slot: Slot, tag: Option<&Tag>) -> Result<(), Failed> {
    let Some((kind, resolved)) = ev.tag().filter(|(kind, _)| *kind != TagKind::None) else {
        return Ok(());
    };
    let free = matches!(kind, TagKind::None | TagKind::NonSpecific | TagKind::Other);
    let fits = match ev {
        Ev::SeqStart(..) => free || kind == TagKind::Seq,
        Ev::MapStart(..) => free || kind == TagKind::Map,
        _ => !matches!(kind, TagKind::Seq | TagKind::Map),
    };
    if !fits && kind == TagKind::Include {
        return Err(Failed::yaml(
            "!include currently only supports the scalar form: !include <path>",
            ev.span(),
        ));
    }
    let key = |is: &str| slot == Slot::Key && matches!(ev, Ev::Scalar(s) if s.value == is);
    let supported = fits
        && match kind {
            TagKind::Other | TagKind::Include => false,
            TagKind::Merge => key("<<"),
            TagKind::Value => key("="),
            _ => true,
        };
    if supported {
        return Ok(());
    }
    let spelling = tag.map_or_else(|| resolved.unwrap_or("").to_string(), Tag::original);
    Err(Failed::yaml(
        format!("unsupported tag `{spelling}`"),
        ev.span(),
    ))
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
