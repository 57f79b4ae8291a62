//! Derived facts (`define`): gathered under names of their own, each checked on first use,
//! after the derived facts it uses, and those no rule used checked at the end. Must not
//! order them or bound their depth: `depth.rs` does, before any is checked.

use std::rc::Rc;

use crate::ast::{self, Item, Span, Spanned};
use crate::diag::Diagnostic;
use crate::rulebase::{DefinitionId, Type, Wording};

use super::{Checker, ParsedFile, RuleContext, Scope, Ty, wording};

impl Checker<'_> {
    /// Gathers the `define` items, refusing names that are taken.
    pub(super) fn collect_definitions(&mut self, files: &[ParsedFile<'_>]) {
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

    /// What a derived fact's or words' name would clash with: a fact, a value of an
    /// enumeration, a derived fact, or other words.
    pub(super) fn name_clash(&self, name: &str) -> Option<String> {
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
    pub(super) fn check_unused_definitions(&mut self) {
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
    pub(super) fn definition(
        &mut self,
        name: &str,
        used_at: Option<(&str, Span)>,
    ) -> Option<(DefinitionId, Ty)> {
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
        *self.definitions.get_mut(name).expect("present") =
            DefinitionState::Done(DefinitionId(id), ty.clone());
        Some((DefinitionId(id), ty))
    }
}

/// Where a derived fact is in being checked.
pub(super) enum DefinitionState {
    /// Declared, not yet checked: its file, the file's text, and the definition. The file
    /// and its text are shared by its definitions: a copy each would make a file of many
    /// definitions take memory in the square of its size.
    Pending(Rc<str>, Rc<str>, Box<ast::Definition>),
    /// Being checked: a use now is a cycle. Where it is declared.
    InProgress(String, Span),
    /// Checked: its index and type.
    Done(DefinitionId, Ty),
    /// Checked, with errors already reported.
    Failed,
}

/// The name under which a fact's `only when` condition is checked and kept among the
/// derived facts: `change.phase only when`, which no `define` can take.
pub(super) fn asked_when_name(path: &ast::FactPath) -> String {
    format!("{path} only when")
}
