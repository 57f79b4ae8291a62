//! `accord completions SHELL` and `accord man [COMMAND]`: made from the command line's own
//! definition, so every command and option `--help` lists is in them.

#![allow(clippy::panic, reason = "a test fails by panicking, with what went wrong")]

mod common;

use common::{accord, stdout};

/// The commands `accord --help` lists, as written there.
fn commands() -> Vec<String> {
    let help = stdout(&accord(&["--help"]));
    let listed = help.split("Commands:").nth(1).unwrap_or_else(|| panic!("{help}"));
    listed
        .lines()
        .skip(1)
        .take_while(|line| !line.trim().is_empty())
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn every_shell_gets_a_script_that_knows_every_command() {
    let commands = commands();
    assert!(commands.len() >= 12 && commands.iter().any(|c| c == "serve"), "{commands:?}");
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let answered = accord(&["completions", shell]);
        assert_eq!(answered.status.code(), Some(0), "{shell}");
        let script = stdout(&answered);
        for command in &commands {
            assert!(script.contains(command.as_str()), "{shell}: {command} missing");
        }
        assert!(script.contains("--output-dir"), "{shell}: an option of advise");
    }
    let bash = stdout(&accord(&["completions", "bash"]));
    assert!(bash.contains("complete -F _accord"), "a bash completion function: {bash}");
}

#[test]
fn an_unknown_shell_is_a_bad_command_line() {
    let answered = accord(&["completions", "tcsh"]);
    assert_eq!(answered.status.code(), Some(2));
    assert!(common::stderr(&answered).contains("possible values"));
}

#[test]
fn the_manual_page_lists_every_command_and_each_has_its_own() {
    let page = stdout(&accord(&["man"]));
    assert!(page.contains(".TH accord 1"), "{page}");
    for command in commands() {
        assert!(page.contains(&format!("accord\\-{}(1)", command.replace('-', "\\-"))), "{command}");
        let own = accord(&["man", &command]);
        assert_eq!(own.status.code(), Some(0), "{command}");
        let own = stdout(&own);
        assert!(own.contains(&format!(".TH accord-{command} 1  \"accord-{command} ")), "{command}: {own}");
    }
    let advise = stdout(&accord(&["man", "advise"]));
    assert!(advise.contains("\\-\\-output\\-dir"), "advise's options: {advise}");
    let unknown = accord(&["man", "nosuch"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(common::stderr(&unknown).contains("there is no command `nosuch`"));
}
