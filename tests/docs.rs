//! The documentation stays true to the code: every rule example in docs/language.md
//! parses, docs/errors.md (errors) or docs/checks.md (warnings) explains every code the
//! source can give, every path the docs name exists, the language reference lists every
//! kind of item, and every `accord check` output the docs show is what accord prints.

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
    let guide = fs::read_to_string("docs/adding-evidence.md").expect("docs/adding-evidence.md exists");
    for example in examples.into_iter().chain(blocks(&guide, "accord")) {
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
    for dir in ["src", "src/syntax", "src/check", "src/load"] {
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

/// The Markdown files a user reads.
fn documents() -> Vec<(String, String)> {
    let mut paths =
        vec!["README.md".to_string(), "ARCHITECTURE.md".to_string(), "fixtures/README.md".to_string()];
    for entry in fs::read_dir("docs").expect("docs/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "md") {
            paths.push(path.to_string_lossy().replace('\\', "/"));
        }
    }
    paths.sort();
    paths.into_iter().map(|p| (fs::read_to_string(&p).expect("readable"), p)).map(|(t, p)| (p, t)).collect()
}

/// Every file or folder of the repository that the docs name in backquotes
/// (`rules/policy.accord`, `fixtures/bad-rules/`) exists: a doc that points at a path
/// the code has moved sends its reader nowhere. Patterns (`sources-*.accord`) are skipped.
#[test]
fn every_path_the_docs_name_exists() {
    const ROOTS: [&str; 8] =
        ["rules/", "fixtures/", "docs/", "src/", "tests/", "benches/", "scripts/", ".ci/"];
    let mut missing = Vec::new();
    for (doc, text) in documents() {
        for quoted in text.split('`').skip(1).step_by(2) {
            let named = ROOTS.iter().any(|root| quoted.starts_with(root));
            if !named || quoted.contains(['*', '{', '<', ' ']) {
                continue;
            }
            let path = quoted.split(['#', ':']).next().unwrap_or(quoted);
            if !std::path::Path::new(path).exists() {
                missing.push(format!("{doc}: {quoted}"));
            }
        }
    }
    assert!(missing.is_empty(), "the docs name paths that do not exist: {missing:#?}");
}

/// docs/language.md's table of items lists every kind the parser knows, and its count in
/// words is the table's length.
#[test]
fn the_language_reference_lists_every_kind_of_item() {
    let reference = fs::read_to_string("docs/language.md").expect("docs/language.md exists");
    let intro = "A file holds **items** of ";
    let at = reference.find(intro).expect("the overview says how many kinds of item there are");
    let count_word = reference[at + intro.len()..].split_whitespace().next().unwrap_or_default();
    let table: Vec<&str> = reference[at..]
        .lines()
        .skip_while(|line| !line.starts_with("| Item"))
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .collect();
    const WORDS: [&str; 13] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve",
    ];
    assert_eq!(WORDS.get(table.len()).copied(), Some(count_word), "the count in words matches the table");
    let starts: Vec<&str> = table
        .iter()
        .filter_map(|row| row.split('`').nth(1))
        .filter_map(|start| start.split_whitespace().next())
        .collect();
    let mut documented = starts.clone();
    documented.sort_unstable();
    documented.dedup();
    let mut keywords = accord::syntax::ITEM_KEYWORDS.to_vec();
    keywords.sort_unstable();
    assert_eq!(documented, keywords, "the table's items are the parser's");
}

/// Every `accord check` run on a shipped broken file that the docs show is what accord
/// prints for it today (errors and warnings, then the summary).
#[test]
fn every_check_output_the_docs_show_is_what_accord_prints() {
    let mut stale = Vec::new();
    let mut shown = 0;
    for (doc, text) in documents() {
        for block in blocks(&text, "text") {
            let Some(command) = block.lines().next().and_then(|l| l.strip_prefix("$ accord ")) else {
                continue;
            };
            let args: Vec<&str> = command.split_whitespace().collect();
            if !matches!(args.as_slice(), ["check", "--rules", path] if path.starts_with("fixtures/")) {
                continue;
            }
            shown += 1;
            let output = std::process::Command::new(env!("CARGO_BIN_EXE_accord"))
                .args(&args)
                .env("NO_COLOR", "1")
                .output()
                .expect("accord runs");
            let printed = String::from_utf8_lossy(&output.stderr).into_owned()
                + &String::from_utf8_lossy(&output.stdout);
            let documented = &block[block.find('\n').map_or(block.len(), |n| n + 1)..];
            if printed != documented {
                stale.push(format!(
                    "{doc}: $ accord {command}\n--- the docs show:\n{documented}--- accord prints:\n{printed}"
                ));
            }
        }
    }
    assert!(shown >= 10, "the docs show accord check on the shipped broken files");
    assert!(stale.is_empty(), "{}", stale.join("\n"));
}
