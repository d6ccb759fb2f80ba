//! Charts as server-rendered SVG (no script): horizontal bars of a share per row (compliance
//! per step), paired columns per month (cases submitted and done) and a line of a share per
//! month (the trend within the standard). Builders compute the geometry; one template
//! (`chart.svg.html`) draws any chart, escaping every label. Each page that shows a chart
//! shows its figures as a table too, so the chart is never the only way to read them.

use askama::Template;

/// A rectangle (a bar), with its tooltip.
pub(crate) struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub class: &'static str,
    pub tip: String,
}

/// A line through points ("x,y x,y ...").
pub(crate) struct Line {
    pub points: String,
    pub class: &'static str,
}

pub(crate) struct Dot {
    pub x: f64,
    pub y: f64,
    pub tip: String,
}

pub(crate) struct Label {
    pub x: f64,
    pub y: f64,
    /// `start`, `middle` or `end`.
    pub anchor: &'static str,
    pub class: &'static str,
    pub text: String,
}

/// A chart ready to draw: a view box `width` x `height` and its shapes.
#[derive(Template)]
#[template(path = "chart.svg.html")]
pub(crate) struct Chart {
    /// What the chart shows, for screen readers (`aria-label`) and as its `<title>`.
    pub title: String,
    pub width: f64,
    pub height: f64,
    pub rects: Vec<Rect>,
    pub lines: Vec<Line>,
    pub dots: Vec<Dot>,
    pub labels: Vec<Label>,
}

impl Chart {
    fn new(title: String, width: f64, height: f64) -> Chart {
        Chart {
            title,
            width,
            height,
            rects: Vec::new(),
            lines: Vec::new(),
            dots: Vec::new(),
            labels: Vec::new(),
        }
    }

    fn label(&mut self, x: f64, y: f64, anchor: &'static str, class: &'static str, text: String) {
        self.labels.push(Label {
            x,
            y,
            anchor,
            class,
            text,
        });
    }

    /// The SVG markup (escaped by the template), or nothing if it cannot be drawn.
    pub(crate) fn svg(&self) -> String {
        self.render().unwrap_or_default()
    }
}

/// One row of a horizontal bar chart: its label, its share (0-100) and the share worded.
pub(crate) struct ShareBar {
    pub label: String,
    pub share: f64,
    pub text: String,
}

const WIDTH: f64 = 400.0;

/// Horizontal bars of a share per row, 0-100 % with grid lines at 50 and 100.
pub(crate) fn share_bars(title: String, rows: &[ShareBar]) -> Chart {
    let row_height = 22.0;
    // The right margin holds the widest value, "100,0 %" in bold at 11 units.
    let (left, right, top) = (104.0, 60.0, 8.0);
    let height = top + row_height * rows.len().max(1) as f64 + 18.0;
    let mut chart = Chart::new(title, WIDTH, height);
    let span = WIDTH - left - right;
    for (tick, text) in [(0.0, "0"), (50.0, "50"), (100.0, "100 %")] {
        let x = left + span * tick / 100.0;
        chart.lines.push(Line {
            points: format!("{x:.1},{top:.1} {x:.1},{:.1}", height - 16.0),
            class: "pl-chart-grid",
        });
        chart.label(x, height - 4.0, "middle", "pl-chart-axis", text.to_owned());
    }
    for (index, row) in rows.iter().enumerate() {
        let y = top + row_height * index as f64;
        let share = row.share.clamp(0.0, 100.0);
        chart.label(
            left - 6.0,
            y + 15.0,
            "end",
            "pl-chart-label",
            row.label.chars().take(14).collect(),
        );
        chart.rects.push(Rect {
            x: left,
            y: y + 4.0,
            width: span * share / 100.0,
            height: row_height - 8.0,
            class: if share >= 80.0 {
                "pl-chart-good"
            } else if share >= 50.0 {
                "pl-chart-fair"
            } else {
                "pl-chart-poor"
            },
            tip: format!("{}: {}", row.label, row.text),
        });
        chart.label(
            left + span * share / 100.0 + 4.0,
            y + 15.0,
            "start",
            "pl-chart-value",
            row.text.clone(),
        );
    }
    chart
}

/// One month of a column chart: its label and two counts.
pub(crate) struct MonthColumns {
    pub label: String,
    pub first: u64,
    pub second: u64,
}

/// Two columns a month (first and second series), scaled to the largest count.
pub(crate) fn month_columns(
    title: String,
    legend: (String, String),
    months: &[MonthColumns],
) -> Chart {
    let (left, right, top, bottom) = (30.0, 8.0, 22.0, 20.0);
    let height = 190.0;
    let mut chart = Chart::new(title, WIDTH, height);
    let most = months
        .iter()
        .map(|month| month.first.max(month.second))
        .max()
        .unwrap_or(0)
        .max(1);
    let span = WIDTH - left - right;
    let plot = height - top - bottom;
    let slot = span / months.len().max(1) as f64;
    let bar = (slot * 0.36).min(16.0);
    // Ticks at whole counts: each drawn where its value is, not at a fixed share.
    for value in [0, most / 2, most] {
        let y = top + plot * (1.0 - value as f64 / most as f64);
        chart.lines.push(Line {
            points: format!("{left:.1},{y:.1} {:.1},{y:.1}", WIDTH - right),
            class: "pl-chart-grid",
        });
        chart.label(
            left - 4.0,
            y + 4.0,
            "end",
            "pl-chart-axis",
            value.to_string(),
        );
    }
    for (index, month) in months.iter().enumerate() {
        let middle = left + slot * (index as f64 + 0.5);
        for (offset, count, class, name) in [
            (-bar, month.first, "pl-chart-first", &legend.0),
            (0.0, month.second, "pl-chart-second", &legend.1),
        ] {
            let h = plot * count as f64 / most as f64;
            chart.rects.push(Rect {
                x: middle + offset,
                y: top + plot - h,
                width: bar,
                height: h,
                class,
                tip: format!("{} · {name}: {count}", month.label),
            });
        }
        chart.label(
            middle,
            height - 6.0,
            "middle",
            "pl-chart-axis",
            month.label.clone(),
        );
    }
    chart.rects.push(Rect {
        x: left,
        y: 4.0,
        width: 10.0,
        height: 10.0,
        class: "pl-chart-first",
        tip: legend.0.clone(),
    });
    chart.label(left + 14.0, 13.0, "start", "pl-chart-axis", legend.0);
    chart.rects.push(Rect {
        x: left + 150.0,
        y: 4.0,
        width: 10.0,
        height: 10.0,
        class: "pl-chart-second",
        tip: legend.1.clone(),
    });
    chart.label(left + 164.0, 13.0, "start", "pl-chart-axis", legend.1);
    chart
}

/// One month of a trend: its label, its share (0-100; none without finished tasks) worded.
pub(crate) struct TrendPoint {
    pub label: String,
    pub share: Option<f64>,
    pub text: String,
}

/// A line of a share per month, 0-100 %; a month without figures breaks the line.
pub(crate) fn share_trend(title: String, points: &[TrendPoint]) -> Chart {
    let (left, right, top, bottom) = (34.0, 10.0, 10.0, 20.0);
    let height = 170.0;
    let mut chart = Chart::new(title, WIDTH, height);
    let span = WIDTH - left - right;
    let plot = height - top - bottom;
    for (tick, text) in [(0.0, "0"), (50.0, "50"), (100.0, "100 %")] {
        let y = top + plot * (1.0 - tick / 100.0);
        chart.lines.push(Line {
            points: format!("{left:.1},{y:.1} {:.1},{y:.1}", WIDTH - right),
            class: "pl-chart-grid",
        });
        chart.label(left - 4.0, y + 4.0, "end", "pl-chart-axis", text.to_owned());
    }
    let slot = span / points.len().max(1) as f64;
    let mut run: Vec<String> = Vec::new();
    let mut runs: Vec<Vec<String>> = Vec::new();
    for (index, point) in points.iter().enumerate() {
        let x = left + slot * (index as f64 + 0.5);
        match point.share {
            Some(share) => {
                let y = top + plot * (1.0 - share.clamp(0.0, 100.0) / 100.0);
                run.push(format!("{x:.1},{y:.1}"));
                chart.dots.push(Dot {
                    x,
                    y,
                    tip: format!("{}: {}", point.label, point.text),
                });
            }
            None => runs.push(std::mem::take(&mut run)),
        }
        chart.label(
            x,
            height - 6.0,
            "middle",
            "pl-chart-axis",
            point.label.clone(),
        );
    }
    runs.push(run);
    for run in runs.into_iter().filter(|run| run.len() > 1) {
        chart.lines.push(Line {
            points: run.join(" "),
            class: "pl-chart-trend",
        });
    }
    chart
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_bars_scale_to_their_share() {
        let chart = share_bars(
            "Kepatuhan <per> langkah".into(),
            &[
                ShareBar {
                    label: "<script>".into(),
                    share: 50.0,
                    text: "50,0 %".into(),
                },
                ShareBar {
                    label: "3".into(),
                    share: 100.0,
                    text: "100,0 %".into(),
                },
            ],
        );
        let svg = chart.svg();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(!svg.contains("<script>"), "{svg}");
        assert!(svg.contains("&#60;script&#62;"), "{svg}");
        // The span is 400 - 104 - 60 = 236: half is 118.
        assert!(svg.contains("width=\"118.0\""), "{svg}");
        assert!(svg.contains("width=\"236.0\""), "{svg}");
    }

    #[test]
    fn a_month_without_figures_breaks_the_trend() {
        let point = |share: Option<f64>| TrendPoint {
            label: "Nov".into(),
            share,
            text: String::new(),
        };
        let chart = share_trend(
            "Tren".into(),
            &[
                point(Some(50.0)),
                point(Some(60.0)),
                point(None),
                point(Some(70.0)),
            ],
        );
        let trends: Vec<&Line> = chart
            .lines
            .iter()
            .filter(|line| line.class == "pl-chart-trend")
            .collect();
        assert_eq!(trends.len(), 1);
        assert_eq!(chart.dots.len(), 3);
    }
}
