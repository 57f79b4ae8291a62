//! The HTML of the pages, written with maud (which escapes every value it is given): the
//! list of cases, a case's page (its form beside its advice), the advice alone (for the
//! live updates), an explanation, and the page of a refusal. Must not read files, advise
//! or decide anything: the handlers give it what to show.

use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde_json::Value as Json;

use super::files::encode_segment;
use super::form;
use crate::report::{Answer, IndexRow, Report, advice_section};
use crate::rulebase::Vocabulary;

/// A page: its title, the rule base's problems if any, and its body.
fn page(title: &str, problems: Option<&str>, body: &Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · accord" }
                link rel="stylesheet" href="/assets/report.css";
                link rel="stylesheet" href="/assets/serve.css";
                link rel="stylesheet" href="/assets/form.css";
                script src="/assets/form.js" defer {}
                script src="/assets/live.js" defer {}
            }
            body {
                div id="rule-problems" class="rule-problems" role="alert" hidden[problems.is_none()] {
                    p { "The rule files on disk have problems, so the last rules that checked are still in use:" }
                    pre { (problems.unwrap_or_default()) }
                }
                p id="rule-news" class="rule-news" role="status" hidden {}
                (body)
            }
        }
    }
    .into_string()
}

/// A case in the folder, as the list of cases shows it.
pub(super) enum Listed {
    /// A case that reads: its file and its row.
    Case(String, IndexRow),
    /// A file that does not read as a case: its name and the first line of why.
    Problem(String, String),
}

/// `GET /`: the cases in the folder and a form to start a new one.
pub(super) fn index(listed: &[Listed], token: &str, problems: Option<&str>, message: Option<&str>) -> String {
    let body = html! {
        header { h1 { "Cases" } p { "The case files in this folder: open one to see its advice and change it." } }
        main {
            @if let Some(message) = message { p class="message" role="alert" { (message) } }
            @if listed.is_empty() {
                p { "There is no case file here yet: start one below." }
            } @else {
                div class="table-wrap" {
                    table class="index" {
                        caption { "The cases, with how many pieces of advice each has, by kind" }
                        thead { tr {
                            th scope="col" { "Case" } th scope="col" { "File" } th scope="col" { "Warnings" }
                            th scope="col" { "Recommendations" } th scope="col" { "Notes" } th scope="col" { "Questions" }
                        } }
                        tbody { @for entry in listed { (row(entry)) } }
                    }
                }
            }
            form class="new-case" method="post" action="/cases" {
                h2 { "New case" }
                input type="hidden" name="token" value=(token);
                label for="new-name" { "File name" }
                input id="new-name" name="name" type="text" required placeholder="my-partnership.json" aria-describedby="new-name-help";
                p id="new-name-help" class="help" { "The new case is saved in this folder under this name, ending .json." }
                button type="submit" { "Start the case" }
            }
        }
    };
    page("Cases", problems, &body)
}

fn row(entry: &Listed) -> Markup {
    match entry {
        Listed::Case(file, row) => html! {
            tr {
                th scope="row" { a href=(case_href(file)) { (row.case) } }
                td data-label="File" { (file) }
                td class="n" data-label="Warnings" { (row.warnings) }
                td class="n" data-label="Recommendations" { (row.recommendations) }
                td class="n" data-label="Notes" { (row.notes) }
                td class="n" data-label="Questions" { (row.questions) }
            }
        },
        Listed::Problem(file, why) => html! {
            tr class="problem" {
                th scope="row" { a href=(case_href(file)) { (file) } }
                td colspan="5" { "Not a case: " (why) }
            }
        },
    }
}

/// `/cases/FILE.json`, its name percent-encoded.
pub(super) fn case_href(file: &str) -> String {
    format!("/cases/{}", encode_segment(file))
}

/// What a case's page shows.
pub(super) struct CasePage<'a> {
    /// The case file's name.
    pub file: &'a str,
    /// The case as JSON, for the form.
    pub json: &'a Json,
    /// The vocabulary the form is generated from.
    pub vocabulary: &'a Vocabulary,
    /// The advice section's content ([`advice`]).
    pub advice: &'a str,
    /// The server's token.
    pub token: &'a str,
    /// The rule base's version, and its problems.
    pub problems: Option<&'a str>,
    /// A message at the top ("Saved").
    pub message: Option<&'a str>,
}

/// `GET /cases/FILE.json`: the form and, beside it, the advice.
pub(super) fn case_page(shown: &CasePage) -> String {
    let href = case_href(shown.file);
    let mut fields = String::new();
    form::write_fields(shown.vocabulary, shown.json, &mut fields);
    let body = html! {
        header {
            p class="breadcrumb" { a href="/" { "All cases" } }
            // The partnership's name when the case gives one; its file either way.
            @match shown.json.get("name").and_then(Json::as_str).filter(|name| !name.trim().is_empty()) {
                Some(name) => { h1 { (name) } p class="file" { (shown.file) } }
                None => h1 { (shown.file) },
            }
            @if let Some(message) = shown.message { p class="message" role="status" { (message) } }
        }
        main class="workspace" {
            form id="case-form" method="post" action=(format!("{href}/advice")) {
                input type="hidden" name="token" value=(shown.token);
                (PreEscaped(fields))
                div class="actions" {
                    button type="submit" { "Show the advice" }
                    button type="submit" formaction=(format!("{href}/save")) { "Save" }
                    a class="button" href=(format!("{href}/download")) { "Download the case" }
                    a class="button" href=(format!("{href}/report.html")) { "Download the report" }
                }
            }
            section id="advice" aria-live="polite" aria-label="Advice" {
                (PreEscaped(shown.advice))
            }
        }
    };
    page(shown.file, shown.problems, &body)
}

/// The advice section's content for the case `case_json` (its JSON text) in the file
/// `file`: the summary, the advice (each with a "Why?" link, carrying `case_key`, the key
/// the server keeps the case under), the questions (each answerable in place) and the
/// rules that did not fire (each with a link to what would make it fire).
pub(super) fn advice(
    file: &str,
    case_json: &str,
    case_key: &str,
    report: &Report,
    rule_ids: &[&str],
) -> String {
    let href = case_href(file);
    // "Why?" explains the case the advice was given for, which may not be saved yet.
    let case_query = encode_segment(case_key);
    let why = |rule: &str| Some(format!("{href}/explain/{}?case={case_query}", encode_segment(rule)));
    let section = advice_section(report, &why);
    let silent: Vec<&&str> =
        rule_ids.iter().filter(|id| !report.advice.iter().any(|a| a.rule == **id)).collect();
    html! {
        p class="as-of" { "Advice as of " (report.as_of.to_string()) ": " (report.advice.len()) " pieces of advice, "
            (report.questions.len()) " open questions." }
        (PreEscaped(section))
        @if !report.questions.is_empty() {
            section aria-labelledby="questions-heading" class="questions" {
                h2 id="questions-heading" { "Questions that could change this advice" }
                ol {
                    @for question in &report.questions {
                        li { (question_form(&href, case_json, question)) }
                    }
                }
            }
        }
        @if !silent.is_empty() {
            details class="silent" {
                summary { "Rules that did not fire, and what would make them fire" }
                ul { @for id in silent { li { a href=(format!("{href}/explain/{}?case={case_query}", encode_segment(id))) { (id) } } } }
            }
        }
    }
    .into_string()
}

/// A question with a small form that answers it: the case it was asked about, the fact
/// and the answer, posted to the advice.
fn question_form(href: &str, case_json: &str, question: &crate::report::Question) -> Markup {
    let id = format!("answer-{}", question.rank);
    html! {
        form class="answer" method="post" action=(format!("{href}/advice")) {
            input type="hidden" name="case_json" value=(case_json);
            input type="hidden" name="answer_fact" value=(question.fact);
            label for=(id) { (question.text) }
            @match question.answer {
                Answer::YesNo => select id=(id) name="answer_value" {
                    option value="yes" { "Yes" } option value="no" { "No" }
                },
                Answer::OneOf(choices) => select id=(id) name="answer_value" {
                    @for choice in choices { option value=(choice) { (choice) } }
                },
                Answer::Date => input id=(id) name="answer_value" type="date" required;,
                Answer::Number => input id=(id) name="answer_value" type="number" step="any" required;,
                Answer::ListOfRecords => p class="help" { "Answer this one in the form." },
                Answer::Text | Answer::ListOfText => input id=(id) name="answer_value" type="text" required;,
            }
            @if !matches!(question.answer, Answer::ListOfRecords) { button type="submit" { "Answer" } }
        }
    }
}

/// The advice section's content when the case cannot be advised: why.
pub(super) fn problems(heading: &str, text: &str) -> String {
    html! {
        div class="case-problems" role="alert" {
            h2 { (heading) }
            pre { (text) }
        }
    }
    .into_string()
}

/// `GET /cases/FILE.json/explain/RULE`: the explanation in words.
pub(super) fn explanation(
    file: &str,
    rule: &str,
    in_words: &[Vec<String>],
    text: &str,
    problems: Option<&str>,
) -> String {
    let body = html! {
        header {
            p class="breadcrumb" { a href="/" { "All cases" } " › " a href=(case_href(file)) { (file) } }
            h1 { "Why: " (rule) }
        }
        main {
            // In words first, for a reader of the advice (once per item of a `for each`
            // rule); then the condition part by part, for those who keep the rules.
            @for lines in in_words {
                @if let Some((first, rest)) = lines.split_first() {
                    section class="in-words" {
                        p { (first) }
                        @if !rest.is_empty() { ul { @for line in rest { li { (line) } } } }
                    }
                }
            }
            h2 { "The rule's condition, part by part" }
            pre class="explanation" { (text) }
        }
    };
    page(&format!("{rule} for {file}"), problems, &body)
}

/// A request refused or failed: what happened, in words.
pub(super) fn refusal(title: &str, message: &str) -> String {
    let body = html! {
        header { p class="breadcrumb" { a href="/" { "All cases" } } h1 { (title) } }
        main { p { (message) } }
    };
    page(title, None, &body)
}
