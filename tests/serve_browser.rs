//! The web page of `accord serve` in a real browser: Debian's headless Chromium, driven
//! over WebDriver by ChromeDriver (`chromium-driver`), which `.ci/run` installs when it is
//! missing. When ChromeDriver is missing the tests fail, saying how to install it, unless
//! `ACCORD_SKIP_BROWSER_TESTS=1`.
//!
//! The client of the protocol (`serve_browser/webdriver.rs`) is tested first on a page of
//! its own, so that a failure of the page's test is the page's.

#![allow(clippy::unwrap_used, clippy::panic, reason = "a test fails by panicking, with what went wrong")]

mod common;
#[path = "serve_browser/webdriver.rs"]
mod webdriver;

use common::scratch;
use webdriver::Driver;

/// A driver for a test, its profile in a scratch folder; `None` when ChromeDriver is
/// missing and the browser tests may be skipped.
fn driver(test: &str, width: u32, height: u32) -> Option<(Driver, common::Scratch)> {
    let on_path = |program: &str| {
        std::env::var_os("PATH")
            .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
    };
    if !on_path("chromedriver") || !on_path("chromium") {
        if std::env::var("ACCORD_SKIP_BROWSER_TESTS").is_ok_and(|skip| skip == "1") {
            eprintln!("skipped: chromedriver or chromium not installed, and ACCORD_SKIP_BROWSER_TESTS=1");
            return None;
        }
        panic!(
            "the web page's browser tests need chromium and chromedriver: install them with \
             `apt-get install chromium chromium-driver` (.ci/run does), or set \
             ACCORD_SKIP_BROWSER_TESTS=1 to skip these tests"
        );
    }
    let dir = scratch("serve_browser", test);
    let profile = dir.join("profile");
    std::fs::create_dir_all(&profile).unwrap();
    let driver = Driver::start(&profile, width, height).unwrap_or_else(|e| panic!("{e}"));
    Some((driver, dir))
}

/// The client finds, types, clicks, runs scripts and takes pictures, on a page of its own.
#[test]
fn the_webdriver_client_drives_a_page() {
    let Some((driver, dir)) = driver("client", 800, 600) else { return };
    let page = dir.join("page.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><form><input name=a id=a><button type=button id=b>Go</button></form><p id=out>not yet</p>\
         <script>document.getElementById('b').onclick = () => { document.getElementById('out').textContent = \
         'pressed ' + document.getElementById('a').value; };</script>",
    )
    .unwrap();
    driver.goto(&format!("file://{}", page.display())).unwrap();
    let input = driver.find("#a").unwrap();
    driver.type_into(&input, "Shire").unwrap();
    driver.click(&driver.find("#b").unwrap()).unwrap();
    let out = driver.find("#out").unwrap();
    driver.wait_for("the button's text", |d| Ok(d.text(&out)? == "pressed Shire")).unwrap();
    driver.resize(500, 400).unwrap();
    driver
        .wait_for("the narrower window", |d| {
            Ok(d.execute("return window.innerWidth;", &[])? == serde_json::json!(500))
        })
        .unwrap();
    let value = driver.execute("return arguments[0].value.length;", &[Driver::arg(&input)]).unwrap();
    assert_eq!(value, serde_json::json!(5));
    assert!(driver.find_all("#missing").unwrap().is_empty());
    let png = driver.screenshot().unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
}

const WYVERTON: &str = "02-wyverton-merger-in-stall-window.json";

/// `accord serve` running on a free port over `cases`, stopped (as by Ctrl-C) when
/// dropped.
struct Serving {
    child: std::process::Child,
    url: String,
}

impl Serving {
    fn start(cases: &std::path::Path) -> Serving {
        use std::io::BufRead as _;
        let mut child = common::accord_command(cases)
            .args(["serve", "--port", "0", "--cases", "."])
            .arg("--rules")
            .arg(common::manifest_dir().join("rules"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let url =
            line.split_whitespace().find(|word| word.starts_with("http://")).unwrap_or_default().to_string();
        let serving = Serving { child, url };
        assert!(serving.url.starts_with("http://127.0.0.1:"), "{line}");
        serving
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill").args(["-INT", &self.child.id().to_string()]).status();
        let _ = self.child.wait();
    }
}

/// The walk through the page: open a case, change the merger's date and see the
/// stall advice move (live, without a reload), answer a question in place, save, and read
/// the file back from disk. Pictures of the page at a phone's width and a desktop's are
/// written where `ACCORD_SERVE_SCREENSHOTS` says (`scripts/screenshots` gives `docs/`).
#[test]
fn a_case_is_described_advised_answered_and_saved_in_the_browser() {
    let Some((driver, dir)) = driver("walk", 1280, 1600) else { return };
    let cases = dir.join("cases");
    std::fs::create_dir(&cases).unwrap();
    std::fs::copy(common::manifest_dir().join("fixtures").join(WYVERTON), cases.join(WYVERTON)).unwrap();
    let serving = Serving::start(&cases);
    driver.goto(&format!("{}cases/{WYVERTON}", serving.url)).unwrap();
    let advice_says = |text: &'static str| move |d: &Driver| Ok(d.text(&d.find("#advice")?)?.contains(text));
    driver
        .wait_for("the stall forecast from the case's date", advice_says("stall until at least May 2014"))
        .unwrap();
    if let Some(pictures) = std::env::var_os("ACCORD_SERVE_SCREENSHOTS") {
        take_pictures(&driver, std::path::Path::new(&pictures));
    }

    // A later date, typed into the form: the advice follows without a reload.
    let date = driver.find("input[name='change.date']").unwrap();
    let marker = driver.execute("document.body.dataset.unchanged = 'yes'; return true;", &[]).unwrap();
    assert_eq!(marker, serde_json::json!(true));
    driver
        .execute(
            "arguments[0].value = '2013-01-15'; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
            &[Driver::arg(&date)],
        )
        .unwrap();
    driver
        .wait_for("the stall forecast to follow the new date", advice_says("stall until at least July 2014"))
        .unwrap();
    let same_page = driver.execute("return document.body.dataset.unchanged === 'yes';", &[]).unwrap();
    assert_eq!(
        same_page,
        serde_json::json!(true),
        "the advice changed in place, not by loading the page again"
    );

    // The first question, answered in place.
    let fact_input = driver.find("#advice form.answer input[name='answer_fact']").unwrap();
    let fact = driver.execute("return arguments[0].value;", &[Driver::arg(&fact_input)]).unwrap();
    let fact = fact.as_str().unwrap().to_string();
    let answered = driver
        .execute(
            "const form = document.querySelector('#advice form.answer');\
             const control = form.querySelector('[name=answer_value]');\
             if (control.tagName === 'SELECT') { control.selectedIndex = 0; }\
             else if (control.type === 'date') { control.value = '2013-02-01'; }\
             else { control.value = '3'; }\
             const value = control.value; form.querySelector('button').click(); return value;",
            &[],
        )
        .unwrap();
    driver
        .wait_for("the question to be answered", |d| {
            Ok(d.find_all(&format!("#advice input[name='answer_fact'][value='{fact}']"))?.is_empty()
                && !d.find_all("#case-form")?.is_empty())
        })
        .unwrap();

    // Saved: the file on disk holds the new date and the answer, and keeps the rest.
    let save = driver.find("#case-form button[formaction$='/save']").unwrap();
    driver.click(&save).unwrap();
    driver
        .wait_for("the page to say it saved", |d| {
            Ok(d.find_all(".message")?.iter().any(|m| d.text(m).is_ok_and(|t| t.contains("Saved"))))
        })
        .unwrap();
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(cases.join(WYVERTON)).unwrap()).unwrap();
    let original: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::manifest_dir().join("fixtures").join(WYVERTON)).unwrap(),
    )
    .unwrap();
    assert_eq!(saved["change"]["date"], "2013-01-15");
    assert_eq!(saved["name"], original["name"]);
    assert_eq!(saved["partners"], original["partners"]);
    let pointer = format!("/{}", fact.replace(['.', '['], "/").replace(']', ""));
    let value = saved.pointer(&pointer).unwrap_or_else(|| panic!("the answer to {fact} is saved: {saved}"));
    assert!(!value.is_null(), "{fact} answered with {answered}: {value}");
    assert!(cases.join(format!("{WYVERTON}.bak")).is_file(), "the file as it was is kept");
}

/// Pictures of the page at a desktop's width and a phone's, into `folder`.
fn take_pictures(driver: &Driver, folder: &std::path::Path) {
    for (name, width, height) in [("serve-desktop.png", 1280, 1600), ("serve-phone.png", 390, 2400)] {
        driver.resize(width, height).unwrap();
        driver
            .wait_for("the window's width", |d| {
                Ok(d.execute("return window.innerWidth;", &[])? == serde_json::json!(width))
            })
            .unwrap();
        std::fs::write(folder.join(name), driver.screenshot().unwrap()).unwrap();
    }
    driver.resize(1280, 1600).unwrap();
}
