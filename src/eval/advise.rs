//! Advice for a case: the outcomes that give advice, filled in with what the case gives,
//! put in the report's order, with the questions; first as a draft of numbered texts, then
//! as a [`Report`]. Must not evaluate conditions itself: it asks the walker.

use std::ops::Range;

use super::{
    Advice, Answer, CitedSource, Env, Evaluator, Outcome, Question, QuotingWork, Report, TextId, Texts, dedup,
};
use crate::case::Case;
use crate::rulebase::{FactId, RuleBase, RuleId};
use crate::value::Date;

impl RuleBase {
    /// Evaluates every rule against `case` as of `as_of` and writes the advice, its reasons
    /// as written in the rules ([`Advice::because`]). Each call starts with empty buffers:
    /// to advise many cases, use an [`Advisor`](crate::eval::Advisor) ([`RuleBase::advisor`]).
    pub fn advise(&self, case: &Case, as_of: Date) -> Report<'_> {
        self.advisor().advise(case, as_of)
    }

    /// [`RuleBase::advise`], with the reasons for each piece of advice in words too
    /// ([`Advice::because_in_words`]), for the text report.
    pub fn advise_in_words(&self, case: &Case, as_of: Date) -> Report<'_> {
        self.advisor().advise_in_words(case, as_of)
    }

    /// The report of a drafted case.
    pub(super) fn report(&self, draft: Draft, case: &Case, as_of: Date) -> Report<'_> {
        let Draft { texts, advice, questions, timeline } = draft;
        let timeline = self.timeline(&timeline);
        let advice =
            advice.into_iter().enumerate().map(|(n, draft)| self.advice(draft, n + 1, &texts)).collect();
        let questions =
            questions.into_iter().enumerate().map(|(n, draft)| self.question(draft, n + 1, &texts)).collect();
        Report { case: case.label().map(str::to_string), as_of, advice, questions, timeline }
    }

    /// A case's advice, given its `outcomes`, with what the case fills in worked out, but
    /// not yet put into the rules' texts; with the reasons in words too when `words`.
    pub(super) fn draft(&self, case: &Case, as_of: Date, words: bool, outcomes: &[Outcome]) -> Draft {
        let evaluator = Evaluator::new(self, case, as_of);
        let mut env = Env::default();
        let mut texts = Texts::with_capacity(4096, 128);
        let mut timeline = Vec::new();
        let mut advice: Vec<DraftAdvice> = outcomes
            .iter()
            .filter(|outcome| outcome.gives_advice())
            .map(|outcome| {
                evaluator.timeline_of(outcome, &mut env, &mut timeline);
                evaluator.filled(outcome, words, &mut env, &mut texts)
            })
            .collect();
        if !self.priority.is_empty() {
            // Stable: equal priorities keep rule order, and a rule's items list order.
            advice.sort_by_key(|draft| self.priority_order(draft.rule));
        }
        let questions = evaluator.questions(outcomes, &mut env, &mut texts);
        Draft { texts, advice, questions, timeline }
    }

    /// A rule's advice: its texts filled in (with the values drafted in `texts`), with the
    /// rule's own parts.
    fn advice(&self, draft: DraftAdvice, rank: usize, texts: &Texts) -> Advice<'_> {
        let rule = self.rule(draft.rule);
        let values: Vec<&str> = texts.slice(draft.values).collect();
        let (title_values, text_values) = values.split_at(rule.title.holes());
        let escaped: Vec<std::borrow::Cow<'_, str>> =
            values.iter().map(|value| crate::shown::escaped(value, crate::shown::Escape::Controls)).collect();
        let shown = escaped.iter().any(|value| matches!(value, std::borrow::Cow::Owned(_))).then(|| {
            let escaped: Vec<&str> = escaped.iter().map(|value| &**value).collect();
            let (title, text) = escaped.split_at(rule.title.holes());
            (rule.title.render(title), rule.text.render(text))
        });
        Advice {
            rule: &rule.id,
            rule_index: draft.rule,
            item: draft.item.map(|item| texts.get(item).to_string()),
            kind: rule.kind,
            lessons: &rule.lessons,
            evidence: rule.evidence.as_deref(),
            priority: self.priority_label(draft.rule),
            rank,
            title: rule.title.render(title_values),
            text: rule.text.render(text_values),
            because: texts.slice(draft.because).map(str::to_string).collect(),
            // Said in words, two tests may read alike (two tests of the kind of change):
            // each is said once.
            because_in_words: draft
                .because_in_words
                .map(|words| dedup(texts.slice(words).map(str::to_string).collect())),
            citations: self.cited_sources(draft.rule),
            shown,
        }
    }

    /// A drafted question, with its texts taken from `texts`.
    fn question(&self, draft: DraftQuestion, rank: usize, texts: &Texts) -> Question<'_> {
        Question {
            fact: texts.get(draft.path).to_string(),
            text: texts.get(draft.text).to_string(),
            affects: draft.affects.into_iter().map(|rule| self.rule(rule).id.as_str()).collect(),
            answer: Answer::of(&self.vocabulary.fact(draft.fact).ty),
            rank,
        }
    }

    /// The sources rule `rule` cites, with their references (none for an id past the
    /// rules).
    pub fn cited_sources(&self, rule: RuleId) -> Vec<CitedSource<'_>> {
        let citations = self.get_rule(rule).map_or(&[][..], |rule| &rule.citations[..]);
        citations
            .iter()
            .map(|citation| CitedSource {
                reference: &self.sources[citation.source_index],
                locator: citation.locator.as_deref(),
                quoted_in: citation.quoted_in.as_ref().map(|quoted_in| QuotingWork {
                    reference: &self.sources[quoted_in.source_index],
                    locator: quoted_in.locator.as_deref(),
                }),
                quote: citation.quote.as_deref(),
                role: citation.role,
            })
            .collect()
    }

    /// The unknown facts (as paths, sorted, each once) read by the tests that made the
    /// advice given for `case` hold (the tests its because-lines name), such as `d` for a
    /// rule firing on `d is unknown`: the report does not ask about them, as the advice
    /// speaks of them already.
    pub fn unknowns_read_by_advice(&self, case: &Case, as_of: Date) -> Vec<String> {
        let outcomes = self.evaluate(case, as_of);
        let evaluator = Evaluator::new(self, case, as_of);
        let (mut env, mut texts) = (Env::default(), Texts::with_capacity(1024, 32));
        for outcome in outcomes.iter().filter(|outcome| outcome.gives_advice()) {
            env.start(self.rule(outcome.rule), outcome.item);
            evaluator.because(outcome.rule, outcome.item, false, &mut env, &mut texts);
        }
        let read = std::mem::take(&mut env.reason_unknowns);
        let mut paths: Vec<String> = read.into_iter().map(|fact| evaluator.instance_path(fact)).collect();
        paths.sort();
        paths.dedup();
        paths
    }
}

/// A case's advice before the rules' texts are put together.
/// [`Advisor::advise`](crate::eval::Advisor::advise) puts them together into a
/// [`Report`]; the batch writer copies the rules' words (escaped for JSON once, in
/// advance) around the values, and never builds the texts.
pub(crate) struct Draft {
    /// Every text the case fills in, which the advice and questions name by number.
    pub texts: Texts,
    /// The rules that give advice, in the report's order (see [`Report::advice`]).
    pub advice: Vec<DraftAdvice>,
    /// The questions, in the report's order.
    pub questions: Vec<DraftQuestion>,
    /// The dated entries of the timeline, as the rules that give advice list them.
    pub timeline: Vec<super::timeline::DraftMark>,
}

/// The parts of a piece of advice that the case fills in, as numbers of the draft's
/// [`Texts`].
pub(crate) struct DraftAdvice {
    /// The rule.
    pub rule: RuleId,
    /// For `for each` rules: the text of the item's path, `groups[0]` (a text, not the
    /// item's index: that is the outcome's).
    pub item: Option<TextId>,
    /// The values the title shows, then those the text shows, in order.
    pub values: Range<usize>,
    /// The facts, with their values, that made the rule fire.
    pub because: Range<usize>,
    /// The same in words, when the draft is for a report in words.
    pub because_in_words: Option<Range<usize>>,
}

/// A [`Question`] with its texts as numbers of the draft's [`Texts`], and its rules as
/// indexes.
pub(crate) struct DraftQuestion {
    /// The fact asked about.
    pub fact: FactId,
    /// The fact's path in the case (for a field, of one item).
    pub path: TextId,
    /// The question.
    pub text: TextId,
    /// The rules whose outcome the answer could change.
    pub affects: Vec<RuleId>,
}
