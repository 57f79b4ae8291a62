//! The comparison of two rule bases as text, for people, and as the JSON document
//! `accord.diff.v1`. Only writes what [`Diff`] holds: it must not compare reports itself,
//! nor read files.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde_json::{Value as Json, json};

use super::{
    CaseDiff, CaseFacts, ChangedAdvice, ChangedQuestion, DIFF_FORMAT, Diff, Field, Origin, QuestionField,
    RuleChanges, RuleStatus, item_index,
};
use crate::eval::{Advice, CitedSource, Question, Report};
use crate::prose::{capitalised, counted};
use crate::shown::{Escape, escaped};
use crate::value::Date;

/// The diff as the JSON document `accord.diff.v1`.
pub fn to_json(diff: &Diff) -> Json {
    let names = |fields: &[Field]| fields.iter().map(|f| f.name()).collect::<Vec<_>>();
    json!({
        "format": DIFF_FORMAT,
        "old": origin_json(&diff.old),
        "new": origin_json(&diff.new),
        "changed": diff.changed(),
        "cases_compared": diff.cases.len(),
        "cases_changed": diff.cases_changed(),
        "rules_added": diff.rules_added,
        "rules_removed": diff.rules_removed,
        "rules": diff.rules.iter().map(|r| json!({
            "rule": r.rule,
            "status": r.status.name(),
            "now_fires_in": r.now_fires_in,
            "no_longer_fires_in": r.no_longer_fires_in,
            "changed_in": r.changed_in,
            "changed_fields": names(&r.changed_fields),
            "questions_added_in": r.questions_added_in,
            "questions_removed_in": r.questions_removed_in,
            "questions_now_affect_in": case_facts_json(&r.questions_now_affect_in),
            "questions_no_longer_affect_in": case_facts_json(&r.questions_no_longer_affect_in),
        })).collect::<Vec<_>>(),
        "cases": diff.cases.iter().map(|c| json!({
            "case": c.case,
            "name": c.name,
            "as_of": c.as_of.to_string(),
            "changed": !c.is_empty(),
            "advice_added": c.added.iter().map(advice_json).collect::<Vec<_>>(),
            "advice_removed": c.removed.iter().map(advice_json).collect::<Vec<_>>(),
            "advice_changed": c.changed.iter().map(|changed| json!({
                "rule": changed.new.rule,
                "item": changed.new.item,
                "fields": names(&changed.fields),
                "old": advice_json(&changed.old),
                "new": advice_json(&changed.new),
            })).collect::<Vec<_>>(),
            "questions_added": questions_json(&c.questions_added),
            "questions_removed": questions_json(&c.questions_removed),
            "questions_changed": c.questions_changed.iter().map(|changed| json!({
                "fact": changed.new.fact,
                "fields": changed.fields.iter().map(|f| f.name()).collect::<Vec<_>>(),
                "affects_added": changed.affects_added,
                "affects_removed": changed.affects_removed,
                "old": question_json(&changed.old),
                "new": question_json(&changed.new),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// Where a rule base came from, as JSON: `{"from": "revision", ...}`.
fn origin_json(origin: &Origin) -> Json {
    match origin {
        Origin::Embedded => json!({"from": "embedded"}),
        Origin::Path(path) => json!({"from": "path", "path": path}),
        Origin::Revision { revision, commit } => {
            json!({"from": "revision", "revision": revision, "commit": commit})
        }
    }
}

fn case_facts_json(list: &[CaseFacts]) -> Json {
    list.iter().map(|c| json!({"case": c.case, "facts": c.facts})).collect()
}

/// Advice and questions exactly as `accord.advice.v2` writes them (the report's other
/// fields are dropped).
fn report_json(advice: Vec<Advice>, questions: Vec<Question>) -> Json {
    let any_date = Date::new(2000, 1, 1).expect("a valid date");
    crate::report::to_json(&Report { case: None, as_of: any_date, advice, questions, timeline: Vec::new() })
}

fn advice_json(advice: &Advice) -> Json {
    report_json(vec![advice.clone()], Vec::new())["advice"][0].take()
}

fn questions_json(questions: &[Question]) -> Json {
    report_json(Vec::new(), questions.to_vec())["questions"].take()
}

fn question_json(question: &Question) -> Json {
    // A question's keys are strings: it always serializes.
    serde_json::to_value(question).unwrap_or_default()
}

/// The diff as a report for people: the rules behind the changes, then each changed case.
pub fn to_text(diff: &Diff) -> String {
    let mut out = format!("Old rules: {}\nNew rules: {}\n", diff.old.describe(), diff.new.describe());
    if !diff.rules_added.is_empty() {
        let _ = writeln!(out, "Rules added: {}", diff.rules_added.join(", "));
    }
    if !diff.rules_removed.is_empty() {
        let _ = writeln!(out, "Rules removed: {}", diff.rules_removed.join(", "));
    }
    let compared = counted(diff.cases.len(), "case", "cases");
    if !diff.changed() {
        let _ = writeln!(out, "\nNo changes: the {compared} get the same advice and questions from both.");
        if diff.cases.len() == 1 {
            out = out.replace("the 1 case get", "the case gets");
        }
        return out;
    }
    let _ = writeln!(out, "\n{} of {compared} changed.", diff.cases_changed());
    write_by_rule(&mut out, diff);
    write_by_case(&mut out, diff);
    // What the cases write (advice texts, answers) shown without the control characters
    // that would act on a terminal; the lines are the report's own.
    escaped(&out, Escape::KeepLineBreaks).into_owned()
}

/// The rules behind the changes, each with the cases it changed.
fn write_by_rule(out: &mut String, diff: &Diff) {
    if !diff.rules.is_empty() {
        out.push_str("\nBy rule\n");
    }
    // A case given twice is the same file: either of its diffs says what its questions were.
    let by_name: HashMap<&str, &CaseDiff> = diff.cases.iter().map(|c| (c.case.as_str(), c)).collect();
    for rule in &diff.rules {
        write_rule(out, rule, &by_name);
    }
}

/// One rule: where it now fires, no longer fires, or gives changed advice; then the
/// questions that now, or no longer, bear on it.
fn write_rule(out: &mut String, rule: &RuleChanges, by_name: &HashMap<&str, &CaseDiff>) {
    let status = match rule.status {
        RuleStatus::Kept => "",
        RuleStatus::Added => " (new rule)",
        RuleStatus::Removed => " (rule removed)",
    };
    let _ = writeln!(out, "\n{}{status}", rule.rule);
    let fields = rule.changed_fields.iter().map(|f| f.name()).collect::<Vec<_>>().join(", ");
    for (cases, what) in [
        (&rule.now_fires_in, "now fires".to_string()),
        (&rule.no_longer_fires_in, "no longer fires".to_string()),
        (&rule.changed_in, format!("gives changed advice ({fields})")),
    ] {
        if !cases.is_empty() {
            let _ = writeln!(out, "  {} in {}:", capitalised(&what), counted(cases.len(), "case", "cases"));
            for case in cases {
                let _ = writeln!(out, "    {case}");
            }
        }
    }
    write_rule_questions(out, rule, by_name);
}

/// Each changed case, in the order given, then how many others are unchanged.
fn write_by_case(out: &mut String, diff: &Diff) {
    out.push_str("\nBy case\n");
    let rank: HashMap<&str, usize> =
        diff.rules.iter().enumerate().map(|(i, r)| (r.rule.as_str(), i)).collect();
    for case in diff.cases.iter().filter(|c| !c.is_empty()) {
        let name =
            case.name.as_deref().map(|n| format!(" ({})", escaped(n, Escape::Controls))).unwrap_or_default();
        let _ = writeln!(out, "\n{}{name}, as of {}", case.case, case.as_of);
        write_case(out, case, &rank);
    }
    let unchanged = diff.cases.len() - diff.cases_changed();
    if unchanged > 0 {
        let verb = if unchanged == 1 { "is" } else { "are" };
        let _ = writeln!(out, "\n{} {verb} unchanged.", counted(unchanged, "other case", "other cases"));
    }
}

/// One case's changes, in rule order (`rank`: a rule's place in the report), items in
/// list order: `+` added, `-` removed, `~` changed; then the questions.
fn write_case(out: &mut String, case: &CaseDiff, rank: &HashMap<&str, usize>) {
    enum Line<'a> {
        Added(&'a Advice<'a>),
        Removed(&'a Advice<'a>),
        Changed(&'a ChangedAdvice<'a>),
    }
    let mut lines: Vec<(&Advice, Line<'_>)> = Vec::new();
    lines.extend(case.added.iter().map(|a| (a, Line::Added(a))));
    lines.extend(case.removed.iter().map(|a| (a, Line::Removed(a))));
    lines.extend(case.changed.iter().map(|c| (&c.new, Line::Changed(c))));
    lines.sort_by_key(|(advice, _)| {
        (rank.get(advice.rule).copied().unwrap_or(usize::MAX), item_index(advice), advice.item.clone())
    });
    for (_, line) in lines {
        match line {
            Line::Added(advice) => {
                let _ = writeln!(out, "  + {}", advice_line(advice));
            }
            Line::Removed(advice) => {
                let _ = writeln!(out, "  - {}", advice_line(advice));
            }
            Line::Changed(changed) => write_changed(out, changed),
        }
    }
    write_case_questions(out, case);
}

/// The questions of a rule whose answers could now, or could no longer, change it, case by
/// case; a question asked anew, or no longer asked, is marked so.
fn write_rule_questions(out: &mut String, rule: &RuleChanges, cases: &HashMap<&str, &CaseDiff>) {
    let lists = [
        (&rule.questions_now_affect_in, "now bear", true),
        (&rule.questions_no_longer_affect_in, "no longer bear", false),
    ];
    for (list, verb, now) in lists {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "  Questions {verb} on it in {}:", counted(list.len(), "case", "cases"));
        for CaseFacts { case, facts } in list {
            let questions = cases.get(case.as_str());
            let shown: Vec<String> = facts
                .iter()
                .map(|fact| {
                    let asked = |qs: &[Question]| qs.iter().any(|q| &q.fact == fact);
                    match questions {
                        Some(c) if now && asked(&c.questions_added) => format!("{fact} (a new question)"),
                        Some(c) if !now && asked(&c.questions_removed) => format!("{fact} (no longer asked)"),
                        _ => fact.clone(),
                    }
                })
                .collect();
            let _ = writeln!(out, "    {case}: {}", shown.join(", "));
        }
    }
}

/// A case's questions that changed: `+` asked anew and `~` asked differently, in the new
/// report's order, then `-` no longer asked, in the old report's order.
fn write_case_questions(out: &mut String, case: &CaseDiff) {
    let mut lines: Vec<(usize, String)> = Vec::new();
    for question in &case.questions_added {
        lines.push((question.rank, format!("  + {}\n", question_line(question))));
    }
    for changed in &case.questions_changed {
        lines.push((changed.new.rank, changed_question_lines(changed)));
    }
    lines.sort_by_key(|(rank, _)| *rank);
    for (_, line) in lines {
        out.push_str(&line);
    }
    for question in &case.questions_removed {
        let _ = writeln!(out, "  - {}", question_line(question));
    }
}

fn question_line(question: &Question) -> String {
    format!("question {}: \u{201c}{}\u{201d}", question.fact, question.text)
}

/// `~ question FACT: FIELDS changed`, then a line per field saying how.
fn changed_question_lines(changed: &ChangedQuestion) -> String {
    let (old, new) = (&changed.old, &changed.new);
    let fields = changed.fields.iter().map(|f| f.name()).collect::<Vec<_>>().join(", ");
    let mut out = format!("  ~ question {}: {fields} changed\n", new.fact);
    for field in &changed.fields {
        let detail = match field {
            QuestionField::Rank => format!("moved from {} to {}", old.rank, new.rank),
            QuestionField::Text => format!("\u{201c}{}\u{201d} -> \u{201c}{}\u{201d}", old.text, new.text),
            QuestionField::Affects => {
                let mut parts = Vec::new();
                if !changed.affects_added.is_empty() {
                    parts.push(format!("+ {}", changed.affects_added.join(", ")));
                }
                if !changed.affects_removed.is_empty() {
                    parts.push(format!("- {}", changed.affects_removed.join(", ")));
                }
                parts.join("; ")
            }
            QuestionField::Answer => {
                format!("{} -> {}", answer_words(&old.answer), answer_words(&new.answer))
            }
        };
        let _ = writeln!(out, "      {}: {detail}", field.name());
    }
    out
}

/// The kind of answer a question takes, with its choices: `one_of (none, merger)`.
fn answer_words(answer: &crate::eval::Answer) -> String {
    match answer {
        crate::eval::Answer::OneOf(choices) => format!("{} ({})", answer.name(), choices.join(", ")),
        other => other.name().to_string(),
    }
}

fn advice_line(advice: &Advice) -> String {
    format!("{}: {} \u{201c}{}\u{201d}", rule_and_item(advice), advice.kind.name(), advice.title)
}

fn rule_and_item(advice: &Advice) -> String {
    match &advice.item {
        Some(item) => format!("{} for {item}", advice.rule),
        None => advice.rule.to_string(),
    }
}

/// `~ RULE for ITEM: FIELDS changed`, then a line per field saying how.
fn write_changed(out: &mut String, changed: &ChangedAdvice) {
    let (old, new) = (&changed.old, &changed.new);
    let fields = changed.fields.iter().map(|f| f.name()).collect::<Vec<_>>().join(", ");
    let _ = writeln!(out, "  ~ {}: {fields} changed", rule_and_item(new));
    for field in &changed.fields {
        let detail = match field {
            Field::Kind => format!("{} -> {}", old.kind.name(), new.kind.name()),
            Field::Priority => {
                format!("{} -> {}", old.priority.unwrap_or("none"), new.priority.unwrap_or("none"))
            }
            Field::Evidence => {
                format!("{} -> {}", old.evidence.unwrap_or("none"), new.evidence.unwrap_or("none"))
            }
            Field::Lessons => format!("{} -> {}", list_or_none(old.lessons), list_or_none(new.lessons)),
            Field::Title => {
                format!("\u{201c}{}\u{201d} -> \u{201c}{}\u{201d}", old.title, new.title)
            }
            Field::Text => word_change(&old.text, &new.text),
            Field::Citations => citations_change(&old.citations, &new.citations),
        };
        let _ = writeln!(out, "      {}: {detail}", field.name());
    }
}

/// The citations removed (`-`) and added (`+`), or that only their order changed.
fn citations_change(old: &[CitedSource], new: &[CitedSource]) -> String {
    let removed: Vec<&CitedSource> = old.iter().filter(|c| !new.contains(c)).collect();
    let added: Vec<&CitedSource> = new.iter().filter(|c| !old.contains(c)).collect();
    let mut parts = Vec::new();
    for cited in &removed {
        parts.push(format!("- {}", citation_label(cited, &added)));
    }
    for cited in &added {
        parts.push(format!("+ {}", citation_label(cited, &removed)));
    }
    if parts.is_empty() { "the same sources in another order".to_string() } else { parts.join("; ") }
}

fn list_or_none(list: &[String]) -> String {
    if list.is_empty() { "none".to_string() } else { list.join(", ") }
}

/// A citation in a few words; with its whole reference when another citation it is shown
/// beside reads the same in a few words.
fn citation_label(cited: &CitedSource, others: &[&CitedSource]) -> String {
    let short = |c: &CitedSource| {
        let mut label = c.reference.key.clone();
        if let Some(locator) = &c.locator {
            let _ = write!(label, " at \u{201c}{locator}\u{201d}");
        }
        if let Some(quoting) = &c.quoted_in {
            let _ = write!(label, " quoted in {}", quoting.reference.key);
            if let Some(locator) = &quoting.locator {
                let _ = write!(label, " at \u{201c}{locator}\u{201d}");
            }
        }
        if let Some(quote) = &c.quote {
            let _ = write!(label, " quote \u{201c}{quote}\u{201d}");
        }
        if c.role == crate::rulebase::CitationRole::Example {
            label.push_str(" for example");
        }
        label
    };
    let label = short(cited);
    if others.iter().any(|other| short(other) == label) {
        format!("{label} ({})", cited.reference.reference)
    } else {
        label
    }
}

/// Where two texts differ, word by word, with a few words of context either side:
/// `... until at least [-October 2014-] {+April 2015+} and ...`.
fn word_change(old: &str, new: &str) -> String {
    const CONTEXT: usize = 5;
    let a: Vec<&str> = old.split_whitespace().collect();
    let b: Vec<&str> = new.split_whitespace().collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let room = a.len().min(b.len()) - prefix;
    let suffix = a.iter().rev().zip(b.iter().rev()).take(room).take_while(|(x, y)| x == y).count();
    let (removed, added) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    if removed.is_empty() && added.is_empty() {
        return "only spacing or line breaks differ".to_string();
    }
    let mut words: Vec<String> = Vec::new();
    let start = prefix.saturating_sub(CONTEXT);
    if start > 0 {
        words.push("...".into());
    }
    words.extend(a[start..prefix].iter().map(|w| (*w).to_string()));
    if !removed.is_empty() {
        words.push(format!("[-{}-]", removed.join(" ")));
    }
    if !added.is_empty() {
        words.push(format!("{{+{}+}}", added.join(" ")));
    }
    let end = (a.len() - suffix + CONTEXT).min(a.len());
    words.extend(a[a.len() - suffix..end].iter().map(|w| (*w).to_string()));
    if end < a.len() {
        words.push("...".into());
    }
    words.join(" ")
}
