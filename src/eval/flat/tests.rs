//! Unit tests of flattened conditions: truth tables and the leaves that decide first.

use super::*;

const TRUTHS: [Truth; 3] = [Truth::True, Truth::False, Truth::Unknown];

/// `a and (b or not c)` over leaves 0, 1 and 2.
fn skeleton() -> Skeleton {
    let leaf = |i| Box::new(Skeleton::Leaf(i));
    Skeleton::And(leaf(0), Box::new(Skeleton::Or(leaf(1), Box::new(Skeleton::Not(leaf(2))))))
}

#[test]
fn digits_count_true_false_unknown() {
    assert_eq!(TRUTHS.map(digit), [0, 1, 2]);
}

#[test]
fn the_truth_table_agrees_with_walking_the_skeleton() {
    let (skeleton, table) = (skeleton(), truth_table(&skeleton(), 3));
    for a in TRUTHS {
        for b in TRUTHS {
            for c in TRUTHS {
                let leaves = [a, b, c];
                assert_eq!(table[table_index(&leaves)], skeleton.truth(&leaves), "{leaves:?}");
            }
        }
    }
}

#[test]
fn first_leaves_decide_only_what_no_later_leaf_changes() {
    let decided = decided_by_first_leaves(&truth_table(&skeleton(), 3));
    let decided_by = |first: &[Truth]| {
        let mut prefix = Prefix::new();
        first.iter().for_each(|truth| prefix.push(*truth));
        decided.get(prefix.place()).copied().flatten()
    };
    assert_eq!(decided_by(&[Truth::False]), Some(Truth::False));
    assert_eq!(decided_by(&[Truth::True]), None);
    assert_eq!(decided_by(&[Truth::Unknown]), None);
    assert_eq!(decided_by(&[Truth::True, Truth::True]), Some(Truth::True));
    assert_eq!(decided_by(&[Truth::Unknown, Truth::False]), None);
    assert_eq!(decided_by(&[Truth::True, Truth::False]), None);
    assert_eq!(decided_by(&[Truth::False, Truth::False, Truth::False]), None, "every leaf: nothing left");
}
