//! What a PDF says, read with poppler-utils: its text (`pdftotext`) and its number of
//! pages (`pdfinfo`). It must not make the PDF (`chromium.rs`) nor judge it (the tests do).

use std::path::Path;
use std::process::Command;

/// The PDF's text in reading order, with each run of white space (line breaks included) made
/// one space, so that a phrase the page wrapped is still found.
pub fn text(pdf: &Path) -> String {
    let output = Command::new("pdftotext").arg(pdf).arg("-").output().expect("pdftotext runs");
    assert!(output.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).expect("pdftotext writes UTF-8");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The PDF's number of pages, as `pdfinfo` gives it.
pub fn pages(pdf: &Path) -> usize {
    let output = Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo runs");
    assert!(output.status.success(), "pdfinfo failed: {}", String::from_utf8_lossy(&output.stderr));
    let info = String::from_utf8(output.stdout).expect("pdfinfo writes UTF-8");
    info.lines()
        .find_map(|line| line.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("pdfinfo gave no page count:\n{info}"))
}

/// The PDF's page size in points, as `pdfinfo` gives it (`594.96 x 841.92 pts (A4)`).
pub fn page_size(pdf: &Path) -> String {
    let output = Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo runs");
    let info = String::from_utf8(output.stdout).expect("pdfinfo writes UTF-8");
    info.lines()
        .find_map(|line| line.strip_prefix("Page size:"))
        .map(str::trim)
        .unwrap_or_default()
        .to_string()
}
