//! `accord lsp`: a language server for rule files, over the Language Server Protocol on
//! standard input and output (lsp-server, as rust-analyzer uses). As a file is opened or
//! typed into, the rule base it belongs to (every `.accord` file of its folder, the open
//! ones as the editor holds them) is checked as `accord check` checks it, and every error
//! and warning is published for each file, with its code, its place and the other places
//! involved. Must not check anything itself: the checker and the analysis do.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::str::FromStr as _;

use lsp_server::{Connection, ErrorCode, Message, Notification, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument, Notification as _,
    PublishDiagnostics,
};
use lsp_types::request::{HoverRequest, Request as _};
use lsp_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Hover, HoverContents,
    HoverProviderCapability, Location, MarkupContent, MarkupKind, NumberOrString, Position,
    PublishDiagnosticsParams, Range, ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind,
    Uri,
};

use crate::RuleFiles;
use crate::diag::{Label, Severity};

/// Serves one client on `connection` until it asks to shut down.
///
/// # Errors
///
/// The protocol was broken (a message that cannot be read or sent).
pub fn serve(connection: &Connection) -> Result<(), String> {
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    };
    let capabilities = serde_json::to_value(capabilities).map_err(|why| why.to_string())?;
    connection.initialize(capabilities).map_err(|why| why.to_string())?;
    let mut server = Server { documents: BTreeMap::new(), checked: BTreeMap::new() };
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request).map_err(|why| why.to_string())? {
                    return Ok(());
                }
                if request.method == HoverRequest::METHOD {
                    let hover = server.hover(&request.params);
                    send(connection, Message::Response(Response::new_ok(request.id, hover)))?;
                    continue;
                }
                let refused = Response::new_err(
                    request.id,
                    ErrorCode::MethodNotFound as i32,
                    format!("accord's language server does not answer `{}` yet", request.method),
                );
                send(connection, Message::Response(refused))?;
            }
            Message::Notification(notification) => {
                if let Some(folder) = server.take(notification) {
                    for published in server.check(&folder) {
                        send(connection, published)?;
                    }
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(())
}

fn send(connection: &Connection, message: Message) -> Result<(), String> {
    connection.sender.send(message).map_err(|why| why.to_string())
}

/// The texts of the files the editor has open, by path.
struct Server {
    documents: BTreeMap<PathBuf, String>,
    /// The rule base of each folder as last checked, when it checked: what hovering reads,
    /// rather than compiling the folder again for each hover.
    checked: BTreeMap<PathBuf, crate::RuleBase>,
}

impl Server {
    /// Takes a notification about a document into account; gives the folder whose rule
    /// base to check again, if it changed.
    fn take(&mut self, notification: Notification) -> Option<PathBuf> {
        let read = |params: serde_json::Value| -> Option<(PathBuf, Option<String>)> {
            let uri = params.get("textDocument")?.get("uri")?.as_str()?;
            let path = path_of(uri)?;
            let text = params
                .get("textDocument")
                .and_then(|document| document.get("text"))
                .or_else(|| params.get("contentChanges")?.as_array()?.last()?.get("text"))
                .and_then(serde_json::Value::as_str)
                .map(str::to_string);
            Some((path, text))
        };
        let method = notification.method.clone();
        let (path, text) = read(notification.params)?;
        match method.as_str() {
            DidOpenTextDocument::METHOD | DidChangeTextDocument::METHOD => {
                self.documents.insert(path.clone(), text?);
            }
            DidCloseTextDocument::METHOD => {
                self.documents.remove(&path);
            }
            DidSaveTextDocument::METHOD => {}
            _ => return None,
        }
        path.parent().map(Path::to_path_buf)
    }

    /// Checks the rule base of `folder` (its `.accord` files, the open ones as the editor
    /// holds them) and gives the diagnostics of each of its files, none for a clean one.
    fn check(&mut self, folder: &Path) -> Vec<Message> {
        let files = self.folder_files(folder);
        let compiled =
            RuleFiles::from_texts(files.iter().map(|(p, t)| (p.clone(), t.clone())).collect()).compile();
        let mut found = compiled.diagnostics;
        match compiled.rule_base {
            Some(rule_base) => {
                found.extend(crate::lint::lint(&rule_base).warnings);
                self.checked.insert(folder.to_path_buf(), rule_base);
            }
            None => {
                self.checked.remove(folder);
            }
        }
        let mut by_file: BTreeMap<&str, Vec<Diagnostic>> =
            files.keys().map(|p| (p.as_str(), Vec::new())).collect();
        for found in &found {
            let Some(primary) = &found.primary else { continue };
            let Some(text) = files.get(&primary.file) else { continue };
            let related: Vec<DiagnosticRelatedInformation> = found
                .secondary
                .iter()
                .filter_map(|label| {
                    Some(DiagnosticRelatedInformation {
                        location: location(label, files.get(&label.file)?)?,
                        message: label.text.clone(),
                    })
                })
                .collect();
            let message = match &found.help {
                Some(help) => format!("{}\nhelp: {help}", found.message),
                None => found.message.clone(),
            };
            if let Some(list) = by_file.get_mut(primary.file.as_str()) {
                list.push(Diagnostic {
                    range: range(text, primary),
                    severity: Some(match found.severity {
                        Severity::Error => DiagnosticSeverity::ERROR,
                        Severity::Warning => DiagnosticSeverity::WARNING,
                    }),
                    code: Some(NumberOrString::String(found.code.to_string())),
                    source: Some("accord".to_string()),
                    message,
                    related_information: (!related.is_empty()).then_some(related),
                    ..Diagnostic::default()
                });
            }
        }
        by_file
            .into_iter()
            .filter_map(|(path, diagnostics)| {
                let uri = uri_of(Path::new(path))?;
                let params = PublishDiagnosticsParams { uri, diagnostics, version: None };
                Some(Message::Notification(Notification::new(PublishDiagnostics::METHOD.to_string(), params)))
            })
            .collect()
    }
}

impl Server {
    /// What the name under the cursor is, in words: a fact (its type, its question and
    /// its label), a source (its reference, Harvard style) or a rule (its kind and title);
    /// `null` over anything else.
    fn hover(&self, params: &serde_json::Value) -> Option<Hover> {
        let path = path_of(params.get("textDocument")?.get("uri")?.as_str()?)?;
        let text = match self.documents.get(&path) {
            Some(text) => text.clone(),
            None => crate::load::read_text(&path).ok()?,
        };
        let line = usize::try_from(params.get("position")?.get("line")?.as_u64()?).ok()?;
        let character = usize::try_from(params.get("position")?.get("character")?.as_u64()?).ok()?;
        let name = name_at(&text, line, character)?;
        let folder = path.parent()?;
        let words = match self.checked.get(folder) {
            Some(rule_base) => describe(rule_base, &name)?,
            // A file hovered before it was opened: its folder is checked now.
            None => describe(
                &RuleFiles::from_texts(self.folder_files(folder).into_iter().collect()).compile().rule_base?,
                &name,
            )?,
        };
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: words }),
            range: None,
        })
    }

    /// The `.accord` files of `folder`, the open ones as the editor holds them, the others
    /// read as every command reads rule files (within the size limit of a file).
    fn folder_files(&self, folder: &Path) -> BTreeMap<String, String> {
        let mut files: BTreeMap<String, String> = BTreeMap::new();
        for path in crate::load::files_at(folder, "accord", "rule").unwrap_or_default() {
            if !self.documents.contains_key(&path)
                && let Ok(text) = crate::load::read_text(&path)
            {
                files.insert(path.display().to_string(), text);
            }
        }
        for (path, text) in &self.documents {
            if path.parent() == Some(folder) {
                files.insert(path.display().to_string(), text.clone());
            }
        }
        files
    }
}

/// The name (letters, digits, `_`, `.`, `[]`) at line `line`, UTF-16 column `character`.
fn name_at(text: &str, line: usize, character: usize) -> Option<String> {
    let line = text.lines().nth(line)?;
    let mut units = 0;
    let at = line.char_indices().find(|(_, c)| {
        units += c.len_utf16();
        units > character
    })?;
    let is_name = |c: char| c.is_alphanumeric() || matches!(c, '_' | '.' | '[' | ']');
    let start = line[..at.0].rfind(|c: char| !is_name(c)).map_or(0, |i| i + 1);
    let end = line[at.0..].find(|c: char| !is_name(c)).map_or(line.len(), |i| at.0 + i);
    let name = line[start..end].trim_end_matches('.');
    (!name.is_empty()).then(|| name.to_string())
}

/// `name` in words, if the rule base knows it.
fn describe(rule_base: &crate::RuleBase, name: &str) -> Option<String> {
    use crate::rulebase::Type;
    let vocabulary = rule_base.vocabulary();
    if let Some(fact) = vocabulary.find(name).and_then(|id| vocabulary.get(id)) {
        let ty = match &fact.ty {
            Type::Bool => "true or false".to_string(),
            Type::Text => "text".to_string(),
            Type::Number => "a number".to_string(),
            Type::Date => "a date".to_string(),
            Type::TextList => "a list of text".to_string(),
            Type::Records(_) => "a list of records".to_string(),
            Type::Enum(values) => format!("one of {}", values.join(", ")),
        };
        let mut out = format!("**fact** `{name}`: {ty}");
        if let Some(question) = &fact.question {
            let _ = write!(out, "\n\n{}", crate::schema::template_in_words(vocabulary, question));
        }
        if let Some(label) = &fact.wording.label {
            let _ = write!(out, "\n\n_{}_", crate::schema::template_in_words(vocabulary, label));
        }
        return Some(out);
    }
    if let Some(reference) = rule_base.sources().get(name) {
        return Some(format!("**source** `{name}`\n\n{}", reference.reference));
    }
    let rule = rule_base.rules().iter().find(|rule| rule.id == name)?;
    let title: String = rule
        .title
        .parts
        .iter()
        .map(|part| match part {
            crate::rulebase::TemplatePart::Literal(words) => words.as_str(),
            crate::rulebase::TemplatePart::Value { .. } => "…",
        })
        .collect();
    Some(format!("**rule** `{name}` ({}): {title}", rule.kind.name()))
}

fn location(label: &Label, text: &str) -> Option<Location> {
    Some(Location { uri: uri_of(Path::new(&label.file))?, range: range(text, label) })
}

/// The range of a label's bytes, in lines and UTF-16 columns as the protocol counts them.
fn range(text: &str, label: &Label) -> Range {
    Range { start: position(text, label.span.start), end: position(text, label.span.end) }
}

fn position(text: &str, offset: usize) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    let character: usize = text[line_start..offset].chars().map(char::len_utf16).sum();
    Position {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        character: u32::try_from(character).unwrap_or(u32::MAX),
    }
}

/// The path of a `file://` URI, its percent-escapes decoded.
fn path_of(uri: &str) -> Option<PathBuf> {
    let encoded = uri.strip_prefix("file://")?;
    let mut bytes = Vec::with_capacity(encoded.len());
    let mut rest = encoded.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        if byte == b'%' && tail.len() >= 2 {
            let hex = std::str::from_utf8(&tail[..2]).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            rest = &tail[2..];
        } else {
            bytes.push(byte);
            rest = tail;
        }
    }
    Some(PathBuf::from(String::from_utf8(bytes).ok()?))
}

/// The `file://` URI of an absolute path, escaped where a URI needs it.
fn uri_of(path: &Path) -> Option<Uri> {
    Uri::from_str(&format!("file://{}", crate::percent::encoded(path.to_str()?, b"/"))).ok()
}
