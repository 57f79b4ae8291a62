//! The state of one walk over conditions: the items bound, the facts read, what a
//! hypothesis assumes, the derived facts worked out so far and the budget of work. Must not
//! evaluate anything: the walker does, recording here.

use super::FactInstance;
use super::recorder::Recorder;
use super::source::Source;
use crate::rulebase::{AtomId, FactId, Rule};
use crate::value::Value;

/// What an evaluation assumes about one unknown fact, to test whether it matters. Only a
/// walk whose fact source assumes looks at it: `Given`, `Values`, `Atoms` and `Known` are
/// read by the walk of `source::Assuming`, `Search` by that of `source::Searching`.
#[derive(Clone, Debug)]
pub(super) enum Hypothesis {
    /// The fact has this value.
    Given(FactInstance, Value),
    /// The facts have these values.
    Values(Vec<(FactInstance, Value)>),
    /// A search for a case: the facts given so far, and the facts settled as unknown;
    /// every other unknown fact may still be given.
    Search {
        /// Facts given values.
        values: Vec<(FactInstance, Value)>,
        /// Facts decided to stay unknown.
        settled_unknown: Vec<FactInstance>,
        /// Facts (every instance) that stay unknown throughout.
        never_given: Vec<FactId>,
    },
    /// Every atom listed that reads the fact has the truth given (for facts with too many
    /// values to try: numbers, dates, text).
    Atoms(FactInstance, Vec<(AtomId, bool)>),
    /// The fact is known, but not its value: a test of whether it is known says it is,
    /// every other test that reads it stays unknown.
    Known(FactInstance),
}

/// The state of one evaluation: bound items, facts read, and what is assumed.
#[derive(Default)]
pub(super) struct Env {
    /// For each binding: the list fact and the item's index.
    pub(super) bindings: Vec<(FactId, usize)>,
    /// Facts read, with whether they were known.
    pub(super) reads: Vec<(FactInstance, bool)>,
    /// Atoms that read the hypothesised fact.
    pub(super) atoms_reading_hypothesis: Vec<AtomId>,
    /// How many times the fact of an `Atoms` hypothesis has been read.
    pub(super) hypothesis_reads: usize,
    /// What is assumed, set by the caller that chose a fact source that assumes (see
    /// [`Hypothesis`]); kept here, not in the source type, so that the walk passes one
    /// state, and a probe reuses its buffers from one hypothesis to the next.
    pub(super) hypothesis: Option<Hypothesis>,
    /// The unknown facts read by the tests that made advice hold (those its because-lines
    /// name), across every piece of advice filled in: kept by [`Env::start`], so that
    /// the questions can leave these facts out.
    pub(super) reason_unknowns: Vec<FactInstance>,
    /// Say the reasons for advice in words (see the `words` module), and name an item
    /// without a name in words.
    pub(super) in_words: bool,
    /// The derived facts evaluated so far. A derived fact binds no item, so within one
    /// evaluation (one hypothesis) its value never changes: derived facts that each use the
    /// one below twice would otherwise be evaluated a number of times exponential in their
    /// depth.
    /// The derived facts evaluated so far, by id (`None` where not yet): a vector, not a
    /// map, since hashing their ids cost more than evaluating them.
    pub(super) derived: Vec<Option<Derived>>,
    /// The ids set in `derived`, to clear them without a pass over every definition.
    pub(super) derived_set: Vec<usize>,
    /// The work the evaluation may still do, in facts read and items visited (`None`: no
    /// limit), counted by a walk of a budgeted fact source (`source::Searching`). Only the
    /// case search sets one: a condition of quantifiers nested tens deep
    /// evaluates its body once per combination of items, and the search, which evaluates
    /// many cases, would otherwise run for hours and record gigabytes of reads.
    pub(super) work_left: Option<usize>,
    /// Set when `work_left` ran out: the evaluation stopped early, and its truth means
    /// nothing.
    pub(super) out_of_work: bool,
}

/// A derived fact evaluated once in an [`Env`], and what evaluating it recorded, to record
/// again at each later use.
#[derive(Clone)]
pub(super) struct Derived {
    pub(super) value: Option<Value>,
    /// The facts read, each once, in the order first read.
    pub(super) reads: Vec<(FactInstance, bool)>,
    /// Atoms that read the hypothesised fact.
    pub(super) atoms: Vec<AtomId>,
}

impl Env {
    /// Starts evaluating `rule` (for `item`), reusing the buffers of earlier evaluations.
    pub(super) fn start(&mut self, rule: &Rule, item: Option<usize>) {
        self.start_bound(rule.for_each.zip(item));
    }

    /// Starts an evaluation with `binding` (a list and the index of its item) bound, or
    /// none, reusing the buffers of earlier evaluations.
    pub(super) fn start_bound(&mut self, binding: Option<(FactId, usize)>) {
        self.bindings.clear();
        self.reads.clear();
        self.atoms_reading_hypothesis.clear();
        self.hypothesis_reads = 0;
        self.hypothesis = None;
        for id in self.derived_set.drain(..) {
            self.derived[id] = None;
        }
        self.bindings.extend(binding);
        self.work_left = None;
        self.out_of_work = false;
    }

    /// Counts one unit of work: false once the evaluation's budget is spent (and from then
    /// on), when the evaluation should stop. Only a search has a budget: other walks count
    /// nothing.
    #[inline]
    pub(super) fn spend<S: Source>(&mut self) -> bool {
        if !S::BUDGETED {
            return true;
        }
        match &mut self.work_left {
            None => true,
            Some(0) => {
                self.out_of_work = true;
                false
            }
            Some(left) => {
                *left -= 1;
                true
            }
        }
    }

    /// Records again the reads a derived fact made when it was worked out.
    pub(super) fn record_all<R: Recorder, S: Source>(&mut self, reads: &[(FactInstance, bool)]) {
        for &(instance, known) in reads {
            self.record::<R, S>(instance, known);
        }
    }

    /// Records that a fact was read, and whether it was known (kept if `R` keeps reads).
    #[inline]
    pub(super) fn record<R: Recorder, S: Source>(&mut self, instance: FactInstance, known: bool) {
        // Past its budget, an evaluation's reads are not kept: they would only fill memory.
        if !self.spend::<S>() {
            return;
        }
        if R::KEEPS_READS {
            self.reads.push((instance, known));
        }
        if S::ASSUMES
            && let Some(Hypothesis::Atoms(fact, _) | Hypothesis::Known(fact)) = &self.hypothesis
            && *fact == instance
        {
            self.hypothesis_reads += 1;
        }
    }
}
