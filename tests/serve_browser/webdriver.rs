//! A small client of the W3C WebDriver protocol, for driving Debian's headless Chromium
//! through ChromeDriver: start a session, open a page, find elements, type, click, run a
//! script, take a screenshot. HTTP/1.1 over a `TcpStream`, one request a connection, JSON
//! with `serde_json`: the few commands the tests need, with a time limit on each. It must not
//! know the pages it drives: the tests do.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value as Json, json};

use crate::common::CHROMIUM_FLAGS as FLAGS;

/// The key under which WebDriver names an element in its answers.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// How long a command may take before the test fails.
const COMMAND_LIMIT: Duration = Duration::from_secs(30);

/// A ChromeDriver process and one browser session in it; both end when it is dropped.
pub struct Driver {
    chromedriver: Child,
    port: u16,
    session: String,
}

/// An element of the page, as WebDriver names it.
#[derive(Clone, Debug)]
pub struct Element(String);

impl Driver {
    /// Starts ChromeDriver on a free port and a headless Chromium session whose profile is
    /// in `profile` (a fresh folder), its window `width` by `height`.
    pub fn start(profile: &Path, width: u32, height: u32) -> Result<Driver, String> {
        let port = free_port()?;
        let chromedriver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start chromedriver: {e}"))?;
        let mut driver = Driver { chromedriver, port, session: String::new() };
        driver.wait_until_ready()?;
        let mut args: Vec<String> = FLAGS.iter().map(|flag| (*flag).to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        args.push(format!("--window-size={width},{height}"));
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": args},
        }}});
        let answer = driver.send("POST", "/session", Some(&capabilities))?;
        driver.session =
            answer["sessionId"].as_str().ok_or("no session id in WebDriver's answer")?.to_string();
        Ok(driver)
    }

    fn wait_until_ready(&self) -> Result<(), String> {
        let started = Instant::now();
        while started.elapsed() < COMMAND_LIMIT {
            if let Ok(status) = self.send("GET", "/status", None)
                && status["ready"] == json!(true)
            {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err("chromedriver did not become ready".to_string())
    }

    /// Opens `url`.
    pub fn goto(&self, url: &str) -> Result<(), String> {
        self.command("POST", "url", Some(&json!({"url": url}))).map(drop)
    }

    /// The first element `css` selects, waiting for it up to the command limit.
    pub fn find(&self, css: &str) -> Result<Element, String> {
        let started = Instant::now();
        loop {
            let found = self.find_all(css)?;
            if let Some(element) = found.into_iter().next() {
                return Ok(element);
            }
            if started.elapsed() > COMMAND_LIMIT {
                return Err(format!("no element `{css}` in the page"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Every element `css` selects now.
    pub fn find_all(&self, css: &str) -> Result<Vec<Element>, String> {
        let answer =
            self.command("POST", "elements", Some(&json!({"using": "css selector", "value": css})))?;
        let elements = answer.as_array().ok_or("WebDriver's answer is not a list")?;
        Ok(elements.iter().filter_map(|e| e[ELEMENT].as_str()).map(|id| Element(id.to_string())).collect())
    }

    /// The element's text as rendered.
    pub fn text(&self, element: &Element) -> Result<String, String> {
        let answer = self.command("GET", &format!("element/{}/text", element.0), None)?;
        Ok(answer.as_str().unwrap_or_default().to_string())
    }

    /// Clicks the element.
    pub fn click(&self, element: &Element) -> Result<(), String> {
        self.command("POST", &format!("element/{}/click", element.0), Some(&json!({}))).map(drop)
    }

    /// Types `keys` into the element.
    pub fn type_into(&self, element: &Element, keys: &str) -> Result<(), String> {
        self.command("POST", &format!("element/{}/value", element.0), Some(&json!({"text": keys}))).map(drop)
    }

    /// Runs `script` in the page with `args` (elements as WebDriver names them), and gives
    /// what it returns.
    pub fn execute(&self, script: &str, args: &[Json]) -> Result<Json, String> {
        self.command("POST", "execute/sync", Some(&json!({"script": script, "args": args})))
    }

    /// An element as a script's argument.
    pub fn arg(element: &Element) -> Json {
        json!({ELEMENT: element.0})
    }

    /// Waits until `condition` holds, checking every 50 ms, up to the command limit.
    pub fn wait_for(
        &self,
        what: &str,
        mut condition: impl FnMut(&Driver) -> Result<bool, String>,
    ) -> Result<(), String> {
        let started = Instant::now();
        while started.elapsed() < COMMAND_LIMIT {
            if condition(self)? {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(format!("waited {} s for {what}", COMMAND_LIMIT.as_secs()))
    }

    /// Sets the window's size.
    pub fn resize(&self, width: u32, height: u32) -> Result<(), String> {
        self.command("POST", "window/rect", Some(&json!({"width": width, "height": height}))).map(drop)
    }

    /// A PNG of the window.
    pub fn screenshot(&self) -> Result<Vec<u8>, String> {
        let answer = self.command("GET", "screenshot", None)?;
        base64_decode(answer.as_str().ok_or("no screenshot in WebDriver's answer")?)
    }

    fn command(&self, method: &str, path: &str, body: Option<&Json>) -> Result<Json, String> {
        let answer = self.send(method, &format!("/session/{}/{path}", self.session), body)?;
        Ok(answer)
    }

    /// One request to ChromeDriver; its `value`, or its error's message.
    fn send(&self, method: &str, path: &str, body: Option<&Json>) -> Result<Json, String> {
        let body = body.map(Json::to_string).unwrap_or_default();
        let mut stream =
            TcpStream::connect(("127.0.0.1", self.port)).map_err(|e| format!("chromedriver: {e}"))?;
        stream.set_read_timeout(Some(COMMAND_LIMIT)).map_err(|e| e.to_string())?;
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        );
        stream.write_all(request.as_bytes()).map_err(|e| format!("chromedriver: {e}"))?;
        let body = read_answer(&mut stream)?;
        let answer: Json =
            serde_json::from_str(&body).map_err(|e| format!("chromedriver's answer is not JSON: {e}"))?;
        let value = answer.get("value").cloned().unwrap_or(Json::Null);
        if let Some(error) = value.get("error").and_then(Json::as_str) {
            let message = value["message"].as_str().unwrap_or_default();
            return Err(format!("WebDriver {method} {path}: {error}: {message}"));
        }
        Ok(value)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.send("DELETE", &format!("/session/{}", self.session), None);
        }
        let _ = self.chromedriver.kill();
        let _ = self.chromedriver.wait();
    }
}

/// The body of one HTTP answer: ChromeDriver keeps the connection open after it, so the
/// body is read to its `Content-Length` (or to its last chunk), not to the end.
fn read_answer(stream: &mut TcpStream) -> Result<String, String> {
    let mut response = Vec::new();
    let mut buffer = [0u8; 8192];
    let head_end = loop {
        if let Some(at) = response.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = stream.read(&mut buffer).map_err(|e| format!("chromedriver: {e}"))?;
        if n == 0 {
            return Err("chromedriver closed the connection before its answer".to_string());
        }
        response.extend_from_slice(&buffer[..n]);
    };
    let head = String::from_utf8_lossy(&response[..head_end]).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|n| n.trim().parse::<usize>().ok());
    let chunked = head.contains("transfer-encoding: chunked") || head.contains("transfer-encoding:chunked");
    loop {
        let body = &response[head_end..];
        let complete = match length {
            Some(length) => body.len() >= length,
            None if chunked => body.windows(5).any(|w| w == b"0\r\n\r\n"),
            None => false,
        };
        if complete {
            break;
        }
        let n = stream.read(&mut buffer).map_err(|e| format!("chromedriver: {e}"))?;
        if n == 0 {
            break;
        }
        response.extend_from_slice(&buffer[..n]);
    }
    let body = String::from_utf8_lossy(&response[head_end..]).into_owned();
    Ok(if chunked { unchunk(&body) } else { body })
}

/// A port no one listens on now.
pub fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

/// The body of a chunked HTTP answer.
fn unchunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else { break };
        if size == 0 || rest.len() < size {
            break;
        }
        out.push_str(&rest[..size]);
        body = rest[size..].trim_start_matches("\r\n");
    }
    out
}

/// Standard base64, as WebDriver sends screenshots.
fn base64_decode(text: &str) -> Result<Vec<u8>, String> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut bits, mut count) = (0u32, 0);
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=') {
        bits = (bits << 6) | u32::from(value(c).ok_or("the screenshot is not base64")?);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push(u8::try_from((bits >> count) & 0xff).unwrap_or(0));
        }
    }
    Ok(out)
}

#[test]
fn base64_decodes_as_the_standard_says() {
    assert_eq!(base64_decode("aGVsbG8=").as_deref(), Ok(&b"hello"[..]));
    assert_eq!(base64_decode("").as_deref(), Ok(&b""[..]));
    assert_eq!(base64_decode("AAEC/w==").as_deref(), Ok(&[0u8, 1, 2, 255][..]));
}
