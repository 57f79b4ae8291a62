//! The formatter on generated rule files: idempotent, keeping the meaning (the syntax
//! tree) and every comment. It must not look at evaluation.

use accord::format::format_rule_file;
use proptest::prelude::*;

use super::config;
use super::entropy::{Entropy, choices};

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
            20 if tight => String::new(),
            0..=11 | 20 => " ".into(),
            12 => "  ".into(),
            13 => "\t".into(),
            14 => "\n  ".into(),
            15 => "\n     ".into(),
            16 => "\n".into(),
            17 => "\n\n    ".into(),
            18 => format!("  {}\n   ", self.comment()),
            19 => format!("\n{}\n  ", self.comment()),
            21 => "\r\n\t".into(),
            22 => " \t \n\t".into(),
            _ => "   ".into(),
        }
    }

    fn item(&mut self) -> Vec<Tok> {
        // Rules twice as often as the other items (0 and 6).
        match self.e.below(7) {
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
