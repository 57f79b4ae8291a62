//! Running the built `accord` binary and reading what it printed: in a folder, with
//! standard input written from another thread, within a time limit. It must not make or
//! remove folders (that is `folders.rs`).

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The crate's root: where the tests run the binary unless they say otherwise.
pub fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `accord` binary, to be run in `dir`, writing no colours.
pub fn accord_command(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_accord"));
    command.current_dir(dir).env("NO_COLOR", "1");
    command
}

/// Runs `accord ARGS...` in the crate's root.
pub fn accord(args: &[&str]) -> Output {
    accord_in(manifest_dir(), args)
}

/// Runs `accord ARGS...` in `dir`.
pub fn accord_in(dir: &Path, args: &[&str]) -> Output {
    accord_command(dir).args(args).output().expect("the binary runs")
}

/// Runs `command` with `input` on its standard input. The input is written from another
/// thread, so that a program writing much before it has read everything cannot block on a
/// full pipe; a program may also stop reading early (an interview that ends), so a write
/// that fails is not an error here: the tests judge the program by what it printed.
pub fn run_with_input(command: &mut Command, input: impl AsRef<[u8]>) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut stdin = child.stdin.take().expect("piped");
    let input = input.as_ref().to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let output = child.wait_with_output().expect("the binary finishes");
    writer.join().expect("the writer thread ends");
    output
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8 output")
}

/// Standard output as JSON.
pub fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}\n{}", stdout(output), stderr(output)))
}

/// Runs `command` with `input` on its standard input, as [`run_with_input`], but gives up
/// after `limit`: the program is then killed and `None` returned, so that a test of
/// something that used to hang fails instead of hanging.
pub fn run_within(
    command: &mut Command,
    input: impl AsRef<[u8]>,
    limit: std::time::Duration,
) -> Option<Output> {
    run_with_stdin_within(command, Stdio::piped(), Some(input.as_ref().to_vec()), limit)
}

/// As [`run_within`], with standard input given as `stdin` (a file, `/dev/zero`...), and
/// `input` written to it when it is a pipe.
pub fn run_with_stdin_within(
    command: &mut Command,
    stdin: Stdio,
    input: Option<Vec<u8>>,
    limit: std::time::Duration,
) -> Option<Output> {
    use std::io::Read as _;
    let mut child =
        command.stdin(stdin).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("the binary runs");
    let writer = child.stdin.take().map(|mut stdin| {
        let input = input.unwrap_or_default();
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        })
    });
    let read = |mut from: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = from.read_to_end(&mut bytes);
            bytes
        })
    };
    let out = read(Box::new(child.stdout.take().expect("piped")));
    let err = read(Box::new(child.stderr.take().expect("piped")));
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            break Some(status);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    let stdout = out.join().expect("the reader ends");
    let stderr = err.join().expect("the reader ends");
    if let Some(writer) = writer {
        let _ = writer.join();
    }
    status.map(|status| Output { status, stdout, stderr })
}
