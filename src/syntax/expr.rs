//! Parsing conditions and values: `and`/`or`/`not`, comparisons, membership, quantifiers,
//! arithmetic, dates and durations.

use nom::bytes::complete::{take_while, take_while1};

use crate::ast::{ArithOp, CompareOp, Expr, Literal, Quantifier, Span, Spanned};
use crate::value::{Date, Duration, DurationUnit};

use super::errors::{Expected, PResult, SyntaxError, cut, fail};
use super::keywords::RESERVED;
use super::lexical::{is_name_char, is_name_start, skip_space};
use super::{MAX_NESTING, Parser};

impl<'s> Parser<'s> {
    /// The text at `span` on one line, as an error's help shows it.
    fn written(&self, span: Span) -> String {
        self.src.get(span.range()).unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// Goes one level deeper, failing past [`MAX_NESTING`]. Levels are given back by
    /// [`Parser::leave`]; after an error, parsing restarts at the next item from zero.
    fn enter(&self, at: &'s str) -> Result<(), nom::Err<SyntaxError<'s>>> {
        self.depth.set(self.depth.get() + 1);
        if self.depth.get() > MAX_NESTING {
            return Err(nom::Err::Failure(SyntaxError { at, expected: Expected::ShallowerNesting }));
        }
        Ok(())
    }

    fn leave(&self, levels: usize) {
        self.depth.set(self.depth.get().saturating_sub(levels));
    }

    /// `a or b`: the loosest binding.
    pub(super) fn expr(&self, i: &'s str) -> PResult<'s, Spanned<Expr>> {
        self.chain(i, "or", Self::and_expr, Expr::Or)
    }

    fn and_expr(&self, i: &'s str) -> PResult<'s, Spanned<Expr>> {
        self.chain(i, "and", Self::not_expr, Expr::And)
    }

    /// `operand keyword operand keyword ...`, grouped from the left: `a and b and c` is
    /// `(a and b) and c`. Each link nests the tree one level deeper.
    fn chain(
        &self,
        i: &'s str,
        keyword: &'static str,
        operand: fn(&Self, &'s str) -> PResult<'s, Spanned<Expr>>,
        combine: fn(Box<Spanned<Expr>>, Box<Spanned<Expr>>) -> Expr,
    ) -> PResult<'s, Spanned<Expr>> {
        let (mut rest, mut lhs) = operand(self, i)?;
        let mut levels = 0;
        while let Ok((after, _)) = self.keyword(rest, keyword) {
            self.enter(after)?;
            levels += 1;
            let (after, rhs) = cut(operand(self, after))?;
            let span = lhs.span.to(rhs.span);
            lhs = Spanned::new(combine(Box::new(lhs), Box::new(rhs)), span);
            rest = after;
        }
        self.leave(levels);
        Ok((rest, lhs))
    }

    pub(super) fn not_expr(&self, i: &'s str) -> PResult<'s, Spanned<Expr>> {
        let start = skip_space(i);
        if start.starts_with('!') && !start.starts_with("!=") {
            let negated = self.path(&start[1..]).map_or("a".into(), |(_, path)| self.written(path.span));
            let help = format!("write the word `not`: `not {negated}`");
            return Err(instead(start, "!", "`not`", help));
        }
        if let Ok((rest, _)) = self.keyword(start, "not") {
            self.enter(rest)?;
            let (rest, inner) = cut(self.not_expr(rest))?;
            self.leave(1);
            return Ok((rest, Spanned::new(Expr::Not(Box::new(inner)), self.span(start, rest))));
        }
        if self.peek_keyword(start, "any") || self.peek_keyword(start, "all") {
            self.enter(start)?;
            let quantified = self.quantified(start)?;
            self.leave(1);
            return Ok(quantified);
        }
        self.test(start)
    }

    /// `any group in groups where CONDITION` (the condition binds like `not`'s operand:
    /// wrap `and`/`or` in brackets).
    fn quantified(&self, start: &'s str) -> PResult<'s, Spanned<Expr>> {
        let (rest, word) = self.word(start)?;
        let quantifier = if word == "any" { Quantifier::Any } else { Quantifier::All };
        let (rest, var) = cut(self.name(rest))?;
        let (rest, _) = cut(self.keyword(rest, "in"))?;
        let (rest, list) = cut(self.path(rest))?;
        let (rest, _) = cut(self.keyword(rest, "where"))?;
        let (rest, body) = cut(self.not_expr(rest))?;
        let expr = Expr::Quantified { quantifier, var, list, body: Box::new(body) };
        Ok((rest, Spanned::new(expr, self.span(start, rest))))
    }

    /// A value, optionally followed by a comparison, membership or presence test; then
    /// not `&&` or `||`, which other languages join conditions with.
    fn test(&self, i: &'s str) -> PResult<'s, Spanned<Expr>> {
        let (rest, test) = self.bare_test(i)?;
        let next = skip_space(rest);
        for (symbol, word) in [("&&", "and"), ("||", "or"), ("&", "and"), ("|", "or")] {
            if next.starts_with(symbol) {
                let help = format!(
                    "conditions are joined with the words `and` and `or` (and negated with `not`): write `{word}`"
                );
                let wanted = if word == "and" { "`and`" } else { "`or`" };
                return Err(instead(next, symbol, wanted, help));
            }
        }
        Ok((rest, test))
    }

    fn bare_test(&self, i: &'s str) -> PResult<'s, Spanned<Expr>> {
        let start = skip_space(i);
        let (rest, lhs) = self.arith(start)?;
        let boxed = |e: Spanned<Expr>| Box::new(e);
        if let Ok((after_is, _)) = self.keyword(rest, "is") {
            return cut(self.after_is(start, after_is, lhs));
        }
        self.refuse_foreign_comparison(&lhs, rest)?;
        for (symbol, op) in SYMBOL_OPS {
            if let Ok((after, _)) = self.symbol(rest, symbol) {
                let (after, rhs) = cut(self.value(after))?;
                let expr = Expr::Compare { op, lhs: boxed(lhs), rhs: boxed(rhs) };
                return Ok((after, Spanned::new(expr, self.span(start, after))));
            }
        }
        let negated_in = self.phrase(rest, &["not", "in"]);
        if let Ok((after, ())) = negated_in.or_else(|_| self.phrase(rest, &["in"])) {
            let negated = self.peek_keyword(rest, "not");
            self.refuse_round_list(after)?;
            let (after, haystack) = cut(self.arith(after))?;
            let expr = Expr::In { needle: boxed(lhs), haystack: boxed(haystack), negated };
            return Ok((after, Spanned::new(expr, self.span(start, after))));
        }
        if let Ok((after, _)) = self.keyword(rest, "contains") {
            let (after, needle) = cut(self.arith(after))?;
            let expr = Expr::In { needle: boxed(needle), haystack: boxed(lhs), negated: false };
            return Ok((after, Spanned::new(expr, self.span(start, after))));
        }
        Ok((rest, lhs))
    }

    /// What follows `is`: `known`, `unknown`, `not ...`, `in [...]`, `before d`, `at least n`, a value.
    fn after_is(&self, start: &'s str, i: &'s str, lhs: Spanned<Expr>) -> PResult<'s, Spanned<Expr>> {
        let lhs = Box::new(lhs);
        let done = |rest: &'s str, expr: Expr| Ok((rest, Spanned::new(expr, self.span(start, rest))));
        let (i, negated) = match self.keyword(i, "not") {
            Ok((rest, _)) => (rest, true),
            Err(_) => (i, false),
        };
        if let Ok((rest, _)) = self.keyword(i, "known") {
            return done(rest, Expr::Known { expr: lhs, negated });
        }
        if let Ok((rest, _)) = self.keyword(i, "unknown") {
            return done(rest, Expr::Known { expr: lhs, negated: !negated });
        }
        if let Ok((rest, _)) = self.keyword(i, "in") {
            self.refuse_round_list(rest)?;
            let (rest, haystack) = self.arith(rest)?;
            return done(rest, Expr::In { needle: lhs, haystack: Box::new(haystack), negated });
        }
        if let Ok((after, ())) = self.phrase(i, &["one", "of"]) {
            return Err(self.one_of(&lhs, skip_space(i), after, negated));
        }
        let mut op = if negated { CompareOp::Ne } else { CompareOp::Eq };
        let mut rest = i;
        if let Some((after, word_op)) =
            WORD_OPS.iter().find_map(|(words, op)| self.phrase(i, words).ok().map(|(r, ())| (r, *op)))
        {
            // `is not before` is `is on or after`, and so on.
            op = if negated { opposite(word_op) } else { word_op };
            rest = after;
        }
        let (rest, rhs) = self.value(rest)?;
        done(rest, Expr::Compare { op, lhs, rhs: Box::new(rhs) })
    }

    /// `a = b` and `a <> b`, refused with what to write instead (`lhs` is `a`, `rest`
    /// follows it).
    fn refuse_foreign_comparison(
        &self,
        lhs: &Spanned<Expr>,
        rest: &'s str,
    ) -> Result<(), nom::Err<SyntaxError<'s>>> {
        let at = skip_space(rest);
        let (found, wanted, word, symbol) = if at.starts_with("<>") {
            ("<>", "`is not` or `!=`", "is not", "!=")
        } else if at.starts_with('=') && !at.starts_with("==") {
            ("=", "`is` or `==`", "is", "==")
        } else {
            return Ok(());
        };
        let lhs_text = self.written(lhs.span);
        let after = skip_space(&at[found.len()..]);
        let rhs_text = &self.src[self.token_span(after).range()];
        let rhs_text = if rhs_text.starts_with(is_name_char) { rhs_text } else { "..." };
        let help = format!("compare with `{word}` (or `{symbol}`): `{lhs_text} {word} {rhs_text}`");
        Err(instead(at, found, wanted, help))
    }

    /// `a is one of b, c` (at `one`; `after` follows `of`): refused, with the membership
    /// test to write instead, `a in [b, c]`.
    fn one_of(
        &self,
        lhs: &Spanned<Expr>,
        at: &'s str,
        after: &'s str,
        negated: bool,
    ) -> nom::Err<SyntaxError<'s>> {
        let lhs_text = self.written(lhs.span);
        let values = match self.comma_separated(after, |p, i| p.word(i)) {
            Ok((_, words)) => words.join(", "),
            Err(_) => "a, b".to_string(),
        };
        let found = &at[..at.len() - after.len()];
        let (some, test) = if negated { ("none", "not in") } else { ("one", "in") };
        let help = format!(
            "to test whether `{lhs_text}` is {some} of several values, write `{lhs_text} {test} [{values}]`"
        );
        instead(at, found.trim_end(), "a value", help)
    }

    /// `in (a, b)`: a list in round brackets, refused with the list in square ones. A
    /// bracketed single value (`in (list)`) is left to the usual parsing.
    fn refuse_round_list(&self, i: &'s str) -> Result<(), nom::Err<SyntaxError<'s>>> {
        let start = skip_space(i);
        let Ok((inside, _)) = self.symbol(start, "(") else { return Ok(()) };
        // A look ahead: the nesting it counts is put back, whatever it finds.
        let depth = self.depth.get();
        let items = self.comma_separated(inside, Self::arith);
        self.depth.set(depth);
        let Ok((end, items)) = items else { return Ok(()) };
        if items.len() < 2 || self.symbol(end, ")").is_err() {
            return Ok(());
        }
        let written = self.written(self.span(inside, end));
        let help = format!("a list of values is written in square brackets: `[{written}]`");
        Err(instead(start, "(", "`[`", help))
    }

    /// A value compared with another: as [`Self::arith`], but a bare word followed on its
    /// line by more words (`is pooled budget`) is refused, with how to write one value.
    /// (Only on its line: a clause on the next line, misspelt, is reported as one.)
    fn value(&self, i: &'s str) -> PResult<'s, Spanned<Expr>> {
        let (rest, value) = self.arith(i)?;
        let Some(words) = self.words_after(&value, rest, true) else { return Ok((rest, value)) };
        let at = skip_space(i);
        let found = &at[..self.offset(words.1) - self.offset(at)];
        let one_word = words.0.join("_");
        let help = format!(
            "a value is one word: a value of a `one of` fact is written with underscores, `{one_word}`, and text in double quotes, `\"{}\"`",
            words.0.join(" ")
        );
        Err(instead(at, found, "one value", help))
    }

    /// An item of a `[...]` list: as [`Self::arith`], but a bare word followed by more
    /// words (`[pooled budget]`) is read as one [`Expr::Phrase`], for the checker, which
    /// knows the values the author may have meant, to name them.
    fn list_item(&self, i: &'s str) -> PResult<'s, Spanned<Expr>> {
        let start = skip_space(i);
        let (rest, value) = self.arith(start)?;
        match self.words_after(&value, rest, false) {
            Some((words, end)) => Ok((end, Spanned::new(Expr::Phrase(words), self.span(start, end)))),
            None => Ok((rest, value)),
        }
    }

    /// When `value` is a bare word and more words follow it (`rest` is after it), every
    /// word and where the last ends. Words that may follow a value end the run; with
    /// `on_its_line`, so does a line break.
    fn words_after(
        &self,
        value: &Spanned<Expr>,
        rest: &'s str,
        on_its_line: bool,
    ) -> Option<(Vec<String>, &'s str)> {
        let Expr::Name(path) = &value.node else { return None };
        let [segment] = path.segments.as_slice() else { return None };
        if segment.each {
            return None;
        }
        let mut words = vec![segment.name.clone()];
        let mut end = rest;
        loop {
            let next = if on_its_line { end.trim_start_matches([' ', '\t']) } else { skip_space(end) };
            let Ok((after, word)) = take_while1::<_, _, SyntaxError<'s>>(is_name_char)(next) else { break };
            if !next.starts_with(is_name_start) || follows_a_value(word) {
                break;
            }
            words.push(word.to_string());
            end = after;
        }
        (words.len() > 1).then_some((words, end))
    }

    /// A value rather than a condition, `change.date + 18 months`: the dates of a rule's
    /// timeline.
    pub(super) fn value_expr(&self, i: &'s str) -> PResult<'s, Spanned<Expr>> {
        self.arith(i)
    }

    /// `a + b - c`
    fn arith(&self, i: &'s str) -> PResult<'s, Spanned<Expr>> {
        let (mut rest, mut lhs) = self.primary(i)?;
        let mut levels = 0;
        loop {
            let op = if let Ok((after, _)) = self.symbol(rest, "+") {
                rest = after;
                ArithOp::Add
            } else if let Ok((after, _)) = self.symbol(rest, "-") {
                rest = after;
                ArithOp::Sub
            } else {
                self.leave(levels);
                return Ok((rest, lhs));
            };
            self.enter(rest)?;
            levels += 1;
            let (after, rhs) = cut(self.primary(rest))?;
            let span = lhs.span.to(rhs.span);
            lhs = Spanned::new(Expr::Arith { op, lhs: Box::new(lhs), rhs: Box::new(rhs) }, span);
            rest = after;
        }
    }

    fn primary(&self, i: &'s str) -> PResult<'s, Spanned<Expr>> {
        let start = skip_space(i);
        let done = |rest: &'s str, expr: Expr| Ok((rest, Spanned::new(expr, self.span(start, rest))));
        if let Ok((rest, _)) = self.symbol(start, "(") {
            self.enter(start)?;
            let (rest, inner) = cut(self.expr(rest))?;
            self.leave(1);
            let (rest, _) = cut(self.symbol(rest, ")"))?;
            return done(rest, inner.node);
        }
        if let Ok((rest, _)) = self.symbol(start, "[") {
            self.enter(start)?;
            let (rest, list) = self.list(start, rest)?;
            self.leave(1);
            return Ok((rest, list));
        }
        if start.starts_with('"') {
            let (rest, text) = self.string(start)?;
            return done(rest, Expr::Literal(Literal::Text(text.node)));
        }
        if start.starts_with(|c: char| c.is_ascii_digit()) {
            return self.number_or_date(start);
        }
        for (word, value) in [("true", true), ("false", false)] {
            if let Ok((rest, _)) = self.keyword(start, word) {
                return done(rest, Expr::Literal(Literal::Bool(value)));
            }
        }
        if let Ok((rest, _)) = self.keyword(start, "as_of") {
            return done(rest, Expr::AsOf);
        }
        if let Ok((rest, ())) = self.phrase(start, &["months", "between"]) {
            self.enter(start)?;
            let (rest, from) = cut(self.arith(rest))?;
            let (rest, _) = cut(self.keyword(rest, "and"))?;
            let (rest, to) = cut(self.arith(rest))?;
            self.leave(1);
            return done(rest, Expr::MonthsBetween { from: Box::new(from), to: Box::new(to) });
        }
        for (word, highest) in [("highest", true), ("lowest", false)] {
            if let Ok((rest, _)) = self.keyword(start, word) {
                self.enter(start)?;
                let (rest, value) = cut(self.arith(rest))?;
                self.leave(1);
                let (rest, _) = cut(self.keyword(rest, "for"))?;
                let (rest, var) = cut(self.name(rest))?;
                let (rest, _) = cut(self.keyword(rest, "in"))?;
                let (rest, list) = cut(self.path(rest))?;
                return done(rest, Expr::Extreme { highest, value: Box::new(value), var, list });
            }
        }
        if let Ok((rest, _)) = self.keyword(start, "count") {
            self.enter(start)?;
            let (rest, count) = cut(self.count(start, rest))?;
            self.leave(1);
            return Ok((rest, count));
        }
        match self.path(start) {
            Ok((rest, path)) => done(rest, Expr::Name(path.node)),
            Err(_) => fail(start, Expected::Expression),
        }
    }

    /// `[a, b, c]` (after the `[`)
    fn list(&self, start: &'s str, i: &'s str) -> PResult<'s, Spanned<Expr>> {
        let (rest, items) = match self.symbol(i, "]") {
            Ok((rest, _)) => (rest, Vec::new()),
            Err(_) => {
                let (rest, items) = cut(self.comma_separated(i, Self::list_item))?;
                let (rest, _) = cut(self.symbol(rest, "]"))?;
                (rest, items)
            }
        };
        Ok((rest, Spanned::new(Expr::List(items), self.span(start, rest))))
    }

    /// `count of list` or `count x in list [where CONDITION]` (after `count`)
    fn count(&self, start: &'s str, i: &'s str) -> PResult<'s, Spanned<Expr>> {
        let (rest, var, list) = if let Ok((rest, _)) = self.keyword(i, "of") {
            let (rest, list) = self.path(rest)?;
            (rest, None, list)
        } else {
            let (rest, var) = self.name(i)?;
            let (rest, _) = self.keyword(rest, "in")?;
            let (rest, list) = self.path(rest)?;
            (rest, Some(var), list)
        };
        let (rest, filter) = match (&var, self.keyword(rest, "where")) {
            (Some(_), Ok((after, _))) => {
                let (after, filter) = self.not_expr(after)?;
                (after, Some(Box::new(filter)))
            }
            _ => (rest, None),
        };
        Ok((rest, Spanned::new(Expr::Count { var, list, filter }, self.span(start, rest))))
    }

    /// `2013-04-01`, `18`, `2.5`, `18 months`
    fn number_or_date(&self, start: &'s str) -> PResult<'s, Spanned<Expr>> {
        // Four digits and a dash start a date: `2013-4-1` is a mistyped date, not arithmetic.
        let (rest, text) = take_while1(|c: char| c.is_ascii_digit() || c == '-')(start)?;
        let looks_like_date =
            text.len() > 4 && text.as_bytes()[4] == b'-' && text[..4].bytes().all(|b| b.is_ascii_digit());
        if looks_like_date {
            return match Date::parse(text) {
                Ok(date) => {
                    Ok((rest, Spanned::new(Expr::Literal(Literal::Date(date)), self.span(start, rest))))
                }
                Err(why) => {
                    Err(nom::Err::Failure(SyntaxError { at: start, expected: Expected::ValidDate(why) }))
                }
            };
        }
        let (_, number) = take_while1(|c: char| c.is_ascii_digit() || c == '.')(start)?;
        let Ok(value) = number.parse::<f64>() else {
            return fail(start, Expected::Expression);
        };
        // Too many digits parse as infinity, which would equal every number.
        if !value.is_finite() {
            return Err(nom::Err::Failure(SyntaxError { at: start, expected: Expected::FiniteNumber }));
        }
        let after_number = &start[number.len()..];
        let (after_unit, unit_word) =
            take_while::<_, _, SyntaxError<'s>>(is_name_char)(skip_space(after_number))?;
        if let Some(unit) = DurationUnit::from_word(unit_word) {
            if value.fract() != 0.0 || value > 1e6 {
                return Err(nom::Err::Failure(SyntaxError { at: start, expected: Expected::WholeDuration }));
            }
            // Digits only, whole and at most a million, as just checked: the cast is exact.
            #[allow(clippy::cast_possible_truncation)]
            let duration = Duration { amount: value as i64, unit };
            return Ok((
                after_unit,
                Spanned::new(Expr::Literal(Literal::Duration(duration)), self.span(start, after_unit)),
            ));
        }
        Ok((
            after_number,
            Spanned::new(Expr::Literal(Literal::Number(value)), self.span(start, after_number)),
        ))
    }
}

/// The failure for `found`, written at `at` where accord wants `wanted`.
fn instead<'s>(at: &'s str, found: &str, wanted: &'static str, help: String) -> nom::Err<SyntaxError<'s>> {
    nom::Err::Failure(SyntaxError {
        at,
        expected: Expected::Instead { found: found.to_string(), wanted, help },
    })
}

/// Whether `word` may follow a value on its line, and so ends an [`Expr::Phrase`]: a
/// reserved word, or a clause word that is not reserved (`says` and `label` follow a
/// derived fact's condition: `define d as kind is merger says true "..."`).
fn follows_a_value(word: &str) -> bool {
    RESERVED.contains(&word) || matches!(word, "priority" | "after" | "only" | "as" | "says" | "label")
}

/// The comparison that holds exactly when `op` does not.
fn opposite(op: CompareOp) -> CompareOp {
    match op {
        CompareOp::Eq => CompareOp::Ne,
        CompareOp::Ne => CompareOp::Eq,
        CompareOp::Lt => CompareOp::Ge,
        CompareOp::Ge => CompareOp::Lt,
        CompareOp::Gt => CompareOp::Le,
        CompareOp::Le => CompareOp::Gt,
    }
}

/// Comparisons written as symbols, longest first so `<=` is not read as `<`.
const SYMBOL_OPS: [(&str, CompareOp); 6] = [
    ("==", CompareOp::Eq),
    ("!=", CompareOp::Ne),
    ("<=", CompareOp::Le),
    (">=", CompareOp::Ge),
    ("<", CompareOp::Lt),
    (">", CompareOp::Gt),
];

/// Comparisons written in words after `is`, longest first.
const WORD_OPS: [(&[&str], CompareOp); 8] = [
    (&["on", "or", "before"], CompareOp::Le),
    (&["on", "or", "after"], CompareOp::Ge),
    (&["before"], CompareOp::Lt),
    (&["after"], CompareOp::Gt),
    (&["at", "least"], CompareOp::Ge),
    (&["at", "most"], CompareOp::Le),
    (&["more", "than"], CompareOp::Gt),
    (&["less", "than"], CompareOp::Lt),
];
