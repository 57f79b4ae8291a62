//! Reading the rule files of a git revision of a repository, by running `git`. It must
//! not parse or check them: it writes them out, and [`super::RuleFiles::from_paths`]
//! reads them from there.
//!
//! The files under the revision's `rules/` are written, as they are at that revision, to
//! a folder named after their git tree (under the system's temporary folder, one per user),
//! so that rule files and the source texts they name are read from the same revision as
//! with a folder on disk. The same tree always has the same content, so the folder is
//! reused, after checking that it still holds exactly those files. A folder written for
//! one run alone (where the shared one cannot be used) is removed when the run is done
//! with it: when the last [`RulesAt`] that holds it is dropped.

use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use super::MAX_FILE_BYTES;
use crate::diag::Diagnostic;

/// Why the rules of a revision could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GitError {
    /// `git` could not be run.
    NoGit(String),
    /// The folder is not in a git repository; git's reason.
    NotARepository(String),
    /// The repository has no such revision (or it is not a commit).
    NoSuchRevision(String),
    /// The revision has no `rules/` folder.
    NoRules(String),
    /// Something else failed: git, or writing the files.
    Failed(String),
}

impl GitError {
    /// Whether the revision or the repository named is at fault (a command-line error),
    /// rather than the files found.
    pub fn is_usage(&self) -> bool {
        !matches!(self, GitError::Failed(_))
    }

    /// As a diagnostic, with help where a fix is likely.
    pub fn diagnostic(&self) -> Diagnostic {
        let diagnostic = Diagnostic::error("E0001", self.to_string());
        match self {
            GitError::NoSuchRevision(_) => diagnostic
                .help("name a branch, a tag or a commit (`main`, `HEAD~1`, `v1.2`), or a folder or file that exists"),
            GitError::NotARepository(_) => {
                diagnostic.help("run accord inside the git repository, or name a folder or file that exists")
            }
            _ => diagnostic,
        }
    }
}

impl fmt::Display for GitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GitError::NoGit(why) => write!(f, "cannot run `git`: {why}"),
            GitError::NotARepository(why) => write!(f, "not in a git repository: {why}"),
            GitError::NoSuchRevision(revision) => {
                write!(f, "`{revision}` is neither a file or folder nor a revision of this git repository")
            }
            GitError::NoRules(revision) => write!(f, "revision `{revision}` has no `rules/` folder"),
            GitError::Failed(why) => f.write_str(why),
        }
    }
}

/// The rules of a revision, written out. The files stay at least as long as this value
/// (or a clone of it): where they were written to a folder for this run alone, that
/// folder is removed when the last clone is dropped, so keep it until the rules are
/// compiled (their source texts are read from the folder then).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RulesAt {
    /// The commit the revision names.
    pub commit: String,
    /// The folder standing for the repository's root at that revision: its `rules/`
    /// holds the files. Paths under it can be shown as `REVISION:rules/...`.
    pub root: PathBuf,
    /// `root/rules`, the rule base's folder.
    pub rules: PathBuf,
    /// The folder written for this run alone, if any, shared by the clones.
    run_folder: Option<Arc<RunFolder>>,
}

/// A folder this run made for itself, not the shared cache: removed, with what it holds,
/// when dropped, so that runs do not leave folders behind in the temporary folder.
#[derive(Debug, PartialEq, Eq)]
struct RunFolder(PathBuf);

impl Drop for RunFolder {
    fn drop(&mut self) {
        // Nothing to do if it is gone already; `remove_dir_all` does not follow links.
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn git(repo: &Path, args: &[&str]) -> Result<Output, GitError> {
    Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| GitError::NoGit(e.to_string()))
}

fn stdout_line(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).trim_end_matches(['\n', '\r']).to_string()
}

fn first_error_line(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let line = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("git failed").trim();
    line.strip_prefix("fatal: ").unwrap_or(line).to_string()
}

/// The root of the git repository that holds `dir`.
pub fn toplevel(dir: &Path) -> Result<PathBuf, GitError> {
    let output = git(dir, &["rev-parse", "--show-toplevel"])?;
    if !output.status.success() {
        return Err(GitError::NotARepository(first_error_line(&output)));
    }
    Ok(PathBuf::from(stdout_line(&output)))
}

/// The commit a revision names.
pub fn commit(repo: &Path, revision: &str) -> Result<String, GitError> {
    if revision.is_empty() || revision.starts_with('-') || revision.contains('\0') {
        return Err(GitError::NoSuchRevision(revision.to_string()));
    }
    let output = git(repo, &["rev-parse", "--verify", "--quiet", &format!("{revision}^{{commit}}")])?;
    if !output.status.success() {
        return Err(GitError::NoSuchRevision(revision.to_string()));
    }
    Ok(stdout_line(&output))
}

/// Writes out the `rules/` folder of `revision` of the repository at `repo` (or reuses
/// it, written before) and says where it is.
pub fn rules_at(repo: &Path, revision: &str) -> Result<RulesAt, GitError> {
    let commit = commit(repo, revision)?;
    let tree = rules_tree(repo, revision, &commit)?;
    let files = files_of(repo, revision, &tree)?;
    let (cache, run_folder) = cache_folder().map_err(|e| {
        GitError::Failed(format!(
            "cannot make a private folder for the rules of revision `{revision}` in `{}`: {e}",
            std::env::temp_dir().display()
        ))
    })?;
    let (root, run_folder) = write_out(&cache, &tree, &files, run_folder).map_err(|e| {
        GitError::Failed(format!(
            "cannot write the rules of revision `{revision}` to `{}`: {e}",
            cache.display()
        ))
    })?;
    Ok(RulesAt { commit, rules: root.join("rules"), root, run_folder })
}

/// The tree of the `rules/` folder of a commit.
fn rules_tree(repo: &Path, revision: &str, commit: &str) -> Result<String, GitError> {
    let tree = git(repo, &["rev-parse", "--verify", "--quiet", &format!("{commit}:rules")])?;
    if !tree.status.success() {
        return Err(GitError::NoRules(revision.to_string()));
    }
    let tree = stdout_line(&tree);
    let kind = git(repo, &["cat-file", "-t", &tree])?;
    if stdout_line(&kind) != "tree" {
        return Err(GitError::NoRules(revision.to_string()));
    }
    Ok(tree)
}

/// Writes `files` under `cache/TREE/rules` (or reuses them, written there before) and
/// gives `cache/TREE`, with the folder to remove when the run is done with it: `run_folder`
/// (the cache, made for this run), or the scratch folder the files were written to when
/// they could not be moved into place.
fn write_out(
    cache: &Path,
    tree: &str,
    files: &[(PathBuf, Vec<u8>)],
    run_folder: Option<RunFolder>,
) -> std::io::Result<(PathBuf, Option<Arc<RunFolder>>)> {
    let root = cache.join(tree);
    let run_folder = run_folder.map(Arc::new);
    if holds_exactly(&root, files) {
        return Ok((root, run_folder));
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    let scratch = cache.join(format!(".{tree}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(scratch.join("rules"))?;
    for (path, bytes) in files {
        let file = scratch.join("rules").join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&file, bytes)?;
    }
    if std::fs::rename(&scratch, &root).is_err() {
        // Another run wrote it meanwhile, or what is there is damaged.
        if holds_exactly(&root, files) {
            let _ = std::fs::remove_dir_all(&scratch);
            return Ok((root, run_folder));
        }
        let _ = std::fs::remove_dir_all(&root);
        if std::fs::rename(&scratch, &root).is_err() {
            // Use the folder just written, for this run alone.
            let run_folder = run_folder.or_else(|| Some(Arc::new(RunFolder(scratch.clone()))));
            return Ok((scratch, run_folder));
        }
    }
    Ok((root, run_folder))
}

/// The files (path under `rules/`, content) of a tree, in git's order.
fn files_of(repo: &Path, revision: &str, tree: &str) -> Result<Vec<(PathBuf, Vec<u8>)>, GitError> {
    let listing = git(repo, &["ls-tree", "-r", "-l", "-z", "--full-tree", tree])?;
    if !listing.status.success() {
        return Err(GitError::Failed(format!(
            "cannot list the rules of revision `{revision}`: {}",
            first_error_line(&listing)
        )));
    }
    let mut files = Vec::new();
    for entry in listing.stdout.split(|&b| b == 0).filter(|e| !e.is_empty()) {
        let entry = String::from_utf8_lossy(entry);
        let Some((meta, path)) = entry.split_once('\t') else { continue };
        let meta: Vec<&str> = meta.split_whitespace().collect();
        let [mode, "blob", object, size] = meta[..] else { continue };
        // Regular files only: not links, not submodules.
        if !mode.starts_with("100") {
            continue;
        }
        let path = PathBuf::from(path);
        if !path.components().all(|c| matches!(c, Component::Normal(_))) {
            continue;
        }
        let shown = format!("{revision}:rules/{}", path.display());
        // The same limit as for files on disk, set by `ACCORD_MAX_FILE_BYTES`.
        let limit = super::max_file_bytes().unwrap_or(MAX_FILE_BYTES);
        if size.parse::<u64>().is_ok_and(|size| size > limit) {
            return Err(GitError::Failed(format!(
                "cannot read `{shown}`: it is too large: {size} bytes, more than the limit of {limit}"
            )));
        }
        let blob = git(repo, &["cat-file", "blob", object])?;
        if !blob.status.success() {
            return Err(GitError::Failed(format!("cannot read `{shown}`: {}", first_error_line(&blob))));
        }
        files.push((path, blob.stdout));
    }
    Ok(files)
}

/// Whether `root/rules` holds these files and nothing else.
fn holds_exactly(root: &Path, files: &[(PathBuf, Vec<u8>)]) -> bool {
    let mut found = Vec::new();
    if !list_files(&root.join("rules"), Path::new(""), &mut found) {
        return false;
    }
    let mut expected: Vec<&PathBuf> = files.iter().map(|(path, _)| path).collect();
    found.sort();
    expected.sort();
    found.iter().eq(expected.iter().copied())
        && files
            .iter()
            .all(|(path, bytes)| std::fs::read(root.join("rules").join(path)).is_ok_and(|b| &b == bytes))
}

fn list_files(dir: &Path, relative: &Path, found: &mut Vec<PathBuf>) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else { return false };
    for entry in entries {
        let Ok(entry) = entry else { return false };
        let Ok(kind) = entry.file_type() else { return false };
        let relative = relative.join(entry.file_name());
        if kind.is_dir() {
            if !list_files(&entry.path(), &relative, found) {
                return false;
            }
        } else {
            found.push(relative);
        }
    }
    true
}

/// The folder the rules of revisions are written to, and reused from: a private folder
/// of this user's in the temporary folder, `accord-git-rules-USER`. It is made readable
/// and writable by its owner only (mode 0700); when something else has its name (a
/// symbolic link, perhaps planted by another user; a folder of another owner, or one
/// others may write to), it is left alone and a fresh private folder is made for this
/// run (`accord-git-rules-USER-PID-N`), given with the [`RunFolder`] that removes it.
fn cache_folder() -> std::io::Result<(PathBuf, Option<RunFolder>)> {
    let temp = std::env::temp_dir();
    let named = temp.join(format!("accord-git-rules-{}", user()));
    if private_folder(&named)? {
        return Ok((named, None));
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    let mut last = None;
    for attempt in 0..16u32 {
        let fresh =
            temp.join(format!("accord-git-rules-{}-{}-{}", user(), std::process::id(), nanos + attempt));
        match new_private_folder(&fresh) {
            Ok(()) => return Ok((fresh.clone(), Some(RunFolder(fresh)))),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no fresh name")))
}

/// Makes the folder at `path` (mode 0700) unless something has its name; then says
/// whether what is there is a folder, not a link, of this user's, that no one else
/// may read or write.
fn private_folder(path: &Path) -> std::io::Result<bool> {
    match new_private_folder(path) {
        Ok(()) => return Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    // `symlink_metadata`: a link is looked at, not followed.
    let metadata = std::fs::symlink_metadata(path)?;
    if !metadata.file_type().is_dir() {
        return Ok(false);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        if metadata.permissions().mode() & 0o077 != 0 {
            return Ok(false);
        }
        // Whose the folder is, against whose a folder made now is (the file system's
        // own idea of this user).
        let probe = path.with_file_name(format!(
            ".accord-owner-probe-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or_default()
        ));
        new_private_folder(&probe)?;
        let mine = std::fs::symlink_metadata(&probe).map(|m| m.uid());
        let _ = std::fs::remove_dir(&probe);
        if metadata.uid() != mine? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Makes a folder readable and writable by its owner only; fails if its name is taken.
fn new_private_folder(path: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

/// The user's name, as far as it is safe in a file name, so that each user has their
/// own folder.
fn user() -> String {
    let name = std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_default();
    let name: String = name.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')).collect();
    if name.is_empty() { "user".to_string() } else { name }
}
