//! Where a page's parts fall, in the pixels of a screenshot at the same window width: the
//! "First things to do" heading, the first piece of advice (found by its title), and every
//! SVG picture. A copy of the page gets a measuring script, which writes what it finds into
//! the page; Chromium's `--dump-dom` prints it. The report itself needs no script, and
//! must not get one: only the copy is measured. It must not judge the positions (the tests
//! do).

use std::path::{Path, PathBuf};

/// Where the parts of a page fall, in pixels from the top of the page.
#[derive(Debug, Default, PartialEq)]
pub struct Layout {
    /// The bottom of the heading "First things to do".
    pub summary_bottom: Option<f64>,
    /// The top of the innermost element that holds the first advice's title, the last in
    /// the page: the advice itself, not its line in the summary above it.
    pub advice_top: Option<f64>,
    /// The top and bottom of each `<svg>`, in the page's order.
    pub svgs: Vec<(f64, f64)>,
}

/// The measuring script. It looks for the title with its runs of white space made one
/// space, as the page shows it whatever the line breaks of its source.
const SCRIPT: &str = r"<script>
(function () {
  var space = function (s) { return s.replace(/\s+/g, ' ').trim(); };
  var top = function (e) { return e.getBoundingClientRect().top + window.scrollY; };
  var bottom = function (e) { return e.getBoundingClientRect().bottom + window.scrollY; };
  var holds = function (e) { return e.tagName !== 'SCRIPT' && space(e.textContent).indexOf(TITLE) >= 0; };
  var out = [];
  var headings = document.querySelectorAll('h1, h2, h3, h4, h5, h6');
  for (var i = 0; i < headings.length; i++) {
    if (space(headings[i].textContent) === 'First things to do') { out.push('summary ' + bottom(headings[i])); break; }
  }
  var all = document.body.querySelectorAll('*'), last = null;
  for (var j = 0; j < all.length; j++) {
    if (holds(all[j]) && !Array.prototype.some.call(all[j].children, holds)) { last = all[j]; }
  }
  if (last) { out.push('advice ' + top(last)); }
  var svgs = document.querySelectorAll('svg');
  for (var k = 0; k < svgs.length; k++) { out.push('svg ' + top(svgs[k]) + ' ' + bottom(svgs[k])); }
  var pre = document.createElement('pre');
  pre.id = 'accord-layout';
  pre.textContent = '\n' + out.join('\n') + '\n';
  document.body.appendChild(pre);
})();
</script>";

/// Writes beside `page` a copy with the measuring script, looking for the advice titled
/// `title`; gives the copy's path. A Content-Security-Policy that forbids scripts is taken
/// out of the copy (it changes nothing of the layout).
pub fn measuring_copy(page: &Path, title: &str) -> PathBuf {
    let html = std::fs::read_to_string(page).expect("the page is UTF-8");
    let html = without_script_policy(&html);
    // A JSON string is a JavaScript string; `<` escaped so the title cannot end the script.
    let title = serde_json::to_string(&title.split_whitespace().collect::<Vec<_>>().join(" "))
        .expect("a string serializes")
        .replace('<', "\\u003c");
    let script = SCRIPT.replace("TITLE", &title);
    let at = html.to_ascii_lowercase().rfind("</body>").unwrap_or(html.len());
    let copy = page.with_extension("measured.html");
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

/// Reads what the measuring script wrote into the page's DOM.
pub fn read(dom: &str) -> Layout {
    let start = dom.find("<pre id=\"accord-layout\">").expect("the measuring script ran");
    let end = dom[start..].find("</pre>").map_or(dom.len(), |end| start + end);
    let mut layout = Layout::default();
    for line in dom[start..end].lines().skip(1) {
        let words: Vec<&str> = line.split(' ').collect();
        let number = |i: usize| words.get(i).and_then(|w| w.parse::<f64>().ok());
        match words[0] {
            "summary" => layout.summary_bottom = number(1),
            "advice" => layout.advice_top = number(1),
            "svg" => layout.svgs.push((number(1).expect("a top"), number(2).expect("a bottom"))),
            _ => {}
        }
    }
    layout
}
