//! The walk over a rule's condition (the tree as checked): reading facts from the case or
//! a hypothesis, values, derived facts, counts and quantifiers, tests, and the three-valued
//! truth of conditions. Must not decide what to ask or write: its callers do.

use std::borrow::Cow;

use super::recorder::{FactsRead, Recorder};
use super::source::Source;
use super::{Derived, Env, FactInstance, Fold, Hypothesis, Truth, compare, compare_count, work};
use crate::ast::{CompareOp, Quantifier};
use crate::case::Case;
use crate::rulebase::FactPlan;
use crate::rulebase::{Atom, DefinitionId, Expr, FactId, Haystack, Rule, RuleBase, Test, Type, Vocabulary};
use crate::value::{Date, Value, add_numbers};

pub(super) struct Evaluator<'a> {
    pub(super) rule_base: &'a RuleBase,
    pub(super) case: &'a Case,
    pub(super) as_of: Date,
    /// The derived facts of the case as it is, by id, worked out once for every rule and
    /// every hypothesis that leaves the facts they read alone (see [`Evaluator::derived`]):
    /// the stage of a change is read by most rules, and worked out again for each, and for
    /// each value tried of each unknown fact, it cost more than all else.
    pub(super) case_derived: std::cell::RefCell<Vec<Option<Derived>>>,
}

/// The most atoms of one rule reading one fact whose truths are tried together.
pub(super) const MAX_FORCED_ATOMS: usize = 8;

impl<'a> Evaluator<'a> {
    pub(super) fn new(rule_base: &'a RuleBase, case: &'a Case, as_of: Date) -> Self {
        Evaluator { rule_base, case, as_of, case_derived: Default::default() }
    }

    pub(super) fn vocabulary(&self) -> &Vocabulary {
        &self.rule_base.vocabulary
    }

    pub(super) fn env_for(&self, rule: &Rule, item: Option<usize>) -> Env {
        let mut env = Env::default();
        env.start(rule, item);
        env
    }

    /// How many items a `for each` rule's list has in the case (`None`: the list is
    /// unknown).
    pub(super) fn items_of(&self, list: FactId) -> Option<usize> {
        // As `list_len` finds it with nothing assumed, without an `Env` to record in.
        match self.stored(FactInstance { fact: list, item: None }) {
            Some(Value::Records(items)) => Some(items.len()),
            Some(Value::TextList(items)) => Some(items.len()),
            _ => None,
        }
    }
    // ----- reading facts -----

    pub(super) fn instance(&self, fact: FactId, env: &Env, binding: Option<usize>) -> FactInstance {
        FactInstance { fact, item: binding.map(|b| env.bindings[b].1) }
    }

    /// The value of a fact instance, recording the read: borrowed from the case, or a
    /// copy of the value a hypothesis assumes (a small one, but for searches).
    pub(super) fn read<R: Recorder, S: Source>(
        &self,
        instance: FactInstance,
        env: &mut Env,
    ) -> Option<Cow<'a, Value>> {
        if let Some(value) = S::assumed(env, instance) {
            let value = value.clone();
            env.record::<R, S>(instance, true);
            return Some(Cow::Owned(value));
        }
        let value = self.stored(instance);
        env.record::<R, S>(instance, value.is_some());
        value.map(Cow::Borrowed)
    }

    pub(super) fn stored(&self, instance: FactInstance) -> Option<&'a Value> {
        self.stored_by(self.rule_base.plan.facts[instance.fact.0], instance.item)
    }

    /// The value of the fact whose plan is `plan` (for a field, of item `item`), if the
    /// case gives one.
    #[inline(always)]
    pub(super) fn stored_by(&self, plan: FactPlan, item: Option<usize>) -> Option<&'a Value> {
        let value = self.case.value(plan.case_slot);
        let Some(field) = plan.field_slot else { return value };
        let Some(Value::Records(records)) = value else { return None };
        records.get(item?)?.get(field)?.as_ref()
    }

    /// The number of items of a list, without copying them.
    pub(super) fn list_len<R: Recorder, S: Source>(&self, list: &Expr, env: &mut Env) -> Option<usize> {
        if let Expr::Fact(id) = list
            && self.rule_base.plan.facts[id.0].records
        {
            let instance = FactInstance { fact: *id, item: None };
            if let Some(Value::Records(records)) = S::assumed(env, instance) {
                return Some(records.len());
            }
            let len = match self.stored(instance) {
                Some(Value::Records(records)) => Some(records.len()),
                _ => None,
            };
            env.record::<R, S>(instance, len.is_some());
            return len;
        }
        match self.value::<R, S>(list, env)?.as_ref() {
            Value::TextList(items) => Some(items.len()),
            _ => None,
        }
    }

    // ----- values -----

    /// The value of an expression: borrowed where it is stored (in the case or the rule
    /// base), owned where it is computed.
    pub(super) fn value<'e, R: Recorder, S: Source>(
        &self,
        expr: &'e Expr,
        env: &mut Env,
    ) -> Option<Cow<'e, Value>>
    where
        'a: 'e,
    {
        match expr {
            Expr::Const(value) => Some(Cow::Borrowed(value)),
            Expr::Fact(id) => self.read::<R, S>(self.instance(*id, env, None), env),
            Expr::Field { binding, fact } => {
                self.read::<R, S>(self.instance(*fact, env, Some(*binding)), env)
            }
            Expr::Item { binding } => {
                let (list, index) = env.bindings[*binding];
                match self.read::<R, S>(FactInstance { fact: list, item: None }, env)?.as_ref() {
                    Value::TextList(items) => {
                        items.get(index).cloned().map(|item| Cow::Owned(Value::Text(item)))
                    }
                    _ => None,
                }
            }
            Expr::AsOf => Some(Cow::Owned(Value::Date(self.as_of))),
            Expr::Derived(id) => self.derived::<R, S>(*id, env).map(Cow::Owned),
            Expr::Words(index) => Some(Cow::Borrowed(self.rule_base.words[*index].on(self.as_of))),
            Expr::Extreme { highest, list, binding, value } => {
                self.extreme::<R, S>(*highest, list, *binding, value, env)
            }
            Expr::Count { list, binding, filter } => {
                self.count::<R, S>(list, *binding, filter.as_deref(), env).map(Cow::Owned)
            }
            Expr::DatePlus { date, duration, minus } => {
                self.date_plus::<R, S>(date, duration, *minus, env).map(Cow::Owned)
            }
            Expr::NumberPlus { lhs, rhs, minus } => {
                self.number_plus::<R, S>(lhs, rhs, *minus, env).map(Cow::Owned)
            }
            Expr::MonthsBetween { from, to } => self.months_between::<R, S>(from, to, env).map(Cow::Owned),
            // Listed, not caught by `_`: a new kind of expression must be placed here or in
            // `truth`, or the two would hand it to each other for ever.
            Expr::Atom(_) | Expr::And(..) | Expr::Or(..) | Expr::Not(_) | Expr::Quantified { .. } => {
                match self.truth::<R, S>(expr, env) {
                    Truth::True => Some(Cow::Owned(Value::Bool(true))),
                    Truth::False => Some(Cow::Owned(Value::Bool(false))),
                    Truth::Unknown => None,
                }
            }
        }
    }

    /// `date ± duration`: unknown when an operand is (the duration is not read when the
    /// date is unknown), and past either end of the calendar as `Date::plus` says.
    fn date_plus<R: Recorder, S: Source>(
        &self,
        date: &Expr,
        duration: &Expr,
        minus: bool,
        env: &mut Env,
    ) -> Option<Value> {
        let (date, duration) = (self.value::<R, S>(date, env)?, self.value::<R, S>(duration, env)?);
        let (&Value::Date(date), &Value::Duration(mut duration)) = (&*date, &*duration) else {
            return None;
        };
        if minus {
            duration.amount = -duration.amount;
        }
        date.plus(duration).map(Value::Date)
    }

    /// `number ± number`: unknown when an operand is, and when the sum is past the largest
    /// number.
    fn number_plus<R: Recorder, S: Source>(
        &self,
        lhs: &Expr,
        rhs: &Expr,
        minus: bool,
        env: &mut Env,
    ) -> Option<Value> {
        let (lhs, rhs) = (self.value::<R, S>(lhs, env)?, self.value::<R, S>(rhs, env)?);
        let (&Value::Number(a), &Value::Number(b)) = (&*lhs, &*rhs) else { return None };
        add_numbers(a, b, minus).map(Value::Number)
    }

    /// `months between FROM and TO`: unknown when either date is.
    fn months_between<R: Recorder, S: Source>(&self, from: &Expr, to: &Expr, env: &mut Env) -> Option<Value> {
        let (from, to) = (self.value::<R, S>(from, env)?, self.value::<R, S>(to, env)?);
        let (&Value::Date(from), &Value::Date(to)) = (&*from, &*to) else { return None };
        Some(Value::Number(from.months_until(to) as f64))
    }

    /// A derived fact's value: evaluated at its first use in `env`, then recalled, with the
    /// reads it recorded recorded again.
    pub(super) fn derived<R: Recorder, S: Source>(
        &self,
        DefinitionId(id): DefinitionId,
        env: &mut Env,
    ) -> Option<Value> {
        if let Some(value) = self.case_derived::<R, S>(id, env) {
            return value;
        }
        // Taken out while its reads are recorded again, and put back.
        if let Some(known) = env.derived.get_mut(id).and_then(Option::take) {
            // Recorded as if read again: the reads (when recording) and the count of reads
            // of a hypothesised fact.
            env.record_all::<R, S>(&known.reads);
            env.atoms_reading_hypothesis.extend_from_slice(&known.atoms);
            let value = known.value.clone();
            env.derived[id] = Some(known);
            return value;
        }
        // Every read is recorded, whatever the evaluation records, so that a later use
        // replays them all: a derived fact first met in a quick evaluation may be met again
        // in one that records.
        let (reads_before, atoms_before) = (env.reads.len(), env.atoms_reading_hypothesis.len());
        // A derived fact binds no item: evaluate it on a stack of its own.
        let outer = std::mem::take(&mut env.bindings);
        let value =
            self.value::<FactsRead, S>(&self.rule_base.definitions[id].expr, env).map(Cow::into_owned);
        env.bindings = outer;
        // Each fact once, in the order first read: a derived fact reads a few facts, and a
        // search of those few costs less than hashing them.
        let mut reads: Vec<(FactInstance, bool)> = Vec::new();
        for read in &env.reads[reads_before..] {
            if !reads.contains(read) {
                reads.push(*read);
            }
        }
        if !R::KEEPS_READS {
            env.reads.truncate(reads_before);
        }
        let atoms = env.atoms_reading_hypothesis[atoms_before..].to_vec();
        if env.derived.len() <= id {
            env.derived.resize_with(id + 1, || None);
        }
        let derived = Derived { value: value.clone(), reads, atoms };
        if env.hypothesis.is_none() {
            let mut case_derived = self.case_derived.borrow_mut();
            if case_derived.len() <= id {
                case_derived.resize_with(id + 1, || None);
            }
            case_derived[id] = Some(derived.clone());
        }
        env.derived[id] = Some(derived);
        env.derived_set.push(id);
        value
    }

    /// A derived fact's value in the case as it is, if it has been worked out and `env`'s
    /// hypothesis leaves every fact it read alone (it gives another fact a value, or forces
    /// the truth of atoms reading another fact); its reads are recorded again.
    pub(super) fn case_derived<R: Recorder, S: Source>(
        &self,
        id: usize,
        env: &mut Env,
    ) -> Option<Option<Value>> {
        let hypothesised = match &env.hypothesis {
            _ if !S::ASSUMES => None,
            None => None,
            Some(Hypothesis::Given(fact, _) | Hypothesis::Atoms(fact, _) | Hypothesis::Known(fact)) => {
                Some(fact.fact)
            }
            Some(Hypothesis::Values(_) | Hypothesis::Search { .. }) => return None,
        };
        // A value given to a list changes its items' fields too: no derived fact is kept.
        if hypothesised.is_some_and(|fact| matches!(self.vocabulary().fact(fact).ty, Type::Records(_))) {
            return None;
        }
        let case_derived = self.case_derived.borrow();
        let known = case_derived.get(id)?.as_ref()?;
        if hypothesised.is_some_and(|fact| known.reads.iter().any(|(read, _)| read.fact == fact)) {
            return None;
        }
        env.record_all::<R, S>(&known.reads);
        Some(known.value.clone())
    }

    /// `highest`/`lowest`: unknown when the list is empty or any item's value is unknown.
    pub(super) fn extreme<'e, R: Recorder, S: Source>(
        &self,
        highest: bool,
        list: &'e Expr,
        binding: usize,
        value: &'e Expr,
        env: &mut Env,
    ) -> Option<Cow<'e, Value>>
    where
        'a: 'e,
    {
        let len = self.list_len::<R, S>(list, env)?;
        let list_fact = list_fact(list);
        debug_assert_eq!(env.bindings.len(), binding, "bindings nest as the checker numbered them");
        let mut best: Option<Cow<'e, Value>> = None;
        let mut unknown = false;
        for item in 0..len {
            if !env.spend::<S>() {
                return None;
            }
            env.bindings.push((list_fact, item));
            let item_value = self.value::<R, S>(value, env);
            env.bindings.pop();
            match item_value {
                None => unknown = true,
                Some(v) => {
                    let better = best.as_ref().is_none_or(|b| {
                        let op = if highest { CompareOp::Gt } else { CompareOp::Lt };
                        compare(op, &v, b)
                    });
                    if better {
                        best = Some(v);
                    }
                }
            }
        }
        if unknown { None } else { best }
    }

    /// `count`: a single number when every item is decided, else unknown.
    pub(super) fn count<R: Recorder, S: Source>(
        &self,
        list: &Expr,
        binding: usize,
        filter: Option<&Expr>,
        env: &mut Env,
    ) -> Option<Value> {
        let (least, most) = self.count_range::<R, S>(list, binding, filter, env)?;
        (least == most).then_some(Value::Number(least as f64))
    }

    /// The least and most the count can be, given the items whose filter is unknown.
    pub(super) fn count_range<R: Recorder, S: Source>(
        &self,
        list: &Expr,
        binding: usize,
        filter: Option<&Expr>,
        env: &mut Env,
    ) -> Option<(usize, usize)> {
        let len = self.list_len::<R, S>(list, env)?;
        let Some(filter) = filter else { return Some((len, len)) };
        let list_fact = list_fact(list);
        debug_assert_eq!(env.bindings.len(), binding, "bindings nest as the checker numbered them");
        let (mut least, mut most) = (0, 0);
        for item in 0..len {
            if !env.spend::<S>() {
                return None;
            }
            env.bindings.push((list_fact, item));
            match self.truth::<R, S>(filter, env) {
                Truth::True => (least, most) = (least + 1, most + 1),
                Truth::False => {}
                Truth::Unknown => most += 1,
            }
            env.bindings.pop();
        }
        Some((least, most))
    }

    /// Compares a count that unknown items leave uncertain: true if every possible count
    /// passes, false if none does, unknown otherwise.
    pub(super) fn compare_count<R: Recorder, S: Source>(
        &self,
        op: CompareOp,
        count: &Expr,
        other: &Expr,
        count_on_left: bool,
        env: &mut Env,
    ) -> Option<Truth> {
        let Expr::Count { list, binding, filter } = count else { return None };
        let (least, most) = self.count_range::<R, S>(list, *binding, filter.as_deref(), env)?;
        let Some(&Value::Number(other)) = self.value::<R, S>(other, env).as_deref() else {
            return Some(Truth::Unknown);
        };
        let passes = |n: usize| compare_count(op, n, other, count_on_left);
        let (mut some_pass, mut some_fail) = (false, false);
        for n in least..=most {
            if passes(n) {
                some_pass = true;
            } else {
                some_fail = true;
            }
            if some_pass && some_fail {
                return Some(Truth::Unknown);
            }
        }
        Some(Truth::from_bool(some_pass))
    }

    // ----- conditions -----

    pub(super) fn truth<R: Recorder, S: Source>(&self, expr: &Expr, env: &mut Env) -> Truth {
        work(1);
        match expr {
            // Both sides are evaluated, so that every fact that matters is read, unless no
            // read is recorded: then a side that decides the whole is enough.
            Expr::And(a, b) => {
                let a = self.truth::<R, S>(a, env);
                if a == Truth::False && !R::KEEPS_READS {
                    return a;
                }
                a.and(self.truth::<R, S>(b, env))
            }
            Expr::Or(a, b) => {
                let a = self.truth::<R, S>(a, env);
                if a == Truth::True && !R::KEEPS_READS {
                    return a;
                }
                a.or(self.truth::<R, S>(b, env))
            }
            Expr::Not(a) => self.truth::<R, S>(a, env).not(),
            Expr::Atom(atom) => self.atom::<R, S>(atom, env),
            Expr::Quantified { quantifier, list, binding, body, .. } => {
                self.quantified::<R, S>(*quantifier, list, *binding, body, env)
            }
            Expr::Const(Value::Bool(b)) => Truth::from_bool(*b),
            // Listed, not caught by `_`: see `value`.
            Expr::Const(_)
            | Expr::Fact(_)
            | Expr::Field { .. }
            | Expr::Item { .. }
            | Expr::AsOf
            | Expr::Derived(_)
            | Expr::Words(_)
            | Expr::Extreme { .. }
            | Expr::Count { .. }
            | Expr::DatePlus { .. }
            | Expr::NumberPlus { .. }
            | Expr::MonthsBetween { .. } => match self.value::<R, S>(expr, env).as_deref() {
                Some(Value::Bool(b)) => Truth::from_bool(*b),
                _ => Truth::Unknown,
            },
        }
    }

    pub(super) fn quantified<R: Recorder, S: Source>(
        &self,
        quantifier: Quantifier,
        list: &Expr,
        binding: usize,
        body: &Expr,
        env: &mut Env,
    ) -> Truth {
        let Some(len) = self.list_len::<R, S>(list, env) else { return Truth::Unknown };
        let list_fact = list_fact(list);
        debug_assert_eq!(env.bindings.len(), binding, "bindings nest as the checker numbered them");
        let mut fold = Fold::new(quantifier);
        for item in 0..len {
            if !env.spend::<S>() {
                return Truth::Unknown;
            }
            env.bindings.push((list_fact, item));
            let truth = self.truth::<R, S>(body, env);
            env.bindings.pop();
            fold.add(truth);
            // With no reads to record, the remaining items cannot change a decided result.
            if fold.decided() && !R::KEEPS_READS {
                break;
            }
        }
        fold.truth()
    }

    pub(super) fn atom<R: Recorder, S: Source>(&self, atom: &Atom, env: &mut Env) -> Truth {
        let reads_before = env.hypothesis_reads;
        let truth = self.test::<R, S>(&atom.test, env);
        if !S::ASSUMES {
            return truth;
        }
        let Some(Hypothesis::Atoms(_, forced)) = &env.hypothesis else { return truth };
        // An atom that holds a derived condition reads the fact only through the atoms of
        // that condition, which are forced as they are met: forcing this one too would
        // ignore the rest of the derived condition (`kind is merger` in `kind is merger
        // and d is unknown`).
        if env.hypothesis_reads == reads_before || matches!(atom.test, Test::Holds(Expr::Derived(_))) {
            return truth;
        }
        match forced.iter().find(|(forced, _)| *forced == atom.id) {
            Some((_, b)) => Truth::from_bool(*b),
            None => {
                env.atoms_reading_hypothesis.push(atom.id);
                truth
            }
        }
    }

    pub(super) fn test<R: Recorder, S: Source>(&self, test: &Test, env: &mut Env) -> Truth {
        work(1);
        match test {
            Test::Compare { op, lhs: count @ Expr::Count { .. }, rhs } => {
                self.compare_count::<R, S>(*op, count, rhs, true, env).unwrap_or(Truth::Unknown)
            }
            Test::Compare { op, lhs, rhs: count @ Expr::Count { .. } } => {
                self.compare_count::<R, S>(*op, count, lhs, false, env).unwrap_or(Truth::Unknown)
            }
            Test::Compare { op, lhs, rhs } => {
                let (lhs, rhs) = (self.value::<R, S>(lhs, env), self.value::<R, S>(rhs, env));
                match (lhs, rhs) {
                    (Some(a), Some(b)) => Truth::from_bool(compare(*op, &a, &b)),
                    _ => Truth::Unknown,
                }
            }
            Test::In { needle, haystack, negated } => {
                let needle = self.value::<R, S>(needle, env);
                let found = match haystack {
                    Haystack::Consts(values) => {
                        needle.map(|n| values.iter().any(|v| compare(CompareOp::Eq, &n, v)))
                    }
                    Haystack::List(list) => {
                        match (needle.as_deref(), self.value::<R, S>(list, env).as_deref()) {
                            (Some(Value::Text(n)), Some(Value::TextList(items))) => Some(items.contains(n)),
                            _ => None,
                        }
                    }
                };
                match found {
                    Some(found) => Truth::from_bool(found != *negated),
                    None => Truth::Unknown,
                }
            }
            Test::Known { expr, negated } => {
                let reads_before = env.reads.len();
                let hypothesis_reads = env.hypothesis_reads;
                let known = match expr {
                    Expr::Fact(id) if matches!(self.vocabulary().fact(*id).ty, Type::Records(_)) => {
                        self.list_len::<R, S>(expr, env).is_some()
                    }
                    _ => self.value::<R, S>(expr, env).is_some(),
                };
                // The fact assumed known, though its value is not.
                let known = known
                    || (S::ASSUMES
                        && matches!(env.hypothesis, Some(Hypothesis::Known(_)))
                        && env.hypothesis_reads > hypothesis_reads);
                // While searching for a case, a fact not yet given may still be given:
                // whether it is known is then itself still open.
                if !known
                    && env.reads[reads_before..]
                        .iter()
                        .any(|(fact, known)| !known && S::still_open(env, *fact))
                {
                    return Truth::Unknown;
                }
                Truth::from_bool(known != *negated)
            }
            Test::Holds(expr) => self.truth::<R, S>(expr, env),
        }
    }
}

pub(super) fn list_fact(list: &Expr) -> FactId {
    match list {
        Expr::Fact(id) | Expr::Field { fact: id, .. } => *id,
        _ => unreachable!("the checker only binds names of lists"),
    }
}
