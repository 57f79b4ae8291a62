//! Where a page's parts fall in a screenshot: the "First things to do" heading, the first
//! piece of advice (found by its title), every SVG picture, and how far the page overflows
//! the window sideways. A copy of the page gets a marking script, which outlines those parts
//! in colours of their own; the screenshot of the copy shows where they are. (Reading the
//! positions from the DOM would not do: headless Chromium runs the page's scripts in a
//! window at least 500 px wide, and lays the page out again at the screenshot's width only
//! afterwards.) An outline takes no room, so the copy is laid out as the page is. The
//! report itself needs no script, and must not get one: only the copy is marked. It must
//! not judge the positions (the tests do).

use std::path::{Path, PathBuf};

use crate::picture::{Picture, Rgb, hex};

/// The outline of the "First things to do" heading.
const SUMMARY: &str = "#ff00ff";
/// The outline of the first advice.
const ADVICE: &str = "#00ff00";
/// The outline of each SVG picture.
const SVG: &str = "#00ffff";
/// A bar at the window's top left, as tall as the page is wider than the window.
const OVERFLOW: &str = "#ff8000";

/// Where the parts of a page fall in its screenshot, in rows of pixels (each outline
/// 2 px outside the part it marks).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Layout {
    /// The last row of the outline of the heading "First things to do".
    pub summary_bottom: Option<usize>,
    /// The first row of the outline of the innermost element that holds the first
    /// advice's title, the last such in the page: the advice itself, not its line in the
    /// summary above it.
    pub advice_top: Option<usize>,
    /// The first and last rows of the outline of each SVG picture, top to bottom.
    pub svgs: Vec<(usize, usize)>,
    /// How many pixels wider than the window the page is laid out: a reader must scroll
    /// sideways to see them.
    pub overflow: usize,
}

/// The marking script. It looks for the title with its runs of white space made one space,
/// as the page shows it whatever the line breaks of its source. The overflow is measured
/// again when the window is resized: headless Chromium resizes it for the screenshot.
const SCRIPT: &str = r"<script>
(function () {
  var space = function (s) { return s.replace(/\s+/g, ' ').trim(); };
  var holds = function (e) { return e.tagName !== 'SCRIPT' && space(e.textContent).indexOf(@title@) >= 0; };
  var mark = function (e, colour) {
    e.style.setProperty('outline', '2px solid ' + colour, 'important');
    e.style.setProperty('outline-offset', '0', 'important');
  };
  var headings = document.querySelectorAll('h1, h2, h3, h4, h5, h6');
  for (var i = 0; i < headings.length; i++) {
    if (space(headings[i].textContent) === 'First things to do') { mark(headings[i], '@summary@'); break; }
  }
  var all = document.body.querySelectorAll('*'), last = null;
  for (var j = 0; j < all.length; j++) {
    if (holds(all[j]) && !Array.prototype.some.call(all[j].children, holds)) { last = all[j]; }
  }
  if (last) { mark(last, '@advice@'); }
  var svgs = document.querySelectorAll('svg:not(svg svg)');
  for (var k = 0; k < svgs.length; k++) { mark(svgs[k], '@svg@'); }
  var bar = document.createElement('div');
  bar.style.cssText = 'position: fixed; left: 0; top: 0; width: 4px; height: 0; margin: 0; padding: 0; ' +
    'border: 0; background: @overflow@; z-index: 2147483647';
  document.body.appendChild(bar);
  var overflow = function () {
    bar.style.height = Math.max(0, document.documentElement.scrollWidth - window.innerWidth) + 'px';
  };
  overflow();
  window.addEventListener('resize', overflow);
})();
</script>";

/// Writes beside `page` a copy with the marking script, looking for the advice titled
/// `title`; gives the copy's path. A Content-Security-Policy that forbids scripts is taken
/// out of the copy (it changes nothing of the layout).
pub fn marked_copy(page: &Path, title: &str) -> PathBuf {
    let html = std::fs::read_to_string(page).expect("the page is UTF-8");
    let html = without_script_policy(&html);
    // A JSON string is a JavaScript string; `<` escaped so the title cannot end the script.
    let title = serde_json::to_string(&title.split_whitespace().collect::<Vec<_>>().join(" "))
        .expect("a string serializes")
        .replace('<', "\\u003c");
    // The title last, so that no other replacement reaches into it.
    let script = SCRIPT
        .replace("@summary@", SUMMARY)
        .replace("@advice@", ADVICE)
        .replace("@svg@", SVG)
        .replace("@overflow@", OVERFLOW)
        .replace("@title@", &title);
    let at = html.to_ascii_lowercase().rfind("</body>").unwrap_or(html.len());
    let copy = page.with_extension("marked.html");
    std::fs::write(&copy, format!("{}{script}{}", &html[..at], &html[at..])).expect("the copy is written");
    copy
}

fn without_script_policy(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let Some(policy) = lower.find("content-security-policy") else { return html.to_string() };
    let start = lower[..policy].rfind('<').unwrap_or(policy);
    let end = lower[policy..].find('>').map_or(html.len(), |end| policy + end + 1);
    format!("{}{}", &html[..start], &html[end..])
}

/// Reads the marks in a screenshot of a marked copy.
pub fn read(picture: &Picture) -> Layout {
    let rows = |colour: Rgb| -> Vec<usize> {
        (0..picture.height).filter(|&y| (0..picture.width).any(|x| picture.at(x, y) == colour)).collect()
    };
    let overflow = (0..picture.height).take_while(|&y| picture.at(0, y) == hex(OVERFLOW)).count();
    Layout {
        summary_bottom: rows(hex(SUMMARY)).last().copied(),
        advice_top: rows(hex(ADVICE)).first().copied(),
        svgs: runs(&rows(hex(SVG))),
        overflow,
    }
}

/// Runs of consecutive numbers, as their first and last.
fn runs(rows: &[usize]) -> Vec<(usize, usize)> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for &y in rows {
        match runs.last_mut() {
            Some((_, last)) if *last + 1 == y => *last = y,
            _ => runs.push((y, y)),
        }
    }
    runs
}
