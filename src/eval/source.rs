//! Where a walk over a condition takes its facts from, chosen by a type parameter of the
//! walker so that the walk of the case as it is, the most frequent, is compiled without
//! a test of a hypothesis at each read: the case as it is ([`TheCase`]), the case with
//! values assumed or truths forced by a hypothesis ([`Assuming`]), or a search's state
//! ([`Searching`]). What is assumed stays in the walk's `Env` (its `hypothesis`), set by
//! the caller that chose the source. Must not evaluate anything: the walker does.

use super::{Env, FactInstance, Hypothesis};
use crate::value::Value;

/// Where a walk's facts come from.
pub(super) trait Source {
    /// Whether a hypothesis may assume anything: false for the case as it is, whose walk
    /// then skips every look at the hypothesis.
    const ASSUMES: bool;

    /// Whether the walk counts its work against the `Env`'s budget (`work_left`): only a
    /// search has one, and other walks skip the count at each read and item.
    const BUDGETED: bool;

    /// The value the source gives `instance` instead of the case's, if it gives one.
    fn assumed(env: &Env, instance: FactInstance) -> Option<&Value>;

    /// Whether an unknown fact may still be given a value (only in a search).
    fn still_open(env: &Env, instance: FactInstance) -> bool;
}

/// The case as it is: nothing assumed.
pub(super) enum TheCase {}

impl Source for TheCase {
    const ASSUMES: bool = false;
    const BUDGETED: bool = false;

    #[inline(always)]
    fn assumed(env: &Env, _: FactInstance) -> Option<&Value> {
        debug_assert!(env.hypothesis.is_none(), "the case as it is assumes nothing");
        None
    }

    #[inline(always)]
    fn still_open(_: &Env, _: FactInstance) -> bool {
        false
    }
}

/// The case with what a hypothesis assumes: a value given to one fact or to several, the
/// truths of the atoms reading a fact forced, or a fact known without its value.
pub(super) enum Assuming {}

impl Source for Assuming {
    const ASSUMES: bool = true;
    const BUDGETED: bool = false;

    fn assumed(env: &Env, instance: FactInstance) -> Option<&Value> {
        match &env.hypothesis {
            Some(Hypothesis::Given(fact, value)) if *fact == instance => Some(value),
            Some(Hypothesis::Values(values)) => {
                values.iter().find(|(fact, _)| *fact == instance).map(|(_, v)| v)
            }
            _ => None,
        }
    }

    fn still_open(_: &Env, _: FactInstance) -> bool {
        false
    }
}

/// A search's state: the values given so far, which unknown facts may still be given one
/// (`Hypothesis::Search`), and the work left (`Env::work_left`).
pub(super) enum Searching {}

impl Source for Searching {
    const ASSUMES: bool = true;
    const BUDGETED: bool = true;

    fn assumed(env: &Env, instance: FactInstance) -> Option<&Value> {
        match &env.hypothesis {
            Some(Hypothesis::Search { values, .. }) => {
                values.iter().find(|(fact, _)| *fact == instance).map(|(_, v)| v)
            }
            _ => None,
        }
    }

    fn still_open(env: &Env, instance: FactInstance) -> bool {
        match &env.hypothesis {
            Some(Hypothesis::Search { settled_unknown, never_given, .. }) => {
                !settled_unknown.contains(&instance) && !never_given.contains(&instance.fact)
            }
            _ => false,
        }
    }
}
