//! Faults while `accord interview --write` saves a case: the program killed (SIGKILL) at
//! random moments, and a disk that fills up part-way (simulated with the file size limit,
//! `ulimit -f`, under which a write past the limit fails with EFBIG as on a full disk).
//!
//! Whatever happens, at every instant the case is whole and either the old or the new
//! case, its backup is whole and either the previous backup or the old case, nothing is
//! written through a link planted at the backup's name, and a run that fails says what it
//! left. Temporary files a killed run leaves are removed by the next save.
//!
//! `cargo test --test faults` runs a small sample (40 kills, a few seconds); more with
//! `ACCORD_KILL_TRIALS=2000 cargo test --test faults -- --nocapture`, which also prints
//! what the trials found. `ACCORD_KILL_SEED` replays the random choices of a run (the seed
//! is printed); the moments of the kills depend on timing and cannot be replayed.
//!
//! Each trial starts from a case of about 256 KiB (so that writing it takes a moment) and
//! a backup's name holding nothing, an earlier backup, or a symbolic or a hard link to an
//! unrelated file; it kills the interview at a random moment of its run, at a random
//! moment of its save (up to 2 ms after its first temporary file appears), or as soon as
//! the backup's name changes (between the backup's rename and the case's). It then checks
//! the files, saves again without a kill, and checks that the files are saved and that
//! no temporary file is left.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::panic, reason = "a test fails by panicking")]

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;

use common::{files_in, run_with_input, scratch, stderr};

const RULES: &str = "source s
  authors \"Author, A.\"
  year 2000
  title \"A title\"

fact change.kind is one of none, merger
  ask \"What kind of change?\"

rule a_merger
  when change.kind is merger
  note \"Merger\" \"A merger.\"
  cite s
";

/// The answers: the first choice, `none`.
const ANSWERS: &str = "1\nquit\n";

/// What the backup's name holds before the save.
#[derive(Clone, Copy, Debug)]
enum Before {
    /// Nothing: no backup yet.
    Nothing,
    /// An earlier backup, a regular file.
    Backup,
    /// A symbolic link to an unrelated file.
    SymbolicLink,
    /// A hard link to an unrelated file.
    HardLink,
}

const BEFORES: [Before; 4] = [Before::Nothing, Before::Backup, Before::SymbolicLink, Before::HardLink];

/// A small pseudo-random generator (xorshift64*), so that no crate is needed.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// One trial's folder: the rules, the case, what the backup's name holds, and an unrelated
/// file that must never change.
struct Setup {
    dir: common::Scratch,
    case: PathBuf,
    backup: PathBuf,
    unrelated: PathBuf,
    old: String,
    previous: Option<String>,
}

const UNRELATED: &str = "an unrelated file, not a case\n";

/// The case before the interview: about 256 KiB (white space after the object), so that
/// writing it takes long enough to be interrupted.
fn old_case() -> String {
    let mut case =
        String::from("{\"name\": \"Killed\", \"assessed_on\": \"2013-09-01\", \"change\": {\"kind\": null}}");
    case.push_str(&" ".repeat(256 * 1024));
    case.push('\n');
    case
}

fn setup(name: &str, before: Before) -> Setup {
    let dir = scratch("faults", name);
    fs::write(dir.join("rules.accord"), RULES).unwrap();
    let case = dir.join("case.json");
    let old = old_case();
    fs::write(&case, &old).unwrap();
    let backup = dir.join("case.json.bak");
    let unrelated = dir.join("unrelated.txt");
    fs::write(&unrelated, UNRELATED).unwrap();
    let previous = match before {
        Before::Nothing => None,
        Before::Backup => {
            let previous = "{\"name\": \"the previous backup\"}\n".to_string();
            fs::write(&backup, &previous).unwrap();
            Some(previous)
        }
        Before::SymbolicLink => {
            std::os::unix::fs::symlink("unrelated.txt", &backup).unwrap();
            Some(UNRELATED.to_string())
        }
        Before::HardLink => {
            fs::hard_link(&unrelated, &backup).unwrap();
            Some(UNRELATED.to_string())
        }
    };
    Setup { dir, case, backup, unrelated, old, previous }
}

fn interview_command(setup: &Setup) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_accord"));
    command
        .args(["interview", "--rules", "rules.accord", "--write", "case.json"])
        .current_dir(&setup.dir)
        .env("NO_COLOR", "1");
    command
}

/// The case after the interview, from a run that is not interrupted.
fn new_case(test: &str) -> String {
    let setup = setup(&format!("{test}-reference"), Before::Nothing);
    let output = run_with_input(&mut interview_command(&setup), ANSWERS);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let new = fs::read_to_string(&setup.case).unwrap();
    assert_ne!(new, setup.old);
    assert_eq!(fs::read_to_string(&setup.backup).unwrap(), setup.old);
    new
}

/// What a trial found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Found {
    /// The case and the backup as they were.
    Untouched,
    /// The backup replaced, the case not yet.
    BackupOnly,
    /// Both saved.
    Saved,
}

/// Checks what is on disk after a run, however it ended: every file whole and one of the
/// contents it may have; the unrelated file untouched. Returns what it found, and whether
/// temporary files were left.
fn check_files(setup: &Setup, new: &str, what: &str) -> (Found, bool) {
    let unrelated = fs::read_to_string(&setup.unrelated).unwrap();
    assert!(unrelated == UNRELATED, "{what}: written through a link ({} bytes)", unrelated.len());
    let case = fs::read_to_string(&setup.case).unwrap();
    let case_is_new = if case == setup.old {
        false
    } else if case == new {
        true
    } else {
        panic!("{what}: the case is neither the old nor the new case ({} bytes)", case.len())
    };
    serde_json::from_str::<serde_json::Value>(&case)
        .unwrap_or_else(|e| panic!("{what}: the case is not JSON: {e}"));
    let backup = match fs::read_to_string(&setup.backup) {
        Ok(backup) => Some(backup),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => panic!("{what}: the backup cannot be read: {e}"),
    };
    let backup_is_old = match (&backup, &setup.previous) {
        (Some(backup), _) if *backup == setup.old => {
            let metadata = fs::symlink_metadata(&setup.backup).unwrap();
            assert!(metadata.file_type().is_file(), "{what}: the backup is a file of its own");
            true
        }
        (backup, previous) if backup == previous => false,
        (backup, _) => panic!(
            "{what}: the backup is neither the previous one nor the old case ({:?} bytes)",
            backup.as_ref().map(String::len)
        ),
    };
    let found = match (case_is_new, backup_is_old) {
        (false, false) => Found::Untouched,
        (false, true) => Found::BackupOnly,
        (true, true) => Found::Saved,
        (true, false) => panic!("{what}: the case was saved without its backup"),
    };
    let temporary = files_in(&setup.dir).iter().any(|name| name.starts_with(".case.json"));
    (found, temporary)
}

/// The files a save leaves, and nothing else.
fn assert_only_the_saved_files(setup: &Setup, what: &str) {
    assert_eq!(
        files_in(&setup.dir),
        ["case.json", "case.json.bak", "rules.accord", "unrelated.txt"],
        "{what}: files left"
    );
}

/// When a trial kills the interview.
#[derive(Clone, Copy, Debug)]
enum When {
    /// After a random delay, up to a little more than a whole run takes.
    AnyTime,
    /// A random moment, up to 2 ms, after its first temporary file appears.
    AtTheSave,
    /// As soon as the backup's name is seen to change (between the two renames).
    AtTheBackup,
}

/// Starts the interview and kills it as `when` says. Returns whether it was killed before
/// it ended.
fn run_and_kill(setup: &Setup, random: &mut Random, longest: Duration, when: When) -> bool {
    use std::os::unix::fs::MetadataExt;
    let backup_before = fs::symlink_metadata(&setup.backup).ok().map(|m| m.ino());
    let mut child = interview_command(setup)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary runs");
    let _ = child.stdin.take().unwrap().write_all(ANSWERS.as_bytes());
    let started = Instant::now();
    let mut wait_for = |ready: &dyn Fn() -> bool| {
        while child.try_wait().unwrap().is_none() && !ready() {
            assert!(started.elapsed() < Duration::from_secs(60), "the interview did not finish");
        }
    };
    match when {
        When::AnyTime => std::thread::sleep(Duration::from_micros(
            random.below(u64::try_from(longest.as_micros()).unwrap_or(u64::MAX)),
        )),
        When::AtTheSave => {
            wait_for(&|| has_temporary_file(&setup.dir));
            std::thread::sleep(Duration::from_micros(random.below(2000)));
        }
        When::AtTheBackup => {
            wait_for(&|| fs::symlink_metadata(&setup.backup).ok().map(|m| m.ino()) != backup_before);
        }
    }
    let killed = child.try_wait().unwrap().is_none();
    let _ = child.kill();
    let _ = child.wait();
    killed
}

fn has_temporary_file(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|entries| {
        entries.filter_map(Result::ok).any(|e| e.file_name().to_string_lossy().starts_with(".case.json"))
    })
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|value| value.trim().parse().ok())
}

#[test]
fn a_save_killed_at_any_moment_leaves_whole_files_and_the_next_save_cleans_up() {
    let trials = env_number("ACCORD_KILL_TRIALS").unwrap_or(40);
    let seed = env_number("ACCORD_KILL_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
    }) | 1;
    println!("ACCORD_KILL_SEED={seed}, {trials} trials");
    let mut random = Random(seed);
    let new = new_case("kill");
    // How long a whole run takes, to spread the kills over it.
    let started = Instant::now();
    let timing = setup("timing", Before::Backup);
    let output = run_with_input(&mut interview_command(&timing), ANSWERS);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let longest = started.elapsed().mul_f64(1.2);
    drop(timing);

    let mut found = std::collections::BTreeMap::new();
    let (mut killed, mut temporary_left) = (0, 0);
    for trial in 0..trials {
        let before = BEFORES[usize::try_from(random.below(4)).expect("below 4")];
        let when = [When::AnyTime, When::AtTheSave, When::AtTheBackup]
            [usize::try_from(random.below(3)).expect("below 3")];
        let setup = setup(&format!("trial-{trial}"), before);
        let what = format!("trial {trial} (seed {seed}, {before:?}, killed {when:?})");
        let was_killed = run_and_kill(&setup, &mut random, longest, when);
        killed += usize::from(was_killed);
        let (state, temporary) = check_files(&setup, &new, &what);
        *found.entry((format!("{when:?}"), state, was_killed)).or_insert(0) += 1;
        temporary_left += usize::from(temporary);

        // The next save, not interrupted, finishes the work and removes what the killed
        // run left behind. (A case already saved is put back as it was, by hand, so that
        // there is something to save.)
        if state == Found::Saved {
            fs::write(&setup.case, &setup.old).unwrap();
        }
        let output = run_with_input(&mut interview_command(&setup), ANSWERS);
        assert_eq!(output.status.code(), Some(0), "{what}, then saved again: {}", stderr(&output));
        let (state, temporary) = check_files(&setup, &new, &format!("{what}, then saved again"));
        assert_eq!(state, Found::Saved, "{what}, then saved again");
        assert!(!temporary, "{what}: the next save left temporary files: {:?}", files_in(&setup.dir));
        assert_only_the_saved_files(&setup, &what);
    }
    println!(
        "{trials} trials: {killed} killed before the end; temporary files left by {temporary_left}, all removed by the next save"
    );
    println!("killed | files found | killed before the end | trials");
    for ((when, state, was_killed), count) in &found {
        println!("{when} | {state:?} | {was_killed} | {count}");
    }
}

/// The size of a block for `ulimit -f` in the shell: 512 bytes for dash, 1024 for bash.
fn ulimit_block() -> u64 {
    let dir = scratch("faults", "block");
    let output = Command::new("sh")
        .args(["-c", "trap '' XFSZ; ulimit -f 1 && head -c 4096 /dev/zero > probe; true"])
        .current_dir(&dir)
        .output()
        .expect("sh runs");
    assert!(output.status.success());
    fs::metadata(dir.join("probe")).unwrap().len()
}

/// The interview run under a file size limit of `blocks` (`ulimit -f`): a write past it
/// fails with EFBIG, as on a full disk.
fn interview_with_file_limit(setup: &Setup, blocks: u64) -> Output {
    let script = format!("trap '' XFSZ; ulimit -f {blocks} && exec \"$0\" \"$@\"");
    run_with_input(
        Command::new("sh")
            .args(["-c", &script, env!("CARGO_BIN_EXE_accord")])
            .args(["interview", "--rules", "rules.accord", "--write", "case.json"])
            .current_dir(&setup.dir)
            .env("NO_COLOR", "1"),
        ANSWERS,
    )
}

/// A disk that fills up while the backup is written, or while the case is: the case and
/// the previous backup are left as they were, no temporary file is left, and the message
/// says so; with room enough, the save succeeds.
#[test]
fn a_full_disk_at_any_point_of_the_save_leaves_the_files_as_they_were() {
    let block = ulimit_block();
    let new = new_case("full");
    let old_len = old_case().len() as u64;
    let new_len = new.len() as u64;
    // Limits (in blocks): nothing may be written; part of the backup; the backup but not
    // the case (when a limit falls between their sizes); enough for both.
    let mut limits = vec![0, 1, old_len / block / 2, old_len / block - 1];
    if old_len.div_ceil(block) * block < new_len {
        limits.push(old_len.div_ceil(block));
    }
    let enough = new_len.div_ceil(block);
    limits.push(enough);
    for before in BEFORES {
        for &blocks in &limits {
            let setup = setup(&format!("full-{before:?}-{blocks}"), before);
            let what = format!("{before:?}, limit of {blocks} blocks of {block} bytes");
            let output = interview_with_file_limit(&setup, blocks);
            let (state, temporary) = check_files(&setup, &new, &what);
            assert!(!temporary, "{what}: temporary files left");
            if blocks >= enough {
                assert_eq!(output.status.code(), Some(0), "{what}: {}", stderr(&output));
                assert_eq!(state, Found::Saved, "{what}");
                assert_only_the_saved_files(&setup, &what);
            } else {
                assert_eq!(output.status.code(), Some(1), "{what}: {}", stderr(&output));
                assert_eq!(state, Found::Untouched, "{what}");
                let err = stderr(&output);
                assert!(err.contains("error: cannot save `case.json`"), "{what}: {err}");
                assert!(err.contains("File too large"), "{what}: {err}");
                let unchanged = match before {
                    Before::Nothing => "`case.json` is unchanged",
                    _ => "`case.json` and `case.json.bak` are unchanged",
                };
                assert!(err.contains(unchanged), "{what}: {err}");
            }
        }
    }
}
