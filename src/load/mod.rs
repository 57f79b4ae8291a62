//! Stage 0: files to text. Finds the rule files of a rule base (a folder, a file, the
//! rules embedded in the binary, or a git revision through [`git`]), reads them and the
//! case files safely (size limit, UTF-8: `read.rs`), and runs the parser and checker over
//! a rule base. It must not interpret what it reads: parsing and checking are the stages'.

// A `Diagnostic` is large, but reading files fails rarely and never in a loop.
#![allow(clippy::result_large_err)]

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::check::{self, ParsedFile};
use crate::diag::{Diagnostic, SourceMap};
use crate::rulebase::RuleBase;
use crate::syntax;

pub mod git;
mod read;

pub use read::{
    BYTE_ORDER_MARK, MAX_FILE_BYTES, MAX_FILE_BYTES_VAR, MAX_RULE_BASE_BYTES, MAX_RULE_BASE_BYTES_VAR,
    ReadError, decode_text, max_file_bytes, max_rule_base_bytes, normalise_line_breaks, read_bytes,
    read_text,
};
use read::{describe_io_error, normalised, read_text_at_most};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));
}

/// The text of the rule files of one rule base, in evaluation order. Each text is shared
/// with the [`SourceMap`] of the compiled rule base, not copied into it.
#[derive(Clone, Debug)]
pub struct RuleFiles {
    files: Vec<(String, Arc<str>)>,
    embedded: bool,
    /// Bytes the source texts the rules name may take, all together, once the rule files
    /// are read: what the limit of a whole rule base leaves them.
    texts_room: u64,
    /// For the rules of a git revision, where they were written: kept as long as the
    /// files, since their source texts are read from there when they are compiled (a
    /// folder written for this run alone is removed when the last copy is dropped).
    _written: Option<git::RulesAt>,
}

/// The result of compiling a rule base: the rule base when there is no error, every
/// diagnostic, and the text of every file they point into.
#[derive(Debug)]
pub struct Compiled {
    /// The checked rule base, when there is no error.
    pub rule_base: Option<RuleBase>,
    /// Errors and warnings, in the order found: the first
    /// [`MAX_REPORTED_PER_FILE`](crate::diag::MAX_REPORTED_PER_FILE) of each file, then
    /// one for each file with more, saying how many.
    pub diagnostics: Vec<Diagnostic>,
    /// The files, for rendering diagnostics.
    pub sources: SourceMap,
}

impl RuleFiles {
    /// The project's own `rules/`, compiled into the binary.
    pub fn embedded() -> RuleFiles {
        let files = embedded::FILES
            .iter()
            .filter(|(path, _)| path.ends_with(".accord"))
            .map(|(path, text)| (path.to_string(), Arc::from(*text)))
            .collect();
        // Built in, and checked when accord was built: no limit applies.
        RuleFiles { files, embedded: true, texts_room: u64::MAX, _written: None }
    }

    /// Rule files from folders (their `.accord` files, by file name) and single files, in
    /// the order given.
    ///
    /// # Errors
    ///
    /// E0001, E0002 or E0003 for a file that cannot be read; E0003 when the files together
    /// are larger than the limit of a whole rule base ([`max_rule_base_bytes`]): the
    /// files are read no further.
    pub fn from_paths(paths: &[PathBuf]) -> Result<RuleFiles, Diagnostic> {
        let file_limit = max_file_bytes().unwrap_or(MAX_FILE_BYTES);
        let limit = max_rule_base_bytes().unwrap_or(MAX_RULE_BASE_BYTES);
        let mut files = Vec::new();
        let mut total: u64 = 0;
        for path in paths {
            for file in files_at(path, "accord", "rule")? {
                let shown = file.to_string_lossy().into_owned();
                let room = limit.saturating_sub(total);
                let text = match read_text_at_most(&file, file_limit.min(room)) {
                    // Too large for what is left of the rule base, not for a file.
                    Err(ReadError::TooLarge(size))
                        if room < file_limit && size.is_none_or(|s| s <= file_limit) =>
                    {
                        return Err(rule_base_too_large(&shown, total, size, limit));
                    }
                    read => read.map_err(|e| e.diagnostic(&shown))?,
                };
                total += text.len() as u64;
                files.push((shown, Arc::from(text)));
            }
        }
        Ok(RuleFiles { files, embedded: false, texts_room: limit.saturating_sub(total), _written: None })
    }

    /// Rule files given as text, for tests and embedding: (path shown, text). The source
    /// texts they name are read within the limit of a whole rule base, less their size.
    pub fn from_texts(files: Vec<(String, String)>) -> RuleFiles {
        let limit = max_rule_base_bytes().unwrap_or(MAX_RULE_BASE_BYTES);
        let total: u64 = files.iter().map(|(_, text)| text.len() as u64).sum();
        // Texts given as text have not been through `read_text`.
        let files = files.into_iter().map(|(path, text)| (path, Arc::from(normalised(text)))).collect();
        RuleFiles { files, embedded: false, texts_room: limit.saturating_sub(total), _written: None }
    }

    /// The rule files in `rules/` at a git revision (`main`, `HEAD~1`, a commit) of the
    /// repository at `repo`; the source texts they name are read from the same revision.
    /// The files are written out first, to a folder reused for the same content (see
    /// [`git`]); paths are shown under that folder. A folder written for this run alone
    /// is removed when these rule files (and their clones) are dropped.
    pub fn from_git(repo: &Path, revision: &str) -> Result<RuleFiles, Diagnostic> {
        let at = git::rules_at(repo, revision).map_err(|e| e.diagnostic())?;
        let files = RuleFiles::from_paths(std::slice::from_ref(&at.rules))?;
        Ok(RuleFiles { _written: Some(at), ..files })
    }

    /// What identifies the rule files' content, as 16 hexadecimal digits: the 64-bit
    /// FNV-1a hash of each file's name (without its folder) and text, in order. The same
    /// files give the same hash wherever they are read from, the built-in rules included,
    /// so that a report can name the rule base it came from without a path.
    pub fn content_hash(&self) -> String {
        let parts = self.files.iter().flat_map(|(path, text)| {
            let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
            [name.as_bytes(), &[0], text.as_bytes(), &[0]]
        });
        format!("{:016x}", fnv1a(parts))
    }

    /// The size of the rule files' texts, in bytes.
    pub fn len_bytes(&self) -> usize {
        self.files.iter().map(|(_, text)| text.len()).sum()
    }

    /// Parses and checks the files as one rule base.
    pub fn compile(&self) -> Compiled {
        self.compile_and_inspect(|_| ()).0
    }

    /// [`compile`](Self::compile), showing `inspect` the syntax trees before they are
    /// dropped: what the language server indexes names from, rather than parsing every
    /// file a second time.
    pub fn compile_and_inspect<T>(&self, inspect: impl FnOnce(&[ParsedFile<'_>]) -> T) -> (Compiled, T) {
        let mut sources = SourceMap::default();
        let mut diagnostics = Vec::new();
        let mut parsed = Vec::new();
        for (path, text) in &self.files {
            sources.add_shared(path.clone(), Arc::clone(text));
            let (ast, errors) = syntax::parse_file(path, text);
            diagnostics.extend(errors);
            parsed.push((path, &**text, ast));
        }
        let files: Vec<ParsedFile<'_>> =
            parsed.iter().map(|(path, text, ast)| ParsedFile { path, text, ast }).collect();
        // The source texts share what the limit of a whole rule base leaves.
        let room = std::cell::Cell::new(self.texts_room);
        let read = |path: &str, folder: &str| self.read_source_text(path, folder, &room);
        let (rule_base, found) = check::check(&files, &read);
        let inspected = inspect(&files);
        // The syntax trees are not needed any more: dropped before the rule base is
        // planned, so that the two never take room at once.
        drop(files);
        drop(parsed);
        diagnostics.extend(found);
        let has_errors = diagnostics.iter().any(Diagnostic::is_error);
        let rule_base = rule_base.filter(|_| !has_errors).map(|mut rule_base| {
            rule_base.finish();
            rule_base.plan = crate::eval::plan_of(&rule_base);
            rule_base
        });
        // The first errors and warnings of each file, and how many more there are.
        let diagnostics = crate::diag::cap(diagnostics);
        (Compiled { rule_base, diagnostics, sources }, inspected)
    }

    /// A source's text, read within `room` (the bytes the rule base may still take, less
    /// what is read), only from `folder` or below and only from a regular file.
    fn read_source_text(
        &self,
        path: &str,
        folder: &str,
        room: &std::cell::Cell<u64>,
    ) -> Result<String, check::TextError> {
        use check::TextError;
        if self.embedded {
            return embedded::FILES
                .iter()
                .find(|(embedded_path, _)| *embedded_path == path)
                .map(|(_, text)| text.to_string())
                .ok_or_else(|| TextError::Unreadable("not among the embedded rule files".to_string()));
        }
        let unreadable = |e: std::io::Error| TextError::Unreadable(describe_io_error(&e));
        // Where the path really leads, links resolved: it must be in the folder or below.
        let folder = if folder.is_empty() { Path::new(".") } else { Path::new(folder) };
        let real_folder = fs::canonicalize(folder).map_err(unreadable)?;
        let real = fs::canonicalize(path).map_err(unreadable)?;
        if !real.starts_with(&real_folder) {
            return Err(TextError::Outside(format!(
                "through a symbolic link, it leads to `{}`",
                real.display()
            )));
        }
        // Checked before opening: opening a named pipe waits for a writer. (A folder is
        // refused by the read itself, "it is a folder".)
        if let Err(crate::safe_write::SaveError::NotRegular(kind)) =
            crate::safe_write::refuse_special_file(&real)
        {
            return Err(TextError::Unreadable(format!("it is not a regular file: it is {kind}")));
        }
        let file_limit = max_file_bytes().unwrap_or(MAX_FILE_BYTES);
        let text = match read_text_at_most(&real, file_limit.min(room.get())) {
            // Too large for what is left of the rule base, not for a file.
            Err(ReadError::TooLarge(size))
                if room.get() < file_limit && size.is_none_or(|s| s <= file_limit) =>
            {
                let limit = max_rule_base_bytes().unwrap_or(MAX_RULE_BASE_BYTES);
                return Err(TextError::Unreadable(format!(
                    "the rule base is too large: with this text, its rule files and source texts come to more than the limit of {limit} bytes ({MAX_RULE_BASE_BYTES_VAR} sets it)"
                )));
            }
            read => read.map_err(|e| TextError::Unreadable(e.reason()))?,
        };
        room.set(room.get().saturating_sub(text.len() as u64));
        Ok(text)
    }
}

/// The name of the folder of rule files that commands look for when no rule base is named.
pub const RULE_FOLDER: &str = "rules";

/// The rule base a command run in `dir` uses when none is named: the `rules/` folder of
/// `dir` or of its nearest ancestor that has one holding `.accord` files, as git finds
/// `.git` (a `rules/` folder without any is passed over). `None` when there is none up to
/// the root of the file system: the command then uses the rules built into accord.
pub fn find_rule_folder(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().map(|folder| folder.join(RULE_FOLDER)).find(|candidate| holds_rule_files(candidate))
}

/// Whether `folder` is a folder with at least one `.accord` file directly in it.
fn holds_rule_files(folder: &Path) -> bool {
    let Ok(entries) = fs::read_dir(folder) else { return false };
    entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .any(|path| path.extension().is_some_and(|e| e == "accord") && path.is_file())
}

/// The files a path names: the path itself, or a folder's files ending in `.{extension}`,
/// sorted by name. `what` names them in the error for a folder with none (`rule`, `case`).
///
/// # Errors
///
/// E0001 when a folder cannot be read or holds no such file. A missing file is not an
/// error here: reading it reports it, with the others.
pub fn files_at(path: &Path, extension: &str, what: &str) -> Result<Vec<PathBuf>, Diagnostic> {
    let shown = path.display();
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries = fs::read_dir(path)
        .map_err(|e| Diagnostic::error("E0001", format!("cannot read the folder `{shown}`: {e}")))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == extension))
        .collect();
    files.sort();
    if files.is_empty() {
        let diagnostic = Diagnostic::error("E0001", format!("no {what} files in `{shown}`"))
            .help(format!("{what} files end in `.{extension}`"));
        return Err(diagnostic);
    }
    Ok(files)
}

/// The error for a rule base whose files come to more than `limit` bytes: `total` bytes
/// read before `shown`, whose size is `size` when known.
fn rule_base_too_large(shown: &str, total: u64, size: Option<u64>, limit: u64) -> Diagnostic {
    let with = match size {
        Some(size) => format!("{} bytes", total.saturating_add(size)),
        None => format!("more than {limit} bytes"),
    };
    Diagnostic::error(
        "E0003",
        format!(
            "cannot read `{shown}`: the rule base is too large: with this file, its rule files come to {with}, more than the limit of {limit}"
        ),
    )
    .help(format!(
        "a rule base is a few hundred kilobytes; are these the right files? ({MAX_RULE_BASE_BYTES_VAR} sets the limit of a whole rule base, {MAX_FILE_BYTES_VAR} that of each file)"
    ))
}

/// The 64-bit FNV-1a hash of `parts`, one after another: short, stable across versions
/// and machines (std's hashers promise neither), and no defence against anyone choosing
/// what collides, which nothing that uses it needs.
pub(crate) fn fnv1a<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> u64 {
    parts.into_iter().flatten().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_rules_folder_with_rule_files_is_found() {
        let root = std::env::temp_dir().join(format!("accord-find-rules-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let deep = root.join("project/cases/2013");
        fs::create_dir_all(&deep).expect("folders");
        fs::create_dir_all(root.join("project/rules")).expect("folders");
        fs::write(root.join("project/rules/a.accord"), "").expect("a rule file");
        // A rules/ folder without rule files (notes, say) is passed over.
        fs::create_dir_all(root.join("project/cases/rules")).expect("folders");
        fs::write(root.join("project/cases/rules/notes.txt"), "").expect("a file");
        assert_eq!(find_rule_folder(&deep), Some(root.join("project/rules")));
        assert_eq!(find_rule_folder(&root.join("project")), Some(root.join("project/rules")));
        fs::write(root.join("project/cases/rules/b.accord"), "").expect("a rule file");
        assert_eq!(find_rule_folder(&deep), Some(root.join("project/cases/rules")));
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn only_lone_carriage_returns_become_line_feeds() {
        for (text, expected) in [
            ("", ""),
            ("no breaks", "no breaks"),
            ("a\r\nb\r\n", "a\r\nb\r\n"),
            ("a\rb\r", "a\nb\n"),
            ("\r\r\n\r", "\n\r\n\n"),
            ("é\rü\r\nß", "é\nü\r\nß"),
        ] {
            assert_eq!(normalise_line_breaks(text), expected, "{text:?}");
            assert_eq!(
                matches!(normalise_line_breaks(text), std::borrow::Cow::Borrowed(_)),
                text == expected
            );
        }
    }
}
