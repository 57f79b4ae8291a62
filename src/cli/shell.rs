//! `accord completions SHELL` and `accord man`: the command line described for a shell's
//! completion and for `man`, both made from the same definition as `--help` (clap's), so
//! they cannot fall behind it.

use std::io::Write as _;
use std::process::ExitCode;

use clap::CommandFactory as _;
use clap_complete::Shell;

use super::{Cli, Failed};

/// Writes the completion script of `shell` to standard output.
pub(super) fn completions(shell: Shell) -> Result<ExitCode, Failed> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "accord", &mut script);
    write_out(&script)
}

/// Writes a manual page (roff) to standard output: `accord`'s (its commands, each with what
/// `--help` says of it), or with `command` that command's (`accord-advise(1)`: its
/// options and arguments), as the main page's list of commands names them.
pub(super) fn man(command: Option<&str>) -> Result<ExitCode, Failed> {
    let accord = Cli::command();
    let man = match command {
        None => clap_mangen::Man::new(accord),
        Some(name) => match accord.find_subcommand(name) {
            Some(sub) => clap_mangen::Man::new(
                sub.clone().name(format!("accord-{name}")).version(env!("CARGO_PKG_VERSION")),
            ),
            None => {
                let names: Vec<&str> = accord.get_subcommands().map(clap::Command::get_name).collect();
                eprintln!("error: there is no command `{name}`: the commands are {}", names.join(", "));
                return Ok(ExitCode::from(2));
            }
        },
    };
    let mut page = Vec::new();
    if let Err(why) = man.render(&mut page) {
        eprintln!("error: cannot write the manual page: {why}");
        return Err(Failed);
    }
    write_out(&page)
}

fn write_out(bytes: &[u8]) -> Result<ExitCode, Failed> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        // A reader that has gone (`| head`) is no failure.
        Err(why) if why.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(why) => {
            eprintln!("error: cannot write the output: {why}");
            Err(Failed)
        }
    }
}
