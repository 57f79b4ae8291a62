//! Property tests: generated rule files, conditions, rule bases and cases, checked against
//! laws that must hold for every input.
//!
//! The generators draw their choices from a vector of numbers that proptest generates and
//! shrinks (see [`Entropy`]): a shorter vector, or smaller numbers, give a simpler input, so
//! a failure is reported on a small example. Each property runs a fixed number of cases
//! (`ProptestConfig::cases`), chosen so that the whole file runs in a few seconds.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use accord::eval::OutcomeKind;
use accord::format::format_rule_file;
use accord::rulebase::{Node, Shape, Type, Vocabulary};
use accord::{Date, RuleBase, RuleFiles, Truth};
use proptest::prelude::*;

mod common;

use common::rules::{FACT_C, FACTS_A_B, SOURCE_S, compile};
use common::scratch;
use common::seeds::config;
use serde_json::{Map, Value as Json, json};

// ----- choices -----

/// The choices of a generator, read one number at a time. When the numbers run out every
/// choice is 0, which the generators make the simplest option (the first of a list, no,
/// stop), so every generated input is finite and shrinking makes it simpler.
struct Entropy<'a> {
    numbers: &'a [u32],
    at: usize,
}

impl<'a> Entropy<'a> {
    fn new(numbers: &'a [u32]) -> Self {
        Entropy { numbers, at: 0 }
    }

    fn next(&mut self) -> u32 {
        let n = self.numbers.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        n
    }

    /// A number from 0 to `n - 1`.
    fn below(&mut self, n: usize) -> usize {
        self.next() as usize % n
    }

    /// True with the given chance, in percent (false when the choices have run out).
    fn chance(&mut self, percent: u32) -> bool {
        self.next() % 100 + percent >= 100
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())].clone()
    }
}

fn choices(max: usize) -> impl Strategy<Value = Vec<u32>> {
    prop::collection::vec(any::<u32>(), 0..max)
}

// ===== 1. The formatter =====

/// One token of a generated rule file; `tight` tokens (brackets, commas, comparison
/// symbols) may be written against their neighbours without a space.
#[derive(Clone, Debug)]
struct Tok {
    text: String,
    tight: bool,
}

fn word(text: impl Into<String>) -> Tok {
    Tok { text: text.into(), tight: false }
}

fn punct(text: &str) -> Tok {
    Tok { text: text.into(), tight: true }
}

/// The tokens of `text`, separated by spaces (a string in double quotes is one token).
fn words(text: &str) -> Vec<Tok> {
    let mut tokens: Vec<Tok> = Vec::new();
    let mut in_string = false;
    for w in text.split(' ') {
        match tokens.last_mut() {
            Some(last) if in_string => {
                last.text.push(' ');
                last.text.push_str(w);
            }
            _ => tokens.push(if is_punct(w) { punct(w) } else { word(w) }),
        }
        in_string ^= w.matches('"').count() % 2 == 1;
    }
    tokens
}

fn is_punct(w: &str) -> bool {
    matches!(w, "(" | ")" | "[" | "]" | "," | "==" | "!=" | "<=" | ">=" | "<" | ">")
}

/// A generated rule file: its text, and the comments written in it.
struct GeneratedFile {
    text: String,
    comments: Vec<String>,
}

/// Writes rule files from a small grammar of the language: every kind of item, rules with
/// their clauses in any order, conditions from every construct, texts with interpolations,
/// escapes and line breaks, comments anywhere a comment may go, and odd white space (tabs,
/// CRLF, lines that start at column 0 inside an item, several items on one line).
struct FileGen<'e, 'n> {
    e: &'e mut Entropy<'n>,
    comments: Vec<String>,
}

const TEXT_WORDS: [&str; 14] = [
    "Mergers",
    "can",
    "stall",
    "development",
    "18",
    "months",
    "é",
    "“quoted”",
    "#",
    "50%",
    "(a)",
    "x,y",
    "--",
    "'single'",
];

impl FileGen<'_, '_> {
    fn file(&mut self) -> GeneratedFile {
        let mut text = String::new();
        if self.e.chance(30) {
            let comment = self.comment();
            text.push_str(&comment);
            text.push('\n');
        }
        if self.e.chance(20) {
            text.push_str(self.e.pick(&["\n", "\n\n", "  ", "\t\n"]));
        }
        let count = 1 + self.e.below(6);
        for index in 0..count {
            if index > 0 {
                let between = self.between_items();
                text.push_str(&between);
            }
            let tokens = self.item();
            self.join(&tokens, &mut text);
        }
        if self.e.chance(30) {
            let tail =
                self.e.pick(&["\n", "\n\n\n", "   ", "\n# the end", "  # the end\n", "\r\n"]).to_string();
            if tail.contains('#') {
                self.comments.push("# the end".into());
            }
            text.push_str(&tail);
        }
        GeneratedFile { text, comments: std::mem::take(&mut self.comments) }
    }

    /// A comment, remembered so that the test can find it in the formatted file.
    fn comment(&mut self) -> String {
        let bodies = [
            "# a comment",
            "#no space",
            "# \"a quote in a comment",
            "# braces {x} and # hashes",
            "# rule r when a",
            "#",
            "# ünïcödé “quotes”",
        ];
        let body = format!("{} {}", self.e.pick(&bodies), self.comments.len());
        self.comments.push(body.clone());
        body
    }

    fn between_items(&mut self) -> String {
        match self.e.below(7) {
            0 => "\n\n".into(),
            1 => "\n".into(),
            2 => "\n\n\n\n".into(),
            3 => format!("\n{}\n", self.comment()),
            4 => format!("\n\n  {}\n\n", self.comment()),
            5 => " ".into(),
            _ => "\r\n\r\n".into(),
        }
    }

    /// Writes `tokens` with generated white space between them.
    fn join(&mut self, tokens: &[Tok], out: &mut String) {
        for (i, tok) in tokens.iter().enumerate() {
            if i > 0 {
                let tight = tok.tight || tokens[i - 1].tight;
                let sep = self.separator(tight);
                out.push_str(&sep);
            }
            out.push_str(&tok.text);
        }
    }

    fn separator(&mut self, tight: bool) -> String {
        match self.e.below(24) {
            0..=11 => " ".into(),
            12 => "  ".into(),
            13 => "\t".into(),
            14 => "\n  ".into(),
            15 => "\n     ".into(),
            16 => "\n".into(),
            17 => "\n\n    ".into(),
            18 => format!("  {}\n   ", self.comment()),
            19 => format!("\n{}\n  ", self.comment()),
            20 if tight => String::new(),
            20 => " ".into(),
            21 => "\r\n\t".into(),
            22 => " \t \n\t".into(),
            _ => "   ".into(),
        }
    }

    fn item(&mut self) -> Vec<Tok> {
        match self.e.below(7) {
            0 => self.rule(),
            1 => self.fact(),
            2 => self.source(),
            3 => self.definition(),
            4 => self.evidence_scale(),
            5 => self.lessons(),
            _ => self.rule(),
        }
    }

    fn name(&mut self) -> String {
        self.e.pick(&["r1", "r2", "merger_stalls", "_x", "S4", "a2b"]).to_string()
    }

    fn rule(&mut self) -> Vec<Tok> {
        let mut tokens = vec![word("rule"), word(self.name())];
        let mut clauses: Vec<Vec<Tok>> = Vec::new();
        let mut when = vec![word("when")];
        when.extend(self.condition(3));
        clauses.push(when);
        let mut advice = vec![word(self.e.pick(&["warn", "recommend", "note"]).to_string())];
        advice.push(word(self.string(true)));
        advice.push(word(self.string(true)));
        clauses.push(advice);
        for _ in 0..1 + self.e.below(2) {
            clauses.push(self.citation());
        }
        if self.e.chance(40) {
            let mut lesson = vec![word("lesson"), word("S4")];
            if self.e.chance(50) {
                lesson.extend([punct(","), word("S8")]);
            }
            clauses.push(lesson);
        }
        if self.e.chance(40) {
            clauses.push(vec![
                word("evidence"),
                word(self.e.pick(&["strong", "weak", "framework"]).to_string()),
            ]);
        }
        if self.e.chance(30) {
            clauses.push(words("for each g in groups"));
        }
        if self.e.chance(20) {
            let mut overrides = vec![word("overrides"), word(self.name())];
            if self.e.chance(50) {
                overrides.extend([punct(","), word(self.name())]);
            }
            clauses.push(overrides);
        }
        if self.e.chance(10) {
            clauses.push(vec![word("contradicts"), word(self.name())]);
        }
        if self.e.chance(10) {
            clauses.push(vec![word("allow"), word("W0301"), word(self.string(false))]);
        }
        // The clauses may come in any order.
        for _ in 0..clauses.len() {
            let (a, b) = (self.e.below(clauses.len()), self.e.below(clauses.len()));
            clauses.swap(a, b);
        }
        tokens.extend(clauses.into_iter().flatten());
        tokens
    }

    fn citation(&mut self) -> Vec<Tok> {
        let mut tokens = vec![word("cite"), word(self.e.pick(&["s", "glasby_2012"]).to_string())];
        if self.e.chance(40) {
            tokens.extend([word("at"), word(self.string(false))]);
        }
        if self.e.chance(30) {
            tokens.extend([word("quote"), word(self.string(false))]);
        }
        tokens
    }

    fn fact(&mut self) -> Vec<Tok> {
        let declarations = [
            "fact b1 is true or false",
            "fact k is one of none , merger , other",
            "fact n is a number",
            "fact d is a date",
            "fact t is text",
            "fact l is a list of text",
            "fact groups is a list of records",
            "fact groups[].needs is one of mild , complex",
            "fact change.kind is one of none , merger",
        ];
        let mut tokens = words(self.e.pick(&declarations));
        if self.e.chance(60) {
            tokens.extend([word("ask"), word(self.string(true))]);
        }
        if self.e.chance(10) {
            tokens.extend([word("allow"), word("W0304"), word(self.string(false))]);
        }
        tokens
    }

    fn source(&mut self) -> Vec<Tok> {
        let mut tokens = vec![word("source"), word(self.e.pick(&["s", "glasby_2012"]).to_string())];
        let fields = [
            "authors",
            "title",
            "note",
            "in",
            "book",
            "journal",
            "volume",
            "issue",
            "pages",
            "published",
            "text",
        ];
        tokens.extend([word("authors"), word(self.string(false)), word("year"), word("2012")]);
        for _ in 0..self.e.below(4) {
            let field = self.e.pick(&fields).to_string();
            tokens.extend([word(field), word(self.string(false))]);
        }
        if self.e.chance(15) {
            tokens.extend([word("allow"), word("W0303"), word(self.string(false))]);
        }
        tokens
    }

    fn definition(&mut self) -> Vec<Tok> {
        let mut tokens =
            vec![word("define"), word(self.e.pick(&["stall_ends", "recent", "most"]).to_string())];
        tokens.push(word("as"));
        if self.e.chance(50) {
            tokens.extend(self.value());
        } else {
            tokens.extend(self.condition(2));
        }
        tokens
    }

    fn evidence_scale(&mut self) -> Vec<Tok> {
        let mut tokens = words("evidence scale");
        for key in ["strong", "weak", "framework"].iter().take(1 + self.e.below(3)) {
            tokens.extend([word(*key), word(self.string(false))]);
        }
        tokens
    }

    fn lessons(&mut self) -> Vec<Tok> {
        let mut tokens = vec![word("lessons")];
        for id in ["S4", "S8"].iter().take(1 + self.e.below(2)) {
            tokens.extend([word(*id), word(self.string(false))]);
        }
        tokens
    }

    /// A condition, at most `depth` levels of `and`/`or`/`not`/brackets/quantifiers deep.
    fn condition(&mut self, depth: u32) -> Vec<Tok> {
        if depth == 0 {
            return self.atom();
        }
        match self.e.below(7) {
            0 | 1 => self.atom(),
            2 => {
                // A chain, without brackets: the parser's precedence decides.
                let mut tokens = self.operand(depth - 1);
                for _ in 0..1 + self.e.below(3) {
                    tokens.push(word(self.e.pick(&["and", "or"])));
                    tokens.extend(self.operand(depth - 1));
                }
                tokens
            }
            3 => {
                let mut tokens = vec![word("not")];
                tokens.extend(self.operand(depth - 1));
                tokens
            }
            4 => {
                let quantifier = self.e.pick(&["any", "all"]).to_string();
                let mut tokens = vec![word(quantifier), word("g"), word("in"), word("groups"), word("where")];
                tokens.extend(self.operand(depth - 1));
                tokens
            }
            5 => {
                let mut tokens = vec![punct("(")];
                tokens.extend(self.condition(depth - 1));
                tokens.push(punct(")"));
                tokens
            }
            _ => {
                let mut tokens = words("( count g in groups where");
                tokens.extend(self.operand(depth - 1));
                tokens.extend(words(") >= 2"));
                tokens
            }
        }
    }

    /// A test, or a bracketed condition: what `not` and `where` apply to.
    fn operand(&mut self, depth: u32) -> Vec<Tok> {
        if depth == 0 || !self.e.chance(40) {
            return self.atom();
        }
        let mut tokens = vec![punct("(")];
        tokens.extend(self.condition(depth - 1));
        tokens.push(punct(")"));
        tokens
    }

    fn atom(&mut self) -> Vec<Tok> {
        let atoms = [
            "b1",
            "k is merger",
            "k is not none",
            "k == merger",
            "k != other",
            "k in [ merger , other ]",
            "k is in [ none ]",
            "k not in [ merger ]",
            "k is not in [ none , other ]",
            "n > 3",
            "n is at least 2.5",
            "n is less than 10",
            "n + 1 <= 5",
            "n - 2 is more than 0",
            "n is at most 1000000",
            "d is before 2013-04-01",
            "as_of is on or after d + 18 months",
            "as_of is before d - 2 weeks",
            "months between d and as_of >= 5",
            "d is after as_of - 1 year",
            "d is on or before 2014-01-31",
            "d is not before 2012-02-29",
            "t is \"save money\"",
            "\"save money\" in l",
            "l contains \"x\"",
            "\"y\" not in l",
            "d is known",
            "t is unknown",
            "n is not known",
            "groups is not unknown",
            "g.needs is complex",
            "count of groups is at least 1",
            "( highest g.needs for g in groups ) is at least complex",
            "( lowest g.needs for g in groups ) == mild",
            "12 months is 1 year",
            "true",
            "false",
            "change.kind is merger",
        ];
        words(self.e.pick(&atoms))
    }

    /// A value (for `define x as ...` and interpolations).
    fn value(&mut self) -> Vec<Tok> {
        let values = [
            "d + 18 months",
            "months between d and as_of",
            "count of groups - 1",
            "n",
            "highest g.needs for g in groups",
            "count g in groups where g.needs is complex",
            "as_of",
            "l",
        ];
        words(self.e.pick(&values))
    }

    /// A string literal, with its quotes. `interpolate`: a title, text or question, where
    /// `{expression}` is replaced by a value; elsewhere braces are plain characters.
    fn string(&mut self, interpolate: bool) -> String {
        let mut s = String::from("\"");
        for _ in 0..self.e.below(8) {
            match self.e.below(12) {
                0..=3 => s.push_str(self.e.pick(&TEXT_WORDS)),
                4 => s.push_str(self.e.pick(&[" ", "  ", "\t"])),
                5 => s.push_str(self.e.pick(&["\n", "\n     ", "\n\n   ", "   \n  ", "\r\n "])),
                6 => s.push_str(self.e.pick(&["\\\"", "\\\\", "\\{", "\\}", "\\n", "\\n\\n"])),
                7 if interpolate => {
                    let mut expr = if self.e.chance(50) { self.value() } else { self.condition(1) };
                    if self.e.chance(30) {
                        expr = words("d + 18 months as month");
                    }
                    s.push('{');
                    s.push_str(&expr.iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join(" "));
                    s.push('}');
                }
                7 => s.push_str("{not interpolated}"),
                _ => {
                    s.push(' ');
                    s.push_str(self.e.pick(&TEXT_WORDS));
                }
            }
        }
        s.push('"');
        s
    }
}

fn generated_file(numbers: &[u32]) -> GeneratedFile {
    let mut e = Entropy::new(numbers);
    FileGen { e: &mut e, comments: Vec::new() }.file()
}

proptest! {
    #![proptest_config(config(256))]

    /// format(format(x)) == format(x), and format(x) parses to the same syntax tree as x
    /// (equality ignores spans), keeping every comment.
    #[test]
    fn the_formatter_is_idempotent_and_keeps_meaning_on_generated_rule_files(numbers in choices(600)) {
        let file = generated_file(&numbers);
        let src = &file.text;
        let (before, errors) = accord::syntax::parse_file("gen.accord", src);
        prop_assert!(errors.is_empty(), "the generator wrote a file that does not parse: {errors:?}\n{src}");
        let once = format_rule_file("gen.accord", src)
            .map_err(|e| TestCaseError::fail(format!("{e:?}\n--- input ---\n{src}")))?;
        let twice = format_rule_file("gen.accord", &once)
            .map_err(|e| TestCaseError::fail(format!("{e:?}\n--- formatted ---\n{once}")))?;
        prop_assert_eq!(&twice, &once, "not idempotent\n--- input ---\n{}", src);
        let (after, errors) = accord::syntax::parse_file("gen.accord", &once);
        prop_assert!(errors.is_empty(), "{errors:?}\n--- formatted ---\n{once}");
        prop_assert!(after == before, "the meaning changed\n--- input ---\n{src}\n--- formatted ---\n{once}");
        for comment in &file.comments {
            prop_assert!(once.contains(comment.as_str()), "lost {comment:?}\n--- formatted ---\n{once}");
        }
    }
}

// ===== 2. Three-valued logic =====

const TRUTHS: [Truth; 3] = [Truth::True, Truth::False, Truth::Unknown];

/// Kleene's tables (docs/language.md, section 8), written out.
fn kleene_and(a: Truth, b: Truth) -> Truth {
    use Truth::*;
    match (a, b) {
        (False, _) | (_, False) => False,
        (True, True) => True,
        _ => Unknown,
    }
}

/// The laws over every combination of three truth values: an exhaustive check of the 27
/// cases, stronger than sampling them.
#[test]
fn the_three_valued_logic_obeys_its_laws_for_every_truth_value() {
    for p in TRUTHS {
        assert_eq!(p.not().not(), p, "double negation");
        assert_eq!(p.and(Truth::True), p, "identity of and");
        assert_eq!(p.or(Truth::False), p, "identity of or");
        assert_eq!(p.and(Truth::False), Truth::False, "domination of and");
        assert_eq!(p.or(Truth::True), Truth::True, "domination of or");
        assert_eq!(p.and(p), p, "idempotence of and");
        assert_eq!(p.or(p), p, "idempotence of or");
        // Kleene logic has no excluded middle: `p or not p` is unknown when p is.
        let excluded_middle = if p == Truth::Unknown { Truth::Unknown } else { Truth::True };
        assert_eq!(p.or(p.not()), excluded_middle);
        for q in TRUTHS {
            assert_eq!(p.and(q), kleene_and(p, q), "the table of and at {p:?}, {q:?}");
            assert_eq!(p.or(q), kleene_and(p.not(), q.not()).not(), "the table of or at {p:?}, {q:?}");
            assert_eq!(p.and(q).not(), p.not().or(q.not()), "De Morgan (and) at {p:?}, {q:?}");
            assert_eq!(p.or(q).not(), p.not().and(q.not()), "De Morgan (or) at {p:?}, {q:?}");
            assert_eq!(p.or(p.and(q)), p, "absorption (or) at {p:?}, {q:?}");
            assert_eq!(p.and(p.or(q)), p, "absorption (and) at {p:?}, {q:?}");
            assert_eq!(p.and(q), q.and(p), "commutativity of and");
            assert_eq!(p.or(q), q.or(p), "commutativity of or");
            for r in TRUTHS {
                assert_eq!(p.and(q.and(r)), p.and(q).and(r), "associativity of and");
                assert_eq!(p.or(q.or(r)), p.or(q).or(r), "associativity of or");
                assert_eq!(p.and(q.or(r)), p.and(q).or(p.and(r)), "distributivity of and");
                assert_eq!(p.or(q.and(r)), p.or(q).and(p.or(r)), "distributivity of or");
            }
        }
    }
}

/// The rule base's vocabulary for conditions over a few true-or-false and `one of` facts.
fn logic_vocabulary() -> String {
    [SOURCE_S, FACTS_A_B, FACT_C, "fact k is one of none, merger, other\n  ask \"What kind?\"\n"].concat()
}

const KINDS: [&str; 3] = ["none", "merger", "other"];

/// A case over the facts of [`logic_vocabulary`]: `None` is unknown.
#[derive(Clone, Debug, PartialEq)]
struct LogicCase {
    a: Option<bool>,
    b: Option<bool>,
    c: Option<bool>,
    k: Option<usize>,
    /// Whether an unknown fact is written as `null` (otherwise it is left out).
    nulls: bool,
}

impl LogicCase {
    fn generate(e: &mut Entropy) -> LogicCase {
        let flag = |e: &mut Entropy| match e.below(3) {
            0 => None,
            1 => Some(true),
            _ => Some(false),
        };
        let (a, b, c) = (flag(e), flag(e), flag(e));
        let k = match e.below(4) {
            0 => None,
            n => Some(n - 1),
        };
        LogicCase { a, b, c, k, nulls: e.chance(50) }
    }

    fn json(&self) -> String {
        let mut object = Map::new();
        let values = [
            ("a", self.a.map(Json::Bool)),
            ("b", self.b.map(Json::Bool)),
            ("c", self.c.map(Json::Bool)),
            ("k", self.k.map(|k| json!(KINDS[k]))),
        ];
        for (name, value) in values {
            if value.is_some() || self.nulls {
                object.insert(name.into(), value.unwrap_or(Json::Null));
            }
        }
        Json::Object(object).to_string()
    }

    /// The facts this case leaves unknown, with every value each could take.
    fn unknowns(&self) -> Vec<(&'static str, Vec<LogicCase>)> {
        let mut out = Vec::new();
        let with = |f: &dyn Fn(&mut LogicCase)| {
            let mut case = self.clone();
            f(&mut case);
            case
        };
        if self.a.is_none() {
            out.push(("a", vec![with(&|c| c.a = Some(true)), with(&|c| c.a = Some(false))]));
        }
        if self.b.is_none() {
            out.push(("b", vec![with(&|c| c.b = Some(true)), with(&|c| c.b = Some(false))]));
        }
        if self.c.is_none() {
            out.push(("c", vec![with(&|c| c.c = Some(true)), with(&|c| c.c = Some(false))]));
        }
        if self.k.is_none() {
            out.push(("k", (0..KINDS.len()).map(|k| with(&|c| c.k = Some(k))).collect()));
        }
        out
    }
}

/// A condition over the facts of [`logic_vocabulary`], with its value computed by
/// [`accord::Truth`] alone, to compare with what the engine makes of it.
#[derive(Clone, Debug)]
enum Cond {
    /// One of [`ATOMS`].
    Atom(usize),
    Const(bool),
    /// A derived fact, `define d1 as ...`.
    Derived,
    Not(Box<Cond>),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
}

const ATOMS: [&str; 7] = ["a", "b", "c", "k is merger", "k in [none, other]", "k is not none", "a is known"];

impl Cond {
    /// A condition at most `depth` operators deep, from the first `atoms` of [`ATOMS`],
    /// constants and (if `derived`) the derived fact `d1`.
    fn generate(e: &mut Entropy, depth: u32, atoms: usize, derived: bool) -> Cond {
        let choice = if depth == 0 { 0 } else { e.below(6) };
        let sub = |e: &mut Entropy| Box::new(Cond::generate(e, depth - 1, atoms, derived));
        match choice {
            0 | 1 => match e.below(12) {
                10 => Cond::Const(e.chance(50)),
                11 if derived => Cond::Derived,
                n => Cond::Atom(n % atoms),
            },
            2 => Cond::Not(sub(e)),
            3 | 4 => Cond::And(sub(e), sub(e)),
            _ => Cond::Or(sub(e), sub(e)),
        }
    }

    /// As a rule file writes it, brackets around every part that is not a single test.
    fn render(&self) -> String {
        match self {
            Cond::Atom(i) => ATOMS[*i].to_string(),
            Cond::Const(b) => b.to_string(),
            Cond::Derived => "d1".into(),
            Cond::Not(p) => format!("not {}", p.bracketed()),
            Cond::And(p, q) => format!("{} and {}", p.bracketed(), q.bracketed()),
            Cond::Or(p, q) => format!("{} or {}", p.bracketed(), q.bracketed()),
        }
    }

    fn bracketed(&self) -> String {
        match self {
            Cond::Atom(_) | Cond::Const(_) | Cond::Derived => self.render(),
            _ => format!("({})", self.render()),
        }
    }

    /// The value by Kleene's tables, from the values of the tests.
    fn truth(&self, case: &LogicCase, derived: Option<&Cond>) -> Truth {
        let of = |b: Option<bool>| match b {
            Some(true) => Truth::True,
            Some(false) => Truth::False,
            None => Truth::Unknown,
        };
        match self {
            Cond::Atom(0) => of(case.a),
            Cond::Atom(1) => of(case.b),
            Cond::Atom(2) => of(case.c),
            Cond::Atom(3) => of(case.k.map(|k| KINDS[k] == "merger")),
            Cond::Atom(4) => of(case.k.map(|k| KINDS[k] != "merger")),
            Cond::Atom(5) => of(case.k.map(|k| KINDS[k] != "none")),
            Cond::Atom(6) => of(Some(case.a.is_some())),
            Cond::Atom(_) => unreachable!("one of ATOMS"),
            Cond::Const(b) => of(Some(*b)),
            Cond::Derived => derived.expect("a definition").truth(case, None),
            Cond::Not(p) => p.truth(case, derived).not(),
            Cond::And(p, q) => p.truth(case, derived).and(q.truth(case, derived)),
            Cond::Or(p, q) => p.truth(case, derived).or(q.truth(case, derived)),
        }
    }
}

fn not(p: &Cond) -> Cond {
    Cond::Not(Box::new(p.clone()))
}

fn and(p: &Cond, q: &Cond) -> Cond {
    Cond::And(Box::new(p.clone()), Box::new(q.clone()))
}

fn or(p: &Cond, q: &Cond) -> Cond {
    Cond::Or(Box::new(p.clone()), Box::new(q.clone()))
}

/// A rule base of [`logic_vocabulary`] and one rule `r0`, `r1`, ... per condition; a rule
/// may override earlier ones, and `define d1 as ...` may be given.
fn logic_rule_base(conditions: &[Cond], overrides: &[Vec<usize>], definition: Option<&Cond>) -> RuleBase {
    let mut rules = String::new();
    if let Some(definition) = definition {
        rules.push_str(&format!("define d1 as {}\n\n", definition.render()));
    }
    for (i, condition) in conditions.iter().enumerate() {
        rules.push_str(&format!("rule r{i}\n  when {}\n", condition.render()));
        if let Some(overridden) = overrides.get(i).filter(|o| !o.is_empty()) {
            let ids: Vec<String> = overridden.iter().map(|j| format!("r{j}")).collect();
            rules.push_str(&format!("  overrides {}\n", ids.join(", ")));
        }
        rules.push_str("  note \"t\" \"x\"\n  cite s\n\n");
    }
    compile(&logic_vocabulary(), &rules)
}

fn as_of() -> Date {
    Date::parse("2013-09-01").expect("a date")
}

fn parse(rule_base: &RuleBase, case: &LogicCase) -> accord::Case {
    accord::parse_case("case.json", &case.json(), &rule_base.vocabulary).expect("a valid case")
}

/// The truth of each rule's condition, as the engine evaluates it.
fn engine_truths(rule_base: &RuleBase, case: &LogicCase) -> Vec<Truth> {
    rule_base.evaluate(&parse(rule_base, case), as_of()).into_iter().map(|o| o.truth).collect()
}

proptest! {
    #![proptest_config(config(96))]

    /// Through the engine: for generated conditions p, q, r over unknown, true and false
    /// facts, each rule's outcome is what Kleene's tables give, and the two sides of each
    /// law give the same outcome (De Morgan, absorption, identity, domination, double
    /// negation, distributivity, commutativity).
    #[test]
    fn the_engine_s_three_valued_logic_obeys_its_laws_on_generated_conditions(numbers in choices(200)) {
        let mut e = Entropy::new(&numbers);
        let p = Cond::generate(&mut e, 3, ATOMS.len(), false);
        let q = Cond::generate(&mut e, 2, ATOMS.len(), false);
        let r = Cond::generate(&mut e, 2, ATOMS.len(), false);
        let (t, f) = (Cond::Const(true), Cond::Const(false));
        let laws: Vec<(&str, Cond, Cond)> = vec![
            ("De Morgan (and)", not(&and(&p, &q)), or(&not(&p), &not(&q))),
            ("De Morgan (or)", not(&or(&p, &q)), and(&not(&p), &not(&q))),
            ("absorption (or)", or(&p, &and(&p, &q)), p.clone()),
            ("absorption (and)", and(&p, &or(&p, &q)), p.clone()),
            ("identity (and)", and(&p, &t), p.clone()),
            ("identity (or)", or(&p, &f), p.clone()),
            ("domination (and)", and(&p, &f), f.clone()),
            ("domination (or)", or(&p, &t), t.clone()),
            ("double negation", not(&not(&p)), p.clone()),
            ("distributivity", and(&p, &or(&q, &r)), or(&and(&p, &q), &and(&p, &r))),
            ("commutativity", and(&p, &q), and(&q, &p)),
        ];
        let conditions: Vec<Cond> = laws.iter().flat_map(|(_, lhs, rhs)| [lhs.clone(), rhs.clone()]).collect();
        let rule_base = logic_rule_base(&conditions, &[], None);
        for _ in 0..4 {
            let case = LogicCase::generate(&mut e);
            let truths = engine_truths(&rule_base, &case);
            for (i, condition) in conditions.iter().enumerate() {
                prop_assert_eq!(truths[i], condition.truth(&case, None),
                    "`{}` for {}", condition.render(), case.json());
            }
            for (i, (law, lhs, rhs)) in laws.iter().enumerate() {
                prop_assert_eq!(truths[2 * i], truths[2 * i + 1],
                    "{}: `{}` and `{}` differ for {}", law, lhs.render(), rhs.render(), case.json());
            }
        }
    }
}

// ===== 3. Questions =====

/// How a rule came out, as far as advice goes: fired (advice given), decided without advice
/// (not fired, or overridden), or undetermined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Fired,
    NoAdvice,
    Undetermined,
}

fn class(kind: OutcomeKind) -> Class {
    match kind {
        OutcomeKind::Fired => Class::Fired,
        OutcomeKind::NotFired | OutcomeKind::Overridden => Class::NoAdvice,
        OutcomeKind::Unknown => Class::Undetermined,
    }
}

fn outcomes(rule_base: &RuleBase, case: &LogicCase) -> Vec<OutcomeKind> {
    rule_base.explain(&parse(rule_base, case), as_of(), &[]).into_iter().map(|e| e.outcome).collect()
}

proptest! {
    #![proptest_config(config(128))]

    /// On generated rule bases (one to four rules over true-or-false and `one of` facts,
    /// some overriding others, perhaps reading a derived fact) and generated cases, the
    /// questions are exactly the unknown facts some value of which changes some rule's
    /// outcome as `explain` reports it, found by trying every value of each.
    ///
    /// Overridden and not fired count as the same outcome here: neither gives advice, and
    /// a question that could only turn an overridden rule into one that does not fire is
    /// not asked (docs/language.md, 7.12).
    #[test]
    fn questions_are_exactly_the_relevant_unknown_facts(numbers in choices(200)) {
        let mut e = Entropy::new(&numbers);
        let count = 1 + e.below(4);
        // Rules may override earlier ones, in chains (no cycle: those are refused).
        let overrides: Vec<Vec<usize>> =
            (0..count).map(|i| (0..i).filter(|_| e.chance(30)).collect()).collect();
        // Presence tests (`a is known`), except with a chain of overrides: see
        // `a_presence_test_overridden_in_a_chain_asks_nothing`.
        let chain = (0..count).any(|i| !overrides[i].is_empty() && overrides.iter().any(|o| o.contains(&i)));
        let atoms = if chain { ATOMS.len() - 1 } else { ATOMS.len() };
        let definition = e.chance(30).then(|| Cond::generate(&mut e, 2, atoms, false));
        let conditions: Vec<Cond> =
            (0..count).map(|_| Cond::generate(&mut e, 3, atoms, definition.is_some())).collect();
        let rule_base = logic_rule_base(&conditions, &overrides, definition.as_ref());
        for _ in 0..3 {
            let case = LogicCase::generate(&mut e);
            let base: Vec<Class> = outcomes(&rule_base, &case).into_iter().map(class).collect();
            let mut relevant = BTreeSet::new();
            for (fact, alternatives) in case.unknowns() {
                for alternative in alternatives {
                    let classes: Vec<Class> = outcomes(&rule_base, &alternative).into_iter().map(class).collect();
                    if classes != base {
                        relevant.insert(fact.to_string());
                    }
                }
            }
            let parsed = parse(&rule_base, &case);
            // The facts the advice given reads are not asked about (`a is known` firing).
            for read in rule_base.unknowns_read_by_advice(&parsed, as_of()) {
                relevant.remove(&read);
            }
            let report = rule_base.advise(&parsed, as_of());
            let asked: BTreeSet<String> = report.questions.iter().map(|q| q.fact.clone()).collect();
            let shown: Vec<String> = conditions.iter().map(Cond::render).collect();
            prop_assert_eq!(&asked, &relevant,
                "rules {:?}, overrides {:?}, define {:?}, case {}",
                shown, overrides, definition.as_ref().map(Cond::render), case.json());
            // Each fact is asked about once.
            prop_assert_eq!(asked.len(), report.questions.len());
        }
    }
}

// ===== 4. Determinism =====

fn shipped() -> &'static RuleBase {
    static RULES: std::sync::OnceLock<RuleBase> = std::sync::OnceLock::new();
    RULES.get_or_init(|| RuleFiles::embedded().compile().rule_base.expect("the shipped rules check"))
}

const TEXTS: [&str; 8] = [
    "save money",
    "integrate care",
    "",
    "Ünïcode “quotes” and \"escapes\"",
    "a\nb",
    "{braces}",
    "x",
    "  spaced  ",
];

/// A case over the shipped vocabulary: a random subset of the fields at every level, each
/// a value of its type or `null`.
fn generated_case(e: &mut Entropy, vocabulary: &Vocabulary) -> Json {
    let mut case = object_of(e, &vocabulary.root, vocabulary);
    if let Json::Object(fields) = &mut case {
        if e.chance(60) {
            fields.insert("name".into(), json!(format!("Case {}", e.below(1000))));
        }
        if e.chance(20) {
            fields.insert("id".into(), if e.chance(50) { json!(e.below(100)) } else { json!("c-1") });
        }
        // Every case gives its date, so that the advice does not depend on the day it runs.
        fields.insert("assessed_on".into(), json!(date(e)));
    }
    case
}

fn object_of(e: &mut Entropy, shape: &Shape, vocabulary: &Vocabulary) -> Json {
    let mut object = Map::new();
    for (name, node) in &shape.fields {
        if !e.chance(45) {
            continue;
        }
        let value = match node {
            _ if e.chance(10) => Json::Null,
            Node::Object(inner) => object_of(e, inner, vocabulary),
            Node::Fact(id) => value_of(e, &vocabulary.fact(*id).ty, vocabulary),
        };
        object.insert(name.clone(), value);
    }
    Json::Object(object)
}

fn value_of(e: &mut Entropy, ty: &Type, vocabulary: &Vocabulary) -> Json {
    match ty {
        Type::Bool => json!(e.chance(50)),
        Type::Text => json!(e.pick(&TEXTS)),
        Type::Number => e.pick(&[json!(0), json!(1), json!(2.5), json!(1_000_000), json!(250_000), json!(3)]),
        Type::Date => json!(date(e)),
        Type::TextList => Json::Array((0..e.below(4)).map(|_| json!(e.pick(&TEXTS))).collect()),
        Type::Records(record) => {
            Json::Array((0..e.below(4)).map(|_| object_of(e, &record.shape, vocabulary)).collect())
        }
        Type::Enum(values) => json!(e.pick(values)),
    }
}

fn date(e: &mut Entropy) -> String {
    let (year, month) = (2008 + e.below(10), 1 + e.below(12));
    let day = if e.chance(5) && month == 2 && year % 4 == 0 { 29 } else { 1 + e.below(28) };
    format!("{year}-{month:02}-{day:02}")
}

fn advise_json(files: &[&Path]) -> (Vec<u8>, Json) {
    let output = Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(["advise", "--format", "json"])
        .args(files)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{files:?}: {stderr}");
    let json = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    (output.stdout, json)
}

proptest! {
    #![proptest_config(config(256))]

    /// Through the library: a generated case is valid, and its advice (the report, and its
    /// JSON) is the same twice, and the same after advising other cases.
    #[test]
    fn advice_is_deterministic_in_the_library(numbers in choices(400)) {
        let rules = shipped();
        let mut e = Entropy::new(&numbers);
        let first = generated_case(&mut e, &rules.vocabulary).to_string();
        let other = generated_case(&mut e, &rules.vocabulary).to_string();
        let parse = |text: &str| accord::parse_case("case.json", text, &rules.vocabulary)
            .unwrap_or_else(|d| panic!("the generator wrote an invalid case: {d:?}\n{text}"));
        let (case, other) = (parse(&first), parse(&other));
        let date = case.assessed_on.expect("a date");
        let report = rules.advise(&case, date);
        let _ = rules.advise(&other, date);
        let again = rules.advise(&case, date);
        prop_assert_eq!(&report, &again);
        prop_assert_eq!(accord::report::to_json(&report), accord::report::to_json(&again));
        prop_assert_eq!(accord::report::to_text(&report), accord::report::to_text(&again));
    }
}

proptest! {
    #![proptest_config(config(24))]

    /// Through the binary: `accord advise --format json` on several generated cases gives
    /// an array whose elements are, in order, what it gives for each case alone; and the
    /// same bytes when run again.
    #[test]
    fn advice_is_the_same_alone_or_among_many_and_run_twice(numbers in choices(600)) {
        let rules = shipped();
        let mut e = Entropy::new(&numbers);
        let scratch = scratch("prop", "determinism");
        let count = 2 + e.below(3);
        let files: Vec<PathBuf> = (0..count)
            .map(|i| {
                let path = scratch.join(format!("case-{i}.json"));
                let case = generated_case(&mut e, &rules.vocabulary);
                std::fs::write(&path, serde_json::to_string_pretty(&case).unwrap()).expect("written");
                path
            })
            .collect();
        let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
        let (bytes, together) = advise_json(&paths);
        let (bytes_again, _) = advise_json(&paths);
        prop_assert_eq!(bytes, bytes_again, "the same command gave different output");
        let together = together.as_array().expect("an array for several cases").clone();
        prop_assert_eq!(together.len(), files.len());
        for (path, element) in paths.iter().zip(&together) {
            let (_, alone) = advise_json(&[*path]);
            prop_assert_eq!(&alone, element, "{} alone differs from among the others", path.display());
        }
    }
}

/// Found by the property above: a chain of overrides, `r2` overriding `r1`, which
/// overrides `r0`. While `b` is unknown, `r1` is undetermined and overridden, and `r0`
/// gives its advice; with `b` true, `r1` fires (its advice still replaced by `r2`'s) and so
/// takes `r0`'s advice away. The answer about `b` changes the advice, so `b` is asked about
/// (it was not, when the questions of an overridden rule were all dropped).
#[test]
fn a_rule_overridden_in_a_chain_of_overrides_is_still_asked_about() {
    let b = Cond::Atom(1);
    let t = Cond::Const(true);
    let rule_base = logic_rule_base(&[t.clone(), b, t], &[vec![], vec![0], vec![1]], None);
    let unknown = LogicCase { a: None, b: None, c: None, k: None, nulls: false };
    let known = LogicCase { b: Some(true), ..unknown.clone() };
    use OutcomeKind::*;
    assert_eq!(outcomes(&rule_base, &unknown), [Fired, Overridden, Fired]);
    assert_eq!(outcomes(&rule_base, &known), [Overridden, Overridden, Fired], "b changes r0's advice");
    let report = rule_base.advise(&parse(&rule_base, &unknown), as_of());
    let asked: Vec<&str> = report.questions.iter().map(|q| q.fact.as_str()).collect();
    assert_eq!(asked, ["b"]);
}

/// Found by the property above (one case in a few thousand): `r3` overrides `r2`, which
/// overrides `r1`, and `r1` and `r2` fire when `a` is known. While `a` is unknown only `r3`
/// gives advice; once `a` is given, `r1` fires but `r2` overrides it, and `r2` fires but `r3`
/// overrides it: still only `r3`'s advice. No answer about `a` changes the advice, yet `a`
/// is asked about (for `r1`). Without the chain (`r3` overriding `r1` directly) it is not.
#[test]
fn a_presence_test_overridden_in_a_chain_asks_nothing() {
    let known = Cond::Atom(6);
    let t = Cond::Const(true);
    let rule_base = logic_rule_base(&[known.clone(), known, t], &[vec![], vec![0], vec![1]], None);
    let unknown = LogicCase { a: None, b: None, c: None, k: None, nulls: false };
    let given = LogicCase { a: Some(true), ..unknown.clone() };
    let advice = |case: &LogicCase| -> Vec<String> {
        rule_base
            .advise(&parse(&rule_base, case), as_of())
            .advice
            .into_iter()
            .map(|a| a.rule.to_string())
            .collect()
    };
    assert_eq!(advice(&unknown), ["r2"]);
    assert_eq!(advice(&given), ["r2"], "the answer changes no advice");
    let report = rule_base.advise(&parse(&rule_base, &unknown), as_of());
    let asked: Vec<&str> = report.questions.iter().map(|q| q.fact.as_str()).collect();
    assert_eq!(asked, Vec::<&str>::new());
}

// ===== 5. No rule base makes evaluation loop =====

/// A condition over `a`, `b`, `k` and the derived facts `d0` ... `d{defs - 1}`, with the
/// derived facts it names.
fn condition_naming(e: &mut Entropy, depth: u32, defs: usize) -> (String, BTreeSet<usize>) {
    if depth == 0 || e.chance(40) {
        let atom = e.below(3 + defs);
        return match atom {
            0 => ("a".into(), BTreeSet::new()),
            1 => ("b".into(), BTreeSet::new()),
            2 => ("k is merger".into(), BTreeSet::new()),
            d => (format!("d{}", d - 3), BTreeSet::from([d - 3])),
        };
    }
    let (lhs, mut named) = condition_naming(e, depth - 1, defs);
    if e.chance(25) {
        return (format!("not ({lhs})"), named);
    }
    let (rhs, more) = condition_naming(e, depth - 1, defs);
    named.extend(more);
    (format!("({lhs}) {} ({rhs})", e.pick(&["and", "or"])), named)
}

/// Whether the graph (edges from each node) has a cycle, a node to itself included.
fn has_cycle(edges: &[BTreeSet<usize>]) -> bool {
    fn visit(node: usize, edges: &[BTreeSet<usize>], state: &mut [u8]) -> bool {
        match state[node] {
            1 => return true,
            2 => return false,
            _ => {}
        }
        state[node] = 1;
        let cycle = edges[node].iter().any(|&next| visit(next, edges, state));
        state[node] = 2;
        cycle
    }
    let mut state = vec![0; edges.len()];
    (0..edges.len()).any(|node| visit(node, edges, &mut state))
}

proptest! {
    #![proptest_config(config(256))]

    /// Generated derived facts that may name each other (or themselves), and rules that
    /// may override each other (or themselves): the rule base is refused when checked
    /// exactly when the derived facts or the overrides form a cycle (E0215; E0213 for a
    /// rule overriding itself, E0214 for a longer cycle); otherwise every case is advised,
    /// so evaluation ends.
    #[test]
    fn cycles_are_refused_when_checked_and_nothing_else_is(numbers in choices(300)) {
        let mut e = Entropy::new(&numbers);
        let defs = e.below(4);
        let definitions: Vec<(String, BTreeSet<usize>)> =
            (0..defs).map(|_| condition_naming(&mut e, 2, defs)).collect();
        let count = 1 + e.below(4);
        let rules: Vec<(String, BTreeSet<usize>)> = (0..count)
            .map(|_| {
                let (condition, _) = condition_naming(&mut e, 3, defs);
                let overrides: BTreeSet<usize> = (0..count).filter(|_| e.chance(20)).collect();
                (condition, overrides)
            })
            .collect();
        let mut text = String::new();
        for (i, (condition, _)) in definitions.iter().enumerate() {
            text.push_str(&format!("define d{i} as {condition}\n\n"));
        }
        for (i, (condition, overrides)) in rules.iter().enumerate() {
            text.push_str(&format!("rule r{i}\n  when {condition}\n"));
            if !overrides.is_empty() {
                let ids: Vec<String> = overrides.iter().map(|j| format!("r{j}")).collect();
                text.push_str(&format!("  overrides {}\n", ids.join(", ")));
            }
            text.push_str("  note \"t\" \"x\"\n  cite s\n\n");
        }
        let files = vec![
            ("vocabulary.accord".to_string(), logic_vocabulary()),
            ("rules.accord".to_string(), text.clone()),
        ];
        let compiled = RuleFiles::from_texts(files).compile();
        let errors: BTreeSet<&str> =
            compiled.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.code).collect();
        let define_cycle = has_cycle(&definitions.iter().map(|(_, named)| named.clone()).collect::<Vec<_>>());
        let self_override = rules.iter().enumerate().any(|(i, (_, o))| o.contains(&i));
        let override_cycle = has_cycle(&rules.iter().map(|(_, o)| o.clone()).collect::<Vec<_>>());
        // Each error names a cycle there is...
        let real = |code: &str| match code {
            "E0215" => define_cycle,
            "E0213" => self_override,
            "E0214" => override_cycle,
            _ => false,
        };
        prop_assert!(errors.iter().all(|c| real(c)), "{:?}\n{}", errors, text);
        // ...and a cycle of derived facts is always named (the overrides of a rule base
        // whose derived facts are refused need not be checked).
        prop_assert_eq!(errors.contains("E0215"), define_cycle, "{:?}\n{}", errors, text);
        prop_assert_eq!(!errors.is_empty(), define_cycle || override_cycle, "{:?}\n{}", errors, text);
        match compiled.rule_base {
            None => prop_assert!(define_cycle || override_cycle),
            Some(rule_base) => {
                prop_assert!(!define_cycle && !override_cycle);
                for _ in 0..3 {
                    let case = LogicCase::generate(&mut e);
                    let report = rule_base.advise(&parse(&rule_base, &case), as_of());
                    prop_assert!(report.advice.len() <= count);
                }
            }
        }
    }
}
