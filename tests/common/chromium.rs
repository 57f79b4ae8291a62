//! How the tests run Debian's headless Chromium, whether directly (`tests/browser/`) or
//! through ChromeDriver (`tests/serve_browser/`).

/// The flags every run needs on a machine with no network, no display and no GPU, run as
/// root: no sandbox (root cannot have one), nothing fetched in the background (each attempt
/// would wait for a network that is not there), no scroll bars in the pictures.
pub const CHROMIUM_FLAGS: [&str; 9] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
];
