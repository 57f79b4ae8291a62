//! "Did you mean?": the closest known name to a misspelt one, shared by every stage.

/// The longest name, in bytes, that is compared for a suggestion. Comparing two names
/// costs the product of their lengths: two of 20,000 characters took 19 seconds, and a
/// rule file may hold names of millions. Real names are a few dozen characters.
const MAX_COMPARED: usize = 100;

/// The candidate closest to `word`, when one is close enough to be the likely intent.
/// Candidates are tried in order, so ties go to the first. Names longer than
/// [`MAX_COMPARED`] get no suggestion, and are suggested for none.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    if word.is_empty() || word.len() > MAX_COMPARED {
        return None;
    }
    let lower = word.to_lowercase();
    let mut best: Option<(&str, f64)> = None;
    for candidate in candidates {
        if candidate == word || candidate.len() > MAX_COMPARED {
            continue;
        }
        let score = strsim::normalized_damerau_levenshtein(&lower, &candidate.to_lowercase());
        let close = score >= 0.7 || strsim::damerau_levenshtein(&lower, &candidate.to_lowercase()) <= 1;
        if close && best.is_none_or(|(_, best_score)| score > best_score) {
            best = Some((candidate, score));
        }
    }
    best.map(|(candidate, _)| candidate)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_close_names_only() {
        let names = ["change", "culture", "outcomes"];
        assert_eq!(did_you_mean("chnage", names), Some("change"));
        assert_eq!(did_you_mean("Change", names), Some("change"));
        assert_eq!(did_you_mean("outcome", names), Some("outcomes"));
        assert_eq!(did_you_mean("banana", names), None);
        assert_eq!(did_you_mean("", names), None);
        let (long, longer) = ("a".repeat(101), format!("{}b", "a".repeat(100)));
        assert_eq!(did_you_mean(&long, [longer.as_str()]), None);
        assert_eq!(did_you_mean(&"a".repeat(99), ["a".repeat(100).as_str()]).map(str::len), Some(100));
    }
}
