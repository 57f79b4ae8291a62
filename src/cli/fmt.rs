//! `accord fmt`: lays rule files out in the canonical layout ([`accord::format`]).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use accord::diag::SourceMap;
use accord::format::{FormatError, format_rule_file};

use super::{Failed, report_diagnostics};

/// The arguments of `accord fmt`.
#[derive(clap::Args)]
pub struct FmtArgs {
    /// Rule files, or folders (their `.accord` files). Default: `rules/`.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Write nothing: list the files whose layout would change, and exit with 1 if any would.
    #[arg(long)]
    check: bool,
}

/// Formats the files, or with `--check` lists those that are not formatted. A file that
/// cannot be read or does not parse is reported and left alone; the exit code is then 1.
pub fn run(args: &FmtArgs) -> Result<ExitCode, Failed> {
    let default = [PathBuf::from("rules")];
    let paths = if args.paths.is_empty() { &default[..] } else { &args.paths[..] };
    let mut failed = false;
    let mut files = Vec::new();
    let mut seen = HashSet::new();
    for path in paths {
        match accord::load::files_at(path, "accord", "rule") {
            Ok(found) => {
                for file in found {
                    if seen.insert(std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone())) {
                        files.push(file);
                    }
                }
            }
            Err(diagnostic) => {
                report_diagnostics(&[diagnostic], &SourceMap::default());
                failed = true;
            }
        }
    }
    let mut changed = Vec::new();
    let (mut unchanged, mut errors) = (0, 0);
    for file in &files {
        match format_one(file, args.check) {
            Ok(true) => changed.push(file.display().to_string()),
            Ok(false) => unchanged += 1,
            Err(Failed) => errors += 1,
        }
    }
    failed |= errors > 0;
    if args.check {
        for file in &changed {
            println!("{file}");
        }
        if !changed.is_empty() {
            let (n, are) = if changed.len() == 1 {
                ("1 file is".to_string(), "it")
            } else {
                (format!("{} files are", changed.len()), "them")
            };
            eprintln!("error: {n} not formatted; run `accord fmt` on {are} to format {are}");
        }
        return Ok(if failed || !changed.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS });
    }
    let files_word = |n: usize| if n == 1 { "file" } else { "files" };
    let not_formatted = match errors {
        0 => String::new(),
        n => format!(", {n} {} not formatted because of the errors above", files_word(n)),
    };
    println!(
        "formatted {} {} ({unchanged} already formatted{not_formatted})",
        changed.len(),
        files_word(changed.len())
    );
    for file in &changed {
        println!("  {file}");
    }
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Formats one file: returns whether its layout changes (and, unless `check`, writes it,
/// atomically). Problems are reported; the file is then left as it was.
fn format_one(path: &Path, check: bool) -> Result<bool, Failed> {
    let shown = path.display().to_string();
    super::refuse_special_file(path, &shown, "accord fmt lays out rule files: name a regular file")?;
    let (bytes, text) = super::read_file_to_rewrite(path, &shown)?;
    let formatted = match format_rule_file(&shown, &text) {
        Ok(formatted) => formatted,
        Err(FormatError::Syntax(diagnostics)) => {
            let mut sources = SourceMap::default();
            sources.add(shown.clone(), text.clone());
            report_diagnostics(&diagnostics, &sources);
            eprintln!("error: `{shown}` does not parse, so it was not formatted");
            return Err(Failed);
        }
        Err(FormatError::Bug(why)) => {
            eprintln!(
                "error: accord fmt cannot format `{shown}`: {why}. This is a bug in accord fmt \
                 (please report it with the file); the file is left as it is"
            );
            return Err(Failed);
        }
    };
    if formatted == text {
        return Ok(false);
    }
    if check {
        return Ok(true);
    }
    match accord::safe_write::replace_if_unchanged(path, &bytes, formatted.as_bytes()) {
        Ok(()) => {}
        Err(accord::safe_write::SaveError::Changed) => {
            eprintln!(
                "error: `{shown}` changed while it was being formatted, so it is left as it is now: run accord fmt again"
            );
            return Err(Failed);
        }
        Err(error) => {
            eprintln!("error: cannot write `{shown}`: {error}; the file is unchanged");
            return Err(Failed);
        }
    }
    Ok(true)
}
