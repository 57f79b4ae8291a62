//! The case vocabulary as a JSON Schema (draft 2020-12), so that editors can validate and
//! complete case files.
//!
//! The schema follows the case loader (`case`): every object is closed
//! (`additionalProperties: false`, as an unknown field is an error), every fact may be
//! `null` (unknown), nested objects may be `null` too, and each fact's description is its
//! question. Two things the loader checks are beyond a schema: a key given twice (JSON
//! parsers keep one of them) and an impossible date such as `2013-02-30`, which matches
//! the date pattern and is caught only by validators that check `format: date`.

use serde_json::{Map, Value as Json, json};

use crate::rulebase::{Expr, FactId, Node, Place, Shape, Template, TemplatePart, Type, Vocabulary};
use crate::value::{Value, format_number};

/// The JSON Schema dialect of the schema.
pub const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";

/// A date as accord reads it: `YYYY-MM-DD`, with a year from 0001 (`format: date` allows
/// 0000), a month from 01 to 12 and a day from 01 to 31. Whether the day exists in that
/// month is left to `format: date`.
pub const DATE_PATTERN: &str = "^([0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";

/// The JSON Schema of case files for `vocabulary`: the built-in fields (`$schema`, `name`,
/// `id`, `assessed_on`), then the declared facts in declaration order. Deterministic: the
/// same vocabulary gives the same value, keys in the same order.
pub fn case_schema(vocabulary: &Vocabulary) -> Json {
    let mut properties = Map::new();
    properties.insert(
        "$schema".into(),
        json!({
            "description": "The JSON Schema this file follows, for editors; accord ignores it.",
            "type": ["string", "null"],
        }),
    );
    properties.insert(
        "name".into(),
        json!({
            "description": "The partnership's name, shown at the head of its advice.",
            "type": ["string", "null"],
        }),
    );
    properties.insert(
        "id".into(),
        json!({
            "description": "An identifier for the case (text or a number), used when it has no name.",
            "type": ["string", "number", "null"],
        }),
    );
    let mut assessed_on = date("The date the assessment is made (YYYY-MM-DD).");
    nullable(&mut assessed_on);
    properties.insert("assessed_on".into(), assessed_on);
    properties.extend(shape_properties(vocabulary, &vocabulary.root));
    json!({
        "$schema": DRAFT_2020_12,
        "title": "accord case",
        "description": "A partnership described for accord. Fields that are absent or null are unknown: \
                        accord reasons with them as unknown and asks about those that matter.",
        "type": "object",
        "properties": properties,
        "additionalProperties": false,
    })
}

/// The properties of an object of `shape`, in declaration order.
fn shape_properties(vocabulary: &Vocabulary, shape: &Shape) -> Map<String, Json> {
    shape.fields.iter().map(|(name, node)| (name.clone(), node_schema(vocabulary, node))).collect()
}

/// A closed object with the fields of `shape`.
fn object(vocabulary: &Vocabulary, shape: &Shape) -> Json {
    json!({
        "type": "object",
        "properties": shape_properties(vocabulary, shape),
        "additionalProperties": false,
    })
}

/// What one field holds; `null` is always allowed (unknown). The recursion through nested
/// objects goes as deep as the vocabulary's paths: at most
/// [`crate::rulebase::MAX_PATH_SEGMENTS`] levels, each indented once in the printed schema.
fn node_schema(vocabulary: &Vocabulary, node: &Node) -> Json {
    let mut schema = match node {
        Node::Object(shape) => object(vocabulary, shape),
        Node::Fact(id) => fact_schema(vocabulary, *id),
    };
    nullable(&mut schema);
    schema
}

/// The schema of a fact's values (not yet allowing `null`).
fn fact_schema(vocabulary: &Vocabulary, id: FactId) -> Json {
    let fact = vocabulary.fact(id);
    let description = description(vocabulary, id);
    let typed = |ty: &str| json!({"description": description, "type": ty});
    match &fact.ty {
        Type::Bool => typed("boolean"),
        Type::Text => typed("string"),
        Type::Number => typed("number"),
        Type::Date => date(&description),
        Type::TextList => json!({"description": description, "type": "array", "items": {"type": "string"}}),
        Type::Enum(values) => json!({"description": description, "enum": values}),
        Type::Records(record) => json!({
            "description": description,
            "type": "array",
            "items": object(vocabulary, &record.shape),
        }),
    }
}

/// A date string: `format: date` for validators and editors that check it, and a pattern
/// for those that do not.
fn date(description: &str) -> Json {
    json!({"description": description, "type": "string", "format": "date", "pattern": DATE_PATTERN})
}

/// Lets the schema also accept `null`: adds it to `type`, and to `enum` where there is one.
fn nullable(schema: &mut Json) {
    let Some(object) = schema.as_object_mut() else { return };
    if let Some(Json::Array(values)) = object.get_mut("enum") {
        values.push(Json::Null);
    }
    match object.get_mut("type") {
        Some(Json::String(ty)) => {
            let ty = std::mem::take(ty);
            object.insert("type".into(), json!([ty, "null"]));
        }
        Some(Json::Array(types)) if !types.contains(&json!("null")) => types.push(json!("null")),
        _ => {}
    }
}

/// The fact's question, with the values it names written in words (`{groups[].name}` in a
/// question about each group becomes "this group"); for a fact with no question, its path
/// and type.
fn description(vocabulary: &Vocabulary, id: FactId) -> String {
    let fact = vocabulary.fact(id);
    let Some(question) = &fact.question else {
        return format!("{}: {}", fact.path, fact.ty.describe());
    };
    template_in_words(vocabulary, question)
}

/// A template of the vocabulary (a question, a label) with the values it names written in
/// words, as the schema's descriptions and the web page's form say them without a case.
pub(crate) fn template_in_words(vocabulary: &Vocabulary, template: &Template) -> String {
    let mut out = String::new();
    for part in &template.parts {
        match part {
            TemplatePart::Literal(text) => out.push_str(text),
            TemplatePart::Value { expr, .. } => out.push_str(&in_words(vocabulary, expr)),
        }
    }
    out
}

/// A value in a question, without a case to read it from.
fn in_words(vocabulary: &Vocabulary, expr: &Expr) -> String {
    match expr {
        Expr::Field { fact, .. } => {
            let field = vocabulary.fact(*fact);
            let Place::Field { list, .. } = field.place else { return field.path.clone() };
            let item = this_item(&vocabulary.fact(list).path);
            let is_label = matches!(&vocabulary.fact(list).ty, Type::Records(r) if r.label == Some(*fact));
            if is_label {
                item
            } else {
                let name = field.path.rsplit(['.', ']']).next().unwrap_or_default().replace('_', " ");
                format!("the {name} of {item}")
            }
        }
        Expr::Item { .. } => "this item".into(),
        Expr::Fact(fact) => vocabulary.fact(*fact).path.clone(),
        Expr::AsOf => "the date of the assessment".into(),
        Expr::Const(Value::Text(text)) => text.clone(),
        Expr::Const(Value::Number(n)) => format_number(*n),
        Expr::Const(Value::Date(date)) => date.to_string(),
        Expr::Const(Value::Bool(b)) => (if *b { "yes" } else { "no" }).into(),
        _ => "...".into(),
    }
}

/// "this partner" for the items of `partners`; "this item of people" where the list's name
/// does not end in a plural `s`.
pub(crate) fn this_item(list_path: &str) -> String {
    let name = list_path.rsplit('.').next().unwrap_or(list_path).trim_end_matches("[]");
    let singular = if let Some(stem) = name.strip_suffix("ies") {
        format!("{stem}y")
    } else if name.ends_with("ss") || name.len() < 3 {
        String::new()
    } else {
        name.strip_suffix('s').map(str::to_string).unwrap_or_default()
    };
    if singular.is_empty() {
        format!("this item of {list_path}")
    } else {
        format!("this {}", singular.replace('_', " "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_nouns_are_singular_where_that_is_safe() {
        assert_eq!(this_item("partners"), "this partner");
        assert_eq!(this_item("groups"), "this group");
        assert_eq!(this_item("change.bodies"), "this body");
        assert_eq!(this_item("people"), "this item of people");
        assert_eq!(this_item("address"), "this item of address");
        assert_eq!(this_item("board_members"), "this board member");
    }

    #[test]
    fn null_is_added_to_type_and_enum() {
        let mut schema = json!({"type": "string"});
        nullable(&mut schema);
        assert_eq!(schema, json!({"type": ["string", "null"]}));
        let mut schema = json!({"enum": ["a", "b"]});
        nullable(&mut schema);
        assert_eq!(schema, json!({"enum": ["a", "b", null]}));
        let mut schema = json!({"type": ["string", "null"]});
        nullable(&mut schema);
        assert_eq!(schema, json!({"type": ["string", "null"]}));
    }
}
