//! `accord test`: snapshot tests of the advice for those who keep the rules, without Rust.
//! Each case's text report is compared with the one kept beside it
//! (`DIR/snapshots/NAME.snap`, insta's format, so `cargo insta review` reads the same
//! files); a changed or new report is shown word by word and left pending beside it
//! (`NAME.snap.new`) until accepted (`--accept`, or one by one with `--review`). The
//! expectations kept beside a case (`NAME.expect`: see [`accord::expectations`]) must
//! hold too.

use std::fmt::Write as _;
use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use accord::snapshot::{self, Change};
use accord::{Date, RuleBase, report};

use super::{Failed, RulesArg, case_files, load_rules, parse_date, read_case};

/// `accord test`'s arguments.
#[derive(clap::Args)]
pub(super) struct TestArgs {
    /// Case files, or folders of them (their `*.json` files). Default: `fixtures/`.
    #[arg(value_name = "CASES")]
    cases: Vec<PathBuf>,
    #[command(flatten)]
    rules: RulesArg,
    /// The date of the assessment for cases that give none (`assessed_on`), so that their
    /// reports are the same every day.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    as_of: Option<Date>,
    /// Accept every changed or new report as the expected one.
    #[arg(long, conflicts_with = "review")]
    accept: bool,
    /// Show each changed or new report and ask whether to accept it, reject it or skip it.
    #[arg(long)]
    review: bool,
}

/// What became of one case.
enum Outcome {
    /// Its report is the one kept.
    Passed,
    /// Its report differs from the one kept (the text kept).
    Changed(String),
    /// No report is kept for it yet.
    New,
}

/// Runs the tests; exit 1 when a report changed or is new and was not accepted, or a case
/// could not be read.
pub(super) fn run(args: &TestArgs) -> Result<ExitCode, Failed> {
    let (rule_base, _, _) = load_rules(&args.rules)?;
    let paths = if args.cases.is_empty() { vec![PathBuf::from("fixtures")] } else { args.cases.clone() };
    let mut failed = false;
    let cases = case_files(&paths, &mut failed);
    let (mut passed, mut changed, mut new, mut accepted, mut errors) = (0, 0, 0, 0, usize::from(failed));
    let mut unmet = 0;
    let mut stdin = std::io::stdin().lock();
    for case in &cases {
        let Some((report, text)) = report_of(&rule_base, case, args.as_of) else {
            errors += 1;
            continue;
        };
        match expectations_met(&rule_base, case, &report) {
            Some(true) | None => {}
            Some(false) => unmet += 1,
        }
        let snapshot = snapshot::path_of(case);
        let shown = case.display().to_string();
        let outcome = outcome(&snapshot, &text);
        if matches!(outcome, Outcome::Passed) {
            passed += 1;
            let _ = std::fs::remove_file(snapshot::pending_path(&snapshot));
            continue;
        }
        match &outcome {
            Outcome::Changed(old) => {
                changed += 1;
                println!("{shown}: the report changed ({})", snapshot.display());
                print!("{}", difference(old, &text));
            }
            _ => {
                new += 1;
                println!("{shown}: no report is kept for it yet ({})", snapshot.display());
            }
        }
        let answer = if args.accept {
            Answer::Accept
        } else if args.review {
            ask(&mut stdin, &shown)
        } else {
            Answer::Skip
        };
        let kept = std::fs::read_to_string(&snapshot).ok();
        let file = snapshot::render_over(kept.as_deref(), &shown, &text);
        let pending = snapshot::pending_path(&snapshot);
        match answer {
            Answer::Accept => {
                write(&snapshot, &file)?;
                let _ = std::fs::remove_file(&pending);
                println!("  accepted");
                accepted += 1;
            }
            // The kept report stays the expected one; the change is dropped.
            Answer::Reject => {
                let _ = std::fs::remove_file(&pending);
            }
            Answer::Skip => write(&pending, &file)?,
        }
    }
    let left = changed + new - accepted;
    println!(
        "{}: {passed} passed, {changed} changed, {new} new{}{}{}",
        accord::prose::counted(cases.len(), "case", "cases"),
        if accepted > 0 { format!(", {accepted} accepted") } else { String::new() },
        if unmet > 0 {
            format!(", {} not as expected", accord::prose::counted(unmet, "case", "cases"))
        } else {
            String::new()
        },
        if errors > 0 { format!(", {errors} could not be read") } else { String::new() },
    );
    if left > 0 {
        println!(
            "the changes wait beside their snapshots (.snap.new): `accord test --review` to go through them, `--accept` to accept them all"
        );
    }
    Ok(if left > 0 || errors > 0 || unmet > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Checks the expectations kept beside `case` (`NAME.expect`), saying each that `report`
/// does not meet: `None` when there are none, else whether all are met. A file that does
/// not read counts as not met.
fn expectations_met(rule_base: &RuleBase, case: &Path, report: &accord::Report) -> Option<bool> {
    let file = case.with_extension("expect");
    let text = std::fs::read_to_string(&file).ok()?;
    let shown = file.display();
    match accord::expectations::parse(&text, rule_base) {
        Ok(expectations) => {
            let unmet = accord::expectations::unmet(&expectations, report);
            for (expectation, why) in &unmet {
                println!("{}: {why} ({shown}:{})", case.display(), expectation.line);
            }
            Some(unmet.is_empty())
        }
        Err(errors) => {
            for (line, why) in errors {
                eprintln!("error: {shown}:{line}: {why}");
            }
            Some(false)
        }
    }
}

/// The report of `case` and its text, or `None` when it cannot be read (said on standard
/// error).
fn report_of<'r>(
    rule_base: &'r RuleBase,
    case: &Path,
    as_of: Option<Date>,
) -> Option<(accord::Report<'r>, String)> {
    let read = read_case(rule_base, case).ok()?;
    let Some(as_of) = read.assessed_on.or(as_of) else {
        eprintln!(
            "error: `{}` gives no `assessed_on`: give --as-of YYYY-MM-DD, so that its report is the same every day",
            case.display()
        );
        return None;
    };
    let advised = rule_base.advise_in_words(&read, as_of);
    let text = report::to_text(&advised);
    Some((advised, text))
}

fn outcome(snapshot: &Path, text: &str) -> Outcome {
    match std::fs::read_to_string(snapshot) {
        Ok(file) => match snapshot::contents(&file) {
            Some(kept) if snapshot::matches(kept, text) => Outcome::Passed,
            Some(kept) => Outcome::Changed(kept.to_string()),
            None => Outcome::Changed(file),
        },
        Err(_) => Outcome::New,
    }
}

/// The lines of the difference that changed, each with the line before and after,
/// removed words as `[-words-]` and added ones as `{+words+}`.
fn difference(old: &str, new: &str) -> String {
    // Runs of removed and of added words are marked once each: `[-October 2014-]`.
    let (mut marked, mut removed, mut added) = (String::new(), String::new(), String::new());
    // The bytes of `marked` that are marks: a report may hold `[-` of its own (the
    // timeline's bar), so the changed lines are those that hold a mark, not the text.
    let mut marks: Vec<(usize, usize)> = Vec::new();
    let mut flush = |marked: &mut String, removed: &mut String, added: &mut String| {
        let start = marked.len();
        match (removed.is_empty(), added.is_empty()) {
            (true, true) => {}
            (false, true) => mark(marked, "[-", removed, "-]"),
            (true, false) => mark(marked, "{+", added, "+}"),
            // Words replaced: side by side, then the white space that follows the new ones.
            (false, false) => {
                let _ = write!(marked, "[-{}-] ", removed.trim_end());
                mark(marked, "{+", added, "+}");
            }
        }
        removed.clear();
        added.clear();
        if marked.len() > start {
            marks.push((start, marked.len()));
        }
    };
    for change in snapshot::word_diff(old, new) {
        match change {
            Change::Same(text) => {
                flush(&mut marked, &mut removed, &mut added);
                marked.push_str(text);
            }
            Change::Removed(text) => removed.push_str(text),
            Change::Added(text) => added.push_str(text),
        }
    }
    flush(&mut marked, &mut removed, &mut added);
    let mut line_start = 0;
    let mut lines = Vec::new();
    let mut changed = Vec::new();
    for line in marked.split_inclusive('\n') {
        let line_end = line_start + line.len();
        changed.push(marks.iter().any(|&(start, end)| start < line_end && line_start < end));
        lines.push(line.trim_end_matches('\n'));
        line_start = line_end;
    }
    let mut out = String::new();
    let mut last_shown = None;
    for (i, line) in lines.iter().enumerate() {
        let near = (i.saturating_sub(1)..=i + 1).any(|j| changed.get(j).copied().unwrap_or(false));
        if !near {
            continue;
        }
        if last_shown.is_some_and(|last: usize| last + 1 < i) {
            out.push_str("  ...\n");
        }
        let _ = writeln!(out, "  {line}");
        last_shown = Some(i);
    }
    out
}

/// `text` between `open` and `close`, its trailing white space outside them so that line
/// breaks stay line breaks.
fn mark(out: &mut String, open: &str, text: &str, close: &str) {
    let trimmed = text.trim_end();
    let _ = write!(out, "{open}{trimmed}{close}{}", &text[trimmed.len()..]);
}

/// What the person reviewing said of a change.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Answer {
    Accept,
    Reject,
    Skip,
}

/// Asks about the change of `case` until answered: `a`ccept, `r`eject or `s`kip (also at
/// the end of the input). Answers are read a line each, from a terminal or a script, as
/// `accord interview` reads them.
fn ask(stdin: &mut std::io::StdinLock<'_>, case: &str) -> Answer {
    loop {
        print!("{case}: accept (a), reject (r) or skip (s)? ");
        let _ = std::io::Write::flush(&mut std::io::stdout());
        let mut line = String::new();
        let answer = match stdin.read_line(&mut line) {
            Ok(0) | Err(_) => Answer::Skip,
            Ok(_) => match line.trim() {
                "a" | "accept" => Answer::Accept,
                "r" | "reject" => Answer::Reject,
                "s" | "skip" | "" => Answer::Skip,
                _ => continue,
            },
        };
        return answer;
    }
}

/// Writes a snapshot file atomically, making its folder if needed.
fn write(path: &Path, text: &str) -> Result<(), Failed> {
    if let Some(folder) = path.parent()
        && let Err(why) = std::fs::create_dir_all(folder)
    {
        eprintln!("error: cannot make `{}`: {why}", folder.display());
        return Err(Failed);
    }
    accord::safe_write::replace(path, text.as_bytes()).map_err(|why| {
        eprintln!("error: cannot write `{}`: {why}", path.display());
        Failed
    })
}

#[cfg(test)]
mod tests {
    use super::difference;

    #[test]
    fn only_the_lines_that_changed_are_shown_with_those_around_them() {
        let old = "a\nb\nc\nd\ne\nf stays\ng\n";
        let new = "a\nb\nc\nd\ne\nf moves\ng\n";
        assert_eq!(difference(old, new), "  e\n  f [-stays-] {+moves+}\n  g\n");
    }

    /// The timeline's bar holds `[-` of its own: it is not a change.
    #[test]
    fn a_report_s_own_brackets_are_not_taken_for_a_change() {
        let bar = "Timeline: 2012 [--1-----2AAAA] 2015";
        let old = format!("{bar}\nx\ny\nz\nmerger in October 2014\n");
        let new = format!("{bar}\nx\ny\nz\nmerger in April 2015\n");
        assert_eq!(difference(&old, &new), "  z\n  merger in [-October 2014-] {+April 2015+}\n");
    }
}
