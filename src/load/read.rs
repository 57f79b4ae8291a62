//! Reading one file safely: under a size limit (set by the environment, per file and
//! for a whole rule base), as UTF-8, one byte order mark dropped, lone carriage returns
//! read as line breaks; and why a read failed, in words. It must not find files (that is
//! `mod.rs`'s job) nor interpret what it reads.

use std::borrow::Cow;
use std::fs;
use std::path::Path;

use crate::diag::Diagnostic;

/// Files larger than this are refused rather than read, unless [`MAX_FILE_BYTES_VAR`]
/// sets another limit.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The environment variable that sets the size limit, in bytes
/// (`ACCORD_MAX_FILE_BYTES=67108864`); unset or empty, the limit is [`MAX_FILE_BYTES`].
pub const MAX_FILE_BYTES_VAR: &str = "ACCORD_MAX_FILE_BYTES";

/// The size limit in force for rule, case and source files: [`MAX_FILE_BYTES_VAR`] when
/// set, otherwise [`MAX_FILE_BYTES`].
///
/// # Errors
///
/// The problem with the variable's value, when it is not a whole number of bytes.
pub fn max_file_bytes() -> Result<u64, String> {
    limit_from(MAX_FILE_BYTES_VAR, MAX_FILE_BYTES)
}

/// A rule base larger than this in all (its rule files and the source texts they name,
/// together) is refused, unless [`MAX_RULE_BASE_BYTES_VAR`] sets another limit: the limit
/// of one file holds per file only, and a hundred files each just under it would take
/// gigabytes to compile.
pub const MAX_RULE_BASE_BYTES: u64 = 16 * 1024 * 1024;

/// The environment variable that sets the limit of a whole rule base, in bytes
/// (`ACCORD_MAX_RULE_BASE_BYTES=67108864`); unset or empty, the limit is
/// [`MAX_RULE_BASE_BYTES`].
pub const MAX_RULE_BASE_BYTES_VAR: &str = "ACCORD_MAX_RULE_BASE_BYTES";

/// The limit in force for a whole rule base: [`MAX_RULE_BASE_BYTES_VAR`] when set,
/// otherwise [`MAX_RULE_BASE_BYTES`].
///
/// # Errors
///
/// The problem with the variable's value, when it is not a whole number of bytes.
pub fn max_rule_base_bytes() -> Result<u64, String> {
    limit_from(MAX_RULE_BASE_BYTES_VAR, MAX_RULE_BASE_BYTES)
}

/// A limit in bytes set by the environment variable `var`, else `default`.
fn limit_from(var: &str, default: u64) -> Result<u64, String> {
    match std::env::var(var) {
        Err(std::env::VarError::NotPresent) => Ok(default),
        Ok(value) if value.trim().is_empty() => Ok(default),
        Ok(value) => value.trim().parse::<u64>().map_err(|_| {
            format!("{var} is `{value}`, not a size in bytes (a whole number such as 67108864)")
        }),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(format!("{var} is not a size in bytes (a whole number such as 67108864)"))
        }
    }
}

/// Why a file could not be read.
#[derive(Clone, Debug, PartialEq)]
pub enum ReadError {
    /// The file system refused: missing, a folder, no permission.
    Io(String),
    /// Larger than the size limit ([`max_file_bytes`]): its size, when known before
    /// reading (not for a device or a pipe, which was read up to the limit).
    TooLarge(Option<u64>),
    /// Not UTF-8; the offset of the first bad byte.
    NotUtf8(usize),
    /// Starts with two byte order marks: one is dropped, a second would be read as text.
    TwoByteOrderMarks,
}

impl ReadError {
    /// The reason in words, without the file's name.
    pub fn reason(&self) -> String {
        match self {
            ReadError::Io(why) => why.clone(),
            ReadError::TooLarge(len) => {
                let limit = max_file_bytes().unwrap_or(MAX_FILE_BYTES);
                match len {
                    Some(len) => format!("it is too large: {len} bytes, more than the limit of {limit}"),
                    None => format!("it is too large: more than the limit of {limit} bytes"),
                }
            }
            ReadError::NotUtf8(offset) => format!("it is not UTF-8 text: invalid byte at offset {offset}"),
            ReadError::TwoByteOrderMarks => "it starts with two byte order marks".into(),
        }
    }

    /// The diagnostic for a file shown as `path`.
    pub fn diagnostic(&self, path: &str) -> Diagnostic {
        let message = format!("cannot read `{path}`: {}", self.reason());
        match self {
            ReadError::Io(_) => Diagnostic::error("E0001", message),
            ReadError::TooLarge(_) => Diagnostic::error("E0003", message).help(format!(
                "rule and case files are small; is this the right file? ({MAX_FILE_BYTES_VAR} sets the limit)"
            )),
            ReadError::NotUtf8(_) => Diagnostic::error("E0002", message)
                .help("rule and case files are UTF-8 text; is this the right file?"),
            ReadError::TwoByteOrderMarks => Diagnostic::error("E0002", message).help(
                "a UTF-8 file may start with one byte order mark (U+FEFF), which accord drops; the second shows in an editor as an invisible first character: delete it",
            ),
        }
    }
}

/// The text with each carriage return that is not followed by a line feed (the line ends
/// of old Mac editors) made a line feed: such a carriage return ends a line, as the parser
/// reads it too. Byte for byte, so places in the text stay where they were. Without it,
/// such a file was one line: errors were all placed on line 1, and a comment ran to the
/// end of the file, which then checked as empty.
pub fn normalise_line_breaks(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    // Only carriage returns are looked at (memchr finds them): every rule file is read
    // again at each keystroke in an editor, and most have none.
    let lone = |&at: &usize| bytes.get(at + 1) != Some(&b'\n');
    if !memchr::memchr_iter(b'\r', bytes).any(|at| lone(&at)) {
        return Cow::Borrowed(text);
    }
    let mut normalised = bytes.to_vec();
    for at in memchr::memchr_iter(b'\r', bytes).filter(lone) {
        normalised[at] = b'\n';
    }
    // One ASCII byte for another: still UTF-8.
    Cow::Owned(String::from_utf8(normalised).unwrap_or_default())
}

/// [`normalise_line_breaks`] for an owned text, copied only if it changes.
pub(super) fn normalised(text: String) -> String {
    match normalise_line_breaks(&text) {
        Cow::Owned(changed) => changed,
        Cow::Borrowed(_) => text,
    }
}

/// The byte order mark, U+FEFF, that some editors write at the start of a UTF-8 file.
pub const BYTE_ORDER_MARK: char = '\u{feff}';

/// Reads a text file: refuses one over the size limit ([`max_file_bytes`]) or not UTF-8,
/// drops a byte order mark, and makes lone carriage returns line feeds
/// ([`normalise_line_breaks`]). A second is refused: dropped too (the case loader drops
/// one of its own), it made two marks read as one; kept, it is an invisible character
/// where a rule or a case begins.
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    decode_text(read_bytes(path)?)
}

/// Reads a file's bytes, refusing one over the size limit ([`max_file_bytes`]).
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, ReadError> {
    let limit = max_file_bytes().map_err(ReadError::Io)?;
    read_at_most(path, limit)
}

/// [`read_text`] with a limit of `limit` bytes.
pub(super) fn read_text_at_most(path: &Path, limit: u64) -> Result<String, ReadError> {
    decode_text(read_at_most(path, limit)?)
}

/// [`read_bytes`] with a limit of `limit` bytes.
fn read_at_most(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let metadata = fs::metadata(path).map_err(|e| ReadError::Io(describe_io_error(&e)))?;
    if metadata.is_dir() {
        return Err(ReadError::Io("it is a folder".into()));
    }
    if metadata.len() > limit {
        return Err(ReadError::TooLarge(Some(metadata.len())));
    }
    // A device or a pipe has no size until read (`/dev/zero` never ends): read no more
    // than one byte past the limit.
    let file = fs::File::open(path).map_err(|e| ReadError::Io(describe_io_error(&e)))?;
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or_default());
    std::io::Read::read_to_end(&mut std::io::Read::take(file, limit.saturating_add(1)), &mut bytes)
        .map_err(|e| ReadError::Io(describe_io_error(&e)))?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge(None));
    }
    Ok(bytes)
}

/// A file's bytes as text: refuses bytes that are not UTF-8, and drops a byte order mark.
pub fn decode_text(bytes: Vec<u8>) -> Result<String, ReadError> {
    match String::from_utf8(bytes) {
        Ok(text) => match text.strip_prefix(BYTE_ORDER_MARK) {
            Some(rest) if rest.starts_with(BYTE_ORDER_MARK) => Err(ReadError::TwoByteOrderMarks),
            Some(rest) => Ok(normalised(rest.to_string())),
            None => Ok(normalised(text)),
        },
        Err(e) => Err(ReadError::NotUtf8(e.utf8_error().valid_up_to())),
    }
}

pub(super) fn describe_io_error(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => error.to_string(),
    }
}
