//! Rules: ids, conditions, advice texts, evidence, priority, lessons, citations, `for
//! each`, `overrides` and `contradicts`, and the `allow` annotations of every item. Must
//! not declare anything: rules only refer to what the other declarations gave.

use std::collections::HashMap;

use indexmap::IndexMap;

use crate::ast::{self, Item, Span, Spanned};
use crate::diag::Diagnostic;
use crate::rulebase::{
    Allowed, Citation, CitationRole, Expr, FactId, MarkDates, Origin, Place, QuotedIn, Rule, RuleId,
    Template, TemplatePart, TimelineMark, Type,
};
use crate::suggest::did_you_mean;

use super::{
    Binding, Checker, Declarations, Declared, DeclaredSource, FirstSeen, ParsedFile, RuleContext, Scope, Ty,
    backticked,
};

impl Checker<'_> {
    /// Checks every rule (E0201 for an id used twice), then resolves the rules they
    /// override and contradict.
    pub(super) fn rules(&mut self, files: &[ParsedFile<'_>], declared: &Declarations<'_>) -> Vec<Rule> {
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

    /// Resolves `overrides` and `contradicts` to rule ids, refusing unknown rules and
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
                rules[index].overrides.push(RuleId(position));
            } else {
                rules[index].contradicts.push(RuleId(position));
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
            let diagnostic = Diagnostic::error("E0213", format!("unknown rule `{}`", target.node))
                .at(file, target.span, "no rule has this id")
                .suggest(
                    target.span,
                    did_you_mean(&target.node, declared.keys().map(String::as_str)),
                    || "`overrides` and `contradicts` name other rules by their ids".into(),
                );
            self.error(diagnostic);
        }
        None
    }

    /// Checks one rule: none if any part of it is in error (each reported).
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
        let timeline: Vec<TimelineMark> =
            rule.timeline.iter().filter_map(|mark| self.mark(&mut context, &scope, mark)).collect();
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
            timeline: (timeline.len() == rule.timeline.len()).then_some(timeline)?,
        })
    }

    /// An `event` or `period` of the rule's timeline: its dates must be dates (E0204).
    fn mark(
        &mut self,
        context: &mut RuleContext<'_>,
        scope: &Scope,
        mark: &ast::Mark,
    ) -> Option<TimelineMark> {
        let dates = match &mark.when {
            ast::MarkWhen::On(date) => MarkDates::On(self.expect(context, scope, date, &Ty::Date)?),
            ast::MarkWhen::Period { from, to, at_least } => {
                let from = self.expect(context, scope, from, &Ty::Date);
                let to = self.expect(context, scope, to, &Ty::Date);
                MarkDates::Period { from: from?, to: to?, at_least: *at_least }
            }
        };
        Some(TimelineMark { label: mark.label.node.clone(), dates })
    }

    /// The label of the rule's evidence level (E0209 for a level not on the scale).
    fn evidence_level(&mut self, file: &str, level: &Spanned<String>, scale: &Declared) -> Option<String> {
        if let Some((label, _)) = scale.get(&level.node) {
            return Some(label.clone());
        }
        let diagnostic = Diagnostic::error("E0209", format!("unknown evidence level `{}`", level.node))
            .at(file, level.span, "not on the evidence scale")
            .suggest(level.span, did_you_mean(&level.node, scale.keys().map(String::as_str)), || {
                if scale.is_empty() {
                    "declare the scale first: `evidence scale`, then a line `key \"label\"` per level, strongest first".to_string()
                } else {
                    format!("the levels declared in `evidence scale` are {}", backticked(scale.keys()))
                }
            });
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
        let diagnostic = Diagnostic::error("E0219", format!("unknown priority `{}`", step.node))
            .at(file, step.span, "not on the priority scale")
            .suggest(step.span, did_you_mean(&step.node, scale.keys().map(String::as_str)), || {
                if scale.is_empty() {
                    "declare the scale first: `priority scale`, then a line `key \"label\"` per step, most urgent first".to_string()
                } else {
                    format!("the steps declared in `priority scale` are {}", backticked(scale.keys()))
                }
            });
        self.error(diagnostic);
        None
    }

    /// A lesson the rule names (E0212 for one not declared).
    fn lesson(&mut self, file: &str, lesson: &Spanned<String>, lessons: &Declared) -> Option<String> {
        if lessons.contains_key(&lesson.node) {
            return Some(lesson.node.clone());
        }
        let diagnostic = Diagnostic::error("E0212", format!("unknown lesson `{}`", lesson.node))
            .at(file, lesson.span, "not declared in `lessons`")
            .suggest(lesson.span, did_you_mean(&lesson.node, lessons.keys().map(String::as_str)), || {
                "declare it first: `lessons`, then a line `ID \"what it says\"` per lesson".into()
            });
        self.error(diagnostic);
        None
    }

    /// Checks a citation: the sources it names, an example's lack of a passage, and its
    /// quote against the text of the source it is checked against.
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
        // A quote found in another work is checked against that work's text.
        let (checked_key, checked_index) = match &quoted_in {
            Some(quoted_in) => (&quoted_in.source, quoted_in.source_index),
            None => (&citation.source.node, source_index),
        };
        let checked = &sources[checked_index];
        if let Some(quote) = &citation.quote
            && !self.quote_found(file, quote, checked_key, checked)
        {
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

    /// The list a rule's `for each` walks: a list of records of the case (E0204 otherwise).
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

    /// Checks a text's interpolations: values (or words chosen by date) to fill in.
    pub(super) fn template(
        &mut self,
        context: &mut RuleContext<'_>,
        scope: &Scope,
        text: &ast::Text,
    ) -> Template {
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

    /// An item's origin, with its `allow` annotations checked against the warning codes.
    pub(super) fn origin(&mut self, file: &str, span: Span, allows: &[ast::Allow]) -> Origin {
        let mut allowed = Vec::new();
        for allow in allows {
            if !crate::lint::WARNINGS.contains(&allow.code.node.as_str()) {
                let diagnostic = Diagnostic::error("E0217", format!("unknown warning `{}`", allow.code.node))
                    .at(file, allow.code.span, "not a warning code")
                    .suggest(
                        allow.code.span,
                        did_you_mean(&allow.code.node, crate::lint::WARNINGS.iter().copied()),
                        || {
                            format!(
                                "the warnings that can be allowed are {}",
                                crate::lint::WARNINGS.join(", ")
                            )
                        },
                    );
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
            let Some(&RuleId(next)) = rules[at].overrides.get(*explored) else {
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
