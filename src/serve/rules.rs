//! The rule base a server advises with, reloaded when its files change on disk: a rule
//! base that checks replaces the one in use (and the version goes up); one that does not
//! leaves the last good one in use, and its diagnostics are shown until it is fixed. Must
//! not advise: the handlers ask it for the rule base in use.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

use crate::RuleBase;
use crate::RuleFiles;
use crate::diag::{self, SourceMap};
use crate::report::About;

/// A rule base that may change while the server runs.
pub struct RuleSet {
    /// The paths the rule base is read from (`--rules`, or the `rules/` folder found); none
    /// for the rules built into accord, which never change.
    paths: Vec<PathBuf>,
    current: RwLock<Current>,
}

/// The rule base in use and what is known of the files on disk.
struct Current {
    in_use: Arc<InUse>,
    version: u64,
    /// The rendered diagnostics of the files on disk when they do not check.
    problems: Option<String>,
    stamps: Vec<Stamp>,
}

/// A rule base in use, with what the reports' footer says of it.
pub struct InUse {
    /// The rule base.
    pub rule_base: RuleBase,
    /// What a report says of it.
    pub about: About,
}

/// A rule file as last seen: its path, modification time and length.
type Stamp = (PathBuf, Option<SystemTime>, u64);

impl RuleSet {
    /// The rule base `rule_base` (described by `about`), read from `paths` (none for the
    /// built-in rules), which [`RuleSet::reload_if_changed`] watches.
    pub fn new(rule_base: RuleBase, about: About, paths: Vec<PathBuf>) -> RuleSet {
        let stamps = stamps(&paths);
        RuleSet {
            paths,
            current: RwLock::new(Current {
                in_use: Arc::new(InUse { rule_base, about }),
                version: 1,
                problems: None,
                stamps,
            }),
        }
    }

    /// The rule base in use now.
    pub fn in_use(&self) -> Arc<InUse> {
        Arc::clone(&self.read().in_use)
    }

    /// The version of the rule base in use: 1 at the start, one more at each reload that
    /// checks.
    pub fn version(&self) -> u64 {
        self.read().version
    }

    /// The rendered diagnostics of the rule files on disk when they do not check (the
    /// previous rule base is then still in use); `None` when they do.
    pub fn problems(&self) -> Option<String> {
        self.read().problems.clone()
    }

    /// Reads and checks the rule files again when one has changed, been added or removed
    /// since last seen. Returns whether anything changed.
    pub fn reload_if_changed(&self) -> bool {
        if self.paths.is_empty() {
            return false;
        }
        let now = stamps(&self.paths);
        if now == self.read().stamps {
            return false;
        }
        let loaded =
            RuleFiles::from_paths(&self.paths).map_err(|diagnostic| (vec![diagnostic], SourceMap::default()));
        let checked = loaded.and_then(|files| {
            let compiled = files.compile();
            match compiled.rule_base {
                Some(rule_base) => {
                    let about = About::new(rule_base.rules().len(), &files.content_hash());
                    Ok(InUse { rule_base, about })
                }
                None => Err((compiled.diagnostics, compiled.sources)),
            }
        });
        let mut current = self.current.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        current.stamps = now;
        match checked {
            Ok(in_use) => {
                current.in_use = Arc::new(in_use);
                current.version += 1;
                current.problems = None;
            }
            Err((diagnostics, sources)) => {
                current.problems = Some(diag::render(&diagnostics, &sources, false));
            }
        }
        true
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Current> {
        // A panic elsewhere while holding the lock leaves a whole value: use it.
        self.current.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The rule files under `paths`, each with its modification time and length, in order.
fn stamps(paths: &[PathBuf]) -> Vec<Stamp> {
    paths
        .iter()
        .flat_map(|path| crate::load::files_at(path, "accord", "rule").unwrap_or_default())
        .map(|file| {
            let meta = std::fs::metadata(&file).ok();
            let modified = meta.as_ref().and_then(|m| m.modified().ok());
            let len = meta.map_or(0, |m| m.len());
            (file, modified, len)
        })
        .collect()
}
