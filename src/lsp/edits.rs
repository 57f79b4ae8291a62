//! Edits the server offers: a file laid out as `accord fmt` lays it out, and the fixes
//! the checker suggests ("did you mean `change.kind`?") as quick fixes. Must not decide a
//! layout or a fix itself: the formatter and the checker do.

use std::path::Path;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, DocumentChanges, OneOf,
    OptionalVersionedTextDocumentIdentifier, Range, TextDocumentEdit, TextEdit, WorkspaceEdit,
};

use super::Cursor;
use super::convert::uri_of;
use super::diagnostics::in_protocol;

/// The edit that lays out the file at the cursor as `accord fmt` would: none when it is
/// laid out already or does not parse (its errors are shown already).
pub fn format(cursor: &Cursor<'_>) -> Option<Vec<TextEdit>> {
    let formatted = crate::format::format_rule_file(&cursor.file, cursor.text).ok()?;
    if formatted == cursor.text {
        return Some(Vec::new());
    }
    let whole = cursor.folder.range(&cursor.file, crate::ast::Span::new(0, cursor.text.len()));
    Some(vec![TextEdit { range: whole, new_text: formatted }])
}

/// A quick fix for each problem the checker found in the file at the cursor, within
/// `wanted`, that suggests a replacement.
pub fn fixes(cursor: &Cursor<'_>, wanted: Range) -> Vec<CodeActionOrCommand> {
    let Some(uri) = uri_of(Path::new(&cursor.file)) else { return Vec::new() };
    cursor
        .folder
        .diagnostics
        .iter()
        .filter_map(|found| {
            let primary = found.primary.as_ref().filter(|primary| primary.file == cursor.file)?;
            let replacement = found.replacement.as_ref()?;
            let at = cursor.folder.range(&cursor.file, primary.span);
            if at.end < wanted.start || wanted.end < at.start {
                return None;
            }
            let edit = TextEdit {
                range: cursor.folder.range(&cursor.file, replacement.span),
                new_text: replacement.text.clone(),
            };
            let document = OptionalVersionedTextDocumentIdentifier { uri: uri.clone(), version: None };
            let changes = vec![TextDocumentEdit { text_document: document, edits: vec![OneOf::Left(edit)] }];
            Some(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Write `{}`", replacement.text),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![in_protocol(cursor.folder, found)]),
                edit: Some(WorkspaceEdit {
                    document_changes: Some(DocumentChanges::Edits(changes)),
                    ..WorkspaceEdit::default()
                }),
                is_preferred: Some(true),
                ..CodeAction::default()
            }))
        })
        .collect()
}
