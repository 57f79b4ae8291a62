//! The `accord` command: parses the command line and hands over to [`accord::cli`].
#![forbid(unsafe_code)]

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
