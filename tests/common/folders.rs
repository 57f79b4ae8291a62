//! Folders of a test's own, in the temporary folder, removed when the test is done (even
//! when it fails), and what is in them. It must not run the binary (that is `binary.rs`).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh, empty folder for one test, removed when dropped: when the test ends, and when
/// it fails, as a failing assertion unwinds.
pub struct Scratch(PathBuf);

/// A scratch folder named for the test file (`suite`) and the test, and numbered, so that
/// a test may make several and two runs of the same test at once do not share one.
pub fn scratch(suite: &str, test: &str) -> Scratch {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("accord-{suite}-{test}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    Scratch(dir)
}

impl Scratch {
    /// Writes `contents` to the file `name` in the folder, and gives the file's path as
    /// text, to be written on a command line.
    pub fn write(&self, name: &str, contents: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, contents).expect("a file written in the scratch folder");
        path.to_str().expect("a UTF-8 path").to_string()
    }

    /// Makes the file `name` in the folder `len` bytes long, taking no room on disk (a
    /// sparse file of zero bytes), and gives its path as text.
    pub fn sparse(&self, name: &str, len: u64) -> String {
        let path = self.0.join(name);
        std::fs::File::create(&path).expect("a file").set_len(len).expect("a sparse file");
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
