//! Which files of the folder of cases a request may name: a name is one path segment
//! ending `.json` (no `..`, no `/`, no absolute path), and the file it names, followed
//! through any symbolic link, must be in the folder itself. Also lists the folder. Must
//! not parse or write cases.

use std::path::{Path, PathBuf};

/// Why a name is refused, in words for the page.
#[derive(Debug)]
pub(super) struct Refused(pub(super) String);

/// The path of the case file `name` in the folder `cases` (canonical): refused unless it
/// is a plain file name ending `.json`, and unless the file, if it exists, is in the
/// folder once symbolic links are followed.
pub(super) fn case_path(cases: &Path, name: &str) -> Result<PathBuf, Refused> {
    check_name(name)?;
    let path = cases.join(name);
    match path.canonicalize() {
        Ok(real) if real.parent() == Some(cases) && real.extension().is_some_and(|e| e == "json") => Ok(path),
        Ok(_) => Err(Refused(format!("`{name}` leads out of the folder of cases"))),
        // Not there (or a link to nothing, which `create_new` will refuse).
        Err(_) => Ok(path),
    }
}

/// A name that can only be a file of the folder: no separator, no `..`, no leading dot,
/// no control or quote character, ending `.json`.
fn check_name(name: &str) -> Result<(), Refused> {
    let bad_char = |c: char| c.is_control() || matches!(c, '/' | '\\' | '"' | ':' | '\0');
    if name.is_empty() || name.len() > 200 {
        return Err(Refused("a case file's name has from 1 to 200 characters".into()));
    }
    if name.chars().any(bad_char) || name.starts_with('.') || name.contains("..") {
        return Err(Refused(format!(
            "`{}` is not the name of a file in the folder of cases",
            name.escape_debug()
        )));
    }
    if !name.ends_with(".json") || name.len() == ".json".len() {
        return Err(Refused(format!("`{name}` does not end with `.json`")));
    }
    Ok(())
}

/// The names of the folder's `.json` files (not backups, not hidden), sorted.
pub(super) fn json_files(cases: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(cases) else { return Vec::new() };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| check_name(name).is_ok())
        .collect();
    names.sort();
    names
}

/// `text` as one segment of a URL's path: every byte but the unreserved ones
/// (`A-Z a-z 0-9 - . _ ~`) percent-encoded.
pub(super) fn encode_segment(text: &str) -> String {
    crate::percent::encoded(text, b"")
}

/// Creates the file `path` holding `contents`, refusing one that exists, so that it
/// never holds part of them: they are written to a new file beside it, which is then
/// linked at `path` (which fails if `path` exists).
pub(super) fn create_new(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let folder = path.parent().unwrap_or_else(|| Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = folder.join(format!(".{name}.{}.new", std::process::id()));
    let written =
        std::fs::OpenOptions::new().write(true).create_new(true).open(&temporary).and_then(|mut file| {
            file.write_all(contents)?;
            file.sync_all()
        });
    let linked = written.and_then(|()| std::fs::hard_link(&temporary, path));
    let _ = std::fs::remove_file(&temporary);
    linked
}

#[cfg(test)]
mod tests {
    use super::{case_path, check_name, encode_segment};

    #[test]
    fn only_plain_json_file_names_are_accepted() {
        for good in ["a.json", "Harbour trust.json", "01-shire.json", "é.json"] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            ".json",
            "..json",
            "../a.json",
            "a/b.json",
            "a\\b.json",
            "/etc/a.json",
            ".hidden.json",
            "a.txt",
            "a.json.bak",
            "a\".json",
            "a\n.json",
            "C:a.json",
            "a..b.json",
        ] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
        assert!(check_name(&format!("{}.json", "a".repeat(300))).is_err());
    }

    #[test]
    fn a_name_is_a_path_in_the_folder() {
        let folder = std::env::temp_dir().canonicalize().expect("the temporary folder");
        let path = case_path(&folder, "no-such-case-here.json").expect("a name in the folder");
        assert_eq!(path, folder.join("no-such-case-here.json"));
        assert!(case_path(&folder, "../x.json").is_err());
    }

    #[test]
    fn segments_are_percent_encoded() {
        assert_eq!(encode_segment("a b/c.json"), "a%20b%2Fc.json");
        assert_eq!(encode_segment("é"), "%C3%A9");
        assert_eq!(encode_segment("A-z_0.~"), "A-z_0.~");
    }
}
