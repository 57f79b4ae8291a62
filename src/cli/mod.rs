//! The command line: one function per subcommand, each a thin client of the library.
//!
//! Exit codes: 0 success, 1 the input (rules or a case) is wrong, 2 the command line is.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use accord::diag::{self, Diagnostic, SourceMap};
use accord::shown::Escape;
use accord::{Date, RuleBase, report};
use clap::{Parser, Subcommand, ValueEnum};

/// `print!` for the commands: a reader that has gone away (`accord ... | head`) ends the
/// program quietly (exit 1) instead of panicking.
macro_rules! print {
    ($($arg:tt)*) => { $crate::cli::write_stdout(format_args!($($arg)*)) };
}

/// `println!` for the commands, as [`print!`].
macro_rules! println {
    () => { $crate::cli::write_stdout(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::cli::write_stdout(format_args!("{}\n", format_args!($($arg)*))) };
}

mod batch;
mod check;
mod coverage;
mod diff;
mod fmt;
mod output;
mod reports;
mod rules;
mod schema;
mod serve;
mod shell;
mod test;

/// accord: advice on health and local government partnerships, from rules that cite their
/// research.
#[derive(Parser)]
#[command(name = "accord", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Evaluate cases and print their advice, questions and sources.
    ///
    /// `--output FILE` writes it to a file instead; `--output-dir DIR` writes a report of
    /// each case (an HTML page, or Markdown) and an index of them all.
    Advise {
        /// Case files (JSON).
        #[arg(value_name = "CASE.json", required_unless_present = "batch", conflicts_with = "batch")]
        cases: Vec<PathBuf>,
        #[command(flatten)]
        rules: RulesArg,
        /// Output format (default: what the name of the `--output` file says, else text on
        /// a terminal and JSON otherwise; `jsonl` in batches; `html` with `--output-dir`).
        #[arg(long, value_enum)]
        format: Option<AdviseFormat>,
        /// Write the output to FILE instead of standard output, replacing it atomically.
        /// A case file, a rule file or the batch file read is never written over.
        #[arg(long, short = 'o', value_name = "FILE", conflicts_with = "output_dir")]
        output: Option<PathBuf>,
        /// Write a report of each case into DIR (made if missing), named after its case
        /// file (or, in a batch, its line and its id or name), and an index of them all
        /// (`index.html`, or `index.md` with `--format markdown`).
        #[arg(long, value_name = "DIR")]
        output_dir: Option<PathBuf>,
        /// The date of the assessment (YYYY-MM-DD); overrides the case's `assessed_on`.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        as_of: Option<Date>,
        /// Advise every line of a JSON Lines file (`-` for standard input), streaming.
        #[arg(long, value_name = "FILE.jsonl")]
        batch: Option<PathBuf>,
        /// Worker threads for `--batch` and `--output-dir` (default: the number of cores).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
        jobs: Option<u16>,
        /// In the text report, also show rule ids, lessons, the reasons as written in the
        /// rules, and, for each question, the fact's path and the rules it could change.
        /// Asks for the text report when no format is given; refused with another format.
        #[arg(long, conflicts_with = "batch")]
        verbose: bool,
    },
    /// Ask a case's unknown facts that matter, one at a time, then print the advice.
    ///
    /// Answers are read line by line from standard input (a terminal or a script):
    /// "skip" leaves a fact unknown, "quit" stops.
    Interview {
        /// The case file (JSON).
        #[arg(value_name = "CASE.json")]
        case: PathBuf,
        /// Save the answers into the case file (the original is kept as CASE.json.bak).
        #[arg(long)]
        write: bool,
        #[command(flatten)]
        rules: RulesArg,
        /// The date of the assessment (YYYY-MM-DD); overrides the case's `assessed_on`.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        as_of: Option<Date>,
    },
    /// Explain, rule by rule, why each did or did not fire for a case, and what would
    /// change it.
    Explain {
        /// The case file (JSON).
        #[arg(value_name = "CASE.json")]
        case: PathBuf,
        /// Only these rules (by id); default: every rule.
        #[arg(value_name = "RULE")]
        only: Vec<String>,
        #[command(flatten)]
        rules: RulesArg,
        /// Output format (default: text on a terminal, JSON otherwise).
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// The date of the assessment (YYYY-MM-DD); overrides the case's `assessed_on`.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        as_of: Option<Date>,
    },
    /// Parse and check the rule base; report every problem.
    Check {
        #[command(flatten)]
        rules: RulesArg,
        /// Output format: text (rendered like rustc) or JSON for editors and CI.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Also list the warnings silenced by `allow`, with their reasons.
        #[arg(long)]
        verbose: bool,
    },
    /// Print the case vocabulary as a JSON Schema (draft 2020-12), for editors.
    Schema {
        #[command(flatten)]
        rules: RulesArg,
    },
    /// Show how a set of cases covers the rules, rules never fired first.
    ///
    /// Per rule: the cases it fired in, stayed silent, was undetermined or overridden; the
    /// parts of its condition never true or never false, and the values of its `in [...]`
    /// lists no case had. Then the sources and quotes no advice showed.
    Coverage {
        /// Case files (JSON), or folders of them (their `*.json` files).
        #[arg(required = true, value_name = "CASES")]
        cases: Vec<PathBuf>,
        #[command(flatten)]
        rules: RulesArg,
        /// Output format (default: text on a terminal, JSON otherwise).
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Fail (exit 1) when fewer than this percentage of the rules fired in some case.
        #[arg(long, value_name = "PERCENT", value_parser = parse_percent)]
        min: Option<f64>,
        /// The date of the assessment (YYYY-MM-DD) for cases without `assessed_on`.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        as_of: Option<Date>,
    },
    /// Compare the advice of two rule bases (folders, files or git revisions) for every
    /// case, by rule and by case; exit 1 when anything changed.
    Diff(diff::DiffArgs),
    /// Lay out rule files in the canonical layout, keeping comments and meaning; files
    /// are rewritten atomically, and only when their layout changes.
    Fmt(fmt::FmtArgs),
    /// Serve a local web page over a folder of cases: a form for each case, its advice
    /// beside it as it changes, its questions, explanations and reports; until Ctrl-C.
    Serve(serve::ServeArgs),
    /// Print the bibliography of the rule base.
    Sources {
        #[command(flatten)]
        rules: RulesArg,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Snapshot-test the advice: each case's text report against the one kept beside it.
    ///
    /// The report kept is `DIR/snapshots/NAME.snap` (insta's format); what changed is shown
    /// word by word, and the command exits 1 while a report is changed or new, until it is
    /// accepted (`--accept`, or one by one with `--review`). `NAME.expect` beside a case
    /// lists what must hold whatever the edit (`gives RULE`, `does not ask FACT`, ...).
    Test(test::TestArgs),
    /// Serve the Language Server Protocol on standard input and output, for an editor.
    ///
    /// The errors and warnings of `accord check`, shown as rule files are typed.
    Lsp,
    /// Print the completion script of a shell, for `accord`'s commands and options.
    ///
    /// `accord completions bash > ~/.local/share/bash-completion/completions/accord`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page of `accord` (roff), or of one of its commands.
    ///
    /// `accord man > accord.1` then `man ./accord.1`; `accord man advise > accord-advise.1`.
    Man {
        /// A command, for its own page.
        #[arg(value_name = "COMMAND")]
        command: Option<String>,
    },
}

#[derive(clap::Args)]
struct RulesArg {
    /// The rule base: a folder of `.accord` files or one file (repeatable). Default: the
    /// `rules/` folder of the current folder or of the nearest folder above that has one,
    /// else the rules built into accord.
    #[arg(long = "rules", value_name = "PATH")]
    paths: Vec<PathBuf>,
}

/// The output formats of `advise`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum AdviseFormat {
    /// The report for a person.
    Text,
    /// One JSON document per case (an array for several).
    Json,
    /// One JSON document per line.
    Jsonl,
    /// Per case: its id, a tab, the ids of the rules that fired.
    Ids,
    /// The report as Markdown, for GitHub, e-mail, or Word through pandoc; several cases
    /// one after the other.
    Markdown,
    /// The report as one self-contained HTML page; one case only, or `--output-dir`.
    Html,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text)
}

/// A percentage from 0 to 100, with or without `%`.
fn parse_percent(text: &str) -> Result<f64, String> {
    let number = text.strip_suffix('%').unwrap_or(text);
    match number.trim().parse::<f64>() {
        Ok(percent) if (0.0..=100.0).contains(&percent) => Ok(percent),
        _ => Err(format!("`{text}` is not a percentage from 0 to 100")),
    }
}

/// Runs the command line and returns the exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // `--help` and `--version` (on standard output) succeed only if they are written:
        // like any command, they fail (exit 1) when the output cannot be, saying why. A
        // wrong command line (on standard error) is exit 2 whatever happens to the message.
        Err(error) if !error.use_stderr() => {
            let written = error.print().and_then(|()| std::io::stdout().flush());
            return match written {
                Ok(()) => ExitCode::SUCCESS,
                Err(why) => {
                    if why.kind() != std::io::ErrorKind::BrokenPipe {
                        eprintln!("error: cannot write the output: {why}");
                    }
                    ExitCode::from(1)
                }
            };
        }
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(2);
        }
    };
    // The size limits for files read (ACCORD_MAX_FILE_BYTES) and for a whole rule base
    // (ACCORD_MAX_RULE_BASE_BYTES) are part of the command line.
    if let Err(why) = accord::load::max_file_bytes().and(accord::load::max_rule_base_bytes()) {
        eprintln!("error: {why}");
        return ExitCode::from(2);
    }
    let result = match cli.command {
        Command::Advise { output_dir: Some(dir), cases, batch, rules, format, as_of, jobs, .. } => {
            let given = match &batch {
                Some(batch) => reports::Given::Batch(batch),
                None => reports::Given::Cases(&cases),
            };
            reports::run(&dir, given, &rules, format, as_of, jobs)
        }
        Command::Advise { batch: Some(batch), rules, format, as_of, jobs, output, .. } => {
            batch::run(&batch, &rules, format, as_of, jobs, output.as_deref())
        }
        Command::Advise { cases, rules, format, as_of, verbose, output, .. } => {
            advise(&cases, &rules, Advise { format, as_of, verbose, output: output.as_deref() })
        }
        Command::Interview { case, write, rules, as_of } => interview(&case, &rules, as_of, write),
        Command::Check { rules, format, verbose } => check::check(&rules, format, verbose),
        Command::Explain { case, only, rules, format, as_of } => explain(&case, &only, &rules, format, as_of),
        Command::Sources { rules, format } => sources(&rules, format),
        Command::Diff(args) => diff::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Schema { rules } => schema::schema(&rules),
        Command::Serve(args) => serve::run(&args),
        Command::Test(args) => test::run(&args),
        Command::Lsp => lsp(),
        Command::Completions { shell } => shell::completions(shell),
        Command::Man { command } => shell::man(command.as_deref()),
        Command::Coverage { cases, rules, format, min, as_of } => {
            coverage::coverage(&cases, &rules, format, min, as_of)
        }
    };
    match result {
        Ok(code) => code,
        Err(Failed) => ExitCode::from(1),
    }
}

/// The input was wrong and the problem has been reported.
struct Failed;

fn stderr_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// The case files named: files as given, folders as their `*.json` files sorted by name.
/// A folder that cannot be read, or holds no case, is reported and `failed` set.
fn case_files(paths: &[PathBuf], failed: &mut bool) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for path in paths {
        match accord::load::files_at(path, "json", "case") {
            Ok(found) => files.extend(found),
            Err(diagnostic) => {
                report_diagnostics(&[diagnostic], &SourceMap::default());
                *failed = true;
            }
        }
    }
    files
}

fn report_diagnostics(diagnostics: &[Diagnostic], sources: &SourceMap) {
    if diagnostics.is_empty() {
        return;
    }
    let text = diag::render(diagnostics, sources, stderr_color());
    let _ = std::io::stderr().write_all(text.as_bytes());
}

/// Finds ([`rules::choose`]), loads and checks the rule base, saying on standard error which
/// it is, and reporting any problem.
fn load_rules(rules: &RulesArg) -> Result<(RuleBase, Vec<Diagnostic>, SourceMap), Failed> {
    let loaded = load_rules_for_reports(rules)?;
    Ok((loaded.rule_base, loaded.diagnostics, loaded.sources))
}

/// A rule base loaded, with what a report says of it and where its files are.
struct Loaded {
    rule_base: RuleBase,
    diagnostics: Vec<Diagnostic>,
    sources: SourceMap,
    /// What a report document's footer says of the rule base.
    about: report::About,
    /// Where the rule base came from.
    source: rules::RuleSource,
}

impl Loaded {
    /// The rule files in use, on disk (none for the built-in rules), which no output may
    /// be written over.
    fn rule_files(&self) -> Vec<PathBuf> {
        self.source.files()
    }
}

/// [`load_rules`], keeping what a report says of the rule base and where it came from.
fn load_rules_for_reports(rules: &RulesArg) -> Result<Loaded, Failed> {
    let (files, source) = rules::choose(rules).map_err(|diagnostic| {
        report_diagnostics(&[diagnostic], &SourceMap::default());
        Failed
    })?;
    source.announce();
    let compiled = files.compile();
    match compiled.rule_base {
        Some(rule_base) => {
            let about = report::About::new(rule_base.rules().len(), &files.content_hash());
            Ok(Loaded {
                rule_base,
                diagnostics: compiled.diagnostics,
                sources: compiled.sources,
                about,
                source,
            })
        }
        None => {
            report_diagnostics(&compiled.diagnostics, &compiled.sources);
            Err(Failed)
        }
    }
}

fn sources(rules: &RulesArg, format: Format) -> Result<ExitCode, Failed> {
    let (rule_base, _, _) = load_rules(rules)?;
    let references = rule_base.sources().values();
    let out = match format {
        Format::Json => pretty(&report::sources_json(references)),
        Format::Text => references.map(|r| format!("{}\n    {}\n", r.key, r.reference)).collect(),
    };
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

/// How `accord advise` writes the advice of the cases named.
#[derive(Clone, Copy)]
struct Advise<'a> {
    format: Option<AdviseFormat>,
    as_of: Option<Date>,
    verbose: bool,
    /// `--output`: the file to write instead of standard output.
    output: Option<&'a Path>,
}

fn advise(cases: &[PathBuf], rules: &RulesArg, how: Advise) -> Result<ExitCode, Failed> {
    let Advise { format, as_of, verbose, output } = how;
    // `--verbose` is for the text report, which it asks for when no format is given.
    let format = format.unwrap_or_else(|| if verbose { AdviseFormat::Text } else { default_format(output) });
    if verbose && format != AdviseFormat::Text {
        // Said rather than ignored: the other formats would be the same without it.
        eprintln!(
            "error: --verbose adds rule ids and the reasons as written to the text report only \
             (`--format text`); the JSON advice holds them always, and the Markdown and HTML \
             reports are for readers of the advice"
        );
        return Ok(ExitCode::from(2));
    }
    if format == AdviseFormat::Html && cases.len() > 1 {
        let to = if output.is_some() { "one file" } else { "standard output" };
        eprintln!(
            "error: an HTML page holds one report, so the reports of {} cases cannot go to {to}: \
             use --output-dir DIR to write a page for each, with an index",
            cases.len()
        );
        return Ok(ExitCode::from(2));
    }
    let loaded = load_rules_for_reports(rules)?;
    if let Some(path) = output
        && let Some(why) = output::Protected::new(cases, None, &loaded.rule_files()).refusal(path)
    {
        eprintln!("error: {why}, so the output is not written over it: name another file with --output");
        return Ok(ExitCode::from(2));
    }
    let rule_base = &loaded.rule_base;
    // The reports for people say the reasons in words; JSON and `--verbose` as written.
    let in_words = match format {
        AdviseFormat::Text => !verbose,
        AdviseFormat::Markdown | AdviseFormat::Html => true,
        AdviseFormat::Json | AdviseFormat::Jsonl | AdviseFormat::Ids => false,
    };
    let mut reports = Vec::new();
    let mut failed = false;
    for path in cases {
        match advise_one(rule_base, path, as_of, in_words) {
            Ok(report) => reports.push(report),
            Err(Failed) => failed = true,
        }
    }
    let out = render(&reports, format, cases.len() == 1, report::TextOptions { verbose }, &loaded.about);
    match output {
        // Nothing advised: whatever the file holds is kept.
        Some(_) if reports.is_empty() => {}
        Some(path) => {
            if let Err(why) = output::write_file(path, out.as_bytes()) {
                eprintln!("error: {why}");
                return Err(Failed);
            }
        }
        None => print!("{out}"),
    }
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// The format `advise` writes when none is asked for: the one the name of the `--output`
/// file says (`.md`, `.html`, `.json`, `.jsonl`, `.txt`); else text on a terminal, and
/// JSON otherwise (a file is not a terminal).
fn default_format(output: Option<&Path>) -> AdviseFormat {
    let extension = output.and_then(Path::extension).and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("md" | "markdown") => AdviseFormat::Markdown,
        Some("html" | "htm") => AdviseFormat::Html,
        Some("json") => AdviseFormat::Json,
        Some("jsonl") => AdviseFormat::Jsonl,
        Some("txt" | "text") => AdviseFormat::Text,
        _ if output.is_none() && std::io::stdout().is_terminal() => AdviseFormat::Text,
        _ => AdviseFormat::Json,
    }
}

/// The reports of the cases in `format`: JSON as one document when `one` case was named
/// (an array otherwise), the text and Markdown reports one after the other.
fn render(
    reports: &[accord::Report],
    format: AdviseFormat,
    one: bool,
    options: report::TextOptions,
    about: &report::About,
) -> String {
    match format {
        AdviseFormat::Json if one => reports.first().map(pretty).unwrap_or_default(),
        AdviseFormat::Json => pretty(&reports),
        AdviseFormat::Jsonl => {
            reports.iter().map(|r| serde_json::to_string(r).expect("a report serializes") + "\n").collect()
        }
        AdviseFormat::Ids => reports
            .iter()
            .map(|r| {
                let ids: Vec<&str> = r.advice.iter().map(|a| a.rule).collect::<Vec<_>>();
                let mut unique = ids.clone();
                unique.dedup();
                // As `--batch` writes it: a line break or a tab in the name would forge a
                // line or a field.
                let id = accord::shown::escaped(r.case.as_deref().unwrap_or_default(), Escape::Exactly);
                format!("{id}\t{}\n", unique.join(","))
            })
            .collect(),
        AdviseFormat::Text => {
            reports.iter().map(|r| report::to_text_with(r, options)).collect::<Vec<_>>().join("\n")
        }
        // One report after another, each a document of its own after a thematic break.
        AdviseFormat::Markdown => reports
            .iter()
            .enumerate()
            .map(|(n, r)| report::to_markdown_part(r, about, n + 1))
            .collect::<Vec<_>>()
            .join("\n* * *\n\n"),
        AdviseFormat::Html => reports.first().map(|r| report::to_html(r, about)).unwrap_or_default(),
    }
}

fn advise_one<'r>(
    rule_base: &'r RuleBase,
    path: &Path,
    as_of: Option<Date>,
    in_words: bool,
) -> Result<accord::Report<'r>, Failed> {
    let (case, as_of) = load_case(rule_base, path, as_of)?;
    Ok(if in_words { rule_base.advise_in_words(&case, as_of) } else { rule_base.advise(&case, as_of) })
}

fn explain(
    path: &Path,
    only: &[String],
    rules: &RulesArg,
    format: Option<Format>,
    as_of: Option<Date>,
) -> Result<ExitCode, Failed> {
    let (rule_base, _, _) = load_rules(rules)?;
    for id in only {
        if !rule_base.rules().iter().any(|r| &r.id == id) {
            let ids = rule_base.rules().iter().map(|r| r.id.as_str());
            let hint = accord::suggest::did_you_mean(id, ids)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            eprintln!("error: no rule `{id}` in the rule base{hint}");
            return Ok(ExitCode::from(2));
        }
    }
    let (case, as_of) = load_case(&rule_base, path, as_of)?;
    let explanations = rule_base.explain(&case, as_of, only);
    let name = case.label();
    let out = match output_format(format) {
        Format::Json => pretty(&report::explanation_json(name, as_of, &explanations)),
        Format::Text => report::explanation_text(name, as_of, &explanations),
    };
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

/// The format asked for, else text on a terminal and JSON otherwise.
fn output_format(format: Option<Format>) -> Format {
    format.unwrap_or(if std::io::stdout().is_terminal() { Format::Text } else { Format::Json })
}

/// Reads and checks a case, reporting any problem, and settles its assessment date.
fn load_case(rule_base: &RuleBase, path: &Path, as_of: Option<Date>) -> Result<(accord::Case, Date), Failed> {
    let case = read_case(rule_base, path)?;
    // The clock is read only when neither the command line nor the case gives a date.
    let as_of = as_of.or(case.assessed_on).unwrap_or_else(Date::today);
    Ok((case, as_of))
}

/// Reads and checks a case, reporting any problem.
fn read_case(rule_base: &RuleBase, path: &Path) -> Result<accord::Case, Failed> {
    let shown = path.display().to_string();
    let text = accord::load::read_text(path).map_err(|error| {
        report_diagnostics(&[error.diagnostic(&shown)], &SourceMap::default());
        Failed
    })?;
    let case = accord::parse_case(&shown, &text, rule_base.vocabulary()).map_err(|diagnostics| {
        let mut sources = SourceMap::default();
        sources.add(shown.clone(), text.clone());
        report_diagnostics(&diagnostics, &sources);
        Failed
    })?;
    Ok(case)
}

fn interview(path: &Path, rules: &RulesArg, as_of: Option<Date>, write: bool) -> Result<ExitCode, Failed> {
    use accord::interview::{Ending, Interview};
    use accord::safe_write::{self, SaveError};
    let (rule_base, _, _) = load_rules(rules)?;
    let shown = path.display().to_string();
    if write {
        // Before reading: reading a named pipe waits for a writer, and its answers could
        // not be saved into it.
        refuse_special_file(
            path,
            &shown,
            "`--write` saves the answers into the case file: name a regular file, or leave out `--write`",
        )?;
    }
    let (bytes, text) = read_file_to_rewrite(path, &shown)?;
    let case_diagnostics = |diagnostics: Vec<Diagnostic>| {
        let mut sources = SourceMap::default();
        sources.add(shown.clone(), text.clone());
        report_diagnostics(&diagnostics, &sources);
        Failed
    };
    let case = accord::parse_case(&shown, &text, rule_base.vocabulary()).map_err(case_diagnostics)?;
    // As for `advise`, the clock is read only when neither the command line nor the case
    // gives a date.
    let as_of = as_of.or(case.assessed_on).unwrap_or_else(Date::today);
    let mut session = Interview::new(&rule_base, &shown, &text, as_of).map_err(case_diagnostics)?;
    let stdin = std::io::stdin();
    // Typed answers already show on a terminal; a script's are echoed so that the
    // transcript reads the same.
    let echo = !stdin.is_terminal();
    let mut out = std::io::stdout().lock();
    let written = session.run(stdin.lock(), &mut out, echo).and_then(|ending| {
        write!(out, "\n{}", report::to_text(&session.report_in_words()))?;
        // A line past the limit stops the interview with an error of its own instead.
        let unsaved = !write && !session.answered().is_empty() && !matches!(ending, Ending::EndlessLine(_));
        if unsaved {
            writeln!(out, "\nThe answers were not saved: run with --write to save them.")?;
        }
        out.flush()?;
        Ok(ending)
    });
    match written {
        Ok(Ending::EndlessLine(line)) => {
            eprintln!(
                "error: line {line} of the answers does not end within {} bytes: the interview stopped there, \
                 and nothing was saved",
                accord::interview::MAX_LINE_BYTES
            );
            return Err(Failed);
        }
        Ok(_) => {}
        Err(error) => {
            // Whoever read the output has gone (`| head`, say): nothing more to tell them.
            if error.kind() != std::io::ErrorKind::BrokenPipe {
                eprintln!("error: interview of `{shown}` stopped: {error}");
            }
            return Err(Failed);
        }
    }
    if write && !session.answered().is_empty() {
        // The saved file keeps a byte order mark the case had.
        const BOM: &[u8] = "\u{feff}".as_bytes();
        let mut contents = if bytes.starts_with(BOM) { BOM.to_vec() } else { Vec::new() };
        contents.extend_from_slice(session.case_text().as_bytes());
        let backup = safe_write::backup_path(path);
        let backup_shown = backup.display();
        match safe_write::save_with_backup(path, &bytes, &contents) {
            Ok(_) => {
                let _ = writeln!(out, "\nSaved {shown} (the original is kept as {backup_shown}).");
            }
            Err(SaveError::Changed) => {
                eprintln!(
                    "error: `{shown}` has changed since the interview read it (another program, or another \
                     interview, saved it meanwhile), so the answers were not saved and the file is left as \
                     it is now: run the interview again to answer what is still unknown"
                );
                return Err(Failed);
            }
            Err(error) => {
                let left = if error.backup_replaced() {
                    format!(
                        "`{shown}` is unchanged, but `{backup_shown}` now holds it (the previous backup is gone)"
                    )
                } else if std::fs::symlink_metadata(&backup).is_ok() {
                    format!("`{shown}` and `{backup_shown}` are unchanged")
                } else {
                    format!("`{shown}` is unchanged")
                };
                eprintln!("error: cannot save `{shown}`: {error}; {left}");
                return Err(Failed);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Refuses a path that names a named pipe, a socket or a device (E0001), before anything
/// opens it; `help` says what to do instead.
fn refuse_special_file(path: &Path, shown: &str, help: &str) -> Result<(), Failed> {
    match accord::safe_write::refuse_special_file(path) {
        Err(accord::safe_write::SaveError::NotRegular(kind)) => {
            let diagnostic =
                Diagnostic::error("E0001", format!("`{shown}` is not a regular file: it is {kind}"))
                    .help(help);
            report_diagnostics(&[diagnostic], &SourceMap::default());
            Err(Failed)
        }
        _ => Ok(()),
    }
}

/// `accord lsp`: the language server on standard input and output, until the editor
/// asks it to shut down.
fn lsp() -> Result<ExitCode, Failed> {
    let (connection, transport) = accord::lsp::transport::stdio();
    let served = accord::lsp::serve(&connection).map_err(|why| match why.as_str() {
        "disconnected channel" => {
            "the input ended before the editor asked the server to shut down".to_string()
        }
        _ => why,
    });
    drop(connection);
    // When the input could not be read (not the protocol's framing, not JSON), the reader
    // knows why; the server only saw its channel close. Its reason comes first.
    match transport.finish().map_err(|why| why.to_string()).and(served) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(why) => {
            eprintln!("error: the language server stopped: {why}");
            Err(Failed)
        }
    }
}

/// Writes to standard output; see [`print!`].
pub fn write_stdout(args: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if let Err(error) = out.write_fmt(args).and_then(|()| out.flush()) {
        if error.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write the output: {error}");
        }
        std::process::exit(1);
    }
}

fn pretty(json: &impl serde::Serialize) -> String {
    let mut text = serde_json::to_string_pretty(json).expect("our documents have string keys");
    text.push('\n');
    text
}

/// Reads a file that a command may rewrite (a rule file to lay out, a case to save answers
/// into): its bytes as they are, to check nothing changed them before the write, and its
/// text. A problem is reported at the file and fails the command.
fn read_file_to_rewrite(path: &Path, shown: &str) -> Result<(Vec<u8>, String), Failed> {
    let report = |diagnostic: Diagnostic| {
        report_diagnostics(&[diagnostic], &SourceMap::default());
        Failed
    };
    let bytes = accord::load::read_bytes(path).map_err(|error| report(error.diagnostic(shown)))?;
    let text = accord::load::decode_text(bytes.clone()).map_err(|error| report(error.diagnostic(shown)))?;
    Ok((bytes, text))
}
