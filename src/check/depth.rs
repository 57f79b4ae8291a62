//! How derived facts are defined in terms of one another, found before any is checked:
//! evaluating and explaining a derived fact recurse through the derived facts it uses, so
//! their depth is bounded (E0218) and cycles are refused (E0215); and each is then checked
//! after the ones it uses, so checking does not recurse through them.

use crate::ast::{self, Span, Spanned};
use crate::diag::Diagnostic;

use super::{Checker, DefinitionState};

/// The most levels of derived facts a derived fact may be defined through: `define d0 as a`
/// is one level, `define d1 as d0` two.
///
/// Evaluating a derived fact evaluates those it uses inside it, and each level may also
/// nest its expression up to [`crate::syntax::MAX_NESTING`] deep, so the deepest
/// evaluation grows with the product of the two limits. Measured in a debug build on a
/// 2 MB thread (the stack of batch workers and of test threads), derived facts 42 levels
/// deep, each nested to the syntax's limit, still check, advise, explain, search for cases
/// and measure coverage; 44 overflow. 32 leaves a quarter of that stack spare, and is far
/// more than rule bases need (a handful of levels). `tests/limits.rs` builds the worst
/// case at this limit and runs every command on it.
pub const MAX_DEFINITION_DEPTH: usize = 32;

/// A derived fact's direct uses of others: the index of each (in
/// [`Checker::definitions`]) and where it is named.
type Uses = Vec<(usize, Span)>;

impl Checker<'_> {
    /// Measures how deeply each derived fact is defined, before any is checked: refuses
    /// (E0218) those defined through more than [`MAX_DEFINITION_DEPTH`] levels and (E0215)
    /// those defined in terms of themselves, and keeps the uses, so that each derived fact
    /// is checked after the ones it uses ([`Self::check_uses_first`]). Checking one in the
    /// middle of another, recursively, would exhaust the stack on a chain of thousands.
    /// Each overlong chain is reported once, where it first goes past the limit; the
    /// derived facts above it, or on a cycle, fail silently.
    pub(super) fn bound_definition_depth(&mut self) {
        let uses: Vec<Uses> = self.definitions.values().map(|state| self.uses(state)).collect();
        let measured = measure(&uses);
        for &(index, user, span) in &measured.cycles {
            let diagnostic = self.cycle(index, user, span);
            self.error(diagnostic);
        }
        for (index, depth) in measured.depths.iter().enumerate() {
            if *depth == MAX_DEFINITION_DEPTH + 1 {
                let deepest =
                    uses[index].iter().find(|(used, _)| measured.depths[*used] == MAX_DEFINITION_DEPTH);
                let diagnostic = self.too_deep(index, deepest.map(|(_, span)| *span));
                self.error(diagnostic);
            }
        }
        for (index, failed) in measured.failed.iter().enumerate() {
            if *failed {
                self.definitions[index] = DefinitionState::Failed;
            }
        }
        self.definition_uses = uses;
    }

    /// Checks the pending derived facts the one at `index` uses, directly or not, each
    /// after those it uses in turn, so that checking never recurses through derived facts.
    pub(super) fn check_uses_first(&mut self, index: usize) {
        for used in post_order(&self.definition_uses, index, |i| {
            matches!(self.definitions[i], DefinitionState::Pending(..))
        }) {
            if used != index {
                let name = self.definitions.get_index(used).expect("a derived fact").0.clone();
                self.definition(&name, None);
            }
        }
    }

    /// The derived facts a pending definition names directly, where it names them.
    fn uses(&self, state: &DefinitionState) -> Uses {
        let DefinitionState::Pending(_, _, definition) = state else { return Vec::new() };
        let mut uses = Vec::new();
        self.names_used(&definition.expr, &mut Vec::new(), &mut uses);
        uses
    }

    /// Collects the derived facts `expr` names, as the checker resolves names: a name
    /// bound by an enclosing `any`, `all`, `count` or `highest` is the item, not a derived
    /// fact. Recursion follows the syntax, which the parser bounds.
    fn names_used(&self, expr: &Spanned<ast::Expr>, bound: &mut Vec<String>, uses: &mut Uses) {
        use ast::Expr as E;
        match &expr.node {
            E::Name(path) => self.name_used(path, expr.span, bound, uses),
            E::Literal(_) | E::AsOf | E::Phrase(_) => {}
            E::List(items) => items.iter().for_each(|item| self.names_used(item, bound, uses)),
            E::Arith { lhs: a, rhs: b, .. }
            | E::MonthsBetween { from: a, to: b }
            | E::Compare { lhs: a, rhs: b, .. }
            | E::In { needle: a, haystack: b, .. }
            | E::And(a, b)
            | E::Or(a, b) => {
                self.names_used(a, bound, uses);
                self.names_used(b, bound, uses);
            }
            E::Known { expr: a, .. } | E::Not(a) => self.names_used(a, bound, uses),
            E::Quantified { var, list, body: inner, .. } | E::Extreme { value: inner, var, list, .. } => {
                self.name_used(&list.node, list.span, bound, uses);
                self.names_used_binding(inner, &var.node, bound, uses);
            }
            E::Count { var, list, filter } => {
                self.name_used(&list.node, list.span, bound, uses);
                if let Some(filter) = filter {
                    // Without a name, the item is bound to one no name can match.
                    let var = var.as_ref().map_or("", |var| var.node.as_str());
                    self.names_used_binding(filter, var, bound, uses);
                }
            }
        }
    }

    /// Adds `path` to `uses` if it names a derived fact: a single word, not bound.
    fn name_used(&self, path: &ast::FactPath, span: Span, bound: &[String], uses: &mut Uses) {
        let [segment] = path.segments.as_slice() else { return };
        if segment.each || bound.contains(&segment.name) {
            return;
        }
        if let Some(index) = self.definitions.get_index_of(&segment.name) {
            uses.push((index, span));
        }
    }

    /// [`Self::names_used`] in `expr`, with `var` bound.
    fn names_used_binding(
        &self,
        expr: &Spanned<ast::Expr>,
        var: &str,
        bound: &mut Vec<String>,
        uses: &mut Uses,
    ) {
        bound.push(var.to_string());
        self.names_used(expr, bound, uses);
        bound.pop();
    }

    /// E0215 for the derived fact at `index`, named at `span` in the definition at `user`,
    /// which it uses (directly or not).
    fn cycle(&self, index: usize, user: usize, span: Span) -> Diagnostic {
        let pending = |index: usize| match self.definitions.get_index(index) {
            Some((name, DefinitionState::Pending(file, _, definition))) => (name, file, definition),
            _ => unreachable!("no derived fact is checked before it is measured"),
        };
        let (name, file, definition) = pending(index);
        // The definitions may be in different files.
        let (_, use_file, _) = pending(user);
        Diagnostic::error("E0215", format!("`{name}` is defined in terms of itself"))
            .at(file, definition.name.span, "defined here")
            .also(use_file, span, "used here, inside its own definition")
            .help("a derived fact cannot depend, directly or through others, on itself")
    }

    /// E0218 for the derived fact at `index`, the first past the limit on its chain;
    /// `deepest` is where it names one already at the limit.
    fn too_deep(&self, index: usize, deepest: Option<Span>) -> Diagnostic {
        let Some((name, DefinitionState::Pending(file, _, definition))) = self.definitions.get_index(index)
        else {
            unreachable!("no derived fact is checked before it is measured")
        };
        let message = format!("`{name}` nests derived facts more than {MAX_DEFINITION_DEPTH} levels deep");
        let mut diagnostic = Diagnostic::error("E0218", message).at(file, definition.name.span, "too deep");
        if let Some(span) = deepest {
            let label = format!("already {MAX_DEFINITION_DEPTH} levels deep");
            diagnostic = diagnostic.also(file, span, label);
        }
        diagnostic.help(format!(
            "a derived fact may be defined through at most {MAX_DEFINITION_DEPTH} levels of derived facts; define it directly from facts of the case, or from derived facts fewer levels deep"
        ))
    }
}

/// What [`measure`] finds.
struct Measured {
    /// Each derived fact's depth: 1 for one that uses no other, else one more than the
    /// deepest it uses (not counting a use that closes a cycle).
    depths: Vec<usize>,
    /// The derived facts defined in terms of themselves, each with the derived fact whose
    /// use of it closes the cycle, and where.
    cycles: Vec<(usize, usize, Span)>,
    /// The derived facts to refuse: too deep, on a cycle, or using one that is.
    failed: Vec<bool>,
}

/// Measures the derived facts by depth-first search, in the order they are declared, with
/// an explicit stack: a chain of any length is measured without recursion.
fn measure(uses: &[Uses]) -> Measured {
    // 0: not yet reached; ON_PATH: on the current path; else the depth.
    const ON_PATH: usize = usize::MAX;
    let mut depths = vec![0; uses.len()];
    let mut cycles = Vec::new();
    let mut failed = vec![false; uses.len()];
    for start in 0..uses.len() {
        if depths[start] != 0 {
            continue;
        }
        // The path from `start`: each derived fact, with how many of its uses are explored.
        let mut path: Vec<(usize, usize)> = vec![(start, 0)];
        depths[start] = ON_PATH;
        while let Some(&mut (at, ref mut explored)) = path.last_mut() {
            if let Some(&(next, span)) = uses[at].get(*explored) {
                *explored += 1;
                if depths[next] == 0 {
                    depths[next] = ON_PATH;
                    path.push((next, 0));
                } else if depths[next] == ON_PATH && !failed[next] {
                    cycles.push((next, at, span));
                    failed[next] = true;
                }
                continue;
            }
            path.pop();
            let finished = uses[at].iter().map(|&(used, _)| depths[used]).filter(|&d| d != ON_PATH);
            depths[at] = 1 + finished.max().unwrap_or(0);
            failed[at] |= depths[at] > MAX_DEFINITION_DEPTH || uses[at].iter().any(|&(used, _)| failed[used]);
        }
    }
    Measured { depths, cycles, failed }
}

/// The derived facts reachable from `start` through uses, among those `pending` accepts,
/// each after those it uses (`start` last). Depth-first, with an explicit stack.
fn post_order(uses: &[Uses], start: usize, pending: impl Fn(usize) -> bool) -> Vec<usize> {
    let mut order = Vec::new();
    let mut reached = std::collections::HashSet::from([start]);
    let mut path: Vec<(usize, usize)> = vec![(start, 0)];
    while let Some(&mut (at, ref mut explored)) = path.last_mut() {
        if let Some(&(next, _)) = uses[at].get(*explored) {
            *explored += 1;
            if pending(next) && reached.insert(next) {
                path.push((next, 0));
            }
            continue;
        }
        path.pop();
        order.push(at);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uses(edges: &[&[usize]]) -> Vec<Uses> {
        edges.iter().map(|used| used.iter().map(|&u| (u, Span::default())).collect()).collect()
    }

    #[test]
    fn depth_is_one_more_than_the_deepest_use() {
        // 0 uses nothing; 1 uses 0; 2 uses 0 and 1; 3 uses 2.
        assert_eq!(measure(&uses(&[&[], &[0], &[0, 1], &[2]])).depths, vec![1, 2, 3, 4]);
        // Declared top first.
        assert_eq!(measure(&uses(&[&[1], &[2], &[]])).depths, vec![3, 2, 1]);
    }

    #[test]
    fn a_use_that_closes_a_cycle_is_not_counted_but_fails_the_cycle() {
        let measured = measure(&uses(&[&[0]]));
        assert_eq!((measured.depths, measured.cycles.len(), measured.failed), (vec![1], 1, vec![true]));
        let measured = measure(&uses(&[&[1], &[0], &[]]));
        assert_eq!(measured.depths, vec![2, 1, 1]);
        assert_eq!(measured.cycles.iter().map(|c| c.0).collect::<Vec<_>>(), [0]);
        assert_eq!(measured.failed, [true, true, false]);
    }

    #[test]
    fn a_chain_of_a_million_is_measured_and_ordered_without_recursion() {
        let chain: Vec<Uses> = (0..1_000_000)
            .map(|i| if i == 0 { Vec::new() } else { vec![(i - 1, Span::default())] })
            .collect();
        let measured = measure(&chain);
        assert_eq!(measured.depths[999_999], 1_000_000);
        assert!(measured.failed[999_999] && !measured.failed[MAX_DEFINITION_DEPTH - 1]);
        assert_eq!(post_order(&chain, 999_999, |_| true)[..3], [0, 1, 2]);
    }
}
