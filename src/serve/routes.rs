//! The routes and their handlers: each reads what it needs (a case file named within the
//! folder, the form's fields), asks the library for the advice, the explanation, the
//! report or the save, and gives the page. Must not decide advice, nor render HTML
//! itself: `pages` does.

use axum::extract::{DefaultBodyLimit, Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json as JsonBody, Router, middleware};
use serde_json::{Value as Json, json};
use tower::limit::GlobalConcurrencyLimitLayer;

use super::editing::{self, field};
use super::files::{self, Refused};
use super::pages::{self, CasePage, Listed};
use super::rules::InUse;
use super::workspace::Workspace;
use super::{assets, guard};
use crate::report::{self, IndexRow};
use crate::safe_write::{self, SaveError};

/// How many requests are handled at once; others wait.
const IN_FLIGHT: usize = 64;

/// The fields of a posted form, in order.
type Fields = Form<Vec<(String, String)>>;

/// The server's routes, with their checks and limits, over `workspace`.
pub fn app(workspace: Workspace) -> Router {
    let max_body = workspace.max_body();
    Router::new()
        .route("/", get(index))
        .route("/cases", post(new_case))
        .route("/cases/{file}", get(case_page))
        .route("/cases/{file}/advice", post(advice))
        .route("/cases/{file}/save", post(save))
        .route("/cases/{file}/download", get(download))
        .route("/cases/{file}/report.html", get(report_page))
        .route("/cases/{file}/explain/{rule}", get(explain))
        .route("/rules/version", get(rules_version))
        .route("/assets/{name}", get(assets::asset))
        // Browsers ask for it unbidden: nothing, rather than a page of its own.
        .route("/favicon.ico", get(|| std::future::ready(StatusCode::NO_CONTENT)))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(workspace.clone(), guard::check))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(GlobalConcurrencyLimitLayer::new(IN_FLIGHT))
        .with_state(workspace)
}

/// A page with its status.
fn html(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], body)
        .into_response()
}

/// A refusal's page.
fn refused(status: StatusCode, title: &str, message: &str) -> Response {
    html(status, pages::refusal(title, message))
}

fn not_found() -> std::future::Ready<Response> {
    std::future::ready(refused(StatusCode::NOT_FOUND, "Not found", "There is no such page."))
}

/// A redirect to `location` after a POST (303: the browser then GETs it).
fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// The path of the case file `file`, or the page refusing it.
fn case_path(workspace: &Workspace, file: &str) -> Result<std::path::PathBuf, Response> {
    files::case_path(workspace.cases(), file)
        .map_err(|Refused(why)| refused(StatusCode::FORBIDDEN, "Refused", &format!("{why}.")))
}

/// The bytes and text of the case file `file`, or the page saying why not.
fn read_case(workspace: &Workspace, file: &str) -> Result<(Vec<u8>, String), Response> {
    let path = case_path(workspace, file)?;
    if !path.is_file() {
        return Err(refused(
            StatusCode::NOT_FOUND,
            "Not found",
            &format!("There is no case file `{file}` here."),
        ));
    }
    let unreadable = |error: crate::load::ReadError| {
        refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Cannot read the case",
            &format!("`{file}`: {}.", error.reason()),
        )
    };
    let bytes = crate::load::read_bytes(&path).map_err(unreadable)?;
    let text = crate::load::decode_text(bytes.clone()).map_err(unreadable)?;
    Ok((bytes, text))
}

/// The ids of the rule base's rules, in order.
fn rule_ids(in_use: &InUse) -> Vec<&str> {
    in_use.rule_base.rules().iter().map(|rule| rule.id.as_str()).collect()
}

/// The advice section's content for a case, or its problems.
fn advice_html(
    workspace: &Workspace,
    in_use: &InUse,
    file: &str,
    json: &Json,
    checked: Result<(crate::Case, crate::Date), String>,
) -> String {
    match checked {
        Ok((case, as_of)) => {
            let report = in_use.rule_base.advise_in_words(&case, as_of);
            let case_json = serde_json::to_string(json).unwrap_or_default();
            let key = workspace.remember(&case_json);
            pages::advice(file, &case_json, &key, &report, &rule_ids(in_use))
        }
        Err(diagnostics) => pages::problems("The case has problems", &diagnostics),
    }
}

/// `GET /`.
async fn index(State(workspace): State<Workspace>) -> Response {
    let in_use = workspace.rules().in_use();
    let listed: Vec<Listed> = files::json_files(workspace.cases())
        .into_iter()
        .map(|file| listed(&workspace, &in_use, file))
        .collect();
    let problems = workspace.rules().problems();
    html(StatusCode::OK, pages::index(&listed, workspace.token(), problems.as_deref(), None))
}

/// A file of the folder as the list shows it.
fn listed(workspace: &Workspace, in_use: &InUse, file: String) -> Listed {
    let first_line =
        |text: &str| text.lines().find(|line| !line.trim().is_empty()).unwrap_or_default().to_string();
    let Ok((_, text)) = read_case(workspace, &file) else {
        return Listed::Problem(file, "cannot be read".into());
    };
    match editing::parse(&in_use.rule_base, &file, &text) {
        Ok((case, as_of)) => {
            let report = in_use.rule_base.advise(&case, as_of);
            let row = IndexRow::of(&report, pages::case_href(&file));
            Listed::Case(file, row)
        }
        Err(diagnostics) => {
            let why = first_line(&diagnostics);
            Listed::Problem(file, why)
        }
    }
}

/// `POST /cases`: a new, empty case file.
async fn new_case(State(workspace): State<Workspace>, Form(fields): Fields) -> Response {
    if !workspace.token_matches(field(&fields, "token")) {
        return forbidden_without_token();
    }
    let name = field(&fields, "name").unwrap_or_default().trim();
    let file = if name.ends_with(".json") { name.to_string() } else { format!("{name}.json") };
    let path = match case_path(&workspace, &file) {
        Ok(path) => path,
        Err(response) => return response,
    };
    let _writing = workspace.writing().lock().await;
    match files::create_new(&path, b"{}\n") {
        Ok(()) => see_other(&pages::case_href(&file)),
        Err(why) if why.kind() == std::io::ErrorKind::AlreadyExists => refused(
            StatusCode::CONFLICT,
            "The name is taken",
            &format!("There is already a file `{file}`: choose another name."),
        ),
        Err(why) => {
            refused(StatusCode::INTERNAL_SERVER_ERROR, "Cannot create the case", &format!("`{file}`: {why}."))
        }
    }
}

fn forbidden_without_token() -> Response {
    refused(
        StatusCode::FORBIDDEN,
        "Refused",
        "This request changes files, so it must come from this server's own page: reload the page and try again.",
    )
}

/// What `GET /cases/FILE.json` may be asked: `?saved=1` after a save.
#[derive(serde::Deserialize)]
struct PageQuery {
    saved: Option<String>,
}

/// What `GET /cases/FILE.json/explain/RULE` may be asked: `?case=KEY`, the case the page
/// advised (see [`Workspace::remember`]).
#[derive(serde::Deserialize)]
struct ExplainQuery {
    case: Option<String>,
}

/// `GET /cases/FILE.json`.
async fn case_page(
    State(workspace): State<Workspace>,
    Path(file): Path<String>,
    Query(query): Query<PageQuery>,
) -> Response {
    let (_, text) = match read_case(&workspace, &file) {
        Ok(read) => read,
        Err(response) => return response,
    };
    let in_use = workspace.rules().in_use();
    let json = editing::json_of(&text);
    let advice =
        advice_html(&workspace, &in_use, &file, &json, editing::parse(&in_use.rule_base, &file, &text));
    let message = query.saved.is_some().then_some("Saved.");
    whole_page(&workspace, &in_use, StatusCode::OK, &file, &json, &advice, message)
}

fn whole_page(
    workspace: &Workspace,
    in_use: &InUse,
    status: StatusCode,
    file: &str,
    json: &Json,
    advice: &str,
    message: Option<&str>,
) -> Response {
    let problems = workspace.rules().problems();
    let page = CasePage {
        file,
        json,
        vocabulary: in_use.rule_base.vocabulary(),
        advice,
        token: workspace.token(),
        problems: problems.as_deref(),
        message,
    };
    html(status, pages::case_page(&page))
}

/// `POST /cases/FILE.json/advice`: the advice for the case the fields describe; only the
/// advice section's content when asked by the page's script (`X-Accord-Live: 1`).
async fn advice(
    State(workspace): State<Workspace>,
    Path(file): Path<String>,
    headers: HeaderMap,
    Form(fields): Fields,
) -> Response {
    if let Err(response) = case_path(&workspace, &file) {
        return response;
    }
    let in_use = workspace.rules().in_use();
    let live = headers.get("x-accord-live").is_some_and(|v| v == "1");
    let (status, json, advice) = match editing::case_json(&in_use.rule_base, &fields) {
        Ok(json) => {
            let checked = editing::check(&in_use.rule_base, &file, &json);
            let status = if checked.is_ok() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
            let advice = advice_html(&workspace, &in_use, &file, &json, checked);
            (status, Some(json), advice)
        }
        Err(errors) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            pages::problems("Some fields cannot be read", &errors.join("\n")),
        ),
    };
    if live {
        return html(status, advice);
    }
    // Without the script, the whole page, its form as sent (or, when the fields could not
    // be read, as the file holds it).
    let json = match json {
        Some(json) => json,
        None => read_case(&workspace, &file)
            .map(|(_, text)| editing::json_of(&text))
            .unwrap_or_else(|_| json!({})),
    };
    whole_page(&workspace, &in_use, status, &file, &json, &advice, None)
}

/// `POST /cases/FILE.json/save`: the case the fields describe, checked, written into the
/// file's own text (its field order and layout kept) atomically, with a `.bak` kept.
async fn save(
    State(workspace): State<Workspace>,
    Path(file): Path<String>,
    Form(fields): Fields,
) -> Response {
    if !workspace.token_matches(field(&fields, "token")) {
        return forbidden_without_token();
    }
    let path = match case_path(&workspace, &file) {
        Ok(path) => path,
        Err(response) => return response,
    };
    let in_use = workspace.rules().in_use();
    // Not saved: the page again, with the case shown and why.
    let not_saved = |json: &Json, why: &str, problems: &str| {
        let advice = pages::problems(why, problems);
        whole_page(&workspace, &in_use, StatusCode::UNPROCESSABLE_ENTITY, &file, json, &advice, None)
    };
    let json = match editing::case_json(&in_use.rule_base, &fields) {
        Ok(json) => json,
        Err(errors) => {
            let json = read_case(&workspace, &file)
                .map(|(_, text)| editing::json_of(&text))
                .unwrap_or_else(|_| json!({}));
            return not_saved(&json, "Not saved: some fields cannot be read", &errors.join("\n"));
        }
    };
    if let Err(diagnostics) = editing::check(&in_use.rule_base, &file, &json) {
        return not_saved(&json, "Not saved: the case has problems", &diagnostics);
    }
    let _writing = workspace.writing().lock().await;
    let (bytes, text) = match read_case(&workspace, &file) {
        Ok(read) => read,
        Err(response) => return response,
    };
    let contents = saved_text(&bytes, &text, &json);
    match safe_write::save_with_backup(&path, &bytes, &contents) {
        Ok(_) => see_other(&format!("{}?saved=1", pages::case_href(&file))),
        Err(SaveError::Changed) => refused(
            StatusCode::CONFLICT,
            "Not saved",
            &format!("`{file}` changed while it was being saved: reload the page and save again."),
        ),
        Err(why) => {
            refused(StatusCode::INTERNAL_SERVER_ERROR, "Not saved", &format!("Cannot save `{file}`: {why}."))
        }
    }
}

/// What a save writes: the file's text with the case's new values written into it, as
/// `accord interview --write` does (else the case afresh), keeping a byte order mark.
fn saved_text(bytes: &[u8], text: &str, json: &Json) -> Vec<u8> {
    const BOM: &str = "\u{feff}";
    let body = text.trim_start_matches(BOM);
    let old = editing::json_of(body);
    let new_text = crate::json_edit::splice(body, &old, json).unwrap_or_else(|| {
        let mut fresh = serde_json::to_string_pretty(json).unwrap_or_default();
        fresh.push('\n');
        fresh
    });
    let mut contents = if bytes.starts_with(BOM.as_bytes()) { BOM.as_bytes().to_vec() } else { Vec::new() };
    contents.extend_from_slice(new_text.as_bytes());
    contents
}

/// `GET /cases/FILE.json/download`: the case file as it is on disk.
async fn download(State(workspace): State<Workspace>, Path(file): Path<String>) -> Response {
    match read_case(&workspace, &file) {
        Ok((bytes, _)) => attachment("application/json", &file, bytes, None),
        Err(response) => response,
    }
}

/// A file to save rather than show.
fn attachment(kind: &'static str, name: &str, body: Vec<u8>, csp: Option<&'static str>) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    let mut response = (StatusCode::OK, [(header::CONTENT_TYPE, kind)], body).into_response();
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response.headers_mut().insert(header::CONTENT_DISPOSITION, value);
    }
    if let Some(csp) = csp {
        response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    }
    response
}

/// The policy of the downloaded report, which holds its own stylesheet: no script at all.
const REPORT_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

/// `GET /cases/FILE.json/report.html`: the HTML report of the case as saved.
async fn report_page(State(workspace): State<Workspace>, Path(file): Path<String>) -> Response {
    let (_, text) = match read_case(&workspace, &file) {
        Ok(read) => read,
        Err(response) => return response,
    };
    let in_use = workspace.rules().in_use();
    match editing::parse(&in_use.rule_base, &file, &text) {
        Ok((case, as_of)) => {
            let page = report::to_html(&in_use.rule_base.advise_in_words(&case, as_of), &in_use.about);
            let name = format!("{}.html", file.trim_end_matches(".json"));
            attachment("text/html; charset=utf-8", &name, page.into_bytes(), Some(REPORT_CSP))
        }
        Err(diagnostics) => refused(StatusCode::UNPROCESSABLE_ENTITY, "The case has problems", &diagnostics),
    }
}

/// `GET /cases/FILE.json/explain/RULE`: why the rule did or did not fire for the case as
/// saved, and what would make it fire, as `accord explain` says it.
async fn explain(
    State(workspace): State<Workspace>,
    Path((file, rule)): Path<(String, String)>,
    Query(query): Query<ExplainQuery>,
) -> Response {
    let (_, saved) = match read_case(&workspace, &file) {
        Ok(read) => read,
        Err(response) => return response,
    };
    // The case as the page's form had it when the advice was given, which may not be
    // saved yet; else (the server has forgotten it, or was restarted) the file.
    let text = query.case.and_then(|key| workspace.recall(&key)).map_or(saved, |case| case.to_string());
    let in_use = workspace.rules().in_use();
    if !in_use.rule_base.rules().iter().any(|known| known.id == rule) {
        return refused(StatusCode::NOT_FOUND, "Not found", &format!("There is no rule `{rule}`."));
    }
    match editing::parse(&in_use.rule_base, &file, &text) {
        Ok((case, as_of)) => {
            let explanations = in_use.rule_base.explain(&case, as_of, std::slice::from_ref(&rule));
            let text = report::explanation_text(case.label(), as_of, &explanations);
            let in_words: Vec<Vec<String>> = explanations
                .iter()
                .map(|explanation| {
                    editing::explanation_in_words(&in_use.rule_base, &case, as_of, explanation)
                })
                .collect();
            let problems = workspace.rules().problems();
            html(StatusCode::OK, pages::explanation(&file, &rule, &in_words, &text, problems.as_deref()))
        }
        Err(diagnostics) => refused(StatusCode::UNPROCESSABLE_ENTITY, "The case has problems", &diagnostics),
    }
}

/// `GET /rules/version`: the version of the rule base in use, and the problems of the
/// files on disk if they do not check.
async fn rules_version(State(workspace): State<Workspace>) -> JsonBody<Json> {
    let diagnostics: Vec<String> = workspace.rules().problems().into_iter().collect();
    JsonBody(json!({ "version": workspace.rules().version(), "diagnostics": diagnostics }))
}
