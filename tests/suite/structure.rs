//! The layout conventions of `src/`, enforced rather than remembered: imports between files
//! flow one way, and no file grows past about 800 lines: a file holds one concept, however long,
//! and past 800 lines it is probably two.
//!
//! The import graph is read from the text, not from the compiler: every path that starts with
//! `crate::`, `super::` or `self::` (grouped imports expanded) is an edge to the deepest file
//! its prefix names. Test files and a file's `#[cfg(test)]` tail are not sources of edges: a
//! test may reach into what it tests.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 800;

/// Every `.rs` file under `src/`, by its path relative to `src/`, with its text.
fn sources() -> BTreeMap<PathBuf, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = BTreeMap::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                let text = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                let rel = path.strip_prefix(&root).expect("under src/").to_path_buf();
                files.insert(rel, text);
            }
        }
    }
    assert!(files.len() > 10, "src/ not found from CARGO_MANIFEST_DIR");
    files
}

/// The module path a file defines: `api/client/mod.rs` and `api/client.rs` are both
/// `["api", "client"]`, `lib.rs` and `main.rs` the root.
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .with_extension("")
        .iter()
        .map(|part| part.to_string_lossy().into_owned())
        .collect();
    if parts
        .last()
        .is_some_and(|last| ["mod", "lib", "main"].contains(&last.as_str()))
    {
        parts.pop();
    }
    parts
}

fn is_test_file(rel: &Path) -> bool {
    let name = rel.file_name().unwrap_or_default().to_string_lossy();
    name == "tests.rs" || name.ends_with("_tests.rs") || rel.iter().any(|part| part == "tests")
}

fn is_word(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

fn word_at(text: &[u8], at: usize) -> (&str, usize) {
    let end = (at..text.len())
        .find(|&i| !is_word(text[i]))
        .unwrap_or(text.len());
    (std::str::from_utf8(&text[at..end]).unwrap_or_default(), end)
}

/// Whitespace and line comments: grouped imports span lines and carry notes.
fn skip_blank(text: &[u8], mut at: usize) -> usize {
    loop {
        if text.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        } else if text[at.min(text.len())..].starts_with(b"//") {
            at = (at..text.len())
                .find(|&i| text[i] == b'\n')
                .unwrap_or(text.len());
        } else {
            return at;
        }
    }
}

/// Reads the path (or use tree) at `at`, appending every full path it names to `out`;
/// returns where it ends. `a::{b, c::{d, self}, e as f}` is `a::b`, `a::c::d`, `a::c`, `a::e`.
fn use_tree(
    text: &[u8],
    mut at: usize,
    mut prefix: Vec<String>,
    out: &mut Vec<Vec<String>>,
) -> usize {
    loop {
        at = skip_blank(text, at);
        if text.get(at) == Some(&b'{') {
            at += 1;
            loop {
                at = skip_blank(text, at);
                match text.get(at) {
                    None => return at,
                    Some(b'}') => return at + 1,
                    Some(b',') => at += 1,
                    Some(_) => {
                        let before = at;
                        at = skip_blank(text, use_tree(text, at, prefix.clone(), out));
                        if word_at(text, at).0 == "as" {
                            at = word_at(text, skip_blank(text, word_at(text, at).1)).1;
                        }
                        if at == before {
                            at += 1; // `*` or anything else that names no module
                        }
                    }
                }
            }
        }
        let (word, end) = word_at(text, at);
        if word.is_empty() {
            out.push(prefix);
            return at;
        }
        if word != "self" || prefix.is_empty() {
            prefix.push(word.to_owned());
        }
        at = end;
        if text[at..].starts_with(b"::") {
            at += 2;
        } else {
            out.push(prefix);
            return at;
        }
    }
}

/// Every path in `text` that starts at `crate`, `super` or `self`, relative to `module`
/// (`super::super::` climbs twice), as an absolute module path.
fn crate_paths(text: &str, module: &[String]) -> Vec<Vec<String>> {
    let text = text.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while at < text.len() {
        if !is_word(text[at]) || (at > 0 && is_word(text[at - 1])) {
            at += 1;
            continue;
        }
        let (word, end) = word_at(text, at);
        if ["crate", "super", "self"].contains(&word) && text[end..].starts_with(b"::") {
            use_tree(text, at, Vec::new(), &mut found);
        }
        at = end;
    }
    found
        .into_iter()
        .map(|path| {
            let mut base = if path[0] == "crate" {
                Vec::new()
            } else {
                module.to_vec()
            };
            let mut rest = path.as_slice();
            while let Some((first, tail)) = rest.split_first() {
                match first.as_str() {
                    "crate" | "self" => {}
                    "super" => {
                        base.pop();
                    }
                    _ => break,
                }
                rest = tail;
            }
            base.extend_from_slice(rest);
            base
        })
        .collect()
}

/// Each file (outside tests) and the files it imports.
fn import_graph() -> BTreeMap<PathBuf, BTreeSet<PathBuf>> {
    let files = sources();
    let by_module: BTreeMap<Vec<String>, &PathBuf> =
        files.keys().map(|rel| (module_of(rel), rel)).collect();
    let mut graph = BTreeMap::new();
    for (rel, text) in &files {
        if is_test_file(rel) {
            continue;
        }
        let shipped = text.split("#[cfg(test)]").next().unwrap_or_default();
        let mut imports = BTreeSet::new();
        for path in crate_paths(shipped, &module_of(rel)) {
            // The deepest file the path's prefix names: `crate::api::Client::new` is `api`.
            let target = (1..=path.len())
                .rev()
                .find_map(|n| by_module.get(&path[..n]));
            if let Some(&target) = target.filter(|&&target| target != rel) {
                imports.insert(target.clone());
            }
        }
        graph.insert(rel.clone(), imports);
    }
    graph
}

/// Tarjan's strongly connected components of more than one file: the import cycles.
struct Tarjan<'g> {
    graph: &'g BTreeMap<PathBuf, BTreeSet<PathBuf>>,
    index: BTreeMap<&'g PathBuf, (usize, usize)>,
    stack: Vec<&'g PathBuf>,
    cycles: Vec<Vec<&'g PathBuf>>,
}

impl<'g> Tarjan<'g> {
    fn visit(&mut self, file: &'g PathBuf) -> usize {
        let mine = self.index.len();
        self.index.insert(file, (mine, mine));
        self.stack.push(file);
        let mut low = mine;
        for next in &self.graph[file] {
            if !self.graph.contains_key(next) {
                continue; // a test file: not a source of edges, so in no cycle
            }
            match self.index.get(next) {
                None => low = low.min(self.visit(next)),
                Some(_) if self.stack.contains(&next) => low = low.min(self.index[next].0),
                Some(_) => {}
            }
        }
        self.index.insert(file, (mine, low));
        if low == mine {
            let at = self
                .stack
                .iter()
                .position(|&f| f == file)
                .expect("on the stack");
            let component = self.stack.split_off(at);
            if component.len() > 1 {
                self.cycles.push(component);
            }
        }
        low
    }
}

#[test]
fn no_file_in_src_imports_one_that_imports_it_back() {
    let graph = import_graph();
    assert!(
        graph.values().any(|imports| !imports.is_empty()),
        "no imports found: the reader is broken"
    );
    let mut tarjan = Tarjan {
        graph: &graph,
        index: BTreeMap::new(),
        stack: Vec::new(),
        cycles: Vec::new(),
    };
    for file in graph.keys() {
        if !tarjan.index.contains_key(file) {
            tarjan.visit(file);
        }
    }
    let report: Vec<String> = tarjan
        .cycles
        .iter()
        .map(|cycle| {
            let mut lines = vec!["cycle:".to_owned()];
            for &file in cycle {
                let back: Vec<String> = graph[file]
                    .iter()
                    .filter(|next| cycle.contains(next))
                    .map(|next| format!("src/{}", next.display()))
                    .collect();
                lines.push(format!(
                    "  src/{} imports {}",
                    file.display(),
                    back.join(", ")
                ));
            }
            lines.join("\n")
        })
        .collect();
    assert!(
        report.is_empty(),
        "import cycles in src/:\n{}",
        report.join("\n")
    );
}

#[test]
fn no_source_file_in_src_passes_800_lines() {
    let offenders: Vec<String> = sources()
        .iter()
        .map(|(rel, text)| (rel, text.lines().count()))
        .filter(|&(_, lines)| lines > MAX_LINES)
        .map(|(rel, lines)| format!("  src/{} has {lines} lines", rel.display()))
        .collect();
    assert!(
        offenders.is_empty(),
        "files over {MAX_LINES} lines (probably two concepts: split them by concept):\n{}",
        offenders.join("\n")
    );
}
