//! The declarations rules refer to by name, other than facts and sources: the evidence and
//! priority scales, lessons (and the warning for a lesson no rule encodes), and the
//! requirements of `policy`. Must not check rules against the policy: that is `lint`'s job.

use indexmap::IndexMap;

use crate::ast::{self, Item, Spanned};
use crate::diag::Diagnostic;
use crate::rulebase::{PolicyLine, Rule};

use super::{Checker, Declared, DeclaredSource, ParsedFile, duplicate};

impl Checker<'_> {
    /// The levels of `evidence scale`, by key, with their labels.
    pub(super) fn evidence_scale(&mut self, files: &[ParsedFile<'_>]) -> Declared {
        self.named_strings(files, "evidence level", |item| match item {
            Item::EvidenceScale(levels) => levels.iter().map(|l| (&l.key, &l.label)).collect(),
            _ => Vec::new(),
        })
    }

    /// The steps of `priority scale`, most urgent first, with their labels.
    pub(super) fn priority_scale(&mut self, files: &[ParsedFile<'_>]) -> Declared {
        self.named_strings(files, "priority", |item| match item {
            Item::PriorityScale(levels) => levels.iter().map(|l| (&l.key, &l.label)).collect(),
            _ => Vec::new(),
        })
    }

    /// The lessons declared in `lessons`, by id, with what each says.
    pub(super) fn lessons(&mut self, files: &[ParsedFile<'_>]) -> Declared {
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

    /// Warns about each declared lesson that no rule encodes.
    pub(super) fn untraced_lessons(&mut self, lessons: &Declared, rules: &[Rule]) {
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
    pub(super) fn policy(
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
}
