//! `accord lsp`: a language server for rule files, over the Language Server Protocol on
//! standard input and output (lsp-server, as rust-analyzer uses). As a file is opened or
//! typed into, the rule base it belongs to (every `.accord` file of its folder, the open
//! ones as the editor holds them) is checked as `accord check` checks it, and every error
//! and warning is published for each file. The folder as last checked then answers the
//! editor's questions: hover, definitions, references, renames, completion, the outline,
//! formatting and fixes.
//!
//! This file holds the loop over messages and the state kept between them; each kind of
//! answer has its module: `diagnostics.rs` what is published, `hover.rs`, `navigate.rs`
//! (definitions, references, renames, the outline), `complete.rs`, `edits.rs` (formatting
//! and fixes), over `index.rs` (every name's places) and `convert.rs` (the protocol's
//! places). Must not check anything itself: the checker and the analysis do.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Notification as _,
};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentSymbolRequest, Formatting, GotoDefinition, HoverRequest,
    PrepareRenameRequest, References, RegisterCapability, Rename, Request as _,
};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionOptions,
    HoverProviderCapability, OneOf, Position, RenameOptions, ServerCapabilities, TextDocumentIdentifier,
    TextDocumentSyncCapability, TextDocumentSyncKind,
};

use crate::RuleFiles;

mod complete;
mod convert;
mod diagnostics;
mod edits;
mod hover;
mod index;
mod navigate;
#[cfg(test)]
mod tests;
pub mod transport;

pub use index::{Index, Occurrence, Symbol};

/// Serves one client on `connection` until it asks to shut down.
///
/// # Errors
///
/// The protocol was broken (a message that cannot be read or sent).
pub fn serve(connection: &Connection) -> Result<(), String> {
    let capabilities = serde_json::to_value(capabilities()).map_err(|why| why.to_string())?;
    let initialize = connection.initialize(capabilities).map_err(|why| why.to_string())?;
    if can_watch_files(&initialize) {
        send(connection, Message::Request(watch_files()))?;
    }
    let mut server = Server::default();
    // A message read while taking the notifications already waiting, to handle next.
    let mut next = None;
    loop {
        let message = match next.take() {
            Some(message) => message,
            None => match connection.receiver.recv() {
                Ok(message) => message,
                Err(_) => return Ok(()),
            },
        };
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request).map_err(|why| why.to_string())? {
                    return Ok(());
                }
                send(connection, Message::Response(server.answer(request)))?;
            }
            Message::Notification(notification) => {
                // Every notification already waiting is taken before checking: when an
                // author types faster than a large rule base checks, only the newest text
                // is checked, not each keystroke's in turn.
                let mut changed: BTreeSet<PathBuf> = server.take(notification).into_iter().collect();
                while let Ok(waiting) = connection.receiver.try_recv() {
                    match waiting {
                        Message::Notification(notification) => changed.extend(server.take(notification)),
                        other => {
                            next = Some(other);
                            break;
                        }
                    }
                }
                for published in server.check(&changed) {
                    send(connection, published)?;
                }
            }
            Message::Response(_) => {}
        }
    }
}

/// Whether the editor can be asked to watch files (`initialize`'s parameters say so).
fn can_watch_files(initialize: &serde_json::Value) -> bool {
    let watched = &initialize["capabilities"]["workspace"]["didChangeWatchedFiles"];
    watched["dynamicRegistration"] == serde_json::Value::Bool(true)
}

/// The request that asks the editor to report changes to rule files and to the source
/// texts beside them made outside it, so that the diagnostics follow them.
fn watch_files() -> Request {
    let watchers = ["**/*.accord", "**/*.txt"].map(|glob| serde_json::json!({ "globPattern": glob }));
    let registration = lsp_types::Registration {
        id: "accord-watch-files".to_string(),
        method: DidChangeWatchedFiles::METHOD.to_string(),
        register_options: Some(serde_json::json!({ "watchers": watchers })),
    };
    let params = lsp_types::RegistrationParams { registrations: vec![registration] };
    Request::new("accord-watch-files".to_string().into(), RegisterCapability::METHOD.to_string(), params)
}

/// What the server answers, as it tells the editor when they meet.
fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: lsp_types::WorkDoneProgressOptions::default(),
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        completion_provider: Some(CompletionOptions {
            // A path's next segment after `.`, a list's values after `[` and `,`, a
            // text's names after `{`. Not after a space: a list after every word typed
            // would be in the way.
            trigger_characters: Some([".", "[", ",", "{"].map(String::from).to_vec()),
            ..CompletionOptions::default()
        }),
        ..ServerCapabilities::default()
    }
}

fn send(connection: &Connection, message: Message) -> Result<(), String> {
    connection.sender.send(message).map_err(|why| why.to_string())
}

/// The files the editor has open, and each folder's rule base as last checked.
#[derive(Default)]
struct Server {
    /// The texts of the open files, by path.
    documents: BTreeMap<PathBuf, String>,
    /// Each folder's rule base as last checked: what every question is answered from,
    /// rather than compiling the folder again for each.
    folders: BTreeMap<PathBuf, Folder>,
    /// The diagnostics last published for each file: a file whose diagnostics did not
    /// change is not sent again (a rule base of many files sent them all on each edit).
    published: BTreeMap<String, Vec<lsp_types::Diagnostic>>,
}

/// A folder's rule base as last checked.
pub(crate) struct Folder {
    /// Its rule files' texts as checked, by path as the diagnostics name them.
    pub files: BTreeMap<String, String>,
    /// The rule base as last checked clean: kept while the files have errors, so that
    /// hover still says what a fact or a source is while the author mends a typo.
    pub rule_base: Option<crate::RuleBase>,
    /// Every error and warning found.
    pub diagnostics: Vec<crate::diag::Diagnostic>,
    /// Every name's places.
    pub index: Index,
    /// Where the lines of each file start.
    pub lines: BTreeMap<String, convert::Lines>,
}

impl Folder {
    /// Checks the rule files `files` (path and text) and indexes their names.
    fn check(files: BTreeMap<String, String>) -> Folder {
        let rule_files = RuleFiles::from_texts(files.iter().map(|(p, t)| (p.clone(), t.clone())).collect());
        // The names are indexed from the trees the check parsed, not from a second parse.
        let (compiled, index) = rule_files.compile_and_inspect(Index::of_parsed);
        let mut diagnostics = compiled.diagnostics;
        if let Some(rule_base) = &compiled.rule_base {
            diagnostics.extend(crate::lint::lint(rule_base).warnings);
        }
        let lines = files.iter().map(|(path, text)| (path.clone(), convert::Lines::new(text))).collect();
        Folder { files, rule_base: compiled.rule_base, diagnostics, index, lines }
    }

    /// The range of `span` in `file`, in lines and UTF-16 columns.
    pub fn range(&self, file: &str, span: crate::ast::Span) -> lsp_types::Range {
        match (self.files.get(file), self.lines.get(file)) {
            (Some(text), Some(lines)) => lines.range(text, span),
            _ => lsp_types::Range::default(),
        }
    }

    /// The location of `span` in `file`, if the folder has it.
    pub fn location(&self, file: &str, span: crate::ast::Span) -> Option<lsp_types::Location> {
        self.files.get(file)?;
        Some(lsp_types::Location { uri: convert::uri_of(Path::new(file))?, range: self.range(file, span) })
    }
}

/// Where a request points: the file (as its folder names it) and the byte offset.
pub(crate) struct Cursor<'f> {
    pub folder: &'f Folder,
    pub file: String,
    pub text: &'f str,
    pub offset: usize,
}

impl Server {
    /// The answer to a request, or the error that says why there is none.
    fn answer(&mut self, request: Request) -> Response {
        match request.method.as_str() {
            HoverRequest::METHOD => self.reply::<HoverRequest>(request, |server, params| {
                let at = &params.text_document_position_params;
                Ok(server.cursor(&at.text_document, at.position).and_then(|cursor| hover::hover(&cursor)))
            }),
            GotoDefinition::METHOD => self.reply::<GotoDefinition>(request, |server, params| {
                let at = &params.text_document_position_params;
                Ok(server
                    .cursor(&at.text_document, at.position)
                    .and_then(|cursor| navigate::definition(&cursor)))
            }),
            References::METHOD => self.reply::<References>(request, |server, params| {
                let at = &params.text_document_position;
                let declarations = params.context.include_declaration;
                Ok(server
                    .cursor(&at.text_document, at.position)
                    .and_then(|cursor| navigate::references(&cursor, declarations)))
            }),
            PrepareRenameRequest::METHOD => self.reply::<PrepareRenameRequest>(request, |server, params| {
                match server.cursor(&params.text_document, params.position) {
                    Some(cursor) => navigate::prepare_rename(&cursor),
                    None => Ok(None),
                }
            }),
            Rename::METHOD => self.reply::<Rename>(request, |server, params| {
                let at = &params.text_document_position;
                match server.cursor(&at.text_document, at.position) {
                    Some(cursor) => navigate::rename(&cursor, &params.new_name).map(Some),
                    None => Ok(None),
                }
            }),
            DocumentSymbolRequest::METHOD => {
                self.reply::<DocumentSymbolRequest>(request, |server, params| {
                    let start = Position::default();
                    Ok(server.cursor(&params.text_document, start).map(|cursor| navigate::outline(&cursor)))
                })
            }
            Completion::METHOD => self.reply::<Completion>(request, |server, params| {
                let at = &params.text_document_position;
                Ok(server.cursor(&at.text_document, at.position).map(|cursor| complete::complete(&cursor)))
            }),
            Formatting::METHOD => self.reply::<Formatting>(request, |server, params| {
                let start = Position::default();
                Ok(server.cursor(&params.text_document, start).and_then(|cursor| edits::format(&cursor)))
            }),
            CodeActionRequest::METHOD => self.reply::<CodeActionRequest>(request, |server, params| {
                let start = params.range.start;
                Ok(server
                    .cursor(&params.text_document, start)
                    .map(|cursor| edits::fixes(&cursor, params.range)))
            }),
            _ => Response::new_err(
                request.id,
                ErrorCode::MethodNotFound as i32,
                format!("accord's language server does not answer `{}`", request.method),
            ),
        }
    }

    /// The response to `request` by `answer`: its result, or an error for parameters that
    /// are not the method's or for an answer refused (a rename to a name already taken).
    fn reply<R: lsp_types::request::Request>(
        &mut self,
        request: Request,
        answer: impl FnOnce(&mut Server, R::Params) -> Result<R::Result, String>,
    ) -> Response {
        let params = match serde_json::from_value::<R::Params>(request.params) {
            Ok(params) => params,
            Err(why) => {
                return Response::new_err(request.id, ErrorCode::InvalidParams as i32, why.to_string());
            }
        };
        match answer(self, params) {
            Ok(result) => Response::new_ok(request.id, result),
            Err(why) => Response::new_err(request.id, ErrorCode::RequestFailed as i32, why),
        }
    }

    /// Where `document` and `position` point, in the rule base of the document's folder
    /// as last checked (checked now when no file of it was opened before).
    fn cursor(&mut self, document: &TextDocumentIdentifier, position: Position) -> Option<Cursor<'_>> {
        let path = convert::path_of(document.uri.as_str())?;
        let folder_path = path.parent()?.to_path_buf();
        if !self.folders.contains_key(&folder_path) {
            let folder = self.check_files(&folder_path);
            self.folders.insert(folder_path.clone(), folder);
        }
        let folder = self.folders.get(&folder_path)?;
        let file = path.display().to_string();
        let text = folder.files.get(&file)?;
        Some(Cursor { folder, offset: convert::offset(text, position), text, file })
    }

    /// Takes a notification about documents into account; gives the files that changed,
    /// whose folders' rule bases are to be checked again: a document opened, edited or
    /// closed, or files changed on disk (`accord fmt`, a `git pull`, a source's text
    /// edited), which the editor reports once asked to watch them.
    fn take(&mut self, notification: Notification) -> Vec<PathBuf> {
        if notification.method == DidChangeWatchedFiles::METHOD {
            let changes = notification.params.get("changes").and_then(serde_json::Value::as_array);
            return changes
                .into_iter()
                .flatten()
                .filter_map(|change| convert::path_of(change.get("uri")?.as_str()?))
                .collect();
        }
        self.take_document(notification).into_iter().collect()
    }

    /// Takes a notification about one open document into account.
    fn take_document(&mut self, notification: Notification) -> Option<PathBuf> {
        let read = |params: serde_json::Value| -> Option<(PathBuf, Option<String>)> {
            let uri = params.get("textDocument")?.get("uri")?.as_str()?;
            let path = convert::path_of(uri)?;
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
        Some(path)
    }

    /// Checks again the rule base of each folder of the `changed` documents, and gives
    /// the diagnostics to publish: those of each changed document, and of each other file
    /// whose diagnostics are not those last published (empty ones clear a file).
    fn check(&mut self, changed: &BTreeSet<PathBuf>) -> Vec<Message> {
        let folders: BTreeSet<PathBuf> = changed.iter().flat_map(|path| self.folders_of(path)).collect();
        let changed: BTreeSet<String> = changed.iter().map(|path| path.display().to_string()).collect();
        let mut messages = Vec::new();
        for folder in &folders {
            let folder = folder.as_path();
            let mut checked = self.check_files(folder);
            if checked.rule_base.is_none() {
                checked.rule_base = self.folders.remove(folder).and_then(|before| before.rule_base);
            }
            let mut by_file = diagnostics::by_file(&checked);
            // A file of the folder published before and now gone: cleared.
            let gone: Vec<String> = self
                .published
                .keys()
                .filter(|file| Path::new(file).parent() == Some(folder) && !by_file.contains_key(*file))
                .cloned()
                .collect();
            by_file.extend(gone.into_iter().map(|file| (file, Vec::new())));
            for (file, diagnostics) in by_file {
                if !changed.contains(&file) && self.published.get(&file) == Some(&diagnostics) {
                    continue;
                }
                messages.extend(diagnostics::notification(&file, diagnostics.clone()));
                match diagnostics.is_empty() && !checked.files.contains_key(&file) {
                    true => self.published.remove(&file),
                    false => self.published.insert(file, diagnostics),
                };
            }
            self.folders.insert(folder.to_path_buf(), checked);
        }
        messages
    }

    /// The folders whose rule bases a change of the file at `path` may change: a rule
    /// file's own; for any other file (a source's text), each folder checked before that
    /// holds it, in itself or below (`texts/`).
    fn folders_of(&self, path: &Path) -> Vec<PathBuf> {
        if path.extension().is_some_and(|extension| extension == "accord") {
            return path.parent().map(Path::to_path_buf).into_iter().collect();
        }
        self.folders.keys().filter(|folder| path.starts_with(folder)).cloned().collect()
    }

    /// The rule base of `folder` checked: its `.accord` files, the open ones as the editor
    /// holds them, the others read as every command reads rule files. A file that cannot
    /// be read, or an open one over the size limit of a file, is left out with the error
    /// `accord check` would give for it, so that the editor and `accord check` agree.
    fn check_files(&self, folder: &Path) -> Folder {
        let mut files: BTreeMap<String, String> = BTreeMap::new();
        let mut unread = Vec::new();
        for path in crate::load::files_at(folder, "accord", "rule").unwrap_or_default() {
            if self.documents.contains_key(&path) {
                continue;
            }
            let shown = path.display().to_string();
            match crate::load::read_text(&path) {
                Ok(text) => {
                    files.insert(shown, text);
                }
                Err(why) => unread.push(why.diagnostic(&shown).in_file(&shown)),
            }
        }
        let limit = crate::load::max_file_bytes().unwrap_or(crate::load::MAX_FILE_BYTES);
        for (path, text) in &self.documents {
            if path.parent() != Some(folder) {
                continue;
            }
            let shown = path.display().to_string();
            if text.len() as u64 > limit {
                let too_large = crate::load::ReadError::TooLarge(Some(text.len() as u64));
                unread.push(too_large.diagnostic(&shown).in_file(&shown));
            } else {
                files.insert(shown, text.clone());
            }
        }
        let mut checked = Folder::check(files);
        checked.diagnostics.splice(0..0, unread);
        checked
    }
}
