//! `accord check`: parse, check and analyse a rule base; report every problem.

// Writing to a `String` cannot fail: the `fmt::Result`s of `writeln!` are ignored.
use std::fmt::Write as _;
use std::process::ExitCode;

use accord::diag::{self, Diagnostic, SourceMap};
use accord::lint::Findings;
use accord::lint::{self, Silenced, Unanalysed};
use accord::prose::counted;

use super::{Failed, Format, RulesArg, pretty, report_diagnostics};

/// Names the layout of `check --format json`.
const CHECK_FORMAT: &str = "accord.check.v1";

/// Runs the checks; exit 1 on any error, 0 otherwise (warnings alone do not fail).
pub fn check(rules: &RulesArg, format: Format, verbose: bool) -> Result<ExitCode, Failed> {
    let (mut diagnostics, sources, mut findings, counts) = match super::rules::choose(rules) {
        Err(diagnostic) => (vec![diagnostic], SourceMap::default(), Findings::default(), None),
        Ok((files, source)) => {
            let compiled = files.compile();
            let findings = compiled.rule_base.as_ref().map(lint::lint).unwrap_or_default();
            let counts = compiled.rule_base.as_ref().map(|rb| {
                (rb.rules().len(), rb.vocabulary().facts.len(), rb.sources().len(), source.describe())
            });
            // The summary line names the rule base; JSON has none, so it is said on stderr.
            if format == Format::Json {
                source.announce();
            }
            (compiled.diagnostics, compiled.sources, findings, counts)
        }
    };
    diagnostics.extend(std::mem::take(&mut findings.warnings));
    // The first errors and warnings of each file, and how many more there are.
    let diagnostics = diag::cap(diagnostics);
    let (errors, warnings) = diag::count(&diagnostics);
    match format {
        Format::Json => print!("{}", pretty(&check_json(&diagnostics, &findings, &sources))),
        Format::Text => {
            report_diagnostics(&diagnostics, &sources);
            eprint!("{}", unanalysed_text(&findings.unanalysed, &sources));
            if verbose {
                print!("{}", silenced_text(&findings.silenced, &sources));
            }
            if let Some((rules, facts, sources, rule_base)) = counts.filter(|_| errors == 0) {
                let verdict = if warnings == 0 {
                    "no errors, no warnings".to_string()
                } else {
                    format!("no errors, {}", counted(warnings, "warning", "warnings"))
                };
                let (rules, facts, sources) = (
                    counted(rules, "rule", "rules"),
                    counted(facts, "fact", "facts"),
                    counted(sources, "source", "sources"),
                );
                println!("checked {rules}, {facts} and {sources} in {rule_base}: {verdict}");
            }
        }
    }
    Ok(if errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn check_json(diagnostics: &[Diagnostic], findings: &Findings, sources: &SourceMap) -> serde_json::Value {
    // Each silenced warning with its reason (one at a time: they are not capped).
    let silenced_json: Vec<serde_json::Value> = findings
        .silenced
        .iter()
        .filter_map(|s| {
            let mut warning = diag::to_json(std::slice::from_ref(&s.warning), sources).get(0).cloned()?;
            warning["reason"] = serde_json::Value::String(s.reason.clone());
            Some(warning)
        })
        .collect();
    let (errors, warnings) = diag::count(diagnostics);
    serde_json::json!({
        "format": CHECK_FORMAT,
        "errors": errors,
        "warnings": warnings,
        "diagnostics": diag::to_json(diagnostics, sources),
        "silenced": silenced_json,
        "unanalysed": findings.unanalysed.iter().map(|u| unanalysed_json(u, sources)).collect::<Vec<_>>(),
    })
}

/// A rule the analysis gave up on, as JSON: its id, its place, the checks not made.
fn unanalysed_json(unanalysed: &Unanalysed, sources: &SourceMap) -> serde_json::Value {
    let (line, column) = place(unanalysed, sources);
    serde_json::json!({
        "rule": unanalysed.rule,
        "location": { "file": unanalysed.file, "line": line, "column": column },
        "checks": unanalysed.checks,
    })
}

/// The line and column of a rule the analysis gave up on.
fn place(unanalysed: &Unanalysed, sources: &SourceMap) -> (usize, usize) {
    diag::line_col(sources.get(&unanalysed.file).unwrap_or_default(), unanalysed.span.start)
}

/// A note per rule the analysis gave up on: not a warning (nothing is known to be wrong),
/// but the checks not made are named, so that no one reads the silence as a clean bill.
fn unanalysed_text(unanalysed: &[Unanalysed], sources: &SourceMap) -> String {
    let mut out = String::new();
    for rule in unanalysed {
        let (line, column) = place(rule, sources);
        let _ = writeln!(
            out,
            "note: rule `{}` at {}:{line}:{column} was not fully analysed: a search for a case ran past its budget of work; not checked: {}",
            rule.rule,
            rule.file,
            rule.checks.join(", ")
        );
    }
    out
}

/// The warnings silenced by `allow`, with their reasons, for `--verbose`.
fn silenced_text(silenced: &[Silenced], sources: &SourceMap) -> String {
    if silenced.is_empty() {
        return "no warnings silenced\n".to_string();
    }
    let mut out = format!("{} warnings silenced by `allow`:\n", silenced.len());
    for s in silenced {
        let place = s.warning.primary.as_ref().map(|label| {
            let (line, column) = sources.line_col(&label.file, label.span.start);
            format!("{}:{line}:{column}", label.file)
        });
        let _ = writeln!(
            out,
            "  {} {} ({})\n      allowed: {}",
            s.warning.code,
            s.warning.message,
            place.unwrap_or_default(),
            s.reason
        );
    }
    out
}
