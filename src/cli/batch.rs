//! `accord advise --batch`: one case per line in, one result per line out.

use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use accord::Date;
use accord::batch::{BatchFormat, BatchOptions, LineError, run_batch};
use indicatif::{ProgressBar, ProgressStyle};

use super::output::Protected;
use super::{AdviseFormat, Failed, RulesArg, load_rules_for_reports};

/// Advises every line of `path` (`-` for standard input), writing to standard output or to
/// the file `output`; exit 1 if any line failed.
pub fn run(
    path: &Path,
    rules: &RulesArg,
    format: Option<AdviseFormat>,
    as_of: Option<Date>,
    jobs: Option<u16>,
    output: Option<&Path>,
) -> Result<ExitCode, Failed> {
    let format = match format {
        None | Some(AdviseFormat::Jsonl) => BatchFormat::Jsonl,
        Some(AdviseFormat::Ids) => BatchFormat::Ids,
        Some(AdviseFormat::Text | AdviseFormat::Json) => {
            eprintln!("error: `--batch` writes one line per case: use `--format jsonl` or `--format ids`");
            return Ok(ExitCode::from(2));
        }
        Some(AdviseFormat::Markdown | AdviseFormat::Html) => {
            eprintln!(
                "error: `--batch` writes one line per case: use `--format jsonl` or `--format ids`, or \
                 --output-dir DIR for a report of each case"
            );
            return Ok(ExitCode::from(2));
        }
    };
    let loaded = load_rules_for_reports(rules)?;
    if let Some(output) = output
        && let Some(why) = Protected::new(&[], Some(path), &loaded.rule_files()).refusal(output)
    {
        eprintln!("error: {why}, so the output is not written over it: name another file with --output");
        return Ok(ExitCode::from(2));
    }
    let rule_base = loaded.rule_base;
    let jobs = jobs
        .map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get));
    // The clock is read only for cases that give no date when `--as-of` gives none either.
    let options =
        BatchOptions { format, jobs, as_of: as_of.unwrap_or_else(Date::today), as_of_override: as_of };
    let shown = path.display().to_string();
    let progress = progress_bar();
    let mut report_error = |error: &LineError| {
        progress.suspend(|| eprint!("{}", error.describe(&shown)));
    };
    let mut show_progress = |done: usize| progress.set_position(done as u64);
    let started = Instant::now();
    let input = open_batch(path, &shown)?;
    let advise_into = |out: &mut dyn Write| {
        run_batch(&rule_base, input, &mut &mut *out, options, &mut report_error, &mut show_progress)
    };
    let summary = match output {
        // Written to a file of its own, then put in place: the file is the old one or
        // the whole new one, never a part.
        Some(output) => accord::safe_write::replace_with(output, advise_into).map_err(|error| {
            eprintln!("error: the batch stopped: cannot write `{}`: {error}", output.display());
            Failed
        }),
        None => {
            let stdout = io::stdout();
            let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
            let summary = advise_into(&mut out).map_err(|e| {
                // A reader that has gone (`| head`) stops the batch quietly, as other
                // commands do.
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    eprintln!("error: the batch stopped: {e}");
                }
                Failed
            });
            let _ = out.flush();
            summary
        }
    };
    progress.finish_and_clear();
    let summary = summary?;
    let seconds = started.elapsed().as_secs_f64();
    let rate = if seconds > 0.0 { summary.cases as f64 / seconds } else { 0.0 };
    eprintln!(
        "cases: {}, errors: {}, seconds: {seconds:.3}, cases per second: {rate:.0}",
        summary.cases, summary.errors
    );
    Ok(if summary.errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// A progress bar on a terminal; hidden (and free) otherwise.
fn progress_bar() -> ProgressBar {
    if !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {human_pos} cases advised in {elapsed}") {
        bar.set_style(style);
    }
    bar
}

/// The lines of a batch: standard input for `-`, else the file (E0001 when it cannot be
/// opened, said on standard error).
pub(super) fn open_batch(path: &Path, shown: &str) -> Result<Box<dyn Read + Send>, Failed> {
    if path == Path::new("-") {
        return Ok(Box::new(io::stdin()));
    }
    match File::open(path) {
        Ok(file) => Ok(Box::new(file)),
        Err(e) => {
            eprintln!("error[E0001]: cannot read `{shown}`: {e}");
            Err(Failed)
        }
    }
}
