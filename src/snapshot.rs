//! Snapshots of advice for `accord test`: the expected text report of a case, kept beside
//! it in insta's file format (`DIR/snapshots/NAME.snap`, a header between `---` lines,
//! then the text), so that `cargo insta review` reads the same files; a pending change is
//! a `.snap.new` file beside it, as insta writes one. Also the word-level difference of
//! two texts, for showing what changed. Must not advise or print: the command line does.

use std::path::{Path, PathBuf};

/// Where the snapshot of the case file `case` is kept: `fixtures/01-x.json` ->
/// `fixtures/snapshots/01-x.snap`.
pub fn path_of(case: &Path) -> PathBuf {
    let folder = case.parent().unwrap_or_else(|| Path::new(""));
    let stem = case.file_stem().map(|stem| stem.to_string_lossy().into_owned()).unwrap_or_default();
    folder.join("snapshots").join(format!("{stem}.snap"))
}

/// The pending snapshot beside `snapshot`: `NAME.snap.new`.
pub fn pending_path(snapshot: &Path) -> PathBuf {
    let mut name = snapshot.as_os_str().to_owned();
    name.push(".new");
    PathBuf::from(name)
}

/// A snapshot file's text for the report `text` of the case shown as `case`.
pub fn render(case: &str, text: &str) -> String {
    // The header as insta writes it: a YAML mapping; the case's path quoted as a string.
    let quoted = serde_json::to_string(case).unwrap_or_default();
    format!("---\nsource: accord test\nexpression: {quoted}\n---\n{}\n", text.trim_end())
}

/// A snapshot file's text for the report `text`, over the file `kept` when there is one:
/// its header is kept as it is (the test that wrote it, the expression, the input file),
/// so that accepting a change with `accord test` changes only the report, whoever wrote
/// the file first.
pub fn render_over(kept: Option<&str>, case: &str, text: &str) -> String {
    match kept.and_then(|file| Some(&file[..file.len() - contents(file)?.len()])) {
        Some(header) => format!("{header}{}\n", text.trim_end()),
        None => render(case, text),
    }
}

/// The text a snapshot file holds (after its header), or `None` when the file is not a
/// snapshot.
pub fn contents(file: &str) -> Option<&str> {
    let rest = file.strip_prefix("---\n").or_else(|| file.strip_prefix("---\r\n"))?;
    let end = rest.find("\n---\n").map(|at| at + "\n---\n".len())?;
    Some(&rest[end..])
}

/// Whether a report matches a snapshot's text: equal but for trailing white space at the
/// end, as insta compares them.
pub fn matches(expected: &str, actual: &str) -> bool {
    expected.trim_end() == actual.trim_end()
}

/// One piece of a difference of two texts, word by word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change<'a> {
    /// In both.
    Same(&'a str),
    /// Only in the old text.
    Removed(&'a str),
    /// Only in the new text.
    Added(&'a str),
}

/// The most words a text may have for the word-level difference; longer texts are
/// compared line by line (the table of common lengths grows with the product).
const MAX_WORDS: usize = 6_000;

/// The difference of `old` and `new`, word by word (white space kept with the word before
/// it), or line by line when either is long.
pub fn word_diff<'a>(old: &'a str, new: &'a str) -> Vec<Change<'a>> {
    let (a, b) = (pieces(old, false), pieces(new, false));
    if a.len() > MAX_WORDS || b.len() > MAX_WORDS {
        return lcs_diff(&pieces(old, true), &pieces(new, true));
    }
    lcs_diff(&a, &b)
}

/// `text` cut into words (each with the white space after it) or lines.
fn pieces(text: &str, lines: bool) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_space = false;
    for (at, c) in text.char_indices() {
        let space = if lines { c == '\n' } else { c.is_whitespace() };
        if in_space && !space {
            out.push(&text[start..at]);
            start = at;
        }
        if lines {
            // A line ends after its line break.
            if c == '\n' {
                out.push(&text[start..=at]);
                start = at + 1;
            }
        } else {
            in_space = space;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// The longest common subsequence of `a` and `b`, as changes in order.
fn lcs_diff<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<Change<'a>> {
    let (n, m) = (a.len(), b.len());
    // lengths[i][j]: the longest common subsequence of a[i..] and b[j..].
    let mut lengths = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lengths[at(i, j)] = if a[i] == b[j] {
                lengths[at(i + 1, j + 1)] + 1
            } else {
                lengths[at(i + 1, j)].max(lengths[at(i, j + 1)])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < n && j < m {
        if a[i] == b[j] {
            out.push(Change::Same(a[i]));
            i += 1;
            j += 1;
        } else if lengths[at(i + 1, j)] >= lengths[at(i, j + 1)] {
            out.push(Change::Removed(a[i]));
            i += 1;
        } else {
            out.push(Change::Added(b[j]));
            j += 1;
        }
    }
    out.extend(a[i..].iter().map(|piece| Change::Removed(piece)));
    out.extend(b[j..].iter().map(|piece| Change::Added(piece)));
    out
}

#[cfg(test)]
mod tests {
    use super::{Change, contents, matches, path_of, render, render_over, word_diff};
    use std::path::Path;

    #[test]
    fn a_snapshot_reads_back_what_it_was_written_with() {
        let file = render("fixtures/01-x.json", "Shire\n======\nAdvice.\n\n");
        assert!(file.starts_with("---\nsource: accord test\nexpression: \"fixtures/01-x.json\"\n---\n"));
        assert_eq!(contents(&file), Some("Shire\n======\nAdvice.\n"));
        assert!(matches(contents(&file).unwrap_or_default(), "Shire\n======\nAdvice.\n\n\n"));
        assert!(!matches(contents(&file).unwrap_or_default(), "Shire\n======\nAdvice!\n"));
        assert_eq!(contents("no header"), None);
        assert_eq!(path_of(Path::new("fixtures/01-x.json")), Path::new("fixtures/snapshots/01-x.snap"));
    }

    #[test]
    fn a_kept_header_is_kept() {
        let kept = "---\nsource: tests/snapshots.rs\nexpression: x\n---\nOld report\n";
        assert_eq!(
            render_over(Some(kept), "fixtures/01-x.json", "New report\n"),
            "---\nsource: tests/snapshots.rs\nexpression: x\n---\nNew report\n"
        );
        assert_eq!(render_over(None, "c.json", "R"), render("c.json", "R"));
        assert_eq!(render_over(Some("not a snapshot"), "c.json", "R"), render("c.json", "R"));
    }

    #[test]
    fn the_difference_is_word_by_word() {
        let changes = word_diff("stall until May 2014.\n", "stall until July 2014.\n");
        assert_eq!(
            changes,
            [
                Change::Same("stall "),
                Change::Same("until "),
                Change::Removed("May "),
                Change::Added("July "),
                Change::Same("2014.\n")
            ]
        );
        let same = word_diff("a b c", "a b c");
        assert!(same.iter().all(|change| matches!(change, Change::Same(_))));
        // Joined back, each side is its text.
        let (old, new) = ("one two\nthree", "one\nthree four");
        let changes = word_diff(old, new);
        let old_side: String = changes
            .iter()
            .filter_map(|c| match c {
                Change::Same(s) | Change::Removed(s) => Some(*s),
                Change::Added(_) => None,
            })
            .collect();
        let new_side: String = changes
            .iter()
            .filter_map(|c| match c {
                Change::Same(s) | Change::Added(s) => Some(*s),
                Change::Removed(_) => None,
            })
            .collect();
        assert_eq!((old_side.as_str(), new_side.as_str()), (old, new));
    }
}
