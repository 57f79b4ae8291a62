//! Diagnostics: the errors and warnings every stage reports, and their rendering in the
//! manner of rustc (severity, code and message, `path:line:col`, the source line with the
//! place marked, help).
//!
//! Stages build [`Diagnostic`]s and collect them; the command line renders them with the
//! [`SourceMap`] of the files they point into.

use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use indexmap::IndexMap;

use crate::ast::Span;
use crate::prose::counted;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// The input is wrong; the command fails.
    Error,
    /// Probably a mistake; the command still succeeds.
    Warning,
}

/// A place in a file with a short label.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    /// The file's path as shown to the user.
    pub file: String,
    /// The byte range marked.
    pub span: Span,
    /// What to say under the mark (may be empty).
    pub text: String,
}

impl Label {
    /// A label on `span` of `file`.
    pub fn new(file: impl Into<String>, span: Span, text: impl Into<String>) -> Self {
        Label { file: file.into(), span, text: text.into() }
    }
}

/// One problem found in the input.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable code, documented in `docs/errors.md`: `E0101`.
    pub code: &'static str,
    /// One line, lowercase, no final period.
    pub message: String,
    /// Where the problem is, when it is in a file.
    pub primary: Option<Label>,
    /// Other places involved (a first declaration, say).
    pub secondary: Vec<Label>,
    /// The likely fix.
    pub help: Option<String>,
    /// A file the problem concerns when no place in it can be marked.
    pub file: Option<String>,
    /// For the diagnostic that stands for the problems of a file not reported (past
    /// [`MAX_REPORTED_PER_FILE`]: code [`MORE_ERRORS`] or [`MORE_WARNINGS`]), how many
    /// they are; 0 for any other.
    pub omitted: usize,
    /// The edit the help suggests ("did you mean `change.kind`?"), for an editor to offer
    /// as a fix: always in the primary place's file.
    pub replacement: Option<Replacement>,
}

/// Text to write in place of a span: the fix a "did you mean" suggests.
#[derive(Clone, Debug, PartialEq)]
pub struct Replacement {
    /// The bytes replaced, in the file of the diagnostic's primary place.
    pub span: Span,
    /// What to write there instead.
    pub text: String,
}

impl Diagnostic {
    /// An error with a code and message.
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
            file: None,
            omitted: 0,
            replacement: None,
        }
    }

    /// A warning with a code and message.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, message) }
    }

    /// Marks the place of the problem.
    pub fn at(mut self, file: &str, span: Span, label: impl Into<String>) -> Self {
        self.primary = Some(Label::new(file, span, label));
        self
    }

    /// Names the file the problem concerns without marking a place.
    pub fn in_file(mut self, file: &str) -> Self {
        self.file = Some(file.to_string());
        self
    }

    /// Points at another place involved.
    pub fn also(mut self, file: &str, span: Span, label: impl Into<String>) -> Self {
        self.secondary.push(Label::new(file, span, label));
        self
    }

    /// Adds the likely fix.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The help for a name not known: "did you mean `close`?", with the edit that writes
    /// `close` in place of `span`, when a close name was found; `otherwise()` when not.
    pub fn suggest(self, span: Span, close: Option<&str>, otherwise: impl FnOnce() -> String) -> Self {
        match close {
            Some(name) => self.help(format!("did you mean `{name}`?")).replace_with(span, Some(name)),
            None => self.help(otherwise()),
        }
    }

    /// Offers `text` in place of `span` (of the primary place's file) as the fix, when
    /// there is one: what editors apply for "did you mean".
    pub fn replace_with(mut self, span: Span, text: Option<&str>) -> Self {
        if let Some(text) = text {
            self.replacement = Some(Replacement { span, text: text.to_string() });
        }
        self
    }

    /// Adds the likely fix when there is one.
    pub fn maybe_help(mut self, help: Option<String>) -> Self {
        self.help = help.or(self.help);
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The text of every file diagnostics may point into, by the path shown to the user.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: IndexMap<String, SourceFile>,
}

/// A file's text, and where its lines start (found once, when first needed).
#[derive(Clone, Debug)]
struct SourceFile {
    text: Arc<str>,
    lines: std::sync::OnceLock<LineStarts>,
}

impl SourceMap {
    /// Remembers a file's text.
    pub fn add(&mut self, path: impl Into<String>, text: impl Into<String>) {
        self.add_shared(path, Arc::from(text.into()));
    }

    /// Remembers a file's text, shared with its owner rather than copied.
    pub fn add_shared(&mut self, path: impl Into<String>, text: Arc<str>) {
        let file = SourceFile { text, lines: std::sync::OnceLock::new() };
        self.files.insert(path.into(), file);
    }

    /// A file's text.
    pub fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(|file| &*file.text)
    }

    /// A file's text and the start of its lines.
    fn file(&self, path: &str) -> Option<(&str, &LineStarts)> {
        let file = self.files.get(path)?;
        Some((&*file.text, file.lines.get_or_init(|| LineStarts::of(&file.text))))
    }

    /// The 1-based line and column (in characters) of byte `offset` in the file `path`
    /// (1, 1 when the file is not known): as [`line_col`], in time proportional to the
    /// column rather than to the offset.
    pub fn line_col(&self, path: &str, offset: usize) -> (usize, usize) {
        match self.file(path) {
            Some((text, lines)) => lines.line_col(text, offset),
            None => (1, 1),
        }
    }
}

/// Where each line of a text starts, for finding the line of an offset by bisection.
#[derive(Clone, Debug)]
struct LineStarts(Vec<u32>);

impl LineStarts {
    /// The starts of the lines of `text`: one pass over it. A text of 4 GiB or more (far
    /// past any size limit) is not indexed, and searched instead.
    fn of(text: &str) -> LineStarts {
        if u32::try_from(text.len()).is_err() {
            return LineStarts(Vec::new());
        }
        let starts = std::iter::once(0).chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|at| at + 1));
        // Every start is at most the length, which fits: no conversion fails.
        LineStarts(starts.filter_map(|at| u32::try_from(at).ok()).collect())
    }

    /// The line (from 0) of byte `offset`, and where that line starts.
    fn line(&self, text: &str, offset: usize) -> (usize, usize) {
        if self.0.is_empty() {
            let before = &text.as_bytes()[..offset.min(text.len())];
            let line = memchr::memchr_iter(b'\n', before).count();
            return (line, memchr::memrchr(b'\n', before).map_or(0, |at| at + 1));
        }
        let line = self.0.partition_point(|&start| start as usize <= offset).saturating_sub(1);
        (line, self.0[line] as usize)
    }

    /// The byte where line `line` (from 0) starts; the end of the text past the last.
    fn start(&self, text: &str, line: usize) -> usize {
        if self.0.is_empty() {
            let mut starts =
                std::iter::once(0).chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|at| at + 1));
            return starts.nth(line).unwrap_or(text.len());
        }
        self.0.get(line).map_or(text.len(), |&start| start as usize)
    }

    /// The 1-based line and column (in characters) of byte `offset`.
    fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let (line, start) = self.line(text, offset);
        (line + 1, text[start..offset].chars().count() + 1)
    }
}

/// The 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The most errors, and the most warnings, reported for one file: past them, one
/// diagnostic says how many more there are ([`MORE_ERRORS`], [`MORE_WARNINGS`]). Finding
/// and showing thousands of errors takes time and memory, and the first few are the ones
/// to fix (the later are often their consequences).
pub const MAX_REPORTED_PER_FILE: usize = 50;

/// The code of the diagnostic that counts the errors of a file not reported.
pub const MORE_ERRORS: &str = "E0004";

/// The code of the diagnostic that counts the warnings of a file not reported.
pub const MORE_WARNINGS: &str = "W0004";

/// The file a diagnostic is about, if any.
fn file_of(diagnostic: &Diagnostic) -> Option<&str> {
    diagnostic.primary.as_ref().map(|label| label.file.as_str()).or(diagnostic.file.as_deref())
}

/// Keeps the first [`MAX_REPORTED_PER_FILE`] errors and warnings of each file, in the
/// order given, and adds, for each file and severity with more, one diagnostic counting
/// them (after the others, files in the order first met). Diagnostics already counting
/// others are merged into it.
pub fn cap(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen: IndexMap<(Option<String>, bool), (usize, usize)> = IndexMap::new();
    let mut kept = Vec::new();
    for diagnostic in diagnostics {
        let key = (file_of(&diagnostic).map(str::to_string), diagnostic.is_error());
        let (shown, omitted) = seen.entry(key).or_default();
        if diagnostic.omitted > 0 {
            *omitted += diagnostic.omitted;
        } else if *shown < MAX_REPORTED_PER_FILE {
            *shown += 1;
            kept.push(diagnostic);
        } else {
            *omitted += 1;
        }
    }
    for ((file, error), (_, omitted)) in seen {
        if omitted > 0 {
            kept.push(more(file.as_deref(), error, omitted));
        }
    }
    kept
}

impl Diagnostic {
    /// The diagnostic that stands for `omitted` errors (or warnings, when not `error`) of
    /// `file` that are not reported ([`MORE_ERRORS`], [`MORE_WARNINGS`]).
    pub fn omitted(file: Option<&str>, error: bool, omitted: usize) -> Diagnostic {
        more(file, error, omitted)
    }
}

/// The diagnostic that counts the `omitted` errors (or warnings) of `file`.
fn more(file: Option<&str>, error: bool, omitted: usize) -> Diagnostic {
    let (code, what) = if error { (MORE_ERRORS, "error") } else { (MORE_WARNINGS, "warning") };
    let plural = if omitted == 1 { "" } else { "s" };
    let place = file.map(|file| format!(" in `{file}`")).unwrap_or_default();
    let message = format!("{omitted} more {what}{plural}{place} not shown");
    let help = format!(
        "the first {MAX_REPORTED_PER_FILE} {what}s of each file are reported; fix them and run again"
    );
    let diagnostic =
        if error { Diagnostic::error(code, message) } else { Diagnostic::warning(code, message) };
    let diagnostic = diagnostic.help(help);
    let diagnostic = match file {
        Some(file) => diagnostic.in_file(file),
        None => diagnostic,
    };
    Diagnostic { omitted, ..diagnostic }
}

/// The diagnostics of a file as it is read, in a bounded amount of memory: the first
/// [`MAX_REPORTED_PER_FILE`] by their place in the file (wherever they are found) are
/// kept, the others only counted. Those without a place come after those with one.
#[derive(Debug, Default)]
pub struct FirstInFile {
    /// The kept, by (place, order found): a heap whose top is the last kept.
    kept: std::collections::BinaryHeap<ByPlace>,
    found: usize,
    omitted: usize,
}

#[derive(Debug)]
struct ByPlace {
    place: (usize, usize),
    diagnostic: Diagnostic,
}

impl PartialEq for ByPlace {
    fn eq(&self, other: &ByPlace) -> bool {
        self.place == other.place
    }
}

impl Eq for ByPlace {}

impl PartialOrd for ByPlace {
    fn partial_cmp(&self, other: &ByPlace) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ByPlace {
    fn cmp(&self, other: &ByPlace) -> std::cmp::Ordering {
        self.place.cmp(&other.place)
    }
}

impl FirstInFile {
    /// Adds a problem found.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        let at = diagnostic.primary.as_ref().map_or(usize::MAX, |label| label.span.start);
        let place = (at, self.found);
        self.found += 1;
        if self.kept.len() < MAX_REPORTED_PER_FILE {
            self.kept.push(ByPlace { place, diagnostic });
        } else if self.kept.peek().is_some_and(|last| place < last.place) {
            self.kept.pop();
            self.kept.push(ByPlace { place, diagnostic });
            self.omitted += 1;
        } else {
            self.omitted += 1;
        }
    }

    /// Whether no problem was found.
    pub fn is_empty(&self) -> bool {
        self.found == 0
    }

    /// The problems kept, in the order of the file, and one counting the others, if any.
    pub fn finish(self, file: &str) -> Vec<Diagnostic> {
        let omitted = self.omitted;
        let errors = self.kept.iter().any(|kept| kept.diagnostic.is_error());
        let mut diagnostics: Vec<Diagnostic> =
            self.kept.into_sorted_vec().into_iter().map(|kept| kept.diagnostic).collect();
        if omitted > 0 {
            diagnostics.push(more(Some(file), errors, omitted));
        }
        diagnostics
    }
}

/// Renders diagnostics for a terminal (`color`) or for plain output: the first
/// [`MAX_REPORTED_PER_FILE`] errors and warnings of each file, then how many more there
/// are ([`cap`]). A long line is shown as an excerpt around the places marked.
pub fn render(diagnostics: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() }.term_width(WIDTH);
    let mut out = String::new();
    for diagnostic in &cap(diagnostics.to_vec()) {
        out.push_str(&render_one(diagnostic, sources, &renderer));
        out.push_str("\n\n");
    }
    let (errors, warnings) = count(diagnostics);
    if errors + warnings > 0 {
        out.push_str(&summary(errors, warnings));
        out.push('\n');
    }
    out
}

/// The errors and the warnings, those counted by a diagnostic that stands for them
/// included.
pub fn count(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let (mut errors, mut warnings) = (0, 0);
    for diagnostic in diagnostics {
        let problems = diagnostic.omitted.max(1);
        match diagnostic.severity {
            Severity::Error => errors += problems,
            Severity::Warning => warnings += problems,
        }
    }
    (errors, warnings)
}

fn summary(errors: usize, warnings: usize) -> String {
    match (errors, warnings) {
        (0, w) => format!("{} emitted", counted(w, "warning", "warnings")),
        (e, 0) => format!("{} emitted", counted(e, "error", "errors")),
        (e, w) => {
            format!("{} and {} emitted", counted(e, "error", "errors"), counted(w, "warning", "warnings"))
        }
    }
}

/// Lines of a file between two places shown in one snippet, at most: places further apart
/// are shown in snippets of their own.
const MAX_GAP_LINES: usize = 1000;

/// A mark spanning more lines than this is shown on its first line only.
const MAX_MARK_LINES: usize = 100;

/// Bytes of a line between two marks shown together, at most, when the line is long:
/// marks further apart are shown in snippets of their own, each an excerpt of the line.
const MAX_MARKS_WIDTH: usize = 100;

/// The renderer's width: a longer line is shown as an excerpt around its marks.
const WIDTH: usize = 100;

/// One place to mark, resolved in its file.
struct Mark<'a> {
    label: &'a Label,
    kind: AnnotationKind,
    text: &'a str,
    lines: &'a LineStarts,
    span: Span,
    /// The lines (from 0) of its start and of its end.
    first: usize,
    last: usize,
}

impl Mark<'_> {
    /// The byte offset of `offset` within its line.
    fn column(&self, offset: usize) -> usize {
        offset - self.lines.line(self.text, offset).1
    }
}

/// The line (from 0) shown for byte `offset` of `text`: the end of a text that ends with a
/// line break is shown on its last line, as the renderer does.
fn shown_line(text: &str, lines: &LineStarts, offset: usize) -> usize {
    let offset = if offset >= text.len() && text.ends_with('\n') { text.len() - 1 } else { offset };
    lines.line(text, offset).0
}

fn render_one(diagnostic: &Diagnostic, sources: &SourceMap, renderer: &Renderer) -> String {
    let level = match diagnostic.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let mut group = Group::with_title(level.primary_title(&diagnostic.message).id(diagnostic.code));
    let labels = diagnostic.primary.iter().map(|l| (l, AnnotationKind::Primary));
    let others = diagnostic.secondary.iter().map(|l| (l, AnnotationKind::Context));
    let mut unplaced = Vec::new();
    // The places of each file, files in order of first mention, the primary's first.
    let mut files: IndexMap<&str, Vec<Mark<'_>>> = IndexMap::new();
    for (label, kind) in labels.chain(others) {
        let Some((text, lines)) = sources.file(&label.file) else {
            unplaced.push(label);
            continue;
        };
        let mut span = clamp(text, label.span);
        let first = shown_line(text, lines, span.start);
        let mut last = shown_line(text, lines, span.end);
        if last - first > MAX_MARK_LINES {
            let line_end = lines.start(text, first + 1).saturating_sub(1).max(span.start);
            span = clamp(text, Span::new(span.start, line_end));
            last = first;
        }
        let mark = Mark { label, kind, text, lines, span, first, last };
        files.entry(label.file.as_str()).or_default().push(mark);
    }
    // One snippet per group of places near each other in a file, so related places share
    // a snippet, and each snippet shows only the lines it marks.
    for (path, mut marks) in files {
        marks.sort_by_key(|mark| (mark.span.start, mark.span.end));
        let mut groups: Vec<Vec<Mark<'_>>> = Vec::new();
        for mark in marks {
            match groups.last_mut() {
                Some(group) if together(group, &mark) => group.push(mark),
                _ => groups.push(vec![mark]),
            }
        }
        // The group with the primary mark first: the renderer heads it with the place.
        groups.sort_by_key(|group| !group.iter().any(|mark| mark.kind == AnnotationKind::Primary));
        for marks in &groups {
            group = group.element(snippet(path, marks));
        }
    }
    let mut notes: Vec<String> =
        unplaced.iter().map(|label| format!("in {}: {}", label.file, label.text)).collect();
    // The diagnostic counting others names its file in its message.
    if diagnostic.primary.is_none()
        && diagnostic.omitted == 0
        && let Some(file) = &diagnostic.file
    {
        notes.insert(0, format!("in {file}"));
    }
    let mut report = vec![group];
    for note in &notes {
        report.push(Group::with_title(Level::NOTE.secondary_title(note.as_str())));
    }
    if let Some(help) = &diagnostic.help {
        report.push(Group::with_title(Level::HELP.secondary_title(help.as_str())));
    }
    renderer.render(&report)
}

/// Whether `mark` is shown in the same snippet as the `group` before it: near it, and,
/// on a long line, not far along the line from it.
fn together(group: &[Mark<'_>], mark: &Mark<'_>) -> bool {
    let last_line = group.iter().map(|m| m.last).max().unwrap_or(mark.first);
    if mark.first > last_line + MAX_GAP_LINES {
        return false;
    }
    // Marks on long lines far apart along them would show the whole stretch between.
    let line_len = |m: &Mark<'_>, line: usize| {
        m.lines.start(m.text, line + 1).saturating_sub(m.lines.start(m.text, line))
    };
    let long =
        group.iter().chain([mark]).any(|m| line_len(m, m.first) > WIDTH || line_len(m, m.last) > WIDTH);
    if !long {
        return true;
    }
    let columns = group.iter().chain([mark]).flat_map(|m| [m.column(m.span.start), m.column(m.span.end)]);
    let (least, most) = columns.fold((usize::MAX, 0), |(least, most), c| (least.min(c), most.max(c)));
    most - least <= MAX_MARKS_WIDTH
}

/// The snippet of `marks` (of the file `path`, in the order of the file): the lines from
/// the first mark's to the last's, those marked and those next to them as they are, the
/// others (which the renderer folds away) left empty.
fn snippet<'a>(path: &'a str, marks: &[Mark<'a>]) -> Snippet<'a, annotate_snippets::Annotation<'a>> {
    let (text, lines) = (marks[0].text, marks[0].lines);
    let first = marks.iter().map(|m| m.first).min().unwrap_or(0);
    let last = marks.iter().map(|m| m.last).max().unwrap_or(first);
    // The lines the renderer may show: each mark's lines and their neighbours, and the
    // first lines of a mark over several.
    let mut shown: Vec<(usize, usize)> = marks
        .iter()
        .flat_map(|m| {
            let head = if m.last > m.first { m.first + 5 } else { m.first + 1 };
            [(m.first.saturating_sub(1), head), (m.last.saturating_sub(1), m.last + 1)]
        })
        .collect();
    shown.sort_unstable();
    let is_shown = |line: usize| shown.iter().any(|&(from, to)| (from..=to).contains(&line));
    let mut source = String::new();
    // Where each line shown starts in `source`, by its line.
    let mut placed: Vec<(usize, usize)> = Vec::new();
    for line in first..=last {
        if is_shown(line) {
            placed.push((line, source.len()));
            source.push_str(&text[lines.start(text, line)..lines.start(text, line + 1)]);
        } else {
            source.push('\n');
        }
    }
    let shift = |offset: usize| {
        let line = shown_line(text, lines, offset);
        let at = placed.iter().find(|(shown, _)| *shown == line).map_or(source.len(), |(_, at)| *at);
        (at + offset - lines.start(text, line)).min(source.len())
    };
    let annotations: Vec<_> = marks
        .iter()
        .map(|m| {
            let label = &m.label.text;
            m.kind
                .span(shift(m.span.start)..shift(m.span.end))
                .label((!label.is_empty()).then_some(label.as_str()))
        })
        .collect();
    #[cfg(test)]
    tests::SNIPPET_BYTES.with(|bytes| bytes.set(bytes.get() + source.len()));
    Snippet::source(source).path(path).line_start(first + 1).fold(true).annotations(annotations)
}

/// Keeps a span inside the text and on character boundaries, so a stale span can never
/// make rendering panic.
fn clamp(text: &str, span: Span) -> Span {
    let end = floor_char_boundary(text, span.end.min(text.len()));
    let start = floor_char_boundary(text, span.start.min(end));
    Span::new(start, end)
}

/// Diagnostics as JSON, for editors and CI: one object each, with 1-based line and column;
/// the first [`MAX_REPORTED_PER_FILE`] errors and warnings of each file, then one object
/// for each file and severity with more, `omitted` saying how many ([`cap`]).
pub fn to_json(diagnostics: &[Diagnostic], sources: &SourceMap) -> serde_json::Value {
    let capped = cap(diagnostics.to_vec());
    serde_json::Value::Array(capped.iter().map(|d| diagnostic_json(d, sources)).collect())
}

fn diagnostic_json(diagnostic: &Diagnostic, sources: &SourceMap) -> serde_json::Value {
    let place = |label: &Label| {
        let (line, column) = sources.line_col(&label.file, label.span.start);
        let (end_line, end_column) = sources.line_col(&label.file, label.span.end);
        serde_json::json!({
            "file": label.file, "line": line, "column": column,
            "end_line": end_line, "end_column": end_column, "label": label.text,
        })
    };
    let mut json = serde_json::json!({
        "severity": match diagnostic.severity { Severity::Error => "error", Severity::Warning => "warning" },
        "code": diagnostic.code,
        "message": diagnostic.message,
        "location": diagnostic.primary.as_ref().map(place),
        "file": diagnostic.primary.as_ref().map(|l| l.file.clone()).or_else(|| diagnostic.file.clone()),
        "related": diagnostic.secondary.iter().map(place).collect::<Vec<_>>(),
        "help": diagnostic.help,
    });
    if diagnostic.omitted > 0 {
        json["omitted"] = serde_json::Value::from(diagnostic.omitted);
    }
    json
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        /// Bytes of source handed to the renderer on this thread.
        pub(super) static SNIPPET_BYTES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    #[test]
    fn line_col_counts_characters_from_one() {
        let text = "ab\ncé d";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 6), (2, 3));
        assert_eq!(line_col(text, 99), (2, 5));
    }

    #[test]
    fn renders_like_rustc() {
        let mut sources = SourceMap::default();
        sources.add("rules/a.accord", "rule x\n  when foo\n");
        let diagnostic = Diagnostic::error("E0203", "unknown fact `foo`")
            .at("rules/a.accord", Span::new(14, 17), "not declared")
            .help("did you mean `food`?");
        let text = render(&[diagnostic], &sources, false);
        eprintln!("{text}");
        assert!(text.starts_with("error[E0203]: unknown fact `foo`\n"), "{text}");
        assert!(text.contains("--> rules/a.accord:2:8"), "{text}");
        assert!(text.contains("help: did you mean `food`?"), "{text}");
        assert!(text.ends_with("1 error emitted\n"), "{text}");
    }

    /// Rendering a diagnostic reads the lines it shows, not the whole file (each used to
    /// hand the renderer the whole text: with 16,000 errors in a 224 KB file, 8.8 s).
    #[test]
    fn rendering_reads_only_the_lines_shown() {
        let lines = 200_000;
        let text = "let x\n".repeat(lines);
        let mut sources = SourceMap::default();
        sources.add("big.accord", text.clone());
        let at_line = |line: usize| Span::new(line * 6 + 4, line * 6 + 5);
        let diagnostics: Vec<Diagnostic> = (1..=MAX_REPORTED_PER_FILE)
            .map(|i| {
                Diagnostic::error("E0203", "unknown fact `x`")
                    .at("big.accord", at_line(i * 3_000), "here")
                    .also("big.accord", at_line(0), "first here")
            })
            .collect();
        SNIPPET_BYTES.with(|bytes| bytes.set(0));
        let rendered = render(&diagnostics, &sources, false);
        let read = SNIPPET_BYTES.with(std::cell::Cell::get);
        // Each diagnostic shows two places far apart, as two snippets of three lines each.
        assert!(
            read <= diagnostics.len() * 2 * 3 * 6,
            "{read} bytes read for {} diagnostics",
            diagnostics.len()
        );
        assert!(rendered.contains("--> big.accord:150001:5"), "{rendered:.1000}");
        assert!(rendered.contains("::: big.accord:1:5"), "{rendered:.1000}");
        assert_eq!(sources.line_col("big.accord", text.len() - 2), (lines, 5));
    }

    #[test]
    fn places_near_each_other_share_a_snippet_and_keep_the_lines_between() {
        let text = "a\nb\nc\nd\ne\nf\ng\n";
        let mut sources = SourceMap::default();
        sources.add("f", text);
        let diagnostic = Diagnostic::error("E0201", "twice").at("f", Span::new(4, 5), "again").also(
            "f",
            Span::new(0, 1),
            "first",
        );
        let rendered = render(&[diagnostic], &sources, false);
        assert!(rendered.contains("1 | a\n  | - first\n2 | b\n3 | c\n  | ^ again"), "{rendered}");
        let far = Diagnostic::error("E0201", "twice").at("f", Span::new(12, 13), "again").also(
            "f",
            Span::new(0, 1),
            "first",
        );
        let rendered = render(&[far], &sources, false);
        assert!(rendered.contains("1 | a\n  | - first\n...\n7 | g\n  | ^ again"), "{rendered}");
    }

    #[test]
    fn the_first_fifty_of_each_file_and_severity_are_kept_and_the_rest_counted() {
        let error = |file: &str| Diagnostic::error("E0203", "e").in_file(file);
        let warning = |file: &str| Diagnostic::warning("W0304", "w").in_file(file);
        let mut diagnostics: Vec<Diagnostic> = (0..60).map(|_| error("a")).collect();
        diagnostics.extend((0..3).map(|_| error("b")));
        diagnostics.extend((0..70).map(|_| warning("a")));
        let capped = cap(diagnostics.clone());
        assert_eq!(capped.len(), 50 + 3 + 50 + 2);
        let more: Vec<(&str, &str, usize)> = capped
            .iter()
            .filter(|d| d.omitted > 0)
            .map(|d| (d.code, d.message.as_str(), d.omitted))
            .collect();
        assert_eq!(
            more,
            [
                (MORE_ERRORS, "10 more errors in `a` not shown", 10),
                (MORE_WARNINGS, "20 more warnings in `a` not shown", 20)
            ]
        );
        assert_eq!(count(&capped), count(&diagnostics));
        assert_eq!(count(&capped), (63, 70));
        // Capping again changes nothing.
        assert_eq!(cap(capped.clone()), capped);
    }

    #[test]
    fn the_first_in_the_file_are_kept_whatever_the_order_found() {
        let mut first = FirstInFile::default();
        for at in (0..200).rev() {
            first.push(Diagnostic::error("E0303", format!("{at}")).at("c", Span::new(at, at + 1), ""));
        }
        let kept = first.finish("c");
        let messages: Vec<&str> = kept.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages.len(), 51);
        assert_eq!(messages[..3], ["0", "1", "2"]);
        assert_eq!(messages[49], "49");
        assert_eq!(messages[50], "150 more errors in `c` not shown");
    }
}
