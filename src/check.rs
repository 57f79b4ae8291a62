//! Stage 2: syntax trees of all rule files to a checked [`RuleBase`], or diagnostics.
//!
//! The checker resolves every name (facts to slots, enumeration values to indexes, sources
//! to rendered references, evidence keys to labels), checks every type, and verifies
//! quotes against the full text of their source. What it accepts, the evaluator can run
//! without failing.

use std::path::Path;

use indexmap::IndexMap;

use crate::ast::{self, ArithOp, CompareOp, FactType, Item, Literal, SourceFieldName, Span, Spanned};
use crate::bib::{self, ReferenceParts};
use crate::diag::Diagnostic;
use crate::rulebase::*;
use crate::suggest::did_you_mean;
use crate::value::Value;

/// One parsed rule file, as the checker receives it.
pub struct ParsedFile<'a> {
    /// The path shown to the user.
    pub path: &'a str,
    /// The file's text.
    pub text: &'a str,
    /// Its syntax tree.
    pub ast: &'a ast::RuleFile,
}

/// Reads the full text of a source, given its path resolved against its rule file.
pub type TextReader<'a> = &'a dyn Fn(&str) -> Result<String, String>;

/// Checks the rule files (in the order given) as one rule base. Returns the rule base when
/// there is no error, and every diagnostic found either way.
pub fn check(files: &[ParsedFile<'_>], read_text: TextReader<'_>) -> (Option<RuleBase>, Vec<Diagnostic>) {
    let mut checker = Checker { diagnostics: Vec::new(), vocabulary: Vocabulary::default(), read_text };
    let evidence = checker.evidence_scale(files);
    let sources = checker.sources(files);
    checker.facts(files);
    let rules = checker.rules(files, &evidence, &sources);
    let has_errors = checker.diagnostics.iter().any(Diagnostic::is_error);
    let sources = sources.into_iter().map(|(key, declared)| (key, declared.reference)).collect();
    let rule_base = RuleBase {
        vocabulary: checker.vocabulary,
        evidence: evidence.into_iter().map(|(k, (label, _))| (k, label)).collect(),
        sources,
        rules,
    };
    (if has_errors { None } else { Some(rule_base) }, checker.diagnostics)
}

struct Checker<'r> {
    diagnostics: Vec<Diagnostic>,
    vocabulary: Vocabulary,
    read_text: TextReader<'r>,
}

/// A source as declared: its reference, where it was declared, and its normalised text.
struct DeclaredSource {
    reference: Reference,
    file: String,
    span: Span,
    text: Option<String>,
}

/// Where a name was first declared, for duplicate reports.
type FirstSeen = (String, Span);

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
    atoms: usize,
}

impl RuleContext<'_> {
    fn source_text(&self, span: Span) -> String {
        self.text.get(span.range()).unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

impl Checker<'_> {
    fn error(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    // ----- declarations -----

    fn evidence_scale(&mut self, files: &[ParsedFile<'_>]) -> IndexMap<String, (String, FirstSeen)> {
        let mut scale: IndexMap<String, (String, FirstSeen)> = IndexMap::new();
        for file in files {
            for item in &file.ast.items {
                let Item::EvidenceScale(levels) = item else { continue };
                for level in levels {
                    if let Some((_, (first_file, first_span))) = scale.get(&level.key.node) {
                        let diagnostic = duplicate(
                            "evidence level",
                            &level.key.node,
                            file.path,
                            level.key.span,
                            first_file,
                            *first_span,
                        );
                        self.error(diagnostic);
                        continue;
                    }
                    let seen = (file.path.to_string(), level.key.span);
                    scale.insert(level.key.node.clone(), (level.label.node.clone(), seen));
                }
            }
        }
        scale
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
        Some(DeclaredSource { reference, file: path.to_string(), span: source.key.span, text })
    }

    /// Reads a source's full text, relative to the rule file that declares it.
    fn full_text(&mut self, rule_file: &str, text_path: &Spanned<String>) -> Option<String> {
        let resolved = Path::new(rule_file).parent().unwrap_or(Path::new("")).join(&text_path.node);
        let resolved = resolved.to_string_lossy().replace('\\', "/");
        match (self.read_text)(&resolved) {
            Ok(text) => Some(bib::normalise(&text)),
            Err(why) => {
                let diagnostic = Diagnostic::error(
                    "E0211",
                    format!("cannot read the text of this source, `{resolved}`: {why}"),
                )
                .at(rule_file, text_path.span, "read from here")
                .help("the path is relative to the folder of this rule file");
                self.error(diagnostic);
                None
            }
        }
    }

    /// Builds the vocabulary: lists of records first, so their fields can be declared in
    /// any order.
    fn facts(&mut self, files: &[ParsedFile<'_>]) {
        let mut first_seen: IndexMap<String, FirstSeen> = IndexMap::new();
        let declarations: Vec<(&ParsedFile<'_>, &ast::FactDecl)> = files
            .iter()
            .flat_map(|file| {
                file.ast.items.iter().filter_map(move |item| match item {
                    Item::Fact(fact) => Some((file, fact)),
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
    }

    fn declare_fact(&mut self, file: &str, decl: &ast::FactDecl) {
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
        self.vocabulary.facts.push(Fact { path, ty, question: None, place });
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
                let mut context = RuleContext { file: file.path, text: file.text, atoms: 0 };
                let template = self.template(&mut context, &scope, &question.node);
                self.vocabulary.facts[id.0].question = Some(template);
            }
        }
    }

    // ----- rules -----

    fn rules(
        &mut self,
        files: &[ParsedFile<'_>],
        evidence: &IndexMap<String, (String, FirstSeen)>,
        sources: &IndexMap<String, DeclaredSource>,
    ) -> Vec<Rule> {
        let mut first_seen: IndexMap<String, FirstSeen> = IndexMap::new();
        let mut rules = Vec::new();
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
                if let Some(checked) = self.rule(file, rule, evidence, sources) {
                    rules.push(checked);
                }
            }
        }
        rules
    }

    fn rule(
        &mut self,
        file: &ParsedFile<'_>,
        rule: &ast::Rule,
        evidence: &IndexMap<String, (String, FirstSeen)>,
        sources: &IndexMap<String, DeclaredSource>,
    ) -> Option<Rule> {
        let mut context = RuleContext { file: file.path, text: file.text, atoms: 0 };
        let evidence_label =
            rule.evidence.as_ref().and_then(|level| self.evidence_level(file.path, level, evidence));
        let citations: Vec<Citation> =
            rule.citations.iter().filter_map(|c| self.citation(file.path, c, sources)).collect();
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
            lessons: rule.lessons.iter().map(|l| l.node.clone()).collect(),
            evidence: evidence_label,
            for_each,
            condition: condition?,
            kind: rule.advice.kind.node,
            title,
            text,
            citations: (citations.len() == rule.citations.len()).then_some(citations)?,
        })
    }

    fn evidence_level(
        &mut self,
        file: &str,
        level: &Spanned<String>,
        scale: &IndexMap<String, (String, FirstSeen)>,
    ) -> Option<String> {
        if let Some((label, _)) = scale.get(&level.node) {
            return Some(label.clone());
        }
        let help = did_you_mean(&level.node, scale.keys().map(String::as_str))
            .map(|s| format!("did you mean `{s}`?"))
            .or_else(|| {
                Some(format!("the levels declared in `evidence scale` are {}", backticked(scale.keys())))
            });
        let diagnostic = Diagnostic::error("E0209", format!("unknown evidence level `{}`", level.node))
            .at(file, level.span, "not on the evidence scale")
            .maybe_help(help);
        self.error(diagnostic);
        None
    }

    fn citation(
        &mut self,
        file: &str,
        citation: &ast::Citation,
        sources: &IndexMap<String, DeclaredSource>,
    ) -> Option<Citation> {
        let Some(source) = sources.get(&citation.source.node) else {
            let help = did_you_mean(&citation.source.node, sources.keys().map(String::as_str))
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| "declare it with `source key`, then its authors, year and title".into());
            let diagnostic = Diagnostic::error("E0202", format!("unknown source `{}`", citation.source.node))
                .at(file, citation.source.span, "no source has this key")
                .help(help);
            self.error(diagnostic);
            return None;
        };
        if let (Some(quote), Some(text)) = (&citation.quote, &source.text)
            && !text.contains(&bib::normalise(&quote.node))
        {
            let diagnostic = Diagnostic::error("E0205", format!("quote not found in the text of `{}`", citation.source.node))
                    .at(file, quote.span, "not in the source's text")
                    .also(&source.file, source.span, "the source is declared here")
                    .help("quote the source word for word; white space, typographic quotes and dashes, and `*emphasis*` marks need not match");
            self.error(diagnostic);
            return None;
        }
        Some(Citation {
            source: citation.source.node.clone(),
            locator: citation.locator.as_ref().map(|l| l.node.clone()),
            quote: citation.quote.as_ref().map(|q| q.node.clone()),
        })
    }

    fn for_each_list(&mut self, file: &str, for_each: &ast::ForEach) -> Option<FactId> {
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
        Template { parts }
    }

    // ----- expressions -----

    /// Checks a condition: an expression of type true-or-false.
    fn condition(
        &mut self,
        context: &mut RuleContext<'_>,
        scope: &Scope,
        expr: &Spanned<ast::Expr>,
    ) -> Option<Expr> {
        let (checked, ty) = self.expr(context, scope, expr)?;
        match ty {
            Ty::Bool if is_condition(&checked) => Some(checked),
            Ty::Bool => Some(self.atom(context, expr.span, Test::Holds(checked))),
            Ty::Word(word) => {
                self.error(self.unknown_name(context.file, &word, expr.span, scope));
                None
            }
            other => {
                let mut diagnostic = Diagnostic::error(
                    "E0204",
                    format!("expected a condition, found {}", other.describe(&self.vocabulary)),
                )
                .at(context.file, expr.span, "not true or false");
                if matches!(expr.node, ast::Expr::Count { .. }) || matches!(other, Ty::Number) {
                    diagnostic = diagnostic.help("compare it with something; a `count ... where ...` that is compared goes in brackets: `(count g in groups where g.pooled_funding) >= 2`");
                }
                self.error(diagnostic);
                None
            }
        }
    }

    fn atom(&mut self, context: &mut RuleContext<'_>, span: Span, test: Test) -> Expr {
        let id = context.atoms;
        context.atoms += 1;
        Expr::Atom(Box::new(Atom { id, text: context.source_text(span), test }))
    }

    fn expr(&mut self, context: &mut RuleContext<'_>, scope: &Scope, expr: &Spanned<ast::Expr>) -> Checked {
        let file = context.file;
        match &expr.node {
            ast::Expr::Literal(literal) => Some(literal_value(literal)),
            ast::Expr::Name(path) => self.name(file, scope, path, expr.span),
            ast::Expr::AsOf => Some((Expr::AsOf, Ty::Date)),
            ast::Expr::List(_) => {
                self.error(Diagnostic::error("E0204", "a list can only follow `in`").at(
                    file,
                    expr.span,
                    "list here",
                ));
                None
            }
            ast::Expr::Arith { op, lhs, rhs } => self.arith(context, scope, *op, lhs, rhs),
            ast::Expr::MonthsBetween { from, to } => {
                let from = self.expect(context, scope, from, Ty::Date);
                let to = self.expect(context, scope, to, Ty::Date);
                Some((Expr::MonthsBetween { from: Box::new(from?), to: Box::new(to?) }, Ty::Number))
            }
            ast::Expr::Compare { op, lhs, rhs } => {
                let test = self.compare(context, scope, *op, lhs, rhs)?;
                Some((self.atom(context, expr.span, test), Ty::Bool))
            }
            ast::Expr::In { needle, haystack, negated } => {
                let test = self.membership(context, scope, needle, haystack, *negated)?;
                Some((self.atom(context, expr.span, test), Ty::Bool))
            }
            ast::Expr::Known { expr: inner, negated } => {
                let (checked, ty) = self.expr(context, scope, inner)?;
                if let Ty::Word(word) = ty {
                    self.error(self.unknown_name(file, &word, inner.span, scope));
                    return None;
                }
                let test = Test::Known { expr: checked, negated: *negated };
                Some((self.atom(context, expr.span, test), Ty::Bool))
            }
            ast::Expr::And(a, b) | ast::Expr::Or(a, b) => {
                let a = self.condition(context, scope, a);
                let b = self.condition(context, scope, b);
                let (a, b) = (Box::new(a?), Box::new(b?));
                let combined =
                    if matches!(expr.node, ast::Expr::And(..)) { Expr::And(a, b) } else { Expr::Or(a, b) };
                Some((combined, Ty::Bool))
            }
            ast::Expr::Not(inner) => {
                Some((Expr::Not(Box::new(self.condition(context, scope, inner)?)), Ty::Bool))
            }
            ast::Expr::Quantified { quantifier, var, list, body } => {
                let (list_expr, inner_scope, binding) = self.bind(file, scope, var, list)?;
                let body = self.condition(context, &inner_scope, body)?;
                let quantified = Expr::Quantified {
                    quantifier: *quantifier,
                    list: Box::new(list_expr),
                    binding,
                    body: Box::new(body),
                };
                Some((quantified, Ty::Bool))
            }
            ast::Expr::Count { var, list, filter } => {
                let unnamed = Spanned::new(String::new(), list.span);
                let (list_expr, inner_scope, binding) =
                    self.bind(file, scope, var.as_ref().unwrap_or(&unnamed), list)?;
                let filter = match filter {
                    Some(filter) => Some(Box::new(self.condition(context, &inner_scope, filter)?)),
                    None => None,
                };
                Some((Expr::Count { list: Box::new(list_expr), binding, filter }, Ty::Number))
            }
        }
    }

    /// Checks an expression that must have type `want`.
    fn expect(
        &mut self,
        context: &mut RuleContext<'_>,
        scope: &Scope,
        expr: &Spanned<ast::Expr>,
        want: Ty,
    ) -> Option<Expr> {
        let (checked, ty) = self.expr(context, scope, expr)?;
        if ty == want {
            return Some(checked);
        }
        self.mismatch(context.file, expr.span, &want, &ty, scope);
        None
    }

    fn mismatch(&mut self, file: &str, span: Span, want: &Ty, found: &Ty, scope: &Scope) {
        if let Ty::Word(word) = found {
            self.error(self.unknown_name(file, word, span, scope));
            return;
        }
        let (want, found) = (want.describe(&self.vocabulary), found.describe(&self.vocabulary));
        let diagnostic = Diagnostic::error("E0204", format!("expected {want}, found {found}")).at(
            file,
            span,
            format!("expected {want}"),
        );
        self.error(diagnostic);
    }

    /// Makes `var` stand for each item of `list` in a nested scope.
    fn bind(
        &mut self,
        file: &str,
        scope: &Scope,
        var: &Spanned<String>,
        list: &Spanned<ast::FactPath>,
    ) -> Option<(Expr, Scope, usize)> {
        let (list_expr, ty) = self.name(file, scope, &list.node, list.span)?;
        let list_fact = match (&ty, &list_expr) {
            (Ty::Records(id), _) => *id,
            (Ty::TextList, Expr::Fact(id) | Expr::Field { fact: id, .. }) => *id,
            _ => {
                let found = ty.describe(&self.vocabulary);
                self.error(Diagnostic::error("E0204", format!("expected a list, found {found}")).at(
                    file,
                    list.span,
                    "not a list",
                ));
                return None;
            }
        };
        let mut inner = scope.clone();
        let binding = inner.bindings.len();
        inner.bindings.push(Binding { name: var.node.clone(), list: list_fact });
        Some((list_expr, inner, binding))
    }

    /// Resolves a path: a bound item or its field, a case-level fact, or a bare word.
    fn name(&mut self, file: &str, scope: &Scope, path: &ast::FactPath, span: Span) -> Checked {
        let first = &path.segments[0].name;
        let written = path.to_string();
        // In a question, `groups[]` names the item asked about.
        let bound = if path.segments[0].each { format!("{first}[]") } else { first.clone() };
        if let Some(binding) = scope.bindings.iter().rposition(|b| b.name == bound) {
            return self.bound_name(file, scope, binding, path, span);
        }
        if let Some(id) = self.vocabulary.find(&written) {
            let fact = self.vocabulary.fact(id);
            if let Place::Field { list, .. } = fact.place {
                let list_path = self.vocabulary.fact(list).path.clone();
                let diagnostic = Diagnostic::error("E0203", format!("`{written}` is a field of each item of `{list_path}`"))
                    .at(file, span, "which item?")
                    .help(format!("name the item first: `for each item in {list_path}`, or `any item in {list_path} where ...`"));
                self.error(diagnostic);
                return None;
            }
            return Some((Expr::Fact(id), fact_ty(id, &fact.ty)));
        }
        if path.segments.len() == 1 && !path.segments[0].each {
            return Some((Expr::Const(Value::Bool(false)), Ty::Word(first.clone())));
        }
        self.error(self.unknown_name(file, &written, span, scope));
        None
    }

    fn bound_name(
        &mut self,
        file: &str,
        scope: &Scope,
        binding: usize,
        path: &ast::FactPath,
        span: Span,
    ) -> Checked {
        let list = scope.bindings[binding].list;
        let list_fact = self.vocabulary.fact(list);
        if path.segments.len() == 1 {
            return match list_fact.ty {
                Type::Records(_) => Some((Expr::Item { binding }, Ty::Record(list))),
                _ => Some((Expr::Item { binding }, Ty::Text)),
            };
        }
        let rest: Vec<&str> = path.segments[1..].iter().map(|s| s.name.as_str()).collect();
        let field_path = format!("{}[].{}", list_fact.path, rest.join("."));
        match self.vocabulary.find(&field_path) {
            Some(id) => Some((Expr::Field { binding, fact: id }, fact_ty(id, &self.vocabulary.fact(id).ty))),
            None => {
                self.error(self.unknown_name(file, &path.to_string(), span, scope));
                None
            }
        }
    }

    /// An unknown name, with the closest known one.
    fn unknown_name(&self, file: &str, written: &str, span: Span, scope: &Scope) -> Diagnostic {
        let mut candidates: Vec<String> = Vec::new();
        for fact in &self.vocabulary.facts {
            match fact.place {
                Place::Case { .. } => candidates.push(fact.path.clone()),
                Place::Field { list, .. } => {
                    let prefix = format!("{}[].", self.vocabulary.fact(list).path);
                    for binding in scope.bindings.iter().filter(|b| b.list == list) {
                        candidates.push(fact.path.replacen(&prefix, &format!("{}.", binding.name), 1));
                    }
                }
            }
        }
        candidates.extend(scope.bindings.iter().map(|b| b.name.clone()));
        let help = did_you_mean(written, candidates.iter().map(String::as_str))
            .map(|s| format!("did you mean `{s}`?"))
            .unwrap_or_else(|| "facts are declared with `fact path is type`; names bound by `for each`, `any`, `all` or `count` can be used inside them".into());
        Diagnostic::error("E0203", format!("unknown name `{written}`"))
            .at(file, span, "not a declared fact or a bound name")
            .help(help)
    }

    fn arith(
        &mut self,
        context: &mut RuleContext<'_>,
        scope: &Scope,
        op: ArithOp,
        lhs: &Spanned<ast::Expr>,
        rhs: &Spanned<ast::Expr>,
    ) -> Checked {
        let (l, lt) = self.expr(context, scope, lhs)?;
        let (r, rt) = self.expr(context, scope, rhs)?;
        let minus = op == ArithOp::Sub;
        match (&lt, &rt) {
            (Ty::Date, Ty::Duration) => {
                Some((Expr::DatePlus { date: Box::new(l), duration: Box::new(r), minus }, Ty::Date))
            }
            (Ty::Number, Ty::Number) => {
                Some((Expr::NumberPlus { lhs: Box::new(l), rhs: Box::new(r), minus }, Ty::Number))
            }
            (Ty::Date, Ty::Date) if minus => {
                let diagnostic = Diagnostic::error("E0204", "dates cannot be subtracted")
                    .at(context.file, lhs.span.to(rhs.span), "date minus date")
                    .help("use `months between EARLIER and LATER`");
                self.error(diagnostic);
                None
            }
            (Ty::Date, other) => {
                self.mismatch(context.file, rhs.span, &Ty::Duration, other, scope);
                None
            }
            (Ty::Number, other) => {
                self.mismatch(context.file, rhs.span, &Ty::Number, other, scope);
                None
            }
            (other, _) => {
                let found = other.describe(&self.vocabulary);
                let diagnostic =
                    Diagnostic::error("E0204", format!("cannot add to or subtract from {found}"))
                        .at(context.file, lhs.span, "not a date or a number")
                        .help(
                            "`+` and `-` work on numbers, and on a date with a duration such as `18 months`",
                        );
                if let Ty::Word(word) = other {
                    self.error(self.unknown_name(context.file, word, lhs.span, scope));
                } else {
                    self.error(diagnostic);
                }
                None
            }
        }
    }

    fn compare(
        &mut self,
        context: &mut RuleContext<'_>,
        scope: &Scope,
        op: CompareOp,
        lhs: &Spanned<ast::Expr>,
        rhs: &Spanned<ast::Expr>,
    ) -> Option<Test> {
        let left = self.expr(context, scope, lhs);
        let right = self.expr(context, scope, rhs);
        let ((l, lt), (r, rt)) = (left?, right?);
        let (l, lt, r, rt) = match (&lt, &rt) {
            (Ty::Enum(fact), Ty::Word(word)) => {
                let value = self.enum_value(context.file, *fact, word, rhs.span)?;
                (l, lt.clone(), value, lt)
            }
            (Ty::Word(word), Ty::Enum(fact)) => {
                let value = self.enum_value(context.file, *fact, word, lhs.span)?;
                (value, rt.clone(), r, rt)
            }
            _ => (l, lt, r, rt),
        };
        if !comparable(&self.vocabulary, &lt, &rt) {
            let message = format!(
                "cannot compare {} with {}",
                lt.describe(&self.vocabulary),
                rt.describe(&self.vocabulary)
            );
            let (word_side, other) = match (&lt, &rt) {
                (Ty::Word(w), _) => (Some((w.clone(), lhs.span)), &rt),
                (_, Ty::Word(w)) => (Some((w.clone(), rhs.span)), &lt),
                _ => (None, &rt),
            };
            match (word_side, other) {
                (Some((word, span)), Ty::Text) => {
                    let diagnostic = Diagnostic::error("E0204", message)
                        .at(context.file, span, "a bare word")
                        .help(format!("write text in double quotes: `\"{word}\"`"));
                    self.error(diagnostic);
                }
                (Some((word, span)), _) => self.error(self.unknown_name(context.file, &word, span, scope)),
                (None, _) => self.error(Diagnostic::error("E0204", message).at(
                    context.file,
                    lhs.span.to(rhs.span),
                    "different types",
                )),
            }
            return None;
        }
        let ordered = matches!(op, CompareOp::Lt | CompareOp::Le | CompareOp::Gt | CompareOp::Ge);
        if ordered && !matches!(lt, Ty::Number | Ty::Date) {
            let message = format!(
                "`before`, `after`, `<` and `>` compare numbers or dates, not {}",
                lt.describe(&self.vocabulary)
            );
            self.error(Diagnostic::error("E0204", message).at(
                context.file,
                lhs.span.to(rhs.span),
                "not ordered",
            ));
            return None;
        }
        Some(Test::Compare { op, lhs: l, rhs: r })
    }

    fn enum_value(&mut self, file: &str, fact: FactId, word: &str, span: Span) -> Option<Expr> {
        let Type::Enum(values) = &self.vocabulary.fact(fact).ty else {
            unreachable!("Ty::Enum is only made for enumerations")
        };
        if let Some(index) = values.iter().position(|v| v == word) {
            return Some(Expr::Const(Value::Enum(index as u32)));
        }
        let path = &self.vocabulary.fact(fact).path;
        let help = did_you_mean(word, values.iter().map(String::as_str))
            .map(|s| format!("did you mean `{s}`?"))
            .unwrap_or_else(|| format!("the values of `{path}` are {}", backticked(values.iter())));
        let diagnostic = Diagnostic::error("E0206", format!("`{word}` is not a value of `{path}`"))
            .at(file, span, "not one of its values")
            .help(help);
        self.error(diagnostic);
        None
    }

    fn membership(
        &mut self,
        context: &mut RuleContext<'_>,
        scope: &Scope,
        needle: &Spanned<ast::Expr>,
        haystack: &Spanned<ast::Expr>,
        negated: bool,
    ) -> Option<Test> {
        let (needle_expr, needle_ty) = self.expr(context, scope, needle)?;
        if let ast::Expr::List(items) = &haystack.node {
            let mut values = Vec::new();
            for item in items {
                values.push(self.list_item(context, scope, &needle_ty, item)?);
            }
            return Some(Test::In { needle: needle_expr, haystack: Haystack::Consts(values), negated });
        }
        let (list, list_ty) = self.expr(context, scope, haystack)?;
        match (&needle_ty, &list_ty) {
            (Ty::Text, Ty::TextList) => {
                Some(Test::In { needle: needle_expr, haystack: Haystack::List(list), negated })
            }
            (Ty::Word(word), Ty::TextList) => {
                let diagnostic = Diagnostic::error(
                    "E0204",
                    format!("cannot look for the word `{word}` in a list of text"),
                )
                .at(context.file, needle.span, "a bare word")
                .help(format!("write text in double quotes: `\"{word}\"`"));
                self.error(diagnostic);
                None
            }
            (_, Ty::TextList) => {
                self.mismatch(context.file, needle.span, &Ty::Text, &needle_ty, scope);
                None
            }
            _ => {
                let found = list_ty.describe(&self.vocabulary);
                let diagnostic = Diagnostic::error("E0204", format!("`in` needs a list, found {found}"))
                    .at(context.file, haystack.span, "not a list")
                    .help("write the values in brackets, `in [a, b]`, or name a list of text");
                self.error(diagnostic);
                None
            }
        }
    }

    /// One value of an `in [...]` list, of the needle's type.
    fn list_item(
        &mut self,
        context: &mut RuleContext<'_>,
        scope: &Scope,
        needle_ty: &Ty,
        item: &Spanned<ast::Expr>,
    ) -> Option<Value> {
        let (expr, ty) = self.expr(context, scope, item)?;
        match (needle_ty, &ty, expr) {
            (Ty::Enum(fact), Ty::Word(word), _) => {
                match self.enum_value(context.file, *fact, word, item.span)? {
                    Expr::Const(value) => Some(value),
                    _ => unreachable!("enum_value gives a constant"),
                }
            }
            (_, _, Expr::Const(value)) if comparable(&self.vocabulary, needle_ty, &ty) => Some(value),
            (_, _, Expr::Const(_)) => {
                self.mismatch(context.file, item.span, needle_ty, &ty, scope);
                None
            }
            _ => {
                let diagnostic = Diagnostic::error(
                    "E0204",
                    "the items of an `in [...]` list must be written out",
                )
                .at(context.file, item.span, "not a literal value");
                self.error(diagnostic);
                None
            }
        }
    }
}

fn literal_value(literal: &Literal) -> (Expr, Ty) {
    let (value, ty) = match literal {
        Literal::Number(n) => (Value::Number(*n), Ty::Number),
        Literal::Text(t) => (Value::Text(t.clone()), Ty::Text),
        Literal::Bool(b) => (Value::Bool(*b), Ty::Bool),
        Literal::Date(d) => (Value::Date(*d), Ty::Date),
        Literal::Duration(d) => (Value::Duration(*d), Ty::Duration),
    };
    (Expr::Const(value), ty)
}

fn fact_ty(id: FactId, ty: &Type) -> Ty {
    match ty {
        Type::Bool => Ty::Bool,
        Type::Text => Ty::Text,
        Type::Number => Ty::Number,
        Type::Date => Ty::Date,
        Type::TextList => Ty::TextList,
        Type::Records(_) => Ty::Records(id),
        Type::Enum(_) => Ty::Enum(id),
    }
}

/// Whether two types can be compared for equality.
fn comparable(vocabulary: &Vocabulary, a: &Ty, b: &Ty) -> bool {
    match (a, b) {
        (Ty::Enum(x), Ty::Enum(y)) => {
            let values = |id: &FactId| match &vocabulary.fact(*id).ty {
                Type::Enum(values) => values.clone(),
                _ => Vec::new(),
            };
            values(x) == values(y)
        }
        (Ty::Bool | Ty::Number | Ty::Text | Ty::Date | Ty::Duration, _) => a == b,
        _ => false,
    }
}

/// Whether an expression is already a condition (not a bare true-or-false value).
fn is_condition(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::Atom(_)
            | Expr::And(..)
            | Expr::Or(..)
            | Expr::Not(_)
            | Expr::Quantified { .. }
            | Expr::Const(Value::Bool(_))
    )
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

fn backticked<'a>(names: impl Iterator<Item = &'a String>) -> String {
    names.map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}
