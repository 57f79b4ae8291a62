//! What each name in a folder's rule files stands for: every declaration and every use of
//! a fact, a derived fact, words, a source, a lesson, an evidence level, a priority step, a
//! rule and a name bound by `for each`, `any`, `all`, `count`, `highest` or `lowest`, with
//! its place. Built from the syntax trees alone, so that going to a definition, finding
//! references and renaming work while the rule base has errors. Must not check anything:
//! a name nobody declared is simply a use without a declaration (the checker reports it).

use std::collections::BTreeMap;

use crate::check::ParsedFile;

use crate::ast::{
    Citation, Expr, FactPath, FactType, Item, Requirement, Rule, RuleFile, SourceFieldName, Span, Spanned,
    Text, TextPart, Wording,
};

/// What a name stands for.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Symbol {
    /// A fact of the vocabulary, by its declared path (`groups[].needs`).
    Fact(String),
    /// A derived fact (`define`).
    Definition(String),
    /// Words chosen by date (`words`).
    Words(String),
    /// A source, by its key.
    Source(String),
    /// A lesson, by its id.
    Lesson(String),
    /// A level of the evidence scale.
    Evidence(String),
    /// A step of the priority scale.
    Priority(String),
    /// A rule, by its id.
    Rule(String),
    /// A name bound for each item of a list, known by the file and place of its binding.
    Binding {
        /// The file of the binding.
        file: String,
        /// Where the bound name is written in its binding.
        at: usize,
    },
}

impl Symbol {
    /// The name it is declared by; `None` for a bound name, known by its place.
    pub fn name(&self) -> Option<&str> {
        match self {
            Symbol::Fact(name)
            | Symbol::Definition(name)
            | Symbol::Words(name)
            | Symbol::Source(name)
            | Symbol::Lesson(name)
            | Symbol::Evidence(name)
            | Symbol::Priority(name)
            | Symbol::Rule(name) => Some(name),
            Symbol::Binding { .. } => None,
        }
    }

    /// The same kind of name, called `name` (a bound name stays itself: it is known by
    /// its place).
    pub fn with_name(&self, name: &str) -> Symbol {
        let name = name.to_string();
        match self {
            Symbol::Fact(_) => Symbol::Fact(name),
            Symbol::Definition(_) => Symbol::Definition(name),
            Symbol::Words(_) => Symbol::Words(name),
            Symbol::Source(_) => Symbol::Source(name),
            Symbol::Lesson(_) => Symbol::Lesson(name),
            Symbol::Evidence(_) => Symbol::Evidence(name),
            Symbol::Priority(_) => Symbol::Priority(name),
            Symbol::Rule(_) => Symbol::Rule(name),
            Symbol::Binding { .. } => self.clone(),
        }
    }

    /// What kind of name this is, in words.
    pub fn kind(&self) -> &'static str {
        match self {
            Symbol::Fact(_) => "fact",
            Symbol::Definition(_) => "derived fact",
            Symbol::Words(_) => "words",
            Symbol::Source(_) => "source",
            Symbol::Lesson(_) => "lesson",
            Symbol::Evidence(_) => "evidence level",
            Symbol::Priority(_) => "priority",
            Symbol::Rule(_) => "rule",
            Symbol::Binding { .. } => "bound name",
        }
    }
}

/// One place a name is written.
#[derive(Clone, Debug, PartialEq)]
pub struct Occurrence {
    /// What it stands for.
    pub symbol: Symbol,
    /// The file, as the rule base names it.
    pub file: String,
    /// The bytes of the name itself: what a rename replaces. For a fact, only its last
    /// segment (`needs` of `g.needs`), since the rest belongs to other names.
    pub span: Span,
    /// The bytes where the cursor finds it: for a fact, the whole path as written.
    pub reach: Span,
    /// Whether this is the declaration rather than a use.
    pub declaration: bool,
}

/// A fact as declared: what completion and hover need without a compiled rule base.
#[derive(Clone, Debug, PartialEq)]
pub struct DeclaredFact {
    /// Its type as written.
    pub ty: FactType,
}

/// Every name of a folder's rule files and where each is written.
#[derive(Debug, Default)]
pub struct Index {
    /// Every occurrence, file by file in the order of the files, each file's in the order
    /// the walk meets them.
    pub occurrences: Vec<Occurrence>,
    /// The facts declared, by declared path, in the order of declaration.
    pub facts: indexmap::IndexMap<String, DeclaredFact>,
    /// The other names declared, with the words that describe them where they have some
    /// (a lesson's summary, a level's label, a source's `text` file, the list a bound name
    /// goes through).
    pub declared: BTreeMap<Symbol, String>,
    /// Every quote, with the key of the source whose text it is checked against.
    pub quotes: Vec<Quote>,
}

/// A quote of a citation.
#[derive(Clone, Debug, PartialEq)]
pub struct Quote {
    /// The source whose text it must be found in: the one it is `quoted in`, if any.
    pub source: String,
    /// The file it is written in.
    pub file: String,
    /// The quote, its quotation marks included.
    pub span: Span,
}

impl Index {
    /// The index of files already parsed (as [`crate::RuleFiles::compile_and_inspect`]
    /// shows them).
    pub fn of_parsed(files: &[ParsedFile<'_>]) -> Index {
        let mut index = Index::default();
        for file in files {
            index.declare(file.ast);
        }
        for file in files {
            let mut walk = Walk { index: &mut index, file: file.path, text: file.text, scope: Vec::new() };
            walk.file(file.ast);
        }
        index
    }

    /// The occurrence at byte `offset` of `file`: the innermost whose reach holds it, the
    /// end included, so that a cursor just after a name finds it.
    pub fn at(&self, file: &str, offset: usize) -> Option<&Occurrence> {
        self.occurrences
            .iter()
            .filter(|o| o.file == file && o.reach.start <= offset && offset <= o.reach.end)
            .min_by_key(|o| o.reach.end - o.reach.start)
    }

    /// Every occurrence of `symbol`, declarations first.
    pub fn of<'a>(&'a self, symbol: &'a Symbol) -> impl Iterator<Item = &'a Occurrence> + 'a {
        let declarations = self.occurrences.iter().filter(move |o| o.declaration && o.symbol == *symbol);
        declarations.chain(self.occurrences.iter().filter(move |o| !o.declaration && o.symbol == *symbol))
    }

    /// Whether a name is declared (for a binding: always, where it is written).
    pub fn is_declared(&self, symbol: &Symbol) -> bool {
        match symbol {
            Symbol::Fact(path) => self.facts.contains_key(path),
            Symbol::Binding { .. } => true,
            other => self.declared.contains_key(other),
        }
    }

    /// The names declared of the kind `like` is, in order.
    pub fn declared_like<'a>(
        &'a self,
        like: &'a Symbol,
    ) -> impl Iterator<Item = (&'a Symbol, &'a String)> + 'a {
        self.declared
            .iter()
            .filter(move |(symbol, _)| std::mem::discriminant(*symbol) == std::mem::discriminant(like))
    }

    /// Records the names `tree` declares (not yet their places: the walk does).
    fn declare(&mut self, tree: &RuleFile) {
        for item in &tree.items {
            match item {
                Item::Fact(fact) => {
                    self.facts.insert(fact.path.node.to_string(), DeclaredFact { ty: fact.ty.node.clone() });
                }
                Item::Definition(definition) => {
                    self.declared.insert(Symbol::Definition(definition.name.node.clone()), String::new());
                }
                Item::Words(words) => {
                    self.declared.insert(Symbol::Words(words.name.node.clone()), String::new());
                }
                Item::Source(source) => {
                    let text = source.fields.iter().find(|field| field.name.node == SourceFieldName::Text);
                    let text = text.map(|field| field.value.node.clone()).unwrap_or_default();
                    self.declared.insert(Symbol::Source(source.key.node.clone()), text);
                }
                Item::Lessons(lessons) => {
                    for lesson in lessons {
                        self.declared
                            .insert(Symbol::Lesson(lesson.id.node.clone()), lesson.summary.node.clone());
                    }
                }
                Item::EvidenceScale(levels) => {
                    for level in levels {
                        self.declared
                            .insert(Symbol::Evidence(level.key.node.clone()), level.label.node.clone());
                    }
                }
                Item::PriorityScale(steps) => {
                    for step in steps {
                        self.declared
                            .insert(Symbol::Priority(step.key.node.clone()), step.label.node.clone());
                    }
                }
                Item::Rule(rule) => {
                    self.declared.insert(Symbol::Rule(rule.id.node.clone()), String::new());
                }
                Item::Policy(_) => {}
            }
        }
    }
}

/// A name bound inside the expression being walked: its symbol and the declared path of
/// the list whose items it stands for.
struct Bound {
    name: String,
    symbol: Symbol,
    list: Option<String>,
}

/// The walk of one file, recording the occurrences of its names.
struct Walk<'i, 'f> {
    index: &'i mut Index,
    file: &'f str,
    text: &'f str,
    scope: Vec<Bound>,
}

impl Walk<'_, '_> {
    fn file(&mut self, tree: &RuleFile) {
        for item in &tree.items {
            self.item(item);
        }
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Fact(fact) => {
                self.path(&fact.path, true);
                if let Some(after) = &fact.after {
                    self.path(after, false);
                }
                if let Some(question) = &fact.question {
                    self.text(&question.node);
                }
                if let Some(asked_when) = &fact.asked_when {
                    self.expr(asked_when);
                }
                self.wording(&fact.wording);
            }
            Item::Definition(definition) => {
                self.name(Symbol::Definition(definition.name.node.clone()), &definition.name, true);
                self.expr(&definition.expr);
                self.wording(&definition.wording);
            }
            Item::Words(words) => self.name(Symbol::Words(words.name.node.clone()), &words.name, true),
            Item::Source(source) => self.name(Symbol::Source(source.key.node.clone()), &source.key, true),
            Item::Lessons(lessons) => {
                for lesson in lessons {
                    self.name(Symbol::Lesson(lesson.id.node.clone()), &lesson.id, true);
                }
            }
            Item::EvidenceScale(levels) => {
                for level in levels {
                    self.name(Symbol::Evidence(level.key.node.clone()), &level.key, true);
                }
            }
            Item::PriorityScale(steps) => {
                for step in steps {
                    self.name(Symbol::Priority(step.key.node.clone()), &step.key, true);
                }
            }
            Item::Rule(rule) => self.rule(rule),
            Item::Policy(requirements) => {
                for requirement in requirements {
                    if let Requirement::Cites { source: Some(source), .. } = &requirement.node {
                        self.name(Symbol::Source(source.node.clone()), source, false);
                    }
                }
            }
        }
    }

    fn rule(&mut self, rule: &Rule) {
        self.name(Symbol::Rule(rule.id.node.clone()), &rule.id, true);
        for lesson in &rule.lessons {
            self.name(Symbol::Lesson(lesson.node.clone()), lesson, false);
        }
        if let Some(evidence) = &rule.evidence {
            self.name(Symbol::Evidence(evidence.node.clone()), evidence, false);
        }
        if let Some(priority) = &rule.priority {
            self.name(Symbol::Priority(priority.node.clone()), priority, false);
        }
        if let Some(for_each) = &rule.for_each {
            self.bind(&for_each.var, &for_each.list);
        }
        self.expr(&rule.condition);
        self.text(&rule.advice.title.node);
        self.text(&rule.advice.text.node);
        for mark in &rule.timeline {
            match &mark.when {
                crate::ast::MarkWhen::On(date) => self.expr(date),
                crate::ast::MarkWhen::Period { from, to, .. } => {
                    self.expr(from);
                    self.expr(to);
                }
            }
        }
        self.scope.clear();
        for citation in &rule.citations {
            self.citation(citation);
        }
        for other in rule.overrides.iter().chain(&rule.contradicts) {
            self.name(Symbol::Rule(other.node.clone()), other, false);
        }
    }

    fn citation(&mut self, citation: &Citation) {
        self.name(Symbol::Source(citation.source.node.clone()), &citation.source, false);
        if let Some(quoted_in) = &citation.quoted_in {
            self.name(Symbol::Source(quoted_in.source.node.clone()), &quoted_in.source, false);
        }
        if let Some(quote) = &citation.quote {
            let checked_in =
                citation.quoted_in.as_ref().map_or(&citation.source, |quoted_in| &quoted_in.source);
            let (source, file) = (checked_in.node.clone(), self.file.to_string());
            self.index.quotes.push(Quote { source, file, span: quote.span });
        }
    }

    fn wording(&mut self, wording: &Wording) {
        if let Some(label) = &wording.label {
            self.text(&label.node);
        }
        for says in &wording.says {
            self.text(&says.words.node);
        }
    }

    fn text(&mut self, text: &Text) {
        for part in &text.parts {
            if let TextPart::Interpolation { expr, .. } = part {
                self.expr(expr);
            }
        }
    }

    fn expr(&mut self, expr: &Spanned<Expr>) {
        match &expr.node {
            Expr::Literal(_) | Expr::AsOf | Expr::Phrase(_) => {}
            Expr::Name(path) => self.name_in_expr(path, expr.span),
            Expr::List(items) => items.iter().for_each(|item| self.expr(item)),
            Expr::Arith { lhs, rhs, .. }
            | Expr::Compare { lhs, rhs, .. }
            | Expr::And(lhs, rhs)
            | Expr::Or(lhs, rhs) => {
                self.expr(lhs);
                self.expr(rhs);
            }
            Expr::MonthsBetween { from, to } => {
                self.expr(from);
                self.expr(to);
            }
            Expr::In { needle, haystack, .. } => {
                self.expr(needle);
                self.expr(haystack);
            }
            Expr::Known { expr, .. } | Expr::Not(expr) => self.expr(expr),
            Expr::Quantified { var, list, body, .. } => {
                self.bind(var, list);
                self.expr(body);
                self.scope.pop();
            }
            Expr::Extreme { value, var, list, .. } => {
                self.bind(var, list);
                self.expr(value);
                self.scope.pop();
            }
            Expr::Count { var, list, filter } => match var {
                Some(var) => {
                    self.bind(var, list);
                    if let Some(filter) = filter {
                        self.expr(filter);
                    }
                    self.scope.pop();
                }
                None => {
                    self.path(list, false);
                }
            },
        }
    }

    /// `var` bound to each item of `list`, until the caller pops it.
    fn bind(&mut self, var: &Spanned<String>, list: &Spanned<FactPath>) {
        let list = self.path(list, false);
        let symbol = Symbol::Binding { file: self.file.to_string(), at: var.span.start };
        self.index.declared.insert(symbol.clone(), list.clone().unwrap_or_default());
        self.name(symbol.clone(), var, true);
        self.scope.push(Bound { name: var.node.clone(), symbol, list });
    }

    /// A name in a condition or value: a bound name and the fields of its item, a derived
    /// fact, words or a fact. A bare word that is none of these is a value of some `one of`
    /// fact, and not recorded.
    fn name_in_expr(&mut self, path: &FactPath, span: Span) {
        let first = path.segments.first().map(|segment| segment.name.as_str());
        let bound = self.scope.iter().rev().find(|bound| Some(bound.name.as_str()) == first);
        if bound.is_some() || path.segments.len() > 1 {
            self.path(&Spanned::new(path.clone(), span), false);
            return;
        }
        let Some(name) = first else { return };
        for symbol in [Symbol::Definition(name.to_string()), Symbol::Words(name.to_string())] {
            if self.index.declared.contains_key(&symbol) {
                self.index.occurrences.push(Occurrence {
                    symbol,
                    file: self.file.to_string(),
                    span,
                    reach: span,
                    declaration: false,
                });
                return;
            }
        }
        if self.index.facts.contains_key(name) {
            self.path(&Spanned::new(path.clone(), span), false);
        }
    }

    /// A path as written at its place: the bound name it starts with, if any, then each
    /// declared fact it passes through (`groups` of `groups[].needs`) and the fact it
    /// names. Gives the declared path of the fact named.
    fn path(&mut self, path: &Spanned<FactPath>, declaration: bool) -> Option<String> {
        let spans = segment_spans(self.text, path)?;
        let mut segments = path.node.segments.iter().zip(&spans).peekable();
        let mut declared = String::new();
        if let Some((first, span)) = segments.peek()
            && let Some(bound) = self.scope.iter().rev().find(|bound| bound.name == first.name)
        {
            let (symbol, list) = (bound.symbol.clone(), bound.list.clone());
            self.push(symbol, **span, **span, false);
            declared = format!("{}[]", list?);
            segments.next();
        }
        while let Some((segment, span)) = segments.next() {
            if !declared.is_empty() {
                declared.push('.');
            }
            declared.push_str(&segment.name);
            if segment.each {
                declared.push_str("[]");
            }
            let last = segments.peek().is_none();
            let key = declared.strip_suffix("[]").unwrap_or(&declared).to_string();
            if last {
                self.push(Symbol::Fact(key), *span, path.span, declaration);
            } else if self.index.facts.contains_key(&key) {
                self.push(Symbol::Fact(key), *span, *span, false);
            }
        }
        Some(declared.strip_suffix("[]").unwrap_or(&declared).to_string())
    }

    fn name(&mut self, symbol: Symbol, name: &Spanned<String>, declaration: bool) {
        self.push(symbol, name.span, name.span, declaration);
    }

    fn push(&mut self, symbol: Symbol, span: Span, reach: Span, declaration: bool) {
        let file = self.file.to_string();
        self.index.occurrences.push(Occurrence { symbol, file, span, reach, declaration });
    }
}

/// The bytes of each segment's name in the path's text (`groups`, `needs` of
/// `groups[].needs`), or `None` when the text is not the path as expected.
fn segment_spans(text: &str, path: &Spanned<FactPath>) -> Option<Vec<Span>> {
    let written = text.get(path.span.start..path.span.end)?;
    let mut spans = Vec::with_capacity(path.node.segments.len());
    let mut at = 0;
    for (i, segment) in path.node.segments.iter().enumerate() {
        if i > 0 {
            at += usize::from(written[at..].starts_with('.'));
        }
        if !written[at..].starts_with(segment.name.as_str()) {
            return None;
        }
        spans.push(Span::new(path.span.start + at, path.span.start + at + segment.name.len()));
        at += segment.name.len();
        if segment.each {
            at += written[at..].starts_with("[]").then_some(2)?;
        }
    }
    Some(spans)
}
