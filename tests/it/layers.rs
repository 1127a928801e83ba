//! The crate's shape, checked: every `use` of a source file points down the layers (cli, output, analysis, input and sim, model, cost, then time, rng and text), no two files import each other in a loop, and no file holds more than 800 lines outside its tests.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Layers from the bottom up; a file may import from its own layer (other files, no loop)
/// and from layers of a lower rank. `input` and `sim` share a rank but never import each
/// other.
const LAYERS: [(&str, u32); 10] = [
    ("time", 0),
    ("rng", 0),
    ("text", 0),
    ("cost", 1),
    ("model", 2),
    ("input", 3),
    ("sim", 3),
    ("analysis", 4),
    ("output", 5),
    ("cli", 6),
];

/// The longest a source file may be, test module left out [lines].
const MAX_LINES: usize = 800;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("a source folder") {
        let p = e.expect("an entry").path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The module path of a file: `src/input/trace/mod.rs` is `["input", "trace"]`.
fn module_of(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src()).expect("under src");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|c| c.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().expect("a file name");
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" && stem != "main" {
        parts.push(stem.to_string());
    }
    parts
}

/// The file that holds module `path`, or the deepest module of it that is a file.
fn file_of(path: &[String]) -> Option<PathBuf> {
    let mut found = None;
    let mut dir = src();
    for (i, part) in path.iter().enumerate() {
        let as_file = dir.join(format!("{part}.rs"));
        let as_dir = dir.join(part).join("mod.rs");
        if as_file.exists() {
            found = Some(as_file);
            if i + 1 < path.len() {
                // A file module with no folder holds the rest.
                return found;
            }
        } else if as_dir.exists() {
            found = Some(as_dir);
            dir = dir.join(part);
        } else {
            return found;
        }
    }
    found
}

/// The text of a file before its test module.
fn code(file: &Path) -> String {
    let text = std::fs::read_to_string(file).expect("a source file");
    match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Every module path a file's code names: `crate::a::b` and `super::a` (resolved against
/// the file's own module), in `use` lines and inline.
fn imports(file: &Path) -> BTreeSet<Vec<String>> {
    let module = module_of(file);
    let text = code(file);
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices("crate::") {
        let rest: String = text[i + 7..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        let path: Vec<String> = rest
            .split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        out.insert(path);
    }
    for (i, _) in text.match_indices("super::") {
        if i > 0 && text.as_bytes()[i - 1] == b':' {
            continue;
        }
        let rest: String = text[i + 7..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        // `super` of `a/b.rs` and of `a/b/mod.rs` alike is `a`.
        let mut base = module.clone();
        base.pop();
        let mut rest_parts: Vec<String> = rest
            .split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        while rest_parts.first().is_some_and(|p| p == "super") {
            rest_parts.remove(0);
            base.pop();
        }
        base.extend(rest_parts);
        out.insert(base);
    }
    out
}

fn layer(file: &Path) -> Option<(String, u32)> {
    let top = module_of(file).first().cloned()?;
    LAYERS
        .iter()
        .find(|(name, _)| *name == top)
        .map(|(name, rank)| (name.to_string(), *rank))
}

/// The file-level import graph: file → the files it imports (itself left out).
fn graph() -> BTreeMap<PathBuf, BTreeSet<PathBuf>> {
    let mut all = Vec::new();
    files(&src(), &mut all);
    let mut g = BTreeMap::new();
    for f in &all {
        let deps: BTreeSet<PathBuf> = imports(f)
            .iter()
            .filter_map(|p| file_of(p))
            .filter(|d| d != f)
            .collect();
        g.insert(f.clone(), deps);
    }
    g
}

fn short(p: &Path) -> String {
    p.strip_prefix(src()).unwrap_or(p).display().to_string()
}

#[test]
fn every_import_points_down_the_layers() {
    let mut wrong = Vec::new();
    for (file, deps) in graph() {
        let Some((from, rank)) = layer(&file) else {
            continue;
        };
        for d in deps {
            let Some((to, to_rank)) = layer(&d) else {
                continue;
            };
            let lateral = rank == to_rank && from != to;
            if to_rank > rank || lateral {
                wrong.push(format!(
                    "{} ({from}) imports {} ({to})",
                    short(&file),
                    short(&d)
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports up the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_two_files_import_each_other_in_a_loop() {
    let g = graph();
    // Tarjan-free check: a file is in a loop when it reaches itself.
    let mut loops = Vec::new();
    for start in g.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&PathBuf> = g[start].iter().collect();
        while let Some(f) = stack.pop() {
            if f == start {
                loops.push(short(start));
                break;
            }
            if seen.insert(f.clone()) {
                if let Some(next) = g.get(f) {
                    stack.extend(next.iter());
                }
            }
        }
    }
    assert!(
        loops.is_empty(),
        "files in an import loop:\n{}",
        loops.join("\n")
    );
}

#[test]
fn no_source_file_holds_more_than_800_lines_outside_its_tests() {
    let mut all = Vec::new();
    files(&src(), &mut all);
    let long: Vec<String> = all
        .iter()
        .map(|f| (f, code(f).lines().count()))
        .filter(|(_, n)| *n > MAX_LINES)
        .map(|(f, n)| format!("{} ({n} lines)", short(f)))
        .collect();
    assert!(long.is_empty(), "monoliths:\n{}", long.join("\n"));
}

#[test]
fn every_source_file_opens_with_a_sentence_on_what_it_holds() {
    let mut all = Vec::new();
    files(&src(), &mut all);
    let bare: Vec<String> = all
        .iter()
        .filter(|f| {
            !std::fs::read_to_string(f)
                .expect("a source file")
                .starts_with("//! ")
        })
        .map(|f| short(f))
        .collect();
    assert!(bare.is_empty(), "no opening //! line:\n{}", bare.join("\n"));
}

#[test]
fn model_structs_are_built_only_by_validation() {
    // A `Scenario`, `Function`, `Platform` or `Template` is made by `input` validation (and the
    // model's own methods); every other layer reads them. (Outside the crate, the structs are
    // `#[non_exhaustive]`: they cannot be built at all.)
    let mut all = Vec::new();
    files(&src(), &mut all);
    let mut built = Vec::new();
    for f in &all {
        let top = module_of(f).first().cloned().unwrap_or_default();
        if top == "input" || top == "model" {
            continue;
        }
        let text = code(f);
        for name in ["Scenario", "Function", "Platform", "Template"] {
            for (i, _) in text.match_indices(&format!("{name} {{")) {
                let before = &text[..i];
                let line_start = before.rfind('\n').map_or(0, |n| n + 1);
                let line = &text[line_start..i];
                // A struct literal, not `impl Scenario {` or `struct Scenario {`.
                if !line.contains("impl") && !line.contains("struct") && !line.contains("fn ") {
                    built.push(format!("{} builds a {name}", short(f)));
                }
            }
        }
    }
    assert!(built.is_empty(), "{}", built.join("\n"));
}
