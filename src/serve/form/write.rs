//! The form's fields written as HTML from the vocabulary: one control per fact, its
//! question as the label, chosen by the fact's type. Must not read fields back or advise;
//! every value from the case is escaped (the templates escape what they interpolate).

use maud::{Markup, html};
use serde_json::{Map, Value as Json};

use super::path::field_id;
use crate::rulebase::{FactId, Node, RecordType, Shape, Type, Vocabulary};
use crate::schema::{template_in_words, this_item};
use crate::value::Date;

/// Writes the fields of `case` (its own fields, then every fact in the vocabulary's
/// order, grouped by the first segment of their paths).
pub fn write(vocabulary: &Vocabulary, case: &Json, out: &mut String) {
    let root = case.as_object();
    let get = |name: &str| root.and_then(|fields| fields.get(name));
    let markup = html! {
        fieldset.group id="field-case" {
            legend { "The case" }
            (text_field("name", "What is the partnership called?", Some("Shown at the head of its advice."), get("name")))
            @if let Some(id) = get("id") {
                (text_field("id", "The case's identifier", Some("Used when the case has no name."), Some(id)))
            }
            (date_field("assessed_on", "On what date is the assessment made?", Some("Leave it empty to assess the case as of today."), get("assessed_on")))
        }
        @for (name, node) in &vocabulary.root.fields {
            @match node {
                Node::Object(shape) => {
                    fieldset.group id=(field_id(name)) {
                        legend { (capitalised(&in_words(name))) }
                        (shape_fields(vocabulary, shape, name, object(get(name))))
                    }
                }
                Node::Fact(id) => (fact_field(vocabulary, *id, name, get(name))),
            }
        }
    };
    out.push_str(&markup.into_string());
}

/// The fields of an object of `shape` whose name is `prefix` (`change`, `partners[0]`),
/// nested objects flattened into it.
fn shape_fields(
    vocabulary: &Vocabulary,
    shape: &Shape,
    prefix: &str,
    value: Option<&Map<String, Json>>,
) -> Markup {
    html! {
        @for (name, node) in &shape.fields {
            @let path = format!("{prefix}.{name}");
            @let value = value.and_then(|fields| fields.get(name));
            @match node {
                Node::Object(inner) => (shape_fields(vocabulary, inner, &path, object(value))),
                Node::Fact(id) => (fact_field(vocabulary, *id, &path, value)),
            }
        }
    }
}

/// The field of one fact, named `name`, showing `value` (absent or `null`: unknown).
fn fact_field(vocabulary: &Vocabulary, id: FactId, name: &str, value: Option<&Json>) -> Markup {
    let Some(fact) = vocabulary.get(id) else { return html! {} };
    let question = match &fact.question {
        Some(question) => template_in_words(vocabulary, question),
        None => capitalised(&in_words(fact.path.rsplit(['.', ']']).next().unwrap_or(&fact.path))),
    };
    let hint = fact.wording.label.as_ref().map(|label| capitalised(&template_in_words(vocabulary, label)));
    let field = Field { name, question: &question, hint: hint.as_deref() };
    let value = value.filter(|value| !value.is_null());
    // Each value of a `one of` explained in the rule base's words for it (`says`).
    let explained = |values: &[String]| -> Vec<Option<String>> {
        (0..values.len())
            .map(|i| {
                fact.wording
                    .says
                    .get(i)
                    .and_then(Option::as_ref)
                    .map(|says| template_in_words(vocabulary, says))
            })
            .collect()
    };
    match (&fact.ty, value) {
        (Type::Bool, None | Some(Json::Bool(_))) => field.yes_no(value.and_then(Json::as_bool)),
        (Type::Enum(values), None) => field.select(values, &explained(values), None),
        (Type::Enum(values), Some(Json::String(chosen))) if values.contains(chosen) => {
            field.select(values, &explained(values), Some(chosen))
        }
        (Type::Date, None) => field.input("date", ""),
        (Type::Date, Some(Json::String(date))) if Date::parse(date).is_ok() => field.input("date", date),
        (Type::Number, None) => field.input("number", ""),
        (Type::Number, Some(Json::Number(number))) => field.input("number", &number.to_string()),
        (Type::Text, None) => field.input("text", ""),
        (Type::Text, Some(Json::String(text))) => field.input("text", text),
        (Type::TextList, None | Some(Json::Array(_))) => field.text_list(value.and_then(Json::as_array)),
        (Type::Records(record), None | Some(Json::Array(_))) => {
            field.records(vocabulary, record, &fact.path, value.and_then(Json::as_array))
        }
        (ty, Some(wrong)) => field.wrong(&ty.describe(), wrong),
    }
}

/// A text field of the case's own (`name`, `id`).
fn text_field(name: &str, question: &str, hint: Option<&str>, value: Option<&Json>) -> Markup {
    let field = Field { name, question, hint };
    match value {
        None | Some(Json::Null) => field.input("text", ""),
        Some(Json::String(text)) => field.input("text", text),
        Some(other) => field.input("text", &other.to_string()),
    }
}

/// A date field of the case's own (`assessed_on`).
fn date_field(name: &str, question: &str, hint: Option<&str>, value: Option<&Json>) -> Markup {
    let field = Field { name, question, hint };
    match value {
        None | Some(Json::Null) => field.input("date", ""),
        Some(Json::String(date)) if Date::parse(date).is_ok() => field.input("date", date),
        Some(other) => field.wrong("a date", other),
    }
}

/// What every control of a fact shows: its name, its question and its help.
struct Field<'a> {
    /// The field's name: the fact's path with its items' indexes.
    name: &'a str,
    /// The question, in words.
    question: &'a str,
    /// The fact's label, in words, as a hint.
    hint: Option<&'a str>,
}

impl Field<'_> {
    /// The `id` of the control.
    fn id(&self) -> String {
        field_id(self.name)
    }

    /// The hint under the label, with the `id` the control's `aria-describedby` names.
    fn hint(&self) -> Markup {
        html! {
            @if let Some(hint) = self.hint {
                p.hint id=(format!("{}-hint", self.id())) { (hint) }
            }
        }
    }

    /// What the control's `aria-describedby` names: the hint, where there is one.
    fn described_by(&self) -> Option<String> {
        self.hint.map(|_| format!("{}-hint", self.id()))
    }

    /// A labelled `<input>` of `kind` (`text`, `date`, `number`).
    fn input(&self, kind: &str, value: &str) -> Markup {
        let id = self.id();
        html! {
            div.field {
                label for=(id) { (self.question) }
                (self.hint())
                input type=(kind) id=(id) name=(self.name) value=(value) step=[(kind == "number").then_some("any")]
                    aria-describedby=[self.described_by()];
            }
        }
    }

    /// Yes, no and not known as three radio buttons: not known is a choice of its own,
    /// checked when the case does not say.
    fn yes_no(&self, value: Option<bool>) -> Markup {
        let id = self.id();
        let choices = [
            ("yes", "true", value == Some(true)),
            ("no", "false", value == Some(false)),
            ("not known", "", value.is_none()),
        ];
        html! {
            fieldset.field.yes-no id=(id) aria-describedby=[self.described_by()] {
                legend { (self.question) }
                (self.hint())
                @for (words, sent, checked) in choices {
                    @let choice_id = format!("{id}-{}", if sent.is_empty() { "unknown" } else { words });
                    span.choice {
                        input type="radio" id=(choice_id) name=(self.name) value=(sent) checked[checked];
                        label for=(choice_id) { (words) }
                    }
                }
            }
        }
    }

    /// One of the enumeration's values, each said in words and explained where the rule
    /// base gives it words (`local government`, `post merger: the merger is complete`),
    /// with "not known" first.
    fn select(&self, values: &[String], explained: &[Option<String>], chosen: Option<&String>) -> Markup {
        let id = self.id();
        html! {
            div.field {
                label for=(id) { (self.question) }
                (self.hint())
                select id=(id) name=(self.name) aria-describedby=[self.described_by()] {
                    option value="" selected[chosen.is_none()] { "not known" }
                    @for (value, says) in values.iter().zip(explained) {
                        option value=(value) selected[chosen == Some(value)] {
                            (in_words(value))
                            @if let Some(says) = says { ": " (says) }
                        }
                    }
                }
            }
        }
    }

    /// A value the case gives that is not of the fact's type, as it is in the case file,
    /// in a text field for the person to correct (the case's diagnostics say what is
    /// wrong).
    fn wrong(&self, what: &str, value: &Json) -> Markup {
        let shown = match value {
            Json::String(text) => text.clone(),
            other => other.to_string(),
        };
        let id = self.id();
        html! {
            div.field.wrong {
                label for=(id) { (self.question) }
                (self.hint())
                p.problem id=(format!("{id}-problem")) { "The case gives a value that is not " (what) ": correct it here." }
                input type="text" id=(id) name=(self.name) value=(shown) aria-describedby=(format!("{id}-problem"));
            }
        }
    }

    /// A list of text: one field per item and an empty one, each with a Remove button,
    /// then an Add button.
    fn text_list(&self, items: Option<&Vec<Json>>) -> Markup {
        let id = self.id();
        let count = items.map_or(0, Vec::len);
        html! {
            fieldset.field.list id=(id) data-list=(self.name) aria-describedby=[self.described_by()] {
                legend { (self.question) }
                (self.hint())
                @if items.is_some() {
                    input type="hidden" name=(format!("{}[]", self.name)) value="";
                }
                @for (index, item) in items.into_iter().flatten().enumerate() {
                    (self.text_item(index, &item_text(item)))
                }
                (self.text_item(count, ""))
                template { (self.text_item(count + 1, "")) }
                button.add type="submit" name="add" value=(self.name) { "Add" }
            }
        }
    }

    /// One item of a list of text.
    fn text_item(&self, index: usize, value: &str) -> Markup {
        let name = format!("{}[{index}]", self.name);
        let id = field_id(&name);
        html! {
            div.item data-index=(index) {
                label for=(id) { "Item " span.n { (index + 1) } }
                input type="text" id=(id) name=(name) value=(value);
                button.remove type="submit" name="remove" value=(name) { "Remove item " span.n { (index + 1) } }
            }
        }
    }

    /// A list of records: a group of fields per item, each with a Remove button, then an
    /// Add button named for the items ("Add a partner").
    fn records(
        &self,
        vocabulary: &Vocabulary,
        record: &RecordType,
        path: &str,
        items: Option<&Vec<Json>>,
    ) -> Markup {
        let id = self.id();
        let noun = item_noun(path);
        let count = items.map_or(0, Vec::len);
        let item =
            |index: usize, value: Option<&Json>| self.record_item(vocabulary, record, &noun, index, value);
        html! {
            fieldset.field.list.records id=(id) data-list=(self.name) aria-describedby=[self.described_by()] {
                legend { (self.question) }
                (self.hint())
                @if items.is_some() {
                    input type="hidden" name=(format!("{}[]", self.name)) value="";
                }
                @for (index, value) in items.into_iter().flatten().enumerate() {
                    (item(index, Some(value)))
                }
                template { (item(count, None)) }
                button.add type="submit" name="add" value=(self.name) { "Add " (with_article(&noun)) }
            }
        }
    }

    /// One item of a list of records: its fields, or its value as the case gives it where
    /// it is not an object.
    fn record_item(
        &self,
        vocabulary: &Vocabulary,
        record: &RecordType,
        noun: &str,
        index: usize,
        value: Option<&Json>,
    ) -> Markup {
        let name = format!("{}[{index}]", self.name);
        let id = field_id(&name);
        let value = value.filter(|value| !value.is_null());
        let wrong = Field { name: &name, question: "This item", hint: None };
        html! {
            fieldset.item id=(id) data-index=(index) {
                legend { (capitalised(noun)) " " span.n { (index + 1) } }
                @match value {
                    None | Some(Json::Object(_)) => (shape_fields(vocabulary, &record.shape, &name, value.and_then(Json::as_object))),
                    Some(other) => (wrong.wrong("a group of fields", other)),
                }
                button.remove type="submit" name="remove" value=(name) { "Remove this " (noun) }
            }
        }
    }
}

/// An item of a list of text as its field shows it: `null` as empty, a value of another
/// type as it is in the case file.
fn item_text(item: &Json) -> String {
    match item {
        Json::String(text) => text.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    }
}

/// The value's object, where it is one.
fn object(value: Option<&Json>) -> Option<&Map<String, Json>> {
    value.and_then(Json::as_object)
}

/// A name in words: `local_government` is "local government".
fn in_words(name: &str) -> String {
    name.replace('_', " ")
}

/// The text with its first letter a capital.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

/// What one item of the list at `path` is called: "partner", "item of people".
fn item_noun(path: &str) -> String {
    let item = this_item(path);
    item.strip_prefix("this ").map_or(item.clone(), str::to_string)
}

/// The noun with "a" or "an" before it.
fn with_article(noun: &str) -> String {
    let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("{article} {noun}")
}
