//! Volume: interpolated texts grow no faster than the case, output to a reader that goes
//! away is not a panic, slow cases do not let a batch pile up, and questions and
//! explanations over thousands of items take time in proportion to them. It must not
//! test sizes or depth.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use accord::{Date, RuleFiles};

use super::stderr;

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
    let case = accord::parse_case("case.json", case, rule_base.vocabulary()).expect("a valid case");
    let report = rule_base.advise(&case, Date::parse("2013-09-01").expect("a date"));
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
        writeln!(input, "{{\"id\": \"{n}\", \"name\": \"{name}\", \"groups\": [{{\"size\": 1}}]}}")
            .expect("writing to a String");
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
    let case =
        accord::parse_case("case.json", &empty_groups(groups), rule_base.vocabulary()).expect("a case");
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
    let case = accord::parse_case("case.json", &empty_groups(2000), rule_base.vocabulary()).expect("a case");
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
