//! Generated rule bases for the benches: the twelve-rule benchmark's vocabulary, a few
//! derived facts, and rules of twelve shapes with varied conditions (comparisons,
//! membership, `not`, `or`, presence, `any`, `count`, `highest`, `for each`, derived facts,
//! interpolated texts and `overrides`). Shared by `benches/rules.rs` (compiling) and
//! `benches/lsp.rs` (the language server). Must not depend on the shipped rules: a
//! generated base is the same whatever they become.

use std::fmt::Write as _;

const TWELVE: &str = include_str!("../twelve/rules.accord");

/// The declarations every generated rule base starts with: the twelve-rule benchmark's
/// source and facts, and some derived facts.
pub fn declarations() -> String {
    let end = TWELVE.find("\nrule ").expect("the twelve rules follow the declarations");
    let mut text = TWELVE[..end].to_string();
    text.push_str(
        "\ndefine in_stall_window as proposal.change is merger and proposal.months_since_change < 18\n\
         define health_partners as count p in partners where p.sector is health\n\
         define complex_needs as population.needs in [complex, unpredictable]\n",
    );
    text
}

/// Rule number `i` of a generated rule base: one of twelve shapes, with numbers varied by
/// `i` so that no two rules are the same.
pub fn generated_rule(i: usize, out: &mut String) {
    let n = i % 61;
    let m = i % 11;
    let needs = ["mild", "moderate", "new", "complex", "unpredictable"][i % 5];
    let change = ["none", "merger", "new_structure", "pooled_budget", "joint_commissioning"][i % 5];
    let sector = ["health", "local_government", "third_sector", "provider"][i % 4];
    let kind = ["recommend", "warn", "note"][i % 3];
    let _ = writeln!(out, "rule generated_{i}");
    if i % 7 == 3 {
        let _ = writeln!(out, "  for each p in partners");
    }
    let condition = match (i % 12, i % 7 == 3) {
        (_, true) => format!("p.sector is {sector} and proposal.months_since_change < {n}"),
        (0, _) => format!(
            "population.needs in [{needs}, complex] and proposal.integration is not full\n   \
             and proposal.months_since_change < {n}"
        ),
        (1, _) => format!(
            "proposal.change is {change} and not proposal.real_reasons_clarified and outcomes.measures >= {m}"
        ),
        (2, _) => {
            format!("(not culture.assessed or culture.model is difference) and outcomes.measures != {m}")
        }
        (3, _) => {
            format!("(count p in partners where p.sector is {sector}) >= {} and outcomes.defined", i % 4)
        }
        (4, _) => format!(
            "(any p in partners where p.sector in [{sector}, provider]) and proposal.integration is full\n   \
             and outcomes.measures is at most {m}"
        ),
        (5, _) => format!(
            "proposal.months_since_change is unknown and proposal.change in [{change}, new_structure]\n   \
             or outcomes.measures == {m}"
        ),
        (6, _) => format!(
            "outcomes.measures == {m} or (proposal.stated_reasons and not proposal.od_support_funded)"
        ),
        (7, _) => format!("in_stall_window and board.covers_children is false and outcomes.measures > {m}"),
        (8, _) => format!(
            "(highest p.sector for p in partners) is at least {sector} and count of partners > {}",
            i % 6
        ),
        (9, _) => format!("complex_needs and health_partners >= {} and not proposal.pooled_funding", i % 3),
        (10, _) => format!(
            "not (board.includes_providers or board.includes_third_sector)\n   \
             and proposal.months_since_change is at least {n}"
        ),
        _ => format!(
            "population.needs is {needs} and (proposal.integration in [linkage, coordination]\n   \
             or proposal.months_since_change > {n}) and board.includes_users_carers"
        ),
    };
    let _ = writeln!(out, "  when {condition}");
    if i % 50 == 49 {
        let _ = writeln!(out, "  overrides generated_{}", i - 1);
    }
    let subject = if i % 7 == 3 { "{p}" } else { "the partnership" };
    let _ = writeln!(
        out,
        "  {kind} \"Generated advice {i} for {subject}\"\n    \
         \"Rule {i} fires; months since the change: {{proposal.months_since_change}}.\"\n  \
         cite benchmark\n"
    );
}

/// The lessons of a generated base laid out as a real one ([`rule_base_as_files`]): every
/// rule encodes one, so that none is left unencoded.
const LESSONS: usize = 10;

/// A generated rule base of `rules` rules laid out as a real one is: the facts and derived
/// facts, the sources and the lessons each in a file of their own, and the rules in files
/// of `per_file` rules, each rule with a `lesson` and citing one of two sources. Names and
/// texts, in file order; it checks without errors.
pub fn rule_base_as_files(rules: usize, per_file: usize) -> Vec<(String, String)> {
    let declarations = declarations();
    let facts_at = declarations.find("\nfact ").expect("the twelve rules' facts follow their source");
    let mut sources = declarations[..facts_at].to_string();
    sources.push_str(
        "\nsource handbook\n  authors \"accord\"\n  year 2026\n  title \"A handbook of generated advice\"\n",
    );
    let mut lessons = String::from("lessons\n");
    for lesson in 0..LESSONS {
        let _ = writeln!(lessons, "  G{lesson} \"Generated lesson {lesson}\"");
    }
    let mut files = vec![
        ("facts.accord".to_string(), declarations[facts_at + 1..].to_string()),
        ("lessons.accord".to_string(), lessons),
        ("sources.accord".to_string(), sources),
    ];
    let per_file = per_file.max(1);
    let mut rule = String::new();
    for first in (0..rules).step_by(per_file) {
        let mut text = String::new();
        for i in first..(first + per_file).min(rules) {
            rule.clear();
            generated_rule(i, &mut rule);
            let (name, clauses) = rule.split_once('\n').expect("a rule's name is on a line of its own");
            let cited = if i % 2 == 0 { "benchmark" } else { "handbook" };
            let clauses = clauses.replace("  cite benchmark\n", &format!("  cite {cited}\n"));
            let _ = write!(text, "\n{name}\n  lesson G{}\n{clauses}", i % LESSONS);
        }
        files.push((format!("rules-{:03}.accord", first / per_file), text));
    }
    files
}
