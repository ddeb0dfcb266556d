//! `annals lsp`: a language server for KB files, over stdio, for any editor
//! with an LSP client (lsp-server and lsp-types, as rust-analyzer).
//!
//! It keeps the KB loaded, with the editor's open buffers in place of the
//! files on disk, and reloads it after the edits stop for a moment; every
//! answer comes from that KB: `check`'s diagnostics, ids to complete,
//! definitions, references, hovers, renames, did-you-mean fixes, the items
//! of a file, and `annals fmt`'s layout. It never writes to disk: changes
//! go back to the editor as edits.

use std::collections::{HashMap, HashSet};
use std::error::Error;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types as lsp;
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;

use crate::check::Levels;
use crate::diag::{Diagnostic, Severity};
use crate::kb::Kb;
use crate::load::Loaded;
use crate::model::{NodeKind, NodeRef, Vocabulary};
use crate::source_map::SourceFile;

/// How long edits must stop before the KB is checked again: long enough
/// to take a burst of changes (a paste, an editor's change and save) as one,
/// short beside a re-check.
const DEBOUNCE: Duration = Duration::from_millis(50);

/// What the server offers.
fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Kind(
            lsp::TextDocumentSyncKind::FULL,
        )),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(vec!["\"".into(), " ".into()]),
            ..Default::default()
        }),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        rename_provider: Some(lsp::OneOf::Left(true)),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Simple(true)),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        document_formatting_provider: Some(lsp::OneOf::Left(true)),
        ..Default::default()
    }
}

/// Serves `connection` until the editor shuts it down. `kb` names the KB
/// folder, relative to the workspace's root (or to the current folder).
pub fn run(connection: &Connection, kb: &Path) -> Result<(), Box<dyn Error + Send + Sync>> {
    let caps = serde_json::to_value(capabilities())?;
    let params: lsp::InitializeParams = serde_json::from_value(connection.initialize(caps)?)?;
    #[allow(deprecated)]
    let root = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| f.uri.clone())
        .or(params.root_uri.clone())
        .and_then(|u| path_of(&u));
    let folder = match root {
        Some(root) if !kb.is_absolute() => root.join(kb),
        _ => kb.to_path_buf(),
    };
    let mut server = Server {
        kb: std::fs::canonicalize(&folder).unwrap_or(folder),
        open: HashMap::new(),
        loaded: None,
        published: HashSet::new(),
        dirty: true,
        told_outside: HashSet::new(),
    };
    loop {
        let message = match connection.receiver.recv_timeout(DEBOUNCE) {
            Ok(m) => m,
            Err(crossbeam::RecvTimeoutError::Timeout) => {
                if server.dirty {
                    server.reload(connection)?;
                }
                continue;
            }
            Err(crossbeam::RecvTimeoutError::Disconnected) => return Ok(()),
        };
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request)? {
                    return Ok(());
                }
                if server.dirty {
                    server.reload(connection)?;
                }
                let response = server.answer(request);
                connection.sender.send(Message::Response(response))?;
            }
            Message::Notification(n) => server.notified(connection, n)?,
            Message::Response(_) => {}
        }
    }
}

mod crossbeam {
    pub use crossbeam_channel::RecvTimeoutError;
}

struct Server {
    /// The KB folder, absolute.
    kb: PathBuf,
    /// Open documents inside the KB folder: their text in the editor.
    open: HashMap<PathBuf, String>,
    /// The last load: the next reads again only the files that changed
    /// since, when it can ([`Kb::load_after`]).
    loaded: Option<Loaded>,
    /// Files that have diagnostics in the editor.
    published: HashSet<PathBuf>,
    /// A document changed since the KB was loaded.
    dirty: bool,
    /// Files outside the KB the editor was told about.
    told_outside: HashSet<PathBuf>,
}

type Outcome = Result<(), Box<dyn Error + Send + Sync>>;

impl Server {
    fn notified(&mut self, connection: &Connection, n: Notification) -> Outcome {
        use lsp::notification as note;
        match n.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                let p: lsp::DidOpenTextDocumentParams = serde_json::from_value(n.params)?;
                self.set(connection, &p.text_document.uri, Some(p.text_document.text))?;
            }
            note::DidChangeTextDocument::METHOD => {
                let p: lsp::DidChangeTextDocumentParams = serde_json::from_value(n.params)?;
                if let Some(change) = p.content_changes.into_iter().last() {
                    self.set(connection, &p.text_document.uri, Some(change.text))?;
                }
            }
            note::DidCloseTextDocument::METHOD => {
                let p: lsp::DidCloseTextDocumentParams = serde_json::from_value(n.params)?;
                self.set(connection, &p.text_document.uri, None)?;
            }
            note::DidSaveTextDocument::METHOD => self.dirty = true,
            _ => {}
        }
        Ok(())
    }

    /// The editor's text of a document (or `None`: read it from disk).
    fn set(&mut self, connection: &Connection, uri: &lsp::Uri, text: Option<String>) -> Outcome {
        let Some(path) = path_of(uri) else {
            return Ok(());
        };
        let path = std::fs::canonicalize(&path).unwrap_or(path);
        if !path.starts_with(&self.kb) {
            if text.is_some() && self.told_outside.insert(path.clone()) {
                let message = format!(
                    "annals: {} is outside the KB folder {}; it is not checked",
                    path.display(),
                    self.kb.display()
                );
                show(connection, lsp::MessageType::INFO, message)?;
            }
            return Ok(());
        }
        match text {
            Some(text) => self.open.insert(path, text),
            None => self.open.remove(&path),
        };
        self.dirty = true;
        Ok(())
    }

    /// Loads the KB again and publishes every file's diagnostics.
    fn reload(&mut self, connection: &Connection) -> Outcome {
        self.dirty = false;
        let started = std::time::Instant::now();
        // The KB as it was is given to the load, which reads the changed
        // files into it or lets it go first: two KBs at once would double
        // the server's memory.
        let last = self.loaded.take();
        let reload = match Kb::load_after(&self.kb, &self.open, last) {
            Ok(reload) => reload,
            Err(e) => {
                show(
                    connection,
                    lsp::MessageType::WARNING,
                    format!("annals: {e}"),
                )?;
                return Ok(());
            }
        };
        let loaded = reload.loaded;
        let diagnostics = crate::check::diagnostics(&loaded, &Levels::of(&loaded.kb.settings));
        let mut by_file: HashMap<PathBuf, Vec<lsp::Diagnostic>> = HashMap::new();
        for d in &diagnostics {
            let file = loaded.sources.get(d.primary.span.file);
            by_file
                .entry(file.path.clone())
                .or_default()
                .push(to_lsp(&loaded, d));
        }
        let mut now = HashSet::new();
        for (_, file) in loaded.sources.iter() {
            let list = by_file.remove(&file.path).unwrap_or_default();
            if list.is_empty() && !self.published.contains(&file.path) {
                continue;
            }
            if !list.is_empty() {
                now.insert(file.path.clone());
            }
            publish(connection, &file.path, list)?;
        }
        for gone in self.published.difference(&now) {
            if loaded.sources.iter().all(|(_, f)| &f.path != gone) {
                publish(connection, gone, Vec::new())?;
            }
        }
        self.published = now;
        let (parsed, files) = (reload.parsed, reload.files);
        let message = format!(
            "annals: checked the KB in {} ms ({parsed} of {files} files parsed again)",
            started.elapsed().as_millis()
        );
        connection
            .sender
            .send(Message::Notification(Notification::new(
                lsp::notification::LogMessage::METHOD.into(),
                lsp::LogMessageParams {
                    typ: lsp::MessageType::LOG,
                    message,
                },
            )))?;
        self.loaded = Some(loaded);
        Ok(())
    }

    fn answer(&self, request: Request) -> Response {
        use lsp::request as req;
        let id = request.id.clone();
        let result = match request.method.as_str() {
            req::GotoDefinition::METHOD => self.with(request, |s, p| s.definition(p)),
            req::References::METHOD => self.with(request, |s, p| s.references(p)),
            req::HoverRequest::METHOD => self.with(request, |s, p| s.hover(p)),
            req::Completion::METHOD => self.with(request, |s, p| s.completion(p)),
            req::Rename::METHOD => self.with(request, |s, p| s.rename(p)),
            req::CodeActionRequest::METHOD => self.with(request, |s, p| s.code_actions(p)),
            req::DocumentSymbolRequest::METHOD => self.with(request, |s, p| s.symbols(p)),
            req::Formatting::METHOD => self.with(request, |s, p| s.format(p)),
            _ => {
                return Response::new_err(
                    id,
                    lsp_server::ErrorCode::MethodNotFound as i32,
                    format!("annals lsp does not answer {}", request.method),
                )
            }
        };
        match result {
            Ok(value) => Response::new_ok(id, value),
            Err(message) => {
                Response::new_err(id, lsp_server::ErrorCode::InvalidParams as i32, message)
            }
        }
    }

    /// Runs a handler on the request's parameters.
    fn with<P: serde::de::DeserializeOwned, R: serde::Serialize>(
        &self,
        request: Request,
        handler: impl FnOnce(&Server, P) -> Result<R, String>,
    ) -> Result<serde_json::Value, String> {
        let params: P = serde_json::from_value(request.params).map_err(|e| e.to_string())?;
        let result = handler(self, params)?;
        serde_json::to_value(result).map_err(|e| e.to_string())
    }

    /// The loaded KB and the file `uri` names in it.
    fn file(&self, uri: &lsp::Uri) -> Option<(&Loaded, &SourceFile)> {
        let loaded = self.loaded.as_ref()?;
        let path = path_of(uri)?;
        let path = std::fs::canonicalize(&path).unwrap_or(path);
        let (_, file) = loaded.sources.iter().find(|(_, f)| f.path == path)?;
        Some((loaded, file))
    }

    /// The id written in the string under the cursor, if it names an item.
    fn id_at(&self, at: &lsp::TextDocumentPositionParams) -> Option<(&Loaded, String, NodeRef)> {
        let (loaded, file) = self.file(&at.text_document.uri)?;
        let offset = offset(file.text(), at.position);
        let (range, _) = string_at(file.text(), offset)?;
        let id = file.text()[range.start + 1..range.end - 1].to_owned();
        let node = loaded.kb.lookup(&id)?;
        Some((loaded, id, node))
    }

    fn definition(&self, p: lsp::GotoDefinitionParams) -> Result<Option<lsp::Location>, String> {
        let Some((loaded, id, _)) = self.id_at(&p.text_document_position_params) else {
            return Ok(None);
        };
        let Some((_, span)) = loaded.kb.lookup_span(&id) else {
            return Ok(None);
        };
        Ok(Some(location(loaded, span.file, span.range())))
    }

    fn references(&self, p: lsp::ReferenceParams) -> Result<Vec<lsp::Location>, String> {
        let Some((loaded, id, _)) = self.id_at(&p.text_document_position) else {
            return Ok(Vec::new());
        };
        let definition = loaded.kb.lookup_span(&id).map(|(_, span)| span);
        Ok(occurrences(loaded, &id)
            .filter(|(file, range)| {
                p.context.include_declaration
                    || definition
                        .is_none_or(|d| !(*file == d.file && d.range().contains(&range.start)))
            })
            .map(|(file, range)| location(loaded, file, range.start + 1..range.end - 1))
            .collect())
    }

    fn hover(&self, p: lsp::HoverParams) -> Result<Option<lsp::Hover>, String> {
        let Some((loaded, _, node)) = self.id_at(&p.text_document_position_params) else {
            return Ok(None);
        };
        Ok(Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: describe(&loaded.kb, node),
            }),
            range: None,
        }))
    }

    fn completion(
        &self,
        p: lsp::CompletionParams,
    ) -> Result<Option<lsp::CompletionResponse>, String> {
        let at = &p.text_document_position;
        let Some((loaded, file)) = self.file(&at.text_document.uri) else {
            return Ok(None);
        };
        let offset = offset(file.text(), at.position);
        let items = complete(&loaded.kb, file.text(), offset);
        Ok(Some(lsp::CompletionResponse::Array(items)))
    }

    // lsp-types' `WorkspaceEdit` keys its changes by `Uri`, which clippy
    // thinks mutable (it caches parsed parts); its hash never changes.
    #[allow(clippy::mutable_key_type)]
    fn rename(&self, p: lsp::RenameParams) -> Result<Option<lsp::WorkspaceEdit>, String> {
        let Some((loaded, id, _)) = self.id_at(&p.text_document_position) else {
            return Err("put the cursor on an id to rename it".into());
        };
        let new = p.new_name;
        if let Some(why) = crate::model::id_problem(&new) {
            return Err(format!("`{new}` is not an id: {why}"));
        }
        if loaded.kb.lookup(&new).is_some() {
            return Err(format!("the id `{new}` is taken"));
        }
        let mut changes: HashMap<lsp::Uri, Vec<lsp::TextEdit>> = HashMap::new();
        for (file, range) in occurrences(loaded, &id) {
            let source = loaded.sources.get(file);
            changes
                .entry(uri_of(&source.path))
                .or_default()
                .push(lsp::TextEdit {
                    range: range_of(source.text(), range.start + 1..range.end - 1),
                    new_text: new.clone(),
                });
        }
        Ok(Some(lsp::WorkspaceEdit {
            changes: Some(changes),
            ..Default::default()
        }))
    }

    fn code_actions(
        &self,
        p: lsp::CodeActionParams,
    ) -> Result<Vec<lsp::CodeActionOrCommand>, String> {
        let Some((_, file)) = self.file(&p.text_document.uri) else {
            return Ok(Vec::new());
        };
        let mut actions = Vec::new();
        for d in &p.context.diagnostics {
            let Some(better) = did_you_mean(&d.message) else {
                continue;
            };
            let start = offset(file.text(), d.range.start);
            let end = offset(file.text(), d.range.end);
            let written = file.text().get(start..end).unwrap_or("");
            let new_text = if written.starts_with('"') {
                format!("\"{better}\"")
            } else {
                better.to_owned()
            };
            let edit = lsp::TextEdit {
                range: d.range,
                new_text,
            };
            actions.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: format!("Change to `{better}`"),
                kind: Some(lsp::CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.clone()]),
                edit: Some(lsp::WorkspaceEdit {
                    changes: Some(HashMap::from([(p.text_document.uri.clone(), vec![edit])])),
                    ..Default::default()
                }),
                is_preferred: Some(true),
                ..Default::default()
            }));
        }
        Ok(actions)
    }

    #[allow(deprecated)]
    fn symbols(
        &self,
        p: lsp::DocumentSymbolParams,
    ) -> Result<Option<lsp::DocumentSymbolResponse>, String> {
        let Some((loaded, file)) = self.file(&p.text_document.uri) else {
            return Ok(None);
        };
        let Ok(items) = crate::fmt::items(file.text()) else {
            return Ok(None);
        };
        let symbols = items
            .iter()
            .map(|item| {
                let node = loaded.kb.lookup(&item.id);
                lsp::DocumentSymbol {
                    name: item.id.clone(),
                    detail: node.map(|n| short(&loaded.kb, n)),
                    kind: match item.kind {
                        NodeKind::Actor => lsp::SymbolKind::OBJECT,
                        NodeKind::Event => lsp::SymbolKind::EVENT,
                        NodeKind::Statement => lsp::SymbolKind::STRING,
                    },
                    tags: None,
                    deprecated: None,
                    range: range_of(file.text(), item.at..item.end),
                    selection_range: range_of(file.text(), item.at..item.at),
                    children: None,
                }
            })
            .collect();
        Ok(Some(lsp::DocumentSymbolResponse::Nested(symbols)))
    }

    fn format(
        &self,
        p: lsp::DocumentFormattingParams,
    ) -> Result<Option<Vec<lsp::TextEdit>>, String> {
        let Some((loaded, file)) = self.file(&p.text_document.uri) else {
            return Ok(None);
        };
        let id = loaded
            .sources
            .iter()
            .find(|(_, f)| f.path == file.path)
            .map(|(id, _)| id);
        if loaded
            .hard_errors()
            .any(|d| Some(d.primary.span.file) == id)
        {
            return Err("the file has errors; fix them before formatting it".into());
        }
        let doc = crate::fmt::Doc::of(&file.path, &self.kb);
        let formatted = crate::fmt::format(file.text(), doc).map_err(|e| e.to_string())?;
        if formatted == file.text() {
            return Ok(Some(Vec::new()));
        }
        Ok(Some(vec![lsp::TextEdit {
            range: range_of(file.text(), 0..file.text().len()),
            new_text: formatted,
        }]))
    }
}

/// A message for the editor to show.
fn show(connection: &Connection, typ: lsp::MessageType, message: String) -> Outcome {
    connection
        .sender
        .send(Message::Notification(Notification::new(
            lsp::notification::ShowMessage::METHOD.into(),
            lsp::ShowMessageParams { typ, message },
        )))?;
    Ok(())
}

fn publish(connection: &Connection, path: &Path, diagnostics: Vec<lsp::Diagnostic>) -> Outcome {
    connection
        .sender
        .send(Message::Notification(Notification::new(
            lsp::notification::PublishDiagnostics::METHOD.into(),
            lsp::PublishDiagnosticsParams {
                uri: uri_of(path),
                diagnostics,
                version: None,
            },
        )))?;
    Ok(())
}

/// A diagnostic as the editor shows it: the message with its help.
fn to_lsp(loaded: &Loaded, d: &Diagnostic) -> lsp::Diagnostic {
    let file = loaded.sources.get(d.primary.span.file);
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related = d
        .secondary
        .iter()
        .map(|l| lsp::DiagnosticRelatedInformation {
            location: location(loaded, l.span.file, l.span.range()),
            message: l.message.clone(),
        })
        .collect::<Vec<_>>();
    lsp::Diagnostic {
        range: range_of(file.text(), d.primary.span.range()),
        severity: Some(match d.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        }),
        code: Some(lsp::NumberOrString::String(d.code.name().to_owned())),
        source: Some("annals".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    }
}

/// The suggestion of a "did you mean `x`?" in a diagnostic's text.
fn did_you_mean(message: &str) -> Option<&str> {
    let at = message.find("did you mean `")? + "did you mean `".len();
    let end = message[at..].find('`')?;
    Some(&message[at..at + end])
}

/// The fields whose strings are ids: an item's own, and every reference.
const ID_FIELDS: &[&str] = &[
    "id",
    "by",
    "of",
    "outlet",
    "publisher",
    "participants",
    "actor",
    "on_behalf_of",
    "at",
    "responds_to",
    "to",
    "about",
    "part_of",
    "source",
];

/// Every place `"id"` is written in the KB's files as an id (as a string of
/// its own, in a field that holds ids: not a topic that reads the same),
/// with the quotes.
fn occurrences<'a>(
    loaded: &'a Loaded,
    id: &'a str,
) -> impl Iterator<Item = (crate::source_map::FileId, std::ops::Range<usize>)> + 'a {
    let quoted = format!("\"{id}\"");
    loaded.sources.iter().flat_map(move |(file, source)| {
        let text = source.text();
        text.match_indices(&quoted)
            .filter(|(at, _)| !text[..*at].ends_with('\\'))
            .filter(|(at, _)| string_at(text, *at + 1).is_some_and(|(r, _)| r.start == *at))
            .filter(|(at, _)| {
                crate::load::parse::field_before(text, *at).is_some_and(|f| ID_FIELDS.contains(&f))
            })
            .map(|(at, m)| (file, at..at + m.len()))
            .collect::<Vec<_>>()
    })
}

/// The string literal (with its quotes) around byte `offset`, on its line,
/// and whether it is closed.
fn string_at(text: &str, offset: usize) -> Option<(std::ops::Range<usize>, bool)> {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |n| n + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |n| offset + n);
    let line = &text[line_start..line_end];
    let mut open: Option<usize> = None;
    let mut chars = line.char_indices();
    let mut in_comment = false;
    while let Some((i, c)) = chars.next() {
        if in_comment {
            break;
        }
        match (open, c) {
            (None, '/') if line[i..].starts_with("//") => in_comment = true,
            (None, '"') => open = Some(i),
            (Some(_), '\\') => {
                chars.next();
            }
            (Some(start), '"') => {
                let range = line_start + start..line_start + i + 1;
                if range.start < offset && offset < range.end {
                    return Some((range, true));
                }
                open = None;
            }
            _ => {}
        }
    }
    open.map(|start| line_start + start)
        .filter(|s| *s < offset)
        .map(|s| (s..offset, false))
}

/// Completions at `offset`: ids where ids go, words where words go, the
/// fields of the struct around the cursor at the start of a line.
fn complete(kb: &Kb, text: &str, offset: usize) -> Vec<lsp::CompletionItem> {
    let line_start = text[..offset].rfind('\n').map_or(0, |n| n + 1);
    let before = &text[line_start..offset];
    if let Some((range, _)) = string_at(text, offset) {
        let typed = &text[range.start + 1..offset];
        let field = crate::load::parse::field_before(text, range.start).unwrap_or("");
        let wanted: &[NodeKind] = match field {
            "by" | "of" | "outlet" | "publisher" | "participants" | "actor" | "on_behalf_of" => {
                &[NodeKind::Actor]
            }
            "at" => &[NodeKind::Event],
            "responds_to" | "to" => &[NodeKind::Statement, NodeKind::Event],
            "about" => &[NodeKind::Actor, NodeKind::Event, NodeKind::Statement],
            "part_of" => &[NodeKind::Actor, NodeKind::Event],
            _ => return Vec::new(),
        };
        let mut items = ids(kb, wanted, typed);
        if matches!(field, "responds_to" | "to") {
            if let Some(date) = item_date(kb, text, offset) {
                rank_by_time(kb, &mut items, date);
            }
        }
        return items;
    }
    let trimmed = before.trim_end();
    let word_start = before
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
        .map_or(0, |n| n + 1);
    let typed = &before[word_start..];
    let after_colon = before[..word_start].trim_end();
    if let Some(field) = after_colon.strip_suffix(':') {
        let field = field
            .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
            .next()
            .unwrap_or("");
        let words: Vec<&str> = match (field, enclosing(text, offset)) {
            ("kind", Some("Statement")) => words::<crate::model::StatementKind>(),
            ("kind", Some("Event")) => words::<crate::model::EventKind>(),
            ("kind", Some("Actor")) => words::<crate::model::ActorKind>(),
            ("kind", Some("Status")) => words::<crate::model::StatusKind>(),
            ("stance", _) => words::<crate::model::Stance>(),
            ("rating", _) => words::<crate::model::Rating>(),
            ("role", _) => words::<crate::model::ParticipationRole>(),
            _ => Vec::new(),
        };
        return words
            .into_iter()
            .filter(|w| w.starts_with(typed))
            .map(|w| lsp::CompletionItem {
                label: w.to_owned(),
                kind: Some(lsp::CompletionItemKind::ENUM_MEMBER),
                ..Default::default()
            })
            .collect();
    }
    if trimmed
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c.is_whitespace())
    {
        if let Some(name) = enclosing(text, offset) {
            return crate::fmt::field_order(name)
                .iter()
                .filter(|f| f.starts_with(typed))
                .map(|f| lsp::CompletionItem {
                    label: (*f).to_owned(),
                    kind: Some(lsp::CompletionItemKind::FIELD),
                    insert_text: Some(format!("{f}: ")),
                    ..Default::default()
                })
                .collect();
        }
    }
    Vec::new()
}

/// The middle of the date of the item the cursor is in, as written there.
fn item_date(kb: &Kb, text: &str, offset: usize) -> Option<crate::model::Instant> {
    // The start of the enclosing `Statement(`: walk out of nested brackets.
    let b = text.as_bytes();
    let (mut depth, mut i) = (0usize, offset.min(b.len()));
    let start = loop {
        if i == 0 {
            return None;
        }
        i -= 1;
        match b[i] {
            b')' | b']' | b'}' => depth += 1,
            b'(' | b'[' | b'{' if depth > 0 => depth -= 1,
            b'(' if text[..i].ends_with("Statement") => break i,
            _ => {}
        }
    };
    let item = &text[start..];
    let at = item
        .find("\n        date: \"")
        .or_else(|| item.find(" date: \""))?;
    let value = &item[at..];
    let open = value.find('"')? + 1;
    let close = open + value[open..].find('"')?;
    let bounds = crate::model::Date::parse(&value[open..close], kb.settings.zone)
        .ok()?
        .bounds();
    Some(bounds.start / 2 + bounds.end / 2)
}

/// Orders statements (and events) by how close in time they are to
/// `date`: what a response answers is usually just before it.
fn rank_by_time(kb: &Kb, items: &mut [lsp::CompletionItem], date: crate::model::Instant) {
    let distance = |id: &str| -> crate::model::Instant {
        let bounds = match kb.lookup(id) {
            Some(NodeRef::Statement(s)) => kb.statement(s).date.bounds(),
            Some(NodeRef::Event(e)) => kb.event(e).date.bounds(),
            _ => return crate::model::Instant::MAX,
        };
        (bounds.start / 2 + bounds.end / 2)
            .abs_diff(date)
            .min(i64::MAX as u64) as i64
    };
    items.sort_by_cached_key(|item| (distance(&item.label), item.label.clone()));
    for (rank, item) in items.iter_mut().enumerate() {
        item.sort_text = Some(format!("{rank:08}"));
    }
}

fn words<V: Vocabulary>() -> Vec<&'static str> {
    V::all().iter().map(|w| w.word()).collect()
}

/// The name of the struct whose parentheses hold `offset` (`Statement` in
/// `Statement(id: …, |`).
fn enclosing(text: &str, offset: usize) -> Option<&'static str> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = offset.min(b.len());
    while i > 0 {
        i -= 1;
        match b[i] {
            b')' | b']' | b'}' => depth += 1,
            b'[' | b'{' if depth > 0 => depth -= 1,
            b'(' if depth > 0 => depth -= 1,
            b'(' => {
                let name_end = i;
                let name_start = text[..name_end]
                    .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .map_or(0, |n| n + 1);
                let name = &text[name_start..name_end];
                return crate::fmt::field_order_name(name);
            }
            _ => {}
        }
    }
    None
}

/// Completion items for the ids of `kinds` that start with `typed`.
fn ids(kb: &Kb, kinds: &[NodeKind], typed: &str) -> Vec<lsp::CompletionItem> {
    let mut out = Vec::new();
    let mut add = |id: &str, node: NodeRef| {
        if id.starts_with(typed) {
            out.push(lsp::CompletionItem {
                label: id.to_owned(),
                kind: Some(match node {
                    NodeRef::Actor(_) => lsp::CompletionItemKind::CLASS,
                    NodeRef::Event(_) => lsp::CompletionItemKind::EVENT,
                    NodeRef::Statement(_) => lsp::CompletionItemKind::TEXT,
                }),
                detail: Some(short(kb, node)),
                ..Default::default()
            });
        }
    };
    for kind in kinds {
        match kind {
            NodeKind::Actor => {
                for (i, a) in kb.actors.iter().enumerate() {
                    add(&a.id, NodeRef::Actor(crate::model::ActorIx(i as u32)));
                }
            }
            NodeKind::Event => {
                for (i, e) in kb.events.iter().enumerate() {
                    add(&e.id, NodeRef::Event(crate::model::EventIx(i as u32)));
                }
            }
            NodeKind::Statement => {
                for (i, s) in kb.statements.iter().enumerate() {
                    add(
                        &s.id,
                        NodeRef::Statement(crate::model::StatementIx(i as u32)),
                    );
                }
            }
        }
    }
    out.sort_by(|a, b| a.label.cmp(&b.label));
    out
}

/// One line about an item: a name, or a date and a summary.
fn short(kb: &Kb, node: NodeRef) -> String {
    match node {
        NodeRef::Actor(a) => {
            let a = kb.actor(a);
            format!("{} ({})", a.name, a.kind)
        }
        NodeRef::Event(e) => {
            let e = kb.event(e);
            format!("{} ({}, {})", e.name, e.kind, e.date.as_str())
        }
        NodeRef::Statement(s) => {
            let s = kb.statement(s);
            format!("{} {}: {}", s.date.as_str(), kb.actor(s.by).name, s.summary)
        }
    }
}

/// What a hover says about an item, in Markdown.
fn describe(kb: &Kb, node: NodeRef) -> String {
    let md = crate::escape::markdown_cell;
    match node {
        NodeRef::Actor(a) => {
            let actor = kb.actor(a);
            let mut out = format!("**{}** ({})", md(&actor.name), actor.kind);
            for role in &actor.roles {
                out.push_str(&format!(
                    "\n\n- {} of {}{}",
                    md(&role.title),
                    md(&kb.actor(role.of).name),
                    role.from
                        .as_ref()
                        .map(|d| format!(", from {}", d.as_str()))
                        .unwrap_or_default()
                ));
            }
            out
        }
        NodeRef::Event(e) => {
            let event = kb.event(e);
            format!(
                "**{}** ({}, {})",
                md(&event.name),
                event.kind,
                event.date.as_str()
            )
        }
        NodeRef::Statement(s) => {
            let statement = kb.statement(s);
            let answered = kb
                .statements
                .iter()
                .flat_map(|t| t.responds_to.iter())
                .filter(|r| r.to == crate::model::Answered::Statement(s))
                .count();
            format!(
                "**{}** ({}, {})\n\n{}\n\n{} response{} to it",
                md(&kb.actor(statement.by).name),
                statement.kind,
                statement.date.as_str(),
                md(&statement.summary),
                answered,
                if answered == 1 { "" } else { "s" }
            )
        }
    }
}

fn location(
    loaded: &Loaded,
    file: crate::source_map::FileId,
    range: std::ops::Range<usize>,
) -> lsp::Location {
    let source = loaded.sources.get(file);
    lsp::Location {
        uri: uri_of(&source.path),
        range: range_of(source.text(), range),
    }
}

/// An LSP position: the line, and the column in UTF-16 code units.
fn position(text: &str, offset: usize) -> lsp::Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line_start = text[..offset].rfind('\n').map_or(0, |n| n + 1);
    let line = text[..line_start].matches('\n').count();
    let column: usize = text[line_start..offset].chars().map(char::len_utf16).sum();
    lsp::Position::new(line as u32, column as u32)
}

fn range_of(text: &str, range: std::ops::Range<usize>) -> lsp::Range {
    lsp::Range::new(position(text, range.start), position(text, range.end))
}

/// The byte offset of an LSP position (clamped to its line and the text).
fn offset(text: &str, at: lsp::Position) -> usize {
    let mut line_start = 0;
    for _ in 0..at.line {
        match text[line_start..].find('\n') {
            Some(n) => line_start += n + 1,
            None => return text.len(),
        }
    }
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |n| line_start + n);
    let mut units = 0u32;
    for (i, c) in text[line_start..line_end].char_indices() {
        if units >= at.character {
            return line_start + i;
        }
        units += c.len_utf16() as u32;
    }
    line_end
}

/// The path of a `file:` URI.
fn path_of(uri: &lsp::Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let rest = text.strip_prefix("file://")?;
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    crate::live::percent_decode(path).map(PathBuf::from)
}

/// The `file:` URI of a path.
fn uri_of(path: &Path) -> lsp::Uri {
    let encoded = crate::escape::percent_encode(&path.to_string_lossy(), b"/-._~");
    lsp::Uri::from_str(&format!("file://{encoded}")).expect("an encoded path is a URI")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_both_ways() {
        let text = "a\n😀é\"x\"\n";
        let at = text.find("\"x").unwrap();
        let p = position(text, at);
        assert_eq!((p.line, p.character), (1, 3));
        assert_eq!(offset(text, p), at);
        assert_eq!(offset(text, lsp::Position::new(9, 0)), text.len());
    }

    #[test]
    fn the_string_under_the_cursor_is_found_and_comments_are_not_strings() {
        let text = "    by: \"putin\", // \"nope\"\n";
        let at = text.find("tin").unwrap();
        let (range, closed) = string_at(text, at).unwrap();
        assert_eq!(&text[range], "\"putin\"");
        assert!(closed);
        assert!(string_at(text, text.find("nope").unwrap()).is_none());
        let open = "    by: \"pu";
        let (range, closed) = string_at(open, open.len()).unwrap();
        assert_eq!(&open[range], "\"pu");
        assert!(!closed);
    }

    #[test]
    fn words_and_fields_are_completed_where_they_go() {
        let loaded = crate::Kb::load_files(&[(
            "kb/a.ron",
            br#"Kb(actors: [Actor(id: "putin", name: "Vladimir Putin", kind: Person)], events: [Event(id: "e", name: "E", kind: Summit, date: "2024")])"#,
        )]);
        let labels = |text: &str| -> Vec<String> {
            complete(&loaded.kb, text, text.len())
                .into_iter()
                .map(|i| i.label)
                .collect()
        };
        let statement = "Kb(statements: [\n    Statement(\n        id: \"s\",\n";
        assert_eq!(
            labels(&format!("{statement}        kind: Rej")),
            ["Rejection"]
        );
        assert_eq!(labels(&format!("{statement}        su")), ["summary"]);
        assert_eq!(labels(&format!("{statement}        at: \"")), ["e"]);
        assert_eq!(labels(&format!("{statement}        by: \"")), ["putin"]);
        assert_eq!(
            labels(&format!(
                "{statement}        responds_to: [Response(to: \"x\", stance: Di"
            )),
            ["Disputes"]
        );
        assert!(labels(&format!("{statement}        summary: \"pu")).is_empty());
    }

    #[test]
    fn what_a_response_answers_is_offered_closest_in_time_first() {
        let loaded = crate::Kb::load_files(&[(
            "kb/a.ron",
            br#"Kb(actors: [Actor(id: "a", name: "A", kind: Person)], statements: [
                Statement(id: "early", by: "a", date: "2020-01-01", kind: Claim, summary: "S"),
                Statement(id: "late", by: "a", date: "2024-06-13", kind: Claim, summary: "S"),
                Statement(id: "middle", by: "a", date: "2023-01-01", kind: Claim, summary: "S"),
            ])"#,
        )]);
        let text = "Kb(statements: [\n    Statement(\n        id: \"s\",\n        date: \"2024-06-14\",\n        responds_to: [\"";
        let items = complete(&loaded.kb, text, text.len());
        let labels: Vec<&str> = items.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(labels, ["late", "middle", "early"]);
        assert_eq!(items[0].sort_text.as_deref(), Some("00000000"));
    }

    #[test]
    fn references_are_ids_not_text_that_reads_the_same() {
        let loaded = crate::Kb::load_files(&[(
            "kb/a.ron",
            br#"Kb(actors: [Actor(id: "putin", name: "Putin", kind: Person)], statements: [
                Statement(id: "s", by: "putin", date: "2024", kind: Claim, summary: "S", topics: ["putin"], about: ["putin"]),
            ])"#,
        )]);
        assert_eq!(occurrences(&loaded, "putin").count(), 3);
    }

    #[test]
    fn uris_and_paths_round_trip() {
        let path = Path::new("/tmp/a b/ä.ron");
        assert_eq!(path_of(&uri_of(path)).as_deref(), Some(path));
    }
}
