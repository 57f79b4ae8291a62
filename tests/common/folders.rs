//! Folders of a test's own, in the temporary folder, removed when the test is done (even
//! when it fails), and what is in them. It must not run the binary (that is `binary.rs`).

use std::path::{Path, PathBuf};

/// A fresh, empty folder for one test, removed when dropped.
pub struct Scratch(PathBuf);

/// A scratch folder named for the test file (`suite`) and the test.
pub fn scratch(suite: &str, test: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("accord-{suite}-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    Scratch(dir)
}

impl Scratch {
    /// Writes `contents` to the file `name` in the folder, and gives the file's path as
    /// text, to be written on a command line.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, contents).expect("a file written in the scratch folder");
        path.to_str().expect("a UTF-8 path").to_string()
    }
}

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The names of the files in `dir`, sorted.
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("a readable folder")
        .map(|e| e.expect("an entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
