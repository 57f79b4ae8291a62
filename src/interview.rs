//! The interview: asks for a case's unknown facts one at a time, most relevant first, and
//! re-evaluates the case after each answer so that only questions that still matter are
//! asked.
//!
//! An [`Interview`] holds the case as JSON (in its original field order), the rule base and
//! the assessment date. [`Interview::run`] reads answers line by line from any
//! [`BufRead`] and writes its prompts to any [`Write`], so a terminal, a script and a test
//! drive it the same way. Each answer is checked against its fact's type
//! ([`parse_answer`]) and written into the case at the question's path ([`set_at_path`]);
//! `skip` leaves a fact unknown for the rest of the session, `quit` (or the end of the
//! input) stops. [`Interview::case_text`] is then the case to save: the original text
//! with the answers written into it, which [`crate::safe_write::save_with_backup`] saves,
//! keeping a `.bak` copy of the original.
//!
//! ```
//! use accord::interview::Interview;
//! use accord::{Date, RuleFiles};
//!
//! let rules = RuleFiles::embedded().compile().rule_base.expect("the shipped rules check");
//! let case = r#"{"name": "Marrowby", "change": {"kind": null}}"#;
//! let mut interview = Interview::new(&rules, "marrowby.json", case, Date::parse("2013-06-03").unwrap())
//!     .expect("a valid case");
//! let mut transcript = Vec::new();
//! interview.run("none\nquit\n".as_bytes(), &mut transcript, true).expect("in-memory I/O");
//! assert_eq!(interview.case()["change"]["kind"], "none");
//! assert_eq!(interview.answered(), ["change.kind"]);
//! ```

use std::collections::BTreeSet;
// Writing to a `String` cannot fail: the `fmt::Result`s of `write!` into one are ignored.
use std::fmt::Write as _;
use std::io::{self, BufRead, Write};

use serde_json::{Map, Value as Json};

use crate::case::{Case, parse_case};
use crate::diag::Diagnostic;
use crate::eval::{Answer, Question, Report};
use crate::prose::counted;
use crate::rulebase::RuleBase;
use crate::value::Date;

/// How many rule ids a prompt names before saying how many more there are.
const RULES_NAMED: usize = 4;

/// The longest answer line read (without its line ending): the rest of a longer line is
/// read past without being kept, and the question asked again.
pub const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// How far past its start a line that has not ended is read (without being kept) before
/// the interview stops: input that never ends a line (`/dev/zero`) is not read for ever.
pub const MAX_LINE_BYTES: u64 = 16 * 1024 * 1024;

/// An interview about one case: the case so far, and what has been answered and skipped.
#[derive(Clone, Debug)]
pub struct Interview<'r> {
    rule_base: &'r RuleBase,
    /// The file's path as shown to the user (for messages).
    shown: String,
    /// The case's text as read (less a byte order mark), and as JSON.
    original: (String, Json),
    /// The case as JSON with the answers, fields in their original order.
    json: Json,
    /// The same case, validated: always in step with `json`.
    case: Case,
    as_of: Date,
    /// Facts (paths such as `groups[1].needs`) answered in this session, in order.
    answered: Vec<String>,
    /// Facts the user chose to leave unknown, and lists of records, which cannot be asked.
    skipped: BTreeSet<String>,
}

/// Why [`Interview::run`] stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// Every relevant question was answered or skipped.
    NoMoreQuestions,
    /// The user typed `quit`.
    Quit,
    /// The input ended.
    EndOfInput,
    /// This line of the input (from 1) did not end within [`MAX_LINE_BYTES`].
    EndlessLine(usize),
}

/// One line typed in answer to a question.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// A valid answer, as the JSON value to store.
    Value(Json),
    /// `skip`: leave the fact unknown.
    Skip,
    /// `quit`: stop the interview.
    Quit,
}

impl<'r> Interview<'r> {
    /// Starts an interview about the case `text` (the contents of the file shown as
    /// `shown`), assessed as of `as_of`.
    ///
    /// # Errors
    ///
    /// The diagnostics of [`parse_case`] when the case is not valid.
    pub fn new(
        rule_base: &'r RuleBase,
        shown: &str,
        text: &str,
        as_of: Date,
    ) -> Result<Self, Vec<Diagnostic>> {
        let case = parse_case(shown, text, &rule_base.vocabulary)?;
        // `parse_case` accepted the text, so it is JSON (less a possible byte order mark).
        let text = text.trim_start_matches('\u{feff}');
        let json: Json = serde_json::from_str(text)
            .map_err(|e| vec![Diagnostic::error("E0301", format!("the case is not valid JSON: {e}"))])?;
        Ok(Interview {
            rule_base,
            shown: shown.to_string(),
            original: (text.to_string(), json.clone()),
            json,
            case,
            as_of,
            answered: Vec::new(),
            skipped: BTreeSet::new(),
        })
    }

    /// The case as JSON, with the answers given so far.
    pub fn case(&self) -> &Json {
        &self.json
    }

    /// The case as the text to save: the text read, with the answers written into it
    /// (see `json_edit`). What the answers do not change is kept as it was, byte for
    /// byte: numbers as written (a parsed number would be rounded to a double), spacing,
    /// line endings; an answered value takes its field's place, a new field goes at the
    /// end of its object, laid out like its neighbours. Should the text not be followed,
    /// the case is written out afresh: pretty-printed with two-space indents and a final
    /// newline, fields in their original order.
    pub fn case_text(&self) -> String {
        let (text, json) = &self.original;
        if let Some(spliced) = crate::json_edit::splice(text, json, &self.json) {
            return spliced;
        }
        let mut text = serde_json::to_string_pretty(&self.json).expect("JSON values always serialise");
        text.push('\n');
        text
    }

    /// The facts answered so far, in the order they were answered.
    pub fn answered(&self) -> &[String] {
        &self.answered
    }

    /// The facts skipped so far (including lists of records, which cannot be asked here).
    pub fn skipped(&self) -> impl Iterator<Item = &str> {
        self.skipped.iter().map(String::as_str)
    }

    /// The advice for the case as it stands.
    pub fn report(&self) -> Report<'r> {
        self.rule_base.advise(&self.case, self.as_of)
    }

    /// The advice for the case as it stands, with its reasons in words too, for the text
    /// report the interview ends with.
    pub fn report_in_words(&self) -> Report<'r> {
        self.rule_base.advise_in_words(&self.case, self.as_of)
    }

    /// The most relevant question neither answered nor skipped in this session.
    pub fn next_question(&self) -> Option<Question<'r>> {
        self.report()
            .questions
            .into_iter()
            .find(|q| !self.skipped.contains(&q.fact) && !self.answered.contains(&q.fact))
    }

    /// Leaves `fact` unknown: it is not asked again in this session.
    pub fn skip(&mut self, fact: &str) {
        self.skipped.insert(fact.to_string());
    }

    /// Sets `fact` (a question's path, `change.date` or `groups[1].needs`) to `value` and
    /// re-evaluates the case.
    ///
    /// # Errors
    ///
    /// Why the value cannot be stored there (the case is then unchanged).
    pub fn answer(&mut self, fact: &str, value: Json) -> Result<(), String> {
        let mut json = self.json.clone();
        set_at_path(&mut json, fact, value)?;
        let text = serde_json::to_string(&json).expect("JSON values always serialise");
        let case = parse_case(&self.shown, &text, &self.rule_base.vocabulary).map_err(|diagnostics| {
            diagnostics.first().map_or_else(|| "the case is not valid".to_string(), |d| d.message.clone())
        })?;
        self.json = json;
        self.case = case;
        self.answered.push(fact.to_string());
        Ok(())
    }

    /// Asks the relevant questions one at a time, reading an answer per line from `input`
    /// and writing prompts to `output`, until none is left, the user types `quit`, or the
    /// input ends. With `echo`, each line read is written after its prompt, so that the
    /// transcript of a scripted session reads like one typed at a terminal.
    ///
    /// # Errors
    ///
    /// Only errors reading the input or writing the output.
    pub fn run(&mut self, mut input: impl BufRead, mut output: impl Write, echo: bool) -> io::Result<Ending> {
        writeln!(output, "Answer each question; type \"skip\" to leave it unknown, \"quit\" to stop.")?;
        let mut number = 0;
        let mut line = 0;
        let ending = loop {
            let Some(question) = self.next_question() else {
                break Ending::NoMoreQuestions;
            };
            number += 1;
            writeln!(output, "\n{}", heading(number, &question))?;
            if question.answer == Answer::ListOfRecords {
                writeln!(
                    output,
                    "  This takes a list of records, which cannot be answered here: edit the case file to add them. Skipped."
                )?;
                self.skip(&question.fact);
                continue;
            }
            write_choices(&mut output, &question.answer)?;
            match self.ask(&question, &mut input, &mut output, echo, &mut line)? {
                Asked::End => break Ending::EndOfInput,
                Asked::Endless => break Ending::EndlessLine(line),
                Asked::Reply(Reply::Quit) => break Ending::Quit,
                Asked::Reply(Reply::Skip) => self.skip(&question.fact),
                Asked::Reply(Reply::Value(_)) => {}
            }
        };
        let endless;
        let said = match ending {
            Ending::NoMoreQuestions => "No more questions.",
            Ending::Quit => "Stopped.",
            Ending::EndOfInput => "End of input.",
            Ending::EndlessLine(line) => {
                endless = format!("Stopped: line {line} of the answers does not end.");
                &endless
            }
        };
        writeln!(
            output,
            "\n{said} {}, {}.",
            counted(self.answered.len(), "answer", "answers"),
            counted(self.skipped.len(), "question skipped", "questions skipped")
        )?;
        output.flush()?;
        Ok(ending)
    }

    /// Prompts until a valid reply (stored when it is a value) or the end of the input;
    /// `line` counts the lines of the input read.
    fn ask(
        &mut self,
        question: &Question,
        input: &mut impl BufRead,
        output: &mut impl Write,
        echo: bool,
        line: &mut usize,
    ) -> io::Result<Asked> {
        loop {
            write!(output, "> ")?;
            output.flush()?;
            let bytes = match read_line(input)? {
                Line::End => {
                    writeln!(output)?;
                    return Ok(Asked::End);
                }
                Line::Text(bytes) => bytes,
                Line::TooLong => {
                    *line += 1;
                    if echo {
                        writeln!(output)?;
                    }
                    writeln!(
                        output,
                        "  not an answer: the line is longer than {MAX_ANSWER_BYTES} bytes; the rest of it was skipped"
                    )?;
                    continue;
                }
                Line::Endless => {
                    *line += 1;
                    writeln!(output)?;
                    writeln!(
                        output,
                        "  the line does not end within {MAX_LINE_BYTES} bytes: the interview stops"
                    )?;
                    return Ok(Asked::Endless);
                }
            };
            *line += 1;
            let Ok(text) = String::from_utf8(bytes) else {
                if echo {
                    writeln!(output)?;
                }
                writeln!(output, "  not an answer: it is not UTF-8 text")?;
                continue;
            };
            let text = text.trim_end_matches(['\n', '\r']);
            if echo {
                writeln!(output, "{}", crate::shown::escaped(text, crate::shown::Escape::Controls))?;
            }
            let reply = parse_reply(&question.answer, text).and_then(|reply| match reply {
                Reply::Value(value) => {
                    self.answer(&question.fact, value.clone()).map(|()| Reply::Value(value))
                }
                other => Ok(other),
            });
            match reply {
                Ok(reply) => return Ok(Asked::Reply(reply)),
                Err(why) => writeln!(output, "  not an answer: {why}")?,
            }
        }
    }
}

/// What asking a question came to.
enum Asked {
    Reply(Reply),
    /// The input ended.
    End,
    /// A line did not end within [`MAX_LINE_BYTES`].
    Endless,
}

/// A line of input, read within the limits.
#[derive(Debug, PartialEq)]
enum Line {
    /// A line (its line ending included, unless the input ended first).
    Text(Vec<u8>),
    /// A line longer than [`MAX_ANSWER_BYTES`], read past to its end (or the input's).
    TooLong,
    /// A line that did not end within [`MAX_LINE_BYTES`] (the rest is not read).
    Endless,
    /// The end of the input.
    End,
}

/// Reads a line, keeping at most [`MAX_ANSWER_BYTES`] of it (and its line ending).
fn read_line(input: &mut impl BufRead) -> io::Result<Line> {
    let mut line = Vec::new();
    let mut read: u64 = 0;
    let mut too_long = false;
    loop {
        let available = match input.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(match (too_long, line.is_empty()) {
                (true, _) => Line::TooLong,
                (false, true) => Line::End,
                (false, false) => Line::Text(line),
            });
        }
        let (take, ended) = match memchr::memchr(b'\n', available) {
            Some(newline) => (newline + 1, true),
            None => (available.len(), false),
        };
        if !too_long {
            line.extend_from_slice(&available[..take]);
            // The line's text, without `\r\n` or `\n` (which may not have come yet).
            let text =
                line.len() - line.iter().rev().take(2).take_while(|b| matches!(b, b'\n' | b'\r')).count();
            if text > MAX_ANSWER_BYTES {
                too_long = true;
                line = Vec::new();
            }
        }
        input.consume(take);
        read += take as u64;
        match (ended, too_long) {
            (true, false) => return Ok(Line::Text(line)),
            (true, true) => return Ok(Line::TooLong),
            (false, _) if read > MAX_LINE_BYTES => return Ok(Line::Endless),
            (false, _) => {}
        }
    }
}

/// `Question 3 (affects 2 rules: a, b): text`
fn heading(number: usize, question: &Question) -> String {
    let count = question.affects.len();
    let mut rules = question.affects.iter().take(RULES_NAMED).cloned().collect::<Vec<_>>().join(", ");
    if count > RULES_NAMED {
        let _ = write!(rules, " and {} more", count - RULES_NAMED);
    }
    let affects = counted(count, "rule", "rules");
    // The question shows the case's words (a group's name): escaped, as in a text report.
    let text = crate::shown::escaped(&question.text, crate::shown::Escape::Controls);
    format!("Question {number} (affects {affects}: {rules}): {text}")
}

/// The numbered choices of an enumeration, or a hint at the form of other answers.
fn write_choices(output: &mut impl Write, answer: &Answer) -> io::Result<()> {
    let hint = match answer {
        Answer::OneOf(choices) => {
            for (n, choice) in choices.iter().enumerate() {
                writeln!(output, "  {}. {choice}", n + 1)?;
            }
            return Ok(());
        }
        Answer::YesNo => "yes or no",
        Answer::Date => "a date, YYYY-MM-DD",
        Answer::Number => "a number",
        Answer::Text => "text",
        Answer::ListOfText => "items separated by commas; an empty line for none",
        Answer::ListOfRecords => return Ok(()),
    };
    writeln!(output, "  ({hint})")
}

/// Reads one typed line: `skip` and `quit` (in any case), or an answer of the kind
/// `answer` ([`parse_answer`]).
///
/// # Errors
///
/// Why the line is not an answer, in one line.
pub fn parse_reply(answer: &Answer, line: &str) -> Result<Reply, String> {
    match line.trim().to_ascii_lowercase().as_str() {
        "skip" => Ok(Reply::Skip),
        "quit" => Ok(Reply::Quit),
        _ => parse_answer(answer, line).map(Reply::Value),
    }
}

/// Checks a typed answer against the kind of answer a question takes and returns the JSON
/// value to store: `yes`/`no`/`y`/`n`/`true`/`false`; for a choice, its number in the list
/// (from 1) or its name; a `YYYY-MM-DD` date that exists; a number; non-empty text; texts
/// separated by commas (an empty line for none). Lists of records cannot be typed.
///
/// # Errors
///
/// Why the answer does not fit, in one line.
pub fn parse_answer(answer: &Answer, text: &str) -> Result<Json, String> {
    let text = text.trim();
    if text.is_empty() && !matches!(answer, Answer::ListOfText | Answer::ListOfRecords) {
        return Err("the line is empty: type an answer, or \"skip\" to leave the fact unknown".into());
    }
    match answer {
        Answer::YesNo => match text.to_ascii_lowercase().as_str() {
            "yes" | "y" | "true" => Ok(Json::Bool(true)),
            "no" | "n" | "false" => Ok(Json::Bool(false)),
            _ => Err(format!("`{text}` is not yes or no")),
        },
        Answer::OneOf(choices) => {
            if let Ok(n) = text.parse::<usize>() {
                return match n.checked_sub(1).and_then(|i| choices.get(i)) {
                    Some(choice) => Ok(Json::String(choice.clone())),
                    None => Err(format!("{n} is not a choice: type a number from 1 to {}", choices.len())),
                };
            }
            choices
                .iter()
                .find(|choice| choice.eq_ignore_ascii_case(text))
                .map(|choice| Json::String(choice.clone()))
                .ok_or_else(|| format!("`{text}` is not a choice: type a number from 1 to {}", choices.len()))
        }
        Answer::Date => Date::parse(text).map(|date| Json::String(date.to_string())),
        Answer::Number => {
            if let Ok(n) = text.parse::<i64>() {
                return Ok(Json::from(n));
            }
            text.parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Json::Number)
                .ok_or_else(|| format!("`{text}` is not a number"))
        }
        Answer::Text => Ok(Json::String(text.to_string())),
        Answer::ListOfText => Ok(Json::Array(
            text.split(',').map(str::trim).filter(|item| !item.is_empty()).map(Json::from).collect(),
        )),
        Answer::ListOfRecords => Err("a list of records cannot be typed here: edit the case file".into()),
    }
}

/// Sets the field at `path` (`change.date`, `groups[1].needs`) of the JSON object `root`
/// to `value`. An existing field keeps its place; a new one goes after the others of its
/// object. Missing (or `null`) objects along the way are created; list items must exist.
///
/// # Errors
///
/// Why the path cannot be followed: a list item that does not exist, or a field along the
/// way that is not an object.
pub fn set_at_path(root: &mut Json, path: &str, value: Json) -> Result<(), String> {
    let steps: Vec<&str> = path.split('.').collect();
    let mut here = root;
    let mut walked = String::new();
    for (n, step) in steps.iter().enumerate() {
        let (name, index) = split_index(step).ok_or_else(|| format!("`{path}` is not a path to a field"))?;
        if name.is_empty() {
            return Err(format!("`{path}` is not a path to a field"));
        }
        let last = n + 1 == steps.len();
        let Json::Object(object) = here else {
            return Err(format!(
                "`{}` is not an object",
                if walked.is_empty() { "the case" } else { &walked }
            ));
        };
        if !walked.is_empty() {
            walked.push('.');
        }
        walked.push_str(name);
        match (last, index) {
            (true, Some(_)) => return Err(format!("`{path}` names a list item, not a field")),
            (true, None) => {
                object.insert(name.to_string(), value);
                return Ok(());
            }
            (false, None) => {
                let field = object.entry(name.to_string()).or_insert(Json::Null);
                if field.is_null() {
                    *field = Json::Object(Map::new());
                }
                here = field;
            }
            (false, Some(index)) => {
                let _ = write!(walked, "[{index}]");
                here = object
                    .get_mut(name)
                    .and_then(Json::as_array_mut)
                    .and_then(|items| items.get_mut(index))
                    .ok_or_else(|| format!("`{walked}` does not exist"))?;
            }
        }
    }
    Err(format!("`{path}` is not a path to a field"))
}

/// `groups[1]` -> (`groups`, Some(1)); `change` -> (`change`, None); None when malformed.
fn split_index(step: &str) -> Option<(&str, Option<usize>)> {
    match step.split_once('[') {
        None => Some((step, None)),
        Some((name, rest)) => {
            let index = rest.strip_suffix(']')?.parse().ok()?;
            Some((name, Some(index)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn choices() -> Answer<'static> {
        static CHOICES: std::sync::LazyLock<Vec<String>> =
            std::sync::LazyLock::new(|| vec!["none".into(), "merger".into(), "restructure".into()]);
        Answer::OneOf(&CHOICES)
    }

    #[test]
    fn yes_and_no_in_their_usual_spellings() {
        for yes in ["yes", "Y", " true ", "YES"] {
            assert_eq!(parse_answer(&Answer::YesNo, yes), Ok(json!(true)), "{yes}");
        }
        for no in ["no", "n", "False"] {
            assert_eq!(parse_answer(&Answer::YesNo, no), Ok(json!(false)), "{no}");
        }
        assert_eq!(parse_answer(&Answer::YesNo, "maybe"), Err("`maybe` is not yes or no".into()));
    }

    #[test]
    fn choices_by_number_or_by_name() {
        assert_eq!(parse_answer(&choices(), "2"), Ok(json!("merger")));
        assert_eq!(parse_answer(&choices(), "Restructure"), Ok(json!("restructure")));
        let out_of_range = parse_answer(&choices(), "0").unwrap_err();
        assert!(out_of_range.contains("from 1 to 3"), "{out_of_range}");
        assert!(parse_answer(&choices(), "4").is_err());
        assert!(parse_answer(&choices(), "mergers").unwrap_err().contains("not a choice"));
    }

    #[test]
    fn dates_are_checked() {
        assert_eq!(parse_answer(&Answer::Date, "2013-04-01"), Ok(json!("2013-04-01")));
        assert!(parse_answer(&Answer::Date, "2013-02-30").unwrap_err().contains("no day 30"));
        assert!(parse_answer(&Answer::Date, "1 April 2013").unwrap_err().contains("YYYY-MM-DD"));
    }

    #[test]
    fn numbers_texts_and_lists() {
        assert_eq!(parse_answer(&Answer::Number, "25"), Ok(json!(25)));
        assert_eq!(parse_answer(&Answer::Number, "2.5"), Ok(json!(2.5)));
        assert!(parse_answer(&Answer::Number, "NaN").is_err());
        assert!(parse_answer(&Answer::Number, "many").is_err());
        assert_eq!(parse_answer(&Answer::Text, " a reason "), Ok(json!("a reason")));
        assert!(parse_answer(&Answer::Text, "  ").is_err());
        assert_eq!(parse_answer(&Answer::ListOfText, "a, b ,, c"), Ok(json!(["a", "b", "c"])));
        assert_eq!(parse_answer(&Answer::ListOfText, ""), Ok(json!([])));
        assert!(parse_answer(&Answer::ListOfRecords, "x").is_err());
    }

    #[test]
    fn skip_and_quit_are_words_not_answers() {
        assert_eq!(parse_reply(&Answer::Text, "Skip"), Ok(Reply::Skip));
        assert_eq!(parse_reply(&choices(), " quit "), Ok(Reply::Quit));
        assert_eq!(parse_reply(&choices(), "1"), Ok(Reply::Value(json!("none"))));
    }

    #[test]
    fn sets_a_field_in_place_keeping_the_order() {
        let mut case =
            json!({"name": "x", "change": {"kind": "merger", "date": null, "phase": "post_merger"}});
        set_at_path(&mut case, "change.date", json!("2013-04-01")).unwrap();
        let keys: Vec<&String> = case["change"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["kind", "date", "phase"]);
        assert_eq!(case["change"]["date"], "2013-04-01");
    }

    #[test]
    fn creates_missing_objects_at_the_end() {
        let mut case = json!({"name": "x", "board": null});
        set_at_path(&mut case, "change.kind", json!("none")).unwrap();
        set_at_path(&mut case, "board.providers", json!(true)).unwrap();
        assert_eq!(case.to_string(), r#"{"name":"x","board":{"providers":true},"change":{"kind":"none"}}"#);
    }

    #[test]
    fn sets_a_field_of_an_existing_list_item() {
        let mut case = json!({"groups": [{"name": "a"}, {"name": "b", "needs": null}]});
        set_at_path(&mut case, "groups[1].needs", json!("complex")).unwrap();
        assert_eq!(case["groups"][1]["needs"], "complex");
        assert_eq!(case["groups"][0], json!({"name": "a"}));
        let missing = set_at_path(&mut case, "groups[2].needs", json!("mild")).unwrap_err();
        assert_eq!(missing, "`groups[2]` does not exist");
    }

    #[test]
    fn refuses_paths_through_values_that_are_not_objects() {
        let mut case = json!({"change": "merger"});
        assert_eq!(
            set_at_path(&mut case, "change.kind", json!("none")),
            Err("`change` is not an object".into())
        );
        assert!(set_at_path(&mut case, "groups[x].needs", json!(1)).is_err());
        assert!(set_at_path(&mut case, "groups[0]", json!(1)).is_err());
        assert_eq!(case, json!({"change": "merger"}));
    }

    #[test]
    fn lines_are_read_within_the_limits() {
        let mut input = io::Cursor::new(format!(
            "yes\r\n{}\n{}\r\n{}\nlast",
            "a".repeat(MAX_ANSWER_BYTES),
            "b".repeat(MAX_ANSWER_BYTES),
            "c".repeat(MAX_ANSWER_BYTES + 1)
        ));
        assert_eq!(read_line(&mut input).unwrap(), Line::Text(b"yes\r\n".to_vec()));
        let Line::Text(longest) = read_line(&mut input).unwrap() else { panic!("the longest line is kept") };
        assert_eq!(longest.len(), MAX_ANSWER_BYTES + 1);
        let Line::Text(longest) = read_line(&mut input).unwrap() else { panic!("and with CRLF") };
        assert_eq!(longest.len(), MAX_ANSWER_BYTES + 2);
        assert_eq!(read_line(&mut input).unwrap(), Line::TooLong);
        assert_eq!(read_line(&mut input).unwrap(), Line::Text(b"last".to_vec()));
        assert_eq!(read_line(&mut input).unwrap(), Line::End);
        // A long line cut short by the end of the input, and one that never ends.
        let mut input = io::Cursor::new("d".repeat(MAX_ANSWER_BYTES + 10));
        assert_eq!(read_line(&mut input).unwrap(), Line::TooLong);
        assert_eq!(read_line(&mut input).unwrap(), Line::End);
        let mut endless = io::BufReader::new(io::repeat(b'e'));
        assert_eq!(read_line(&mut endless).unwrap(), Line::Endless);
    }
}
