//! Charts drawn as inline SVG on the server, so the statistics page needs no script library and
//! fetches nothing. Every chart is drawn next to a table with its numbers, and each mark carries a
//! `<title>` that shows on hover.
//!
//! Coordinates are in SVG user units. The drawing area is `WIDTH` × `HEIGHT` and scales with the
//! page through `viewBox`.

use maud::{html, Markup};

/// Width and height of a chart's view box.
const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 240.0;
/// Room on the left for the axis labels and at the bottom for the category labels.
const LEFT: f64 = 44.0;
const BOTTOM: f64 = 28.0;
const TOP: f64 = 12.0;
const RIGHT: f64 = 12.0;

/// Colours of series, in order, chosen to stay apart when printed in grey.
pub const PALETTE: [&str; 6] = [
    "#1f5fa8", "#c0392b", "#2e8b57", "#8e44ad", "#d68910", "#566573",
];

/// One line of a line chart: a name and one value per label, `None` where there is no value.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// Returns the colour of the series at `index`.
pub fn colour(index: usize) -> &'static str {
    PALETTE[index % PALETTE.len()]
}

/// Returns the y coordinate of `value` on an axis from 0 to `max`.
fn y_of(value: f64, max: f64) -> f64 {
    let span = HEIGHT - TOP - BOTTOM;
    HEIGHT - BOTTOM - span * (value / max).clamp(0.0, 1.0)
}

/// Returns the x coordinate of the centre of slot `index` of `count`.
fn x_of(index: usize, count: usize) -> f64 {
    let span = WIDTH - LEFT - RIGHT;
    LEFT + span * (index as f64 + 0.5) / count.max(1) as f64
}

/// Draws lines of percentages (0 to 100) over `labels`, such as an on-time rate per week.
pub fn percent_lines(id: &str, caption: &str, labels: &[String], series: &[Series]) -> Markup {
    let count = labels.len();
    html! {
        svg id=(id) class="chart" viewBox=(format!("0 0 {WIDTH} {HEIGHT}")) role="img" aria-label=(caption) {
            (axes(&[0.0, 50.0, 100.0], 100.0, "%"))
            @for (index, label) in labels.iter().enumerate() {
                text.label x=(format!("{:.1}", x_of(index, count))) y=(format!("{:.1}", HEIGHT - 8.0)) text-anchor="middle" { (label) }
            }
            @for (number, line) in series.iter().enumerate() {
                @let points = polyline_points(&line.values, count);
                @if !points.is_empty() {
                    polyline.series fill="none" stroke=(colour(number)) stroke-width="2.5" points=(points) {}
                }
                @for (index, value) in line.values.iter().enumerate() {
                    @if let Some(value) = value {
                        circle cx=(format!("{:.1}", x_of(index, count))) cy=(format!("{:.1}", y_of(*value, 100.0)))
                            r="4" fill=(colour(number)) data-value=(format!("{value:.0}")) {
                            title { (line.name) "，" (labels[index]) "：" (format!("{value:.0}")) "%" }
                        }
                    }
                }
            }
        }
    }
}

/// Returns the `points` attribute of a polyline through the values that exist.
fn polyline_points(values: &[Option<f64>], count: usize) -> String {
    values
        .iter()
        .enumerate()
        .filter_map(|(index, value)| {
            value.map(|value| format!("{:.1},{:.1}", x_of(index, count), y_of(value, 100.0)))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Draws horizontal bars, one per label, such as rejected items by reason.
pub fn bars(id: &str, caption: &str, bars: &[(String, u32)]) -> Markup {
    let max = bars
        .iter()
        .map(|(_, value)| *value)
        .max()
        .unwrap_or(0)
        .max(1);
    let row = 28.0;
    let height = row * bars.len().max(1) as f64 + 8.0;
    let label_width = 150.0;
    let span = WIDTH - label_width - 60.0;
    html! {
        svg id=(id) class="chart" viewBox=(format!("0 0 {WIDTH} {height}")) role="img" aria-label=(caption) {
            @for (index, (label, value)) in bars.iter().enumerate() {
                @let y = 4.0 + row * index as f64;
                @let width = bar_length(*value, max, span);
                text.label x=(format!("{:.1}", label_width - 8.0)) y=(format!("{:.1}", y + 18.0)) text-anchor="end" { (label) }
                rect x=(label_width) y=(format!("{y:.1}")) width=(format!("{width:.1}")) height="20"
                    fill=(colour(0)) data-value=(value) {
                    title { (label) "：" (value) }
                }
                text.value x=(format!("{:.1}", label_width + width + 6.0)) y=(format!("{:.1}", y + 16.0)) { (value) }
            }
        }
    }
}

/// Returns the length of a bar of `value` when `max` fills `span`.
fn bar_length(value: u32, max: u32, span: f64) -> f64 {
    span * f64::from(value) / f64::from(max.max(1))
}

/// Draws pairs of columns per label, such as items received and still unprocessed per day.
pub fn column_pairs(
    id: &str,
    caption: &str,
    labels: &[String],
    first: (&str, &[u32]),
    second: (&str, &[u32]),
) -> Markup {
    let count = labels.len();
    let max = first
        .1
        .iter()
        .chain(second.1)
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    let max = f64::from(nice_ceiling(max));
    let slot = (WIDTH - LEFT - RIGHT) / count.max(1) as f64;
    let width = (slot * 0.35).min(18.0);
    // Ticks stay whole numbers: the middle one only when the ceiling is even.
    let ticks: Vec<f64> = if (max as u32).is_multiple_of(2) {
        vec![0.0, max / 2.0, max]
    } else {
        vec![0.0, max]
    };
    let label_step = label_step(count);
    html! {
        svg id=(id) class="chart" viewBox=(format!("0 0 {WIDTH} {HEIGHT}")) role="img" aria-label=(caption) {
            (axes(&ticks, max, ""))
            @for (index, label) in labels.iter().enumerate() {
                @let centre = x_of(index, count);
                @for (offset, (name, values), fill) in [(-width, first, colour(0)), (0.0, second, colour(4))] {
                    @let value = values.get(index).copied().unwrap_or(0);
                    @let top = y_of(f64::from(value), max);
                    rect x=(format!("{:.1}", centre + offset)) y=(format!("{top:.1}")) width=(format!("{width:.1}"))
                        height=(format!("{:.1}", HEIGHT - BOTTOM - top)) fill=(fill) data-value=(value) {
                        title { (label) " " (name) "：" (value) }
                    }
                }
                @if index % label_step == 0 {
                    text.label x=(format!("{centre:.1}")) y=(format!("{:.1}", HEIGHT - 8.0)) text-anchor="middle" { (label) }
                }
            }
        }
    }
}

/// Maximum number of category labels on an axis, so that labels never overlap.
const MAX_AXIS_LABELS: usize = 8;

/// Returns every how many categories a label is drawn.
fn label_step(count: usize) -> usize {
    count.div_ceil(MAX_AXIS_LABELS).max(1)
}

/// Returns the smallest of 1, 2, 5, 10, 20, 50, … that is at least `value`, so axis ticks are
/// round.
pub fn nice_ceiling(value: u32) -> u32 {
    let mut step = 1u32;
    loop {
        for factor in [1, 2, 5] {
            let candidate = step.saturating_mul(factor);
            if candidate >= value {
                return candidate;
            }
        }
        step = step.saturating_mul(10);
    }
}

fn axes(ticks: &[f64], max: f64, unit: &str) -> Markup {
    html! {
        line x1=(LEFT) y1=(HEIGHT - BOTTOM) x2=(WIDTH - RIGHT) y2=(HEIGHT - BOTTOM) stroke="#888" {}
        @for tick in ticks {
            @let y = y_of(*tick, max);
            line x1=(LEFT) y1=(format!("{y:.1}")) x2=(WIDTH - RIGHT) y2=(format!("{y:.1}")) stroke="#e3e3e3" {}
            text.label x=(LEFT - 6.0) y=(format!("{:.1}", y + 4.0)) text-anchor="end" { (format!("{tick:.0}")) (unit) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_map_onto_the_drawing_area() {
        assert_eq!(y_of(0.0, 100.0), HEIGHT - BOTTOM);
        assert_eq!(y_of(100.0, 100.0), TOP);
        assert_eq!(y_of(250.0, 100.0), TOP, "values above the axis stay inside");
        assert_eq!(x_of(0, 2), LEFT + (WIDTH - LEFT - RIGHT) * 0.25);
    }

    #[test]
    fn bars_are_proportional() {
        assert_eq!(bar_length(5, 10, 400.0), 200.0);
        assert_eq!(bar_length(0, 0, 400.0), 0.0);
        let markup = bars(
            "b",
            "理由",
            &[("缺少签名".to_string(), 2), ("其他".to_string(), 4)],
        )
        .into_string();
        assert!(markup.contains(r#"data-value="2""#), "{markup}");
        assert!(markup.contains("缺少签名：2"), "{markup}");
    }

    #[test]
    fn lines_skip_missing_values() {
        let points = polyline_points(&[Some(100.0), None, Some(0.0)], 3);
        let expected = format!(
            "{:.1},{:.1} {:.1},{:.1}",
            x_of(0, 3),
            TOP,
            x_of(2, 3),
            HEIGHT - BOTTOM
        );
        assert_eq!(points, expected);
    }

    #[test]
    fn long_axes_label_every_few_days() {
        assert_eq!(label_step(7), 1);
        assert_eq!(label_step(8), 1);
        assert_eq!(label_step(30), 4);
        let labels: Vec<String> = (1..=30).map(|day| format!("{day}日")).collect();
        let values = vec![1u32; 30];
        let markup =
            column_pairs("d", "每日", &labels, ("a", &values), ("b", &values)).into_string();
        assert!(markup.contains(">1日<"), "{markup}");
        assert!(markup.contains(">5日<"), "{markup}");
        assert!(!markup.contains(">2日<"), "{markup}");
    }

    #[test]
    fn axis_ceilings_are_round() {
        assert_eq!(nice_ceiling(0), 1);
        assert_eq!(nice_ceiling(3), 5);
        assert_eq!(nice_ceiling(7), 10);
        assert_eq!(nice_ceiling(11), 20);
        assert_eq!(nice_ceiling(120), 200);
    }

    #[test]
    fn text_in_charts_is_escaped() {
        let markup = bars("b", "x", &[("<script>".to_string(), 1)]).into_string();
        assert!(!markup.contains("<script>"), "{markup}");
    }
}
