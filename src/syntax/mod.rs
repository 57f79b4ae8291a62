//! Stage 1: rule file text to syntax tree ([`crate::ast`]), with nom.
//!
//! Every node records the byte range it was parsed from. Inputs are always suffixes of the
//! file, so a position is `file.len() - rest.len()`. A syntax error stops the item it is in;
//! the parser then resumes at the next line that starts with a top-level keyword, so one
//! run reports every broken item.
//!
//! This file holds the entry point, [`parse_file`], and the loop over a file's items with
//! its error recovery. The rest is by concern: `items.rs` the items other than rules,
//! `rule.rs` a rule and its clauses, `expr.rs` conditions and values, `lexical.rs` the
//! shared pieces (names, strings, comments, spans, recovery), `keywords.rs` the keyword
//! tables, `errors.rs` what a syntax error says. The parser must not resolve names or
//! types: that is the checker's job.

use std::cell::Cell;

use crate::ast::RuleFile;
use crate::diag::{Diagnostic, MAX_REPORTED_PER_FILE};

mod errors;
mod expr;
mod items;
mod keywords;
mod lexical;
mod rule;
#[cfg(test)]
mod tests;

pub use errors::{Expected, SyntaxError};
pub use keywords::{CLAUSE_KEYWORDS, ITEM_KEYWORDS};
pub(crate) use lexical::{is_name, is_name_char};

use lexical::skip_space;

/// Parses one rule file. Returns what could be parsed and a diagnostic per syntax error.
/// A carriage return not followed by a line feed ends a line, as a line feed does (see
/// [`crate::load::normalise_line_breaks`]; places are unchanged).
pub fn parse_file(path: &str, src: &str) -> (RuleFile, Vec<Diagnostic>) {
    let src = crate::load::normalise_line_breaks(src);
    let parser = Parser { src: &src, path, depth: Cell::new(0) };
    parser.file()
}

/// A parser over one file's text: its nodes' spans are offsets into `src`.
struct Parser<'s> {
    src: &'s str,
    path: &'s str,
    /// How deeply the expression being parsed nests; bounded so that no input can
    /// overflow the stack of the parser or of the stages after it.
    depth: Cell<usize>,
}

/// The deepest an expression may nest (brackets, `not`, quantifiers, chains of `and`,
/// `or`, `+` and `-`).
pub const MAX_NESTING: usize = 50;

impl<'s> Parser<'s> {
    fn file(&self) -> (RuleFile, Vec<Diagnostic>) {
        let mut items = Vec::new();
        let mut diagnostics = Vec::new();
        let mut omitted = 0;
        let mut i = skip_space(self.src);
        while !i.is_empty() {
            self.depth.set(0);
            match self.item(i) {
                Ok((rest, item)) => {
                    items.push(item);
                    i = skip_space(rest);
                }
                Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
                    // The first errors of the file are kept, the others counted.
                    if diagnostics.len() < MAX_REPORTED_PER_FILE {
                        diagnostics.push(self.diagnostic(&e));
                    } else {
                        omitted += 1;
                    }
                    i = skip_space(self.recover(i, e.at));
                }
                Err(nom::Err::Incomplete(_)) => unreachable!("complete parsers never ask for more"),
            }
        }
        if omitted > 0 {
            diagnostics.push(Diagnostic::omitted(Some(self.path), true, omitted));
        }
        items.shrink_to_fit();
        (RuleFile { items }, diagnostics)
    }
}
