//! Flat conditions evaluated for a case: each leaf's truth worked out once per outcome,
//! the unknown facts that matter found by recomputing only the leaves that read them, and
//! truths under a hypothesis. Must not plan: the conditions are flattened once, in `flat`.

use super::{Evaluated, Prefix};
use crate::ast::Quantifier;
use crate::eval::recorder::{FactsRead, Nothing};
use crate::eval::source::{Assuming, TheCase};
use crate::eval::{
    Env, Evaluator, FactInstance, Fold, Hypothesis, MAX_FORCED_ATOMS, Outcome, Truth, enum_values, work,
};
use crate::rulebase::{AtomId, FactId, Rule, RuleId, Type};
use crate::rulebase::{FlatCondition, Leaf, LeafTest, Read};
use crate::value::Value;

/// Buffers for evaluating flat conditions, reused from one outcome to the next.
#[derive(Default)]
pub(crate) struct FlatScratch {
    /// The leaves in the case as it is.
    evaluated: Evaluated,
    /// The unknown facts each leaf read, with the leaf, in the order read. Every read of a
    /// fact finds the same value, so a fact read as unknown is never read as known: only
    /// the unknown reads are kept, as only they are ever asked about.
    unknown_reads: Vec<(usize, FactInstance)>,
    /// Each leaf's truth under a hypothesis.
    hypothetical: Vec<Truth>,
    /// The leaves that read the fact a hypothesis is about.
    reading: Vec<usize>,
    /// Their atoms' ids, each once.
    atoms: Vec<AtomId>,
    /// The unknown facts an outcome has tried.
    tried: Vec<FactInstance>,
    /// Those of them some value of which changes the outcome.
    relevant: Vec<FactInstance>,
    /// Where an outcome read many unknown facts (a quantifier over a long list): each
    /// (fact, leaf) read, sorted, so that the leaves reading a fact are found by bisection
    /// rather than by a pass over every read (which made questions quadratic in the list).
    by_fact: Vec<(FactInstance, usize)>,
    /// For each quantified leaf of the outcome, the truths of its test over the items, as
    /// counted when first needed: a hypothesis about one item's field then gives the
    /// leaf's truth without a pass over the list.
    quantified: Vec<Option<Tally>>,
}

/// How many items of a list a quantified leaf's test finds true, false and unknown.
#[derive(Clone, Copy, Debug, Default)]
struct Tally {
    true_: usize,
    false_: usize,
    unknown: usize,
}

impl Tally {
    fn add(&mut self, truth: Truth, by: isize) {
        let count = match truth {
            Truth::True => &mut self.true_,
            Truth::False => &mut self.false_,
            Truth::Unknown => &mut self.unknown,
        };
        *count = count.wrapping_add_signed(by);
    }

    /// The quantifier's truth over items with these truths.
    fn truth(&self, quantifier: Quantifier) -> Truth {
        Fold::of_counts(quantifier, self.true_, self.false_, self.unknown)
    }
}

/// Unknown reads an outcome may have before the leaves reading each fact are found by
/// bisection in a sorted copy rather than by a pass over them all.
const MANY_READS: usize = 32;

/// The values a hypothesis gives a true-or-false fact.
const TRUE: Value = Value::Bool(true);
const FALSE: Value = Value::Bool(false);

/// One rule (for one item) being evaluated: its condition and where it reads.
#[derive(Clone, Copy)]
struct Subject<'r> {
    rule: &'r Rule,
    item: Option<usize>,
    condition: &'r FlatCondition,
}

impl Evaluator<'_> {
    /// The outcome of a rule whose condition is flat: each leaf evaluated once, noting the
    /// unknown facts it reads; then, for questions, each of those facts tried under the
    /// hypotheses [`Evaluator::some_value_gives`] would try, recomputing only the leaves
    /// that read it.
    pub(crate) fn flat_outcome(
        &self,
        index: RuleId,
        item: Option<usize>,
        condition: &FlatCondition,
        with_questions: bool,
        scratch: &mut crate::eval::Scratch,
    ) -> Outcome {
        let rule = self.rule_base.rule(index);
        let subject = Subject { rule, item, condition };
        let crate::eval::Scratch { env, probe, flat, .. } = scratch;
        let tests_presence = self.rule_base.plan.rules[index.0].tests_presence;
        // Without questions to find, or where a decided condition asks none, evaluation
        // stops once the first leaves decide the condition.
        let may_stop = !with_questions || !tests_presence;
        let (truth, all_leaves) = self.leaf_truths(subject, may_stop, env, flat);
        // Three-valued logic is monotone: a decided condition stays decided whatever an
        // unknown fact turns out to be, except through a test of whether it is known.
        let may_change = truth == Truth::Unknown || tests_presence;
        let relevant_unknowns = if with_questions && may_change && all_leaves {
            self.flat_relevant_unknowns(subject, truth, probe, flat)
        } else {
            Vec::new()
        };
        Outcome { rule: index, item, truth, relevant_unknowns, overridden_by: None }
    }

    /// Evaluates the leaves in order, keeping their truths and the unknown facts they read
    /// in `flat`, and gives the condition's truth, and whether every leaf was evaluated:
    /// with `may_stop`, evaluation stops at the first leaves that decide it true or false.
    /// Inlined, with each leaf's truth: this loop is the hot path of outcomes, and calls
    /// per outcome and per leaf cost more than the tests themselves.
    #[inline(always)]
    fn leaf_truths(
        &self,
        subject: Subject<'_>,
        may_stop: bool,
        env: &mut Env,
        flat: &mut FlatScratch,
    ) -> (Truth, bool) {
        let condition = subject.condition;
        if condition.walks {
            env.start(subject.rule, subject.item);
        }
        let FlatScratch { evaluated, unknown_reads, .. } = flat;
        evaluated.truths.clear();
        unknown_reads.clear();
        let mut prefix = Prefix::new();
        for (at, leaf) in condition.leaves.iter().enumerate() {
            let truth = self.leaf_truth(leaf, (at, subject.item), env, unknown_reads);
            evaluated.truths.push(truth);
            if condition.table.is_some() {
                prefix.push(truth);
                if may_stop && let Some(truth) = condition.decided_by(&prefix) {
                    return (truth, false);
                }
            }
        }
        evaluated.index = prefix.index;
        let truth = match &condition.table {
            Some(table) => table[prefix.index],
            None => condition.skeleton.truth(&evaluated.truths),
        };
        (truth, true)
    }

    /// The unknown facts read (noted in `flat` by [`Evaluator::leaf_truths`]) some value of
    /// which changes the condition from `now`, in the order first read. Never inlined: few
    /// outcomes need it, and inlined, it made every outcome set up for its work.
    #[inline(never)]
    fn flat_relevant_unknowns(
        &self,
        subject: Subject<'_>,
        now: Truth,
        probe: &mut Env,
        flat: &mut FlatScratch,
    ) -> Vec<FactInstance> {
        // Each unknown fact is tried at its first read. The relevant ones are gathered in
        // a buffer and copied out once: growing the outcome's vector a fact at a time cost
        // more than the copy.
        let mut tried = std::mem::take(&mut flat.tried);
        let mut relevant = std::mem::take(&mut flat.relevant);
        tried.clear();
        relevant.clear();
        flat.quantified.clear();
        flat.quantified.resize(subject.condition.leaves.len(), None);
        let many = flat.unknown_reads.len() > MANY_READS;
        if many {
            flat.by_fact.clear();
            flat.by_fact.extend(flat.unknown_reads.iter().map(|&(leaf, fact)| (fact, leaf)));
            flat.by_fact.sort_unstable();
            flat.by_fact.dedup();
        }
        for read in 0..flat.unknown_reads.len() {
            work(1);
            let (_, fact) = flat.unknown_reads[read];
            // The leaves that read the fact; the reads are in leaf order, so a leaf's
            // repeated reads are neighbours.
            flat.reading.clear();
            if many {
                let first = flat.by_fact.partition_point(|(read, _)| *read < fact);
                let leaves = flat.by_fact[first..].iter().take_while(|(read, _)| *read == fact);
                let leaves: Vec<usize> = leaves.map(|(_, leaf)| *leaf).collect();
                // Tried already: its leaves were marked when it was.
                if leaves.is_empty() || flat.by_fact[first].1 == usize::MAX {
                    continue;
                }
                flat.reading.extend(leaves);
                for entry in &mut flat.by_fact[first..first + flat.reading.len()] {
                    entry.1 = usize::MAX;
                }
            } else {
                if tried.contains(&fact) {
                    continue;
                }
                tried.push(fact);
                let reading =
                    flat.unknown_reads.iter().filter(|(_, read)| *read == fact).map(|(leaf, _)| *leaf);
                flat.reading.extend(reading);
                flat.reading.dedup();
            }
            if self.flat_could_change(subject, fact, now, probe, flat) {
                relevant.push(fact);
            }
        }
        let outcome_unknowns = relevant.clone();
        flat.tried = tried;
        flat.relevant = relevant;
        outcome_unknowns
    }

    /// The truth of a flat condition with `fact` given `value`, every leaf evaluated.
    pub(crate) fn flat_truth_given(
        &self,
        rule: &Rule,
        item: Option<usize>,
        condition: &FlatCondition,
        (fact, value): (FactInstance, &Value),
        probe: &mut Env,
        truths: &mut Vec<Truth>,
    ) -> Truth {
        let subject = Subject { rule, item, condition };
        truths.clear();
        for leaf in &condition.leaves {
            let truth = self.leaf_truth_given(subject, leaf, (fact, value), probe);
            truths.push(truth);
        }
        condition.truth(truths)
    }

    /// Whether some value of `fact` changes the condition from `now`: the values tried are
    /// those [`Evaluator::some_value_gives`] tries, with the same answer.
    fn flat_could_change(
        &self,
        subject: Subject<'_>,
        fact: FactInstance,
        now: Truth,
        probe: &mut Env,
        flat: &mut FlatScratch,
    ) -> bool {
        // A leaf that did not read the fact reads the same values under the hypothesis, so
        // keeps its truth: only those in `reading` (the caller's) are evaluated again.
        let FlatScratch { evaluated, hypothetical, reading, atoms, quantified, .. } = flat;
        let condition = subject.condition;
        if let [leaf] = reading[..]
            && !condition.leaf_can_change(evaluated, leaf)
        {
            return false;
        }
        // A leaf the evaluator walks (a derived fact, say) is costly to walk again for every
        // value: first the fact known, its value not, which, where it decides the condition,
        // decides it for every value (see `Evaluator::some_value_gives`).
        if reading.iter().any(|&i| matches!(condition.leaves[i].test, LeafTest::Nested(_))) {
            let truth = self.truth_under(subject.rule, subject.item, Hypothesis::Known(fact), probe);
            if truth != Truth::Unknown {
                return truth != now;
            }
        }
        let mut changes = |value: &Value| {
            let truth_of = |i: usize| {
                let leaf = &condition.leaves[i];
                match self.quantified_given(leaf, &mut quantified[i], (fact, value)) {
                    Some(truth) => truth,
                    None => self.leaf_truth_given(subject, leaf, (fact, value), probe),
                }
            };
            condition.truth_with(evaluated, reading, truth_of, hypothetical) != now
        };
        match &self.vocabulary().fact(fact.fact).ty {
            // Constants, not temporaries: dropping a temporary `Value` is a call.
            Type::Bool => [&TRUE, &FALSE].into_iter().any(changes),
            Type::Enum(values) => enum_values(values.len()).any(|value| changes(&value)),
            Type::Records(_) => changes(&Value::Records(Vec::new())),
            Type::Text | Type::Number | Type::Date | Type::TextList => {
                let forced_inside =
                    |test: &LeafTest| matches!(test, LeafTest::Nested(_) | LeafTest::Quantified { .. });
                if reading.iter().any(|&i| forced_inside(&subject.condition.leaves[i].test)) {
                    // The atoms to force are inside a leaf, tested for some items only: walk
                    // the whole condition.
                    return self.could_change(subject.rule, subject.item, fact, now, probe);
                }
                // Every combination of truths of the atoms that read the fact.
                atoms.clear();
                atoms.extend(reading.iter().map(|&i| subject.condition.leaves[i].id));
                atoms.sort_unstable();
                atoms.dedup();
                if atoms.len() > MAX_FORCED_ATOMS {
                    return true;
                }
                (0..1u32 << atoms.len()).any(|bits| {
                    let forced = |i: usize| {
                        let id = condition.leaves[i].id;
                        let bit =
                            atoms.iter().position(|atom| *atom == id).expect("every reading atom is listed");
                        if bits & (1 << bit) != 0 { Truth::True } else { Truth::False }
                    };
                    condition.truth_with(evaluated, reading, forced, hypothetical) != now
                })
            }
        }
    }

    /// Leaf `at`'s truth (for the rule's `item`) in the case as it is, noting the unknown
    /// facts it reads in `unknown_reads`; `env` is started for the rule and item if the
    /// condition [walks](FlatCondition::walks) some leaf. Inlined into
    /// [`Evaluator::leaf_truths`].
    #[inline(always)]
    fn leaf_truth(
        &self,
        leaf: &Leaf,
        (at, item): (usize, Option<usize>),
        env: &mut Env,
        unknown_reads: &mut Vec<(usize, FactInstance)>,
    ) -> Truth {
        let walked = match &leaf.test {
            LeafTest::General(test) => self.test::<FactsRead, TheCase>(test, env),
            LeafTest::Nested(expr) => self.truth::<FactsRead, TheCase>(expr, env),
            LeafTest::Quantified { quantifier, list, body } => {
                let read = |instance: FactInstance| {
                    let value = self.stored(instance);
                    if value.is_none() {
                        unknown_reads.push((at, instance));
                    }
                    value
                };
                return self.quantified_leaf(*quantifier, *list, body, read);
            }
            test => {
                let read = test.read().expect("only specialised leaves are left");
                let value = self.stored_at(read, item);
                if value.is_none() {
                    unknown_reads.push((at, read.instance(item)));
                }
                return test.truth(value, self.as_of);
            }
        };
        // The walk recorded its reads in `env`: keep the unknown ones, as this leaf's.
        let reads = env.reads.drain(..);
        unknown_reads.extend(reads.filter(|(_, known)| !known).map(|(instance, _)| (at, instance)));
        walked
    }

    /// A specialised leaf's truth in the case as it is, recording its one read in `env`:
    /// the read the tree walk of its atom records. Inlined: it is the hot path of outcomes.
    #[inline(always)]
    pub(crate) fn specialised_truth(&self, test: &LeafTest, item: Option<usize>, env: &mut Env) -> Truth {
        let read = test.read().expect("only specialised leaves read one fact");
        let value = self.stored_at(read, item);
        env.record::<FactsRead, TheCase>(read.instance(item), value.is_some());
        test.truth(value, self.as_of)
    }

    /// A leaf's truth with `fact` given `value`.
    fn leaf_truth_given(
        &self,
        subject: Subject<'_>,
        leaf: &Leaf,
        (fact, value): (FactInstance, &Value),
        probe: &mut Env,
    ) -> Truth {
        work(1);
        match &leaf.test {
            LeafTest::General(test) => {
                self.start_given(subject, (fact, value), probe);
                self.test::<Nothing, Assuming>(test, probe)
            }
            LeafTest::Nested(expr) => {
                self.start_given(subject, (fact, value), probe);
                self.truth::<Nothing, Assuming>(expr, probe)
            }
            LeafTest::Quantified { quantifier, list, body } => {
                let read = |instance| if instance == fact { Some(value) } else { self.stored(instance) };
                self.quantified_leaf(*quantifier, *list, body, read)
            }
            test => {
                let read = test.read().expect("only specialised leaves are left");
                let instance = read.instance(subject.item);
                let value = if instance == fact { Some(value) } else { self.stored_at(read, subject.item) };
                test.truth(value, self.as_of)
            }
        }
    }

    /// The truth of `any`/`all` over the items of `list`, each tested by `body`; `read`
    /// gives (and records) each fact's value: the list's, then each item's in order.
    fn quantified_leaf<'v>(
        &self,
        quantifier: Quantifier,
        list: FactId,
        body: &LeafTest,
        mut read: impl FnMut(FactInstance) -> Option<&'v Value>,
    ) -> Truth {
        let len = match read(FactInstance { fact: list, item: None }) {
            Some(Value::Records(items)) => items.len(),
            _ => return Truth::Unknown,
        };
        let field = body.read().expect("a quantified leaf's test reads one field").fact;
        work(len);
        let mut fold = Fold::new(quantifier);
        for item in 0..len {
            fold.add(body.truth(read(FactInstance { fact: field, item: Some(item) }), self.as_of));
        }
        fold.truth()
    }

    /// A quantified leaf's truth with one item's field, `fact`, given `value`, from the
    /// tally of its test over the items in the case as it is (counted into `tally` the
    /// first time): no pass over the list for each item's hypothesis. `None` for any
    /// other leaf or hypothesis.
    fn quantified_given(
        &self,
        leaf: &Leaf,
        tally: &mut Option<Tally>,
        (fact, value): (FactInstance, &Value),
    ) -> Option<Truth> {
        let LeafTest::Quantified { quantifier, list, body } = &leaf.test else { return None };
        let field = body.read()?.fact;
        let item = fact.item.filter(|_| fact.fact == field)?;
        let Some(Value::Records(items)) = self.stored(FactInstance { fact: *list, item: None }) else {
            return None;
        };
        let truth_of =
            |item: usize| body.truth(self.stored(FactInstance { fact: field, item: Some(item) }), self.as_of);
        let counted = tally.get_or_insert_with(|| {
            let mut tally = Tally::default();
            (0..items.len()).for_each(|item| tally.add(truth_of(item), 1));
            tally
        });
        if item >= items.len() {
            return None;
        }
        let mut given = *counted;
        given.add(truth_of(item), -1);
        given.add(body.truth(Some(value), self.as_of), 1);
        Some(given.truth(*quantifier))
    }

    /// Starts `probe` for evaluating a leaf quickly with `fact` given `value`.
    fn start_given(&self, subject: Subject<'_>, (fact, value): (FactInstance, &Value), probe: &mut Env) {
        probe.start(subject.rule, subject.item);
        probe.hypothesis = Some(Hypothesis::Given(fact, value.clone()));
    }

    /// The value of the fact `read` reads (for the rule's `item`), if the case gives one.
    fn stored_at(&self, read: Read, item: Option<usize>) -> Option<&Value> {
        self.stored_by(read.plan, if read.of_item { item } else { None })
    }
}
