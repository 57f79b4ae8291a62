//! The form's fields read back into a case: each name found in the vocabulary, each value
//! read by its fact's type, the lists put together from their indexed items. Must not
//! write HTML or advise.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};

use super::FieldError;
use super::path::{self, FieldPath, Step, Target};
use crate::rulebase::{FactId, Node, Shape, Type, Vocabulary};
use crate::value::Date;

/// The names the page's buttons and hidden fields send, which are not facts.
const CONTROLS: [&str; 4] = ["add", "remove", "token", "save"];

/// The most errors reported for one form: past this, one more says how many were left out.
const MAX_ERRORS: usize = 100;

/// The values read so far, by name and index, before they are put in the vocabulary's
/// order.
#[derive(Debug)]
enum Tree {
    /// A value read from a field.
    Value(Json),
    /// The fields of an object (of the case, a nested object or a record).
    Object(BTreeMap<String, Tree>),
    /// A list's items by index, and whether the list is given even with none.
    List { given: bool, items: BTreeMap<usize, Tree> },
}

/// The case the fields describe, and the fields that could not be read. A value that is
/// not of its fact's type is kept in the case as the text the person typed (so the form,
/// written again from this case, shows it for them to correct) and reported.
pub fn read(vocabulary: &Vocabulary, fields: &[(String, String)]) -> (Json, Vec<FieldError>) {
    // The case's own fields, in the order a case file gives them: name, id, assessed_on.
    let mut own: [Option<Json>; 3] = [None, None, None];
    let mut facts = BTreeMap::new();
    let mut errors = Vec::new();
    let mut refused = 0usize;
    for (name, value) in fields {
        let result = match name.as_str() {
            control if CONTROLS.contains(&control) => Ok(()),
            "name" => {
                own[0] = text(value);
                Ok(())
            }
            "id" => {
                own[1] = id(value);
                Ok(())
            }
            "assessed_on" => {
                date(value).map(|date| own[2] = date).inspect_err(|_| own[2] = Some(value.trim().into()))
            }
            _ => read_fact(vocabulary, &mut facts, name, value),
        };
        if let Err(message) = result {
            if errors.len() < MAX_ERRORS {
                errors.push(FieldError { field: path::shorten(name), message });
            } else {
                refused += 1;
            }
        }
    }
    if refused > 0 {
        let message = format!("and {refused} more fields that cannot be read");
        errors.push(FieldError { field: String::new(), message });
    }
    let mut case = Map::new();
    for (key, value) in crate::case::BUILT_INS.iter().zip(own) {
        if let Some(value) = value {
            case.insert((*key).into(), value);
        }
    }
    case.extend(emit_shape(vocabulary, &vocabulary.root, &facts));
    (Json::Object(case), errors)
}

/// Reads the field `name` of a fact into `facts`. A bad value is kept as typed and its
/// error returned.
fn read_fact(
    vocabulary: &Vocabulary,
    facts: &mut BTreeMap<String, Tree>,
    name: &str,
    value: &str,
) -> Result<(), String> {
    let path = path::parse(name)?;
    let Some(target) = path::resolve(vocabulary, &path) else {
        return Err(format!("no fact `{}`", path::shorten(name)));
    };
    let (leaf, error) = match target {
        Target::Given(_) => (Tree::List { given: true, items: BTreeMap::new() }, None),
        Target::Item(list) => match vocabulary.get(list).map(|fact| &fact.ty) {
            Some(Type::TextList) => (Tree::Value(Json::String(value.trim().into())), None),
            _ if value.trim().is_empty() => return Ok(()),
            _ => (
                Tree::Value(value.into()),
                Some("an item of this list is a group of fields, not text".to_string()),
            ),
        },
        Target::Whole(fact) => {
            let ty = vocabulary.get(fact).map(|fact| &fact.ty);
            match ty.map_or(Ok(None), |ty| typed(ty, value)) {
                Ok(None) => return Ok(()),
                Ok(Some(json)) => (Tree::Value(json), None),
                Err(message) => (Tree::Value(value.into()), Some(message)),
            }
        }
    };
    insert(facts, &path, leaf);
    error.map_or(Ok(()), Err)
}

/// Puts `leaf` at `path` in `facts`, making the objects and lists on the way (a value
/// given twice: the last one).
fn insert(facts: &mut BTreeMap<String, Tree>, path: &FieldPath, leaf: Tree) {
    let Some((Step::Key(first), rest)) = path.steps.split_first() else { return };
    let mut node = facts.entry(first.clone()).or_insert_with(|| Tree::Object(BTreeMap::new()));
    for step in rest {
        node = match step {
            Step::Key(key) => {
                if !matches!(node, Tree::Object(_)) {
                    *node = Tree::Object(BTreeMap::new());
                }
                let Tree::Object(fields) = node else { return };
                fields.entry(key.clone()).or_insert_with(|| Tree::Object(BTreeMap::new()))
            }
            Step::Index(index) => {
                if !matches!(node, Tree::List { .. }) {
                    *node = Tree::List { given: false, items: BTreeMap::new() };
                }
                let Tree::List { items, .. } = node else { return };
                items.entry(*index).or_insert_with(|| Tree::Object(BTreeMap::new()))
            }
        };
    }
    match (node, leaf) {
        (Tree::List { given, .. }, Tree::List { given: true, .. }) => *given = true,
        (node, leaf) => *node = leaf,
    }
}

/// The value of a field of type `ty` as typed: `None` when it is empty or "not known".
fn typed(ty: &Type, value: &str) -> Result<Option<Json>, String> {
    let value = value.trim();
    if value.is_empty() || value == "not known" {
        return Ok(None);
    }
    match ty {
        Type::Bool => match value {
            "true" => Ok(Some(Json::Bool(true))),
            "false" => Ok(Some(Json::Bool(false))),
            _ => Err(format!("`{value}` is not yes or no")),
        },
        Type::Number => number(value).map(Some),
        Type::Date => date(value),
        Type::Text => Ok(Some(value.into())),
        Type::Enum(values) if values.iter().any(|known| known == value) => Ok(Some(value.into())),
        Type::Enum(values) => Err(format!("`{value}` is not one of {}", values.join(", "))),
        Type::TextList => Err(format!("`{value}` is not a list of text: give one item per field")),
        Type::Records(_) => Err(format!("`{value}` is not a list: give each item's fields")),
    }
}

/// A number as typed: a whole number stays whole (`3`, not `3.0`).
fn number(value: &str) -> Result<Json, String> {
    if let Ok(whole) = value.parse::<i64>() {
        return Ok(whole.into());
    }
    let not_a_number = || format!("`{value}` is not a number");
    let number: f64 = value.parse().map_err(|_| not_a_number())?;
    serde_json::Number::from_f64(number).map(Json::Number).ok_or_else(not_a_number)
}

/// A date checked as the case loader checks it.
fn date(value: &str) -> Result<Option<Json>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    Date::parse(value).map(|_| Some(value.into()))
}

/// The case's name: text, or left out when empty.
fn text(value: &str) -> Option<Json> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.into())
}

/// The case's id: a number where it is one in JSON, else text.
fn id(value: &str) -> Option<Json> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    match serde_json::from_str::<Json>(value) {
        Ok(number @ Json::Number(_)) => Some(number),
        _ => Some(value.into()),
    }
}

/// The fields of an object of `shape` read into `tree`, in the vocabulary's order; unknown
/// facts and empty objects left out.
fn emit_shape(vocabulary: &Vocabulary, shape: &Shape, tree: &BTreeMap<String, Tree>) -> Map<String, Json> {
    let mut object = Map::new();
    for (name, node) in &shape.fields {
        let Some(read) = tree.get(name) else { continue };
        let value = match (node, read) {
            (Node::Object(inner), Tree::Object(fields)) => {
                let inner = emit_shape(vocabulary, inner, fields);
                (!inner.is_empty()).then_some(Json::Object(inner))
            }
            (Node::Fact(id), read) => emit_fact(vocabulary, *id, read),
            _ => None,
        };
        if let Some(value) = value {
            object.insert(name.clone(), value);
        }
    }
    object
}

/// A fact's value: the value read, or a list of its items in index order (gaps closed,
/// empty items dropped); `None` when nothing is known.
fn emit_fact(vocabulary: &Vocabulary, id: FactId, read: &Tree) -> Option<Json> {
    let (given, items) = match read {
        Tree::Value(value) => return Some(value.clone()),
        Tree::Object(_) => return None,
        Tree::List { given, items } => (*given, items),
    };
    let items: Vec<Json> = match &vocabulary.get(id)?.ty {
        Type::TextList => items
            .values()
            .filter_map(|item| match item {
                Tree::Value(Json::String(text)) if text.is_empty() => None,
                Tree::Value(value) => Some(value.clone()),
                _ => None,
            })
            .collect(),
        Type::Records(record) => items
            .values()
            .filter_map(|item| match item {
                Tree::Value(value) => Some(value.clone()),
                Tree::Object(fields) => {
                    let fields = emit_shape(vocabulary, &record.shape, fields);
                    (!fields.is_empty()).then_some(Json::Object(fields))
                }
                Tree::List { .. } => None,
            })
            .collect(),
        _ => return None,
    };
    (given || !items.is_empty()).then_some(Json::Array(items))
}
