//! Diagnostics: the errors and warnings every stage reports, and their rendering in the
//! manner of rustc (severity, code and message, `path:line:col`, the source line with the
//! place marked, help).
//!
//! Stages build [`Diagnostic`]s and collect them; the command line renders them with the
//! [`SourceMap`] of the files they point into.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use indexmap::IndexMap;

use crate::ast::Span;

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
    files: IndexMap<String, String>,
}

impl SourceMap {
    /// Remembers a file's text.
    pub fn add(&mut self, path: impl Into<String>, text: impl Into<String>) {
        self.files.insert(path.into(), text.into());
    }

    /// A file's text.
    pub fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
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

/// Renders diagnostics for a terminal (`color`) or for plain output.
pub fn render(diagnostics: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut out = String::new();
    for diagnostic in diagnostics {
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

fn count(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    (errors, diagnostics.len() - errors)
}

fn summary(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, w) => format!("{} emitted", plural(w, "warning")),
        (e, 0) => format!("{} emitted", plural(e, "error")),
        (e, w) => format!("{} and {} emitted", plural(e, "error"), plural(w, "warning")),
    }
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
    // One snippet per file, in order of first mention, so related places in one file
    // share a snippet.
    let mut snippets: IndexMap<&str, Snippet<'_, annotate_snippets::Annotation<'_>>> = IndexMap::new();
    for (label, kind) in labels.chain(others) {
        let Some(text) = sources.get(&label.file) else {
            unplaced.push(label);
            continue;
        };
        let span = clamp(text, label.span);
        let snippet = snippets
            .shift_remove(label.file.as_str())
            .unwrap_or_else(|| Snippet::source(text).path(label.file.as_str()).fold(true));
        let annotation =
            kind.span(span.range()).label((!label.text.is_empty()).then_some(label.text.as_str()));
        snippets.insert(label.file.as_str(), snippet.annotation(annotation));
    }
    for (_, snippet) in snippets {
        group = group.element(snippet);
    }
    let mut notes: Vec<String> =
        unplaced.iter().map(|label| format!("in {}: {}", label.file, label.text)).collect();
    if diagnostic.primary.is_none()
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

/// Keeps a span inside the text and on character boundaries, so a stale span can never
/// make rendering panic.
fn clamp(text: &str, span: Span) -> Span {
    let end = floor_char_boundary(text, span.end.min(text.len()));
    let start = floor_char_boundary(text, span.start.min(end));
    Span::new(start, end)
}

/// Diagnostics as JSON, for editors and CI: one object each, with 1-based line and column.
pub fn to_json(diagnostics: &[Diagnostic], sources: &SourceMap) -> serde_json::Value {
    serde_json::Value::Array(diagnostics.iter().map(|d| diagnostic_json(d, sources)).collect())
}

fn diagnostic_json(diagnostic: &Diagnostic, sources: &SourceMap) -> serde_json::Value {
    let place = |label: &Label| {
        let text = sources.get(&label.file).unwrap_or_default();
        let (line, column) = line_col(text, label.span.start);
        let (end_line, end_column) = line_col(text, label.span.end);
        serde_json::json!({
            "file": label.file, "line": line, "column": column,
            "end_line": end_line, "end_column": end_column, "label": label.text,
        })
    };
    serde_json::json!({
        "severity": match diagnostic.severity { Severity::Error => "error", Severity::Warning => "warning" },
        "code": diagnostic.code,
        "message": diagnostic.message,
        "location": diagnostic.primary.as_ref().map(place),
        "file": diagnostic.primary.as_ref().map(|l| l.file.clone()).or_else(|| diagnostic.file.clone()),
        "related": diagnostic.secondary.iter().map(place).collect::<Vec<_>>(),
        "help": diagnostic.help,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
