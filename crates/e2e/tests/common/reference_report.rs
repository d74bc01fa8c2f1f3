//! The side-by-side benchmark's outputs (`solidity_reference.rs`): its rows, the Markdown table
//! the README carries (checked by `readme.rs`) and the plot of gas against positions
//! (`test/results/solidity-reference.svg`, drawn with the `plotters` crate).

use plotters::prelude::*;
use pm_e2e::format::grouped;

use super::ROOT;

/// Derive's published gas of their margin check (Standard Manager, Solidity, cold), for 16, 32
/// and 128 options of their test book: their figures, not measured here.
pub const DERIVE_PUBLISHED: [(usize, u64); 3] = [(16, 1_020_000), (32, 2_490_000), (128, 22_900_000)];

/// The committed results of the benchmark.
pub const RESULTS: &str = "solidity-reference-gas.json";
/// The committed plot.
pub const PLOT: &str = "solidity-reference.svg";

/// One book measured in both programs: program gas (tx gas − 21,000 − calldata gas).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// `"options"` (the risk program's benchmark book) or `"derive"` (Derive's test book).
    pub book: String,
    pub positions: usize,
    pub underlyings: usize,
    /// The Stylus risk program outside Arbitrum's program cache.
    pub stylus: u64,
    /// The same, cached (as a busy program is).
    pub stylus_cached: u64,
    /// The Solidity reference.
    pub solidity: u64,
}

impl Row {
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "book": self.book,
            "positions": self.positions,
            "underlyings": self.underlyings,
            "stylus_gas": self.stylus,
            "stylus_gas_cached": self.stylus_cached,
            "solidity_gas": self.solidity,
        })
    }

    fn of_json(v: &serde_json::Value) -> Row {
        let n = |k: &str| v[k].as_u64().unwrap_or_else(|| panic!("{RESULTS}: {k}"));
        Row {
            book: v["book"].as_str().unwrap().to_string(),
            positions: n("positions") as usize,
            underlyings: n("underlyings") as usize,
            stylus: n("stylus_gas"),
            stylus_cached: n("stylus_gas_cached"),
            solidity: n("solidity_gas"),
        }
    }

    /// Solidity ÷ Stylus cached.
    pub fn ratio(&self) -> f64 {
        self.solidity as f64 / self.stylus_cached as f64
    }
}

/// The rows committed in `test/results/solidity-reference-gas.json`.
pub fn committed_rows() -> Vec<Row> {
    let text = std::fs::read_to_string(format!("{ROOT}/test/results/{RESULTS}")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["rows"].as_array().unwrap().iter().map(Row::of_json).collect()
}

/// The README's table of `rows`.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| book | options | underlyings | Stylus | Stylus, cached | Solidity | Solidity ÷ Stylus cached |\n\
         |---|---:|---:|---:|---:|---:|---:|\n",
    );
    for r in rows {
        let book = if r.book == "derive" { "Derive's" } else { "ours" };
        out += &format!(
            "| {book} | {} | {} | {} | {} | {} | {:.1}× |\n",
            r.positions,
            r.underlyings,
            grouped(r.stylus),
            grouped(r.stylus_cached),
            grouped(r.solidity),
            r.ratio()
        );
    }
    out
}

/// Draws gas against options (both axes logarithmic) to `test/results/solidity-reference.svg`:
/// on Derive's book and on ours over 4 underlyings, the Solidity reference and the Stylus risk
/// program (cached), and Derive's published figures for their whole margin check, marked as
/// theirs, beside the engine's whole cached `accountMargin` on the same book (`derive_account`:
/// (options, gas) from `derive-gas.json`).
pub fn plot(rows: &[Row], derive_account: &[(usize, u64)]) -> Result<(), Box<dyn std::error::Error>> {
    let path = format!("{ROOT}/test/results/{PLOT}");
    let root = SVGBackend::new(&path, (900, 560)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Gas of one margin computation: Stylus against the same model in Solidity",
            ("sans-serif", 20),
        )
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(78)
        .build_cartesian_2d((1f64..160f64).log_scale(), (5_000f64..40_000_000f64).log_scale())?;
    chart
        .configure_mesh()
        .x_desc("options in the book")
        .y_desc("gas")
        .y_label_formatter(&|v| grouped(*v as u64))
        .x_label_formatter(&|v| format!("{v:.0}"))
        .draw()?;
    let series = |book: &str, underlyings: usize, f: fn(&Row) -> u64| -> Vec<(f64, f64)> {
        rows.iter()
            .filter(|r| r.book == book && (book == "derive" || r.underlyings == underlyings))
            .map(|r| (r.positions as f64, f(r) as f64))
            .collect()
    };
    type Line = (&'static str, Vec<(f64, f64)>, RGBColor);
    let lines: [Line; 4] = [
        (
            "Solidity reference, Derive's book",
            series("derive", 1, |r| r.solidity),
            RED,
        ),
        (
            "Solidity reference, our book (4 underlyings)",
            series("options", 4, |r| r.solidity),
            MAGENTA,
        ),
        (
            "Stylus risk program, Derive's book",
            series("derive", 1, |r| r.stylus_cached),
            BLUE,
        ),
        (
            "Stylus risk program, our book (4 underlyings)",
            series("options", 4, |r| r.stylus_cached),
            RGBColor(0, 150, 150),
        ),
    ];
    for (label, points, color) in lines {
        chart
            .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))?
            .label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2)));
        chart.draw_series(points.into_iter().map(|p| Circle::new(p, 3, color.filled())))?;
    }
    let account: Vec<(f64, f64)> = derive_account
        .iter()
        .map(|&(n, g)| (n as f64, g as f64))
        .collect();
    chart
        .draw_series(LineSeries::new(account.clone(), BLACK.stroke_width(1)))?
        .label("the engine's whole accountMargin (cached), Derive's book")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], BLACK));
    chart.draw_series(account.into_iter().map(|p| Circle::new(p, 3, BLACK.filled())))?;
    chart
        .draw_series(
            DERIVE_PUBLISHED
                .iter()
                .map(|&(n, g)| TriangleMarker::new((n as f64, g as f64), 7, GREEN.filled())),
        )?
        .label("Derive's published figures (theirs): their whole margin check in Solidity")
        .legend(|(x, y)| TriangleMarker::new((x + 9, y), 6, GREEN.filled()));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}
