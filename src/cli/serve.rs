//! `accord serve`: finds the rule base as every command does, then runs the local web
//! page (`accord::serve`) over a folder of cases until Ctrl-C. Must not handle requests.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use accord::serve::{Options, RuleSet, Server};

use super::{Failed, RulesArg, load_rules_for_reports};

/// The options of `accord serve`.
#[derive(clap::Args)]
pub(super) struct ServeArgs {
    #[command(flatten)]
    rules: RulesArg,
    /// The folder of case files the page may read and write.
    #[arg(long, value_name = "DIR", default_value = ".")]
    cases: PathBuf,
    /// The port (the next free one is used when it is taken; 0 for any free one).
    #[arg(long, value_name = "N", default_value_t = 7878)]
    port: u16,
    /// Listen on this address instead of 127.0.0.1: the page has no login, so anyone
    /// who can reach the address can read and change the cases.
    #[arg(long, value_name = "ADDR")]
    bind: Option<IpAddr>,
}

/// Runs `accord serve`.
pub(super) fn run(args: &ServeArgs) -> Result<ExitCode, Failed> {
    let loaded = load_rules_for_reports(&args.rules)?;
    let rules = RuleSet::new(loaded.rule_base, loaded.about, loaded.source.paths());
    if let Some(ip) = args.bind.filter(|ip| !ip.is_loopback()) {
        eprintln!(
            "warning: serving on {ip}, not only this computer: the page has no login, so anyone who can reach \
             it can read and change the cases in the folder"
        );
    }
    let options = Options { rules, cases: args.cases.clone(), port: args.port, bind: args.bind };
    let server = Server::bind(options).map_err(|why| {
        eprintln!("error: {why}");
        Failed
    })?;
    println!(
        "accord is serving {} (the cases in {}); press Ctrl-C to stop",
        server.url(),
        args.cases.display()
    );
    server.run().map_err(|why| {
        eprintln!("error: {why}");
        Failed
    })?;
    Ok(ExitCode::SUCCESS)
}
