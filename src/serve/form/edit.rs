//! The lists' Add and Remove buttons, for a page without script: the case with an empty
//! item added to a list, or one item taken out, to write the form again from. Must not
//! read fields or write HTML.

use serde_json::{Map, Value as Json};

use super::path::{self, MAX_ITEMS, Step, Target};
use crate::rulebase::{Type, Vocabulary};

/// `case` with an empty item added to the list named `add` (`partners`,
/// `partners[0].aliases`) and the item named `remove` (`change.stated_reasons[1]`) taken
/// out. A name that is not a list (or an item of one) in the vocabulary, or a list already
/// at [`MAX_ITEMS`], leaves the case as it is.
pub fn apply(vocabulary: &Vocabulary, mut case: Json, add: Option<&str>, remove: Option<&str>) -> Json {
    if let Some(name) = remove {
        remove_item(vocabulary, &mut case, name);
    }
    if let Some(name) = add {
        add_item(vocabulary, &mut case, name);
    }
    case
}

/// Adds an empty item (`""` or `{}`) at the end of the list `name`, making the list and
/// the objects on its way where the case has none.
fn add_item(vocabulary: &Vocabulary, case: &mut Json, name: &str) {
    let Ok(path) = path::parse(name) else { return };
    let Some(Target::Whole(id)) = path::resolve(vocabulary, &path) else { return };
    let empty = match vocabulary.get(id).map(|fact| &fact.ty) {
        Some(Type::TextList) => Json::String(String::new()),
        Some(Type::Records(_)) => Json::Object(Map::new()),
        _ => return,
    };
    let Some(slot) = make_path(case, &path.steps) else { return };
    if !slot.is_array() {
        *slot = Json::Array(Vec::new());
    }
    if let Json::Array(items) = slot
        && items.len() < MAX_ITEMS
    {
        items.push(empty);
    }
}

/// Takes the item `name` out of its list, where the case has it.
fn remove_item(vocabulary: &Vocabulary, case: &mut Json, name: &str) {
    let Ok(path) = path::parse(name) else { return };
    let Some(Target::Item(_)) = path::resolve(vocabulary, &path) else { return };
    let Some((Step::Index(index), list)) = path.steps.split_last() else { return };
    let mut node = Some(case);
    for step in list {
        node = node.and_then(|node| match step {
            Step::Key(key) => node.get_mut(key.as_str()),
            Step::Index(index) => node.get_mut(*index),
        });
    }
    if let Some(Json::Array(items)) = node
        && *index < items.len()
    {
        items.remove(*index);
    }
}

/// The value at `steps` in `case`, making objects where a key is missing or not an object;
/// `None` where an index is past the end of its list.
fn make_path<'a>(case: &'a mut Json, steps: &[Step]) -> Option<&'a mut Json> {
    let mut node = case;
    for step in steps {
        node = match step {
            Step::Key(key) => {
                if !node.is_object() {
                    *node = Json::Object(Map::new());
                }
                let Json::Object(fields) = node else { return None };
                fields.entry(key.clone()).or_insert(Json::Null)
            }
            Step::Index(index) => node.get_mut(*index)?,
        };
    }
    Some(node)
}
