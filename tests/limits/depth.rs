//! Depth: conditions, quantifiers, fact paths and derived facts nested as deep as a
//! file can write them are errors or run on a small stack, never a crash; cycles of
//! derived facts and of overrides are refused when the rules are checked, so no rule base
//! makes evaluation loop. It must not test sizes or growth.

use std::fmt::Write as _;
use std::process::Command;
use std::time::{Duration, Instant};

use accord::{Date, RuleFiles};

use super::common::{Scratch, scratch};
use super::{accord, stderr};

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
        let schema = accord::schema::case_schema(rule_base.vocabulary()).to_string();
        assert!(schema.len() < 20_000, "{} bytes of schema", schema.len());
        let errors = accord::parse_case("bad.json", &bad, rule_base.vocabulary()).expect_err("refused");
        assert_eq!(errors[0].code, "E0303", "{errors:?}");
        let case = accord::parse_case("case.json", &good, rule_base.vocabulary()).expect("a valid case");
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
    writeln!(text, "define d0 as {}", wrap("a")).expect("writing to a String");
    for i in 1..levels {
        writeln!(text, "define d{i} as {}", wrap(&format!("d{}", i - 1))).expect("writing to a String");
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
                    accord::parse_case("case.json", case, rule_base.vocabulary()).expect("a valid case");
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
            writeln!(text, "define d{i} as d{}", i - 1).expect("writing to a String");
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
