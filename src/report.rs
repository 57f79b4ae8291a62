//! Stage 4: advice to output: the text report for a person, and the JSON document of the
//! contract (`accord.advice.v1`).

use serde_json::{Value as Json, json};

use crate::eval::{Advice, Answer, CitedSource, Question, Report};
use crate::rulebase::Reference;

/// Names the layout of the JSON advice; changes only when the layout does.
pub const ADVICE_FORMAT: &str = "accord.advice.v1";

/// Text is wrapped to this many columns.
const WIDTH: usize = 88;

/// The JSON document for one case.
pub fn to_json(report: &Report) -> Json {
    json!({
        "format": ADVICE_FORMAT,
        "case": report.case,
        "as_of": report.as_of.to_string(),
        "advice": report.advice.iter().map(advice_json).collect::<Vec<_>>(),
        "questions": report.questions.iter().map(question_json).collect::<Vec<_>>(),
    })
}

fn advice_json(advice: &Advice) -> Json {
    json!({
        "rule": advice.rule,
        "item": advice.item,
        "kind": advice.kind.name(),
        "lessons": advice.lessons,
        "evidence": advice.evidence,
        "title": advice.title,
        "text": advice.text,
        "because": advice.because,
        "citations": advice.citations.iter().map(citation_json).collect::<Vec<_>>(),
    })
}

fn citation_json(cited: &CitedSource) -> Json {
    json!({
        "key": cited.reference.key,
        "authors": cited.reference.authors,
        "year": cited.reference.year,
        "reference": cited.reference.reference,
        "locator": cited.locator,
        "quote": cited.quote,
    })
}

fn question_json(question: &Question) -> Json {
    json!({
        "fact": question.fact,
        "text": question.text,
        "affects": question.affects,
        "answer": question.answer.name(),
        "choices": match &question.answer {
            Answer::OneOf(choices) => Some(choices),
            _ => None,
        },
    })
}

/// The bibliography as JSON: `[{key, authors, year, reference}]`.
pub fn sources_json<'a>(sources: impl Iterator<Item = &'a Reference>) -> Json {
    Json::Array(
        sources
            .map(|r| json!({"key": r.key, "authors": r.authors, "year": r.year, "reference": r.reference}))
            .collect(),
    )
}

/// The text report for one case: advice, questions, then the references cited.
pub fn to_text(report: &Report) -> String {
    let mut out = String::new();
    let name = report.case.as_deref().unwrap_or("Unnamed case");
    out.push_str(&format!("{name}\n{}\n", "=".repeat(name.chars().count().min(WIDTH))));
    out.push_str(&format!(
        "Advice as of {}: {}, {}.\n",
        report.as_of.long(),
        counted(report.advice.len(), "piece of advice", "pieces of advice"),
        counted(report.questions.len(), "open question", "open questions"),
    ));
    let mut references: Vec<&Reference> = Vec::new();
    for (n, advice) in report.advice.iter().enumerate() {
        out.push('\n');
        write_advice(&mut out, n + 1, advice, &mut references);
    }
    if !report.questions.is_empty() {
        out.push_str("\nQuestions that could change this advice\n");
        for (n, question) in report.questions.iter().enumerate() {
            write_question(&mut out, n + 1, question);
        }
    }
    if !references.is_empty() {
        out.push_str("\nReferences\n");
        for (n, reference) in references.iter().enumerate() {
            let label = format!("[{}] ", n + 1);
            out.push_str(&wrap(&reference.reference, &label, &" ".repeat(label.len())));
        }
    }
    out
}

fn write_advice<'a>(out: &mut String, n: usize, advice: &'a Advice, references: &mut Vec<&'a Reference>) {
    let kind = match advice.kind {
        crate::ast::AdviceKind::Recommendation => "Recommendation",
        crate::ast::AdviceKind::Warning => "Warning",
        crate::ast::AdviceKind::Note => "Note",
    };
    let heading = format!("{n}. {kind}: {}", advice.title);
    out.push_str(&wrap(&heading, "", "   "));
    let mut about = format!("rule {}", advice.rule);
    if let Some(item) = &advice.item {
        about.push_str(&format!(", for {item}"));
    }
    if !advice.lessons.is_empty() {
        about.push_str(&format!("; lesson {}", advice.lessons.join(", ")));
    }
    if let Some(evidence) = &advice.evidence {
        about.push_str(&format!("; evidence: {evidence}"));
    }
    out.push_str(&wrap(&format!("({about})"), "   ", "    "));
    out.push('\n');
    for paragraph in advice.text.split("\n\n") {
        out.push_str(&wrap(paragraph, "   ", "   "));
        out.push('\n');
    }
    out.push_str("   Because:\n");
    for reason in &advice.because {
        out.push_str(&wrap(reason, "   - ", "     "));
    }
    out.push_str("   Sources:\n");
    for cited in &advice.citations {
        let number = match references.iter().position(|r| r.key == cited.reference.key) {
            Some(i) => i + 1,
            None => {
                references.push(&cited.reference);
                references.len()
            }
        };
        let mut line = format!("{} ({})", cited.reference.authors, cited.reference.year);
        if let Some(locator) = &cited.locator {
            line.push_str(&format!(", {locator}"));
        }
        if let Some(quote) = &cited.quote {
            line.push_str(&format!(": \u{201c}{quote}\u{201d}"));
        }
        let label = format!("   [{number}] ");
        out.push_str(&wrap(&line, &label, &" ".repeat(label.len())));
    }
}

fn write_question(out: &mut String, n: usize, question: &Question) {
    let label = format!("{n}. ");
    let indent = " ".repeat(label.len());
    out.push_str(&wrap(&format!("{} ({})", question.text, question.fact), &label, &indent));
    if let Answer::OneOf(choices) = &question.answer {
        out.push_str(&wrap(&format!("Answers: {}", choices.join(", ")), &indent, &indent));
    }
    out.push_str(&wrap(&format!("Could change: {}", question.affects.join(", ")), &indent, &indent));
}

fn counted(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

/// Wraps `text` to [`WIDTH`] columns: `first` before the first line, `rest` before the others.
fn wrap(text: &str, first: &str, rest: &str) -> String {
    let mut out = String::new();
    let mut line = first.to_string();
    let mut line_has_words = false;
    for word in text.split_whitespace() {
        if line_has_words && line.chars().count() + 1 + word.chars().count() > WIDTH {
            out.push_str(&line);
            out.push('\n');
            line = rest.to_string();
            line_has_words = false;
        }
        if line_has_words {
            line.push(' ');
        }
        line.push_str(word);
        line_has_words = true;
    }
    out.push_str(&line);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_with_hanging_indent() {
        let text = "word ".repeat(30);
        let wrapped = wrap(&text, "1. ", "   ");
        assert!(wrapped.lines().all(|l| l.chars().count() <= 88));
        assert!(wrapped.starts_with("1. word"));
        assert!(wrapped.lines().skip(1).all(|l| l.starts_with("   word")));
    }
}
