//! Small rule bases for tests: the parts of vocabulary that several test files share (the
//! source every rule cites, true-or-false facts, a `one of` fact, a list of groups), and
//! checking a vocabulary with rules into a `RuleBase`. It must not hold a test file's
//! own facts: a vocabulary is these parts and that file's facts, joined.

use accord::{RuleBase, RuleFiles};

/// The source the rules of small rule bases cite: `cite s`.
pub const SOURCE_S: &str = "source s\n  authors \"Author, A.\"\n  year 2000\n  title \"A title\"\n";

/// True-or-false facts `a` and `b`.
pub const FACTS_A_B: &str =
    "fact a is true or false\n  ask \"Is a so?\"\nfact b is true or false\n  ask \"Is b so?\"\n";

/// A third true-or-false fact, `c`.
pub const FACT_C: &str = "fact c is true or false\n  ask \"Is c so?\"\n";

/// A `one of` fact, `kind`: `none` or `merger`.
pub const FACT_KIND: &str = "fact kind is one of none, merger\n  ask \"What kind?\"\n";

/// A list of records, `groups`, whose items have a name (their label) and needs.
pub const FACTS_GROUPS: &str = "fact groups is a list of records\n  ask \"Which groups?\"\nfact groups[].name is text\n  ask \"What is the group called?\"\nfact groups[].needs is one of mild, complex\n  ask \"What are the needs of {groups[].name}?\"\n";

/// A vocabulary file of `vocabulary` and a rule file of `rules`, checked; panics with the
/// diagnostics (and the rules) when they have an error.
pub fn compile(vocabulary: &str, rules: &str) -> RuleBase {
    let files = vec![
        ("vocabulary.accord".to_string(), vocabulary.to_string()),
        ("rules.accord".to_string(), rules.to_string()),
    ];
    let compiled = RuleFiles::from_texts(files).compile();
    compiled.rule_base.unwrap_or_else(|| panic!("rules do not check: {:#?}\n{rules}", compiled.diagnostics))
}

/// As [`compile`], for a test that keeps reports, which borrow from their rule base: the
/// rule base is never freed (a test makes few).
pub fn compile_for_good(vocabulary: &str, rules: &str) -> &'static RuleBase {
    Box::leak(Box::new(compile(vocabulary, rules)))
}
