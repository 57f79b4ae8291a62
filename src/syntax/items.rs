//! The top-level items other than rules: `source`, `fact`, `define`, `words`, `evidence
//! scale`, `priority scale`, `lessons` and `policy`, with their fields, wording lines and
//! `allow` annotations. Must not parse conditions itself (`expr.rs` does) or a rule's
//! clauses (`rule.rs` does).

use nom::bytes::complete::{take_while, take_while1};

use crate::ast::{
    Allow, Definition, EvidenceLevel, FactDecl, FactType, Item, Lesson, PriorityLevel, Requirement, Says,
    Source, SourceField, SourceFieldName, Spanned, Wording, Words, WordsEntry,
};
use crate::value::Date;

use super::Parser;
use super::errors::{Expected, PResult, SyntaxError, cut, fail};
use super::keywords::starts_item;
use super::lexical::{is_name_char, skip_space, starts_with_word};

impl<'s> Parser<'s> {
    pub(super) fn item(&self, i: &'s str) -> PResult<'s, Item> {
        let start = skip_space(i);
        if self.peek_keyword(start, "rule") {
            self.rule(start).map(|(rest, rule)| (rest, Item::Rule(Box::new(rule))))
        } else if self.peek_keyword(start, "source") {
            self.source(start).map(|(rest, source)| (rest, Item::Source(Box::new(source))))
        } else if self.peek_keyword(start, "fact") {
            self.fact(start).map(|(rest, fact)| (rest, Item::Fact(Box::new(fact))))
        } else if self.peek_keyword(start, "evidence") {
            self.evidence_scale(start).map(|(rest, levels)| (rest, Item::EvidenceScale(levels)))
        } else if self.peek_keyword(start, "priority") {
            self.priority_scale(start).map(|(rest, levels)| (rest, Item::PriorityScale(levels)))
        } else if self.peek_keyword(start, "define") {
            self.definition(start).map(|(rest, definition)| (rest, Item::Definition(Box::new(definition))))
        } else if self.peek_keyword(start, "words") {
            self.words(start).map(|(rest, words)| (rest, Item::Words(Box::new(words))))
        } else if self.peek_keyword(start, "lessons") {
            self.lessons(start).map(|(rest, lessons)| (rest, Item::Lessons(lessons)))
        } else if self.peek_keyword(start, "policy") {
            self.policy(start).map(|(rest, requirements)| (rest, Item::Policy(requirements)))
        } else {
            fail(start, Expected::Item)
        }
    }

    /// `evidence scale research_finding "research finding" research_suggests "..."`
    fn evidence_scale(&self, i: &'s str) -> PResult<'s, Vec<EvidenceLevel>> {
        let (rest, _) = self.keyword(i, "evidence")?;
        let (rest, _) = cut(self.keyword(rest, "scale"))?;
        let (rest, pairs) = self.named_strings(rest)?;
        Ok((rest, pairs.into_iter().map(|(key, label)| EvidenceLevel { key, label }).collect()))
    }

    /// `priority scale act_now "act now" plan_for "plan for" consider "consider"`
    fn priority_scale(&self, i: &'s str) -> PResult<'s, Vec<PriorityLevel>> {
        let (rest, _) = self.keyword(i, "priority")?;
        let (rest, _) = cut(self.keyword(rest, "scale"))?;
        let (rest, pairs) = self.named_strings(rest)?;
        Ok((rest, pairs.into_iter().map(|(key, label)| PriorityLevel { key, label }).collect()))
    }

    /// `define months_since_merger as months between change.date and as_of`, then its
    /// `label`, `says` and `allow` lines, in any order.
    fn definition(&self, i: &'s str) -> PResult<'s, Definition> {
        let (rest, _) = self.keyword(i, "define")?;
        let (rest, name) = cut(self.name(rest))?;
        let (rest, _) = cut(self.keyword(rest, "as"))?;
        let (rest, expr) = cut(self.expr(rest))?;
        let (rest, (wording, allows)) = self.wording_and_allows(rest)?;
        Ok((rest, Definition { name, expr, wording, allows }))
    }

    /// The `label`, `says` and `allow` lines of a fact or derived fact, in any order.
    fn wording_and_allows(&self, i: &'s str) -> PResult<'s, (Wording, Vec<Allow>)> {
        let (mut rest, mut allows, mut wording) = (i, Vec::new(), Wording::default());
        loop {
            if let Some((after, allow)) = self.allow(rest)? {
                allows.push(allow);
                rest = after;
            } else if let Some(after) = self.wording_line(rest, &mut wording)? {
                rest = after;
            } else {
                return Ok((rest, (wording, allows)));
            }
        }
    }

    /// A `label "words"` or `says VALUE "words"` line, added to `wording`, if that is what
    /// comes next: gives what follows it.
    fn wording_line(
        &self,
        i: &'s str,
        wording: &mut Wording,
    ) -> Result<Option<&'s str>, nom::Err<SyntaxError<'s>>> {
        if let Ok((rest, _)) = self.keyword(i, "label") {
            if wording.label.is_some() {
                return Err(nom::Err::Failure(SyntaxError {
                    at: skip_space(i),
                    expected: Expected::SecondLabel,
                }));
            }
            let (rest, label) = cut(self.text(rest, true))?;
            wording.label = Some(label);
            return Ok(Some(rest));
        }
        let Ok((rest, _)) = self.keyword(i, "says") else { return Ok(None) };
        let start = skip_space(rest);
        // `true` and `false` are reserved words, so not names: read as words here.
        let (rest, value) = match self.word(start) {
            Ok((rest, word @ ("true" | "false"))) => {
                (rest, Spanned::new(word.to_string(), self.span(start, rest)))
            }
            _ => cut(self.name(start))?,
        };
        let (rest, words) = cut(self.text(rest, true))?;
        wording.says.push(Says { value, words });
        Ok(Some(rest))
    }

    /// `words name`, then `before DATE "words"` and `otherwise "words"` lines (and
    /// `allow`s), in any order: the checker says which orders are wrong.
    fn words(&self, i: &'s str) -> PResult<'s, Words> {
        let (rest, _) = self.keyword(i, "words")?;
        let (mut rest, name) = cut(self.name(rest))?;
        let (mut entries, mut allows) = (Vec::new(), Vec::new());
        while !self.at_item_start(rest) {
            if let Some((after, allow)) = self.allow(rest)? {
                allows.push(allow);
                rest = after;
                continue;
            }
            let start = skip_space(rest);
            if let Ok((after, _)) = self.keyword(start, "before") {
                let (after, date) = cut(self.date(after))?;
                let (after, text) = cut(self.string(after))?;
                entries.push(WordsEntry::Before(date, text));
                rest = after;
            } else if let Ok((after, _)) = self.keyword(start, "otherwise") {
                let keyword = Spanned::new((), self.span(start, after));
                let (after, text) = cut(self.string(after))?;
                entries.push(WordsEntry::Otherwise(keyword, text));
                rest = after;
            } else {
                return Err(nom::Err::Failure(SyntaxError { at: start, expected: Expected::WordsEntry }));
            }
        }
        Ok((rest, Words { name, entries, allows }))
    }

    /// `2013-04-01`
    fn date(&self, i: &'s str) -> PResult<'s, Spanned<Date>> {
        let start = skip_space(i);
        let (rest, text) =
            take_while::<_, _, SyntaxError<'s>>(|c: char| c.is_ascii_digit() || c == '-')(start)?;
        if text.is_empty() || rest.starts_with(is_name_char) {
            return fail(start, Expected::Date);
        }
        match Date::parse(text) {
            Ok(date) => Ok((rest, Spanned::new(date, self.span(start, rest)))),
            Err(why) => Err(nom::Err::Failure(SyntaxError { at: start, expected: Expected::ValidDate(why) })),
        }
    }

    /// `lessons S4 "Mergers can stall ..." S8 "..."`
    fn lessons(&self, i: &'s str) -> PResult<'s, Vec<Lesson>> {
        let (rest, _) = self.keyword(i, "lessons")?;
        let (rest, pairs) = self.named_strings(rest)?;
        Ok((rest, pairs.into_iter().map(|(id, summary)| Lesson { id, summary }).collect()))
    }

    /// `policy`, then one requirement per line, each starting with `every`.
    fn policy(&self, i: &'s str) -> PResult<'s, Vec<Spanned<Requirement>>> {
        let (mut rest, _) = self.keyword(i, "policy")?;
        // `policy` starts an item only before `every` (see [`starts_item`]): one with no
        // requirement is a mistake, and the formatter would not see an item there.
        if !self.peek_keyword(rest, "every") {
            return cut(fail(skip_space(rest), Expected::Requirement));
        }
        let mut requirements = Vec::new();
        while !self.at_item_start(rest) {
            let start = skip_space(rest);
            let (after, requirement) = self.requirement(start)?;
            requirements.push(Spanned::new(requirement, self.span(start, after)));
            rest = after;
        }
        Ok((rest, requirements))
    }

    /// `every rule names a lesson`, `every rule names its evidence`, `every rule names its
    /// priority`, `every rule cites a source [at a locator]`, `every rule cites KEY [at a
    /// locator]`.
    fn requirement(&self, start: &'s str) -> PResult<'s, Requirement> {
        let expected = |at: &'s str| fail::<Requirement>(at, Expected::Requirement);
        let Ok((rest, _)) = self.keyword(start, "every") else { return cut(expected(start)) };
        let Ok((rest, _)) = self.keyword(rest, "rule") else { return cut(expected(start)) };
        if let Ok((rest, _)) = self.keyword(rest, "names") {
            let rest = self.article(rest);
            let named = [("lesson", Requirement::Lesson), ("evidence", Requirement::Evidence)];
            let named = named.into_iter().chain([("priority", Requirement::Priority)]);
            for (word, requirement) in named {
                if let Ok((after, _)) = self.keyword(rest, word) {
                    return Ok((after, requirement));
                }
            }
            return cut(expected(start));
        }
        let Ok((rest, _)) = self.keyword(rest, "cites") else { return cut(expected(start)) };
        let (rest, source) = match self.keyword(rest, "a").and_then(|(r, _)| self.keyword(r, "source")) {
            Ok((after, _)) => (after, None),
            Err(_) => {
                let Ok((after, key)) = self.name(rest) else { return cut(expected(start)) };
                (after, Some(key))
            }
        };
        let at = self.keyword(rest, "at").and_then(|(r, _)| self.keyword(r, "a"));
        match at.and_then(|(r, _)| self.keyword(r, "locator")) {
            Ok((after, _)) => Ok((after, Requirement::Cites { source, at_locator: true })),
            Err(_) if self.peek_keyword(rest, "at") => cut(expected(start)),
            Err(_) => Ok((rest, Requirement::Cites { source, at_locator: false })),
        }
    }

    /// An optional `a`, `an` or `its`.
    fn article<'a>(&self, i: &'a str) -> &'a str {
        ["a", "an", "its"].iter().find_map(|word| self.keyword(i, word).ok()).map_or(i, |(rest, _)| rest)
    }

    /// `name "string"` pairs up to the next item.
    fn named_strings(&self, mut rest: &'s str) -> PResult<'s, Vec<(Spanned<String>, Spanned<String>)>> {
        let mut pairs = Vec::new();
        while !self.at_item_start(rest) {
            let (after, name) = cut(self.name(rest))?;
            let (after, text) = cut(self.string(after))?;
            pairs.push((name, text));
            rest = after;
        }
        Ok((rest, pairs))
    }

    /// True at the end of the file or before a top-level keyword.
    pub(super) fn at_item_start(&self, i: &str) -> bool {
        let next = skip_space(i);
        next.is_empty() || starts_item(next)
    }

    /// `source key` then `field "value"` lines.
    fn source(&self, i: &'s str) -> PResult<'s, Source> {
        let (rest, _) = self.keyword(i, "source")?;
        let (mut rest, key) = cut(self.name(rest))?;
        let mut fields = Vec::new();
        let mut allows = Vec::new();
        while !self.at_item_start(rest) {
            if let Some((after, allow)) = self.allow(rest)? {
                allows.push(allow);
                rest = after;
                continue;
            }
            let (after, field) = cut(self.source_field(rest))?;
            fields.push(field);
            rest = after;
        }
        Ok((rest, Source { key, fields, allows }))
    }

    /// `allow W0303 "reason"`, if that is what comes next.
    pub(super) fn allow(&self, i: &'s str) -> Result<Option<(&'s str, Allow)>, nom::Err<SyntaxError<'s>>> {
        let Ok((rest, _)) = self.keyword(i, "allow") else { return Ok(None) };
        let (rest, code) = cut(self.name(rest))?;
        let (rest, reason) = cut(self.string(rest))?;
        Ok(Some((rest, Allow { code, reason })))
    }

    /// A source's field and its value: `title "..."`, `year 2012`.
    fn source_field(&self, i: &'s str) -> PResult<'s, SourceField> {
        let start = skip_space(i);
        let Some((keyword, name)) = SourceFieldName::ALL.iter().find(|(kw, _)| starts_with_word(start, kw))
        else {
            return fail(start, Expected::SourceField);
        };
        let (rest, _) = self.keyword(start, keyword)?;
        let name = Spanned::new(*name, self.span(start, rest));
        let (rest, value) =
            if name.node == SourceFieldName::Year { self.year(rest)? } else { self.string(rest)? };
        Ok((rest, SourceField { name, value }))
    }

    /// A year: four digits, as written.
    fn year(&self, i: &'s str) -> PResult<'s, Spanned<String>> {
        let start = skip_space(i);
        let (rest, digits) = take_while1::<_, _, SyntaxError<'s>>(|c: char| c.is_ascii_digit())(start)
            .map_err(|_| nom::Err::Failure(SyntaxError { at: start, expected: Expected::Year }))?;
        if digits.len() != 4 || rest.starts_with(is_name_char) {
            return Err(nom::Err::Failure(SyntaxError { at: start, expected: Expected::Year }));
        }
        Ok((rest, Spanned::new(digits.to_string(), self.span(start, rest))))
    }

    /// `fact path is TYPE` then optionally `ask "question"`, then optionally `after path`,
    /// then optionally `only when CONDITION`, then `label`, `says` and `allow` lines in
    /// any order.
    fn fact(&self, i: &'s str) -> PResult<'s, FactDecl> {
        let (rest, _) = self.keyword(i, "fact")?;
        let (rest, path) = cut(self.path(rest))?;
        let (rest, _) = cut(self.keyword(rest, "is"))?;
        let (rest, ty) = cut(self.fact_type(rest))?;
        let (rest, question) = match self.keyword(rest, "ask") {
            Ok((after, _)) => {
                let (after, question) = cut(self.text(after, true))?;
                (after, Some(question))
            }
            Err(_) => (rest, None),
        };
        let (rest, after) = match self.keyword(rest, "after") {
            Ok((rest, _)) => {
                let (rest, other) = cut(self.path(rest))?;
                (rest, Some(other))
            }
            Err(_) => (rest, None),
        };
        let (rest, asked_when) = match self.keyword(rest, "only") {
            Ok((rest, _)) => {
                let (rest, _) = cut(self.keyword(rest, "when"))?;
                let (rest, condition) = cut(self.expr(rest))?;
                (rest, Some(condition))
            }
            Err(_) => (rest, None),
        };
        let (rest, (wording, allows)) = self.wording_and_allows(rest)?;
        Ok((rest, FactDecl { path, ty, question, after, asked_when, wording, allows }))
    }

    /// A fact's type: `true or false`, `text`, `a number`, `a date`, `a list of text`, `a list
    /// of records` or `one of a, b, c`.
    fn fact_type(&self, i: &'s str) -> PResult<'s, Spanned<FactType>> {
        let start = skip_space(i);
        let phrases: [(&[&'static str], FactType); 6] = [
            (&["true", "or", "false"], FactType::Bool),
            (&["text"], FactType::Text),
            (&["a", "number"], FactType::Number),
            (&["a", "date"], FactType::Date),
            (&["a", "list", "of", "text"], FactType::ListOfText),
            (&["a", "list", "of", "records"], FactType::ListOfRecords),
        ];
        for (words, ty) in phrases {
            if let Ok((rest, ())) = self.phrase(start, words) {
                return Ok((rest, Spanned::new(ty, self.span(start, rest))));
            }
        }
        let Ok((rest, ())) = self.phrase(start, &["one", "of"]) else {
            return fail(start, Expected::FactType);
        };
        let (rest, values) = self.comma_separated(rest, Self::name)?;
        Ok((rest, Spanned::new(FactType::OneOf(values), self.span(start, rest))))
    }
}
