//! Stage 3: a checked rule base and a case to advice.
//!
//! Conditions are evaluated in three-valued (Kleene) logic: a fact that is absent or `null`
//! is unknown, `false and unknown` is false, `true or unknown` is true, and a rule fires
//! only when its condition is true. For a rule left unknown, the engine asks about exactly
//! the unknown facts some value of which would decide it.

//!
//! The parts: `truth` (truth values and comparisons), `walk` (the one walk over a
//! condition, in the state of an `env`, with two type parameters: a `recorder`, what it
//! records of the facts read, and a `source`, where its facts come from), `flat`
//! (conditions compiled for speed), `outcomes` (every rule's outcome, overrides, the
//! unknown facts that matter), `reasons` (what advice says), `questions`, `advise`
//! (putting a report together), and `search` (the one search for a case that makes rules
//! fire, with the values `candidates` draws, for explanations and the lints). Must not
//! read files or print.

mod advise;
mod advisor;
mod candidates;
mod env;
mod explain;
mod flat;
mod outcomes;
mod plan;
mod questions;
mod reasons;
mod recorder;
#[cfg(any(test, feature = "reference"))]
#[doc(hidden)]
pub mod reference;
mod satisfy;
mod search;
mod source;
mod texts;
mod timeline;
mod truth;
mod walk;
mod words;

pub(crate) use explain::ListMatch;
pub use explain::{Explanation, Node, OutcomeKind};
pub use satisfy::{Search, Witness};
pub(crate) use texts::{TextId, Texts, text_range};

pub(crate) use crate::rulebase::FlatCondition;
pub(crate) use advise::{Draft, DraftAdvice, DraftQuestion};
pub use advisor::Advisor;
use env::{Derived, Env, Hypothesis};
use outcomes::Scratch;
pub use outcomes::{FactInstance, Outcome};
pub(crate) use plan::plan_of;
use reasons::{Top, dedup, enum_values_of, write_count, write_in_words, write_index, write_plain};
pub use truth::Truth;
use truth::{Fold, compare, compare_count, compare_dates, enum_values};
use walk::{Evaluator, MAX_FORCED_ATOMS, list_fact};

pub use crate::report::{Advice, Answer, CitedSource, Question, QuotingWork, Report, TimelineEntry};

// Work done by evaluations on this thread, counted in tests: conditions and tests
// evaluated, items of quantifiers visited, overriding outcomes looked at. Tests compare it
// across sizes of a case to hold evaluation to time in proportion to the case.
#[cfg(test)]
thread_local! {
    pub(crate) static WORK: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Counts `units` of work (see [`WORK`]); nothing outside tests.
#[inline(always)]
fn work(units: usize) {
    #[cfg(test)]
    WORK.with(|work| work.set(work.get() + units));
    let _ = units;
}
