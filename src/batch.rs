//! Batch evaluation: one case per line in, one result per line out, streaming, in
//! parallel, in input order.
//!
//! Lines are read in chunks; worker threads advise each chunk; the writer puts chunks back
//! in input order. At most a few chunks are in flight, so memory stays flat however many
//! cases there are, and the output is byte-identical whatever the number of workers.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Read, Write};
use std::sync::mpsc;
use std::sync::{Condvar, Mutex};

use crate::diag::{Diagnostic, line_col};
use crate::eval::Advisor;
use crate::report::AdviceWriter;
use crate::shown::Escape;
use crate::{Case, Date, RuleBase};

/// What each output line holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BatchFormat {
    /// The JSON advice document (`accord.advice.v2`) on one line.
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
            // A message names what the line wrote (a key, a value): shown escaped, as a
            // terminal would otherwise act on an escape sequence in it.
            let message = crate::shown::escaped(&diagnostic.message, Escape::Controls);
            // Writing to a `String` cannot fail.
            let _ =
                writeln!(out, "{source}:{}:{column}: {severity}[{}]: {message}", self.line, diagnostic.code);
            if let Some(help) = &diagnostic.help {
                let _ = writeln!(out, "  help: {}", crate::shown::escaped(help, Escape::Controls));
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
    /// The most chunks of lines in flight at once (read and not yet written): at most
    /// [`CHUNKS_IN_FLIGHT_PER_JOB`] times the workers.
    pub peak_chunks_in_flight: usize,
}

impl BatchFormat {
    /// Bytes of input per chunk: enough that handing chunks between threads costs
    /// little, few enough that the chunks in flight stay small. Full advice runs to
    /// kilobytes of output per case (a chunk of fixture cases: about 45 of them, 700 KB
    /// out), a line of ids to tens of bytes (about 750 twelve-rule cases).
    fn chunk_bytes(self) -> usize {
        match self {
            BatchFormat::Jsonl => 64 << 10,
            BatchFormat::Ids => 512 << 10,
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

/// Chunks in flight at most, per worker: read and not yet written. The writer puts
/// chunks back in input order, so a chunk that takes long (a case with thousands of
/// groups, say) holds back every chunk after it; the reader waits once this many are in
/// flight, and memory stays bounded whatever is slow.
pub const CHUNKS_IN_FLIGHT_PER_JOB: usize = 4;

/// Advises every line of `input`, writing one result per line to `output` in input order;
/// `on_error` is told of each bad line (in input order) and `on_progress` of the cases
/// done so far.
pub fn run_batch(
    rule_base: &RuleBase,
    input: impl Read + Send,
    output: &mut impl Write,
    options: BatchOptions,
    on_error: &mut dyn FnMut(&LineError),
    on_progress: &mut dyn FnMut(usize),
) -> io::Result<BatchSummary> {
    let writer = (options.format == BatchFormat::Jsonl).then(|| AdviceWriter::new(rule_base));
    let writer = writer.as_ref();
    // Each worker advises with an advisor of its own, whose buffers serve all its chunks.
    let worker = || rule_base.advisor();
    let advise =
        |advisor: &mut _, chunk: &Chunk, room: usize| advise_chunk(advisor, writer, chunk, options, room);
    let plan = Plan::new(options);
    let window = Window::new(plan.in_flight);
    run_chunks(
        input,
        output,
        plan,
        &window,
        Workers { start: &worker, advise: &advise },
        on_error,
        on_progress,
    )
}

/// How a batch is split and run.
#[derive(Clone, Copy)]
struct Plan {
    /// Worker threads (at least 1).
    jobs: usize,
    /// The room each chunk starts with.
    chunk_bytes: usize,
    /// The size limit: the most bytes a line may have.
    limit: u64,
    /// Chunks in flight at most.
    in_flight: usize,
}

impl Plan {
    fn new(options: BatchOptions) -> Plan {
        let jobs = options.jobs.max(1);
        Plan {
            jobs,
            chunk_bytes: options.format.chunk_bytes(),
            limit: crate::load::max_file_bytes().unwrap_or(crate::load::MAX_FILE_BYTES),
            in_flight: jobs.saturating_mul(CHUNKS_IN_FLIGHT_PER_JOB),
        }
    }
}

/// What each worker of a batch does: makes its state (`start`), then advises each chunk it
/// takes with that state and room for its output (`advise`).
struct Workers<'w, W> {
    start: &'w (dyn Fn() -> W + Sync),
    advise: &'w (dyn Fn(&mut W, &Chunk, usize) -> Done + Sync),
}

// By hand: derived, they would be copied only for states that are.
impl<W> Clone for Workers<'_, W> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<W> Copy for Workers<'_, W> {}

/// The reader, the `workers` and the writer of a batch, with at most `window`'s size of
/// chunks in flight.
fn run_chunks<W>(
    input: impl Read + Send,
    output: &mut impl Write,
    plan: Plan,
    window: &Window,
    workers: Workers<'_, W>,
    on_error: &mut dyn FnMut(&LineError),
    on_progress: &mut dyn FnMut(usize),
) -> io::Result<BatchSummary> {
    let jobs = plan.jobs.max(1);
    let (work_tx, work_rx) = mpsc::sync_channel::<Chunk>(jobs * 2);
    let (done_tx, done_rx) = mpsc::sync_channel::<Done>(jobs * 2);
    // Chunks' texts go back to the reader once advised, to be filled again.
    let (spare_tx, spare_rx) = mpsc::channel::<Vec<u8>>();
    let work_rx = Mutex::new(work_rx);
    std::thread::scope(|scope| {
        let sizes = (plan.chunk_bytes, plan.limit);
        let reader = scope.spawn(move || read_chunks(input, sizes, work_tx, spare_rx, window));
        for _ in 0..jobs {
            let (work_rx, done_tx, spare_tx) = (&work_rx, done_tx.clone(), spare_tx.clone());
            scope.spawn(move || {
                let mut state = (workers.start)();
                // Room for a chunk's output: a little more than the last chunk wrote.
                let mut room = 0;
                loop {
                    // The lock is held only while taking the next chunk.
                    let next = work_rx.lock().map_err(|_| ()).and_then(|rx| rx.recv().map_err(|_| ()));
                    let Ok(chunk) = next else { return };
                    let done = (workers.advise)(&mut state, &chunk, room);
                    room = done.output.len() + done.output.len() / 4;
                    // The reader may have finished: its text is then not wanted.
                    let _ = spare_tx.send(chunk.text);
                    if done_tx.send(done).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        let written = write_in_order(done_rx, output, window, on_error, on_progress);
        if written.is_err() {
            // The output has failed (its reader may have gone): tell the reader to stop,
            // and take what it is waiting to hand over, so that it sees it.
            window.close();
            if let Ok(work) = work_rx.lock() {
                while work.recv().is_ok() {}
            }
        }
        let read = reader.join().unwrap_or_else(|_| Err(io::Error::other("the reader thread failed")));
        let (lines, errors) = written?;
        read?;
        Ok(BatchSummary { cases: lines, errors, peak_chunks_in_flight: window.peak() })
    })
}

/// The chunks in flight: handed to the workers and not yet written. The reader is let
/// through with chunk `i` only once chunk `i - size` is written, so at most `size` chunks
/// (their texts and their outputs) are held however long one of them takes.
struct Window {
    /// Chunks in flight at most.
    size: usize,
    state: Mutex<WindowState>,
    /// Told when chunks are written, or the batch stops.
    moved: Condvar,
}

#[derive(Default)]
struct WindowState {
    /// Chunks written so far: chunks `0..written`.
    written: usize,
    /// The batch is stopping: the reader is to stop too.
    closed: bool,
    /// The most chunks in flight at once.
    peak: usize,
    /// Whether the reader is waiting for room.
    waiting: bool,
}

impl Window {
    fn new(size: usize) -> Window {
        Window { size: size.max(1), state: Mutex::default(), moved: Condvar::new() }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, WindowState> {
        // No code panics while holding the lock; were one to, its state is still whole.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Waits until chunk `index` may be handed over; false when the batch is stopping.
    fn admit(&self, index: usize) -> bool {
        let mut state = self.state();
        while !state.closed && index >= state.written.saturating_add(self.size) {
            state.waiting = true;
            state = self.moved.wait(state).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        state.waiting = false;
        state.peak = state.peak.max((index + 1).saturating_sub(state.written));
        !state.closed
    }

    /// Chunks `0..written` are written.
    fn written(&self, written: usize) {
        self.state().written = written;
        self.moved.notify_all();
    }

    /// The batch is stopping.
    fn close(&self) {
        self.state().closed = true;
        self.moved.notify_all();
    }

    fn is_closed(&self) -> bool {
        self.state().closed
    }

    /// The most chunks in flight at once so far.
    fn peak(&self) -> usize {
        self.state().peak
    }

    /// Whether the reader is waiting for a chunk to be written.
    #[cfg(test)]
    fn reader_waits(&self) -> bool {
        self.state().waiting
    }
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

/// Reads lines in chunks of about `chunk_bytes`, numbering them from 1 as in the file.
/// The input is read straight into the chunk's text, as much as it has room for at a
/// time, and split into lines there: a line is copied only when it straddles two chunks.
/// The texts of chunks advised come back through `spare`, to be filled again. A line
/// longer than `limit` bytes is not kept: it is marked, so that it is reported as too
/// long and the batch goes on.
// `work` is taken, not borrowed: dropping it when reading ends tells the workers that no
// more chunks come.
#[allow(clippy::needless_pass_by_value)]
fn read_chunks(
    mut input: impl Read,
    (chunk_bytes, limit): (usize, u64),
    work: mpsc::SyncSender<Chunk>,
    spare: mpsc::Receiver<Vec<u8>>,
    window: &Window,
) -> io::Result<()> {
    let mut lines = LineSplitter::new(chunk_bytes, limit, spare);
    while !window.is_closed() {
        if lines.read(&mut input)? == 0 {
            break;
        }
        if lines.is_full() {
            let chunk = lines.next_chunk();
            if !window.admit(chunk.index) || work.send(chunk).is_err() {
                return Ok(());
            }
        }
    }
    let last = lines.finish();
    if !last.lines.is_empty() && window.admit(last.index) {
        let _ = work.send(last);
    }
    Ok(())
}

/// The chunk being filled, and where its lines end.
struct LineSplitter {
    /// The room each chunk starts with.
    chunk_bytes: usize,
    /// The file size limit: the most bytes a line may have.
    limit: u64,
    /// Its text is all room, initialised once when first made (reading needs initialised
    /// room): bytes up to `filled` are read. A chunk's lines say where they are in it.
    chunk: Chunk,
    filled: usize,
    /// Texts of chunks already advised, to fill again.
    spare: mpsc::Receiver<Vec<u8>>,
    /// Where the line not yet ended starts in the chunk's text.
    line_start: usize,
    /// Bytes of an overlong line dropped so far, while skipping to its end.
    skipped: Option<u64>,
}

impl LineSplitter {
    fn new(chunk_bytes: usize, limit: u64, spare: mpsc::Receiver<Vec<u8>>) -> LineSplitter {
        let chunk = Chunk { first_line: 1, text: vec![0; chunk_bytes], ..Chunk::default() };
        LineSplitter { chunk_bytes, limit, chunk, filled: 0, spare, line_start: 0, skipped: None }
    }

    /// Room for a chunk of at least `bytes`: a spare text if there is one.
    fn room(&self, bytes: usize) -> Vec<u8> {
        let mut text = self.spare.try_recv().unwrap_or_default();
        if text.len() < bytes {
            text.resize(bytes, 0);
        }
        text
    }

    /// Reads into the chunk's room and splits off the lines the bytes read end; gives
    /// the number of bytes read (0 at the end of the input).
    fn read(&mut self, input: &mut impl Read) -> io::Result<usize> {
        if self.filled == self.chunk.text.len() {
            // One line fills the chunk: room for more of it.
            self.chunk.text.resize(2 * self.filled.max(1), 0);
        }
        let read = loop {
            match input.read(&mut self.chunk.text[self.filled..]) {
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                read => break read?,
            }
        };
        let scanned = self.filled;
        self.filled += read;
        self.split_from(scanned)?;
        Ok(read)
    }

    /// Whether the chunk has no room left and has lines to hand over.
    fn is_full(&self) -> bool {
        self.filled == self.chunk.text.len() && !self.chunk.lines.is_empty()
    }

    /// Ends a line at each newline read from `scanned` on; drops the text of an
    /// overlong line as it comes.
    fn split_from(&mut self, mut scanned: usize) -> io::Result<()> {
        while let Some(at) = memchr::memchr(b'\n', &self.chunk.text[scanned..self.filled]) {
            self.end_line(scanned + at);
            scanned += at + 1;
        }
        let unended = (self.filled - self.line_start) as u64;
        if unended > self.limit || self.skipped.is_some() {
            self.skip(unended)?;
        }
        Ok(())
    }

    /// Ends the line that runs to `end` (a newline, or the end of the input).
    fn end_line(&mut self, end: usize) {
        let line = match self.skipped.take() {
            Some(_) => Line::TooLong,
            None if (end - self.line_start) as u64 > self.limit => Line::TooLong,
            None => {
                let text = &self.chunk.text[self.line_start..end];
                let text = text.strip_suffix(b"\r").unwrap_or(text);
                Line::Text(self.line_start..self.line_start + text.len())
            }
        };
        self.chunk.lines.push(line);
        self.line_start = (end + 1).min(self.filled);
    }

    /// Drops the `unended` bytes of an overlong line read so far; an error if the line
    /// runs on past what is skipped at most (`--batch /dev/zero` must end).
    fn skip(&mut self, unended: u64) -> io::Result<()> {
        self.filled = self.line_start;
        let skipped = self.skipped.get_or_insert(0);
        *skipped += unended;
        let at_most = self.limit.saturating_mul(SKIP_AT_MOST_LIMITS);
        if *skipped > at_most {
            let (number, limit) = (self.chunk.first_line + self.chunk.lines.len(), self.limit);
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "line {number} is longer than the limit of {limit} bytes and does not end within {at_most} bytes"
                ),
            ));
        }
        Ok(())
    }

    /// The chunk so far, its line not yet ended moved to the start of the next.
    fn next_chunk(&mut self) -> Chunk {
        let unended = self.line_start..self.filled;
        let next = Chunk {
            index: self.chunk.index + 1,
            first_line: self.chunk.first_line + self.chunk.lines.len(),
            text: self.room(self.chunk_bytes.max(2 * unended.len())),
            lines: Vec::with_capacity(self.chunk.lines.len()),
        };
        let done = std::mem::replace(&mut self.chunk, next);
        self.chunk.text[..unended.len()].copy_from_slice(&done.text[unended.clone()]);
        (self.filled, self.line_start) = (unended.len(), 0);
        done
    }

    /// The last chunk: a last line without a newline ends at the end of the input.
    fn finish(mut self) -> Chunk {
        if self.line_start < self.filled || self.skipped.is_some() {
            self.end_line(self.filled);
        }
        self.chunk
    }
}

/// Writes chunks as they come back, in input order, telling `window` of each written;
/// returns (cases, errors).
fn write_in_order(
    done: mpsc::Receiver<Done>,
    output: &mut impl Write,
    window: &Window,
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
            window.written(next);
        }
    }
    output.flush()?;
    Ok((cases, errors))
}

/// Advises the lines of one chunk, with `room` bytes for its output to start with.
fn advise_chunk(
    advisor: &mut Advisor<'_>,
    writer: Option<&AdviceWriter>,
    chunk: &Chunk,
    options: BatchOptions,
    room: usize,
) -> Done {
    let rule_base = advisor.rule_base();
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
                write_result(advisor, writer, &case, number, options, &mut done.output);
                done.cases += 1;
            }
            Err(diagnostics) => {
                done.bad.push(LineError { line: number, text: text.to_string(), diagnostics });
            }
        }
    }
    done
}

/// Writes one case's line. `writer` is given for full advice.
fn write_result(
    advisor: &mut Advisor<'_>,
    writer: Option<&AdviceWriter>,
    case: &Case,
    line: usize,
    options: BatchOptions,
    out: &mut Vec<u8>,
) {
    let as_of = options.as_of_override.or(case.assessed_on).unwrap_or(options.as_of);
    match writer {
        Some(writer) => writer.write_case_with(advisor, case, as_of, out),
        None => {
            match (&case.id, &case.name) {
                // A line break or a tab in it would forge a line or a field.
                (Some(id), _) | (None, Some(id)) => {
                    out.extend_from_slice(crate::shown::escaped(id, Escape::Exactly).as_bytes());
                }
                (None, None) => out.extend_from_slice(line.to_string().as_bytes()),
            }
            out.push(b'\t');
            let rule_base = advisor.rule_base();
            for (n, rule) in advisor.fired_rules(case, as_of).into_iter().enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(rule_base.rule(rule).id.as_bytes());
            }
            out.push(b'\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Gives its text a few bytes at a time, as a pipe may.
    struct Trickle<'t> {
        text: &'t [u8],
        piece: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
            let n = self.piece.min(buffer.len()).min(self.text.len());
            buffer[..n].copy_from_slice(&self.text[..n]);
            self.text = &self.text[n..];
            Ok(n)
        }
    }

    /// The lines `read_chunks` finds, numbered, in order: `None` for a line too long.
    fn lines_read(
        text: &[u8],
        piece: usize,
        chunk_bytes: usize,
        limit: u64,
    ) -> Vec<(usize, Option<Vec<u8>>)> {
        let (work, chunks) = mpsc::sync_channel(text.len() + 1);
        let input = Trickle { text, piece };
        let (_, spare) = mpsc::channel();
        let sizes = (chunk_bytes, limit);
        read_chunks(input, sizes, work, spare, &Window::new(usize::MAX)).expect("no line runs on for ever");
        let mut lines = Vec::new();
        for (index, chunk) in chunks.iter().enumerate() {
            assert_eq!(chunk.index, index, "chunks are numbered in order");
            assert_eq!(chunk.first_line, lines.len() + 1, "chunks number their lines on from the last");
            lines.extend(chunk.numbered().map(|(number, line)| match line {
                Line::Text(range) => (number, Some(chunk.text[range.clone()].to_vec())),
                Line::TooLong => (number, None),
            }));
        }
        lines
    }

    /// The lines of `text` as a plain split finds them.
    fn lines_split(text: &[u8], limit: u64) -> Vec<(usize, Option<Vec<u8>>)> {
        if text.is_empty() {
            return Vec::new();
        }
        let text = text.strip_suffix(b"\n").unwrap_or(text);
        let line = |line: &[u8]| {
            let kept = line.len() as u64 <= limit;
            kept.then(|| line.strip_suffix(b"\r").unwrap_or(line).to_vec())
        };
        text.split(|&b| b == b'\n').enumerate().map(|(n, text)| (n + 1, line(text))).collect()
    }

    #[test]
    fn a_last_line_without_a_newline_is_a_line() {
        assert_eq!(lines_read(b"a\r\nb", 1, 1, 10), [(1, Some(b"a".to_vec())), (2, Some(b"b".to_vec()))]);
        assert_eq!(lines_read(b"", 3, 1, 10), []);
        assert_eq!(lines_read(b"\n\n", 3, 1, 10), [(1, Some(vec![])), (2, Some(vec![]))]);
    }

    #[test]
    fn a_line_longer_than_the_limit_is_marked_and_the_next_is_read() {
        let lines = lines_read(b"12345\n123456\n1234567890123\nok", 4, 2, 5);
        assert_eq!(lines, [(1, Some(b"12345".to_vec())), (2, None), (3, None), (4, Some(b"ok".to_vec()))]);
    }

    #[test]
    fn a_line_that_runs_on_past_what_is_skipped_is_an_error() {
        let (work, _chunks) = mpsc::sync_channel(10);
        let input = Trickle { text: &[b'x'; 200], piece: 7 };
        let (_, spare) = mpsc::channel();
        let error = read_chunks(input, (4, 10), work, spare, &Window::new(usize::MAX)).expect_err("runs on");
        assert!(error.to_string().contains("line 1 is longer than the limit of 10 bytes"), "{error}");
    }

    /// A batch of `lines` numbered lines whose first chunk is advised only once every
    /// other chunk is advised or the reader waits for room: what a slow first case does,
    /// made certain. Gives the output and the summary.
    fn batch_with_a_slow_first_chunk(lines: usize, jobs: usize) -> (String, BatchSummary) {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let input: String = (1..=lines).map(|n| format!("{n}\n")).collect();
        let options = BatchOptions {
            format: BatchFormat::Ids,
            jobs,
            as_of: Date::parse("2013-09-01").expect("a date"),
            as_of_override: None,
        };
        // Chunks of a line or two each.
        let plan = Plan { chunk_bytes: 4, ..Plan::new(options) };
        let window = Window::new(plan.in_flight);
        let others_done = AtomicUsize::new(0);
        let advise = |_: &mut (), chunk: &Chunk, _room: usize| {
            if chunk.index == 0 {
                // The first chunk waits for the others, as a slow case would: until they
                // are all advised, or the reader waits for room (it then never reads on
                // until this chunk is written).
                while !window.reader_waits() && others_done.load(Ordering::SeqCst) < lines / 2 {
                    std::thread::yield_now();
                }
            } else {
                others_done.fetch_add(1, Ordering::SeqCst);
            }
            let mut output = Vec::new();
            for (_, line) in chunk.numbered() {
                if let Line::Text(range) = line {
                    output.extend_from_slice(&chunk.text[range.clone()]);
                    output.push(b'\n');
                }
            }
            Done { index: chunk.index, output, cases: chunk.lines.len(), bad: Vec::new() }
        };
        let mut output = Vec::new();
        let summary = run_chunks(
            input.as_bytes(),
            &mut output,
            plan,
            &window,
            Workers { start: &|| (), advise: &advise },
            &mut |_| {},
            &mut |_| {},
        )
        .expect("the batch runs");
        (String::from_utf8(output).expect("text"), summary)
    }

    #[test]
    fn a_slow_first_chunk_holds_back_the_reader_not_memory() {
        let lines = 20_000;
        for jobs in [2, 3] {
            let (output, summary) = batch_with_a_slow_first_chunk(lines, jobs);
            let expected: String = (1..=lines).map(|n| format!("{n}\n")).collect();
            assert!(output == expected, "every line, in input order, with {jobs} workers");
            assert_eq!(summary.cases, lines);
            let window = jobs * CHUNKS_IN_FLIGHT_PER_JOB;
            assert!(
                summary.peak_chunks_in_flight <= window,
                "{} chunks in flight with {jobs} workers, more than {window}",
                summary.peak_chunks_in_flight
            );
        }
    }

    proptest! {
        /// Whatever the line lengths, the pieces the input comes in and the chunks' room,
        /// the lines are those of a plain split.
        #[test]
        fn lines_are_those_of_a_plain_split(
            lines in proptest::collection::vec("[ab\r]{0,12}", 0..30),
            ends_with_newline: bool,
            piece in 1usize..40,
            chunk_bytes in 1usize..40,
        ) {
            let mut text = lines.join("\n");
            if ends_with_newline {
                text.push('\n');
            }
            let limit = 6;
            prop_assert_eq!(lines_read(text.as_bytes(), piece, chunk_bytes, limit), lines_split(text.as_bytes(), limit));
        }
    }
}
