//! End-to-end: `accord advise` writing reports: `--format markdown` and `html` to standard
//! output, `--output FILE` for every format (atomic, never over a case, a rule file or the
//! batch file), and `--output-dir DIR` for many cases and for a batch (a report of each and
//! an index, the same whatever `--jobs`, a bad case reported and the others written).

#![allow(clippy::panic, reason = "a test fails by panicking, with what went wrong")]

use std::path::Path;
use std::process::Output;

mod common;

use accord::report::{self, About};
use accord::{Date, RuleFiles};
use common::{accord, accord_in, files_in, manifest_dir, scratch, stderr, stdout};

const SHIRE: &str = "fixtures/01-shire-integrated-care.json";
const WYVERTON: &str = "fixtures/02-wyverton-merger-in-stall-window.json";
const STANMERE: &str = "fixtures/08-stanmere-no-change-well-matched.json";

/// The rules the binary finds when run in the crate's root: its `rules/` folder.
fn rule_files() -> RuleFiles {
    RuleFiles::from_paths(&[manifest_dir().join("rules")]).expect("the crate's rules")
}

/// A case's report as the library writes it, with the footer the command line gives it.
fn expected(path: &str, write: fn(&accord::Report, &About) -> String) -> String {
    let files = rule_files();
    let rule_base = files.compile().rule_base.expect("the crate's rules check");
    let about = About::new(rule_base.rules().len(), &files.content_hash());
    let text = std::fs::read_to_string(manifest_dir().join(path)).expect("a fixture");
    let case = accord::parse_case(path, &text, rule_base.vocabulary()).expect("a valid case");
    let as_of = case.assessed_on.unwrap_or_else(|| Date::parse("2013-06-01").expect("a date"));
    write(&rule_base.advise_in_words(&case, as_of), &about)
}

fn succeeded(output: &Output) {
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(output));
}

fn exit_code(output: &Output) -> Option<i32> {
    output.status.code()
}

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

#[test]
fn markdown_and_html_go_to_standard_output() {
    let markdown = accord(&["advise", "--format", "markdown", SHIRE]);
    succeeded(&markdown);
    assert_eq!(stdout(&markdown), expected(SHIRE, report::to_markdown));
    let files = rule_files();
    let rules = files.compile().rule_base.expect("the crate's rules check").rules().len();
    let footer = format!(
        "written by accord {} from a rule base of {rules} rules, content {}.\n",
        env!("CARGO_PKG_VERSION"),
        files.content_hash()
    );
    assert!(stdout(&markdown).ends_with(&footer), "{}", stdout(&markdown));
    let html = accord(&["advise", "--format", "html", SHIRE]);
    succeeded(&html);
    assert_eq!(stdout(&html), expected(SHIRE, report::to_html));
}

#[test]
fn several_markdown_reports_are_separated_by_a_thematic_break() {
    let output = accord(&["advise", "--format", "markdown", SHIRE, STANMERE]);
    succeeded(&output);
    let second = |report: &accord::Report, about: &About| report::to_markdown_part(report, about, 2);
    let both = [expected(SHIRE, report::to_markdown), expected(STANMERE, second)];
    assert_eq!(stdout(&output), both.join("\n* * *\n\n"));
}

#[test]
fn several_html_pages_to_one_output_are_refused() {
    let dir = scratch("reports_cli", "several_html");
    let file = dir.join("both.html");
    for output in [
        accord(&["advise", "--format", "html", SHIRE, STANMERE]),
        accord(&["advise", "--format", "html", SHIRE, STANMERE, "--output", file.to_str().expect("UTF-8")]),
    ] {
        assert_eq!(exit_code(&output), Some(2));
        assert_eq!(stdout(&output), "");
        assert!(stderr(&output).contains("use --output-dir DIR"), "{}", stderr(&output));
    }
    assert!(!file.exists());
}

#[test]
fn output_writes_every_format_to_a_file_as_it_would_print_it() {
    let dir = scratch("reports_cli", "every_format");
    for format in ["text", "json", "jsonl", "ids", "markdown", "html"] {
        let file = dir.join(format!("out.{format}"));
        let file = file.to_str().expect("UTF-8");
        let written = accord(&["advise", "--format", format, SHIRE, "--output", file]);
        succeeded(&written);
        assert_eq!(stdout(&written), "", "--output leaves standard output empty");
        let printed = accord(&["advise", "--format", format, SHIRE]);
        assert_eq!(read(file), stdout(&printed), "--format {format}");
    }
    // Written again over what it wrote, as a file is: whole, with nothing left beside it.
    let file = dir.join("out.json");
    succeeded(&accord(&["advise", "--format", "json", WYVERTON, "-o", file.to_str().expect("UTF-8")]));
    assert!(read(&file).contains("Wyverton"));
    let names = files_in(&dir);
    assert_eq!(names, ["out.html", "out.ids", "out.json", "out.jsonl", "out.markdown", "out.text"]);
}

#[test]
fn the_output_file_s_name_chooses_the_format_when_none_is_given() {
    let dir = scratch("reports_cli", "format_of_name");
    for (name, format) in
        [("a.md", "markdown"), ("a.html", "html"), ("a.txt", "text"), ("a.jsonl", "jsonl"), ("a.out", "json")]
    {
        let file = dir.join(name);
        succeeded(&accord(&["advise", SHIRE, "-o", file.to_str().expect("UTF-8")]));
        assert_eq!(read(&file), stdout(&accord(&["advise", "--format", format, SHIRE])), "{name}");
    }
}

#[test]
fn output_never_writes_over_a_case_or_a_rule_file() {
    let dir = scratch("reports_cli", "never_over");
    let case = dir.write("case.json", &read(manifest_dir().join(SHIRE)));
    let other_case = dir.write("other.json", &read(manifest_dir().join(STANMERE)));
    copy_folder(&manifest_dir().join("rules"), &dir.join("rules"));
    let rule_file = dir.join("rules/0-stage.accord");
    let rule_file = rule_file.to_str().expect("UTF-8");
    let new_rule_file = dir.join("new.accord");
    let link = dir.join("link.md");
    std::os::unix::fs::symlink(&case, &link).expect("a link");
    let link = link.to_str().expect("UTF-8");
    let batch = dir.write("cases.jsonl", &format!("{}\n", read(&case).replace('\n', " ")));
    let refused = |args: &[&str], why: &str| {
        let output = accord_in(&dir, args);
        assert_eq!(exit_code(&output), Some(2), "{args:?}: {}", stderr(&output));
        assert!(stderr(&output).contains(why), "{args:?}: {}", stderr(&output));
        assert!(stderr(&output).contains("name another file with --output"), "{}", stderr(&output));
    };
    refused(&["advise", "--format", "json", &case, "-o", &case], "is a case file named on the command line");
    refused(
        &["advise", "--format", "markdown", &case, "-o", link],
        "is a case file named on the command line",
    );
    refused(
        &["advise", "--format", "json", &case, "-o", rule_file],
        "is a rule file of the rule base in use",
    );
    refused(
        &["advise", "--rules", "rules", &case, "-o", "rules/1-framing.accord"],
        "is a rule file of the rule base",
    );
    refused(&["advise", &case, "-o", new_rule_file.to_str().expect("UTF-8")], "is named as a rule file");
    refused(&["advise", "--format", "json", &case, "-o", &other_case], "may be a case file");
    refused(&["advise", "--batch", &batch, "-o", &batch], "is the batch file read");
    assert_eq!(read(&case), read(manifest_dir().join(SHIRE)), "the case is as it was");
    assert_eq!(read(&other_case), read(manifest_dir().join(STANMERE)));
    assert!(!new_rule_file.exists());
}

/// Copies the folder `from`, and the folders in it, to `to`.
fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a folder");
    for entry in std::fs::read_dir(from).expect("a folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_folder(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).expect("a copy");
        }
    }
}

#[test]
fn a_batch_writes_its_lines_to_the_output_file() {
    let dir = scratch("reports_cli", "batch_output");
    let lines: String = [SHIRE, STANMERE]
        .iter()
        .map(|path| read(manifest_dir().join(path)).replace('\n', " ") + "\n")
        .collect();
    let batch = dir.write("cases.jsonl", &lines);
    let file = dir.join("advice.jsonl");
    let written = accord(&["advise", "--batch", &batch, "--jobs", "2", "-o", file.to_str().expect("UTF-8")]);
    succeeded(&written);
    assert_eq!(stdout(&written), "");
    let printed = accord(&["advise", "--batch", &batch, "--jobs", "2"]);
    assert_eq!(read(&file), stdout(&printed));
    assert_eq!(files_in(&dir), ["advice.jsonl", "cases.jsonl"]);
}

#[test]
fn output_dir_writes_a_page_for_each_case_and_an_index() {
    let dir = scratch("reports_cli", "output_dir");
    let out = dir.join("reports/new");
    let output = accord(&["advise", "--output-dir", out.to_str().expect("UTF-8"), SHIRE, WYVERTON, STANMERE]);
    succeeded(&output);
    assert_eq!(stdout(&output), "");
    assert_eq!(
        files_in(&out),
        [
            "01-shire-integrated-care.html",
            "02-wyverton-merger-in-stall-window.html",
            "08-stanmere-no-change-well-matched.html",
            "index.html"
        ]
    );
    for case in [SHIRE, WYVERTON, STANMERE] {
        let name = Path::new(case).file_stem().expect("a name").to_str().expect("UTF-8");
        assert_eq!(read(out.join(format!("{name}.html"))), expected(case, report::to_html));
        assert!(read(out.join("index.html")).contains(&format!("{name}.html")));
    }
    assert!(stderr(&output).contains("wrote 3 reports and"), "{}", stderr(&output));
}

#[test]
fn output_dir_writes_markdown_with_an_index_of_links() {
    let dir = scratch("reports_cli", "output_dir_markdown");
    let out = dir.join("md");
    let output = accord(&[
        "advise",
        "--format",
        "markdown",
        "--output-dir",
        out.to_str().expect("UTF-8"),
        SHIRE,
        STANMERE,
    ]);
    succeeded(&output);
    assert_eq!(read(out.join("01-shire-integrated-care.md")), expected(SHIRE, report::to_markdown));
    let index = read(out.join("index.md"));
    assert!(index.starts_with("# Reports\n\n2 cases, advised by accord "), "{index}");
    assert!(
        index.contains(
            "| [Shire integrated care partnership](01-shire-integrated-care.md) | 1 September 2013 | "
        ),
        "{index}"
    );
    assert!(index.contains("(08-stanmere-no-change-well-matched.md)"), "{index}");
}

#[test]
fn a_bad_case_is_reported_and_the_others_written() {
    let dir = scratch("reports_cli", "bad_case");
    let bad = dir.write("bad.json", "{\"name\": \"Bad\", \"partners\": 3}\n");
    let out = dir.join("out");
    let output = accord(&["advise", "--output-dir", out.to_str().expect("UTF-8"), SHIRE, &bad, STANMERE]);
    assert_eq!(exit_code(&output), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("error[E0303]: wrong type at `partners`"), "{}", stderr(&output));
    assert!(stderr(&output).contains("wrote 2 reports and"), "{}", stderr(&output));
    assert!(stderr(&output).contains("1 case could not be advised or written"), "{}", stderr(&output));
    assert_eq!(
        files_in(&out),
        ["01-shire-integrated-care.html", "08-stanmere-no-change-well-matched.html", "index.html"]
    );
    assert!(!read(out.join("index.html")).contains("Bad"));
}

#[test]
fn a_batch_to_an_output_dir_is_the_same_whatever_the_workers() {
    let dir = scratch("reports_cli", "batch_dir");
    let mut lines: String = [SHIRE, WYVERTON, STANMERE, SHIRE]
        .iter()
        .map(|path| read(manifest_dir().join(path)).replace('\n', " ") + "\n")
        .collect();
    lines.push_str("\n{\"id\": \"Bad / one\", \"partners\": 3}\n{\"id\": \"../A case: <new>\"}\n");
    let batch = dir.write("cases.jsonl", &lines);
    let run = |jobs: &str| {
        let out = dir.join(format!("jobs-{jobs}"));
        let output = accord(&[
            "advise",
            "--batch",
            &batch,
            "--jobs",
            jobs,
            "--output-dir",
            out.to_str().expect("UTF-8"),
        ]);
        assert_eq!(exit_code(&output), Some(1), "{}", stderr(&output));
        assert!(stderr(&output).contains("cases.jsonl:6:"), "the bad line is named: {}", stderr(&output));
        let files: Vec<(String, String)> = files_in(&out)
            .into_iter()
            .map(|name| (read(out.join(&name)), name))
            .map(|(text, name)| (name, text))
            .collect();
        (files, stderr(&output))
    };
    let (one, one_said) = run("1");
    let (two, two_said) = run("2");
    let names: Vec<&str> = one.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "00001-shire-integrated-care-partnership.html",
            "00002-wyverton-and-kestlemoor-community-health-merger.html",
            "00003-stanmere-integrated-care-partnership.html",
            "00004-shire-integrated-care-partnership.html",
            "00007-a-case-new.html",
            "index.html"
        ]
    );
    assert!(one == two, "the same files with one worker and with two");
    assert_eq!(one_said.replace("jobs-1", "jobs-N"), two_said.replace("jobs-2", "jobs-N"));
    assert_eq!(one[0].1, expected(SHIRE, report::to_html));
}

#[test]
fn a_line_too_long_or_not_text_is_reported_and_the_batch_goes_on() {
    let dir = scratch("reports_cli", "batch_long_line");
    let mut lines = format!("{{\"id\": \"first\", \"notes\": \"{}\"}}\n", "x".repeat(3000));
    lines.push_str("{\"id\": \"second\"}\n");
    let mut bytes = lines.into_bytes();
    bytes.extend_from_slice(b"{\"id\": \"\xff\"}\n{\"id\": \"fourth\"}\n");
    let batch = dir.join("cases.jsonl");
    std::fs::write(&batch, bytes).expect("a batch file");
    let out = dir.join("out");
    // Run where there is no `rules/` folder: the built-in rules are under no size limit.
    let output = common::accord_command(&dir)
        .args([
            "advise",
            "--batch",
            batch.to_str().expect("UTF-8"),
            "--output-dir",
            out.to_str().expect("UTF-8"),
        ])
        .env("ACCORD_MAX_FILE_BYTES", "1000")
        .output()
        .expect("the binary runs");
    assert_eq!(exit_code(&output), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output)
            .contains("cases.jsonl:1:1: error[E0003]: the line is longer than the limit of 1000 bytes"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("cases.jsonl:3:1: error[E0002]: the line is not UTF-8 text"),
        "{}",
        stderr(&output)
    );
    assert_eq!(files_in(&out), ["00002-second.html", "00004-fourth.html", "index.html"]);
}

#[test]
fn bad_command_lines_exit_2() {
    let dir = scratch("reports_cli", "bad_command_lines");
    let file = dir.write("file.txt", "not a folder");
    let out = dir.join("out");
    let out = out.to_str().expect("UTF-8");
    for (args, says) in [
        (vec!["advise", "--format", "json", "--output-dir", out, SHIRE], "use `--format html`"),
        (vec!["advise", "--output-dir", file.as_str(), SHIRE], "is not a folder"),
        (vec!["advise", "--output-dir", out, "--output", "x.md", SHIRE], "cannot be used with"),
        (vec!["advise", "--batch", "cases.jsonl", "--format", "markdown"], "--output-dir DIR"),
    ] {
        let output = accord(&args);
        assert_eq!(exit_code(&output), Some(2), "{args:?}: {}", stderr(&output));
        assert!(stderr(&output).contains(says), "{args:?}: {}", stderr(&output));
    }
    assert!(!dir.join("out").exists());
}

/// A missing folder is named as such, not as the temporary file that could not be made.
#[test]
fn output_into_a_missing_folder_says_the_folder_is_missing() {
    let dir = scratch("reports_cli", "missing_folder");
    let file = dir.join("nowhere").join("shire.html");
    let written = accord(&["advise", SHIRE, "--output", file.to_str().expect("UTF-8")]);
    assert_eq!(exit_code(&written), Some(1));
    let message = stderr(&written);
    assert!(message.contains("there is no folder") && message.contains("nowhere`"), "{message}");
    assert!(!message.contains("tmp-"), "{message}");
}

/// `--verbose` belongs to the text report: asked for without a format it gives the text
/// report even when piped; with a format it would not change, it is refused, not ignored.
#[test]
fn verbose_asks_for_the_text_report_and_is_refused_with_another_format() {
    let piped = accord(&["advise", "--verbose", SHIRE]);
    succeeded(&piped);
    assert!(stdout(&piped).contains("(act now; research suggests; lesson"), "{}", stdout(&piped));
    for format in ["markdown", "html", "json"] {
        let refused = accord(&["advise", "--format", format, "--verbose", SHIRE]);
        assert_eq!(exit_code(&refused), Some(2), "--format {format}");
        assert!(stderr(&refused).contains("--verbose adds rule ids"), "{}", stderr(&refused));
        assert_eq!(stdout(&refused), "");
    }
}
