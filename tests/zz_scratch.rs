use accord::{Date, RuleFiles};
const VOCAB: &str = r#"
source s
  authors "A."
  year 2000
  title "T"
fact reasons is a list of text
  ask "Reasons?"
fact groups is a list of records
  ask "Groups?"
fact groups[].name is text
  ask "Name?"
fact groups[].needs is one of mild, complex
  ask "Needs of {groups[].name}?"
"#;
fn run(rules: &str, case: &str) {
    let files =
        vec![("v.accord".to_string(), VOCAB.to_string()), ("r.accord".to_string(), rules.to_string())];
    let t = std::time::Instant::now();
    let compiled = RuleFiles::from_texts(files).compile();
    let rb = compiled.rule_base.unwrap_or_else(|| panic!("{:#?}", compiled.diagnostics));
    let t1 = t.elapsed();
    let len = case.len();
    let case = accord::parse_case("c.json", case, &rb.vocabulary).unwrap();
    let t2 = t.elapsed();
    let report = rb.advise(&case, Date::parse("2013-09-01").unwrap());
    let t3 = t.elapsed();
    let json = accord::report::to_json(&report).to_string();
    eprintln!(
        "case {} bytes: compile {:?} parse {:?} advise {:?} json {:?}; {} advice {} questions, json {} bytes",
        len,
        t1,
        t2 - t1,
        t3 - t2,
        t.elapsed() - t3,
        report.advice.len(),
        report.questions.len(),
        json.len()
    );
}
fn case(groups: usize, reasons: usize, width: usize, needs: &str) -> String {
    let g: Vec<String> = (0..groups).map(|i| format!(r#"{{"name": "g{i}", "needs": {needs}}}"#)).collect();
    let r: Vec<String> = (0..reasons).map(|i| format!("\"{}{i}\"", "r".repeat(width))).collect();
    format!(r#"{{"groups": [{}], "reasons": [{}]}}"#, g.join(","), r.join(","))
}
#[test]
fn timing() {
    let many = "{reasons} ".repeat(1000);
    run(&format!("rule r\n  when true\n  note \"t\" \"{many}\"\n  cite s\n"), &case(0, 1000, 100, "null"));
    run(
        "rule r\n  for each g in groups\n  when true\n  note \"{g}\" \"{reasons}\"\n  cite s\n",
        &case(1000, 1000, 100, "\"mild\""),
    );
    run(
        "rule r\n  for each g in groups\n  when any h in groups where h.needs is complex\n  note \"{g}\" \"x\"\n  cite s\n",
        &case(2000, 0, 0, "\"mild\""),
    );
    run(
        "rule r\n  for each g in groups\n  when any h in groups where h.needs is complex\n  note \"{g}\" \"x\"\n  cite s\n",
        &case(2000, 0, 0, "null"),
    );
    run(
        "rule r\n  for each g in groups\n  when g.needs is complex and (count h in groups where h.needs is complex) > 3\n  note \"{g}\" \"x\"\n  cite s\n",
        &case(2000, 0, 0, "null"),
    );
}
