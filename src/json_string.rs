//! Where a run of plain JSON string text ends: at the first quote, backslash or control
//! character. The case reader ends or unescapes a string there; the advice writer
//! escapes there. Both look eight bytes at a time: case and advice texts are long runs of
//! plain words.

/// The position of the first special byte of `bytes` (`"`, `\`, or a control character,
/// which JSON does not allow in a string as it is), if any.
#[inline]
pub(crate) fn first_special(bytes: &[u8]) -> Option<usize> {
    // Sixteen bytes a turn, as two words: one test of both, most turns.
    let mut pairs = bytes.chunks_exact(16);
    for (n, pair) in pairs.by_ref().enumerate() {
        let (low, high) = pair.split_at(8);
        let low = special_mask(word(low));
        let high = special_mask(word(high));
        if low | high != 0 {
            let (word, mask) = if low != 0 { (0, low) } else { (1, high) };
            return Some(n * 16 + word * 8 + lowest_marked(mask));
        }
    }
    let rest = pairs.remainder();
    let done = bytes.len() - rest.len();
    if bytes.len() < 8 {
        // A short text (a value, a name): a byte at a time.
        return rest.iter().position(|&byte| is_special(byte));
    }
    if rest.len() > 8 {
        let mask = special_mask(word(&rest[..8]));
        if mask != 0 {
            return Some(done + lowest_marked(mask));
        }
    }
    // The last eight bytes, as a word that may overlap bytes already looked at: those are
    // not special, so they mark nothing and borrow nothing from the bytes above them.
    let last = bytes.len() - 8;
    let mask = special_mask(word(&bytes[last..]));
    (mask != 0).then(|| last + lowest_marked(mask))
}

/// Whether one byte is special: what [`special_mask`] marks, a byte at a time.
fn is_special(byte: u8) -> bool {
    byte == b'"' || byte == b'\\' || byte < 0x20
}

/// Eight bytes as a word, the first lowest.
fn word(bytes: &[u8]) -> u64 {
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
        /// Whole texts, the last bytes (fewer than eight) included.
        #[test]
        fn finds_the_first_special_byte_of_any_text(text in "(\\PC|[\"\\\\\u{0}-\u{1f}]){0,40}") {
            let bytes = text.as_bytes();
            proptest::prop_assert_eq!(first_special(bytes), bytes.iter().position(|&b| is_special(b)));
        }
    }
}
