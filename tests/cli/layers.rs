//! The layers of the house: which top-level module of `src/` may import which, as the table in
//! ARCHITECTURE.md (`## Layers`) says, and no circles, between top-level modules or between the
//! files of one directory.
//!
//! Reads the source, not the binary: every `crate::` path in code (a `use` line, a grouped
//! `use crate::{a, b::c}`, or a path in an expression), with comments and string literals
//! blanked first so prose that names a module does not count. Inside a directory, `super::x`
//! from one of its files counts too.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

/// One reference from a module to another: where it is, and the path as written.
#[derive(Debug, Clone)]
struct Import {
    from: String,
    to: String,
    file: String,
    line: usize,
    path: String,
}

impl Import {
    fn at(&self) -> String {
        format!(
            "{}:{}: {} -> {} ({})",
            self.file, self.line, self.from, self.to, self.path
        )
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn rust_files(dir: &Path, into: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, into);
        } else if p.extension().is_some_and(|e| e == "rs") {
            into.push(p);
        }
    }
}

/// `code` with comments and string and char literals replaced by spaces, newlines kept.
fn blank(code: &str) -> String {
    let c: Vec<char> = code.chars().collect();
    let mut out = String::with_capacity(code.len());
    let mut i = 0;
    let keep = |ch: char| if ch == '\n' { '\n' } else { ' ' };
    while i < c.len() {
        let at = |j: usize| c.get(j).copied();
        let rest = |k: usize| at(i + k);
        if c[i] == '/' && rest(1) == Some('/') {
            while i < c.len() && c[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c[i] == '/' && rest(1) == Some('*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && at(i + 1) == Some('*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == Some('/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(keep(c[i]));
                    i += 1;
                }
            }
        } else if c[i] == 'r'
            && matches!(rest(1), Some('"' | '#'))
            && !ident(c.get(i.wrapping_sub(1)))
        {
            // A raw string: r"..." or r#"..."#.
            let hashes = c[i + 1..].iter().take_while(|&&h| h == '#').count();
            if c.get(i + 1 + hashes) != Some(&'"') {
                out.push(c[i]);
                i += 1;
                continue;
            }
            let close: String = std::iter::once('"')
                .chain("#".repeat(hashes).chars())
                .collect();
            let start = i + 2 + hashes;
            let end = (start..c.len())
                .find(|&j| c[j..].iter().take(close.len()).copied().eq(close.chars()))
                .map_or(c.len(), |j| j + close.len());
            c[i..end].iter().for_each(|&ch| out.push(keep(ch)));
            i = end;
        } else if c[i] == '"' {
            out.push(' ');
            i += 1;
            while i < c.len() && c[i] != '"' {
                let n = if c[i] == '\\' { 2 } else { 1 };
                c[i..(i + n).min(c.len())]
                    .iter()
                    .for_each(|&ch| out.push(keep(ch)));
                i += n;
            }
            out.push(' ');
            i += 1;
        } else if c[i] == '\'' && (rest(1) == Some('\\') || rest(2) == Some('\'')) {
            // A char literal ('"', '\n', '\u{202e}'); a lifetime ('a) is left as it is.
            let end = (i + 2..c.len())
                .find(|&j| c[j] == '\'')
                .map_or(c.len(), |j| j + 1);
            c[i..end].iter().for_each(|&ch| out.push(keep(ch)));
            i = end;
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

fn ident(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || *c == '_')
}

/// The first module of each path after `prefix::` in `code`: `prefix::a::b` gives `a`,
/// `prefix::{a::b, c}` gives `a` and `c`. With the line of each and the path as written.
fn paths_after(code: &str, prefix: &str) -> Vec<(usize, String, String)> {
    let needle = format!("{prefix}::");
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(k) = code[from..].find(&needle) {
        let at = from + k;
        from = at + needle.len();
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == ':') {
            continue;
        }
        let line = code[..at].matches('\n').count() + 1;
        let rest = &code[from..];
        let names: Vec<String> = if rest.starts_with('{') {
            let mut depth = 0;
            let end = rest
                .char_indices()
                .find(|&(_, ch)| {
                    depth += match ch {
                        '{' => 1,
                        '}' => -1,
                        _ => 0,
                    };
                    depth == 0
                })
                .map_or(rest.len(), |(j, _)| j);
            let inner = &rest[1..end];
            let mut items = Vec::new();
            let (mut depth, mut start) = (0, 0);
            for (j, ch) in inner.char_indices() {
                match ch {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        items.push(&inner[start..j]);
                        start = j + 1;
                    }
                    _ => {}
                }
            }
            items.push(&inner[start..]);
            items.iter().filter_map(|s| first_ident(s)).collect()
        } else {
            first_ident(rest).into_iter().collect()
        };
        let mut shown: String = rest
            .chars()
            .take_while(|c| !matches!(c, ';' | '(' | '\n' | ' ' | ')' | ',' | '{'))
            .collect();
        if rest[shown.len()..].starts_with('{') {
            shown.push_str("{..}");
        }
        for n in names.into_iter().filter(|n| n != "self") {
            found.push((line, n, format!("{needle}{shown}")));
        }
    }
    found
}

fn first_ident(s: &str) -> Option<String> {
    let s = s.trim_start();
    let id: String = s
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!id.is_empty()).then_some(id)
}

/// Where the sandbox crate's code is. The CLI names it `dlq_sandbox`; here it is the top-level
/// module `sandbox`, its own `crate::` paths read as `crate::sandbox::`, so one table and one
/// circle check cover both crates. Cargo already forbids it to import the CLI.
const SANDBOX_SRC: &str = "crates/sandbox/src";

/// Every file of `src/` (but `lib.rs` and `main.rs`) and of the sandbox crate, with its path
/// relative to the repository and the module path of the file (`src/output/fit.rs` is
/// `["output", "fit"]`, `crates/sandbox/src/wfexec/call.rs` is `["sandbox", "wfexec", "call"]`).
fn sources() -> Vec<(String, Vec<String>, String)> {
    let mut out = files_of("src", None);
    out.extend(files_of(SANDBOX_SRC, Some("sandbox")));
    out
}

/// The files below `dir`, as modules of the CLI crate or, with `as_module`, of that module.
fn files_of(dir: &str, as_module: Option<&str>) -> Vec<(String, Vec<String>, String)> {
    let mut files = Vec::new();
    rust_files(&root().join(dir), &mut files);
    files
        .into_iter()
        .filter_map(|p| {
            let rel = p
                .strip_prefix(root())
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let mut module: Vec<String> = as_module.into_iter().map(String::from).collect();
            module.extend(
                rel[dir.len() + 1..]
                    .trim_end_matches(".rs")
                    .split('/')
                    .map(String::from),
            );
            if module.last().is_some_and(|m| m == "mod") {
                module.pop();
            }
            match (as_module, module.as_slice()) {
                (None, [m]) if m == "lib" || m == "main" => return None,
                (Some(_), [_, m]) if m == "lib" => {
                    module.pop();
                }
                _ => {}
            }
            let code = blank(&std::fs::read_to_string(&p).unwrap());
            let code = match as_module {
                Some(m) => code.replace("crate::", &format!("crate::{m}::")),
                None => code.replace("dlq_sandbox::", "crate::sandbox::"),
            };
            Some((rel, module, code))
        })
        .collect()
}

/// The references between top-level modules.
fn top_level_imports() -> Vec<Import> {
    let mut out = Vec::new();
    for (file, module, code) in sources() {
        for (line, to, path) in paths_after(&code, "crate") {
            if to != module[0] {
                out.push(Import {
                    from: module[0].clone(),
                    to,
                    file: file.clone(),
                    line,
                    path,
                });
            }
        }
    }
    out
}

/// The table of ARCHITECTURE.md's `## Layers`: module -> (layer, what it may import).
fn layer_table() -> BTreeMap<String, (u32, BTreeSet<String>)> {
    let doc = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let section = doc
        .split("\n## Layers")
        .nth(1)
        .expect("ARCHITECTURE.md has ## Layers");
    let section = section.split("\n## ").next().unwrap();
    let names = |cell: &str| -> BTreeSet<String> {
        cell.split('`')
            .skip(1)
            .step_by(2)
            .map(String::from)
            .collect()
    };
    let mut table = BTreeMap::new();
    for row in section.lines().filter(|l| l.starts_with('|')) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let Ok(layer) = cells[1].parse::<u32>() else {
            continue;
        };
        for m in names(cells[2]) {
            let old = table.insert(m.clone(), (layer, names(cells[3])));
            assert!(old.is_none(), "{m} has two rows in the layer table");
        }
    }
    assert!(table.len() > 5, "no layer table read: {table:?}");
    table
}

/// One circle through `a -> b`, if `b` leads back to `a`: the modules in order.
fn circle_through(
    edges: &BTreeMap<String, BTreeSet<String>>,
    a: &str,
    b: &str,
) -> Option<Vec<String>> {
    let mut back: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = VecDeque::from([b]);
    let mut seen = BTreeSet::from([b]);
    while let Some(x) = queue.pop_front() {
        if x == a {
            // Back from `a` to `b`, then turned around: a -> b -> ... -> a.
            let mut back_path = vec![a.to_string()];
            let mut at = a;
            while at != b {
                at = back[at];
                back_path.push(at.to_string());
            }
            back_path.reverse();
            let mut circle = vec![a.to_string()];
            circle.extend(back_path);
            return Some(circle);
        }
        for y in edges.get(x).into_iter().flatten() {
            if seen.insert(y) {
                back.insert(y, x);
                queue.push_back(y);
            }
        }
    }
    None
}

/// Every circle in `imports`, once each, with a file and line for each of its arrows.
fn circles(imports: &[Import]) -> Vec<String> {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for i in imports {
        edges
            .entry(i.from.clone())
            .or_default()
            .insert(i.to.clone());
    }
    let mut reported = BTreeSet::new();
    let mut out = Vec::new();
    for (a, tos) in &edges {
        for b in tos {
            let Some(circle) = circle_through(&edges, a, b) else {
                continue;
            };
            let key: BTreeSet<String> = circle.iter().cloned().collect();
            if !reported.insert(key) {
                continue;
            }
            let mut text = format!("circle {}:", circle.join(" -> "));
            for w in circle.windows(2) {
                let i = imports
                    .iter()
                    .find(|i| i.from == w[0] && i.to == w[1])
                    .unwrap();
                text.push_str(&format!("\n    {}", i.at()));
            }
            out.push(text);
        }
    }
    out
}

#[test]
fn the_layer_table_places_every_top_level_module_and_only_points_down() {
    let table = layer_table();
    let lib = blank(&std::fs::read_to_string(root().join("src/lib.rs")).unwrap());
    let modules: BTreeSet<String> = lib
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .map(|m| m.trim_end_matches(';').to_string())
        .chain(["sandbox".to_string()])
        .collect();
    let placed: BTreeSet<String> = table.keys().cloned().collect();
    assert_eq!(
        modules, placed,
        "src/lib.rs's modules (and the sandbox crate) and ARCHITECTURE.md's layer table differ"
    );
    for (m, (layer, allowed)) in &table {
        for a in allowed {
            let (below, _) = table
                .get(a)
                .unwrap_or_else(|| panic!("{m} may import {a}, which has no row"));
            assert!(
                below < layer,
                "{m} (layer {layer}) may import {a} (layer {below}): not lower"
            );
        }
    }
}

#[test]
fn no_import_the_layer_table_forbids() {
    let table = layer_table();
    let wrong: Vec<String> = top_level_imports()
        .iter()
        .filter(|i| !table.get(&i.from).is_some_and(|(_, ok)| ok.contains(&i.to)))
        .map(|i| format!("{}: not allowed by ARCHITECTURE.md's layer table", i.at()))
        .collect();
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_circle_between_top_level_modules() {
    let found = circles(&top_level_imports());
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn no_circle_between_the_files_of_a_directory() {
    let sources = sources();
    let mut by_dir: BTreeMap<Vec<String>, Vec<Import>> = BTreeMap::new();
    for (file, module, code) in &sources {
        // Tests inside a file (`mod tests { use super::* }`) see the file as `super`.
        let code = code.split("#[cfg(test)]").next().unwrap();
        for depth in 1..module.len() {
            let (dir, me) = (&module[..depth], &module[depth]);
            let children: BTreeSet<&String> = sources
                .iter()
                .filter(|(_, m, _)| m.len() > depth && m[..depth] == *dir)
                .map(|(_, m, _)| &m[depth])
                .collect();
            let mut found = paths_after(code, &format!("crate::{}", dir.join("::")));
            // `super` of `dir/me.rs` and of `dir/me/mod.rs` is `dir`.
            if module.len() == depth + 1 {
                found.extend(paths_after(code, "super"));
            }
            for (line, to, path) in found {
                if &to != me && children.contains(&to) {
                    by_dir.entry(dir.to_vec()).or_default().push(Import {
                        from: me.clone(),
                        to,
                        file: file.clone(),
                        line,
                        path,
                    });
                }
            }
        }
    }
    let found: Vec<String> = by_dir
        .iter()
        .flat_map(|(dir, imports)| {
            let dir = dir.join("/");
            circles(imports)
                .into_iter()
                .map(move |c| format!("in src/{dir}: {c}"))
        })
        .collect();
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_reader_sees_paths_in_code_and_not_in_prose() {
    let code = blank(
        "//! names `crate::cli` in a comment\n\
         use crate::{api::Source, output::{self, Format}, self};\n\
         let s = \"crate::commands\"; let c = '\"'; let r = r#\"crate::sandbox\"#;\n\
         fn f<'a>(x: &'a str) { crate::text::safe(x); $crate::nope::x; }\n",
    );
    let found: Vec<(usize, String)> = paths_after(&code, "crate")
        .into_iter()
        .map(|(line, m, _)| (line, m))
        .collect();
    assert_eq!(
        found,
        [(2, "api".into()), (2, "output".into()), (4, "text".into())]
    );
    let imports: Vec<Import> = [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")]
        .iter()
        .map(|(f, t)| Import {
            from: f.to_string(),
            to: t.to_string(),
            file: "src/x.rs".into(),
            line: 1,
            path: String::new(),
        })
        .collect();
    let found = circles(&imports);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("circle a -> b -> c -> a:"),
        "{}",
        found[0]
    );
}
