//! The form's stylesheet held to WCAG AA contrast (the measure is `crate::wcag`'s, shared
//! with the report's stylesheet).

use super::STYLESHEET;
use crate::wcag::contrast;

/// The `#rrggbb` colours the stylesheet gives the properties `properties`.
fn colours_of(properties: &[&str]) -> Vec<String> {
    let mut colours = Vec::new();
    for declaration in STYLESHEET.split(['{', '}', ';']) {
        let Some((property, value)) = declaration.split_once(':') else { continue };
        if properties.contains(&property.trim()) {
            for (at, _) in value.match_indices('#') {
                colours.push(value[at..at + 7].to_string());
            }
        }
    }
    colours
}

#[test]
fn the_stylesheet_meets_wcag_aa_contrast() {
    let texts = colours_of(&["color"]);
    let mut backgrounds = colours_of(&["background", "background-color"]);
    backgrounds.push("#ffffff".to_string());
    assert!(texts.len() >= 5 && backgrounds.len() >= 5, "{texts:?} {backgrounds:?}");
    for text in &texts {
        for background in &backgrounds {
            let ratio = contrast(text, background);
            assert!(ratio >= 4.5, "{text} on {background}: {ratio:.2}");
        }
    }
    // The borders of controls, and the focus ring, against the backgrounds (3:1).
    for border in colours_of(&["border", "border-left", "outline"]).iter().filter(|c| *c != "#d1d5db") {
        for background in &backgrounds {
            let ratio = contrast(border, background);
            assert!(ratio >= 3.0, "{border} on {background}: {ratio:.2}");
        }
    }
}
