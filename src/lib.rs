//! accord: a rule-based partnership advisor.
#![forbid(unsafe_code)]

pub mod ast;
pub mod diag;
pub mod rulebase;
pub mod value;
