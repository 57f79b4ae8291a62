//! `accord coverage`: how a rule base fares over a set of cases: the rules that never
//! fire, the parts of conditions never true or never false, the sources and quotes no
//! advice shows.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use accord::diag::{Diagnostic, SourceMap};
use accord::{Case, Date, RuleBase, coverage};

use super::{Failed, Format, RulesArg, load_rules, output_format, pretty, report_diagnostics};

/// Evaluates every case and prints the coverage. Exit 1 when a case is wrong (the others
/// are still counted) or when fewer than `min` percent of the rules fired in some case.
pub fn coverage(
    paths: &[PathBuf],
    rules: &RulesArg,
    format: Option<Format>,
    min: Option<f64>,
    as_of: Option<Date>,
) -> Result<ExitCode, Failed> {
    let (rule_base, _, _) = load_rules(rules)?;
    let mut failed = false;
    let mut cases = Vec::new();
    for path in case_files(paths, &mut failed) {
        match load(&rule_base, &path, as_of) {
            Ok(case) => cases.push(case),
            Err(Failed) => failed = true,
        }
    }
    let coverage = rule_base.coverage(cases.iter().map(|(case, as_of)| (case, *as_of)));
    let out = match output_format(format) {
        Format::Json => pretty(&coverage::to_json(&coverage)),
        Format::Text => coverage::to_text(&coverage),
    };
    print!("{out}");
    if let Some(min) = min.filter(|min| coverage.below(*min)) {
        let never: Vec<&str> =
            coverage.rules.iter().filter(|r| !r.ever_fired()).map(|r| r.rule.as_str()).collect();
        let mut named = never.iter().take(NAMED).copied().collect::<Vec<_>>().join(", ");
        if never.len() > NAMED {
            named.push_str(&format!(" and {} more", never.len() - NAMED));
        }
        eprintln!(
            "error: {} of {} rules ({}%) fired in at least one case, fewer than the minimum of {}%\n\
             note: never fired: {named}",
            coverage.rules_fired(),
            coverage.rules.len(),
            trim(coverage.percent_fired()),
            trim(min),
        );
        failed = true;
    }
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// How many of the rules that never fired the `--min` message names.
const NAMED: usize = 5;

/// A percentage with at most one decimal.
fn trim(percent: f64) -> String {
    let rounded = (percent * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 { format!("{rounded:.0}") } else { format!("{rounded:.1}") }
}

/// The case files named: files as given, folders as their `*.json` files sorted by name.
/// A folder that cannot be read, or holds no case, is reported and `failed` set.
fn case_files(paths: &[PathBuf], failed: &mut bool) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for path in paths {
        if !path.is_dir() {
            // A missing file is reported when it is read.
            files.push(path.clone());
            continue;
        }
        let shown = path.display();
        let entries = match std::fs::read_dir(path) {
            Ok(entries) => entries,
            Err(error) => {
                let message = format!("cannot read the folder `{shown}`: {error}");
                report_diagnostics(&[Diagnostic::error("E0001", message)], &SourceMap::default());
                *failed = true;
                continue;
            }
        };
        let mut found: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "json"))
            .collect();
        found.sort();
        if found.is_empty() {
            let diagnostic = Diagnostic::error("E0001", format!("no case files in `{shown}`"))
                .help("case files end in `.json`");
            report_diagnostics(&[diagnostic], &SourceMap::default());
            *failed = true;
        }
        files.extend(found);
    }
    files
}

/// Reads and checks a case, reporting any problem. Its date is its own `assessed_on`, else
/// `as_of`; the clock is read only when neither gives one.
fn load(rule_base: &RuleBase, path: &Path, as_of: Option<Date>) -> Result<(Case, Date), Failed> {
    let case = super::read_case(rule_base, path)?;
    let as_of = case.assessed_on.or(as_of).unwrap_or_else(Date::today);
    Ok((case, as_of))
}
