//! The parts of advice the case fills in: the reasons a rule fired (as written in the rules;
//! in words through the `words` module), the values its texts show, and items' names.
//! Must not decide outcomes: the reasons are given for outcomes already worked out.

use std::fmt::Write as _;
use std::ops::Range;

use super::recorder::{FactsRead, Nothing, Recorder};
use super::source::{Source, TheCase};
use super::{
    DraftAdvice, Env, Evaluator, FactInstance, FlatCondition, Fold, Outcome, Texts, Truth, list_fact,
};
use crate::ast::{CompareOp, DateStyle, Quantifier};
use crate::rulebase::{Atom, Expr, FactId, Rule, RuleBase, RuleId, Template, TemplatePart, Test, Type};
use crate::value::{Value, write_integer, write_number};

/// The condition whose reasons are being given, for its specialised tests: none inside a
/// quantifier, whose items bind facts of their own.
#[derive(Clone, Copy)]
pub(super) struct Top<'r> {
    pub(super) condition: Option<&'r FlatCondition>,
    /// The rule's item, for `for each` rules.
    pub(super) item: Option<usize>,
}

impl Top<'_> {
    pub(super) const NONE: Top<'static> = Top { condition: None, item: None };
}

impl<'a> Evaluator<'a> {
    /// The parts of a rule's advice the case fills in, written into `texts`, with its
    /// reasons in words too when `words`. Evaluated in `env`, whose buffers are reused from
    /// one piece of advice to the next.
    pub(super) fn filled(
        &self,
        outcome: &Outcome,
        words: bool,
        env: &mut Env,
        texts: &mut Texts,
    ) -> DraftAdvice {
        let rule = self.rule_base.rule(outcome.rule);
        env.start(rule, outcome.item);
        let first_reason = texts.count();
        self.because(outcome.rule, outcome.item, false, env, texts);
        texts.dedup_from(first_reason);
        let because = first_reason..texts.count();
        let because_in_words = words.then(|| self.because_in_words(outcome, env, texts));
        // The values shown need no record of the facts they read.
        for template in [&rule.title, &rule.text] {
            for (expr, style) in template.values() {
                self.write_in_text::<Nothing, TheCase>(texts.open(), expr, style, env);
                texts.end();
            }
        }
        let values = because_in_words.as_ref().map_or(because.end, |words| words.end)..texts.count();
        let item = outcome.item.map(|item| {
            self.write_item_path(
                texts.open(),
                rule.for_each.expect("only for-each outcomes have items"),
                item,
            );
            texts.end()
        });
        DraftAdvice { rule: outcome.rule, item, values, because, because_in_words }
    }

    /// Writes into `texts` the reasons for an outcome's advice in words (see the `words`
    /// module), and gives their numbers. The unknown facts they read are those the formal
    /// reasons have recorded already.
    pub(super) fn because_in_words(
        &self,
        outcome: &Outcome,
        env: &mut Env,
        texts: &mut Texts,
    ) -> Range<usize> {
        let unknowns = env.reason_unknowns.len();
        env.start(self.rule_base.rule(outcome.rule), outcome.item);
        env.in_words = true;
        let first = texts.count();
        self.because(outcome.rule, outcome.item, false, env, texts);
        env.in_words = false;
        env.reason_unknowns.truncate(unknowns);
        first..texts.count()
    }

    /// `groups[0]`: the path of the item of a `for each` rule's outcome.
    pub(super) fn item_path(&self, rule: &Rule, item: usize) -> String {
        let mut path = String::new();
        self.write_item_path(&mut path, rule.for_each.expect("only for-each outcomes have items"), item);
        path
    }

    /// Appends `groups[0]`: the path of item `item` of list `list`.
    pub(super) fn write_item_path(&self, out: &mut String, list: FactId, item: usize) {
        out.push_str(&self.vocabulary().fact(list).path);
        write_index(out, item);
    }

    /// Writes into `texts`, one text each, the parts of rule `rule`'s condition (for
    /// `item`) that made it true (or, when `negated`, false), evaluating it in `env`
    /// (started for the rule).
    pub(super) fn because(
        &self,
        rule: RuleId,
        item: Option<usize>,
        negated: bool,
        env: &mut Env,
        texts: &mut Texts,
    ) {
        let top = Top { condition: Some(&self.rule_base.plan.conditions[rule.0]), item };
        self.reasons(&self.rule_base.rule(rule).condition, negated, top, env, texts);
    }

    /// The truth of `expr`; when it is the one wanted (true, or false when `negated`), the
    /// parts that made it so are written into `out`, one text each. Each part is evaluated
    /// once, on the way up: asking each node its truth on the way down would evaluate a
    /// chain of `and`s once per link.
    pub(super) fn reasons(
        &self,
        expr: &Expr,
        negated: bool,
        top: Top,
        env: &mut Env,
        out: &mut Texts,
    ) -> Truth {
        let wanted = if negated { Truth::False } else { Truth::True };
        let start = out.count();
        let unknowns_start = env.reason_unknowns.len();
        let truth = match (expr, negated) {
            // Both sides are reasons: every true part of an `and`, every false part of an
            // `or` (and under `not`, every false part of an `and`).
            (Expr::And(a, b), _) => {
                let a = self.reasons(a, negated, top, env, out);
                a.and(self.reasons(b, negated, top, env, out))
            }
            (Expr::Or(a, b), true) => {
                let a = self.reasons(a, negated, top, env, out);
                a.or(self.reasons(b, negated, top, env, out))
            }
            (Expr::Or(a, b), false) => {
                // One true side suffices; name the first.
                match self.reasons(a, negated, top, env, out) {
                    Truth::True => Truth::True,
                    a => a.or(self.reasons(b, negated, top, env, out)),
                }
            }
            (Expr::Not(a), _) => self.reasons(a, !negated, top, env, out).not(),
            (Expr::Atom(atom), _) => {
                // Evaluated recording its reads: they name the values the reason shows.
                let reads_before = env.reads.len();
                // A test the condition's plan specialised is evaluated the quick way.
                let truth = match top.condition.and_then(|condition| condition.specialised_leaf(atom.id)) {
                    Some(leaf) => self.specialised_truth(&leaf.test, top.item, env),
                    None => self.truth::<FactsRead, TheCase>(expr, env),
                };
                if truth == wanted {
                    if env.in_words {
                        self.say_atom(out.open(), atom, negated, &env.bindings);
                    } else {
                        self.describe_atom(out.open(), atom, negated, &env.reads[reads_before..]);
                    }
                    out.end();
                    // The advice is about a fact its own test finds unknown (`outcomes.why_this_arrangement
                    // is unknown`), not about those a derived condition read on the way (the
                    // date a stage is worked out from, still worth asking for).
                    if !matches!(atom.test, Test::Holds(Expr::Derived(_))) {
                        let Env { reads, reason_unknowns, .. } = env;
                        let unknown = reads[reads_before..].iter().filter(|(_, known)| !known);
                        reason_unknowns.extend(unknown.map(|(fact, _)| *fact));
                    }
                }
                truth
            }
            (Expr::Quantified { quantifier, list, binding, body, text }, _) => {
                let parts = QuantifiedParts { quantifier: *quantifier, list, binding: *binding, body, text };
                self.quantified_reasons(expr, &parts, negated, env, out)
            }
            _ => self.settled_truth(expr, env),
        };
        if truth != wanted {
            out.truncate(start);
            env.reason_unknowns.truncate(unknowns_start);
        }
        truth
    }

    /// The truth of a quantified condition and, when it is the one wanted, its reasons:
    /// "none of" and "all of" said once, "some of" naming which items.
    pub(super) fn quantified_reasons(
        &self,
        expr: &Expr,
        parts: &QuantifiedParts<'_>,
        negated: bool,
        env: &mut Env,
        out: &mut Texts,
    ) -> Truth {
        let QuantifiedParts { quantifier, list, binding, body, text } = parts;
        let wanted = if negated { Truth::False } else { Truth::True };
        let list_fact = list_fact(list);
        // In words, every item is said of itself: the test as written, said once for them
        // all, is the rule's words, not the case's.
        let every_item = match (quantifier, negated) {
            _ if env.in_words => None,
            (Quantifier::Any, true) => Some("none of"),
            (Quantifier::All, false) => Some("all of"),
            _ => None,
        };
        if let Some(words) = every_item {
            let truth = self.settled_truth(expr, env);
            let Some(len) = self.list_len::<FactsRead, TheCase>(list, env).filter(|_| truth == wanted) else {
                return truth;
            };
            let line = out.open();
            line.push_str(words);
            line.push_str(" the ");
            write_count(line, len);
            line.push_str(" items of ");
            line.push_str(&self.vocabulary().fact(list_fact).path);
            line.push_str(": ");
            line.push_str(text);
            out.end();
            return truth;
        }
        // The items are evaluated once, for their reasons, and their truths combined as
        // `quantified` combines them.
        let Some(len) = self.list_len::<FactsRead, TheCase>(list, env) else { return Truth::Unknown };
        let mut fold = Fold::new(*quantifier);
        for item in 0..len {
            env.bindings.push((list_fact, item));
            let first = out.count();
            let item_truth = self.reasons(body, negated, Top::NONE, env, out);
            // Words for a field of an item name the item (the checker sees to it).
            if item_truth == wanted && !env.in_words {
                out.prefix_from(first, |label| {
                    self.write_item_label::<FactsRead, TheCase>(label, list_fact, item, env);
                    label.push_str(": ");
                });
            }
            env.bindings.pop();
            debug_assert_eq!(env.bindings.len(), *binding);
            fold.add(item_truth);
        }
        fold.truth()
    }

    /// The truth of `expr`, evaluated quickly: without recording reads, stopping at the
    /// first part that decides it. The reasons for advice test many parts of a condition
    /// and describe only some.
    pub(super) fn settled_truth(&self, expr: &Expr, env: &mut Env) -> Truth {
        self.truth::<Nothing, TheCase>(expr, env)
    }

    /// Appends `change.kind is merger`, or for a test on computed values, the values too:
    /// `as_of is before change.date + 18 months (as_of 2013-09-01, change.date 2013-04-01)`.
    pub(super) fn describe_atom(
        &self,
        line: &mut String,
        atom: &Atom,
        negated: bool,
        reads: &[(FactInstance, bool)],
    ) {
        let simple = match &atom.test {
            Test::Holds(_) | Test::Known { .. } => true,
            Test::Compare { op: CompareOp::Eq, lhs, rhs } => {
                matches!(rhs, Expr::Const(_)) || matches!(lhs, Expr::Const(_))
            }
            // Listed, not caught by `_`, so that a new kind of test is placed here.
            Test::Compare { .. } | Test::In { .. } => false,
        };
        if negated && !matches!(atom.test, Test::Holds(_)) {
            line.push_str("not: ");
        }
        line.push_str(&atom.text);
        match (&atom.test, negated) {
            (Test::Holds(_), false) => line.push_str(" is true"),
            (Test::Holds(_), true) => line.push_str(" is false"),
            _ => {}
        }
        if simple {
            return;
        }
        // The values the test compared: the assessment date, then each fact it read.
        let mut separator = " (";
        if atom.names_as_of {
            line.push_str(" (as_of is ");
            self.as_of.write_iso(line);
            separator = ", ";
        }
        for (position, &(instance, _)) in reads.iter().enumerate() {
            if reads[..position].iter().any(|(earlier, _)| *earlier == instance) {
                continue;
            }
            line.push_str(separator);
            self.write_instance_path(line, instance);
            line.push_str(" is ");
            match self.stored(instance) {
                Some(value) => self.write_value(line, instance.fact, value),
                None => line.push_str("unknown"),
            }
            separator = ", ";
        }
        if separator == ", " {
            line.push(')');
        }
    }

    /// A value as written in explanations: enumeration values by name, dates as ISO.
    pub(super) fn show_value(&self, fact: FactId, value: &Value) -> String {
        let mut shown = String::new();
        self.write_value(&mut shown, fact, value);
        shown
    }

    /// Appends [`Self::show_value`]'s text to `out`.
    pub(super) fn write_value(&self, out: &mut String, fact: FactId, value: &Value) {
        let quoted = |out: &mut String, text: &str| {
            out.push('"');
            out.push_str(text);
            out.push('"');
        };
        match (value, &self.vocabulary().fact(fact).ty) {
            (Value::Enum(i), Type::Enum(values)) => out.push_str(&values[*i as usize]),
            (Value::Text(t), _) => quoted(out, t),
            (Value::TextList(items), _) => {
                out.push('[');
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        out.push_str(", ");
                    }
                    quoted(out, item);
                }
                out.push(']');
            }
            (Value::Date(date), _) => date.write_iso(out),
            (other, _) => write_plain(out, other),
        }
    }

    /// An item's name (its label field), else its path: `groups[2]`.
    pub(super) fn item_label<R: Recorder, S: Source>(
        &self,
        list: FactId,
        item: usize,
        env: &mut Env,
    ) -> String {
        let mut label = String::new();
        self.write_item_label::<R, S>(&mut label, list, item, env);
        label
    }

    /// Appends [`Self::item_label`]'s text to `out`.
    pub(super) fn write_item_label<R: Recorder, S: Source>(
        &self,
        out: &mut String,
        list: FactId,
        item: usize,
        env: &mut Env,
    ) {
        let label_fact = match &self.vocabulary().fact(list).ty {
            Type::Records(record) => record.label,
            _ => None,
        };
        if let Some(fact) = label_fact
            && let Some(Value::Text(name)) =
                self.read::<R, S>(FactInstance { fact, item: Some(item) }, env).as_deref()
        {
            out.push_str(name);
            return;
        }
        self.write_item_path(out, list, item);
    }

    /// Appends a template filled in.
    pub(super) fn write_filled<R: Recorder, S: Source>(
        &self,
        out: &mut String,
        template: &Template,
        env: &mut Env,
    ) {
        for part in &template.parts {
            match part {
                TemplatePart::Literal(words) => out.push_str(words),
                TemplatePart::Value { expr, style } => self.write_in_text::<R, S>(out, expr, *style, env),
            }
        }
    }

    /// A value as advice texts show it: enumeration values in words, dates in words,
    /// lists as `a, b and c`.
    pub(super) fn show_in_text<R: Recorder, S: Source>(
        &self,
        expr: &Expr,
        style: DateStyle,
        env: &mut Env,
    ) -> String {
        let mut shown = String::new();
        self.write_in_text::<R, S>(&mut shown, expr, style, env);
        shown
    }

    /// Appends [`Self::show_in_text`]'s text to `out`.
    pub(super) fn write_in_text<R: Recorder, S: Source>(
        &self,
        out: &mut String,
        expr: &Expr,
        style: DateStyle,
        env: &mut Env,
    ) {
        if let Expr::Item { binding } = expr {
            let (list, item) = env.bindings[*binding];
            if matches!(self.vocabulary().fact(list).ty, Type::Records(_)) {
                return self.write_item_label::<R, S>(out, list, item, env);
            }
        }
        let value = self.value::<R, S>(expr, env);
        match (value.as_deref(), self.enum_values_of(expr)) {
            (None, _) => self.write_unknown(out, expr, env),
            (Some(Value::Enum(i)), Some(values)) => {
                for (n, word) in values[*i as usize].split('_').enumerate() {
                    if n > 0 {
                        out.push(' ');
                    }
                    out.push_str(word);
                }
            }
            (Some(Value::Date(date)), _) if style == DateStyle::Month => date.write_month_and_year(out),
            (Some(Value::Date(date)), _) => date.write_long(out),
            (Some(Value::Bool(b)), _) => out.push_str(if *b { "yes" } else { "no" }),
            (Some(other), _) => write_plain(out, other),
        }
    }

    /// The values of the enumeration an expression's value belongs to, if it is one.
    pub(super) fn enum_values_of(&self, expr: &Expr) -> Option<&Vec<String>> {
        enum_values_of(self.rule_base, expr)
    }

    /// Appends what a text shows for an unknown value: `(unknown)`, except for the name
    /// field of an item, whose path (`groups[2]`) it shows, so texts and questions still
    /// say which item they mean.
    pub(super) fn write_unknown(&self, out: &mut String, expr: &Expr, env: &Env) {
        if let Expr::Field { binding, fact } = expr {
            let (list, item) = env.bindings[*binding];
            if let Type::Records(record) = &self.vocabulary().fact(list).ty
                && record.label == Some(*fact)
            {
                if env.in_words {
                    return self.write_item_in_words(out, list, item);
                }
                return self.write_item_path(out, list, item);
            }
        }
        out.push_str("(unknown)");
    }
}

/// The values of the enumeration an expression's value belongs to, if it is one.
pub(super) fn enum_values_of<'r>(rule_base: &'r RuleBase, expr: &Expr) -> Option<&'r Vec<String>> {
    match expr {
        Expr::Fact(id) | Expr::Field { fact: id, .. } => match &rule_base.vocabulary.fact(*id).ty {
            Type::Enum(values) => Some(values),
            _ => None,
        },
        Expr::Derived(id) => enum_values_of(rule_base, &rule_base.definition(*id).expr),
        Expr::Extreme { value, .. } => enum_values_of(rule_base, value),
        _ => None,
    }
}

/// Appends a value as written plainly: numbers as people write them, lists in words.
pub(super) fn write_plain(out: &mut String, value: &Value) {
    match value {
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, *n),
        Value::Text(t) => out.push_str(t),
        Value::Enum(i) => {
            out.push('#');
            write_count(out, *i as usize);
        }
        Value::Date(d) => d.write_iso(out),
        Value::Duration(d) => {
            let _ = write!(out, "{d}");
        }
        Value::TextList(items) => write_in_words(out, items),
        Value::Records(records) => {
            write_count(out, records.len());
            out.push_str(" items");
        }
    }
}

/// Appends `a`, `a and b`, `a, b and c`, or `none`.
pub(super) fn write_in_words(out: &mut String, items: &[String]) {
    let Some((last, init)) = items.split_last() else { return out.push_str("none") };
    for (n, item) in init.iter().enumerate() {
        if n > 0 {
            out.push_str(", ");
        }
        out.push_str(item);
    }
    if !init.is_empty() {
        out.push_str(" and ");
    }
    out.push_str(last);
}

/// Appends `[2]`: an item's index in its list.
pub(super) fn write_index(out: &mut String, item: usize) {
    out.push('[');
    write_count(out, item);
    out.push(']');
}

/// Appends a count or an index in decimal.
pub(super) fn write_count(out: &mut String, n: usize) {
    write_integer(out, i64::try_from(n).expect("counts and indexes of a case fit in i64"));
}

pub(super) fn dedup<T: PartialEq>(items: Vec<T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// The parts of a quantified condition `expr` (`Expr::Quantified`), taken apart by the
/// caller's match, so that [`Evaluator::quantified_reasons`] needs no case for other
/// expressions.
pub(super) struct QuantifiedParts<'e> {
    pub(super) quantifier: Quantifier,
    pub(super) list: &'e Expr,
    pub(super) binding: usize,
    pub(super) body: &'e Expr,
    pub(super) text: &'e str,
}
