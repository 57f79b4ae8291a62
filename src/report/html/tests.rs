//! The HTML page's pieces: escaping, and the contrast of every colour pair the stylesheet
//! and the timeline use.

use super::{Html, STYLESHEET};
use crate::report::timeline::svg::{AS_OF_COLOUR, AXIS_COLOUR, PERIOD_COLOUR};
use crate::wcag::contrast;

#[test]
fn the_five_characters_html_gives_meaning_to_are_escaped() {
    assert_eq!(Html("plain words").to_string(), "plain words");
    assert_eq!(
        Html("<script>alert(1)</script> & \"q\" 'a' </title>").to_string(),
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; &#39;a&#39; &lt;/title&gt;"
    );
    assert_eq!(Html("Café “quoted” &amp;").to_string(), "Café “quoted” &amp;amp;");
}

/// The stylesheet's declarations `(property, value)`, comments left out.
fn declarations(css: &str) -> Vec<(String, String)> {
    let mut text = String::new();
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        text.push_str(&rest[..start]);
        let end = rest[start..].find("*/").expect("comments are closed");
        rest = &rest[start + end + 2..];
    }
    text.push_str(rest);
    text.split(['{', '}', ';'])
        .filter_map(|part| part.split_once(':'))
        .filter(|(property, _)| !property.contains('@') && !property.trim().contains(' '))
        .map(|(property, value)| (property.trim().to_string(), value.trim().to_string()))
        .collect()
}

/// The `#rrggbb` colours in a value.
fn colours(value: &str) -> Vec<String> {
    value.match_indices('#').map(|(i, _)| value[i..].chars().take(7).collect::<String>()).collect()
}

#[test]
fn colours_are_written_as_six_hex_digits() {
    for (property, value) in declarations(STYLESHEET) {
        for colour in colours(&value) {
            assert!(
                colour.len() == 7 && colour[1..].chars().all(|c| c.is_ascii_hexdigit()),
                "{property}: {value}"
            );
        }
        let named = ["red", "blue", "green", "black", "gray", "grey", "rgb(", "hsl("];
        if property.contains("color") || property == "background" || property == "fill" {
            assert!(!named.iter().any(|name| value.contains(name)), "{property}: {value}");
        }
    }
}

/// Every text colour the stylesheet gives, on every background it gives (and the page's
/// white), contrasts at least 4.5:1, WCAG AA for text; so no pairing of them can fail.
#[test]
fn every_text_and_background_pair_meets_wcag_aa() {
    let declarations = declarations(STYLESHEET);
    let of = |properties: &[&str]| -> Vec<String> {
        declarations
            .iter()
            .filter(|(p, _)| properties.contains(&p.as_str()))
            .flat_map(|(_, v)| colours(v))
            .collect()
    };
    let texts = of(&["color", "fill"]);
    let mut backgrounds = of(&["background", "background-color"]);
    backgrounds.push("#ffffff".to_string());
    assert!(texts.len() >= 10 && backgrounds.len() >= 8, "{texts:?} {backgrounds:?}");
    assert!(texts.contains(&AS_OF_COLOUR.to_string()), "the timeline's \"You are here\" is in its colour");
    for text in &texts {
        for background in &backgrounds {
            let ratio = contrast(text, background);
            assert!(ratio >= 4.5, "{text} on {background}: {ratio:.2}");
        }
    }
}

/// The timeline's drawing on the page's white: the line and words of "You are here" as
/// text (4.5:1), the axis and the bands as graphics (3:1, WCAG 1.4.11).
#[test]
fn the_timeline_colours_contrast_with_the_page() {
    assert!(contrast(AS_OF_COLOUR, "#ffffff") >= 4.5);
    assert!(contrast(AXIS_COLOUR, "#ffffff") >= 4.5);
    assert!(contrast(PERIOD_COLOUR, "#ffffff") >= 3.0);
    assert!((contrast("#000000", "#ffffff") - 21.0).abs() < 1e-9);
    assert!((contrast("#777777", "#ffffff") - 4.48).abs() < 0.01);
}

fn row(by_priority: &[(&str, usize)]) -> crate::report::IndexRow {
    crate::report::IndexRow {
        case: "Case".to_string(),
        href: "case.html".to_string(),
        as_of: crate::value::Date::new(2013, 9, 1).expect("a day"),
        recommendations: 0,
        warnings: 0,
        notes: 0,
        by_priority: by_priority.iter().map(|(label, n)| ((*label).to_string(), *n)).collect(),
        questions: 0,
    }
}

/// The index's columns of priorities are in the rule base's order (most urgent first)
/// whichever row first shows each label.
#[test]
fn the_index_orders_priorities_most_urgent_first() {
    let rows = [
        row(&[("plan for", 1)]),
        row(&[("act now", 2), ("plan for", 1)]),
        row(&[("plan for", 1), ("consider", 3)]),
    ];
    assert_eq!(super::index::priority_labels(&rows), ["act now", "plan for", "consider"]);
    assert!(super::index::priority_labels(&[]).is_empty());
}
