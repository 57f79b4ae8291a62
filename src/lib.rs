//! accord: a rule-based partnership advisor.
//!
//! Policy teams write rules (`.accord` files) that carry the research behind them; accord
//! checks them once into a [`RuleBase`], then advises any number of cases (partnerships
//! described in JSON) with cited sources, and asks for the facts it is missing.
//!
//! ```
//! use accord::{Date, RuleFiles};
//!
//! // Load and check the rule base once...
//! let compiled = RuleFiles::embedded().compile();
//! let rules = compiled.rule_base.expect("the shipped rules check cleanly");
//!
//! // ...then advise as many cases as you like.
//! let case = r#"{"name": "Shire", "change": {"kind": "merger", "date": "2013-04-01"}}"#;
//! let case = accord::parse_case("shire.json", case, rules.vocabulary()).expect("a valid case");
//! let report = rules.advise(&case, Date::parse("2013-09-01").unwrap());
//! assert!(report.advice.iter().any(|a| a.title.contains("October 2014")));
//!
//! // The text report, for a reader of the advice, says its reasons in words.
//! let report = rules.advise_in_words(&case, Date::parse("2013-09-01").unwrap());
//! assert!(accord::report::to_text(&report).contains("Because: the change is a merger;"));
//! ```
#![forbid(unsafe_code)]

pub mod ast;
pub mod batch;
pub mod bib;
pub mod case;
pub mod check;
pub mod coverage;
pub mod diag;
pub mod diff;
pub mod eval;
pub mod expectations;
pub mod format;
pub mod interview;
mod json_edit;
mod json_string;
pub mod lint;
pub mod load;
pub mod lsp;
pub mod percent;
pub mod prose;
pub mod report;
pub mod rulebase;
pub mod safe_write;
pub mod schema;
pub mod serve;
pub mod shown;
pub mod snapshot;
pub mod suggest;
pub mod syntax;
pub mod value;
#[cfg(test)]
mod wcag;

pub use case::{Case, parse_case};
pub use eval::{Advice, Advisor, Answer, Question, Report, Truth};
pub use load::{Compiled, RuleFiles};
pub use rulebase::RuleBase;
pub use value::Date;
