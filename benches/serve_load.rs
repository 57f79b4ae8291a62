//! A load test of `accord serve`'s advice endpoint (a benchmark, not a test): the server in
//! this process on a free loopback port, and 50 clients, each on a connection of its own
//! kept alive, posting the form of `fixtures/02-wyverton-merger-in-stall-window.json` to
//! `/cases/02.json/advice` as the page's script does (`X-Accord-Live: 1`) for 30 seconds.
//! Prints the requests answered, errors, throughput, the 50th and 99th percentile of
//! latency, and the resident memory after one second and at the end.
//!
//! `cargo bench --bench serve_load` (`ACCORD_LOAD_SECONDS=5` for a shorter run). The
//! server's runtime uses a thread per core, as `accord serve` does; clients and server
//! share the machine, so the figures are those of a machine doing both.
#![allow(clippy::panic, clippy::unwrap_used, reason = "a benchmark whose run goes wrong stops by panicking")]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use accord::RuleFiles;
use accord::report::About;
use accord::serve::{Options, RuleSet, Server};
use serde_json::Value as Json;

#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CLIENTS: usize = 50;
const CASE: &str = include_str!("../fixtures/02-wyverton-merger-in-stall-window.json");

fn main() {
    // `cargo bench` passes `--bench`; any other run of the harness (`cargo test --benches`)
    // only checks that it builds.
    if !std::env::args().any(|arg| arg == "--bench") {
        return;
    }
    let seconds: u64 = std::env::var("ACCORD_LOAD_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(30);
    let cases = std::env::temp_dir().join(format!("accord-serve-load-{}", std::process::id()));
    std::fs::create_dir_all(&cases).unwrap();
    std::fs::write(cases.join("02.json"), CASE).unwrap();
    let files = RuleFiles::embedded();
    let rule_base = files.compile().rule_base.expect("the shipped rules check");
    let about = About::new(rule_base.rules().len(), &files.content_hash());
    let options = Options {
        rules: RuleSet::new(rule_base, about, Vec::new()),
        cases: cases.clone(),
        port: 0,
        bind: None,
    };
    let server = Server::bind(options).unwrap();
    let address = server.address();
    std::thread::spawn(move || server.run());

    let body = form_body(&serde_json::from_str(CASE).unwrap());
    let request = format!(
        "POST /cases/02.json/advice HTTP/1.1\r\nHost: {address}\r\nX-Accord-Live: 1\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (request, stop) = (request.clone(), Arc::clone(&stop));
            std::thread::spawn(move || client(&address.to_string(), &request, &stop))
        })
        .collect();
    std::thread::sleep(Duration::from_secs(1));
    let memory_first = resident_kb();
    std::thread::sleep(Duration::from_secs(seconds.saturating_sub(1)));
    stop.store(true, Ordering::Relaxed);
    let memory_last = resident_kb();
    let mut latencies = Histogram::new();
    let mut errors = 0;
    for client in clients {
        let (histogram, failed) = client.join().unwrap();
        latencies.add(&histogram);
        errors += failed;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let answered = latencies.count();
    println!(
        "serve_load: {CLIENTS} clients, {elapsed:.1} s: {answered} requests answered, {errors} errors, {:.0} requests/s; \
         latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; resident memory {} KB after 1 s, {} KB at the end",
        answered as f64 / elapsed,
        latencies.percentile(50),
        latencies.percentile(99),
        latencies.max_ms,
        memory_first,
        memory_last,
    );
    let _ = std::fs::remove_dir_all(&cases);
    // The server serves until Ctrl-C: the process ends here instead.
    std::process::exit(0);
}

/// One client: requests on one kept-alive connection until `stop`; each answered
/// request's latency, and the number of errors (answers other than 200, broken
/// connections).
fn client(address: &str, request: &str, stop: &AtomicBool) -> (Histogram, usize) {
    let mut times = Histogram::new();
    let mut errors = 0;
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_nodelay(true).unwrap();
    let mut buffer = vec![0u8; 1 << 16];
    while !stop.load(Ordering::Relaxed) {
        let sent = Instant::now();
        let answered = stream.write_all(request.as_bytes()).is_ok()
            && read_answer(&mut stream, &mut buffer) == Some(200);
        if answered {
            times.record(sent.elapsed());
        } else {
            errors += 1;
            stream = TcpStream::connect(address).unwrap();
        }
    }
    (times, errors)
}

/// Latencies counted in buckets of 10 µs up to 100 ms (and one beyond), so that the
/// clients' own memory stays the same however many requests they make: the resident
/// memory measured grows only with the server's.
struct Histogram {
    buckets: Vec<u64>,
    max_ms: f64,
}

impl Histogram {
    const BUCKET_US: u128 = 10;
    const BUCKETS: usize = 10_001;

    fn new() -> Histogram {
        Histogram { buckets: vec![0; Self::BUCKETS], max_ms: 0.0 }
    }

    fn record(&mut self, latency: Duration) {
        let bucket = usize::try_from(latency.as_micros() / Self::BUCKET_US).unwrap_or(usize::MAX);
        self.buckets[bucket.min(Self::BUCKETS - 1)] += 1;
        self.max_ms = self.max_ms.max(latency.as_secs_f64() * 1000.0);
    }

    fn add(&mut self, other: &Histogram) {
        for (mine, theirs) in self.buckets.iter_mut().zip(&other.buckets) {
            *mine += theirs;
        }
        self.max_ms = self.max_ms.max(other.max_ms);
    }

    fn count(&self) -> u64 {
        self.buckets.iter().sum()
    }

    /// The latency, in ms, under which `per_cent` per cent of the requests were answered (the
    /// upper edge of its bucket).
    fn percentile(&self, per_cent: u64) -> f64 {
        let wanted = (self.count() * per_cent).div_ceil(100);
        let mut seen = 0;
        for (i, n) in self.buckets.iter().enumerate() {
            seen += n;
            if seen >= wanted.max(1) {
                return (i + 1) as f64 * Self::BUCKET_US as f64 / 1000.0;
            }
        }
        self.max_ms
    }
}

/// Reads one HTTP answer (to its `Content-Length`) and gives its status.
fn read_answer(stream: &mut TcpStream, buffer: &mut [u8]) -> Option<u16> {
    let mut answer = Vec::new();
    loop {
        if let Some(end) = answer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&answer[..end]).to_ascii_lowercase();
            let status = head.split(' ').nth(1)?.parse().ok()?;
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|n| n.trim().parse().ok())?;
            while answer.len() < end + 4 + length {
                let n = stream.read(buffer).ok().filter(|n| *n > 0)?;
                answer.extend_from_slice(&buffer[..n]);
            }
            return Some(status);
        }
        let n = stream.read(buffer).ok().filter(|n| *n > 0)?;
        answer.extend_from_slice(&buffer[..n]);
    }
}

/// The case as the page's form sends it: each value under its path (`change.kind`,
/// `partners[0].name`), percent-encoded.
fn form_body(case: &Json) -> String {
    let mut fields = Vec::new();
    flatten("", case, &mut fields);
    fields
        .iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

fn flatten(path: &str, value: &Json, out: &mut Vec<(String, String)>) {
    match value {
        Json::Object(fields) => {
            for (key, value) in fields {
                let path = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                flatten(&path, value, out);
            }
        }
        Json::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(&format!("{path}[{i}]"), item, out);
            }
        }
        Json::Null => {}
        Json::String(text) => out.push((path.to_string(), text.clone())),
        other => out.push((path.to_string(), other.to_string())),
    }
}

fn encode(text: &str) -> String {
    // Form encoding: a space as `+`, the rest as in any URL.
    accord::percent::encoded(text, b" ").replace(' ', "+")
}

/// This process's resident memory, in KB (Linux), or 0.
fn resident_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|kb| kb.trim().trim_end_matches(" kB").trim().parse().ok())
        .unwrap_or(0)
}
