//! `accord lsp` spoken to as an editor speaks to it: initialise, open a rule file with a
//! misspelt fact, read the diagnostics it publishes, fix the file, read them cleared, shut
//! down.

#![allow(clippy::unwrap_used, clippy::panic, reason = "a test fails by panicking, with what went wrong")]

mod common;

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::process::{ChildStdin, ChildStdout, Stdio};

use serde_json::{Value as Json, json};

use common::{manifest_dir, rules::SOURCE_S, scratch};

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

    /// Sends a request and gives its response's result (or error), skipping the
    /// notifications that come first.
    fn request(&mut self, id: u64, method: &str, params: &Json) -> Json {
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.receive();
            if message.get("id") == Some(&json!(id)) {
                return message.get("error").cloned().unwrap_or_else(|| message["result"].clone());
            }
        }
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

/// A copy of the shipped rule base, its source texts included.
fn shipped_rules(test: &str) -> (common::Scratch, std::path::PathBuf) {
    let dir = scratch("lsp", test);
    let rules = dir.canonicalize().unwrap().join("rules");
    std::fs::create_dir_all(rules.join("texts")).unwrap();
    for folder in ["rules", "rules/texts"] {
        for entry in std::fs::read_dir(manifest_dir().join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                std::fs::copy(
                    &path,
                    dir.canonicalize().unwrap().join(folder).join(path.file_name().unwrap()),
                )
                .unwrap();
            }
        }
    }
    (dir, rules)
}

/// An answer with the scratch folder's URI written `file:///rules`, so that it reads the
/// same on every machine.
fn shown(answer: &Json, rules: &std::path::Path) -> String {
    let folder = format!("file://{}", rules.display());
    serde_json::to_string_pretty(answer).unwrap().replace(&folder, "file:///rules")
}

/// What a rule author does in her editor, on the shipped rule base: opens a rule file with
/// a misspelt fact and reads the error, takes the fix offered, hovers a source and a fact,
/// goes to a fact's declaration and lists its uses, completes a citation and a value,
/// renames a rule that another overrides, formats a file and reads its outline. Each answer is a snapshot.
#[test]
fn a_rule_author_s_session_on_the_shipped_rules() {
    let (_dir, rules) = shipped_rules("session");
    let file = rules.join("4-mergers.accord");
    let uri = format!("file://{}", file.display());
    let text = std::fs::read_to_string(&file).unwrap();
    let mut server = Server::start(&rules);
    let initialized = server.request(1, "initialize", &json!({"capabilities": {}}));
    insta::assert_snapshot!("capabilities", shown(&initialized["capabilities"], &rules));
    server.send(&json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));

    // A misspelt fact, typed in: the error, and its fix.
    let misspelt = text.replacen(
        "when change.kind is merger and stage_first_18_months",
        "when change.knid is merger and stage_first_18_months",
        1,
    );
    assert_ne!(misspelt, text);
    server.send(&json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "accord", "version": 1, "text": misspelt}}}));
    let diagnostics = server.diagnostics_for(&uri);
    insta::assert_snapshot!("misspelt_fact_diagnostics", shown(&json!(diagnostics), &rules));
    let fixes = server.request(2, "textDocument/codeAction", &json!({
        "textDocument": {"uri": uri}, "range": diagnostics[0]["range"], "context": {"diagnostics": diagnostics}}));
    insta::assert_snapshot!("misspelt_fact_fix", shown(&fixes, &rules));
    server.send(&json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text}]}}));
    assert_eq!(server.diagnostics_for(&uri), Vec::<Json>::new(), "the shipped rules check clean");

    let at = |needle: &str, n: usize| -> Json {
        let offset = text.find(needle).unwrap_or_else(|| panic!("`{needle}` is not in the file")) + n;
        let line = text[..offset].matches('\n').count();
        let character = text[..offset].rsplit('\n').next().unwrap().encode_utf16().count();
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
    };
    let hover_source = server.request(3, "textDocument/hover", &at("cite glasby_2012", 8));
    insta::assert_snapshot!("hover_source", hover_source["contents"]["value"].as_str().unwrap());
    // While a typo is being mended, hover still says what it said.
    server.send(&json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": misspelt}]}}));
    assert_eq!(server.diagnostics_for(&uri).len(), 1);
    assert_eq!(server.request(14, "textDocument/hover", &at("cite glasby_2012", 8)), hover_source);
    server.send(&json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": uri, "version": 4}, "contentChanges": [{"text": text}]}}));
    assert_eq!(server.diagnostics_for(&uri), Vec::<Json>::new());
    let hover_fact = server.request(4, "textDocument/hover", &at("change.decided_on", 10));
    insta::assert_snapshot!("hover_fact", hover_fact["contents"]["value"].as_str().unwrap());
    let definition = server.request(5, "textDocument/definition", &at("change.decided_on", 10));
    insta::assert_snapshot!("definition_of_a_fact", shown(&definition, &rules));
    let references = server.request(
        6,
        "textDocument/references",
        &json!({
        "textDocument": {"uri": uri}, "position": at("change.decided_on", 10)["position"],
        "context": {"includeDeclaration": true}}),
    );
    insta::assert_snapshot!("references_of_a_fact", shown(&references, &rules));

    // Completion, typed at the end of the file: a citation's source, a fact's values.
    let typed = format!("{text}\nrule new_rule\n  when change.phase is \n  note \"t\"\n    \"x\"\n  cite \n");
    server.send(&json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": typed}]}}));
    let lines = typed.lines().count();
    let complete = |server: &mut Server, id: u64, line: usize, character: usize| -> Vec<String> {
        let answer = server.request(
            id,
            "textDocument/completion",
            &json!({
            "textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        );
        let items = answer["items"].as_array().unwrap();
        // The editor sorts by sortText: it must keep the order given.
        let sorted: Vec<&str> = items.iter().map(|item| item["sortText"].as_str().unwrap()).collect();
        assert!(sorted.windows(2).all(|pair| pair[0] < pair[1]), "{sorted:?}");
        items.iter().map(|item| item["label"].as_str().unwrap().to_string()).collect()
    };
    let sources = complete(&mut server, 7, lines - 1, 7);
    assert!(sources.contains(&"glasby_2012".to_string()) && sources.len() > 10, "{sources:?}");
    let phases = complete(&mut server, 8, lines - 4, 23);
    assert_eq!(phases[..4], ["pre_merger_decision", "decision_to_merge", "during_merger", "post_merger"]);

    // Back to the file as shipped: rename a rule that another overrides, in a file not open.
    server.send(&json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": uri, "version": 4}, "contentChanges": [{"text": text}]}}));
    let culture = std::fs::read_to_string(rules.join("2-culture.accord")).unwrap();
    let declared = culture.find("rule look_at_culture_explicitly").unwrap() + 6;
    let position = json!({"line": culture[..declared].matches('\n').count(), "character": 6});
    let culture_uri = format!("file://{}", rules.join("2-culture.accord").display());
    let rename = server.request(
        9,
        "textDocument/rename",
        &json!({
        "textDocument": {"uri": culture_uri}, "position": position, "newName": "look_at_cultures"}),
    );
    insta::assert_snapshot!("rename_a_rule", shown(&rename, &rules));
    let taken = server.request(
        10,
        "textDocument/rename",
        &json!({
        "textDocument": {"uri": culture_uri}, "position": position, "newName": "merger_stall_ahead"}),
    );
    assert_eq!(taken["message"], "there is already a rule `merger_stall_ahead`", "{taken}");

    let untidy = text.replacen("  lesson S4\n", "    lesson    S4\n", 1);
    server.send(&json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": uri, "version": 5}, "contentChanges": [{"text": untidy}]}}));
    let formatted = server.request(
        11,
        "textDocument/formatting",
        &json!({
        "textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(formatted[0]["newText"].as_str(), Some(text.as_str()), "the layout of `accord fmt`");

    let outline = server.request(12, "textDocument/documentSymbol", &json!({"textDocument": {"uri": uri}}));
    let listed: Vec<String> = outline
        .as_array()
        .unwrap()
        .iter()
        .map(|symbol| {
            format!(
                "{} {} (line {})",
                symbol["detail"].as_str().unwrap(),
                symbol["name"].as_str().unwrap(),
                symbol["selectionRange"]["start"]["line"]
            )
        })
        .collect();
    insta::assert_snapshot!("outline", listed.join("\n"));

    server.request(13, "shutdown", &Json::Null);
    server.send(&json!({"jsonrpc": "2.0", "method": "exit"}));
    assert!(server.child.wait().unwrap().success());
}

/// Input that is not the protocol stops the server with exit code 1 and says what was
/// wrong with it: never a panic, never an allocation of what a header announces.
#[test]
fn broken_input_stops_the_server_saying_what_was_wrong() {
    let dir = scratch("lsp", "broken");
    for (input, said) in [
        ("Content-Length: 5\r\n\r\n{bad}", "a message that is not JSON-RPC"),
        ("garbage\r\n\r\n", "a header line that is not `Name: value`: \"garbage\""),
        ("", "the input ended before the editor asked the server to shut down"),
        // lsp-server's own transport asked for 100 GB here, and aborted.
        ("Content-Length: 99999999999\r\n\r\n", "a message of 99999999999 bytes, larger than the limit"),
    ] {
        let mut command = common::accord_command(&dir);
        command.arg("lsp");
        let run = common::run_with_input(&mut command, input);
        assert_eq!(run.status.code(), Some(1), "{input:?}");
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(stderr.contains(said), "{input:?}: {stderr}");
    }
}

/// An editor that can watch files is asked to report changes made outside it to rule files
/// and source texts; a change to a file that is not open (a fact removed from the
/// vocabulary, a quote's words taken out of a source's text) shows at once in the open file.
#[test]
fn files_changed_outside_the_editor_are_checked_again() {
    let dir = scratch("lsp", "watched");
    let folder = dir.canonicalize().unwrap();
    std::fs::create_dir_all(folder.join("texts")).unwrap();
    std::fs::write(folder.join("texts/t.txt"), "It said: hello world, and more.").unwrap();
    let source =
        "source s\n  authors \"Author, A.\"\n  year 2000\n  title \"A title\"\n  text \"texts/t.txt\"\n";
    let vocabulary =
        format!("{source}fact change.kind is one of none, merger\n  ask \"What kind of change?\"\n");
    std::fs::write(folder.join("vocabulary.accord"), &vocabulary).unwrap();
    let rules = folder.join("rules.accord");
    let text = "rule r\n  when change.kind is merger\n  note \"t\"\n    \"x\"\n  cite s\n    quote \"hello world\"\n";
    std::fs::write(&rules, text).unwrap();
    let uri = format!("file://{}", rules.display());
    let uri_of = |name: &str| format!("file://{}", folder.join(name).display());

    let mut server = Server::start(&folder);
    let capabilities = json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
    server.send(
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": capabilities}}),
    );
    assert_eq!(server.receive()["id"], 1);
    server.send(&json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    let register = server.receive();
    assert_eq!(register["method"], "client/registerCapability", "{register}");
    let registration = &register["params"]["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    assert_eq!(
        registration["registerOptions"]["watchers"],
        json!([{"globPattern": "**/*.accord"}, {"globPattern": "**/*.txt"}])
    );
    server.send(&json!({"jsonrpc": "2.0", "id": register["id"], "result": null}));

    server.send(&json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "accord", "version": 1, "text": text}}}));
    assert_eq!(server.diagnostics_for(&uri), Vec::<Json>::new());

    // The source's text changed on disk: the quote is no longer in it.
    std::fs::write(folder.join("texts/t.txt"), "It said: goodbye.").unwrap();
    server.send(&json!({"jsonrpc": "2.0", "method": "workspace/didChangeWatchedFiles", "params": {
        "changes": [{"uri": uri_of("texts/t.txt"), "type": 2}]}}));
    let diagnostics = server.diagnostics_for(&uri);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], "E0205", "{diagnostics:?}");

    // Put back; then the vocabulary loses the fact the open file tests.
    std::fs::write(folder.join("texts/t.txt"), "It said: hello world, and more.").unwrap();
    std::fs::write(folder.join("vocabulary.accord"), source).unwrap();
    server.send(&json!({"jsonrpc": "2.0", "method": "workspace/didChangeWatchedFiles", "params": {
        "changes": [{"uri": uri_of("texts/t.txt"), "type": 2}, {"uri": uri_of("vocabulary.accord"), "type": 2}]}}));
    let diagnostics = server.diagnostics_for(&uri);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], "E0203", "{diagnostics:?}");

    server.send(&json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}));
    while server.receive().get("id") != Some(&json!(2)) {}
    server.send(&json!({"jsonrpc": "2.0", "method": "exit"}));
    assert!(server.child.wait().unwrap().success());
}
