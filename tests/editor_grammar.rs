//! The editors' `TextMate` grammar (`editors/vscode/syntaxes/accord.tmLanguage.json`) knows
//! every keyword the parser knows, so that a keyword added to `src/syntax/keywords.rs`
//! cannot be forgotten in the editors: each item keyword starts an item, each clause
//! keyword is a clause of a rule, the advice kinds are advice, the words of conditions are
//! operators, and every reserved word is in the grammar and in its tests' samples. Reads
//! the JSON as it is in the repository; needs no npm (the grammar's own tests, which do,
//! check the scopes it gives: `npm test` in `editors/vscode`).

use std::collections::BTreeSet;
use std::fs;

use accord::syntax::{CLAUSE_KEYWORDS, ITEM_KEYWORDS};
use serde_json::Value;

const GRAMMAR: &str = "editors/vscode/syntaxes/accord.tmLanguage.json";
const GRAMMAR_TESTS: &str = "editors/vscode/tests";

/// The kinds of advice: the clauses that give a rule its advice, scoped as advice.
const ADVICE_KINDS: [&str; 3] = ["recommend", "warn", "note"];

/// The words of conditions and values: the reserved ones, and those with a meaning only
/// after `is`, `count` or at the start of a value (docs/language.md, section 10).
const OPERATOR_WORDS: [&str; 26] = [
    "and", "or", "not", "is", "in", "contains", "where", "any", "all", "count", "highest", "lowest", "for",
    "of", "known", "unknown", "before", "after", "on", "at", "least", "most", "more", "less", "than",
    "between",
];

fn grammar() -> Value {
    let text = fs::read_to_string(GRAMMAR).expect("the grammar is in the repository");
    serde_json::from_str(&text).expect("the grammar is JSON")
}

/// The grammar's repository entry `name`.
fn entry<'g>(grammar: &'g Value, name: &str) -> &'g Value {
    let entry = &grammar["repository"][name];
    assert!(entry.is_object(), "the grammar has no repository entry `{name}`");
    entry
}

/// Every regular expression that scopes what it matches (`match`, `begin`) in `value`, at
/// any depth, following `include`s of the grammar's repository. Not `end`: a region's end
/// may only look ahead for a keyword it does not scope.
fn regexes<'g>(grammar: &'g Value, value: &'g Value) -> Vec<&'g str> {
    let mut found = Vec::new();
    let mut included = BTreeSet::new();
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                for (key, value) in map {
                    match (key.as_str(), value) {
                        ("match" | "begin", Value::String(regex)) => found.push(regex.as_str()),
                        ("include", Value::String(name)) => {
                            if let Some(name) = name.strip_prefix('#')
                                && included.insert(name)
                            {
                                stack.push(entry(grammar, name));
                            }
                        }
                        _ => stack.push(value),
                    }
                }
            }
            Value::Array(values) => stack.extend(values),
            _ => {}
        }
    }
    found
}

/// The words a regular expression spells out (`(recommend|warn|note)\b` gives recommend,
/// warn and note), its escapes (`\b`, `\s`, `\w`) left out.
fn words(regex: &str) -> BTreeSet<String> {
    let mut spelled = String::new();
    let mut chars = regex.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            chars.next();
            spelled.push(' ');
        } else {
            spelled.push(c);
        }
    }
    spelled
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|word| !word.is_empty())
        .map(str::to_string)
        .collect()
}

fn words_of_all(regexes: &[&str]) -> BTreeSet<String> {
    regexes.iter().flat_map(|regex| words(regex)).collect()
}

/// The words of `RESERVED` in src/syntax/keywords.rs, read from the source: the table is
/// private to the parser, and a word added there must reach the editors too.
fn reserved_words() -> Vec<String> {
    let source = fs::read_to_string("src/syntax/keywords.rs").expect("src/syntax/keywords.rs is readable");
    let table = source.split_once("const RESERVED").expect("keywords.rs declares RESERVED").1;
    let list = table.split_once("= [").expect("RESERVED is an array").1;
    let list = list.split_once("];").expect("RESERVED's array ends").0;
    let reserved: Vec<String> = list.split('"').skip(1).step_by(2).map(str::to_string).collect();
    assert!(reserved.len() > 30, "read too few reserved words from keywords.rs: {reserved:?}");
    reserved
}

/// The missing words of `wanted`, for one assertion that names them all.
fn missing<'w>(wanted: impl IntoIterator<Item = &'w str>, known: &BTreeSet<String>) -> Vec<&'w str> {
    wanted.into_iter().filter(|word| !known.contains(*word)).collect()
}

#[test]
fn every_item_keyword_starts_an_item_at_the_start_of_a_line() {
    let grammar = grammar();
    let repository = grammar["repository"].as_object().expect("the grammar has a repository");
    let item_starts: Vec<&str> = repository
        .iter()
        .filter(|(name, _)| name.starts_with("item-"))
        .filter_map(|(_, item)| item["begin"].as_str())
        .collect();
    for begin in &item_starts {
        assert!(begin.starts_with('^'), "an item starts at the start of a line: {begin}");
    }
    let top_level: Vec<&str> =
        grammar["patterns"].as_array().unwrap().iter().filter_map(|p| p["include"].as_str()).collect();
    for name in repository.keys().filter(|name| name.starts_with("item-")) {
        assert!(top_level.contains(&format!("#{name}").as_str()), "the grammar's patterns include #{name}");
    }
    let missing = missing(ITEM_KEYWORDS, &words_of_all(&item_starts));
    assert!(missing.is_empty(), "item keywords no `item-*` entry of {GRAMMAR} starts with: {missing:?}");
}

#[test]
fn every_clause_keyword_is_a_clause_of_a_rule() {
    let grammar = grammar();
    let clauses = words_of_all(&regexes(&grammar, entry(&grammar, "rule-clauses")));
    let missing = missing(CLAUSE_KEYWORDS, &clauses);
    assert!(missing.is_empty(), "clause keywords missing from `rule-clauses` in {GRAMMAR}: {missing:?}");
}

#[test]
fn every_advice_kind_is_scoped_as_advice() {
    let grammar = grammar();
    let clauses = entry(&grammar, "rule-clauses")["patterns"].as_array().unwrap();
    let advice = clauses
        .iter()
        .find(|clause| clause["beginCaptures"]["1"]["name"] == "keyword.other.advice.accord")
        .expect("a clause of `rule-clauses` is scoped keyword.other.advice.accord");
    let missing = missing(ADVICE_KINDS, &words(advice["begin"].as_str().unwrap()));
    assert!(missing.is_empty(), "advice kinds missing from the advice clause of {GRAMMAR}: {missing:?}");
}

#[test]
fn every_word_of_conditions_is_an_operator() {
    let grammar = grammar();
    let mut operators = regexes(&grammar, entry(&grammar, "operator"));
    operators.extend(regexes(&grammar, entry(&grammar, "binder")));
    let missing = missing(OPERATOR_WORDS, &words_of_all(&operators));
    assert!(missing.is_empty(), "words of conditions missing from `operator` in {GRAMMAR}: {missing:?}");
}

#[test]
fn every_reserved_word_is_in_the_grammar() {
    let grammar = grammar();
    let known = words_of_all(&regexes(&grammar, &grammar));
    let reserved = reserved_words();
    let missing = missing(reserved.iter().map(String::as_str), &known);
    assert!(
        missing.is_empty(),
        "reserved words (src/syntax/keywords.rs) missing from {GRAMMAR}: {missing:?}"
    );
}

/// The code of a rule file: its text without strings and comments (and so without the
/// assertions of a grammar test, which are comments).
fn code_of(text: &str) -> String {
    let mut code = String::new();
    let (mut in_string, mut in_comment, mut escaped) = (false, false, false);
    for c in text.chars() {
        match c {
            '\n' => in_comment = false,
            _ if in_comment => continue,
            _ if in_string && escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '#' if !in_string => in_comment = true,
            _ => {}
        }
        code.push(if in_string || in_comment { ' ' } else { c });
    }
    code
}

/// The grammar's tests hold a sample of every keyword, so that a new keyword gets a line
/// whose scopes are asserted too.
#[test]
fn every_keyword_is_in_a_grammar_test() {
    let mut samples = BTreeSet::new();
    for file in fs::read_dir(GRAMMAR_TESTS).unwrap() {
        let path = file.unwrap().path();
        if path.to_string_lossy().ends_with(".test.accord") {
            samples.extend(words(&code_of(&fs::read_to_string(&path).unwrap())));
        }
    }
    let reserved = reserved_words();
    let keywords = ITEM_KEYWORDS.into_iter().chain(CLAUSE_KEYWORDS).chain(OPERATOR_WORDS);
    let missing = missing(keywords.chain(reserved.iter().map(String::as_str)), &samples);
    assert!(missing.is_empty(), "keywords no sample in {GRAMMAR_TESTS}/*.test.accord uses: {missing:?}");
}
