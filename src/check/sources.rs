//! Sources: `source` items checked and rendered as references, their full texts read
//! (from the rule file's folder or below, never elsewhere), and citations' quotes verified
//! against those texts. Must not decide what a rule cites: `rules.rs` resolves citations
//! and asks here whether a quote is in its source.

use std::path::{Component, Path};

use indexmap::IndexMap;

use crate::ast::{self, Item, SourceFieldName, Span, Spanned};
use crate::bib::{self, ReferenceParts};
use crate::diag::Diagnostic;
use crate::rulebase::{Origin, Reference};
use crate::suggest::did_you_mean;

use super::{Checker, ParsedFile, TextError, duplicate};

impl Checker<'_> {
    /// Checks the `source` items across files (E0207 for a key declared twice).
    pub(super) fn sources(&mut self, files: &[ParsedFile<'_>]) -> IndexMap<String, DeclaredSource> {
        let mut sources: IndexMap<String, DeclaredSource> = IndexMap::new();
        for file in files {
            for item in &file.ast.items {
                let Item::Source(source) = item else { continue };
                if let Some(first) = sources.get(&source.key.node) {
                    let diagnostic = duplicate(
                        "source",
                        &source.key.node,
                        file.path,
                        source.key.span,
                        &first.file,
                        first.span,
                    );
                    self.error(diagnostic);
                    continue;
                }
                if let Some(declared) = self.source(file.path, source) {
                    sources.insert(source.key.node.clone(), declared);
                }
            }
        }
        sources
    }

    /// Checks one source: each field once, the fields every source needs, fields that fit
    /// together (E0208); renders its reference and reads its text.
    fn source(&mut self, path: &str, source: &ast::Source) -> Option<DeclaredSource> {
        let mut fields: IndexMap<SourceFieldName, &Spanned<String>> = IndexMap::new();
        for field in &source.fields {
            if let Some(first) = fields.get(&field.name.node) {
                let message =
                    format!("source `{}` gives `{}` twice", source.key.node, field.name.node.keyword());
                let diagnostic = Diagnostic::error("E0208", message)
                    .at(path, field.name.span, "given again here")
                    .also(path, first.span, "first given here");
                self.error(diagnostic);
                continue;
            }
            fields.insert(field.name.node, &field.value);
        }
        let get = |name| fields.get(&name).map(|value| value.node.as_str());
        let missing: Vec<&str> = [SourceFieldName::Authors, SourceFieldName::Year, SourceFieldName::Title]
            .into_iter()
            .filter(|name| get(*name).is_none())
            .map(SourceFieldName::keyword)
            .collect();
        if !missing.is_empty() {
            let list = missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ");
            let diagnostic =
                Diagnostic::error("E0208", format!("source `{}` has no {list}", source.key.node))
                    .at(path, source.key.span, "incomplete source")
                    .help(
                        "every source needs `authors`, `year` and `title`, as in the paper's reference list",
                    );
            self.error(diagnostic);
            return None;
        }
        if let Some(problem) = source_shape_problem(&|name| get(name).is_some()) {
            let diagnostic = Diagnostic::error("E0208", format!("source `{}` {problem}", source.key.node))
                .at(path, source.key.span, "fields that do not fit together")
                .help("an article has `journal` (and `volume`, `issue`, `pages`); a chapter has `in` and `book`; a book or report has neither");
            self.error(diagnostic);
            return None;
        }
        let parts = ReferenceParts {
            authors: get(SourceFieldName::Authors)?,
            year: get(SourceFieldName::Year)?,
            title: get(SourceFieldName::Title)?,
            note: get(SourceFieldName::Note),
            editors: get(SourceFieldName::In),
            book: get(SourceFieldName::Book),
            journal: get(SourceFieldName::Journal),
            volume: get(SourceFieldName::Volume),
            issue: get(SourceFieldName::Issue),
            pages: get(SourceFieldName::Pages),
            published: get(SourceFieldName::Published),
        };
        let reference = Reference {
            key: source.key.node.clone(),
            authors: parts.authors.to_string(),
            year: parts.year.parse().expect("the parser reads years as four digits"),
            reference: bib::harvard(&parts, str::to_string),
        };
        let text = fields.get(&SourceFieldName::Text).and_then(|text_path| self.full_text(path, text_path));
        let origin = self.origin(path, source.key.span, &source.allows);
        Some(DeclaredSource { reference, file: path.to_string(), span: source.key.span, text, origin })
    }

    /// Reads a source's full text, relative to the rule file that declares it, from its
    /// folder or below.
    fn full_text(&mut self, rule_file: &str, text_path: &Spanned<String>) -> Option<String> {
        let folder = Path::new(rule_file).parent().unwrap_or(Path::new(""));
        let resolved = folder.join(&text_path.node);
        let resolved = resolved.to_string_lossy().replace('\\', "/");
        let folder = folder.to_string_lossy().replace('\\', "/");
        let read = match leaves_its_folder(&text_path.node) {
            Some(why) => Err(TextError::Outside(why)),
            None => (self.read_text)(&resolved, &folder),
        };
        let (why, help) = match read {
            Ok(text) => return Some(bib::normalise(&text)),
            Err(TextError::Outside(why)) => {
                let folder = if folder.is_empty() { "." } else { folder.as_str() };
                (
                    format!("it is outside the folder of the rule file (`{folder}`): {why}"),
                    "keep the source's text in the folder of its rule file or below it (such as `texts/`), \
                     and name it relative to that folder; a source's text is read from nowhere else",
                )
            }
            Err(TextError::Unreadable(why)) => (why, "the path is relative to the folder of this rule file"),
        };
        let diagnostic =
            Diagnostic::error("E0211", format!("cannot read the text of this source, `{resolved}`: {why}"))
                .at(rule_file, text_path.span, "read from here")
                .help(help);
        self.error(diagnostic);
        None
    }

    /// The index of the source `key` names, or an error with the closest key.
    pub(super) fn source_named(
        &mut self,
        file: &str,
        key: &Spanned<String>,
        sources: &IndexMap<String, DeclaredSource>,
    ) -> Option<usize> {
        if let Some(index) = sources.get_index_of(&key.node) {
            return Some(index);
        }
        let diagnostic = Diagnostic::error("E0202", format!("unknown source `{}`", key.node))
            .at(file, key.span, "no source has this key")
            .suggest(key.span, did_you_mean(&key.node, sources.keys().map(String::as_str)), || {
                "declare it with `source key`, then its authors, year and title".into()
            });
        self.error(diagnostic);
        None
    }

    /// Whether a citation's quote is in the text of the source it is checked against
    /// (`checked`, named `checked_key`): E0205 for a quote with no word in it, or one not
    /// found in a text that was read. A source with no text is not checked.
    pub(super) fn quote_found(
        &mut self,
        file: &str,
        quote: &Spanned<String>,
        checked_key: &str,
        checked: &DeclaredSource,
    ) -> bool {
        // The empty text is in every text, and white space and punctuation alone are in most:
        // such a quote would pass the check and prove nothing.
        if !quote.node.chars().any(char::is_alphanumeric) {
            let diagnostic = Diagnostic::error("E0205", "this quote has no word in it")
                .at(file, quote.span, "no word to find in the source")
                .help("quote the source's own words, or cite it without `quote` (at a page or section)");
            self.error(diagnostic);
            return false;
        }
        if let Some(text) = &checked.text
            && !text.contains(&bib::normalise(&quote.node))
        {
            let diagnostic = Diagnostic::error("E0205", format!("quote not found in the text of `{checked_key}`"))
                    .at(file, quote.span, "not in the source's text")
                    .also(&checked.file, checked.span, "the source is declared here")
                    .help("quote the source word for word; white space, typographic quotes and dashes, and `*emphasis*` marks need not match");
            self.error(diagnostic);
            return false;
        }
        true
    }
}

/// Refuses a source's `text` path that leads out of its rule file's folder on the face of
/// it: an absolute path, or one whose `..` climb above the folder. (Symbolic links are
/// for the reader, which resolves them.)
fn leaves_its_folder(text_path: &str) -> Option<String> {
    let path = Path::new(text_path);
    if path.has_root() || path.is_absolute() || text_path.starts_with(['/', '\\']) {
        return Some("it is an absolute path".to_string());
    }
    let mut depth: usize = 0;
    for component in path.components() {
        match component {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir if depth > 0 => depth -= 1,
            Component::ParentDir => return Some("its `..` lead out of it".to_string()),
            Component::RootDir | Component::Prefix(_) => return Some("it is an absolute path".to_string()),
        }
    }
    None
}

/// What is wrong with a source's combination of fields, if anything: a chapter needs both
/// `in` and `book`, and an entry cannot be both an article and a chapter.
fn source_shape_problem(has: &dyn Fn(SourceFieldName) -> bool) -> Option<&'static str> {
    use SourceFieldName::{Book, In, Issue, Journal, Pages, Volume};
    let article_parts = has(Volume) || has(Issue) || has(Pages);
    if has(Journal) && (has(In) || has(Book)) {
        Some("is both an article (`journal`) and a chapter (`in`, `book`)")
    } else if has(In) != has(Book) {
        Some("is a chapter, which needs both `in` (the editors) and `book`")
    } else if article_parts && !has(Journal) {
        Some("has `volume`, `issue` or `pages` but no `journal`")
    } else {
        None
    }
}

/// A source as declared: its reference, where it was declared, and its normalised text.
pub(super) struct DeclaredSource {
    pub(super) reference: Reference,
    pub(super) file: String,
    pub(super) span: Span,
    pub(super) text: Option<String>,
    pub(super) origin: Origin,
}
