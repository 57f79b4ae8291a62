//! The words of facts and derived facts (`label`, `says`): templates checked as questions
//! are, values that the fact can take, said once each, and the item named in the words of
//! a field of a list's items.

use std::rc::Rc;

use crate::ast::{self, Item, Span};
use crate::diag::Diagnostic;
use crate::rulebase::{Place, Template, Type, Wording};

use super::{Binding, Checker, ParsedFile, RuleContext, Scope, Ty};

/// A derived fact's words, kept until every derived fact is checked: they may show any
/// derived fact's value, their own included.
pub(super) struct PendingWording {
    /// The rule file and its text.
    pub file: Rc<str>,
    pub text: Rc<str>,
    /// The derived fact's index in the rule base, and its type.
    pub id: usize,
    pub ty: Ty,
    /// Its name, for messages.
    pub name: String,
    pub wording: ast::Wording,
}

/// What `says` may name: the values of a true-or-false or `one of` fact, in the order of
/// [`Wording::value_index`].
enum Values {
    Bool,
    Enum(Vec<String>),
    /// A fact or derived fact of another type: it has no values to say.
    None(String),
}

impl Values {
    fn names(&self) -> Vec<&str> {
        match self {
            Values::Bool => vec!["false", "true"],
            Values::Enum(values) => values.iter().map(String::as_str).collect(),
            Values::None(_) => Vec::new(),
        }
    }
}

impl Checker<'_> {
    /// Checks the words of every fact and derived fact (once every derived fact is
    /// checked), and keeps them in the rule base.
    pub(super) fn wordings(&mut self, files: &[ParsedFile<'_>]) {
        for file in files {
            for item in &file.ast.items {
                let Item::Fact(decl) = item else { continue };
                if decl.wording == ast::Wording::default() {
                    continue;
                }
                let Some(id) = self.vocabulary.find(&decl.path.node.to_string()) else { continue };
                let fact = self.vocabulary.fact(id);
                let values = match &fact.ty {
                    Type::Bool => Values::Bool,
                    Type::Enum(values) => Values::Enum(values.clone()),
                    other => Values::None(other.describe()),
                };
                let mut scope = Scope::default();
                if let Place::Field { list, .. } = fact.place {
                    // As in its question, `{groups[].name}` is the item the words are about.
                    let name = format!("{}[]", self.vocabulary.fact(list).path);
                    scope.bindings.push(Binding { name, list });
                }
                let mut context = RuleContext { file: file.path, text: file.text };
                let what = format!("`{}`", fact.path);
                let wording = self.wording(&mut context, &scope, &what, &values, &decl.wording);
                self.vocabulary.facts[id.0].wording = wording;
            }
        }
        for pending in std::mem::take(&mut self.pending_wordings) {
            let values = match &pending.ty {
                Ty::Bool => Values::Bool,
                Ty::Enum(fact) => match &self.vocabulary.fact(*fact).ty {
                    Type::Enum(values) => Values::Enum(values.clone()),
                    other => Values::None(other.describe()),
                },
                other => Values::None(other.describe(&self.vocabulary)),
            };
            let mut context = RuleContext { file: &pending.file, text: &pending.text };
            let what = format!("`{}`", pending.name);
            let wording = self.wording(&mut context, &Scope::default(), &what, &values, &pending.wording);
            self.checked_definitions[pending.id].wording = wording;
        }
    }

    /// Checks one fact's (or derived fact's) words, written in `scope` (the item bound, for
    /// a field of a list's items).
    fn wording(
        &mut self,
        context: &mut RuleContext<'_>,
        scope: &Scope,
        what: &str,
        values: &Values,
        wording: &ast::Wording,
    ) -> Wording {
        let label = wording.label.as_ref().map(|label| {
            self.names_the_item(context, scope, what, label.span, &label.node);
            self.template(context, scope, &label.node)
        });
        let names = values.names();
        let mut says: Vec<Option<Template>> = vec![None; names.len()];
        let mut first_said: Vec<Option<Span>> = vec![None; names.len()];
        for said in &wording.says {
            self.names_the_item(context, scope, what, said.words.span, &said.words.node);
            let template = self.template(context, scope, &said.words.node);
            let Some(index) = self.said_value(context, what, values, &said.value) else { continue };
            if let Some(first) = first_said[index] {
                let diagnostic = Diagnostic::error(
                    "E0207",
                    format!("`says {}` is given twice for {what}", said.value.node),
                )
                .at(context.file, said.value.span, "given again here")
                .also(context.file, first, "first given here")
                .help("each value is said once: keep the words that read best");
                self.error(diagnostic);
                continue;
            }
            first_said[index] = Some(said.value.span);
            says[index] = Some(template);
        }
        Wording { label, says }
    }

    /// The index (see [`Wording::value_index`]) of the value a `says` line names: E0226
    /// when the fact has no values to say, E0206 when it is not one of them.
    fn said_value(
        &mut self,
        context: &RuleContext<'_>,
        what: &str,
        values: &Values,
        value: &ast::Spanned<String>,
    ) -> Option<usize> {
        if let Values::None(ty) = values {
            let diagnostic = Diagnostic::error("E0226", format!("{what} is {ty}: it has no values to say"))
                .at(context.file, value.span, "a value said")
                .help("`says` gives the words for each value of a true-or-false or `one of` fact; name this one with `label \"...\"`");
            self.error(diagnostic);
            return None;
        }
        let names = values.names();
        if let Some(index) = names.iter().position(|name| *name == value.node) {
            return Some(index);
        }
        let diagnostic = Diagnostic::error("E0206", format!("`{}` is not a value of {what}", value.node)).at(
            context.file,
            value.span,
            "not one of its values",
        );
        let diagnostic = match values {
            Values::Bool => diagnostic.help("a true-or-false fact says `true` and `false`"),
            _ => diagnostic.suggest(
                value.span,
                crate::suggest::did_you_mean(&value.node, names.iter().copied()),
                || {
                    format!(
                        "its values are {}",
                        names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                    )
                },
            ),
        };
        self.error(diagnostic);
        None
    }

    /// E0227 when the words of a field of a list's items (those checked with the item
    /// bound) do not show which item they are about: read of one item among several, they
    /// must name it.
    fn names_the_item(
        &mut self,
        context: &RuleContext<'_>,
        scope: &Scope,
        what: &str,
        span: Span,
        text: &ast::Text,
    ) {
        let Some(binding) = scope.bindings.first() else { return };
        let shows_item = text.parts.iter().any(|part| match part {
            ast::TextPart::Interpolation { expr, .. } => names_binding(&expr.node, &binding.name),
            ast::TextPart::Literal(_) => false,
        });
        if shows_item {
            return;
        }
        let diagnostic =
            Diagnostic::error("E0227", format!("the words of {what} do not say which item they are about"))
                .at(context.file, span, "no item shown")
                .help(format!(
                    "the words are said of one item of the list: show it, as `{{{}.name}}`",
                    binding.name
                ));
        self.error(diagnostic);
    }
}

/// Whether an expression of a template names the item bound as `name` (`groups[]`): its
/// fields, as `groups[].name`.
fn names_binding(expr: &ast::Expr, name: &str) -> bool {
    let names = |e: &ast::Spanned<ast::Expr>| names_binding(&e.node, name);
    match expr {
        ast::Expr::Name(path) => path.to_string().starts_with(&format!("{name}.")),
        ast::Expr::Literal(_) | ast::Expr::AsOf | ast::Expr::Phrase(_) => false,
        ast::Expr::List(items) => items.iter().any(names),
        ast::Expr::Arith { lhs, rhs, .. } | ast::Expr::Compare { lhs, rhs, .. } => names(lhs) || names(rhs),
        ast::Expr::MonthsBetween { from, to } => names(from) || names(to),
        ast::Expr::In { needle, haystack, .. } => names(needle) || names(haystack),
        ast::Expr::Known { expr, .. } | ast::Expr::Not(expr) => names(expr),
        ast::Expr::And(a, b) | ast::Expr::Or(a, b) => names(a) || names(b),
        ast::Expr::Quantified { body, .. } => names(body),
        ast::Expr::Extreme { value, .. } => names(value),
        ast::Expr::Count { filter, .. } => filter.as_deref().is_some_and(names),
    }
}
