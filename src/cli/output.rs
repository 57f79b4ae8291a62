//! Where `accord advise` writes when told to (`--output FILE`, `--output-dir DIR`): which
//! files it must never write over, and writing a file atomically. Must not render reports
//! (that is `accord::report`) nor decide what a command writes (that is its caller).
//!
//! A report written over a user's file would lose it, so the files a command reads are
//! protected (the case files named, the batch file, the rule files in use, compared as
//! canonical paths, so that a symbolic link or `./` does not hide one), as is any file
//! that looks like a case or a rule file: a name ending `.accord`, and an existing
//! `.json` or `.jsonl` file that does not hold accord's own JSON advice.

use std::io::Read;
use std::path::{Path, PathBuf};

/// How much of an existing JSON file is read to tell accord's advice from a case.
const SNIFF_BYTES: u64 = 4096;

/// The files a command must not write over, as canonical paths, each with what it is.
pub(super) struct Protected {
    files: Vec<(PathBuf, &'static str)>,
}

impl Protected {
    /// Protects the `cases` named, the `batch` file read and the `rules` in use. Paths that
    /// do not exist cannot be written over by mistake, and are left out.
    pub(super) fn new(cases: &[PathBuf], batch: Option<&Path>, rules: &[PathBuf]) -> Protected {
        let mut files = Vec::new();
        let mut add = |path: &Path, what: &'static str| {
            if let Ok(canonical) = path.canonicalize() {
                files.push((canonical, what));
            }
        };
        for case in cases {
            add(case, "a case file named on the command line");
        }
        if let Some(batch) = batch.filter(|batch| *batch != Path::new("-")) {
            add(batch, "the batch file read");
        }
        for rule in rules {
            add(rule, "a rule file of the rule base in use");
        }
        Protected { files }
    }

    /// Why `path` must not be written, if it must not: a sentence naming the path.
    pub(super) fn refusal(&self, path: &Path) -> Option<String> {
        let shown = path.display();
        let canonical = path.canonicalize().ok();
        if let Some((_, what)) =
            canonical.as_ref().and_then(|canonical| self.files.iter().find(|(file, _)| file == canonical))
        {
            return Some(format!("`{shown}` is {what}"));
        }
        let real = canonical.as_deref().unwrap_or(path);
        if has_extension(path, &["accord"]) || has_extension(real, &["accord"]) {
            return Some(format!("`{shown}` is named as a rule file (`.accord`)"));
        }
        if (has_extension(path, &["json", "jsonl"]) || has_extension(real, &["json", "jsonl"]))
            && real.is_file()
            && !holds_advice(real)
        {
            return Some(format!("`{shown}` may be a case file (it does not hold accord's JSON advice)"));
        }
        None
    }
}

fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// Whether the file is empty or begins with accord's JSON advice (`accord advise --format
/// json` or `jsonl` written earlier), which may be written over.
fn holds_advice(path: &Path) -> bool {
    let mut start = Vec::new();
    let read = std::fs::File::open(path).and_then(|file| file.take(SNIFF_BYTES).read_to_end(&mut start));
    if read.is_err() {
        return false;
    }
    let text = String::from_utf8_lossy(&start);
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    compact.is_empty() || compact.contains(&format!("\"format\":\"{}\"", accord::report::ADVICE_FORMAT))
}

/// Writes `contents` to `path` atomically ([`accord::safe_write::replace`]); a failure is
/// a sentence saying why.
pub(super) fn write_file(path: &Path, contents: &[u8]) -> Result<(), String> {
    accord::safe_write::replace(path, contents)
        .map_err(|error| format!("cannot write `{}`: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accords_advice_may_be_written_over_and_a_case_may_not() {
        let dir = std::env::temp_dir().join(format!("accord-output-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let write = |name: &str, text: &str| {
            let path = dir.join(name);
            std::fs::write(&path, text).unwrap();
            path
        };
        let advice = write("advice.json", "{\n  \"format\": \"accord.advice.v2\",\n  \"case\": null\n}\n");
        let lines = write("advice.jsonl", "{\"format\":\"accord.advice.v2\",\"case\":\"a\"}\n");
        let empty = write("empty.json", "");
        let case = write("case.json", "{\"name\": \"Shire\"}\n");
        let protected = Protected::new(std::slice::from_ref(&advice), None, &[]);
        assert_eq!(protected.refusal(&lines), None);
        assert_eq!(protected.refusal(&empty), None);
        assert_eq!(protected.refusal(&dir.join("new.json")), None);
        assert_eq!(protected.refusal(&dir.join("report.md")), None);
        assert!(protected.refusal(&advice).unwrap().contains("a case file named on the command line"));
        assert!(protected.refusal(&case).unwrap().contains("may be a case file"));
        assert!(protected.refusal(&dir.join("new.accord")).unwrap().contains("rule file"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
