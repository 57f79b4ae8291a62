//! The JSON advice documents of a batch (`--format jsonl`), written fast: what is the same
//! for every case (a rule's id, kind, priority, lessons, evidence and citations, and the words of its
//! title and text: most of a document's bytes with the shipped rules) is written as JSON
//! once, when the writer is made; what the case fills in is escaped as it is copied, and
//! the texts are never put together in between. The text is exactly what serializing the
//! [`Report`](crate::eval::Report) gives (`tests/snapshots.rs` holds the two to it).

use std::io::Write as _;

use crate::case::Case;
use crate::eval::{Advisor, Answer, DraftAdvice, DraftQuestion, TextId, Texts, text_range};
use crate::json_string::first_special;
use crate::rulebase::FactId;
use crate::rulebase::{Rule, RuleBase, Template, TemplatePart};
use crate::value::Date;

use super::ADVICE_FORMAT;

/// Advises cases with one rule base and writes their compact JSON documents.
pub struct AdviceWriter<'r> {
    rule_base: &'r RuleBase,
    /// By [`RuleId`](crate::rulebase::RuleId).
    rules: Vec<RuleFragments>,
    /// By fact index: how a question about the fact is answered,
    /// `,"answer":…,"choices":…}`.
    answers: Vec<String>,
}

/// The parts of a rule's piece of advice that every document shares, as compact JSON.
struct RuleFragments {
    /// `"<id>"`, for the questions that name the rule.
    id: String,
    /// `{"rule":"<id>","item":`
    opening: String,
    /// `,"kind":…,"priority":…,"rank":`, between the item and the rank.
    kind_priority: String,
    /// What comes between the values the case fills in, from the rank on, as JSON: the
    /// first from the rank to the title's first value
    /// (`,"lessons":[…],"evidence":…,"title":"<words>`), then the words after
    /// each value, escaped, the title's last joined to the text's first
    /// (`<words>","text":"<words>`), and the text's last ending in `","because":`. One
    /// copy for each gap between values, however many fields it spans.
    between_values: Vec<String>,
    /// `,"citations":[…]}`
    closing: String,
}

impl<'r> AdviceWriter<'r> {
    /// Writes in advance the parts of every rule's advice that no case changes.
    pub fn new(rule_base: &'r RuleBase) -> AdviceWriter<'r> {
        let rules = rule_base
            .rule_ids()
            .zip(&rule_base.rules)
            .map(|(index, rule)| {
                let id = json(&rule.id);
                RuleFragments {
                    opening: format!(r#"{{"rule":{id},"item":"#),
                    kind_priority: format!(
                        r#","kind":{},"priority":{},"rank":"#,
                        json(rule.kind.name()),
                        json(&rule_base.priority_label(index)),
                    ),
                    id,
                    between_values: between_values(rule),
                    closing: format!(r#","citations":{}}}"#, json(&rule_base.cited_sources(index))),
                }
            })
            .collect();
        let answers =
            (0..rule_base.vocabulary.facts.len()).map(|fact| answer(rule_base, FactId(fact))).collect();
        AdviceWriter { rule_base, rules, answers }
    }

    /// Advises `case` as of `as_of` and appends its compact JSON document, and a newline,
    /// to `out`: one line of `--format jsonl`. The text is that of serializing
    /// [`RuleBase::advise`]'s report.
    /// Each call starts with empty buffers: to write many cases, use
    /// [`AdviceWriter::write_case_with`].
    pub fn write_case(&self, case: &Case, as_of: Date, out: &mut Vec<u8>) {
        self.write_case_with(&mut self.rule_base.advisor(), case, as_of, out);
    }

    /// [`AdviceWriter::write_case`], advising with `advisor`, whose buffers it reuses; an
    /// advisor of another rule base than the writer's is not used (the case is advised
    /// with buffers of its own).
    pub fn write_case_with(&self, advisor: &mut Advisor<'_>, case: &Case, as_of: Date, out: &mut Vec<u8>) {
        let draft = if std::ptr::eq(advisor.rule_base(), self.rule_base) {
            advisor.draft(case, as_of, false)
        } else {
            self.rule_base.advisor().draft(case, as_of, false)
        };
        let texts = EscapedTexts::of(&draft.texts);
        out.extend_from_slice(br#"{"format":""#);
        out.extend_from_slice(ADVICE_FORMAT.as_bytes());
        out.extend_from_slice(br#"","case":"#);
        write_optional_str(out, case.label());
        // A date is digits and dashes: nothing to escape.
        out.extend_from_slice(br#","as_of":""#);
        match as_of.iso_digits() {
            Some(digits) => out.extend_from_slice(&digits),
            None => write!(out, "{as_of}").expect("writing to memory cannot fail"),
        }
        out.extend_from_slice(br#"","advice":["#);
        for (n, advice) in draft.advice.iter().enumerate() {
            if n > 0 {
                out.push(b',');
            }
            self.write_advice(advice, n + 1, &texts, out);
        }
        out.extend_from_slice(br#"],"questions":["#);
        for (n, question) in draft.questions.iter().enumerate() {
            if n > 0 {
                out.push(b',');
            }
            self.write_question(question, n + 1, &texts, out);
        }
        out.extend_from_slice(b"]}\n");
    }

    fn write_question(&self, question: &DraftQuestion, rank: usize, texts: &EscapedTexts, out: &mut Vec<u8>) {
        out.extend_from_slice(br#"{"fact":"#);
        write_quoted(out, texts.text(question.path));
        out.extend_from_slice(br#","rank":"#);
        write_rank(out, rank);
        out.extend_from_slice(br#","text":"#);
        write_quoted(out, texts.text(question.text));
        out.extend_from_slice(br#","affects":["#);
        for (n, rule) in question.affects.iter().enumerate() {
            if n > 0 {
                out.push(b',');
            }
            out.extend_from_slice(self.rules[rule.0].id.as_bytes());
        }
        out.push(b']');
        out.extend_from_slice(self.answers[question.fact.0].as_bytes());
    }

    fn write_advice(&self, advice: &DraftAdvice, rank: usize, texts: &EscapedTexts, out: &mut Vec<u8>) {
        let fragments = &self.rules[advice.rule.0];
        out.extend_from_slice(fragments.opening.as_bytes());
        match advice.item {
            Some(item) => write_quoted(out, texts.text(item)),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(fragments.kind_priority.as_bytes());
        write_rank(out, rank);
        let (first, after_values) = fragments.between_values.split_first().expect("one more than values");
        out.extend_from_slice(first.as_bytes());
        for (value, words) in advice.values.clone().zip(after_values) {
            out.extend_from_slice(texts.get(value));
            out.extend_from_slice(words.as_bytes());
        }
        out.push(b'[');
        for (n, because) in advice.because.clone().enumerate() {
            if n > 0 {
                out.push(b',');
            }
            write_quoted(out, texts.get(because));
        }
        out.push(b']');
        out.extend_from_slice(fragments.closing.as_bytes());
    }
}

/// A draft's texts escaped for JSON, all in one pass, each then found by its number: a
/// case fills in dozens of short texts, and escaping each on its own cost a search set up
/// per text.
struct EscapedTexts {
    escaped: Vec<u8>,
    /// Where each text ends in `escaped`.
    ends: Vec<usize>,
}

impl EscapedTexts {
    fn of(texts: &Texts) -> EscapedTexts {
        let (joined, ends) = texts.joined();
        let bytes = joined.as_bytes();
        let mut escaped = EscapedTexts { escaped: Vec::with_capacity(bytes.len() + 64), ends: Vec::new() };
        escaped.ends.reserve(ends.len());
        let mut ends = ends.iter().copied().peekable();
        // The bytes before `copied` are escaped; escapes have added `grown` bytes so far.
        let (mut copied, mut grown) = (0, 0);
        while let Some(found) = next_to_escape(bytes, copied) {
            // The texts that end before this byte end where they did, moved on by what
            // escapes before them have added.
            while let Some(end) = ends.next_if(|end| *end <= found) {
                escaped.ends.push(end + grown);
            }
            escaped.escaped.extend_from_slice(&bytes[copied..found]);
            grown += write_escaped(&mut escaped.escaped, bytes[found]) - 1;
            copied = found + 1;
        }
        escaped.escaped.extend_from_slice(&bytes[copied..]);
        escaped.ends.extend(ends.map(|end| end + grown));
        escaped
    }

    /// Text number `index`, escaped.
    fn get(&self, index: usize) -> &[u8] {
        &self.escaped[text_range(&self.ends, index)]
    }

    /// Text `id`, escaped.
    fn text(&self, id: TextId) -> &[u8] {
        self.get(id.index())
    }
}

/// A rule's [`RuleFragments::between_values`].
fn between_values(rule: &Rule) -> Vec<String> {
    let head =
        format!(r#","lessons":{},"evidence":{},"title":""#, json(&rule.lessons), json(&rule.evidence),);
    let (mut title, mut text) = (escaped_literals(&rule.title), escaped_literals(&rule.text));
    title[0].insert_str(0, &head);
    let title_end = title.pop().expect("one more run than values");
    text[0].insert_str(0, &format!(r#"{title_end}","text":""#));
    text.last_mut().expect("one more run than values").push_str(r#"","because":"#);
    title.extend(text);
    title
}

/// A template's literal runs, escaped for JSON, split at its values: one more run than
/// values (empty where two values meet or a value starts or ends the text).
fn escaped_literals(template: &Template) -> Vec<String> {
    let mut runs = vec![Vec::new()];
    for part in &template.parts {
        match part {
            TemplatePart::Literal(text) => escape_into(runs.last_mut().expect("never empty"), text),
            TemplatePart::Value { .. } => runs.push(Vec::new()),
        }
    }
    runs.into_iter().map(|run| String::from_utf8(run).expect("escaping keeps UTF-8")).collect()
}

/// `,"answer":"<kind>","choices":[…]}`: the end of every question about `fact`.
fn answer(rule_base: &RuleBase, fact: FactId) -> String {
    let answer = Answer::of(&rule_base.vocabulary.fact(fact).ty);
    let choices = match answer {
        Answer::OneOf(choices) => json(choices),
        _ => "null".to_string(),
    };
    format!(r#","answer":{},"choices":{choices}}}"#, json(answer.name()))
}

/// A fixed part, serialized by `serde_json`: exactly as the report's `Serialize` writes it.
fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).expect("rule texts serialize: their keys are strings")
}

/// Appends a rank, a small whole number, in digits.
fn write_rank(out: &mut Vec<u8>, rank: usize) {
    write!(out, "{rank}").expect("writing to memory cannot fail");
}

fn write_optional_str(out: &mut Vec<u8>, text: Option<&str>) {
    match text {
        Some(text) => write_str(out, text),
        None => out.extend_from_slice(b"null"),
    }
}

/// Appends `text` as a JSON string, quoted and escaped exactly as `serde_json` escapes it:
/// `"` and `\` with a backslash, control characters as `\n`, `\t`… or `\u00XX`, everything
/// else as it is (UTF-8 included).
///
/// `serde_json` looks at one byte at a time; this jumps from one byte to escape to the next
/// ([`first_special`], eight bytes at a time). Advice texts are long runs of plain words
/// with a paragraph break now and then.
fn write_str(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    escape_into(out, text);
    out.push(b'"');
}

/// [`write_str`] without the quotes.
fn escape_into(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    out.reserve(bytes.len());
    // The bytes before `copied` are in `out` already.
    let mut copied = 0;
    while let Some(found) = next_to_escape(bytes, copied) {
        out.extend_from_slice(&bytes[copied..found]);
        write_escaped(out, bytes[found]);
        copied = found + 1;
    }
    out.extend_from_slice(&bytes[copied..]);
}

/// The position of the first byte from `from` on that needs escaping.
fn next_to_escape(bytes: &[u8], from: usize) -> Option<usize> {
    first_special(&bytes[from..]).map(|offset| from + offset)
}

/// Writes the escape of one byte that needs it, as `serde_json` writes it; gives its
/// length.
fn write_escaped(out: &mut Vec<u8>, byte: u8) -> usize {
    let short = match byte {
        b'"' => b'"',
        b'\\' => b'\\',
        b'\n' => b'n',
        b'\t' => b't',
        b'\r' => b'r',
        0x08 => b'b',
        0x0c => b'f',
        _ => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            let (high, low) = (HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 0xf)]);
            out.extend_from_slice(&[b'\\', b'u', b'0', b'0', high, low]);
            return 6;
        }
    };
    out.extend_from_slice(&[b'\\', short]);
    2
}

/// Appends text already escaped as a JSON string, in quotes.
fn write_quoted(out: &mut Vec<u8>, escaped: &[u8]) {
    out.push(b'"');
    out.extend_from_slice(escaped);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::write_str;
    use proptest::prelude::*;

    fn escaped(text: &str) -> String {
        let mut out = Vec::new();
        write_str(&mut out, text);
        String::from_utf8(out).expect("escaping keeps UTF-8")
    }

    #[test]
    fn escapes_as_serde_json_does() {
        for text in [
            "",
            "plain",
            "\"",
            "\\",
            "a\nb",
            "\u{0}\u{1f}\u{7f}",
            "tab\there",
            "é “quoted” ✓",
            "12345678\"",
            "1234567\n9",
        ] {
            assert_eq!(escaped(text), serde_json::to_string(text).unwrap(), "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn escapes_any_text_as_serde_json_does(text in "(\\PC|[\"\\\\\u{0}-\u{1f}\u{7f}]){0,40}") {
            prop_assert_eq!(escaped(&text), serde_json::to_string(&text).unwrap());
        }
    }
}
