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
