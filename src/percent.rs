//! Percent-encoding, for the links and addresses accord writes (a report's file in an
//! index, a case's page, a rule file's URI): every byte but ASCII letters, digits, `-._~`
//! and the characters a caller keeps is written `%XX`. Must not decode: readers of URLs
//! (axum, the language server's client) do.

use std::fmt::Write as _;

/// `text` with every byte but ASCII letters, digits, `-._~` and those in `keep` written
/// `%XX`: `encoded("a b/c", b"/")` is `a%20b/c`.
pub fn encoded(text: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) || keep.contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::encoded;

    #[test]
    fn only_unreserved_bytes_and_those_kept_stay() {
        assert_eq!(encoded("Café report.html", b""), "Caf%C3%A9%20report.html");
        assert_eq!(encoded("/tmp/a b", b"/"), "/tmp/a%20b");
        assert_eq!(encoded("a|b%20", b"/%"), "a%7Cb%20");
    }
}
