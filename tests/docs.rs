//! The documentation stays true to the code: every rule example in docs/language.md
//! parses, and docs/errors.md (errors) or docs/checks.md (warnings) explains every code the
//! source can give.

use std::fs;

/// The contents of the fenced blocks of `language` in a Markdown file.
fn blocks(markdown: &str, language: &str) -> Vec<String> {
    let fence = format!("```{language}");
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match &mut current {
            None if line.trim_start() == fence => current = Some(String::new()),
            Some(block) if line.trim_start() == "```" => {
                out.push(std::mem::take(block));
                current = None;
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {}
        }
    }
    out
}

#[test]
fn every_rule_example_in_the_language_reference_parses() {
    let reference = fs::read_to_string("docs/language.md").expect("docs/language.md exists");
    let examples = blocks(&reference, "accord");
    assert!(examples.len() >= 10, "the reference shows the language");
    for example in examples {
        let (_, errors) = accord::syntax::parse_file("example.accord", &example);
        assert!(errors.is_empty(), "{example}\n{errors:#?}");
    }
}

#[test]
fn every_error_code_is_explained() {
    let errors = fs::read_to_string("docs/errors.md").expect("docs/errors.md exists");
    let checks = fs::read_to_string("docs/checks.md").expect("docs/checks.md exists");
    let explained = errors + &checks;
    let mut sources = Vec::new();
    for dir in ["src", "src/syntax", "src/check"] {
        for entry in fs::read_dir(dir).expect("source folder") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "rs") {
                sources.push(fs::read_to_string(path).expect("readable"));
            }
        }
    }
    for source in &sources {
        for (i, _) in source.match_indices("\"E0").chain(source.match_indices("\"W0")) {
            let code = &source[i + 1..i + 6];
            assert!(
                explained.contains(&format!("## {code}")),
                "neither docs/errors.md nor docs/checks.md explains {code}"
            );
        }
    }
}
