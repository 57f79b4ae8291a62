//! The fast ways of giving advice against the full ones, on generated rule bases and cases
//! (`generator/`): `RuleBase::fired_rules`, what `--format ids` prints, which works out
//! outcomes only (and, without overrides, stops at a rule's first decisive test), against
//! the outcomes of `RuleBase::evaluate` and the advice of the report; `AdviceWriter`,
//! which writes batches' JSON lines from parts prepared once per rule base, against
//! serialising the `Report`; and the report with its reasons in words (for the text
//! report) against the report without them.
//!
//! These tests must not change what they compare: they only hold one to the other.

use accord::report::AdviceWriter;
use accord::rulebase::RuleId;
use proptest::prelude::*;

mod common;
mod generator;

use common::rules::compile;
use common::seeds::config;

proptest! {
    #![proptest_config(config(200))]

    /// The rules `fired_rules` gives are those with an outcome that gives advice in
    /// `evaluate` (fired and not overridden), each once, in rule order; and they are the
    /// rules the report's advice comes from.
    #[test]
    fn fired_rules_are_the_rules_whose_outcomes_give_advice(
        rules in generator::rule_base(),
        case in generator::case(),
        as_of in generator::as_of(),
    ) {
        let rule_base = compile(generator::VOCABULARY, &rules);
        let parsed = generator::parse(&rule_base, &case);
        let fired = rule_base.fired_rules(&parsed, as_of);

        let mut giving_advice: Vec<RuleId> = rule_base
            .evaluate(&parsed, as_of)
            .into_iter()
            .filter(accord::eval::Outcome::gives_advice)
            .map(|outcome| outcome.rule)
            .collect();
        giving_advice.dedup();
        prop_assert_eq!(&fired, &giving_advice, "rules:\n{}\ncase: {}\nas of {}", rules, case, as_of);

        let mut advised: Vec<RuleId> =
            rule_base.advise(&parsed, as_of).advice.iter().map(|advice| advice.rule_index).collect();
        advised.sort_unstable();
        advised.dedup();
        prop_assert_eq!(&fired, &advised, "rules:\n{}\ncase: {}\nas of {}", rules, case, as_of);
    }

    /// `AdviceWriter` writes, byte for byte, what serialising the report writes, and a
    /// line break: with the values cases fill into titles, texts and reasons, the texts
    /// that need escaping among them, priorities or none, and questions.
    #[test]
    fn the_batch_writer_writes_what_serialising_the_report_writes(
        rules in generator::rule_base(),
        case in generator::case(),
        as_of in generator::as_of(),
    ) {
        let rule_base = compile(generator::VOCABULARY, &rules);
        let parsed = generator::parse(&rule_base, &case);
        let serialised = serde_json::to_string(&rule_base.advise(&parsed, as_of)).expect("a report serialises");
        let mut line = Vec::new();
        AdviceWriter::new(&rule_base).write_case(&parsed, as_of, &mut line);
        prop_assert_eq!(
            String::from_utf8(line).expect("UTF-8"),
            format!("{serialised}\n"),
            "rules:\n{}\ncase: {}\nas of {}",
            rules,
            case,
            as_of
        );
    }

    /// Saying the reasons in words adds them and changes nothing else: the report of
    /// `advise_in_words`, less its reasons in words, is that of `advise`.
    #[test]
    fn reasons_in_words_change_nothing_else_in_the_report(
        rules in generator::rule_base(),
        case in generator::case(),
        as_of in generator::as_of(),
    ) {
        let rule_base = compile(generator::VOCABULARY, &rules);
        let parsed = generator::parse(&rule_base, &case);
        let mut in_words = rule_base.advise_in_words(&parsed, as_of);
        for advice in &mut in_words.advice {
            prop_assert!(advice.because_in_words.is_some(), "no reasons in words for {}", advice.rule);
            advice.because_in_words = None;
        }
        prop_assert_eq!(in_words, rule_base.advise(&parsed, as_of), "rules:\n{}\ncase: {}\nas of {}", rules, case, as_of);
    }
}
