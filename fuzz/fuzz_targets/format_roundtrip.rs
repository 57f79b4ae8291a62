//! The formatter's round trip on arbitrary UTF-8 rule text: `accord fmt`.
//!
//! Text that does not parse must be refused with its syntax errors. Text that parses
//! without errors must be formatted (the formatter reporting a bug is a failure), the
//! formatted text must parse without errors to the same syntax tree (spans aside), and
//! formatting it again must give it back unchanged.
#![no_main]

use accord::format::{FormatError, format_rule_file};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let path = "fuzz.accord";
    let (before, errors) = accord::syntax::parse_file(path, text);
    let formatted = match format_rule_file(path, text) {
        Ok(formatted) => formatted,
        Err(FormatError::Syntax(diagnostics)) => {
            assert!(!errors.is_empty(), "the formatter refused a file that parses: {diagnostics:?}");
            return;
        }
        Err(FormatError::Bug(why)) => panic!("the formatter reports a bug: {why}"),
    };
    assert!(errors.is_empty(), "the formatter formatted a file that does not parse: {errors:?}");

    let (after, errors) = accord::syntax::parse_file(path, &formatted);
    assert!(errors.is_empty(), "the formatted text does not parse: {errors:?}\n{formatted}");
    assert!(before == after, "the formatted text parses differently:\n{formatted}");

    match format_rule_file(path, &formatted) {
        Ok(again) => assert_eq!(again, formatted, "formatting twice changes the text"),
        Err(e) => panic!("the formatted text cannot be formatted again: {e:?}\n{formatted}"),
    }
});
