//! Small helpers for the English of accord's messages and reports: a count with its noun,
//! names in backquotes, a capital letter. Shared so that every message words these the
//! same way. They must stay plain functions of their arguments: no knowledge of rules,
//! cases or reports, and no escaping (what a case writes is escaped by [`crate::shown`]).

/// `1 case`, `2 cases`, `0 cases`: a number and its noun, `one` for exactly one and
/// `many` otherwise (nouns whose plural is not a trailing `s` are spelled out:
/// `1 piece of advice`, `2 pieces of advice`).
pub fn counted(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

/// `` `a`, `b`, `c` ``: names in backquotes, separated by commas, in the order given.
pub(crate) fn backticked<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> String {
    names.into_iter().map(|name| format!("`{}`", name.as_ref())).collect::<Vec<_>>().join(", ")
}

/// The text with its first letter made a capital: `now fires` is `Now fires`.
pub(crate) fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::{backticked, capitalised, counted};

    #[test]
    fn counts_say_one_or_many() {
        assert_eq!(counted(0, "case", "cases"), "0 cases");
        assert_eq!(counted(1, "piece of advice", "pieces of advice"), "1 piece of advice");
        assert_eq!(counted(12, "case", "cases"), "12 cases");
    }

    #[test]
    fn names_are_backticked_in_order() {
        assert_eq!(backticked(["b", "a"]), "`b`, `a`");
        assert_eq!(backticked(&["x".to_string()]), "`x`");
        assert_eq!(backticked(Vec::<&str>::new()), "");
    }

    #[test]
    fn the_first_letter_is_capitalised() {
        assert_eq!(capitalised("now fires"), "Now fires");
        assert_eq!(capitalised("été"), "Été");
        assert_eq!(capitalised(""), "");
    }
}
