//! The server crate's layers point one way: each top-level module may import
//! only the modules of the layers below its own, so `app` and `worker`,
//! siblings, know nothing of each other. Read from the `crate::` paths of
//! every file. The crates below (`adact-domain`, `adact-store`) are held
//! apart by their manifests, where the compiler checks them;
//! docs/architecture.md draws both.

use std::{collections::BTreeSet, fs, path::Path};

/// Lowest first. A module may import modules of lower layers only.
const LAYERS: &[&[&str]] = &[&["config", "net", "metrics"], &["app", "worker"], &["http"]];

/// Modules outside the layers: those that wire the others together, and
/// the tests of the whole.
const ROOTS: [&str; 4] = ["lib", "main", "layers", "tests"];

fn layer(module: &str) -> usize {
    LAYERS
        .iter()
        .position(|layer| layer.contains(&module))
        .unwrap_or_else(|| panic!("add the new module `{module}` to LAYERS in layers.rs"))
}

/// Every `.rs` file under `dir`, with the top-level module it belongs to.
fn files(dir: &Path, top: Option<&str>, out: &mut Vec<(String, String, String)>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let module = top.map_or_else(|| stem.clone(), str::to_owned);
        if path.is_dir() {
            files(&path, Some(&module), out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = fs::read_to_string(&path).unwrap();
            out.push((path.display().to_string(), module, text));
        }
    }
}

/// The top-level modules a file names with `crate::`, including inside
/// `use crate::{a::x, b::{y, z}}`.
fn imports(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (at, _) in text.match_indices("crate::") {
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // The first word of each comma-separated path at depth 0.
            let (mut depth, mut first, mut word) = (0, true, String::new());
            for c in group.chars() {
                if depth == 0 && first && (c.is_alphanumeric() || c == '_') {
                    word.push(c);
                    continue;
                }
                if !word.is_empty() {
                    found.insert(std::mem::take(&mut word));
                    first = false;
                }
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => first = true,
                    _ => {}
                }
            }
        } else {
            let word: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !word.is_empty() {
                found.insert(word);
            }
        }
    }
    found
}

#[test]
fn imports_point_down_the_layers() {
    let mut all = Vec::new();
    files(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src").as_path(),
        None,
        &mut all,
    );
    let mut wrong = Vec::new();
    for (path, module, text) in &all {
        if ROOTS.contains(&module.as_str()) {
            continue;
        }
        for target in imports(text) {
            if target != *module && layer(&target) >= layer(module) {
                wrong.push(format!("{path}: `{module}` imports `{target}`"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports that point up or across the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn grouped_imports_are_read() {
    let text = "use crate::{\n    app::{a, b},\n    config::{self, x::y},\n    net::check,\n};";
    let found: Vec<_> = imports(text).into_iter().collect();
    assert_eq!(found, ["app", "config", "net"]);
    assert_eq!(
        imports("let x = crate::worker::client::Client::new(false);")
            .into_iter()
            .collect::<Vec<_>>(),
        ["worker"]
    );
}
