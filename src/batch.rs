//! Batch evaluation: one case per line in, one result per line out, streaming, in
//! parallel, in input order.
//!
//! Lines are read in chunks; worker threads advise each chunk; the writer puts chunks back
//! in input order. At most a few chunks are in flight, so memory stays flat however many
//! cases there are, and the output is byte-identical whatever the number of workers.

use std::collections::BTreeMap;
use std::io::{self, BufRead, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use crate::diag::{Diagnostic, line_col};
use crate::report::AdviceWriter;
use crate::{Case, Date, RuleBase};

/// What each output line holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BatchFormat {
    /// The JSON advice document (`accord.advice.v1`) on one line.
    Jsonl,
    /// The case's id, a tab, and the ids of the rules that fired, comma-separated.
    Ids,
}

/// Options of a batch run.
#[derive(Clone, Copy, Debug)]
pub struct BatchOptions {
    /// The output format.
    pub format: BatchFormat,
    /// Worker threads (at least 1).
    pub jobs: usize,
    /// The assessment date for cases that give none.
    pub as_of: Date,
    /// The assessment date for every case, overriding theirs.
    pub as_of_override: Option<Date>,
}

/// A line that could not be advised: its number (from 1), its text, and why.
#[derive(Clone, Debug)]
pub struct LineError {
    /// The line's number, from 1.
    pub line: usize,
    /// The line itself.
    pub text: String,
    /// The problems found.
    pub diagnostics: Vec<Diagnostic>,
}

impl LineError {
    /// A line whose text could not be kept (too long, or not UTF-8).
    fn unread(line: usize, problem: Diagnostic) -> LineError {
        LineError { line, text: String::new(), diagnostics: vec![problem] }
    }

    /// The problems as `source:line:col: error[CODE]: message` lines.
    pub fn describe(&self, source: &str) -> String {
        let mut out = String::new();
        for diagnostic in &self.diagnostics {
            let column =
                diagnostic.primary.as_ref().map_or(1, |label| line_col(&self.text, label.span.start).1);
            let severity = if diagnostic.is_error() { "error" } else { "warning" };
            out.push_str(&format!(
                "{source}:{}:{column}: {severity}[{}]: {}\n",
                self.line, diagnostic.code, diagnostic.message
            ));
            if let Some(help) = &diagnostic.help {
                out.push_str(&format!("  help: {help}\n"));
            }
        }
        out
    }
}

/// Totals of a batch run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BatchSummary {
    /// Lines read (blank lines excepted).
    pub cases: usize,
    /// Lines that could not be advised.
    pub errors: usize,
}

impl BatchFormat {
    /// Lines per chunk: enough that handing chunks between threads costs little, few
    /// enough that the chunks in flight stay small. Full advice runs to kilobytes per
    /// case, a line of ids to tens of bytes.
    fn chunk_lines(self) -> usize {
        match self {
            BatchFormat::Jsonl => 64,
            BatchFormat::Ids => 1024,
        }
    }
}

/// One chunk's results, in order of the chunks.
struct Done {
    /// The chunk's place in the input.
    index: usize,
    /// What it writes: one line per case advised.
    output: Vec<u8>,
    /// The cases advised.
    cases: usize,
    /// Its bad lines.
    bad: Vec<LineError>,
}

/// Advises every line of `input`, writing one result per line to `output` in input order;
/// `on_error` is told of each bad line (in input order) and `on_progress` of the cases
/// done so far.
pub fn run_batch(
    rule_base: &RuleBase,
    input: impl BufRead + Send,
    output: &mut impl Write,
    options: BatchOptions,
    on_error: &mut dyn FnMut(&LineError),
    on_progress: &mut dyn FnMut(usize),
) -> io::Result<BatchSummary> {
    let jobs = options.jobs.max(1);
    let (work_tx, work_rx) = mpsc::sync_channel::<Chunk>(jobs * 2);
    let (done_tx, done_rx) = mpsc::sync_channel::<Done>(jobs * 2);
    let work_rx = Mutex::new(work_rx);
    let writer = (options.format == BatchFormat::Jsonl).then(|| AdviceWriter::new(rule_base));
    let writer = writer.as_ref();
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let chunk_lines = options.format.chunk_lines();
        let stop = &stop;
        let reader = scope.spawn(move || read_chunks(input, chunk_lines, work_tx, stop));
        for _ in 0..jobs {
            let (work_rx, done_tx) = (&work_rx, done_tx.clone());
            scope.spawn(move || {
                // Room for a chunk's output: a little more than the last chunk wrote.
                let mut room = 0;
                loop {
                    // The lock is held only while taking the next chunk.
                    let next = work_rx.lock().map_err(|_| ()).and_then(|rx| rx.recv().map_err(|_| ()));
                    let Ok(chunk) = next else { return };
                    let done = advise_chunk(rule_base, writer, &chunk, options, room);
                    room = done.output.len() + done.output.len() / 4;
                    if done_tx.send(done).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        let written = write_in_order(done_rx, output, on_error, on_progress);
        if written.is_err() {
            // The output has failed (its reader may have gone): tell the reader to stop,
            // and take what it is waiting to hand over, so that it sees it.
            stop.store(true, Ordering::Relaxed);
            if let Ok(work) = work_rx.lock() {
                while work.recv().is_ok() {}
            }
        }
        let read = reader.join().unwrap_or_else(|_| Err(io::Error::other("the reader thread failed")));
        let (lines, errors) = written?;
        read?;
        Ok(BatchSummary { cases: lines, errors })
    })
}

/// Consecutive lines of the input, kept in one buffer (one allocation per chunk, not per
/// line).
#[derive(Default)]
struct Chunk {
    /// The chunk's place in the input, from 0.
    index: usize,
    /// The number of its first line, from 1.
    first_line: usize,
    /// The lines as read, one after the other (not yet known to be UTF-8).
    text: Vec<u8>,
    /// Each line, in order.
    lines: Vec<Line>,
}

/// One line of a chunk.
enum Line {
    /// Its text: where it lies in the chunk's text.
    Text(std::ops::Range<usize>),
    /// Longer than the size limit: not kept.
    TooLong,
}

impl Chunk {
    /// The lines, numbered as in the input.
    fn numbered(&self) -> impl Iterator<Item = (usize, &Line)> {
        self.lines.iter().enumerate().map(|(offset, line)| (self.first_line + offset, line))
    }
}

/// How far past its start an overlong line is skipped, in multiples of the size limit,
/// before the batch stops: far beyond any real case, short of reading for ever.
const SKIP_AT_MOST_LIMITS: u64 = 16;

/// Reads lines in chunks, numbering them from 1 as in the file. A line longer than the
/// file size limit is not kept: it is marked, so that it is reported as too long and the
/// batch goes on.
fn read_chunks(
    mut input: impl BufRead,
    chunk_lines: usize,
    work: mpsc::SyncSender<Chunk>,
    stop: &AtomicBool,
) -> io::Result<()> {
    let limit = crate::load::max_file_bytes().unwrap_or(crate::load::MAX_FILE_BYTES);
    let mut chunk = Chunk { first_line: 1, ..Chunk::default() };
    while !stop.load(Ordering::Relaxed) {
        // Read straight into the chunk; the workers check that each line is UTF-8.
        let start = chunk.text.len();
        let read = read_line(&mut input, &mut chunk.text, limit.saturating_add(1))?;
        if read == 0 {
            break;
        }
        let line = if read as u64 > limit && !chunk.text.ends_with(b"\n") {
            chunk.text.truncate(start);
            // A line may run on for ever (`--batch /dev/zero`): skipping it must end.
            let at_most = limit.saturating_mul(SKIP_AT_MOST_LIMITS);
            if !skip_rest_of_line(&mut input, at_most)? {
                let number = chunk.first_line + chunk.lines.len();
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "line {number} is longer than the limit of {limit} bytes and does not end within {at_most} bytes"
                    ),
                ));
            }
            Line::TooLong
        } else {
            let line = &chunk.text[start..];
            let line = line.strip_suffix(b"\n").unwrap_or(line);
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            Line::Text(start..start + line.len())
        };
        chunk.lines.push(line);
        if chunk.lines.len() == chunk_lines {
            let next = Chunk {
                index: chunk.index + 1,
                first_line: chunk.first_line + chunk_lines,
                // About the size of the one before: not grown step by step.
                text: Vec::with_capacity(chunk.text.len() + chunk.text.len() / 8),
                lines: Vec::with_capacity(chunk_lines),
            };
            if work.send(std::mem::replace(&mut chunk, next)).is_err() {
                return Ok(());
            }
        }
    }
    if !chunk.lines.is_empty() {
        let _ = work.send(chunk);
    }
    Ok(())
}

/// Appends one line to `text`, its newline included (if it has one), reading at most `max`
/// bytes; gives the number read (0 at the end of the input). What `read_until(b'\n')` on
/// `take(max)` does, with the newline found by the `memchr` crate (vectorised: the
/// reader's thread must keep up with every worker, so its time per byte counts).
fn read_line(input: &mut impl BufRead, text: &mut Vec<u8>, max: u64) -> io::Result<usize> {
    let mut read = 0;
    loop {
        let buffer = match input.fill_buf() {
            Ok(buffer) => buffer,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        let room = usize::try_from(max - read as u64).unwrap_or(usize::MAX).min(buffer.len());
        let buffer = &buffer[..room];
        let (used, ended) = match memchr::memchr(b'\n', buffer) {
            Some(newline) => (newline + 1, true),
            None => (buffer.len(), buffer.is_empty()),
        };
        text.extend_from_slice(&buffer[..used]);
        input.consume(used);
        read += used;
        if ended || read as u64 >= max {
            return Ok(read);
        }
    }
}

/// Reads and drops the rest of an overlong line, a buffer at a time; false if it does not
/// end within `at_most` bytes.
fn skip_rest_of_line(input: &mut impl BufRead, at_most: u64) -> io::Result<bool> {
    let mut skipped = 0u64;
    while skipped <= at_most {
        let buffer = input.fill_buf()?;
        if buffer.is_empty() {
            return Ok(true);
        }
        if let Some(end) = buffer.iter().position(|b| *b == b'\n') {
            input.consume(end + 1);
            return Ok(true);
        }
        let len = buffer.len();
        input.consume(len);
        skipped += len as u64;
    }
    Ok(false)
}

/// Writes chunks as they come back, in input order; returns (cases, errors).
fn write_in_order(
    done: mpsc::Receiver<Done>,
    output: &mut impl Write,
    on_error: &mut dyn FnMut(&LineError),
    on_progress: &mut dyn FnMut(usize),
) -> io::Result<(usize, usize)> {
    let mut waiting: BTreeMap<usize, Done> = BTreeMap::new();
    let (mut next, mut cases, mut errors) = (0, 0, 0);
    for chunk in done {
        waiting.insert(chunk.index, chunk);
        while let Some(chunk) = waiting.remove(&next) {
            output.write_all(&chunk.output)?;
            cases += chunk.cases + chunk.bad.len();
            errors += chunk.bad.len();
            chunk.bad.iter().for_each(&mut *on_error);
            on_progress(cases);
            next += 1;
        }
    }
    output.flush()?;
    Ok((cases, errors))
}

/// Advises the lines of one chunk, with `room` bytes for its output to start with.
fn advise_chunk(
    rule_base: &RuleBase,
    writer: Option<&AdviceWriter>,
    chunk: &Chunk,
    options: BatchOptions,
    room: usize,
) -> Done {
    let capacity = room.max(chunk.lines.len() * 64);
    let mut done =
        Done { index: chunk.index, output: Vec::with_capacity(capacity), cases: 0, bad: Vec::new() };
    for (number, line) in chunk.numbered() {
        let Line::Text(range) = line else {
            let limit = crate::load::max_file_bytes().unwrap_or(crate::load::MAX_FILE_BYTES);
            let message = format!("the line is longer than the limit of {limit} bytes");
            done.bad.push(LineError::unread(number, Diagnostic::error("E0003", message)));
            continue;
        };
        let Ok(text) = std::str::from_utf8(&chunk.text[range.clone()]) else {
            let problem = Diagnostic::error("E0002", "the line is not UTF-8 text");
            done.bad.push(LineError::unread(number, problem));
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        match crate::parse_case("line", text, &rule_base.vocabulary) {
            Ok(case) => {
                write_result(rule_base, writer, &case, number, options, &mut done.output);
                done.cases += 1;
            }
            Err(diagnostics) => {
                done.bad.push(LineError { line: number, text: text.to_string(), diagnostics })
            }
        }
    }
    done
}

/// Writes one case's line. `writer` is given for full advice.
fn write_result(
    rule_base: &RuleBase,
    writer: Option<&AdviceWriter>,
    case: &Case,
    line: usize,
    options: BatchOptions,
    out: &mut Vec<u8>,
) {
    let as_of = options.as_of_override.or(case.assessed_on).unwrap_or(options.as_of);
    match writer {
        Some(writer) => writer.write_case(case, as_of, out),
        None => {
            match (&case.id, &case.name) {
                (Some(id), _) | (None, Some(id)) => out.extend_from_slice(id.as_bytes()),
                (None, None) => out.extend_from_slice(line.to_string().as_bytes()),
            }
            out.push(b'\t');
            for (n, rule) in rule_base.fired_rules(case, as_of).into_iter().enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(rule_base.rules[rule].id.as_bytes());
            }
            out.push(b'\n');
        }
    }
}
