//! Bibliography helpers used by the checker: Harvard-style references, and the text
//! normalisation under which a quote counts as found in its source.

// Writing to a `String` cannot fail: the `fmt::Result`s of `write!` below are ignored.
use std::fmt::Write as _;

/// The parts of a reference, as declared in a `source` item.
#[derive(Clone, Debug, Default)]
pub struct ReferenceParts<'a> {
    /// `Peck, E. and Freeman, T.`
    pub authors: &'a str,
    /// `2005`
    pub year: &'a str,
    /// The work's title.
    pub title: &'a str,
    /// Shown in brackets after the title.
    pub note: Option<&'a str>,
    /// For a chapter: the editors, as `E. Peck (ed.) (2005)`.
    pub editors: Option<&'a str>,
    /// For a chapter: the book.
    pub book: Option<&'a str>,
    /// For an article: the journal.
    pub journal: Option<&'a str>,
    /// For an article: volume.
    pub volume: Option<&'a str>,
    /// For an article: issue.
    pub issue: Option<&'a str>,
    /// For an article: pages.
    pub pages: Option<&'a str>,
    /// Place and publisher.
    pub published: Option<&'a str>,
}

/// Renders a reference the way the paper's reference list writes it: the title of a book
/// or report (or the book a chapter is in, or the journal) is emphasised with `emphasis`.
///
/// - book or report: `Authors (year) *Title* (note). Place, Publisher`
/// - chapter: `Authors (year) Title, in Editors *Book*. Place, Publisher`
/// - article: `Authors (year) Title, note *Journal*, volume(issue), pages`
pub fn harvard(parts: &ReferenceParts<'_>, emphasis: impl Fn(&str) -> String) -> String {
    let mut out = format!("{} ({}) ", parts.authors, parts.year);
    let note = parts.note.map(|note| format!(" ({note})")).unwrap_or_default();
    if let Some(journal) = parts.journal {
        // An article's note says what the journal issue is: `special edition of`.
        let note = parts.note.map(|note| format!("{note} ")).unwrap_or_default();
        let _ = write!(out, "{}, {note}{}", parts.title, emphasis(journal));
        let volume = match (parts.volume, parts.issue) {
            (Some(volume), Some(issue)) => Some(format!("{volume}({issue})")),
            (Some(volume), None) => Some(volume.to_string()),
            (None, Some(issue)) => Some(format!("({issue})")),
            (None, None) => None,
        };
        for piece in [volume.as_deref(), parts.pages].into_iter().flatten() {
            let _ = write!(out, ", {piece}");
        }
    } else if let Some(book) = parts.book {
        let editors = parts.editors.map(|e| format!("{e} ")).unwrap_or_default();
        let _ = write!(out, "{}{note}, in {editors}{}", parts.title, emphasis(book));
    } else {
        let _ = write!(out, "{}{note}", emphasis(parts.title));
    }
    if let Some(published) = parts.published {
        // A title that ends in its own punctuation needs no full stop after it.
        let separator = if out.ends_with(['?', '!', '.']) { " " } else { ". " };
        let _ = write!(out, "{separator}{published}");
    }
    out
}

/// Normalises text for quote matching: typographic quotes and dashes become plain ones,
/// `*emphasis*` marks go, and every run of white space becomes one space.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{2032}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2033}' => '"',
            '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
            '*' => continue,
            c => c,
        };
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(s: &str) -> String {
        s.to_string()
    }

    #[test]
    fn renders_books_chapters_and_articles_as_the_paper_does() {
        let book = ReferenceParts {
            authors: "Peck, E. and Freeman, T.",
            year: "2005",
            title: "Reconfiguring PCTs: influences and options",
            note: Some("briefing paper prepared for the NHS Alliance"),
            published: Some("Birmingham, Health Services Management Centre"),
            ..Default::default()
        };
        assert_eq!(
            harvard(&book, |s| format!("*{s}*")),
            "Peck, E. and Freeman, T. (2005) *Reconfiguring PCTs: influences and options* (briefing paper prepared for the NHS Alliance). Birmingham, Health Services Management Centre"
        );
        let article = ReferenceParts {
            authors: "Glasby, J.",
            year: "2005",
            title: "The integration dilemma: how deep and how broad to go?",
            journal: Some("Journal of Integrated Care"),
            volume: Some("13"),
            issue: Some("5"),
            pages: Some("27-30"),
            ..Default::default()
        };
        assert_eq!(
            harvard(&article, plain),
            "Glasby, J. (2005) The integration dilemma: how deep and how broad to go?, Journal of Integrated Care, 13(5), 27-30"
        );
        let chapter = ReferenceParts {
            authors: "Anderson-Wallace, M. and Blanter, C.",
            year: "2005",
            title: "Working with culture",
            editors: Some("E. Peck (ed.) (2005)"),
            book: Some("Organisational development in healthcare"),
            published: Some("Abingdon, Radcliffe Medical Press"),
            ..Default::default()
        };
        assert_eq!(
            harvard(&chapter, plain),
            "Anderson-Wallace, M. and Blanter, C. (2005) Working with culture, in E. Peck (ed.) (2005) Organisational development in healthcare. Abingdon, Radcliffe Medical Press"
        );
    }

    #[test]
    fn normalises_quotes_dashes_emphasis_and_space() {
        assert_eq!(normalise("  ‘has’ – the  *et al.*\n way “we” "), "'has' - the et al. way \"we\"");
    }
}
