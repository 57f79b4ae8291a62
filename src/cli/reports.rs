//! `accord advise --output-dir DIR`: a report of each case (HTML or Markdown) written into
//! a folder, with an index of them all. Cases come from files named on the command line or
//! from the lines of a batch file; workers advise and write them in parallel, and keep only
//! each case's row of the index, so memory stays small however many cases there are. The
//! files, the index and the messages are the same whatever the number of workers. Must not
//! render a report itself: `accord::report` does.

use std::collections::HashSet;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Mutex, mpsc};

use accord::batch::LineError;
use accord::diag::{self, Diagnostic, SourceMap};
use accord::eval::Advisor;
use accord::prose::counted;
use accord::report::{self, About, IndexRow};
use accord::safe_write::Folder;
use accord::{Case, Date, RuleBase};

use super::output::Protected;
use super::{AdviseFormat, Failed, RulesArg, load_rules_for_reports, stderr_color};

/// The cases to write reports of.
#[derive(Clone, Copy)]
pub(super) enum Given<'a> {
    /// Case files, named on the command line.
    Cases(&'a [PathBuf]),
    /// A JSON Lines file of cases (`-` for standard input).
    Batch(&'a Path),
}

/// The kind of report written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Html,
    Markdown,
}

impl Kind {
    fn extension(self) -> &'static str {
        match self {
            Kind::Html => "html",
            Kind::Markdown => "md",
        }
    }
}

/// Writes a report of each case given into `dir`, and the index; exit 1 when a case could
/// not be advised or written (the others are written all the same), 2 for a command line
/// that asks for what cannot be done.
pub(super) fn run(
    dir: &Path,
    given: Given,
    rules: &RulesArg,
    format: Option<AdviseFormat>,
    as_of: Option<Date>,
    jobs: Option<u16>,
) -> Result<ExitCode, Failed> {
    let kind = match format {
        None | Some(AdviseFormat::Html) => Kind::Html,
        Some(AdviseFormat::Markdown) => Kind::Markdown,
        Some(_) => {
            eprintln!(
                "error: `--output-dir` writes a report of each case: use `--format html` (the default) or \
                 `--format markdown`, or --output FILE for the other formats"
            );
            return Ok(ExitCode::from(2));
        }
    };
    if dir.exists() && !dir.is_dir() {
        eprintln!(
            "error: `{}` is not a folder: name a folder, new or existing, with --output-dir",
            dir.display()
        );
        return Ok(ExitCode::from(2));
    }
    let loaded = load_rules_for_reports(rules)?;
    if let Err(error) = std::fs::create_dir_all(dir) {
        eprintln!("error: cannot make the folder `{}`: {error}", dir.display());
        return Err(Failed);
    }
    let (cases, batch) = match given {
        Given::Cases(cases) => (cases, None),
        Given::Batch(path) => (&[][..], Some(path)),
    };
    let writer = Writer {
        rule_base: &loaded.rule_base,
        about: &loaded.about,
        dir,
        folder: Folder::new(dir),
        kind,
        protected: Protected::new(cases, batch, &loaded.rule_files()),
        // The clock is read only when neither the command line nor a case gives a date.
        as_of_override: as_of,
        as_of: as_of.unwrap_or_else(Date::today),
    };
    let jobs = jobs
        .map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get));
    let (outcomes, stopped) = match given {
        Given::Cases(cases) => (run_jobs(&writer, jobs, case_jobs(cases)), None),
        Given::Batch(path) => {
            let shown = path.display().to_string();
            let input = super::batch::open_batch(path, &shown)?;
            let mut lines = Lines::new(input, &shown);
            let outcomes = run_jobs(&writer, jobs, lines.by_ref());
            (outcomes, lines.stopped.take())
        }
    };
    finish(&writer, outcomes, stopped)
}

/// Says what went wrong, in the order of the cases, and writes the index of the reports
/// written.
fn finish(writer: &Writer, outcomes: Vec<Outcome>, stopped: Option<String>) -> Result<ExitCode, Failed> {
    let mut rows = Vec::new();
    let mut failed = 0;
    for outcome in outcomes {
        match outcome {
            Ok(row) => rows.push(row),
            Err(why) => {
                failed += 1;
                eprint!("{why}");
            }
        }
    }
    let index = writer.dir.join(format!("index.{}", writer.kind.extension()));
    let text = match writer.kind {
        Kind::Html => report::index_html(&rows, writer.about),
        Kind::Markdown => report::index_markdown(&rows, writer.about),
    };
    let written = match writer.protected.refusal(&index) {
        Some(why) => Err(format!("{why}, so the index is not written over it")),
        None => writer.write_file(&index, text.as_bytes()),
    };
    writer.folder.sync();
    if let Err(why) = written {
        eprintln!("error: {why}");
        return Err(Failed);
    }
    let failures = if failed > 0 {
        format!("; {} could not be advised or written", counted(failed, "case", "cases"))
    } else {
        String::new()
    };
    eprintln!("wrote {} and `{}`{failures}", counted(rows.len(), "report", "reports"), index.display());
    if let Some(why) = stopped {
        eprintln!("error: the batch stopped: {why}");
        return Err(Failed);
    }
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// A case to advise and write: its place among the cases, and where it comes from.
struct Job {
    index: usize,
    source: Source,
}

enum Source {
    /// A case file, and the name of its report (without the extension).
    File(PathBuf, String),
    /// A line of a batch: its number, and its text or why it could not be read.
    Line { number: usize, text: Result<String, Box<Diagnostic>>, shown: String },
}

/// A case's row of the index, or what to say on standard error about it.
type Outcome = Result<IndexRow, String>;

/// The jobs for case files: each report named after its file, made unique (ignoring case,
/// for the file systems that do) in the order the files are given.
fn case_jobs(cases: &[PathBuf]) -> impl Iterator<Item = Job> + Send + '_ {
    // `index` is the index's own name.
    let mut taken: HashSet<String> = HashSet::from(["index".to_string()]);
    cases.iter().enumerate().map(move |(index, path)| {
        let stem = path.file_stem().map(|stem| stem.to_string_lossy()).unwrap_or_default();
        let base = file_name_part(&stem);
        let base = if base.is_empty() { "case".to_string() } else { base };
        let mut name = base.clone();
        let mut n = 1;
        while !taken.insert(name.to_lowercase()) {
            n += 1;
            name = format!("{base}-{n}");
        }
        Job { index, source: Source::File(path.clone(), name) }
    })
}

/// Advises and writes every job, `jobs` at a time, and gives their outcomes in the jobs'
/// order. The jobs are made as the workers take them (a batch is read as it goes), a few
/// ahead at most.
fn run_jobs(writer: &Writer, jobs: usize, all: impl Iterator<Item = Job> + Send) -> Vec<Outcome> {
    let jobs = jobs.max(1);
    let (work_tx, work_rx) = mpsc::sync_channel::<Job>(jobs * 4);
    let (done_tx, done_rx) = mpsc::channel::<(usize, Outcome)>();
    let work_rx = Mutex::new(work_rx);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let (work_rx, done_tx) = (&work_rx, done_tx.clone());
            scope.spawn(move || {
                let mut advisor = writer.rule_base.advisor();
                loop {
                    // The lock is held only while taking the next job.
                    let next = work_rx.lock().map_err(|_| ()).and_then(|rx| rx.recv().map_err(|_| ()));
                    let Ok(job) = next else { return };
                    if done_tx.send((job.index, writer.write(&mut advisor, job))).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        scope.spawn(move || {
            for job in all {
                if work_tx.send(job).is_err() {
                    return;
                }
            }
        });
        let mut outcomes: Vec<(usize, Outcome)> = done_rx.iter().collect();
        outcomes.sort_by_key(|(index, _)| *index);
        outcomes.into_iter().map(|(_, outcome)| outcome).collect()
    })
}

/// What every worker shares: how to advise a case and where to write its report.
struct Writer<'a> {
    rule_base: &'a RuleBase,
    about: &'a About,
    dir: &'a Path,
    /// The folder written into, cleared once of what killed processes left.
    folder: Folder,
    kind: Kind,
    protected: Protected,
    /// `--as-of`: the date of every case's assessment.
    as_of_override: Option<Date>,
    /// The date of a case's assessment when neither `--as-of` nor the case gives one.
    as_of: Date,
}

impl Writer<'_> {
    /// Advises the job's case and writes its report; its row of the index, or what went
    /// wrong.
    fn write(&self, advisor: &mut Advisor, job: Job) -> Outcome {
        let case = self.read(&job.source)?;
        let name = match job.source {
            Source::File(_, name) => name,
            Source::Line { number, .. } => line_report_name(number, &case),
        };
        let as_of = self.as_of_override.or(case.assessed_on).unwrap_or(self.as_of);
        let advice = advisor.advise_in_words(&case, as_of);
        let text = match self.kind {
            Kind::Html => report::to_html(&advice, self.about),
            Kind::Markdown => report::to_markdown(&advice, self.about),
        };
        let file_name = format!("{name}.{}", self.kind.extension());
        let path = self.dir.join(&file_name);
        if let Some(why) = self.protected.refusal(&path) {
            return Err(format!("error: {why}, so its report is not written over it\n"));
        }
        self.write_file(&path, text.as_bytes()).map_err(|why| format!("error: {why}\n"))?;
        Ok(IndexRow::of(&advice, href(&file_name)))
    }

    /// Writes the file at `path`, in the folder, atomically; a failure is a sentence
    /// saying why.
    fn write_file(&self, path: &Path, contents: &[u8]) -> Result<(), String> {
        let name = path.file_name().map(|name| name.to_string_lossy()).unwrap_or_default();
        match self.folder.replace(&name, contents) {
            Ok(_) => Ok(()),
            Err(error) => Err(format!("cannot write `{}`: {error}", path.display())),
        }
    }

    /// The case, or its problems as rendered for standard error.
    fn read(&self, source: &Source) -> Result<Case, String> {
        let vocabulary = self.rule_base.vocabulary();
        match source {
            Source::File(path, _) => {
                let shown = path.display().to_string();
                let text = accord::load::read_text(path).map_err(|error| {
                    diag::render(&[error.diagnostic(&shown)], &SourceMap::default(), stderr_color())
                })?;
                accord::parse_case(&shown, &text, vocabulary).map_err(|diagnostics| {
                    let mut sources = SourceMap::default();
                    sources.add(shown.clone(), text.clone());
                    diag::render(&diagnostics, &sources, stderr_color())
                })
            }
            Source::Line { number, text, shown } => {
                let line_error = |text: &str, diagnostics| LineError {
                    line: *number,
                    text: text.to_string(),
                    diagnostics,
                };
                match text {
                    Ok(text) => accord::parse_case("line", text, vocabulary)
                        .map_err(|diagnostics| line_error(text, diagnostics).describe(shown)),
                    Err(problem) => Err(line_error("", vec![(**problem).clone()]).describe(shown)),
                }
            }
        }
    }
}

/// The lines of a batch, as jobs. Blank lines are skipped; a line longer than the size limit, or not UTF-8, is
/// a job that fails. A failure to read stops the lines, and is kept in `stopped`.
struct Lines<'s> {
    input: BufReader<Box<dyn Read + Send>>,
    shown: &'s str,
    number: usize,
    index: usize,
    limit: u64,
    stopped: Option<String>,
}

impl<'s> Lines<'s> {
    fn new(input: Box<dyn Read + Send>, shown: &'s str) -> Lines<'s> {
        let limit = accord::load::max_file_bytes().unwrap_or(accord::load::MAX_FILE_BYTES);
        Lines {
            input: BufReader::with_capacity(1 << 16, input),
            shown,
            number: 0,
            index: 0,
            limit,
            stopped: None,
        }
    }

    /// The next line that is not blank: its text, or why it cannot be read as a case.
    fn next_line(&mut self) -> io::Result<Option<Result<String, Box<Diagnostic>>>> {
        loop {
            let mut bytes = Vec::new();
            let read = (&mut self.input).take(self.limit + 1).read_until(b'\n', &mut bytes)?;
            if read == 0 {
                return Ok(None);
            }
            self.number += 1;
            if !bytes.ends_with(b"\n") && bytes.len() as u64 > self.limit {
                self.skip_rest_of_line()?;
                let message = format!("the line is longer than the limit of {} bytes", self.limit);
                return Ok(Some(Err(Box::new(Diagnostic::error("E0003", message)))));
            }
            let line = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            match String::from_utf8(line.to_vec()) {
                Ok(text) if text.trim().is_empty() => {}
                Ok(text) => return Ok(Some(Ok(text))),
                Err(_) => {
                    return Ok(Some(Err(Box::new(Diagnostic::error("E0002", "the line is not UTF-8 text")))));
                }
            }
        }
    }

    /// Skips to the end of an overlong line; one that runs on past 16 times the limit
    /// stops the batch, short of reading for ever.
    fn skip_rest_of_line(&mut self) -> io::Result<()> {
        let mut skipped: u64 = 0;
        loop {
            let buffer = self.input.fill_buf()?;
            if buffer.is_empty() {
                return Ok(());
            }
            if let Some(end) = buffer.iter().position(|&b| b == b'\n') {
                self.input.consume(end + 1);
                return Ok(());
            }
            let len = buffer.len();
            self.input.consume(len);
            skipped += len as u64;
            if skipped > self.limit.saturating_mul(16) {
                let why = format!("line {} is longer than the limit of {} bytes", self.number, self.limit);
                return Err(io::Error::other(why));
            }
        }
    }
}

impl Iterator for Lines<'_> {
    type Item = Job;

    fn next(&mut self) -> Option<Job> {
        let text = match self.next_line() {
            Ok(line) => line?,
            Err(error) => {
                self.stopped = Some(error.to_string());
                return None;
            }
        };
        let source = Source::Line { number: self.number, text, shown: self.shown.to_string() };
        let job = Job { index: self.index, source };
        self.index += 1;
        Some(job)
    }
}

/// The name of the report of a batch's line: its number and the case's id, else its name
/// (as the batch's `ids` lines name it), `00012-shire-integrated-care`; unique, since the
/// number is, and sorting as the lines do.
fn line_report_name(number: usize, case: &Case) -> String {
    let label =
        case.id.as_deref().or(case.name.as_deref()).map(file_name_part).unwrap_or_default().to_lowercase();
    if label.is_empty() { format!("{number:05}") } else { format!("{number:05}-{label}") }
}

/// The most characters of a case's name kept in a file's name.
const NAME_CHARS: usize = 60;

/// `text` as part of a file name on any system: letters and digits kept, `-`, `_` and `.`
/// too, anything else (spaces, slashes, quotes) as `-`, no run of `-`, nothing leading or
/// trailing but letters and digits, and at most [`NAME_CHARS`] characters.
fn file_name_part(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let c = if c.is_alphanumeric() || matches!(c, '_' | '.') { c } else { '-' };
        if c == '-' && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push(c);
    }
    let out: String = out.chars().take(NAME_CHARS).collect();
    out.trim_matches(|c: char| !c.is_alphanumeric()).to_string()
}

/// A file's name as a link from the index beside it: every byte but ASCII letters, digits
/// and `-._~` percent-encoded.
fn href(file_name: &str) -> String {
    accord::percent::encoded(file_name, b"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_safe_in_any_file_system() {
        assert_eq!(file_name_part("01-shire-integrated-care"), "01-shire-integrated-care");
        assert_eq!(file_name_part("Shire / Wyverton: \"merger\""), "Shire-Wyverton-merger");
        assert_eq!(file_name_part("../../etc/passwd"), "etc-passwd");
        assert_eq!(file_name_part("<script>"), "script");
        assert_eq!(file_name_part("Café"), "Café");
        assert_eq!(file_name_part("..."), "");
        assert_eq!(href("Café report.html"), "Caf%C3%A9%20report.html");
    }

    #[test]
    fn case_files_of_the_same_name_get_names_of_their_own() {
        let cases: Vec<PathBuf> =
            ["a/x.json", "b/x.json", "X.json", "index.json", "c/?.json"].map(PathBuf::from).to_vec();
        let names: Vec<String> = case_jobs(&cases)
            .map(|job| match job.source {
                Source::File(_, name) => name,
                Source::Line { .. } => unreachable!("case files are not lines"),
            })
            .collect();
        assert_eq!(names, ["x", "x-2", "X-3", "index-2", "case"]);
    }
}
