//! `accord lsp` spoken to as an editor speaks to it: initialise, open a rule file with a
//! misspelt fact, read the diagnostics it publishes, fix the file, read them cleared, shut
//! down.

#![allow(clippy::unwrap_used, clippy::panic, reason = "a test fails by panicking, with what went wrong")]

mod common;

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::process::{ChildStdin, ChildStdout, Stdio};

use serde_json::{Value as Json, json};

use common::{rules::SOURCE_S, scratch};

/// A running `accord lsp`.
struct Server {
    child: std::process::Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

impl Server {
    fn start(dir: &std::path::Path) -> Server {
        let mut child = common::accord_command(dir)
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let input = child.stdin.take().unwrap();
        let output = BufReader::new(child.stdout.take().unwrap());
        Server { child, input, output }
    }

    fn send(&mut self, message: &Json) {
        let body = message.to_string();
        write!(self.input, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.input.flush().unwrap();
    }

    fn receive(&mut self) -> Json {
        let mut length = 0;
        loop {
            let mut line = String::new();
            assert!(self.output.read_line(&mut line).unwrap() > 0, "the server closed its output");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length: ") {
                length = n.parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        self.output.read_exact(&mut body).unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics_for(&mut self, uri: &str) -> Vec<Json> {
        loop {
            let message = self.receive();
            if message["method"] == "textDocument/publishDiagnostics" && message["params"]["uri"] == uri {
                return message["params"]["diagnostics"].as_array().unwrap().clone();
            }
        }
    }
}

#[test]
fn diagnostics_appear_as_a_file_is_typed_and_clear_when_it_is_fixed() {
    let dir = scratch("lsp", "diagnostics");
    let folder = dir.canonicalize().unwrap();
    std::fs::write(
        folder.join("vocabulary.accord"),
        format!("{SOURCE_S}fact change.kind is one of none, merger\n  ask \"What kind of change?\"\n"),
    )
    .unwrap();
    let rules = folder.join("rules.accord");
    let uri = format!("file://{}", rules.display());
    let broken = "rule r\n  when chnage.kind is merger\n  note \"t\" \"x\"\n  cite s\n";
    std::fs::write(&rules, broken).unwrap();

    let mut server = Server::start(&folder);
    server.send(&json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}));
    let initialized = server.receive();
    assert_eq!(initialized["id"], 1);
    assert_eq!(initialized["result"]["capabilities"]["textDocumentSync"], 1, "full text sync");
    server.send(&json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));

    server.send(&json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "accord", "version": 1, "text": broken}}}));
    let diagnostics = server.diagnostics_for(&uri);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let found = &diagnostics[0];
    assert_eq!(found["code"], "E0203");
    assert_eq!(found["severity"], 1, "an error");
    assert_eq!(found["range"]["start"], json!({"line": 1, "character": 7}));
    assert!(found["message"].as_str().unwrap().contains("did you mean `change.kind`?"), "{found}");

    // Fixed as it is typed, not saved: the diagnostics clear.
    server.send(&json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": uri, "version": 2},
        "contentChanges": [{"text": broken.replace("chnage", "change")}]}}));
    let cleared = server.diagnostics_for(&uri);
    assert!(cleared.is_empty(), "{cleared:?}");

    server.send(&json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}));
    // Diagnostics of the folder's other files may come first.
    while server.receive().get("id") != Some(&json!(2)) {}
    server.send(&json!({"jsonrpc": "2.0", "method": "exit"}));
    drop(server.input);
    let status = server.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
}

/// A rule declared twice, in two files of the folder: the error in the file opened points
/// to the first declaration, in the other file, as related information.
#[test]
fn the_other_place_involved_is_related_information() {
    let dir = scratch("lsp", "related");
    let folder = dir.canonicalize().unwrap();
    let rule = "rule r\n  when a is true\n  note \"t\" \"x\"\n  cite s\n";
    std::fs::write(
        folder.join("a.accord"),
        format!("{SOURCE_S}fact a is true or false\n  ask \"A?\"\n{rule}"),
    )
    .unwrap();
    let second = folder.join("b.accord");
    std::fs::write(&second, rule).unwrap();
    let uri = format!("file://{}", second.display());
    let mut server = Server::start(&folder);
    server.send(&json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}));
    server.receive();
    server.send(&json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    server.send(&json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "accord", "version": 1, "text": rule}}}));
    let diagnostics = server.diagnostics_for(&uri);
    let duplicate =
        diagnostics.iter().find(|d| d["code"] == "E0201").unwrap_or_else(|| panic!("{diagnostics:?}"));
    let related = &duplicate["relatedInformation"][0]["location"];
    assert_eq!(related["uri"], format!("file://{}", folder.join("a.accord").display()), "{duplicate}");
    assert_eq!(related["range"]["start"]["line"], 6, "{duplicate}");
    server.send(&json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}));
    while server.receive().get("id") != Some(&json!(2)) {}
    server.send(&json!({"jsonrpc": "2.0", "method": "exit"}));
    assert!(server.child.wait().unwrap().success());
}

/// Hovering a fact gives its type and question; a source, its reference; a rule, its kind
/// and title; anything else, nothing.
#[test]
fn hover_says_what_a_name_is() {
    let dir = scratch("lsp", "hover");
    let folder = dir.canonicalize().unwrap();
    let vocabulary =
        format!("{SOURCE_S}fact change.kind is one of none, merger\n  ask \"What kind of change?\"\n");
    std::fs::write(folder.join("vocabulary.accord"), vocabulary).unwrap();
    let rules = folder.join("rules.accord");
    let text = "rule stall\n  when change.kind is merger\n  warn \"Mergers stall\" \"x\"\n  cite s\n";
    std::fs::write(&rules, text).unwrap();
    let uri = format!("file://{}", rules.display());
    let mut server = Server::start(&folder);
    server.send(&json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}));
    assert_eq!(server.receive()["result"]["capabilities"]["hoverProvider"], true);
    server.send(&json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    let mut hover = |id: u64, line: u64, character: u64| -> Json {
        server.send(&json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover", "params": {
            "textDocument": {"uri": uri}, "position": {"line": line, "character": character}}}));
        loop {
            let message = server.receive();
            if message.get("id") == Some(&json!(id)) {
                return message["result"].clone();
            }
        }
    };
    let fact = hover(2, 1, 10);
    let said = fact["contents"]["value"].as_str().unwrap_or_default();
    assert!(said.contains("**fact** `change.kind`: one of none, merger"), "{fact}");
    assert!(said.contains("What kind of change?"), "{fact}");
    let source = hover(3, 3, 7);
    assert!(source["contents"]["value"].as_str().unwrap_or_default().contains("**source** `s`"), "{source}");
    let rule = hover(4, 0, 6);
    assert!(
        rule["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .contains("**rule** `stall` (warning): Mergers stall"),
        "{rule}"
    );
    assert_eq!(hover(5, 1, 24), Json::Null, "over `merger`, a value: nothing");
    server.send(&json!({"jsonrpc": "2.0", "id": 9, "method": "shutdown"}));
    while server.receive().get("id") != Some(&json!(9)) {}
    server.send(&json!({"jsonrpc": "2.0", "method": "exit"}));
    assert!(server.child.wait().unwrap().success());
}
