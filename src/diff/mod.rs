//! Comparing two rule bases over cases (`accord diff`): for each case, the advice that one
//! rule base gives and the other does not, the advice whose fields differ, the questions
//! asked by one and not the other, and the questions both ask that moved or differ; and,
//! rule by rule, in which cases each rule now fires, no longer fires, gives different
//! advice, or could now (or no longer) be changed by a question. The types and the
//! comparison are here; `render.rs` writes them as text and JSON. This module compares
//! reports only: it must not evaluate, read files or run git (the rules of a git revision
//! are read by [`crate::load::git`]).
//!
//! ```
//! use accord::{Date, RuleFiles, diff::{Diff, Origin}};
//!
//! let rules = RuleFiles::embedded().compile().rule_base.expect("the shipped rules check");
//! let case = r#"{"name": "Shire", "change": {"kind": "merger", "date": "2013-04-01"}}"#;
//! let case = accord::parse_case("shire.json", case, rules.vocabulary()).expect("a valid case");
//! let report = rules.advise(&case, Date::parse("2013-09-01").unwrap());
//! let diff = Diff::compare(
//!     (Origin::Embedded, &rules),
//!     (Origin::Embedded, &rules),
//!     vec![("shire.json".to_string(), report.clone(), report)],
//! );
//! assert!(!diff.changed());
//! ```

use std::collections::{HashMap, HashSet};

use crate::eval::{Advice, Question, Report};
use crate::rulebase::RuleBase;
use crate::value::Date;

mod render;

pub use render::{to_json, to_text};

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

/// The index of the item advice is for (`groups[10]` is 10), to sort items in list order.
pub(super) fn item_index(advice: &Advice) -> Option<usize> {
    let inside = advice.item.as_deref()?.strip_suffix(']')?;
    inside[inside.rfind('[')? + 1..].parse().ok()
}
