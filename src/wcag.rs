//! Contrast of colours as WCAG 2 measures it, for the tests that hold the stylesheets of
//! the report and of the web page to AA (text 4.5:1, controls 3:1). Test code only.

/// The relative luminance of a `#rrggbb` colour (WCAG 2).
fn luminance(hex: &str) -> f64 {
    let channel = |at: usize| {
        let c = f64::from(u8::from_str_radix(&hex[at..at + 2], 16).expect("hex digits")) / 255.0;
        if c <= 0.040_45 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
}

/// The contrast ratio of two `#rrggbb` colours (WCAG 2): from 1 to 21.
pub(crate) fn contrast(a: &str, b: &str) -> f64 {
    let (a, b) = (luminance(a), luminance(b));
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}
