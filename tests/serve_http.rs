//! `accord serve`'s HTTP side, in process: every route driven with `oneshot` over a
//! scratch copy of a few fixtures; the refusals (other hosts, other origins, no token,
//! names out of the folder, oversize bodies); the headers of every response; concurrent
//! saves; the rule base reloaded when its files change; and the binary serving and
//! stopping on Ctrl-C.
#![allow(clippy::panic, reason = "a test fails by panicking")]

use std::path::{Path, PathBuf};

use accord::serve::{RuleSet, Workspace, app};
use accord::{Answer, RuleFiles};
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

mod common;

use common::{Scratch, manifest_dir, scratch};

const HOST: &str = "127.0.0.1:7878";
const WYVERTON: &str = "02-wyverton-merger-in-stall-window.json";
const SHIRE: &str = "01-shire-integrated-care.json";

/// A server's state over a scratch folder holding two fixtures and a broken file, with
/// the shipped rules (not watched), its bodies limited to `max_body` bytes.
struct Served {
    dir: Scratch,
    workspace: Workspace,
    app: Router,
}

fn served(test: &str) -> Served {
    served_with(test, 1024 * 1024, None)
}

/// As [`served`]; with `rules`, the rule base is read from that folder and watched.
fn served_with(test: &str, max_body: usize, rules: Option<&Path>) -> Served {
    let dir = scratch("serve_http", test);
    let cases = dir.join("cases");
    std::fs::create_dir(&cases).expect("a folder of cases");
    for name in [WYVERTON, SHIRE] {
        std::fs::copy(manifest_dir().join("fixtures").join(name), cases.join(name))
            .expect("a fixture copied");
    }
    std::fs::write(cases.join("broken.json"), "{\"name\": ").expect("a broken case");
    let folder = rules.map_or_else(|| manifest_dir().join("rules"), Path::to_path_buf);
    let files = RuleFiles::from_paths(std::slice::from_ref(&folder)).expect("the rules read");
    let rule_base = files.compile().rule_base.expect("the rules check");
    let about = accord::report::About::new(rule_base.rules().len(), &files.content_hash());
    let watched = rules.map(|_| vec![folder]).unwrap_or_default();
    let rules = RuleSet::new(rule_base, about, watched);
    let workspace =
        Workspace::new(&cases, rules, HOST.parse().expect("an address"), max_body).expect("a workspace");
    let app = app(workspace.clone());
    Served { dir, workspace, app }
}

impl Served {
    fn cases(&self) -> PathBuf {
        self.dir.join("cases")
    }

    async fn send(&self, request: Request<Body>) -> Answered {
        let response = self.app.clone().oneshot(request).await.expect("the router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("the body").to_bytes();
        Answered { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    async fn get(&self, uri: &str) -> Answered {
        self.send(get(uri)).await
    }

    async fn post(&self, uri: &str, fields: &[(&str, &str)]) -> Answered {
        self.send(post(uri, fields)).await
    }

    fn token(&self) -> String {
        self.workspace.token().to_string()
    }
}

/// A response, read whole.
struct Answered {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Answered {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).header(header::HOST, HOST).body(Body::empty()).expect("a request")
}

fn post(uri: &str, fields: &[(&str, &str)]) -> Request<Body> {
    post_body(uri, form_encoded(fields))
}

fn post_body(uri: &str, body: String) -> Request<Body> {
    Request::post(uri)
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("a request")
}

fn form_encoded(fields: &[(&str, &str)]) -> String {
    let encode = |text: &str| {
        text.bytes()
            .map(|b| if b.is_ascii_alphanumeric() { char::from(b).to_string() } else { format!("%{b:02X}") })
            .collect::<String>()
    };
    fields
        .iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(manifest_dir().join("fixtures").join(name)).expect("a fixture")
}

/// The values of the attribute `attribute` of the tags that have it, in `html`.
fn attribute_values<'a>(html: &'a str, attribute: &str) -> Vec<&'a str> {
    let start = format!("{attribute}=\"");
    html.match_indices(&start).filter_map(|(at, _)| html[at + start.len()..].split('"').next()).collect()
}

#[tokio::test]
async fn the_list_shows_each_case_with_its_counts_and_files_that_are_not_cases() {
    let served = served("list");
    let page = served.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Wyverton and Kestlemoor community health merger"), "{}", page.body);
    assert!(page.body.contains(&format!("href=\"/cases/{WYVERTON}\"")));
    assert!(page.body.contains("data-label=\"Warnings\">"));
    assert!(page.body.contains("Not a case: error[E0301]"), "the broken file is listed with why");
    assert!(page.body.contains("action=\"/cases\""), "a form starts a new case");
    assert!(page.body.contains(&format!("name=\"token\" value=\"{}\"", served.token())));
}

#[tokio::test]
async fn a_case_page_holds_the_form_beside_the_advice() {
    let served = served("case-page");
    let page = served.get(&format!("/cases/{WYVERTON}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(
        body.contains(&format!(
            "<form id=\"case-form\" method=\"post\" action=\"/cases/{WYVERTON}/advice\">"
        ))
    );
    assert!(body.contains("<section id=\"advice\" aria-live=\"polite\""));
    assert!(body.contains("First things to do"));
    assert!(body.contains("Service development may stall until at least May 2014"));
    assert!(body.contains(">Why?</a>"));
    assert!(body.contains(&format!("formaction=\"/cases/{WYVERTON}/save\"")));
    assert!(body.contains(&format!("href=\"/cases/{WYVERTON}/download\"")));
    assert!(body.contains(&format!("href=\"/cases/{WYVERTON}/report.html\"")));
    assert!(body.contains("Questions that could change this advice"));
    assert!(body.contains("Rules that did not fire"));
    // No script or style in the page itself: the policy forbids them.
    assert!(!body.contains("<script>") && !body.contains("<style") && !body.contains(" style="));
    // The advice's own heading does not take the section's id.
    assert_eq!(body.matches("id=\"advice\"").count(), 1);
}

#[tokio::test]
async fn a_case_that_does_not_read_shows_its_diagnostic_in_the_page() {
    let served = served("broken-page");
    let page = served.get("/cases/broken.json").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("The case has problems"));
    assert!(page.body.contains("E0301"), "{}", page.body);
    assert!(page.body.contains("broken.json:1:"), "with its line and column: {}", page.body);
}

#[tokio::test]
async fn posting_the_form_gives_the_whole_page_without_script_and_the_advice_alone_live() {
    let served = served("advice");
    let uri = format!("/cases/{WYVERTON}/advice");
    let page = served.post(&uri, &[("token", &served.token())]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.starts_with("<!DOCTYPE html>"));
    assert!(page.body.contains("<section id=\"advice\" aria-live=\"polite\""));
    assert!(page.body.contains("Advice as of"));

    let mut live = post(&uri, &[("token", &served.token())]);
    live.headers_mut().insert("x-accord-live", "1".parse().expect("a header value"));
    let section = served.send(live).await;
    assert_eq!(section.status, StatusCode::OK);
    assert!(!section.body.contains("<html"), "only the advice section's content");
    assert!(section.body.contains("Advice as of"));
}

#[tokio::test]
async fn a_question_is_answered_in_place() {
    let served = served("answer");
    let text = fixture_text(WYVERTON);
    let (fact, answer) = {
        let rules = RuleFiles::from_paths(&[manifest_dir().join("rules")]).expect("rules").compile();
        let rules = rules.rule_base.expect("the rules check");
        let case = accord::parse_case(WYVERTON, &text, rules.vocabulary()).expect("the fixture reads");
        let report = rules.advise(&case, case.assessed_on.expect("the fixture has a date"));
        let question = report.questions.first().expect("the fixture has questions").clone();
        let answer = match question.answer {
            Answer::YesNo => "yes".to_string(),
            Answer::OneOf(choices) => choices[0].clone(),
            Answer::Date => "2013-01-01".to_string(),
            Answer::Number => "1".to_string(),
            _ => "a reason".to_string(),
        };
        (question.fact.clone(), answer)
    };
    let page = served.get(&format!("/cases/{WYVERTON}")).await;
    assert!(attribute_values(&page.body, "value").contains(&fact.as_str()), "the page asks about {fact}");

    let json = serde_json::from_str::<serde_json::Value>(&text).expect("JSON").to_string();
    let fields =
        [("case_json", json.as_str()), ("answer_fact", fact.as_str()), ("answer_value", answer.as_str())];
    let answered = served.post(&format!("/cases/{WYVERTON}/advice"), &fields).await;
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.body);
    let asked: Vec<&str> = attribute_values(&answered.body, "value");
    assert!(!asked.contains(&fact.as_str()), "{fact} is no longer asked");
    // The file itself is unchanged until saved.
    assert_eq!(std::fs::read_to_string(served.cases().join(WYVERTON)).expect("the case"), text);
}

#[tokio::test]
async fn bad_json_and_unknown_fields_get_their_diagnostics_never_a_500() {
    let served = served("bad-json");
    let uri = format!("/cases/{WYVERTON}/advice");
    let bad = served.post(&uri, &[("case_json", "{\"name\": ")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("not JSON"), "{}", bad.body);

    let unknown = served.post(&uri, &[("case_json", "{\"nmae\": \"Shire\"}")]).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.body.contains("nmae"), "{}", unknown.body);
    assert!(unknown.body.contains("The case has problems"));

    let wrong_type = served.post(&uri, &[("case_json", "{\"change\": {\"date\": \"2013-02-30\"}}")]).await;
    assert_eq!(wrong_type.status, StatusCode::UNPROCESSABLE_ENTITY);

    let deep = format!("{}{}", "[".repeat(500), "]".repeat(500));
    let too_deep = served.post(&uri, &[("case_json", &deep)]).await;
    assert_eq!(too_deep.status, StatusCode::UNPROCESSABLE_ENTITY);
    let deep_in_case = format!("{{\"name\": {}1{}}}", "[".repeat(120), "]".repeat(120));
    let too_deep = served.post(&uri, &[("case_json", &deep_in_case)]).await;
    assert_eq!(too_deep.status, StatusCode::UNPROCESSABLE_ENTITY);

    let not_a_form = served.send(post_body(&uri, "%%%".into())).await;
    assert!(not_a_form.status.is_client_error() || not_a_form.status.is_success(), "{}", not_a_form.status);
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused_413() {
    let served = served_with("oversize", 64 * 1024, None);
    let big = "x".repeat(100 * 1024);
    let uri = format!("/cases/{WYVERTON}/advice");
    let answered = served.post(&uri, &[("case_json", &big)]).await;
    assert_eq!(answered.status, StatusCode::PAYLOAD_TOO_LARGE);
    let save = served
        .post(&format!("/cases/{WYVERTON}/save"), &[("token", &served.token()), ("case_json", &big)])
        .await;
    assert_eq!(save.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        std::fs::read_to_string(served.cases().join(WYVERTON)).expect("the case"),
        fixture_text(WYVERTON)
    );
}

#[tokio::test]
async fn names_out_of_the_folder_are_refused() {
    let served = served("names");
    let outside = served.dir.join("secret.json");
    std::fs::write(&outside, "{\"name\": \"secret\"}").expect("a file outside");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, served.cases().join("out.json")).expect("a symlink");
    for name in [
        "..%2Fsecret.json",
        "%2E%2E%2Fsecret.json",
        "%2Ftmp%2Fx.json",
        "..json",
        "a%5Cb.json",
        "notes.txt",
        ".json",
    ] {
        let page = served.get(&format!("/cases/{name}")).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{name}");
        assert!(!page.body.contains("secret\""), "{name}");
    }
    #[cfg(unix)]
    {
        let page = served.get("/cases/out.json").await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "a symlink out of the folder");
        let download = served.get("/cases/out.json/download").await;
        assert_eq!(download.status, StatusCode::FORBIDDEN);
        let fields = [("token", served.token()), ("case_json", "{\"name\": \"changed\"}".to_string())];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let save = served.post("/cases/out.json/save", &fields).await;
        assert_eq!(save.status, StatusCode::FORBIDDEN);
        assert_eq!(std::fs::read_to_string(&outside).expect("the outside file"), "{\"name\": \"secret\"}");
        let listed = served.get("/").await;
        assert!(!listed.body.contains("secret"), "the list does not read through the link");
    }
    let token = served.token();
    for name in ["../escape", "/tmp/escape.json", "a/b.json"] {
        let made = served.post("/cases", &[("token", &token), ("name", name)]).await;
        assert_eq!(made.status, StatusCode::FORBIDDEN, "{name}");
    }
    assert!(!served.dir.join("escape.json").exists());
}

#[tokio::test]
async fn other_hosts_are_refused_and_the_servers_own_names_accepted() {
    let served = served("hosts");
    for host in ["127.0.0.1:7878", "localhost:7878", "LOCALHOST:7878", "[::1]:7878"] {
        let request = Request::get("/").header(header::HOST, host).body(Body::empty()).expect("a request");
        assert_eq!(served.send(request).await.status, StatusCode::OK, "{host}");
    }
    for host in ["evil.example:7878", "evil.example", "127.0.0.1:8080", "127.0.0.1"] {
        let request = Request::get("/").header(header::HOST, host).body(Body::empty()).expect("a request");
        assert_eq!(served.send(request).await.status, StatusCode::MISDIRECTED_REQUEST, "{host}");
    }
    let no_host = Request::get("/").body(Body::empty()).expect("a request");
    assert_eq!(served.send(no_host).await.status, StatusCode::MISDIRECTED_REQUEST);
}

#[tokio::test]
async fn bound_to_every_address_any_ip_address_is_its_own_but_no_name() {
    let dir = scratch("serve_http", "any-address");
    let files = RuleFiles::embedded();
    let rule_base = files.compile().rule_base.expect("the built-in rules check");
    let about = accord::report::About::new(rule_base.rules().len(), &files.content_hash());
    let rules = RuleSet::new(rule_base, about, Vec::new());
    let workspace = Workspace::new(&dir, rules, "0.0.0.0:7878".parse().expect("an address"), 1 << 20)
        .expect("a workspace");
    let app = app(workspace);
    for (host, status) in [
        ("192.168.1.20:7878", StatusCode::OK),
        ("[fe80::1]:7878", StatusCode::OK),
        ("localhost:7878", StatusCode::OK),
        ("192.168.1.20:7879", StatusCode::MISDIRECTED_REQUEST),
        ("evil.example:7878", StatusCode::MISDIRECTED_REQUEST),
    ] {
        let request = Request::get("/").header(header::HOST, host).body(Body::empty()).expect("a request");
        assert_eq!(app.clone().oneshot(request).await.expect("an answer").status(), status, "{host}");
    }
}

#[tokio::test]
async fn posts_from_other_origins_are_refused() {
    let served = served("origins");
    let token = served.token();
    for origin in ["http://evil.example", "http://127.0.0.1:8080", "null", "https://127.0.0.1:7878"] {
        let mut request = post("/cases", &[("token", &token), ("name", "made")]);
        request.headers_mut().insert(header::ORIGIN, origin.parse().expect("a header value"));
        assert_eq!(served.send(request).await.status, StatusCode::FORBIDDEN, "{origin}");
    }
    assert!(!served.cases().join("made.json").exists());
    let mut own = post("/cases", &[("token", &token), ("name", "made")]);
    own.headers_mut().insert(header::ORIGIN, "http://127.0.0.1:7878".parse().expect("a header value"));
    assert_eq!(served.send(own).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn changes_without_the_token_are_refused() {
    let served = served("token");
    let json = "{\"name\": \"changed\"}";
    let save = format!("/cases/{WYVERTON}/save");
    let without = served.post(&save, &[("case_json", json)]).await;
    assert_eq!(without.status, StatusCode::FORBIDDEN);
    let wrong =
        served.post(&save, &[("token", "0123456789abcdef0123456789abcdef"), ("case_json", json)]).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let short = served.post(&save, &[("token", &served.token()[..8]), ("case_json", json)]).await;
    assert_eq!(short.status, StatusCode::FORBIDDEN);
    assert_eq!(
        std::fs::read_to_string(served.cases().join(WYVERTON)).expect("the case"),
        fixture_text(WYVERTON)
    );
    let made = served.post("/cases", &[("name", "new")]).await;
    assert_eq!(made.status, StatusCode::FORBIDDEN);
    assert!(!served.cases().join("new.json").exists());
    // The token is never in a URL the pages link to.
    let page = served.get(&format!("/cases/{WYVERTON}")).await;
    for href in attribute_values(&page.body, "href").into_iter().chain(attribute_values(&page.body, "action"))
    {
        assert!(!href.contains(&served.token()), "{href}");
    }
}

#[tokio::test]
async fn saving_keeps_the_files_layout_and_a_backup() {
    let served = served("save");
    let text = fixture_text(WYVERTON);
    let mut json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    json["name"] = "Wyverton renamed".into();
    let case_json = json.to_string();
    let saved = served
        .post(&format!("/cases/{WYVERTON}/save"), &[("token", &served.token()), ("case_json", &case_json)])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.header("location"), format!("/cases/{WYVERTON}?saved=1"));
    let on_disk = std::fs::read_to_string(served.cases().join(WYVERTON)).expect("the case");
    assert_eq!(on_disk, text.replace("Wyverton and Kestlemoor community health merger", "Wyverton renamed"));
    let backup = std::fs::read_to_string(served.cases().join(format!("{WYVERTON}.bak"))).expect("the backup");
    assert_eq!(backup, text);
    let page = served.get(&format!("/cases/{WYVERTON}?saved=1")).await;
    assert!(page.body.contains("Saved."));

    // A case that does not check is not saved.
    let refused = served
        .post(
            &format!("/cases/{WYVERTON}/save"),
            &[("token", &served.token()), ("case_json", "{\"nmae\": 1}")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Not saved"));
    assert_eq!(std::fs::read_to_string(served.cases().join(WYVERTON)).expect("the case"), on_disk);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_saves_leave_the_file_whole() {
    let served = std::sync::Arc::new(served("concurrent"));
    let path = served.cases().join(WYVERTON);
    let text = fixture_text(WYVERTON);
    let base: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let reading = {
        let path = path.clone();
        std::thread::spawn(move || {
            for _ in 0..400 {
                let now = std::fs::read_to_string(&path).expect("the file is there");
                serde_json::from_str::<serde_json::Value>(&now).expect("the file is whole JSON");
            }
        })
    };
    let mut tasks = Vec::new();
    for n in 0..24 {
        let served = std::sync::Arc::clone(&served);
        let mut json = base.clone();
        json["name"] = format!("name {n}").into();
        tasks.push(tokio::spawn(async move {
            let fields = [("token", served.token()), ("case_json", json.to_string())];
            let fields: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
            served.post(&format!("/cases/{WYVERTON}/save"), &fields).await.status
        }));
    }
    for task in tasks {
        assert_eq!(task.await.expect("the task"), StatusCode::SEE_OTHER);
    }
    reading.join().expect("the reader");
    let last: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("the file")).expect("JSON");
    assert!(last["name"].as_str().is_some_and(|name| name.starts_with("name ")));
    let backup = std::fs::read_to_string(served.cases().join(format!("{WYVERTON}.bak"))).expect("the backup");
    serde_json::from_str::<serde_json::Value>(&backup).expect("the backup is whole JSON");
}

#[tokio::test]
async fn a_new_case_is_made_empty_and_an_existing_name_refused() {
    let served = served("new");
    let made = served.post("/cases", &[("token", &served.token()), ("name", "Harbour trust")]).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER);
    assert_eq!(made.header("location"), "/cases/Harbour%20trust.json");
    assert_eq!(std::fs::read_to_string(served.cases().join("Harbour trust.json")).expect("made"), "{}\n");
    let page = served.get("/cases/Harbour%20trust.json").await;
    assert_eq!(page.status, StatusCode::OK);
    let again = served.post("/cases", &[("token", &served.token()), ("name", "Harbour trust.json")]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let existing = served.post("/cases", &[("token", &served.token()), ("name", WYVERTON)]).await;
    assert_eq!(existing.status, StatusCode::CONFLICT);
    assert_eq!(
        std::fs::read_to_string(served.cases().join(WYVERTON)).expect("the case"),
        fixture_text(WYVERTON)
    );
}

#[tokio::test]
async fn the_case_and_its_report_download() {
    let served = served("downloads");
    let case = served.get(&format!("/cases/{WYVERTON}/download")).await;
    assert_eq!(case.status, StatusCode::OK);
    assert_eq!(case.body, fixture_text(WYVERTON));
    assert_eq!(case.header("content-disposition"), format!("attachment; filename=\"{WYVERTON}\""));
    let report = served.get(&format!("/cases/{WYVERTON}/report.html")).await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(report.body.starts_with("<!DOCTYPE html>") && report.body.contains("<style>"));
    assert!(report.header("content-disposition").starts_with("attachment;"));
    assert!(report.header("content-security-policy").contains("style-src 'unsafe-inline'"));
    assert!(!report.header("content-security-policy").contains("script-src"));
    let broken = served.get("/cases/broken.json/report.html").await;
    assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY);
    let missing = served.get("/cases/missing.json/download").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn why_a_rule_fired_or_what_would_make_it_fire() {
    let served = served("explain");
    let page = served.get(&format!("/cases/{WYVERTON}")).await;
    let whys: Vec<&str> =
        attribute_values(&page.body, "href").into_iter().filter(|h| h.contains("/explain/")).collect();
    assert!(whys.len() > 5);
    let fired = served.get(whys[0]).await;
    assert_eq!(fired.status, StatusCode::OK);
    assert!(
        fired.body.contains("<pre class=\"explanation\">") && fired.body.contains(": fired"),
        "{}",
        fired.body
    );
    // In words first: why it applies, with its reasons as the advice gives them.
    assert!(fired.body.contains("Its advice applies because:"), "{}", fired.body);
    assert!(fired.body.contains("<li>the change is a merger</li>"), "{}", fired.body);
    let silent = served.get(whys.last().expect("a link")).await;
    assert_eq!(silent.status, StatusCode::OK);
    assert!(!silent.body.contains(": fired\n"), "{}", silent.body);
    assert!(
        silent.body.contains("Its advice does not apply to this case.")
            || silent.body.contains("The case does not say enough to decide it.")
            || silent.body.contains("takes its place"),
        "{}",
        silent.body
    );
    let unknown = served.get(&format!("/cases/{WYVERTON}/explain/no_such_rule")).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn every_response_has_the_safety_headers() {
    let served = served("headers");
    let token = served.token();
    let requests = vec![
        get("/"),
        get(&format!("/cases/{WYVERTON}")),
        get(&format!("/cases/{WYVERTON}/download")),
        get(&format!("/cases/{WYVERTON}/report.html")),
        get(&format!("/cases/{WYVERTON}/explain/no_such_rule")),
        get("/cases/..%2Fx.json"),
        get("/rules/version"),
        get("/assets/live.js"),
        get("/assets/serve.css"),
        get("/assets/report.css"),
        get("/assets/nothing.js"),
        get("/no/such/page"),
        post(&format!("/cases/{WYVERTON}/advice"), &[("token", &token)]),
        post(&format!("/cases/{WYVERTON}/save"), &[]),
        post("/cases", &[("token", &token), ("name", "headers")]),
        Request::get("/").header(header::HOST, "evil.example").body(Body::empty()).expect("a request"),
    ];
    for request in requests {
        let uri = request.uri().to_string();
        let answered = served.send(request).await;
        assert_eq!(answered.header("x-content-type-options"), "nosniff", "{uri}");
        assert_eq!(answered.header("referrer-policy"), "same-origin", "{uri}");
        let csp = answered.header("content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("base-uri 'none'"), "{uri}: {csp}");
        if !uri.ends_with("report.html") {
            assert!(
                csp.starts_with("default-src 'self'; script-src 'self'; style-src 'self';"),
                "{uri}: {csp}"
            );
        }
        assert!(answered.status != StatusCode::INTERNAL_SERVER_ERROR, "{uri}");
    }
}

#[tokio::test]
async fn the_assets_are_served_from_the_binary() {
    let served = served("assets");
    let script = served.get("/assets/live.js").await;
    assert_eq!(script.status, StatusCode::OK);
    assert!(script.header("content-type").starts_with("text/javascript"));
    assert!(script.body.contains("X-Accord-Live"));
    let style = served.get("/assets/serve.css").await;
    assert!(style.header("content-type").starts_with("text/css"));
    assert_eq!(served.get("/assets/..%2FCargo.toml").await.status, StatusCode::NOT_FOUND);
    assert_eq!(served.get("/favicon.ico").await.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn the_rule_base_reloads_when_its_files_change_and_keeps_the_last_good_one() {
    let rules = scratch("serve_http", "rules");
    copy_folder(&manifest_dir().join("rules"), &rules);
    let served = served_with("reload", 1024 * 1024, Some(&rules));
    let version =
        |body: &str| serde_json::from_str::<serde_json::Value>(body).expect("JSON")["version"].as_u64();
    assert_eq!(version(&served.get("/rules/version").await.body), Some(1));
    assert!(!served.workspace.rules().reload_if_changed(), "nothing changed yet");

    let file = rules.join("4-mergers.accord");
    let good = std::fs::read_to_string(&file).expect("a rule file");
    std::fs::write(&file, format!("{good}\n# A comment added.\n")).expect("an edit");
    assert!(served.workspace.rules().reload_if_changed());
    let now = served.get("/rules/version").await;
    assert_eq!(version(&now.body), Some(2));
    assert!(now.body.contains("\"diagnostics\":[]"));

    std::fs::write(&file, format!("{good}\nrule broken_rule {{ this does not parse\n")).expect("a bad edit");
    assert!(served.workspace.rules().reload_if_changed());
    let broken = served.get("/rules/version").await;
    assert_eq!(version(&broken.body), Some(2), "the last good rule base stays in use");
    assert!(broken.body.contains("4-mergers.accord"), "{}", broken.body);
    let page = served.get(&format!("/cases/{WYVERTON}")).await;
    assert!(page.body.contains("class=\"rule-problems\" role=\"alert\"><p>"), "shown, not hidden");
    assert!(page.body.contains("4-mergers.accord"));
    assert!(page.body.contains("Service development may stall"), "advised with the last good rules");

    std::fs::write(&file, &good).expect("fixed");
    assert!(served.workspace.rules().reload_if_changed());
    let fixed = served.get("/rules/version").await;
    assert_eq!(version(&fixed.body), Some(3));
    assert!(fixed.body.contains("\"diagnostics\":[]"));
}

/// Copies the folder `from` (its files and folders) into the folder `to`.
fn copy_folder(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("a folder") {
        let entry = entry.expect("an entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a type").is_dir() {
            std::fs::create_dir(&target).expect("a folder made");
            copy_folder(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("a file copied");
        }
    }
}

#[cfg(unix)]
#[test]
fn the_binary_serves_until_interrupted() {
    use std::io::{BufRead as _, BufReader, Read as _, Write as _};
    let dir = scratch("serve_http", "binary");
    std::fs::copy(manifest_dir().join("fixtures").join(WYVERTON), dir.join(WYVERTON)).expect("a fixture");
    let rules = manifest_dir().join("rules");
    let mut child = common::accord_command(&dir)
        .args(["serve", "--port", "0", "--rules"])
        .arg(&rules)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("its output")).read_line(&mut line).expect("a line");
    let result = std::panic::catch_unwind(|| {
        assert!(line.starts_with("accord is serving http://127.0.0.1:"), "{line}");
        assert!(line.ends_with("; press Ctrl-C to stop\n"), "{line}");
        let address =
            line.split("http://").nth(1).and_then(|rest| rest.split('/').next()).expect("an address");
        let mut stream = std::net::TcpStream::connect(address).expect("the server listens");
        write!(stream, "GET / HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").expect("a request");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).expect("an answer");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.contains("Wyverton"));
    });
    // Ctrl-C: the server stops cleanly.
    let interrupted = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    let status = child.wait().expect("the server stops");
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
    assert!(interrupted.is_ok_and(|s| s.success()));
    assert!(status.success(), "{status:?}");
}

/// A case's fields as the page's form names them: each value under its path
/// (`change.kind`, `partners[0].name`).
fn fields_of(case: &serde_json::Value, path: &str, out: &mut Vec<(String, String)>) {
    match case {
        serde_json::Value::Object(fields) => {
            for (key, value) in fields {
                let path = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                fields_of(value, &path, out);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                fields_of(item, &format!("{path}[{i}]"), out);
            }
        }
        serde_json::Value::Null => {}
        serde_json::Value::String(text) => out.push((path.to_string(), text.clone())),
        other => out.push((path.to_string(), other.to_string())),
    }
}

/// The form's fields are read into the case the advice is given for: a later merger date
/// moves the stall the advice forecasts.
#[tokio::test]
async fn the_advice_follows_the_forms_fields() {
    let served = served("form_fields");
    let case: serde_json::Value = serde_json::from_str(&fixture_text(WYVERTON)).expect("JSON");
    let mut fields = Vec::new();
    fields_of(&case, "", &mut fields);
    let live = |fields: &[(String, String)]| {
        let borrowed: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let mut request = post(&format!("/cases/{WYVERTON}/advice"), &borrowed);
        request.headers_mut().insert("x-accord-live", "1".parse().expect("a header value"));
        request
    };
    let before = served.send(live(&fields)).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.body);
    assert!(before.body.contains("stall until at least May 2014"), "{}", before.body);
    for (name, value) in &mut fields {
        if name == "change.date" {
            *value = "2013-01-15".to_string();
        }
    }
    let after = served.send(live(&fields)).await;
    assert!(after.body.contains("stall until at least July 2014"), "{}", after.body);
}

/// Without script, a list's Add button posts the form and gets it back with an item more.
#[tokio::test]
async fn a_lists_add_button_works_without_script() {
    let served = served("list_add");
    let case: serde_json::Value = serde_json::from_str(&fixture_text(WYVERTON)).expect("JSON");
    let mut fields = Vec::new();
    fields_of(&case, "", &mut fields);
    let partners = case["partners"].as_array().map_or(0, Vec::len);
    fields.push(("add".to_string(), "partners".to_string()));
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let page = served.post(&format!("/cases/{WYVERTON}/advice"), &borrowed).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains(&format!("name=\"partners[{partners}].name\"")), "a new partner's fields");
    let form_assets = [("/assets/form.js", "text/javascript"), ("/assets/form.css", "text/css")];
    for (asset, kind) in form_assets {
        let answered = served.get(asset).await;
        assert_eq!(answered.status, StatusCode::OK, "{asset}");
        assert!(answered.header("content-type").starts_with(kind), "{asset}");
    }
}

/// "Why?" explains the case the advice was given for, edits not yet saved included.
#[tokio::test]
async fn why_explains_the_case_as_the_form_has_it() {
    let served = served("explain_unsaved");
    let case: serde_json::Value = serde_json::from_str(&fixture_text(WYVERTON)).expect("JSON");
    let mut fields = Vec::new();
    fields_of(&case, "", &mut fields);
    for (name, value) in &mut fields {
        if name == "change.date" {
            *value = "2013-01-15".to_string();
        }
    }
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let page = served.post(&format!("/cases/{WYVERTON}/advice"), &borrowed).await;
    let why = attribute_values(&page.body, "href")
        .into_iter()
        .find(|href| href.contains("/explain/merger_stalls_development?"))
        .expect("a Why? link for the stall")
        .replace("&amp;", "&");
    let explained = served.get(&why).await;
    assert_eq!(explained.status, StatusCode::OK, "{}", explained.body);
    assert!(explained.body.contains("2013-01-15"), "{}", explained.body);
    assert!(!explained.body.contains("2012-11-15"), "the saved date is not what is explained");
}

/// The page is headed by the partnership's name, its file under it.
#[tokio::test]
async fn a_case_page_is_headed_by_the_partnerships_name() {
    let served = served("heading");
    let page = served.get(&format!("/cases/{WYVERTON}")).await;
    assert!(page.body.contains("<h1>Wyverton and Kestlemoor community health merger</h1>"), "{}", page.body);
    assert!(page.body.contains(&format!("<p class=\"file\">{WYVERTON}</p>")));
}

/// Without script, a Remove button removes its own item, even when an earlier item was
/// emptied in the same submit (which the reading drops, renumbering the rest).
#[tokio::test]
async fn a_lists_remove_button_removes_its_own_item_without_script() {
    let served = served("list_remove");
    let case: serde_json::Value = serde_json::from_str(&fixture_text(WYVERTON)).expect("JSON");
    let mut fields = Vec::new();
    fields_of(&case, "", &mut fields);
    // The first partner emptied, and the third's Remove pressed.
    fields.retain(|(name, _)| !name.starts_with("partners[0]."));
    fields.push(("remove".to_string(), "partners[2]".to_string()));
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let page = served.post(&format!("/cases/{WYVERTON}/advice"), &borrowed).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(!page.body.contains("value=\"Kestlemoor Borough Council\""), "the third partner is removed");
    for kept in ["Wyverton County Council", "Wyverton Clinical Commissioning Group", "Age UK Wyverton"] {
        assert!(page.body.contains(&format!("value=\"{kept}\"")), "{kept} is kept");
    }
}
