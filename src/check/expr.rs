//! Checking expressions: names resolved, types inferred, conditions split into atoms.

use crate::ast::{self, ArithOp, CompareOp, Literal, Span, Spanned};
use crate::diag::Diagnostic;
use crate::rulebase::{Atom, AtomId, Expr, FactId, Haystack, Place, Test, Type, Vocabulary};
use crate::suggest::did_you_mean;
use crate::value::Value;

use super::{Binding, Checked, Checker, RuleContext, Scope, Ty, backticked};

impl Checker<'_> {
    /// Checks a condition: an expression of type true-or-false.
    pub(super) fn condition(
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
                self.word_as_condition(context, scope, &word, expr.span);
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
        let id = AtomId(self.next_atom);
        self.next_atom += 1;
        let text = context.source_text(span);
        Expr::Atom(Box::new(Atom { id, names_as_of: text.contains("as_of"), text, test }))
    }

    pub(super) fn expr(
        &mut self,
        context: &mut RuleContext<'_>,
        scope: &Scope,
        expr: &Spanned<ast::Expr>,
    ) -> Checked {
        let file = context.file;
        match &expr.node {
            ast::Expr::Literal(literal) => Some(literal_value(literal)),
            ast::Expr::Name(path) => self.name(file, scope, path, expr.span),
            // Words in a row stand for one bare word with spaces in it, which no name
            // matches: every use of a bare word then reports it, as the value it was
            // meant to be where the other side says which.
            ast::Expr::Phrase(words) => Some((Expr::Const(Value::Bool(false)), Ty::Word(words.join(" ")))),
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
                let from = self.expect(context, scope, from, &Ty::Date);
                let to = self.expect(context, scope, to, &Ty::Date);
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
                let text = context.source_text(body.span);
                let body = self.condition(context, &inner_scope, body);
                self.closed_bindings.push(var.node.clone());
                let body = body?;
                let quantified = Expr::Quantified {
                    quantifier: *quantifier,
                    list: Box::new(list_expr),
                    binding,
                    body: Box::new(body),
                    text,
                };
                Some((quantified, Ty::Bool))
            }
            ast::Expr::Extreme { highest, value, var, list } => {
                let (list_expr, inner_scope, binding) = self.bind(file, scope, var, list)?;
                let checked = self.expr(context, &inner_scope, value);
                self.closed_bindings.push(var.node.clone());
                let (value_expr, ty) = checked?;
                if !matches!(ty, Ty::Number | Ty::Date | Ty::Enum(_)) {
                    let found = ty.describe(&self.vocabulary);
                    let word = if *highest { "highest" } else { "lowest" };
                    let diagnostic = Diagnostic::error(
                        "E0204",
                        format!("`{word}` compares numbers, dates or values of a `one of` fact, not {found}"),
                    )
                    .at(file, value.span, "cannot be ordered");
                    self.error(diagnostic);
                    return None;
                }
                let extreme = Expr::Extreme {
                    highest: *highest,
                    list: Box::new(list_expr),
                    binding,
                    value: Box::new(value_expr),
                };
                Some((extreme, ty))
            }
            ast::Expr::Count { var, list, filter } => {
                let unnamed = Spanned::new(String::new(), list.span);
                let (list_expr, inner_scope, binding) =
                    self.bind(file, scope, var.as_ref().unwrap_or(&unnamed), list)?;
                let filter = match filter {
                    Some(filter) => {
                        let checked = self.condition(context, &inner_scope, filter);
                        self.closed_bindings.push(inner_scope.bindings[binding].name.clone());
                        Some(Box::new(checked?))
                    }
                    None => None,
                };
                Some((Expr::Count { list: Box::new(list_expr), binding, filter }, Ty::Number))
            }
        }
    }

    /// Checks a derived fact's expression: a value, or a condition (a true-or-false fact
    /// on its own becomes a test, as in a rule's `when`).
    pub(super) fn value_or_condition(
        &mut self,
        context: &mut RuleContext<'_>,
        scope: &Scope,
        expr: &Spanned<ast::Expr>,
    ) -> Checked {
        let (checked, ty) = self.expr(context, scope, expr)?;
        match ty {
            Ty::Word(word) => {
                self.error(self.unknown_name(context.file, &word, expr.span, scope));
                None
            }
            Ty::Bool if !is_condition(&checked) => {
                Some((self.atom(context, expr.span, Test::Holds(checked)), Ty::Bool))
            }
            ty => Some((checked, ty)),
        }
    }

    /// Checks an expression that must have type `want`.
    pub(super) fn expect(
        &mut self,
        context: &mut RuleContext<'_>,
        scope: &Scope,
        expr: &Spanned<ast::Expr>,
        want: &Ty,
    ) -> Option<Expr> {
        let (checked, ty) = self.expr(context, scope, expr)?;
        if ty == *want {
            return Some(checked);
        }
        self.mismatch(context.file, expr.span, want, &ty, scope);
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
            (Ty::Records(id), _) | (Ty::TextList, Expr::Fact(id) | Expr::Field { fact: id, .. }) => *id,
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
        if self.path_too_deep(file, path, span) {
            return None;
        }
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
            if self.definitions.contains_key(first.as_str()) {
                let (id, ty) = self.definition(first, Some((file, span)))?;
                return Some((Expr::Derived(id), ty));
            }
            if self.words.contains_key(first.as_str()) {
                self.error(self.unknown_name(file, &written, span, scope));
                return None;
            }
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
    pub(super) fn unknown_name(&self, file: &str, written: &str, span: Span, scope: &Scope) -> Diagnostic {
        if self.errors_full(file) {
            // Counted, not shown: no name to suggest.
            return Diagnostic::error("E0203", format!("unknown name `{written}`")).at(file, span, "");
        }
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
        candidates.extend(self.words.keys().cloned());
        let first = written.split('.').next().unwrap_or_default();
        if self.words.contains_key(written) {
            return Diagnostic::error("E0203", format!("unknown name `{written}`"))
                .at(file, span, "words chosen by date, not a value")
                .help(format!(
                    "`{written}` names words that only texts can show, on their own: `{{{written}}}`"
                ));
        }
        if self.closed_bindings.iter().any(|b| b == first) {
            let help = format!(
                "`{first}` is only known inside its `any`, `all` or `count`; to test more than one thing about each item, bracket the condition after `where`: `any {first} in ... where ({first}.a and {first}.b)`"
            );
            return Diagnostic::error("E0203", format!("unknown name `{written}`"))
                .at(file, span, format!("`{first}` is not known here"))
                .help(help);
        }
        Diagnostic::error("E0203", format!("unknown name `{written}`"))
            .at(file, span, "not a declared fact or a bound name")
            .suggest(span, did_you_mean(written, candidates.iter().map(String::as_str)), || "facts are declared with `fact path is type`; names bound by `for each`, `any`, `all` or `count` can be used inside them".into())
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
        let equality = matches!(op, CompareOp::Eq | CompareOp::Ne);
        let test_span = lhs.span.to(rhs.span);
        let (l, lt, r, rt) = match (&lt, &rt) {
            (Ty::Enum(fact), Ty::Word(word)) => {
                let value = self.enum_value(context.file, *fact, word, rhs.span)?;
                if equality {
                    let values = vec![word.clone()];
                    self.remember_value_test(context, test_span, *fact, lhs, values, op == CompareOp::Ne);
                }
                (l, lt.clone(), value, lt)
            }
            (Ty::Word(word), Ty::Enum(fact)) => {
                let value = self.enum_value(context.file, *fact, word, lhs.span)?;
                (value, rt.clone(), r, rt)
            }
            _ => (l, lt, r, rt),
        };
        if let Some(diagnostic) = self.quoted_value(context.file, (lhs, &lt), (rhs, &rt)) {
            self.error(diagnostic);
            return None;
        }
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
        if ordered && !matches!(lt, Ty::Number | Ty::Date | Ty::Duration | Ty::Enum(_)) {
            let message = format!(
                "`before`, `after`, `<` and `>` compare numbers, dates, durations or values of a `one of` fact (in the order declared), not {}",
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

    /// `change.kind is "merger"`: a `one of` fact compared with text in quotes, reported
    /// with the value to write.
    fn quoted_value(
        &self,
        file: &str,
        (lhs, lt): (&Spanned<ast::Expr>, &Ty),
        (rhs, rt): (&Spanned<ast::Expr>, &Ty),
    ) -> Option<Diagnostic> {
        let (fact, text, span) = match (lt, &lhs.node, rt, &rhs.node) {
            (Ty::Enum(fact), _, _, ast::Expr::Literal(Literal::Text(text))) => (*fact, text, rhs.span),
            (_, ast::Expr::Literal(Literal::Text(text)), Ty::Enum(fact), _) => (*fact, text, lhs.span),
            _ => return None,
        };
        let path = &self.vocabulary.fact(fact).path;
        let (help, value) = self.quoted_value_help(fact, text);
        let diagnostic = Diagnostic::error("E0204", format!("cannot compare a value of `{path}` with text"))
            .at(file, span, "text, in quotes")
            .help(help)
            .replace_with(span, value.as_deref());
        Some(diagnostic)
    }

    fn enum_value(&mut self, file: &str, fact: FactId, word: &str, span: Span) -> Option<Expr> {
        let Type::Enum(values) = &self.vocabulary.fact(fact).ty else {
            unreachable!("Ty::Enum is only made for enumerations")
        };
        if let Some(index) = values.iter().position(|v| v == word) {
            return Some(Expr::Const(Value::Enum(
                u32::try_from(index).expect("an enumeration has fewer values than `u32` counts"),
            )));
        }
        if word.contains(' ') {
            self.error(self.phrase_as_value(file, fact, word, span));
            return None;
        }
        let path = &self.vocabulary.fact(fact).path;
        let diagnostic = Diagnostic::error("E0206", format!("`{word}` is not a value of `{path}`"))
            .at(file, span, "not one of its values")
            .suggest(span, did_you_mean(word, values.iter().map(String::as_str)), || {
                format!("the values of `{path}` are {}", backticked(values.iter()))
            });
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
            // Every item is checked, so that each wrong one is reported.
            let values: Vec<Option<Value>> =
                items.iter().map(|item| self.list_item(context, scope, &needle_ty, item)).collect();
            let values: Vec<Value> = values.into_iter().collect::<Option<_>>()?;
            if let Ty::Enum(fact) = needle_ty {
                let names = items.iter().map(|item| context.source_text(item.span)).collect();
                let span = needle.span.to(haystack.span);
                self.remember_value_test(context, span, fact, needle, names, negated);
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
                let diagnostic =
                    Diagnostic::error("E0204", format!("`in` and `contains` need a list, found {found}"))
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
        if let (Ty::Enum(fact), ast::Expr::Literal(Literal::Text(text))) = (needle_ty, &item.node) {
            let path = &self.vocabulary.fact(*fact).path;
            let (help, value) = self.quoted_value_help(*fact, text);
            let diagnostic = Diagnostic::error("E0204", format!("expected a value of `{path}`, found text"))
                .at(context.file, item.span, "text, in quotes")
                .help(help)
                .replace_with(item.span, value.as_deref());
            self.error(diagnostic);
            return None;
        }
        match (needle_ty, &ty, expr) {
            (Ty::Text, Ty::Word(word), _) => {
                let diagnostic =
                    Diagnostic::error("E0204", format!("expected text, found the word `{word}`"))
                        .at(context.file, item.span, "a bare word")
                        .help(format!("write text in double quotes: `\"{word}\"`"));
                self.error(diagnostic);
                None
            }
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
