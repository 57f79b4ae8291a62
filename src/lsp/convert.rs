//! Places as the protocol counts them (lines and UTF-16 columns, `file://` URIs) and as
//! accord counts them (byte offsets, paths), both ways. Must not know what is at a place.

use std::path::{Path, PathBuf};
use std::str::FromStr as _;

use lsp_types::{Position, Range, Uri};

use crate::ast::Span;

/// Where each line of a text starts: positions found by a binary search, not by counting
/// from the start of the file for each (which took 134 ms for the diagnostics of a rule
/// base of 10,000 rules).
#[derive(Debug, Default)]
pub struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    /// The lines of `text`.
    pub fn new(text: &str) -> Lines {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(at, _)| at + 1)).collect();
        Lines { starts }
    }

    /// The range of a span's bytes of `text` (the text these lines are of), in lines and
    /// UTF-16 columns.
    pub fn range(&self, text: &str, span: Span) -> Range {
        Range { start: self.position(text, span.start), end: self.position(text, span.end) }
    }

    /// The position of byte `offset` of `text` (or of the character it falls in).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&start| start <= offset).saturating_sub(1);
        let line_start = self.starts.get(line).copied().unwrap_or_default();
        let character: usize = text[line_start..offset].chars().map(char::len_utf16).sum();
        Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            character: u32::try_from(character).unwrap_or(u32::MAX),
        }
    }
}

/// The byte offset of `position`; past the end of its line, the line's end; past the
/// last line, the end of the text.
pub fn offset(text: &str, position: Position) -> usize {
    let Ok(line) = usize::try_from(position.line) else { return text.len() };
    let line_start = if line == 0 {
        0
    } else {
        match text.match_indices('\n').nth(line - 1) {
            Some((at, _)) => at + 1,
            None => return text.len(),
        }
    };
    let line_text = text[line_start..].split('\n').next().unwrap_or_default();
    let mut units = 0;
    for (at, c) in line_text.char_indices() {
        if units >= position.character as usize {
            return line_start + at;
        }
        units += c.len_utf16();
    }
    line_start + line_text.len()
}

/// The path of a `file://` URI, its percent-escapes decoded.
pub fn path_of(uri: &str) -> Option<PathBuf> {
    let encoded = uri.strip_prefix("file://")?;
    let mut bytes = Vec::with_capacity(encoded.len());
    let mut rest = encoded.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        if byte == b'%' && tail.len() >= 2 {
            let hex = std::str::from_utf8(&tail[..2]).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            rest = &tail[2..];
        } else {
            bytes.push(byte);
            rest = tail;
        }
    }
    Some(PathBuf::from(String::from_utf8(bytes).ok()?))
}

/// The `file://` URI of an absolute path, escaped where a URI needs it.
pub fn uri_of(path: &Path) -> Option<Uri> {
    Uri::from_str(&format!("file://{}", crate::percent::encoded(path.to_str()?, b"/"))).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_positions_agree_both_ways() {
        let text = "ab\n€x\n\nlast";
        let lines = Lines::new(text);
        for offset in [0, 1, 2, 3, 6, 7, 8, 9, 13] {
            assert_eq!(super::offset(text, lines.position(text, offset)), offset, "offset {offset}");
        }
        assert_eq!(lines.position(text, 6), Position { line: 1, character: 1 }, "€ is one UTF-16 unit");
        assert_eq!(lines.position(text, 4), Position { line: 1, character: 0 }, "inside €: its start");
        assert_eq!(lines.position(text, 99), Position { line: 3, character: 4 }, "past the end: the end");
        assert_eq!(super::offset(text, Position { line: 1, character: 40 }), 7, "past the line's end");
        assert_eq!(super::offset(text, Position { line: 9, character: 0 }), text.len(), "past the last line");
    }

    #[test]
    fn uris_and_paths_agree_both_ways() {
        let path = Path::new("/tmp/a folder/r€.accord");
        let uri = uri_of(path).unwrap();
        assert_eq!(path_of(uri.as_str()).unwrap(), path);
        assert_eq!(path_of("http://x/y"), None);
    }
}
