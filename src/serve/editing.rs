//! A case from a request's fields: the form's fields read back by `form`, or, from a
//! question's own small form, the case it was asked about with that one fact answered;
//! then checked as the case loader checks a file. Must not write files or render pages.

use serde_json::Value as Json;

use super::form;
use crate::diag::{self, SourceMap};
use crate::interview::{parse_answer, set_at_path};
use crate::{Case, Date, RuleBase};

/// The fields that are the page's own, not the case's.
const OWN_FIELDS: [&str; 6] = ["token", "add", "remove", "case_json", "answer_fact", "answer_value"];

/// The value of the field `name`, if sent.
pub(super) fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields.iter().find(|(field, _)| field == name).map(|(_, value)| value.as_str())
}

/// The case the request describes, as JSON: the form's fields, or a question's answer
/// written into the case the question was asked about.
///
/// # Errors
///
/// What cannot be read, in words, one problem a line.
pub(super) fn case_json(rule_base: &RuleBase, fields: &[(String, String)]) -> Result<Json, Vec<String>> {
    let mut json = match field(fields, "case_json") {
        Some(text) => {
            serde_json::from_str(text).map_err(|why| vec![format!("the case sent is not JSON: {why}")])?
        }
        None => {
            // A list item's Remove button, when the page has no script to do it: its fields
            // are left out before the lists are read, so that the item removed is the one
            // whose button was pressed, whatever items the reading drops or renumbers.
            let removed = field(fields, "remove");
            let case_fields: Vec<(String, String)> = fields
                .iter()
                .filter(|(name, _)| !OWN_FIELDS.contains(&name.as_str()))
                .filter(|(name, _)| removed.is_none_or(|item| !within(name, item)))
                .cloned()
                .collect();
            let case = form::case_from_fields(rule_base.vocabulary(), &case_fields).map_err(|errors| {
                errors.into_iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>()
            })?;
            // A list's Add button, likewise.
            match field(fields, "add") {
                Some(add) => form::apply_list_edit(rule_base.vocabulary(), case, Some(add), None),
                None => case,
            }
        }
    };
    if let Some(fact) = field(fields, "answer_fact") {
        answer(rule_base, &mut json, fact, field(fields, "answer_value").unwrap_or_default())
            .map_err(|why| vec![format!("{fact}: {why}")])?;
    }
    Ok(json)
}

/// Whether the field `name` belongs to the list item `item` (`partners[2]`): the item
/// itself, or a field of it (`partners[2].name`, `partners[2].contacts[0]`).
fn within(name: &str, item: &str) -> bool {
    name.strip_prefix(item).is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}

/// Writes the answer `text` to the question about `fact` into the case `json`.
fn answer(rule_base: &RuleBase, json: &mut Json, fact: &str, text: &str) -> Result<(), String> {
    let (case, as_of) =
        check(rule_base, "the case", json).map_err(|_| "the case has problems".to_string())?;
    let report = rule_base.advise(&case, as_of);
    let question = report
        .questions
        .iter()
        .find(|question| question.fact == fact)
        .ok_or_else(|| "this question is no longer asked".to_string())?;
    let value = parse_answer(&question.answer, text)?;
    set_at_path(json, fact, value)
}

/// The case `json` checked as the case loader checks a file named `shown`, with the
/// date of its assessment (its own, else today's, as the command line does).
///
/// # Errors
///
/// The loader's diagnostics, rendered with their path, line, column and help.
pub(super) fn check(rule_base: &RuleBase, shown: &str, json: &Json) -> Result<(Case, Date), String> {
    let mut text = serde_json::to_string_pretty(json).unwrap_or_default();
    text.push('\n');
    parse(rule_base, shown, &text)
}

/// The case file `text`, named `shown`, checked, with the date of its assessment.
///
/// # Errors
///
/// As [`check`].
pub(super) fn parse(rule_base: &RuleBase, shown: &str, text: &str) -> Result<(Case, Date), String> {
    match crate::parse_case(shown, text, rule_base.vocabulary()) {
        Ok(case) => {
            // The clock is read only when the case gives no date, as the command line does.
            let as_of = case.assessed_on.unwrap_or_else(Date::today);
            Ok((case, as_of))
        }
        Err(diagnostics) => {
            let mut sources = SourceMap::default();
            sources.add(shown.to_string(), text.to_string());
            Err(diag::render(&diagnostics, &sources, false))
        }
    }
}

/// The JSON of a case file's text (without a byte order mark); an empty case when the
/// text is not JSON (its diagnostics say why).
pub(super) fn json_of(text: &str) -> Json {
    serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .unwrap_or_else(|_| Json::Object(serde_json::Map::new()))
}

/// What the explanation of `rule` for a case says, in words a reader of the advice uses,
/// a line each: why its advice applies (its reasons in words), or that the case does not
/// decide it (the facts it needs), or what would make it apply (the fewest changes), or
/// which advice replaced it. The tree of the rule's condition, as `accord explain` prints
/// it, follows on the page for those who keep the rules.
pub(super) fn explanation_in_words(
    rule_base: &RuleBase,
    case: &Case,
    as_of: Date,
    explanation: &crate::eval::Explanation,
) -> Vec<String> {
    use crate::eval::OutcomeKind;
    let vocabulary = rule_base.vocabulary();
    let fact_words = |path: &str| {
        // `groups[1].needs` is the fact `groups[].needs`, for the group at that place.
        let declared = crate::rulebase::Vocabulary::declared_path(path);
        vocabulary
            .find(&declared)
            .and_then(|id| vocabulary.get(id))
            .and_then(|fact| fact.wording.label.as_ref())
            .map_or_else(|| format!("`{path}`"), |label| crate::schema::template_in_words(vocabulary, label))
    };
    match explanation.outcome {
        OutcomeKind::Fired => {
            let report = rule_base.advise_in_words(case, as_of);
            let reasons: Vec<String> = report
                .advice
                .iter()
                .filter(|advice| advice.rule == explanation.rule && advice.item == explanation.item)
                .flat_map(|advice| advice.because_in_words.clone().unwrap_or_else(|| advice.because.clone()))
                .collect();
            std::iter::once("Its advice applies because:".to_string()).chain(reasons).collect()
        }
        OutcomeKind::Overridden => vec![format!(
            "Its advice is not given: the advice of `{}` takes its place.",
            explanation.overridden_by.as_deref().unwrap_or_default()
        )],
        OutcomeKind::Unknown => {
            let mut lines = vec!["The case does not say enough to decide it. It needs:".to_string()];
            lines.extend(explanation.unknown_facts.iter().map(|fact| fact_words(fact)));
            lines
        }
        OutcomeKind::NotFired => {
            let mut lines = vec!["Its advice does not apply to this case.".to_string()];
            if let Some(changes) = &explanation.would_fire_if {
                // A date in words (`14 December 2011`), a value with spaces (`pre merger
                // decision`), as the report says them.
                let value_words =
                    |value: &str| Date::parse(value).map_or_else(|_| value.replace('_', " "), Date::long);
                let changes: Vec<String> = changes
                    .iter()
                    .map(|(fact, value)| format!("{} were {}", fact_words(fact), value_words(value)))
                    .collect();
                lines.push(format!("It would apply if {}.", changes.join(" and ")));
            }
            lines
        }
    }
}
