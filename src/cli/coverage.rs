//! `accord coverage`: how a rule base fares over a set of cases: the rules that never
//! fire, the parts of conditions never true or never false, the values of `in [...]`
//! lists no case had, the sources and quotes no advice shows.

// Writing to a `String` cannot fail: the `fmt::Result` of `write!` is ignored.
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use accord::{Case, Date, RuleBase, coverage};

use super::{Failed, Format, RulesArg, case_files, load_rules, output_format, pretty};

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
            let _ = write!(named, " and {} more", never.len() - NAMED);
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

/// Reads and checks a case, reporting any problem. Its date is its own `assessed_on`, else
/// `as_of`; the clock is read only when neither gives one.
fn load(rule_base: &RuleBase, path: &Path, as_of: Option<Date>) -> Result<(Case, Date), Failed> {
    let case = super::read_case(rule_base, path)?;
    let as_of = case.assessed_on.or(as_of).unwrap_or_else(Date::today);
    Ok((case, as_of))
}
