//! Fact declarations: the vocabulary of the case built from `fact` items (paths, types,
//! lists of records and their fields), questions and what they wait for (`after`, `only
//! when`), and `words` chosen by date. Must not check rules: rules refer to what is
//! declared here.

use indexmap::IndexMap;

use crate::ast::{self, FactType, Item, Span, Spanned};
use crate::diag::Diagnostic;
use crate::rulebase::{Fact, FactId, MAX_PATH_SEGMENTS, Node, Place, RecordType, Shape, Type, Wording};
use crate::suggest::did_you_mean;
use crate::value::Value;

use super::{
    Binding, Checker, DefinitionState, FirstSeen, ParsedFile, RuleContext, Scope, Ty,
    definitions::asked_when_name, duplicate,
};

impl Checker<'_> {
    /// Builds the vocabulary: lists of records first, so their fields can be declared in
    /// any order.
    pub(super) fn facts(&mut self, files: &[ParsedFile<'_>]) {
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

    /// Declares one fact: its type, and where its value is kept (E0210 for a path that
    /// cannot be declared).
    fn declare_fact(&mut self, file: &str, decl: &ast::FactDecl) {
        // Refused before anything walks the path: the case file's objects would nest as
        // deep.
        if self.path_too_deep(file, &decl.path.node, decl.path.span) {
            return;
        }
        let segments = &decl.path.node.segments;
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
            self.error(invalid_path(
                file,
                decl,
                message,
                "`name`, `id` and `assessed_on` are read by accord itself; choose another name",
            ));
            return;
        }
        let Some(place) = self.fact_place(file, decl, id, &ty) else { return };
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

    /// Where the fact `id` declared by `decl` is kept: a slot of the case, or a slot of
    /// each item of its list (`groups[].needs`); none, reported, if its path cannot be
    /// declared.
    fn fact_place(&mut self, file: &str, decl: &ast::FactDecl, id: FactId, ty: &Type) -> Option<Place> {
        let segments = &decl.path.node.segments;
        let each_at: Vec<usize> =
            segments.iter().enumerate().filter(|(_, s)| s.each).map(|(i, _)| i).collect();
        match each_at.as_slice() {
            [] => {
                if let Err(message) = insert_path(&mut self.vocabulary.root, segments, id) {
                    self.error(invalid_path(file, decl, message, GROUP_OR_FACT));
                    return None;
                }
                let slot = self.vocabulary.case_slots;
                self.vocabulary.case_slots += 1;
                Some(Place::Case { slot })
            }
            [at] if *at + 1 < segments.len() && !matches!(ty, Type::Records(_)) => {
                self.field_place(file, decl, *at, id, ty)
            }
            _ => {
                let message = format!("`{}` cannot be declared", decl.path.node);
                self.error(invalid_path(file, decl, message, "`[]` marks the list in the path of one of its items' fields, once: `groups[].needs`; lists of records cannot be nested"));
                None
            }
        }
    }

    /// The place of a field of a list's items (`[]` at segment `at` of its path): a slot
    /// of the list's records, the list declared first. A text field `name` is the items'
    /// label.
    fn field_place(
        &mut self,
        file: &str,
        decl: &ast::FactDecl,
        at: usize,
        id: FactId,
        ty: &Type,
    ) -> Option<Place> {
        let segments = &decl.path.node.segments;
        let list_path = ast::FactPath {
            segments: segments[..=at]
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
            let message = format!("`{list_path}` is not declared as a list of records");
            let help = format!("declare it first: `fact {list_path} is a list of records`");
            self.error(invalid_path(file, decl, message, &help));
            return None;
        };
        let Type::Records(record) = &mut self.vocabulary.facts[list.0].ty else {
            unreachable!("filtered above")
        };
        if let Err(message) = insert_path(&mut record.shape, &segments[at + 1..], id) {
            self.error(invalid_path(file, decl, message, GROUP_OR_FACT));
            return None;
        }
        let slot = record.slots;
        record.slots += 1;
        let is_label =
            segments[at + 1..].len() == 1 && segments[at + 1].name == "name" && matches!(ty, Type::Text);
        if is_label {
            record.label = Some(id);
        }
        Some(Place::Field { list, slot })
    }

    /// The values of a `one of` fact, each once (E0207 for a value written twice).
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

    /// E0228 for a path of more than [`MAX_PATH_SEGMENTS`] segments, declared or used
    /// (such a path is never a fact, so a use is not E0203 with a suggestion); true when
    /// reported.
    pub(super) fn path_too_deep(&mut self, file: &str, path: &ast::FactPath, span: Span) -> bool {
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
            let diagnostic = Diagnostic::error("E0203", format!("unknown fact `{written}`"))
                .at(file, after.span, "not declared")
                .suggest(
                    after.span,
                    did_you_mean(&written, self.vocabulary.facts.iter().map(|fact| fact.path.as_str())),
                    || "`after` names another fact of the vocabulary by its path".into(),
                );
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

    /// Resolves each fact's `only when` to its checked condition; a value that is not a
    /// condition is E0204.
    pub(super) fn questions_asked_when(&mut self, files: &[ParsedFile<'_>]) {
        for file in files {
            for item in &file.ast.items {
                let Item::Fact(decl) = item else { continue };
                let Some(condition) = &decl.asked_when else { continue };
                let Some(fact) = self.vocabulary.find(&decl.path.node.to_string()) else { continue };
                match self.definitions.get(&asked_when_name(&decl.path.node)) {
                    Some(DefinitionState::Done(id, Ty::Bool)) => {
                        self.vocabulary.facts[fact.0].asked_when = Some(*id);
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
    pub(super) fn words(&mut self, files: &[ParsedFile<'_>]) -> Vec<crate::rulebase::Words> {
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

    /// When `expr` is the bare name of a `words` item, the item's index (none if it was
    /// refused).
    pub(super) fn words_named(&self, expr: &ast::Expr) -> Option<Option<usize>> {
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

/// The help for a path that would be both a fact and a group of facts.
const GROUP_OR_FACT: &str = "a path is either a fact or a group of facts, not both";

/// E0210: a fact that cannot be declared at its path, and why.
fn invalid_path(file: &str, decl: &ast::FactDecl, message: String, help: &str) -> Diagnostic {
    Diagnostic::error("E0210", message).at(file, decl.path.span, "declared here").help(help)
}
