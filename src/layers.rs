//! The layout's rules, checked on the source: no capability imports one above it except through
//! the documented seams, and no files import each other in a ring (a file and its own sub-files,
//! `editor.rs` and `editor/*.rs`, count as one).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Units from the bottom up: a unit may import units of its own rank or below.
const LAYERS: &[(&str, u32)] = &[
    ("common", 0),
    ("error", 0),
    ("ui", 1),
    ("storage", 2),
    ("sheet", 2),
    ("ozon/client", 3),
    ("douyin", 3),
    ("auth", 4),
    ("vault", 5),
    ("ozon/images", 6),
    // The listing's shared types and validator, then its sub-capabilities bottom up.
    ("ozon/listing", 7),
    ("ozon/listing/catalog", 8),
    ("ozon/listing/drafts", 9),
    ("ozon/listing/sheets", 10),
    ("ozon/listing/pipeline", 11),
    ("ozon/listing/board", 12),
    ("ozon/listing/tools", 12),
    // The landing page composes drafts, spreadsheets and the cache panel.
    ("ozon/listing/pages", 12),
    ("platforms", 13),
    ("promotions", 14),
    ("stats", 15),
    ("app", 16),
    ("sim", 17),
    ("server", 18),
];

/// The upward imports allowed: the server's state, settings and database helpers, which every
/// boundary reads, and the registry's answer to which platforms are built.
const SEAMS: &[&str] = &[
    "server::state",
    "server::config",
    "server::db",
    "platforms::registry::is_integrated",
];

/// Every `.rs` file under `src/` with its module path (`ozon/listing/editor`), test code cut.
fn sources() -> BTreeMap<Vec<String>, String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&root, &mut files);
    let mut out = BTreeMap::new();
    for file in files {
        let rel = file
            .strip_prefix(&root)
            .expect("under src")
            .with_extension("");
        let mut module: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into()).collect();
        if matches!(
            module.last().map(String::as_str),
            Some("mod" | "lib" | "main")
        ) {
            module.pop();
        }
        if module
            .last()
            .is_some_and(|m| m == "tests" || m == "layers" || m == "props")
        {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("readable");
        let code = ["#[cfg(test)]\nmod tests", "#[cfg(all(test"]
            .iter()
            .filter_map(|m| text.find(m))
            .min()
            .map_or(text.as_str(), |cut| &text[..cut]);
        let code: Vec<&str> = code
            .lines()
            .map(|l| l.split("// ").next().unwrap_or(""))
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect();
        out.insert(module, code.join("\n"));
    }
    out
}

/// The paths a file names, each as segments from the crate root (`super::`/`self::` resolved
/// against `module`; `{a, b}` groups expanded one level).
fn paths(module: &[String], code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    for start in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(at) = code[from..].find(start).map(|i| i + from) {
            from = at + start.len();
            if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_') {
                continue;
            }
            let mut base: Vec<String> = match start {
                "crate::" => Vec::new(),
                "super::" => module[..module.len().saturating_sub(1)].to_vec(),
                _ => module.to_vec(),
            };
            let mut rest = &code[from..];
            // More `super::` steps.
            while let Some(r) = rest.strip_prefix("super::") {
                base.pop();
                rest = r;
            }
            let ident = |s: &str| -> usize {
                s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(s.len())
            };
            loop {
                let n = ident(rest);
                if n == 0 {
                    break;
                }
                base.push(rest[..n].to_string());
                rest = &rest[n..];
                match rest.strip_prefix("::") {
                    Some(r) if !r.starts_with('{') => rest = r,
                    Some(r) => {
                        let group = &r[1..r.find('}').unwrap_or(r.len() - 1).max(1)];
                        for item in group.split(',') {
                            let item = item.trim();
                            let n = ident(item);
                            if n > 0 && &item[..n] != "self" {
                                let mut p = base.clone();
                                p.push(item[..n].to_string());
                                out.push(p);
                            }
                        }
                        break;
                    }
                    None => break,
                }
            }
            out.push(base);
        }
    }
    out
}

fn unit_of(path: &[String]) -> Option<String> {
    // The longest unit the path lies in (`ozon/listing/board/api` is in `ozon/listing/board`).
    let joined = path.join("/");
    LAYERS
        .iter()
        .map(|(u, _)| *u)
        .filter(|u| joined == *u || joined.starts_with(&format!("{u}/")))
        .max_by_key(|u| u.len())
        .map(String::from)
}

fn rank(unit: &str) -> u32 {
    LAYERS
        .iter()
        .find(|(u, _)| *u == unit)
        .map_or(0, |(_, r)| *r)
}

#[test]
fn no_capability_imports_one_above_it_but_through_a_seam() {
    let mut upward = BTreeSet::new();
    for (module, code) in sources() {
        let Some(from) = unit_of(&module) else {
            continue;
        };
        for path in paths(&module, &code) {
            let Some(to) = unit_of(&path) else { continue };
            let joined = path.join("::");
            if rank(&to) > rank(&from) && !SEAMS.iter().any(|s| joined.starts_with(s)) {
                upward.insert(format!("{} → {joined}", module.join("/")));
            }
        }
    }
    assert!(upward.is_empty(), "upward imports:\n{upward:#?}");
}

#[test]
fn no_files_import_each_other_in_a_ring() {
    let files = sources();
    // A file and its sub-files are one group: the shortest prefix that is a plain file.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let group = |m: &[String]| -> Vec<String> {
        (1..=m.len())
            .map(|n| m[..n].to_vec())
            .find(|p| root.join(format!("{}.rs", p.join("/"))).is_file())
            .unwrap_or_else(|| m.to_vec())
    };
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (module, code) in &files {
        let from = group(module);
        for path in paths(module, code) {
            let target = (1..=path.len())
                .rev()
                .map(|n| &path[..n])
                .find(|p| files.contains_key(*p));
            if let Some(target) = target {
                let to = group(target);
                if to != from {
                    edges.entry(from.clone()).or_default().insert(to);
                }
            }
        }
    }
    // A ring exists iff a depth-first search meets a node still on its stack.
    fn visit(
        node: &Vec<String>,
        edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        state: &mut BTreeMap<Vec<String>, bool>,
        stack: &mut Vec<Vec<String>>,
        rings: &mut Vec<String>,
    ) {
        state.insert(node.clone(), true);
        stack.push(node.clone());
        for next in edges.get(node).into_iter().flatten() {
            match state.get(next) {
                Some(true) => {
                    let at = stack.iter().position(|n| n == next).unwrap_or(0);
                    let ring: Vec<String> = stack[at..].iter().map(|n| n.join("/")).collect();
                    rings.push(format!("{} → {}", ring.join(" → "), next.join("/")));
                }
                Some(false) => {}
                None => visit(next, edges, state, stack, rings),
            }
        }
        stack.pop();
        state.insert(node.clone(), false);
    }
    let mut state = BTreeMap::new();
    let mut rings = Vec::new();
    for node in edges.keys() {
        if !state.contains_key(node) {
            visit(node, &edges, &mut state, &mut Vec::new(), &mut rings);
        }
    }
    assert!(rings.is_empty(), "import rings:\n{rings:#?}");
}

#[test]
fn the_checker_sees_what_it_checks() {
    let m: Vec<String> = ["ozon", "listing", "editor"].map(String::from).to_vec();
    let found = paths(
        &m,
        "use super::api::{warehouses, upload};\nlet x = crate::server::state::AppState::current();",
    );
    assert!(found.contains(
        &["ozon", "listing", "api", "warehouses"]
            .map(String::from)
            .to_vec()
    ));
    assert!(found.contains(
        &["server", "state", "AppState", "current"]
            .map(String::from)
            .to_vec()
    ));
    let api = ["ozon", "listing", "api", "warehouses"]
        .map(String::from)
        .to_vec();
    assert_eq!(unit_of(&api).as_deref(), Some("ozon/listing"));
    let board = ["ozon", "listing", "board", "api"]
        .map(String::from)
        .to_vec();
    assert_eq!(unit_of(&board).as_deref(), Some("ozon/listing/board"));
    let listings = ["ozon", "listings"].map(String::from).to_vec();
    assert_eq!(unit_of(&listings), None);
    let server = ["server", "state"].map(String::from).to_vec();
    assert_eq!(unit_of(&server).as_deref(), Some("server"));
    assert!(rank("server") > rank("auth"));
    assert!(sources().len() > 100, "the walk found the sources");
}
