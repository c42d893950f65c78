//! Charts drawn on the server as inline SVG: no script, no external asset, readable by screen
//! readers (`role="img"` with a summary in `<title>` and `aria-label`; every bar carries its own
//! `<title>`). Pages put the same numbers in a table under each chart.
//!
//! Values stay integers (fen, counts); floating point is used only to turn them into pixel
//! positions. Every text that goes into the markup is escaped here, so templates may print the
//! result with `|safe`.

use std::fmt::Write;

use crate::page::escape;

/// Width of every chart's drawing, in SVG user units (the CSS scales it to the container).
const WIDTH: f64 = 640.0;

/// One bar: its label, its value (minor units or a count) and the value as people read it.
#[derive(Debug, Clone)]
pub struct Datum {
    pub label: String,
    pub value: i64,
    pub shown: String,
    /// Draw in the second colour (a projection beside an actual figure, for example).
    pub alt: bool,
}

impl Datum {
    pub fn new(label: impl Into<String>, value: i64, shown: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            value,
            shown: shown.into(),
            alt: false,
        }
    }

    pub fn alt(mut self) -> Self {
        self.alt = true;
        self
    }
}

/// A reference value drawn as a dashed line across the bars (a target, a needed pace).
#[derive(Debug, Clone)]
pub struct Marker {
    pub label: String,
    pub value: i64,
}

/// At most `max` characters, with an ellipsis when cut (long labels stay whole in `<title>`
/// and in the table).
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// Characters of a label the drawing shows before clipping it.
const LABEL_CHARS: usize = 22;

/// Roughly how wide `text` is at the charts' 12px font: CJK characters are square, Latin
/// letters and digits a little over half as wide.
fn text_width(text: &str) -> f64 {
    text.chars()
        .map(|c| if c.is_ascii() { 7.0 } else { 12.0 })
        .sum()
}

/// The largest value the axis must hold (never below 1, so an all-zero chart still draws).
fn scale_max(data: &[Datum], marker: Option<&Marker>) -> i64 {
    data.iter()
        .map(|d| d.value)
        .chain(marker.map(|m| m.value))
        .max()
        .unwrap_or(0)
        .max(1)
}

/// `value` as a share of `max` times `length` pixels; negative values draw as nothing.
fn extent(value: i64, max: i64, length: f64) -> f64 {
    // Pixel geometry only: the amounts themselves are never computed in floating point.
    (value.max(0) as f64 / max as f64) * length
}

fn open_svg(out: &mut String, id: &str, summary: &str, height: f64) {
    let id = escape(id);
    let summary = escape(summary);
    let _ = write!(
        out,
        r#"<svg class="chart" id="{id}" role="img" aria-labelledby="{id}-title" aria-label="{summary}" viewBox="0 0 {WIDTH:.0} {height:.0}" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{summary}</title>"#
    );
}

/// Horizontal bars, one row per datum, with an optional dashed target line.
pub fn horizontal(id: &str, summary: &str, data: &[Datum], marker: Option<&Marker>) -> String {
    // Room for the longest label on the left and the longest value on the right.
    let widest =
        |texts: &mut dyn Iterator<Item = String>| texts.map(|t| text_width(&t)).fold(0.0, f64::max);
    let label_w =
        (widest(&mut data.iter().map(|d| clip(&d.label, LABEL_CHARS))) + 12.0).clamp(48.0, 200.0);
    let value_w = (widest(&mut data.iter().map(|d| d.shown.clone())) + 12.0).clamp(48.0, 240.0);
    const ROW: f64 = 30.0;
    const BAR: f64 = 20.0;
    const TOP: f64 = 6.0;
    let bar_w = WIDTH - label_w - value_w;
    let bottom = if marker.is_some() { 26.0 } else { 6.0 };
    let rows = data.len().max(1) as f64;
    let height = TOP + rows * ROW + bottom;
    let max = scale_max(data, marker);
    let mut out = String::new();
    open_svg(&mut out, id, summary, height);
    let _ = write!(
        out,
        r#"<line class="axis" x1="{label_w:.1}" y1="{TOP:.1}" x2="{label_w:.1}" y2="{:.1}"/>"#,
        TOP + rows * ROW
    );
    for (i, d) in data.iter().enumerate() {
        let y = TOP + i as f64 * ROW + (ROW - BAR) / 2.0;
        let w = extent(d.value, max, bar_w);
        let class = if d.alt { "bar alt" } else { "bar" };
        let label = escape(&d.label);
        let shown = escape(&d.shown);
        let _ = write!(
            out,
            r#"<g><title>{label}: {shown}</title><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text><rect class="{class}" x="{label_w:.1}" y="{y:.1}" width="{w:.1}" height="{BAR:.1}"/><text x="{:.1}" y="{:.1}">{shown}</text></g>"#,
            label_w - 6.0,
            y + BAR / 2.0 + 4.0,
            escape(&clip(&d.label, LABEL_CHARS)),
            label_w + w + 6.0,
            y + BAR / 2.0 + 4.0,
        );
    }
    if let Some(m) = marker {
        let x = label_w + extent(m.value, max, bar_w);
        let y2 = TOP + rows * ROW;
        // Keep the label inside the drawing: centred on the line unless that runs off an edge.
        let half = text_width(&m.label) / 2.0;
        let anchor = if x + half > WIDTH {
            "end"
        } else if x - half < 0.0 {
            "start"
        } else {
            "middle"
        };
        let _ = write!(
            out,
            r#"<g class="marker"><title>{label}</title><line class="target" x1="{x:.1}" y1="{TOP:.1}" x2="{x:.1}" y2="{y2:.1}"/><text x="{x:.1}" y="{:.1}" text-anchor="{anchor}">{label}</text></g>"#,
            y2 + 18.0,
            label = escape(&m.label),
        );
    }
    out.push_str("</svg>");
    out
}

/// Vertical bars (a time series), labels under the bars, with an optional dashed line.
pub fn vertical(id: &str, summary: &str, data: &[Datum], marker: Option<&Marker>) -> String {
    const HEIGHT: f64 = 240.0;
    const LEFT: f64 = 8.0;
    const RIGHT: f64 = 8.0;
    const TOP: f64 = 22.0;
    const BOTTOM: f64 = 28.0;
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let base = TOP + plot_h;
    let max = scale_max(data, marker);
    let slot = plot_w / data.len().max(1) as f64;
    let bar_w = (slot * 0.64).max(1.0);
    let mut out = String::new();
    open_svg(&mut out, id, summary, HEIGHT);
    let _ = write!(
        out,
        r#"<line class="axis" x1="{LEFT:.1}" y1="{base:.1}" x2="{:.1}" y2="{base:.1}"/>"#,
        WIDTH - RIGHT
    );
    for (i, d) in data.iter().enumerate() {
        let h = extent(d.value, max, plot_h);
        let x = LEFT + i as f64 * slot + (slot - bar_w) / 2.0;
        let class = if d.alt { "bar alt" } else { "bar" };
        let label = escape(&d.label);
        let _ = write!(
            out,
            r#"<g><title>{label}: {}</title><rect class="{class}" x="{x:.1}" y="{:.1}" width="{bar_w:.1}" height="{h:.1}"/><text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text></g>"#,
            escape(&d.shown),
            base - h,
            x + bar_w / 2.0,
            base + 18.0,
            escape(&clip(&d.label, 8)),
        );
    }
    if let Some(m) = marker {
        let y = base - extent(m.value, max, plot_h);
        let _ = write!(
            out,
            r#"<g class="marker"><title>{label}</title><line class="target" x1="{LEFT:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}"/><text x="{:.1}" y="{:.1}" text-anchor="end">{label}</text></g>"#,
            WIDTH - RIGHT,
            WIDTH - RIGHT,
            (y - 6.0).max(12.0),
            label = escape(&m.label),
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bars() -> Vec<Datum> {
        vec![
            Datum::new("南宁 <A&B>", 300, "3.00 元"),
            Datum::new("柳州", 100, "1.00 元").alt(),
        ]
    }

    #[test]
    fn charts_are_labelled_images_with_one_bar_per_datum() {
        for svg in [
            horizontal("c1", "Turnover by city", &bars(), None),
            vertical("c2", "By month", &bars(), None),
        ] {
            assert!(svg.starts_with("<svg class=\"chart\""));
            assert!(svg.contains(r#"role="img""#));
            assert!(svg.contains("aria-label=\""));
            assert!(svg.contains("<title id=\""));
            assert_eq!(svg.matches("<rect").count(), 2);
            assert!(svg.ends_with("</svg>"));
        }
    }

    #[test]
    fn text_is_escaped() {
        let svg = horizontal("c", "a \"quoted\" <summary>", &bars(), None);
        assert!(svg.contains("南宁 &lt;A&amp;B&gt;"));
        assert!(svg.contains("a &quot;quoted&quot; &lt;summary&gt;"));
        assert!(!svg.contains("<A&B>"));
    }

    /// The number after `attr="` at its first occurrence after `from`.
    fn number_after(svg: &str, from: &str, attr: &str) -> f64 {
        let rest = &svg[svg.find(from).expect("element")..];
        let key = format!("{attr}=\"");
        let start = rest.find(&key).expect("attribute") + key.len();
        let end = rest[start..].find('"').expect("closing quote") + start;
        rest[start..end].parse().expect("number")
    }

    #[test]
    fn bars_and_target_share_one_scale() {
        // The 300 bar reaches half-way to the 600 target line.
        let svg = horizontal(
            "c",
            "s",
            &bars(),
            Some(&Marker {
                label: "target".to_owned(),
                value: 600,
            }),
        );
        let x0 = number_after(&svg, "<rect", "x");
        let w = number_after(&svg, "<rect", "width");
        let line = number_after(&svg, r#"<line class="target""#, "x1");
        assert!((line - x0 - 2.0 * w).abs() < 0.11, "{svg}");
        assert!(svg.contains(r#"class="target""#));
    }

    #[test]
    fn labels_and_values_get_the_room_they_need() {
        let short = horizontal("c", "s", &[Datum::new("A", 1, "1")], None);
        let long = horizontal(
            "c",
            "s",
            &[Datum::new(
                "Technology licence",
                1,
                "CNY 712,500.00 (100.00%)",
            )],
            None,
        );
        assert!(number_after(&long, "<rect", "x") > number_after(&short, "<rect", "x"));
        assert!(number_after(&long, "<rect", "width") < number_after(&short, "<rect", "width"));
    }

    #[test]
    fn a_vertical_chart_draws_its_line_at_the_marker_height() {
        // Plot height 190 (240 - 22 - 28), base line at 212: 600 of 600 is the top (22).
        let svg = vertical(
            "v",
            "s",
            &bars(),
            Some(&Marker {
                label: "pace".to_owned(),
                value: 600,
            }),
        );
        assert!(svg.contains(r#"y1="22.0""#), "{svg}");
        assert!(svg.contains(r#"height="95.0""#), "{svg}");
    }

    #[test]
    fn zero_and_negative_values_draw_empty_bars() {
        let svg = horizontal(
            "c",
            "s",
            &[Datum::new("x", 0, "0"), Datum::new("y", -5, "-5")],
            None,
        );
        assert_eq!(svg.matches(r#"width="0.0""#).count(), 2);
        let svg = vertical("v", "s", &[], None);
        assert!(svg.contains("role=\"img\""));
    }

    #[test]
    fn long_labels_are_clipped_in_the_drawing_only() {
        let long = "Electronic information and artificial intelligence";
        let svg = horizontal("c", "s", &[Datum::new(long, 1, "1")], None);
        assert!(svg.contains(&format!("<title>{long}: 1</title>")));
        assert!(svg.contains("Electronic informatio…"));
    }
}
