//! Limits: files over the size limit are refused (and the limit is set by
//! `ACCORD_MAX_FILE_BYTES`), nesting is bounded, interpolated texts grow no faster than the
//! case, and no rule base can make evaluation loop (cycles of derived facts and of
//! overrides are refused when the rules are checked). Through the binary, as users meet
//! them, except where the library says more.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use accord::load::{MAX_FILE_BYTES, MAX_FILE_BYTES_VAR, MAX_RULE_BASE_BYTES, MAX_RULE_BASE_BYTES_VAR};
use accord::{Date, RuleFiles};

mod common;

use common::{Scratch, scratch};

fn accord_with(env: &[(&str, &str)], args: &[&str]) -> Output {
    accord_with_in(Path::new(env!("CARGO_MANIFEST_DIR")), env, args)
}

/// As [`accord_with`], run in `dir`: in a folder with no `rules/` here or above, commands
/// use the built-in rules, which no size limit applies to (they are not files).
fn accord_with_in(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_accord"));
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove(MAX_FILE_BYTES_VAR)
        .env_remove(MAX_RULE_BASE_BYTES_VAR);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("the binary runs")
}

fn accord(args: &[&str]) -> Output {
    accord_with(&[], args)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const SHIRE: &str = "fixtures/01-shire-integrated-care.json";

fn assert_too_large(output: &Output, what: &str) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(1), "{what}: {err}");
    assert!(err.contains("error[E0003]"), "{what}: {err}");
    assert!(err.contains("it is too large"), "{what}: {err}");
    assert!(!err.contains("panicked"), "{what}: {err}");
}

// ----- the size limit -----

#[test]
fn a_rule_file_over_the_size_limit_is_refused() {
    let scratch = scratch("limits", "big-rules");
    let big = scratch.sparse("big.accord", MAX_FILE_BYTES + 1);
    for args in [
        vec!["check", "--rules", &big],
        vec!["advise", "--rules", &big, SHIRE],
        vec!["explain", "--rules", &big, SHIRE],
        vec!["sources", "--rules", &big],
        vec!["schema", "--rules", &big],
        vec!["fmt", &big],
    ] {
        let output = accord(&args);
        assert_too_large(&output, &args.join(" "));
        assert!(stderr(&output).contains("more than the limit of 16777216"), "{}", stderr(&output));
    }
    // `fmt` left it alone.
    assert_eq!(std::fs::metadata(&big).unwrap().len(), MAX_FILE_BYTES + 1);
}

/// 150 rule files of 16 MiB each, each at the limit of one file (sparse: no room on disk),
/// used to be read one after the other until memory ran out (2.4 GB). The whole rule base
/// has a limit of its own: the second file is refused before it is read.
#[test]
fn a_rule_base_over_its_limit_is_refused_before_its_files_are_read() {
    let scratch = scratch("limits", "big-rule-base");
    std::fs::create_dir_all(scratch.join("rules")).expect("a folder");
    for i in 0..150 {
        scratch.sparse(&format!("rules/r{i:03}.accord"), MAX_FILE_BYTES);
    }
    let folder = scratch.join("rules");
    let folder = folder.to_str().expect("a UTF-8 path");
    for args in [vec!["check", "--rules", folder], vec!["advise", "--rules", folder, SHIRE]] {
        let output = accord(&args);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{err}");
        assert!(err.contains("error[E0003]: cannot read"), "{err}");
        assert!(err.contains("r001.accord`: the rule base is too large"), "{err}");
        assert!(
            err.contains(&format!(
                "{} bytes, more than the limit of {MAX_RULE_BASE_BYTES}",
                2 * MAX_FILE_BYTES
            )),
            "{err}"
        );
        assert!(err.contains(MAX_RULE_BASE_BYTES_VAR), "{err}");
    }
    // A larger limit reads more files: the fifth is refused under 64 MiB.
    let output = accord_with(&[(MAX_RULE_BASE_BYTES_VAR, "67108864")], &["check", "--rules", folder]);
    assert!(stderr(&output).contains("r004.accord`: the rule base is too large"), "{}", stderr(&output));
    // Source texts count too: a rule file and a text that each fit, but not together.
    let rules = scratch.write(
        "one.accord",
        "source s\n  authors \"A.\"\n  year 2000\n  title \"T\"\n  text \"words.txt\"\n\n\
         fact a is true or false\n  ask \"A?\"\n\n\
         rule r\n  when a\n  note \"t\" \"x\"\n  cite s quote \"words\"\n",
    );
    scratch.write("words.txt", &"words ".repeat(100));
    let limit = (std::fs::metadata(&rules).unwrap().len() + 100).to_string();
    let output = accord_with(&[(MAX_RULE_BASE_BYTES_VAR, &limit)], &["check", "--rules", &rules]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("error[E0211]") && err.contains("the rule base is too large"), "{err}");
    let output = accord_with(&[(MAX_RULE_BASE_BYTES_VAR, "")], &["check", "--rules", &rules]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // Not a number: a command-line error.
    let output = accord_with(&[(MAX_RULE_BASE_BYTES_VAR, "lots")], &["check", "--rules", &rules]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("ACCORD_MAX_RULE_BASE_BYTES is `lots`, not a size in bytes"));
}

#[test]
fn a_case_file_over_the_size_limit_is_refused_by_every_command_that_reads_cases() {
    let scratch = scratch("limits", "big-case");
    let big = scratch.sparse("big.json", MAX_FILE_BYTES + 1);
    for args in [
        vec!["advise", &big],
        vec!["explain", &big],
        vec!["interview", &big],
        vec!["coverage", &big],
        vec!["diff", "--old", "rules", "--new", "rules", &big],
    ] {
        assert_too_large(&accord(&args), &args.join(" "));
    }
}

#[test]
fn a_source_text_over_the_size_limit_fails_the_check() {
    let scratch = scratch("limits", "big-source");
    scratch.sparse("big.txt", MAX_FILE_BYTES + 1);
    let rules = scratch.write(
        "rules.accord",
        "source s\n  authors \"A.\"\n  year 2000\n  title \"T\"\n  text \"big.txt\"\n\n\
         fact a is true or false\n  ask \"A?\"\n\n\
         rule r\n  when a\n  note \"t\" \"x\"\n  cite s quote \"words\"\n",
    );
    let output = accord(&["check", "--rules", &rules]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("error[E0211]") && err.contains("it is too large"), "{err}");
}

#[test]
fn the_size_limit_is_set_by_accord_max_file_bytes() {
    let scratch = scratch("limits", "limit-var");
    let shire = Path::new(env!("CARGO_MANIFEST_DIR")).join(SHIRE);
    let shire_len = std::fs::metadata(&shire).unwrap().len();
    let shire = shire.to_str().expect("a UTF-8 path");
    // Under the default limit, refused under a smaller one. (With the built-in rules: the
    // shipped rule files on disk are larger than the case.)
    let small = (shire_len - 1).to_string();
    let advise = |limit: &str| {
        accord_with_in(&scratch, &[(MAX_FILE_BYTES_VAR, limit)], &["advise", "--format", "json", shire])
    };
    let output = advise(&small);
    assert_too_large(&output, "a smaller limit");
    assert!(stderr(&output).contains(&format!("{shire_len} bytes, more than the limit of {small}")));
    let output = advise(&shire_len.to_string());
    assert_eq!(output.status.code(), Some(0), "a file of exactly the limit is read: {}", stderr(&output));
    // Rule files too, named or found in the current folder.
    let output = accord_with(&[(MAX_FILE_BYTES_VAR, "100")], &["check", "--rules", "rules"]);
    assert_too_large(&output, "rule files under a smaller limit");
    let output = accord_with(&[(MAX_FILE_BYTES_VAR, "100")], &["check"]);
    assert_too_large(&output, "the rules/ folder found under a smaller limit");
    // Over the default limit, read under a larger one: a valid case of 17 MiB (mostly
    // white space).
    let padded = format!("{{\"name\": \"padded\"}}{}", " ".repeat(17 << 20));
    let big = scratch.write("padded.json", &padded);
    assert_too_large(&accord(&["advise", "--format", "json", &big]), "the default limit");
    let output = accord_with(&[(MAX_FILE_BYTES_VAR, "67108864")], &["advise", "--format", "json", &big]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // Empty is unset.
    let output = accord_with(&[(MAX_FILE_BYTES_VAR, "")], &["advise", "--format", "json", SHIRE]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn a_limit_that_is_not_a_number_is_a_command_line_error() {
    for value in ["16MiB", "-1", "lots", "1e9"] {
        let output = accord_with(&[(MAX_FILE_BYTES_VAR, value)], &["advise", SHIRE]);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{value}: {err}");
        assert!(err.contains("ACCORD_MAX_FILE_BYTES") && err.contains("not a size in bytes"), "{err}");
        assert!(output.stdout.is_empty());
    }
}

/// A file with no size until read, and no end: read up to the limit, then refused.
#[cfg(unix)]
#[test]
fn a_device_that_never_ends_is_refused_at_the_limit() {
    let started = Instant::now();
    let output = accord_with(&[(MAX_FILE_BYTES_VAR, "1000000")], &["advise", "/dev/zero"]);
    assert_too_large(&output, "/dev/zero");
    assert!(stderr(&output).contains("more than the limit of 1000000 bytes"), "{}", stderr(&output));
    assert!(started.elapsed() < Duration::from_secs(30));
    // And at the default limit.
    assert_too_large(&accord(&["check", "--rules", "/dev/zero"]), "/dev/zero as rules");
}

/// A batch whose one line never ends: the line is skipped for a while, then the batch
/// stops with an error instead of reading for ever.
#[cfg(unix)]
#[test]
fn a_batch_line_that_never_ends_stops_the_batch() {
    let started = Instant::now();
    // In a folder without rules/: the built-in rules are read whatever the limit.
    let scratch = scratch("limits", "endless-line");
    let args = ["advise", "--batch", "/dev/zero", "--format", "ids"];
    let output = accord_with_in(&scratch, &[(MAX_FILE_BYTES_VAR, "1000")], &args);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let expected = "line 1 is longer than the limit of 1000 bytes and does not end within 16000 bytes";
    assert!(stderr(&output).contains(expected), "{}", stderr(&output));
    assert!(started.elapsed() < Duration::from_secs(30));
}

// ----- paths -----

/// Paths that name nothing, an empty folder, a folder where a file is needed, or an empty
/// rule file: each is an error with a message (exit 1), except an empty rule file, which
/// is a rule base with nothing in it.
#[test]
fn missing_empty_and_wrong_kind_paths_are_errors_not_panics() {
    let scratch = scratch("limits", "paths");
    std::fs::create_dir_all(scratch.join("empty")).unwrap();
    let empty_folder = scratch.join("empty").to_string_lossy().into_owned();
    let missing = scratch.join("missing.json").to_string_lossy().into_owned();
    let errors: [(Vec<&str>, &str); 9] = [
        (vec!["check", "--rules", &missing], "no such file or folder"),
        (vec!["check", "--rules", &empty_folder], "no rule files in"),
        (vec!["advise", &missing], "no such file or folder"),
        (vec!["advise", &empty_folder], "it is a folder"),
        (vec!["explain", &missing], "no such file or folder"),
        (vec!["interview", &missing], "no such file or folder"),
        (vec!["interview", "--write", &empty_folder], "it is a folder"),
        (vec!["fmt", &missing], "no such file or folder"),
        (vec!["coverage", &empty_folder], "no case files in"),
    ];
    for (args, message) in errors {
        let output = accord(&args);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("error[E0001]") && err.contains(message), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    let empty_rules = scratch.write("empty.accord", "");
    let comments = scratch.write("comments.accord", "# only a comment\n");
    for rules in [&empty_rules, &comments] {
        let output = accord(&["check", "--rules", rules]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
}

/// A rule file citing `paper` with a quote, its source's text at `text`.
fn rules_with_text(text: &str) -> String {
    format!(
        "source paper\n  authors \"Glasby, J.\"\n  year 2012\n  title \"T\"\n  text \"{text}\"\n\n\
         fact change.kind is one of none, merger\n  ask \"What change?\"\n\n\
         rule merger_stalls\n  when change.kind is merger\n  warn \"Stall\" \"Expect a stall.\"\n\
         \x20 cite paper at \"Mergers\" quote \"Mergers stall.\"\n"
    )
}

/// A source's `text` is read only from the folder of the rule file that declares it, or
/// below: an absolute path, `..` out of the folder and a symbolic link pointing out of it
/// are refused (E0211, with the fix); they used to read any file on the machine.
#[cfg(unix)]
#[test]
fn a_source_text_outside_the_rule_files_folder_is_refused() {
    let scratch = scratch("limits", "source-outside");
    let rules = scratch.join("project/rules");
    std::fs::create_dir_all(rules.join("texts/more")).unwrap();
    std::fs::write(rules.join("texts/paper.txt"), "Mergers stall.\n").unwrap();
    std::fs::write(scratch.join("project/secret.txt"), "Mergers stall. A secret.\n").unwrap();
    std::os::unix::fs::symlink("../../secret.txt", rules.join("texts/out.txt")).unwrap();
    std::os::unix::fs::symlink("paper.txt", rules.join("texts/in.txt")).unwrap();
    std::os::unix::fs::symlink("../paper.txt", rules.join("texts/more/up.txt")).unwrap();
    let secret = scratch.join("project/secret.txt").to_string_lossy().into_owned();
    let cases = [
        ("texts/paper.txt", true),
        ("texts/../texts/paper.txt", true),
        ("./texts/in.txt", true),
        ("texts/more/up.txt", true),
        ("/etc/passwd", false),
        (secret.as_str(), false),
        ("../secret.txt", false),
        ("texts/../../secret.txt", false),
        ("texts/out.txt", false),
    ];
    for (text, allowed) in cases {
        std::fs::write(rules.join("rules.accord"), rules_with_text(text)).unwrap();
        let output = accord(&["check", "--rules", rules.join("rules.accord").to_str().unwrap()]);
        let err = stderr(&output);
        if allowed {
            assert_eq!(output.status.code(), Some(0), "{text}: {err}");
        } else {
            assert_eq!(output.status.code(), Some(1), "{text}: {err}");
            assert!(err.contains("error[E0211]: cannot read the text of this source"), "{text}: {err}");
            assert!(err.contains("outside the folder of the rule file"), "{text}: {err}");
            assert!(
                err.contains("help: keep the source's text in the folder of its rule file"),
                "{text}: {err}"
            );
        }
    }
}

/// A source's `text` that is a named pipe is refused without being opened (E0211), rather
/// than waited on for ever.
#[cfg(unix)]
#[test]
fn a_source_text_that_is_a_named_pipe_is_refused() {
    let scratch = scratch("limits", "source-fifo");
    std::fs::create_dir_all(scratch.join("texts")).unwrap();
    let made = Command::new("mkfifo").arg(scratch.join("texts/pipe.txt")).status().unwrap();
    assert!(made.success());
    let rules = scratch.write("rules.accord", &rules_with_text("texts/pipe.txt"));
    let mut command = Command::new(env!("CARGO_BIN_EXE_accord"));
    command.args(["check", "--rules", &rules]).env("NO_COLOR", "1");
    let mut child = command.stderr(std::process::Stdio::piped()).spawn().unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`accord check` waited on the pipe");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let output = child.wait_with_output().unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error[E0211]") && err.contains("is not a regular file: it is a named pipe"),
        "{err}"
    );
}

// ----- nesting -----

#[test]
fn a_condition_nested_a_million_levels_deep_is_an_error_not_a_crash() {
    let scratch = scratch("limits", "deep-rules");
    // A million brackets; the other forms a hundred thousand deep, as the error message
    // shows the line, which takes time to lay out in a debug build.
    let (million, depth) = (1_000_000, 100_000);
    for (name, condition) in [
        ("brackets", format!("{}a{}", "(".repeat(million), ")".repeat(million))),
        ("nots", "not ".repeat(depth) + "a"),
        ("chain", vec!["a"; depth].join(" and ")),
        ("sum", format!("n == {}", vec!["1"; depth].join(" + "))),
        ("quantifiers", "any g in groups where ".repeat(depth) + "a"),
        // These three overflowed the stack before they counted as levels.
        ("count", "count g in groups where ".repeat(depth) + "a"),
        ("list", format!("n in {}1{}", "[".repeat(depth), "]".repeat(depth))),
        ("months", "months between ".repeat(depth) + "d and d" + &" and d".repeat(depth - 1) + " > 1"),
    ] {
        let rules = scratch.write(
            &format!("{name}.accord"),
            &format!(
                "source s\n  authors \"A.\"\n  year 2000\n  title \"T\"\n\
                 fact a is true or false\nfact n is a number\nfact d is a date\n\
                 fact groups is a list of records\n\
                 fact groups[].x is text\n\
                 rule r\n  when {condition}\n  note \"t\" \"x\"\n  cite s\n"
            ),
        );
        let output = accord(&["check", "--rules", &rules]);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{name}: {}", &err[..err.len().min(2000)]);
        assert!(err.contains("error[E0108]"), "{name}: {}", &err[..err.len().min(2000)]);
    }
}

/// Quantifiers nested 25 deep in a 776-byte rule file: the case search of the analysis
/// evaluated the body 2^25 times per case tried, asked for 2 GB and aborted. Now the
/// analysis gives up on the rule with a note, quickly and within a gigabyte, and the
/// check passes.
#[test]
fn a_rule_of_quantifiers_nested_25_deep_is_given_up_on_by_the_analysis_not_a_crash() {
    let scratch = scratch("limits", "nested-quantifiers");
    let quantifiers: String = (0..25).map(|i| format!("any g{i} in groups where ")).collect();
    let rules = scratch.write(
        "deep.accord",
        &format!(
            "source s\n  authors \"A.\"\n  year 2000\n  title \"T\"\n\n\
             fact groups is a list of records\nfact groups[].pooled is true or false\n\n\
             rule deep\n  when {quantifiers}g24.pooled\n  note \"Deep\" \"Deep.\"\n  cite s\n"
        ),
    );
    let binary = env!("CARGO_BIN_EXE_accord");
    // At most 1 GiB of address space: the search's 1 GiB allocation failed under it.
    let limited = |args: &[&str]| {
        Command::new("sh")
            .arg("-c")
            .arg("ulimit -v 1048576; exec \"$0\" \"$@\"")
            .arg(binary)
            .args(args)
            .env("NO_COLOR", "1")
            .output()
            .expect("sh runs")
    };
    let started = Instant::now();
    let output = limited(&["check", "--rules", &rules]);
    let (out, err) = (String::from_utf8_lossy(&output.stdout), stderr(&output));
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert!(started.elapsed() < Duration::from_secs(60), "{:?}", started.elapsed());
    assert!(out.contains("no errors, no warnings"), "{out}");
    let place = format!("{rules}:9:6");
    let note = format!(
        "note: rule `deep` at {place} was not fully analysed: a search for a case ran past its budget of work; not checked: W0301\n"
    );
    assert!(err.contains(&note), "{err}");
    let output = limited(&["check", "--format", "json", "--rules", &rules]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json["warnings"], 0);
    assert_eq!(json["unanalysed"][0]["rule"], "deep");
    assert_eq!(json["unanalysed"][0]["checks"], serde_json::json!(["W0301"]));
    assert_eq!(json["unanalysed"][0]["location"]["line"], 9);
}

// ----- fact paths -----

/// A rule file declaring one fact of `segments` nested fields, and a rule testing it.
fn deep_fact(segments: usize) -> String {
    let path: Vec<String> = (0..segments).map(|i| format!("s{i}")).collect();
    let path = path.join(".");
    format!(
        "source s\n  authors \"A.\"\n  year 2000\n  title \"T\"\n\n\
         fact {path} is true or false\n\nrule r\n  when {path}\n  note \"t\" \"x\"\n  cite s\n"
    )
}

/// A fact path of 10,000 segments passed `check`, then `schema` overflowed its stack; 5,000
/// made 450 MB of schema from a 20 KB file. Both are E0228 now, at the declaration and
/// at the use, quickly, and every command refuses the rules.
#[test]
fn a_fact_path_ten_thousand_segments_deep_is_an_error_not_a_crash() {
    let scratch = scratch("limits", "deep-fact-path");
    let case = scratch.write("case.json", "{}");
    for segments in [17, 5_000, 10_000] {
        let rules = scratch.write(&format!("deep{segments}.accord"), &deep_fact(segments));
        for args in [
            vec!["check", "--rules", &rules],
            vec!["schema", "--rules", &rules],
            vec!["advise", "--rules", &rules, &case],
        ] {
            let started = Instant::now();
            let output = accord(&args);
            let err = stderr(&output);
            let shown = &err[..err.len().min(2000)];
            assert_eq!(output.status.code(), Some(1), "{segments}: {args:?}: {shown}");
            assert_eq!(err.matches("error[E0228]").count(), 2, "{segments}: {args:?}: {shown}");
            assert!(
                err.contains(&format!("this fact path has {segments} segments, more than 16")),
                "{shown}"
            );
            assert!(output.stdout.len() < 1000, "{segments}: {args:?}: no schema");
            assert!(started.elapsed() < Duration::from_secs(30), "{segments}: {args:?}");
        }
    }
}

/// Facts at the deepest path allowed (16 segments), at the top of the case and as fields
/// of a list of records nested in objects, run through check (with its case search),
/// schema, case loading (the fast reader, and the full one for a case with a mistake),
/// advice, explanations and coverage on a 2 MB stack: every walk over a path is bounded
/// by the limit.
#[test]
fn the_deepest_fact_paths_allowed_run_on_a_small_stack() {
    let max = accord::rulebase::MAX_PATH_SEGMENTS;
    let top: Vec<String> = (0..max).map(|i| format!("t{i}")).collect();
    let list: Vec<String> = (0..max / 2).map(|i| format!("l{i}")).collect();
    let field: Vec<String> = (0..max - max / 2).map(|i| format!("f{i}")).collect();
    let (top, list, field) = (top.join("."), list.join("."), field.join("."));
    let rules = format!(
        "source s\n  authors \"A.\"\n  year 2000\n  title \"T\"\n\
         fact {top} is true or false\n  ask \"Top?\"\n\
         fact {list} is a list of records\n  ask \"List?\"\n\
         fact {list}[].{field} is a number\n  ask \"Field?\"\n\
         rule r\n  when {top} and any g in {list} where g.{field} > 1\n  note \"t\" \"{{{top}}}\"\n  cite s\n"
    );
    let nest = |path: &str, inner: &str| {
        path.split('.').rev().fold(inner.to_string(), |inner, name| format!("{{\"{name}\": {inner}}}"))
    };
    let item = nest(&field, "2");
    let lists = nest(&list, &format!("[{item}, {{}}]"));
    let good = format!(
        "{{{}, {}}}",
        &nest(&top, "true")[1..nest(&top, "true").len() - 1],
        &lists[1..lists.len() - 1]
    );
    let bad = good.replace("true", "\"yes\"");
    let run = move || {
        let compiled = RuleFiles::from_texts(vec![("deep.accord".into(), rules)]).compile();
        let rule_base = compiled.rule_base.unwrap_or_else(|| panic!("{:#?}", compiled.diagnostics));
        let findings = accord::lint::lint(&rule_base);
        assert!(findings.unanalysed.is_empty(), "{:?}", findings.unanalysed);
        let schema = accord::schema::case_schema(&rule_base.vocabulary).to_string();
        assert!(schema.len() < 20_000, "{} bytes of schema", schema.len());
        let errors = accord::parse_case("bad.json", &bad, &rule_base.vocabulary).expect_err("refused");
        assert_eq!(errors[0].code, "E0303", "{errors:?}");
        let case = accord::parse_case("case.json", &good, &rule_base.vocabulary).expect("a valid case");
        let as_of = Date::parse("2013-09-01").unwrap();
        let report = rule_base.advise(&case, as_of);
        assert_eq!(report.advice.len(), 1, "{good}");
        rule_base.explain(&case, as_of, &[]);
        rule_base.coverage([(&case, as_of)]);
    };
    let worker = std::thread::Builder::new().stack_size(SMALL_STACK).spawn(run).expect("a thread");
    assert!(worker.join().is_ok());
}

/// A misspelt name tens of thousands of characters long, beside a declared one as long:
/// the "did you mean" search compared the two in time the product of their lengths (20,000
/// characters took 19 seconds; a 16 MiB file, days). Names that long get no suggestion.
#[test]
fn a_misspelt_name_thirty_thousand_characters_long_is_reported_quickly() {
    let scratch = scratch("limits", "long-name");
    let (declared, used) = ("a".repeat(30_000), format!("{}b", "a".repeat(29_999)));
    let rules = scratch.write(
        "long.accord",
        &format!(
            "source s\n  authors \"A.\"\n  year 2000\n  title \"T\"\n\
             fact {declared} is true or false\nrule r\n  when {used}\n  note \"t\" \"x\"\n  cite s\n"
        ),
    );
    let started = Instant::now();
    let output = accord(&["check", "--rules", &rules]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{}", &err[..err.len().min(2000)]);
    assert!(err.contains("error[E0203]"), "{}", &err[..err.len().min(2000)]);
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
}

// ----- derived facts -----

const DEFINE_PREAMBLE: &str = "source s\n  authors \"A.\"\n  year 2000\n  title \"T\"\n\
fact a is true or false\n  ask \"A?\"\n\
fact n is a number\n  ask \"N?\"\n\
fact groups is a list of records\n  ask \"Groups?\"\n\
fact groups[].name is text\n  ask \"Name?\"\n\
fact groups[].x is true or false\n  ask \"X?\"\n";

/// `levels` derived facts, each defined from the one before through `wrap`, which nests
/// it; a rule uses the last, in its condition and its text.
fn chain_of_definitions(levels: usize, wrap: &dyn Fn(&str) -> String) -> String {
    let mut text = String::from(DEFINE_PREAMBLE);
    text.push_str(&format!("define d0 as {}\n", wrap("a")));
    for i in 1..levels {
        text.push_str(&format!("define d{i} as {}\n", wrap(&format!("d{}", i - 1))));
    }
    let top = format!("d{}", levels - 1);
    let when = wrap(&top);
    text + &format!("rule r\n  when {when}\n  note \"t\" \"{{{top}}}\"\n  cite s\n")
}

/// A way to nest a derived fact's use to the syntax's limit, and whether every command
/// can run on it (see [`deepest_wraps`]).
type Wrap = (&'static str, Box<dyn Fn(&str) -> String>, bool);

/// Ways to nest a derived fact's use to the syntax's limit: each gives the evaluator (and
/// explanations, and the search for cases) its own frames per level. A quantifier
/// evaluates its body once per item, so quantifiers at every level take time exponential
/// in the levels: those are only advised and explained for cases of one item (the search
/// for cases, `accord check`, gives lists two).
fn deepest_wraps() -> Vec<Wrap> {
    let levels = accord::syntax::MAX_NESTING - 2;
    let repeat = |prefix: &'static str, times: usize| move |inner: &str| prefix.repeat(times) + inner;
    let nested_counts = move |inner: &str| {
        (0..levels / 3)
            .fold(inner.to_string(), |inner, i| format!("(count g{i} in groups where {inner}) == 1"))
    };
    vec![
        ("nots", Box::new(repeat("not not ", levels / 2)), true),
        ("ors", Box::new(repeat("not a or ", levels)), true),
        ("ands", Box::new(move |inner: &str| format!("{inner}{}", " and a".repeat(levels))), true),
        (
            "brackets",
            Box::new(move |inner: &str| format!("{}{inner}{}", "(".repeat(levels), ")".repeat(levels))),
            true,
        ),
        ("quantifiers", Box::new(repeat("any g in groups where ", levels)), false),
        ("counts", Box::new(nested_counts), false),
    ]
}

/// The most stack the deepest derived facts may need: that of the batch workers and of
/// test threads.
const SMALL_STACK: usize = 2 << 20;

/// Derived facts [`MAX_DEFINITION_DEPTH`] levels deep, each nested to the syntax's limit,
/// check, advise (with questions), explain, search for cases (the lints) and measure
/// coverage on a 2 MB thread.
#[test]
fn the_deepest_derived_facts_allowed_evaluate_on_a_small_stack() {
    let levels = accord::check::MAX_DEFINITION_DEPTH;
    for (name, wrap, search) in deepest_wraps() {
        let text = chain_of_definitions(levels, &*wrap);
        let run = move || {
            let compiled = RuleFiles::from_texts(vec![("deep.accord".into(), text)]).compile();
            let rule_base =
                compiled.rule_base.unwrap_or_else(|| panic!("{name}: {:#?}", compiled.diagnostics));
            if search {
                accord::lint::lint(&rule_base);
            }
            let as_of = Date::parse("2013-09-01").unwrap();
            for case in [r#"{"a": true, "n": 1, "groups": [{"x": true}]}"#, "{}", r#"{"groups": [{}]}"#] {
                let case =
                    accord::parse_case("case.json", case, &rule_base.vocabulary).expect("a valid case");
                rule_base.advise(&case, as_of);
                rule_base.explain(&case, as_of, &[]);
                rule_base.coverage([(&case, as_of)]);
            }
        };
        let worker = std::thread::Builder::new().stack_size(SMALL_STACK).spawn(run).expect("a thread");
        assert!(worker.join().is_ok(), "{name}");
    }
}

/// The same through the binary: `check` (whose lints search for cases), `advise`,
/// `explain`, `coverage` and `advise --batch` on two workers (each with a 2 MB stack).
#[test]
fn the_deepest_derived_facts_allowed_run_through_every_command() {
    let scratch = scratch("limits", "deepest-definitions");
    let levels = accord::check::MAX_DEFINITION_DEPTH;
    let case = scratch.write("case.json", r#"{"a": true, "n": 1, "groups": [{"x": true}]}"#);
    let batch = scratch.write("cases.jsonl", &"{\"a\": true}\n{}\n".repeat(8));
    for (name, wrap, search) in deepest_wraps() {
        let rules = scratch.write(&format!("{name}.accord"), &chain_of_definitions(levels, &*wrap));
        let mut commands = vec![
            vec!["advise", "--format", "json", "--rules", &rules, &case],
            vec!["explain", "--rules", &rules, &case],
            vec!["coverage", "--rules", &rules, &case],
        ];
        if search {
            commands.push(vec!["check", "--rules", &rules]);
            commands.push(vec!["advise", "--batch", &batch, "--jobs", "2", "--rules", &rules]);
        }
        for args in commands {
            let started = Instant::now();
            let output = accord(&args);
            let err = stderr(&output);
            assert!(matches!(output.status.code(), Some(0 | 1)), "{name}: {args:?}: {err}");
            assert!(!err.contains("panicked") && !err.contains("overflow"), "{name}: {args:?}: {err}");
            assert!(!err.contains("error["), "{name}: {args:?}: {err}");
            assert!(started.elapsed() < Duration::from_secs(60), "{name}: {args:?}");
        }
    }
}

/// Derived facts that each use the one below twice, or once per item of a list, at the
/// limit: each is evaluated once per evaluation, not a number of times exponential in the
/// levels (2^31 before), by every command.
#[test]
fn derived_facts_used_twice_at_every_level_are_evaluated_once() {
    let scratch = scratch("limits", "define-doubling");
    let levels = accord::check::MAX_DEFINITION_DEPTH;
    let cases = [
        scratch.write("true.json", r#"{"a": true, "groups": [{"x": true}, {"x": false}, {}]}"#),
        scratch.write("empty.json", "{}"),
    ];
    let batch = scratch.write("cases.jsonl", "{\"a\": true}\n{}\n");
    let doubling = |inner: &str| format!("{inner} and ({inner} or not a)");
    let per_item = |inner: &str| format!("all g in groups where {inner}");
    for (name, wrap) in [("twice", &doubling as &dyn Fn(&str) -> String), ("per-item", &per_item)] {
        let rules = scratch.write(&format!("{name}.accord"), &chain_of_definitions(levels, wrap));
        let mut commands = vec![
            vec!["check", "--rules", &rules],
            vec!["advise", "--batch", &batch, "--jobs", "2", "--rules", &rules],
        ];
        for case in &cases {
            for command in ["advise", "explain", "coverage"] {
                commands.push(vec![command, "--rules", &rules, case]);
            }
        }
        for args in commands {
            let started = Instant::now();
            let output = accord(&args);
            let err = stderr(&output);
            assert!(matches!(output.status.code(), Some(0 | 1)), "{name}: {args:?}: {err}");
            assert!(!err.contains("error[") && !err.contains("panicked"), "{name}: {args:?}: {err}");
            assert!(started.elapsed() < Duration::from_secs(60), "{name}: {args:?}");
        }
    }
}

/// A chain of derived facts thousands long (each defined from the one before) is refused
/// where it first goes past the limit, quickly and in little memory: measuring it does not
/// recurse, and the rule file's text is not copied per definition.
#[test]
fn a_chain_of_a_hundred_thousand_derived_facts_is_an_error_not_a_crash() {
    let scratch = scratch("limits", "define-chain");
    for length in [5_000, 100_000] {
        let mut text = String::from(CYCLE_PREAMBLE);
        text.push_str("define d0 as a\n");
        for i in 1..length {
            text.push_str(&format!("define d{i} as d{}\n", i - 1));
        }
        text.push_str(&rule("r", &format!("d{}", length - 1), ""));
        let rules = scratch.write(&format!("chain{length}.accord"), &text);
        let started = Instant::now();
        let output = accord(&["check", "--rules", &rules]);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{length}: {err}");
        assert!(err.contains("error[E0218]"), "{length}: {err}");
        // The first past the limit: d0 is one level deep.
        let first = accord::check::MAX_DEFINITION_DEPTH;
        assert!(err.contains(&format!("`d{first}` nests derived facts")), "{length}: {err}");
        let line = CYCLE_PREAMBLE.lines().count() + first + 1;
        assert!(err.contains(&format!("chain{length}.accord:{line}:8")), "{length}: {err}");
        assert_eq!(err.matches("error[").count(), 1, "reported once: {err}");
        assert!(started.elapsed() < Duration::from_secs(60), "{length}");
    }
}

// ----- interpolation -----

const LIST_VOCABULARY: &str = "source s\n  authors \"A.\"\n  year 2000\n  title \"T\"\n\
fact reasons is a list of text\n  ask \"Reasons?\"\n\
fact groups is a list of records\n  ask \"Groups?\"\n\
fact groups[].name is text\n  ask \"Name?\"\n";

fn list_case(groups: usize, reasons: usize, width: usize) -> String {
    let groups: Vec<String> = (0..groups).map(|i| format!("{{\"name\": \"g{i}\"}}")).collect();
    let reasons: Vec<String> = (0..reasons).map(|i| format!("\"{}{i:06}\"", "r".repeat(width))).collect();
    format!("{{\"groups\": [{}], \"reasons\": [{}]}}", groups.join(", "), reasons.join(", "))
}

/// The advice (as JSON) for `rules` over [`LIST_VOCABULARY`], its size and how long it took.
fn advice_json(rules: &str, case: &str) -> (usize, Duration) {
    let files = vec![
        ("v.accord".to_string(), LIST_VOCABULARY.to_string()),
        ("r.accord".to_string(), rules.to_string()),
    ];
    let compiled = RuleFiles::from_texts(files).compile();
    let rule_base = compiled.rule_base.unwrap_or_else(|| panic!("{:#?}", compiled.diagnostics));
    let started = Instant::now();
    let case = accord::parse_case("case.json", case, &rule_base.vocabulary).expect("a valid case");
    let report = rule_base.advise(&case, Date::parse("2013-09-01").unwrap());
    let json = accord::report::to_json(&report).to_string();
    (json.len(), started.elapsed())
}

/// A text interpolates values of the case, and nothing in the language makes text from
/// text, so a text is at most its number of interpolations times the size of the case:
/// 1,000 interpolations of a list of 1,000 texts give one text of 1,000 lists, no more.
#[test]
fn a_text_with_many_interpolations_of_a_long_list_grows_with_the_case_and_no_faster() {
    let interpolations = 1000;
    let rules = format!(
        "rule r\n  when true\n  note \"{{reasons}}\" \"{}\"\n  cite s\n",
        "{reasons} ".repeat(interpolations)
    );
    let case = list_case(0, 1000, 20);
    let (size, took) = advice_json(&rules, &case);
    assert!(size > interpolations * case.len() / 2, "every interpolation is written: {size}");
    assert!(size < (interpolations + 2) * case.len(), "{size} bytes from a case of {}", case.len());
    assert!(took < Duration::from_secs(60), "{took:?}");
}

/// A `for each` rule writes its text once per item: a text that interpolates a list gives
/// advice of (items) x (list) bytes, bounded by the square of the case's size (and the
/// rule file's), not by the case's size.
#[test]
fn a_per_item_text_that_interpolates_a_list_grows_with_the_square_of_the_case() {
    let rules = "rule r\n  for each g in groups\n  when true\n  note \"{g}\" \"{reasons}\"\n  cite s\n";
    let small = list_case(100, 100, 20);
    let large = list_case(200, 200, 20);
    let (small_size, _) = advice_json(rules, &small);
    let (large_size, took) = advice_json(rules, &large);
    // Twice the case, four times the advice.
    let ratio = large_size as f64 / small_size as f64;
    assert!((3.5..4.5).contains(&ratio), "{small_size} then {large_size} bytes");
    assert!(large_size < large.len() * large.len(), "{large_size}");
    assert!(took < Duration::from_secs(60), "{took:?}");
}

// ----- cycles -----

const CYCLE_PREAMBLE: &str = "source s\n  authors \"A.\"\n  year 2000\n  title \"T\"\n\
fact a is true or false\n  ask \"A?\"\n";

fn rule(id: &str, condition: &str, overrides: &str) -> String {
    let overrides = if overrides.is_empty() { String::new() } else { format!("  overrides {overrides}\n") };
    format!("rule {id}\n  when {condition}\n{overrides}  note \"t\" \"x\"\n  cite s\n\n")
}

/// Checks `rules` and advises `{}` with them; both must fail with `code`, naming `what`.
fn assert_refused(scratch: &Scratch, name: &str, rules: &str, code: &str, what: &str) {
    let path = scratch.write(&format!("{name}.accord"), &format!("{CYCLE_PREAMBLE}\n{rules}"));
    let case = scratch.write("case.json", "{\"a\": true}");
    for args in [vec!["check", "--rules", &path], vec!["advise", "--format", "json", "--rules", &path, &case]]
    {
        let started = Instant::now();
        let output = accord(&args);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{name}: {err}");
        assert!(err.contains(&format!("error[{code}]")), "{name}: {err}");
        assert!(err.contains(what), "{name}: {err}");
        assert!(output.stdout.is_empty(), "{name}: no advice from rules that do not check");
        assert!(started.elapsed() < Duration::from_secs(30), "{name}");
    }
}

#[test]
fn derived_facts_defined_in_a_cycle_are_refused_when_checked() {
    let scratch = scratch("limits", "define-cycles");
    let use_it = |name: &str| rule("r", name, "");
    assert_refused(&scratch, "self", &format!("define x as x\n\n{}", use_it("x")), "E0215", "`x`");
    assert_refused(
        &scratch,
        "two",
        &format!("define x as a and y\n\ndefine y as not x\n\n{}", use_it("x")),
        "E0215",
        "defined in terms of itself",
    );
    assert_refused(
        &scratch,
        "three",
        &format!("define x as y or a\n\ndefine y as z\n\ndefine z as x and a\n\n{}", use_it("a")),
        "E0215",
        "defined in terms of itself",
    );
}

#[test]
fn rules_overriding_each_other_in_a_cycle_are_refused_when_checked() {
    let scratch = scratch("limits", "override-cycles");
    assert_refused(&scratch, "self", &rule("r1", "a", "r1"), "E0213", "names itself");
    assert_refused(&scratch, "two", &(rule("r1", "a", "r2") + &rule("r2", "a", "r1")), "E0214", "r1");
    assert_refused(
        &scratch,
        "three",
        &(rule("r1", "a", "r2") + &rule("r2", "a", "r3") + &rule("r3", "a", "r1")),
        "E0214",
        "r2",
    );
    // Overrides that form no cycle, however they chain, are accepted.
    let path = scratch.write(
        "chain.accord",
        &format!(
            "{CYCLE_PREAMBLE}\n{}",
            rule("r1", "a", "r2, r3") + &rule("r2", "a", "r3") + &rule("r3", "a", "")
        ),
    );
    let output = accord(&["check", "--rules", &path]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

/// A chain of overrides thousands long is checked without deep recursion (a test thread
/// has a small stack), and a cycle closing it is still found.
#[test]
fn a_chain_of_ten_thousand_overrides_is_checked_without_exhausting_the_stack() {
    const RULES: usize = 10_000;
    let chain = |closed: bool| {
        let mut text = String::from(CYCLE_PREAMBLE);
        for i in 0..RULES {
            let next = if i + 1 < RULES {
                format!("r{}", i + 1)
            } else if closed {
                "r0".into()
            } else {
                String::new()
            };
            text.push_str(&rule(&format!("r{i}"), "a", &next));
        }
        RuleFiles::from_texts(vec![("chain.accord".into(), text)]).compile()
    };
    let open = chain(false);
    assert!(open.rule_base.is_some(), "{:?}", open.diagnostics.first());
    let closed = chain(true);
    assert!(closed.rule_base.is_none());
    assert!(closed.diagnostics.iter().any(|d| d.code == "E0214"), "{:?}", closed.diagnostics.first());
}

// ----- output -----

/// Output to a reader that has gone (`accord advise ... | head -1`): the command stops
/// quietly rather than panicking (std's `print!` would panic with "failed printing to
/// stdout: Broken pipe", exit 101).
#[cfg(unix)]
#[test]
fn a_reader_that_goes_away_is_not_a_panic() {
    use std::process::Stdio;
    let fixtures: Vec<String> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let mut args = vec!["advise", "--format", "text"];
    args.extend(fixtures.iter().map(String::as_str));
    let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("it ends");
    let err = stderr(&output);
    assert!(!err.contains("panicked"), "{err}");
    assert_ne!(output.status.code(), Some(101), "{err}");

    // A batch stops quietly too, whatever thread notices first.
    let line = r#"{"name": "a case", "change": {"kind": "merger"}}"#;
    let input = format!("{line}\n").repeat(5_000);
    let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(["advise", "--batch", "-", "--format", "jsonl", "--jobs", "2", "--as-of", "2013-09-01"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    drop(child.stdout.take());
    use std::io::Write as _;
    // The batch may stop before reading it all: a failed write here is expected.
    let _ = child.stdin.take().expect("piped").write_all(input.as_bytes());
    let output = child.wait_with_output().expect("it ends");
    let err = stderr(&output);
    assert!(!err.contains("panicked") && !err.contains("Broken pipe"), "{err}");
    assert_ne!(output.status.code(), Some(101), "{err}");
}

// ----- batches -----

/// A batch whose first case is slow (nested quantifiers over its 150 groups: 3,375,000
/// evaluations), followed by thousands of quick ones (about twenty chunks): the workers that finish the quick
/// ones wait for the slow one once a few chunks are in flight, instead of advising the
/// whole file while it is held in memory (a slow line followed by 200,000 lines took
/// 2.7 GB). The output stays in input order.
#[test]
fn a_slow_case_does_not_let_the_chunks_after_it_pile_up() {
    use accord::batch::{BatchFormat, BatchOptions, CHUNKS_IN_FLIGHT_PER_JOB, run_batch};
    let rules = format!(
        "{LIST_VOCABULARY}fact groups[].size is a number\n  ask \"Size?\"\n\
         rule slow\n  when any a in groups where any b in groups where any c in groups where \
         a.size + b.size + c.size is 1000\n  note \"t\" \"x\"\n  cite s\n"
    );
    let compiled = RuleFiles::from_texts(vec![("r.accord".into(), rules)]).compile();
    let rule_base = compiled.rule_base.unwrap_or_else(|| panic!("{:#?}", compiled.diagnostics));
    let groups: Vec<String> = (0..150).map(|i| format!("{{\"size\": {i}}}")).collect();
    let mut input = format!("{{\"id\": \"slow\", \"groups\": [{}]}}\n", groups.join(", "));
    let quick = 20_000;
    for n in 0..quick {
        // Long enough lines that the quick ones fill about twenty chunks.
        let name = "a quick case ".repeat(40);
        input
            .push_str(&format!("{{\"id\": \"{n}\", \"name\": \"{name}\", \"groups\": [{{\"size\": 1}}]}}\n"));
    }
    for jobs in [2, 3] {
        let options = BatchOptions {
            format: BatchFormat::Ids,
            jobs,
            as_of: Date::parse("2013-09-01").unwrap(),
            as_of_override: None,
        };
        let mut output = Vec::new();
        let summary = run_batch(
            &rule_base,
            input.as_bytes(),
            &mut output,
            options,
            &mut |e| panic!("{e:?}"),
            &mut |_| {},
        )
        .expect("the batch runs");
        assert_eq!(summary.cases, quick + 1);
        let window = jobs * CHUNKS_IN_FLIGHT_PER_JOB;
        assert!(
            summary.peak_chunks_in_flight <= window,
            "{} chunks in flight",
            summary.peak_chunks_in_flight
        );
        let output = String::from_utf8(output).expect("text");
        let ids: Vec<&str> = output.lines().map(|line| line.split('\t').next().unwrap_or_default()).collect();
        assert_eq!(ids.len(), quick + 1);
        assert_eq!(ids[0], "slow");
        assert!(ids[1..].iter().enumerate().all(|(n, id)| *id == n.to_string()), "in input order");
    }
}

// ----- questions about many items -----

/// `n` groups of which nothing is known.
fn empty_groups(n: usize) -> String {
    format!("{{\"groups\": [{}]}}", vec!["{}"; n].join(", "))
}

/// 16,000 groups of which nothing is known (64 KB): each group's facts are asked about.
/// Finding the questions took time in the square of the groups (over 20 s in a release
/// build, for the shipped rules: each fact of each group was tried against every group);
/// in proportion to them, it takes a few seconds in a debug build, where the square would
/// take hours. The bound is wide on purpose: it holds on a loaded machine.
#[test]
fn questions_about_sixteen_thousand_groups_take_time_in_proportion_to_them() {
    let rule_base = RuleFiles::embedded().compile().rule_base.expect("the shipped rules check");
    let groups = 16_000;
    let case = accord::parse_case("case.json", &empty_groups(groups), &rule_base.vocabulary).expect("a case");
    let started = Instant::now();
    let report = rule_base.advise(&case, Date::parse("2013-09-01").unwrap());
    let took = started.elapsed();
    let last = format!("groups[{}].needs", groups - 1);
    assert!(report.questions.iter().any(|q| q.fact == last), "the last group is asked about");
    assert!(report.questions.len() >= 2 * groups, "{} questions", report.questions.len());
    assert!(took < Duration::from_secs(120), "{took:?}");
}

/// `explain` of a case with 2,000 groups of which nothing is known: the search for the
/// fewest changes that make a rule over every group fire tried every pair of the 4,000
/// facts it reads, each tried by walking every group (300 groups took over 20 s; 2,000
/// would take days). It now stops at its limit and says so; the per-group rules are
/// explained as before.
#[test]
fn explaining_a_rule_over_thousands_of_groups_stops_its_search_and_says_so() {
    let rule_base = RuleFiles::embedded().compile().rule_base.expect("the shipped rules check");
    let case = accord::parse_case("case.json", &empty_groups(2000), &rule_base.vocabulary).expect("a case");
    let as_of = Date::parse("2013-09-01").unwrap();
    let started = Instant::now();
    let explanations = rule_base.explain(&case, as_of, &[]);
    let took = started.elapsed();
    let stopped: Vec<&str> =
        explanations.iter().filter(|e| e.search_stopped).map(|e| e.rule.as_str()).collect();
    assert_eq!(stopped, ["one_level_for_different_needs"], "{stopped:?}");
    assert!(explanations.iter().filter(|e| e.item.is_some()).count() >= 5 * 2000);
    let text = accord::report::explanation_text(None, as_of, &explanations);
    assert!(text.contains("would fire if: not known: the condition reads too many facts"), "{text:.300}");
    let json = accord::report::explanation_json(None, as_of, &explanations).to_string();
    assert_eq!(json.matches("\"would_fire_if_search\":\"stopped\"").count(), 1);
    assert!(took < Duration::from_secs(120), "{took:?}");
}
