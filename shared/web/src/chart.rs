//! Accessible SVG bar charts drawn on the server for the statistics pages.

use congxa_locale::number::grouped;

/// One bar: a short axis label ("27/11", "Th11", "2026"), the full label
/// read by screen readers and tooltips ("Thứ Sáu, 27/11/2026"), and the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub full_label: String,
    pub value: u64,
}

/// What to draw, with the words around it.
#[derive(Debug, Clone, Copy)]
pub struct Chart<'a> {
    /// Unique on the page and without spaces; prefixes the ids of the title
    /// and description.
    pub id: &'a str,
    /// e.g. "Lượt xem theo ngày, 30 ngày qua".
    pub title: &'a str,
    /// e.g. "lượt xem".
    pub unit: &'a str,
    pub bars: &'a [Bar],
}

/// Every size is in viewBox units, which scale with the container. A narrow
/// box keeps 13-unit text near 12px on a 340px phone; the theme caps the
/// width on large screens (`.chart { max-width: 40rem }`).
const WIDTH: f64 = 360.0;
const COLUMNS_HEIGHT: f64 = 200.0;
const FONT_SIZE: f64 = 13.0;
/// A generous average advance of one character, so estimated label widths
/// err towards more room rather than overlapping text.
const CHAR_WIDTH: f64 = 0.6 * FONT_SIZE;
/// Inline fallback for themes without `.chart-bar`: 6.4:1 against white.
const BAR_FILL: &str = "#1f5fa8";
/// More labels than this under the columns cannot be read on a phone.
const MAX_X_LABELS: usize = 12;
const MAX_COLUMN_WIDTH: f64 = 40.0;
const X_LABEL_CHARS: usize = 10;
const RANKING_LABEL_CHARS: usize = 20;
const RANKING_ROW: f64 = 26.0;
const RANKING_BAR: f64 = 16.0;
/// Items spelled out in a ranking's description; the rest are counted.
const RANKING_DESC_ITEMS: usize = 10;
const NO_DATA: &str = "Chưa có số liệu.";

/// Vertical bars over time (days, months, years), with a value axis.
pub fn columns(chart: &Chart) -> String {
    let bars = chart.bars;
    let max = bars.iter().map(|bar| bar.value).max().unwrap_or(0);
    let scale = Scale::for_max(max);
    let top_value = scale.top();

    let tick_chars = grouped_wide(top_value).chars().count();
    let left = tick_chars as f64 * CHAR_WIDTH + 8.0;
    let x_labels: Vec<String> = bars
        .iter()
        .map(|bar| truncate(&bar.label, X_LABEL_CHARS))
        .collect();
    let label_width = x_labels
        .iter()
        .map(|label| label.chars().count())
        .max()
        .unwrap_or(0) as f64
        * CHAR_WIDTH;
    // The last label is centred under the last bar and must not be clipped.
    let right = (label_width / 2.0).clamp(6.0, 40.0);
    let plot_top = 10.0;
    let plot_bottom = COLUMNS_HEIGHT - 24.0;
    let plot_height = plot_bottom - plot_top;
    let plot_width = WIDTH - left - right;
    let slot = plot_width / bars.len().max(1) as f64;
    // Thin bars lose their gaps so that a year of days stays visible.
    // A few bars stay bars rather than turning into blocks.
    let bar_width = if slot < 3.0 {
        slot
    } else {
        (slot * 0.7).min(MAX_COLUMN_WIDTH)
    };
    let y_of = |value: u128| plot_bottom - value as f64 / top_value as f64 * plot_height;

    let mut svg = open_svg(chart, "chart-columns", COLUMNS_HEIGHT, &summary(chart));

    svg.push_str(r#"<g class="chart-axis" fill="currentColor" stroke="currentColor">"#);
    for tick in scale.ticks() {
        let y = y_of(tick);
        let opacity = if tick == 0 { "0.6" } else { "0.2" };
        svg.push_str(&format!(
            r#"<line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke-opacity="{opacity}"/><text x="{}" y="{}" text-anchor="end" stroke="none">{}</text>"#,
            coord(left),
            coord(WIDTH - right),
            coord(left - 4.0),
            coord(y + FONT_SIZE / 3.0),
            grouped_wide(tick),
            y = coord(y),
        ));
    }
    svg.push_str("</g>");

    svg.push_str(r#"<g class="chart-bars">"#);
    for (i, bar) in bars.iter().enumerate() {
        let slot_x = left + slot * i as f64;
        let mut height = u128::from(bar.value) as f64 / top_value as f64 * plot_height;
        if bar.value > 0 {
            // A small but real count must not round away to nothing.
            height = height.max(1.0);
        }
        // The transparent full-height area makes a one-unit-wide bar, or a
        // zero, still show its tooltip under the pointer.
        svg.push_str(&format!(
            r#"<g class="chart-item"><title>{}</title><rect x="{}" y="{}" width="{}" height="{}" fill="none" pointer-events="all"/><rect class="chart-bar" fill="{BAR_FILL}" x="{}" y="{}" width="{}" height="{}"/></g>"#,
            escape(&bar_title(bar, chart.unit)),
            coord(slot_x),
            coord(plot_top),
            coord(slot),
            coord(plot_height),
            coord(slot_x + (slot - bar_width) / 2.0),
            coord(plot_bottom - height),
            coord(bar_width),
            coord(height),
        ));
    }
    svg.push_str("</g>");

    let every = label_every(bars.len(), slot, label_width);
    svg.push_str(r#"<g class="chart-x-labels" fill="currentColor" text-anchor="middle">"#);
    for (i, label) in x_labels.iter().enumerate() {
        // Counted from the end, so the latest period is always labelled.
        if (bars.len() - 1 - i).is_multiple_of(every) {
            svg.push_str(&format!(
                r#"<text x="{}" y="{}">{}</text>"#,
                coord(left + slot * (i as f64 + 0.5)),
                coord(plot_bottom + 18.0),
                escape(label),
            ));
        }
    }
    svg.push_str("</g>");

    if max == 0 {
        svg.push_str(&format!(
            r#"<text class="chart-empty" x="{}" y="{}" fill="currentColor" text-anchor="middle">{NO_DATA}</text>"#,
            coord(left + plot_width / 2.0),
            coord(plot_top + plot_height / 2.0),
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// Horizontal bars for a ranking (top articles, referrers, devices), in the
/// given order: label left of each bar, value at its end.
pub fn ranking(chart: &Chart) -> String {
    let bars = chart.bars;
    let max = bars.iter().map(|bar| bar.value).max().unwrap_or(0);
    let labels: Vec<String> = bars
        .iter()
        .map(|bar| truncate(&bar.label, RANKING_LABEL_CHARS))
        .collect();
    let label_chars = labels
        .iter()
        .map(|label| label.chars().count())
        .max()
        .unwrap_or(0);
    let bar_x = label_chars as f64 * CHAR_WIDTH + 8.0;
    let value_chars = bars
        .iter()
        .map(|bar| grouped(bar.value).chars().count())
        .max()
        .unwrap_or(0);
    let room = WIDTH - bar_x - (value_chars as f64 * CHAR_WIDTH + 6.0);
    let height = if bars.is_empty() {
        40.0
    } else {
        bars.len() as f64 * RANKING_ROW + 8.0
    };

    let mut description = summary(chart);
    if max > 0 {
        description.push(' ');
        description.push_str(&listing(chart));
    }
    let mut svg = open_svg(chart, "chart-ranking", height, &description);

    svg.push_str(r#"<g class="chart-bars">"#);
    for (i, (bar, label)) in bars.iter().zip(&labels).enumerate() {
        let row_y = 4.0 + RANKING_ROW * i as f64;
        let text_y = row_y + RANKING_ROW / 2.0 + FONT_SIZE / 3.0;
        let length = if max == 0 {
            0.0
        } else {
            let length = bar.value as f64 / max as f64 * room;
            if bar.value > 0 { length.max(1.0) } else { 0.0 }
        };
        svg.push_str(&format!(
            r#"<g class="chart-item"><title>{}</title><rect x="0" y="{}" width="{}" height="{}" fill="none" pointer-events="all"/><text x="0" y="{}" fill="currentColor">{}</text><rect class="chart-bar" fill="{BAR_FILL}" x="{}" y="{}" width="{}" height="{}"/><text x="{}" y="{}" fill="currentColor">{}</text></g>"#,
            escape(&bar_title(bar, chart.unit)),
            coord(row_y),
            coord(WIDTH),
            coord(RANKING_ROW),
            coord(text_y),
            escape(label),
            coord(bar_x),
            coord(row_y + (RANKING_ROW - RANKING_BAR) / 2.0),
            coord(length),
            coord(RANKING_BAR),
            coord(bar_x + length + 4.0),
            coord(text_y),
            grouped(bar.value),
        ));
    }
    svg.push_str("</g>");

    if bars.is_empty() {
        svg.push_str(&format!(
            r#"<text class="chart-empty" x="{}" y="{}" fill="currentColor" text-anchor="middle">{NO_DATA}</text>"#,
            coord(WIDTH / 2.0),
            coord(height / 2.0 + FONT_SIZE / 3.0),
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// The opening tag, title and description shared by both kinds of chart.
fn open_svg(chart: &Chart, class: &str, height: f64, description: &str) -> String {
    let id = escape(chart.id);
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart {class}" role="img" aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {} {}" width="100%" preserveAspectRatio="xMidYMid meet" font-size="{}"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        coord(WIDTH),
        coord(height),
        coord(FONT_SIZE),
        escape(chart.title),
        escape(description),
    )
}

/// "Cao nhất: 1.234 lượt xem (Thứ Sáu, 27/11/2026). Tổng: 5.678 lượt xem."
fn summary(chart: &Chart) -> String {
    // `max_by_key` keeps the last of equal maxima; reversed, the first.
    let highest = chart.bars.iter().rev().max_by_key(|bar| bar.value);
    match highest {
        Some(bar) if bar.value > 0 => {
            let total: u128 = chart.bars.iter().map(|bar| u128::from(bar.value)).sum();
            format!(
                "Cao nhất: {} ({}). Tổng: {}.",
                amount(&grouped(bar.value), chart.unit),
                bar.full_label,
                amount(&grouped_wide(total), chart.unit),
            )
        }
        _ => NO_DATA.to_owned(),
    }
}

/// A ranking's items in words: `role="img"` hides the labels drawn inside
/// the chart from screen readers, and in a ranking they are the point.
fn listing(chart: &Chart) -> String {
    let items: Vec<String> = chart
        .bars
        .iter()
        .take(RANKING_DESC_ITEMS)
        .map(|bar| bar_title(bar, chart.unit))
        .collect();
    let mut text = format!("Lần lượt: {}", items.join("; "));
    let rest = chart.bars.len().saturating_sub(RANKING_DESC_ITEMS);
    if rest > 0 {
        text.push_str(&format!("; và {rest} mục khác"));
    }
    text.push('.');
    text
}

/// "Thứ Sáu, 27/11/2026: 1.234 lượt xem", unescaped.
fn bar_title(bar: &Bar, unit: &str) -> String {
    format!("{}: {}", bar.full_label, amount(&grouped(bar.value), unit))
}

fn amount(number: &str, unit: &str) -> String {
    if unit.is_empty() {
        number.to_owned()
    } else {
        format!("{number} {unit}")
    }
}

/// A value axis from 0 to `step * intervals`, the step 1, 2 or 5 × 10^n.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Scale {
    step: u128,
    intervals: u128,
}

impl Scale {
    /// The smallest step giving at most four intervals up to `max`, so 3 to
    /// 5 ticks. Wide integers: the top tick over u64::MAX cannot overflow.
    fn for_max(max: u64) -> Scale {
        let max = u128::from(max);
        let mut magnitude: u128 = 1;
        loop {
            for factor in [1, 2, 5] {
                let step = factor * magnitude;
                let intervals = max.div_ceil(step);
                if intervals <= 4 {
                    // Only for 0 and 1: an axis 0, 1, 2 rather than a lone line.
                    return Scale {
                        step,
                        intervals: intervals.max(2),
                    };
                }
            }
            magnitude *= 10;
        }
    }

    fn top(self) -> u128 {
        self.step * self.intervals
    }

    fn ticks(self) -> impl Iterator<Item = u128> {
        (0..=self.intervals).map(move |i| i * self.step)
    }
}

/// Every how many bars an x label fits without overlapping its neighbours,
/// and without more than `MAX_X_LABELS` under the chart.
fn label_every(count: usize, slot: f64, label_width: f64) -> usize {
    let by_room = if slot > 0.0 {
        ((label_width + FONT_SIZE / 2.0) / slot).ceil() as usize
    } else {
        count
    };
    by_room.max(count.div_ceil(MAX_X_LABELS)).max(1)
}

/// `grouped` for sums and axis tops that may pass u64::MAX.
fn grouped_wide(value: u128) -> String {
    match u64::try_from(value) {
        Ok(value) => grouped(value),
        Err(_) => format!("{}.{:03}", grouped_wide(value / 1000), value % 1000),
    }
}

/// A coordinate rounded to one decimal, without a trailing ".0".
fn coord(value: f64) -> String {
    if !value.is_finite() {
        return "0".to_owned();
    }
    let text = format!("{value:.1}");
    match text.strip_suffix(".0") {
        Some("-0") => "0".to_owned(),
        Some(whole) => whole.to_owned(),
        None => text,
    }
}

/// At most `max` characters, the last one "…" when cut. Combining marks
/// stay with their letter, so a decomposed "ệ" is never cut from its marks.
fn truncate(text: &str, max: usize) -> String {
    let text = text.trim();
    let letters = text.chars().filter(|&c| !is_combining(c)).count();
    if letters <= max {
        return text.to_owned();
    }
    let mut kept = 0;
    let mut cut = text.len();
    for (index, c) in text.char_indices() {
        if !is_combining(c) {
            if kept == max.saturating_sub(1) {
                cut = index;
                break;
            }
            kept += 1;
        }
    }
    let kept = &text[..cut];
    // Prefer ending on a whole word when one ends in the second half.
    let kept = match kept.rfind(char::is_whitespace) {
        Some(space) if kept[..space].chars().count() >= max / 2 => &kept[..space],
        _ => kept,
    };
    format!("{}…", kept.trim_end())
}

fn is_combining(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}')
}

/// Text and attribute values for XML. Characters XML cannot carry at all
/// (most control characters) are dropped, so hostile labels cannot break
/// the document.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, full_label: &str, value: u64) -> Bar {
        Bar {
            label: label.to_owned(),
            full_label: full_label.to_owned(),
            value,
        }
    }

    fn days(count: usize) -> Vec<Bar> {
        (0..count)
            .map(|i| {
                bar(
                    &format!("{}/{}", i % 28 + 1, i / 28 + 1),
                    &format!("Ngày {}", i + 1),
                    (i as u64 * 37) % 101,
                )
            })
            .collect()
    }

    fn chart<'a>(bars: &'a [Bar]) -> Chart<'a> {
        Chart {
            id: "luot-xem",
            title: "Lượt xem theo ngày, 30 ngày qua",
            unit: "lượt xem",
            bars,
        }
    }

    /// Checks the markup is well-formed XML the simple way: every tag is
    /// closed in order, attribute values are quoted, no stray `<` and every
    /// `&` starts one of the five predefined entities.
    fn assert_well_formed(svg: &str) {
        let mut open: Vec<&str> = Vec::new();
        let mut rest = svg;
        while let Some(start) = rest.find('<') {
            assert_text_is_escaped(&rest[..start]);
            let end = start
                + rest[start..]
                    .find('>')
                    .unwrap_or_else(|| panic!("unclosed tag in {rest}"));
            let tag = &rest[start + 1..end];
            assert!(!tag.contains('<'), "'<' inside tag {tag}");
            assert_eq!(
                tag.matches('"').count() % 2,
                0,
                "unbalanced quotes in {tag}"
            );
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(open.pop(), Some(name), "mismatched </{name}>");
            } else {
                let name = tag.split([' ', '/']).next().unwrap_or_default();
                assert!(!name.is_empty(), "tag without a name: {tag}");
                if !tag.ends_with('/') {
                    open.push(name);
                }
                for value in tag.split('"').skip(1).step_by(2) {
                    assert_text_is_escaped(value);
                }
            }
            rest = &rest[end + 1..];
        }
        assert_text_is_escaped(rest);
        assert!(open.is_empty(), "unclosed elements: {open:?}");
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
    }

    fn assert_text_is_escaped(text: &str) {
        assert!(!text.contains('>'), "raw '>' in {text}");
        for (index, _) in text.match_indices('&') {
            let entity = &text[index..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                    .iter()
                    .any(|known| entity.starts_with(known)),
                "bare '&' in {text}"
            );
        }
    }

    /// Every value of a geometric attribute, parsed.
    fn coordinates(svg: &str) -> Vec<(String, String)> {
        let mut found = Vec::new();
        for name in ["x", "y", "x1", "y1", "x2", "y2", "width", "height"] {
            let needle = format!(" {name}=\"");
            for (index, _) in svg.match_indices(&needle) {
                let value = &svg[index + needle.len()..];
                let value = &value[..value.find('"').unwrap_or_default()];
                found.push((name.to_owned(), value.to_owned()));
            }
        }
        found
    }

    fn assert_coordinates_are_tidy(svg: &str, height: f64) {
        for (name, value) in coordinates(svg) {
            if value == "100%" {
                continue;
            }
            let number: f64 = value
                .parse()
                .unwrap_or_else(|_| panic!("{name}=\"{value}\" is not a number"));
            assert!(number.is_finite() && number >= 0.0, "{name}=\"{value}\"");
            let decimals = value.split('.').nth(1).map_or(0, str::len);
            assert!(decimals <= 1, "{name}=\"{value}\" has too many decimals");
            let limit = if name.starts_with('x') || name == "width" {
                WIDTH
            } else {
                height
            };
            assert!(
                number <= limit + 0.05,
                "{name}=\"{value}\" outside the chart"
            );
        }
    }

    fn x_labels(svg: &str) -> Vec<String> {
        let group = svg
            .split(r#"<g class="chart-x-labels""#)
            .nth(1)
            .and_then(|rest| rest.split("</g>").next())
            .unwrap_or_default();
        group
            .split("<text ")
            .skip(1)
            .filter_map(|text| {
                let start = text.find('>')? + 1;
                let end = text.find("</text>")?;
                Some(text[start..end].to_owned())
            })
            .collect()
    }

    #[test]
    fn hostile_labels_come_out_escaped() {
        let bars = [
            bar(
                "<script>alert(1)</script>",
                "<script>alert(\"x\")</script>",
                5,
            ),
            bar("\"&", "a\"&b'<c>", 3),
            bar("evil\u{0}\u{1b}.com", "evil\u{0}.com", 1),
        ];
        let mut chart = chart(&bars);
        chart.title = "Tiêu đề <b>&</b>";
        chart.unit = "lượt \"xem\"";

        for svg in [columns(&chart), ranking(&chart)] {
            assert_well_formed(&svg);
            assert!(!svg.contains("<script"), "{svg}");
            assert!(!svg.contains("<b>"), "{svg}");
            assert!(!svg.contains('\u{0}') && !svg.contains('\u{1b}'));
            assert!(svg.contains("&lt;script&gt;"));
            assert!(svg.contains(
                "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;: 5 lượt &quot;xem&quot;"
            ));
            assert!(svg.contains("a&quot;&amp;b&apos;&lt;c&gt;"));
            assert!(svg.contains("&quot;&amp;"));
            assert!(svg.contains("Tiêu đề &lt;b&gt;&amp;&lt;/b&gt;"));
        }
    }

    #[test]
    fn an_empty_chart_says_there_is_no_data() {
        let columns_svg = columns(&chart(&[]));
        let ranking_svg = ranking(&chart(&[]));

        for svg in [&columns_svg, &ranking_svg] {
            assert_well_formed(svg);
            assert!(svg.contains(r#"<desc id="luot-xem-desc">Chưa có số liệu.</desc>"#));
            assert!(svg.contains(r#"class="chart-empty""#));
            assert!(!svg.contains("NaN") && !svg.contains("inf"));
        }
        assert_coordinates_are_tidy(&columns_svg, COLUMNS_HEIGHT);
        assert!(columns_svg.contains(">0</text>") && columns_svg.contains(">2</text>"));
    }

    #[test]
    fn all_zero_values_draw_an_axis_and_keep_every_tooltip() {
        let bars: Vec<Bar> = days(30)
            .into_iter()
            .map(|b| Bar { value: 0, ..b })
            .collect();

        let svg = columns(&chart(&bars));

        assert_well_formed(&svg);
        assert_coordinates_are_tidy(&svg, COLUMNS_HEIGHT);
        assert!(svg.contains(">Chưa có số liệu.</desc>"));
        assert!(svg.contains(r#"class="chart-empty""#));
        assert!(svg.contains("<title>Ngày 30: 0 lượt xem</title>"));
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
        assert_eq!(Scale::for_max(0).ticks().collect::<Vec<_>>(), [0, 1, 2]);
        assert!(ranking(&chart(&bars)).contains(">Chưa có số liệu.</desc>"));
    }

    #[test]
    fn a_single_bar_is_drawn_labelled_and_summarised() {
        let bars = [bar("2026", "Năm 2026", 1234)];

        let svg = columns(&chart(&bars));

        assert_well_formed(&svg);
        assert_coordinates_are_tidy(&svg, COLUMNS_HEIGHT);
        assert_eq!(x_labels(&svg), ["2026"]);
        assert!(svg.contains(
            "<desc id=\"luot-xem-desc\">Cao nhất: 1.234 lượt xem (Năm 2026). Tổng: 1.234 lượt xem.</desc>"
        ));
        assert!(svg.contains("<title>Năm 2026: 1.234 lượt xem</title>"));
        assert!(svg.contains(">1.500</text>"), "top tick 1.500: {svg}");
        let ranked = ranking(&chart(&bars));
        assert_well_formed(&ranked);
        assert_coordinates_are_tidy(&ranked, 34.0);
    }

    #[test]
    fn very_large_values_neither_overflow_nor_make_nan() {
        let bars = [
            bar("Th10", "Tháng 10/2026", 1_000_000_000_000),
            bar("Th11", "Tháng 11/2026", 999_999_999_999),
            bar("Th12", "Tháng 12/2026", 1),
        ];

        for svg in [columns(&chart(&bars)), ranking(&chart(&bars))] {
            assert_well_formed(&svg);
            assert!(!svg.contains("NaN") && !svg.contains("inf"));
            assert!(svg.contains("Cao nhất: 1.000.000.000.000 lượt xem (Tháng 10/2026). Tổng: 2.000.000.000.000 lượt xem."));
        }
        assert_coordinates_are_tidy(&columns(&chart(&bars)), COLUMNS_HEIGHT);

        let extreme = [bar("a", "A", u64::MAX), bar("b", "B", u64::MAX)];
        let svg = columns(&chart(&extreme));
        assert_well_formed(&svg);
        assert_coordinates_are_tidy(&svg, COLUMNS_HEIGHT);
        assert!(svg.contains("Tổng: 36.893.488.147.419.103.230 lượt xem."));
        assert!(svg.contains(">20.000.000.000.000.000.000</text>"));
        assert!(!ranking(&chart(&extreme)).contains("NaN"));
    }

    #[test]
    fn ticks_are_nice_and_reach_the_highest_value() {
        let mut maxima = vec![
            0, 1, 2, 3, 4, 5, 7, 9, 10, 11, 19, 21, 99, 101, 1234, 60_000,
        ];
        maxima.extend([
            999_999,
            1_000_001,
            10u64.pow(12),
            10u64.pow(12) + 1,
            u64::MAX,
        ]);
        maxima.extend((0..2000).map(|i| i * 7919 % 100_003));

        for max in maxima {
            let scale = Scale::for_max(max);
            let ticks: Vec<u128> = scale.ticks().collect();

            let mut mantissa = scale.step;
            while mantissa.is_multiple_of(10) {
                mantissa /= 10;
            }
            assert!(
                [1, 2, 5].contains(&mantissa),
                "step {} for {max}",
                scale.step
            );
            assert!((3..=5).contains(&ticks.len()), "{ticks:?} for {max}");
            assert_eq!(ticks[0], 0);
            assert!(ticks.iter().all(|tick| tick % scale.step == 0));
            assert!(
                *ticks.last().unwrap_or(&0) >= u128::from(max),
                "{ticks:?} for {max}"
            );
            // Nice but not wasteful: one step less would not reach the max.
            if max > 1 {
                assert!(
                    scale.top() - scale.step < u128::from(max),
                    "{ticks:?} for {max}"
                );
            }
        }
        assert_eq!(
            Scale::for_max(1234).ticks().collect::<Vec<_>>(),
            [0, 500, 1000, 1500]
        );
        assert_eq!(
            Scale::for_max(100).ticks().collect::<Vec<_>>(),
            [0, 50, 100]
        );
    }

    #[test]
    fn a_year_of_days_is_thinned_to_a_dozen_labels_ending_with_the_last() {
        let bars: Vec<Bar> = (0..366)
            .map(|i| bar(&format!("d{i}"), &format!("Ngày thứ {}", i + 1), i))
            .collect();

        let svg = columns(&chart(&bars));
        let labels = x_labels(&svg);

        assert_well_formed(&svg);
        assert_coordinates_are_tidy(&svg, COLUMNS_HEIGHT);
        assert!((2..=12).contains(&labels.len()), "{labels:?}");
        assert_eq!(labels.last().map(String::as_str), Some("d365"));
        assert_eq!(svg.matches("<title>").count(), 366);
        assert!(svg.contains("<title>Ngày thứ 1: 0 lượt xem</title>"));
        assert!(svg.contains("<title>Ngày thứ 366: 365 lượt xem</title>"));
    }

    #[test]
    fn a_month_of_days_keeps_labels_apart() {
        let bars = days(30);

        let svg = columns(&chart(&bars));
        let labels = x_labels(&svg);

        assert!(labels.len() >= 4 && labels.len() <= 12, "{labels:?}");
        assert_eq!(labels.last(), Some(&bars[29].label));
        // Centres of neighbouring labels at least one label width apart.
        let xs: Vec<f64> = svg
            .split(r#"<g class="chart-x-labels""#)
            .nth(1)
            .unwrap_or_default()
            .split("<text x=\"")
            .skip(1)
            .filter_map(|text| text.split('"').next()?.parse().ok())
            .collect();
        let widest = 5.0 * CHAR_WIDTH;
        assert!(
            xs.windows(2).all(|pair| pair[1] - pair[0] >= widest),
            "{xs:?}"
        );
        assert_eq!(label_every(30, 10.0, 36.0), 5);
        assert_eq!(label_every(5, 60.0, 36.0), 1);
        assert_eq!(label_every(366, 100.0, 10.0), 31);
    }

    #[test]
    fn every_bar_has_its_own_tooltip() {
        let bars = days(30);

        for svg in [columns(&chart(&bars)), ranking(&chart(&bars))] {
            assert_well_formed(&svg);
            assert_eq!(svg.matches("<title>").count(), bars.len());
            assert_eq!(svg.matches(r#"<g class="chart-item">"#).count(), bars.len());
            for bar in &bars {
                let title = format!("<title>{}</title>", bar_title(bar, "lượt xem"));
                assert!(svg.contains(&title), "missing {title}");
            }
        }
    }

    #[test]
    fn a_ranking_truncates_long_labels_but_keeps_them_whole_in_tooltips() {
        let long = "Thông báo về việc tổ chức lễ hội truyền thống của xã năm 2026";
        let bars = [
            bar(long, long, 321),
            bar("zalo.me", "zalo.me", 120),
            bar("Điện thoại", "Điện thoại di động", 0),
        ];

        let svg = ranking(&chart(&bars));

        assert_well_formed(&svg);
        assert_coordinates_are_tidy(&svg, 3.0 * RANKING_ROW + 8.0);
        assert!(svg.contains(">Thông báo về việc…</text>"), "{svg}");
        assert!(svg.contains(&format!("<title>{long}: 321 lượt xem</title>")));
        assert!(svg.contains(">321</text>") && svg.contains(">0</text>"));
        assert!(svg.contains(
            "Cao nhất: 321 lượt xem (Thông báo về việc tổ chức lễ hội truyền thống của xã năm 2026). Tổng: 441 lượt xem. Lần lượt: "
        ));
        assert!(svg.contains("zalo.me: 120 lượt xem; Điện thoại di động: 0 lượt xem.</desc>"));
    }

    #[test]
    fn truncation_counts_letters_not_bytes() {
        assert_eq!(truncate("Điện thoại", 20), "Điện thoại");
        assert_eq!(truncate("Những người dân", 5), "Nhữn…");
        assert_eq!(truncate("  a  ", 5), "a");
        assert_eq!(truncate("abc def", 5), "abc…");
        // "ệ" decomposed: e, dot below, circumflex; never split from them.
        let decomposed = "Vie\u{0323}\u{0302}t Nam";
        assert_eq!(truncate(decomposed, 4), "Vie\u{0323}\u{0302}…");
        assert_eq!(truncate(decomposed, 8), decomposed);
    }

    #[test]
    fn vietnamese_text_survives_intact() {
        let bars = [bar("27/11", "Thứ Sáu, 27/11/2026", 1234)];

        let svg = columns(&chart(&bars));

        assert!(
            svg.contains(r#"<title id="luot-xem-title">Lượt xem theo ngày, 30 ngày qua</title>"#)
        );
        assert!(
            svg.contains("Cao nhất: 1.234 lượt xem (Thứ Sáu, 27/11/2026). Tổng: 1.234 lượt xem.")
        );
        assert!(svg.contains("<title>Thứ Sáu, 27/11/2026: 1.234 lượt xem</title>"));
    }

    #[test]
    fn the_chart_scales_and_takes_its_colours_from_the_theme() {
        let bars = days(7);

        for svg in [columns(&chart(&bars)), ranking(&chart(&bars))] {
            let open = &svg[..svg.find('>').unwrap_or_default()];
            assert!(open.contains(r#"role="img""#));
            assert!(open.contains(r#"aria-labelledby="luot-xem-title luot-xem-desc""#));
            assert!(open.contains(r#"width="100%""#) && open.contains("viewBox=\"0 0 360 "));
            assert!(open.contains("preserveAspectRatio=\"xMidYMid meet\""));
            assert!(!open.contains("height="));
            assert!(svg.contains(r#"<desc id="luot-xem-desc">"#));
            assert_eq!(
                svg.matches(r##"<rect class="chart-bar" fill="#1f5fa8""##)
                    .count(),
                bars.len()
            );
            // The only colour is the bar fallback; text and axes follow the theme.
            assert_eq!(svg.matches('#').count(), bars.len());
            assert!(svg.contains(r#"fill="currentColor""#));
        }
    }

    #[test]
    fn coordinates_are_rounded_to_one_decimal() {
        assert_eq!(coord(12.345), "12.3");
        assert_eq!(coord(12.0), "12");
        assert_eq!(coord(0.04), "0");
        assert_eq!(coord(-0.04), "0");
        assert_eq!(coord(f64::NAN), "0");
        assert_eq!(
            grouped_wide(u128::from(u64::MAX) * 2),
            "36.893.488.147.419.103.230"
        );
        assert_eq!(grouped_wide(1_000), "1.000");
    }
}
