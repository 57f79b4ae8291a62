//! `accord diff`: what an edit of the rules changes in the advice for every case.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use accord::diag::{Diagnostic, SourceMap};
use accord::diff::{self, Diff, Origin};
use accord::load::git;
use accord::{Date, Report, RuleBase, RuleFiles};

use super::{Failed, Format, case_files, output_format, parse_date, pretty, report_diagnostics};

/// The arguments of `accord diff` (the subcommand's summary is on its variant).
#[derive(clap::Args)]
#[command(after_help = AFTER_HELP)]
pub(super) struct DiffArgs {
    /// The rule base before the edit: a folder, an `.accord` file or a git revision.
    #[arg(long, value_name = "OLD")]
    old: String,
    /// The rule base after the edit: a folder, an `.accord` file or a git revision.
    /// Default: the rule base other commands use, as it is on disk: `rules/` in the
    /// current folder or the nearest folder above that has one, else the rules built into
    /// accord.
    #[arg(long, value_name = "NEW")]
    new: Option<String>,
    /// Case files (JSON), or folders whose `*.json` files are taken in name order.
    #[arg(required = true, value_name = "CASES")]
    cases: Vec<PathBuf>,
    /// Output format (default: text on a terminal, JSON otherwise).
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// The date of the assessment (YYYY-MM-DD) for cases without `assessed_on` (a case's
    /// own date is kept, so each case is compared as it was assessed). Without either, today.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    as_of: Option<Date>,
}

const AFTER_HELP: &str = "\
For each case: the advice added, removed and changed (kind, priority, evidence, lessons, title, text,
citations), matched by rule and item, and the questions added, removed and changed (moved
in the order of questions, other words, other rules their answer could change, another
kind of answer), matched by fact; first grouped by the rule behind each change (the rules
a question could now, or no longer, change included), then case by case.

OLD and NEW are each a folder of `.accord` files, one `.accord` file, or a git revision of
the repository holding the current folder (`main`, `HEAD~1`, a tag, a commit), whose
`rules/` folder is read, source texts included. A path that exists is taken as a path; to
name a revision that is also a path, write `REV^{commit}`.

Exit codes: 0 no case changed; 1 some case changed, or a rule base (the message says which)
or a case is wrong; 2 the command line is wrong, including a revision that does not exist,
or OLD or NEW neither a path nor a revision because the current folder is not in a git
repository.";

/// Why the command stopped before comparing.
enum Stop {
    /// Reported; the command line is at fault (exit 2).
    Usage,
    /// Reported; the input is at fault (exit 1).
    Input,
}

/// Runs `accord diff`.
pub(super) fn run(args: &DiffArgs) -> Result<ExitCode, Failed> {
    match compare(args) {
        Ok(code) => Ok(code),
        Err(Stop::Usage) => Ok(ExitCode::from(2)),
        Err(Stop::Input) => Err(Failed),
    }
}

fn compare(args: &DiffArgs) -> Result<ExitCode, Stop> {
    let here = std::env::current_dir().map_err(|e| {
        eprintln!("error: cannot find the current folder: {e}");
        Stop::Input
    })?;
    let old = files_for("old", Some(&args.old), &here);
    let new = files_for("new", args.new.as_deref(), &here);
    // Report every problem with both arguments before stopping.
    let (old, new) = match (old, new) {
        (Ok(old), Ok(new)) => (old, new),
        (Err(Stop::Usage), _) | (_, Err(Stop::Usage)) => return Err(Stop::Usage),
        _ => return Err(Stop::Input),
    };
    let old_rules = old.compile("old");
    let new_rules = new.compile("new");
    let (Some(old_rules), Some(new_rules)) = (old_rules, new_rules) else { return Err(Stop::Input) };

    let mut failed = false;
    let mut compared = Vec::new();
    for path in case_files(&args.cases, &mut failed) {
        match reports(&path, &old_rules, &new_rules, args.as_of) {
            Some((old_report, new_report)) => {
                compared.push((path.display().to_string(), old_report, new_report));
            }
            None => failed = true,
        }
    }
    let diff = Diff::compare((old.origin, &old_rules), (new.origin, &new_rules), compared);
    let out = match output_format(args.format) {
        Format::Json => pretty(&diff::to_json(&diff)),
        Format::Text => diff::to_text(&diff),
    };
    print!("{out}");
    Ok(if failed || diff.changed() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// A side's rule files, where they came from, and how to show their paths.
struct Side {
    origin: Origin,
    files: RuleFiles,
    /// For a revision: where its files were written, and the revision, so that paths are
    /// shown as `REVISION:rules/...`. Kept until the side is dropped, after the rule base
    /// is compiled: the source texts are read from there then, and a folder written for
    /// this run alone is removed when it is dropped.
    written_to: Option<(git::RulesAt, String)>,
}

impl Side {
    /// Checks the rule base; reports its errors, saying which side they are in.
    fn compile(&self, which: &str) -> Option<RuleBase> {
        let compiled = self.files.compile();
        if compiled.rule_base.is_none() {
            eprintln!("error: the {which} rule base ({}) does not check:", self.origin.describe());
            let (diagnostics, sources) = match &self.written_to {
                Some((at, revision)) => {
                    let folder = format!("{}/", at.root.display());
                    relabel(&compiled.diagnostics, &compiled.sources, &folder, revision)
                }
                None => (compiled.diagnostics, compiled.sources),
            };
            report_diagnostics(&diagnostics, &sources);
        }
        compiled.rule_base
    }
}

/// Finds the rule files OLD or NEW names, reporting any problem.
fn files_for(which: &str, spec: Option<&str>, here: &Path) -> Result<Side, Stop> {
    let Some(spec) = spec else {
        // The default NEW: the rule base the other commands use when none is named.
        return match super::rules::default_folder(here) {
            Some(shown) => {
                let files = from_paths(which, &shown)?;
                Ok(Side { origin: Origin::Path(shown.display().to_string()), files, written_to: None })
            }
            None => Ok(Side { origin: Origin::Embedded, files: RuleFiles::embedded(), written_to: None }),
        };
    };
    if Path::new(spec).exists() {
        let files = from_paths(which, Path::new(spec))?;
        return Ok(Side { origin: Origin::Path(spec.to_string()), files, written_to: None });
    }
    let at = git::toplevel(here).and_then(|root| git::rules_at(&root, spec)).map_err(|error| {
        let mut diagnostic = error.diagnostic();
        diagnostic.message = match &error {
            git::GitError::NotARepository(why) => format!(
                "--{which} `{spec}` is not a file or folder, and the current folder is not in a git \
                 repository in which to find it as a revision ({why})"
            ),
            _ => format!("--{which}: {}", diagnostic.message),
        };
        report_diagnostics(&[diagnostic], &SourceMap::default());
        if error.is_usage() { Stop::Usage } else { Stop::Input }
    })?;
    let files = from_paths(which, &at.rules)?;
    let origin = Origin::Revision { revision: spec.to_string(), commit: at.commit.clone() };
    Ok(Side { origin, files, written_to: Some((at, format!("{spec}:"))) })
}

fn from_paths(which: &str, path: &Path) -> Result<RuleFiles, Stop> {
    RuleFiles::from_paths(&[path.to_path_buf()]).map_err(|mut diagnostic| {
        diagnostic.message = format!("--{which}: {}", diagnostic.message);
        report_diagnostics(&[diagnostic], &SourceMap::default());
        Stop::Input
    })
}

/// Shows the paths under `folder` as `replacement...` in diagnostics and their sources.
fn relabel(
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    folder: &str,
    replacement: &str,
) -> (Vec<Diagnostic>, SourceMap) {
    let mut shown = SourceMap::default();
    let mut path = |file: &str| {
        let new = file.replace(folder, replacement);
        if let Some(text) = sources.get(file) {
            shown.add(new.clone(), text);
        }
        new
    };
    let diagnostics = diagnostics
        .iter()
        .map(|d| {
            let mut d = d.clone();
            d.message = d.message.replace(folder, replacement);
            d.help = d.help.map(|h| h.replace(folder, replacement));
            d.file = d.file.as_deref().map(&mut path);
            if let Some(label) = &mut d.primary {
                label.file = path(&label.file);
            }
            for label in &mut d.secondary {
                label.file = path(&label.file);
            }
            d
        })
        .collect();
    (diagnostics, shown)
}

/// A case's report with each rule base, or None when the case does not load (reported).
fn reports<'r>(
    path: &Path,
    old: &'r RuleBase,
    new: &'r RuleBase,
    as_of: Option<Date>,
) -> Option<(Report<'r>, Report<'r>)> {
    let shown = path.display().to_string();
    let text = match accord::load::read_text(path) {
        Ok(text) => text,
        Err(error) => {
            report_diagnostics(&[error.diagnostic(&shown)], &SourceMap::default());
            return None;
        }
    };
    let mut sources = SourceMap::default();
    sources.add(shown.clone(), text.clone());
    let old_case = accord::parse_case(&shown, &text, old.vocabulary());
    let new_case = accord::parse_case(&shown, &text, new.vocabulary());
    match (old_case, new_case) {
        (Ok(old_case), Ok(new_case)) => {
            // The clock is read only when neither the command line nor the case gives a date.
            let as_of = new_case.assessed_on.or(as_of).unwrap_or_else(Date::today);
            Some((old.advise(&old_case, as_of), new.advise(&new_case, as_of)))
        }
        (Err(old_errors), Err(new_errors)) if old_errors == new_errors => {
            report_diagnostics(&new_errors, &sources);
            None
        }
        (old_case, new_case) => {
            for (which, result) in [("old", old_case), ("new", new_case)] {
                if let Err(errors) = result {
                    eprintln!("error: `{shown}` does not load with the {which} rule base's vocabulary:");
                    report_diagnostics(&errors, &sources);
                }
            }
            None
        }
    }
}
