//! How soon the language server's diagnostics follow an edit: the targets are 50 ms
//! for the shipped rule base and 500 ms for a generated one of 10,000 rules.
//!
//! Starts the real binary as `accord lsp` over standard input and output, initialises, opens
//! one rule file of a folder, then sends edits as an editor does (`textDocument/didChange`
//! with the whole text), alternately misspelling a fact and putting it right, so that the
//! diagnostics change with each, and times each edit from its sending to the arrival of the
//! `publishDiagnostics` for that file that shows it (an error, then none). A few edits warm
//! up; the rest are timed, within a bound on their count and on the time they take. Prints
//! the minimum, median, 90th percentile and maximum (nearest rank).
//!
//! Two folders, written to a temporary folder removed at the end: a copy of the shipped
//! `rules/` (with its `texts/`), and a generated rule base of 10,000 rules (the generator of
//! `benches/rules.rs`), laid out as a real base is: its facts, sources and lessons each in a
//! file, its rules in files of 500.
//!
//! It speaks to the server only through the protocol, as an editor does, and must not call
//! the server's code: what an editor waits for is what is measured.
//!
//! `cargo bench --bench lsp` (`-- shipped` or `-- generated` for one folder). To time
//! another build of accord against the same folders, name its binary in `ACCORD_LSP_BENCH_BIN`.
#![allow(clippy::panic, reason = "a benchmark whose run goes wrong stops by panicking")]

use std::fmt::Write as _;
use std::io::{BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

#[allow(dead_code, reason = "each bench uses part of the generator")]
#[path = "common/generated.rs"]
mod generated;

/// Edits that are not timed, before those that are.
const WARM_UP: usize = 3;
/// Edits timed, at most.
const EDITS: usize = 30;
/// The time the timed edits of one folder may take together; fewer are made past it.
const BUDGET: Duration = Duration::from_secs(90);
/// The longest wait for one answer before the bench gives up.
const PATIENCE: Duration = Duration::from_secs(60);
const GENERATED_RULES: usize = 10_000;
const RULES_PER_FILE: usize = 500;

/// A folder to check, the file of it to open and edit, and the fact to misspell in it.
struct Scenario {
    name: String,
    folder: PathBuf,
    file: &'static str,
    fact: &'static str,
}

fn main() {
    // `cargo bench` passes `--bench`; a filter (any other argument) picks scenarios by name.
    let filters: Vec<String> = std::env::args().skip(1).filter(|arg| !arg.starts_with("--")).collect();
    let scratch = Scratch::new();
    let shipped = scratch.0.join("shipped");
    copy_folder(&Path::new(env!("CARGO_MANIFEST_DIR")).join("rules"), &shipped);
    let generated_folder = scratch.0.join("generated");
    write_generated(&generated_folder);
    let scenarios = [
        Scenario {
            name: "shipped".to_string(),
            folder: shipped,
            file: "4-mergers.accord",
            fact: "change.kind",
        },
        Scenario {
            name: format!("generated/{GENERATED_RULES}"),
            folder: generated_folder,
            file: "rules-010.accord",
            fact: "outcomes.measures",
        },
    ];
    println!("{} lsp", binary().display());
    for scenario in &scenarios {
        if filters.is_empty() || filters.iter().any(|filter| scenario.name.contains(filter.as_str())) {
            run(scenario);
        }
    }
}

/// The binary timed: this build's, or the one `ACCORD_LSP_BENCH_BIN` names.
fn binary() -> PathBuf {
    std::env::var_os("ACCORD_LSP_BENCH_BIN")
        .map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_accord")), PathBuf::from)
}

/// The generated rule base, written out; panics if it does not check without errors.
fn write_generated(folder: &Path) {
    let files = generated::rule_base_as_files(GENERATED_RULES, RULES_PER_FILE);
    let compiled = accord::RuleFiles::from_texts(files.clone()).compile();
    let errors: Vec<_> = compiled.diagnostics.iter().filter(|d| d.is_error()).take(5).collect();
    assert!(errors.is_empty(), "the generated rule base has errors: {errors:#?}");
    std::fs::create_dir_all(folder).expect("a folder for the generated rule base");
    for (name, text) in files {
        std::fs::write(folder.join(name), text).expect("a generated rule file written");
    }
}

/// Times the edits of one scenario and prints what they took.
fn run(scenario: &Scenario) {
    let path = scenario.folder.join(scenario.file);
    let fixed = std::fs::read_to_string(&path).expect("the file to edit");
    assert!(fixed.contains(scenario.fact), "{} does not read {}", scenario.file, scenario.fact);
    let misspelt = fixed.replacen(scenario.fact, &misspell(scenario.fact), 1);
    let uri = uri_of(&path);
    let mut server = Server::start(&scenario.folder);

    let opened = Instant::now();
    server.send(&notification(
        "textDocument/didOpen",
        &json!({"textDocument": {"uri": uri, "languageId": "accord", "version": 1, "text": fixed}}),
    ));
    let first = server.diagnostics_of(&uri, false);
    let open_time = opened.elapsed();

    // The times of the edits that misspell the fact (the checker stops at the error) and
    // of those that put it right (the rule base is then planned and analysed too).
    let (mut misspelling, mut correcting) = (Vec::new(), Vec::new());
    let started = Instant::now();
    for edit in 0..WARM_UP + EDITS {
        if edit >= WARM_UP + 6 && started.elapsed() > BUDGET {
            break;
        }
        let broken = edit % 2 == 0;
        let text = if broken { &misspelt } else { &fixed };
        let version = edit + 2;
        let sent = Instant::now();
        server.send(&notification(
            "textDocument/didChange",
            &json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        ));
        server.diagnostics_of(&uri, broken);
        if edit >= WARM_UP {
            if broken { &mut misspelling } else { &mut correcting }.push(sent.elapsed());
        }
    }
    server.stop();

    println!(
        "lsp/{}: {} rule files; opening one: {} ({first} diagnostics in it)",
        scenario.name,
        count_files(&scenario.folder),
        ms(open_time)
    );
    let all: Vec<Duration> = misspelling.iter().chain(&correcting).copied().collect();
    for (edits, times) in [("every edit", all), ("misspelling", misspelling), ("correcting", correcting)] {
        println!("  {edits:<12} {}", summary(times));
    }
}

/// The count, minimum, median, 90th percentile and maximum of `times` (nearest rank).
fn summary(mut times: Vec<Duration>) -> String {
    times.sort();
    let at = |percent: usize| {
        // Nearest rank: the smallest time at or above `percent` of the times.
        let rank = (percent * times.len()).div_ceil(100).max(1);
        rank.min(times.len())
            .checked_sub(1)
            .and_then(|i| times.get(i))
            .map_or_else(|| "-".to_string(), |time| ms(*time))
    };
    format!(
        "{:>2} edits: min {:>9}, median {:>9}, p90 {:>9}, max {:>9}",
        times.len(),
        at(0),
        at(50),
        at(90),
        at(100)
    )
}

/// `fact` with its last two letters swapped: a typing slip the checker must report.
fn misspell(fact: &str) -> String {
    let mut letters: Vec<char> = fact.chars().collect();
    let n = letters.len();
    letters.swap(n - 1, n - 2);
    letters.into_iter().collect()
}

fn count_files(folder: &Path) -> usize {
    std::fs::read_dir(folder)
        .expect("the scenario's folder")
        .filter(|entry| entry.as_ref().is_ok_and(|e| e.path().extension().is_some_and(|x| x == "accord")))
        .count()
}

fn ms(time: Duration) -> String {
    format!("{:.1} ms", time.as_secs_f64() * 1000.0)
}

/// `accord lsp`, started, initialised, and its messages read by a thread of their own (so
/// that it never waits for the bench to read its output), each with the time it arrived.
struct Server {
    child: Child,
    input: ChildStdin,
    output: Receiver<(Instant, Value)>,
    next_id: u64,
}

impl Server {
    fn start(folder: &Path) -> Server {
        let mut child = Command::new(binary())
            .arg("lsp")
            .current_dir(folder)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("`accord lsp` starts");
        let input = child.stdin.take().expect("the server's input");
        let mut output = BufReader::new(child.stdout.take().expect("the server's output"));
        let (sender, receiver) = channel();
        std::thread::spawn(move || {
            while let Some(message) = read_message(&mut output) {
                if sender.send((Instant::now(), message)).is_err() {
                    break;
                }
            }
        });
        let mut server = Server { child, input, output: receiver, next_id: 1 };
        let root = uri_of(folder);
        server.request("initialize", &json!({"processId": null, "rootUri": root, "capabilities": {}}));
        server.send(&notification("initialized", &json!({})));
        server
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.input, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("writing to the server");
        self.input.flush().expect("writing to the server");
    }

    /// Sends a request and waits for its answer.
    fn request(&mut self, method: &str, params: &Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let (_, message) = self.next();
            if message.get("id").and_then(Value::as_u64) == Some(id) && message.get("method").is_none() {
                return message;
            }
        }
    }

    /// Waits for the diagnostics of `uri` that show an error (`broken`) or none; gives how
    /// many diagnostics they hold.
    fn diagnostics_of(&mut self, uri: &str, broken: bool) -> usize {
        loop {
            let (_, message) = self.next();
            if message.get("method").and_then(Value::as_str) != Some("textDocument/publishDiagnostics") {
                continue;
            }
            let params = &message["params"];
            if params["uri"].as_str() != Some(uri) {
                continue;
            }
            let diagnostics = params["diagnostics"].as_array().cloned().unwrap_or_default();
            let errors = diagnostics.iter().filter(|d| d["severity"].as_u64() == Some(1)).count();
            if (errors > 0) == broken {
                return diagnostics.len();
            }
        }
    }

    fn next(&mut self) -> (Instant, Value) {
        match self.output.recv_timeout(PATIENCE) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => panic!("no answer from the server in {PATIENCE:?}"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server stopped"),
        }
    }

    /// Asks the server to shut down and exit, and waits for it.
    fn stop(mut self) {
        self.request("shutdown", &Value::Null);
        self.send(&notification("exit", &Value::Null));
        let asked = Instant::now();
        while asked.elapsed() < Duration::from_secs(10) {
            if self.child.try_wait().expect("the server's status").is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("the server did not exit when asked");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn notification(method: &str, params: &Value) -> Value {
    json!({"jsonrpc": "2.0", "method": method, "params": params})
}

/// One message of the protocol (`Content-Length` header, blank line, JSON), or `None` at the
/// end of the output.
fn read_message(output: &mut impl std::io::BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if output.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length:") {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    output.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// The `file://` URI of an absolute path, bytes other than unreserved ones and `/` escaped.
fn uri_of(path: &Path) -> String {
    let mut uri = String::from("file://");
    for byte in path.to_str().expect("a path in UTF-8").bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            let _ = write!(uri, "%{byte:02X}");
        }
    }
    uri
}

/// Copies a folder and its subfolders.
fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a folder for the copy");
    for entry in std::fs::read_dir(from).expect("the folder to copy") {
        let entry = entry.expect("a folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("an entry's type").is_dir() {
            copy_folder(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("a file copied");
        }
    }
}

/// A temporary folder of the bench's own, removed when the bench ends.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        let folder = std::env::temp_dir().join(format!("accord-lsp-bench-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&folder);
        std::fs::create_dir_all(&folder).expect("a temporary folder");
        Scratch(folder)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
