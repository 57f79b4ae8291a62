//! `accord advise --batch`: one case per line in, one result per line out.

use std::fs::File;
use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use accord::Date;
use accord::batch::{BatchFormat, BatchOptions, LineError, run_batch};
use indicatif::{ProgressBar, ProgressStyle};

use super::{AdviseFormat, Failed, RulesArg, load_rules};

/// Advises every line of `path` (`-` for standard input); exit 1 if any line failed.
pub fn run(
    path: &Path,
    rules: &RulesArg,
    format: Option<AdviseFormat>,
    as_of: Option<Date>,
    jobs: Option<u16>,
) -> Result<ExitCode, Failed> {
    let format = match format {
        None | Some(AdviseFormat::Jsonl) => BatchFormat::Jsonl,
        Some(AdviseFormat::Ids) => BatchFormat::Ids,
        Some(AdviseFormat::Text | AdviseFormat::Json) => {
            eprintln!("error: `--batch` writes one line per case: use `--format jsonl` or `--format ids`");
            return Ok(ExitCode::from(2));
        }
    };
    let (rule_base, _, _) = load_rules(rules)?;
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
    let stdout = io::stdout();
    let mut output = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let summary = if path == Path::new("-") {
        run_batch(&rule_base, io::stdin(), &mut output, options, &mut report_error, &mut show_progress)
    } else {
        let file = File::open(path).map_err(|e| {
            eprintln!("error[E0001]: cannot read `{shown}`: {e}");
            Failed
        })?;
        run_batch(&rule_base, file, &mut output, options, &mut report_error, &mut show_progress)
    };
    progress.finish_and_clear();
    let summary = summary.map_err(|e| {
        // A reader that has gone (`| head`) stops the batch quietly, as other commands do.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: the batch stopped: {e}");
        }
        Failed
    })?;
    let _ = output.flush();
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
