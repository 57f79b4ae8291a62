//! Running Debian's headless Chromium on a page: a screenshot at a window width, and a PDF
//! as the print stylesheet lays it out. Every run has a fresh profile and a time limit. It must
//! not judge what it made: `picture.rs`, `pdf.rs` and the tests do.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::CHROMIUM_FLAGS as FLAGS;

/// A Chromium run that takes longer than this is killed, and the test fails.
const LIMIT: Duration = Duration::from_secs(60);

/// The programs the browser tests need, as Debian names them: the browser, and
/// poppler-utils' `pdftotext` and `pdfinfo` to read the PDF.
const PROGRAMS: [&str; 3] = ["chromium", "pdftotext", "pdfinfo"];

/// Chromium, ready to render pages into the folder `dir`.
pub struct Browser {
    dir: PathBuf,
}

/// The browser, rendering into `dir`; `None` when the programs are missing and
/// `ACCORD_SKIP_BROWSER_TESTS=1` says that the browser tests may be skipped. Without it, a
/// missing program fails the test, saying how to install it: a test that passes because
/// nothing could run would hide a broken page.
pub fn browser(dir: &Path) -> Option<Browser> {
    let missing: Vec<&str> = PROGRAMS.into_iter().filter(|program| !on_path(program)).collect();
    if missing.is_empty() {
        return Some(Browser { dir: dir.to_path_buf() });
    }
    let missing = missing.join(", ");
    if std::env::var("ACCORD_SKIP_BROWSER_TESTS").is_ok_and(|skip| skip == "1") {
        eprintln!("skipped: {missing} not installed, and ACCORD_SKIP_BROWSER_TESTS=1");
        return None;
    }
    panic!(
        "the browser tests need {missing}: install them with `apt-get install chromium poppler-utils` \
         (.ci/run does), or set ACCORD_SKIP_BROWSER_TESTS=1 to skip these tests"
    );
}

fn on_path(program: &str) -> bool {
    let Some(path) = std::env::var_os("PATH") else { return false };
    std::env::split_paths(&path).any(|dir| dir.join(program).is_file())
}

impl Browser {
    /// Takes a screenshot of `page` in a window `width` by `height` pixels, as a PNG named
    /// `name` in the folder; gives its path.
    pub fn screenshot(&self, page: &Path, name: &str, width: u32, height: u32) -> PathBuf {
        let png = self.dir.join(name);
        self.run(name, &[&format!("--window-size={width},{height}"), &arg("--screenshot=", &png)], page);
        assert!(png.is_file(), "Chromium wrote no screenshot {}", png.display());
        png
    }

    /// Prints `page` to a PDF named `name` in the folder, without the header and footer
    /// Chromium would add (the date, the file's path): the page's own print stylesheet
    /// numbers the pages. Gives its path.
    pub fn pdf(&self, page: &Path, name: &str) -> PathBuf {
        let pdf = self.dir.join(name);
        self.run(name, &[&arg("--print-to-pdf=", &pdf), "--no-pdf-header-footer"], page);
        assert!(pdf.is_file(), "Chromium wrote no PDF {}", pdf.display());
        pdf
    }

    /// Runs Chromium on `page` with the common flags, `args` and a profile of its own
    /// (`name`'s), killing it and every process it started after [`LIMIT`].
    fn run(&self, name: &str, args: &[&str], page: &Path) {
        let profile = self.dir.join(format!("{name}.profile"));
        let stdout = self.dir.join(format!("{name}.stdout"));
        let stderr = self.dir.join(format!("{name}.stderr"));
        let mut command = Command::new("chromium");
        command
            .args(FLAGS)
            .arg(arg("--user-data-dir=", &profile))
            .args(args)
            .arg(page)
            .stdin(Stdio::null())
            // Files, not pipes: a renderer left behind would hold a pipe open, and reading it
            // would never end.
            .stdout(std::fs::File::create(&stdout).expect("a file for standard output"))
            .stderr(std::fs::File::create(&stderr).expect("a file for standard error"));
        // Its own process group, so that a run that hangs is killed with its helpers.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command.spawn().expect("chromium starts");
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("chromium can be waited for") {
                break Some(status);
            }
            if started.elapsed() > LIMIT {
                break None;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        kill_group(child.id());
        let _ = child.wait();
        let said = || std::fs::read_to_string(&stderr).unwrap_or_default();
        let Some(status) = status else {
            panic!("Chromium took more than {LIMIT:?} for {name}, and was killed:\n{}", said())
        };
        assert!(status.success(), "Chromium failed ({status}) for {name}:\n{}", said());
    }
}

/// Ends what is left of a run's process group (nothing, when Chromium ended well).
fn kill_group(leader: u32) {
    let _ = Command::new("kill").args(["-KILL", "--", &format!("-{leader}")]).stderr(Stdio::null()).status();
}

fn arg(flag: &str, path: &Path) -> String {
    format!("{flag}{}", path.display())
}
