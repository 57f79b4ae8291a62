//! The fast path of case loading: JSON text deserialized straight into a case's slots,
//! guided by the vocabulary (serde's `DeserializeSeed`), validating as it goes, with no
//! intermediate JSON tree and no position scan.
//!
//! It accepts exactly what the full loader accepts. At the first problem it gives up
//! (returns `None`), and the full loader, slower but precise, reports every problem with
//! its place; it also takes over for rare forms (an `id` given as a number, which is kept
//! as written).

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::{BUILT_INS, Case, SCHEMA_FIELD};
use crate::rulebase::{Node, Place, RecordType, Shape, Type, Vocabulary};
use crate::value::{Date, Value};

/// Reads a valid case quickly; `None` when the text is not a valid case (or is one the
/// full loader should read).
pub fn read_case(text: &str, vocabulary: &Vocabulary) -> Option<Case> {
    let mut case =
        Case { name: None, id: None, assessed_on: None, values: empty_slots(vocabulary.case_slots) };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    RootSeed { vocabulary, case: &mut case }.deserialize(&mut deserializer).ok()?;
    deserializer.end().ok()?;
    Some(case)
}

/// `n` unknown values. (`vec![None; n]` would clone `None` into each, value by value.)
fn empty_slots(n: usize) -> Vec<Option<Value>> {
    let mut slots = Vec::with_capacity(n);
    slots.resize_with(n, || None);
    slots
}

/// Whether two names are equal, compared in line: the names of fields and values are
/// short, and mostly differ in length, so a call to `memcmp` would cost more.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

/// Gives up: the full loader will say what is wrong.
fn give_up<E: de::Error>() -> E {
    E::custom("not a valid case")
}

/// The fields of an object already given, to notice one given twice; without allocating
/// for objects of up to 128 fields.
enum Seen {
    Few(u128),
    Many(Vec<bool>),
}

impl Seen {
    fn new(fields: usize) -> Seen {
        if fields <= 128 { Seen::Few(0) } else { Seen::Many(vec![false; fields]) }
    }

    /// Marks field `index` as given; true if it was already.
    fn again(&mut self, index: usize) -> bool {
        match self {
            Seen::Few(bits) => {
                let bit = 1u128 << index;
                let again = *bits & bit != 0;
                *bits |= bit;
                again
            }
            Seen::Many(seen) => std::mem::replace(&mut seen[index], true),
        }
    }
}

struct RootSeed<'v, 'c> {
    vocabulary: &'v Vocabulary,
    case: &'c mut Case,
}

impl<'de> DeserializeSeed<'de> for RootSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RootSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a case object")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let shape = &self.vocabulary.root;
        let mut seen = Seen::new(shape.fields.len());
        let mut seen_built_in = [false; 4];
        while let Some(key) = map.next_key_seed(KeySeed { shape, built_ins: true })? {
            match key {
                Key::BuiltIn(index) => {
                    if std::mem::replace(&mut seen_built_in[index], true) {
                        return Err(give_up());
                    }
                    self.built_in(index, &mut map)?;
                }
                Key::Field(index, node) => {
                    if seen.again(index) {
                        return Err(give_up());
                    }
                    let slots = &mut self.case.values;
                    map.next_value_seed(NodeSeed { node, vocabulary: self.vocabulary, slots })?;
                }
            }
        }
        Ok(())
    }
}

impl RootSeed<'_, '_> {
    /// `name`, `id`, `assessed_on` or `$schema`.
    fn built_in<'de, A: MapAccess<'de>>(&mut self, index: usize, map: &mut A) -> Result<(), A::Error> {
        match index {
            0 => self.case.name = map.next_value::<Option<String>>()?,
            // An `id` given as a number is kept as written: the full loader does that.
            1 => self.case.id = map.next_value::<Option<String>>()?,
            2 => {
                self.case.assessed_on =
                    map.next_value_seed(OptionalStr(|text: &str| Date::parse(text).ok()))?
            }
            _ => {
                map.next_value_seed(OptionalStr(|_: &str| Some(())))?;
            }
        }
        Ok(())
    }
}

/// What a key of an object names.
enum Key<'v> {
    /// A field every case may have at its top level: its index in `BUILT_INS`, then 3
    /// for `$schema`.
    BuiltIn(usize),
    /// The field at this position of the object's shape, and what it holds.
    Field(usize, &'v Node),
}

/// A key of an object, looked up among the fields its shape allows as it is read. The key
/// is never copied: serde_json lends it in place, or unescaped in its scratch buffer.
struct KeySeed<'v> {
    shape: &'v Shape,
    /// Whether the built-in fields are allowed too (at the top level).
    built_ins: bool,
}

impl<'de, 'v> DeserializeSeed<'de> for KeySeed<'v> {
    type Value = Key<'v>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key<'v>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de, 'v> Visitor<'de> for KeySeed<'v> {
    type Value = Key<'v>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'v>, E> {
        if self.built_ins {
            // Built-ins first, as in the full loader.
            let built_ins = [BUILT_INS[0], BUILT_INS[1], BUILT_INS[2], SCHEMA_FIELD];
            if let Some(index) = built_ins.iter().position(|name| same(name, key)) {
                return Ok(Key::BuiltIn(index));
            }
        }
        let mut fields = self.shape.fields.iter().enumerate();
        let found = fields.find(|(_, (name, _))| same(name, key));
        found.map(|(index, (_, node))| Key::Field(index, node)).ok_or_else(give_up)
    }
}

/// A field of an object: a nested object or a fact, written into `slots`.
struct NodeSeed<'v, 's> {
    node: &'v Node,
    vocabulary: &'v Vocabulary,
    slots: &'s mut [Option<Value>],
}

impl<'de> DeserializeSeed<'de> for NodeSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        match self.node {
            Node::Object(shape) => deserializer.deserialize_option(ObjectSeed {
                shape,
                vocabulary: self.vocabulary,
                slots: self.slots,
            }),
            Node::Fact(id) => {
                let fact = self.vocabulary.fact(*id);
                let slot = match fact.place {
                    Place::Case { slot } | Place::Field { slot, .. } => slot,
                };
                let cell = self.slots.get_mut(slot).ok_or_else(give_up)?;
                FactSeed { ty: &fact.ty, vocabulary: self.vocabulary, keep: fact.in_use, cell }
                    .deserialize(deserializer)
            }
        }
    }
}

/// A nested object (or `null`, leaving its facts unknown).
struct ObjectSeed<'v, 's> {
    shape: &'v Shape,
    vocabulary: &'v Vocabulary,
    slots: &'s mut [Option<Value>],
}

impl<'de> Visitor<'de> for ObjectSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = Seen::new(self.shape.fields.len());
        while let Some(key) = map.next_key_seed(KeySeed { shape: self.shape, built_ins: false })? {
            // Only the root allows built-ins.
            let Key::Field(index, node) = key else { return Err(give_up()) };
            if seen.again(index) {
                return Err(give_up());
            }
            map.next_value_seed(NodeSeed { node, vocabulary: self.vocabulary, slots: self.slots })?;
        }
        Ok(())
    }
}

/// The value of one fact, checked against its type and written into its cell (`None` for
/// `null`). Writing in place, rather than returning the value, spares copying it through
/// serde's `Result`s.
struct FactSeed<'v, 's> {
    ty: &'v Type,
    vocabulary: &'v Vocabulary,
    /// Whether anything reads the fact: if not, its value is checked and dropped.
    keep: bool,
    cell: &'s mut Option<Value>,
}

impl<'de> DeserializeSeed<'de> for FactSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for FactSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.ty.describe())
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        *self.cell = None;
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.visit_none()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        let keep = self.keep;
        let value = match self.ty {
            Type::Bool => Value::Bool(bool::deserialize(deserializer)?),
            Type::Number => Value::Number(f64::deserialize(deserializer)?),
            Type::Text if keep => Value::Text(String::deserialize(deserializer)?),
            Type::Text => return deserializer.deserialize_str(WithStr(|_: &str| Some(()))),
            Type::Date => {
                Value::Date(deserializer.deserialize_str(WithStr(|text: &str| Date::parse(text).ok()))?)
            }
            Type::Enum(values) => {
                let index = deserializer
                    .deserialize_str(WithStr(|text: &str| values.iter().position(|v| same(v, text))))?;
                Value::Enum(index as u32)
            }
            Type::TextList if keep => Value::TextList(Vec::<String>::deserialize(deserializer)?),
            Type::TextList => return deserializer.deserialize_seq(EachStr),
            Type::Records(record) => {
                deserializer.deserialize_seq(RecordsSeed { record, vocabulary: self.vocabulary, keep })?
            }
        };
        // A value nothing reads is left unknown: the cell is already empty, the field
        // being given only once.
        if keep {
            *self.cell = Some(value);
        }
        Ok(())
    }
}

/// A list of records: each an object of the record's fields.
struct RecordsSeed<'v> {
    record: &'v RecordType,
    vocabulary: &'v Vocabulary,
    /// Whether anything reads the list (if not, items are checked but not kept).
    keep: bool,
}

impl<'de> Visitor<'de> for RecordsSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        if !self.keep {
            return self.check_each(seq);
        }
        let mut records = Vec::new();
        loop {
            let mut record = empty_slots(self.record.slots);
            let item =
                ItemSeed { shape: &self.record.shape, vocabulary: self.vocabulary, slots: &mut record };
            match seq.next_element_seed(item)? {
                Some(()) => records.push(record),
                None => return Ok(Value::Records(records)),
            }
        }
    }
}

impl RecordsSeed<'_> {
    /// Checks each record of a list nothing reads, reading them all into one scratch
    /// record (what one leaves there is dropped with it) rather than allocating each.
    fn check_each<'de, A: SeqAccess<'de>>(&self, mut seq: A) -> Result<Value, A::Error> {
        let mut scratch = empty_slots(self.record.slots);
        loop {
            let item =
                ItemSeed { shape: &self.record.shape, vocabulary: self.vocabulary, slots: &mut scratch };
            if seq.next_element_seed(item)?.is_none() {
                return Ok(Value::Records(Vec::new()));
            }
        }
    }
}

/// One record: an object (never `null`).
struct ItemSeed<'v, 's> {
    shape: &'v Shape,
    vocabulary: &'v Vocabulary,
    slots: &'s mut [Option<Value>],
}

impl<'de> DeserializeSeed<'de> for ItemSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(ObjectSeed {
            shape: self.shape,
            vocabulary: self.vocabulary,
            slots: self.slots,
        })
    }
}

/// A string, looked at in place (no copy) by a check that gives the value, or `None` for
/// a string that is not valid here.
struct WithStr<F>(F);

impl<'de, T, F: FnOnce(&str) -> Option<T>> Visitor<'de> for WithStr<F> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        (self.0)(text).ok_or_else(give_up)
    }
}

/// A list of strings, checked and dropped.
struct EachStr;

impl<'de> Visitor<'de> for EachStr {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of strings")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(StrSeed)?.is_some() {}
        Ok(())
    }
}

/// One string of a list, checked and dropped.
struct StrSeed;

impl<'de> DeserializeSeed<'de> for StrSeed {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_str(WithStr(|_: &str| Some(())))
    }
}

/// A string or `null`, looked at in place by a check that gives the value (`None` for
/// `null`; the check's `None` rejects the string).
struct OptionalStr<F>(F);

impl<'de, T, F: FnOnce(&str) -> Option<T>> DeserializeSeed<'de> for OptionalStr<F> {
    type Value = Option<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, T, F: FnOnce(&str) -> Option<T>> Visitor<'de> for OptionalStr<F> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        deserializer.deserialize_str(WithStr(self.0)).map(Some)
    }
}
