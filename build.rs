//! Embeds the project's `rules/` folder (rule files and the source texts they quote) in
//! the binary, so `accord advise case.json` works from any folder.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let rules = root.join("rules");
    println!("cargo::rerun-if-changed=rules");
    let mut files = Vec::new();
    collect(&rules, &mut files);
    files.sort();
    let mut out = String::from(
        "/// Every file under `rules/`, by its path relative to the crate.\npub static FILES: &[(&str, &str)] = &[\n",
    );
    for file in &files {
        println!("cargo::rerun-if-changed={}", file.display());
        let relative =
            file.strip_prefix(&root).expect("under the crate").to_string_lossy().replace('\\', "/");
        writeln!(out, "    ({relative:?}, include_str!({:?})),", file.display().to_string())
            .expect("writing to a String cannot fail");
    }
    out.push_str("];\n");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it"));
    fs::write(out_dir.join("embedded_rules.rs"), out).expect("OUT_DIR is writable");
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo::rerun-if-changed={}", path.display());
            collect(&path, files);
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("accord" | "txt")) {
            files.push(path);
        }
    }
}
