//! `accord fmt`: the canonical layout of rule files. The formatter must keep every file's
//! meaning (the same syntax tree) and comments, be idempotent, and never rewrite a file it
//! cannot format; the command line must list, rewrite or refuse files as documented. Tests
//! that run the binary work on copies, each in a folder of its own.
#![allow(clippy::panic, reason = "a test fails by panicking")]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

use common::{accord_in, files_in, scratch, stderr, stdout};

use accord::format::{FormatError, format_rule_file};
use accord::syntax::parse_file;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `.accord` files directly in `folder`, sorted.
fn accord_files(folder: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(root().join(folder))
        .expect("a readable folder")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "accord"))
        .collect();
    files.sort();
    files
}

fn format(path: &str, text: &str) -> String {
    match format_rule_file(path, text) {
        Ok(formatted) => formatted,
        Err(error) => panic!("{path} does not format: {error:?}"),
    }
}

/// Formatting keeps the syntax tree, and a formatted file formats to itself.
fn assert_meaning_kept_and_idempotent(path: &str, text: &str) -> String {
    let once = format(path, text);
    let (before, errors) = parse_file(path, text);
    assert!(errors.is_empty(), "{path}: {errors:?}");
    let (after, errors) = parse_file(path, &once);
    assert!(errors.is_empty(), "{path} formatted does not parse: {errors:?}\n{once}");
    assert!(after == before, "{path}: formatting changed the syntax tree");
    assert_eq!(format(path, &once), once, "{path}: formatting is not idempotent");
    once
}

#[test]
fn the_shipped_rules_are_formatted() {
    let files = accord_files("rules");
    assert!(files.len() >= 10, "{files:?}");
    for file in files {
        let text = fs::read_to_string(&file).expect("a readable rule file");
        let path = file.display().to_string();
        let formatted = assert_meaning_kept_and_idempotent(&path, &text);
        assert!(formatted == text, "{path} is not formatted: run `cargo run -- fmt`");
    }
}

#[test]
fn every_broken_rule_fixture_that_parses_keeps_its_meaning_and_formats_idempotently() {
    let mut parsed = 0;
    for file in accord_files("fixtures/bad-rules") {
        let Ok(text) = fs::read_to_string(&file) else { continue };
        let path = file.display().to_string();
        if parse_file(&path, &text).1.is_empty() {
            assert_meaning_kept_and_idempotent(&path, &text);
            parsed += 1;
        } else {
            assert!(matches!(format_rule_file(&path, &text), Err(FormatError::Syntax(_))), "{path}");
        }
    }
    assert!(parsed >= 15, "only {parsed} fixtures parse");
}

#[test]
fn a_messy_file_formats_to_the_expected_layout() {
    let messy = fs::read_to_string(root().join("fixtures/fmt/messy.accord")).unwrap();
    let expected = fs::read_to_string(root().join("fixtures/fmt/messy.formatted.accord")).unwrap();
    assert!(messy.contains('\t') && messy.contains(" \n"), "the fixture should be messy");
    let formatted = assert_meaning_kept_and_idempotent("messy.accord", &messy);
    assert_eq!(formatted, expected);
    assert_eq!(format("messy.formatted.accord", &expected), expected);
}

// ----- messing up formatted files -----

/// How many messes per file and test.
const ROUNDS: usize = 8;

/// A small deterministic generator (xorshift), so failures can be replayed.
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        usize::try_from(self.0 % n as u64).expect("below n, a usize")
    }

    fn pick<'a>(&mut self, choices: &[&'a str]) -> &'a str {
        choices[self.below(choices.len())]
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Place {
    /// Between tokens.
    Code,
    /// Inside a string.
    Str,
    /// After a comment (the run must keep a line break).
    AfterComment,
}

/// Rewrites every run of white space of `text` with `rewrite(place, run, comment_follows)`.
/// Strings are taken as plain (no interpolation holds a string in these files).
fn rewrite_space(text: &str, mut rewrite: impl FnMut(Place, &str, bool) -> String) -> String {
    let mut out = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut in_string = false;
    let mut after_comment = false;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            let start = i;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            let run: String = chars[start..i].iter().collect();
            let place = match (in_string, after_comment) {
                (true, _) => Place::Str,
                (false, true) => Place::AfterComment,
                _ => Place::Code,
            };
            let comment_follows = !in_string && chars.get(i) == Some(&'#');
            out.push_str(&rewrite(place, &run, comment_follows));
            after_comment = false;
            continue;
        }
        if in_string {
            if c == '\\' && i + 1 < chars.len() {
                out.push(c);
                out.push(chars[i + 1]);
                i += 2;
                continue;
            }
            in_string = c != '"';
        } else if c == '"' {
            in_string = true;
        } else if c == '#' {
            while i < chars.len() && chars[i] != '\n' {
                out.push(chars[i]);
                i += 1;
            }
            after_comment = true;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// The shipped rule files, the broken-rule fixtures that parse, the messy fixture, and the
/// examples of the language reference.
fn sample_files() -> Vec<(String, String)> {
    let mut files = Vec::new();
    let reference = fs::read_to_string(root().join("docs/language.md")).expect("the language reference");
    for (n, block) in reference.split("```accord\n").skip(1).enumerate() {
        let example = block.split("```").next().unwrap_or_default();
        files.push((format!("docs/language.md example {}", n + 1), example.to_string()));
    }
    assert!(files.len() >= 10, "the language reference has examples");
    files.push((
        "messy.accord".into(),
        fs::read_to_string(root().join("fixtures/fmt/messy.accord")).expect("the messy fixture reads"),
    ));
    for file in accord_files("rules").into_iter().chain(accord_files("fixtures/bad-rules")) {
        let Ok(text) = fs::read_to_string(&file) else { continue };
        let path = file.display().to_string();
        files.push((path, text));
    }
    files.retain(|(path, text)| parse_file(path, text).1.is_empty());
    files
}

/// Changing only indentation, trailing white space, spaces between tokens and the number
/// of blank lines gives back exactly the formatted file.
#[test]
fn any_indentation_and_spacing_formats_back_to_the_same_file() {
    let mut random = Random(0x5eed_1234_abcd_ef01);
    for (path, text) in sample_files() {
        let formatted = format(&path, &text);
        for round in 0..ROUNDS {
            let messy = rewrite_space(&formatted, |place, run, comment_follows| {
                let breaks = run.matches('\n').count();
                if breaks == 0 {
                    // Spaces inside a string are part of it.
                    let spaces = random.pick(&[" ", "  ", "\t", " \t "]);
                    return if place == Place::Str { run.to_string() } else { spaces.to_string() };
                }
                let trailing = random.pick(&["", " ", "\t", "   "]);
                let newlines = if breaks == 1 { 1 } else { 2 + random.below(3) };
                // A comment's indentation says which item it belongs to: keep it at column
                // 0, or not.
                let indent = if comment_follows && run.ends_with('\n') {
                    ""
                } else if comment_follows {
                    random.pick(&[" ", "  ", "\t", "      "])
                } else {
                    random.pick(&["", " ", "\t", "     ", "\t  "])
                };
                format!("{trailing}{}{indent}", "\n".repeat(newlines))
            });
            let (before, _) = parse_file(&path, &text);
            let (after, errors) = parse_file(&path, &messy);
            assert!(
                errors.is_empty() && after == before,
                "{path} round {round}: the mess changed the meaning"
            );
            assert_eq!(format(&path, &messy), formatted, "{path} round {round}:\n{messy}");
        }
    }
}

/// Any white space between tokens (line breaks anywhere, blank lines, tabs) and extra
/// comments: the formatter keeps the meaning and the comments, and is idempotent.
#[test]
fn line_breaks_and_comments_anywhere_keep_the_meaning() {
    let mut random = Random(0x0dd_ba11_cafe_f00d);
    for (path, text) in sample_files() {
        for round in 0..ROUNDS {
            let mut noise = 0;
            let messy = rewrite_space(&text, |place, run, _| match place {
                Place::Str => {
                    let breaks = run.matches('\n').count();
                    let indent = random.pick(&["", " ", "\t\t", "        "]);
                    match breaks {
                        0 => run.to_string(),
                        1 => format!("{}\n{indent}", random.pick(&["", "  "])),
                        _ => format!("\n \n{indent}"),
                    }
                }
                Place::AfterComment => random.pick(&["\n", "\n\n  ", "\n\t"]).to_string(),
                Place::Code => {
                    noise += 1;
                    let comment = format!(" # noise {noise}\n");
                    random.pick(&[" ", "\n", "\n\n", "\t", "\n   ", &comment, "  \n\n\n\t"]).to_string()
                }
            });
            let (before, _) = parse_file(&path, &text);
            let (after, errors) = parse_file(&path, &messy);
            assert!(
                errors.is_empty() && after == before,
                "{path} round {round}: the mess changed the meaning"
            );
            // `format` checks the comments and the syntax tree itself; check again here.
            assert_meaning_kept_and_idempotent(&path, &messy);
        }
    }
}

// ----- the command line -----

fn copy(from: &str, to: &Path) {
    fs::copy(root().join(from), to).expect("the fixture copies");
}

#[test]
fn check_lists_the_files_that_would_change_and_writes_nothing() {
    let dir = scratch("fmt", "check");
    let rules = dir.join("rules");
    fs::create_dir(&rules).unwrap();
    copy("fixtures/fmt/messy.accord", &rules.join("a-messy.accord"));
    copy("fixtures/fmt/messy.formatted.accord", &rules.join("b-tidy.accord"));
    copy("fixtures/fmt/messy.accord", &rules.join("c-messy.accord"));
    fs::write(rules.join("notes.txt"), "not a rule file\n").unwrap();
    let messy = fs::read(rules.join("a-messy.accord")).unwrap();

    // Default: `rules/`.
    let output = accord_in(&dir, &["fmt", "--check"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(stdout(&output), "rules/a-messy.accord\nrules/c-messy.accord\n");
    assert!(stderr(&output).contains("2 files are not formatted"), "{}", stderr(&output));
    assert_eq!(fs::read(rules.join("a-messy.accord")).unwrap(), messy);

    // Files and folders.
    let output = accord_in(&dir, &["fmt", "--check", "rules/b-tidy.accord"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "");
    let output = accord_in(&dir, &["fmt", "--check", "rules/b-tidy.accord", "rules/c-messy.accord"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "rules/c-messy.accord\n");
    assert_eq!(files_in(&rules), ["a-messy.accord", "b-tidy.accord", "c-messy.accord", "notes.txt"]);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn fmt_rewrites_the_files_that_change_and_then_check_passes() {
    let dir = scratch("fmt", "write");
    copy("fixtures/fmt/messy.accord", &dir.join("messy.accord"));
    copy("fixtures/fmt/messy.formatted.accord", &dir.join("tidy.accord"));
    let tidy_modified = fs::metadata(dir.join("tidy.accord")).unwrap().modified().unwrap();

    let output = accord_in(&dir, &["fmt", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "formatted 1 file (1 already formatted)\n  ./messy.accord\n");
    let expected = fs::read_to_string(root().join("fixtures/fmt/messy.formatted.accord")).unwrap();
    assert_eq!(fs::read_to_string(dir.join("messy.accord")).unwrap(), expected);
    // A file already formatted is not written at all.
    assert_eq!(fs::metadata(dir.join("tidy.accord")).unwrap().modified().unwrap(), tidy_modified);
    // Nothing else is left behind.
    assert_eq!(files_in(&dir), ["messy.accord", "tidy.accord"]);

    let output = accord_in(&dir, &["fmt", "--check", "."]);
    assert_eq!(output.status.code(), Some(0), "{}{}", stdout(&output), stderr(&output));
    let output = accord_in(&dir, &["fmt", "messy.accord"]);
    assert_eq!(stdout(&output), "formatted 0 files (1 already formatted)\n");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_file_that_does_not_parse_is_reported_and_left_alone() {
    let dir = scratch("fmt", "broken");
    copy("fixtures/bad-rules/E0101-expected-condition.accord", &dir.join("broken.accord"));
    copy("fixtures/fmt/messy.accord", &dir.join("messy.accord"));
    let broken = fs::read(dir.join("broken.accord")).unwrap();
    for args in [&["fmt", "--check", "."][..], &["fmt", "."][..]] {
        let output = accord_in(&dir, args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let err = stderr(&output);
        assert!(err.contains("error[E0101]") && err.contains("./broken.accord:13:"), "{err}");
        assert!(err.contains("`./broken.accord` does not parse, so it was not formatted"), "{err}");
        assert_eq!(fs::read(dir.join("broken.accord")).unwrap(), broken);
    }
    // The other file was still formatted, and the summary says what happened.
    let output = accord_in(&dir, &["fmt", "."]);
    assert!(
        stdout(&output).contains("1 file not formatted because of the errors above"),
        "{}",
        stdout(&output)
    );
    let expected = fs::read_to_string(root().join("fixtures/fmt/messy.formatted.accord")).unwrap();
    assert_eq!(fs::read_to_string(dir.join("messy.accord")).unwrap(), expected);

    // Not UTF-8, or missing: reported too.
    copy("fixtures/bad-rules/E0002-binary.accord", &dir.join("binary.accord"));
    let output = accord_in(&dir, &["fmt", "binary.accord", "missing.accord"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("error[E0002]") && err.contains("error[E0001]"), "{err}");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_bad_command_line_exits_with_2() {
    let dir = scratch("fmt", "usage");
    let output = accord_in(&dir, &["fmt", "--chekc"]);
    assert_eq!(output.status.code(), Some(2));
    fs::remove_dir_all(&dir).unwrap();
}

/// A write that really fails (the file size limit is 0, which binds root too): the original
/// stays as it was, no temporary file is left, and the exit code is 1.
#[cfg(unix)]
#[test]
fn a_failed_write_leaves_the_original_intact() {
    let dir = scratch("fmt", "atomic");
    copy("fixtures/fmt/messy.accord", &dir.join("messy.accord"));
    let original = fs::read(dir.join("messy.accord")).unwrap();
    let output = Command::new("sh")
        .args(["-c", "ulimit -f 0 && trap '' XFSZ && exec \"$0\" fmt messy.accord"])
        .arg(env!("CARGO_BIN_EXE_accord"))
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("sh runs");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("cannot write `messy.accord`") && err.contains("the file is unchanged"), "{err}");
    assert_eq!(fs::read(dir.join("messy.accord")).unwrap(), original);
    assert_eq!(files_in(&dir), ["messy.accord"]);
    assert!(stdout(&output).starts_with("formatted 0 files (0 already formatted, 1 file not formatted"));
    fs::remove_dir_all(&dir).unwrap();
}

/// A file whose lines end in a carriage return alone is formatted line by line, every
/// line kept (a comment on its first line used to swallow the rest).
#[test]
fn lines_ended_by_a_carriage_return_alone_are_formatted_as_lines() {
    let src = "# Saved by an old editor.\rsource s\r  authors \"A.\"\r  year 2000\r  title \"T\"\r";
    let formatted = accord::format::format_rule_file("cr.accord", src).expect("formats");
    assert_eq!(formatted, src.replace('\r', "\n"));
}

/// The rewritten file keeps its owner (where the process may set it: as root here) and
/// its mode; it used to belong to whoever ran `accord fmt`.
#[cfg(unix)]
#[test]
fn fmt_keeps_the_owner_and_mode_of_the_file() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = scratch("fmt", "owner");
    let file = dir.join("messy.accord");
    copy("fixtures/fmt/messy.accord", &file);
    fs::set_permissions(&file, fs::Permissions::from_mode(0o604)).unwrap();
    let mine = fs::metadata(&file).unwrap();
    let (uid, gid) = if std::os::unix::fs::chown(&file, Some(4242), Some(4343)).is_ok() {
        (4242, 4343)
    } else {
        (mine.uid(), mine.gid())
    };
    let output = accord_in(&dir, &["fmt", "messy.accord"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let expected = fs::read_to_string(root().join("fixtures/fmt/messy.formatted.accord")).unwrap();
    assert_eq!(fs::read_to_string(&file).unwrap(), expected);
    let metadata = fs::metadata(&file).unwrap();
    assert_eq!((metadata.uid(), metadata.gid()), (uid, gid));
    assert_eq!(metadata.permissions().mode() & 0o7777, 0o604);
}

/// A named pipe is not a rule file: refused at once with exit 1, with and without
/// `--check`, and left a pipe (it used to be waited on, then replaced by a regular file).
#[cfg(unix)]
#[test]
fn fmt_refuses_a_named_pipe() {
    use std::os::unix::fs::FileTypeExt;
    let dir = scratch("fmt", "fifo");
    let made = Command::new("mkfifo").arg(dir.join("pipe.accord")).status().unwrap();
    assert!(made.success());
    for args in [&["fmt", "pipe.accord"][..], &["fmt", "--check", "pipe.accord"]] {
        let output = common::run_within(
            common::accord_command(&dir).args(args),
            "",
            std::time::Duration::from_secs(60),
        )
        .unwrap_or_else(|| panic!("`accord {args:?}` did not finish"));
        assert_eq!(output.status.code(), Some(1), "{args:?}: {}", stderr(&output));
        let err = stderr(&output);
        assert!(err.contains("`pipe.accord` is not a regular file: it is a named pipe"), "{args:?}: {err}");
        assert!(fs::symlink_metadata(dir.join("pipe.accord")).unwrap().file_type().is_fifo());
        assert_eq!(files_in(&dir), ["pipe.accord"]);
    }
}

/// A temporary file left by a run killed while writing (`.NAME.tmp-PID` of a process that
/// is gone) is removed when the file is next written.
#[test]
fn fmt_removes_temporary_files_left_by_a_run_that_was_killed() {
    let dir = scratch("fmt", "stale");
    copy("fixtures/fmt/messy.accord", &dir.join("messy.accord"));
    let mut child = Command::new("true").spawn().unwrap();
    let gone = child.id();
    child.wait().unwrap();
    fs::write(dir.join(format!(".messy.accord.tmp-{gone}")), "rule half").unwrap();
    let output = accord_in(&dir, &["fmt", "messy.accord"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(files_in(&dir), ["messy.accord"]);
}
