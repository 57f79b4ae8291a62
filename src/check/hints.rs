//! Errors for the mistakes people make when they write conditions as they would say them
//! in English: `change.kind is pooled_budget or joint_commissioning`, values in quotes,
//! values of several words. Each names the fix in the author's own terms.

use crate::ast::{self, Span, Spanned};
use crate::diag::Diagnostic;
use crate::rulebase::{FactId, Place, Type};
use crate::suggest::did_you_mean;

use super::{Checker, RuleContext, Scope, backticked};

/// The last test of a `one of` fact against its values (`change.kind is merger`,
/// `group.needs in [mild, moderate]`). A bare value written right after it, after `or` or
/// `and`, was most likely meant as one more value of the same fact.
pub(super) struct ValueTest {
    file: String,
    /// Where the test is written.
    span: Span,
    fact: FactId,
    /// The fact (or an item's field) as written: `change.kind`, `group.needs`.
    written: String,
    /// The values the test names, then the bare values written after it.
    values: Vec<String>,
    /// How many of `values` the test itself names.
    tested: usize,
    /// `is not`, `!=`, `not in`.
    negated: bool,
    /// The bare values after the test: where they are, and the index of the one error
    /// reported for all of them (replaced as more are found).
    after: Option<(Span, usize)>,
}

impl Checker<'_> {
    /// Remembers a test of the `one of` fact `fact`, written `written`, against `values`.
    pub(super) fn remember_value_test(
        &mut self,
        context: &RuleContext<'_>,
        span: Span,
        fact: FactId,
        written: &Spanned<ast::Expr>,
        values: Vec<String>,
        negated: bool,
    ) {
        self.last_value_test = Some(ValueTest {
            file: context.file.to_string(),
            span,
            fact,
            written: context.source_text(written.span),
            tested: values.len(),
            values,
            negated,
            after: None,
        });
    }

    /// Reports a bare word where a condition belongs, with the most likely fix: another
    /// value of the fact tested just before it, a test of a fact it is a value of, or the
    /// closest name.
    pub(super) fn word_as_condition(
        &mut self,
        context: &RuleContext<'_>,
        scope: &Scope,
        word: &str,
        span: Span,
    ) {
        if self.value_after_test(context, word, span) {
            return;
        }
        let diagnostic = self
            .value_of_a_fact(context.file, word, span, scope)
            .unwrap_or_else(|| self.unknown_name(context.file, word, span, scope));
        self.error(diagnostic);
    }

    /// `change.kind is pooled_budget or joint_commissioning`: when `word` is a value of the
    /// fact tested just before it, with only `or` or `and` between, reports (once for a
    /// run of such values) the membership test to write instead. Not accepted as meaning
    /// that: `a or b`, with `b` a fact that is true or false, means something else.
    fn value_after_test(&mut self, context: &RuleContext<'_>, word: &str, span: Span) -> bool {
        let Some(mut test) = self.last_value_test.take() else { return false };
        let end = test.after.map_or(test.span.end, |(after, _)| after.end);
        let between = context.text.get(end..span.start).unwrap_or("x");
        let is_value = match &self.vocabulary.fact(test.fact).ty {
            Type::Enum(values) => values.iter().any(|v| v == word),
            _ => false,
        };
        if test.file != context.file || !joined_by_or_or_and(between) || !is_value {
            self.last_value_test = Some(test);
            return false;
        }
        test.values.push(word.to_string());
        let words = test.after.map_or(span, |(after, _)| after.to(span));
        let diagnostic = value_after_test_error(&test, words);
        let index = match test.after {
            Some((_, index)) => {
                self.diagnostics[index] = diagnostic;
                index
            }
            None => {
                if !self.report(diagnostic) {
                    // Not kept (too many errors in the file): no later value joins it.
                    return true;
                }
                self.diagnostics.len() - 1
            }
        };
        test.after = Some((words, index));
        self.last_value_test = Some(test);
        true
    }

    /// `when merger`: a word that is a value of some `one of` fact, which the author most
    /// likely meant to compare with that fact.
    fn value_of_a_fact(&self, file: &str, word: &str, span: Span, scope: &Scope) -> Option<Diagnostic> {
        let mut tests = Vec::new();
        for fact in &self.vocabulary.facts {
            let Type::Enum(values) = &fact.ty else { continue };
            if !values.iter().any(|v| v == word) {
                continue;
            }
            match fact.place {
                Place::Case { .. } => tests.push(format!("`{} is {word}`", fact.path)),
                Place::Field { list, .. } => {
                    let prefix = format!("{}[].", self.vocabulary.fact(list).path);
                    for binding in scope.bindings.iter().filter(|b| b.list == list) {
                        let field = fact.path.replacen(&prefix, &format!("{}.", binding.name), 1);
                        tests.push(format!("`{field} is {word}`"));
                    }
                }
            }
        }
        if tests.is_empty() {
            return None;
        }
        tests.truncate(3);
        let diagnostic = Diagnostic::error("E0204", format!("`{word}` is a value, not a condition"))
            .at(file, span, "a value, not a condition")
            .help(format!("compare it with the fact it is a value of: {}", tests.join(" or ")));
        Some(diagnostic)
    }

    /// Help for a value of the `one of` fact `fact` written in quotes (`"merger"`), and
    /// the value to write instead of the quoted text when one is likely.
    pub(super) fn quoted_value_help(&self, fact: FactId, text: &str) -> (String, Option<String>) {
        let declared = self.vocabulary.fact(fact);
        let Type::Enum(values) = &declared.ty else { unreachable!("only asked for `one of` facts") };
        let one_word = text.trim().replace([' ', '-'], "_");
        if values.iter().any(|v| *v == text) {
            let help = format!("the values of `{}` are written without quotes: `{text}`", declared.path);
            return (help, Some(text.to_string()));
        }
        match values.iter().find(|v| **v == one_word) {
            Some(value) => (
                format!(
                    "the values of `{}` are written without quotes, as one word: `{value}`",
                    declared.path
                ),
                Some(value.clone()),
            ),
            None => match did_you_mean(&one_word, values.iter().map(String::as_str)) {
                Some(value) => (
                    format!(
                        "the values of `{}` are written without quotes: did you mean `{value}`?",
                        declared.path
                    ),
                    Some(value.to_string()),
                ),
                None => (
                    format!(
                        "the values of `{}` are written without quotes; they are {}",
                        declared.path,
                        backticked(values.iter())
                    ),
                    None,
                ),
            },
        }
    }

    /// The error for several words (`pooled budget`) where one value of the `one of` fact
    /// `fact` belongs.
    pub(super) fn phrase_as_value(&self, file: &str, fact: FactId, phrase: &str, span: Span) -> Diagnostic {
        let declared = self.vocabulary.fact(fact);
        let Type::Enum(values) = &declared.ty else { unreachable!("only asked for `one of` facts") };
        let words: Vec<&str> = phrase.split(' ').collect();
        let one_word = words.join("_");
        let is_value = |word: &str| values.iter().any(|v| v == word);
        let close = values
            .iter()
            .find(|v| **v == one_word)
            .map(String::as_str)
            .or_else(|| did_you_mean(&one_word, values.iter().map(String::as_str)));
        let all_values = words.iter().all(|w| is_value(w));
        let help = if all_values {
            format!("separate values with commas, in square brackets: `[{}]`", words.join(", "))
        } else if let Some(value) = close {
            format!("values are written as one word, with underscores: did you mean `{value}`?")
        } else {
            format!(
                "values are written as one word, with underscores (`{one_word}`), and values in a list are separated by commas: `[a_b, c_d]`; the values of `{}` are {}",
                declared.path,
                backticked(values.iter())
            )
        };
        Diagnostic::error("E0206", format!("`{phrase}` is not a value of `{}`", declared.path))
            .at(file, span, "several words")
            .help(help)
            .replace_with(span, close.filter(|_| !all_values))
    }
}

/// The error for the bare values after a test (at `words`), with the membership test
/// that says what the author meant.
fn value_after_test_error(test: &ValueTest, words: Span) -> Diagnostic {
    let bare = &test.values[test.tested..];
    let quoted: Vec<String> = bare.iter().map(|v| format!("`{v}`")).collect();
    let (message, label) = match quoted.as_slice() {
        [one] => {
            (format!("{one} is a value of `{}`, not a condition", test.written), "a value, not a condition")
        }
        [init @ .., last] => (
            format!("{} and {last} are values of `{}`, not conditions", init.join(", "), test.written),
            "values, not conditions",
        ),
        [] => unreachable!("reported only once a bare value is found"),
    };
    let fact = &test.written;
    let list = test.values.join(", ");
    let help = if test.negated {
        let each: Vec<String> = test.values.iter().map(|v| format!("{fact} is not {v}")).collect();
        format!(
            "to test whether `{fact}` is none of several values, write `{fact} not in [{list}]` (or `{}`)",
            each.join(" and ")
        )
    } else {
        let each: Vec<String> = test.values.iter().map(|v| format!("{fact} is {v}")).collect();
        format!(
            "to test whether `{fact}` is one of several values, write `{fact} in [{list}]` (or `{}`)",
            each.join(" or ")
        )
    };
    Diagnostic::error("E0204", message)
        .at(&test.file, words, label)
        .also(&test.file, test.span, format!("`{fact}` is tested here"))
        .help(help)
}

/// Whether the text between two tests is only `or` or `and`, with white space, comments
/// and brackets.
fn joined_by_or_or_and(between: &str) -> bool {
    let mut words = String::new();
    for line in between.lines() {
        let code = line.split('#').next().unwrap_or_default();
        words.extend(code.chars().filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')')));
    }
    words == "or" || words == "and"
}

#[cfg(test)]
mod tests {
    use super::joined_by_or_or_and;

    #[test]
    fn only_or_and_and_join_a_value_to_the_test_before() {
        assert!(joined_by_or_or_and(" or "));
        assert!(joined_by_or_or_and(") and\n   # a comment\n   ("));
        assert!(!joined_by_or_or_and(" and not "));
        assert!(!joined_by_or_or_and(" or x is "));
        assert!(!joined_by_or_or_and(""));
    }
}
