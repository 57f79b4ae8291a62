//! The short texts a case fills into its advice (values, reasons, paths, questions),
//! written one after another into one buffer.

use std::ops::Range;

/// The number of one text among a draft's [`Texts`]: neither an item's index nor a rule's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TextId(usize);

impl TextId {
    /// The text's place among the texts, from 0, as [`Texts::joined`] lists their ends.
    pub fn index(self) -> usize {
        self.0
    }
}

/// Texts written one after another into one `String`, each found by its number. A case's
/// advice fills in dozens of short texts: one buffer for all of them allocates a few
/// times, where a `String` each would allocate once per text.
///
/// A text is written by appending to [`Texts::open`], then ended with [`Texts::end`].
#[derive(Debug, Default)]
pub(crate) struct Texts {
    buffer: String,
    /// Where each text ends in `buffer`; the next text starts where the last one ends.
    ends: Vec<usize>,
    /// Room for the prefix [`Texts::prefix_from`] writes, kept from one to the next.
    prefix: String,
}

impl Texts {
    /// Room for a typical case's texts.
    pub fn with_capacity(bytes: usize, texts: usize) -> Texts {
        Texts { buffer: String::with_capacity(bytes), ends: Vec::with_capacity(texts), prefix: String::new() }
    }

    /// How many texts have been ended: the number the next text will have.
    pub fn count(&self) -> usize {
        self.ends.len()
    }

    /// The buffer to append the next text to.
    pub fn open(&mut self) -> &mut String {
        &mut self.buffer
    }

    /// Ends the text appended since the last one ended, and gives its number.
    pub fn end(&mut self) -> TextId {
        self.ends.push(self.buffer.len());
        TextId(self.ends.len() - 1)
    }

    /// Text `id`.
    #[inline]
    pub fn get(&self, id: TextId) -> &str {
        self.at(id.0)
    }

    /// Text number `index`.
    #[inline]
    fn at(&self, index: usize) -> &str {
        &self.buffer[text_range(&self.ends, index)]
    }

    /// Every text, one after another, and where each ends: for a reader that treats them
    /// all at once (the batch writer escapes them for JSON in one pass).
    pub fn joined(&self) -> (&str, &[usize]) {
        (&self.buffer[..self.next_start()], &self.ends)
    }

    /// The texts numbered in `range`, in order.
    pub fn slice(&self, range: Range<usize>) -> impl ExactSizeIterator<Item = &str> + Clone {
        range.map(|index| self.at(index))
    }

    /// Forgets the texts from number `count` on, and any text not yet ended.
    pub fn truncate(&mut self, count: usize) {
        self.ends.truncate(count);
        self.buffer.truncate(self.next_start());
    }

    /// Removes each text from number `first` on that repeats the one before it (as
    /// `Vec::dedup` does).
    pub fn dedup_from(&mut self, first: usize) {
        // From the end, so that the texts still to compare keep their numbers.
        for index in (first + 1..self.ends.len()).rev() {
            let (start, end) = (self.start(index), self.ends[index]);
            let previous = self.start(index - 1);
            // Lengths first: texts of different lengths differ.
            if end - start == start - previous && self.buffer[previous..start] == self.buffer[start..end] {
                self.remove(index);
            }
        }
    }

    /// Puts the text `write_prefix` writes before each of the texts numbered from `first`
    /// on. It is written into a buffer kept for it: a `String` per prefix would allocate.
    pub fn prefix_from(&mut self, first: usize, write_prefix: impl FnOnce(&mut String)) {
        let mut prefix = std::mem::take(&mut self.prefix);
        prefix.clear();
        write_prefix(&mut prefix);
        for index in first..self.ends.len() {
            self.buffer.insert_str(self.start(index), &prefix);
            for end in &mut self.ends[index..] {
                *end += prefix.len();
            }
        }
        self.prefix = prefix;
    }

    fn remove(&mut self, index: usize) {
        let range = self.start(index)..self.ends[index];
        self.buffer.replace_range(range.clone(), "");
        self.ends.remove(index);
        for end in &mut self.ends[index..] {
            *end -= range.len();
        }
    }

    #[inline]
    fn start(&self, index: usize) -> usize {
        text_range(&self.ends, index).start
    }

    fn next_start(&self) -> usize {
        self.ends.last().copied().unwrap_or(0)
    }
}

/// Where text number `index` lies among texts written one after another, given where
/// each ends: from the end of the one before (or the start) to its own end.
#[inline]
pub(crate) fn text_range(ends: &[usize], index: usize) -> Range<usize> {
    let start = if index == 0 { 0 } else { ends[index - 1] };
    start..ends[index]
}

#[cfg(test)]
mod tests {
    use super::Texts;

    fn texts(words: &[&str]) -> Texts {
        let mut texts = Texts::default();
        for word in words {
            texts.open().push_str(word);
            texts.end();
        }
        texts
    }

    fn all(texts: &Texts) -> Vec<&str> {
        texts.slice(0..texts.count()).collect()
    }

    #[test]
    fn texts_are_found_by_number() {
        let mut written = texts(&["a", "", "bc"]);
        assert_eq!(all(&written), ["a", "", "bc"]);
        written.open().push_str("unended");
        written.truncate(2);
        assert_eq!(all(&written), ["a", ""]);
        written.open().push_str("de");
        assert_eq!(written.end().index(), 2);
        assert_eq!(all(&written), ["a", "", "de"]);
    }

    #[test]
    fn dedup_from_removes_repeats_after_first() {
        let mut written = texts(&["x", "x", "y", "y", "y", "x", "z", "z"]);
        written.dedup_from(1);
        assert_eq!(all(&written), ["x", "x", "y", "x", "z"]);
    }

    #[test]
    fn prefix_from_prefixes_the_last_texts() {
        let mut written = texts(&["a", "b", "", "c"]);
        written.prefix_from(1, |prefix| prefix.push_str("g: "));
        assert_eq!(all(&written), ["a", "g: b", "g: ", "g: c"]);
    }
}
