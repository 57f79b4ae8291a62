//! `accord schema`: the case vocabulary as a JSON Schema (draft 2020-12), for editors.

use std::process::ExitCode;

use super::{Failed, RulesArg, load_rules, pretty};

/// Prints the JSON Schema of case files for the rule base.
pub fn schema(rules: &RulesArg) -> Result<ExitCode, Failed> {
    let (rule_base, _, _) = load_rules(rules)?;
    print!("{}", pretty(&accord::schema::case_schema(rule_base.vocabulary())));
    Ok(ExitCode::SUCCESS)
}
