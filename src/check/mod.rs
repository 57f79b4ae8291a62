//! Stage 2: syntax trees of all rule files to a checked [`RuleBase`], or diagnostics.
//!
//! The checker resolves every name (facts to slots, enumeration values to indexes, sources
//! to rendered references, evidence keys to labels), checks every type, and verifies
//! quotes against the full text of their source. What it accepts, the evaluator can run
//! without failing.
//!
//! This file is the orchestration: `check` gathers the declarations across files (scales
//! and lessons in `declarations.rs`, sources in `sources.rs`, facts and words in
//! `facts.rs`, derived facts in `definitions.rs`), then checks each rule (`rules.rs`,
//! conditions in `expr.rs`), and keeps the diagnostics within their caps. It holds the
//! state and types the passes share, and must not check any item itself.

use indexmap::IndexMap;

use crate::ast::{self, Span};
use crate::diag::{Diagnostic, MAX_REPORTED_PER_FILE};
use crate::prose::backticked;
use crate::rulebase::{Expr, FactId, RuleBase, Vocabulary};

mod declarations;
mod definitions;
mod depth;
mod expr;
mod facts;
mod hints;
mod rules;
mod sources;
mod wording;

use definitions::DefinitionState;
use sources::DeclaredSource;

pub use depth::MAX_DEFINITION_DEPTH;

/// One parsed rule file, as the checker receives it.
pub struct ParsedFile<'a> {
    /// The path shown to the user.
    pub path: &'a str,
    /// The file's text.
    pub text: &'a str,
    /// Its syntax tree.
    pub ast: &'a ast::RuleFile,
}

/// Reads the full text of a source, given its path resolved against its rule file and
/// the folder of that rule file (`""` for the current folder), which the text must be in
/// (or below) once symbolic links are resolved.
pub type TextReader<'a> = &'a dyn Fn(&str, &str) -> Result<String, TextError>;

/// Why a source's text could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TextError {
    /// The path leads out of the folder of the rule file (absolute, `..`, or a symbolic
    /// link pointing out): why, in words.
    Outside(String),
    /// The file could not be read: why, in words.
    Unreadable(String),
}

/// Checks the rule files (in the order given) as one rule base. Returns the rule base when
/// there is no error, not yet finished (`RuleBase::finish`) nor planned for evaluation
/// (`eval::plan_of`), and the diagnostics found either way. Crate-private: a rule base
/// without its plan must not reach a client; `RuleFiles::compile` finishes and plans it.
pub(crate) fn check(
    files: &[ParsedFile<'_>],
    read_text: TextReader<'_>,
) -> (Option<RuleBase>, Vec<Diagnostic>) {
    let mut checker = Checker {
        diagnostics: Vec::new(),
        reported: IndexMap::new(),
        closed_bindings: Vec::new(),
        next_atom: 0,
        definitions: IndexMap::new(),
        definition_uses: Vec::new(),
        checked_definitions: Vec::new(),
        words: IndexMap::new(),
        pending_wordings: Vec::new(),
        vocabulary: Vocabulary::default(),
        read_text,
        last_value_test: None,
    };
    let evidence = checker.evidence_scale(files);
    let priority = checker.priority_scale(files);
    let lessons = checker.lessons(files);
    let sources = checker.sources(files);
    checker.facts(files);
    checker.collect_definitions(files);
    let words = checker.words(files);
    checker.bound_definition_depth();
    let declared =
        Declarations { evidence: &evidence, priority: &priority, lessons: &lessons, sources: &sources };
    let rules = checker.rules(files, &declared);
    checker.untraced_lessons(&lessons, &rules);
    let policy = checker.policy(files, &sources);
    checker.check_unused_definitions();
    checker.questions_asked_when(files);
    checker.wordings(files);
    // The problems not reported, counted per file.
    for ((file, error), (_, omitted)) in std::mem::take(&mut checker.reported) {
        if omitted > 0 {
            checker.diagnostics.push(Diagnostic::omitted(file.as_deref(), error, omitted));
        }
    }
    let has_errors = checker.diagnostics.iter().any(Diagnostic::is_error);
    if has_errors {
        // No rule base to give: none is planned (its memory, for a large file of errors,
        // is not wanted).
        return (None, checker.diagnostics);
    }
    let source_origins =
        sources.iter().map(|(key, declared)| (key.clone(), declared.origin.clone())).collect();
    let sources = sources.into_iter().map(|(key, declared)| (key, declared.reference)).collect();
    let rule_base = RuleBase {
        vocabulary: checker.vocabulary,
        evidence: evidence.into_iter().map(|(k, (label, _))| (k, label)).collect(),
        priority: priority.into_iter().map(|(k, (label, _))| (k, label)).collect(),
        lessons: lessons.into_iter().map(|(id, (summary, _))| (id, summary)).collect(),
        sources,
        rules,
        definitions: std::mem::take(&mut checker.checked_definitions),
        source_origins,
        words,
        policy,
        plan: Default::default(),
    };
    // Finished and planned by the caller (`RuleFiles::compile`), once the syntax trees are
    // dropped.
    (Some(rule_base), checker.diagnostics)
}

/// The state of one run of the checker, shared by its passes: what has been declared and
/// checked so far, and the diagnostics.
struct Checker<'r> {
    diagnostics: Vec<Diagnostic>,
    /// For each file and severity, the problems kept in `diagnostics` and those past
    /// [`MAX_REPORTED_PER_FILE`], only counted: a file of many errors is reported in
    /// memory bounded by the limit.
    reported: IndexMap<(Option<String>, bool), (usize, usize)>,
    /// Names bound by quantifiers that have ended, in the rule being checked: a later use
    /// of one most likely meant to be inside the quantifier's `where`.
    closed_bindings: Vec<String>,
    /// The next atom id: ids are unique across the rule base, so an atom inside a derived
    /// fact is never mistaken for one of the rule that uses it.
    next_atom: usize,
    /// Derived facts by name, checked on first use (so their order does not matter).
    definitions: IndexMap<String, DefinitionState>,
    /// For each derived fact (by index in `definitions`), the others it names, and where.
    definition_uses: Vec<Vec<(usize, Span)>>,
    /// The derived facts checked so far.
    checked_definitions: Vec<crate::rulebase::Definition>,
    /// The names of the `words` items, with their index in the rule base's (none for
    /// those refused, whose uses are then not reported again).
    words: IndexMap<String, Option<usize>>,
    /// The words of the derived facts checked so far, to check once they all are.
    pending_wordings: Vec<wording::PendingWording>,
    vocabulary: Vocabulary,
    read_text: TextReader<'r>,
    /// The last test of a `one of` fact against its values, for the error about a value
    /// written after it as if it were a condition.
    last_value_test: Option<hints::ValueTest>,
}

/// What rules may refer to: evidence levels, priorities, lessons and sources.
struct Declarations<'a> {
    evidence: &'a Declared,
    priority: &'a Declared,
    lessons: &'a Declared,
    sources: &'a IndexMap<String, DeclaredSource>,
}

/// Where a name was first declared, for duplicate reports.
type FirstSeen = (String, Span);

/// Names declared with a text (evidence levels, priorities, lessons): name to (text, where declared).
type Declared = IndexMap<String, (String, FirstSeen)>;

/// The names bound by `for each`, `any`, `all` and `count`, innermost last.
#[derive(Clone, Default)]
struct Scope {
    bindings: Vec<Binding>,
}

/// A name bound to each item of a list of records in turn.
#[derive(Clone)]
struct Binding {
    name: String,
    list: FactId,
}

/// The type of a checked expression.
#[derive(Clone, Debug, PartialEq)]
enum Ty {
    Bool,
    Number,
    Text,
    Date,
    Duration,
    TextList,
    Records(FactId),
    /// An item of a list of records (a bare `group`): only shown in texts, by its label.
    Record(FactId),
    Enum(FactId),
    /// A bare word that is not a fact: an enumeration value, once the other side says which.
    Word(String),
}

impl Ty {
    fn describe(&self, vocabulary: &Vocabulary) -> String {
        match self {
            Ty::Bool => "true or false".into(),
            Ty::Number => "a number".into(),
            Ty::Text => "text".into(),
            Ty::Date => "a date".into(),
            Ty::Duration => "a duration".into(),
            Ty::TextList => "a list of text".into(),
            Ty::Records(_) => "a list of records".into(),
            Ty::Record(_) => "an item of a list".into(),
            Ty::Enum(fact) => format!("a value of `{}`", vocabulary.fact(*fact).path),
            Ty::Word(word) => format!("the word `{word}`"),
        }
    }
}

type Checked = Option<(Expr, Ty)>;

/// Per-rule context for checking expressions.
struct RuleContext<'a> {
    file: &'a str,
    text: &'a str,
}

impl RuleContext<'_> {
    fn source_text(&self, span: Span) -> String {
        self.text.get(span.range()).unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

impl Checker<'_> {
    /// Reports a problem.
    fn error(&mut self, diagnostic: Diagnostic) {
        self.report(diagnostic);
    }

    /// Whether no more errors of `file` are kept: a diagnostic built for one is only
    /// counted, so its help (a search for the closest name, say) need not be worked out.
    fn errors_full(&self, file: &str) -> bool {
        self.reported
            .get(&(Some(file.to_string()), true))
            .is_some_and(|(kept, _)| *kept >= MAX_REPORTED_PER_FILE)
    }

    /// Reports a problem; whether it is kept (the first [`MAX_REPORTED_PER_FILE`] of its
    /// file and severity are, the others counted).
    fn report(&mut self, diagnostic: Diagnostic) -> bool {
        let file = diagnostic.primary.as_ref().map(|label| &label.file).or(diagnostic.file.as_ref());
        let key = (file.cloned(), diagnostic.is_error());
        let (kept, omitted) = self.reported.entry(key).or_default();
        if *kept >= MAX_REPORTED_PER_FILE {
            *omitted += 1;
            return false;
        }
        *kept += 1;
        self.diagnostics.push(diagnostic);
        true
    }
}

/// E0207: a name declared twice, with where it was first declared.
fn duplicate(
    what: &str,
    name: &str,
    file: &str,
    span: Span,
    first_file: &str,
    first_span: Span,
) -> Diagnostic {
    Diagnostic::error("E0207", format!("{what} `{name}` is declared twice"))
        .at(file, span, "declared again here")
        .also(first_file, first_span, "first declared here")
        .help("remove one, or give it another name")
}
