//! The language server's answers, asked in process of a small rule base in two files: what
//! each name stands for, definitions, references, renames, completion, the outline,
//! formatting and fixes. (`tests/lsp.rs` speaks the protocol to the binary.)

use std::collections::BTreeMap;

use lsp_types::{CompletionResponse, DocumentChanges, GotoDefinitionResponse, OneOf, Range};

use super::{Cursor, Folder, complete, edits, hover, navigate};

const VOCABULARY: &str = "\
source s
  authors \"Author, A.\"
  year 2000
  title \"A title\"

lessons
  L1 \"Mergers stall\"
  L2 \"Needs differ\"

evidence scale
  strong \"research finding\"
  weak \"author argument\"

fact change.kind is one of none, merger
  ask \"What kind of change?\"
  says merger \"the change is a merger\"

fact change.date is a date
  ask \"When?\"
  label \"the date of the change\"

fact groups is a list of records
  ask \"Which groups?\"

fact groups[].name is text
  ask \"Name?\"

fact groups[].needs is one of mild, complex
  ask \"How are the needs of {groups[].name}?\"
  label \"the needs of {groups[].name}\"

define is_merger as change.kind is merger
  says true \"the change is a merger\"
  says false \"the change is not a merger\"
";

const RULES: &str = "\
rule stall
  lesson L1
  evidence strong
  when is_merger and change.date is known
  warn \"Expect a stall until {change.date + 18 months as month}\"
    \"x\"
  cite s

rule complex_groups
  lesson L1, L2
  evidence weak
  for each g in groups
  when g.needs is complex and any h in groups where h.needs is mild
  note \"Look at {g.name}\"
    \"x — é\"
  cite s
  overrides stall
";

const V: &str = "/r/vocabulary.accord";
const R: &str = "/r/rules.accord";

fn folder(rules: &str) -> Folder {
    Folder::check(BTreeMap::from([
        (V.to_string(), VOCABULARY.to_string()),
        (R.to_string(), rules.to_string()),
    ]))
}

/// The cursor at the `n`th byte of the first `needle` in `file`.
fn cursor<'f>(folder: &'f Folder, file: &str, needle: &str, n: usize) -> Cursor<'f> {
    let text = folder.files[file].as_str();
    let at = text.find(needle).unwrap_or_else(|| panic!("`{needle}` is not in {file}"));
    Cursor { folder, file: file.to_string(), text, offset: at + n }
}

/// The text of each occurrence of the symbol at the cursor, with its line (0-based).
fn places(folder: &Folder, at: &Cursor<'_>) -> Vec<String> {
    let symbol = &folder.index.at(&at.file, at.offset).expect("a name at the cursor").symbol;
    folder
        .index
        .of(symbol)
        .map(|o| {
            let text = &folder.files[&o.file];
            let line = text[..o.span.start].matches('\n').count();
            let file = o.file.trim_start_matches("/r/");
            format!(
                "{file}:{line} {}{}",
                &text[o.span.start..o.span.end],
                if o.declaration { " (declared)" } else { "" }
            )
        })
        .collect()
}

#[test]
fn the_rule_base_checks() {
    let folder = folder(RULES);
    assert!(folder.rule_base.is_some(), "{:?}", folder.diagnostics);
}

#[test]
fn a_field_of_a_bound_item_is_the_fact_of_the_list_s_items() {
    let folder = folder(RULES);
    let needs = cursor(&folder, R, "g.needs", 3);
    assert_eq!(
        places(&folder, &needs),
        ["vocabulary.accord:27 needs (declared)", "rules.accord:12 needs", "rules.accord:12 needs"]
    );
    let bound = cursor(&folder, R, "g.needs", 0);
    assert_eq!(
        places(&folder, &bound),
        ["rules.accord:11 g (declared)", "rules.accord:12 g", "rules.accord:13 g"]
    );
    let inner = cursor(&folder, R, "h.needs", 0);
    assert_eq!(places(&folder, &inner), ["rules.accord:12 h (declared)", "rules.accord:12 h"]);
}

#[test]
fn a_list_is_found_in_the_paths_of_its_items_fields() {
    let folder = folder(RULES);
    let groups = cursor(&folder, V, "fact groups ", 6);
    assert_eq!(
        places(&folder, &groups),
        [
            "vocabulary.accord:21 groups (declared)",
            "rules.accord:11 groups",
            "rules.accord:12 groups",
            "vocabulary.accord:24 groups",
            "vocabulary.accord:27 groups",
            "vocabulary.accord:28 groups",
            "vocabulary.accord:29 groups",
        ]
    );
}

#[test]
fn every_kind_of_name_is_found_where_it_is_used() {
    let folder = folder(RULES);
    let check = |file: &str, needle: &str, n: usize, expected: &[&str]| {
        assert_eq!(places(&folder, &cursor(&folder, file, needle, n)), expected, "at `{needle}`");
    };
    check(R, "is_merger", 1, &["vocabulary.accord:31 is_merger (declared)", "rules.accord:3 is_merger"]);
    check(R, "cite s", 5, &["vocabulary.accord:0 s (declared)", "rules.accord:6 s", "rules.accord:15 s"]);
    check(R, "stall\n", 1, &["rules.accord:0 stall (declared)", "rules.accord:16 stall"]);
    check(R, "L2", 1, &["vocabulary.accord:7 L2 (declared)", "rules.accord:9 L2"]);
    check(R, "weak", 1, &["vocabulary.accord:11 weak (declared)", "rules.accord:10 weak"]);
    check(
        R,
        "change.date +",
        8,
        &["vocabulary.accord:17 date (declared)", "rules.accord:3 date", "rules.accord:4 date"],
    );
    assert!(folder.index.at(R, RULES.find("complex and").unwrap() + 1).is_none(), "a value is not a name");
}

#[test]
fn definition_goes_to_the_declaration_in_the_other_file() {
    let folder = folder(RULES);
    let Some(GotoDefinitionResponse::Array(places)) =
        navigate::definition(&cursor(&folder, R, "change.date", 1))
    else {
        panic!("no definition")
    };
    assert_eq!(places.len(), 1);
    assert!(places[0].uri.as_str().ends_with("/r/vocabulary.accord"));
    assert_eq!((places[0].range.start.line, places[0].range.start.character), (17, 5), "the whole path");
}

/// Every edit of a workspace edit applied to the folder's texts.
fn applied(folder: &Folder, edit: &lsp_types::WorkspaceEdit) -> BTreeMap<String, String> {
    let mut texts = folder.files.clone();
    let Some(DocumentChanges::Edits(edits)) = &edit.document_changes else { panic!("{edit:?}") };
    for document in edits {
        let path =
            super::convert::path_of(document.text_document.uri.as_str()).unwrap().display().to_string();
        let text = texts.get_mut(&path).unwrap();
        let mut spans: Vec<(usize, usize, String)> = document
            .edits
            .iter()
            .map(|edit| {
                let OneOf::Left(edit) = edit else { panic!() };
                let range: Range = edit.range;
                (
                    super::convert::offset(text, range.start),
                    super::convert::offset(text, range.end),
                    edit.new_text.clone(),
                )
            })
            .collect();
        spans.sort_by_key(|(start, ..)| std::cmp::Reverse(*start));
        for (start, end, new) in spans {
            text.replace_range(start..end, &new);
        }
    }
    texts
}

#[test]
fn renaming_a_field_of_a_list_s_items_renames_it_everywhere_and_still_checks() {
    let folder = folder(RULES);
    let edit = navigate::rename(&cursor(&folder, R, "g.needs", 3), "groups[].level").unwrap();
    let texts = applied(&folder, &edit);
    assert!(texts[V].contains("fact groups[].level is one of"), "{}", texts[V]);
    assert!(
        texts[R].contains("when g.level is complex and any h in groups where h.level is mild"),
        "{}",
        texts[R]
    );
    let renamed = Folder::check(texts);
    assert!(renamed.diagnostics.is_empty(), "{:?}", renamed.diagnostics);
}

#[test]
fn renaming_a_list_renames_the_paths_of_its_items_fields() {
    let folder = folder(RULES);
    let edit = navigate::rename(&cursor(&folder, R, "in groups", 4), "teams").unwrap();
    let texts = applied(&folder, &edit);
    assert!(texts[V].contains("fact teams[].needs"), "{}", texts[V]);
    assert!(texts[V].contains("{teams[].name}"), "{}", texts[V]);
    let renamed = Folder::check(texts);
    assert!(renamed.diagnostics.is_empty(), "{:?}", renamed.diagnostics);
}

#[test]
fn renaming_a_rule_and_a_source_and_a_lesson() {
    let folder = folder(RULES);
    for (needle, new, expected) in [
        ("stall\n", "merger_stall", "overrides merger_stall"),
        ("cite s", "glasby_2012", "cite glasby_2012\n  overrides"),
        ("L2", "N2", "lesson L1, N2"),
    ] {
        let edit =
            navigate::rename(&cursor(&folder, R, needle, needle.find(' ').map_or(1, |space| space + 1)), new)
                .unwrap();
        let texts = applied(&folder, &edit);
        assert!(texts[R].contains(expected), "{}", texts[R]);
        assert!(Folder::check(texts).diagnostics.is_empty(), "renaming `{needle}`");
    }
}

#[test]
fn a_rename_that_would_break_the_rule_base_is_refused() {
    let folder = folder(RULES);
    let date = cursor(&folder, R, "change.date", 8);
    assert_eq!(navigate::rename(&date, "kind").unwrap_err(), "there is already a fact `kind`");
    assert!(navigate::rename(&date, "when").unwrap_err().contains("cannot be a name"));
    assert!(navigate::rename(&date, "3rd").unwrap_err().contains("cannot be a name"));
    assert!(navigate::rename(&date, "case.date").unwrap_err().contains("last part of a fact's path"));
    assert!(navigate::rename(&date, "change.effective_on").is_ok());
    let rule = cursor(&folder, R, "stall\n", 1);
    assert_eq!(
        navigate::rename(&rule, "complex_groups").unwrap_err(),
        "there is already a rule `complex_groups`"
    );
    let value = cursor(&folder, R, "complex and", 1);
    assert_eq!(navigate::rename(&value, "x").unwrap_err(), "there is no name to rename here");
    // Over a keyword or a value, no rename is offered, and no error is shown.
    assert_eq!(navigate::prepare_rename(&value), Ok(None));
    assert_eq!(navigate::prepare_rename(&cursor(&folder, R, "lesson L1", 2)), Ok(None));
    assert!(navigate::prepare_rename(&cursor(&folder, R, "stall\n", 1)).unwrap().is_some());
}

#[test]
fn an_unknown_name_is_not_renamed_but_its_fix_is_offered() {
    let folder = folder(&RULES.replace("lesson L1, L2", "lesson L1, L3"));
    let unknown = cursor(&folder, R, "L3", 1);
    assert!(navigate::rename(&unknown, "L4").unwrap_err().contains("not declared"));
    let whole = Range::new(lsp_types::Position::new(0, 0), lsp_types::Position::new(99, 0));
    let fixes = edits::fixes(&unknown, whole);
    assert_eq!(fixes.len(), 1, "{fixes:?}");
    let lsp_types::CodeActionOrCommand::CodeAction(fix) = &fixes[0] else { panic!() };
    assert_eq!(fix.title, "Write `L1`");
    let texts = applied(&folder, fix.edit.as_ref().unwrap());
    assert!(texts[R].contains("lesson L1, L1"));
}

#[test]
fn every_did_you_mean_of_the_checker_is_a_fix_that_fixes() {
    for (right, wrong) in [
        ("when is_merger and change.date is known", "when is_merger and change.dat is known"),
        ("evidence strong", "evidence strnog"),
        ("overrides stall", "overrides stal"),
        ("g.needs is complex", "g.needs is compelx"),
        ("g.needs is complex", "g.needs is \"complex\""),
        ("cite s\n  overrides", "cite ss\n  overrides"),
        ("  note \"Look", "  not \"Look"),
    ] {
        let folder = folder(&RULES.replacen(right, wrong, 1));
        assert!(folder.rule_base.is_none(), "`{wrong}` should not check");
        let at = cursor(&folder, R, "", 0);
        let whole = Range::new(lsp_types::Position::new(0, 0), lsp_types::Position::new(99, 0));
        let fixes = edits::fixes(&at, whole);
        let [lsp_types::CodeActionOrCommand::CodeAction(fix)] = fixes.as_slice() else {
            panic!("one fix for `{wrong}`: {fixes:?}")
        };
        let texts = applied(&folder, fix.edit.as_ref().unwrap());
        assert_eq!(texts[R], RULES, "the fix of `{wrong}`");
    }
}

fn labels(folder: &Folder, file: &str, needle: &str, n: usize) -> Vec<String> {
    let CompletionResponse::List(list) = complete::complete(&cursor(folder, file, needle, n)) else {
        panic!()
    };
    list.items.into_iter().map(|item| item.label).collect()
}

/// A rule file being typed, with the cursor at `|`.
fn typing(text: &str) -> (Folder, usize) {
    let at = text.find('|').unwrap();
    (folder(&text.replace('|', "")), at)
}

fn completed(text: &str) -> Vec<String> {
    let (folder, at) = typing(text);
    let cursor = Cursor { folder: &folder, file: R.to_string(), text: &folder.files[R], offset: at };
    let CompletionResponse::List(list) = complete::complete(&cursor) else { panic!() };
    list.items.into_iter().map(|item| item.label).collect()
}

#[test]
fn completion_knows_what_may_come_next() {
    let rule = |clauses: &str| format!("{RULES}\nrule new\n{clauses}");
    assert_eq!(completed(&rule("  lesson |")), ["L1", "L2"]);
    assert_eq!(completed(&rule("  lesson L1, |")), ["L1", "L2"]);
    assert_eq!(completed(&rule("  evidence |")), ["strong", "weak"]);
    assert_eq!(completed(&rule("  cite |")), ["s"]);
    assert_eq!(completed(&rule("  overrides |")), ["complex_groups", "stall"]);
    assert_eq!(completed(&rule("  when change.|")), ["change.kind", "change.date"]);
    assert_eq!(completed(&rule("  when change.kind is |"))[..2], ["none", "merger"]);
    assert_eq!(completed(&rule("  when change.kind is not m|"))[..2], ["none", "merger"]);
    assert_eq!(completed(&rule("  for each g in groups\n  when g.|")), ["g.name", "g.needs"]);
    assert_eq!(completed(&rule("  when any x in groups where x.needs in [mild, |")), ["mild", "complex"]);
    assert_eq!(completed(&rule("  note \"Until {change.|")), ["change.kind", "change.date"]);
    assert!(completed(&rule("  note \"Until change.|")).is_empty(), "words of a text");
    assert_eq!(completed(&format!("{RULES}\nru|")), super::super::syntax::ITEM_KEYWORDS);
    let names = completed(&rule("  when |"));
    for name in ["change.kind", "groups", "is_merger", "as_of"] {
        assert!(names.iter().any(|n| n == name), "`{name}` in {names:?}");
    }
    assert!(!names.iter().any(|n| n.contains("[]")), "fields of items only after a bound name: {names:?}");
    let clauses = completed(&rule("  |"));
    assert!(clauses.iter().any(|c| c == "cite") && clauses.iter().any(|c| c == "when"), "{clauses:?}");
}

#[test]
fn completion_in_the_vocabulary() {
    let folder = folder(RULES);
    assert!(labels(&folder, V, "says merger", 5).iter().any(|l| l == "merger"));
    assert_eq!(labels(&folder, V, "says true", 5), ["true", "false"]);
    assert_eq!(labels(&folder, V, "{groups[].name}", 10), ["groups[].name", "groups[].needs"]);
}

#[test]
fn hover_over_each_kind_of_name() {
    let folder = folder(RULES);
    let said = |file: &str, needle: &str, n: usize| -> String {
        let hover = hover::hover(&cursor(&folder, file, needle, n))
            .unwrap_or_else(|| panic!("no hover at `{needle}`"));
        let lsp_types::HoverContents::Markup(markup) = hover.contents else { panic!() };
        markup.value
    };
    insta::assert_snapshot!(
        [
            said(V, "change.kind", 8),
            said(R, "cite s", 5),
            said(R, "stall\n", 1),
            said(R, "L2", 1),
            said(R, "weak", 1),
            said(R, "is_merger", 1),
            said(R, "g.needs", 0),
        ]
        .join("\n\n---\n\n")
    );
}

#[test]
fn the_outline_lists_what_a_file_declares() {
    let folder = folder(RULES);
    let lsp_types::DocumentSymbolResponse::Nested(symbols) = navigate::outline(&cursor(&folder, V, "", 0))
    else {
        panic!()
    };
    let listed: Vec<String> = symbols
        .iter()
        .map(|s| {
            format!(
                "{} {} lines {}-{}",
                s.detail.as_deref().unwrap_or(""),
                s.name,
                s.range.start.line,
                s.range.end.line
            )
        })
        .collect();
    insta::assert_snapshot!(listed.join("\n"));
}

#[test]
fn formatting_gives_accord_fmt_s_layout_and_nothing_for_a_broken_file() {
    let folder = folder(&RULES.replace("  lesson L1\n", "    lesson   L1\n"));
    let edits = edits::format(&cursor(&folder, R, "", 0)).unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0].new_text, RULES);
    let laid_out = self::folder(RULES);
    assert_eq!(edits::format(&cursor(&laid_out, R, "", 0)), Some(Vec::new()));
    let broken = self::folder(&RULES.replace("when is_merger", "when (is_merger"));
    assert_eq!(edits::format(&cursor(&broken, R, "", 0)), None);
}

#[test]
fn a_file_that_does_not_parse_still_has_its_names() {
    let folder = folder(&format!("{RULES}\nrule broken\n  when (change.kind is \n"));
    assert!(folder.rule_base.is_none());
    let date = cursor(&folder, R, "change.date", 8);
    assert!(navigate::definition(&date).is_some(), "names of the other items are still found");
    let CompletionResponse::List(list) = complete::complete(&cursor(&folder, R, "(change.kind is ", 16))
    else {
        panic!()
    };
    assert!(list.items.iter().any(|item| item.label == "merger"));
}

/// Every question, asked at every place of the file as it is typed a character at a
/// time (every prefix of it, non-ASCII characters included), and at every place of the
/// whole file: an answer or none, never a panic.
#[test]
fn every_question_at_every_place_of_a_file_being_typed() {
    let ask_everything = |folder: &Folder, offset: usize| {
        let text = folder.files[R].as_str();
        let cursor = Cursor { folder, file: R.to_string(), text, offset };
        let position = super::convert::Lines::new(text).position(text, offset);
        let _ = hover::hover(&cursor);
        let _ = navigate::definition(&cursor);
        let _ = navigate::references(&cursor, true);
        let _ = navigate::prepare_rename(&cursor);
        let _ = navigate::rename(&cursor, "renamed");
        let _ = complete::complete(&cursor);
        let _ = edits::fixes(&cursor, Range::new(position, position));
        let _ = edits::format(&cursor);
        let _ = navigate::outline(&cursor);
    };
    for (end, _) in RULES.char_indices().chain([(RULES.len(), ' ')]) {
        let folder = folder(&RULES[..end]);
        ask_everything(&folder, end);
    }
    let whole = folder(RULES);
    for offset in 0..=RULES.len() + 2 {
        ask_everything(&whole, offset);
    }
}

/// A rule file that cannot be read (not UTF-8), and an open one over the size limit of a
/// file, are shown as `accord check` shows them, at the top of the file, rather than left
/// out of the rule base silently (the editor said the folder was clean).
#[test]
fn a_file_that_cannot_be_read_is_shown_as_accord_check_shows_it() {
    let dir = std::env::temp_dir().join(format!("accord-lsp-unread-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("rules.accord"), RULES).unwrap();
    std::fs::write(dir.join("vocabulary.accord"), VOCABULARY).unwrap();
    std::fs::write(dir.join("binary.accord"), [0xff, 0xfe, 0x00, 0x41]).unwrap();
    let mut server = super::Server::default();
    let open = dir.join("open.accord");
    server.documents.insert(open.clone(), format!("# {}\n", "x".repeat(17 * 1024 * 1024)));
    let published: Vec<String> = server
        .check(&std::collections::BTreeSet::from([open.clone()]))
        .iter()
        .filter_map(|message| match message {
            lsp_server::Message::Notification(notification) => Some(notification.params.to_string()),
            _ => None,
        })
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    let about =
        |file: &str| published.iter().find(|params| params.contains(file)).cloned().unwrap_or_default();
    assert!(about("binary.accord").contains("E0002"), "{published:?}");
    assert!(about("open.accord").contains("E0003"), "{}", about("open.accord").len());
    assert!(about("rules.accord").contains(r#""diagnostics":[]"#), "{}", about("rules.accord"));
}

/// Edits waiting when the server comes to them are checked once, as the newest text; and
/// the files whose diagnostics did not change are not sent again.
#[test]
fn waiting_edits_are_checked_once_and_only_changes_are_published() {
    use lsp_server::{Connection, Message, Notification, Request};
    use serde_json::json;
    let dir = std::env::temp_dir().join(format!("accord-lsp-coalesce-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("vocabulary.accord"), VOCABULARY).unwrap();
    std::fs::write(dir.join("rules.accord"), RULES).unwrap();
    let uri = format!("file://{}", dir.join("rules.accord").display());
    let (server, client) = Connection::memory();
    let send = |message: Message| client.sender.send(message).unwrap();
    let change = |version: i32, text: &str| {
        Message::Notification(Notification::new(
            "textDocument/didChange".to_string(),
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        ))
    };
    send(Message::Request(Request::new(1.into(), "initialize".to_string(), json!({"capabilities": {}}))));
    send(Message::Notification(Notification::new("initialized".to_string(), json!({}))));
    send(Message::Notification(Notification::new(
        "textDocument/didOpen".to_string(),
        json!({"textDocument": {"uri": uri, "languageId": "accord", "version": 1, "text": RULES}}),
    )));
    send(change(2, &RULES.replace("cite s\n  overrides", "cite ss\n  overrides")));
    send(change(3, &RULES.replace("evidence weak", "evidence wea")));
    // A request ends the edits taken together; the edit after it is checked on its own,
    // and changes nothing in the vocabulary's file.
    let hover = json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 6}});
    send(Message::Request(Request::new(2.into(), "textDocument/hover".to_string(), hover)));
    send(change(4, RULES));
    send(Message::Request(Request::new(3.into(), "shutdown".to_string(), json!(null))));
    send(Message::Notification(Notification::new("exit".to_string(), json!(null))));
    super::serve(&server).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let published: Vec<serde_json::Value> = client
        .receiver
        .try_iter()
        .filter_map(|message| match message {
            Message::Notification(notification) => Some(notification.params),
            _ => None,
        })
        .collect();
    let about_rules: Vec<&serde_json::Value> =
        published.iter().filter(|params| params["uri"] == uri).collect();
    assert_eq!(about_rules.len(), 2, "one check of the newest text, then one of the edit after the hover");
    let message = about_rules[0]["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.contains("unknown evidence level `wea`"), "{message}");
    assert_eq!(about_rules[1]["diagnostics"], json!([]), "cleared");
    assert_eq!(published.len(), 3, "the vocabulary's file once: {published:?}");
}

/// A source's hover says whether its quotes are found in its text: every one, or how many
/// are not, or that there is no text to check them against.
#[test]
fn a_source_s_hover_says_whether_its_quotes_are_found() {
    let dir = std::env::temp_dir().join(format!("accord-lsp-quotes-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("texts")).unwrap();
    std::fs::write(dir.join("texts/t.txt"), "It said: hello world, and more.").unwrap();
    let vocabulary =
        VOCABULARY.replace("  title \"A title\"\n", "  title \"A title\"\n  text \"texts/t.txt\"\n");
    let quoted = |quote: &str| RULES.replacen("  cite s\n", &format!("  cite s\n    quote \"{quote}\"\n"), 1);
    let hover_of_s = |rules: &str| {
        let (v, r) = (dir.join("vocabulary.accord"), dir.join("rules.accord"));
        let files = BTreeMap::from([
            (v.display().to_string(), vocabulary.clone()),
            (r.display().to_string(), rules.to_string()),
        ]);
        let folder = Folder::check(files);
        let file = r.display().to_string();
        let at = rules.find("cite s").unwrap() + 5;
        let cursor = Cursor { folder: &folder, file, text: rules, offset: at };
        let lsp_types::HoverContents::Markup(markup) = hover::hover(&cursor).unwrap().contents else {
            panic!()
        };
        markup.value.lines().last().unwrap_or_default().to_string()
    };
    let found = hover_of_s(&quoted("hello world"));
    let missing = hover_of_s(&quoted("goodbye world"));
    let unquoted = hover_of_s(RULES);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(found, "1 quote, found in `texts/t.txt`.");
    assert_eq!(missing, "1 quote, not found in `texts/t.txt` (see the error).");
    assert_eq!(unquoted, "No rule quotes it.");
}
