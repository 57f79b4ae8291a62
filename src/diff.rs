//! Comparing two rule bases over cases (`accord diff`): for each case, the advice that one
//! rule base gives and the other does not, the advice whose fields differ, the questions
//! asked by one and not the other, and the questions both ask that moved or differ; and,
//! rule by rule, in which cases each rule now fires, no longer fires, gives different
//! advice, or could now (or no longer) be changed by a question. [`git`] reads the rules of
//! a git revision, so that an edit can be compared with the rules before it.
//!
//! ```
//! use accord::{Date, RuleFiles, diff::{Diff, Origin}};
//!
//! let rules = RuleFiles::embedded().compile().rule_base.expect("the shipped rules check");
//! let case = r#"{"name": "Shire", "change": {"kind": "merger", "date": "2013-04-01"}}"#;
//! let case = accord::parse_case("shire.json", case, &rules.vocabulary).expect("a valid case");
//! let report = rules.advise(&case, Date::parse("2013-09-01").unwrap());
//! let diff = Diff::compare(
//!     (Origin::Embedded, &rules),
//!     (Origin::Embedded, &rules),
//!     vec![("shire.json".to_string(), report.clone(), report)],
//! );
//! assert!(!diff.changed());
//! ```

use std::collections::{HashMap, HashSet};

use serde_json::{Value as Json, json};

use crate::eval::{Advice, CitedSource, Question, Report};
use crate::rulebase::RuleBase;
use crate::shown::{Escape, escaped};
use crate::value::Date;

/// Names the layout of the JSON diff; changes only when the layout does.
pub const DIFF_FORMAT: &str = "accord.diff.v1";

/// Where a rule base came from, to name it in the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The rules compiled into accord.
    Embedded,
    /// A folder or a file on disk.
    Path(String),
    /// The `rules/` folder of a git revision.
    Revision {
        /// The revision as given (`main`, `HEAD~1`).
        revision: String,
        /// The commit it names.
        commit: String,
    },
}

impl Origin {
    /// In words: `revision HEAD~1 (commit 3f2a1b0c)`, `rules/`, `the rules built into accord`.
    pub fn describe(&self) -> String {
        match self {
            Origin::Embedded => "the rules built into accord".to_string(),
            Origin::Path(path) => path.clone(),
            Origin::Revision { revision, commit } => {
                format!("revision {revision} (commit {})", commit.get(..10).unwrap_or(commit))
            }
        }
    }

    fn json(&self) -> Json {
        match self {
            Origin::Embedded => json!({"from": "embedded"}),
            Origin::Path(path) => json!({"from": "path", "path": path}),
            Origin::Revision { revision, commit } => {
                json!({"from": "revision", "revision": revision, "commit": commit})
            }
        }
    }
}

/// A field of a piece of advice that can differ between the rule bases. `because` is not
/// compared: it follows the case's facts and the rule's condition, and the advice it
/// explains is what users act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    /// Recommendation, warning or note.
    Kind,
    /// How soon it asks to be acted on (which also moves it in the report's order).
    Priority,
    /// The strength of the evidence.
    Evidence,
    /// The lessons the rule encodes.
    Lessons,
    /// The title, filled in.
    Title,
    /// The text, filled in.
    Text,
    /// The sources cited, with their locators and quotes.
    Citations,
}

impl Field {
    /// The field's name, as in the advice JSON.
    pub fn name(self) -> &'static str {
        match self {
            Field::Kind => "kind",
            Field::Priority => "priority",
            Field::Evidence => "evidence",
            Field::Lessons => "lessons",
            Field::Title => "title",
            Field::Text => "text",
            Field::Citations => "citations",
        }
    }

    /// The fields that differ between two pieces of advice, in this order.
    pub fn differing(old: &Advice, new: &Advice) -> Vec<Field> {
        let mut fields = Vec::new();
        if old.kind != new.kind {
            fields.push(Field::Kind);
        }
        if old.priority != new.priority {
            fields.push(Field::Priority);
        }
        if old.evidence != new.evidence {
            fields.push(Field::Evidence);
        }
        if old.lessons != new.lessons {
            fields.push(Field::Lessons);
        }
        if old.title != new.title {
            fields.push(Field::Title);
        }
        if old.text != new.text {
            fields.push(Field::Text);
        }
        if old.citations != new.citations {
            fields.push(Field::Citations);
        }
        fields
    }
}

/// The same rule gives advice for the same item with both rule bases, but not the same.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangedAdvice<'r> {
    /// The advice of the old rule base.
    pub old: Advice<'r>,
    /// The advice of the new rule base.
    pub new: Advice<'r>,
    /// What differs.
    pub fields: Vec<Field>,
}

/// A part of a question that can differ between the rule bases, for a question both ask.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum QuestionField {
    /// Its place among the questions both ask: it is one of the fewest questions whose
    /// moves turn the old order into the new. A question asked anew, or no longer asked,
    /// above it shifts its rank without moving it.
    Rank,
    /// The question's words.
    Text,
    /// The rules whose outcome its answer could change, as a set.
    Affects,
    /// The kind of answer it takes, with its choices.
    Answer,
}

impl QuestionField {
    /// The field's name: `rank`, `text`, `affects`, `answer`.
    pub fn name(self) -> &'static str {
        match self {
            QuestionField::Rank => "rank",
            QuestionField::Text => "text",
            QuestionField::Affects => "affects",
            QuestionField::Answer => "answer",
        }
    }
}

/// The same fact is asked about with both rule bases, but not alike.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangedQuestion<'r> {
    /// The question of the old rule base.
    pub old: Question<'r>,
    /// The question of the new rule base.
    pub new: Question<'r>,
    /// What differs, in the order of [`QuestionField`].
    pub fields: Vec<QuestionField>,
    /// Rules its answer could now change and could not before, in the new question's order.
    pub affects_added: Vec<&'r str>,
    /// Rules its answer could change before and no longer can, in the old question's order.
    pub affects_removed: Vec<&'r str>,
}

/// A case and the facts of its questions behind one change to a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseFacts {
    /// The case as given.
    pub case: String,
    /// The facts asked about, in the order of the report that asks them.
    pub facts: Vec<String>,
}

/// What changed for one case.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseDiff<'r> {
    /// The case as given (its file).
    pub case: String,
    /// The case's name (or id).
    pub name: Option<String>,
    /// The date of the assessment.
    pub as_of: Date,
    /// Advice the new rule base gives and the old did not, in rule order.
    pub added: Vec<Advice<'r>>,
    /// Advice the old rule base gave and the new does not, in rule order.
    pub removed: Vec<Advice<'r>>,
    /// Advice both give, by the same rule for the same item, that differs.
    pub changed: Vec<ChangedAdvice<'r>>,
    /// Questions the new rule base asks and the old did not (by fact).
    pub questions_added: Vec<Question<'r>>,
    /// Questions the old rule base asked and the new does not (by fact).
    pub questions_removed: Vec<Question<'r>>,
    /// Questions both ask (by fact) that moved or differ, in the new report's order.
    pub questions_changed: Vec<ChangedQuestion<'r>>,
}

impl CaseDiff<'_> {
    /// Whether the case's advice and questions are the same with both rule bases.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.questions_added.is_empty()
            && self.questions_removed.is_empty()
            && self.questions_changed.is_empty()
    }
}

/// Whether a rule is in both rule bases or in one only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleStatus {
    /// In both.
    Kept,
    /// Only in the new rule base.
    Added,
    /// Only in the old rule base.
    Removed,
}

impl RuleStatus {
    /// `kept`, `added` or `removed`.
    pub fn name(self) -> &'static str {
        match self {
            RuleStatus::Kept => "kept",
            RuleStatus::Added => "added",
            RuleStatus::Removed => "removed",
        }
    }
}

/// The cases a rule changed, each list in the order the cases were given.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleChanges {
    /// The rule's id.
    pub rule: String,
    /// Whether it is in both rule bases.
    pub status: RuleStatus,
    /// Cases in which it gives advice it did not give before.
    pub now_fires_in: Vec<String>,
    /// Cases in which it no longer gives advice it gave.
    pub no_longer_fires_in: Vec<String>,
    /// Cases in which its advice differs.
    pub changed_in: Vec<String>,
    /// The fields that differ, over those cases.
    pub changed_fields: Vec<Field>,
    /// Cases with a new question whose answer could change this rule's outcome.
    pub questions_added_in: Vec<String>,
    /// Cases with a question no longer asked that could have changed this rule's outcome.
    pub questions_removed_in: Vec<String>,
    /// Cases in which a question could now change this rule's outcome and could not
    /// before: a question asked anew, or one whose `affects` gained the rule; with its fact.
    pub questions_now_affect_in: Vec<CaseFacts>,
    /// Cases in which a question could change this rule's outcome before and no longer
    /// can: a question no longer asked, or one whose `affects` lost the rule.
    pub questions_no_longer_affect_in: Vec<CaseFacts>,
}

impl RuleChanges {
    /// Whether no case changed for this rule.
    fn is_empty(&self) -> bool {
        self.now_fires_in.is_empty()
            && self.no_longer_fires_in.is_empty()
            && self.changed_in.is_empty()
            && self.questions_added_in.is_empty()
            && self.questions_removed_in.is_empty()
            && self.questions_now_affect_in.is_empty()
            && self.questions_no_longer_affect_in.is_empty()
    }
}

/// The comparison of two rule bases over cases.
#[derive(Clone, Debug, PartialEq)]
pub struct Diff<'r> {
    /// Where the old rule base came from.
    pub old: Origin,
    /// Where the new rule base came from.
    pub new: Origin,
    /// Every case compared, in the order given, changed or not.
    pub cases: Vec<CaseDiff<'r>>,
    /// The rules behind the changes: the new rule base's order, then rules only in the old
    /// one, in its order.
    pub rules: Vec<RuleChanges>,
    /// Ids of the rules only in the new rule base, whether or not they change a case.
    pub rules_added: Vec<String>,
    /// Ids of the rules only in the old rule base, whether or not they changed a case.
    pub rules_removed: Vec<String>,
}

/// Rule ids in report order: the new rule base's rules, then those only in the old one.
struct RuleOrder {
    ids: Vec<String>,
    rank: HashMap<String, usize>,
}

impl RuleOrder {
    fn new(old: &RuleBase, new: &RuleBase) -> RuleOrder {
        let mut order = RuleOrder { ids: Vec::new(), rank: HashMap::new() };
        for rule in new.rules.iter().chain(&old.rules) {
            if !order.rank.contains_key(&rule.id) {
                order.rank.insert(rule.id.clone(), order.ids.len());
                order.ids.push(rule.id.clone());
            }
        }
        order
    }

    /// Sorts advice by rule, then item (by its index, `groups[10]` after `groups[9]`).
    fn key(&self, advice: &Advice) -> (usize, Option<usize>, Option<String>) {
        (self.rank.get(advice.rule).copied().unwrap_or(usize::MAX), item_index(advice), advice.item.clone())
    }
}

impl<'r> Diff<'r> {
    /// Compares the reports of each case (its name, then its report with the old rule base
    /// and with the new one, both as of the same date).
    pub fn compare(
        old: (Origin, &RuleBase),
        new: (Origin, &RuleBase),
        cases: Vec<(String, Report<'r>, Report<'r>)>,
    ) -> Diff<'r> {
        let (old_origin, old_rules) = old;
        let (new_origin, new_rules) = new;
        let order = RuleOrder::new(old_rules, new_rules);
        let cases: Vec<CaseDiff<'r>> =
            cases.into_iter().map(|(case, old, new)| case_diff(case, &old, &new, &order)).collect();
        let ids = |rules: &RuleBase| rules.rules.iter().map(|r| r.id.clone()).collect::<HashSet<String>>();
        let (old_ids, new_ids) = (ids(old_rules), ids(new_rules));
        let in_old = |id: &str| old_ids.contains(id);
        let in_new = |id: &str| new_ids.contains(id);
        let rules = order
            .ids
            .iter()
            .map(|id| {
                let status = match (in_old(id), in_new(id)) {
                    (true, false) => RuleStatus::Removed,
                    (false, true) => RuleStatus::Added,
                    _ => RuleStatus::Kept,
                };
                rule_changes(id, status, &cases)
            })
            .filter(|changes| !changes.is_empty())
            .collect();
        Diff {
            old: old_origin,
            new: new_origin,
            cases,
            rules,
            rules_added: new_rules.rules.iter().filter(|r| !in_old(&r.id)).map(|r| r.id.clone()).collect(),
            rules_removed: old_rules.rules.iter().filter(|r| !in_new(&r.id)).map(|r| r.id.clone()).collect(),
        }
    }

    /// Whether any case's advice or questions differ.
    pub fn changed(&self) -> bool {
        self.cases.iter().any(|case| !case.is_empty())
    }

    /// The number of cases whose advice or questions differ.
    pub fn cases_changed(&self) -> usize {
        self.cases.iter().filter(|case| !case.is_empty()).count()
    }
}

fn case_diff<'r>(case: String, old: &Report<'r>, new: &Report<'r>, order: &RuleOrder) -> CaseDiff<'r> {
    let same_place = |a: &Advice, b: &Advice| a.rule == b.rule && a.item == b.item;
    let mut added: Vec<Advice<'r>> =
        new.advice.iter().filter(|n| !old.advice.iter().any(|o| same_place(o, n))).cloned().collect();
    let mut removed: Vec<Advice<'r>> =
        old.advice.iter().filter(|o| !new.advice.iter().any(|n| same_place(o, n))).cloned().collect();
    let mut changed: Vec<ChangedAdvice<'r>> = new
        .advice
        .iter()
        .filter_map(|n| {
            let o = old.advice.iter().find(|o| same_place(o, n))?;
            let fields = Field::differing(o, n);
            (!fields.is_empty()).then(|| ChangedAdvice { old: o.clone(), new: n.clone(), fields })
        })
        .collect();
    added.sort_by_key(|a| order.key(a));
    removed.sort_by_key(|a| order.key(a));
    changed.sort_by_key(|c| order.key(&c.new));
    let (old_places, new_places) = (places(&old.questions), places(&new.questions));
    CaseDiff {
        case,
        name: new.case.clone().or_else(|| old.case.clone()),
        as_of: new.as_of,
        added,
        removed,
        changed,
        questions_added: new
            .questions
            .iter()
            .filter(|q| !old_places.contains_key(q.fact.as_str()))
            .cloned()
            .collect(),
        questions_removed: old
            .questions
            .iter()
            .filter(|q| !new_places.contains_key(q.fact.as_str()))
            .cloned()
            .collect(),
        questions_changed: changed_questions(&old.questions, &new.questions, &old_places),
    }
}

/// Each fact asked about and the place of its (first) question in `questions`: looked up
/// rather than searched for, so that a case with thousands of questions (one per item of a
/// long list) is compared in time proportional to them.
fn places<'q>(questions: &'q [Question]) -> HashMap<&'q str, usize> {
    let mut places = HashMap::new();
    for (place, question) in questions.iter().enumerate() {
        places.entry(question.fact.as_str()).or_insert(place);
    }
    places
}

/// The questions both reports ask (matched by fact) that moved or differ, in the new
/// report's order.
fn changed_questions<'r>(
    old: &[Question<'r>],
    new: &[Question<'r>],
    old_places: &HashMap<&str, usize>,
) -> Vec<ChangedQuestion<'r>> {
    let moved = moved_facts(old_places, new);
    new.iter()
        .filter_map(|n| {
            let o = &old[*old_places.get(n.fact.as_str())?];
            let affects_added: Vec<&'r str> =
                n.affects.iter().filter(|r| !o.affects.contains(r)).copied().collect();
            let affects_removed: Vec<&'r str> =
                o.affects.iter().filter(|r| !n.affects.contains(r)).copied().collect();
            let mut fields = Vec::new();
            if moved.contains(n.fact.as_str()) {
                fields.push(QuestionField::Rank);
            }
            if o.text != n.text {
                fields.push(QuestionField::Text);
            }
            if !affects_added.is_empty() || !affects_removed.is_empty() {
                fields.push(QuestionField::Affects);
            }
            if o.answer != n.answer {
                fields.push(QuestionField::Answer);
            }
            (!fields.is_empty()).then(|| ChangedQuestion {
                old: o.clone(),
                new: n.clone(),
                fields,
                affects_added,
                affects_removed,
            })
        })
        .collect()
}

/// The facts of the questions both reports ask that moved: the fewest whose moves turn the
/// old order of those questions into the new one, that is all but a longest run of them
/// that keeps its order. A question asked anew, or no longer asked, above another shifts
/// the other's rank without moving it: that is shown as the question added or removed.
/// Of several longest runs the one kept is the same for the same reports.
fn moved_facts<'q>(old_places: &HashMap<&str, usize>, new: &'q [Question]) -> HashSet<&'q str> {
    // The place in the old report of each question both ask, in the new report's order.
    let both: Vec<(&'q str, usize)> =
        new.iter().filter_map(|n| Some((n.fact.as_str(), *old_places.get(n.fact.as_str())?))).collect();
    let kept = longest_increasing(&both.iter().map(|(_, place)| *place).collect::<Vec<_>>());
    both.iter().enumerate().filter(|(i, _)| !kept.contains(i)).map(|(_, (fact, _))| *fact).collect()
}

/// The indices of a longest strictly increasing subsequence of `values` (patience sorting,
/// `n log n`, so that a case with many questions costs little).
fn longest_increasing(values: &[usize]) -> HashSet<usize> {
    // `tails[k]`: the index of the smallest value ending an increasing run of length k + 1.
    let mut tails: Vec<usize> = Vec::new();
    let mut previous: Vec<Option<usize>> = vec![None; values.len()];
    for (i, value) in values.iter().enumerate() {
        let length = tails.partition_point(|&t| values[t] < *value);
        previous[i] = length.checked_sub(1).map(|k| tails[k]);
        if length == tails.len() {
            tails.push(i);
        } else {
            tails[length] = i;
        }
    }
    let mut kept = HashSet::new();
    let mut at = tails.last().copied();
    while let Some(i) = at {
        kept.insert(i);
        at = previous[i];
    }
    kept
}

fn rule_changes(rule: &str, status: RuleStatus, cases: &[CaseDiff]) -> RuleChanges {
    let mut changes = RuleChanges {
        rule: rule.to_string(),
        status,
        now_fires_in: Vec::new(),
        no_longer_fires_in: Vec::new(),
        changed_in: Vec::new(),
        changed_fields: Vec::new(),
        questions_added_in: Vec::new(),
        questions_removed_in: Vec::new(),
        questions_now_affect_in: Vec::new(),
        questions_no_longer_affect_in: Vec::new(),
    };
    let affects = |questions: &[Question]| questions.iter().any(|q| q.affects.contains(&rule));
    for case in cases {
        let name = || case.case.clone();
        if case.added.iter().any(|a| a.rule == rule) {
            changes.now_fires_in.push(name());
        }
        if case.removed.iter().any(|a| a.rule == rule) {
            changes.no_longer_fires_in.push(name());
        }
        let changed: Vec<&ChangedAdvice> = case.changed.iter().filter(|c| c.new.rule == rule).collect();
        if !changed.is_empty() {
            changes.changed_in.push(name());
            changes.changed_fields.extend(changed.iter().flat_map(|c| c.fields.iter().copied()));
        }
        if affects(&case.questions_added) {
            changes.questions_added_in.push(name());
        }
        if affects(&case.questions_removed) {
            changes.questions_removed_in.push(name());
        }
        let (now, no_longer) = question_facts(rule, case);
        if !now.is_empty() {
            changes.questions_now_affect_in.push(CaseFacts { case: name(), facts: now });
        }
        if !no_longer.is_empty() {
            changes.questions_no_longer_affect_in.push(CaseFacts { case: name(), facts: no_longer });
        }
    }
    changes.changed_fields.sort();
    changes.changed_fields.dedup();
    changes
}

/// The facts of a case's questions whose answer could now change `rule` and could not
/// before (asked anew, or with the rule newly among their `affects`), in the new report's
/// order; and those that could and no longer can, in the old report's order.
fn question_facts(rule: &str, case: &CaseDiff) -> (Vec<String>, Vec<String>) {
    let mut now: Vec<(usize, String)> = Vec::new();
    let mut no_longer: Vec<(usize, String)> = Vec::new();
    for question in case.questions_added.iter().filter(|q| q.affects.contains(&rule)) {
        now.push((question.rank, question.fact.clone()));
    }
    for question in case.questions_removed.iter().filter(|q| q.affects.contains(&rule)) {
        no_longer.push((question.rank, question.fact.clone()));
    }
    for changed in &case.questions_changed {
        if changed.affects_added.contains(&rule) {
            now.push((changed.new.rank, changed.new.fact.clone()));
        }
        if changed.affects_removed.contains(&rule) {
            no_longer.push((changed.old.rank, changed.old.fact.clone()));
        }
    }
    now.sort();
    no_longer.sort();
    let facts = |list: Vec<(usize, String)>| list.into_iter().map(|(_, fact)| fact).collect();
    (facts(now), facts(no_longer))
}

/// The diff as the JSON document `accord.diff.v1`.
pub fn to_json(diff: &Diff) -> Json {
    let names = |fields: &[Field]| fields.iter().map(|f| f.name()).collect::<Vec<_>>();
    json!({
        "format": DIFF_FORMAT,
        "old": diff.old.json(),
        "new": diff.new.json(),
        "changed": diff.changed(),
        "cases_compared": diff.cases.len(),
        "cases_changed": diff.cases_changed(),
        "rules_added": diff.rules_added,
        "rules_removed": diff.rules_removed,
        "rules": diff.rules.iter().map(|r| json!({
            "rule": r.rule,
            "status": r.status.name(),
            "now_fires_in": r.now_fires_in,
            "no_longer_fires_in": r.no_longer_fires_in,
            "changed_in": r.changed_in,
            "changed_fields": names(&r.changed_fields),
            "questions_added_in": r.questions_added_in,
            "questions_removed_in": r.questions_removed_in,
            "questions_now_affect_in": case_facts_json(&r.questions_now_affect_in),
            "questions_no_longer_affect_in": case_facts_json(&r.questions_no_longer_affect_in),
        })).collect::<Vec<_>>(),
        "cases": diff.cases.iter().map(|c| json!({
            "case": c.case,
            "name": c.name,
            "as_of": c.as_of.to_string(),
            "changed": !c.is_empty(),
            "advice_added": c.added.iter().map(advice_json).collect::<Vec<_>>(),
            "advice_removed": c.removed.iter().map(advice_json).collect::<Vec<_>>(),
            "advice_changed": c.changed.iter().map(|changed| json!({
                "rule": changed.new.rule,
                "item": changed.new.item,
                "fields": names(&changed.fields),
                "old": advice_json(&changed.old),
                "new": advice_json(&changed.new),
            })).collect::<Vec<_>>(),
            "questions_added": questions_json(&c.questions_added),
            "questions_removed": questions_json(&c.questions_removed),
            "questions_changed": c.questions_changed.iter().map(|changed| json!({
                "fact": changed.new.fact,
                "fields": changed.fields.iter().map(|f| f.name()).collect::<Vec<_>>(),
                "affects_added": changed.affects_added,
                "affects_removed": changed.affects_removed,
                "old": question_json(&changed.old),
                "new": question_json(&changed.new),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

fn case_facts_json(list: &[CaseFacts]) -> Json {
    list.iter().map(|c| json!({"case": c.case, "facts": c.facts})).collect()
}

/// Advice and questions exactly as `accord.advice.v2` writes them (the report's other
/// fields are dropped).
fn report_json(advice: Vec<Advice>, questions: Vec<Question>) -> Json {
    let any_date = Date::new(2000, 1, 1).expect("a valid date");
    crate::report::to_json(&Report { case: None, as_of: any_date, advice, questions })
}

fn advice_json(advice: &Advice) -> Json {
    report_json(vec![advice.clone()], Vec::new())["advice"][0].take()
}

fn questions_json(questions: &[Question]) -> Json {
    report_json(Vec::new(), questions.to_vec())["questions"].take()
}

fn question_json(question: &Question) -> Json {
    // A question's keys are strings: it always serializes.
    serde_json::to_value(question).unwrap_or_default()
}

/// The diff as a report for people: the rules behind the changes, then each changed case.
pub fn to_text(diff: &Diff) -> String {
    let mut out = format!("Old rules: {}\nNew rules: {}\n", diff.old.describe(), diff.new.describe());
    if !diff.rules_added.is_empty() {
        out.push_str(&format!("Rules added: {}\n", diff.rules_added.join(", ")));
    }
    if !diff.rules_removed.is_empty() {
        out.push_str(&format!("Rules removed: {}\n", diff.rules_removed.join(", ")));
    }
    let compared = counted(diff.cases.len(), "case");
    if !diff.changed() {
        out.push_str(&format!("\nNo changes: the {compared} get the same advice and questions from both.\n"));
        if diff.cases.len() == 1 {
            out = out.replace("the 1 case get", "the case gets");
        }
        return out;
    }
    out.push_str(&format!("\n{} of {compared} changed.\n", diff.cases_changed()));

    if !diff.rules.is_empty() {
        out.push_str("\nBy rule\n");
    }
    // A case given twice is the same file: either of its diffs says what its questions were.
    let by_name: HashMap<&str, &CaseDiff> = diff.cases.iter().map(|c| (c.case.as_str(), c)).collect();
    for rule in &diff.rules {
        let status = match rule.status {
            RuleStatus::Kept => "",
            RuleStatus::Added => " (new rule)",
            RuleStatus::Removed => " (rule removed)",
        };
        out.push_str(&format!("\n{}{status}\n", rule.rule));
        let fields = rule.changed_fields.iter().map(|f| f.name()).collect::<Vec<_>>().join(", ");
        for (cases, what) in [
            (&rule.now_fires_in, "now fires".to_string()),
            (&rule.no_longer_fires_in, "no longer fires".to_string()),
            (&rule.changed_in, format!("gives changed advice ({fields})")),
        ] {
            if !cases.is_empty() {
                out.push_str(&format!("  {} in {}:\n", capitalised(&what), counted(cases.len(), "case")));
                for case in cases {
                    out.push_str(&format!("    {case}\n"));
                }
            }
        }
        write_rule_questions(&mut out, rule, &by_name);
    }

    out.push_str("\nBy case\n");
    let rank: HashMap<&str, usize> =
        diff.rules.iter().enumerate().map(|(i, r)| (r.rule.as_str(), i)).collect();
    for case in diff.cases.iter().filter(|c| !c.is_empty()) {
        let name =
            case.name.as_deref().map(|n| format!(" ({})", escaped(n, Escape::Controls))).unwrap_or_default();
        out.push_str(&format!("\n{}{name}, as of {}\n", case.case, case.as_of));
        write_case(&mut out, case, &rank);
    }
    let unchanged = diff.cases.len() - diff.cases_changed();
    if unchanged > 0 {
        let verb = if unchanged == 1 { "is" } else { "are" };
        out.push_str(&format!("\n{} {verb} unchanged.\n", counted(unchanged, "other case")));
    }
    // What the cases write (advice texts, answers) shown without the control characters
    // that would act on a terminal; the lines are the report's own.
    escaped(&out, Escape::KeepLineBreaks).into_owned()
}

/// One case's changes, in rule order (`rank`: a rule's place in the report), items in
/// list order: `+` added, `-` removed, `~` changed; then the questions.
fn write_case(out: &mut String, case: &CaseDiff, rank: &HashMap<&str, usize>) {
    enum Line<'a> {
        Added(&'a Advice<'a>),
        Removed(&'a Advice<'a>),
        Changed(&'a ChangedAdvice<'a>),
    }
    let mut lines: Vec<(&Advice, Line<'_>)> = Vec::new();
    lines.extend(case.added.iter().map(|a| (a, Line::Added(a))));
    lines.extend(case.removed.iter().map(|a| (a, Line::Removed(a))));
    lines.extend(case.changed.iter().map(|c| (&c.new, Line::Changed(c))));
    lines.sort_by_key(|(advice, _)| {
        (rank.get(advice.rule).copied().unwrap_or(usize::MAX), item_index(advice), advice.item.clone())
    });
    for (_, line) in lines {
        match line {
            Line::Added(advice) => out.push_str(&format!("  + {}\n", advice_line(advice))),
            Line::Removed(advice) => out.push_str(&format!("  - {}\n", advice_line(advice))),
            Line::Changed(changed) => write_changed(out, changed),
        }
    }
    write_case_questions(out, case);
}

/// The questions of a rule whose answers could now, or could no longer, change it, case by
/// case; a question asked anew, or no longer asked, is marked so.
fn write_rule_questions(out: &mut String, rule: &RuleChanges, cases: &HashMap<&str, &CaseDiff>) {
    let lists = [
        (&rule.questions_now_affect_in, "now bear", true),
        (&rule.questions_no_longer_affect_in, "no longer bear", false),
    ];
    for (list, verb, now) in lists {
        if list.is_empty() {
            continue;
        }
        out.push_str(&format!("  Questions {verb} on it in {}:\n", counted(list.len(), "case")));
        for CaseFacts { case, facts } in list {
            let questions = cases.get(case.as_str());
            let shown: Vec<String> = facts
                .iter()
                .map(|fact| {
                    let asked = |qs: &[Question]| qs.iter().any(|q| &q.fact == fact);
                    match questions {
                        Some(c) if now && asked(&c.questions_added) => format!("{fact} (a new question)"),
                        Some(c) if !now && asked(&c.questions_removed) => format!("{fact} (no longer asked)"),
                        _ => fact.clone(),
                    }
                })
                .collect();
            out.push_str(&format!("    {case}: {}\n", shown.join(", ")));
        }
    }
}

/// A case's questions that changed: `+` asked anew and `~` asked differently, in the new
/// report's order, then `-` no longer asked, in the old report's order.
fn write_case_questions(out: &mut String, case: &CaseDiff) {
    let mut lines: Vec<(usize, String)> = Vec::new();
    for question in &case.questions_added {
        lines.push((question.rank, format!("  + {}\n", question_line(question))));
    }
    for changed in &case.questions_changed {
        lines.push((changed.new.rank, changed_question_lines(changed)));
    }
    lines.sort_by_key(|(rank, _)| *rank);
    for (_, line) in lines {
        out.push_str(&line);
    }
    for question in &case.questions_removed {
        out.push_str(&format!("  - {}\n", question_line(question)));
    }
}

fn question_line(question: &Question) -> String {
    format!("question {}: \u{201c}{}\u{201d}", question.fact, question.text)
}

/// `~ question FACT: FIELDS changed`, then a line per field saying how.
fn changed_question_lines(changed: &ChangedQuestion) -> String {
    let (old, new) = (&changed.old, &changed.new);
    let fields = changed.fields.iter().map(|f| f.name()).collect::<Vec<_>>().join(", ");
    let mut out = format!("  ~ question {}: {fields} changed\n", new.fact);
    for field in &changed.fields {
        let detail = match field {
            QuestionField::Rank => format!("moved from {} to {}", old.rank, new.rank),
            QuestionField::Text => format!("\u{201c}{}\u{201d} -> \u{201c}{}\u{201d}", old.text, new.text),
            QuestionField::Affects => {
                let mut parts = Vec::new();
                if !changed.affects_added.is_empty() {
                    parts.push(format!("+ {}", changed.affects_added.join(", ")));
                }
                if !changed.affects_removed.is_empty() {
                    parts.push(format!("- {}", changed.affects_removed.join(", ")));
                }
                parts.join("; ")
            }
            QuestionField::Answer => {
                format!("{} -> {}", answer_words(&old.answer), answer_words(&new.answer))
            }
        };
        out.push_str(&format!("      {}: {detail}\n", field.name()));
    }
    out
}

/// The kind of answer a question takes, with its choices: `one_of (none, merger)`.
fn answer_words(answer: &crate::eval::Answer) -> String {
    match answer {
        crate::eval::Answer::OneOf(choices) => format!("{} ({})", answer.name(), choices.join(", ")),
        other => other.name().to_string(),
    }
}

/// The index of the item advice is for (`groups[10]` is 10), to sort items in list order.
fn item_index(advice: &Advice) -> Option<usize> {
    let inside = advice.item.as_deref()?.strip_suffix(']')?;
    inside[inside.rfind('[')? + 1..].parse().ok()
}

fn advice_line(advice: &Advice) -> String {
    format!("{}: {} \u{201c}{}\u{201d}", rule_and_item(advice), advice.kind.name(), advice.title)
}

fn rule_and_item(advice: &Advice) -> String {
    match &advice.item {
        Some(item) => format!("{} for {item}", advice.rule),
        None => advice.rule.to_string(),
    }
}

fn write_changed(out: &mut String, changed: &ChangedAdvice) {
    let (old, new) = (&changed.old, &changed.new);
    let fields = changed.fields.iter().map(|f| f.name()).collect::<Vec<_>>().join(", ");
    out.push_str(&format!("  ~ {}: {fields} changed\n", rule_and_item(new)));
    for field in &changed.fields {
        let detail = match field {
            Field::Kind => format!("{} -> {}", old.kind.name(), new.kind.name()),
            Field::Priority => {
                format!("{} -> {}", old.priority.unwrap_or("none"), new.priority.unwrap_or("none"))
            }
            Field::Evidence => {
                format!("{} -> {}", old.evidence.unwrap_or("none"), new.evidence.unwrap_or("none"))
            }
            Field::Lessons => format!("{} -> {}", list_or_none(old.lessons), list_or_none(new.lessons)),
            Field::Title => {
                format!("\u{201c}{}\u{201d} -> \u{201c}{}\u{201d}", old.title, new.title)
            }
            Field::Text => word_change(&old.text, &new.text),
            Field::Citations => {
                let mut parts = Vec::new();
                let removed: Vec<&CitedSource> =
                    old.citations.iter().filter(|c| !new.citations.contains(c)).collect();
                let added: Vec<&CitedSource> =
                    new.citations.iter().filter(|c| !old.citations.contains(c)).collect();
                for cited in &removed {
                    parts.push(format!("- {}", citation_label(cited, &added)));
                }
                for cited in &added {
                    parts.push(format!("+ {}", citation_label(cited, &removed)));
                }
                if parts.is_empty() {
                    "the same sources in another order".to_string()
                } else {
                    parts.join("; ")
                }
            }
        };
        out.push_str(&format!("      {}: {detail}\n", field.name()));
    }
}

fn list_or_none(list: &[String]) -> String {
    if list.is_empty() { "none".to_string() } else { list.join(", ") }
}

/// A citation in a few words; with its whole reference when another citation it is shown
/// beside reads the same in a few words.
fn citation_label(cited: &CitedSource, others: &[&CitedSource]) -> String {
    let short = |c: &CitedSource| {
        let mut label = c.reference.key.clone();
        if let Some(locator) = &c.locator {
            label.push_str(&format!(" at \u{201c}{locator}\u{201d}"));
        }
        if let Some(quoting) = &c.quoted_in {
            label.push_str(&format!(" quoted in {}", quoting.reference.key));
            if let Some(locator) = &quoting.locator {
                label.push_str(&format!(" at \u{201c}{locator}\u{201d}"));
            }
        }
        if let Some(quote) = &c.quote {
            label.push_str(&format!(" quote \u{201c}{quote}\u{201d}"));
        }
        if c.role == crate::rulebase::CitationRole::Example {
            label.push_str(" for example");
        }
        label
    };
    let label = short(cited);
    if others.iter().any(|other| short(other) == label) {
        format!("{label} ({})", cited.reference.reference)
    } else {
        label
    }
}

/// Where two texts differ, word by word, with a few words of context either side:
/// `... until at least [-October 2014-] {+April 2015+} and ...`.
fn word_change(old: &str, new: &str) -> String {
    const CONTEXT: usize = 5;
    let a: Vec<&str> = old.split_whitespace().collect();
    let b: Vec<&str> = new.split_whitespace().collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let room = a.len().min(b.len()) - prefix;
    let suffix = a.iter().rev().zip(b.iter().rev()).take(room).take_while(|(x, y)| x == y).count();
    let (removed, added) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    if removed.is_empty() && added.is_empty() {
        return "only spacing or line breaks differ".to_string();
    }
    let mut words: Vec<String> = Vec::new();
    let start = prefix.saturating_sub(CONTEXT);
    if start > 0 {
        words.push("...".into());
    }
    words.extend(a[start..prefix].iter().map(|w| w.to_string()));
    if !removed.is_empty() {
        words.push(format!("[-{}-]", removed.join(" ")));
    }
    if !added.is_empty() {
        words.push(format!("{{+{}+}}", added.join(" ")));
    }
    let end = (a.len() - suffix + CONTEXT).min(a.len());
    words.extend(a[a.len() - suffix..end].iter().map(|w| w.to_string()));
    if end < a.len() {
        words.push("...".into());
    }
    words.join(" ")
}

fn counted(n: usize, what: &str) -> String {
    if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Reading the rule files of a git revision of a repository, by running `git`.
///
/// The files under the revision's `rules/` are written, as they are at that revision, to
/// a folder named after their git tree (under the system's temporary folder, one per user),
/// so that rule files and the source texts they name are read from the same revision as
/// with a folder on disk. The same tree always has the same content, so the folder is
/// reused, after checking that it still holds exactly those files.
pub mod git {
    use std::fmt;
    use std::path::{Component, Path, PathBuf};
    use std::process::{Command, Output, Stdio};

    use crate::diag::Diagnostic;
    use crate::load::MAX_FILE_BYTES;

    /// Why the rules of a revision could not be read.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub enum GitError {
        /// `git` could not be run.
        NoGit(String),
        /// The folder is not in a git repository; git's reason.
        NotARepository(String),
        /// The repository has no such revision (or it is not a commit).
        NoSuchRevision(String),
        /// The revision has no `rules/` folder.
        NoRules(String),
        /// Something else failed: git, or writing the files.
        Failed(String),
    }

    impl GitError {
        /// Whether the revision or the repository named is at fault (a command-line error),
        /// rather than the files found.
        pub fn is_usage(&self) -> bool {
            !matches!(self, GitError::Failed(_))
        }

        /// As a diagnostic, with help where a fix is likely.
        pub fn diagnostic(&self) -> Diagnostic {
            let diagnostic = Diagnostic::error("E0001", self.to_string());
            match self {
                GitError::NoSuchRevision(_) => diagnostic
                    .help("name a branch, a tag or a commit (`main`, `HEAD~1`, `v1.2`), or a folder or file that exists"),
                GitError::NotARepository(_) => {
                    diagnostic.help("run accord inside the git repository, or name a folder or file that exists")
                }
                _ => diagnostic,
            }
        }
    }

    impl fmt::Display for GitError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                GitError::NoGit(why) => write!(f, "cannot run `git`: {why}"),
                GitError::NotARepository(why) => write!(f, "not in a git repository: {why}"),
                GitError::NoSuchRevision(revision) => {
                    write!(
                        f,
                        "`{revision}` is neither a file or folder nor a revision of this git repository"
                    )
                }
                GitError::NoRules(revision) => write!(f, "revision `{revision}` has no `rules/` folder"),
                GitError::Failed(why) => f.write_str(why),
            }
        }
    }

    /// The rules of a revision, written out.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct RulesAt {
        /// The commit the revision names.
        pub commit: String,
        /// The folder standing for the repository's root at that revision: its `rules/`
        /// holds the files. Paths under it can be shown as `REVISION:rules/...`.
        pub root: PathBuf,
        /// `root/rules`, the rule base's folder.
        pub rules: PathBuf,
    }

    fn git(repo: &Path, args: &[&str]) -> Result<Output, GitError> {
        Command::new("git")
            .arg("-C")
            .arg(repo)
            .args(args)
            .env("GIT_TERMINAL_PROMPT", "0")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| GitError::NoGit(e.to_string()))
    }

    fn stdout_line(output: &Output) -> String {
        String::from_utf8_lossy(&output.stdout).trim_end_matches(['\n', '\r']).to_string()
    }

    fn first_error_line(output: &Output) -> String {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let line = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("git failed").trim();
        line.strip_prefix("fatal: ").unwrap_or(line).to_string()
    }

    /// The root of the git repository that holds `dir`.
    pub fn toplevel(dir: &Path) -> Result<PathBuf, GitError> {
        let output = git(dir, &["rev-parse", "--show-toplevel"])?;
        if !output.status.success() {
            return Err(GitError::NotARepository(first_error_line(&output)));
        }
        Ok(PathBuf::from(stdout_line(&output)))
    }

    /// The commit a revision names.
    pub fn commit(repo: &Path, revision: &str) -> Result<String, GitError> {
        if revision.is_empty() || revision.starts_with('-') || revision.contains('\0') {
            return Err(GitError::NoSuchRevision(revision.to_string()));
        }
        let output = git(repo, &["rev-parse", "--verify", "--quiet", &format!("{revision}^{{commit}}")])?;
        if !output.status.success() {
            return Err(GitError::NoSuchRevision(revision.to_string()));
        }
        Ok(stdout_line(&output))
    }

    /// Writes out the `rules/` folder of `revision` of the repository at `repo` (or reuses
    /// it, written before) and says where it is.
    pub fn rules_at(repo: &Path, revision: &str) -> Result<RulesAt, GitError> {
        let commit = commit(repo, revision)?;
        let tree = git(repo, &["rev-parse", "--verify", "--quiet", &format!("{commit}:rules")])?;
        if !tree.status.success() {
            return Err(GitError::NoRules(revision.to_string()));
        }
        let tree = stdout_line(&tree);
        let kind = git(repo, &["cat-file", "-t", &tree])?;
        if stdout_line(&kind) != "tree" {
            return Err(GitError::NoRules(revision.to_string()));
        }
        let files = files_of(repo, revision, &tree)?;
        let cache = cache_folder().map_err(|e| {
            GitError::Failed(format!(
                "cannot make a private folder for the rules of revision `{revision}` in `{}`: {e}",
                std::env::temp_dir().display()
            ))
        })?;
        let root = cache.join(&tree);
        if holds_exactly(&root, &files) {
            return Ok(RulesAt { commit, rules: root.join("rules"), root });
        }
        let failed = |e: std::io::Error| {
            GitError::Failed(format!(
                "cannot write the rules of revision `{revision}` to `{}`: {e}",
                cache.display()
            ))
        };
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        let scratch = cache.join(format!(".{tree}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(scratch.join("rules")).map_err(failed)?;
        for (path, bytes) in &files {
            let file = scratch.join("rules").join(path);
            if let Some(parent) = file.parent() {
                std::fs::create_dir_all(parent).map_err(failed)?;
            }
            std::fs::write(&file, bytes).map_err(failed)?;
        }
        if std::fs::rename(&scratch, &root).is_err() {
            // Another run wrote it meanwhile, or what is there is damaged.
            if holds_exactly(&root, &files) {
                let _ = std::fs::remove_dir_all(&scratch);
                return Ok(RulesAt { commit, rules: root.join("rules"), root });
            }
            let _ = std::fs::remove_dir_all(&root);
            if std::fs::rename(&scratch, &root).is_err() {
                // Use the folder just written; it stays behind.
                return Ok(RulesAt { commit, rules: scratch.join("rules"), root: scratch });
            }
        }
        Ok(RulesAt { commit, rules: root.join("rules"), root })
    }

    /// The files (path under `rules/`, content) of a tree, in git's order.
    fn files_of(repo: &Path, revision: &str, tree: &str) -> Result<Vec<(PathBuf, Vec<u8>)>, GitError> {
        let listing = git(repo, &["ls-tree", "-r", "-l", "-z", "--full-tree", tree])?;
        if !listing.status.success() {
            return Err(GitError::Failed(format!(
                "cannot list the rules of revision `{revision}`: {}",
                first_error_line(&listing)
            )));
        }
        let mut files = Vec::new();
        for entry in listing.stdout.split(|&b| b == 0).filter(|e| !e.is_empty()) {
            let entry = String::from_utf8_lossy(entry);
            let Some((meta, path)) = entry.split_once('\t') else { continue };
            let meta: Vec<&str> = meta.split_whitespace().collect();
            let [mode, "blob", object, size] = meta[..] else { continue };
            // Regular files only: not links, not submodules.
            if !mode.starts_with("100") {
                continue;
            }
            let path = PathBuf::from(path);
            if !path.components().all(|c| matches!(c, Component::Normal(_))) {
                continue;
            }
            let shown = format!("{revision}:rules/{}", path.display());
            // The same limit as for files on disk, set by `ACCORD_MAX_FILE_BYTES`.
            let limit = crate::load::max_file_bytes().unwrap_or(MAX_FILE_BYTES);
            if size.parse::<u64>().is_ok_and(|size| size > limit) {
                return Err(GitError::Failed(format!(
                    "cannot read `{shown}`: it is too large: {size} bytes, more than the limit of {limit}"
                )));
            }
            let blob = git(repo, &["cat-file", "blob", object])?;
            if !blob.status.success() {
                return Err(GitError::Failed(format!("cannot read `{shown}`: {}", first_error_line(&blob))));
            }
            files.push((path, blob.stdout));
        }
        Ok(files)
    }

    /// Whether `root/rules` holds these files and nothing else.
    fn holds_exactly(root: &Path, files: &[(PathBuf, Vec<u8>)]) -> bool {
        let mut found = Vec::new();
        if !list_files(&root.join("rules"), Path::new(""), &mut found) {
            return false;
        }
        let mut expected: Vec<&PathBuf> = files.iter().map(|(path, _)| path).collect();
        found.sort();
        expected.sort();
        found.iter().eq(expected.iter().copied())
            && files
                .iter()
                .all(|(path, bytes)| std::fs::read(root.join("rules").join(path)).is_ok_and(|b| &b == bytes))
    }

    fn list_files(dir: &Path, relative: &Path, found: &mut Vec<PathBuf>) -> bool {
        let Ok(entries) = std::fs::read_dir(dir) else { return false };
        for entry in entries {
            let Ok(entry) = entry else { return false };
            let Ok(kind) = entry.file_type() else { return false };
            let relative = relative.join(entry.file_name());
            if kind.is_dir() {
                if !list_files(&entry.path(), &relative, found) {
                    return false;
                }
            } else {
                found.push(relative);
            }
        }
        true
    }

    /// The folder the rules of revisions are written to, and reused from: a private folder
    /// of this user's in the temporary folder, `accord-git-rules-USER`. It is made readable
    /// and writable by its owner only (mode 0700); when something else has its name (a
    /// symbolic link, perhaps planted by another user; a folder of another owner, or one
    /// others may write to), it is left alone and a fresh private folder is made for this
    /// run (`accord-git-rules-USER-PID-N`, left behind).
    fn cache_folder() -> std::io::Result<PathBuf> {
        let temp = std::env::temp_dir();
        let named = temp.join(format!("accord-git-rules-{}", user()));
        if private_folder(&named)? {
            return Ok(named);
        }
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        let mut last = None;
        for attempt in 0..16u32 {
            let fresh =
                temp.join(format!("accord-git-rules-{}-{}-{}", user(), std::process::id(), nanos + attempt));
            match new_private_folder(&fresh) {
                Ok(()) => return Ok(fresh),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| std::io::Error::other("no fresh name")))
    }

    /// Makes the folder at `path` (mode 0700) unless something has its name; then says
    /// whether what is there is a folder, not a link, of this user's, that no one else
    /// may read or write.
    fn private_folder(path: &Path) -> std::io::Result<bool> {
        match new_private_folder(path) {
            Ok(()) => return Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
        // `symlink_metadata`: a link is looked at, not followed.
        let metadata = std::fs::symlink_metadata(path)?;
        if !metadata.file_type().is_dir() {
            return Ok(false);
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::{MetadataExt, PermissionsExt};
            if metadata.permissions().mode() & 0o077 != 0 {
                return Ok(false);
            }
            // Whose the folder is, against whose a folder made now is (the file system's
            // own idea of this user).
            let probe = path.with_file_name(format!(
                ".accord-owner-probe-{}-{}",
                std::process::id(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.subsec_nanos())
                    .unwrap_or_default()
            ));
            new_private_folder(&probe)?;
            let mine = std::fs::symlink_metadata(&probe).map(|m| m.uid());
            let _ = std::fs::remove_dir(&probe);
            if metadata.uid() != mine? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Makes a folder readable and writable by its owner only; fails if its name is taken.
    fn new_private_folder(path: &Path) -> std::io::Result<()> {
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(path)
    }

    /// The user's name, as far as it is safe in a file name, so that each user has their
    /// own folder.
    fn user() -> String {
        let name = std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_default();
        let name: String =
            name.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')).collect();
        if name.is_empty() { "user".to_string() } else { name }
    }
}
