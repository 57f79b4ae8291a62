//! Finding one's way in a rule base: the declaration of the name under the cursor, every
//! place it is used, renaming it everywhere, and the outline of a file. All from the
//! index of the folder's names. Must not edit anything but the names' own bytes.

use std::collections::BTreeMap;
use std::path::Path;

use lsp_types::{
    DocumentChanges, DocumentSymbol, DocumentSymbolResponse, GotoDefinitionResponse, Location,
    OptionalVersionedTextDocumentIdentifier, PrepareRenameResponse, SymbolKind, TextDocumentEdit, TextEdit,
    WorkspaceEdit,
};

use super::Cursor;
use super::convert::uri_of;
use super::index::{Occurrence, Symbol};
use crate::ast::Span;

/// Where the name under the cursor is declared.
pub fn definition(cursor: &Cursor<'_>) -> Option<GotoDefinitionResponse> {
    let at = cursor.folder.index.at(&cursor.file, cursor.offset)?;
    let places: Vec<Location> = cursor
        .folder
        .index
        .of(&at.symbol)
        .filter(|o| o.declaration)
        .filter_map(|o| place(cursor, o))
        .collect();
    (!places.is_empty()).then_some(GotoDefinitionResponse::Array(places))
}

/// Every place the name under the cursor is written, its declaration first when asked.
pub fn references(cursor: &Cursor<'_>, with_declaration: bool) -> Option<Vec<Location>> {
    let at = cursor.folder.index.at(&cursor.file, cursor.offset)?;
    let places = cursor
        .folder
        .index
        .of(&at.symbol)
        .filter(|o| with_declaration || !o.declaration)
        .filter_map(|o| place(cursor, o))
        .collect();
    Some(places)
}

/// Where an occurrence is, as a definition or a reference: the whole path of a fact
/// (`change.date`, not only `date`), as written.
fn place(cursor: &Cursor<'_>, occurrence: &Occurrence) -> Option<Location> {
    cursor.folder.location(&occurrence.file, occurrence.reach)
}

/// The name a rename at the cursor would change, and its range; none over anything else.
///
/// # Errors
///
/// The cursor is on a name the rule base does not declare (it says why there is no
/// rename).
pub fn prepare_rename(cursor: &Cursor<'_>) -> Result<Option<PrepareRenameResponse>, String> {
    // Over no name at all (a keyword, a value, a string), there is nothing to say: the
    // editor simply offers no rename there.
    if cursor.folder.index.at(&cursor.file, cursor.offset).is_none() {
        return Ok(None);
    }
    let at = renamed(cursor)?;
    Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
        range: cursor.folder.range(&cursor.file, at.span),
        placeholder: cursor.text[at.span.start..at.span.end].to_string(),
    }))
}

/// The edits that rename the name under the cursor to `new_name` in every file of the
/// folder. A fact's last segment is renamed (`change.date` to `change.effective_on`
/// may be given whole or as `effective_on`), never the path it belongs to.
///
/// # Errors
///
/// The cursor is on no declared name, `new_name` cannot be written as one, or another
/// name of the same kind already has it.
pub fn rename(cursor: &Cursor<'_>, new_name: &str) -> Result<WorkspaceEdit, String> {
    let at = renamed(cursor)?;
    let index = &cursor.folder.index;
    let written = &cursor.text[at.span.start..at.span.end];
    let new_name = new_name.trim();
    let (renamed_symbol, new_segment) = match &at.symbol {
        Symbol::Fact(path) => {
            let (parent, _) = path.rsplit_once('.').unwrap_or(("", path));
            let segment = match new_name.rsplit_once('.') {
                Some((new_parent, segment)) if new_parent == parent => segment,
                Some(_) => {
                    return Err(format!(
                        "a rename changes the last part of a fact's path only: give `{}` or a name for `{written}`",
                        if parent.is_empty() { written.to_string() } else { format!("{parent}.{written}") }
                    ));
                }
                None => new_name,
            };
            let new_path =
                if parent.is_empty() { segment.to_string() } else { format!("{parent}.{segment}") };
            (Symbol::Fact(new_path), segment)
        }
        other => (other.with_name(new_name), new_name),
    };
    if !crate::syntax::is_name(new_segment) {
        return Err(format!(
            "`{new_segment}` cannot be a name: a name is a letter or `_`, then letters, digits and `_`, and not a keyword"
        ));
    }
    if renamed_symbol != at.symbol && index.is_declared(&renamed_symbol) {
        return Err(format!("there is already a {} `{new_name}`", at.symbol.kind()));
    }
    if matches!(at.symbol, Symbol::Definition(_) | Symbol::Fact(_))
        && shadows(cursor, &at.symbol, new_segment)
    {
        return Err(format!("`{new_segment}` would then name two things: choose another name"));
    }
    Ok(edit_everywhere(cursor, &at.symbol, new_segment))
}

/// The occurrence a rename at the cursor renames: a declared name.
fn renamed<'c>(cursor: &'c Cursor<'_>) -> Result<&'c Occurrence, String> {
    let Some(at) = cursor.folder.index.at(&cursor.file, cursor.offset) else {
        return Err("there is no name to rename here".to_string());
    };
    if !cursor.folder.index.is_declared(&at.symbol) {
        return Err(format!(
            "this {} is not declared in the rule base: there is nothing to rename",
            at.symbol.kind()
        ));
    }
    Ok(at)
}

/// Whether a single-word fact or derived fact renamed `new_name` would clash with the
/// other kind of bare name (a derived fact and a fact of one segment both read as `x`).
fn shadows(cursor: &Cursor<'_>, symbol: &Symbol, new_name: &str) -> bool {
    let index = &cursor.folder.index;
    match symbol {
        Symbol::Definition(_) => {
            index.facts.contains_key(new_name) || index.is_declared(&Symbol::Words(new_name.to_string()))
        }
        Symbol::Fact(path) if !path.contains('.') => {
            index.is_declared(&Symbol::Definition(new_name.to_string()))
                || index.is_declared(&Symbol::Words(new_name.to_string()))
        }
        _ => false,
    }
}

/// A workspace edit writing `new_name` over every occurrence of `symbol`, file by file.
fn edit_everywhere(cursor: &Cursor<'_>, symbol: &Symbol, new_name: &str) -> WorkspaceEdit {
    let mut by_file: BTreeMap<&str, Vec<Span>> = BTreeMap::new();
    for occurrence in cursor.folder.index.of(symbol) {
        by_file.entry(&occurrence.file).or_default().push(occurrence.span);
    }
    let edits = by_file
        .into_iter()
        .filter_map(|(file, mut spans)| {
            cursor.folder.files.get(file)?;
            spans.sort_by_key(|span| span.start);
            spans.dedup();
            let edits = spans
                .into_iter()
                .map(|span| {
                    lsp_types::OneOf::Left(TextEdit {
                        range: cursor.folder.range(file, span),
                        new_text: new_name.to_string(),
                    })
                })
                .collect();
            let uri = uri_of(Path::new(file))?;
            Some(TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier { uri, version: None },
                edits,
            })
        })
        .collect();
    WorkspaceEdit { document_changes: Some(DocumentChanges::Edits(edits)), ..WorkspaceEdit::default() }
}

/// The outline of the file at the cursor: what it declares, in order.
pub fn outline(cursor: &Cursor<'_>) -> DocumentSymbolResponse {
    let declarations: Vec<&Occurrence> = cursor
        .folder
        .index
        .occurrences
        .iter()
        .filter(|o| o.file == cursor.file && o.declaration && !matches!(o.symbol, Symbol::Binding { .. }))
        .collect();
    let symbols = declarations
        .iter()
        .enumerate()
        .map(|(i, declaration)| {
            let next = declarations
                .get(i + 1)
                .map_or(cursor.text.len(), |next| line_start(cursor.text, next.span.start));
            let extent = extent(cursor.text, declaration.span, next);
            let name = match &declaration.symbol {
                Symbol::Fact(path) => path.clone(),
                _ => cursor.text[declaration.span.start..declaration.span.end].to_string(),
            };
            #[allow(deprecated, reason = "`deprecated` is a field the protocol still carries")]
            DocumentSymbol {
                name,
                detail: Some(declaration.symbol.kind().to_string()),
                kind: symbol_kind(&declaration.symbol),
                tags: None,
                deprecated: None,
                range: cursor.folder.range(&cursor.file, extent),
                selection_range: cursor.folder.range(&cursor.file, declaration.span),
                children: None,
            }
        })
        .collect();
    DocumentSymbolResponse::Nested(symbols)
}

/// The lines of the declaration at `name`: from its line to the next line at the left
/// margin (the next item, or a comment before it) or the next declaration, whichever
/// comes first, white space at the end left out.
fn extent(text: &str, name: Span, next: usize) -> Span {
    let start = line_start(text, name.start);
    let after_line = text[name.end..].find('\n').map_or(text.len(), |at| name.end + at + 1);
    let margin = text[after_line..]
        .split_inclusive('\n')
        .scan(after_line, |at, line| {
            let here = *at;
            *at += line.len();
            Some((here, line))
        })
        .find(|(_, line)| line.starts_with(|c: char| !c.is_whitespace()))
        .map_or(text.len(), |(at, _)| at);
    let end = next.min(margin).max(name.end);
    Span::new(start, start + text[start..end].trim_end().len())
}

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |at| at + 1)
}

fn symbol_kind(symbol: &Symbol) -> SymbolKind {
    match symbol {
        Symbol::Rule(_) => SymbolKind::FUNCTION,
        Symbol::Fact(_) => SymbolKind::FIELD,
        Symbol::Definition(_) => SymbolKind::PROPERTY,
        Symbol::Words(_) => SymbolKind::STRING,
        Symbol::Source(_) => SymbolKind::OBJECT,
        Symbol::Lesson(_) => SymbolKind::KEY,
        Symbol::Evidence(_) | Symbol::Priority(_) => SymbolKind::ENUM_MEMBER,
        Symbol::Binding { .. } => SymbolKind::VARIABLE,
    }
}
