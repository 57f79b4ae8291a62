//! The fast path of case loading: JSON text read straight into a case's slots, token by
//! token where the vocabulary expects them ([`json::Reader`]), validating as it goes, with
//! no intermediate JSON tree and no position scan.
//!
//! It accepts exactly what the full loader accepts. At the first problem it gives up
//! (returns `None`), and the full loader, slower but precise, reports every problem with
//! its place; it also takes over for rare forms (an `id` given as a number, which is kept
//! as written; JSON the reader leaves to `serde_json`).

use super::json::Reader;
use super::{BUILT_INS, Case, SCHEMA_FIELD};
use crate::rulebase::{Fact, Node, Place, RecordType, Shape, Type, Vocabulary};
use crate::value::{Date, Value};

/// Reads a valid case quickly; `None` when the text is not a valid case (or is one the
/// full loader should read).
pub fn read_case(text: &str, vocabulary: &Vocabulary) -> Option<Case> {
    let mut case =
        Case { name: None, id: None, assessed_on: None, values: empty_slots(vocabulary.case_slots) };
    let mut reader = FastReader { json: Reader::new(text), vocabulary };
    reader.root(&mut case)?;
    reader.json.at_end().then_some(case)
}

/// `n` unknown values. (`vec![None; n]` would clone `None` into each, value by value.)
fn empty_slots(n: usize) -> Vec<Option<Value>> {
    std::iter::repeat_with(|| None).take(n).collect()
}

/// Whether two names are equal, compared in line: the names of fields and values are
/// short, and mostly differ in length, so a call to `memcmp` would cost more.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

/// The fields of an object already given, to notice one given twice: field `n` as bit
/// `n % 64`. In an object of more than 64 fields two fields share a bit, and the second
/// given looks given twice: the fast path then gives up, and the full loader reads the
/// case. (Counting exactly there would cost every object a test of which way it counts.)
#[derive(Default)]
struct Seen(u64);

impl Seen {
    /// Marks field `index` as given; true if it was already (or may have been).
    fn again(&mut self, index: usize) -> bool {
        let bit = 1u64 << (index % 64);
        let again = self.0 & bit != 0;
        self.0 |= bit;
        again
    }
}

/// What a key of the top-level object names.
enum Key<'v> {
    /// A field every case may have at its top level: its index in `BUILT_INS`, then 3
    /// for `$schema`.
    BuiltIn(usize),
    /// The field at this position of the root's shape, and what it holds.
    Field(usize, &'v Node),
}

/// The field `key` of `shape`: its position, and what it holds.
fn field<'v>(shape: &'v Shape, key: &str) -> Option<(usize, &'v Node)> {
    let mut fields = shape.fields.iter().enumerate();
    fields.find(|(_, (name, _))| same(name, key)).map(|(index, (_, node))| (index, node))
}

/// The JSON reader, and the vocabulary that says what to read next.
struct FastReader<'t, 'v> {
    json: Reader<'t>,
    vocabulary: &'v Vocabulary,
}

impl FastReader<'_, '_> {
    /// The top-level object: built-ins and the root's fields.
    fn root(&mut self, case: &mut Case) -> Option<()> {
        if self.json.open_object()? {
            return Some(());
        }
        let shape = &self.vocabulary.root;
        let mut seen = Seen::default();
        let mut seen_built_in = [false; 4];
        let mut next = 0;
        loop {
            match self.root_key(shape, next)? {
                Key::BuiltIn(index) => {
                    if std::mem::replace(&mut seen_built_in[index], true) {
                        return None;
                    }
                    self.json.colon()?;
                    self.built_in(index, case)?;
                }
                Key::Field(index, node) => {
                    if seen.again(index) {
                        return None;
                    }
                    next = index + 1;
                    self.json.colon()?;
                    self.node(node, &mut case.values)?;
                }
            }
            if !self.json.next_member()? {
                return Some(());
            }
        }
    }

    /// Reads a key of the top-level object: built-ins first, as in the full loader.
    fn root_key<'v>(&mut self, shape: &'v Shape, next: usize) -> Option<Key<'v>> {
        self.json.open_string()?;
        let built_ins = [BUILT_INS[0], BUILT_INS[1], BUILT_INS[2], SCHEMA_FIELD];
        if let Some(index) = built_ins.iter().position(|name| self.json.string_is(name)) {
            // The built-ins' names are plain.
            return Some(Key::BuiltIn(index));
        }
        if let Some((index, node)) = self.guess_key(shape, next) {
            return Some(Key::Field(index, node));
        }
        // The key is written with escapes, or is not allowed here.
        let key = self.json.string_body()?;
        if let Some(index) = built_ins.iter().position(|name| same(name, key)) {
            return Some(Key::BuiltIn(index));
        }
        field(shape, key).map(|(index, node)| Key::Field(index, node))
    }

    /// Reads a key of an object of `shape`, expecting field `next` first (fields mostly
    /// come in the vocabulary's order).
    fn key<'v>(&mut self, shape: &'v Shape, next: usize) -> Option<(usize, &'v Node)> {
        self.json.open_string()?;
        match self.guess_key(shape, next) {
            Some(found) => Some(found),
            None => field(shape, self.json.string_body()?),
        }
    }

    /// The field of `shape` whose name is the key about to be read written plainly,
    /// trying field `next` first, then all in turn; the key is then read.
    #[inline]
    fn guess_key<'v>(&mut self, shape: &'v Shape, next: usize) -> Option<(usize, &'v Node)> {
        if !self.vocabulary.plain_names {
            return None;
        }
        if let Some((name, node)) = shape.fields.get_index(next)
            && self.json.string_is(name)
        {
            return Some((next, node));
        }
        let mut fields = shape.fields.iter().enumerate();
        fields.find(|(_, (name, _))| self.json.string_is(name)).map(|(index, (_, node))| (index, node))
    }

    /// `name`, `id`, `assessed_on` or `$schema`: a string or `null`. (An `id` given as a
    /// number is kept as written: the full loader does that.)
    fn built_in(&mut self, index: usize, case: &mut Case) -> Option<()> {
        if self.json.null()? {
            return Some(());
        }
        let text = self.json.string()?;
        match index {
            0 => case.name = Some(text.to_string()),
            1 => case.id = Some(text.to_string()),
            2 => case.assessed_on = Some(Date::parse(text).ok()?),
            _ => {}
        }
        Some(())
    }

    /// A field's value: a nested object (or `null`) or a fact, written into `slots`. The
    /// recursion through nested objects goes as deep as the vocabulary's paths, at most
    /// [`crate::rulebase::MAX_PATH_SEGMENTS`] levels (and a list's items one more).
    // In line in `object`, so that reading a fact costs no call of its own.
    #[inline(always)]
    fn node(&mut self, node: &Node, slots: &mut [Option<Value>]) -> Option<()> {
        match node {
            Node::Object(_) if self.json.null()? => Some(()),
            Node::Object(shape) => self.object(shape, slots),
            Node::Fact(id) => {
                let fact = self.vocabulary.fact(*id);
                let slot = match fact.place {
                    Place::Case { slot } | Place::Field { slot, .. } => slot,
                };
                self.fact(fact, slots.get_mut(slot)?)
            }
        }
    }

    /// An object of `shape` (not `null`), its facts written into `slots`.
    fn object(&mut self, shape: &Shape, slots: &mut [Option<Value>]) -> Option<()> {
        if self.json.open_object()? {
            return Some(());
        }
        let mut seen = Seen::default();
        let mut next = 0;
        loop {
            let (index, node) = self.key(shape, next)?;
            if seen.again(index) {
                return None;
            }
            next = index + 1;
            self.json.colon()?;
            self.node(node, slots)?;
            if !self.json.next_member()? {
                return Some(());
            }
        }
    }

    /// The value of one fact, checked against its type and written into its cell (left
    /// unknown for `null`, and for a fact nothing reads).
    // In line in `object` (through `node`): called once per member, it would save and
    // restore six registers each time.
    #[inline(always)]
    fn fact(&mut self, fact: &Fact, cell: &mut Option<Value>) -> Option<()> {
        if self.json.null()? {
            return Some(());
        }
        let keep = fact.in_use;
        let value = match &fact.ty {
            Type::Bool => Value::Bool(self.json.bool()?),
            Type::Number => Value::Number(self.json.number()?),
            Type::Text if keep => Value::Text(self.json.string()?.to_string()),
            Type::Text => return self.json.string().map(|_| ()),
            Type::Date => Value::Date(Date::parse(self.json.string()?).ok()?),
            // Checked: nothing bounds the number of an enumeration's values below `u32::MAX`
            // (the checker does not count them, and `ACCORD_MAX_RULE_BASE_BYTES` may raise
            // the size limit of a rule base without end). Past it the fast path gives up and
            // the full loader reads the case. The check costs 49 instructions a case in
            // `parse_case`, 0.4% (callgrind, 2,000 fixture lines, `--format jsonl`).
            Type::Enum(values) => Value::Enum(u32::try_from(self.enum_value(values)?).ok()?),
            Type::TextList => Value::TextList(self.text_list(keep)?),
            Type::Records(record) => Value::Records(self.records(record, keep)?),
        };
        // The cell is already empty, the field being given only once.
        if keep {
            *cell = Some(value);
        }
        Some(())
    }

    /// One of `values`: its index.
    fn enum_value(&mut self, values: &[String]) -> Option<usize> {
        self.json.open_string()?;
        if self.vocabulary.plain_names
            && let Some(index) = values.iter().position(|value| self.json.string_is(value))
        {
            return Some(index);
        }
        // Written with escapes, or not one of the values.
        let text = self.json.string_body()?;
        values.iter().position(|value| same(value, text))
    }

    /// A list of strings (empty if nothing reads it: its items are only checked).
    fn text_list(&mut self, keep: bool) -> Option<Vec<String>> {
        if self.json.open_array()? {
            return Some(Vec::new());
        }
        // Lists are short: room for a few spares growing from nothing.
        let mut list = Vec::with_capacity(if keep { 4 } else { 0 });
        loop {
            let text = self.json.string()?;
            if keep {
                list.push(text.to_string());
            }
            if !self.json.next_item()? {
                return Some(list);
            }
        }
    }

    /// A list of records, each an object of the record's fields (never `null`). If
    /// nothing reads the list, each is read into one scratch record (what one leaves
    /// there is dropped with it) rather than allocated, and none is kept.
    fn records(&mut self, record: &RecordType, keep: bool) -> Option<Vec<Vec<Option<Value>>>> {
        if self.json.open_array()? {
            return Some(Vec::new());
        }
        let mut records = Vec::with_capacity(if keep { 4 } else { 0 });
        let mut scratch = if keep { Vec::new() } else { empty_slots(record.slots) };
        loop {
            if keep {
                let mut slots = empty_slots(record.slots);
                self.object(&record.shape, &mut slots)?;
                records.push(slots);
            } else {
                self.object(&record.shape, &mut scratch)?;
            }
            if !self.json.next_item()? {
                return Some(records);
            }
        }
    }
}
