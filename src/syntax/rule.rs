//! The `rule` item and the clauses inside it (`lesson`, `evidence`, `priority`, `for
//! each`, `when`, advice, `cite`, `overrides`, `contradicts`, `allow`, `event`, `period`), in
//! any order, each
//! at most once where only one makes sense. Must not parse conditions itself (`expr.rs`
//! does) or check what the clauses name (the checker does).

use crate::ast::{
    Advice, AdviceKind, Allow, Citation, Expr, ForEach, Mark, MarkWhen, QuotedIn, Rule, Spanned,
};

use super::Parser;
use super::errors::{Expected, PResult, SyntaxError, cut, fail};
use super::lexical::{skip_space, starts_with_word};

impl<'s> Parser<'s> {
    /// `rule id` then its clauses, in any order.
    pub(super) fn rule(&self, i: &'s str) -> PResult<'s, Rule> {
        let (rest, _) = self.keyword(i, "rule")?;
        let id_start = skip_space(rest);
        let (mut rest, id) = cut(self.name(rest))?;
        let mut clauses = Clauses::default();
        while !self.at_rule_end(rest) {
            rest = cut(self.clause(rest, &mut clauses))?.0;
        }
        let missing = |what: &'static str| {
            nom::Err::Failure(SyntaxError { at: id_start, expected: Expected::MissingClause(what) })
        };
        let rule = Rule {
            condition: clauses.condition.ok_or_else(|| missing("when"))?,
            advice: clauses.advice.ok_or_else(|| missing("recommend"))?,
            citations: if clauses.citations.is_empty() {
                return Err(missing("cite"));
            } else {
                clauses.citations.shrink_to_fit();
                clauses.citations
            },
            id,
            lessons: clauses.lessons,
            evidence: clauses.evidence,
            priority: clauses.priority,
            for_each: clauses.for_each,
            overrides: clauses.overrides,
            contradicts: clauses.contradicts,
            allows: clauses.allows,
            timeline: clauses.timeline,
        };
        Ok((rest, rule))
    }

    /// A rule ends at the end of the file or at the next top-level item; `evidence` on its
    /// own is a clause, `evidence scale` a new item (and so for `priority`).
    fn at_rule_end(&self, i: &str) -> bool {
        let next = skip_space(i);
        if starts_with_word(next, "evidence") {
            return self.phrase(next, &["evidence", "scale"]).is_ok();
        }
        self.at_item_start(next)
    }

    /// One clause of a rule, recorded in `clauses`; a clause given twice where one makes sense
    /// is E0105.
    fn clause(&self, i: &'s str, clauses: &mut Clauses) -> PResult<'s, ()> {
        let start = skip_space(i);
        let duplicate = |clause| {
            nom::Err::Failure(SyntaxError { at: start, expected: Expected::DuplicateClause(clause) })
        };
        if let Ok((rest, _)) = self.keyword(start, "lesson") {
            let (rest, lessons) = cut(self.comma_separated(rest, Self::name))?;
            clauses.lessons.extend(lessons);
            return Ok((rest, ()));
        }
        if let Ok((rest, _)) = self.keyword(start, "evidence") {
            let (rest, level) = cut(self.name(rest))?;
            if clauses.evidence.replace(level).is_some() {
                return Err(duplicate("evidence"));
            }
            return Ok((rest, ()));
        }
        if let Ok((rest, _)) = self.keyword(start, "priority") {
            let (rest, step) = cut(self.name(rest))?;
            if clauses.priority.replace(step).is_some() {
                return Err(duplicate("priority"));
            }
            return Ok((rest, ()));
        }
        if let Ok((rest, _)) = self.keyword(start, "for") {
            let (rest, _) = cut(self.keyword(rest, "each"))?;
            let (rest, var) = cut(self.name(rest))?;
            let (rest, _) = cut(self.keyword(rest, "in"))?;
            let (rest, list) = cut(self.path(rest))?;
            if clauses.for_each.replace(ForEach { var, list }).is_some() {
                return Err(duplicate("for"));
            }
            return Ok((rest, ()));
        }
        if let Ok((rest, _)) = self.keyword(start, "when") {
            let (rest, condition) = cut(self.expr(rest))?;
            if clauses.condition.replace(condition).is_some() {
                return Err(duplicate("when"));
            }
            return Ok((rest, ()));
        }
        if let Ok((rest, kind)) = self.advice_kind(start) {
            let (rest, title) = cut(self.text(rest, true))?;
            let (rest, text) = cut(self.text(rest, true))?;
            if clauses.advice.replace(Advice { kind, title, text }).is_some() {
                return Err(duplicate("recommend"));
            }
            return Ok((rest, ()));
        }
        if let Ok((rest, _)) = self.keyword(start, "contradicts") {
            let (rest, rules) = cut(self.comma_separated(rest, Self::name))?;
            clauses.contradicts.extend(rules);
            return Ok((rest, ()));
        }
        if let Some((rest, allow)) = self.allow(start)? {
            clauses.allows.push(allow);
            return Ok((rest, ()));
        }
        if let Ok((rest, _)) = self.keyword(start, "overrides") {
            let (rest, rules) = cut(self.comma_separated(rest, Self::name))?;
            clauses.overrides.extend(rules);
            return Ok((rest, ()));
        }
        if let Ok((rest, _)) = self.keyword(start, "cite") {
            let (rest, citation) = cut(self.citation(rest))?;
            clauses.citations.push(citation);
            return Ok((rest, ()));
        }
        if let Some((rest, mark)) = self.mark(start)? {
            clauses.timeline.push(mark);
            return Ok((rest, ()));
        }
        fail(start, Expected::Clause)
    }

    /// `event "label" on DATE` or `period "label" from DATE to [at least] DATE`, if one
    /// starts here. The dates are values (`change.date + 18 months`); the checker makes
    /// sure they are dates.
    fn mark(&self, start: &'s str) -> Result<Option<(&'s str, Mark)>, nom::Err<SyntaxError<'s>>> {
        if let Ok((rest, _)) = self.keyword(start, "event") {
            let (rest, label) = cut(self.string(rest))?;
            let (rest, _) = cut(self.keyword(rest, "on"))?;
            let (rest, date) = cut(self.value_expr(rest))?;
            return Ok(Some((rest, Mark { label, when: MarkWhen::On(date) })));
        }
        if let Ok((rest, _)) = self.keyword(start, "period") {
            let (rest, label) = cut(self.string(rest))?;
            let (rest, _) = cut(self.keyword(rest, "from"))?;
            let (rest, from) = cut(self.value_expr(rest))?;
            let (rest, _) = cut(self.keyword(rest, "to"))?;
            let (rest, at_least) = match self.phrase(rest, &["at", "least"]) {
                Ok((after, ())) => (after, true),
                Err(_) => (rest, false),
            };
            let (rest, to) = cut(self.value_expr(rest))?;
            return Ok(Some((rest, Mark { label, when: MarkWhen::Period { from, to, at_least } })));
        }
        Ok(None)
    }

    /// `recommend`, `warn` or `note`: the kind of the rule's advice.
    fn advice_kind(&self, i: &'s str) -> PResult<'s, Spanned<AdviceKind>> {
        let start = skip_space(i);
        let kinds = [
            ("recommend", AdviceKind::Recommendation),
            ("warn", AdviceKind::Warning),
            ("note", AdviceKind::Note),
        ];
        for (word, kind) in kinds {
            if let Ok((rest, _)) = self.keyword(start, word) {
                return Ok((rest, Spanned::new(kind, self.span(start, rest))));
            }
        }
        fail(start, Expected::Clause)
    }

    /// `key [for example] [at "locator"] [quoted in key [at "locator"]] [quote "words"]`
    /// (after `cite`). An example with a locator or quote parses; the checker refuses it.
    fn citation(&self, i: &'s str) -> PResult<'s, Citation> {
        let (rest, source) = self.name(i)?;
        let (rest, example) = match self.phrase(rest, &["for", "example"]) {
            Ok((after, ())) => (after, Some(Spanned::new((), self.span(skip_space(rest), after)))),
            Err(_) => (rest, None),
        };
        let (rest, locator) = self.optional_string_after(rest, "at")?;
        let (rest, quoted_in) = match self.keyword(rest, "quoted") {
            Ok((after, _)) => {
                let (after, _) = cut(self.keyword(after, "in"))?;
                let (after, source) = cut(self.name(after))?;
                let (after, locator) = self.optional_string_after(after, "at")?;
                (after, Some(QuotedIn { source, locator }))
            }
            Err(_) => (rest, None),
        };
        let (rest, quote) = self.optional_string_after(rest, "quote")?;
        Ok((rest, Citation { source, example, locator, quoted_in, quote }))
    }
}

#[derive(Default)]
struct Clauses {
    lessons: Vec<Spanned<String>>,
    evidence: Option<Spanned<String>>,
    priority: Option<Spanned<String>>,
    for_each: Option<ForEach>,
    condition: Option<Spanned<Expr>>,
    advice: Option<Advice>,
    citations: Vec<Citation>,
    overrides: Vec<Spanned<String>>,
    contradicts: Vec<Spanned<String>>,
    allows: Vec<Allow>,
    timeline: Vec<Mark>,
}
