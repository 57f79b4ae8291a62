//! Where a run of plain JSON string text ends: at the first quote, backslash or control
//! character. The case reader ends or unescapes a string there; the advice writer
//! escapes there. Both look eight bytes at a time: case and advice texts are long runs of
//! plain words.

/// The position of the first special byte of `bytes` (`"`, `\`, or a control character,
/// which JSON does not allow in a string as it is), if any.
#[inline]
pub(crate) fn first_special(bytes: &[u8]) -> Option<usize> {
    let length = bytes.len();
    if length < 16 {
        return first_special_in_short(bytes);
    }
    // Sixteen bytes a turn, as two words: one test of both, most turns.
    let mut pairs = bytes.chunks_exact(16);
    for (n, pair) in pairs.by_ref().enumerate() {
        if let Some(at) = first_special_in_two_words(pair, 8) {
            return Some(n * 16 + at);
        }
    }
    if pairs.remainder().is_empty() {
        return None;
    }
    // The last sixteen bytes, some looked at already (see `first_special_in_two_words`).
    let last = length - 16;
    first_special_in_two_words(&bytes[last..], 8).map(|at| last + at)
}

/// The first special byte among the first eight of `bytes` and the eight from `second`
/// (at most eight on). The two words may overlap: if the first has no special byte, the
/// bytes they share are not special, and a byte that is not special never marks another
/// (see [`special_mask`]).
#[inline(always)]
fn first_special_in_two_words(bytes: &[u8], second: usize) -> Option<usize> {
    let low = special_mask(word(&bytes[..8]));
    let high = special_mask(word(&bytes[second..second + 8]));
    if low | high == 0 {
        return None;
    }
    Some(if low != 0 { lowest_marked(low) } else { second + lowest_marked(high) })
}

/// [`first_special`] in fewer than sixteen bytes (most texts the advice writer escapes),
/// loaded as overlapping pieces: copying them into a word padded with spaces would call
/// `memcpy`.
fn first_special_in_short(bytes: &[u8]) -> Option<usize> {
    let length = bytes.len();
    match length {
        8.. => first_special_in_two_words(bytes, length - 8),
        // Two halves that may overlap, and spaces (which are not special) after them.
        4.. => {
            let half =
                |at: usize| u64::from(u32::from_le_bytes(bytes[at..at + 4].try_into().expect("four bytes")));
            let spaces = u64::from_le_bytes([b' '; 8]) << (length * 8);
            let mask = special_mask(half(0) | half(length - 4) << ((length - 4) * 8) | spaces);
            (mask != 0).then(|| lowest_marked(mask))
        }
        _ => bytes.iter().position(|&byte| is_special(byte)),
    }
}

/// What "special" means, a byte at a time.
fn is_special(byte: u8) -> bool {
    byte == b'"' || byte == b'\\' || byte < 0x20
}

/// Eight bytes as a word, the first lowest.
pub(crate) fn word(bytes: &[u8]) -> u64 {
    u64::from_le_bytes(bytes.try_into().expect("eight bytes"))
}

/// The byte whose high bit is the lowest set in `mask`.
fn lowest_marked(mask: u64) -> usize {
    (mask.trailing_zeros() / 8) as usize
}

/// The bytes of `word` (eight bytes, the first lowest) that are special, as the high
/// bit of each: the classic "has a zero byte" test, `(v - 0x01…) & !v & 0x80…`. The lowest
/// bit set is exact; bits above it may be set wrongly (a borrow carries into the next
/// byte), which is why callers look again after the byte it marks.
fn special_mask(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero_bytes = |v: u64| v.wrapping_sub(ONES) & !v;
    let quote = zero_bytes(word ^ (ONES * u64::from(b'"')));
    let backslash = zero_bytes(word ^ (ONES * u64::from(b'\\')));
    let control = word.wrapping_sub(ONES * 0x20) & !word;
    (quote | backslash | control) & HIGHS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_special_mask_finds_the_first_special_byte_wherever_it_is() {
        for at in 0..8 {
            for first in 0..=255u8 {
                for second in 0..=255u8 {
                    let mut word = [b'a'; 8];
                    word[at] = first;
                    if at < 7 {
                        word[at + 1] = second;
                    }
                    let mask = special_mask(u64::from_le_bytes(word));
                    let found = (mask != 0).then(|| lowest_marked(mask));
                    assert_eq!(found, word.iter().position(|&b| is_special(b)), "{word:?}");
                }
            }
        }
    }

    /// The first special byte in a word is found wherever it is, whatever the bytes after
    /// it (which may be marked wrongly; those before never are).
    #[test]
    fn finds_the_first_special_byte_whatever_follows_it() {
        for byte in 0..=255u8 {
            for position in 0..8 {
                for filler in [b'a', 0x00, b'"', 0x21, 0xff] {
                    let mut word = [b'a'; 8];
                    word[position] = byte;
                    word[position + 1..].fill(filler);
                    let first = word.iter().position(|&b| is_special(b));
                    let mask = special_mask(u64::from_le_bytes(word));
                    let found = (mask != 0).then(|| lowest_marked(mask));
                    assert_eq!(found, first, "{word:?}");
                }
            }
        }
    }

    /// Texts of every length up to three turns of sixteen bytes, with one special byte
    /// at each place in turn (or none): found in whichever word or tail it falls.
    #[test]
    fn finds_a_special_byte_at_every_place_of_texts_of_every_length() {
        for length in 0..48 {
            assert_eq!(first_special(&vec![b'a'; length]), None, "length {length}");
            for at in 0..length {
                let mut text = vec![b'a'; length];
                text[at] = b'"';
                assert_eq!(first_special(&text), Some(at), "length {length}, at {at}");
            }
        }
    }

    proptest::proptest! {
        /// Whole texts of up to four turns of sixteen bytes, what is left after them included.
        #[test]
        fn finds_the_first_special_byte_of_any_text(text in "(\\PC|[\"\\\\\u{0}-\u{1f}]){0,70}") {
            let bytes = text.as_bytes();
            proptest::prop_assert_eq!(first_special(bytes), bytes.iter().position(|&b| is_special(b)));
        }
    }
}
