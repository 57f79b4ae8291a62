//! Stage 2: syntax trees of all rule files to a checked [`RuleBase`], or diagnostics.
//!
//! The checker resolves every name (facts to slots, enumeration values to indexes, sources
//! to rendered references, evidence keys to labels), checks every type, and verifies
//! quotes against the full text of their source. What it accepts, the evaluator can run
//! without failing.

use std::collections::HashMap;
use std::path::{Component, Path};
use std::rc::Rc;

use indexmap::IndexMap;

use crate::ast::{self, ArithOp, CompareOp, FactType, Item, Literal, SourceFieldName, Span, Spanned};
use crate::bib::{self, ReferenceParts};
use crate::diag::{Diagnostic, MAX_REPORTED_PER_FILE};
use crate::rulebase::*;
use crate::suggest::did_you_mean;
use crate::value::Value;

mod depth;
mod expr;
mod hints;
mod wording;

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

/// Refuses a source's `text` path that leads out of its rule file's folder on the face of
/// it: an absolute path, or one whose `..` climb above the folder. (Symbolic links are
/// for the reader, which resolves them.)
fn leaves_its_folder(text_path: &str) -> Option<String> {
    let path = Path::new(text_path);
    if path.has_root() || path.is_absolute() || text_path.starts_with(['/', '\\']) {
        return Some("it is an absolute path".to_string());
    }
    let mut depth: usize = 0;
    for component in path.components() {
        match component {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir if depth > 0 => depth -= 1,
            Component::ParentDir => return Some("its `..` lead out of it".to_string()),
            Component::RootDir | Component::Prefix(_) => return Some("it is an absolute path".to_string()),
        }
    }
    None
}

/// Checks the rule files (in the order given) as one rule base. Returns the rule base when
/// there is no error, not yet finished for evaluation (`RuleBase::finish`), and
/// the diagnostics found either way.
pub fn check(files: &[ParsedFile<'_>], read_text: TextReader<'_>) -> (Option<RuleBase>, Vec<Diagnostic>) {
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
    // Finished by the caller (`RuleBase::finish`), once the syntax trees are dropped.
    (Some(rule_base), checker.diagnostics)
}

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

/// Where a derived fact is in being checked.
enum DefinitionState {
    /// Declared, not yet checked: its file, the file's text, and the definition. The file
    /// and its text are shared by its definitions: a copy each would make a file of many
    /// definitions take memory in the square of its size.
    Pending(Rc<str>, Rc<str>, Box<ast::Definition>),
    /// Being checked: a use now is a cycle. Where it is declared.
    InProgress(String, Span),
    /// Checked: its index and type.
    Done(usize, Ty),
    /// Checked, with errors already reported.
    Failed,
}

/// What rules may refer to: evidence levels, priorities, lessons and sources.
struct Declarations<'a> {
    evidence: &'a Declared,
    priority: &'a Declared,
    lessons: &'a Declared,
    sources: &'a IndexMap<String, DeclaredSource>,
}

/// A source as declared: its reference, where it was declared, and its normalised text.
struct DeclaredSource {
    reference: Reference,
    file: String,
    span: Span,
    text: Option<String>,
    origin: Origin,
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

    // ----- declarations -----

    fn evidence_scale(&mut self, files: &[ParsedFile<'_>]) -> Declared {
        self.named_strings(files, "evidence level", |item| match item {
            Item::EvidenceScale(levels) => levels.iter().map(|l| (&l.key, &l.label)).collect(),
            _ => Vec::new(),
        })
    }

    fn priority_scale(&mut self, files: &[ParsedFile<'_>]) -> Declared {
        self.named_strings(files, "priority", |item| match item {
            Item::PriorityScale(levels) => levels.iter().map(|l| (&l.key, &l.label)).collect(),
            _ => Vec::new(),
        })
    }

    fn lessons(&mut self, files: &[ParsedFile<'_>]) -> Declared {
        self.named_strings(files, "lesson", |item| match item {
            Item::Lessons(lessons) => lessons.iter().map(|l| (&l.id, &l.summary)).collect(),
            _ => Vec::new(),
        })
    }

    /// Collects `name "text"` declarations across files, reporting names declared twice.
    fn named_strings<'f>(
        &mut self,
        files: &'f [ParsedFile<'_>],
        what: &str,
        pairs: impl Fn(&'f Item) -> Vec<(&'f Spanned<String>, &'f Spanned<String>)>,
    ) -> Declared {
        let mut declared = Declared::new();
        for file in files {
            for (name, text) in file.ast.items.iter().flat_map(&pairs) {
                if let Some((_, (first_file, first_span))) = declared.get(&name.node) {
                    let diagnostic =
                        duplicate(what, &name.node, file.path, name.span, first_file, *first_span);
                    self.error(diagnostic);
                    continue;
                }
                let seen = (file.path.to_string(), name.span);
                declared.insert(name.node.clone(), (text.node.clone(), seen));
            }
        }
        declared
    }

    /// Gathers the `define` items, refusing names that are taken.
    fn collect_definitions(&mut self, files: &[ParsedFile<'_>]) {
        for file in files {
            let (path, text): (Rc<str>, Rc<str>) = (file.path.into(), file.text.into());
            for item in &file.ast.items {
                let Item::Definition(definition) = item else { continue };
                let name = &definition.name;
                if let Some(clash) = self.name_clash(&name.node) {
                    let diagnostic =
                        Diagnostic::error("E0216", format!("`{}` is already {clash}", name.node))
                            .at(file.path, name.span, "defined here")
                            .help("give the derived fact a name of its own");
                    self.error(diagnostic);
                    continue;
                }
                let pending = DefinitionState::Pending(path.clone(), text.clone(), definition.clone());
                self.definitions.insert(name.node.clone(), pending);
            }
            // A fact's `only when` condition is checked as a derived fact of its own, under a
            // name no `define` can take (it holds spaces).
            for item in &file.ast.items {
                let Item::Fact(decl) = item else { continue };
                let Some(condition) = &decl.asked_when else { continue };
                let name = asked_when_name(&decl.path.node);
                let definition = ast::Definition {
                    name: Spanned::new(name.clone(), condition.span),
                    expr: condition.clone(),
                    wording: ast::Wording::default(),
                    allows: Vec::new(),
                };
                let pending = DefinitionState::Pending(path.clone(), text.clone(), Box::new(definition));
                self.definitions.insert(name, pending);
            }
        }
    }

    /// Resolves each fact's `only when` to its checked condition; a value that is not a
    /// condition is E0204.
    fn questions_asked_when(&mut self, files: &[ParsedFile<'_>]) {
        for file in files {
            for item in &file.ast.items {
                let Item::Fact(decl) = item else { continue };
                let Some(condition) = &decl.asked_when else { continue };
                let Some(fact) = self.vocabulary.find(&decl.path.node.to_string()) else { continue };
                match self.definitions.get(&asked_when_name(&decl.path.node)) {
                    Some(DefinitionState::Done(id, Ty::Bool)) => {
                        self.vocabulary.facts[fact.0].asked_when = Some(*id)
                    }
                    Some(DefinitionState::Done(..)) => {
                        let diagnostic =
                            Diagnostic::error("E0204", "`only when` needs a condition, true or false")
                                .at(file.path, condition.span, "not a condition")
                                .help("compare the value with something, as in `change.date is unknown`");
                        self.error(diagnostic);
                    }
                    _ => {}
                }
            }
        }
    }

    /// Checks the `words` items: names of their own (E0216), dates ascending (E0223), one
    /// `otherwise`, last (E0224), and a date to choose by (E0225).
    fn words(&mut self, files: &[ParsedFile<'_>]) -> Vec<crate::rulebase::Words> {
        let mut checked = Vec::new();
        for file in files {
            for item in &file.ast.items {
                let Item::Words(words) = item else { continue };
                let name = &words.name;
                if let Some(clash) = self.name_clash(&name.node) {
                    let diagnostic =
                        Diagnostic::error("E0216", format!("`{}` is already {clash}", name.node))
                            .at(file.path, name.span, "declared here")
                            .help("give the words a name of their own");
                    self.error(diagnostic);
                    continue;
                }
                let index = self.words_item(file.path, words).map(|words| {
                    checked.push(words);
                    checked.len() - 1
                });
                self.words.insert(name.node.clone(), index);
            }
        }
        checked
    }

    fn words_item(&mut self, file: &str, words: &ast::Words) -> Option<crate::rulebase::Words> {
        let name = &words.name.node;
        let mut before: Vec<(crate::value::Date, Value)> = Vec::new();
        let mut otherwise: Option<(Span, Value)> = None;
        let mut last_date: Option<&Spanned<crate::value::Date>> = None;
        let mut ok = true;
        for entry in &words.entries {
            match entry {
                ast::WordsEntry::Before(date, text) => {
                    if let Some((at, _)) = &otherwise {
                        let diagnostic = Diagnostic::error("E0224", format!("`otherwise` must be the last line of `words {name}`"))
                            .at(file, *at, "not last")
                            .also(file, date.span, "a `before` line follows")
                            .help("`otherwise` gives the words on and after the last date: move it below the `before` lines");
                        self.error(diagnostic);
                        return None;
                    }
                    if let Some(previous) = last_date
                        && date.node <= previous.node
                    {
                        let diagnostic = Diagnostic::error(
                            "E0223",
                            format!("the dates of `words {name}` must ascend: {} is not after {}", date.node, previous.node),
                        )
                        .at(file, date.span, "not after the date above")
                        .also(file, previous.span, "the date above")
                        .help("write the `before` lines earliest first, each date once: the first date after the assessment date chooses the words");
                        self.error(diagnostic);
                        ok = false;
                    }
                    last_date = Some(date);
                    before.push((date.node, Value::Text(text.node.clone())));
                }
                ast::WordsEntry::Otherwise(at, text) => {
                    if let Some((first, _)) = &otherwise {
                        let diagnostic =
                            Diagnostic::error("E0224", format!("`words {name}` gives `otherwise` twice"))
                                .at(file, at.span, "given again here")
                                .also(file, *first, "first given here")
                                .help("keep one `otherwise`, as the last line");
                        self.error(diagnostic);
                        return None;
                    }
                    otherwise = Some((at.span, Value::Text(text.node.clone())));
                }
            }
        }
        if before.is_empty() {
            let diagnostic = Diagnostic::error("E0225", format!("`words {name}` has no `before` line"))
                .at(file, words.name.span, "no date to choose by")
                .help("give the words used before a date: `before 2013-04-01 \"...\"`; words that never change can be written in the text itself");
            self.error(diagnostic);
            return None;
        }
        let Some((_, otherwise)) = otherwise else {
            let diagnostic = Diagnostic::error("E0224", format!("`words {name}` has no `otherwise` line"))
                .at(file, words.name.span, "no words after the last date")
                .help("end with `otherwise \"...\"`: the words on and after the last date");
            self.error(diagnostic);
            return None;
        };
        let origin = self.origin(file, words.name.span, &words.allows);
        ok.then(|| crate::rulebase::Words { name: name.clone(), before, otherwise, origin })
    }

    /// What a derived fact's or words' name would clash with: a fact, a value of an
    /// enumeration, a derived fact, or other words.
    fn name_clash(&self, name: &str) -> Option<String> {
        if self.definitions.contains_key(name) {
            return Some("defined".into());
        }
        if self.words.contains_key(name) {
            return Some("the name of words chosen by date".into());
        }
        if self.vocabulary.find(name).is_some() || self.vocabulary.root.fields.contains_key(name) {
            return Some("a fact of the case".into());
        }
        self.vocabulary.facts.iter().find_map(|fact| match &fact.ty {
            Type::Enum(values) if values.iter().any(|v| v == name) => {
                Some(format!("a value of `{}`", fact.path))
            }
            _ => None,
        })
    }

    /// Checks the derived facts no rule used, so their errors are reported too.
    fn check_unused_definitions(&mut self) {
        let pending: Vec<String> = self
            .definitions
            .iter()
            .filter(|(_, state)| matches!(state, DefinitionState::Pending(..)))
            .map(|(name, _)| name.clone())
            .collect();
        for name in pending {
            self.definition(&name, None);
        }
    }

    /// The derived fact `name`, checked on first use; `used_at` is the use, for cycles.
    fn definition(&mut self, name: &str, used_at: Option<(&str, Span)>) -> Option<(usize, Ty)> {
        let state = self.definitions.get_mut(name)?;
        match state {
            DefinitionState::Done(id, ty) => return Some((*id, ty.clone())),
            DefinitionState::Failed => return None,
            // Cycles are refused before checking (see `depth`), and the derived facts one
            // uses are checked before it: a safeguard, should the two ever disagree.
            DefinitionState::InProgress(file, span) => {
                let (file, span) = (file.clone(), *span);
                let mut diagnostic =
                    Diagnostic::error("E0215", format!("`{name}` is defined in terms of itself"))
                        .at(&file, span, "defined here")
                        .help("a derived fact cannot depend, directly or through others, on itself");
                if let Some((use_file, use_span)) = used_at {
                    diagnostic = diagnostic.also(use_file, use_span, "used here, inside its own definition");
                }
                self.error(diagnostic);
                *self.definitions.get_mut(name).expect("present") = DefinitionState::Failed;
                return None;
            }
            DefinitionState::Pending(..) => {}
        }
        let index = self.definitions.get_index_of(name).expect("present");
        self.check_uses_first(index);
        let state = self.definitions.get_mut(name).expect("present");
        let DefinitionState::Pending(file, text, definition) =
            std::mem::replace(state, DefinitionState::InProgress(String::new(), Span::default()))
        else {
            unreachable!("matched above")
        };
        *self.definitions.get_mut(name).expect("present") =
            DefinitionState::InProgress(file.to_string(), definition.name.span);
        let mut context = RuleContext { file: &file, text: &text };
        let checked = self.value_or_condition(&mut context, &Scope::default(), &definition.expr);
        let failed = matches!(self.definitions.get(name), Some(DefinitionState::Failed));
        let Some((expr, ty)) = checked.filter(|_| !failed) else {
            *self.definitions.get_mut(name).expect("present") = DefinitionState::Failed;
            return None;
        };
        let id = self.checked_definitions.len();
        if definition.wording != ast::Wording::default() {
            self.pending_wordings.push(wording::PendingWording {
                file: file.clone(),
                text: text.clone(),
                id,
                ty: ty.clone(),
                name: name.to_string(),
                wording: definition.wording.clone(),
            });
        }
        let origin = self.origin(&file, definition.name.span, &definition.allows);
        let wording = Wording::default();
        let checked = crate::rulebase::Definition { name: name.to_string(), expr, wording, origin };
        self.checked_definitions.push(checked);
        *self.definitions.get_mut(name).expect("present") = DefinitionState::Done(id, ty.clone());
        Some((id, ty))
    }

    /// An item's origin, with its `allow` annotations checked against the warning codes.
    fn origin(&mut self, file: &str, span: Span, allows: &[ast::Allow]) -> Origin {
        let mut allowed = Vec::new();
        for allow in allows {
            if !crate::lint::WARNINGS.contains(&allow.code.node.as_str()) {
                let help = did_you_mean(&allow.code.node, crate::lint::WARNINGS.iter().copied())
                    .map(|s| format!("did you mean `{s}`?"))
                    .unwrap_or_else(|| {
                        format!("the warnings that can be allowed are {}", crate::lint::WARNINGS.join(", "))
                    });
                let diagnostic = Diagnostic::error("E0217", format!("unknown warning `{}`", allow.code.node))
                    .at(file, allow.code.span, "not a warning code")
                    .help(help);
                self.error(diagnostic);
                continue;
            }
            allowed.push(Allowed {
                code: allow.code.node.clone(),
                reason: allow.reason.node.clone(),
                span: allow.code.span,
            });
        }
        Origin { file: file.to_string(), span, allows: allowed }
    }

    /// Warns about each declared lesson that no rule encodes.
    fn untraced_lessons(&mut self, lessons: &Declared, rules: &[Rule]) {
        for (id, (_, (file, span))) in lessons {
            if !rules.iter().any(|rule| rule.lessons.contains(id)) {
                let diagnostic = Diagnostic::warning("W0201", format!("no rule encodes lesson `{id}`"))
                    .at(file, *span, "declared here")
                    .help(format!("tag the rules that carry it with `lesson {id}`, or remove the lesson"));
                self.error(diagnostic);
            }
        }
    }

    /// Gathers the requirements of `policy` items, checking the sources they name.
    fn policy(
        &mut self,
        files: &[ParsedFile<'_>],
        sources: &IndexMap<String, DeclaredSource>,
    ) -> Vec<PolicyLine> {
        let mut policy = Vec::new();
        for file in files {
            for item in &file.ast.items {
                let Item::Policy(requirements) = item else { continue };
                for requirement in requirements {
                    if let ast::Requirement::Cites { source: Some(key), .. } = &requirement.node
                        && self.source_named(file.path, key, sources).is_none()
                    {
                        continue;
                    }
                    let line = PolicyLine {
                        requirement: requirement.node.clone(),
                        file: file.path.to_string(),
                        span: requirement.span,
                    };
                    policy.push(line);
                }
            }
        }
        policy
    }

    fn sources(&mut self, files: &[ParsedFile<'_>]) -> IndexMap<String, DeclaredSource> {
        let mut sources: IndexMap<String, DeclaredSource> = IndexMap::new();
        for file in files {
            for item in &file.ast.items {
                let Item::Source(source) = item else { continue };
                if let Some(first) = sources.get(&source.key.node) {
                    let diagnostic = duplicate(
                        "source",
                        &source.key.node,
                        file.path,
                        source.key.span,
                        &first.file,
                        first.span,
                    );
                    self.error(diagnostic);
                    continue;
                }
                if let Some(declared) = self.source(file.path, source) {
                    sources.insert(source.key.node.clone(), declared);
                }
            }
        }
        sources
    }

    fn source(&mut self, path: &str, source: &ast::Source) -> Option<DeclaredSource> {
        let mut fields: IndexMap<SourceFieldName, &Spanned<String>> = IndexMap::new();
        for field in &source.fields {
            if let Some(first) = fields.get(&field.name.node) {
                let message =
                    format!("source `{}` gives `{}` twice", source.key.node, field.name.node.keyword());
                let diagnostic = Diagnostic::error("E0208", message)
                    .at(path, field.name.span, "given again here")
                    .also(path, first.span, "first given here");
                self.error(diagnostic);
                continue;
            }
            fields.insert(field.name.node, &field.value);
        }
        let get = |name| fields.get(&name).map(|value| value.node.as_str());
        let missing: Vec<&str> = [SourceFieldName::Authors, SourceFieldName::Year, SourceFieldName::Title]
            .into_iter()
            .filter(|name| get(*name).is_none())
            .map(SourceFieldName::keyword)
            .collect();
        if !missing.is_empty() {
            let list = missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ");
            let diagnostic =
                Diagnostic::error("E0208", format!("source `{}` has no {list}", source.key.node))
                    .at(path, source.key.span, "incomplete source")
                    .help(
                        "every source needs `authors`, `year` and `title`, as in the paper's reference list",
                    );
            self.error(diagnostic);
            return None;
        }
        if let Some(problem) = source_shape_problem(&|name| get(name).is_some()) {
            let diagnostic = Diagnostic::error("E0208", format!("source `{}` {problem}", source.key.node))
                .at(path, source.key.span, "fields that do not fit together")
                .help("an article has `journal` (and `volume`, `issue`, `pages`); a chapter has `in` and `book`; a book or report has neither");
            self.error(diagnostic);
            return None;
        }
        let parts = ReferenceParts {
            authors: get(SourceFieldName::Authors)?,
            year: get(SourceFieldName::Year)?,
            title: get(SourceFieldName::Title)?,
            note: get(SourceFieldName::Note),
            editors: get(SourceFieldName::In),
            book: get(SourceFieldName::Book),
            journal: get(SourceFieldName::Journal),
            volume: get(SourceFieldName::Volume),
            issue: get(SourceFieldName::Issue),
            pages: get(SourceFieldName::Pages),
            published: get(SourceFieldName::Published),
        };
        let reference = Reference {
            key: source.key.node.clone(),
            authors: parts.authors.to_string(),
            year: parts.year.parse().expect("the parser reads years as four digits"),
            reference: bib::harvard(&parts, str::to_string),
        };
        let text = fields.get(&SourceFieldName::Text).and_then(|text_path| self.full_text(path, text_path));
        let origin = self.origin(path, source.key.span, &source.allows);
        Some(DeclaredSource { reference, file: path.to_string(), span: source.key.span, text, origin })
    }

    /// Reads a source's full text, relative to the rule file that declares it, from its
    /// folder or below.
    fn full_text(&mut self, rule_file: &str, text_path: &Spanned<String>) -> Option<String> {
        let folder = Path::new(rule_file).parent().unwrap_or(Path::new(""));
        let resolved = folder.join(&text_path.node);
        let resolved = resolved.to_string_lossy().replace('\\', "/");
        let folder = folder.to_string_lossy().replace('\\', "/");
        let read = match leaves_its_folder(&text_path.node) {
            Some(why) => Err(TextError::Outside(why)),
            None => (self.read_text)(&resolved, &folder),
        };
        let (why, help) = match read {
            Ok(text) => return Some(bib::normalise(&text)),
            Err(TextError::Outside(why)) => {
                let folder = if folder.is_empty() { "." } else { folder.as_str() };
                (
                    format!("it is outside the folder of the rule file (`{folder}`): {why}"),
                    "keep the source's text in the folder of its rule file or below it (such as `texts/`), \
                     and name it relative to that folder; a source's text is read from nowhere else",
                )
            }
            Err(TextError::Unreadable(why)) => (why, "the path is relative to the folder of this rule file"),
        };
        let diagnostic =
            Diagnostic::error("E0211", format!("cannot read the text of this source, `{resolved}`: {why}"))
                .at(rule_file, text_path.span, "read from here")
                .help(help);
        self.error(diagnostic);
        None
    }

    /// Builds the vocabulary: lists of records first, so their fields can be declared in
    /// any order.
    fn facts(&mut self, files: &[ParsedFile<'_>]) {
        let mut first_seen: IndexMap<String, FirstSeen> = IndexMap::new();
        let declarations: Vec<(&ParsedFile<'_>, &ast::FactDecl)> = files
            .iter()
            .flat_map(|file| {
                file.ast.items.iter().filter_map(move |item| match item {
                    Item::Fact(fact) => Some((file, &**fact)),
                    _ => None,
                })
            })
            .collect();
        let (lists, others): (Vec<_>, Vec<_>) =
            declarations.into_iter().partition(|(_, fact)| fact.ty.node == FactType::ListOfRecords);
        for (file, fact) in lists.into_iter().chain(others) {
            let path = fact.path.node.to_string();
            if let Some((first_file, first_span)) = first_seen.get(&path) {
                let diagnostic = duplicate("fact", &path, file.path, fact.path.span, first_file, *first_span);
                self.error(diagnostic);
                continue;
            }
            first_seen.insert(path, (file.path.to_string(), fact.path.span));
            self.declare_fact(file.path, fact);
        }
        self.questions(files);
        self.waiting_questions(files);
    }

    /// Resolves each fact's `after`: a fact of the case, or a field of the same list's
    /// items; refuses unknown facts (E0203), other lists' fields and cycles (E0221).
    fn waiting_questions(&mut self, files: &[ParsedFile<'_>]) {
        let mut written: Vec<(FactId, &str, Span)> = Vec::new();
        for file in files {
            for item in &file.ast.items {
                let Item::Fact(decl) = item else { continue };
                let Some(after) = &decl.after else { continue };
                let Some(id) = self.vocabulary.find(&decl.path.node.to_string()) else { continue };
                let Some(target) = self.waited_for(file.path, &decl.path.node, after) else { continue };
                self.vocabulary.facts[id.0].after = Some(target);
                written.push((id, file.path, after.span));
            }
        }
        for &(start, file, span) in &written {
            let mut chain = vec![start];
            let mut next = self.vocabulary.fact(start).after;
            while let Some(fact) = next.filter(|fact| !chain.contains(fact)) {
                chain.push(fact);
                next = self.vocabulary.fact(fact).after;
            }
            // Reported once, at the cycle's first declared fact.
            if next != Some(start) || chain.iter().any(|fact| fact.0 < start.0) {
                continue;
            }
            let mut names: Vec<&str> =
                chain.iter().map(|fact| self.vocabulary.fact(*fact).path.as_str()).collect();
            names.push(names[0]);
            let diagnostic = Diagnostic::error(
                "E0221",
                format!("questions wait for each other in a cycle: {}", names.join(" -> ")),
            )
            .at(file, span, "the cycle starts here")
            .help("remove one of the `after` clauses: otherwise none of these questions is ever asked");
            self.error(diagnostic);
        }
    }

    /// The fact that the question about `waiting` waits for (`after PATH`), if it can.
    fn waited_for(
        &mut self,
        file: &str,
        waiting: &ast::FactPath,
        after: &Spanned<ast::FactPath>,
    ) -> Option<FactId> {
        if self.path_too_deep(file, &after.node, after.span) {
            return None;
        }
        let written = after.node.to_string();
        let Some(target) = self.vocabulary.find(&written) else {
            let help = did_you_mean(&written, self.vocabulary.facts.iter().map(|fact| fact.path.as_str()))
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| "`after` names another fact of the vocabulary by its path".into());
            let diagnostic = Diagnostic::error("E0203", format!("unknown fact `{written}`"))
                .at(file, after.span, "not declared")
                .help(help);
            self.error(diagnostic);
            return None;
        };
        let waiting_fact = self.vocabulary.find(&waiting.to_string())?;
        let same_list = match (self.vocabulary.fact(waiting_fact).place, self.vocabulary.fact(target).place) {
            (_, Place::Case { .. }) => true,
            (Place::Field { list, .. }, Place::Field { list: other, .. }) => list == other,
            (Place::Case { .. }, Place::Field { .. }) => false,
        };
        if target == waiting_fact {
            let diagnostic =
                Diagnostic::error("E0221", format!("the question about `{written}` waits for itself"))
                    .at(file, after.span, "the same fact")
                    .help("name another fact, or remove `after`");
            self.error(diagnostic);
            return None;
        }
        if !same_list {
            let diagnostic = Diagnostic::error(
                "E0221",
                format!("the question about `{waiting}` cannot wait for `{written}`"),
            )
            .at(file, after.span, "a field of the items of a list")
            .help("a question can wait for a fact of the case, or for a field of the same item of the same list");
            self.error(diagnostic);
            return None;
        }
        Some(target)
    }

    /// E0228 for a path of more than [`MAX_PATH_SEGMENTS`] segments, declared or used
    /// (such a path is never a fact, so a use is not E0203 with a suggestion); true when
    /// reported.
    fn path_too_deep(&mut self, file: &str, path: &ast::FactPath, span: Span) -> bool {
        let segments = path.segments.len();
        if segments <= MAX_PATH_SEGMENTS {
            return false;
        }
        let diagnostic = Diagnostic::error(
            "E0228",
            format!("this fact path has {segments} segments, more than {MAX_PATH_SEGMENTS}"),
        )
        .at(file, span, "nested too deeply")
        .help(format!(
            "a fact path names at most {MAX_PATH_SEGMENTS} nested fields (`change.kind` names 2): give the fact a shorter path"
        ));
        self.error(diagnostic);
        true
    }

    fn declare_fact(&mut self, file: &str, decl: &ast::FactDecl) {
        // Refused before anything walks the path: the case file's objects would nest as
        // deep.
        if self.path_too_deep(file, &decl.path.node, decl.path.span) {
            return;
        }
        let segments = &decl.path.node.segments;
        let invalid = |message: String, help: &str| {
            Diagnostic::error("E0210", message).at(file, decl.path.span, "declared here").help(help)
        };
        let each_at: Vec<usize> =
            segments.iter().enumerate().filter(|(_, s)| s.each).map(|(i, _)| i).collect();
        let id = FactId(self.vocabulary.facts.len());
        let ty = match &decl.ty.node {
            FactType::Bool => Type::Bool,
            FactType::Text => Type::Text,
            FactType::Number => Type::Number,
            FactType::Date => Type::Date,
            FactType::ListOfText => Type::TextList,
            FactType::ListOfRecords => Type::Records(RecordType::default()),
            FactType::OneOf(values) => Type::Enum(self.enum_values(file, values)),
        };
        if segments.len() == 1 && crate::case::BUILT_INS.contains(&segments[0].name.as_str()) {
            let message = format!("`{}` is a built-in field of every case", segments[0].name);
            self.error(invalid(
                message,
                "`name`, `id` and `assessed_on` are read by accord itself; choose another name",
            ));
            return;
        }
        let place = match each_at.as_slice() {
            [] => {
                let (shape, name) = (&mut self.vocabulary.root, segments);
                if let Err(message) = insert_path(shape, name, id) {
                    self.error(invalid(message, "a path is either a fact or a group of facts, not both"));
                    return;
                }
                let slot = self.vocabulary.case_slots;
                self.vocabulary.case_slots += 1;
                Place::Case { slot }
            }
            [at] if *at + 1 < segments.len() && !matches!(ty, Type::Records(_)) => {
                let list_path = ast::FactPath {
                    segments: segments[..=*at]
                        .iter()
                        .map(|s| ast::PathSegment { name: s.name.clone(), each: false })
                        .collect(),
                };
                let list_path = list_path.to_string();
                let Some(list) = self
                    .vocabulary
                    .find(&list_path)
                    .filter(|l| matches!(self.vocabulary.fact(*l).ty, Type::Records(_)))
                else {
                    let message = format!("`{}` is not declared as a list of records", list_path);
                    self.error(invalid(
                        message,
                        &format!("declare it first: `fact {list_path} is a list of records`"),
                    ));
                    return;
                };
                let Type::Records(record) = &mut self.vocabulary.facts[list.0].ty else {
                    unreachable!("filtered above")
                };
                if let Err(message) = insert_path(&mut record.shape, &segments[*at + 1..], id) {
                    self.error(invalid(message, "a path is either a fact or a group of facts, not both"));
                    return;
                }
                let slot = record.slots;
                record.slots += 1;
                let is_label = segments[*at + 1..].len() == 1
                    && segments[*at + 1].name == "name"
                    && matches!(ty, Type::Text);
                if is_label {
                    record.label = Some(id);
                }
                Place::Field { list, slot }
            }
            _ => {
                let message = format!("`{}` cannot be declared", decl.path.node);
                self.error(invalid(message, "`[]` marks the list in the path of one of its items' fields, once: `groups[].needs`; lists of records cannot be nested"));
                return;
            }
        };
        let path = decl.path.node.to_string();
        let origin = self.origin(file, decl.path.span, &decl.allows);
        self.vocabulary.facts.push(Fact {
            path,
            ty,
            question: None,
            after: None,
            asked_when: None,
            wording: Wording::default(),
            place,
            origin,
            in_use: true,
        });
    }

    fn enum_values(&mut self, file: &str, values: &[Spanned<String>]) -> Vec<String> {
        let mut seen: Vec<&Spanned<String>> = Vec::new();
        for value in values {
            if let Some(first) = seen.iter().find(|v| v.node == value.node) {
                let diagnostic = duplicate("value", &value.node, file, value.span, file, first.span);
                self.error(diagnostic);
                continue;
            }
            seen.push(value);
        }
        seen.into_iter().map(|v| v.node.clone()).collect()
    }

    /// Checks each question's interpolations, now that every fact is declared.
    fn questions(&mut self, files: &[ParsedFile<'_>]) {
        for file in files {
            for item in &file.ast.items {
                let Item::Fact(decl) = item else { continue };
                let Some(question) = &decl.question else { continue };
                let Some(id) = self.vocabulary.find(&decl.path.node.to_string()) else { continue };
                let mut scope = Scope::default();
                if let Place::Field { list, .. } = self.vocabulary.fact(id).place {
                    // `{groups[].name}` in a question about `groups[].needs` means this item's name.
                    let name = format!("{}[]", self.vocabulary.fact(list).path);
                    scope.bindings.push(Binding { name, list });
                }
                let mut context = RuleContext { file: file.path, text: file.text };
                let template = self.template(&mut context, &scope, &question.node);
                self.vocabulary.facts[id.0].question = Some(template);
            }
        }
    }

    // ----- rules -----

    fn rules(&mut self, files: &[ParsedFile<'_>], declared: &Declarations<'_>) -> Vec<Rule> {
        let mut first_seen: IndexMap<String, FirstSeen> = IndexMap::new();
        // Room for every rule written, made once, when the first is checked: grown by
        // doubling, the vector of a large rule base took up to twice its room.
        let written_rules = files
            .iter()
            .flat_map(|file| &file.ast.items)
            .filter(|item| matches!(item, Item::Rule(_)))
            .count();
        let mut rules = Vec::new();
        let mut written: Vec<(&str, &ast::Rule)> = Vec::new();
        for file in files {
            for item in &file.ast.items {
                let Item::Rule(rule) = item else { continue };
                if let Some((first_file, first_span)) = first_seen.get(&rule.id.node) {
                    let diagnostic =
                        Diagnostic::error("E0201", format!("duplicate rule id `{}`", rule.id.node))
                            .at(file.path, rule.id.span, "used again here")
                            .also(first_file, *first_span, "first used here")
                            .help("rule ids must be unique across all rule files; rename one of them");
                    self.error(diagnostic);
                    continue;
                }
                first_seen.insert(rule.id.node.clone(), (file.path.to_string(), rule.id.span));
                if let Some(checked) = self.rule(file, rule, declared) {
                    if rules.capacity() == 0 {
                        rules.reserve_exact(written_rules);
                    }
                    rules.push(checked);
                    written.push((file.path, rule));
                }
            }
        }
        self.overrides(&mut rules, &written, &first_seen);
        rules.shrink_to_fit();
        rules
    }

    /// Resolves `overrides` and `contradicts` to rule indexes, refusing unknown rules and
    /// cycles of overrides.
    fn overrides(
        &mut self,
        rules: &mut [Rule],
        written: &[(&str, &ast::Rule)],
        declared: &IndexMap<String, FirstSeen>,
    ) {
        // Looked up once per `overrides` and `contradicts`: a map keeps checking linear.
        let by_id: HashMap<&str, usize> = rules.iter().enumerate().map(|(i, r)| (r.id.as_str(), i)).collect();
        let mut resolved = Vec::new();
        for (index, (file, rule)) in written.iter().enumerate() {
            for (clause, targets) in [("overrides", &rule.overrides), ("contradicts", &rule.contradicts)] {
                for target in targets {
                    let Some(position) = self.rule_named(&by_id, file, rule, target, declared) else {
                        continue;
                    };
                    resolved.push((index, clause, position));
                }
            }
        }
        drop(by_id);
        for (index, clause, position) in resolved {
            if clause == "overrides" {
                rules[index].overrides.push(position);
            } else {
                rules[index].contradicts.push(position);
            }
        }
        if let Some(cycle) = override_cycle(rules) {
            let names: Vec<&str> = cycle.iter().map(|i| rules[*i].id.as_str()).collect();
            let (file, rule) = written[cycle[0]];
            let diagnostic = Diagnostic::error(
                "E0214",
                format!("rules override each other in a cycle: {}", names.join(" -> ")),
            )
            .at(file, rule.id.span, "the cycle starts here")
            .help("decide which advice should win and remove the other `overrides`");
            self.error(diagnostic);
        }
    }

    /// The index of the rule `target` names in a rule's `overrides` or `contradicts`.
    fn rule_named(
        &mut self,
        by_id: &HashMap<&str, usize>,
        file: &str,
        rule: &ast::Rule,
        target: &Spanned<String>,
        declared: &IndexMap<String, FirstSeen>,
    ) -> Option<usize> {
        if target.node == rule.id.node {
            let diagnostic = Diagnostic::error("E0213", format!("rule `{}` names itself", target.node))
                .at(file, target.span, "this rule")
                .help("`overrides` and `contradicts` name other rules");
            self.error(diagnostic);
            return None;
        }
        if let Some(&position) = by_id.get(target.node.as_str()) {
            return Some(position);
        }
        // A rule declared but refused by the checker has been reported already.
        if !declared.contains_key(&target.node) {
            let help = did_you_mean(&target.node, declared.keys().map(String::as_str))
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| "`overrides` and `contradicts` name other rules by their ids".into());
            let diagnostic = Diagnostic::error("E0213", format!("unknown rule `{}`", target.node))
                .at(file, target.span, "no rule has this id")
                .help(help);
            self.error(diagnostic);
        }
        None
    }

    fn rule(&mut self, file: &ParsedFile<'_>, rule: &ast::Rule, declared: &Declarations<'_>) -> Option<Rule> {
        let mut context = RuleContext { file: file.path, text: file.text };
        self.closed_bindings.clear();
        let evidence_label =
            rule.evidence.as_ref().and_then(|level| self.evidence_level(file.path, level, declared.evidence));
        let priority = self.priority_step(file.path, rule, declared.priority);
        let mut citations: Vec<Citation> =
            rule.citations.iter().filter_map(|c| self.citation(file.path, c, declared.sources)).collect();
        citations.shrink_to_fit();
        let lessons: Vec<String> =
            rule.lessons.iter().filter_map(|l| self.lesson(file.path, l, declared.lessons)).collect();
        let mut scope = Scope::default();
        let for_each = match &rule.for_each {
            Some(for_each) => {
                let list = self.for_each_list(file.path, for_each)?;
                scope.bindings.push(Binding { name: for_each.var.node.clone(), list });
                Some(list)
            }
            None => None,
        };
        let condition = self.condition(&mut context, &scope, &rule.condition);
        let title = self.template(&mut context, &scope, &rule.advice.title.node);
        let text = self.template(&mut context, &scope, &rule.advice.text.node);
        Some(Rule {
            id: rule.id.node.clone(),
            file: file.path.to_string(),
            lessons: (lessons.len() == rule.lessons.len()).then_some(lessons)?,
            overrides: Vec::new(),
            contradicts: Vec::new(),
            origin: self.origin(file.path, rule.id.span, &rule.allows),
            evidence: evidence_label,
            priority,
            for_each,
            condition: condition?,
            kind: rule.advice.kind.node,
            title,
            text,
            citations: (citations.len() == rule.citations.len()).then_some(citations)?,
        })
    }

    fn evidence_level(&mut self, file: &str, level: &Spanned<String>, scale: &Declared) -> Option<String> {
        if let Some((label, _)) = scale.get(&level.node) {
            return Some(label.clone());
        }
        let help = did_you_mean(&level.node, scale.keys().map(String::as_str))
            .map(|s| format!("did you mean `{s}`?"))
            .or_else(|| {
                Some(if scale.is_empty() {
                    "declare the scale first: `evidence scale`, then a line `key \"label\"` per level, strongest first".to_string()
                } else {
                    format!("the levels declared in `evidence scale` are {}", backticked(scale.keys()))
                })
            });
        let diagnostic = Diagnostic::error("E0209", format!("unknown evidence level `{}`", level.node))
            .at(file, level.span, "not on the evidence scale")
            .maybe_help(help);
        self.error(diagnostic);
        None
    }

    /// The step of the rule's `priority` on the scale: E0219 for a step not on it, E0220
    /// for a rule without one when there is a scale.
    fn priority_step(&mut self, file: &str, rule: &ast::Rule, scale: &Declared) -> Option<usize> {
        let Some(step) = &rule.priority else {
            if !scale.is_empty() {
                let diagnostic =
                    Diagnostic::error("E0220", format!("rule `{}` has no priority", rule.id.node))
                        .at(file, rule.id.span, "no `priority` clause")
                        .help(format!(
                            "the rule base declares a priority scale: name one of its steps, e.g. `priority {}` (the steps are {})",
                            scale.keys().next().expect("not empty"),
                            backticked(scale.keys())
                        ));
                self.error(diagnostic);
            }
            return None;
        };
        if let Some(index) = scale.get_index_of(&step.node) {
            return Some(index);
        }
        let help = did_you_mean(&step.node, scale.keys().map(String::as_str))
            .map(|s| format!("did you mean `{s}`?"))
            .unwrap_or_else(|| {
                if scale.is_empty() {
                    "declare the scale first: `priority scale`, then a line `key \"label\"` per step, most urgent first".to_string()
                } else {
                    format!("the steps declared in `priority scale` are {}", backticked(scale.keys()))
                }
            });
        let diagnostic = Diagnostic::error("E0219", format!("unknown priority `{}`", step.node))
            .at(file, step.span, "not on the priority scale")
            .help(help);
        self.error(diagnostic);
        None
    }

    fn lesson(&mut self, file: &str, lesson: &Spanned<String>, lessons: &Declared) -> Option<String> {
        if lessons.contains_key(&lesson.node) {
            return Some(lesson.node.clone());
        }
        let help = did_you_mean(&lesson.node, lessons.keys().map(String::as_str))
            .map(|s| format!("did you mean `{s}`?"))
            .unwrap_or_else(|| {
                "declare it first: `lessons`, then a line `ID \"what it says\"` per lesson".into()
            });
        let diagnostic = Diagnostic::error("E0212", format!("unknown lesson `{}`", lesson.node))
            .at(file, lesson.span, "not declared in `lessons`")
            .help(help);
        self.error(diagnostic);
        None
    }

    fn citation(
        &mut self,
        file: &str,
        citation: &ast::Citation,
        sources: &IndexMap<String, DeclaredSource>,
    ) -> Option<Citation> {
        let cited = self.source_named(file, &citation.source, sources);
        let quoting = citation.quoted_in.as_ref().map(|q| (self.source_named(file, &q.source, sources), q));
        let example_ok =
            citation.example.as_ref().is_none_or(|example| self.plain_example(file, citation, example.span));
        let source_index = cited?;
        let quoted_in = match quoting {
            Some((index, quoted_in)) => Some(QuotedIn {
                source: quoted_in.source.node.clone(),
                source_index: index?,
                locator: quoted_in.locator.as_ref().map(|l| l.node.clone()),
            }),
            None => None,
        };
        if !example_ok {
            return None;
        }
        // The empty text is in every text, and white space and punctuation alone are in most:
        // such a quote would pass the check and prove nothing.
        if let Some(quote) = &citation.quote
            && !quote.node.chars().any(char::is_alphanumeric)
        {
            let diagnostic = Diagnostic::error("E0205", "this quote has no word in it")
                .at(file, quote.span, "no word to find in the source")
                .help("quote the source's own words, or cite it without `quote` (at a page or section)");
            self.error(diagnostic);
            return None;
        }
        // A quote found in another work is checked against that work's text.
        let (checked_key, checked_index) = match &quoted_in {
            Some(quoted_in) => (&quoted_in.source, quoted_in.source_index),
            None => (&citation.source.node, source_index),
        };
        let checked = &sources[checked_index];
        if let (Some(quote), Some(text)) = (&citation.quote, &checked.text)
            && !text.contains(&bib::normalise(&quote.node))
        {
            let diagnostic = Diagnostic::error("E0205", format!("quote not found in the text of `{checked_key}`"))
                    .at(file, quote.span, "not in the source's text")
                    .also(&checked.file, checked.span, "the source is declared here")
                    .help("quote the source word for word; white space, typographic quotes and dashes, and `*emphasis*` marks need not match");
            self.error(diagnostic);
            return None;
        }
        Some(Citation {
            source: citation.source.node.clone(),
            source_index,
            locator: citation.locator.as_ref().map(|l| l.node.clone()),
            quoted_in,
            quote: citation.quote.as_ref().map(|q| q.node.clone()),
            quote_span: citation.quote.as_ref().map(|q| q.span),
            quote_verified: citation.quote.is_some() && checked.text.is_some(),
            role: if citation.example.is_some() { CitationRole::Example } else { CitationRole::Source },
        })
    }

    /// The index of the source `key` names, or an error with the closest key.
    fn source_named(
        &mut self,
        file: &str,
        key: &Spanned<String>,
        sources: &IndexMap<String, DeclaredSource>,
    ) -> Option<usize> {
        if let Some(index) = sources.get_index_of(&key.node) {
            return Some(index);
        }
        let help = did_you_mean(&key.node, sources.keys().map(String::as_str))
            .map(|s| format!("did you mean `{s}`?"))
            .unwrap_or_else(|| "declare it with `source key`, then its authors, year and title".into());
        let diagnostic = Diagnostic::error("E0202", format!("unknown source `{}`", key.node))
            .at(file, key.span, "no source has this key")
            .help(help);
        self.error(diagnostic);
        None
    }

    /// Whether a citation `for example` is only that: an example points at no passage, so
    /// it takes no locator, `quoted in` or quote (E0222 otherwise).
    fn plain_example(&mut self, file: &str, citation: &ast::Citation, example: Span) -> bool {
        let extra = citation
            .locator
            .as_ref()
            .map(|l| (l.span, "a locator"))
            .or_else(|| citation.quoted_in.as_ref().map(|q| (q.source.span, "`quoted in`")))
            .or_else(|| citation.quote.as_ref().map(|q| (q.span, "a quote")));
        let Some((span, what)) = extra else { return true };
        let diagnostic = Diagnostic::error(
            "E0222",
            format!("`{}` is cited as an example, so it takes no locator or quote", citation.source.node),
        )
        .at(file, span, format!("{what} given here"))
        .also(file, example, "cited as an example here")
        .help("an example is cited as a whole work: remove `for example` to cite a passage, or remove the passage");
        self.error(diagnostic);
        false
    }

    fn for_each_list(&mut self, file: &str, for_each: &ast::ForEach) -> Option<FactId> {
        if self.path_too_deep(file, &for_each.list.node, for_each.list.span) {
            return None;
        }
        let path = for_each.list.node.to_string();
        match self.vocabulary.find(&path) {
            Some(id)
                if matches!(self.vocabulary.fact(id).ty, Type::Records(_))
                    && matches!(self.vocabulary.fact(id).place, Place::Case { .. }) =>
            {
                Some(id)
            }
            Some(id) => {
                let ty = self.vocabulary.fact(id).ty.describe();
                let diagnostic = Diagnostic::error(
                    "E0204",
                    format!("`for each` needs a list of records, but `{path}` is {ty}"),
                )
                .at(file, for_each.list.span, "not a list of records");
                self.error(diagnostic);
                None
            }
            None => {
                self.error(self.unknown_name(
                    file,
                    &for_each.list.node.to_string(),
                    for_each.list.span,
                    &Scope::default(),
                ));
                None
            }
        }
    }

    fn template(&mut self, context: &mut RuleContext<'_>, scope: &Scope, text: &ast::Text) -> Template {
        let mut parts = Vec::new();
        for part in &text.parts {
            match part {
                ast::TextPart::Literal(literal) => parts.push(TemplatePart::Literal(literal.clone())),
                ast::TextPart::Interpolation { expr, style } => {
                    if let Some(words) = self.words_named(&expr.node) {
                        // Words refused by the checker have been reported already.
                        let Some(words) = words else { continue };
                        if *style == ast::DateStyle::Month {
                            let message = "`as month` writes a date, but this is words chosen by date";
                            self.error(Diagnostic::error("E0204", message).at(
                                context.file,
                                expr.span,
                                "not a date",
                            ));
                            continue;
                        }
                        parts.push(TemplatePart::Value { expr: Expr::Words(words), style: *style });
                        continue;
                    }
                    let Some((checked, ty)) = self.expr(context, scope, expr) else { continue };
                    if *style == ast::DateStyle::Month && ty != Ty::Date {
                        let message = format!(
                            "`as month` writes a date, but this is {}",
                            ty.describe(&self.vocabulary)
                        );
                        self.error(Diagnostic::error("E0204", message).at(
                            context.file,
                            expr.span,
                            "not a date",
                        ));
                        continue;
                    }
                    if let Ty::Word(word) = &ty {
                        self.error(self.unknown_name(context.file, word, expr.span, scope));
                        continue;
                    }
                    parts.push(TemplatePart::Value { expr: checked, style: *style });
                }
            }
        }
        parts.shrink_to_fit();
        Template { parts }
    }
}

impl Checker<'_> {
    /// When `expr` is the bare name of a `words` item, the item's index (none if it was
    /// refused).
    fn words_named(&self, expr: &ast::Expr) -> Option<Option<usize>> {
        let ast::Expr::Name(path) = expr else { return None };
        match path.segments.as_slice() {
            [segment] if !segment.each => self.words.get(&segment.name).copied(),
            _ => None,
        }
    }
}

/// Adds `id` at `path` in `shape`, making nested objects as needed.
fn insert_path(shape: &mut Shape, path: &[ast::PathSegment], id: FactId) -> Result<(), String> {
    let (last, parents) = path.split_last().expect("a path has at least one segment");
    let mut shape = shape;
    for segment in parents {
        let node = shape.fields.entry(segment.name.clone()).or_insert_with(|| Node::Object(Shape::default()));
        match node {
            Node::Object(inner) => shape = inner,
            Node::Fact(_) => {
                return Err(format!("`{}` is a fact, so it cannot hold other facts", segment.name));
            }
        }
    }
    match shape.fields.get(&last.name) {
        Some(Node::Object(_)) => {
            Err(format!("`{}` already holds other facts, so it cannot be a fact itself", last.name))
        }
        Some(Node::Fact(_)) => Err(format!("`{}` is declared twice", last.name)),
        None => {
            shape.fields.insert(last.name.clone(), Node::Fact(id));
            Ok(())
        }
    }
}

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

/// A cycle among `overrides`, as rule indexes from its first rule back to it, if any.
fn override_cycle(rules: &[Rule]) -> Option<Vec<usize>> {
    // Depth-first search with colours: 0 unvisited, 1 on the current path, 2 finished.
    // Iterative, with an explicit stack: a chain of thousands of overrides must not
    // overflow the thread's stack.
    let mut colour = vec![0u8; rules.len()];
    for start in 0..rules.len() {
        if colour[start] != 0 {
            continue;
        }
        // The path from `start`, each rule with how many of its overrides are explored.
        let mut path: Vec<(usize, usize)> = vec![(start, 0)];
        colour[start] = 1;
        while let Some(&mut (at, ref mut explored)) = path.last_mut() {
            let Some(&next) = rules[at].overrides.get(*explored) else {
                colour[at] = 2;
                path.pop();
                continue;
            };
            *explored += 1;
            match colour[next] {
                0 => {
                    colour[next] = 1;
                    path.push((next, 0));
                }
                1 => {
                    let begin = path.iter().position(|&(p, _)| p == next).expect("on the path");
                    let mut cycle: Vec<usize> = path[begin..].iter().map(|&(p, _)| p).collect();
                    cycle.push(next);
                    return Some(cycle);
                }
                _ => {}
            }
        }
    }
    None
}

/// What is wrong with a source's combination of fields, if anything: a chapter needs both
/// `in` and `book`, and an entry cannot be both an article and a chapter.
fn source_shape_problem(has: &dyn Fn(SourceFieldName) -> bool) -> Option<&'static str> {
    use SourceFieldName::*;
    let article_parts = has(Volume) || has(Issue) || has(Pages);
    if has(Journal) && (has(In) || has(Book)) {
        Some("is both an article (`journal`) and a chapter (`in`, `book`)")
    } else if has(In) != has(Book) {
        Some("is a chapter, which needs both `in` (the editors) and `book`")
    } else if article_parts && !has(Journal) {
        Some("has `volume`, `issue` or `pages` but no `journal`")
    } else {
        None
    }
}

fn backticked<'a>(names: impl Iterator<Item = &'a String>) -> String {
    names.map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// The name under which a fact's `only when` condition is checked and kept among the
/// derived facts: `change.phase only when`, which no `define` can take.
fn asked_when_name(path: &ast::FactPath) -> String {
    format!("{path} only when")
}
