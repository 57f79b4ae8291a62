//! Which rule base a command uses: the one lookup every command that reads rules makes.
//!
//! 1. `--rules PATH...`, when given;
//! 2. else the `rules/` folder (holding `.accord` files) of the current folder or of its
//!    nearest ancestor ([`accord::load::find_rule_folder`]);
//! 3. else the rules built into the binary.
//!
//! Commands say which they use, so that edits to `rules/` are never silently ignored.

use std::path::{Path, PathBuf};

use accord::RuleFiles;
use accord::diag::Diagnostic;
use accord::load::find_rule_folder;

use super::RulesArg;

/// Where a command's rule base comes from.
pub(super) enum RuleSource {
    /// Named with `--rules`: the paths as given.
    Given(Vec<PathBuf>),
    /// A `rules/` folder found from the current folder: relative to it when under it,
    /// absolute otherwise.
    Found(PathBuf),
    /// None named or found: the rules compiled into the binary.
    BuiltIn,
}

impl RuleSource {
    /// The rule base in a few words, for a sentence: `rules/`, `a.accord and b/`, `the
    /// built-in rules (accord 0.1.0)`.
    pub(super) fn describe(&self) -> String {
        match self {
            RuleSource::Given(paths) => {
                let shown: Vec<String> = paths.iter().map(|p| shown_path(p)).collect();
                match shown.as_slice() {
                    [init @ .., last] if !init.is_empty() => format!("{} and {last}", init.join(", ")),
                    _ => shown.join(""),
                }
            }
            RuleSource::Found(folder) => shown_path(folder),
            RuleSource::BuiltIn => format!("the built-in rules (accord {})", env!("CARGO_PKG_VERSION")),
        }
    }

    /// The rule files on disk that the rule base reads, as found (none for the built-in
    /// rules, nor for a path that cannot be read: it was reported when the rules were).
    pub(super) fn files(&self) -> Vec<PathBuf> {
        let paths = match self {
            RuleSource::Given(paths) => paths.as_slice(),
            RuleSource::Found(folder) => std::slice::from_ref(folder),
            RuleSource::BuiltIn => &[],
        };
        paths
            .iter()
            .flat_map(|path| accord::load::files_at(path, "accord", "rule").unwrap_or_default())
            .collect()
    }

    /// The paths the rule base is read from, to watch for changes: none for the built-in
    /// rules.
    pub(super) fn paths(&self) -> Vec<PathBuf> {
        match self {
            RuleSource::Given(paths) => paths.clone(),
            RuleSource::Found(folder) => vec![folder.clone()],
            RuleSource::BuiltIn => Vec::new(),
        }
    }

    /// Says on standard error which rule base is used, unless `--rules` named it: what
    /// commands whose standard output is data (or a report) print before their work.
    pub(super) fn announce(&self) {
        match self {
            RuleSource::Given(_) => {}
            RuleSource::Found(_) => eprintln!("note: using the rules in {}", self.describe()),
            RuleSource::BuiltIn => eprintln!(
                "note: using {}: there is no `{}/` folder of rule files here or in a folder above",
                self.describe(),
                accord::load::RULE_FOLDER
            ),
        }
    }
}

/// Finds the rule base for `rules` and reads its files. A `rules/` folder found here or
/// above that `--rules` leaves out for another folder is reported on standard error, as a
/// warning (`--rules FILE` names one file on purpose, as the docs' examples do).
///
/// # Errors
///
/// A path that cannot be read, or a folder without rule files (E0001), an unreadable or
/// oversized rule file (E0002, E0003).
// A `Diagnostic` is large, but this runs once per command (as in `accord::load`).
#[allow(clippy::result_large_err)]
pub(super) fn choose(rules: &RulesArg) -> Result<(RuleFiles, RuleSource), Diagnostic> {
    let here = std::env::current_dir().ok();
    let found = here.as_deref().and_then(find_rule_folder);
    if !rules.paths.is_empty() {
        let other_folder = rules.paths.iter().any(|path| path.is_dir());
        if let Some(found) = found.filter(|found| other_folder && !given_includes(&rules.paths, found)) {
            let local = shown_path(&relative_to(here.as_deref(), &found));
            eprintln!("warning: --rules is given, so the rules in {local} are not used");
        }
        let files = RuleFiles::from_paths(&rules.paths)?;
        return Ok((files, RuleSource::Given(rules.paths.clone())));
    }
    match found {
        Some(found) => {
            let shown = relative_to(here.as_deref(), &found);
            let files = RuleFiles::from_paths(std::slice::from_ref(&shown))?;
            Ok((files, RuleSource::Found(shown)))
        }
        None => Ok((RuleFiles::embedded(), RuleSource::BuiltIn)),
    }
}

/// The rule folder a command run in `here` uses when none is named, as shown (relative to
/// `here` when under it); `None` means the built-in rules. For `accord diff`, whose NEW
/// side defaults to what the other commands use.
pub(super) fn default_folder(here: &Path) -> Option<PathBuf> {
    find_rule_folder(here).map(|found| relative_to(Some(here), &found))
}

/// Whether the paths given with `--rules` are, or are inside, the folder `found`: then
/// the local rules are in use, if only in part.
fn given_includes(given: &[PathBuf], found: &Path) -> bool {
    let Ok(found) = found.canonicalize() else { return false };
    given.iter().any(|path| path.canonicalize().is_ok_and(|path| path.starts_with(&found)))
}

/// `path` relative to `here` when it is under it (`.` for `here` itself), else as it is.
fn relative_to(here: Option<&Path>, path: &Path) -> PathBuf {
    match here.and_then(|here| path.strip_prefix(here).ok()) {
        Some(relative) if relative.as_os_str().is_empty() => PathBuf::from("."),
        Some(relative) => relative.to_path_buf(),
        None => path.to_path_buf(),
    }
}

/// A path as shown to the user: a folder ends with `/`.
fn shown_path(path: &Path) -> String {
    let text = path.display().to_string();
    if path.is_dir() && !text.ends_with('/') { format!("{text}/") } else { text }
}
