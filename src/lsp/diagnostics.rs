//! The errors and warnings of a folder's rule base, published file by file as the editor
//! shows them: code, severity, message with its help, and the other places involved as
//! related information. Must not find problems: the checker and the analysis do.

use std::collections::BTreeMap;
use std::path::Path;

use lsp_server::{Message, Notification};
use lsp_types::notification::{Notification as _, PublishDiagnostics};
use lsp_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, NumberOrString, PublishDiagnosticsParams,
};

use super::Folder;
use super::convert::uri_of;
use crate::diag::Severity;

/// The diagnostics of each file of the folder, none for a clean file.
pub fn by_file(folder: &Folder) -> BTreeMap<String, Vec<Diagnostic>> {
    let mut by_file: BTreeMap<String, Vec<Diagnostic>> =
        folder.files.keys().map(|path| (path.clone(), Vec::new())).collect();
    // A file that could not be read has no text, but its error is still shown on it.
    for found in &folder.diagnostics {
        if let (None, Some(file)) = (&found.primary, &found.file) {
            by_file.entry(file.clone()).or_default();
        }
    }
    for found in &folder.diagnostics {
        // A problem without a place is shown at the top of the file it concerns, or of
        // every file when it concerns the whole rule base (its size, say): dropped, it
        // would leave files looking clean that do not check.
        let files: Vec<&String> = match (&found.primary, &found.file) {
            (Some(primary), _) => vec![&primary.file],
            (None, Some(file)) => vec![file],
            (None, None) => folder.files.keys().collect(),
        };
        for file in files {
            if let Some(list) = by_file.get_mut(file.as_str()) {
                list.push(in_protocol(folder, found));
            }
        }
    }
    by_file
}

/// The `publishDiagnostics` notification of `diagnostics` for `file`.
pub fn notification(file: &str, diagnostics: Vec<Diagnostic>) -> Option<Message> {
    let uri = uri_of(Path::new(file))?;
    let params = PublishDiagnosticsParams { uri, diagnostics, version: None };
    Some(Message::Notification(Notification::new(PublishDiagnostics::METHOD.to_string(), params)))
}

/// `found` as the protocol has it.
pub fn in_protocol(folder: &Folder, found: &crate::diag::Diagnostic) -> Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = found
        .secondary
        .iter()
        .filter_map(|label| {
            Some(DiagnosticRelatedInformation {
                location: folder.location(&label.file, label.span)?,
                message: label.text.clone(),
            })
        })
        .collect();
    let message = match &found.help {
        Some(help) => format!("{}\nhelp: {help}", found.message),
        None => found.message.clone(),
    };
    Diagnostic {
        range: found
            .primary
            .as_ref()
            .map(|primary| folder.range(&primary.file, primary.span))
            .unwrap_or_default(),
        severity: Some(match found.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(found.code.to_string())),
        source: Some("accord".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Diagnostic::default()
    }
}
