//! Static analysis of a checked rule base (run by `accord check`): mistakes that are not
//! errors but would reach advice. Each finding is a warning with a code; an `allow CODE
//! "reason"` on the rule, fact or source concerned silences it deliberately.
//!
//! The questions about cases ("can this rule ever fire?", "can these two fire together?")
//! are answered by [`RuleBase::find_case_where`].

use indexmap::IndexMap;

use crate::ast::{Requirement, Span};
use crate::bib;
use crate::diag::Diagnostic;
use crate::eval::{Search, Witness};
use crate::rulebase::{
    Citation, CitationRole, DefinitionId, Expr, FactId, Haystack, Origin, Place, Rule, RuleBase, RuleId,
    Test, Type,
};

/// The warnings `allow` can silence.
pub const WARNINGS: [&str; 14] = [
    "W0301", "W0302", "W0303", "W0304", "W0305", "W0306", "W0307", "W0308", "W0309", "W0310", "W0311",
    "W0312", "W0313", "W0314",
];

/// A warning silenced by an `allow`, with its reason.
#[derive(Clone, Debug, PartialEq)]
pub struct Silenced {
    /// The warning.
    pub warning: Diagnostic,
    /// The reason the `allow` gives.
    pub reason: String,
}

/// What the analysis found: warnings to show, and warnings silenced on purpose.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Findings {
    /// Warnings not silenced.
    pub warnings: Vec<Diagnostic>,
    /// Warnings silenced by an `allow`.
    pub silenced: Vec<Silenced>,
    /// Rules the analysis gave up on, in part, in rule order.
    pub unanalysed: Vec<Unanalysed>,
}

/// A rule the analysis gave up on: a search for a case ran past its budget of work (see
/// [`RuleBase::find_case_where`]), so some checks were not made. Not a warning: nothing is
/// known to be wrong, and a rule base with such a rule still checks cleanly.
#[derive(Clone, Debug, PartialEq)]
pub struct Unanalysed {
    /// The rule's id.
    pub rule: String,
    /// The rule file, as shown.
    pub file: String,
    /// The rule's name in it.
    pub span: Span,
    /// The checks not made, in the order met: `W0301`, `W0302 with other_rule`,
    /// `W0307 for change.date`.
    pub checks: Vec<String>,
}

/// Analyses a rule base.
pub fn lint(rule_base: &RuleBase) -> Findings {
    let mut linter =
        Linter { rule_base, raised: Vec::new(), costly: Vec::new(), unanalysed: IndexMap::new() };
    linter.rules_that_never_fire();
    linter.contradictions();
    linter.overrides_that_never_apply();
    linter.sources_never_cited();
    linter.facts_never_read_or_asked();
    linter.texts_that_may_show_unknown();
    linter.words_never_shown();
    linter.quotes_cited_twice();
    linter.rules_against_policy();
    linter.shown_without_words();
    linter.quotes_not_verified();
    linter.finish()
}

/// A warning and the origin whose `allow`s may silence it.
struct Raised<'a> {
    warning: Diagnostic,
    origin: &'a Origin,
}

struct Linter<'a> {
    rule_base: &'a RuleBase,
    raised: Vec<Raised<'a>>,
    /// Rules whose search alone ran past its budget: every search that includes them is
    /// skipped, as it would cost as much and end the same.
    costly: Vec<RuleId>,
    /// The checks not made, by rule.
    unanalysed: IndexMap<RuleId, Vec<String>>,
}

impl<'a> Linter<'a> {
    /// [`RuleBase::find_case_where`] for the check named `check` (`W0301`, `W0302 with
    /// other`), unless a rule of `rules` is too costly to search. When the search is not
    /// made, or runs past its budget, the check is noted as not made against each rule,
    /// and the answer is `None`: nothing is concluded.
    fn find_case(
        &mut self,
        check: &dyn Fn(RuleId) -> String,
        rules: &[RuleId],
        keep_unknown: &[FactId],
    ) -> Option<Search> {
        let skipped = rules.iter().any(|rule| self.costly.contains(rule));
        let search =
            if skipped { Search::GaveUp } else { self.rule_base.find_case_where(rules, keep_unknown) };
        if search != Search::GaveUp {
            return Some(search);
        }
        if let [rule] = rules {
            self.costly.push(*rule);
        }
        for &rule in rules {
            let checks = self.unanalysed.entry(rule).or_default();
            let named = check(rule);
            if !checks.contains(&named) {
                checks.push(named);
            }
        }
        None
    }

    fn raise(&mut self, origin: &'a Origin, warning: Diagnostic) {
        self.raised.push(Raised { warning, origin });
    }

    fn rule_warning(&self, rule: &Rule, code: &'static str, message: String, label: &str) -> Diagnostic {
        Diagnostic::warning(code, message).at(&rule.origin.file, rule.origin.span, label)
    }

    /// W0301: a condition no case can make true.
    fn rules_that_never_fire(&mut self) {
        for (index, rule) in self.rule_base.rule_ids().zip(&self.rule_base.rules) {
            if self.find_case(&|_| "W0301".into(), &[index], &[]) == Some(Search::Impossible) {
                let warning = self
                    .rule_warning(rule, "W0301", format!("rule `{}` can never fire", rule.id), "no case makes its condition true")
                    .help("its condition contradicts itself (for example `a and not a`, or a value compared with two different values); fix or remove the rule");
                self.raise(&rule.origin, warning);
            }
        }
    }

    /// W0302: two rules declared to contradict that some case makes fire together.
    fn contradictions(&mut self) {
        for (index, rule) in self.rule_base.rule_ids().zip(&self.rule_base.rules) {
            for &other in &rule.contradicts {
                let check = self.pair_check("W0302", index, other);
                if let Some(Search::Found(witness)) = self.find_case(&check, &[index, other], &[]) {
                    let other_rule = self.rule_base.rule(other);
                    let message = format!(
                        "rules `{}` and `{}` can both fire for one case, though they contradict",
                        rule.id, other_rule.id
                    );
                    let warning = self
                        .rule_warning(rule, "W0302", message, "declared to contradict")
                        .also(&other_rule.origin.file, other_rule.origin.span, "the other rule")
                        .help(format!("for example, a case with {}; narrow one condition, or make one rule override the other", witness_words(&witness)));
                    self.raise(&rule.origin, warning);
                }
            }
        }
    }

    /// W0306: an override between rules that never fire for the same case.
    fn overrides_that_never_apply(&mut self) {
        for (index, rule) in self.rule_base.rule_ids().zip(&self.rule_base.rules) {
            for &other in &rule.overrides {
                let check = self.pair_check("W0306", index, other);
                if self.find_case(&check, &[index, other], &[]) == Some(Search::Impossible) {
                    let other_rule = self.rule_base.rule(other);
                    let message = format!(
                        "`{}` overrides `{}`, but they never fire for the same case",
                        rule.id, other_rule.id
                    );
                    let warning = self
                        .rule_warning(rule, "W0306", message, "this override never applies")
                        .also(&other_rule.origin.file, other_rule.origin.span, "the rule overridden")
                        .help("remove the `overrides`, or check the two conditions");
                    self.raise(&rule.origin, warning);
                }
            }
        }
    }

    /// W0303: a source no rule cites.
    fn sources_never_cited(&mut self) {
        for (key, origin) in &self.rule_base.source_origins {
            let cited = self.rule_base.rules.iter().any(|r| r.citations.iter().any(|c| c.names(key)));
            if !cited {
                let warning = Diagnostic::warning("W0303", format!("source `{key}` is never cited"))
                    .at(&origin.file, origin.span, "no rule cites it")
                    .help("cite it where the advice rests on it, or remove it");
                self.raise(origin, warning);
            }
        }
    }

    /// W0304: a fact no rule reads; W0305: a fact whose question can never be asked,
    /// because rules only show it in texts (or timelines).
    fn facts_never_read_or_asked(&mut self) {
        let facts = self.rule_base.vocabulary.facts.len();
        let definitions = &self.rule_base.definitions;
        // Facts read in conditions decide outcomes (so may be asked about); facts in texts
        // are only shown.
        let (mut decides, mut shown) = (vec![false; facts], vec![false; facts]);
        for rule in &self.rule_base.rules {
            if let Some(list) = rule.for_each {
                decides[list.0] = true;
            }
            rule.condition.visit_facts(definitions, &mut |fact| decides[fact.0] = true);
            for template in [&rule.title, &rule.text] {
                template.visit_facts(definitions, &mut |fact| shown[fact.0] = true);
            }
            // A timeline shows its dates too.
            for date in rule.timeline.iter().flat_map(|entry| entry.dates.exprs()) {
                date.visit_facts(definitions, &mut |fact| shown[fact.0] = true);
            }
        }
        for (index, fact) in self.rule_base.vocabulary.facts.iter().enumerate() {
            if !shown[index] && !decides[index] && !is_label(self.rule_base, FactId(index)) {
                let warning = Diagnostic::warning("W0304", format!("no rule reads the fact `{}`", fact.path))
                    .at(&fact.origin.file, fact.origin.span, "declared here")
                    .help("use it in a rule, or remove it (a case may still give it; it is then ignored)");
                self.raise(&fact.origin, warning);
            } else if !decides[index] && fact.question.is_some() && !is_label(self.rule_base, FactId(index)) {
                let warning = Diagnostic::warning("W0305", format!("the question about `{}` can never be asked", fact.path))
                    .at(&fact.origin.file, fact.origin.span, "rules only show it in texts")
                    .help("a fact is asked about only when its value could change a rule's outcome; test its value in a condition, or drop the question");
                self.raise(&fact.origin, warning);
            }
        }
    }

    /// W0307: a text shows a fact that can be unknown when the rule fires.
    fn texts_that_may_show_unknown(&mut self) {
        for (index, rule) in self.rule_base.rule_ids().zip(&self.rule_base.rules) {
            let mut shown = Vec::new();
            for template in [&rule.title, &rule.text] {
                template.visit_facts(&self.rule_base.definitions, &mut |fact| {
                    if !shown.contains(&fact) && !is_label(self.rule_base, fact) {
                        shown.push(fact);
                    }
                });
            }
            for fact in shown {
                let path = &self.rule_base.vocabulary.fact(fact).path;
                let check = |_| format!("W0307 for {path}");
                if let Some(Search::Found(witness)) = self.find_case(&check, &[index], &[fact]) {
                    let warning = self
                        .rule_warning(rule, "W0307", format!("rule `{}` can fire with `{path}` unknown, and its text shows it", rule.id), "its text would say \"(unknown)\"")
                        .help(format!("for example, a case with {}; require `{path} is known` in the condition, or leave it out of the text", witness_words(&witness)));
                    self.raise(&rule.origin, warning);
                }
            }
        }
    }

    /// W0309: a quote cited by two rules with different evidence grades; W0310: a quote
    /// cited by two rules that can fire together (and do not override one another), so
    /// one report would give it twice.
    fn quotes_cited_twice(&mut self) {
        let rules = &self.rule_base.rules;
        // Each quote, by source and normalised words, with the rules citing it in rule order.
        let mut quotes: IndexMap<(&str, String), Vec<(RuleId, Span)>> = IndexMap::new();
        for (index, rule) in self.rule_base.rule_ids().zip(rules) {
            for citation in &rule.citations {
                let (Some(quote), Some(span)) = (&citation.quote, citation.quote_span) else { continue };
                let citing = quotes.entry((citation.source.as_str(), bib::normalise(quote))).or_default();
                if !citing.iter().any(|(r, _)| *r == index) {
                    citing.push((index, span));
                }
            }
        }
        for citing in quotes.values() {
            for (position, &(second, span)) in citing.iter().enumerate().skip(1) {
                let earlier = &citing[..position];
                let rule = &rules[second.0];
                if let Some(&(first, first_span)) =
                    earlier.iter().find(|(r, _)| rules[r.0].evidence != rule.evidence)
                {
                    self.quote_graded_twice(first, first_span, second, span);
                }
                for &(first, first_span) in earlier {
                    let overridden =
                        rule.overrides.contains(&first) || rules[first.0].overrides.contains(&second);
                    if overridden {
                        continue;
                    }
                    let check = self.pair_check("W0310", first, second);
                    if let Some(Search::Found(witness)) = self.find_case(&check, &[first, second], &[]) {
                        let message = format!(
                            "rules `{}` and `{}` can fire together and both cite this quote",
                            rules[first.0].id, rule.id
                        );
                        let warning = Diagnostic::warning("W0310", message)
                            .at(&rule.origin.file, span, "the report would give this quote twice")
                            .also(&rules[first.0].origin.file, first_span, format!("also cited by `{}`", rules[first.0].id))
                            .help(format!("for example, a case with {}; merge the two rules, let one override the other, or quote something else", witness_words(&witness)));
                        self.raise(&rule.origin, warning);
                    }
                }
            }
        }
    }

    /// Names the check `code` of rules `a` and `b`, as noted against either: `W0302 with
    /// b` against `a`, `W0302 with a` against `b`.
    fn pair_check(&self, code: &'static str, a: RuleId, b: RuleId) -> impl Fn(RuleId) -> String + 'a {
        let rule_base = self.rule_base;
        move |rule| format!("{code} with {}", rule_base.rule(if rule == a { b } else { a }).id)
    }

    fn quote_graded_twice(&mut self, first: RuleId, first_span: Span, second: RuleId, span: Span) {
        let rule_base = self.rule_base;
        let grade = |rule: RuleId| rule_base.rule(rule).evidence.as_deref().unwrap_or("none");
        let message = format!(
            "rules `{}` and `{}` cite the same quote with different evidence ({} and {})",
            rule_base.rule(first).id,
            rule_base.rule(second).id,
            grade(first),
            grade(second)
        );
        let warning = Diagnostic::warning("W0309", message)
            .at(&rule_base.rule(second).origin.file, span, format!("cited with evidence: {}", grade(second)))
            .also(
                &rule_base.rule(first).origin.file,
                first_span,
                format!("cited by `{}` with evidence: {}", rule_base.rule(first).id, grade(first)),
            )
            .help("one claim, one grade: give the two rules the same `evidence`, or quote different words");
        self.raise(&rule_base.rule(second).origin, warning);
    }

    /// W0311: words chosen by date that no text shows.
    fn words_never_shown(&mut self) {
        let mut shown = vec![false; self.rule_base.words.len()];
        let rule_texts = self.rule_base.rules.iter().flat_map(|rule| [&rule.title, &rule.text]);
        let questions = self.rule_base.vocabulary.facts.iter().filter_map(|fact| fact.question.as_ref());
        let fact_words = self.rule_base.vocabulary.facts.iter().flat_map(|fact| fact.wording.templates());
        let derived_words = self.rule_base.definitions.iter().flat_map(|d| d.wording.templates());
        for template in rule_texts.chain(questions).chain(fact_words).chain(derived_words) {
            for (expr, _) in template.values() {
                if let Expr::Words(index) = expr {
                    shown[*index] = true;
                }
            }
        }
        for (words, shown) in self.rule_base.words.iter().zip(shown) {
            if !shown {
                let warning =
                    Diagnostic::warning("W0311", format!("no text shows the words `{}`", words.name))
                        .at(&words.origin.file, words.origin.span, "declared here")
                        .help(format!(
                            "show them in an advice's title or text as `{{{}}}`, or remove them",
                            words.name
                        ));
                self.raise(&words.origin, warning);
            }
        }
    }

    /// W0312: a rule that does not carry what the rule base's `policy` requires.
    fn rules_against_policy(&mut self) {
        for line in &self.rule_base.policy {
            for rule in &self.rule_base.rules {
                if let Some((lacks, help)) = unmet(&line.requirement, rule) {
                    let message =
                        format!("rule `{}` {lacks}, which the rule base's policy requires", rule.id);
                    let warning = self
                        .rule_warning(rule, "W0312", message, "this rule")
                        .also(&line.file, line.span, "the policy")
                        .help(format!(
                            "{help}; or, where the rule rightly does without it, `allow W0312 \"why\"`"
                        ));
                    self.raise(&rule.origin, warning);
                }
            }
        }
    }

    /// W0314: a quote of a work whose full text the rule base does not give, so `accord
    /// check` cannot verify it. Silenced on the rule, or on the source for all its quotes.
    fn quotes_not_verified(&mut self) {
        for rule in &self.rule_base.rules {
            for citation in &rule.citations {
                let (Some(_), Some(span)) = (&citation.quote, citation.quote_span) else { continue };
                if citation.quote_verified {
                    continue;
                }
                let key = citation.quoted_in.as_ref().map_or(&citation.source, |q| &q.source);
                let message =
                    format!("this quote of `{key}` cannot be verified: the rule base does not give its text");
                let warning = Diagnostic::warning("W0314", message)
                    .at(&rule.origin.file, span, "not checked against any text")
                    .help(format!("give the source's full text with `text \"texts/FILE.txt\"` (plain text, under the rule files' folder), or quote nothing and cite `{key}` at its page or section; where the text cannot be shipped, `allow W0314 \"where the quote was checked\"` on the source"));
                let origin = &self.rule_base.source_origins[key.as_str()];
                let silenced_on_source = origin.allows.iter().any(|a| a.code == "W0314");
                self.raise(if silenced_on_source { origin } else { &rule.origin }, warning);
            }
        }
    }

    /// Splits the warnings into those shown and those silenced, and warns about each
    /// `allow` that silenced nothing (W0308).
    fn finish(self) -> Findings {
        let mut findings = Findings::default();
        let mut unanalysed: Vec<(RuleId, Vec<String>)> = self.unanalysed.into_iter().collect();
        unanalysed.sort_by_key(|(rule, _)| *rule);
        for (index, checks) in unanalysed {
            let rule = self.rule_base.rule(index);
            let (file, span) = (rule.origin.file.clone(), rule.origin.span);
            findings.unanalysed.push(Unanalysed { rule: rule.id.clone(), file, span, checks });
        }
        let mut used: Vec<(&Origin, &str)> = Vec::new();
        for raised in self.raised {
            match raised.origin.allows.iter().find(|a| a.code == raised.warning.code) {
                Some(allow) => {
                    used.push((raised.origin, allow.code.as_str()));
                    findings
                        .silenced
                        .push(Silenced { warning: raised.warning, reason: allow.reason.clone() });
                }
                None => findings.warnings.push(raised.warning),
            }
        }
        for origin in all_origins(self.rule_base) {
            for allow in &origin.allows {
                let silenced_something =
                    used.iter().any(|(o, code)| std::ptr::eq(*o, origin) && *code == allow.code);
                if !silenced_something && allow.code != "W0308" {
                    let warning =
                        Diagnostic::warning("W0308", format!("`allow {}` silences nothing", allow.code))
                            .at(&origin.file, allow.span, "no such warning here")
                            .help("remove the `allow`: the warning it was for no longer occurs");
                    findings.warnings.push(warning);
                }
            }
        }
        findings
    }
}

fn all_origins(rule_base: &RuleBase) -> impl Iterator<Item = &Origin> {
    let rules = rule_base.rules.iter().map(|r| &r.origin);
    let facts = rule_base.vocabulary.facts.iter().map(|f| &f.origin);
    let words = rule_base.words.iter().map(|w| &w.origin);
    let definitions = rule_base.definitions.iter().map(|d| &d.origin);
    rules.chain(facts).chain(rule_base.source_origins.values()).chain(words).chain(definitions)
}

/// What a rule lacks that a policy requirement asks for, and how to add it; `None` when
/// the rule meets it.
fn unmet(requirement: &Requirement, rule: &Rule) -> Option<(String, String)> {
    match requirement {
        Requirement::Lesson if rule.lessons.is_empty() => Some((
            "names no lesson".into(),
            "add `lesson ID` for the lesson it carries (declared under `lessons`)".into(),
        )),
        Requirement::Evidence if rule.evidence.is_none() => Some((
            "names no evidence grade".into(),
            "add `evidence GRADE`, a step of the `evidence scale` that says how strong the evidence behind it is"
                .into(),
        )),
        Requirement::Priority if rule.priority.is_none() => Some((
            "names no priority".into(),
            "add `priority STEP`, a step of the `priority scale`".into(),
        )),
        Requirement::Cites { source, at_locator } => {
            let meets = |c: &Citation| {
                c.role == CitationRole::Source
                    && source.as_ref().is_none_or(|key| c.source == key.node)
                    && (!at_locator || c.locator.as_deref().is_some_and(|l| !l.is_empty()))
            };
            if rule.citations.iter().any(meets) {
                return None;
            }
            let work = source.as_ref().map_or("any source".to_string(), |key| format!("`{}`", key.node));
            let key = source.as_ref().map_or("KEY", |key| key.node.as_str());
            let (lacks, help) = if *at_locator {
                (format!("does not cite {work} at a locator"), format!("cite it as `cite {key} at \"SECTION OR PAGE\"`"))
            } else {
                (format!("does not cite {work}"), format!("add `cite {key}`"))
            };
            Some((lacks, help))
        }
        _ => None,
    }
}

/// A witness case in words: `change.kind = merger and change.date = 2013-01-01`.
fn witness_words(witness: &Witness) -> String {
    let facts: Vec<String> = witness.facts.iter().map(|(fact, value)| format!("{fact} = {value}")).collect();
    if facts.is_empty() { "no facts given".to_string() } else { facts.join(" and ") }
}

/// Whether a fact is the name field that labels the items of its list (shown in advice
/// whenever an item is).
fn is_label(rule_base: &RuleBase, fact: FactId) -> bool {
    match rule_base.vocabulary.fact(fact).place {
        Place::Field { list, .. } => match &rule_base.vocabulary.fact(list).ty {
            Type::Records(record) => record.label == Some(fact),
            _ => false,
        },
        Place::Case { .. } => false,
    }
}

// ----- W0313: facts the reasons show without words of their own -----

/// A fact or derived fact that the reasons for advice can show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Shown {
    Fact(FactId),
    Derived(DefinitionId),
}

/// The words a fact or derived fact needs to be said in the reasons as the rule base
/// would say it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Needs {
    /// A true-or-false one: `says true` and `says false`.
    TrueAndFalse,
    /// A `one of` one: a label, or words for every value.
    LabelOrEveryValue,
    /// Any other: a label.
    Label,
}

impl Linter<'_> {
    /// W0313: a fact or derived fact that the reasons for some rule's advice can show, with
    /// no words of its own, in a rule base that gives others theirs. (A rule base that
    /// gives none, written before facts had words, is not warned fact by fact: its text
    /// report says every fact by its question or name alike.)
    fn shown_without_words(&mut self) {
        let rule_base = self.rule_base;
        let facts = rule_base.vocabulary.facts.iter().map(|fact| &fact.wording);
        let derived = rule_base.definitions.iter().map(|definition| &definition.wording);
        if facts
            .chain(derived)
            .all(|wording| wording.label.is_none() && wording.says.iter().all(Option::is_none))
        {
            return;
        }
        let mut warned: Vec<Shown> = Vec::new();
        for rule in &rule_base.rules {
            let mut shown: Vec<(Shown, Needs)> = Vec::new();
            shown_by_condition(rule_base, &rule.condition, &mut shown);
            for (named, needs) in shown {
                if warned.contains(&named) || self.has_words(named, needs) {
                    continue;
                }
                warned.push(named);
                self.warn_without_words(rule, named, needs);
            }
        }
    }

    fn has_words(&self, named: Shown, needs: Needs) -> bool {
        let wording = match named {
            Shown::Fact(fact) => &self.rule_base.vocabulary.fact(fact).wording,
            Shown::Derived(id) => &self.rule_base.definition(id).wording,
        };
        let every_value = !wording.says.is_empty() && wording.says.iter().all(Option::is_some);
        match needs {
            Needs::TrueAndFalse => every_value,
            Needs::LabelOrEveryValue => wording.label.is_some() || every_value,
            Needs::Label => wording.label.is_some(),
        }
    }

    /// The lines a fact or derived fact lacks, in words: `` `label` ``, `` `says false` ``.
    fn missing_words(&self, named: Shown, needs: Needs) -> String {
        let wording = match named {
            Shown::Fact(fact) => &self.rule_base.vocabulary.fact(fact).wording,
            Shown::Derived(id) => &self.rule_base.definition(id).wording,
        };
        match needs {
            Needs::TrueAndFalse => {
                let said = |value: bool| wording.says(&crate::value::Value::Bool(value)).is_some();
                match (said(true), said(false)) {
                    (true, false) => "`says false`".into(),
                    (false, true) => "`says true`".into(),
                    _ => "`says true` or `says false`".into(),
                }
            }
            Needs::LabelOrEveryValue | Needs::Label => "`label`".into(),
        }
    }

    fn warn_without_words(&mut self, rule: &Rule, named: Shown, needs: Needs) {
        let (what, origin) = match named {
            Shown::Fact(fact) => {
                let fact = self.rule_base.vocabulary.fact(fact);
                (format!("the fact `{}`", fact.path), &fact.origin)
            }
            Shown::Derived(id) => {
                let definition = self.rule_base.definition(id);
                (format!("the derived fact `{}`", definition.name), &definition.origin)
            }
        };
        let help = match needs {
            Needs::TrueAndFalse => {
                "give it `says true \"...\"` and `says false \"...\"`: what the case says when it holds, and when it does not"
            }
            Needs::LabelOrEveryValue => {
                "give it `label \"...\"`, a noun phrase naming it, or `says VALUE \"...\"` for each of its values"
            }
            Needs::Label => {
                "give it `label \"...\"`, a noun phrase naming it (for a list, what its items are)"
            }
        };
        let missing = self.missing_words(named, needs);
        let message = format!("{what} has no {missing}, but the reasons for `{}` can show it", rule.id);
        let warning = Diagnostic::warning("W0313", message)
            .at(&origin.file, origin.span, format!("no {missing}"))
            .also(&rule.origin.file, rule.origin.span, "a rule whose reasons show it")
            .help(format!("{help}; until then the text report says it by its question or its name"));
        self.raise(origin, warning);
    }
}

/// The facts and derived facts the reasons for a condition can show, each with the words it
/// needs, in the order met (derived facts are shown by their own words, not looked into).
fn shown_by_condition(rule_base: &RuleBase, expr: &Expr, shown: &mut Vec<(Shown, Needs)>) {
    match expr {
        Expr::And(a, b) | Expr::Or(a, b) => {
            shown_by_condition(rule_base, a, shown);
            shown_by_condition(rule_base, b, shown);
        }
        Expr::Not(a) => shown_by_condition(rule_base, a, shown),
        Expr::Quantified { body, .. } => shown_by_condition(rule_base, body, shown),
        Expr::Atom(atom) => match &atom.test {
            Test::Holds(value) | Test::Known { expr: value, .. } => shown_by_value(rule_base, value, shown),
            Test::Compare { lhs, rhs, .. } => {
                shown_by_value(rule_base, lhs, shown);
                shown_by_value(rule_base, rhs, shown);
            }
            Test::In { needle, haystack, .. } => {
                shown_by_value(rule_base, needle, shown);
                if let Haystack::List(list) = haystack {
                    shown_by_value(rule_base, list, shown);
                }
            }
        },
        other => shown_by_value(rule_base, other, shown),
    }
}

/// The facts and derived facts a value of a test shows.
fn shown_by_value(rule_base: &RuleBase, expr: &Expr, shown: &mut Vec<(Shown, Needs)>) {
    let mut add = |named: Shown, needs: Needs| {
        if !shown.iter().any(|(seen, _)| *seen == named) {
            shown.push((named, needs));
        }
    };
    match expr {
        Expr::Fact(fact) | Expr::Field { fact, .. } => {
            let needs = match &rule_base.vocabulary.fact(*fact).ty {
                Type::Bool => Needs::TrueAndFalse,
                Type::Enum(_) => Needs::LabelOrEveryValue,
                _ => Needs::Label,
            };
            add(Shown::Fact(*fact), needs);
        }
        Expr::Derived(id) => {
            let definitions = &rule_base.definitions;
            let needs = if rule_base.definition(*id).expr.is_condition(&rule_base.vocabulary, definitions) {
                Needs::TrueAndFalse
            } else {
                Needs::Label
            };
            add(Shown::Derived(*id), needs);
        }
        Expr::Count { list, filter, .. } => {
            shown_by_value(rule_base, list, shown);
            if let Some(filter) = filter {
                shown_by_condition(rule_base, filter, shown);
            }
        }
        Expr::DatePlus { date: a, duration: b, .. }
        | Expr::NumberPlus { lhs: a, rhs: b, .. }
        | Expr::MonthsBetween { from: a, to: b } => {
            shown_by_value(rule_base, a, shown);
            shown_by_value(rule_base, b, shown);
        }
        Expr::Extreme { list, .. } => shown_by_value(rule_base, list, shown),
        Expr::Atom(_) | Expr::And(..) | Expr::Or(..) | Expr::Not(_) | Expr::Quantified { .. } => {
            shown_by_condition(rule_base, expr, shown);
        }
        Expr::Const(_) | Expr::Item { .. } | Expr::AsOf | Expr::Words(_) => {}
    }
}
