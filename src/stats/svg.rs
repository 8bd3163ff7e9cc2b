//! Charts drawn on the server as SVG text: no CDN, no script, readable with JavaScript off.
//! Every label is escaped; the SVG carries a <title> and <desc> for screen readers and one
//! `data-series` group per series so tests (and people) can find them.

use crate::ui::escape_html as escape;

/// One named series of values, one per x label.
pub struct Series<'a> {
    pub name: &'a str,
    pub color: &'a str,
    pub values: Vec<f64>,
}

const W: f64 = 720.0;
const H: f64 = 260.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 28.0;
const BOTTOM: f64 = 40.0;

fn nice_max(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(max.log10().floor());
    for step in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if step * magnitude >= max {
            return step * magnitude;
        }
    }
    10.0 * magnitude
}

fn number(v: f64) -> String {
    if v >= 10_000.0 {
        format!("{:.1}万", v / 10_000.0)
    } else if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

fn frame(title: &str, desc: &str, max: f64, body: &str, labels: &str, legend: &str) -> String {
    let mut grid = String::new();
    for i in 0..=4 {
        let v = max * f64::from(i) / 4.0;
        let y = TOP + (H - TOP - BOTTOM) * (1.0 - f64::from(i) / 4.0);
        grid.push_str(&format!(
            "<line x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#e2e8f0\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#64748b\">{}</text>",
            W - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            number(v)
        ));
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {H}\" role=\"img\" \
         aria-label=\"{t}\" class=\"w-full\"><title>{t}</title><desc>{d}</desc>{grid}{body}{labels}{legend}</svg>",
        t = escape(title),
        d = escape(desc),
    )
}

fn x_labels(labels: &[String], x_of: impl Fn(usize) -> f64) -> String {
    let every = labels.len().div_ceil(10).max(1);
    labels
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, l)| {
            format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#64748b\">{}</text>",
                x_of(i),
                H - BOTTOM + 16.0,
                escape(l)
            )
        })
        .collect()
}

fn legend(series: &[Series]) -> String {
    series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let x = LEFT + i as f64 * 140.0;
            format!(
                "<rect x=\"{x:.1}\" y=\"8\" width=\"10\" height=\"10\" fill=\"{}\"/>\
                 <text x=\"{:.1}\" y=\"17\" font-size=\"12\" fill=\"#334155\">{}</text>",
                escape(s.color),
                x + 14.0,
                escape(s.name)
            )
        })
        .collect()
}

/// A line chart of `series` over `labels` (e.g. days). Values below zero are drawn at zero.
pub fn line_chart(title: &str, labels: &[String], series: &[Series]) -> String {
    let max = nice_max(
        series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .fold(0.0, f64::max),
    );
    let n = labels.len().max(1);
    let x_of = |i: usize| {
        if n == 1 {
            (LEFT + W - RIGHT) / 2.0
        } else {
            LEFT + (W - LEFT - RIGHT) * i as f64 / (n - 1) as f64
        }
    };
    let y_of = |v: f64| TOP + (H - TOP - BOTTOM) * (1.0 - v.max(0.0) / max);
    let mut body = String::new();
    for s in series {
        let points: Vec<String> = s
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", x_of(i), y_of(*v)))
            .collect();
        body.push_str(&format!(
            "<g data-series=\"{}\"><polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>",
            escape(s.name),
            escape(s.color),
            points.join(" ")
        ));
        for (i, v) in s.values.iter().enumerate() {
            body.push_str(&format!(
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{}\"><title>{} {}：{}</title></circle>",
                x_of(i),
                y_of(*v),
                escape(s.color),
                escape(labels.get(i).map(String::as_str).unwrap_or("")),
                escape(s.name),
                number(*v)
            ));
        }
        body.push_str("</g>");
    }
    let desc = format!("{} 个数据点，{} 个系列", labels.len(), series.len());
    frame(
        title,
        &desc,
        max,
        &body,
        &x_labels(labels, x_of),
        &legend(series),
    )
}

/// A bar chart, one bar per label.
pub fn bar_chart(title: &str, labels: &[String], series: &Series) -> String {
    let max = nice_max(series.values.iter().copied().fold(0.0, f64::max));
    let n = labels.len().max(1) as f64;
    let slot = (W - LEFT - RIGHT) / n;
    let width = (slot * 0.7).max(1.0);
    let x_of = |i: usize| LEFT + slot * (i as f64 + 0.5);
    let mut body = format!("<g data-series=\"{}\">", escape(series.name));
    for (i, v) in series.values.iter().enumerate() {
        let h = (H - TOP - BOTTOM) * v.max(0.0) / max;
        body.push_str(&format!(
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{width:.1}\" height=\"{h:.1}\" fill=\"{}\"><title>{}：{}</title></rect>",
            x_of(i) - width / 2.0,
            H - BOTTOM - h,
            escape(series.color),
            escape(labels.get(i).map(String::as_str).unwrap_or("")),
            number(*v)
        ));
    }
    body.push_str("</g>");
    let desc = format!("{} 个柱", labels.len());
    frame(
        title,
        &desc,
        max,
        &body,
        &x_labels(labels, x_of),
        &legend(std::slice::from_ref(series)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_and_escapes() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(7.0), 10.0);
        assert_eq!(nice_max(180.0), 200.0);
        assert_eq!(nice_max(2_300.0), 2_500.0);
        let svg = bar_chart(
            "<b>标题</b>",
            &["<script>".to_string()],
            &Series {
                name: "A&B",
                color: "#4f46e5",
                values: vec![3.0],
            },
        );
        assert!(!svg.contains("<script>") && !svg.contains("<b>"));
        assert!(svg.contains("&lt;script&gt;") && svg.contains("A&amp;B"));
        let line = line_chart(
            "t",
            &["1".into(), "2".into()],
            &[Series {
                name: "s",
                color: "#000",
                values: vec![1.0, 2.0],
            }],
        );
        assert_eq!(line.matches("<circle").count(), 2);
        assert!(line.contains("data-series=\"s\""));
    }
}
