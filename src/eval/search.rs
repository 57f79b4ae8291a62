//! The one search for a case that makes rules fire: a depth-first search over values
//! given to unknown facts, one fact at a time, in a fixed order. A [`Strategy`] says at
//! each step whether the values given so far make the rules fire, cannot, or which facts
//! to try next; it also keeps the budget. Two strategies use it: "would fire if" in
//! explanations (the fewest facts changed, `explain`) and the lints' witnesses
//! (`satisfy`). Must not evaluate conditions itself or draw values: the strategies
//! evaluate, and `candidates` draws the values.

use std::borrow::Cow;

use super::FactInstance;
use crate::value::Value;

/// A search ran out of its budget before it finished.
pub(super) struct Stopped;

/// Where a search stands: facts given values, facts settled as unknown, and where the
/// choices of the next step start.
#[derive(Default)]
pub(super) struct State {
    /// Facts given values, in the order given.
    pub(super) values: Vec<(FactInstance, Value)>,
    /// Facts decided to stay unknown.
    pub(super) settled: Vec<FactInstance>,
    /// One past the index, in its step's choices, of the fact given a value last: a
    /// strategy that tries combinations rather than sequences starts its choices there.
    pub(super) next: usize,
}

/// Facts worth trying, each with the values worth trying for it.
pub(super) type Choices = [(FactInstance, Vec<Value>)];

/// What a strategy makes of the values given so far.
pub(super) enum Step<'c> {
    /// They make the rules fire.
    Found,
    /// No values given to more facts can.
    Dead,
    /// Try the facts of `choices` from index `from`, each with each of its values in turn;
    /// if `settle`, after its values, each left unknown.
    Extend {
        /// The facts and their values.
        choices: Cow<'c, Choices>,
        /// The first index to try.
        from: usize,
        /// Whether to try each fact left unknown too.
        settle: bool,
    },
}

/// How one search decides: where it has found a case, where it cannot, and what to try.
pub(super) trait Strategy<'c> {
    /// The step from `state`; `Err` once the budget is spent.
    fn step(&mut self, state: &State) -> Result<Step<'c>, Stopped>;
}

/// The first values, in the strategy's order, that make the rules fire, from `state`.
pub(super) fn first_found<'c, S: Strategy<'c>>(
    strategy: &mut S,
    state: &mut State,
) -> Result<Option<Vec<(FactInstance, Value)>>, Stopped> {
    let (choices, from, settle) = match strategy.step(state)? {
        Step::Found => return Ok(Some(state.values.clone())),
        Step::Dead => return Ok(None),
        Step::Extend { choices, from, settle } => (choices, from, settle),
    };
    for (index, (fact, values)) in choices.iter().enumerate().skip(from) {
        for value in values {
            state.values.push((*fact, value.clone()));
            let next = std::mem::replace(&mut state.next, index + 1);
            let found = first_found(strategy, state);
            state.next = next;
            state.values.pop();
            if !matches!(found, Ok(None)) {
                return found;
            }
        }
        if settle {
            state.settled.push(*fact);
            let found = first_found(strategy, state);
            state.settled.pop();
            if !matches!(found, Ok(None)) {
                return found;
            }
        }
    }
    Ok(None)
}
