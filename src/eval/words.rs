//! The reasons for advice in words, for the text report read by board members: each test
//! that made a rule's condition hold, said with the rule base's words for the facts it
//! reads (`label`, `says`), or, where the rule base gives none, with words made from the
//! fact's question or its name. The formal reasons (`because`, as written in the rules)
//! are worked out as before; these are worked out only for a report in words.
//!
//! - A test of one fact (or derived fact) against values written in the rule says what
//!   the case says of that fact: `change.kind in [merger, restructure]` with a restructure
//!   reads as the words for `restructure` ("the change is a restructure"), whatever the
//!   test, since the value is the reason.
//! - A count reads as the list: "the case lists no outcome measures", "the number of
//!   partners is 3".
//! - Other comparisons read as their two sides, each named with its value, and the
//!   comparison in words: "the date of this advice (1 June 2013) is before the date the
//!   change takes effect (1 April 2014)".
//! - A fact the case leaves unknown reads as "the case does not say ...".

use super::recorder::Nothing;
use super::source::TheCase;
use super::{Env, Evaluator, Texts, Top, Truth, dedup, list_fact, write_count, write_in_words};
use crate::ast::CompareOp;
use crate::rulebase::{Atom, DefinitionId, Expr, FactId, Haystack, Template, Test, Type, Wording};
use crate::value::{Value, write_number};

/// What words are said of: a fact of the case (for a field of a list's items, of the item
/// bound) or a derived fact.
#[derive(Clone, Copy)]
enum Named {
    /// A fact, with the list and index of the item whose field it is.
    Fact(FactId, Option<(FactId, usize)>),
    /// A derived fact.
    Derived(DefinitionId),
}

impl Evaluator<'_> {
    /// Appends the test `atom` in words: as it holds, or, when `negated`, as it fails.
    /// `bindings` are the items bound where it is tested.
    pub(super) fn say_atom(
        &self,
        out: &mut String,
        atom: &Atom,
        negated: bool,
        bindings: &[(FactId, usize)],
    ) {
        let mut env = words_env(bindings);
        let holds = !negated;
        match &atom.test {
            Test::Holds(expr) => match self.named(expr, &env) {
                Some(named) => self.say_value(out, named, Some(&Value::Bool(holds))),
                None => {
                    self.say_generic(out, expr, CompareOp::Eq, &Expr::Const(Value::Bool(holds)), &mut env);
                }
            },
            Test::Known { expr, negated: unknown } => {
                let known = holds != *unknown;
                match self.named(expr, &env) {
                    Some(named) if known => {
                        let value =
                            self.value::<Nothing, TheCase>(expr, &mut env).map(std::borrow::Cow::into_owned);
                        self.say_value(out, named, value.as_ref());
                    }
                    Some(named) => self.say_unknown(out, named),
                    None => {
                        out.push_str(if known { "the case gives " } else { "the case does not give " });
                        self.describe(out, expr, known, &mut env);
                    }
                }
            }
            Test::Compare { op, lhs, rhs } => self.say_comparison(out, *op, lhs, rhs, holds, &mut env),
            Test::In { needle, haystack, negated: not_in } => {
                self.say_membership(out, needle, haystack, holds != *not_in, &mut env);
            }
        }
    }

    /// A comparison: what the case says of a fact compared with a value written in the
    /// rule; a count as its list; otherwise both sides, compared in words.
    fn say_comparison(
        &self,
        out: &mut String,
        op: CompareOp,
        lhs: &Expr,
        rhs: &Expr,
        holds: bool,
        env: &mut Env,
    ) {
        for (count, _) in [(lhs, rhs), (rhs, lhs)] {
            if let Expr::Count { list, binding, filter } = count {
                return self.say_count(out, list, *binding, filter.as_deref(), env);
            }
        }
        for (side, other) in [(lhs, rhs), (rhs, lhs)] {
            let Some(named) = self.named(side, env) else { continue };
            let has_values = self.is_bool(named) || self.enum_names(named).is_some();
            let equal = op == CompareOp::Eq && holds;
            if matches!(other, Expr::Const(_)) && (has_values || equal) {
                let value = self.value::<Nothing, TheCase>(side, env).map(std::borrow::Cow::into_owned);
                return self.say_value(out, named, value.as_ref());
            }
        }
        let op = if holds { op } else { opposite(op) };
        self.say_generic(out, lhs, op, rhs, env);
    }

    /// `lhs is before rhs`, each side named with its value.
    fn say_generic(&self, out: &mut String, lhs: &Expr, op: CompareOp, rhs: &Expr, env: &mut Env) {
        self.describe(out, lhs, true, env);
        let dates = matches!(self.value::<Nothing, TheCase>(lhs, env).as_deref(), Some(Value::Date(_)));
        out.push_str(match (op, dates) {
            (CompareOp::Eq, _) => " is ",
            (CompareOp::Ne, _) => " is not ",
            (CompareOp::Lt, true) => " is before ",
            (CompareOp::Le, true) => " is on or before ",
            (CompareOp::Gt, true) => " is after ",
            (CompareOp::Ge, true) => " is on or after ",
            (CompareOp::Lt, false) => " is less than ",
            (CompareOp::Le, false) => " is at most ",
            (CompareOp::Gt, false) => " is more than ",
            (CompareOp::Ge, false) => " is at least ",
        });
        self.describe(out, rhs, true, env);
    }

    /// `x in [a, b]` and `"text" in list`: what the case says of the fact tested, or
    /// whether the list includes the text.
    fn say_membership(
        &self,
        out: &mut String,
        needle: &Expr,
        haystack: &Haystack,
        found: bool,
        env: &mut Env,
    ) {
        match haystack {
            Haystack::Consts(values) => {
                if let Some(named) = self.named(needle, env) {
                    let value = self.value::<Nothing, TheCase>(needle, env).map(std::borrow::Cow::into_owned);
                    return self.say_value(out, named, value.as_ref());
                }
                self.describe(out, needle, true, env);
                out.push_str(if found { " is one of " } else { " is not one of " });
                let shown: Vec<String> =
                    values.iter().map(|value| self.value_in_words(needle, value)).collect();
                write_in_words(out, &shown);
            }
            Haystack::List(list) => {
                out.push_str("the ");
                self.list_noun(out, list_fact(list));
                out.push_str(if found { " include " } else { " do not include " });
                self.describe(out, needle, false, env);
            }
        }
    }

    /// A count compared with something: the list itself, or, counting only the items that
    /// meet a condition, how many do and why.
    fn say_count(&self, out: &mut String, list: &Expr, binding: usize, filter: Option<&Expr>, env: &mut Env) {
        let Some(filter) = filter else {
            let value = self.value::<Nothing, TheCase>(list, env).map(std::borrow::Cow::into_owned);
            return self.say_value(out, Named::Fact(list_fact(list), None), value.as_ref());
        };
        let Some(len) = self.list_len::<Nothing, TheCase>(list, env) else {
            return self.say_unknown(out, Named::Fact(list_fact(list), None));
        };
        let list_fact = list_fact(list);
        let mut texts = Texts::with_capacity(256, 8);
        let (mut least, mut most) = (0, 0);
        for item in 0..len {
            env.bindings.push((list_fact, item));
            match self.truth::<Nothing, TheCase>(filter, env) {
                Truth::True => {
                    (least, most) = (least + 1, most + 1);
                    self.reasons(filter, false, Top::NONE, env, &mut texts);
                }
                Truth::False => {}
                Truth::Unknown => most += 1,
            }
            env.bindings.pop();
            debug_assert_eq!(env.bindings.len(), binding);
        }
        if least < most {
            out.push_str("at least ");
        }
        write_count(out, least);
        out.push_str(" of the ");
        write_count(out, len);
        out.push(' ');
        self.list_noun(out, list_fact);
        let reasons: Vec<String> = texts.slice(0..texts.count()).map(str::to_string).collect();
        if !reasons.is_empty() {
            out.push_str(": ");
            write_in_words(out, &dedup(reasons));
        }
    }

    /// What the case says of `named` having `value`: the rule base's words for the value,
    /// else its label (or question, or name) and the value.
    fn say_value(&self, out: &mut String, named: Named, value: Option<&Value>) {
        let Some(value) = value else { return self.say_unknown(out, named) };
        if let Some(words) = self.wording(named).says(value) {
            return self.fill(out, words, named);
        }
        match value {
            Value::Bool(b) => self.say_yes_or_no(out, named, *b),
            Value::Records(items) if items.is_empty() => self.say_none_listed(out, named),
            Value::TextList(items) if items.is_empty() => self.say_none_listed(out, named),
            Value::Records(items) => {
                out.push_str("the number of ");
                self.list_noun_of(out, named);
                out.push_str(" is ");
                write_count(out, items.len());
            }
            Value::TextList(items) => {
                out.push_str("the ");
                self.list_noun_of(out, named);
                out.push_str(" are: ");
                write_in_words(out, items);
            }
            value => {
                self.subject(out, named);
                out.push_str(" is ");
                self.write_named_value(out, named, value);
            }
        }
    }

    /// A true-or-false fact without words for its value: the answer to its question, or
    /// its label or name and yes or no.
    fn say_yes_or_no(&self, out: &mut String, named: Named, value: bool) {
        let answer = if value { "yes" } else { "no" };
        if let Some(question) = self.question_of(named) {
            out.push_str("the answer to \u{201c}");
            self.fill(out, question, named);
            out.push_str("\u{201d} is ");
            out.push_str(answer);
            return;
        }
        self.subject(out, named);
        out.push_str(": ");
        out.push_str(answer);
    }

    fn say_none_listed(&self, out: &mut String, named: Named) {
        out.push_str("the case lists no ");
        self.list_noun_of(out, named);
    }

    /// A fact the case leaves unknown: "the case does not say whether ..." (with the words
    /// of `true`), "... does not say <label>", "... does not answer “<question>”".
    fn say_unknown(&self, out: &mut String, named: Named) {
        let wording = self.wording(named);
        if let Some(words) = wording.says(&Value::Bool(true)).filter(|_| self.is_bool(named)) {
            out.push_str("the case does not say whether ");
            return self.fill(out, words, named);
        }
        if self.is_list(named) {
            out.push_str("the case does not list the ");
            return self.list_noun_of(out, named);
        }
        if let Some(label) = &wording.label {
            out.push_str("the case does not say ");
            return self.fill(out, label, named);
        }
        if let Some(question) = self.question_of(named) {
            out.push_str("the case does not answer \u{201c}");
            self.fill(out, question, named);
            return out.push('\u{201d}');
        }
        out.push_str("the case does not say ");
        self.name_in_words(out, named);
    }

    /// A noun phrase naming `named`: its label, else the answer to its question, else its
    /// name in words.
    fn subject(&self, out: &mut String, named: Named) {
        if let Some(label) = &self.wording(named).label {
            return self.fill(out, label, named);
        }
        if let Some(question) = self.question_of(named) {
            out.push_str("the answer to \u{201c}");
            self.fill(out, question, named);
            return out.push('\u{201d}');
        }
        self.name_in_words(out, named);
    }

    /// What a list's items are, in the plural, without an article: its label
    /// ("outcome measures"), else the last part of its path in words ("measures").
    /// An item without a name, in words: `item 3 of the groups of people served`.
    pub(super) fn write_item_in_words(&self, out: &mut String, list: FactId, item: usize) {
        out.push_str("item ");
        write_count(out, item + 1);
        out.push_str(" of the ");
        self.list_noun(out, list);
    }

    fn list_noun(&self, out: &mut String, list: FactId) {
        self.list_noun_of(out, Named::Fact(list, None));
    }

    fn list_noun_of(&self, out: &mut String, named: Named) {
        if let Some(label) = &self.wording(named).label {
            return self.fill(out, label, named);
        }
        match named {
            Named::Fact(fact, _) => {
                let path = &self.vocabulary().fact(fact).path;
                let last = path.rsplit('.').next().unwrap_or(path).trim_end_matches("[]");
                push_words(out, last);
            }
            Named::Derived(id) => push_words(out, &self.rule_base.definition(id).name),
        }
    }

    /// The last resort: a fact's path or a derived fact's name in words, `the change kind`;
    /// a field of an item as `the needs of older people`.
    fn name_in_words(&self, out: &mut String, named: Named) {
        match named {
            Named::Fact(fact, Some((list, item))) => {
                let path = &self.vocabulary().fact(fact).path;
                let field = &path[self.vocabulary().fact(list).path.len() + 3..];
                out.push_str("the ");
                push_words(out, field);
                out.push_str(" of ");
                let mut env = words_env(&[]);
                self.write_item_label::<Nothing, TheCase>(out, list, item, &mut env);
            }
            Named::Fact(fact, None) => {
                out.push_str("the ");
                push_words(out, &self.vocabulary().fact(fact).path);
            }
            Named::Derived(id) => push_words(out, &self.rule_base.definition(id).name),
        }
    }

    /// A value as a noun phrase, with its value in brackets when `with_value` (and it is
    /// not a value written in the rule): `the date the change takes effect (1 April 2013)`.
    fn describe(&self, out: &mut String, expr: &Expr, with_value: bool, env: &mut Env) {
        match expr {
            Expr::Const(value) => return write_value_plainly(out, value),
            Expr::Words(index) => {
                return write_value_plainly(out, self.rule_base.words[*index].on(self.as_of));
            }
            Expr::Item { .. } => match self.value::<Nothing, TheCase>(expr, env).as_deref() {
                Some(value) => return write_value_plainly(out, value),
                None => return out.push_str("an item not given"),
            },
            Expr::AsOf => out.push_str("the date of this advice"),
            Expr::DatePlus { date, duration, minus } => {
                self.describe(out, duration, false, env);
                out.push_str(if *minus { " before " } else { " after " });
                self.describe(out, date, false, env);
            }
            Expr::NumberPlus { lhs, rhs, minus } => {
                self.describe(out, lhs, false, env);
                out.push_str(if *minus { " minus " } else { " plus " });
                self.describe(out, rhs, false, env);
            }
            Expr::MonthsBetween { from, to } => {
                out.push_str("the number of whole months from ");
                self.describe(out, from, false, env);
                out.push_str(" to ");
                self.describe(out, to, false, env);
            }
            Expr::Count { list, .. } => {
                out.push_str("the number of ");
                self.list_noun(out, list_fact(list));
            }
            Expr::Extreme { highest, list, value, .. } => {
                out.push_str(if *highest { "the highest " } else { "the lowest " });
                match value.as_ref() {
                    Expr::Field { fact, .. } => {
                        let path = &self.vocabulary().fact(*fact).path;
                        push_words(out, path.rsplit('.').next().unwrap_or(path));
                    }
                    _ => out.push_str("value"),
                }
                out.push_str(" of the ");
                self.list_noun(out, list_fact(list));
            }
            Expr::Fact(_) | Expr::Field { .. } | Expr::Derived(_) => {
                let named = self.named(expr, env).expect("facts and derived facts are named");
                self.subject(out, named);
            }
            Expr::Atom(_) | Expr::And(..) | Expr::Or(..) | Expr::Not(_) | Expr::Quantified { .. } => {
                out.push_str("a condition");
            }
        }
        if !with_value {
            return;
        }
        out.push_str(" (");
        match self.value::<Nothing, TheCase>(expr, env) {
            Some(value) => self.write_value_of(out, expr, &value),
            None => out.push_str("not known"),
        }
        out.push(')');
    }

    /// A constant compared with `needle`, in words: a `one of` value with spaces.
    fn value_in_words(&self, needle: &Expr, value: &Value) -> String {
        let mut shown = String::new();
        self.write_value_of(&mut shown, needle, value);
        shown
    }

    /// A value of `expr`, in words: `one of` values with spaces for underscores, dates as
    /// in the report (`1 April 2013`).
    fn write_value_of(&self, out: &mut String, expr: &Expr, value: &Value) {
        match (value, self.enum_values_of(expr)) {
            (Value::Enum(i), Some(values)) => push_words(out, &values[*i as usize]),
            _ => write_value_plainly(out, value),
        }
    }

    /// A value of `named`, in words.
    fn write_named_value(&self, out: &mut String, named: Named, value: &Value) {
        match (value, self.enum_names(named)) {
            (Value::Enum(i), Some(values)) => push_words(out, &values[*i as usize]),
            _ => write_value_plainly(out, value),
        }
    }

    /// Fills in a template of `named`'s (its label, words or question), with the item
    /// bound for a field of a list's items.
    fn fill(&self, out: &mut String, template: &Template, named: Named) {
        let binding = match named {
            Named::Fact(_, item) => item,
            Named::Derived(_) => None,
        };
        let mut env = words_env(binding.as_slice());
        self.write_filled::<Nothing, TheCase>(out, template, &mut env);
    }

    /// The fact or derived fact `expr` names, if it names one.
    fn named(&self, expr: &Expr, env: &Env) -> Option<Named> {
        match expr {
            Expr::Fact(fact) => Some(Named::Fact(*fact, None)),
            Expr::Field { binding, fact } => Some(Named::Fact(*fact, Some(env.bindings[*binding]))),
            Expr::Derived(id) => Some(Named::Derived(*id)),
            _ => None,
        }
    }

    fn wording(&self, named: Named) -> &Wording {
        match named {
            Named::Fact(fact, _) => &self.vocabulary().fact(fact).wording,
            Named::Derived(id) => &self.rule_base.definition(id).wording,
        }
    }

    fn question_of(&self, named: Named) -> Option<&Template> {
        match named {
            Named::Fact(fact, _) => self.vocabulary().fact(fact).question.as_ref(),
            Named::Derived(_) => None,
        }
    }

    /// The values of a `one of` fact, or of a derived fact whose values are a fact's.
    fn enum_names(&self, named: Named) -> Option<&Vec<String>> {
        match named {
            Named::Fact(fact, _) => match &self.vocabulary().fact(fact).ty {
                Type::Enum(values) => Some(values),
                _ => None,
            },
            Named::Derived(id) => self.enum_values_of(&Expr::Derived(id)),
        }
    }

    fn is_bool(&self, named: Named) -> bool {
        match named {
            Named::Fact(fact, _) => matches!(self.vocabulary().fact(fact).ty, Type::Bool),
            Named::Derived(id) => {
                let definitions = &self.rule_base.definitions;
                self.rule_base.definition(id).expr.is_condition(self.vocabulary(), definitions)
            }
        }
    }

    fn is_list(&self, named: Named) -> bool {
        match named {
            Named::Fact(fact, _) => {
                matches!(self.vocabulary().fact(fact).ty, Type::Records(_) | Type::TextList)
            }
            Named::Derived(_) => false,
        }
    }
}

/// An evaluation for saying things: the items bound as given (the walks in it record
/// nothing: `Nothing`), naming an item without a name in words.
fn words_env(bindings: &[(FactId, usize)]) -> Env {
    let mut env = Env::default();
    env.bindings.extend_from_slice(bindings);
    env.in_words = true;
    env
}

/// The opposite comparison: what holds when `op` fails.
fn opposite(op: CompareOp) -> CompareOp {
    match op {
        CompareOp::Eq => CompareOp::Ne,
        CompareOp::Ne => CompareOp::Eq,
        CompareOp::Lt => CompareOp::Ge,
        CompareOp::Le => CompareOp::Gt,
        CompareOp::Gt => CompareOp::Le,
        CompareOp::Ge => CompareOp::Lt,
    }
}

/// Appends a name with its underscores (and dots) as spaces: `joint commissioning`.
fn push_words(out: &mut String, name: &str) {
    let mut first = true;
    for word in name.split(['_', '.']).filter(|w| !w.is_empty()) {
        if !first {
            out.push(' ');
        }
        out.push_str(word.trim_end_matches("[]"));
        first = false;
    }
}

/// A value as a person writes it: dates as `1 April 2013`, true and false as yes and no,
/// lists as `a, b and c`.
fn write_value_plainly(out: &mut String, value: &Value) {
    match value {
        Value::Bool(b) => out.push_str(if *b { "yes" } else { "no" }),
        Value::Number(n) => write_number(out, *n),
        Value::Text(text) => out.push_str(text),
        Value::Date(date) => date.write_long(out),
        Value::Duration(duration) => out.push_str(&duration.to_string()),
        Value::TextList(items) => write_in_words(out, items),
        Value::Records(items) => {
            write_count(out, items.len());
            out.push_str(if items.len() == 1 { " item" } else { " items" });
        }
        // An enumeration value's name needs its fact: callers that know it write it.
        Value::Enum(i) => write_count(out, *i as usize + 1),
    }
}
