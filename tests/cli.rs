//! End-to-end: the built `accord` binary, its exit codes, stdout and stderr.

use std::path::{Path, PathBuf};
use std::process::Output;

mod common;

use common::{
    Scratch, accord, accord_command, accord_in, files_in, json, manifest_dir, run_with_input, scratch,
    stderr, stdout,
};

const SHIRE: &str = "fixtures/01-shire-integrated-care.json";

#[test]
fn advises_the_contract_example_with_its_dates_and_sources() {
    let output = accord(&["advise", "--format", "json", SHIRE]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let advice = json(&output);
    assert_eq!(advice["format"], "accord.advice.v2");
    assert_eq!(advice["case"], "Shire integrated care partnership");
    assert_eq!(advice["as_of"], "2013-09-01");
    let stall = advice["advice"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["rule"] == "merger_stalls_development")
        .expect("the stall warning");
    assert_eq!(stall["kind"], "warning");
    assert_eq!(stall["evidence"], "research suggests");
    assert!(stall["title"].as_str().unwrap().contains("October 2014"));
    assert_eq!(stall["citations"][0]["key"], "glasby_2012");
    assert_eq!(
        stall["citations"][0]["quote"],
        "Mergers can stall positive service development for at least 18 months."
    );
}

#[test]
fn as_of_on_the_command_line_overrides_the_case() {
    let output = accord(&["advise", "--format", "json", "--as-of", "2015-01-01", SHIRE]);
    let advice = json(&output);
    assert_eq!(advice["as_of"], "2015-01-01");
    assert!(advice["advice"].as_array().unwrap().iter().all(|a| a["rule"] != "merger_stalls_development"));
}

#[test]
fn several_cases_give_an_array_in_argument_order() {
    let output =
        accord(&["advise", "--format", "json", "fixtures/08-stanmere-no-change-well-matched.json", SHIRE]);
    let names: Vec<String> =
        json(&output).as_array().unwrap().iter().map(|d| d["case"].as_str().unwrap().to_string()).collect();
    assert_eq!(names, ["Stanmere integrated care partnership", "Shire integrated care partnership"]);
}

#[test]
fn output_is_byte_identical_run_to_run() {
    for format in ["json", "text"] {
        let first =
            accord(&["advise", "--format", format, SHIRE, "fixtures/09-ravensholt-several-groups.json"]);
        let second =
            accord(&["advise", "--format", format, SHIRE, "fixtures/09-ravensholt-several-groups.json"]);
        assert_eq!(first.stdout, second.stdout);
    }
}

#[test]
fn text_report_has_advice_questions_and_references() {
    let output = accord(&["advise", "--format", "text", "fixtures/05-tarnbridge-merger-date-absent.json"]);
    let text = stdout(&output);
    assert!(text.contains("Questions that could change this advice"), "{text}");
    assert!(text.contains("References\n[1] Glasby, J. (2012)"), "{text}");
    // Written for a reader of the advice: no rule ids, lessons, paths or formal reasons.
    for written_for_the_rules in
        ["(change.date)", "merger_may_stall_development", "lesson ", "Could change:", "is true"]
    {
        assert!(!text.contains(written_for_the_rules), "{written_for_the_rules}:\n{text}");
    }
}

#[test]
fn verbose_text_report_traces_the_advice_to_the_rules() {
    let args = ["advise", "--format", "text", "--verbose", "fixtures/05-tarnbridge-merger-date-absent.json"];
    let text = stdout(&accord(&args));
    assert!(text.contains("(change.date)"), "{text}");
    assert!(text.contains("Could change: "), "{text}");
    assert!(text.contains("rule merger_may_stall_development"), "{text}");
    assert!(text.contains("lesson S3, S4"), "{text}");
    assert!(text.contains("Because: merger_not_yet_dated is true."), "{text}");
}

#[test]
fn a_bad_case_exits_1_with_its_place_and_a_suggestion() {
    let output = accord(&["advise", "--format", "json", "fixtures/bad-cases/unknown-field-typo.json"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("error[E0302]: unknown field `chnage`"), "{err}");
    assert!(err.contains("fixtures/bad-cases/unknown-field-typo.json:4:3"), "{err}");
    assert!(err.contains("did you mean `change`?"), "{err}");
}

#[test]
fn the_good_cases_are_still_advised_when_one_is_bad() {
    let output = accord(&["advise", "--format", "json", SHIRE, "fixtures/bad-cases/empty.json"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(json(&output).as_array().unwrap().len(), 1);
}

#[test]
fn every_bad_input_exits_1_without_panicking() {
    let bad_cases =
        std::fs::read_dir("fixtures/bad-cases").expect("fixtures").map(|e| e.expect("entry").path());
    for path in bad_cases {
        let output = accord(&["advise", "--format", "json", path.to_str().unwrap()]);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{}: {err}", path.display());
        assert!(err.starts_with("note: using the rules in rules/\nerror[E0"), "{}: {err}", path.display());
        assert!(!err.contains("panicked"), "{}: {err}", path.display());
    }
    let output = accord(&["advise", "no-such-case.json"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("cannot read `no-such-case.json`: no such file or folder"));
}

#[test]
fn a_case_nested_100000_deep_is_an_error_not_a_crash() {
    let dir = scratch("cli", "deep");
    let path = dir.write("deep.json", &("[".repeat(100_000) + &"]".repeat(100_000)));
    let output = accord(&["advise", &path]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("recursion limit exceeded"), "{}", stderr(&output));
}

#[test]
fn a_wrong_command_line_exits_2() {
    for args in [
        &["advise"][..],
        &["frobnicate"],
        &["advise", "--format", "yaml", SHIRE],
        &["advise", "--as-of", "2013-02-30", SHIRE],
        &["check", "--bogus"],
    ] {
        let output = accord(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr(&output));
    }
}

#[test]
fn check_accepts_the_shipped_rules_and_rejects_broken_ones() {
    let shipped = accord(&["check"]);
    assert_eq!(shipped.status.code(), Some(0), "{}", stderr(&shipped));
    assert_eq!(stderr(&shipped), "", "the shipped rules give no warning");
    assert!(stdout(&shipped).contains(" sources in rules/: no errors, no warnings"), "{}", stdout(&shipped));
    let from_folder = accord(&["check", "--rules", "rules"]);
    assert_eq!(from_folder.status.code(), Some(0), "{}", stderr(&from_folder));
    let broken = accord(&["check", "--rules", "fixtures/bad-rules/several-errors-recovered.accord"]);
    assert_eq!(broken.status.code(), Some(1));
    let err = stderr(&broken);
    assert!(err.contains("fixtures/bad-rules/several-errors-recovered.accord:1:1"), "{err}");
    assert!(err.matches("error[E0").count() >= 3, "recovers and reports every broken item: {err}");
}

#[test]
fn sources_lists_the_bibliography_as_json() {
    let output = accord(&["sources", "--format", "json"]);
    let sources = json(&output);
    let sources = sources.as_array().unwrap();
    // Every source the shipped rule files declare, once.
    let declared: usize = files_in(&manifest_dir().join("rules"))
        .iter()
        .filter(|name| name.ends_with(".accord"))
        .map(|name| std::fs::read_to_string(manifest_dir().join("rules").join(name)).expect("readable"))
        .map(|text| text.lines().filter(|line| line.starts_with("source ")).count())
        .sum();
    assert_eq!(sources.len(), declared);
    let peck = sources.iter().find(|s| s["key"] == "peck_freeman_2005").expect("Peck and Freeman");
    assert_eq!(peck["authors"], "Peck, E. and Freeman, T.");
    assert_eq!(peck["year"], 2005);
    assert_eq!(
        peck["reference"],
        "Peck, E. and Freeman, T. (2005) Reconfiguring PCTs: influences and options (briefing paper prepared for the NHS Alliance). Birmingham, Health Services Management Centre"
    );
}

#[test]
fn advise_works_from_any_folder_with_the_built_in_rules() {
    let case = manifest_dir().join(SHIRE);
    let output = accord_in(&std::env::temp_dir(), &["advise", "--format", "json", case.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn a_file_over_the_size_limit_is_refused() {
    let dir = scratch("cli", "large");
    let path = dir.sparse("large.json", accord::load::MAX_FILE_BYTES + 1);
    let output = accord(&["advise", &path]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("error[E0003]"), "{}", stderr(&output));
}

#[test]
fn explain_gives_each_outcome_under_a_format_version() {
    let output =
        accord(&["explain", "--format", "json", "fixtures/12-sedgecombe-mild-needs-full-integration.json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let explained = json(&output);
    assert_eq!(explained["format"], "accord.explain.v1");
    let rules = explained["rules"].as_array().unwrap();
    let outcomes: std::collections::BTreeSet<&str> =
        rules.iter().map(|r| r["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["fired", "not_fired", "overridden", "unknown"].into_iter().collect());
    let overridden = rules.iter().find(|r| r["outcome"] == "overridden" && r["item"] == "groups[1]").unwrap();
    assert_eq!(overridden["rule"], "full_integration_needs_pooled_funding");
    assert_eq!(overridden["overridden_by"], "linkage_may_suffice");
}

#[test]
fn explain_names_only_the_rules_asked_for_and_refuses_unknown_ones() {
    let output = accord(&["explain", "--format", "json", SHIRE, "merger_stalls_development"]);
    let explained = json(&output);
    assert_eq!(explained["rules"].as_array().unwrap().len(), 1);
    let unknown = accord(&["explain", SHIRE, "merger_stals_development"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("did you mean `merger_stalls_development`?"), "{}", stderr(&unknown));
}

/// `accord advise --batch -` as of 1 September 2013, with `env` set, the `args` given, and
/// `input` on standard input.
fn batch(env: &[(&str, &str)], args: &[&str], input: &[u8]) -> Output {
    batch_in(manifest_dir(), env, args, input)
}

/// [`batch`], run in `dir`.
fn batch_in(dir: &Path, env: &[(&str, &str)], args: &[&str], input: &[u8]) -> Output {
    let mut command = accord_command(dir);
    command.args(["advise", "--batch", "-", "--as-of", "2013-09-01"]).args(args).envs(env.iter().copied());
    run_with_input(&mut command, input)
}

#[test]
fn a_batch_streams_results_in_input_order_and_reports_bad_lines() {
    let input = format!(
        "{}\n{}\nnot json\n\n{}\n",
        r#"{"id": "one", "change": {"kind": "merger", "date": "2013-04-01"}}"#,
        r#"{"name": "two", "change": {"kind": "none"}}"#,
        r#"{"chnage": {}}"#,
    );
    let run = |jobs: &str, format: &str| batch(&[], &["--format", format, "--jobs", jobs], input.as_bytes());
    let one = run("1", "ids");
    assert_eq!(one.status.code(), Some(1), "a bad line makes the exit code 1");
    let out = stdout(&one);
    let ids: Vec<&str> = out.lines().map(|l| l.split('\t').next().unwrap()).collect();
    assert_eq!(ids, ["one", "two"]);
    assert!(out.lines().next().unwrap().contains("merger_stalls_development"), "{out}");
    let err = stderr(&one);
    assert!(err.contains("-:3:2: error[E0301]: the case is not valid JSON"), "{err}");
    assert!(err.contains("-:5:2: error[E0302]: unknown field `chnage`"), "{err}");
    assert!(err.contains("cases: 4, errors: 2"), "{err}");
    assert_eq!(run("2", "ids").stdout, one.stdout, "byte-identical whatever the number of jobs");
    let jsonl = run("2", "jsonl");
    let documents: Vec<serde_json::Value> =
        stdout(&jsonl).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(documents.len(), 2);
    assert_eq!(documents[1]["case"], "two");
}

/// Batch lines are numbered across chunks; a line over the size limit and a line that is
/// not UTF-8 are reported with their numbers and skipped; Windows line ends are accepted.
#[test]
fn a_batch_reports_overlong_and_non_utf8_lines_and_numbers_lines_across_chunks() {
    let valid = |n: usize| format!(r#"{{"id": "case{n}", "change": {{"kind": "none"}}}}"#);
    let mut input: Vec<u8> = Vec::new();
    for n in 1..=2_500 {
        match n {
            1_500 => input.extend_from_slice(format!("{{\"id\": \"{}\"}}", "x".repeat(300)).as_bytes()),
            2_100 => input.extend_from_slice(b"{\"id\": \"\xff\xfe\"}"),
            2_200 => input.extend_from_slice(format!("{}\r", valid(n)).as_bytes()),
            _ => input.extend_from_slice(valid(n).as_bytes()),
        }
        input.push(b'\n');
    }
    // With the built-in rules (no rules/ folder there), which no size limit applies to.
    let dir = scratch("cli", "batch-limit");
    let limit = [("ACCORD_MAX_FILE_BYTES", "200")];
    let output = batch_in(&dir, &limit, &["--format", "ids", "--jobs", "2"], &input);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("-:1500:1: error[E0003]: the line is longer than the limit of 200 bytes"), "{err}");
    assert!(err.contains("-:2100:1: error[E0002]: the line is not UTF-8 text"), "{err}");
    assert!(err.contains("cases: 2500, errors: 2"), "{err}");
    let out = stdout(&output);
    let ids: Vec<&str> = out.lines().map(|l| l.split('\t').next().unwrap()).collect();
    let expected: Vec<String> =
        (1..=2_500).filter(|n| ![1_500, 2_100].contains(n)).map(|n| format!("case{n}")).collect();
    assert_eq!(ids, expected);
}

// ----- which rule base: --rules, else the nearest rules/ folder, else the built-in rules -----

/// A rule base of one rule, unlike the shipped one, so that its advice shows it was used.
const LOCAL_RULES: &str = "source s
  authors \"Author, A.\"
  year 2000
  title \"A title\"

fact change.kind is one of none, merger
  ask \"What kind of change?\"

rule local_rule
  when change.kind is merger
  note \"From the local rules\" \"This advice comes from the rules on disk.\"
  cite s
";

const LOCAL_CASE: &str = r#"{"name": "Local", "assessed_on": "2013-09-01", "change": {"kind": "merger"}}"#;

/// A project in a scratch folder: `project/rules/local.accord`, a case in
/// `project/cases/2013/case.json`, and `other.accord` beside the project.
fn project(test: &str) -> (Scratch, PathBuf) {
    let dir = scratch("cli", test);
    let project = dir.join("project");
    std::fs::create_dir_all(project.join("rules")).expect("a rules folder");
    std::fs::create_dir_all(project.join("cases/2013")).expect("a cases folder");
    std::fs::write(project.join("rules/local.accord"), LOCAL_RULES).expect("written");
    std::fs::write(project.join("cases/2013/case.json"), LOCAL_CASE).expect("written");
    std::fs::write(dir.join("other.accord"), LOCAL_RULES.replace("local_rule", "other_rule"))
        .expect("written");
    std::fs::create_dir_all(dir.join("other")).expect("another rules folder");
    std::fs::write(dir.join("other/other.accord"), LOCAL_RULES.replace("local_rule", "other_rule"))
        .expect("written");
    (dir, project)
}

#[test]
fn the_rules_folder_is_found_from_the_current_folder_or_the_nearest_above() {
    let (_dir, project) = project("found");
    let output = accord_in(&project, &["check"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "checked 1 rule, 1 fact and 1 source in rules/: no errors, no warnings\n");
    // From a subfolder the folder above is found, and shown in full (it is not under the
    // current folder).
    let deep = project.join("cases/2013");
    let output = accord_in(&deep, &["check"]);
    let folder = format!("{}/", project.join("rules").display());
    assert!(stdout(&output).contains(&format!(" source in {folder}: no errors")), "{}", stdout(&output));
    let output = accord_in(&deep, &["advise", "--format", "json", "case.json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), format!("note: using the rules in {folder}\n"));
    assert_eq!(json(&output)["advice"][0]["rule"], "local_rule", "the rules on disk are used");
}

#[test]
fn every_command_that_reads_rules_says_which_on_stderr_and_keeps_stdout_data() {
    let (_dir, project) = project("every-command");
    let case = "cases/2013/case.json";
    let commands: [&[&str]; 7] = [
        &["advise", "--format", "json", case],
        &["explain", "--format", "json", case],
        &["sources", "--format", "json"],
        &["schema"],
        &["coverage", "--format", "json", case],
        &["check", "--format", "json"],
        &["advise", "--batch", case, "--format", "jsonl"],
    ];
    for args in commands {
        let output = accord_in(&project, args);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {}", stderr(&output));
        assert!(
            stderr(&output).starts_with("note: using the rules in rules/\n"),
            "{args:?}: {}",
            stderr(&output)
        );
        if args.contains(&"--batch") {
            let line = stdout(&output).lines().next().unwrap_or_default().to_string();
            serde_json::from_str::<serde_json::Value>(&line).expect("a JSON line");
        } else {
            json(&output);
        }
    }
    let mut interview = accord_command(&project);
    interview.args(["interview", case]);
    let output = run_with_input(&mut interview, "quit\n");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "note: using the rules in rules/\n");
    assert!(stdout(&output).contains("From the local rules"), "{}", stdout(&output));
}

#[test]
fn the_built_in_rules_are_used_where_no_rules_folder_is_found() {
    let dir = scratch("cli", "built-in");
    assert_eq!(
        accord::load::find_rule_folder(&dir),
        None,
        "this test needs a temporary folder with no rules/ above it"
    );
    let version = env!("CARGO_PKG_VERSION");
    let output = accord_in(&dir, &["check"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let summary = format!(" sources in the built-in rules (accord {version}): no errors, no warnings\n");
    assert!(stdout(&output).ends_with(&summary), "{}", stdout(&output));
    let output = accord_in(&dir, &["sources", "--format", "json"]);
    assert!(
        stderr(&output).starts_with(&format!("note: using the built-in rules (accord {version})")),
        "{}",
        stderr(&output)
    );
    assert!(json(&output).as_array().is_some_and(|sources| !sources.is_empty()));
    // A rules/ folder without rule files does not count.
    std::fs::create_dir_all(dir.join("rules")).expect("a folder");
    std::fs::write(dir.join("rules/notes.txt"), "notes").expect("written");
    assert!(stdout(&accord_in(&dir, &["check"])).ends_with(&summary));
}

#[test]
fn rules_named_with_the_option_win_with_a_warning_about_the_local_rules() {
    let (_dir, project) = project("option-wins");
    let output =
        accord_in(&project, &["advise", "--format", "json", "--rules", "../other/", "cases/2013/case.json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "warning: --rules is given, so the rules in rules/ are not used\n");
    assert_eq!(json(&output)["advice"][0]["rule"], "other_rule");
    let output = accord_in(&project, &["check", "--rules", "../other"]);
    assert!(stdout(&output).contains(" source in ../other/: no errors"), "{}", stdout(&output));
    assert!(stderr(&output).contains("the rules in rules/ are not used"), "{}", stderr(&output));
    // One file named on purpose (a broken example, a draft) is not another rule base.
    let output = accord_in(&project, &["check", "--rules", "../other.accord"]);
    assert!(stdout(&output).contains(" source in ../other.accord: no errors"), "{}", stdout(&output));
    assert_eq!(stderr(&output), "", "--rules ../other.accord");
    // Naming the local rules, or a file of them, warns of nothing.
    for rules in ["rules", "rules/local.accord", "./rules/"] {
        let output = accord_in(&project, &["check", "--rules", rules]);
        assert_eq!(stderr(&output), "", "--rules {rules}");
    }
    // Several paths are named in the summary.
    std::fs::write(project.join("../extra.accord"), "fact change.date is a date\n  ask \"When?\"\n")
        .expect("written");
    let output = accord_in(&project, &["check", "--rules", "rules", "--rules", "../extra.accord"]);
    assert!(
        stdout(&output).contains(" in rules/ and ../extra.accord: "),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
}

/// A file may start with one byte order mark, which is dropped; two were read as one (the
/// file reader dropped the first, the case loader the second). The second is an error, in
/// rule files and case files.
#[test]
fn a_second_byte_order_mark_is_refused_in_rule_and_case_files() {
    let dir = scratch("cli", "bom");
    let rules = "source s\n  authors \"A.\"\n  year 2000\n  title \"T\"\n";
    let write = |name: &str, text: &str| dir.write(name, text);
    let (one, two) = ("\u{feff}", "\u{feff}\u{feff}");
    let good_rules = write("one.accord", &format!("{one}{rules}"));
    let good_case = write("one.json", &format!("{one}{{}}"));
    let output = accord(&["advise", "--as-of", "2013-09-01", "--rules", &good_rules, &good_case]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    for (args, file) in [
        (vec!["advise", "--rules", &good_rules], write("two.json", &format!("{two}{{}}"))),
        (vec!["check", "--rules"], write("two.accord", &format!("{two}{rules}"))),
    ] {
        let output = accord(&[args.as_slice(), &[file.as_str()]].concat());
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{file}: {err}");
        assert!(
            err.contains(&format!("error[E0002]: cannot read `{file}`: it starts with two byte order marks")),
            "{err}"
        );
    }
}

/// Files whose lines end in a carriage return alone are read line by line: errors in a
/// rule file were all placed on line 1 (and a comment hid the rest of the file), and so
/// were those of a case.
#[test]
fn errors_in_files_with_carriage_return_line_endings_are_placed_on_their_lines() {
    let dir = scratch("cli", "carriage-returns");
    let write = |name: &str, text: &str| dir.write(name, text);
    let rules = write(
        "cr.accord",
        "# Saved by an old editor.\rsource s\r  authors \"A.\"\r  year 2000\r  title \"T\"\r\
         fact a is true or false\rrule r\r  when b\r  note \"t\" \"x\"\r  cite s\r",
    );
    let output = accord(&["check", "--rules", &rules]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("--> {rules}:8:8\n")), "{err}");
    assert!(err.contains("8 |   when b\n"), "the line alone: {err}");
    let good =
        write("good.accord", &std::fs::read_to_string(&rules).expect("read").replace("when b", "when a"));
    let case = write("cr.json", "{\r  \"a\": true,\r  \"b\": 1\r}\r");
    let output = accord(&["advise", "--rules", &good, &case]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("--> {case}:3:3\n")), "{err}");
}

// ----- what a case writes, shown safely -----

/// A case whose name holds a line break, a tab, a backslash and a terminal escape, and
/// whose group's name holds an escape that clears the screen.
const FORGING: &str = r#"{"name": "a\nevil\tmerger_x\\n\u001b[31m", "groups": [{"name": "g\u001b[2J\u001b[H", "needs": "complex", "integration": "linkage"}], "change": {"kind": "merger", "date": "2013-04-01"}}"#;

/// `--format ids` printed the case's name as it is: a line break and a tab in it forged an
/// output line and its fields. Control characters are now escaped as JSON escapes them,
/// and a backslash too, so the id can be read back exactly.
#[test]
fn ids_escape_the_control_characters_of_a_case_s_name() {
    let input = format!("{FORGING}\n{}\n", r#"{"id": "plain"}"#);
    let out = stdout(&batch(&[], &["--format", "ids"], input.as_bytes()));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "one line per case: {out:?}");
    assert!(lines[0].starts_with("a\\nevil\\tmerger_x\\\\n\\u001b[31m\t"), "{out:?}");
    assert_eq!(lines[0].matches('\t').count(), 1, "one tab, between the id and the rules: {out:?}");
    assert!(lines[1].starts_with("plain\t"), "{out:?}");
    // A bad line's message on stderr names its key escaped too.
    let bad = batch(&[], &["--format", "ids"], b"{\"ch\\u001b[31mnage\": 1}\n");
    let err = stderr(&bad);
    assert!(err.contains("unknown field `ch\\u001b[31mnage`") && !err.contains('\u{1b}'), "{err:?}");
    // The same without --batch.
    let scratch = scratch("cli", "forged-ids");
    let case = scratch.join("forged.json");
    std::fs::write(&case, FORGING).expect("written");
    let case = case.to_str().expect("a UTF-8 path");
    let output = accord(&["advise", "--format", "ids", "--as-of", "2013-09-01", case]);
    let out = stdout(&output);
    assert_eq!(out.lines().count(), 1, "{out:?}");
    assert!(out.starts_with("a\\nevil\\tmerger_x\\\\n\\u001b[31m\t"), "{out:?}");
}

/// The text report, and `explain`'s, showed what the case wrote as it is: an escape
/// sequence in a name moved the cursor or recoloured the terminal. Control characters
/// from the case are now shown escaped; the report's own line breaks are kept.
#[test]
fn text_reports_show_the_control_characters_of_a_case_escaped() {
    let scratch = scratch("cli", "forged-text");
    let case = scratch.join("forged.json");
    std::fs::write(&case, FORGING).expect("written");
    let case = case.to_str().expect("a UTF-8 path");
    for args in [
        vec!["advise", "--format", "text", "--as-of", "2013-09-01", case],
        vec!["explain", "--format", "text", "--as-of", "2013-09-01", case],
    ] {
        let output = accord(&args);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let out = stdout(&output);
        let controls: Vec<char> = out.chars().filter(|c| c.is_control() && *c != '\n').collect();
        assert!(controls.is_empty(), "{args:?}: {controls:?} in {out}");
        assert!(out.starts_with("a\\nevil\\tmerger_x\\n\\u001b[31m"), "{args:?}: {out:.300}");
        assert!(out.contains("g\\u001b[2J\\u001b[H"), "{args:?}: the group's name: {out}");
    }
}

/// `--help` and `--version` exited 0 when standard output could not be written (full, as
/// `/dev/full` is): now 1, with the reason on standard error, as every command that cannot
/// write its output.
#[test]
fn help_and_version_fail_when_their_output_cannot_be_written() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // No such device here (not Linux): nothing to test.
    };
    for args in [&["--help"][..], &["--version"], &["advise", "--help"], &["help"], &["check"], &["schema"]] {
        let output = accord_command(manifest_dir())
            .args(args)
            .stdout(full.try_clone().expect("the device again"))
            .output()
            .expect("accord runs");
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("error: cannot write the output: No space left on device"), "{args:?}: {err}");
    }
    // Written, they succeed.
    for args in [&["--help"][..], &["--version"]] {
        assert_eq!(accord(args).status.code(), Some(0), "{args:?}");
    }
}
