//! What the name under the cursor is, in words (Markdown): a fact's type, question and
//! values; a source's reference and whether its quotes are found in its text; a rule's
//! kind and title; a lesson; an evidence level or priority step; a derived fact; words; a
//! bound name. From the rule base as last checked where it checked, else from what the
//! files declare. Must not compute anything the checker already has.

use std::fmt::Write as _;

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};

use super::index::Symbol;
use super::{Cursor, Folder};
use crate::rulebase::{TemplatePart, Type};
use crate::schema::template_in_words;
use crate::value::Value;

/// The hover over the name at the cursor, if it is one.
pub fn hover(cursor: &Cursor<'_>) -> Option<Hover> {
    let occurrence = cursor.folder.index.at(&cursor.file, cursor.offset)?;
    let words = describe(cursor.folder, &occurrence.symbol)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: words }),
        range: Some(cursor.folder.range(&cursor.file, occurrence.reach)),
    })
}

/// `symbol` in words, if it is declared.
pub fn describe(folder: &Folder, symbol: &Symbol) -> Option<String> {
    let index = &folder.index;
    if !index.is_declared(symbol) {
        return None;
    }
    let declared = index.declared.get(symbol).map_or("", String::as_str);
    Some(match symbol {
        Symbol::Fact(path) => fact(folder, path)?,
        Symbol::Source(key) => source(folder, key),
        Symbol::Rule(id) => rule(folder, id),
        Symbol::Lesson(id) => {
            let encoded = index.of(symbol).filter(|o| !o.declaration).count();
            format!(
                "**lesson** `{id}`: {declared}\n\nEncoded by {}.",
                named_by(encoded).trim_start_matches("named by ")
            )
        }
        Symbol::Evidence(key) => scale_step(folder, symbol, "evidence level", key, declared, "strongest"),
        Symbol::Priority(key) => scale_step(folder, symbol, "priority", key, declared, "most urgent"),
        Symbol::Definition(name) => definition(folder, name),
        Symbol::Words(name) => format!("**words** `{name}`: chosen by the date of the assessment"),
        Symbol::Binding { .. } => {
            let name =
                index.of(symbol).next().map_or("", |o| &folder.files[&o.file][o.span.start..o.span.end]);
            format!("**bound name** `{name}`: each item of `{declared}` in turn")
        }
    })
}

fn fact(folder: &Folder, path: &str) -> Option<String> {
    let Some(rule_base) = &folder.rule_base else {
        let declared = folder.index.facts.get(path)?;
        return Some(format!("**fact** `{path}`: {}", declared_type(&declared.ty)));
    };
    let vocabulary = rule_base.vocabulary();
    let fact = vocabulary.get(vocabulary.find(path)?)?;
    let mut out = format!("**fact** `{path}`: {}", fact.ty.describe());
    if let Some(question) = &fact.question {
        let _ = write!(out, "\n\n{}", template_in_words(vocabulary, question));
    }
    if let Some(label) = &fact.wording.label {
        let _ = write!(out, "\n\n_{}_", template_in_words(vocabulary, label));
    }
    if let Type::Enum(values) = &fact.ty {
        out.push('\n');
        for (index, value) in values.iter().enumerate() {
            let _ = write!(out, "\n- `{value}`");
            let says = u32::try_from(index).ok().and_then(|index| fact.wording.says(&Value::Enum(index)));
            if let Some(says) = says {
                let _ = write!(out, ": {}", template_in_words(vocabulary, says));
            }
        }
    }
    Some(out)
}

/// A source's reference, and whether its quotes were found in its text.
fn source(folder: &Folder, key: &str) -> String {
    let mut out = format!("**source** `{key}`");
    if let Some(reference) = folder.rule_base.as_ref().and_then(|rule_base| rule_base.sources().get(key)) {
        let _ = write!(out, "\n\n{}", reference.reference);
    }
    let quotes: Vec<_> = folder.index.quotes.iter().filter(|quote| quote.source == key).collect();
    let text = folder.index.declared.get(&Symbol::Source(key.to_string())).map_or("", String::as_str);
    let not_found = quotes
        .iter()
        .filter(|quote| {
            folder.diagnostics.iter().any(|found| {
                found.code == "E0205"
                    && found.primary.as_ref().is_some_and(|at| {
                        at.file == quote.file
                            && quote.span.start <= at.span.start
                            && at.span.end <= quote.span.end
                    })
            })
        })
        .count();
    let quoted = crate::prose::counted(quotes.len(), "quote", "quotes");
    let verdict = match (quotes.len(), text.is_empty(), not_found) {
        (0, _, _) => "No rule quotes it.".to_string(),
        (_, true, _) => format!("{quoted}, not checked: the source names no `text` to check them against."),
        (1, false, 0) => format!("1 quote, found in `{text}`."),
        (_, false, 0) => format!("{quoted}, every one found in `{text}`."),
        (1, false, _) => format!("1 quote, not found in `{text}` (see the error)."),
        (_, false, missing) => format!("{quoted}: {missing} not found in `{text}` (see the errors)."),
    };
    let _ = write!(out, "\n\n{verdict}");
    out
}

fn rule(folder: &Folder, id: &str) -> String {
    let checked =
        folder.rule_base.as_ref().and_then(|rule_base| rule_base.rules().iter().find(|rule| rule.id == id));
    let Some(rule) = checked else { return format!("**rule** `{id}`") };
    let title: String = rule
        .title
        .parts
        .iter()
        .map(|part| match part {
            TemplatePart::Literal(words) => words.as_str(),
            TemplatePart::Value { .. } => "…",
        })
        .collect();
    format!("**rule** `{id}` ({}): {title}", rule.kind.name())
}

/// A level of the evidence scale or a step of the priority scale: its words, its place
/// on the scale, and how many rules name it.
fn scale_step(folder: &Folder, symbol: &Symbol, kind: &str, key: &str, label: &str, first: &str) -> String {
    let scale: Vec<&Symbol> = folder
        .index
        .occurrences
        .iter()
        .filter(|o| o.declaration && std::mem::discriminant(&o.symbol) == std::mem::discriminant(symbol))
        .map(|o| &o.symbol)
        .collect();
    let place = scale.iter().position(|step| *step == symbol).map_or(0, |at| at + 1);
    let used = folder.index.of(symbol).filter(|o| !o.declaration).count();
    format!(
        "**{kind}** `{key}`: “{label}”\n\n{place} of {} on the scale, {first} first; {}.",
        scale.len(),
        named_by(used)
    )
}

/// "named by 2 rules", "named by no rule".
fn named_by(rules: usize) -> String {
    match rules {
        0 => "named by no rule".to_string(),
        n => format!("named by {}", crate::prose::counted(n, "rule", "rules")),
    }
}

fn definition(folder: &Folder, name: &str) -> String {
    let mut out = format!("**derived fact** `{name}`: true or false, worked out from other facts\n");
    let checked = folder.rule_base.as_ref().and_then(|rule_base| {
        let definition = rule_base.definitions().iter().find(|definition| definition.name == name)?;
        Some((rule_base.vocabulary(), definition))
    });
    if let Some((vocabulary, definition)) = checked {
        for value in [true, false] {
            if let Some(says) = definition.wording.says(&Value::Bool(value)) {
                let _ = write!(out, "\n- `{value}`: {}", template_in_words(vocabulary, says));
            }
        }
    }
    out
}

/// A type as written after `is`, for a fact of a rule base that did not check.
pub(super) fn declared_type(ty: &crate::ast::FactType) -> String {
    use crate::ast::FactType;
    match ty {
        FactType::Bool => "true or false".to_string(),
        FactType::Text => "text".to_string(),
        FactType::Number => "a number".to_string(),
        FactType::Date => "a date".to_string(),
        FactType::ListOfText => "a list of text".to_string(),
        FactType::ListOfRecords => "a list of records".to_string(),
        FactType::OneOf(values) => {
            format!(
                "one of {}",
                values.iter().map(|value| value.node.as_str()).collect::<Vec<_>>().join(", ")
            )
        }
    }
}
